"""The Wechaty adapter: the only code in the project that talks to WeChat.

It drives the real Python Wechaty SDK's puppet-service client (PyPI ``wechaty`` 0.10.7 /
``wechaty-puppet-service`` 0.8.10, gRPC to a puppet-service gateway) and turns what it
delivers into the frozen, platform-neutral events of :mod:`bot.events`. The SDK's own
lifecycle (``Wechaty.start()``) swallows errors and sleeps 60 s, and its Room/Contact/Message
layer reads more than an event needs, so this adapter owns connecting, liveness (a Ding/dong
watchdog on top of HTTP/2 keepalive), reconnecting, event dispatch (concurrent across rooms,
ordered within a room) and a per-room name index kept up to date by events, and calls the
PuppetService for every read and action: per group message one MessagePayload, and the
sender's RoomMemberPayload only when their names were not read lately (SENDER_TTL, shorter for
newcomers and members the bot addressed), and nothing more for the bot's own echoes.

The pure parts (mention and quote parsing, message kinds, error mapping, backoff) are
module-level functions so they can be tested without a gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import random
import re
import struct
import types
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError
from wechaty_grpc.wechaty.puppet import MessageType

from bot import wechaty_compat
from bot.clock import Clock
from bot.events import (
    ConnectionChanged,
    Event,
    LoggedIn,
    LoggedOut,
    LoginQRCode,
    MemberJoined,
    MemberLeft,
    MessageKind,
    MessageReceived,
    Quote,
    TopicChanged,
)
from bot.platform import (
    Capabilities,
    ErrorKind,
    EventJournal,
    EventSink,
    Member,
    PlatformError,
    RawEvent,
    RoomInfo,
)

log = logging.getLogger(__name__)

IMAGE_TYPE_ARTWORK = 3  # puppet ImageType: 1 thumbnail, 2 HD, 3 artwork (the original)

T = TypeVar("T")

#: WeChat ends every ``@name`` with U+2005 (FOUR-PER-EM SPACE).
MENTION_SEPARATOR = "\u2005"

# ------------------------------------------------------------------------------ pure helpers

_MENTION_RE = re.compile(r"@([^@\u2005\n]{1,48}?)\u2005|@([^@\s\u2005]{1,48})$")


def parse_mention_names(text: str) -> list[str]:
    """Names written as mentions: ``@name`` + U+2005, or a last ``@name`` at the very end
    (clients drop the separator there). In order, duplicates removed."""
    names: list[str] = []
    for match in _MENTION_RE.finditer(text):
        name = (match.group(1) or match.group(2) or "").strip()
        if name and name not in names:
            names.append(name)
    return names


_NAME_END = frozenset(" \u2005\u00a0\t\n,，.。:：!！?？")

#: Display names longer than this are not matched as mentions (WeChat caps names far below).
MAX_MENTION_NAME = 64
#: Only this many "@" of one message are examined: a message of 20,000 "@" costs no more
#: than one of 200 (mention resolution must never block the loop on hostile input).
MAX_MENTION_SCAN = 200


def resolve_mentions(text: str, name_index: Mapping[str, Iterable[str]]) -> list[str]:
    """Member ids mentioned in ``text``, matching each ``@`` against known display names
    (group nickname or contact name; longest name first, so names may contain spaces).
    A name that several members share resolves to nobody: display names are not identity.

    Linear in the text: each ``@`` (at most MAX_MENTION_SCAN of them) is tried against the
    distinct name lengths of the index (a dictionary lookup each), never against every name."""
    found: list[str] = []
    lengths = sorted({len(n) for n in name_index if n and len(n) <= MAX_MENTION_NAME}, reverse=True)
    if not lengths:
        return found
    position = text.find("@")
    scanned = 0
    while position != -1 and scanned < MAX_MENTION_SCAN:
        scanned += 1
        start = position + 1
        if position > 0 and text[position - 1].isascii() and text[position - 1].isalnum():
            position = text.find("@", start)  # an e-mail address, not a mention
            continue
        for length in lengths:
            end = start + length
            if end > len(text) or (end < len(text) and text[end] not in _NAME_END):
                continue
            ids = name_index.get(text[start:end])
            if ids is None:
                continue
            distinct = set(ids)
            if len(distinct) == 1:
                member_id = distinct.pop()
                if member_id not in found:
                    found.append(member_id)
            break
        position = text.find("@", start)
    return found


_QUOTE_RE = re.compile(
    r"\A「(?P<name>[^：:\n」]{1,64}?)[：:](?P<quoted>.*?)」\n(?:- ){5,}-?[ \t]*\n(?P<reply>.*)\Z", re.S
)


def parse_quote(text: str) -> tuple[Quote, str] | None:
    """Split WeChat's quote-reply form ``「Alice：原文」\\n- - - … -\\n回复`` into the quoted
    message and the reply; None when the text is not a quote reply."""
    match = _QUOTE_RE.match(text)
    if match is None:
        return None
    return Quote(sender_name=match["name"].strip(), text=match["quoted"]), match["reply"]


_KINDS: dict[int, MessageKind] = {
    MessageType.MESSAGE_TYPE_ATTACHMENT: MessageKind.FILE,
    MessageType.MESSAGE_TYPE_AUDIO: MessageKind.AUDIO,
    MessageType.MESSAGE_TYPE_CONTACT: MessageKind.CONTACT_CARD,
    MessageType.MESSAGE_TYPE_EMOTICON: MessageKind.EMOTICON,
    MessageType.MESSAGE_TYPE_IMAGE: MessageKind.IMAGE,
    MessageType.MESSAGE_TYPE_TEXT: MessageKind.TEXT,
    MessageType.MESSAGE_TYPE_VIDEO: MessageKind.VIDEO,
    MessageType.MESSAGE_TYPE_CHAT_HISTORY: MessageKind.CHAT_HISTORY,
    MessageType.MESSAGE_TYPE_LOCATION: MessageKind.LOCATION,
    MessageType.MESSAGE_TYPE_MINI_PROGRAM: MessageKind.MINI_PROGRAM,
    MessageType.MESSAGE_TYPE_TRANSFER: MessageKind.TRANSFER,
    MessageType.MESSAGE_TYPE_RED_ENVELOPE: MessageKind.RED_ENVELOPE,
    MessageType.MESSAGE_TYPE_RECALLED: MessageKind.RECALLED,
    MessageType.MESSAGE_TYPE_URL: MessageKind.LINK,
}


def message_kind(message_type: int | None) -> MessageKind:
    """Our kind for the SDK's message type (wechaty-grpc numbering, as the SDK delivers it)."""
    if message_type is None:
        return MessageKind.OTHER
    return _KINDS.get(int(message_type), MessageKind.OTHER)


_THROTTLE_WORDS = ("操作过于频繁", "频繁", "too frequent", "rate limit", "ratelimit")
_PERMISSION_WORDS = ("群主", "管理员", "owner", "admin", "permission", "not allowed", "无权")
_NOT_FOUND_WORDS = ("not found", "not exist", "不存在")
_UNSUPPORTED_WORDS = ("unsupported", "not support", "not implemented")
_STATUS_KINDS = {
    Status.PERMISSION_DENIED: ErrorKind.PERMISSION,
    Status.UNAUTHENTICATED: ErrorKind.PERMISSION,
    Status.RESOURCE_EXHAUSTED: ErrorKind.THROTTLED,
    Status.NOT_FOUND: ErrorKind.NOT_FOUND,
    Status.UNIMPLEMENTED: ErrorKind.UNSUPPORTED,
    Status.UNAVAILABLE: ErrorKind.UNAVAILABLE,
    Status.DEADLINE_EXCEEDED: ErrorKind.UNAVAILABLE,
    Status.CANCELLED: ErrorKind.UNAVAILABLE,
}


def to_platform_error(exc: BaseException, action: str = "") -> PlatformError:
    """Map an SDK / gRPC / network exception to a PlatformError the executor can act on."""
    if isinstance(exc, PlatformError):
        return exc
    detail = str(exc.message or "") if isinstance(exc, GRPCError) else str(exc)
    message = f"{action}: {type(exc).__name__}: {detail}" if action else f"{type(exc).__name__}: {detail}"
    lowered = detail.lower()
    if isinstance(exc, GRPCError) and exc.status in _STATUS_KINDS:
        return PlatformError(_STATUS_KINDS[exc.status], message)
    if isinstance(exc, StreamTerminatedError | ConnectionError | TimeoutError | OSError):
        return PlatformError(ErrorKind.UNAVAILABLE, message)
    if any(word in lowered for word in _THROTTLE_WORDS):
        return PlatformError(ErrorKind.THROTTLED, message)
    if any(word in lowered for word in _PERMISSION_WORDS):
        return PlatformError(ErrorKind.PERMISSION, message)
    if any(word in lowered for word in _NOT_FOUND_WORDS):
        return PlatformError(ErrorKind.NOT_FOUND, message)
    if any(word in lowered for word in _UNSUPPORTED_WORDS):
        return PlatformError(ErrorKind.UNSUPPORTED, message)
    if "puppet_stub should not be none" in lowered:
        return PlatformError(ErrorKind.UNAVAILABLE, message)
    return PlatformError(ErrorKind.FAILED, message)


def backoff_delay(attempt: int, initial: float, maximum: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with "equal jitter": in [base/2, base], base = initial * 2**attempt
    capped at maximum. Jitter keeps many bots from reconnecting in lockstep."""
    base = min(maximum, initial * (2 ** min(attempt, 32)))
    return base / 2 + (rng or random).uniform(0, base / 2)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_datetime(timestamp: float | int | None, fallback: datetime) -> datetime:
    """Gateways send seconds (0.x) or milliseconds (1.x); 0 or missing means unknown."""
    if not timestamp:
        return fallback
    value = float(timestamp)
    if value > 1e11:
        value /= 1000
    return _EPOCH + timedelta(seconds=value)


def synthetic_event_id(
    kind: str, room_id: str, member_ids: Iterable[str], actor: str | None, timestamp: float | int | None
) -> str:
    """Join/leave/topic events carry no id; derive one from their content so a redelivered
    event dedupes to the same id."""
    raw = "|".join([kind, room_id, ",".join(sorted(member_ids)), actor or "", str(timestamp or "")])
    return f"{kind}:{hashlib.sha1(raw.encode()).hexdigest()[:20]}"


def _none_if_empty(value: str | None) -> str | None:
    return value or None


#: How many times one event's conversion may be cut off by an unavailable gateway before it is
#: given up (each time it waits for the next connection or `retry_after`).
MAX_DEFERRALS = 5

#: Gateway events that become room events: journaled raw as they arrive (EventJournal).
_JOURNALED = frozenset({"message", "room-join", "room-leave", "room-topic"})


def raw_event(name: str, payload: Any) -> RawEvent:
    """What the gateway sent for a room event, before any payload is read: the id its converted
    event will carry and the fields needed to convert it again (JSON-able)."""
    if name == "message":
        return RawEvent(str(payload.message_id), name, {"message_id": str(payload.message_id)})
    room_id = str(payload.room_id or "")
    if name == "room-join":
        invited = [str(m) for m in payload.invited_ids or ()]
        data = {"room_id": room_id, "invited_ids": invited, "inviter_id": payload.inviter_id or "",
                "timestamp": payload.timestamp or 0}
        return RawEvent(synthetic_event_id("join", room_id, invited, payload.inviter_id, payload.timestamp), name, data)
    if name == "room-leave":
        removed = [str(m) for m in payload.removed_ids or ()]
        data = {"room_id": room_id, "removed_ids": removed, "remover_id": payload.remover_id or "",
                "timestamp": payload.timestamp or 0}
        return RawEvent(synthetic_event_id("leave", room_id, removed, payload.remover_id, payload.timestamp),
                        name, data)
    if name == "room-topic":
        data = {"room_id": room_id, "new_topic": payload.new_topic or "", "old_topic": payload.old_topic or "",
                "changer_id": payload.changer_id or "", "timestamp": payload.timestamp or 0}
        return RawEvent(synthetic_event_id("topic", room_id, [payload.new_topic or ""], payload.changer_id,
                                           payload.timestamp), name, data)
    raise ValueError(f"{name!r} events are not journaled")


def raw_payload(raw: RawEvent) -> Any:
    """A journaled raw event back in the shape the SDK delivered it (what _convert reads)."""
    return types.SimpleNamespace(**raw.data)


class _Unavailable(Exception):
    """The gateway went away while an event's payload was read: convert it again once it is
    back (its raw record is kept), rather than giving it up."""


# ------------------------------------------------------------------------------ the adapter


NEVER = float("-inf")  # a member's payload never read on its own (listed by a roster read)

# a sender's names as kept between their messages: the loop time the payload was read, the loop
# time until which they are watched (see WechatyAdapter.WATCHED_TTL), the name's length in bytes,
# then the name and the group nickname in UTF-8. One bytes object per member: ~80 bytes where a
# tuple of two str and a float, plus two index entries, cost ~560 (bench.load --warm)
_HEARD = struct.Struct("<ddH")


def _index(index: dict[str, tuple[str, ...]], member_id: str, name: str, alias: str) -> None:
    for display in {name, alias}:
        if display:
            ids = index.get(display, ())
            if member_id not in ids:
                index[display] = (*ids, member_id)


class RoomNames:
    """Who is in one room under which display names, kept up to date incrementally: loaded
    once per connection when a mention or a quote needs it, then changed by join/leave events
    and by every member payload the adapter reads anyway (a message's sender), never rebuilt
    because a message has an "@".

    Two parts: ``heard``, what the payloads read for members' own messages, joins and fresh
    reads said and when (a compact cache every room has, swept of entries older than the TTL),
    and ``members``/``index``, the roster with its name index, only once the room was read in
    full (its names are needed to resolve a name, not for a sender)."""

    def __init__(self) -> None:
        # id -> packed _HEARD record
        self.heard: dict[str, bytes] = {}
        # roster: id -> (contact name, group nickname); only for a room read in full
        self.members: dict[str, tuple[str, str]] = {}
        # display name -> ids, as a tuple: almost every name has one member, and a set for
        # it was a third of what the adapter held per member (216 of ~700 bytes, twice)
        self.index: dict[str, tuple[str, ...]] = {}
        self.loaded_at: float | None = None  # loop time of the last full read
        self._reads = 0  # senders' payloads read since the last sweep (forget_stale)

    def heard_of(self, member_id: str) -> tuple[str, str, float, float] | None:
        """(name, nickname, loop time read, watched until) of the last payload read, if kept."""
        record = self.heard.get(member_id)
        if record is None:
            return None
        at, watch_until, size = _HEARD.unpack_from(record)
        start = _HEARD.size
        return (record[start : start + size].decode(), record[start + size :].decode(), at, watch_until)

    def fresh(self, member_id: str, now: float, ttl: float, watched_ttl: float | None = None) -> tuple[str, str] | None:
        """(name, nickname) if read within ttl seconds (watched_ttl while the member is
        watched), else None (read it again)."""
        known = self.heard_of(member_id)
        if known is None:
            return None
        name, alias, at, watch_until = known
        limit = min(ttl, watched_ttl) if watched_ttl is not None and now < watch_until else ttl
        return (name, alias) if now - at < limit else None

    def names_of(self, member_id: str) -> tuple[str, str] | None:
        """(name, nickname) as last known, however old: the roster's or the last payload's."""
        known = self.heard_of(member_id)
        return (known[0], known[1]) if known is not None else self.members.get(member_id)

    def set(self, member_id: str, name: str, alias: str, at: float | None = None,
            watch_until: float | None = None) -> None:
        """Names from a roster read (at None) or a payload read at loop time ``at``, which may
        mark the member watched until ``watch_until`` (kept from before when not given)."""
        if at is not None:
            old = self.heard.get(member_id)
            if watch_until is None:
                watch_until = _HEARD.unpack_from(old)[1] if old is not None else NEVER
            encoded = name.encode()
            self.heard[member_id] = _HEARD.pack(at, watch_until, len(encoded)) + encoded + alias.encode()
            if self.loaded_at is None and member_id not in self.members:
                return  # no roster to keep up to date
        before = self.members.get(member_id)
        self.members[member_id] = (name, alias)
        if before is not None:
            if before == (name, alias):
                return
            self._unindex(member_id, before)
        _index(self.index, member_id, name, alias)

    def forget_stale(self, now: float, ttl: float) -> None:
        """What the payloads said is kept ttl seconds, so older records go: a process that has
        met every member of 200 groups held all 100,000 of them for nothing. Swept every 64
        reads: a few entries looked at per message. A roster read in full is kept, and so is a
        watched member's record (their watch with it)."""
        self._reads += 1
        if self._reads < 64:
            return
        self._reads = 0
        unpack = _HEARD.unpack_from
        for member_id, record in list(self.heard.items()):
            at, watch_until, _ = unpack(record)
            if now - at >= ttl and now >= watch_until:  # a watched member's record stays (few)
                del self.heard[member_id]

    def heard_index(self) -> dict[str, tuple[str, ...]]:
        """A name index of what the payloads said, for a room whose roster cannot be read."""
        index: dict[str, tuple[str, ...]] = dict(self.index)
        for member_id in self.heard:
            known = self.heard_of(member_id)
            assert known is not None
            _index(index, member_id, known[0], known[1])
        return index

    def remove(self, member_id: str) -> None:
        self.heard.pop(member_id, None)
        old = self.members.pop(member_id, None)
        if old is not None:
            self._unindex(member_id, old)

    def _unindex(self, member_id: str, names: tuple[str, str]) -> None:
        for display in set(names):
            ids = self.index.get(display, ())
            if member_id in ids:
                rest = tuple(i for i in ids if i != member_id)
                if rest:
                    self.index[display] = rest
                else:
                    del self.index[display]


@dataclass
class _Session:
    """One connection to the gateway: a fresh PuppetService (the SDK's gRPC client) and fresh
    caches, so nothing read before a reconnect is reused after it."""

    puppet: Any
    connected: bool = False
    was_connected: bool = False
    last_event: float = 0.0  # loop time of the last event (any kind) from the gateway
    rooms: dict[str, RoomNames] = field(default_factory=dict)
    loading: dict[str, asyncio.Lock] = field(default_factory=dict)
    room_payloads: dict[str, Any] = field(default_factory=dict)  # until a room event or our own change
    # the account's groups and the loop time they were read: until a join or leave anywhere, a
    # message from a group not in it, or ROOM_LIST_TTL (a private message reads it every time)
    room_list: tuple[frozenset[str], list[str], float] | None = None
    room_list_changes: int = 0  # a read answered across a change is not kept
    # each room's limit on reads for its events (WechatyAdapter._room_read)
    room_reads: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    # one read in flight per (kind, room, member): a burst from a member not read yet waits on
    # the first message's read instead of repeating it (WechatyAdapter._read_once)
    in_flight: dict[tuple[str, str, str], asyncio.Future[Any]] = field(default_factory=dict)

    def forget_room_list(self) -> None:
        self.room_list = None
        self.room_list_changes += 1


class GatewayDead(Exception):
    """The watchdog gave up on a connection that stopped delivering anything."""


@dataclass
class _Pending:
    """One gateway event on its way to the sink: converted concurrently, delivered in order
    within its room (its lane)."""

    name: str
    key: asyncio.Future[str | None]  # the lane, known once the message payload is read
    task: asyncio.Task[Event | None] | None
    event: Event | None = None  # for pre-built events (ConnectionChanged)
    raw: RawEvent | None = None  # the journaled raw event (room events), settled once delivered


#: Events that change nothing in a room and are handled as they arrive (never queued).
_INLINE_EVENTS = frozenset({"heartbeat", "dong", "ready", "error", "friendship", "room-invite"})
#: Events that every room event must see in order (delivered when all lanes are idle).
_BARRIER_EVENTS = frozenset({"login", "logout", "scan", "deliver"})

_GLOBAL = "\x00global"


class WechatyAdapter:
    """bot.platform.Platform over the Python Wechaty SDK and a puppet-service gateway.

    ``run()`` connects and delivers events to ``sink`` until ``stop()``; when the gateway is
    unreachable, the event stream ends, or the watchdog finds the connection silent for
    ``liveness_timeout`` seconds (it sends a Ding after ``liveness_timeout / 2.5`` of
    silence; the gateway answers with a dong event), it logs why (naming the endpoint), emits
    ``ConnectionChanged(False)`` and retries with capped exponential backoff and jitter.

    Events are converted concurrently and delivered in arrival order within each room; rooms
    do not wait for each other beyond ``order_wait`` seconds. Reads at the gateway are bounded
    (``max_concurrent_events`` in all, ``max_room_reads`` for one room's events), and a read
    several messages need (a sender not read yet) is made once. Every lookup has a
    timeout, and an event whose lookups fail is delivered with what is known. Every platform
    call raises ``PlatformError`` on failure, never an SDK exception. Sink exceptions are
    logged and never stop the event stream.
    """

    #: A room's full roster is re-read at most this often (names change without events).
    ROSTER_TTL = 6 * 3600.0
    # A sender's names are read again after this long: a member payload read costs as much as
    # the message's own (a gRPC round trip), and with members speaking uniformly over 200 x 500
    # a minute's cache missed most messages (issue 13). A nickname changed meanwhile is seen on
    # their first message after it; the copy a message carries lags anyway (WECHAT.md), and
    # every step that needs the nickname reads it fresh. Joins and leaves apply at once.
    SENDER_TTL = 1800.0
    # ... except for members watched: those who joined, or whom the bot addressed (a prompt to
    # set the group nickname, a warning), for WATCH_FOR after it. Their next message is where a
    # renamed nickname is answered (thanks, no more prompts), so it is read after this long.
    WATCHED_TTL = 60.0
    WATCH_FOR = 3 * 24 * 3600.0  # beyond the nickname steps' last one (48 h after joining)
    # the account's group list is read again after this long even if no event said it changed
    # (a gateway may miss one); within it, a flood of private messages reads it once
    ROOM_LIST_TTL = 30.0

    def __init__(
        self,
        endpoint: str,
        token: str,
        sink: EventSink,
        *,
        clock: Clock,
        cache_dir: str | PathLike[str],
        tls: bool = False,
        backoff_initial: float = 1.0,
        backoff_max: float = 10.0,
        call_timeout: float = 20.0,
        lookup_timeout: float = 5.0,
        start_timeout: float = wechaty_compat.START_TIMEOUT,
        liveness_timeout: float = 25.0,
        order_wait: float = 2.0,
        max_concurrent_events: int = 64,
        max_room_reads: int = 8,
        max_cold_loads: int = 2,
        max_outstanding: int = 20_000,
        max_converting: int = 2_000,
        max_behind: int = 100_000,
        rng: random.Random | None = None,
        journal: EventJournal | None = None,
    ) -> None:
        if not endpoint or not endpoint.strip():
            raise ValueError("WechatyAdapter needs the gateway endpoint as host:port")
        if backoff_initial <= 0 or backoff_max < backoff_initial:
            raise ValueError("need 0 < backoff_initial <= backoff_max")
        self._endpoint = endpoint.strip()
        self._token = token
        wechaty_compat.redact_in_logs(token)  # hpack logs it with every RPC at DEBUG
        self._sink = sink
        self._clock = clock
        self._tls = tls
        self._cache_dir = Path(cache_dir)
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._call_timeout = call_timeout
        self._lookup_timeout = lookup_timeout
        self._start_timeout = start_timeout
        self._liveness_timeout = liveness_timeout
        self._order_wait = order_wait
        self._max_concurrent_events = max_concurrent_events
        self._max_room_reads = max_room_reads
        self._max_cold_loads = max_cold_loads
        self._max_outstanding = max_outstanding
        # while storage keeps up, events past this many on their way wait as raw events (a few
        # hundred bytes each) rather than as tasks holding their payloads (a few KB): at 1,500
        # msg/s, 20,000 of those were 80 MB of the bot's memory. Not past max_outstanding.
        self._max_converting = max_converting
        self._max_behind = max_behind
        self._rng = rng or random.Random()
        #: where raw room events are kept until converted (the core's storage); None: not kept
        self.journal = journal
        # raw events whose payload could not be read because the gateway went away: converted
        # again, before anything newer, once the next connection is up
        self._unconverted: list[RawEvent] = []
        self._deferrals: dict[str, int] = {}  # event id -> times its conversion was cut off
        self._retry: asyncio.TimerHandle | None = None
        #: seconds before events cut off while still connected are converted again
        self.retry_after = 15.0
        wechaty_compat.apply_all(cache_dir=self._cache_dir)

        self._session: _Session | None = None
        self._self_id: str | None = None
        self._connected: bool | None = None
        self._epoch = 0
        self._unsupported: set[str] = set()  # actions the gateway refused as unsupported
        self._pending: asyncio.Queue[_Pending] | None = None
        # a room's events waiting for the one its lane task is handling (a plain deque: a lane
        # is made for most group messages, and only its own task takes from it)
        self._lanes: dict[str, deque[_Pending]] = {}
        self._lane_tasks: dict[str, asyncio.Task[None]] = {}
        self._outstanding = 0
        # room events that arrived while _convert_limit were on their way and storage kept up:
        # kept as their raw events alone (journaled like any other, no payload read, no task), in
        # arrival order, and converted as the ones on their way finish (_catch_up)
        self._behind: deque[RawEvent] = deque()
        self._idle: asyncio.Event | None = None
        self._lanes_idle: asyncio.Event | None = None
        # reads the adapter has at the gateway for events, at most max_concurrent_events; a read
        # for a known room also takes one of that room's max_room_reads first (_room_read)
        self._read_slots: asyncio.Semaphore | None = None
        self._cold_loads: asyncio.Semaphore | None = None
        self._stop_requested: asyncio.Event | None = None
        self._finished: asyncio.Event | None = None
        self.stats: dict[str, int] = {"events": 0, "late": 0, "dropped": 0, "self_echoes": 0, "resumed": 0,
                                      "deferred": 0, "shed": 0, "behind": 0, "shared_reads": 0}

    # ------------------------------------------------------------------ lifecycle

    @property
    def endpoint(self) -> str:
        return self._endpoint

    @property
    def self_id(self) -> str | None:
        return self._self_id

    @property
    def connected(self) -> bool:
        return bool(self._session and self._session.connected)

    @property
    def waiting(self) -> int:
        """Room events received and not yet handed to the core: on their way (being converted
        or queued for their room), and kept behind those (#status shows a backlog)."""
        return self._outstanding + len(self._behind)

    @property
    def _convert_limit(self) -> int:
        """Events on their way (converted, or queued for their room) past which newer ones wait
        as raw events while storage keeps up: max_converting, never past max_outstanding."""
        return min(self._max_converting, self._max_outstanding)

    @property
    def connection_epoch(self) -> int:
        """Increases on every (re)connection: facts read before it may be stale (the gateway's
        groups, roles and members may have changed while the bot was away)."""
        return self._epoch

    async def run(self) -> None:
        """Connect and deliver events until stop(); reconnects on its own."""
        if self._finished is not None and not self._finished.is_set():
            raise RuntimeError("WechatyAdapter.run() is already running")
        self._pending = asyncio.Queue()
        self._stop_requested = asyncio.Event()
        self._finished = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._lanes_idle = asyncio.Event()
        self._lanes_idle.set()
        self._read_slots = asyncio.Semaphore(self._max_concurrent_events)
        self._cold_loads = asyncio.Semaphore(self._max_cold_loads)
        sorter = asyncio.create_task(self._sort_events(), name="wechaty-adapter-sort")
        failures = 0
        try:
            while not self._stop_requested.is_set():
                session = await self._open_session()
                error = await self._hold_session(session)
                if self._stop_requested.is_set():
                    break
                if session.was_connected:
                    failures = 0
                delay = backoff_delay(failures, self._backoff_initial, self._backoff_max, self._rng)
                failures += 1
                self._report_disconnect(session, error, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop_requested.wait(), delay)
        finally:
            await self._drain(timeout=2.0)
            if self._retry is not None:
                self._retry.cancel()
                self._retry = None
            sorter.cancel()
            for task in list(self._lane_tasks.values()):
                task.cancel()
            await asyncio.gather(sorter, *self._lane_tasks.values(), return_exceptions=True)
            await self._abandon_conversions()
            self._lanes.clear()
            self._lane_tasks.clear()
            self._finished.set()

    async def _abandon_conversions(self) -> None:
        """At a stop, conversions still queued (behind a busy lane or the sorter) lose their
        reader: cancel and await them, or the ones that fail on the closed connection leave
        exceptions nobody retrieves. Their raw events stay in the journal (next start)."""
        assert self._pending is not None
        items = [*(self._pending.get_nowait() for _ in range(self._pending.qsize())),
                 *(item for lane in self._lanes.values() for item in lane)]
        tasks = [item.task for item in items if item.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._outstanding = 0  # nothing is on its way any more: a later run() starts idle
        self._behind.clear()  # journaled: the next start converts them (its backlog)

    async def stop(self) -> None:
        """Stop run() and close the connection. Never sends the gateway a Stop RPC: on 1.x
        gateways that logs the WeChat account out."""
        if self._stop_requested is None or self._finished is None:
            return
        self._stop_requested.set()
        await self._finished.wait()

    async def _open_session(self) -> _Session:
        # Imported here: wechaty_compat.apply_all() must run before the SDK is imported.
        from wechaty_puppet import PuppetOptions
        from wechaty_puppet_service import PuppetService

        options = PuppetOptions(end_point=self._endpoint, token=self._token)
        puppet = PuppetService(options)
        if self._tls:
            wechaty_compat.configure_tls(puppet)
        wechaty_compat.set_start_timeout(puppet, self._start_timeout)
        # Only the gRPC client: the SDK's Wechaty/Room/Contact/Message layer would add reads
        # and caches the adapter does not want (it reads exactly what an event needs).
        session = _Session(puppet=puppet, last_event=asyncio.get_running_loop().time())
        for event in (
            "heartbeat",
            "login",
            "logout",
            "scan",
            "message",
            "room-join",
            "room-leave",
            "room-topic",
            "ready",
            "dong",
            "error",
            "friendship",
            "room-invite",
        ):
            puppet.on(event, self._listener(session, event))
        return session

    def _listener(self, session: _Session, event: str) -> Callable[[Any], None]:
        def enqueue(payload: Any) -> None:
            session.last_event = asyncio.get_running_loop().time()
            if not session.connected and session is self._session:
                session.connected = session.was_connected = True
                self._connected = True
                self._epoch += 1
                log.info("connected to Wechaty gateway %s", self._endpoint)
                self._accept(
                    None,
                    "deliver",
                    ConnectionChanged(True, f"connected to gateway {self._endpoint}", self._clock.now()),
                )
                self._resume(session)
            if event in ("room-join", "room-leave", "room-topic"):
                # the room changed: nobody may read the old payload from here on
                session.room_payloads.pop(getattr(payload, "room_id", None) or "", None)
                if event != "room-topic":  # the bot itself may have joined or left a group
                    session.forget_room_list()
            if event in _INLINE_EVENTS:
                if event == "error":
                    log.warning("gateway %s reported an error: %s", self._endpoint, getattr(payload, "data", payload))
                return
            raw = None
            if event in _JOURNALED:
                # behind the ones on their way (and after any kept before it: a room's order)
                full = self._outstanding >= self._max_outstanding
                behind = self._outstanding >= self._convert_limit or bool(self._behind)
                if behind and not self._can_fall_behind():
                    if full or self._behind:
                        self._shed(event, payload)
                        return
                    behind = False  # storage is not writing: memory holds it, up to max_outstanding
                try:
                    raw = raw_event(event, payload)
                except Exception:
                    log.exception("cannot journal a %r event from gateway %s", event, self._endpoint)
                if raw is not None and self.journal is not None:
                    # into the next group commit before any payload is read: once that is
                    # written, a crash loses nothing (the unwritten batch: see bot.core.inbox)
                    self.journal.received(raw)
                if behind:
                    if raw is None:
                        self._shed(event, payload)
                    else:
                        self._fall_behind(raw)
                    return
            self._accept(session, event, payload, raw)

        return enqueue

    def _can_fall_behind(self) -> bool:
        """Room for one more event kept as its raw event alone: fewer than max_behind kept so,
        and the journal writing (not an outage: then the core cannot take events at all and
        memory is what bounds them)."""
        return len(self._behind) < self._max_behind and (self.journal is None or self.journal.keeping_up())

    def _fall_behind(self, raw: RawEvent) -> None:
        """The bot is behind (max_converting on their way, storage writing): keep the event as its
        raw event, a few hundred bytes with no payload read and no task, to be converted in
        arrival order once the waiting ones drain. Before this, such an event was shed: a
        burst past what one process handles lost messages with nothing wrong but CPU."""
        if not self._behind:
            log.warning("%d events waiting: the bot is behind; newer events are kept and handled in order "
                        "as it catches up", self._outstanding)
        self._behind.append(raw)
        self.stats["behind"] += 1

    def _catch_up(self) -> None:
        """Once half of max_converting or fewer are on their way, convert kept events, oldest
        first, until max_converting are again (connected only: the next connection's _resume
        goes on)."""
        if not self._behind:
            return
        limit = self._convert_limit
        if self._outstanding > limit // 2:
            return
        session = self._session
        if session is None or not session.connected:
            return
        room = limit - self._outstanding
        while self._behind and room > 0:
            raw = self._behind.popleft()
            self._accept(session, raw.kind, raw_payload(raw), raw)
            room -= 1
        if not self._behind:
            log.warning("caught up: every event kept while behind is on its way")

    def _shed(self, name: str, payload: Any) -> None:
        """Memory is bounded: with no room to keep a new room event as a raw event (max_behind
        kept, or storage down so the journal is not writing), and max_outstanding on their way
        or events kept behind that it may not pass, it is not kept. Logged with its id (the
        first, then every 1,000th) and counted for #status."""
        self.stats["shed"] += 1
        if self.stats["shed"] == 1 or self.stats["shed"] % 1000 == 0:
            ident = getattr(payload, "message_id", None) or getattr(payload, "room_id", "")
            log.error("%d events waiting, %d kept behind them and no room for more: %r event %s not kept "
                      "(%d so far)", self._outstanding, len(self._behind), name, ident, self.stats["shed"])

    def _retry_later(self) -> None:
        """Events cut off while the connection stays up (a payload read that kept timing out)
        are tried again after retry_after seconds, not only on the next connection."""
        if self._retry is None:
            self._retry = asyncio.get_running_loop().call_later(self.retry_after, self._retry_now)

    def _retry_now(self) -> None:
        self._retry = None
        session = self._session
        if session is None or not session.connected or self._stop_requested is None \
                or self._stop_requested.is_set() or not self._unconverted:
            return  # the next connection resumes them (_resume)
        backlog, self._unconverted = self._unconverted, []
        for raw in backlog:
            self._accept(session, raw.kind, raw_payload(raw), raw)

    def _resume(self, session: _Session) -> None:
        """On connecting: the raw events an earlier connection or run received but never
        converted go first, oldest first, ahead of everything this connection delivers."""
        backlog, self._unconverted = self._unconverted, []
        if self.journal is not None:
            known = {raw.event_id for raw in backlog}
            backlog += [raw for raw in self.journal.backlog() if raw.event_id not in known]
        if backlog:
            log.warning("converting %d gateway events received but not converted before", len(backlog))
        for raw in backlog:
            self.stats["resumed"] += 1
            self._accept(session, raw.kind, raw_payload(raw), raw)
        self._catch_up()  # events kept while behind: after the older ones above, before anything newer

    async def _hold_session(self, session: _Session) -> BaseException | None:
        """Run one connection until its event stream ends, it fails, the watchdog finds it
        dead, or stop() is called."""
        assert self._stop_requested is not None
        self._session = session
        stream = asyncio.create_task(session.puppet.start(), name="wechaty-adapter-stream")
        watchdog = asyncio.create_task(self._watch(session), name="wechaty-adapter-watchdog")
        stopper = asyncio.create_task(self._stop_requested.wait())
        try:
            await asyncio.wait({stream, stopper, watchdog}, return_when=asyncio.FIRST_COMPLETED)
            if watchdog.done() and not watchdog.cancelled():
                return watchdog.exception()
            if stream.done():
                return stream.exception()
            return None
        finally:
            stopper.cancel()
            watchdog.cancel()
            stream.cancel()
            with contextlib.suppress(BaseException):
                await stream
            with contextlib.suppress(BaseException):
                await watchdog
            # events in flight still need the connection: let them finish (briefly when stopping)
            await self._drain(timeout=2.0 if self._stop_requested.is_set() else 5.0)
            self._session = None
            session.connected = False
            self._close(session)

    async def _watch(self, session: _Session) -> None:
        """Raise GatewayDead once nothing (no event, heartbeat or dong) arrived for
        liveness_timeout seconds; after a shorter silence, ask for a dong with a Ding.
        Blackholed traffic and a gateway that stopped answering both end here."""
        loop = asyncio.get_running_loop()
        ping_after = self._liveness_timeout / 2.5
        check = max(self._liveness_timeout / 10, 0.01)
        pinging: asyncio.Task[None] | None = None
        try:
            while True:
                await asyncio.sleep(check)
                silence = loop.time() - session.last_event
                if silence >= self._liveness_timeout:
                    raise GatewayDead(
                        f"nothing from the gateway for {silence:.1f}s (no event, heartbeat or dong)"
                    )
                if silence >= ping_after and (pinging is None or pinging.done()) and session.puppet.channel:
                    pinging = asyncio.create_task(self._ding(session))
        finally:
            if pinging is not None:
                pinging.cancel()

    async def _ding(self, session: _Session) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(session.puppet.puppet_stub.ding(data="qunguan"), self._liveness_timeout / 2)

    @staticmethod
    def _close(session: _Session) -> None:
        puppet = session.puppet
        with contextlib.suppress(Exception):
            puppet._event_stream.remove_all_listeners()
        if puppet.channel is not None:
            with contextlib.suppress(Exception):
                puppet.channel.close()
            puppet.channel = None
        puppet._puppet_stub = None

    def _report_disconnect(self, session: _Session, error: BaseException | None, delay: float) -> None:
        if isinstance(error, wechaty_compat.SessionHeldElsewhere):
            log.error(
                "Wechaty gateway %s: another client holds its event stream (a second bot instance, "
                "or one that crashed and the gateway has not noticed yet); not taking it over "
                "(that would log the account out); retrying in %.2fs",
                self._endpoint,
                delay,
            )
        elif session.was_connected:
            reason = f"event stream ended ({_describe(error)})" if error else "event stream ended"
            log.error("Wechaty gateway %s: %s; retrying in %.2fs", self._endpoint, reason, delay)
        else:
            reason = f"cannot reach it ({_describe(error)})" if error else "it closed the stream at once"
            log.error("Wechaty gateway %s: %s; retrying in %.2fs", self._endpoint, reason, delay)
        if self._connected is not False:
            self._connected = False
            detail = f"gateway {self._endpoint}: {_describe(error) if error else 'event stream ended'}"
            self._accept(None, "deliver", ConnectionChanged(False, detail, self._clock.now()))

    # ------------------------------------------------------------------ ordered, concurrent dispatch

    def _accept(self, session: _Session | None, name: str, payload: Any, raw: RawEvent | None = None) -> None:
        """Take one gateway event: start converting it now (bounded), queue it for ordering."""
        assert self._pending is not None and self._idle is not None
        loop = asyncio.get_running_loop()
        key: asyncio.Future[str | None] = loop.create_future()
        self._outstanding += 1
        self._idle.clear()
        self.stats["events"] += 1
        if name == "deliver":
            key.set_result(_GLOBAL)
            self._pending.put_nowait(_Pending(name, key, None, payload))
            return
        if name in _BARRIER_EVENTS:
            key.set_result(_GLOBAL)
        elif name in ("room-join", "room-leave", "room-topic"):
            key.set_result(getattr(payload, "room_id", None) or _GLOBAL)
        task = loop.create_task(self._convert_logged(session, name, payload, key))
        self._pending.put_nowait(_Pending(name, key, task, raw=raw))

    async def _convert_logged(
        self, session: _Session | None, name: str, payload: Any, key: asyncio.Future[str | None]
    ) -> Event | None:
        # No slot is held for the whole conversion: each read takes one (_read_slots, and its
        # room's for a known room). A conversion that held one throughout let one room the
        # gateway was slow on fill all of them, and every other room waited up to lookup_timeout.
        try:
            return await self._convert(session, name, payload, key)
        except _Unavailable:
            raise  # _finish keeps the raw event for the next connection
        except Exception:
            log.exception("could not convert %r event from gateway %s", name, self._endpoint)
            return None
        finally:
            if not key.done():
                key.set_result(None)  # the event is lost: its lane no longer matters

    async def _sort_events(self) -> None:
        """Hand events to their room's lane in arrival order. An event whose room is not known
        yet (its message payload is still being read) holds the others back at most
        order_wait seconds; then it is delivered when ready, out of order, and logged."""
        assert self._pending is not None and self._lanes_idle is not None
        while True:
            item = await self._pending.get()
            if item.key.done():  # the usual case once events queue up: no timer, no shield
                key = item.key.result()
            else:
                try:
                    key = await asyncio.wait_for(asyncio.shield(item.key), self._order_wait)
                except TimeoutError:
                    self.stats["late"] += 1
                    log.warning("a %r event is slow to read; other events go first", item.name)
                    item.key.add_done_callback(functools.partial(self._late, item))
                    continue
            if key == _GLOBAL:
                await self._lanes_idle.wait()
                await self._finish(item)
            else:
                self._to_lane(key, item)

    def _late(self, item: _Pending, key: asyncio.Future[str | None]) -> None:
        lane = key.result() if not key.cancelled() else None
        self._to_lane(lane or _GLOBAL + "late", item)

    def _to_lane(self, key: str | None, item: _Pending) -> None:
        assert self._lanes_idle is not None
        lane_key = key or _GLOBAL + "lost"
        lane = self._lanes.get(lane_key)
        if lane is None:
            lane = self._lanes[lane_key] = deque()
            self._lane_tasks[lane_key] = asyncio.create_task(self._run_lane(lane_key, lane))
            self._lanes_idle.clear()
        lane.append(item)

    async def _run_lane(self, key: str, lane: deque[_Pending]) -> None:
        assert self._lanes_idle is not None
        try:
            while lane:
                await self._finish(lane.popleft())
        finally:
            self._lanes.pop(key, None)
            self._lane_tasks.pop(key, None)
            if not self._lanes:
                self._lanes_idle.set()

    async def _finish(self, item: _Pending) -> None:
        # the raw event's record goes once its converted event reached the sink (or it had
        # none); never when this is cancelled (a stop): it is converted again next start
        settle = False
        try:
            event = item.event
            if item.task is not None:
                try:
                    event = await item.task
                except _Unavailable:
                    if item.raw is None:
                        self.stats["dropped"] += 1
                        return
                    tries = self._deferrals[item.raw.event_id] = self._deferrals.get(item.raw.event_id, 0) + 1
                    if tries <= MAX_DEFERRALS:
                        self._unconverted.append(item.raw)
                        self.stats["deferred"] += 1
                        self._retry_later()
                        return
                    log.error("message %s lost: its payload could not be read in %d tries", item.raw.event_id, tries)
                    event = None
            if event is not None:
                await self._deliver(event)
            else:
                self.stats["dropped"] += 1
            settle = True
        except Exception:
            log.exception("could not handle %r event from gateway %s", item.name, self._endpoint)
        finally:
            if settle and item.raw is not None:
                self._deferrals.pop(item.raw.event_id, None)
            if settle and item.raw is not None and self.journal is not None:
                try:
                    self.journal.settled(item.raw.event_id)
                except Exception:
                    log.exception("journal failed to settle %s", item.raw.event_id)
            self._outstanding -= 1
            self._catch_up()
            if self._outstanding == 0 and not self._behind and self._idle is not None:
                self._idle.set()

    async def _drain(self, timeout: float) -> None:
        if self._idle is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)

    async def _deliver(self, event: Event) -> None:
        try:
            await self._sink(event)
        except Exception:
            log.exception("event sink failed on %s", type(event).__name__)

    # ------------------------------------------------------------------ event conversion

    async def _lookup(self, what: str, call: Awaitable[T]) -> T | None:
        """One best-effort read for an event: bounded, and None (logged) when it fails, so the
        event is still delivered with what is known."""
        try:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for runs the call in a task of
            # its own, one more task per read (two per group message)
            async with asyncio.timeout(self._lookup_timeout):
                return await call
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = to_platform_error(exc, what)
            if error.kind is ErrorKind.UNSUPPORTED and what.startswith("group nickname"):
                self._unsupported.add("nicknames")
            log.warning("%s via %s failed: %s", what, self._endpoint, error)
            return None

    async def _room_read(self, session: _Session, lane: str, what: str, call: Callable[[], Awaitable[T]]) -> T | None:
        """A read for an event whose room (its lane: a group, or a private chat) is known: at most
        max_room_reads at once for that lane, then one of the adapter's read slots. A room the
        gateway is slow on holds only its own share of the slots; its later events wait behind
        it anyway (its lane), and other rooms' go on. `call` (a functools.partial) makes the read
        once it may run, so a read cancelled while it waits (a stop) leaves no coroutine that was
        never awaited."""
        # private chats share one limit: a limit each would be kept for every stranger who ever wrote
        bucket = "private" if lane.startswith("private:") else lane
        limit = session.room_reads.get(bucket)
        if limit is None:
            limit = session.room_reads[bucket] = asyncio.Semaphore(self._max_room_reads)
        assert self._read_slots is not None
        async with limit, self._read_slots:
            return await self._lookup(what, call())

    async def _read_once(
        self, session: _Session, kind: str, lane: str, member_id: str, what: str, call: Callable[[], Awaitable[T]]
    ) -> T | None:
        """_room_read, shared: while a read of this kind for this member in this lane is at the
        gateway, another message that needs it waits for that answer and holds no slot. A burst
        of 120 messages from a sender not read yet made 120 reads of one member."""
        key = (kind, lane, member_id)
        pending = session.in_flight.get(key)
        if pending is not None:
            self.stats["shared_reads"] += 1
            result: T | None = await asyncio.shield(pending)
            return result
        done: asyncio.Future[T | None] = asyncio.get_running_loop().create_future()
        session.in_flight[key] = done
        result = None
        try:
            result = await self._room_read(session, lane, what, call)
            return result
        finally:
            del session.in_flight[key]
            done.set_result(result)  # None if this one was cancelled (a stop): the others go on

    async def _convert(
        self, session: _Session | None, name: str, payload: Any, key: asyncio.Future[str | None]
    ) -> Event | None:
        assert session is not None
        now = self._clock.now()
        if name == "message":
            return await self._message_received(session, payload, key)
        if name == "room-join":
            names = await self._joined_names(session, payload.room_id, payload.invited_ids)
            return MemberJoined(
                event_id=raw_event(name, payload).event_id,  # the journal's id (one derivation)
                room_id=payload.room_id,
                member_ids=tuple(payload.invited_ids),
                inviter_id=_none_if_empty(payload.inviter_id),
                timestamp=to_datetime(payload.timestamp, now),
                member_names=names,
            )
        if name == "room-leave":
            names = await self._left_names(session, payload.room_id, payload.removed_ids)
            remover = _none_if_empty(payload.remover_id)
            if remover in payload.removed_ids:  # left on their own
                remover = None
            return MemberLeft(
                event_id=raw_event(name, payload).event_id,
                room_id=payload.room_id,
                member_ids=tuple(payload.removed_ids),
                remover_id=remover,
                timestamp=to_datetime(payload.timestamp, now),
                member_names=names,
            )
        if name == "room-topic":
            return TopicChanged(
                event_id=raw_event(name, payload).event_id,
                room_id=payload.room_id,
                new_topic=payload.new_topic or "",
                old_topic=payload.old_topic or "",
                changer_id=_none_if_empty(payload.changer_id),
                timestamp=to_datetime(payload.timestamp, now),
            )
        if name == "login":
            self._self_id = payload.contact_id
            contact = await self._lookup(
                f"name of the bot's account {payload.contact_id}",
                session.puppet.contact_payload(payload.contact_id),
            )
            return LoggedIn(self_id=payload.contact_id, self_name=getattr(contact, "name", "") or "", timestamp=now)
        if name == "logout":
            return LoggedOut(self_id=payload.contact_id, reason=str(payload.data or ""), timestamp=now)
        if name == "scan":
            status = getattr(payload.status, "name", str(payload.status)).lower()
            return LoginQRCode(qrcode=payload.qrcode or "", status=status, timestamp=now)
        return None

    async def _joined_names(self, session: _Session, room_id: str, member_ids: Iterable[str]) -> tuple[str, ...]:
        """Names of members who just joined; each read is bounded and may fail alone (the
        join is delivered anyway: a welcome or a blacklist check must not be lost)."""
        ids = list(member_ids)
        puppet = session.puppet
        payloads = await asyncio.gather(
            *(self._room_read(session, room_id, f"group nickname of {m} in {room_id}",
                              functools.partial(puppet.room_member_payload, room_id, m))
              for m in ids)
        )
        names = []
        room = session.rooms.setdefault(room_id, RoomNames())
        now = asyncio.get_running_loop().time()
        for member_id, member in zip(ids, payloads, strict=True):
            name = str(getattr(member, "name", "") or "")
            alias = str(getattr(member, "room_alias", "") or "")
            if member is not None:  # a newcomer is asked to set a nickname: watched, and
                # their first message reads their names again (NEVER: not read for a message)
                room.set(member_id, name, alias, at=NEVER, watch_until=now + self.WATCH_FOR)
            names.append(name)
        return tuple(names)

    async def _left_names(self, session: _Session, room_id: str, member_ids: Iterable[str]) -> tuple[str, ...]:
        names = []
        room = session.rooms.get(room_id)
        for member_id in member_ids:
            known = room.names_of(member_id) if room is not None else None
            if room is not None:
                room.remove(member_id)
            if known is not None:
                names.append(known[0])
                continue
            contact = await self._room_read(session, room_id, f"name of {member_id}",
                                            functools.partial(session.puppet.contact_payload, member_id))
            names.append(str(getattr(contact, "name", "") or ""))
        return tuple(names)

    async def _message_payload(self, session: _Session, message_id: str) -> Any:
        """The message payload, retried a bounded number of times on transient failures; an
        event that still cannot be read is given up and logged with its id."""
        attempts = 3
        assert self._read_slots is not None
        for attempt in range(attempts):
            try:
                # a slot per attempt (the room is not known yet), never held across the pause
                async with self._read_slots, asyncio.timeout(self._lookup_timeout):
                    return await session.puppet.message_payload(message_id)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                error = to_platform_error(exc, f"payload of message {message_id}")
                if error.kind is ErrorKind.UNAVAILABLE and attempt == attempts - 1 and self.journal is not None:
                    # kept in the journal: read again on the next connection (or start)
                    log.warning("message %s: cannot read its payload from %s now (%s); it is read "
                                "again once the gateway answers", message_id, self._endpoint, error)
                    raise _Unavailable(str(error)) from exc
                if error.kind is not ErrorKind.UNAVAILABLE or attempt == attempts - 1:
                    log.error("message %s lost: cannot read its payload from %s: %s", message_id, self._endpoint, error)
                    return None
                await asyncio.sleep(0.2 * (attempt + 1))
        return None

    async def _message_received(
        self, session: _Session, payload: Any, key: asyncio.Future[str | None]
    ) -> MessageReceived | None:
        message_id = payload.message_id
        data = await self._message_payload(session, message_id)
        if data is None:
            return None
        room_id = data.room_id or None
        lane = room_id or f"private:{data.from_id}"
        if not key.done():
            key.set_result(lane)
        if room_id is not None and session.room_list is not None and room_id not in session.room_list[0]:
            session.forget_room_list()  # a group the list does not know: it is out of date
        kind = message_kind(data.type)
        text = data.text or ""
        mention_ids = list(dict.fromkeys(data.mention_ids or []))
        self_id = self._self_id or session.puppet.login_user_id
        timestamp = to_datetime(data.timestamp, self._clock.now())
        if self_id and data.from_id == self_id:
            # The bot's own message echoed back: no lookups at all (the core ignores it).
            self.stats["self_echoes"] += 1
            return MessageReceived(
                event_id=data.id or message_id, room_id=room_id, sender_id=data.from_id, sender_name="",
                sender_alias="", kind=kind, text=text, timestamp=timestamp, mention_ids=tuple(mention_ids),
                mentions_self=False, is_self=True,
            )
        url: str | None = None
        quote: Quote | None = None
        puppet = session.puppet
        if kind is MessageKind.LINK:
            link = await self._room_read(
                session, lane, f"link of message {message_id}", functools.partial(puppet.message_url, message_id)
            )
            if link is not None:
                url = link.url or None
                text = link.title or url or text
        elif kind is MessageKind.MINI_PROGRAM:
            program = await self._room_read(
                session, lane, f"mini-program of message {message_id}",
                functools.partial(puppet.message_mini_program, message_id),
            )
            if program is not None:
                url, text = mini_program_fields(program, text)
        elif kind is MessageKind.CONTACT_CARD:
            card_id = await self._room_read(
                session, lane, f"card of message {message_id}", functools.partial(puppet.message_contact, message_id)
            )
            if card_id:
                card = await self._room_read(session, lane, f"name of {card_id}",
                                             functools.partial(puppet.contact_payload, card_id))
                text = str(getattr(card, "name", "") or "") or text
        elif kind is MessageKind.FILE:
            text = data.filename or text

        sender_name = ""
        sender_alias = ""
        if room_id is not None:
            now = asyncio.get_running_loop().time()
            names = session.rooms.setdefault(room_id, RoomNames())
            # someone who spoke a moment ago: their names as read then (the copy a message
            # carries lags anyway, WECHAT.md; steps that need the nickname read it fresh)
            known = names.fresh(data.from_id, now, self.SENDER_TTL, self.WATCHED_TTL)
            if known is not None:
                sender_name, sender_alias = known
            else:
                member = await self._read_once(
                    session, "member", room_id, data.from_id, f"group nickname of {data.from_id} in {room_id}",
                    functools.partial(puppet.room_member_payload, room_id, data.from_id),
                )
                if member is not None:
                    sender_name = str(member.name or "")
                    sender_alias = str(member.room_alias or "")
                    names.set(data.from_id, sender_name, sender_alias, at=now)
                    names.forget_stale(now, self.SENDER_TTL)
            if not sender_name:
                sender_name = await self._sender_name(session, lane, data.from_id)
            if kind is MessageKind.TEXT:
                parsed = parse_quote(text)
                if parsed is not None:
                    quote, text = parsed
                    index = await self._name_index(session, room_id)
                    ids = set(index.get(quote.sender_name, ()))
                    if len(ids) == 1:
                        quote = Quote(quote.sender_name, quote.text, None, ids.pop())
                # The gateway's mention list is the truth; names in the text are only read
                # when it sends none (older puppets), from the incrementally kept index.
                if not mention_ids and "@" in text:
                    index = await self._name_index(session, room_id)
                    mention_ids = resolve_mentions(text, index)
        else:
            sender_name = await self._sender_name(session, lane, data.from_id)
        return MessageReceived(
            event_id=data.id or message_id,
            room_id=room_id,
            sender_id=data.from_id,
            sender_name=sender_name,
            sender_alias=sender_alias,
            kind=kind,
            text=text,
            timestamp=timestamp,
            mention_ids=tuple(mention_ids),
            mentions_self=bool(self_id) and self_id in mention_ids,
            is_self=False,
            url=url,
            quote=quote,
        )

    async def _sender_name(self, session: _Session, lane: str, sender_id: str) -> str:
        """The sender's contact name, when their group nickname gave none (or in private)."""
        contact = await self._read_once(session, "contact", lane, sender_id, f"name of {sender_id}",
                                        functools.partial(session.puppet.contact_payload, sender_id))
        return str(getattr(contact, "name", "") or "")

    async def _room_names(self, session: _Session, room_id: str) -> RoomNames:
        """The room's names, read in full once per connection (and after ROSTER_TTL); cold
        reads are bounded across rooms (max_cold_loads at once, 16 reads each)."""
        loop = asyncio.get_running_loop()
        names = session.rooms.get(room_id)
        if names is not None and names.loaded_at is not None and loop.time() - names.loaded_at < self.ROSTER_TTL:
            return names
        lock = session.loading.setdefault(room_id, asyncio.Lock())
        async with lock:
            names = session.rooms.get(room_id)
            if names is not None and names.loaded_at is not None and loop.time() - names.loaded_at < self.ROSTER_TTL:
                return names
            assert self._cold_loads is not None
            async with self._cold_loads:
                fresh = RoomNames()
                member_ids = await asyncio.wait_for(session.puppet.room_members(room_id), self._call_timeout)
                limit = asyncio.Semaphore(16)

                async def read(member_id: str) -> None:
                    async with limit:
                        member = await self._lookup(
                            f"group nickname of {member_id} in {room_id}",
                            session.puppet.room_member_payload(room_id, member_id),
                        )
                    # listed even when unreadable (no names). No read time: the sender cache
                    # holds only what a member's own messages read, so their first message after
                    # a roster load still shows a name changed since (a quote then finds them)
                    fresh.set(member_id, str(getattr(member, "name", "") or ""),
                              str(getattr(member, "room_alias", "") or ""))

                await asyncio.gather(*(read(m) for m in dict.fromkeys(member_ids)))
                fresh.loaded_at = loop.time()
                if names is not None:  # who was read when, and who is watched, stays; the
                    fresh.heard = names.heard  # roster's names are the newer
                    for member_id in fresh.heard.keys() & fresh.members.keys():
                        heard = fresh.heard_of(member_id)
                        assert heard is not None
                        fresh.set(member_id, *fresh.members[member_id], at=heard[2])
                session.rooms[room_id] = fresh
                return fresh

    async def _name_index(self, session: _Session, room_id: str) -> Mapping[str, tuple[str, ...]]:
        """Display name -> member ids for a room; an unreadable room resolves nobody."""
        try:
            return (await self._room_names(session, room_id)).index
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("cannot list members of %s to resolve @mentions: %s", room_id, to_platform_error(exc))
            names = session.rooms.get(room_id)
            return names.heard_index() if names is not None else {}

    # ------------------------------------------------------------------ Platform calls

    async def _call(self, action: str, operation: Callable[[_Session], Awaitable[T]]) -> T:
        session = self._session
        if session is None or not session.connected:
            raise PlatformError(ErrorKind.UNAVAILABLE, f"{action}: not connected to gateway {self._endpoint}")
        try:
            # asyncio.timeout, not wait_for: no task of its own per call (a removal makes two)
            async with asyncio.timeout(self._call_timeout):
                return await operation(session)
        except PlatformError:
            raise
        except Exception as exc:
            error = to_platform_error(exc, f"{action} via {self._endpoint}")
            if error.kind is ErrorKind.UNSUPPORTED:
                self._unsupported.add(action)
            log.warning("%s failed (%s): %s", action, error.kind, error)
            raise error from exc

    async def send_text(
        self, conversation_id: str, text: str, mention_ids: tuple[str, ...] = ()
    ) -> str | None:
        """Send text; each mentioned member gets an ``@name`` + U+2005 prefix unless the text
        already has it (WeChat renders a mention only when the text carries the name)."""

        async def send(session: _Session) -> str | None:
            body = text
            if mention_ids:
                tags = []
                for member_id in mention_ids:
                    member = await self._lookup(
                        f"group nickname of {member_id} in {conversation_id}",
                        session.puppet.room_member_payload(conversation_id, member_id),
                    )
                    display = str(getattr(member, "room_alias", "") or getattr(member, "name", "") or "")
                    if member is not None:  # addressed (a prompt, a warning): watched, and what
                        # they say next (改好了) is read again, not answered from this read
                        session.rooms.setdefault(conversation_id, RoomNames()).set(
                            member_id, str(member.name or ""), str(member.room_alias or ""), at=NEVER,
                            watch_until=asyncio.get_running_loop().time() + self.WATCH_FOR)
                    if not display:
                        contact = await self._lookup(
                            f"name of {member_id}", session.puppet.contact_payload(member_id)
                        )
                        display = str(getattr(contact, "name", "") or "")
                    tag = f"@{display}"
                    if tag not in text:
                        tags.append(tag + MENTION_SEPARATOR)
                body = "".join(tags) + text
            message_id = await session.puppet.message_send_text(conversation_id, body, list(mention_ids))
            return message_id or None

        return await self._call("send_text", send)

    async def kick(self, room_id: str, member_id: str) -> None:
        # Through the puppet, not Room.delete(): that re-reads the room afterwards, and a
        # failed re-read would report a kick that happened as failed.
        async def kick(session: _Session) -> None:
            await session.puppet.room_delete(room_id, member_id)
            self._forget_room(session, room_id)

        await self._call("kick", kick)

    async def invite(self, room_id: str, member_id: str) -> None:
        async def add(session: _Session) -> None:
            await session.puppet.room_add(room_id, member_id)
            self._forget_room(session, room_id)

        await self._call("invite", add)

    async def set_topic(self, room_id: str, topic: str) -> None:
        async def rename(session: _Session) -> None:
            await session.puppet.room_topic(room_id, topic)

        await self._call("set_topic", rename)

    async def set_announcement(self, room_id: str, text: str) -> None:
        async def announce(session: _Session) -> None:
            await session.puppet.room_announce(room_id, text)
            self._forget_room(session, room_id)

        await self._call("set_announcement", announce)

    async def recall(self, message_id: str) -> bool:
        async def recall(session: _Session) -> bool:
            return bool(await session.puppet.message_recall(message_id))

        return await self._call("recall", recall)

    async def room_info(self, room_id: str, refresh: bool = False) -> RoomInfo:
        async def info(session: _Session) -> RoomInfo:
            data = None if refresh else session.room_payloads.get(room_id)
            if data is None:
                data = await session.puppet.room_payload(room_id)
                session.room_payloads[room_id] = data
            return RoomInfo(
                id=room_id,
                topic=data.topic or "",
                owner_id=_none_if_empty(data.owner_id),
                admin_ids=frozenset(data.admin_ids or ()),
                member_ids=tuple(data.member_ids or ()),
            )

        return await self._call("room_info", info)

    async def member_list(self, room_id: str) -> list[Member]:
        """The room's members with names and group nicknames: read in full once per connection,
        then kept up to date by events and by what each message's sender payload says."""

        async def members(session: _Session) -> list[Member]:
            names = await self._room_names(session, room_id)
            return [Member(id=m, name=n, alias=a) for m, (n, a) in names.members.items()]

        return await self._call("member_list", members)

    async def member_alias(self, room_id: str, member_id: str) -> str:
        async def alias(session: _Session) -> str:
            member = await session.puppet.room_member_payload(room_id, member_id)
            names = session.rooms.get(room_id)
            if names is not None and (member_id in names.members or member_id in names.heard):
                names.set(member_id, str(member.name or ""), str(member.room_alias or ""),
                          at=asyncio.get_running_loop().time())
            return str(member.room_alias or "")

        return await self._call("member_alias", alias)

    async def contact_name(self, contact_id: str) -> str:
        async def name(session: _Session) -> str:
            contact = await session.puppet.contact_payload(contact_id)
            return str(contact.name or "")

        return await self._call("contact_name", name)

    async def room_ids(self) -> list[str]:
        async def ids(session: _Session) -> list[str]:
            now = asyncio.get_running_loop().time()
            if session.room_list is not None and now - session.room_list[2] < self.ROOM_LIST_TTL:
                return list(session.room_list[1])
            changes = session.room_list_changes
            listed = list(await session.puppet.room_list())
            if changes == session.room_list_changes:
                session.room_list = (frozenset(listed), listed, now)
            return list(listed)

        return await self._call("room_ids", ids)

    async def message_image(self, message_id: str) -> bytes:
        """The full picture of an image message (the original, not the thumbnail; the QR check
        needs every module): MessageImage of the artwork, else MessageFile (gateways differ in
        which they serve). Bounded in size (wechaty_compat.MAX_DOWNLOAD_BYTES) and time."""

        async def fetch(session: _Session) -> bytes:
            try:
                box = await session.puppet.message_image(message_id, IMAGE_TYPE_ARTWORK)
            except wechaty_compat.FileTooLarge:
                raise
            except Exception as first:
                log.info("MessageImage %s failed (%s), trying MessageFile", message_id, _describe(first))
                box = await session.puppet.message_file(message_id)
            return wechaty_compat.file_box_bytes(box)

        return await self._call("message_image", fetch)

    async def is_friend(self, contact_id: str) -> bool:
        """Whether the account can message contact_id privately (WeChat delivers private
        messages to friends only): the contact payload's ``friend`` flag, read fresh."""

        async def friend(session: _Session) -> bool:
            contact = await session.puppet.contact_payload(contact_id)
            return bool(getattr(contact, "friend", False))

        return await self._call("is_friend", friend)

    async def capabilities(self, room_id: str) -> Capabilities:
        """What the bot can do in room_id now (see Capabilities). Reads the room (cached by
        the SDK until a room event or a reconnect)."""
        try:
            info = await self.room_info(room_id)
        except PlatformError as exc:
            log.warning("cannot read room %s for its capabilities: %s", room_id, exc)
            info = None
        return capabilities_for(info, self._self_id, frozenset(self._unsupported))

    @staticmethod
    def _forget_room(session: _Session, room_id: str) -> None:
        session.room_payloads.pop(room_id, None)


def capabilities_for(info: RoomInfo | None, self_id: str | None, unsupported: frozenset[str]) -> Capabilities:
    """Capabilities from a room's facts, the bot's id and what the gateway refused as
    unsupported (names of Platform calls: "kick", "set_announcement", "recall", or
    "nicknames" for group nicknames)."""
    if info is None or not self_id:
        role = "unknown"
    elif info.owner_id == self_id:
        role = "owner"
    elif self_id in info.admin_ids:
        role = "admin"
    elif self_id in info.member_ids:
        role = "member"
    else:
        role = "absent"
    role_reason = {"unknown": "unknown", "absent": "not_member", "member": "not_admin"}.get(role)
    missing: list[tuple[str, str]] = []

    def judge(capability: str, action: str, needs_admin: bool) -> bool:
        if action in unsupported:
            missing.append((capability, "unsupported"))
            return False
        if role == "absent" or (needs_admin and role_reason is not None):
            missing.append((capability, role_reason or "unknown"))
            return False
        return True

    return Capabilities(
        role=role,
        can_remove=judge("can_remove", "kick", True),
        can_announce=judge("can_announce", "set_announcement", True),
        can_recall=judge("can_recall", "recall", False),
        can_read_nicknames=judge("can_read_nicknames", "nicknames", False),
        missing=tuple(missing),
    )


def mini_program_fields(program: Any, fallback_text: str) -> tuple[str | None, str]:
    """(page path, text) of a mini-program card. The SDK's payload uses the camelCase JSON
    names (``pagePath``), not snake_case: reading ``page_path`` silently lost both. The text
    is the title, plus the description when it says something else (a 砍一刀 or shop card's
    hook may be in either)."""
    page = getattr(program, "pagePath", None) or getattr(program, "page_path", None) or None
    title = str(getattr(program, "title", "") or "")
    description = str(getattr(program, "description", "") or "")
    text = title or fallback_text
    if description and description != title and description not in text:
        text = f"{text}\n{description}" if text else description
    return (str(page) if page else None), text


def _describe(error: BaseException | None) -> str:
    if error is None:
        return "no error"
    if isinstance(error, GRPCError):
        return f"gRPC {error.status.name}: {error.message}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
