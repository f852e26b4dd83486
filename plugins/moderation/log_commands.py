"""#case, #cases, #reason (the moderation log), #rules, #report (members flag a quoted
message), #appeal accept|reject (admins close a member's appeal) and #revoke (an admin takes a
case back)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.actions import Invite, NotifyAdmins, Reply, SendPrivate
from bot.core import cases, lists
from bot.core.cases import Case
from bot.core.outbox import withdraw_case
from bot.core.plugin import command
from bot.core.roles import Role
from bot.core.targets import names_someone, resolve_written
from plugins.antispam.api import find_message
from plugins.moderation import appeals, chat_rules, render
from plugins.moderation.common import (
    case_here,
    config,
    group_or_explain,
    members,
    name_of,
    notify_case,
    sender,
    target,
    target_name,
)
from plugins.moderation.targets import clip

if TYPE_CHECKING:
    from bot.core.context import Context

# how many of a group's latest cases #cases lists (one chat message stays readable)
RECENT_CASES = 10
APPEALS_LISTED = 10  # #appeal alone: the waiting appeals it lists
# removals an accepted appeal can undo by inviting the member back
_REMOVALS = frozenset({"kick", "ban", "spam"})
# the cases #revoke lifts: a penalty on a member
_REVOCABLE = frozenset({"warn", *_REMOVALS})


def removed_member(case: Case) -> bool:
    """Whether the case took the member out of the group (or is doing so: pending), by the bot or
    by an admin's own hand: what lifting it invites them back from."""
    return case.kind in _REMOVALS and case.outcome in ("done", "pending", *cases.REMOVED_BY_HAND)


class LogCommands:
    @command("case", min_role=Role.ADMIN, aliases=("案件",), usage="案件号", allow_private=True)
    async def case(self, ctx: Context, args: str) -> None:
        """查看一个案件：对象、处理人、原因、证据（命中了哪些检查）和结果"""
        if group_or_explain(ctx) is None:
            return
        found = case_here(ctx, args.strip() or "?")
        if found is None:
            return
        tz = ctx.rules.for_room(found.room_id).timezone
        antispam = getattr(ctx.rules.for_room(found.room_id), "antispam", None)
        labels = getattr(getattr(antispam, "texts", None), "check_labels", None)
        target = "（无）"
        if found.target_id:
            # a member removed before they ever spoke has no name history: the name the case was
            # opened with, not the wxid (#case 1 said 对象：wxid_carol, a simulated owner's hour)
            target = name_of(ctx, found.target_id)
            target = found.target_name if target == found.target_id and found.target_name else target
        text = render.card(found, target, name_of(ctx, found.actor_id), tz, labels)
        appeal = appeals.latest(ctx.db, found.id)
        if appeal is not None:
            state = {"pending": "待处理", "accepted": "已通过", "rejected": "已驳回"}.get(appeal.status, appeal.status)
            text += f"\n申诉（{state}）：{clip(appeal.text, 120) or '（无说明）'}"
        ctx.reply(text)
        cases.mark_shown(ctx.db, [found.id], sender(ctx), ctx.now())

    @command("cases", min_role=Role.ADMIN, aliases=("案件列表",), usage="[@成员]", allow_private=True)
    async def cases(self, ctx: Context, args: str) -> None:
        """查看本群最近的案件，或某成员在本群的案件"""
        texts = config(ctx).texts
        if group_or_explain(ctx) is None:
            return
        if not names_someone(ctx, args):
            # an owner typing #cases alone wants the group's latest, not a usage line (quoting a
            # member's message: that member's)
            rows = cases.cases_for(ctx.db, ctx.room_id, None, limit=RECENT_CASES)
            if not rows:
                ctx.reply(texts.no_cases_here)
                return
            # the name the case was opened with: a removed member is no longer in the group to look up
            lines = [render.summary(c, c.target_name or (name_of(ctx, c.target_id) if c.target_id else "（无）"))
                     for c in rows]
            ctx.reply("\n".join([texts.recent_cases.format(count=len(rows)), *lines]))
            cases.mark_shown(ctx.db, [c.id for c in rows], sender(ctx), ctx.now())
            return
        found = await target(ctx, args)
        if found.member_id is None:
            ctx.reply(texts.usage_target.format(prefix=ctx.rules.bot.command_prefix, command="cases"))
            return
        name = target_name(ctx, found)
        rows = cases.cases_for(ctx.db, ctx.room_id, found.member_id, limit=20)
        if not rows:
            ctx.reply(texts.no_cases.format(member=name))
            return
        ctx.reply("\n".join([f"「{name}」的案件（最近 {len(rows)} 个）："] + [render.summary(c, name) for c in rows]))
        cases.mark_shown(ctx.db, [c.id for c in rows], sender(ctx), ctx.now())

    @command("reason", min_role=Role.ADMIN, aliases=("原因",), usage="案件号 原因", allow_private=True)
    async def reason(self, ctx: Context, args: str) -> None:
        """修改案件的原因"""
        if group_or_explain(ctx) is None:
            return
        number, _, text = args.strip().partition(" ")
        text = clip(text)
        if not text:
            ctx.reply("用法：#reason 案件号 新的原因")
            return
        found = case_here(ctx, number)
        if found is None:
            return
        cases.set_reason(ctx.db, found.id, text, sender(ctx), ctx.now())
        ctx.reply(config(ctx).texts.reason_updated.format(case=found.id, reason=text))

    @command("rules", min_role=Role.MEMBER, aliases=("群规",))
    async def rules(self, ctx: Context, args: str) -> None:
        """查看本群群规；群主和管理员可以发送「#rules 设置 第一条；第二条；第三条」修改，「#rules 恢复」改回默认"""
        texts = config(ctx).texts
        change = chat_rules.wants(args)
        if change is not None and ctx.sender_role >= Role.ADMIN and ctx.room_id and ctx.message is not None:
            chat_rules.handle(ctx, *change)
            return
        items = chat_rules.shown(ctx)
        if not items:
            ctx.reply(texts.no_rules)
            return
        ctx.reply(texts.rules_header + "\n" + chat_rules.numbered(items[:3]))

    @command("report", min_role=Role.MEMBER, aliases=("举报",), usage="（引用要举报的消息）[原因]")
    async def report(self, ctx: Context, args: str) -> None:
        """引用一条消息并发送 #report，把它举报给管理员"""
        texts = config(ctx).texts
        msg = ctx.message
        if msg is None or msg.room_id is None or msg.quote is None:
            ctx.reply(texts.report_usage)
            return
        quote = msg.quote
        target_id = quote.sender_id or resolve_written(ctx.db, msg.room_id, members(ctx), quote.sender_name)
        if target_id is not None and target_id == ctx.self_id:
            # the bot's own announcement quoted by mistake (the ad it answered was already
            # recalled): "举报了「群管机器人」" reached the admins as a case (seen in a simulated day)
            ctx.reply(texts.report_own)
            return
        if target_id is not None and target_id == msg.sender_id:
            # the member's own message quoted by mistake (the wrong bubble long-pressed): a case
            # "举报了「bob」" against the reporter himself reached the owner in a simulated day
            ctx.reply(texts.report_self)
            return
        reason = clip(args) or "（未填写）"
        # A quote is plain text a member can type by hand: the evidence is the stored message
        # it points at (by id, else by text from the named member), never the quote's words.
        stored = find_message(ctx.db, msg.room_id, quote.message_id, target_id, quote.text) if target_id else None
        if stored is not None:
            message_id, target_id, text = stored
            evidence = {"text": clip(text, 2000), "message_id": message_id, "reporter": msg.sender_id,
                        "verified": True}
            template = texts.report_notice
        else:
            text = quote.text
            evidence = {"reporter_text": clip(text, 2000), "message_id": quote.message_id,
                        "reporter": msg.sender_id, "verified": False}
            template = texts.report_notice_unverified
        case = cases.open_case(
            ctx.db, room_id=msg.room_id, kind="report", target_id=target_id,
            target_name=clip(quote.sender_name, 64), source="command:report", at=ctx.now(), reason=reason,
            actor_id=msg.sender_id, outcome="reported", evidence=evidence)
        # an admin who reports knows already: their own report came back to them privately as
        # 成员「…」举报了… (seen in a simulated day); the other admins still hear it
        ctx.emit(NotifyAdmins(msg.room_id, template.format(
            reporter=msg.display_name[:64], target=clip(quote.sender_name, 64), case=case.id,
            text=clip(text, 200), reason=reason), case_id=case.id, told=(msg.sender_id,)))
        admin = ctx.sender_role >= Role.ADMIN
        ctx.reply((texts.report_recorded if admin else texts.report_received).format(case=case.id))

    @command("appeal", min_role=Role.ADMIN, aliases=("处理申诉",), usage="accept|reject 案件号 [说明]",
             allow_private=True)
    async def appeal(self, ctx: Context, args: str) -> None:
        """处理成员的申诉：accept 接受（解除处罚）或 reject 驳回；只发 #appeal 列出待处理的申诉"""
        texts = config(ctx).texts
        if group_or_explain(ctx) is None:
            return
        verb, _, rest = args.strip().partition(" ")
        if verb.lower() in ("", "list", "列表", "查看"):
            # an owner typing #appeal alone wants to see what waits (the notice may be hours back)
            self._list_appeals(ctx, ctx.room_id)
            return
        number, _, note = rest.strip().partition(" ")
        accept = verb.lower() in ("accept", "接受", "通过")
        if not (accept or verb.lower() in ("reject", "驳回", "拒绝")) or not number:
            ctx.reply(texts.appeal_admin_usage)
            return
        case = case_here(ctx, number)
        if case is None:
            return
        pending = appeals.pending(ctx.db, case.id)
        if pending is None:
            ctx.reply(texts.appeal_none.format(case=case.id))
            return
        now, by, note = ctx.now(), sender(ctx), clip(note)
        appeals.decide(pending, accept, by, now, note)
        if not accept:
            cases.set_status(ctx.db, case.id, "closed", by, now)
            ctx.emit(SendPrivate(pending.member_id, texts.appeal_rejected_member.format(case=case.id, note=note)))
            ctx.reply(texts.appeal_rejected.format(case=case.id))
            return
        self._accept(ctx, case, pending.member_id, note)

    def _list_appeals(self, ctx: Context, room_id: str | None) -> None:
        texts = config(ctx).texts
        waiting = appeals.waiting_in(ctx.db, room_id or "", limit=APPEALS_LISTED + 1)
        if not waiting:
            ctx.reply(texts.appeals_none_waiting)
            return
        lines = []
        for appeal in waiting[:APPEALS_LISTED]:
            case = cases.get_case(ctx.db, appeal.case_id)
            summary = render.what(case) if case is not None else ""
            # the case's name for them: a member removed and not back has no name in the room now
            name = (case.target_name if case is not None else "") or name_of(ctx, appeal.member_id)
            lines.append(texts.appeals_line.format(case=appeal.case_id, member=name, summary=summary,
                                                   text=clip(appeal.text.replace("\n", " "), 60) or "（无说明）"))
        more = texts.appeals_more if len(waiting) > APPEALS_LISTED else ""
        ctx.reply(texts.appeals_waiting.format(lines="\n".join(lines), more=more))

    @command("revoke", min_role=Role.ADMIN, aliases=("撤销", "撤销案件", "unwarn"), usage="案件号 [说明]",
             allow_private=True)
    async def revoke(self, ctx: Context, args: str) -> None:
        """撤销一个案件（警告、移出、拉黑）：解除处罚，移出的重新邀请，反广告案件记为正常消息"""
        texts = config(ctx).texts
        if group_or_explain(ctx) is None:
            return
        number, _, note = args.strip().partition(" ")
        if not number:
            ctx.reply(texts.revoke_usage)
            return
        case = case_here(ctx, number)
        if case is None:
            return
        if case.status == "reversed":
            ctx.reply(texts.revoke_already.format(case=case.id))
            return
        if case.kind not in _REVOCABLE or not case.target_id or case.outcome == "shadow":
            # a shadow-mode detection recorded what would have happened: nothing to lift
            ctx.reply(texts.revoke_not_penalty.format(case=case.id))
            return
        revoke_case(ctx, case, note)

    @staticmethod
    def _accept(ctx: Context, case: Case, member_id: str, note: str, *, revoked: bool = False,
                answer: str | None = None) -> None:
        """Lift a case's penalty: on an accepted appeal, or revoked by an admin (#revoke, or anti-spam's
        #ham on a removal: `answer` is then its own words, with the same fields)."""
        texts, now, by = config(ctx).texts, ctx.now(), sender(ctx)
        room_id = case.room_id
        cases.set_status(ctx.db, case.id, "reversed", by, now)
        lists.remove(ctx.db, lists.BLACKLIST, room_id, member_id)
        if (case.evidence or {}).get("scope") == lists.ALL_GROUPS:
            lists.remove(ctx.db, lists.BLACKLIST, None, member_id)
        learned = appeals.teach_ham(ctx.db, case, now)
        # a lifted warning or removal is no 解除拉黑 (seen in a simulated day: a warning's accepted
        # appeal was listed as one); only a ban's lifting is
        why = f"管理员撤销（案件 #{case.id}）" if revoked else f"申诉通过（案件 #{case.id}）"
        lifted = cases.open_case(ctx.db, room_id=room_id, kind="unban" if case.kind == "ban" else "lift",
                                 target_id=member_id, target_name=case.target_name,
                                 source="command:revoke" if revoked else "command:appeal",
                                 at=now, reason=why + (f"：{note}" if note else ""), actor_id=by, outcome="done",
                                 evidence={"revoked_case" if revoked else "appeal_case": case.id,
                                           "ham_sample": learned})
        reinvite = ""
        removed = removed_member(case)
        room_members = members(ctx) if ctx.room_id == room_id else frozenset()
        if config(ctx).reinvite and removed and room_id and member_id not in room_members:
            # said to be under way now; what became of it is said once WeChat answered (Invite.answer_*)
            msg, name = ctx.message, case.target_name or name_of(ctx, member_id)
            ctx.emit(Invite(room_id, member_id, reason=f"{'revoked' if revoked else 'appeal accepted on'} case "
                            f"{case.id}", case_id=lifted.id,
                            answer_to=(msg.room_id or msg.sender_id) if msg is not None else None,
                            answer_mention=msg.sender_id if msg is not None and msg.room_id else None,
                            answer_done=texts.reinvited.format(member=name, case=case.id),
                            answer_not_done=texts.reinvite_failed.format(member=name, case=case.id, why="{why}")))
            reinvite = texts.appeal_reinvite
        told, answer = (texts.revoked_member, answer or texts.revoked) if revoked else \
            (texts.appeal_accepted_member, texts.appeal_accepted)
        ctx.emit(SendPrivate(member_id, told.format(case=case.id)))
        ctx.reply(answer.format(case=case.id, unban_case=lifted.id, reinvite=reinvite))
        notify_case(ctx, lifted)


def revoke_case(ctx: Context, case: Case, note: str, *, answer: str | None = None) -> None:
    """Take a case back as #revoke does: a member's waiting appeal settled, a warning or removal not
    yet sent withdrawn, else lifted (a removed member invited back). `answer`: the admin's reply
    in the caller's words (anti-spam's #ham on a removal), formatted with case, unban_case, reinvite."""
    now, by, note = ctx.now(), sender(ctx), clip(note)
    texts = config(ctx).texts
    pending = appeals.pending(ctx.db, case.id)
    if pending is not None:  # the member's appeal is settled by it
        appeals.decide(pending, True, by, now, note)
    if withdraw_case(ctx.db, case.id, now):
        # its warning or removal had not gone out yet: nothing to undo, nobody to invite back
        cases.record_outcome(ctx.db, case.id, "withdrawn", now)
    elif case.kind == "warn" and case.outcome in ("done", "pending") and ctx.message is not None \
            and ctx.message.room_id is None and case.room_id:
        # the group heard the warning (or is hearing it: in flight, not withdrawn); typed
        # privately, the answer reaches only the admin, so the group is told it was taken back
        ctx.emit(Reply(case.room_id, texts.revoked_in_group.format(
            member=case.target_name or name_of(ctx, case.target_id), case=case.id, kind=render.case_kind(case))))
    assert case.target_id is not None  # the callers take back only a penalty on a member
    LogCommands._accept(ctx, case, case.target_id, note, revoked=True, answer=answer)
