"""Platform-neutral events.

The adapter (Wechaty or the built-in simulator over gRPC) turns whatever the platform
delivers into one of these frozen facts, fetching everything the core needs once, so
plugins never touch the platform. Names are past-tense facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class MessageKind(StrEnum):
    """What a message carries. Mirrors WeChat's message types that matter for moderation."""

    TEXT = "text"
    LINK = "link"  # shared article / URL card
    MINI_PROGRAM = "mini_program"
    CONTACT_CARD = "contact_card"  # 名片
    IMAGE = "image"
    FILE = "file"
    EMOTICON = "emoticon"
    AUDIO = "audio"
    VIDEO = "video"
    LOCATION = "location"
    RED_ENVELOPE = "red_envelope"
    TRANSFER = "transfer"
    CHAT_HISTORY = "chat_history"
    RECALLED = "recalled"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Quote:
    """The message a reply quotes (WeChat's 引用). Puppets deliver only the quoted sender's
    display name and text, so identity from a quote is best effort."""

    sender_name: str
    text: str
    message_id: str | None = None
    sender_id: str | None = None


@dataclass(frozen=True, slots=True)
class MessageReceived:
    """A message arrived, in a room (room_id set) or a private chat (room_id None)."""

    event_id: str  # the platform's message id; the core dedupes on it
    room_id: str | None
    sender_id: str
    sender_name: str  # the contact's own name
    sender_alias: str  # group nickname (群昵称) in this room, "" if none or unknown
    kind: MessageKind
    text: str  # for LINK/MINI_PROGRAM/CONTACT_CARD/FILE: title, url, card name or file name
    timestamp: datetime  # timezone-aware, UTC
    mention_ids: tuple[str, ...] = ()
    mentions_self: bool = False
    is_self: bool = False  # sent by the bot's own account
    url: str | None = None  # LINK and MINI_PROGRAM targets when the platform gives one
    quote: Quote | None = None

    @property
    def display_name(self) -> str:
        return self.sender_alias or self.sender_name


@dataclass(frozen=True, slots=True)
class MemberJoined:
    """Members joined a room (invited, by QR code, or by link)."""

    event_id: str
    room_id: str
    member_ids: tuple[str, ...]
    inviter_id: str | None
    timestamp: datetime
    member_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MemberLeft:
    """Members left a room or were removed (remover_id set when someone removed them)."""

    event_id: str
    room_id: str
    member_ids: tuple[str, ...]
    remover_id: str | None
    timestamp: datetime
    member_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TopicChanged:
    event_id: str
    room_id: str
    new_topic: str
    old_topic: str
    changer_id: str | None
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class LoggedIn:
    self_id: str
    self_name: str
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class LoggedOut:
    self_id: str
    reason: str
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class LoginQRCode:
    """The gateway wants a QR code scanned to log in (real gateways only)."""

    qrcode: str
    status: str
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    """The link to the gateway went down or came back (emitted by the adapter)."""

    connected: bool
    detail: str
    timestamp: datetime = field(compare=False)


RoomEvent = MessageReceived | MemberJoined | MemberLeft | TopicChanged
Event = RoomEvent | LoggedIn | LoggedOut | LoginQRCode | ConnectionChanged
