"""The checkin plugin's tables. Streaks, totals, ranks and points are computed from the records
(not kept as counters), so a make-up or a changed rule never leaves a stale number behind."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import ID, Base, UTCDateTime


class CheckinRecord(Base):
    """One member's check-in for one local day (the group's timezone) in one room."""

    __tablename__ = "checkin_record"
    __table_args__ = (
        # one per member per day, even if two bot processes share the database
        UniqueConstraint("room_id", "member_id", "day"),
        Index("ix_checkin_record_room_day", "room_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(ID)
    member_id: Mapped[str] = mapped_column(ID)
    day: Mapped[date] = mapped_column(Date)  # the local date checked in for
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it was recorded (a make-up: when it was made)
    name: Mapped[str] = mapped_column(Text, default="")  # display name then, for lists and leaderboards
    note: Mapped[str] = mapped_column(Text, default="")  # what they did today, truncated
    makeup: Mapped[bool] = mapped_column(Boolean, default=False)
    # earned when recorded: a later change of the points rules does not rewrite history
    points: Mapped[int] = mapped_column(Integer, default=0)
    # snapshots at the time of recording, for the merged confirmation and for history
    streak: Mapped[int] = mapped_column(Integer, default=1)
    total: Mapped[int] = mapped_column(Integer, default=1)
    announced: Mapped[bool] = mapped_column(Boolean, default=True)  # False: waits for a merged message
    # a second 打卡 the same day is answered once; later ones are ignored (no flood)
    repeat_answered: Mapped[bool] = mapped_column(Boolean, default=False)


class CheckinNotice(Base):
    """Scheduled messages already sent (reminder, weekly summary), so a job run twice for one
    occurrence (a restart within the grace period) speaks once; and "closed", the one answer
    to check-ins while the window is shut (day: the date it opens again)."""

    __tablename__ = "checkin_notice"

    room_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # remind, summary, closed
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the local date of the occurrence
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
