"""The announce plugin's tables. Every row is keyed by room.

A schedule is named by a key: "r:<id>" (rules.yaml schedule), "s:<id>" (a series; its parts
are "s:<id>:<part>") or "c:<number>" (added in chat).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import ID, Base, UTCDateTime

KEY = String(128)


class ChatSchedule(Base):
    """A schedule added with #schedule add. Rows are never deleted (removal sets status), so a
    number is never reused and its delivery history stays meaningful."""

    __tablename__ = "announce_schedule"
    __table_args__ = (Index("ix_announce_schedule_room_status", "room_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(ID)
    trigger: Mapped[str] = mapped_column(String(64))  # 5-field cron, or an aware ISO time (once)
    target: Mapped[str] = mapped_column(String(16))  # message, announce
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active, done (once, sent), removed
    created_by: Mapped[str] = mapped_column(ID, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PauseState(Base):
    """#schedule pause/resume for any schedule in a room. changed_at of a resume marks where
    sending starts again: occurrences missed while paused are not sent late."""

    __tablename__ = "announce_pause"

    room_id: Mapped[str] = mapped_column(ID, primary_key=True)
    schedule_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    paused: Mapped[bool] = mapped_column(Boolean)
    changed_by: Mapped[str] = mapped_column(ID, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One claimed occurrence. The unique key (room, schedule, occurrence) is what makes sending
    exactly-once: a process inserts it before sending, and a process that cannot insert it
    (another one did, or this one before a restart) does not send."""

    __tablename__ = "announce_delivery"
    __table_args__ = (UniqueConstraint("room_id", "schedule_key", "occurrence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(ID)
    schedule_key: Mapped[str] = mapped_column(KEY)
    occurrence: Mapped[datetime] = mapped_column(UTCDateTime)  # the scheduled time, not the send time
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(64))  # which bot process (host:pid:instance)
    target: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")  # what was sent, cut: a log, not an archive
