"""Members' personal data: what the bot keeps about a contact id, exported or deleted on
request (`qunguan member export|delete`), and old name history and audit rows pruned.

Which rows are "about" someone is read from the schema, not listed by hand, so a plugin's new
table is covered the day it lands: a column named like SUBJECT_COLUMNS says the row is about
that person (deleted with them); ACTOR_COLUMNS only say who did something (the id is blanked,
the row stays, e.g. an admin's warning of someone else). Blacklist entries are kept unless
asked: a spammer must not erase a ban by asking for deletion.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Column, CursorResult, Table, delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Delete, Update

from bot.core.lists import BLACKLIST
from db.models import AuditEntry, Base, ListEntry, NameHistory, Setting

SUBJECT_COLUMNS = ("member_id", "sender_id", "subject_id", "target_id", "contact_id")
# a person's own runtime state (the group chosen with #use, the cases they have read, when the
# bot last answered their private message) is a core_setting in this scope: about them
PRIVATE = "private:"


def private_scope(contact_id: str) -> str:
    return f"{PRIVATE}{contact_id}"
ACTOR_COLUMNS = ("actor_id", "inviter_id", "added_by", "created_by", "changed_by", "updated_by")


def _columns(names: tuple[str, ...]) -> Iterator[tuple[Table, Column[Any]]]:
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if column.name in names:
                yield table, column


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def export_member(db: Session, member_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every stored row that names this contact id, by table (JSON-ready)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table, column in [*_columns(SUBJECT_COLUMNS), *_columns(ACTOR_COLUMNS)]:
        rows = db.execute(select(table).where(column == member_id)).mappings().all()
        for row in rows:
            entry = {key: _plain(value) for key, value in row.items()}
            if entry not in found.setdefault(table.name, []):
                found[table.name].append(entry)
    own = db.execute(select(Setting).where(Setting.scope == private_scope(member_id))).scalars().all()
    for setting in own:
        entry = {"scope": setting.scope, "key": setting.key, "value": setting.value,
                 "updated_at": _plain(setting.updated_at), "updated_by": setting.updated_by}
        if entry not in found.setdefault(Setting.__tablename__, []):
            found[Setting.__tablename__].append(entry)
    return {name: rows for name, rows in found.items() if rows}


def delete_member(db: Session, member_id: str, *, include_blacklist: bool = False) -> dict[str, int]:
    """Delete the rows about this contact id and blank it where it only acted. Counts per
    table; the caller commits (or rolls back for a dry run)."""
    counts: dict[str, int] = {}
    for table, column in _columns(SUBJECT_COLUMNS):
        query = delete(table).where(column == member_id)
        if table.name == ListEntry.__tablename__ and not include_blacklist:
            query = query.where(table.c.kind != BLACKLIST)
        removed = _count(db, query)
        if removed:
            counts[table.name] = counts.get(table.name, 0) + removed
    removed = _count(db, delete(Setting).where(Setting.scope == private_scope(member_id)))
    if removed:
        counts[Setting.__tablename__] = removed
    for table, column in _columns(ACTOR_COLUMNS):
        blank = None if column.nullable else ""
        changed = _count(db, update(table).where(column == member_id).values({column.name: blank}))
        if changed:
            counts[f"{table.name}.{column.name}"] = changed
    return counts


def prune_name_history(db: Session, before: datetime) -> int:
    """Drop names seen before `before`, except each subject's latest value per kind and room
    (what cases and reports still show)."""
    latest = (select(func.max(NameHistory.id))
              .group_by(NameHistory.subject_id, NameHistory.kind, NameHistory.room_id)
              .scalar_subquery())
    return _count(db, delete(NameHistory).where(NameHistory.seen_at < before, NameHistory.id.not_in(latest)))


def _count(db: Session, statement: Delete | Update) -> int:
    """Rows a DELETE/UPDATE touched."""
    return int(cast(CursorResult[Any], db.execute(statement)).rowcount or 0)


def prune_audit(db: Session, before: datetime) -> int:
    """The outbound-action log is for reviewing recent behaviour, not an archive."""
    return _count(db, delete(AuditEntry).where(AuditEntry.at < before))
