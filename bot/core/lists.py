"""The chat-managed whitelist and blacklist (rules.yaml has its own static whitelist).

An entry is for one room, or for every managed group (ALL_GROUPS). The executor consults the
whitelist before acting on anyone; the moderation plugin removes blacklisted members on re-join.
"""

from __future__ import annotations

import time
import weakref
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from db.models import ListEntry

WHITELIST = "whitelist"
BLACKLIST = "blacklist"
ALL_GROUPS = "*"

# Plugins ask "is this member whitelisted?" on every message; the whitelist is a short list that
# changes by command. So it is read whole and kept per database for a while: a change made in
# this process applies at once (add/remove drop the copy), one made by another process within
# WHITELIST_TTL. The executor asks fresh=True right before acting, so a stale copy can never
# let the bot act on someone just whitelisted elsewhere.
WHITELIST_TTL = 30.0
_whitelists: weakref.WeakKeyDictionary[object, tuple[float, frozenset[tuple[str, str]]]] = \
    weakref.WeakKeyDictionary()


def _forget(db: Session, kind: str) -> None:
    if kind == WHITELIST:
        _whitelists.pop(db.get_bind(), None)


def _whitelist(db: Session) -> frozenset[tuple[str, str]]:
    engine = db.get_bind()
    now = time.monotonic()
    cached = _whitelists.get(engine)
    if cached is not None and now - cached[0] < WHITELIST_TTL:
        return cached[1]
    entries = frozenset((r[0], r[1]) for r in db.execute(select(ListEntry.room_id, ListEntry.member_id)
                                                         .where(ListEntry.kind == WHITELIST)))
    _whitelists[engine] = (now, entries)
    return entries


def add(db: Session, kind: str, room_id: str | None, member_id: str, *, by: str, at: datetime,
        reason: str = "", case_id: int | None = None) -> ListEntry:
    scope = room_id or ALL_GROUPS
    entry = db.scalar(select(ListEntry).where(ListEntry.kind == kind, ListEntry.room_id == scope,
                                              ListEntry.member_id == member_id))
    if entry is None:
        entry = ListEntry(kind=kind, room_id=scope, member_id=member_id)
        db.add(entry)
    entry.reason, entry.case_id, entry.added_by, entry.added_at = reason, case_id, by, at
    db.flush()
    _forget(db, kind)
    return entry


def remove(db: Session, kind: str, room_id: str | None, member_id: str) -> bool:
    """Remove the entry for this scope (room_id None: the all-groups entry). True if one existed."""
    result = db.execute(delete(ListEntry).where(ListEntry.kind == kind, ListEntry.room_id == (room_id or ALL_GROUPS),
                                                ListEntry.member_id == member_id))
    _forget(db, kind)
    return bool(getattr(result, "rowcount", 0))


def remove_for_case(db: Session, kind: str, case_id: int) -> int:
    """Remove the entries a case made (a reversed case); how many."""
    result = db.execute(delete(ListEntry).where(ListEntry.kind == kind, ListEntry.case_id == case_id))
    _forget(db, kind)
    return int(getattr(result, "rowcount", 0) or 0)


def find(db: Session, kind: str, room_id: str, member_id: str) -> ListEntry | None:
    """The entry that applies to this member in this room (room-specific or all-groups)."""
    return db.scalar(select(ListEntry).where(
        ListEntry.kind == kind, ListEntry.member_id == member_id,
        or_(ListEntry.room_id == room_id, ListEntry.room_id == ALL_GROUPS)).limit(1))


def contains(db: Session, kind: str, room_id: str, member_id: str, *, fresh: bool = False) -> bool:
    """Whether an entry applies. The whitelist is answered from a copy (see WHITELIST_TTL)
    unless fresh=True."""
    if kind == WHITELIST and not fresh:
        entries = _whitelist(db)
        return (room_id, member_id) in entries or (ALL_GROUPS, member_id) in entries
    return find(db, kind, room_id, member_id) is not None


def entries(db: Session, kind: str, room_id: str | None) -> list[ListEntry]:
    """Entries that apply in room_id (with the all-groups ones), or every entry when None."""
    query = select(ListEntry).where(ListEntry.kind == kind).order_by(ListEntry.added_at)
    if room_id is not None:
        query = query.where(or_(ListEntry.room_id == room_id, ListEntry.room_id == ALL_GROUPS))
    return list(db.scalars(query))
