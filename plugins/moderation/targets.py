"""Names for commands: clip hostile text, a written name or id from history (a quote's sender),
the name to show for an id. Command targets are resolved by bot.core.targets."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import ListEntry, Member, NameHistory

MAX_REASON = 500


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
