"""Plain data of the simulated WeChat: configuration, contacts, rooms, messages, the events a
gateway would push, and the record of everything the bot asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.events import MessageKind

ROOM_MEMBER_CAP = 500  # WeChat's hard limit for an ordinary group
THROTTLE_TEXT = "操作过于频繁，请稍后再试"


@dataclass(frozen=True, slots=True)
class SimConfig:
    """Knobs of the simulated platform. Defaults are generous enough for normal bot traffic
    but still trip on a burst, as the real (undocumented) throttle does."""

    send_limit: int = 20  # sends allowed per account ...
    send_window_seconds: float = 10.0  # ... in this sliding window (world clock)
    kick_limit: int = 20
    kick_window_seconds: float = 60.0
    recall_window_seconds: float = 120.0  # WeChat: own messages, within 2 minutes
    room_member_cap: int = ROOM_MEMBER_CAP
    direct_add_limit: int = 40  # groups above this size need an invite link, direct add fails
    heartbeat_seconds: float = 15.0  # transport keepalive on the event stream (wall clock)


class SimErrorKind(StrEnum):
    PERMISSION = "permission"
    THROTTLED = "throttled"
    NOT_FOUND = "not_found"
    ROOM_FULL = "room_full"
    INVALID = "invalid"
    UNSUPPORTED = "unsupported"


class SimError(Exception):
    """A refusal by the simulated platform; the gRPC service maps kind to a status code."""

    def __init__(self, kind: SimErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(slots=True)
class Contact:
    id: str
    name: str
    friend: bool = True


@dataclass(slots=True)
class Room:
    id: str
    topic: str
    owner_id: str
    admin_ids: set[str] = field(default_factory=set)
    member_ids: list[str] = field(default_factory=list)
    nicknames: dict[str, str] = field(default_factory=dict)  # 群昵称 per member
    inviters: dict[str, str] = field(default_factory=dict)
    announcement: str = ""

    def has(self, contact_id: str) -> bool:
        return contact_id in self.member_ids

    def can_manage(self, contact_id: str) -> bool:
        return contact_id == self.owner_id or contact_id in self.admin_ids


@dataclass(slots=True)
class SimMessage:
    id: str
    sender_id: str
    room_id: str | None  # None: a private chat
    to_id: str | None  # private chats: the recipient
    kind: MessageKind
    text: str
    timestamp: datetime
    mention_ids: tuple[str, ...] = ()
    url: str | None = None
    title: str | None = None
    filename: str | None = None
    card_contact_id: str | None = None
    quote_id: str | None = None
    # a quote reply's own words: `text` carries the quote too, as puppets deliver it, but WeChat
    # shows only these when the reply is quoted in turn (a quote never nests)
    own_text: str | None = None
    recalled: bool = False
    description: str | None = None  # LINK / MINI_PROGRAM cards: the line under the title
    data: bytes | None = None  # IMAGE / FILE: the content served by MessageImage/MessageFile

    @property
    def own_words(self) -> str:
        """What WeChat shows of this message inside a quote: a quote reply without its quote."""
        return self.text if self.own_text is None else self.own_text


class EventName(StrEnum):
    MESSAGE = "message"
    ROOM_JOIN = "room-join"
    ROOM_LEAVE = "room-leave"
    ROOM_TOPIC = "room-topic"
    LOGOUT = "logout"


@dataclass(frozen=True, slots=True)
class SimEvent:
    """What a gateway pushes; payload uses the gateway's JSON keys (messageId, roomId, ...)."""

    name: EventName
    payload: dict[str, Any]
    at: datetime


class ActionKind(StrEnum):
    SEND_TEXT = "send_text"
    SEND_CONTACT = "send_contact"
    SEND_URL = "send_url"
    SEND_MINI_PROGRAM = "send_mini_program"
    SEND_FILE = "send_file"
    KICK = "kick"
    ADD = "add"
    ANNOUNCE = "announce"
    TOPIC = "topic"
    RECALL = "recall"
    QUIT = "quit"
    CREATE_ROOM = "create_room"
    SELF_NAME = "self_name"
    LOGOUT = "logout"


SEND_KINDS = frozenset(
    {
        ActionKind.SEND_TEXT,
        ActionKind.SEND_CONTACT,
        ActionKind.SEND_URL,
        ActionKind.SEND_MINI_PROGRAM,
        ActionKind.SEND_FILE,
    }
)


@dataclass(frozen=True, slots=True)
class BotAction:
    """One thing the bot asked the platform to do, whether it was done or refused."""

    kind: ActionKind
    room_id: str | None
    target: str | None  # contact or message the action was about
    text: str
    mention_ids: tuple[str, ...]
    ok: bool
    error: str | None
    at: datetime
    message_id: str | None = None  # id of the message a send created
