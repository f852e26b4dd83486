"""Helpers the moderation commands share: the acting group, the target, case notices."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.actions import NotifyAdmins
from bot.core import cases, lists
from bot.core.cases import Case
from bot.core.roles import Role, is_protected
from bot.core.targets import Target, display_name, resolve_target
from plugins.moderation import render
from plugins.moderation.config import ModerationConfig
from plugins.moderation.targets import clip

if TYPE_CHECKING:
    from bot.core.context import Context

NAME = "moderation"


def config(ctx: Context) -> ModerationConfig:
    return ctx.config(NAME)


def sender(ctx: Context) -> str:
    return ctx.message.sender_id if ctx.message else ""


def group_or_explain(ctx: Context) -> str | None:
    """The group a command acts on: where it was said, or the one picked with #use."""
    if ctx.room_id is None:
        ctx.reply(config(ctx).texts.choose_group)
    return ctx.room_id


def members(ctx: Context) -> frozenset[str]:
    return ctx.room.member_set if ctx.room else frozenset()


async def target(ctx: Context, args: str) -> Target:
    found = await resolve_target(ctx, args)
    return replace(found, rest=clip(found.rest))  # every field kept: a new one needs no edit here


def name_of(ctx: Context, member_id: str | None) -> str:
    if not member_id:
        return "机器人"
    return display_name(ctx.db, ctx.room_id, member_id)


def target_name(ctx: Context, found: Target) -> str:
    """What replies call a command's target: their name on the platform now, else the latest
    the bot saw (a member gone from the group), else the id."""
    return found.name or name_of(ctx, found.member_id)


def protected(ctx: Context, member_id: str) -> bool:
    if is_protected(member_id, ctx.room, ctx.rules) or member_id == ctx.self_id:
        return True
    return ctx.room_id is not None and lists.contains(ctx.db, lists.WHITELIST, ctx.room_id, member_id)


def case_here(ctx: Context, number: str) -> Case | None:
    """The case numbered `number` if it belongs to this group (operators see every group)."""
    texts = config(ctx).texts
    if not number.strip().lstrip("#＃").isdigit() or len(number) > 12:
        ctx.reply(texts.case_missing.format(case=clip(number, 20)))
        return None
    case_id = int(number.strip().lstrip("#＃"))
    case = cases.get_case(ctx.db, case_id)
    if case is None:
        ctx.reply(texts.case_missing.format(case=case_id))
        return None
    if case.room_id != ctx.room_id and ctx.sender_role < Role.OPERATOR:
        ctx.reply(texts.case_other_group.format(case=case_id))
        return None
    return case


def notify_case(ctx: Context, case: Case, *, asked_in_room: bool = False) -> None:
    """Admins hear about every new case (bot.admin_group, else operators privately), except
    whoever knows already: the admin whose own command opened it (answered where they typed
    it), and with `asked_in_room` the owner and admins the bot asked in the group to act."""
    if not case.room_id:
        return
    cfg: ModerationConfig = getattr(ctx.rules.for_room(case.room_id), NAME)
    if cfg.enabled and cfg.notify_cases:
        # the name the case was opened with first: a member who never spoke has no name history
        line = render.summary(case, case.target_name or display_name(ctx.db, case.room_id, case.target_id or ""),
                              notice=True)
        text = cfg.texts.case_notice
        if case.source == "antispam" and case.kind == "warn":
            about_a_message = isinstance(case.evidence, dict) and "message_id" in case.evidence
            text = cfg.texts.case_notice_warned if about_a_message else cfg.texts.case_notice_warned_name
        ctx.emit(NotifyAdmins(case.room_id, text.format(case=case.id, summary=line,
                                                        prefix=ctx.rules.bot.command_prefix),
                              case_id=case.id, told=(case.actor_id,) if case.actor_id else (),
                              asked_in_room=asked_in_room, case_news=True))
