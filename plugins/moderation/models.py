"""The moderation plugin's own table. Cases themselves live in the core (core_case)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime

ID = String(190)


class Appeal(Base):
    """A member's appeal against a case, sent to the bot in a private chat."""

    __tablename__ = "moderation_appeal"
    __table_args__ = (Index("ix_moderation_appeal_room_case", "room_id", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(ID)  # the case's room
    case_id: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[str] = mapped_column(ID)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, accepted, rejected
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(ID)
    note: Mapped[str] = mapped_column(Text, default="")
