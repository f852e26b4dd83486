"""antispam tables: labelled samples, recent messages (for quotes, behaviour and backtest),
and strikes on the ladder. Every row is keyed by room ("*" for the shared sample pool)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime

ID = String(190)
SHARED = "*"


class Sample(Base):
    """A labelled text the model learns from: the shipped seed, and what admins taught."""

    __tablename__ = "antispam_sample"
    __table_args__ = (UniqueConstraint("room_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(ID)  # a room, or "*": every group learns from it
    label: Mapped[int] = mapped_column(Integer)  # 1 spam/ad, 0 normal
    text: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(40))  # of the normalised text: duplicates collapse
    source: Mapped[str] = mapped_column(String(32))  # seed, spam_command, ham_command, appeal
    added_by: Mapped[str | None] = mapped_column(ID)
    case_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StoredMessage(Base):
    """Recent group messages: a quoted #spam maps back to its sender, behaviour checks count
    repeats and floods, and backtest replays them. Pruned after learning.keep_messages.

    Every group message adds a row, and each index whose key is not in arrival order costs the
    SQLite commit a page of its own per message (a random place in its B-tree): only two such
    indexes, each for queries that need it (migration 0013). By (room, sender, time): a member's
    recent texts, a quote's sender's messages, a case's message by its id (store.find_quoted,
    store.set_case give the sender), backtest's counts. By fingerprint: a quote whose sender is
    unknown. By time alone, in arrival order (one page per batch, not per message): pruning,
    the windows' warm-up, backtest's range."""

    __tablename__ = "antispam_message"
    __table_args__ = (
        Index("ix_antispam_message_at", "at"),
        Index("ix_antispam_message_room_sender_at", "room_id", "sender_id", "at"),
        Index("ix_antispam_message_fingerprint_at", "fingerprint", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(ID)
    message_id: Mapped[str] = mapped_column(ID)  # found with its sender: no index of its own
    sender_id: Mapped[str] = mapped_column(ID)
    sender_name: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)  # capped: enough to judge and to show, not an archive
    url: Mapped[str | None] = mapped_column(Text)
    mentions: Mapped[int] = mapped_column(Integer, default=0)
    fingerprint: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(Integer)  # the antispam case it led to, if any


class Strike(Base):
    """One rung climbed on the ladder. Cleared when #ham or an accepted appeal reverses it."""

    __tablename__ = "antispam_strike"
    __table_args__ = (Index("ix_antispam_strike_room_member_at", "room_id", "member_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(ID)
    member_id: Mapped[str] = mapped_column(ID)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared: Mapped[bool] = mapped_column(Boolean, default=False)
