"""The Wechaty adapter against the simulator with gateway faults: a dead connection is noticed,
a silent gateway does not hang start-up, error events do not end the stream, a slow or failing
read loses nothing and delays only its own room, and the adapter stays lean (few RPCs).

Real SDK, real gRPC on 127.0.0.1. Tests wait on events (the sink's, the world's), never on
the wall clock; timeouts only bound a failing test."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from grpclib.const import Status

from bot.clock import FakeClock
from bot.core.rooms import RoomDirectory
from bot.events import (
    ConnectionChanged,
    Event,
    LoggedIn,
    MemberJoined,
    MemberLeft,
    MessageKind,
    MessageReceived,
)
from bot.platform import ErrorKind, PlatformError
from bot.simulator import FaultyLink, SimConfig, SimServer, World, default_world
from bot.wechaty_adapter import MAX_MENTION_SCAN, WechatyAdapter, backoff_delay, resolve_mentions

DEMO = "20000000001@chatroom"  # bot is admin
PLAIN = "20000000002@chatroom"  # bot is a plain member
BOUND = 20.0  # only bounds a failing test


class Recorder:
    """An event sink that keeps everything and lets a test wait for a condition on it."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._changed = asyncio.Event()

    async def __call__(self, event: Event) -> None:
        self.events.append(event)
        self._changed.set()

    def of(self, kind: type, **match: Any) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items())]

    def message(self, event_id: str) -> MessageReceived | None:
        found = self.of(MessageReceived, event_id=event_id)
        return found[0] if found else None

    async def wait(self, predicate: Callable[[], Any], what: str = "condition") -> Any:
        async def loop() -> Any:
            while True:
                value = predicate()
                if value:
                    return value
                self._changed.clear()
                # woken by new events; conditions on the gateway's counters are re-checked often
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 0.02)

        try:
            return await asyncio.wait_for(loop(), BOUND)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}; events: {self.events[-5:]}") from None


class Rig:
    def __init__(self, world: World, server: SimServer, link: FaultyLink, sink: Recorder, adapter: WechatyAdapter):
        self.world, self.server, self.link, self.sink, self.adapter = world, server, link, sink, adapter
        self.task: asyncio.Task[None] | None = None

    @property
    def faults(self) -> Any:
        return self.server.service.faults

    def start(self) -> None:
        self.task = asyncio.create_task(self.adapter.run())

    async def logged_in(self, count: int = 1) -> None:
        await self.sink.wait(lambda: len(self.sink.of(LoggedIn)) >= count, "LoggedIn")


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    clock = FakeClock()
    world = default_world(clock, SimConfig(heartbeat_seconds=60.0))  # silence unless the bot asks
    server = SimServer(world)
    await server.start("127.0.0.1", 0)
    link = FaultyLink(server.host, server.port)
    await link.start()
    sink = Recorder()
    # timeouts loose enough that a busy CI loop does not look like a dead gateway
    adapter = WechatyAdapter(
        link.endpoint, "insecure_test", sink, clock=clock, cache_dir=tmp_path / "cache",
        backoff_initial=0.05, backoff_max=0.2, start_timeout=2.0, liveness_timeout=3.0,
        lookup_timeout=BOUND, order_wait=BOUND,
    )
    rig = Rig(world, server, link, sink, adapter)
    yield rig
    rig.faults.clear()
    await asyncio.wait_for(adapter.stop(), BOUND)
    if rig.task is not None:
        await asyncio.wait_for(rig.task, BOUND)
    await link.stop()
    await server.stop()


def member(world: World, name: str) -> str:
    contact = world.find_contact(name)
    assert contact is not None
    return contact.id


# --------------------------------------------------------------------------- liveness


async def test_a_blackholed_connection_is_detected_and_the_bot_reconnects(rig: Rig) -> None:
    rig.start()
    await rig.logged_in()
    rig.link.blackhole()
    await rig.sink.wait(lambda: rig.sink.of(ConnectionChanged, connected=False), "the watchdog to notice")
    lost = rig.sink.of(ConnectionChanged, connected=False)[0]
    assert "nothing from the gateway" in lost.detail or "Stream" in lost.detail or "Timeout" in lost.detail
    assert rig.link.dropped > 0  # the bot probed the silent link (Ding or HTTP/2 ping) before giving up
    rig.link.heal()
    await rig.logged_in(2)
    epoch = rig.adapter.connection_epoch
    alice = member(rig.world, "alice")
    message_id = rig.world.say(DEMO, alice, "回来了")
    await rig.sink.wait(lambda: rig.sink.message(message_id), "a message after the reconnect")
    assert [e.connected for e in rig.sink.of(ConnectionChanged)] == [True, False, True]
    assert epoch == 2


async def test_a_quiet_but_healthy_gateway_is_kept_alive_by_ding(rig: Rig) -> None:
    """No events for longer than the liveness timeout, but the gateway answers Ding with a
    dong: the connection stays up."""
    rig.start()
    await rig.logged_in()
    await rig.sink.wait(lambda: rig.server.service.rpc_counts["Ding"] >= 3, "three dings")
    assert not rig.sink.of(ConnectionChanged, connected=False)


async def test_a_gateway_that_accepts_and_never_answers_does_not_hang_start_up(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.link.accept_but_silent()
    rig.start()
    # the first attempt given up and logged, and a second one made, in either order (the test
    # failed once in a loaded suite, not reproduced: it asserted the log right after the count)
    await rig.sink.wait(lambda: rig.link.accepted >= 2 and "retrying in" in caplog.text,
                        "a second attempt after the first timed out")
    # the Start's own timeout, or on a loop starved past it, the liveness check that also ends it
    assert "did not answer Start" in caplog.text or "cannot reach it" in caplog.text, caplog.text
    assert not rig.sink.of(LoggedIn)
    rig.link.heal()
    await rig.logged_in()


@pytest.mark.parametrize("payload", [{"gerror": "puppet lost its session"}, {}], ids=["1.x", "0.31"])
async def test_error_events_do_not_end_the_stream(rig: Rig, payload: dict[str, Any]) -> None:
    rig.start()
    await rig.logged_in()
    rig.server.service.push_error(payload)
    message_id = rig.world.say(DEMO, member(rig.world, "alice"), "错误之后")
    await rig.sink.wait(lambda: rig.sink.message(message_id), "the message after the error event")
    assert [e.connected for e in rig.sink.of(ConnectionChanged)] == [True]


def test_reconnect_backoff_is_capped_at_ten_seconds_by_default() -> None:
    import random

    rng = random.Random(1)
    delays = [backoff_delay(n, 1.0, 10.0, rng) for n in range(12)]
    assert max(delays) <= 10.0 and delays[-1] >= 5.0
    adapter = WechatyAdapter("127.0.0.1:1", "t", Recorder(), clock=FakeClock(), cache_dir=Path("/tmp/qg-x"))
    assert adapter._backoff_max == 10.0


# --------------------------------------------------------------------------- nothing lost, no stalls


async def test_a_slow_read_delays_only_its_own_room_and_keeps_order_within_it(rig: Rig) -> None:
    rig.start()
    await rig.logged_in()
    alice, bob = member(rig.world, "alice"), member(rig.world, "bob")
    gate = rig.faults.hold("RoomMemberPayload", when=lambda r: r.id == DEMO and r.member_id == alice)
    first = rig.world.say(DEMO, alice, "慢的那条")
    second = rig.world.say(DEMO, bob, "排在后面")
    other = rig.world.say(PLAIN, bob, "别的群")
    await rig.sink.wait(lambda: rig.sink.message(other), "the other room's message")
    assert rig.sink.message(first) is None and rig.sink.message(second) is None
    gate.set()
    await rig.sink.wait(lambda: rig.sink.message(second), "the held room's messages")
    ids = [e.event_id for e in rig.sink.of(MessageReceived)]
    assert ids.index(first) < ids.index(second)
    assert rig.sink.message(first).sender_alias == "上海-电商-小A"  # type: ignore[union-attr]


async def test_a_room_the_gateway_is_slow_on_takes_only_its_share_of_the_reads(rig: Rig) -> None:
    """Each read takes a slot (max_concurrent_events in all) only while it is at the gateway, and
    a room's reads take at most max_room_reads of them: four held member reads in one room leave
    the other room's message its slots. (A conversion once held a slot throughout, so 64 held
    messages of one room stopped every room for up to lookup_timeout.)"""
    rig.adapter._max_concurrent_events, rig.adapter._max_room_reads = 4, 2
    rig.start()
    await rig.logged_in()
    gate = rig.faults.hold("RoomMemberPayload", when=lambda r: r.id == DEMO)
    held = rig.faults.rules[-1]
    senders = [member(rig.world, name) for name in ("alice", "bob", "carol")] + ["wxid_laowang"]
    slow = [rig.world.say(DEMO, sender, f"第{i}条") for i, sender in enumerate(senders)]
    await rig.sink.wait(lambda: held.hits >= 2, "the slow room's reads at the gateway")
    other = rig.world.say(PLAIN, member(rig.world, "bob"), "别的群")
    await rig.sink.wait(lambda: rig.sink.message(other), "the other room's message")
    assert held.hits == 2 and not any(rig.sink.message(m) for m in slow)
    gate.set()
    await rig.sink.wait(lambda: all(rig.sink.message(m) for m in slow), "the slow room's messages")
    ids = [e.event_id for e in rig.sink.of(MessageReceived) if e.room_id == DEMO]
    assert ids == slow
    assert rig.sink.message(slow[0]).sender_alias == "上海-电商-小A"  # type: ignore[union-attr]


async def test_a_burst_from_a_sender_not_read_yet_costs_one_member_read(rig: Rig) -> None:
    """A sender's first messages come in bursts: while their member payload is at the gateway,
    the burst's other messages wait for that answer instead of each reading it again (120
    messages once made 120 reads of one member, and held 120 slots)."""
    rig.start()
    await rig.logged_in()
    alice = member(rig.world, "alice")
    counts = rig.server.service.rpc_counts
    member_reads, contact_reads = counts["RoomMemberPayload"], counts["ContactPayload"]
    gate = rig.faults.hold("RoomMemberPayload", when=lambda r: r.id == DEMO and r.member_id == alice)
    held = rig.faults.rules[-1]
    burst = [rig.world.say(DEMO, alice, f"第{i}条") for i in range(10)]
    await rig.sink.wait(lambda: held.hits + rig.adapter.stats.get("shared_reads", 0) >= len(burst),
                        "every message of the burst at its member read")
    assert held.hits == 1
    gate.set()
    await rig.sink.wait(lambda: all(rig.sink.message(m) for m in burst), "the burst")
    assert {rig.sink.message(m).sender_alias for m in burst} == {"上海-电商-小A"}  # type: ignore[union-attr]
    assert (counts["RoomMemberPayload"], counts["ContactPayload"]) == (member_reads + 1, contact_reads)


async def test_a_failed_member_read_does_not_lose_a_join(rig: Rig) -> None:
    rig.start()
    await rig.logged_in()
    dave = rig.world.add_contact("dave")
    rig.faults.fail("RoomMemberPayload", Status.UNAVAILABLE, when=lambda r: r.member_id == dave, times=None)
    rig.faults.fail("ContactPayload", Status.UNAVAILABLE, when=lambda r: r.id == dave, times=None)
    rig.world.join(DEMO, [dave])
    joined = await rig.sink.wait(lambda: rig.sink.of(MemberJoined), "the join")
    assert joined[0].member_ids == (dave,) and joined[0].room_id == DEMO
    assert joined[0].member_names == ("",)  # delivered with what is known


async def test_a_member_read_that_never_answers_costs_the_message_only_its_nickname(rig: Rig) -> None:
    """Each read for an event is bounded by lookup_timeout (the adapter times the call in its
    own task): a sender's member payload that never comes is given up, and the message is
    delivered with the contact name."""
    # long enough that no read the gateway does answer runs into it on a busy machine (only
    # the held one does, whatever the value): 0.2 s could cut the message's own payload read
    rig.adapter._lookup_timeout = 3.0
    rig.start()
    await rig.logged_in()
    alice = member(rig.world, "alice")
    gate = rig.faults.hold("RoomMemberPayload", when=lambda r: r.member_id == alice)
    message_id = rig.world.say(DEMO, alice, "读不到群昵称")
    event = await rig.sink.wait(lambda: rig.sink.message(message_id), "the message, without a nickname")
    assert not gate.is_set()
    assert (event.sender_name, event.sender_alias) == ("alice", "")


async def test_a_removal_the_gateway_never_answers_is_an_error_and_the_adapter_goes_on(rig: Rig) -> None:
    """A platform call is bounded by call_timeout: a removal the gateway holds is given up as the
    gateway unavailable (the outbox's business: never told as done), and the next call works."""
    rig.start()
    await rig.logged_in()
    bob, carol = member(rig.world, "bob"), member(rig.world, "carol")
    gate = rig.faults.hold("RoomDel", when=lambda r: r.contact_id == bob)
    bound, rig.adapter._call_timeout = rig.adapter._call_timeout, 0.5  # the held call only: it never answers
    with pytest.raises(PlatformError) as raised:
        await rig.adapter.kick(DEMO, bob)
    rig.adapter._call_timeout = bound  # an answered call on a busy machine must not run into it
    assert raised.value.kind == ErrorKind.UNAVAILABLE and not gate.is_set()
    assert rig.world.is_member(DEMO, bob)
    await rig.adapter.kick(DEMO, carol)
    assert not rig.world.is_member(DEMO, carol)
    gate.set()


async def test_a_failed_message_payload_read_is_retried(rig: Rig) -> None:
    rig.start()
    await rig.logged_in()
    rig.faults.fail("MessagePayload", Status.UNAVAILABLE, times=2)
    message_id = rig.world.say(DEMO, member(rig.world, "bob"), "重试")
    await rig.sink.wait(lambda: rig.sink.message(message_id), "the retried message")


# --------------------------------------------------------------------------- lean


async def test_mentions_come_from_the_payload_without_reading_the_roster(rig: Rig) -> None:
    rig.start()
    await rig.logged_in()
    alice, carol = member(rig.world, "alice"), member(rig.world, "carol")
    before = dict(rig.server.service.rpc_counts)
    message_id = rig.world.say(DEMO, alice, "看公告", mentions=[carol, rig.world.bot_id])
    event = await rig.sink.wait(lambda: rig.sink.message(message_id), "the message")
    assert event.mention_ids == (carol, rig.world.bot_id) and event.mentions_self
    spent = {k: v - before.get(k, 0) for k, v in rig.server.service.rpc_counts.items() if v != before.get(k, 0)}
    assert spent == {"MessagePayload": 1, "RoomMemberPayload": 1}


async def test_the_bots_own_echo_costs_one_read(rig: Rig) -> None:
    rig.start()
    await rig.logged_in()
    await rig.sink.wait(lambda: rig.adapter.connected, "connected")
    before = dict(rig.server.service.rpc_counts)
    message_id = await rig.adapter.send_text(DEMO, "机器人说话")
    assert message_id is not None
    echo = await rig.sink.wait(lambda: rig.sink.message(message_id), "the echo")
    assert echo.is_self
    spent = {k: v - before.get(k, 0) for k, v in rig.server.service.rpc_counts.items() if v != before.get(k, 0)}
    assert spent == {"MessageSendText": 1, "MessagePayload": 1}


async def test_the_name_index_is_kept_up_to_date_without_rebuilding(rig: Rig) -> None:
    """Text mentions (no id list, as older puppets send) resolve from an index loaded once
    and then changed by joins, leaves and what each sender's payload says (read again once
    SENDER_TTL has passed: here at once)."""
    rig.adapter.SENDER_TTL = 0.0
    rig.start()
    await rig.logged_in()
    alice, bob, carol = member(rig.world, "alice"), member(rig.world, "bob"), member(rig.world, "carol")
    sep = "\u2005"
    first = rig.world.say(DEMO, bob, f"@卡罗尔{sep}你好")
    assert (await rig.sink.wait(lambda: rig.sink.message(first))).mention_ids == (carol,)
    assert rig.server.service.rpc_counts["RoomMemberList"] == 1

    rig.world.set_alias(DEMO, carol, "新名字")  # no event: learnt from carol's next message
    said = rig.world.say(DEMO, carol, "我改名了")
    await rig.sink.wait(lambda: rig.sink.message(said))
    dave = rig.world.add_contact("dave")
    rig.world.join(DEMO, [dave])
    await rig.sink.wait(lambda: rig.sink.of(MemberJoined))
    rig.world.remove(DEMO, alice, member(rig.world, "群主老王"))
    await rig.sink.wait(lambda: rig.sink.of(MemberLeft))

    second = rig.world.say(DEMO, bob, f"@新名字{sep}@dave{sep}@上海-电商-小A{sep}@卡罗尔{sep}")
    assert (await rig.sink.wait(lambda: rig.sink.message(second))).mention_ids == (carol, dave)
    assert rig.server.service.rpc_counts["RoomMemberList"] == 1  # never rebuilt
    members = {m.id: m for m in await rig.adapter.member_list(DEMO)}
    assert alice not in members and members[carol].alias == "新名字" and dave in members


async def test_a_sender_who_spoke_a_moment_ago_costs_no_member_read(rig: Rig) -> None:
    """Chat comes in bursts: within SENDER_TTL a sender's names come from the room's index,
    and only the message payload is read."""
    rig.start()
    await rig.logged_in()
    bob = member(rig.world, "bob")
    counts = rig.server.service.rpc_counts
    first = rig.world.say(DEMO, bob, "第一句")
    got = await rig.sink.wait(lambda: rig.sink.message(first))
    reads = counts["RoomMemberPayload"]
    second = rig.world.say(DEMO, bob, "第二句")
    again = await rig.sink.wait(lambda: rig.sink.message(second))
    assert counts["RoomMemberPayload"] == reads
    assert (again.sender_name, again.sender_alias) == (got.sender_name, got.sender_alias) != ("", "")
    rig.adapter.SENDER_TTL = 0.0  # time has passed: read again
    third = rig.world.say(DEMO, bob, "第三句")
    await rig.sink.wait(lambda: rig.sink.message(third))
    assert counts["RoomMemberPayload"] == reads + 1


async def test_a_newcomer_or_someone_addressed_is_read_again_sooner_than_a_regular(rig: Rig) -> None:
    """A regular's names are kept SENDER_TTL (half an hour: a minute missed most messages at
    200 x 500); a newcomer's, or those of someone the bot just addressed (a nickname prompt, a
    warning), only WATCHED_TTL: their next message is where a fixed nickname is answered."""
    rig.adapter.WATCHED_TTL = 0.0  # more than the watched TTL has passed, less than the sender TTL
    rig.start()
    await rig.logged_in()
    await rig.sink.wait(lambda: rig.adapter.connected, "connected")
    bob, carol = member(rig.world, "bob"), member(rig.world, "carol")
    dave = rig.world.add_contact("dave")
    rig.world.join(DEMO, [dave])
    await rig.sink.wait(lambda: rig.sink.of(MemberJoined))
    for who in (bob, carol, dave):
        said = rig.world.say(DEMO, who, "大家好")
        await rig.sink.wait(functools.partial(rig.sink.message, said))
    await rig.adapter.send_text(DEMO, "请把群昵称改成 城市-行业-昵称", (carol,))
    counts = rig.server.service.rpc_counts
    reads = counts["RoomMemberPayload"]
    for who in (bob, carol, dave):
        rig.world.set_alias(DEMO, who, f"上海-电商-{who[-4:]}")
    got = {}
    for who in (bob, carol, dave):
        said = rig.world.say(DEMO, who, "改好了")
        got[who] = (await rig.sink.wait(functools.partial(rig.sink.message, said))).sender_alias
    assert got[carol] == f"上海-电商-{carol[-4:]}" and got[dave] == f"上海-电商-{dave[-4:]}"
    assert got[bob] != f"上海-电商-{bob[-4:]}"  # as read a moment ago: seen within SENDER_TTL
    assert counts["RoomMemberPayload"] == reads + 2


async def test_twenty_thousand_at_signs_cost_a_bounded_number_of_lookups() -> None:
    class Counting(dict[str, set[str]]):
        lookups = 0

        def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
            Counting.lookups += 1
            return super().get(key, default)

    index = Counting({f"成员{n}": {f"id{n}"} for n in range(1000)})
    text = "@" * 20_000
    assert resolve_mentions(text, index) == []
    distinct_lengths = len({len(n) for n in index})
    assert Counting.lookups <= MAX_MENTION_SCAN * distinct_lengths
    assert resolve_mentions("@成员7\u2005" * 3 + "@" * 20_000 + "@成员8", index) == ["id7"]


# --------------------------------------------------------------------------- cards, capabilities, rooms


async def test_mini_program_cards_arrive_with_title_and_page_path(rig: Rig) -> None:
    rig.start()
    await rig.logged_in()
    message_id = rig.world.say(
        DEMO, member(rig.world, "bob"), "帮我砍一刀，差一点就成功了", kind=MessageKind.MINI_PROGRAM,
        url="pages/bargain/index?activity=88&from=share", description="拼多多",
    )
    event = await rig.sink.wait(lambda: rig.sink.message(message_id), "the card")
    assert event.kind is MessageKind.MINI_PROGRAM
    assert event.url == "pages/bargain/index?activity=88&from=share"
    assert "砍一刀" in event.text and "拼多多" in event.text


async def test_capabilities_follow_the_bots_role(rig: Rig) -> None:
    rig.start()
    await rig.logged_in()
    demo = await rig.adapter.capabilities(DEMO)
    assert (demo.role, demo.can_remove, demo.can_announce, demo.can_recall) == ("admin", True, True, True)
    assert demo.complete
    plain = await rig.adapter.capabilities(PLAIN)
    assert plain.role == "member" and not plain.can_remove and not plain.can_announce
    assert plain.can_recall and plain.can_read_nicknames
    assert ("can_remove", "not_admin") in plain.missing


async def test_a_reconnect_expires_the_room_cache(rig: Rig) -> None:
    """A demoted admin must not keep admin rights from a room read before an outage."""
    rig.start()
    await rig.logged_in()
    bob = member(rig.world, "bob")
    rig.world.set_admin(DEMO, bob, True)
    rooms = RoomDirectory(rig.adapter, FakeClock(), ttl=timedelta(minutes=10))
    info = await rooms.get(DEMO)
    assert info is not None and bob in info.admin_ids
    rig.world.set_admin(DEMO, bob, False)
    assert bob in (await rooms.get(DEMO)).admin_ids  # type: ignore[union-attr]  # cached, as designed
    await rig.server.stop()
    await rig.sink.wait(lambda: rig.sink.of(ConnectionChanged, connected=False), "the outage")
    await rig.server.start()
    await rig.logged_in(2)
    info = await rooms.get(DEMO)
    assert info is not None and bob not in info.admin_ids


def test_a_restarted_simulator_never_reuses_message_ids() -> None:
    """The bot dedupes on message ids: a new World (a restarted `qunguan sim`) that reused
    ids would have its messages dropped as already handled."""
    runs = []
    for _ in range(3):
        world = default_world(FakeClock())
        alice = member(world, "alice")
        runs.append({world.say(DEMO, alice, f"第{n}条") for n in range(50)})
    assert not (runs[0] & runs[1]) and not (runs[0] & runs[2]) and not (runs[1] & runs[2])


async def test_a_message_whose_payload_is_slow_lets_other_rooms_go_first(tmp_path: Path) -> None:
    """Which room a message belongs to is only known from its payload: a slow payload read
    holds the others back at most order_wait, then it is delivered when it arrives."""
    clock = FakeClock()
    world = default_world(clock, SimConfig(heartbeat_seconds=60.0))
    server = SimServer(world)
    await server.start("127.0.0.1", 0)
    sink = Recorder()
    adapter = WechatyAdapter(server.endpoint, "insecure_test", sink, clock=clock, cache_dir=tmp_path / "cache",
                             backoff_initial=0.05, backoff_max=0.2, order_wait=0.1, lookup_timeout=BOUND)
    task = asyncio.create_task(adapter.run())
    try:
        await sink.wait(lambda: sink.of(LoggedIn), "LoggedIn")
        alice, bob = member(world, "alice"), member(world, "bob")
        slow = world.say(DEMO, alice, "payload 读得很慢")
        gate = server.service.faults.hold("MessagePayload", when=lambda r: r.id == slow)
        world.redeliver(slow)  # the gateway pushes it again; this read is held
        other = world.say(PLAIN, bob, "另一个群")
        await sink.wait(lambda: sink.message(other), "the other room's message")
        gate.set()
        await sink.wait(lambda: sink.message(slow), "the slow message, late")
        assert adapter.stats["late"] >= 1
    finally:
        await asyncio.wait_for(adapter.stop(), BOUND)
        await asyncio.wait_for(task, BOUND)
        await server.stop()


async def test_twenty_thousand_at_signs_through_the_adapter(rig: Rig) -> None:
    """No mention ids (as older puppets send) and 20,000 "@": resolved from the index with a
    bounded scan; the message arrives and other messages are not held up."""
    rig.start()
    await rig.logged_in()
    bob = member(rig.world, "bob")
    hostile = rig.world.say(DEMO, bob, "@" * 20_000)
    after = rig.world.say(PLAIN, bob, "正常消息")
    await rig.sink.wait(lambda: rig.sink.message(after), "the next message")
    event = await rig.sink.wait(lambda: rig.sink.message(hostile), "the hostile message")
    assert event.mention_ids == ()
    assert rig.server.service.rpc_counts["RoomMemberList"] <= 1


class _SlowCore:
    """A core slow to take one message (by its text): that room's lane waits here until released;
    everything reaching it is recorded in `sink`."""

    def __init__(self, text: str) -> None:
        self.sink = Recorder()
        self.busy, self.release = asyncio.Event(), asyncio.Event()
        self._text = text

    async def __call__(self, event: Event) -> None:
        if isinstance(event, MessageReceived) and event.text == self._text:
            self.busy.set()
            await self.release.wait()
        await self.sink(event)


async def _world_with_a_slow_core(text: str) -> tuple[FakeClock, World, SimServer, _SlowCore]:
    """A started simulator (no heartbeats) and a core slow to take the message `text`."""
    clock = FakeClock()
    world = default_world(clock, SimConfig(heartbeat_seconds=60.0))
    server = SimServer(world)
    await server.start("127.0.0.1", 0)
    return clock, world, server, _SlowCore(text)


class _MemoryJournal:
    """The EventJournal protocol kept in a list (the core's Inbox implements it on the database)."""

    def __init__(self) -> None:
        self.kept: dict[str, Any] = {}

    def received(self, raw: Any) -> None:
        self.kept[raw.event_id] = raw

    def settled(self, event_id: str) -> None:
        self.kept.pop(event_id, None)

    def keeping_up(self) -> bool:
        return True

    def backlog(self) -> list[Any]:
        return []


async def test_a_stop_with_conversions_queued_leaves_none_unawaited(tmp_path: Path) -> None:
    """Stopped with events queued behind a gateway login (which waits until every room's lane
    is idle) while a lane is busy in the sink and the queued events' payload reads are still
    unanswered: those conversions fail on the closed connection after the adapter stopped
    sorting. Each is cancelled or awaited before run() returns: none is left running and
    asyncio reports no exception that nobody retrieved once the adapter is gone (their raw
    events stay in the journal for the next start)."""
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    clock, world, server, slow_sink = await _world_with_a_slow_core("先到的")
    sink, busy, release = slow_sink.sink, slow_sink.busy, slow_sink.release
    journal = _MemoryJournal()
    adapter: WechatyAdapter | None = WechatyAdapter(
        server.endpoint, "insecure_test", slow_sink, clock=clock, cache_dir=tmp_path / "cache",
        journal=journal, backoff_initial=0.05, backoff_max=0.2, lookup_timeout=BOUND, order_wait=BOUND)
    assert adapter is not None
    task = asyncio.create_task(adapter.run())
    try:
        await sink.wait(lambda: sink.of(LoggedIn), "LoggedIn")
        alice = member(world, "alice")
        asked: set[str] = set()
        behind: set[str] = set()
        all_asked = asyncio.Event()

        def held(request: Any) -> bool:
            if request.id not in behind:
                return False
            asked.add(request.id)
            if asked == behind:
                all_asked.set()
            return True

        gate = server.service.faults.hold("MessagePayload", when=held)
        world.say(DEMO, alice, "先到的")
        await asyncio.wait_for(busy.wait(), BOUND)
        server.service.push_login()  # a barrier: sorted only once every lane is idle
        for i in range(5):
            behind.add(world.say(DEMO, alice, f"排在后面的第{i}条"))
        await asyncio.wait_for(all_asked.wait(), BOUND)

        await asyncio.wait_for(adapter.stop(), BOUND)
        await asyncio.wait_for(task, BOUND)
        gate.set()
        assert [t for t in asyncio.all_tasks() if "_convert_logged" in repr(t.get_coro())] == []
        assert behind <= set(journal.kept)  # converted again at the next start
        adapter = task = None  # type: ignore[assignment]
        gc.collect()
        await asyncio.sleep(0)
        assert [c.get("message") for c in reported] == []
    finally:
        release.set()
        loop.set_exception_handler(previous)
        if adapter is not None:
            await asyncio.wait_for(adapter.stop(), BOUND)
        await server.stop()


@pytest.mark.parametrize(("max_behind", "kept", "shed"), [(100, 27, 0), (10, 10, 17)])
async def test_events_past_max_converting_wait_as_raw_events_and_keep_their_order(
        tmp_path: Path, max_behind: int, kept: int, shed: int) -> None:
    """The bot behind with storage writing (here the core is slow to take one message, and its
    room's events queue behind it): events past max_converting on their way are not shed, nor
    held as tasks with their payloads (80 MB at 1,500 msg/s). Each is journaled and kept as its
    raw event alone, and all of them reach the core in arrival order once it
    catches up, their raw events settled. (A burst past what one process handles had lost
    messages with nothing wrong but CPU: bench.load at 1,000 msg/s under a profiler.) Past
    max_behind kept so, memory is what bounds them: the rest is shed, the kept still in order."""
    clock, world, server, slow_sink = await _world_with_a_slow_core("先到的")
    sink, busy, release = slow_sink.sink, slow_sink.busy, slow_sink.release
    journal = _MemoryJournal()
    adapter = WechatyAdapter(server.endpoint, "insecure_test", slow_sink, clock=clock, cache_dir=tmp_path / "cache",
                             journal=journal, backoff_initial=0.05, backoff_max=0.2, lookup_timeout=BOUND,
                             order_wait=BOUND, max_converting=4, max_behind=max_behind)
    task = asyncio.create_task(adapter.run())
    try:
        await sink.wait(lambda: sink.of(LoggedIn), "LoggedIn")
        alice, bob = member(world, "alice"), member(world, "bob")
        sent = [world.say(DEMO, alice, "先到的")]
        await asyncio.wait_for(busy.wait(), BOUND)
        sent += [world.say(DEMO, bob if i % 2 else alice, f"后面的第{i}条") for i in range(30)]
        await sink.wait(lambda: adapter.stats["behind"] + adapter.stats["shed"] == 27, "27 past the 4 waiting")
        assert (adapter.stats["behind"], adapter.stats["shed"]) == (kept, shed)
        assert adapter.waiting == 4 + kept  # what #status reports as a backlog
        handled = sent[:4 + kept]  # the waiting ones, then those kept behind them
        assert set(handled) <= set(journal.kept)  # each journaled before anything else
        release.set()
        await sink.wait(lambda: len(sink.of(MessageReceived)) == len(handled), "every message kept")
        assert [e.event_id for e in sink.of(MessageReceived)] == handled
        assert (adapter.stats["behind"], adapter.stats["shed"]) == (kept, shed)
        await sink.wait(lambda: not journal.kept, "every raw event settled")
        assert adapter.waiting == 0
    finally:
        release.set()
        await asyncio.wait_for(adapter.stop(), BOUND)
        await asyncio.wait_for(task, BOUND)
        await server.stop()
