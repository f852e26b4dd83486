"""The interface between the core and a chat platform.

The Wechaty adapter (bot.wechaty_adapter) implements it; it is the only code that
touches the platform. Every call is fallible: errors come back as PlatformError with a
kind the executor can act on, never as SDK exceptions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from bot.events import Event


class ErrorKind(StrEnum):
    PERMISSION = "permission"  # the account lacks the right (not owner/admin)
    THROTTLED = "throttled"  # WeChat's "操作过于频繁"
    NOT_FOUND = "not_found"  # room, contact or message unknown
    UNAVAILABLE = "unavailable"  # gateway unreachable or disconnected
    UNSUPPORTED = "unsupported"  # the puppet cannot do this at all
    FAILED = "failed"  # anything else


class PlatformError(Exception):
    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    alias: str = ""  # group nickname


@dataclass(frozen=True, slots=True)
class RoomInfo:
    id: str
    topic: str
    owner_id: str | None
    admin_ids: frozenset[str]
    member_ids: tuple[str, ...]  # in the platform's order
    # the same ids as a set: every group message asks whether its sender is in the room, and a
    # scan of a 500-member tuple was ~8 µs of the ~1,000 a message costs the bot (issue 13);
    # commands read it too rather than build their own
    member_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "member_set", frozenset(self.member_ids))

    def has_member(self, member_id: str) -> bool:
        return member_id in self.member_set


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the bot can do in one room, from the gateway's support and the bot's role.

    ``missing`` names, for each capability that is False, why: ``not_admin`` (the account is
    neither owner nor admin), ``not_member`` (not in the room), ``unsupported`` (the gateway
    or puppet refused the call as unsupported), ``unknown`` (the room could not be read)."""

    role: str  # "owner" | "admin" | "member" | "absent" | "unknown"
    can_remove: bool
    can_announce: bool
    can_recall: bool
    can_read_nicknames: bool
    missing: tuple[tuple[str, str], ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing


EventSink = Callable[[Event], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RawEvent:
    """A gateway event as it arrived, before any payload was read: its kind ("message",
    "room-join", ...), the id the converted event will carry, and the ids and fields the
    gateway sent (JSON-able), enough to convert it again after a crash."""

    event_id: str
    kind: str
    data: Mapping[str, Any]


class EventJournal(Protocol):
    """Where the adapter keeps raw gateway events until their converted event is the core's
    (the core owns storage: bot.core.inbox.Inbox implements it). Every call is cheap and never
    blocks: writes are group commits in the core's own writer."""

    def received(self, raw: RawEvent) -> None:
        """A room event arrived: keep it (buffered for the next group commit), before any
        payload is read."""

    def settled(self, event_id: str) -> None:
        """The sink has returned for this raw event (or it converted to nothing): unless the
        core kept a converted event under the same id, the raw record may go."""

    def keeping_up(self) -> bool:
        """Storage takes what is received (its buffer of unwritten events is not full): the
        adapter may keep more events behind the ones it is converting (an outage: it sheds)."""

    def backlog(self) -> list[RawEvent]:
        """Raw events a previous run received but never converted, oldest first; each is
        returned once (the adapter converts them when it is next connected)."""


class Platform(Protocol):
    """What the core may ask of a platform. Implementations must be safe to call from
    several tasks at once."""

    @property
    def self_id(self) -> str | None: ...

    async def send_text(self, conversation_id: str, text: str, mention_ids: tuple[str, ...] = ()) -> str | None:
        """Send text to a room or contact; returns the new message id when the platform gives one."""

    async def kick(self, room_id: str, member_id: str) -> None: ...

    async def invite(self, room_id: str, member_id: str) -> None: ...

    async def set_announcement(self, room_id: str, text: str) -> None: ...

    async def set_topic(self, room_id: str, topic: str) -> None:
        """Rename the group (群名); PlatformError(PERMISSION) where only its owner and admins may."""

    async def recall(self, message_id: str) -> bool: ...

    async def room_info(self, room_id: str, refresh: bool = False) -> RoomInfo: ...

    async def member_list(self, room_id: str) -> list[Member]: ...

    async def member_alias(self, room_id: str, member_id: str) -> str: ...

    async def contact_name(self, contact_id: str) -> str: ...

    async def room_ids(self) -> list[str]: ...

    @property
    def connection_epoch(self) -> int:
        """Increases on every (re)connection to the platform: room facts read under an older
        epoch may be stale (roles and members may have changed while the bot was away)."""

    async def capabilities(self, room_id: str) -> Capabilities:
        """What the bot can do in this room now: remove members, set the 群公告, recall its
        messages, read group nicknames (from the gateway's support and the bot's role)."""
