"""The settle barrier tells the truth: when it returns, what the bot committed to doing has been
done, including work that an injected clock's move made due, and work committed while the
sender was looking. Each test forces the interleaving it is about (no timing, no load needed),
against the real app, the real SDK over gRPC and the simulator."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.actions import Reply
from bot.clock import FakeClock
from bot.core.context import Planned
from bot.simulator import World
from bot.simulator.service import PuppetSimService
from tests.harness import Harness, Probe

START = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("barrier", ["settle", "app.idle"])
async def test_settle_waits_for_a_removal_the_clock_made_due(tmp_path, barrier):
    """A removal refused by the hourly cap waits for the window (not work meanwhile); once the
    clock reaches it, it is work again, before the sender has even had a turn to look."""
    bot = await Harness(tmp_path, [Probe()], clock=FakeClock(START), extra_bot="  kicks_per_hour: 1").start()
    try:
        room = bot.cast.admin  # the bot is an admin there
        bob, carol = bot.cast["bob"], bot.cast["carol"]
        bot.say(room, "laowang", f"踢 {bob}")
        await bot.settle()
        assert bot.world.saw_kick(room, bob)
        bot.say(room, "laowang", f"踢 {carol}")
        await bot.settle()  # refused by the cap: waits for the next window, idle meanwhile
        assert bot.world.is_member(room, carol) and not bot.world.saw_kick(room, carol)
        bot.clock.advance(3600)
        await (bot.settle() if barrier == "settle" else bot.app.idle())
        assert bot.world.saw_kick(room, carol)
    finally:
        await bot.stop()


async def test_settle_waits_for_rows_committed_while_the_sender_was_scanning(tmp_path):
    """Rows committed (and the sender woken) after its scan read the table but before it acted
    on the result: that scan is stale and must not declare the outbox idle."""
    bot = await Harness(tmp_path, [Probe()], clock=FakeClock(START)).start()
    try:
        await bot.settle()
        room = bot.cast.owned
        outbox = bot.app.outbox
        real_scan = outbox._scan
        overtaken = asyncio.Event()

        async def scan_then_commit():
            lanes, next_at = await real_scan()
            if not lanes and not overtaken.is_set():
                # an event's transaction commits its reply in the gap, and wakes the sender
                await bot.app.execute([Planned(Reply(room, "扫描之后提交的话"), "probe")], bot.app.rules)
                overtaken.set()
            return lanes, next_at

        outbox._scan = scan_then_commit  # type: ignore[method-assign]
        bot.clock.advance(60)  # past the sender's heartbeat: it looks again, finding nothing due
        await overtaken.wait()
        await bot.settle()
        assert "扫描之后提交的话" in bot.texts(room)
    finally:
        await bot.stop()


async def test_an_event_taken_off_the_queue_counts_as_being_sent_in_the_same_step():
    """settle() reads the simulator's count of undelivered events: each room event must be
    queued, being sent or delivered, at every loop turn. On Python 3.11 asyncio.wait_for took it
    off the queue in a task of its own and the stream resumed a turn or two later: meanwhile
    it was none of the three, and a settle poll landing there (likely on a busy machine)
    returned with the event unhandled (a join raid's alert missing in a full run under load)."""
    world = World(FakeClock(START), bot_id="wxid_bot", bot_name="群管机器人")
    alice = world.add_contact("alice")
    room = world.create_room("群", owner=alice, members=[world.bot_id, alice])
    service = PuppetSimService(world)
    service.logged_in = False  # no login events first: the room event is the stream's only one
    release = asyncio.Event()

    class Stream:
        async def recv_message(self) -> None:
            return None

        async def send_message(self, item: object) -> None:
            await release.wait()  # the event stays "being sent" until released

    streaming = asyncio.create_task(service.event(Stream()))  # type: ignore[arg-type]
    try:
        while not service.streaming:
            await asyncio.sleep(0)
        world.say(room, alice, "在吗")
        for _ in range(20):  # one loop turn at a time
            assert service.undelivered_events + service.delivered_room_events == 1
            await asyncio.sleep(0)
        release.set()
        while service.delivered_room_events == 0:
            assert service.undelivered_events == 1
            await asyncio.sleep(0)
        assert service.undelivered_events == 0
    finally:
        release.set()
        service.close_streams()
        await streaming
