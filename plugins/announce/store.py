"""Queries on the announce tables (and the one read of core_member: which rooms exist)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import repo
from db.repo import dialect_insert
from plugins.announce.models import ChatSchedule, Delivery, PauseState

ACTIVE, DONE, REMOVED = "active", "done", "removed"


def claim(db: Session, *, room_id: str, key: str, occurrence: datetime, at: datetime, by: str,
          target: str, text: str) -> bool:
    """Claim one occurrence; False if it was already claimed (by any process, ever).

    INSERT … ON CONFLICT DO NOTHING on the unique (room, schedule, occurrence) key is atomic: on
    PostgreSQL a second inserter waits for the first transaction and then sees the conflict, on
    SQLite the write lock serialises them. The claim commits with the job's transaction, before
    the executor sends, so a crash after it can lose a send but never repeat one."""
    stmt = dialect_insert(db, Delivery).values(room_id=room_id, schedule_key=key, occurrence=occurrence, claimed_at=at,
                                        claimed_by=by[:64], target=target, text=text[:500])
    stmt = stmt.on_conflict_do_nothing(index_elements=["room_id", "schedule_key", "occurrence"])
    return db.execute(stmt.returning(Delivery.id)).first() is not None


def claimed_by(db: Session, room_id: str, key: str, occurrence: datetime) -> str | None:
    return db.scalar(select(Delivery.claimed_by).where(
        Delivery.room_id == room_id, Delivery.schedule_key == key, Delivery.occurrence == occurrence))


def last_occurrence(db: Session, room_id: str, key: str) -> datetime | None:
    """The latest claimed occurrence of a schedule in a room (the unique index serves it)."""
    return db.scalar(select(func.max(Delivery.occurrence)).where(
        Delivery.room_id == room_id, Delivery.schedule_key == key))


def deliveries(db: Session, room_id: str, key: str | None = None) -> list[Delivery]:
    query = select(Delivery).where(Delivery.room_id == room_id).order_by(Delivery.occurrence, Delivery.id)
    if key is not None:
        query = query.where(Delivery.schedule_key == key)
    return list(db.scalars(query))


# --- pause / resume ---------------------------------------------------------------------------

def pause_state(db: Session, room_id: str, key: str) -> PauseState | None:
    return db.get(PauseState, (room_id, key))


def paused_keys(db: Session) -> set[tuple[str, str]]:
    return {(row.room_id, row.schedule_key) for row in db.scalars(select(PauseState).where(PauseState.paused))}


def set_paused(db: Session, room_id: str, key: str, paused: bool, by: str, at: datetime) -> None:
    row = db.get(PauseState, (room_id, key))
    if row is None:
        row = PauseState(room_id=room_id, schedule_key=key)
        db.add(row)
    row.paused, row.changed_by, row.changed_at = paused, by, at
    db.flush()


# --- schedules added in chat ------------------------------------------------------------------

def add_chat_schedule(db: Session, *, room_id: str, trigger: str, target: str, text: str, by: str,
                      at: datetime) -> ChatSchedule:
    row = ChatSchedule(room_id=room_id, trigger=trigger, target=target, text=text, status=ACTIVE, created_by=by,
                       created_at=at, updated_at=at)
    db.add(row)
    db.flush()  # assigns the number admins use
    return row


def chat_schedules(db: Session, room_id: str | None = None, *, include_done: bool = False) -> list[ChatSchedule]:
    states = (ACTIVE, DONE) if include_done else (ACTIVE,)
    query = select(ChatSchedule).where(ChatSchedule.status.in_(states)).order_by(ChatSchedule.id)
    if room_id is not None:
        query = query.where(ChatSchedule.room_id == room_id)
    return list(db.scalars(query))


def chat_schedule(db: Session, room_id: str, number: int) -> ChatSchedule | None:
    row = db.get(ChatSchedule, number)
    return row if row is not None and row.room_id == room_id and row.status != REMOVED else None


def set_status(row: ChatSchedule, status: str, at: datetime) -> None:
    row.status, row.updated_at = status, at


def count_active(db: Session, room_id: str) -> int:
    return int(db.scalar(select(func.count()).select_from(ChatSchedule).where(
        ChatSchedule.room_id == room_id, ChatSchedule.status == ACTIVE)) or 0)


def known_rooms(db: Session) -> set[str]:
    """The groups the account is in, as the core records them (core_room): where a schedule
    under `defaults` goes (rules.yaml cannot list the groups an account is in)."""
    return set(repo.known_room_ids(db))
