"""#schedule add|list|pause|resume|remove: schedules managed from chat by admins."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from bot.actions import Announce
from bot.core.targets import display_name
from plugins.announce import store
from plugins.announce.config import AnnounceConfig, Texts
from plugins.announce.occurrence import pause_key
from plugins.announce.timing import (
    describe_cron,
    describe_local,
    example_date,
    local,
    next_occurrence,
    parse_chat_time,
    unglue,
)

if TYPE_CHECKING:
    from bot.core.context import Context

_SUB = {
    "add": "add", "添加": "add", "list": "list", "ls": "list", "列表": "list", "查看": "list",
    "pause": "pause", "暂停": "pause", "resume": "resume", "恢复": "resume",
    "remove": "remove", "rm": "remove", "delete": "remove", "del": "remove", "删除": "remove",
}
_ANNOUNCE_WORDS = ("公告", "群公告", "announce")
_WORD = re.compile(r"\S+")
_LIST_LIMIT = 30


async def run(ctx: Context, plugin: str, args: str) -> None:
    cfg: AnnounceConfig = ctx.config(plugin)
    texts = cfg.texts
    if ctx.room_id is None:
        ctx.reply(texts.private_needs_group)
        return
    head, _, rest = args.strip().partition(" ")
    sub = _SUB.get(head.lower())
    if sub == "add":
        _add(ctx, cfg, rest.strip())
    elif sub == "list":
        _list(ctx, cfg)
    elif not args.strip():
        # a bare #schedule, typed to see what is scheduled, got the usage (seen in a simulated
        # owner's day): the list, or the usage where there is nothing to list
        _list(ctx, cfg, empty=_usage(ctx, texts))
    elif sub in ("pause", "resume", "remove"):
        _change(ctx, cfg, sub, rest.strip())
    elif _reads_as_add(ctx, args):
        _add(ctx, cfg, args.strip())
    else:
        ctx.reply(_usage(ctx, texts))


def announce_now(ctx: Context, plugin: str, args: str) -> None:
    """#公告 <内容>: the 群公告 set now. An owner's #公告 明天上午停水 met silence (a simulated owner's
    first hour): it was a hashtag, and the 群公告 only a #schedule add 公告 <时间> away. The
    群公告 itself is what everyone sees (WeChat notifies the whole group), so nothing is said
    besides; where the bot may not set it the executor sends it as a message, as a schedule's."""
    cfg: AnnounceConfig = ctx.config(plugin)
    texts, text = cfg.texts, args.strip()
    assert ctx.room_id is not None  # a group-only command
    head, _, rest = text.partition(" ")
    sub = _SUB.get(head.lower())
    if sub is not None:
        # an owner managing scheduled announcements with #公告 add 每天 21:30 … / list / del 1 (a
        # simulated exam group's evening) had the 群公告 set to "add 每天 21:30 …", "list" and
        # "del 1", each one notified to the whole group. A subcommand word standing alone at the
        # head is never an announcement's text: it is the schedule's, adding one as a 群公告.
        if sub == "add":
            _add(ctx, cfg, f"{_ANNOUNCE_WORDS[0]} {rest.strip()}")
        elif sub == "list":
            _list(ctx, cfg)
        else:
            _change(ctx, cfg, sub, rest.strip())
    elif not cfg.enabled:
        ctx.reply(texts.disabled)
    elif not text:
        ctx.reply(texts.announce_usage)
    elif len(text) > cfg.max_text:
        ctx.reply(texts.too_long.format(length=len(text), limit=cfg.max_text))
    else:
        ctx.emit(Announce(ctx.room_id, text, fallback_to_message=True, reason=f"#公告 by {_sender(ctx)}"))


def _reads_as_add(ctx: Context, args: str) -> bool:
    """`#schedule 每天 20:00 …` without add: an owner typed it so in a simulated day and got the
    usage. A time (or 公告) where the subcommand goes can only mean adding one."""
    words = unglue(args.strip()).split()
    if not words:
        return False
    if words[0] in _ANNOUNCE_WORDS:
        return True
    try:
        return parse_chat_time(words[:5], ctx.local_now()) is not None
    except ValueError:  # a time already past: still an add, which says so
        return True


def _next_text(texts: Texts, trigger: str, timezone: str, ctx: Context) -> str:
    try:
        when = next_occurrence(trigger, timezone, ctx.now())
    except (ValueError, TypeError):
        when = None
    return describe_local(local(when, timezone)) if when else texts.next_none


def _trigger_text(trigger: str, timezone: str) -> str:
    if len(trigger.split()) == 5:
        return describe_cron(trigger)
    try:
        when = datetime.fromisoformat(trigger)
    except ValueError:
        return trigger
    return describe_local(local(when, timezone)) if when.tzinfo else trigger.replace("T", " ")


def _usage(ctx: Context, texts: Texts) -> str:
    return texts.usage.format(example=example_date(ctx.local_now()))


def _sender(ctx: Context) -> str:
    return ctx.message.sender_id if ctx.message else ""


def _add(ctx: Context, cfg: AnnounceConfig, rest: str) -> None:
    texts = cfg.texts
    assert ctx.room_id is not None
    if not cfg.enabled:
        ctx.reply(texts.disabled)
        return
    if len(rest) > cfg.max_text + 200:  # cheap bound before any parsing of a hostile text
        ctx.reply(texts.too_long.format(length=len(rest), limit=cfg.max_text))
        return
    words = list(_WORD.finditer(rest))
    target = "message"
    if words and words[0].group() in _ANNOUNCE_WORDS:
        target, rest = "announce", rest[words[0].end():].strip()
    rest = unglue(rest.strip())
    words = list(_WORD.finditer(rest))
    if not words:
        ctx.reply(_usage(ctx, texts))
        return
    given = " ".join(w.group() for w in words[:2])[:40]
    try:
        parsed = parse_chat_time([w.group() for w in words[:5]], ctx.local_now())
    except ValueError:
        ctx.reply(texts.past_time.format(given=given))
        return
    if parsed is None:
        ctx.reply(texts.bad_time.format(given=given, example=example_date(ctx.local_now())))
        return
    trigger, used = parsed
    text = rest[words[used - 1].end():].strip()
    if not text:
        ctx.reply(texts.no_text)
        return
    if len(text) > cfg.max_text:
        ctx.reply(texts.too_long.format(length=len(text), limit=cfg.max_text))
        return
    if store.count_active(ctx.db, ctx.room_id) >= cfg.max_chat_schedules:
        ctx.reply(texts.too_many.format(limit=cfg.max_chat_schedules))
        return
    row = store.add_chat_schedule(ctx.db, room_id=ctx.room_id, trigger=trigger, target=target, text=text,
                                  by=_sender(ctx), at=ctx.now())
    timezone = ctx.group.timezone
    if len(trigger.split()) == 5:
        ctx.reply(texts.added.format(id=row.id, trigger=_trigger_text(trigger, timezone),
                                     next=_next_text(texts, trigger, timezone, ctx)))
    else:
        ctx.reply(texts.added_once.format(id=row.id, trigger=_trigger_text(trigger, timezone)))
    if ctx.control is not None:
        ctx.control.request_reconcile()


def _preview(text: str, size: int = 30) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"


def _list(ctx: Context, cfg: AnnounceConfig, empty: str | None = None) -> None:
    """The group's schedules; `empty`: what to say when it has none (texts.list_empty)."""
    texts, room = cfg.texts, ctx.room_id
    assert room is not None
    timezone = ctx.group.timezone
    lines: list[str] = []

    def state(key: str, done: bool = False) -> str:
        row = store.pause_state(ctx.db, room, key)
        return texts.state_paused if row is not None and row.paused else (texts.state_done if done else "")

    def target(name: str) -> str:
        return texts.target_announce if name == "announce" else texts.target_message

    for schedule in cfg.schedules:
        if schedule.rooms and room not in schedule.rooms:
            continue
        lines.append(texts.list_line.format(
            id=schedule.id, source=texts.source_rules, trigger=_trigger_text(schedule.trigger, timezone),
            target=target(schedule.target), state=state(f"r:{schedule.id}"),
            next=_next_text(texts, schedule.trigger, timezone, ctx), text=_preview(schedule.text)))
    for series in cfg.series:
        if series.rooms and room not in series.rooms:
            continue
        parts = "、".join(part for part, _ in series.part_triggers())
        lines.append(texts.list_line.format(
            id=series.id, source=texts.source_series.format(title=series.title),
            trigger=_trigger_text(series.trigger, timezone), target=parts, state=state(f"s:{series.id}"),
            next=_next_text(texts, series.trigger, timezone, ctx), text=_preview(series.title)))
    for row in store.chat_schedules(ctx.db, room, include_done=True)[-_LIST_LIMIT:]:
        done = row.status == store.DONE
        lines.append(texts.list_line.format(
            id=row.id, source=texts.source_chat.format(by=_added_by(ctx, row.created_by)),
            trigger=_trigger_text(row.trigger, timezone),
            target=target(row.target), state=state(f"c:{row.id}", done),
            next=texts.next_none if done else _next_text(texts, row.trigger, timezone, ctx),
            text=_preview(row.text)))
    ctx.reply("\n".join([texts.list_title, *lines]) if lines else empty or texts.list_empty)


def _added_by(ctx: Context, member_id: str) -> str:
    """Who added a chat schedule. The row knows who, not where: 「群内添加」 was untrue of one an
    owner added from a private chat after #use (seen in a simulated day)."""
    if not member_id:
        return "命令"
    return display_name(ctx.db, ctx.room_id, member_id)


def _key_for(ctx: Context, cfg: AnnounceConfig, given: str) -> tuple[str, str] | None:
    """(key, kind) of a schedule named in chat: a number (added in chat) or a rules.yaml id."""
    room = ctx.room_id
    assert room is not None
    name = given.strip().lstrip("#")
    if name.isdigit():
        row = store.chat_schedule(ctx.db, room, int(name))
        return (f"c:{row.id}", "chat") if row is not None else None
    schedule = cfg.schedule(name)
    if schedule is not None and (not schedule.rooms or room in schedule.rooms):
        return f"r:{name}", "rules"
    series = cfg.find_series(name)
    if series is not None and (not series.rooms or room in series.rooms):
        return f"s:{name}", "rules"
    return None


def _change(ctx: Context, cfg: AnnounceConfig, sub: str, given: str) -> None:
    texts, room = cfg.texts, ctx.room_id
    assert room is not None
    name = given.split()[0][:40] if given.split() else ""
    found = _key_for(ctx, cfg, name) if name else None
    if found is None:
        ctx.reply(texts.not_found.format(id=name) if name else _usage(ctx, texts))
        return
    key, kind = found
    shown = name.lstrip("#")
    current = store.pause_state(ctx.db, room, pause_key(key))
    is_paused = current is not None and current.paused
    if sub == "pause":
        if is_paused:
            ctx.reply(texts.already_paused.format(id=shown))
            return
        store.set_paused(ctx.db, room, key, True, _sender(ctx), ctx.now())
        ctx.reply(texts.paused.format(id=shown))
    elif sub == "resume":
        if not is_paused:
            ctx.reply(texts.not_paused.format(id=shown))
            return
        store.set_paused(ctx.db, room, key, False, _sender(ctx), ctx.now())
        ctx.reply(texts.resumed.format(id=shown, next=_next_text(texts, _trigger_of(ctx, cfg, key), ctx.group.timezone,
                                                                    ctx)))
    else:
        if kind == "rules":
            ctx.reply(texts.cannot_remove_rules.format(id=shown))
            return
        row = store.chat_schedule(ctx.db, room, int(key[2:]))
        if row is not None:
            store.set_status(row, store.REMOVED, ctx.now())
        ctx.reply(texts.removed.format(id=shown))
    if ctx.control is not None:
        ctx.control.request_reconcile()


def _trigger_of(ctx: Context, cfg: AnnounceConfig, key: str) -> str:
    kind, _, name = key.partition(":")
    if kind == "c":
        row = store.chat_schedule(ctx.db, ctx.room_id or "", int(name))
        return row.trigger if row else ""
    item = cfg.schedule(name) if kind == "r" else cfg.find_series(name)
    return item.trigger if item else ""
