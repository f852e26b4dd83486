"""Who a command is about — one resolver for every plugin (#kick, #unban, #nick check, #tag …).

Order: the platform's mention ids; else a contact id written out; else the LONGEST known name the
arguments start with (group nicknames and contact names of the room's current members,
case-insensitive, then names the bot saw in this room before), so "Carol Chen 发广告" finds
Carol Chen and keeps "发广告" as the reason; else the sender of the message the command quotes
(the arguments are then all reason). A name two people share identifies no one.
Names only point at someone; permissions never come from them (WECHAT.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.core import cases
from bot.platform import Member as PlatformMember
from db.models import KnownRoom, ListEntry, Member, NameHistory

if TYPE_CHECKING:
    from bot.core.context import Context

# WeChat ends a mention's text with U+2005, so a name in it may contain spaces
_MENTION_2005 = re.compile(r"[@＠][^\u2005@＠]{1,64}\u2005")
_MENTION_WORD = re.compile(r"[@＠][^\s\u2005@＠]{1,64}")
_SEPARATORS = " \t\u2005\u00a0\u3000"
MAX_ARGS = 500
MAX_MENTIONED = 5  # whose names are read to take their mentions out of the arguments


@dataclass(frozen=True, slots=True)
class Target:
    member_id: str | None  # None: not found (or ambiguous)
    written: str  # how the admin pointed at them (for "not found" replies)
    rest: str  # the remaining argument text (e.g. the reason)
    # their group nickname (else name) as the platform gives it now: a lurker the bot never saw
    # speak has no name history, and replies named them by contact id (已将「wxid_…」加入白名单)
    name: str = ""
    # the command quoted a message of the bot's that points at no one member (a welcome, a
    # digest of several cases): "no one", said as such, not 没有找到「<the reason typed>」
    quoted_bot: bool = False
    # how many members the written name fits when it fits more than one: "没有找到「小周」" was
    # said of a name two members share (seen in a simulated day), where the owner needs "@ one"
    shared: int = 0


async def current_names(ctx: Context, room_id: str | None) -> dict[str, str]:
    """The room's members' group nicknames (else names) from the platform, by id: one read
    (the adapter keeps each room's roster), {} without a platform."""
    if ctx.lookup is None or not room_id:
        return {}
    return {m.id: m.alias or m.name for m in await ctx.lookup.members(room_id) if m.alias or m.name}


def strip_mentions(text: str, names: Iterable[str] = ()) -> str:
    """The arguments without their @mentions: U+2005-terminated ones whole, then "@name" for
    the mentioned members' known names (longest first: a typed space ends no name), then
    whatever "@word" remains."""
    text = _MENTION_2005.sub(" ", text)
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        for at in ("@", "＠"):
            text = text.replace(at + name, " ")
    return " ".join(_MENTION_WORD.sub(" ", text).split())


def split_target(args: str, mention_ids: tuple[str, ...], self_id: str | None,
                 mentioned_names: Iterable[str] = ()) -> tuple[str | None, str, str]:
    """(mentioned id or None, the first written token, the rest). Pure: the quick split for
    callers without a room."""
    mentioned = [m for m in mention_ids if m != self_id]
    text = args.strip()[:MAX_ARGS]
    if mentioned:
        return mentioned[0], "", strip_mentions(text, mentioned_names)
    head, _, rest = text.partition(" ")
    return None, head.strip(), rest.strip()


async def resolve_target(ctx: Context, args: str) -> Target:
    """The member `args` points at in ctx's room, and the rest of the arguments."""
    text = args.strip()[:MAX_ARGS]
    msg = ctx.message
    room_id = ctx.room_id
    mentioned = [m for m in (msg.mention_ids if msg else ()) if m != ctx.self_id]
    if mentioned:
        # the mentioned members' own names, not the room's whole roster: that was 501 reads
        # of a 500-member group for one "#warn @x" (0.7-2.8 s, bench.load; issue 13)
        shown = [await _shown_name(ctx, room_id, m) for m in mentioned[:MAX_MENTIONED]]
        names = [*shown, *_history_names(ctx.db, room_id, mentioned)]
        return Target(mentioned[0], "", strip_mentions(text, names), shown[0])
    live = await ctx.lookup.members(room_id) if (ctx.lookup and room_id) else []
    current = {m.id: m.alias or m.name for m in live}
    text = text.lstrip("@＠").strip(_SEPARATORS)
    room_members = ctx.room.member_set if ctx.room else frozenset(m.id for m in live)
    if not text:
        return _quoted(ctx, room_members, text, current) or Target(None, "", "")
    head, _, after = text.partition(" ")
    if head in room_members or _known_id(ctx.db, head):
        return Target(head, head, after.strip(), current.get(head, ""))
    candidates = _live_names(live, ctx.self_id)
    if not any(_prefix_match(text, name) for name in candidates):
        for name, subject in _room_history(ctx.db, room_id):
            candidates.setdefault(name.casefold(), set()).add(subject)
    best = max((name for name in candidates if _prefix_match(text, name)), key=len, default=None)
    if best is None:
        return _quoted(ctx, room_members, text, current) or Target(None, head, after.strip())
    ids = candidates[best]
    written, rest = text[:len(best)], text[len(best):].strip(_SEPARATORS)
    if len(ids) != 1:
        in_room = ids & room_members
        if len(in_room) != 1:
            return Target(None, written, rest, shared=len(in_room) or len(ids))
        ids = in_room
    found = next(iter(ids))
    return Target(found, written, rest, current.get(found, ""))


def names_someone(ctx: Context, args: str) -> bool:
    """Whether a command points at a member by its arguments or by the message it quotes: #cases
    and #tag with neither are about the whole group."""
    return bool(args.strip()) or (ctx.message is not None and ctx.message.quote is not None)


def _quoted(ctx: Context, room_members: frozenset[str], text: str, current: dict[str, str]) -> Target | None:
    """The member a command's quote points at, the typed words all reason; None without a quote.

    A member's message quoted (WeChat's 引用) with "#kick 发广告": on a phone that is how an owner
    points at the sender without picking them from a 500-member @ list, as #spam and #report do.
    A name or id written out still wins (#warn bob 刷屏 quoting alice's complaint is about bob).
    The quote names its sender by display name only (most puppets), which points at someone as a
    written name does: two members sharing it are no one. The bot's own notice quoted (「小七」已
    被移出本群……案件 #3, then #ban) points at the member of the one case it names."""
    msg = ctx.message
    quote = msg.quote if msg is not None else None
    if quote is None:
        return None
    found = quote.sender_id or resolve_written(ctx.db, ctx.room_id, room_members, quote.sender_name)
    if found is None:
        return Target(None, quote.sender_name, text)
    if found != ctx.self_id:
        return Target(found, quote.sender_name, text, current.get(found, ""))
    named = {c.target_id: c.target_name for c in cases.named_in(ctx.db, ctx.room_id, quote.text) if c.target_id}
    if len(named) != 1:
        return Target(None, "", text, quoted_bot=True)
    [(member_id, name)] = named.items()
    return Target(member_id, name, text, current.get(member_id, ""))


def named_in(text: str, live: Iterable[PlatformMember], self_id: str | None) -> list[str]:
    """The current members a command's text may name (their group nickname or name stands in
    it as a whole word), longest names first, at most MAX_MENTIONED: a superset of whom
    resolve_target can pick from the live roster, for reading their fresh nicknames before
    the database gate (the arguments' shape, e.g. a subcommand first, is the handler's)."""
    folded = text.casefold()
    found: list[str] = []
    for name, ids in sorted(_live_names(live, self_id).items(), key=lambda item: -len(item[0])):
        at = folded.find(name)
        while at >= 0 and not _whole_word(folded, at, len(name)):
            at = folded.find(name, at + 1)
        if at >= 0:
            found.extend(i for i in sorted(ids) if i not in found)
        if len(found) >= MAX_MENTIONED:
            break
    return found[:MAX_MENTIONED]


def _live_names(live: Iterable[PlatformMember], self_id: str | None) -> dict[str, set[str]]:
    """Casefolded group nickname and name -> ids, of the room's current members but the bot."""
    candidates: dict[str, set[str]] = {}
    for member in live:
        if member.id == self_id:
            continue
        for name in (member.alias, member.name):
            if name:
                candidates.setdefault(name.casefold(), set()).add(member.id)
    return candidates


def _whole_word(text: str, at: int, length: int) -> bool:
    before = text[at - 1] if at else " "
    after = text[at + length] if at + length < len(text) else " "
    return (before in _SEPARATORS or before in "@＠") and after in _SEPARATORS


async def _shown_name(ctx: Context, room_id: str | None, member_id: str) -> str:
    """How a mention shows a member: their group nickname, else their name ("" unknown)."""
    if ctx.lookup is None or not room_id:
        return ""
    return await ctx.lookup.member_alias(room_id, member_id) or await ctx.lookup.member_name(member_id)


def resolve_written(db: Session, room_id: str | None, room_members: frozenset[str], written: str) -> str | None:
    """A written id or name (a quote's sender name) → a contact id, if exactly one is known:
    the room's members first, then anyone the bot saw under that name."""
    if not written:
        return None
    if written in room_members or _known_id(db, written):
        return written
    query = select(NameHistory.subject_id).where(NameHistory.value == written,
                                                 NameHistory.kind.in_(("name", "alias")))
    if room_id:
        query = query.where(or_(NameHistory.room_id == room_id, NameHistory.room_id.is_(None)))
    ids = set(db.scalars(query.limit(20)))
    in_room = {i for i in ids if i in room_members}
    if len(in_room) == 1:
        return in_room.pop()
    return ids.pop() if len(ids) == 1 else None


def display_name(db: Session, room_id: str | None, member_id: str) -> str:
    """The latest group nickname (else contact name) the bot saw for this id, else the id."""
    rows = db.execute(
        select(NameHistory.kind, NameHistory.value, NameHistory.room_id)
        .where(NameHistory.subject_id == member_id, NameHistory.kind.in_(("name", "alias")))
        .order_by(NameHistory.seen_at.desc(), NameHistory.id.desc()).limit(20)).all()
    alias = next((v for k, v, r in rows if k == "alias" and r == room_id and v), None)
    name = next((v for k, v, _ in rows if k == "name" and v), None)
    return alias or name or member_id


def room_topic(db: Session, room_id: str | None) -> str:
    """A group's name as the bot last saw it, else its id."""
    if not room_id:
        return ""
    return db.scalar(select(KnownRoom.topic).where(KnownRoom.room_id == room_id)) or room_id


def _prefix_match(text: str, name_folded: str) -> bool:
    if not text.casefold().startswith(name_folded):
        return False
    return len(text) == len(name_folded) or text[len(name_folded)] in _SEPARATORS


def _known_id(db: Session, written: str) -> bool:
    if not written or len(written) > 80:
        return False
    return bool(db.scalar(select(Member.member_id).where(Member.member_id == written).limit(1)) or db.scalar(
        select(ListEntry.member_id).where(ListEntry.member_id == written).limit(1)))


def _history_names(db: Session, room_id: str | None, ids: list[str]) -> list[str]:
    query = select(NameHistory.value).where(NameHistory.subject_id.in_(ids),
                                            NameHistory.kind.in_(("name", "alias")))
    if room_id:
        query = query.where(or_(NameHistory.room_id == room_id, NameHistory.room_id.is_(None)))
    return list(db.scalars(query.limit(50)))


def _room_history(db: Session, room_id: str | None) -> list[tuple[str, str]]:
    """(name, id) the bot saw in this room: members who left, or spoke under an older name.
    Contact names are stored without a room, so they count only for people known here."""
    if not room_id:
        return []
    here = select(Member.member_id).where(Member.room_id == room_id)
    rows = db.execute(
        select(NameHistory.value, NameHistory.subject_id)
        .where(NameHistory.kind.in_(("name", "alias")),
               or_(NameHistory.room_id == room_id,
                   NameHistory.room_id.is_(None) & NameHistory.subject_id.in_(here)))
        .limit(5000)).all()
    return [(value, subject) for value, subject in rows if value]
