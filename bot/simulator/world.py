"""The simulated WeChat: an in-memory model of contacts, groups and messages with WeChat's
rules (roles, the 500-member cap, the 2-minute recall window, the send throttle).

Pure Python, no gRPC. Humans are driven by tests and the console (say, join, leave ...);
the bot acts only through the bot_* methods the gRPC service calls. Every change a gateway
would report becomes a SimEvent for listeners; every bot request becomes a BotAction.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime

from bot.clock import Clock
from bot.events import MessageKind
from bot.simulator.model import (
    SEND_KINDS,
    THROTTLE_TEXT,
    ActionKind,
    BotAction,
    Contact,
    EventName,
    Room,
    SimConfig,
    SimError,
    SimErrorKind,
    SimEvent,
    SimMessage,
)
from bot.simulator.render import preview, render_mentions, render_quote
from bot.simulator.throttle import SlidingWindow

EventListener = Callable[[SimEvent], None]
ActionListener = Callable[[BotAction], None]

_ASCII_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _ms(at: datetime) -> int:
    # Gateways disagree on seconds vs milliseconds; the SDK accepts both. Milliseconds keep
    # the order of messages sent within one second.
    return int(at.timestamp() * 1000)


class World:
    def __init__(
        self,
        clock: Clock,
        bot_id: str = "wxid_qunguan_bot",
        bot_name: str = "群管机器人",
        config: SimConfig | None = None,
    ) -> None:
        self.clock = clock
        self.config = config or SimConfig()
        self.bot_id = bot_id
        self.contacts: dict[str, Contact] = {bot_id: Contact(bot_id, bot_name)}
        self.rooms: dict[str, Room] = {}
        self.messages: dict[str, SimMessage] = {}
        self.events: list[SimEvent] = []
        self.actions: list[BotAction] = []
        self.read_counts: Counter[str] = Counter()  # reads the bot made, by RPC-ish name
        self._ids = itertools.count(1)
        # Message ids of a new World (a restarted simulator) never repeat an earlier run's:
        # the bot dedupes on them, and a reused id would be dropped as already handled.
        self._message_id_base = 4_600_000_000_000 + secrets.randbelow(10**6) * 10**7
        self._event_listeners: list[EventListener] = []
        self._action_listeners: list[ActionListener] = []
        # World methods are synchronous, and an asyncio.Condition can only be notified by a
        # coroutine holding its lock; one future per waiter gives the same wake-on-change
        # semantics without a lock.
        self._waiters: set[asyncio.Future[None]] = set()
        self._send_window = SlidingWindow(self.config.send_limit, self.config.send_window_seconds)
        self._kick_window = SlidingWindow(self.config.kick_limit, self.config.kick_window_seconds)

    # ------------------------------------------------------------------ lookup

    @property
    def bot_name(self) -> str:
        return self.contacts[self.bot_id].name

    def contact(self, contact_id: str) -> Contact:
        try:
            return self.contacts[contact_id]
        except KeyError:
            raise SimError(SimErrorKind.NOT_FOUND, f"联系人不存在: {contact_id}") from None

    def room(self, room_id: str) -> Room:
        try:
            return self.rooms[room_id]
        except KeyError:
            raise SimError(SimErrorKind.NOT_FOUND, f"群聊不存在: {room_id}") from None

    def message(self, message_id: str) -> SimMessage:
        try:
            return self.messages[message_id]
        except KeyError:
            raise SimError(SimErrorKind.NOT_FOUND, f"消息不存在: {message_id}") from None

    def find_contact(self, name_or_id: str, room_id: str | None = None) -> Contact | None:
        """By id, group nickname in room_id, or name (first match). For the console and tests;
        the bot itself must never identify people by name."""
        if name_or_id in self.contacts:
            return self.contacts[name_or_id]
        if room_id is not None and room_id in self.rooms:
            room = self.rooms[room_id]
            for member_id in room.member_ids:
                if room.nicknames.get(member_id) == name_or_id:
                    return self.contacts[member_id]
            for member_id in room.member_ids:
                if self.contacts[member_id].name == name_or_id:
                    return self.contacts[member_id]
        return next((c for c in self.contacts.values() if c.name == name_or_id), None)

    def find_room(self, topic_or_id: str) -> Room | None:
        if topic_or_id in self.rooms:
            return self.rooms[topic_or_id]
        return next((r for r in self.rooms.values() if r.topic == topic_or_id), None)

    def display_name(self, contact_id: str, room_id: str | None = None) -> str:
        """The name WeChat shows: the group nickname in that room, else the contact's name."""
        if room_id is not None and room_id in self.rooms:
            alias = self.rooms[room_id].nicknames.get(contact_id)
            if alias:
                return alias
        contact = self.contacts.get(contact_id)
        return contact.name if contact else contact_id

    # ------------------------------------------------------------------ listeners

    def on_event(self, listener: EventListener) -> Callable[[], None]:
        """Call listener for every event a gateway would push; returns an unsubscribe."""
        self._event_listeners.append(listener)
        return lambda: self._event_listeners.remove(listener)

    def on_action(self, listener: ActionListener) -> Callable[[], None]:
        self._action_listeners.append(listener)
        return lambda: self._action_listeners.remove(listener)

    def _emit(self, name: EventName, payload: dict[str, object]) -> SimEvent:
        event = SimEvent(name, payload, self.clock.now())
        self.events.append(event)
        for listener in list(self._event_listeners):
            listener(event)
        self._wake()
        return event

    def _record(
        self,
        kind: ActionKind,
        room_id: str | None,
        target: str | None = None,
        text: str = "",
        mention_ids: Iterable[str] = (),
        error: SimError | None = None,
        message_id: str | None = None,
    ) -> BotAction:
        action = BotAction(
            kind=kind,
            room_id=room_id,
            target=target,
            text=text,
            mention_ids=tuple(mention_ids),
            ok=error is None,
            error=error.message if error else None,
            at=self.clock.now(),
            message_id=message_id,
        )
        self.actions.append(action)
        for listener in list(self._action_listeners):
            listener(action)
        self._wake()
        return action

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, set()
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait_for(self, predicate: Callable[[], object], timeout: float = 30.0) -> object:
        """Wait until predicate() is truthy, re-checking on every bot action or event.
        Returns its value; raises TimeoutError listing the bot's recent actions."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n".join(str(a) for a in self.actions[-5:]) or "(none)"
                raise TimeoutError(f"condition not met within {timeout}s; recent bot actions:\n{recent}")
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.add(fut)
            try:
                await asyncio.wait_for(fut, remaining)
            except TimeoutError:
                pass
            finally:
                self._waiters.discard(fut)

    # ------------------------------------------------------------------ driving: people

    def _new_id(self) -> int:
        return next(self._ids)

    def add_contact(self, name: str, id: str | None = None, friend: bool = True) -> str:
        contact_id = id
        if contact_id is None:
            slug = f"wxid_{name.lower()}"
            ascii_ok = _ASCII_NAME.match(name) and slug not in self.contacts
            contact_id = slug if ascii_ok else f"wxid_sim{self._new_id():05d}"
        if contact_id in self.contacts:
            raise SimError(SimErrorKind.INVALID, f"联系人 id 已存在: {contact_id}")
        self.contacts[contact_id] = Contact(contact_id, name, friend)
        return contact_id

    def rename_contact(self, contact_id: str, name: str) -> None:
        # WeChat pushes no event for a profile rename; clients notice on the next payload read.
        self.contact(contact_id).name = name

    def create_room(
        self,
        topic: str,
        owner: str,
        admins: Iterable[str] = (),
        members: Iterable[str] = (),
        id: str | None = None,
    ) -> str:
        for contact_id in [owner, *admins, *members]:
            self.contact(contact_id)
        member_ids = list(dict.fromkeys([owner, *members, *admins]))
        if len(member_ids) > self.config.room_member_cap:
            raise SimError(SimErrorKind.ROOM_FULL, f"群成员已达上限（{self.config.room_member_cap}人）")
        room_id = id or f"{20_000_000_000 + self._new_id() * 7919}@chatroom"
        if room_id in self.rooms:
            raise SimError(SimErrorKind.INVALID, f"群聊 id 已存在: {room_id}")
        self.rooms[room_id] = Room(
            id=room_id,
            topic=topic,
            owner_id=owner,
            admin_ids=set(admins) - {owner},
            member_ids=member_ids,
            inviters={m: owner for m in member_ids if m != owner},
        )
        return room_id

    def _member_room(self, room_id: str, member: str) -> Room:
        room = self.room(room_id)
        self.contact(member)
        if not room.has(member):
            raise SimError(SimErrorKind.INVALID, f"{self.display_name(member)} 不在群聊「{room.topic}」中")
        return room

    def _post(
        self,
        sender: str,
        room_id: str | None,
        to_id: str | None,
        kind: MessageKind,
        text: str,
        mention_ids: tuple[str, ...] = (),
        **extra: object,
    ) -> SimMessage:
        msg = SimMessage(
            id=str(self._message_id_base + self._new_id()),
            sender_id=sender,
            room_id=room_id,
            to_id=to_id,
            kind=kind,
            text=text,
            timestamp=self.clock.now(),
            mention_ids=mention_ids,
            **extra,  # type: ignore[arg-type]
        )
        self.messages[msg.id] = msg
        self._emit(EventName.MESSAGE, {"messageId": msg.id})
        return msg

    def say(
        self,
        room: str,
        sender: str,
        text: str = "",
        mentions: Iterable[str] = (),
        kind: MessageKind = MessageKind.TEXT,
        url: str | None = None,
        quote: str | None = None,
        card_contact_id: str | None = None,
        description: str | None = None,
        data: bytes | None = None,
    ) -> str:
        """A member posts in a room; returns the message id.

        kind LINK/MINI_PROGRAM: text is the title, url the target (a mini-program's page path,
        e.g. "pages/bargain/index?id=1"), description the line under it; CONTACT_CARD: text is the
        card's name (card_contact_id the contact, created if omitted); FILE: text is the file
        name; IMAGE: text is ignored. data: an IMAGE's or FILE's bytes (e.g. a real PNG), served
        by MessageImage/MessageFile (default: a 1×1 PNG / a line of text)."""
        self._member_room(room, sender)
        mention_ids = tuple(dict.fromkeys(mentions))
        for contact_id in mention_ids:
            self.contact(contact_id)
        extra: dict[str, object] = {}
        if kind == MessageKind.TEXT:
            text = render_mentions(text, [self.display_name(m, room) for m in mention_ids])
            if quote is not None:
                quoted = self.message(quote)
                quoted_name = self.display_name(quoted.sender_id, quoted.room_id)
                extra.update(quote_id=quote, own_text=text)
                text = render_quote(quoted_name, preview(quoted.kind, quoted.own_words), text)
        elif kind in (MessageKind.LINK, MessageKind.MINI_PROGRAM):
            extra.update(url=url, title=text, description=description)
        elif kind == MessageKind.CONTACT_CARD:
            card = card_contact_id or self._contact_named(text)
            extra["card_contact_id"] = card
            text = self.contact(card).name
        elif kind == MessageKind.FILE:
            extra["filename"] = text
        elif kind == MessageKind.IMAGE:
            text = ""
            extra["filename"] = f"image-{len(self.messages) + 1}.png"
        if data is not None and kind in (MessageKind.IMAGE, MessageKind.FILE):
            extra["data"] = data
        return self._post(sender, room, None, kind, text, mention_ids, **extra).id

    def redeliver(self, message_id: str) -> None:
        """Push a message event again, as gateways do after a reconnect or a retry: the bot
        must handle each message id once."""
        self.message(message_id)
        self._emit(EventName.MESSAGE, {"messageId": message_id})

    def _contact_named(self, name: str) -> str:
        existing = self.find_contact(name)
        return existing.id if existing else self.add_contact(name, friend=False)

    def say_private(self, sender: str, text: str, kind: MessageKind = MessageKind.TEXT) -> str:
        """A contact sends the bot a private message; returns the message id."""
        self.contact(sender)
        return self._post(sender, None, self.bot_id, kind, text).id

    def join(
        self,
        room: str,
        members: Iterable[str],
        inviter: str | None = None,
        silent: bool = False,
    ) -> list[str]:
        """Members join (invited by inviter; the owner if None, since gateways always name
        one). silent=True models a join event the gateway missed. Returns who was added."""
        room_obj = self.room(room)
        inviter_id = inviter or room_obj.owner_id
        self.contact(inviter_id)
        new = [m for m in dict.fromkeys(members) if not room_obj.has(m)]
        for contact_id in new:
            self.contact(contact_id)
        if len(room_obj.member_ids) + len(new) > self.config.room_member_cap:
            raise SimError(SimErrorKind.ROOM_FULL, f"群成员已达上限（{self.config.room_member_cap}人）")
        if not new:
            return []
        room_obj.member_ids.extend(new)
        room_obj.inviters.update({m: inviter_id for m in new})
        if not silent:
            self._emit(
                EventName.ROOM_JOIN,
                {
                    "roomId": room,
                    "inviteeIdList": new,
                    "inviterId": inviter_id,
                    "timestamp": _ms(self.clock.now()),
                },
            )
        return new

    def _remove_member(self, room_obj: Room, member: str, remover: str, silent: bool = False) -> None:
        room_obj.member_ids.remove(member)
        room_obj.admin_ids.discard(member)
        room_obj.nicknames.pop(member, None)
        room_obj.inviters.pop(member, None)
        if not silent:
            self._emit(
                EventName.ROOM_LEAVE,
                {
                    "roomId": room_obj.id,
                    "removeeIdList": [member],
                    "removerId": remover,
                    "timestamp": _ms(self.clock.now()),
                },
            )

    def leave(self, room: str, member: str, silent: bool = False) -> None:
        """A member quits by themselves (the remover is the member, as puppets report it)."""
        room_obj = self._member_room(room, member)
        if member == room_obj.owner_id:
            raise SimError(SimErrorKind.INVALID, "群主需先转让群主才能退出群聊")
        self._remove_member(room_obj, member, member, silent)

    def remove(self, room: str, member: str, remover: str) -> None:
        """A human owner/admin removes a member."""
        room_obj = self._member_room(room, member)
        self._check_can_remove(room_obj, remover, member)
        self._remove_member(room_obj, member, remover)

    def set_alias(self, room: str, member: str, alias: str) -> None:
        """Change a member's group nickname (群昵称). WeChat pushes no event for this."""
        room_obj = self._member_room(room, member)
        if alias:
            room_obj.nicknames[member] = alias
        else:
            room_obj.nicknames.pop(member, None)

    def set_topic(self, room: str, topic: str, changer: str) -> None:
        room_obj = self._member_room(room, changer)
        old = room_obj.topic
        room_obj.topic = topic
        self._emit(
            EventName.ROOM_TOPIC,
            {
                "roomId": room,
                "newTopic": topic,
                "oldTopic": old,
                "changerId": changer,
                "timestamp": _ms(self.clock.now()),
            },
        )

    def set_admin(self, room: str, member: str, on: bool) -> None:
        room_obj = self._member_room(room, member)
        if member == room_obj.owner_id:
            return
        if on:
            room_obj.admin_ids.add(member)
        else:
            room_obj.admin_ids.discard(member)

    def set_owner(self, room: str, member: str) -> None:
        """Transfer ownership (the old owner stays a member)."""
        room_obj = self._member_room(room, member)
        room_obj.owner_id = member
        room_obj.admin_ids.discard(member)

    def member_recall(self, message_id: str) -> None:
        """A human recalls their own message (a spammer covering tracks)."""
        msg = self.message(message_id)
        msg.recalled = True
        self._post(msg.sender_id, msg.room_id, msg.to_id, MessageKind.RECALLED, message_id)

    # ------------------------------------------------------------------ rules

    def _check_can_remove(self, room_obj: Room, remover: str, member: str) -> None:
        if not room_obj.can_manage(remover):
            raise SimError(SimErrorKind.PERMISSION, "只有群主或管理员才能移出群成员")
        if member == room_obj.owner_id:
            raise SimError(SimErrorKind.PERMISSION, "不能移出群主")
        if member in room_obj.admin_ids and remover != room_obj.owner_id:
            raise SimError(SimErrorKind.PERMISSION, "管理员不能移出其他管理员")
        if member == remover:
            raise SimError(SimErrorKind.INVALID, "不能移出自己，请使用退出群聊")

    def _bot_room(self, room_id: str) -> Room:
        room_obj = self.room(room_id)
        if not room_obj.has(self.bot_id):
            raise SimError(SimErrorKind.PERMISSION, f"你已不在群聊「{room_obj.topic}」中")
        return room_obj

    def _conversation(self, conversation_id: str) -> tuple[str | None, str | None]:
        """(room_id, to_id) of a send; raises for unknown or unreachable conversations."""
        if conversation_id in self.rooms:
            self._bot_room(conversation_id)
            return conversation_id, None
        contact = self.contact(conversation_id)
        if not contact.friend and contact.id != self.bot_id:
            raise SimError(SimErrorKind.PERMISSION, f"{contact.name} 还不是你的朋友，无法发送私聊消息")
        return None, conversation_id

    def _attempt(
        self,
        kind: ActionKind,
        room_id: str | None,
        target: str | None,
        text: str,
        run: Callable[[], str | None],
        mention_ids: tuple[str, ...] = (),
    ) -> str | None:
        """Run one bot request and record it, ok or refused."""
        try:
            message_id = run()
        except SimError as error:
            self._record(kind, room_id, target, text, mention_ids, error=error)
            raise
        self._record(kind, room_id, target, text, mention_ids, message_id=message_id)
        return message_id

    # ------------------------------------------------------------------ bot actions

    def bot_send(
        self,
        conversation_id: str,
        text: str,
        mention_ids: Iterable[str] = (),
        kind: MessageKind = MessageKind.TEXT,
        url: str | None = None,
        card_contact_id: str | None = None,
    ) -> str:
        """The bot sends a message; it is echoed as a message event, as gateways do.

        The text is kept as sent: the SDK already writes "@名字" for mention ids."""
        mentions = tuple(mention_ids)
        action = {
            MessageKind.TEXT: ActionKind.SEND_TEXT,
            MessageKind.CONTACT_CARD: ActionKind.SEND_CONTACT,
            MessageKind.LINK: ActionKind.SEND_URL,
            MessageKind.MINI_PROGRAM: ActionKind.SEND_MINI_PROGRAM,
        }.get(kind, ActionKind.SEND_FILE)
        room_id = conversation_id if conversation_id in self.rooms else None

        def run() -> str:
            room, to_id = self._conversation(conversation_id)
            now = self.clock.now()
            if not self._send_window.allows(now):
                raise SimError(SimErrorKind.THROTTLED, THROTTLE_TEXT)
            self._send_window.hit(now)
            extra: dict[str, object] = {}
            if kind in (MessageKind.LINK, MessageKind.MINI_PROGRAM):
                extra.update(url=url, title=text)
            elif kind == MessageKind.CONTACT_CARD:
                extra["card_contact_id"] = card_contact_id
            elif kind in (MessageKind.FILE, MessageKind.IMAGE):
                extra["filename"] = text
            return self._post(self.bot_id, room, to_id, kind, text, mentions, **extra).id

        message_id = self._attempt(action, room_id, None if room_id else conversation_id, text, run, mentions)
        assert message_id is not None
        return message_id

    def bot_send_text(self, conversation_id: str, text: str, mention_ids: Iterable[str] = ()) -> str:
        return self.bot_send(conversation_id, text, mention_ids)

    def bot_kick(self, room_id: str, member_id: str) -> None:
        def run() -> None:
            room_obj = self._bot_room(room_id)
            self.contact(member_id)
            if not room_obj.has(member_id):
                raise SimError(SimErrorKind.NOT_FOUND, f"{self.display_name(member_id)} 不在群聊中")
            self._check_can_remove(room_obj, self.bot_id, member_id)
            now = self.clock.now()
            if not self._kick_window.allows(now):
                raise SimError(SimErrorKind.THROTTLED, THROTTLE_TEXT)
            self._kick_window.hit(now)
            self._remove_member(room_obj, member_id, self.bot_id)

        self._attempt(ActionKind.KICK, room_id, member_id, "", run)

    def bot_add(self, room_id: str, contact_id: str) -> None:
        def run() -> None:
            room_obj = self._bot_room(room_id)
            self.contact(contact_id)
            if len(room_obj.member_ids) >= self.config.direct_add_limit:
                raise SimError(
                    SimErrorKind.UNSUPPORTED,
                    f"群成员超过{self.config.direct_add_limit}人，需发送群邀请，对方同意后才能入群",
                )
            self.join(room_id, [contact_id], inviter=self.bot_id)

        self._attempt(ActionKind.ADD, room_id, contact_id, "", run)

    def bot_set_announcement(self, room_id: str, text: str) -> None:
        def run() -> None:
            room_obj = self._bot_room(room_id)
            if not room_obj.can_manage(self.bot_id):
                raise SimError(SimErrorKind.PERMISSION, "只有群主或管理员才能修改群公告")
            room_obj.announcement = text

        self._attempt(ActionKind.ANNOUNCE, room_id, None, text, run)

    def bot_set_topic(self, room_id: str, topic: str) -> None:
        def run() -> None:
            self._bot_room(room_id)
            self.set_topic(room_id, topic, self.bot_id)

        self._attempt(ActionKind.TOPIC, room_id, None, topic, run)

    def bot_recall(self, message_id: str) -> bool:
        """Recall one of the bot's own messages within the window. Unknown ids raise; other
        people's or too old messages return False (and are recorded as refused)."""
        msg = self.messages.get(message_id)
        room_id = msg.room_id if msg else None
        if msg is None:
            error = SimError(SimErrorKind.NOT_FOUND, f"消息不存在: {message_id}")
            self._record(ActionKind.RECALL, None, message_id, error=error)
            raise error
        age = (self.clock.now() - msg.timestamp).total_seconds()
        refusal = None
        if msg.sender_id != self.bot_id:
            refusal = "只能撤回自己发送的消息"
        elif msg.recalled:
            refusal = "消息已撤回"
        elif age > self.config.recall_window_seconds:
            refusal = "发送时间超过2分钟的消息，不能被撤回"
        if refusal:
            self._record(
                ActionKind.RECALL, room_id, message_id, error=SimError(SimErrorKind.INVALID, refusal)
            )
            return False
        msg.recalled = True
        self._record(ActionKind.RECALL, room_id, message_id)
        # Clients then see a "recalled" notice carrying the original id, as puppets push it.
        self._post(self.bot_id, msg.room_id, msg.to_id, MessageKind.RECALLED, message_id)
        return True

    def bot_quit(self, room_id: str) -> None:
        def run() -> None:
            room_obj = self._bot_room(room_id)
            if room_obj.owner_id == self.bot_id:
                raise SimError(SimErrorKind.INVALID, "群主需先转让群主才能退出群聊")
            self._remove_member(room_obj, self.bot_id, self.bot_id)

        self._attempt(ActionKind.QUIT, room_id, None, "", run)

    def bot_create_room(self, contact_ids: Iterable[str], topic: str) -> str:
        members = list(contact_ids)

        def run() -> str:
            return self.create_room(topic, self.bot_id, members=members)

        room_id = self._attempt(ActionKind.CREATE_ROOM, None, None, topic, run)
        assert room_id is not None
        return room_id

    def bot_set_name(self, name: str) -> None:
        self._attempt(
            ActionKind.SELF_NAME, None, self.bot_id, name, lambda: self.rename_contact(self.bot_id, name)
        )

    def record_logout(self) -> None:
        self._record(ActionKind.LOGOUT, None, self.bot_id)

    def count_read(self, what: str) -> None:
        self.read_counts[what] += 1

    # ------------------------------------------------------------------ queries for tests

    def members(self, room_id: str) -> list[str]:
        return list(self.room(room_id).member_ids)

    def is_member(self, room_id: str, contact_id: str) -> bool:
        return self.room(room_id).has(contact_id)

    def announcement(self, room_id: str) -> str:
        return self.room(room_id).announcement

    def bot_actions(self, kind: ActionKind | None = None, room_id: str | None = None) -> list[BotAction]:
        return [
            a
            for a in self.actions
            if (kind is None or a.kind == kind) and (room_id is None or a.room_id == room_id)
        ]

    def bot_sends(self, room_id: str | None = None) -> list[BotAction]:
        """Successful sends, optionally only those to one room (or contact)."""
        return [
            a
            for a in self.actions
            if a.kind in SEND_KINDS and a.ok and (room_id is None or room_id in (a.room_id, a.target))
        ]

    def bot_texts(self, room_id: str | None = None) -> list[str]:
        return [a.text for a in self.bot_sends(room_id) if a.kind == ActionKind.SEND_TEXT]

    def saw_kick(self, room_id: str, member_id: str) -> bool:
        return any(a.ok for a in self.bot_actions(ActionKind.KICK, room_id) if a.target == member_id)

    def refusals(self, kind: ActionKind | None = None) -> list[BotAction]:
        return [a for a in self.bot_actions(kind) if not a.ok]

    def last_message(self, room_id: str) -> SimMessage | None:
        return next((m for m in reversed(self.messages.values()) if m.room_id == room_id), None)

    def recent_messages(self, room_id: str, limit: int = 10) -> list[SimMessage]:
        """The newest first."""
        found = [m for m in reversed(self.messages.values()) if m.room_id == room_id]
        return [m for m in found if m.kind != MessageKind.RECALLED][:limit]

    def bot_rooms(self) -> list[str]:
        return [r.id for r in self.rooms.values() if r.has(self.bot_id)]
