"""The core's tables. Plugins define theirs in their own modules on the same Base."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from db.base import ID, Base, UTCDateTime


class SeenEvent(Base):
    """Platform events already handled: gateways redeliver after reconnects."""

    __tablename__ = "core_seen_event"

    event_id: Mapped[str] = mapped_column(ID, primary_key=True)
    room_id: Mapped[str | None] = mapped_column(ID)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AuditEntry(Base):
    """One row per outbound action attempt, whatever its outcome."""

    __tablename__ = "core_audit"
    __table_args__ = (Index("ix_core_audit_room_at", "room_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    room_id: Mapped[str | None] = mapped_column(ID)
    action: Mapped[str] = mapped_column(String(32))  # the action's type: Reply, Kick, Announce, Recall, ...
    target_id: Mapped[str | None] = mapped_column(String(1000))  # one id, or several joined for a group notice
    text: Mapped[str] = mapped_column(Text, default="")  # truncated by the writer: this is a log, not an archive
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(64))  # plugin name, or command:<name>
    # done, dry_run, refused_protected, asked_owner, fallback, throttled_deferred, refused_cap, failed
    outcome: Mapped[str] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(Integer)


class Setting(Base):
    """Runtime toggles set from chat (e.g. #dryrun), per room or 'global'."""

    __tablename__ = "core_setting"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(ID)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(ID, default="")


class KnownRoom(Base):
    """Rooms the bot has seen, with its role there."""

    __tablename__ = "core_room"

    room_id: Mapped[str] = mapped_column(ID, primary_key=True)
    topic: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    bot_role: Mapped[str] = mapped_column(String(16), default="member")
    managed: Mapped[bool] = mapped_column(Boolean, default=True)


class NameHistory(Base):
    """Names are chosen by members and ids can change across re-logins (WECHAT.md): keep what
    we saw, when, so a case or a report can say who someone was called."""

    __tablename__ = "core_name_history"
    __table_args__ = (Index("ix_core_name_history_subject_kind", "subject_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str | None] = mapped_column(ID)
    subject_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(16))  # name, alias, topic
    value: Mapped[str] = mapped_column(Text)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SentMessage(Base):
    """The bot's own messages it may recall later (welcomes, warnings), by recall key."""

    __tablename__ = "core_sent_message"
    __table_args__ = (Index("ix_core_sent_message_room_key", "room_id", "recall_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(ID)
    message_id: Mapped[str] = mapped_column(ID)
    recall_key: Mapped[str | None] = mapped_column(String(128))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Case(Base):
    """A numbered moderation case: every warning, removal, ban, unban and automatic detection,
    by hand or by a plugin, with who, whom, why, the evidence and what came of it."""

    __tablename__ = "core_case"
    __table_args__ = (
        Index("ix_core_case_room_target", "room_id", "target_id"),
        # a group's cases by time, holding what #stats and the console count them by
        # (cases.count_by_kind): the count reads this index alone, not each case's row with
        # its evidence (migration 0014)
        Index("ix_core_case_room_created", "room_id", "created_at", "kind", "outcome", "status", "shown_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the case number members see
    room_id: Mapped[str | None] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(32))  # warn, kick, ban, unban, spam, report, ...
    target_id: Mapped[str | None] = mapped_column(ID)
    target_name: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[str | None] = mapped_column(ID)  # the admin, or None for the bot itself
    source: Mapped[str] = mapped_column(String(64))  # plugin or command:<name>
    reason: Mapped[str] = mapped_column(Text, default="")
    # what the decision rests on: message id/text, each check's verdict and details, ...
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # pending, done, dry_run, asked_owner, refused_protected, failed, shadow
    outcome: Mapped[str] = mapped_column(String(32), default="pending")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, closed, appealed, reversed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(ID)
    # what the evidence says of the kind as owners read it, kept by bot.core.cases on every
    # insert and update ("remind": a warning said as a reminder; "propose": a removal put to the
    # owner and admins); None: the plain kind. #stats and the console count by it (GROUP BY),
    # not by reading every case's JSON evidence (migration 0014)
    shown_kind: Mapped[str | None] = mapped_column(String(16))


class Member(Base):
    """What the core knows about each member of each room, kept up to date from every message
    and join/leave event. Plugins read it (probation, lurkers, who joined when) and may add
    `credit`: trust earned elsewhere (a long check-in streak) that counts as approved history."""

    __tablename__ = "core_member"
    # no index beside the primary key: every message updates last_message_at, and nothing
    # queries by it (migration 0012)

    room_id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(ID, primary_key=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # from a join event, if we saw one
    inviter_id: Mapped[str | None] = mapped_column(ID)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    credit: Mapped[int] = mapped_column(Integer, default=0)
    # already in the group when the bot first met it: never a newcomer; join date unknown
    established: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ListEntry(Base):
    """Chat-managed member lists: the whitelist (never acted on) and the blacklist (removed
    again on re-join). room_id "*" means every managed group."""

    __tablename__ = "core_list_entry"
    __table_args__ = (UniqueConstraint("kind", "room_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # whitelist, blacklist
    room_id: Mapped[str] = mapped_column(ID)
    member_id: Mapped[str] = mapped_column(ID)
    reason: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(ID, default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxRow(Base):
    """One planned outbound action, written in the same transaction as the state of the event
    or job that planned it, and carried out later by the sender (bot.core.outbox): a crash
    between the two loses nothing and doubles nothing.

    status: pending → in_flight → a final outcome (done, failed, asked_owner, refused_protected,
    refused_cap, dry_run, fallback, gone, expired, uncertain). A pending row with `not_before`
    waits (a removal refused by the hourly cap, a notice gathered into the next digest)."""

    __tablename__ = "core_outbox"
    __table_args__ = (Index("ix_core_outbox_status_lane", "status", "lane", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lane: Mapped[str] = mapped_column(ID)  # sends in one lane go in order (a room, a private chat)
    room_id: Mapped[str | None] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(32))  # the action's type name
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # the action's fields
    source: Mapped[str] = mapped_column(String(64))
    answer: Mapped[bool] = mapped_column(Boolean, default=False)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(32), default="pending")
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    told: Mapped[bool] = mapped_column(Boolean, default=False)  # admins already told it waits
    owner: Mapped[str | None] = mapped_column(String(64))  # the bot process working it (several may share a db)
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InboxEvent(Base):
    """The durable intake (bot/core/inbox.py): every room event the adapter hands over is
    written here (group commit) before it is queued, so a crash loses nothing that reached the
    bot. An event is handled when its core_seen_event row exists — written in the event's own
    transaction with everything it changed — and its inbox row is then deleted in a later
    batch; rows left by a crash are replayed at start-up, in order per room."""

    __tablename__ = "core_inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # arrival order
    event_id: Mapped[str] = mapped_column(ID, unique=True)
    queue_key: Mapped[str] = mapped_column(ID)  # the room, or private:<sender>
    kind: Mapped[str] = mapped_column(String(64))  # the bot.events class name
    payload: Mapped[str] = mapped_column(Text)  # the event as JSON (bot.core.inbox.encode_event)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
