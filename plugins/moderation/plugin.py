"""The moderation plugin: admin commands and the moderation log (numbered cases), blacklisted
members removed again when they re-join, reports, and appeals by private message."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.actions import Kick, NotifyAdmins
from bot.core import cases, lists
from bot.core.plugin import JobSpec, Plugin
from bot.core.privacy import private_scope
from bot.core.roles import is_protected
from bot.core.targets import display_name, room_topic
from bot.events import MemberJoined, MemberLeft, MessageReceived
from bot.rules.types import format_duration
from db import repo
from plugins.moderation import appeals, render
from plugins.moderation.actions_commands import ActionCommands
from plugins.moderation.common import NAME, config, notify_case
from plugins.moderation.config import ModerationConfig
from plugins.moderation.inviters import inviter_notice
from plugins.moderation.log_commands import LogCommands
from plugins.moderation.targets import clip

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.core.context import Context
    from bot.rules.loader import Rules

log = logging.getLogger("plugins.moderation")

NOTIFY_JOB = f"{NAME}.notify"
_WATERMARK = ("moderation", "notified_case")  # core_setting scope, key
# cases this plugin opens are announced to admins when opened; the sweep covers the others
_OWN_SOURCES = frozenset({NAME, *(f"command:{c}" for c in ("warn", "kick", "ban", "unban", "report", "appeal"))})
_SWEEP_BATCH = 50
# cases whose action is a removal; the sweep waits this long at most for one to be carried out
_REMOVAL_KINDS = frozenset({"kick", "ban"})
_AWAIT_REMOVAL = timedelta(minutes=10)
# a member's private message that is neither a command nor an appeal is answered this seldom
_HINT_KEY = "moderation.private_hint"  # in the member's private core_setting scope
_HINT_EVERY = timedelta(days=1)


def _sweep_every(rules: Rules) -> timedelta:
    cfg: ModerationConfig = getattr(rules.for_room(None), NAME)
    return max(cfg.notify_every, timedelta(seconds=10))


class ModerationPlugin(ActionCommands, LogCommands, Plugin):
    name = NAME
    title = "群管理"
    Config = ModerationConfig
    events = (MessageReceived, MemberJoined, MemberLeft)

    def wants(self, ctx: Context) -> bool:
        if isinstance(ctx.event, MemberJoined | MemberLeft):
            return True
        msg = ctx.message
        if msg is None:
            return False
        if msg.room_id is not None:
            return appeals.opens_as_appeal(msg.text)
        return bool(msg.text.strip())

    async def handle(self, ctx: Context) -> None:
        if isinstance(ctx.event, MemberJoined):
            self._blacklisted_joined(ctx, ctx.event)
        elif isinstance(ctx.event, MemberLeft):
            self._left(ctx, ctx.event)
        elif ctx.message is not None and ctx.message.room_id is not None:
            self._group_appeal(ctx)
        elif ctx.message is not None:
            await self._private_appeal(ctx)

    # ------------------------------------------------------------------ appeals written in the group
    def _group_appeal(self, ctx: Context) -> None:
        """A member warned in the group answered there, 「#appeal 我没刷屏啊」 or 「申诉 2 …」,
        and heard nothing: #appeal is the admins' command and appeals came only by private
        message (seen in a simulated hometown group, the warning saying 可私聊机器人发送「申诉 2
        理由」). Their appeal of a case of theirs in this group is filed as if sent privately and
        acknowledged where they wrote it; one naming no case, or one of several, is told how.
        Someone with no case here is chatting (申诉到消协): no answer."""
        msg = ctx.message
        assert msg is not None and msg.room_id is not None
        texts = config(ctx).texts
        own = [case for case in self._appealable(ctx, msg.sender_id) if case.room_id == msg.room_id]
        waiting = [case for case in self._appealed(ctx, msg.sender_id) if case.room_id == msg.room_id]
        number, text, _ = appeals.parse_appeal(msg.text[:2000])
        chosen = next((case for case in own if case.id == number), None) if number is not None \
            else own[0] if len(own) == 1 else None
        if chosen is not None:
            self._file(ctx, chosen, text if number is not None else appeals.reason_of(msg.text))
        elif number is not None and any(case.id == number for case in waiting):
            self._add_or_wait(ctx, [case for case in waiting if case.id == number], text)
        elif own:
            ctx.reply(texts.appeal_usage)
        elif waiting:
            self._add_or_wait(ctx, waiting, appeals.reason_of(msg.text))

    # ------------------------------------------------------------------ blacklist on re-join
    def _blacklisted_joined(self, ctx: Context, event: MemberJoined) -> None:
        if not config(ctx).kick_blacklisted_on_join:
            return
        names = dict(zip(event.member_ids, event.member_names, strict=False))
        for member_id in event.member_ids:
            entry = lists.find(ctx.db, lists.BLACKLIST, event.room_id, member_id)
            if entry is None or is_protected(member_id, ctx.room, ctx.rules):
                continue
            name = names.get(member_id) or display_name(ctx.db, event.room_id, member_id)
            reason = "黑名单成员重新入群" + (f"：{entry.reason}" if entry.reason else "")
            case = cases.open_case(
                ctx.db, room_id=event.room_id, kind="kick", target_id=member_id, target_name=name,
                source=NAME, at=ctx.now(), reason=reason,
                evidence={"blacklist_case": entry.case_id, "scope": entry.room_id, "inviter_id": event.inviter_id})
            ctx.emit(Kick(event.room_id, member_id, reason=case.reason, case_id=case.id, member_name=name,
                          notice_done=config(ctx).texts.rejoin_kicked.format(member=name, case=case.id)))
            notify_case(ctx, case)

    # ------------------------------------------------------------------ removals done by hand
    @staticmethod
    def _left(ctx: Context, event: MemberLeft) -> None:
        """A member the bot asked the owner and admins to remove is gone: the case says what
        really happened (it stayed 已请群主处理 after the owner removed them, seen in a simulated
        day), for #cases, #case and the member's own list. The bot's own removal records itself."""
        if event.remover_id is not None and event.remover_id == ctx.self_id:
            return
        room = ctx.room
        if event.remover_id is None:
            # left on their own, or removed by someone the platform did not name
            outcome = "left"
        elif room is not None and event.remover_id == room.owner_id:
            outcome = "removed_by_owner"
        else:
            outcome = "removed_by_admin"
        for member_id in event.member_ids:
            for case in cases.put_to_humans(ctx.db, event.room_id, member_id):
                cases.record_outcome(ctx.db, case.id, outcome, ctx.now())
                if event.remover_id is not None:
                    cases.add_evidence(ctx.db, case.id, {"removed_by": event.remover_id},
                                       event.remover_id, ctx.now())
                log.info("case %d: %s left %s (%s)", case.id, member_id, event.room_id, outcome)

    # ------------------------------------------------------------------ appeals (private chat)
    async def _private_appeal(self, ctx: Context) -> None:
        msg = ctx.message
        assert msg is not None
        texts = config(ctx).texts
        number, text, looked_like = appeals.parse_appeal(msg.text[:2000])
        if number is None:
            # the member was told their case number in a group they may no longer see: an
            # appeal without it, or "为什么踢我", is answered from their own open cases
            asks_why = appeals.asks_why(msg.text)
            if not (looked_like or asks_why):
                await self._answer_once(ctx)
                return
            own = self._appealable(ctx, msg.sender_id)
            # cases whose appeal waits for the admins: "为什么踢我" after "申诉 …" was answered
            # 机器人没有对你做过处理 (seen in a simulated day, the removal minutes old)
            waiting = self._appealed(ctx, msg.sender_id)
            if len(own) == 1 and looked_like:
                self._file(ctx, own[0], appeals.reason_of(msg.text))
            elif own:
                lines = "\n".join(render.case_line(case, room_topic(ctx.db, case.room_id)) for case in own)
                ctx.reply(texts.appeal_pick.format(cases=lines, example=own[0].id))
            elif waiting:
                self._add_or_wait(ctx, waiting, appeals.reason_of(msg.text) if looked_like else "")
            elif looked_like:
                ctx.reply(texts.appeal_nothing_open)
            else:
                ctx.reply(texts.appeal_not_by_bot)
            return
        case = cases.get_case(ctx.db, number)
        if case is None or case.target_id != msg.sender_id or case.room_id is None:
            ctx.reply(texts.appeal_not_yours.format(case=number))
            return
        cfg: ModerationConfig = getattr(ctx.rules.for_room(case.room_id), NAME)
        if case.kind not in cfg.appealable or case.status == "reversed":
            ctx.reply(texts.appeal_not_yours.format(case=number))
            return
        if appeals.pending(ctx.db, case.id) is not None:
            self._add_or_wait(ctx, [case], text)
            return
        if ctx.now() - case.created_at > cfg.appeal_window:
            ctx.reply(texts.appeal_too_late.format(case=number))
            return
        self._file(ctx, case, text)

    async def _answer_once(self, ctx: Context) -> None:
        """A private message that is neither a command nor an appeal (你好, 在吗, 为什么群里不能发
        蛋糕): members who wrote to the bot heard nothing (seen in simulated flea market, residents'
        and pet days). One short answer a day per member, kept with the reply's transaction, so
        a member who writes 你好, 在吗, ？ is answered once; one who has a case they may still
        appeal is shown it and how to appeal (they often open with 你好, not 申诉)."""
        msg = ctx.message
        assert msg is not None
        if msg.text.lstrip().startswith((ctx.rules.bot.command_prefix, "＃")):
            return  # a command above the member's role: ignored silently, as in the group
        now = ctx.now()
        last = repo.get_setting(ctx.db, private_scope(msg.sender_id), _HINT_KEY)
        if last is not None and now - datetime.fromisoformat(str(last)) < _HINT_EVERY:
            return
        if msg.sender_id in ctx.rules.bot.operators or await ctx.owned_groups(msg.sender_id):
            return  # an owner's 收到 under a digest: they know the bot, and #help shows them #use
        texts = config(ctx).texts
        own = self._appealable(ctx, msg.sender_id)
        waiting = self._appealed(ctx, msg.sender_id)
        if own:
            lines = "\n".join(render.case_line(case, room_topic(ctx.db, case.room_id)) for case in own)
            ctx.reply(texts.private_hint_case.format(cases=lines, example=own[0].id))
        elif waiting:  # 在吗 after 申诉: where their appeal stands
            ctx.reply(texts.appeal_duplicate.format(case="、#".join(str(c.id) for c in waiting[:5])))
        else:
            ctx.reply(texts.private_hint.format(prefix=ctx.rules.bot.command_prefix))
        repo.put_setting(ctx.db, private_scope(msg.sender_id), _HINT_KEY, now.isoformat(), msg.sender_id, now)

    @staticmethod
    def _appealed(ctx: Context, member_id: str) -> list[cases.Case]:
        """The member's cases whose appeal waits for the admins."""
        return [c for c in cases.cases_for(ctx.db, None, member_id, limit=20) if c.status == "appealed"]

    def _appealable(self, ctx: Context, member_id: str) -> list[cases.Case]:
        """The member's cases they may still appeal (newest first): of an appealable kind, not
        reversed, inside the window, with no appeal waiting."""
        found = []
        for case in cases.cases_for(ctx.db, None, member_id, limit=20):
            if case.room_id is None:
                continue
            cfg: ModerationConfig = getattr(ctx.rules.for_room(case.room_id), NAME)
            if (case.kind in cfg.appealable and case.status not in ("reversed", "appealed")
                    and ctx.now() - case.created_at <= cfg.appeal_window):
                found.append(case)
        return found[:5]

    def _file(self, ctx: Context, case: cases.Case, text: str) -> None:
        assert ctx.message is not None and case.room_id is not None
        cfg: ModerationConfig = getattr(ctx.rules.for_room(case.room_id), NAME)
        text = clip(text, 1000)
        appeals.file_appeal(ctx.db, case, ctx.message.sender_id, text, ctx.now())
        name = display_name(ctx.db, case.room_id, ctx.message.sender_id)
        ctx.emit(NotifyAdmins(case.room_id, cfg.texts.appeal_notice.format(
            member=name, case=case.id, summary=render.what(case), text=text or "（无说明）"),
            case_id=case.id, while_status="appealed"))
        ctx.reply(config(ctx).texts.appeal_received.format(case=case.id))

    def _add_or_wait(self, ctx: Context, waiting: list[cases.Case], text: str) -> None:
        """A member writing again about their appeal that waits: their new words go to the admins
        when it is one appeal and the words are news (appeals.add_to); else where it stands."""
        assert ctx.message is not None
        texts = config(ctx).texts
        appeal = appeals.pending(ctx.db, waiting[0].id) if len(waiting) == 1 else None
        case = waiting[0]
        if appeal is None or case.room_id is None or not appeals.add_to(appeal, clip(text, 1000)):
            ctx.reply(texts.appeal_duplicate.format(case="、#".join(str(c.id) for c in waiting[:5])))
            return
        cfg: ModerationConfig = getattr(ctx.rules.for_room(case.room_id), NAME)
        name = display_name(ctx.db, case.room_id, ctx.message.sender_id)
        ctx.emit(NotifyAdmins(case.room_id, cfg.texts.appeal_added_notice.format(
            member=name, case=case.id, summary=render.what(case), text=clip(text, 1000)),
            case_id=case.id, while_status="appealed"))
        ctx.reply(texts.appeal_added.format(case=case.id))

    # ------------------------------------------------------------------ notices for other plugins' cases
    def jobs(self, rules: Rules, db: Session) -> Iterable[JobSpec]:
        return [JobSpec(id=NOTIFY_JOB, trigger=f"every {format_duration(_sweep_every(rules))}")]

    async def run_job(self, ctx: Context, job: JobSpec) -> None:
        if job.id == NOTIFY_JOB:
            self._sweep(ctx)

    def _sweep(self, ctx: Context) -> None:
        """Tell admins about cases other plugins opened since the last sweep. The very first
        sweep starts after the cases opened before its last two intervals: history from before
        the bot ran is not news, but the ads it removed in its first minute are (they were
        never told: the first sweep had marked them as history, seen in a simulated day)."""
        scope, key = _WATERMARK
        mark = repo.get_setting(ctx.db, scope, key)
        if mark is None:
            mark = cases.latest_id(ctx.db, before=ctx.now() - 2 * _sweep_every(ctx.rules))
            repo.put_setting(ctx.db, scope, key, mark, NAME, ctx.now())
        rows = cases.cases_after(ctx.db, int(mark), _SWEEP_BATCH)
        swept = None
        for case in rows:
            if (case.outcome == "pending" and case.kind in _REMOVAL_KINDS
                    and ctx.now() - case.created_at < _AWAIT_REMOVAL):
                # whether the bot removed them or asked the owner in the group decides who still
                # needs to hear of it: this case and the ones after it wait for the next sweep
                break
            # a case whose action asked the admins already (a removal put to them): the case
            # line again would be a second message about it
            # a shadow-mode detection did nothing by design: it is for #cases and the console (a
            # group where members sell, with the char model in shadow, heard of every sales post)
            if (case.source not in _OWN_SOURCES and case.room_id and ctx.rules.manages(case.room_id)
                    and case.outcome != "shadow" and not cases.asked_admins(case)):
                # asked_owner here: the bot could not remove, and asked the owner and admins in
                # the group; operators (not there) still hear of it
                notify_case(ctx, case, asked_in_room=case.outcome == "asked_owner")
                cfg: ModerationConfig = getattr(ctx.rules.for_room(case.room_id), NAME)
                if cfg.enabled and cfg.notify_cases and (about := inviter_notice(ctx, case, cfg)):
                    ctx.emit(NotifyAdmins(case.room_id, about))
            swept = case.id
        if swept is not None:
            repo.put_setting(ctx.db, scope, key, swept, NAME, ctx.now())
