"""The end-to-end harness: the real app (bot.runtime.Runtime) + the real Wechaty SDK + the
built-in simulator over gRPC on 127.0.0.1. Scenarios read like a chat."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from bot.actions import Announce, Invite, Kick
from bot.clock import Clock, SystemClock
from bot.core.plugin import Plugin
from bot.events import MemberJoined, MemberLeft, MessageReceived, TopicChanged
from bot.runtime import Runtime
from bot.simulator import ActionKind, SimServer, World
from bot.simulator.pacing import write_fast_rules
from db.models import Case

write_rules = write_fast_rules  # the scenarios' name for it


@dataclass
class Cast:
    """A world with one room of each kind the bot meets: owner, admin, plain member."""

    world: World
    owned: str  # the bot is 群主
    admin: str  # the bot is 管理员, the owner is a human
    plain: str  # the bot is a plain member
    people: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.people[name]


def build_cast(clock: Clock) -> Cast:
    world = World(clock, bot_id="wxid_bot", bot_name="群管机器人")
    people = {name: world.add_contact(name) for name in ("alice", "bob", "carol", "dave", "laowang", "lijie")}
    people["operator"] = world.add_contact("运营小周", id="wxid_operator")
    bot = world.bot_id
    owned = world.create_room("机器人自己的群", owner=bot, members=[bot, people["alice"], people["bob"]],
                              id="30000000001@chatroom")
    admin = world.create_room("读书会", owner=people["laowang"], admins=[bot],
                              members=[bot, people["laowang"], people["alice"], people["bob"], people["carol"]],
                              id="30000000002@chatroom")
    plain = world.create_room("吃瓜群", owner=people["lijie"],
                              members=[bot, people["lijie"], people["alice"], people["bob"]],
                              id="30000000003@chatroom")
    world.set_alias(admin, people["alice"], "上海-电商-小A")
    return Cast(world, owned, admin, plain, people)


async def wait_until(predicate, timeout: float = 30.0):
    """Wait for a condition on the bot's side (the world wakes its own waiters, the app does
    not): re-check every 10 ms until true or the timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (result := predicate()):
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.01)
    return result


class Probe(Plugin):
    """A plugin that records what reaches it and acts on simple phrases."""

    name = "probe"
    events = (MessageReceived, MemberJoined, MemberLeft, TopicChanged)

    def __init__(self) -> None:
        self.seen: list[object] = []

    async def handle(self, ctx) -> None:
        self.seen.append(ctx.event)
        msg = ctx.message
        if msg is None:
            return
        if msg.text == "ping":
            ctx.reply("pong")
        elif msg.text.startswith("踢 "):
            target = msg.mention_ids[0] if msg.mention_ids else msg.text.split()[1]
            ctx.emit(Kick(msg.room_id, target, reason="测试"))
        elif msg.text.startswith("公告 "):
            ctx.emit(Announce(msg.room_id, msg.text[3:]))
        elif msg.text.startswith("拉 "):
            ctx.emit(Invite(msg.room_id, msg.text.split()[1]))

    def messages(self) -> list[MessageReceived]:
        return [e for e in self.seen if isinstance(e, MessageReceived)]


class Harness:
    def __init__(self, tmp: Path, plugins: Sequence[Plugin], database_url: str | None = None,
                 clock: Clock | None = None, extra_bot: str = "", extra_defaults: str = "",
                 watch_rules: bool = False, order_wait: float = 2.0) -> None:
        self.clock = clock or SystemClock()
        self.cast = build_cast(self.clock)
        self.world = self.cast.world
        self.server = SimServer(self.world)
        self.rules_path = write_rules(tmp / "rules.yaml", extra_bot, extra_defaults)
        self.database_url = database_url or f"sqlite:///{tmp / 'bot.db'}"
        self.plugins = list(plugins)
        self.tmp = tmp
        self.runtime: Runtime | None = None
        self.watch_rules = watch_rules
        self.order_wait = order_wait  # the adapter's (WechatyAdapter): the shipped 2 s unless a test says
        # settle()'s barrier: which app is counted, and the simulator's count when it started
        self._counted_app: object | None = None
        self._base = 0

    async def start(self) -> Harness:
        await self.server.start("127.0.0.1", 0)
        await self._start_runtime(self.tmp / "cache", timeout=15)
        return self

    async def restart(self, plugins: Sequence[Plugin] | None = None) -> None:
        """Stop the bot (not the simulator) and start a fresh process on the same database, with
        these plugins (fresh instances: a plugin keeps state in memory) or new ones of the same
        classes."""
        assert self.runtime is not None
        await self.runtime.stop()
        self.plugins = list(plugins) if plugins is not None else [type(p)() for p in self.plugins]
        await self._start_runtime(self.tmp / "cache2", timeout=60)

    async def _start_runtime(self, cache_dir: Path, timeout: float) -> None:
        self.runtime = Runtime(
            rules_path=self.rules_path, database_url=self.database_url, endpoint=self.server.endpoint,
            token="insecure_test", plugins=self.plugins, clock=self.clock, cache_dir=cache_dir,
            watch_rules=self.watch_rules, rules_poll_interval=0.05, backoff_initial=0.05, backoff_max=0.2,
            order_wait=self.order_wait,
        )
        await self.runtime.start()
        await wait_until(lambda: self.app.logged_in_as == self.world.bot_id, timeout=timeout)

    async def stop(self) -> None:
        if self.runtime:
            await self.runtime.stop()
        await self.server.stop()

    @property
    def app(self):
        assert self.runtime is not None
        return self.runtime.app

    async def settle(self, timeout: float = 60.0) -> None:
        """A barrier, not a pause: wait until every room event the simulator wrote to the bot's
        event stream has reached the app and been handled, and every queue is idle — events
        the bot's own actions caused (a kick's leave event) included. The timeout only bounds
        a broken run; a busy machine just takes longer."""
        service = self.server.service
        app = self.app
        if app is not self._counted_app:
            # a new Runtime (a restart test): count from the first stream it opened — one opened
            # after it was created (an earlier app may never have settled; a start may open two)
            opens = [count for count, at in zip(service.stream_opens, service.stream_open_times, strict=True)
                     if at >= app.created_at]
            self._base = opens[0] if opens else service.delivered_room_events
            self._counted_app = app

        def settled() -> bool:
            return (service.undelivered_events == 0
                    and app.room_events_received >= service.delivered_room_events - self._base
                    and app.is_idle)

        try:
            await wait_until(settled, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"not settled in {timeout}s: simulator delivered "
                f"{service.delivered_room_events - self._base} room events "
                f"since it started ({service.undelivered_events} still queued, {service.dropped_events} dropped "
                f"with no stream open, streams opened {len(service.stream_opens)}), the app received "
                f"{app.room_events_received} and finished {app.room_events_done}") from None

    def say(self, room: str, who: str, text: str, **kwargs) -> str:
        return self.world.say(room, self.cast[who], text, **kwargs)

    def texts(self, room: str) -> list[str]:
        return self.world.bot_texts(room)

    async def wait_text(self, room: str, needle: str, timeout: float = 60.0) -> str:
        def found() -> str | None:
            return next((t for t in self.world.bot_texts(room) if needle in t), None)
        return str(await self.world.wait_for(found, timeout=timeout))

    def sends(self, room: str):
        return [a for a in self.world.bot_actions(ActionKind.SEND_TEXT, room) if a.ok]

    def private_texts(self, contact_id: str) -> list[str]:
        """What the bot said to this contact in private chat."""
        return [a.text for a in self.world.bot_actions(ActionKind.SEND_TEXT)
                if a.ok and a.room_id is None and a.target == contact_id]


def all_cases(bot: Harness) -> list[Case]:
    """Every case the bot opened, oldest first, detached from its session."""
    with bot.app.sessions() as db:
        rows = list(db.scalars(select(Case).order_by(Case.id)))
        db.expunge_all()
        return rows
