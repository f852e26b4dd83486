"""Who a command is about: from @mentions (ids the platform resolved), else from a written
contact id or a name the bot has seen in this room. Names are only a way to point at
someone; permissions never come from them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import ListEntry, Member, NameHistory

# "@名字" followed by WeChat's U+2005 (or a space): the mention's text in the arguments
_MENTION_TEXT = re.compile(r"@[^\s\u2005]{1,64}[\u2005 ]?")
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class Target:
    member_id: str | None  # None: not found
    written: str  # what the admin typed (for "not found" replies)
    rest: str  # the remaining argument text (the reason)


def split_target(args: str, mention_ids: tuple[str, ...], self_id: str | None) -> tuple[str | None, str, str]:
    """(mentioned id or None, the written target token, the rest). Pure."""
    mentioned = [m for m in mention_ids if m != self_id]
    text = args.strip()
    if mentioned:
        rest = _MENTION_TEXT.sub(" ", text).strip()
        return mentioned[0], "", rest
    head, _, rest = text.partition(" ")
    return None, head.strip(), rest.strip()


def clip(text: str, limit: int = MAX_REASON) -> str:
    """Hostile input can be huge: stored reasons and quoted texts are clipped."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def resolve(db: Session, room_id: str | None, room_members: frozenset[str], written: str) -> str | None:
    """A written id or name → a contact id, if exactly one is known."""
    if not written:
        return None
    if written in room_members:
        return written
    known = db.scalar(select(Member.member_id).where(Member.member_id == written).limit(1)) or db.scalar(
        select(ListEntry.member_id).where(ListEntry.member_id == written).limit(1))
    if known:
        return known
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
