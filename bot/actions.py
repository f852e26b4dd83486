"""Actions as data.

Plugins and commands never call the platform; they emit these, and the one executor
(bot.core.executor) applies dry-run, the "never act on admins" guard, the capability
check, the rate governor and the audit log before calling the adapter. Names are
imperative nouns.

An action that belongs to a case carries its `case_id`: the executor records the case's
outcome from what the platform really did, and an action's follow-up texts (the "已移出"
notice, the answer to the admin who typed #kick) are sent only after that outcome is known,
choosing the text that is true. Actions are staged in the durable outbox (bot.core.outbox):
they serialise generically (type name + dataclass fields, see `to_record`), so a new field
needs no serialisation code.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class Reply:
    """Send text to a room (or, with room_id a contact id and private=True, to a person).
    With a case_id (a warning), the case's outcome is "done" only once the text was sent."""

    room_id: str
    text: str
    mention_ids: tuple[str, ...] = ()
    reason: str = ""
    # a short-lived notice the bot may recall later (welcomes, warnings): keeps groups quiet
    recall_key: str | None = None
    case_id: int | None = None
    # the newcomers a welcome or nickname step is for: moot once the bot decides to remove all
    # of them, so the outbox withdraws it if it is still waiting its turn
    greets: tuple[str, ...] = ()
    # whoever asked for this text from a private chat (an admin's #warn after #use) hears what
    # became of it once it is known: `answer_done` after it went out, else `answer_not_done`
    # with its "{why}" filled in (Executor.answers); never before, when "it is being sent" may
    # already be untrue
    answer_to: str | None = None
    answer_done: str = ""
    answer_not_done: str = ""


@dataclass(frozen=True, slots=True)
class SendPrivate:
    contact_id: str
    text: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Kick:
    """Remove a member from a room. Needs the bot to be owner or admin there; otherwise (or when
    `ask_first`) the executor asks the owner instead (and says so). Follow-ups, sent after the outcome:
    `notice_done` to the room once the member is really out; `answer_to` (the admin's chat,
    for a command) hears what happened whatever it was; the admins are told of refusals and
    failures."""

    room_id: str
    member_id: str
    reason: str
    case_id: int | None = None
    member_name: str = ""
    notice_done: str = ""
    answer_to: str | None = None
    # the answer's mention (the admin, when answering in a group)
    answer_mention: str | None = None
    # the evidence is not enough for the bot to remove on its own (a long-time member on a text
    # model's word alone): the room's owner and admins are asked to decide, even where the bot
    # could remove
    ask_first: bool = False
    # the question put to them, when the usual one (bot.texts.ask_admins_kick: 「…」是老成员…)
    # would not be true: a newcomer the owner or an admin invited is no 老成员
    ask_text: str = ""


@dataclass(frozen=True, slots=True)
class Blacklist:
    """Put a member on the chat-managed blacklist (room_id None: every group). Written by the
    executor, so dry-run never leaves an entry that would outlive it."""

    room_id: str | None
    member_id: str
    reason: str
    by: str
    case_id: int | None = None
    # the entry is the whole penalty (the member is not in the group): its outcome is the
    # case's ("listed" once written)
    decides_case: bool = False


@dataclass(frozen=True, slots=True)
class Announce:
    """Set the room's 群公告. Owner/admin only; falls back to a plain message if allowed."""

    room_id: str
    text: str
    fallback_to_message: bool = True
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SetTopic:
    """Set the room's name (群名): back to what it was after a member renamed the group into an
    ad. WeChat lets any member rename a group unless its owner restricted it to the owner and
    admins, so the bot tries wherever it is; a refusal is the action's outcome."""

    room_id: str
    topic: str
    reason: str = ""
    case_id: int | None = None


# WeChat lets the sender recall a message within 2 minutes; the bot asks within this, leaving
# room for the governor's wait
RECALL_WITHIN = timedelta(seconds=110)


@dataclass(frozen=True, slots=True)
class Recall:
    """Recall one of the bot's own messages (WeChat allows it within 2 minutes)."""

    room_id: str
    message_id: str | None = None
    recall_key: str | None = None  # or: the last message sent with this recall_key
    # a welcome replacing the one taken back: the members the new one greets, and those the bot
    # is removing (owed no welcome). One that greeted someone still here whom these do not name
    # is left standing: the replacement was written against an older welcome than the one
    # standing (one in between withdrawn for an advertiser), and would take a newcomer's welcome away
    replaced_for: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Invite:
    """Add someone (back) to a room, e.g. after an accepted appeal. WeChat adds directly only to
    groups under 40 members; larger ones need an invitation the person accepts."""

    room_id: str
    member_id: str
    reason: str = ""
    case_id: int | None = None
    # whoever lifted the penalty hears what became of the invitation once it is final (the room,
    # or their private chat): answer_done, else answer_not_done with {why}. An accepted appeal's
    # answer said 并重新邀请入群 before anything was sent to WeChat
    answer_to: str | None = None
    answer_mention: str | None = None
    answer_done: str = ""
    answer_not_done: str = ""


@dataclass(frozen=True, slots=True)
class NotifyAdmins:
    """Tell the people responsible for a room about something: bot.admin_group if set, the
    operators privately, else the group's owner and admins (privately where the bot can reach
    them, in the group with a mention otherwise), gathered into one digest per few minutes."""

    room_id: str
    text: str
    case_id: int | None = None
    # contacts who know already (the admin who opened the case by their own command): no copy
    # for them; operators and the admin group still hear it
    told: tuple[str, ...] = ()
    # the room's owner and admins were asked in the group about this case a moment ago (the bot
    # could not remove): a private copy for them is the same act a second time
    asked_in_room: bool = False
    # sent only while case_id's case still has this status: an appeal's notice ("appealed")
    # is moot once an admin's #ham undid the case while it waited for the digest
    while_status: str = ""
    # the case's announcement (新案件 #N …): no copy for whoever has read the case in chat
    # (#cases, #case) by the time it goes out (cases.shown_to); a failure or an appeal is news
    case_news: bool = False


Action = Reply | SendPrivate | Kick | Blacklist | Invite | Announce | SetTopic | Recall | NotifyAdmins

ACTION_TYPES: dict[str, type[Any]] = {t.__name__: t for t in (Reply, SendPrivate, Kick, Blacklist, Invite, Announce,
                                                              SetTopic, Recall, NotifyAdmins)}


def to_record(action: Action) -> tuple[str, dict[str, Any]]:
    """(type name, JSON-able fields): how an action is stored in the outbox."""
    fields = {f.name: getattr(action, f.name) for f in dataclasses.fields(action)}
    return type(action).__name__, {k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}


def from_record(kind: str, data: dict[str, Any]) -> Action:
    """The inverse of to_record. Unknown keys (a field removed since) are dropped; tuples come
    back from JSON lists."""
    cls = ACTION_TYPES[kind]
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            value = data[f.name]
            values[f.name] = tuple(value) if isinstance(value, list) else value
    return cls(**values)  # type: ignore[no-any-return]
