"""Per-room, per-day counters. Days are local dates in the group's timezone, so "today" in
#stats means the group's today. The primary keys start with (room_id, day): every stats
query is a range scan on them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

ID = String(190)


class MemberDay(Base):
    """Messages one member sent in one room on one day."""

    __tablename__ = "stats_member_day"
    # #tag and per-member history read by member: a second index avoids scanning the room.
    # On SQLite the rows live in the primary key's B-tree itself (WITHOUT ROWID, migration
    # 0015): with a rowid table a member's first message of a day wrote three B-trees (the
    # rowid table, the key's index, this index) and every later one looked the key up in one
    # to rewrite the other; now two, and one (issue 13). PostgreSQL has no such option.
    __table_args__ = (Index("ix_stats_member_day_room_member_day", "room_id", "member_id", "day"),
                      {"sqlite_with_rowid": False})

    room_id: Mapped[str] = mapped_column(ID, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    member_id: Mapped[str] = mapped_column(ID, primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, default=0)


class RoomDay(Base):
    """One room's day: messages, joins, voluntary leaves and removals."""

    __tablename__ = "stats_room_day"

    room_id: Mapped[str] = mapped_column(ID, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    joins: Mapped[int] = mapped_column(Integer, default=0)
    leaves: Mapped[int] = mapped_column(Integer, default=0)
    removals: Mapped[int] = mapped_column(Integer, default=0)
