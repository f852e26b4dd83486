"""Actions as data.

Plugins and commands never call the platform; they emit these, and the one executor
(bot.core.executor) applies dry-run, the "never act on admins" guard, the capability
check, the rate governor and the audit log before calling the adapter. Names are
imperative nouns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reply:
    """Send text to a room (or, with room_id a contact id and private=True, to a person)."""

    room_id: str
    text: str
    mention_ids: tuple[str, ...] = ()
    reason: str = ""
    # a short-lived notice the bot may recall later (welcomes, warnings): keeps groups quiet
    recall_key: str | None = None


@dataclass(frozen=True, slots=True)
class SendPrivate:
    contact_id: str
    text: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Kick:
    """Remove a member from a room. Needs the bot to be owner or admin there; otherwise the
    executor turns it into a request to the owner."""

    room_id: str
    member_id: str
    reason: str
    case_id: int | None = None


@dataclass(frozen=True, slots=True)
class Announce:
    """Set the room's 群公告. Owner/admin only; falls back to a plain message if allowed."""

    room_id: str
    text: str
    fallback_to_message: bool = True


@dataclass(frozen=True, slots=True)
class Recall:
    """Recall one of the bot's own messages (WeChat allows it within 2 minutes)."""

    room_id: str
    message_id: str | None = None
    recall_key: str | None = None  # or: the last message sent with this recall_key


@dataclass(frozen=True, slots=True)
class Invite:
    """Add someone (back) to a room, e.g. after an accepted appeal. WeChat adds directly only to
    groups under 40 members; larger ones need an invitation the person accepts."""

    room_id: str
    member_id: str
    reason: str = ""
    case_id: int | None = None


@dataclass(frozen=True, slots=True)
class NotifyAdmins:
    """Tell the people responsible for a room about something (operators by private message)."""

    room_id: str
    text: str


Action = Reply | SendPrivate | Kick | Invite | Announce | Recall | NotifyAdmins
