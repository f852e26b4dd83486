"""#warn, #kick, #ban, #unban, #whitelist: an admin acts on a member. Each action is a
numbered case opened before any side effect; the actions carry the case id, so the outbox
records what came of it, and the words ("已移出") ride on the Kick: they are said only once the
member is really out, and the admin hears what happened otherwise."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.actions import Blacklist, Kick, Reply
from bot.core import cases, lists
from bot.core import members as member_facts
from bot.core.cases import Case
from bot.core.outbox import withdraw_bans
from bot.core.plugin import command
from bot.core.roles import Role
from bot.core.targets import Target, current_names
from plugins.moderation.common import (
    config,
    group_or_explain,
    members,
    name_of,
    notify_case,
    protected,
    sender,
    target,
    target_name,
)

if TYPE_CHECKING:
    from bot.core.context import Context

# written after the target: the ban (or unban) applies to every managed group
_ALL_WORDS = frozenset({"all", "全部", "所有群", "全群", "*"})


def _split_scope(rest: str) -> tuple[bool, str]:
    head, _, tail = rest.partition(" ")
    if head.lower() in _ALL_WORDS:
        return True, tail.strip()
    return False, rest


def _scope_or_refuse(ctx: Context, rest: str) -> tuple[bool, str] | None:
    """(every group?, the rest) of a ban/unban/whitelist; None (and a reply) when an owner asks
    for every group: an owner rules one group, all groups are the operators' call."""
    everywhere, reason = _split_scope(rest)
    if everywhere and ctx.sender_role < Role.OPERATOR:
        ctx.reply(config(ctx).texts.global_needs_operator)
        return None
    return everywhere, reason


def _open_case(ctx: Context, kind: str, member_id: str, name: str, reason: str, **fields: Any) -> Case:
    """A case opened by an admin's command in this group: who, whom, why, by which command."""
    assert ctx.room_id is not None
    return cases.open_case(ctx.db, room_id=ctx.room_id, kind=kind, target_id=member_id, target_name=name,
                           source=f"command:{kind}", at=ctx.now(), reason=reason, actor_id=sender(ctx), **fields)


def _kick(ctx: Context, member_id: str, name: str, reason: str, case_id: int, notice: str) -> Kick:
    """A removal whose notice is said in the group only once it happened; the admin who typed
    the command hears what happened otherwise (in the group, or privately after #use)."""
    assert ctx.room_id is not None
    msg = ctx.message
    private = msg is not None and msg.room_id is None
    answer_to = (msg.sender_id if private else ctx.room_id) if msg is not None else None
    mention = msg.sender_id if msg is not None and not private else None
    return Kick(ctx.room_id, member_id, reason=reason, case_id=case_id, member_name=name, notice_done=notice,
                answer_to=answer_to, answer_mention=mention)


class ActionCommands:
    async def _target_or_usage(self, ctx: Context, args: str, name: str, *, act: bool = True) -> Target | None:
        texts = config(ctx).texts
        if group_or_explain(ctx) is None:
            return None
        found = await target(ctx, args)
        if found.member_id is None:
            if found.quoted_bot:
                ctx.reply(texts.target_bot_quoted)
            elif found.shared > 1:
                ctx.reply(texts.target_shared.format(target=found.written[:40], count=found.shared))
            elif found.written:
                ctx.reply(texts.target_unknown.format(target=found.written[:40]))
            else:
                ctx.reply(texts.usage_target.format(prefix=ctx.rules.bot.command_prefix, command=name))
            return None
        if act and protected(ctx, found.member_id):
            ctx.reply(texts.protected.format(member=target_name(ctx, found)))
            return None
        return found

    @command("warn", min_role=Role.ADMIN, aliases=("警告",), usage="@成员 [原因]", allow_private=True)
    async def warn(self, ctx: Context, args: str) -> None:
        """警告成员（记为案件，可申诉；也可以引用该成员的消息发送）"""
        found = await self._target_or_usage(ctx, args, "warn")
        if found is None or found.member_id is None or ctx.room_id is None:
            return
        texts = config(ctx).texts
        if ctx.room is not None and found.member_id not in members(ctx):
            # found by a name the bot saw here before: a warning in the group would reach no one
            ctx.reply(texts.warn_absent.format(member=target_name(ctx, found)))
            return
        reason = found.rest or texts.default_reason
        name = target_name(ctx, found)
        case = _open_case(ctx, "warn", found.member_id, name, reason)
        # the case is "done" once the outbox has sent the warning into the group; an admin who
        # typed it privately hears so then, or why it did not go out (not "being sent" at once:
        # that arrived after the warning itself, or before a warning that never went out)
        warning = Reply(ctx.room_id, texts.warned.format(case=case.id, reason=reason), (found.member_id,),
                        reason=f"case {case.id}", case_id=case.id)
        if ctx.message is not None and ctx.message.room_id is None:
            warning = replace(warning, answer_to=ctx.message.sender_id,
                              answer_done=texts.warn_sent.format(member=name, case=case.id, reason=reason),
                              answer_not_done=texts.warn_not_sent.format(member=name, case=case.id, why="{why}"))
        ctx.emit(warning)
        notify_case(ctx, case)

    @command("kick", min_role=Role.ADMIN, aliases=("移出", "踢出", "踢", "踢人"), usage="@成员 [原因]",
             allow_private=True)
    async def kick(self, ctx: Context, args: str) -> None:
        """把成员移出本群（记为案件，可申诉；也可以引用该成员的消息发送）"""
        found = await self._target_or_usage(ctx, args, "kick")
        if found is None or found.member_id is None or ctx.room_id is None:
            return
        texts = config(ctx).texts
        if ctx.room is not None and found.member_id not in members(ctx):
            # found by a name the bot saw here before (the ad's sender it removed a minute ago):
            # a case would only say 对方已不在群里，未执行, told to the admins and counted as a removal
            ctx.reply(texts.kick_absent.format(member=target_name(ctx, found)))
            return
        name = target_name(ctx, found)
        asked = next(iter(cases.put_to_humans(ctx.db, ctx.room_id, found.member_id)), None)
        if asked is not None:
            # the bot asked the owner and admins to remove this member (an ad it could not
            # remove, or a regular it would not remove on a model's word): this #kick is the
            # answer, carried out in that case, not a second case for the same act
            reason = found.rest or asked.reason or texts.default_reason
            cases.confirm_removal(ctx.db, asked.id, sender(ctx), name_of(ctx, sender(ctx)), found.rest, ctx.now())
            ctx.emit(_kick(ctx, found.member_id, name, reason, asked.id, texts.kicked.format(
                member=name, case=asked.id, reason=reason)))
            return
        reason = found.rest or texts.default_reason
        case = _open_case(ctx, "kick", found.member_id, name, reason)
        ctx.emit(_kick(ctx, found.member_id, name, reason, case.id, texts.kicked.format(
            member=name, case=case.id, reason=reason)))
        notify_case(ctx, case)

    @command("ban", min_role=Role.ADMIN, aliases=("拉黑",), usage="@成员 [all] [原因]", allow_private=True)
    async def ban(self, ctx: Context, args: str) -> None:
        """拉黑并移出成员，重新入群会被再次移出；加 all 则在所有群拉黑（仅运营）；也可以引用该成员的消息发送"""
        found = await self._target_or_usage(ctx, args, "ban")
        if found is None or found.member_id is None or ctx.room_id is None:
            return
        texts = config(ctx).texts
        scoped = _scope_or_refuse(ctx, found.rest)
        if scoped is None:
            return
        everywhere, reason = scoped
        reason = reason or texts.default_reason
        name = target_name(ctx, found)
        scope = lists.ALL_GROUPS if everywhere else ctx.room_id
        # a plain ban teaches anti-spam nothing (only #spam does): an admin's ban may be personal
        case = _open_case(ctx, "ban", found.member_id, name, reason, evidence={"scope": scope})
        # the executor writes the entry, so a dry-run leaves none behind
        present = found.member_id in members(ctx)
        # not in the group: listed only (the case says "listed"), so an accepted appeal has
        # nobody to invite back
        ctx.emit(Blacklist(None if everywhere else ctx.room_id, found.member_id, reason, sender(ctx), case.id,
                           decides_case=not present))
        label = texts.scope_all if everywhere else texts.scope_room
        if present:
            ctx.emit(_kick(ctx, found.member_id, name, reason, case.id, texts.banned.format(
                member=name, scope=label, case=case.id, reason=reason)))
        else:
            ctx.reply(texts.listed.format(member=name, scope=label, case=case.id, reason=reason))
        if everywhere:
            self._kick_elsewhere(ctx, found.member_id, reason, case.id)
        notify_case(ctx, case)

    @staticmethod
    def _kick_elsewhere(ctx: Context, member_id: str, reason: str, case_id: int) -> None:
        """An all-groups ban also removes the member from the other groups they are in (as far
        as the core's member facts know; the executor re-checks membership)."""
        rooms = [m.room_id for m in member_facts.memberships(ctx.db, member_id)
                 if m.left_at is None and m.room_id != ctx.room_id]
        for room_id in rooms:
            if ctx.rules.manages(room_id):
                # the case belongs to the group where the ban was typed; these removals are audited
                ctx.emit(Kick(room_id, member_id, reason=reason, case_id=None))

    @command("unban", min_role=Role.ADMIN, aliases=("解除拉黑",), usage="成员 [all]", allow_private=True)
    async def unban(self, ctx: Context, args: str) -> None:
        """把成员移出黑名单；加 all 同时解除所有群的拉黑（仅运营）"""
        found = await self._target_or_usage(ctx, args, "unban", act=False)
        if found is None or found.member_id is None or ctx.room_id is None:
            return
        texts = config(ctx).texts
        scoped = _scope_or_refuse(ctx, found.rest)
        if scoped is None:
            return
        everywhere, reason = scoped
        removed = lists.remove(ctx.db, lists.BLACKLIST, ctx.room_id, found.member_id)
        if everywhere:
            removed = lists.remove(ctx.db, lists.BLACKLIST, None, found.member_id) or removed
        # a ban still waiting its turn (its entry not written, its removal not done) is taken
        # back: otherwise it would list and remove the member after this unban
        withdrawn = withdraw_bans(ctx.db, found.member_id, None if everywhere else ctx.room_id, ctx.now())
        for case_id in withdrawn:
            cases.record_outcome(ctx.db, case_id, "withdrawn", ctx.now())
        name = target_name(ctx, found)
        if not removed and not withdrawn:
            ctx.reply(texts.not_banned.format(member=name))
            return
        case = _open_case(ctx, "unban", found.member_id, name, reason, outcome="done",
                          evidence={"scope": lists.ALL_GROUPS if everywhere else ctx.room_id,
                                    **({"withdrawn_cases": withdrawn} if withdrawn else {})})
        label = texts.scope_all if everywhere else texts.scope_room
        reply = texts.unbanned.format(member=name, scope=label, case=case.id)
        if withdrawn:
            reply += texts.ban_withdrawn.format(cases="、".join(f"#{i}" for i in withdrawn))
        ctx.reply(reply)
        notify_case(ctx, case)

    @command("whitelist", min_role=Role.ADMIN, aliases=("白名单",), usage="add|remove|list [@成员]",
             allow_private=True)
    async def whitelist(self, ctx: Context, args: str) -> None:
        """管理白名单：白名单成员不会被机器人处理"""
        texts = config(ctx).texts
        if group_or_explain(ctx) is None or ctx.room_id is None:
            return
        verb, _, rest = args.strip().partition(" ")
        verb = verb.lower()
        if verb in ("list", "列表", ""):
            entries = lists.entries(ctx.db, lists.WHITELIST, ctx.room_id)
            if not entries:
                ctx.reply(texts.whitelist_empty)
                return
            lines = [f"白名单（{len(entries)}）："]
            current = await current_names(ctx, ctx.room_id)
            for e in entries[:50]:
                where = "［所有群］" if e.room_id == lists.ALL_GROUPS else ""
                lines.append(f"· {current.get(e.member_id) or name_of(ctx, e.member_id)}（{e.member_id}）{where}")
            ctx.reply("\n".join(lines))
            return
        if verb not in ("add", "remove", "加", "添加", "删", "删除", "移除"):
            ctx.reply(texts.whitelist_usage)
            return
        found = await self._target_or_usage(ctx, rest, "whitelist", act=False)
        if found is None or found.member_id is None:
            return
        scoped = _scope_or_refuse(ctx, found.rest)
        if scoped is None:
            return
        everywhere, reason = scoped
        scope = None if everywhere else ctx.room_id
        label = texts.scope_all if everywhere else texts.scope_room
        name = target_name(ctx, found)
        if verb in ("add", "加", "添加"):
            lists.add(ctx.db, lists.WHITELIST, scope, found.member_id, by=sender(ctx), at=ctx.now(), reason=reason)
            ctx.reply(texts.whitelist_added.format(member=name, scope=label))
        elif lists.remove(ctx.db, lists.WHITELIST, scope, found.member_id):
            ctx.reply(texts.whitelist_removed.format(member=name, scope=label))
        else:
            ctx.reply(texts.whitelist_not_found.format(member=name))
