"""The newcomers plugins' tables. Join time and inviter live in core_member (the core keeps
them); these hold only what the greeting and nickname workflows add."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import ID, Base, UTCDateTime


class PendingWelcome(Base):
    """A join waiting for its room's merged welcome (joins within the window share one)."""

    __tablename__ = "greeting_pending"
    __table_args__ = (Index("ix_greeting_pending_joined_at", "joined_at"),)

    room_id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    inviter_id: Mapped[str | None] = mapped_column(ID)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GreetingRoom(Base):
    """Per-room greeting state: the last welcome (for self-cleaning recalls) and the last raid alert."""

    __tablename__ = "greeting_room"

    room_id: Mapped[str] = mapped_column(ID, primary_key=True)
    last_welcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_raid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the platform could not be read when the welcome was due (e.g. right after a restart,
    # before login): try again then
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NicknameStatus:
    PENDING = "pending"  # not compliant: prompts are running (or ran out)
    COMPLIANT = "compliant"
    EXEMPT = "exempt"  # owner, admin, moderator or whitelisted when last checked
    LEFT = "left"


class NicknameMember(Base):
    """One member's group-nickname workflow in one room: where the staged prompts stand, so a
    restart neither repeats nor loses a prompt."""

    __tablename__ = "nickname_member"
    __table_args__ = (
        Index("ix_nickname_member_status_due", "status", "due_at"),
        Index("ix_nickname_member_room_status", "room_id", "status"),
    )

    room_id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")  # contact name when tracking began
    status: Mapped[str] = mapped_column(String(16), default=NicknameStatus.PENDING)
    stage: Mapped[int] = mapped_column(Integer, default=0)  # staging.Stage: the last step taken
    since: Mapped[datetime] = mapped_column(UTCDateTime)  # non-compliant since (join, or a rename)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the next step; None: nothing left
    last_step_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_alias: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    compliant_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(Integer)  # the removal case, if it came to that
