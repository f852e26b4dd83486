"""The Wechaty adapter: the only code in the project that talks to WeChat.

It drives the real Python Wechaty SDK (PyPI ``wechaty`` 0.10.7 over gRPC to a
puppet-service gateway) and turns what the SDK delivers into the frozen, platform-neutral
events of :mod:`bot.events`. The SDK's own lifecycle (``Wechaty.start()``) swallows errors
and sleeps 60 s, so this adapter owns connecting, reconnecting and event dispatch itself and
uses the SDK's classes (Wechaty, Room, Contact, Message and the PuppetService) for the rest.

The pure parts (mention and quote parsing, message kinds, error mapping, backoff) are
module-level functions so they can be tested without a gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import re
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
from bot.platform import ErrorKind, EventSink, Member, PlatformError, RoomInfo

log = logging.getLogger(__name__)

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


def resolve_mentions(text: str, name_index: Mapping[str, Iterable[str]]) -> list[str]:
    """Member ids mentioned in ``text``, matching each ``@`` against known display names
    (group nickname or contact name; longest name first, so names may contain spaces).
    A name that several members share resolves to nobody: display names are not identity."""
    found: list[str] = []
    names = sorted((n for n in name_index if n), key=len, reverse=True)
    position = text.find("@")
    while position != -1:
        start = position + 1
        if position > 0 and text[position - 1].isascii() and text[position - 1].isalnum():
            position = text.find("@", start)  # an e-mail address, not a mention
            continue
        for name in names:
            end = start + len(name)
            if text.startswith(name, start) and (end == len(text) or text[end] in _NAME_END):
                ids = set(name_index[name])
                if len(ids) == 1:
                    member_id = ids.pop()
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


def to_datetime(timestamp: float | int | None, fallback: datetime) -> datetime:
    """Gateways send seconds (0.x) or milliseconds (1.x); 0 or missing means unknown."""
    if not timestamp:
        return fallback
    value = float(timestamp)
    if value > 1e11:
        value /= 1000
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=value)


def synthetic_event_id(
    kind: str, room_id: str, member_ids: Iterable[str], actor: str | None, timestamp: float | int | None
) -> str:
    """Join/leave/topic events carry no id; derive one from their content so a redelivered
    event dedupes to the same id."""
    raw = "|".join([kind, room_id, ",".join(sorted(member_ids)), actor or "", str(timestamp or "")])
    return f"{kind}:{hashlib.sha1(raw.encode()).hexdigest()[:20]}"


def _none_if_empty(value: str | None) -> str | None:
    return value or None


# ------------------------------------------------------------------------------ the adapter


@dataclass
class _Session:
    """One connection to the gateway: a fresh SDK bot and puppet (SDK objects are bound to
    their puppet, so nothing is reused across reconnects)."""

    bot: Any
    puppet: Any
    connected: bool = False
    was_connected: bool = False
    name_index: dict[str, tuple[datetime, dict[str, set[str]]]] = field(default_factory=dict)


_Item = tuple[_Session | None, str, Any]


class WechatyAdapter:
    """bot.platform.Platform over the Python Wechaty SDK and a puppet-service gateway.

    ``run()`` connects and delivers events to ``sink`` until ``stop()``; when the gateway is
    unreachable or the event stream ends it logs why (naming the endpoint), emits
    ``ConnectionChanged(False)`` and retries with exponential backoff and jitter. Every
    platform call raises ``PlatformError`` on failure, never an SDK exception. Sink
    exceptions are logged and never stop the event stream.
    """

    NAME_INDEX_TTL = timedelta(minutes=10)

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
        backoff_max: float = 60.0,
        call_timeout: float = 20.0,
        rng: random.Random | None = None,
    ) -> None:
        if not endpoint or not endpoint.strip():
            raise ValueError("WechatyAdapter needs the gateway endpoint as host:port")
        if backoff_initial <= 0 or backoff_max < backoff_initial:
            raise ValueError("need 0 < backoff_initial <= backoff_max")
        self._endpoint = endpoint.strip()
        self._token = token
        self._sink = sink
        self._clock = clock
        self._tls = tls
        self._cache_dir = Path(cache_dir)
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._call_timeout = call_timeout
        self._rng = rng or random.Random()
        wechaty_compat.apply_all(cache_dir=self._cache_dir)

        self._session: _Session | None = None
        self._self_id: str | None = None
        self._connected: bool | None = None
        self._queue: asyncio.Queue[_Item] | None = None
        self._stop_requested: asyncio.Event | None = None
        self._finished: asyncio.Event | None = None

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

    async def run(self) -> None:
        """Connect and deliver events until stop(); reconnects on its own."""
        if self._finished is not None and not self._finished.is_set():
            raise RuntimeError("WechatyAdapter.run() is already running")
        self._queue = asyncio.Queue()
        self._stop_requested = asyncio.Event()
        self._finished = asyncio.Event()
        dispatcher = asyncio.create_task(self._dispatch_events(), name="wechaty-adapter-dispatch")
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
            dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await dispatcher
            self._finished.set()

    async def stop(self) -> None:
        """Stop run() and close the connection. Never sends the gateway a Stop RPC: on 1.x
        gateways that logs the WeChat account out."""
        if self._stop_requested is None or self._finished is None:
            return
        self._stop_requested.set()
        await self._finished.wait()

    async def _open_session(self) -> _Session:
        # Imported here: wechaty_compat.apply_all() must run before the SDK is imported.
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from wechaty import Wechaty, WechatyOptions
        from wechaty_puppet import PuppetOptions
        from wechaty_puppet_service import PuppetService

        options = PuppetOptions(end_point=self._endpoint, token=self._token)
        puppet = PuppetService(options)
        if self._tls:
            wechaty_compat.configure_tls(puppet)
        # In-memory jobs: the SDK's default scheduler writes a job.db SQLite file.
        scheduler = AsyncIOScheduler(jobstores={"default": MemoryJobStore()})
        bot = Wechaty(
            WechatyOptions(
                puppet=puppet, puppet_options=options, scheduler=scheduler, host="127.0.0.1", port=0
            )
        )
        await bot.init_puppet()
        session = _Session(bot=bot, puppet=puppet)
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
            assert self._queue is not None
            if not session.connected and session is self._session:
                session.connected = session.was_connected = True
                self._connected = True
                log.info("connected to Wechaty gateway %s", self._endpoint)
                self._queue.put_nowait(
                    (
                        None,
                        "deliver",
                        ConnectionChanged(True, f"connected to gateway {self._endpoint}", self._clock.now()),
                    )
                )
            self._queue.put_nowait((session, event, payload))

        return enqueue

    async def _hold_session(self, session: _Session) -> BaseException | None:
        """Run one connection until its event stream ends, it fails, or stop() is called."""
        assert self._stop_requested is not None
        self._session = session
        stream = asyncio.create_task(session.puppet.start(), name="wechaty-adapter-stream")
        stopper = asyncio.create_task(self._stop_requested.wait())
        try:
            await asyncio.wait({stream, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if stream.done():
                return stream.exception()
            return None
        finally:
            stopper.cancel()
            stream.cancel()
            with contextlib.suppress(BaseException):
                await stream
            await self._drain(timeout=5.0)
            self._session = None
            session.connected = False
            self._close(session)

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
        assert self._queue is not None
        if session.was_connected:
            reason = f"event stream ended ({_describe(error)})" if error else "event stream ended"
        else:
            reason = f"cannot reach it ({_describe(error)})" if error else "it closed the stream at once"
        log.error("Wechaty gateway %s: %s; retrying in %.2fs", self._endpoint, reason, delay)
        if self._connected is not False:
            self._connected = False
            self._queue.put_nowait(
                (
                    None,
                    "deliver",
                    ConnectionChanged(False, f"gateway {self._endpoint}: {reason}", self._clock.now()),
                )
            )

    async def _drain(self, timeout: float) -> None:
        if self._queue is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout)

    async def _dispatch_events(self) -> None:
        """Convert and deliver events one at a time, in arrival order."""
        assert self._queue is not None
        while True:
            session, name, payload = await self._queue.get()
            try:
                event = payload if name == "deliver" else await self._convert(session, name, payload)
                if event is not None:
                    await self._deliver(event)
            except Exception:
                log.exception("could not handle %r event from gateway %s", name, self._endpoint)
            finally:
                self._queue.task_done()

    async def _deliver(self, event: Event) -> None:
        try:
            await self._sink(event)
        except Exception:
            log.exception("event sink failed on %s", type(event).__name__)

    # ------------------------------------------------------------------ event conversion

    async def _convert(self, session: _Session | None, name: str, payload: Any) -> Event | None:
        assert session is not None
        now = self._clock.now()
        if name == "message":
            return await self._message_received(session, payload)
        if name == "room-join":
            names = await self._names(session, payload.invited_ids)
            session.name_index.pop(payload.room_id, None)
            return MemberJoined(
                event_id=synthetic_event_id(
                    "join", payload.room_id, payload.invited_ids, payload.inviter_id, payload.timestamp
                ),
                room_id=payload.room_id,
                member_ids=tuple(payload.invited_ids),
                inviter_id=_none_if_empty(payload.inviter_id),
                timestamp=to_datetime(payload.timestamp, now),
                member_names=names,
            )
        if name == "room-leave":
            names = await self._names(session, payload.removed_ids)
            session.name_index.pop(payload.room_id, None)
            remover = _none_if_empty(payload.remover_id)
            if remover in payload.removed_ids:  # left on their own
                remover = None
            return MemberLeft(
                event_id=synthetic_event_id(
                    "leave", payload.room_id, payload.removed_ids, payload.remover_id, payload.timestamp
                ),
                room_id=payload.room_id,
                member_ids=tuple(payload.removed_ids),
                remover_id=remover,
                timestamp=to_datetime(payload.timestamp, now),
                member_names=names,
            )
        if name == "room-topic":
            return TopicChanged(
                event_id=synthetic_event_id(
                    "topic", payload.room_id, [payload.new_topic or ""], payload.changer_id, payload.timestamp
                ),
                room_id=payload.room_id,
                new_topic=payload.new_topic or "",
                old_topic=payload.old_topic or "",
                changer_id=_none_if_empty(payload.changer_id),
                timestamp=to_datetime(payload.timestamp, now),
            )
        if name == "login":
            self._self_id = payload.contact_id
            me = session.bot.ContactSelf.load(payload.contact_id)
            with contextlib.suppress(Exception):
                await me.ready()
            return LoggedIn(self_id=payload.contact_id, self_name=me.name, timestamp=now)
        if name == "logout":
            return LoggedOut(self_id=payload.contact_id, reason=str(payload.data or ""), timestamp=now)
        if name == "scan":
            status = getattr(payload.status, "name", str(payload.status)).lower()
            return LoginQRCode(qrcode=payload.qrcode or "", status=status, timestamp=now)
        if name == "error":
            log.warning("gateway %s reported an error: %s", self._endpoint, getattr(payload, "data", payload))
        return None

    async def _names(self, session: _Session, contact_ids: Iterable[str]) -> tuple[str, ...]:
        names = []
        for contact_id in contact_ids:
            contact = session.bot.Contact.load(contact_id)
            try:
                await contact.ready()
            except Exception as exc:
                log.debug("no payload for contact %s: %s", contact_id, exc)
            names.append(contact.name)
        return tuple(names)

    async def _message_received(self, session: _Session, payload: Any) -> MessageReceived:
        message = session.bot.Message.load(payload.message_id)
        await message.ready()
        data = message.payload
        room = message.room()
        talker = session.bot.Contact.load(data.from_id)
        kind = message_kind(data.type)
        text = data.text or ""
        url: str | None = None
        quote: Quote | None = None
        if kind is MessageKind.LINK:
            with contextlib.suppress(Exception):
                link = await message.to_url_link()
                url = link.payload.url or None
                text = link.payload.title or url or text
        elif kind is MessageKind.MINI_PROGRAM:
            with contextlib.suppress(Exception):
                program = await message.to_mini_program()
                url = program.payload.page_path or None
                text = program.payload.title or text
        elif kind is MessageKind.CONTACT_CARD:
            with contextlib.suppress(Exception):
                card = await message.to_contact()
                await card.ready()
                text = card.name or text
        elif kind is MessageKind.FILE:
            text = data.filename or text

        sender_alias = ""
        mention_ids = list(dict.fromkeys(data.mention_ids or []))
        if room is not None:
            sender_alias = await self._alias(room, talker)
            if kind is MessageKind.TEXT:
                parsed = parse_quote(text)
                if parsed is not None:
                    quote, text = parsed
                    index = await self._name_index(session, room.room_id)
                    ids = set(index.get(quote.sender_name, ()))
                    if len(ids) == 1:
                        quote = Quote(quote.sender_name, quote.text, None, ids.pop())
                if "@" in text:
                    index = await self._name_index(session, room.room_id)
                    for member_id in resolve_mentions(text, index):
                        if member_id not in mention_ids:
                            mention_ids.append(member_id)
        self_id = self._self_id or session.puppet.login_user_id
        return MessageReceived(
            event_id=data.id or payload.message_id,
            room_id=room.room_id if room is not None else None,
            sender_id=data.from_id,
            sender_name=talker.name,
            sender_alias=sender_alias,
            kind=kind,
            text=text,
            timestamp=to_datetime(data.timestamp, self._clock.now()),
            mention_ids=tuple(mention_ids),
            mentions_self=bool(self_id) and self_id in mention_ids,
            is_self=bool(self_id) and data.from_id == self_id,
            url=url,
            quote=quote,
        )

    @staticmethod
    async def _alias(room: Any, contact: Any) -> str:
        try:
            return str(await room.alias(contact) or "")
        except Exception as exc:  # group nicknames are best effort on every puppet
            log.debug("no group nickname for %s in %s: %s", contact.contact_id, room.room_id, exc)
            return ""

    async def _name_index(self, session: _Session, room_id: str) -> dict[str, set[str]]:
        """Display name -> member ids for a room (group nicknames and contact names), cached."""
        now = self._clock.now()
        cached = session.name_index.get(room_id)
        if cached is not None and now - cached[0] < self.NAME_INDEX_TTL:
            return cached[1]
        index: dict[str, set[str]] = {}
        try:
            for member in await self._members(session, room_id):
                for name in {member.name, member.alias}:
                    if name:
                        index.setdefault(name, set()).add(member.id)
        except Exception as exc:
            log.warning("cannot list members of %s to resolve @mentions: %s", room_id, exc)
            return cached[1] if cached else {}
        session.name_index[room_id] = (now, index)
        return index

    async def _members(self, session: _Session, room_id: str) -> list[Member]:
        room = session.bot.Room.load(room_id)
        contacts = await room.member_list()
        limit = asyncio.Semaphore(16)

        async def member(contact: Any) -> Member:
            async with limit:
                alias = await self._alias(room, contact)
                return Member(id=contact.contact_id, name=contact.name, alias=alias)

        return list(await asyncio.gather(*(member(c) for c in contacts)))

    # ------------------------------------------------------------------ Platform calls

    async def _call(self, action: str, operation: Callable[[_Session], Awaitable[T]]) -> T:
        session = self._session
        if session is None or not session.connected:
            raise PlatformError(ErrorKind.UNAVAILABLE, f"{action}: not connected to gateway {self._endpoint}")
        try:
            return await asyncio.wait_for(operation(session), self._call_timeout)
        except PlatformError:
            raise
        except Exception as exc:
            error = to_platform_error(exc, f"{action} via {self._endpoint}")
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
                room = session.bot.Room.load(conversation_id)
                tags = []
                for member_id in mention_ids:
                    contact = session.bot.Contact.load(member_id)
                    await contact.ready()
                    tag = f"@{await self._alias(room, contact) or contact.name}"
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

    async def set_announcement(self, room_id: str, text: str) -> None:
        async def announce(session: _Session) -> None:
            await session.puppet.room_announce(room_id, text)
            self._forget_room(session, room_id)

        await self._call("set_announcement", announce)

    async def recall(self, message_id: str) -> bool:
        async def recall(session: _Session) -> bool:
            return bool(await session.bot.Message.load(message_id).recall())

        return await self._call("recall", recall)

    async def room_info(self, room_id: str, refresh: bool = False) -> RoomInfo:
        async def info(session: _Session) -> RoomInfo:
            room = session.bot.Room.load(room_id)
            await room.ready(force_sync=refresh)
            data = room.payload
            return RoomInfo(
                id=room_id,
                topic=data.topic or "",
                owner_id=_none_if_empty(data.owner_id),
                admin_ids=frozenset(data.admin_ids or ()),
                member_ids=tuple(data.member_ids or ()),
            )

        return await self._call("room_info", info)

    async def member_list(self, room_id: str) -> list[Member]:
        return await self._call("member_list", lambda session: self._members(session, room_id))

    async def member_alias(self, room_id: str, member_id: str) -> str:
        async def alias(session: _Session) -> str:
            room = session.bot.Room.load(room_id)
            return str(await room.alias(session.bot.Contact.load(member_id)) or "")

        return await self._call("member_alias", alias)

    async def contact_name(self, contact_id: str) -> str:
        async def name(session: _Session) -> str:
            contact = session.bot.Contact.load(contact_id)
            await contact.ready()
            return str(contact.name)

        return await self._call("contact_name", name)

    async def room_ids(self) -> list[str]:
        async def ids(session: _Session) -> list[str]:
            return list(await session.puppet.room_list())

        return await self._call("room_ids", ids)

    @staticmethod
    def _forget_room(session: _Session, room_id: str) -> None:
        room = session.bot.Room._pool.get(room_id)
        if room is not None:
            room._payload = None
        session.name_index.pop(room_id, None)


def _describe(error: BaseException | None) -> str:
    if error is None:
        return "no error"
    if isinstance(error, GRPCError):
        return f"gRPC {error.status.name}: {error.message}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
