"""A join's platform reads (its room again, its inviter) begin as it arrives, not when its room's
worker reaches it (issue 13: a newcomer's ad waited behind its join's two reads, one after the
other). The real app, SDK and simulator; every wait is on an event (the timeouts only bound a
broken run)."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.plugin import Plugin
from bot.events import MemberJoined, MessageReceived
from tests.harness import Harness

HOLD = "等一下"


class Holder(Plugin):
    """Holds its room's worker on one message until released; records the joins it sees."""

    name = "holder"
    events = (MessageReceived, MemberJoined)

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.joins: list[tuple[MemberJoined, frozenset[str], bool]] = []

    async def handle(self, ctx) -> None:
        if isinstance(ctx.event, MemberJoined):
            inviter = ctx.event.inviter_id
            self.joins.append((ctx.event, frozenset(ctx.room.member_ids) if ctx.room else frozenset(),
                               inviter is not None and ctx.lookup.gathered(ctx.room_id, inviter)))
        elif ctx.message is not None and ctx.message.text == HOLD:
            self.entered.set()
            await self.release.wait()


@pytest.fixture
async def bot(tmp_path, database_url):
    holder = Holder()
    harness = Harness(tmp_path, [holder], database_url=database_url)
    harness.holder = holder
    await harness.start()
    yield harness
    holder.release.set()  # a failed test must not leave the room's worker (and the gate) held
    await harness.stop()


async def test_a_joins_room_and_inviter_are_read_while_the_events_ahead_of_it_are_handled(bot):
    room, world, app = bot.cast.admin, bot.world, bot.app
    newcomer = world.add_contact("新来的", id="wxid_newcomer")
    adapter = bot.runtime.adapter
    room_read, inviter_read = asyncio.Event(), asyncio.Event()
    real_room_info, real_alias = adapter.room_info, adapter.member_alias

    async def room_info(room_id: str, refresh: bool = False):
        info = await real_room_info(room_id, refresh)
        if room_id == room and newcomer in info.member_ids:
            room_read.set()
        return info

    async def member_alias(room_id: str, member_id: str):
        alias = await real_alias(room_id, member_id)
        if (room_id, member_id) == (room, bot.cast["bob"]):
            inviter_read.set()
        return alias

    adapter.room_info, adapter.member_alias = room_info, member_alias
    bot.say(room, "alice", HOLD)
    await asyncio.wait_for(bot.holder.entered.wait(), 30)
    world.join(room, [newcomer], inviter=bot.cast["bob"])
    # the worker of the room is still on the message before the join: before the change both
    # reads waited for it (and then for each other)
    await asyncio.wait_for(asyncio.gather(room_read.wait(), inviter_read.wait()), 30)
    # read, not cached: the event being handled (and any still ahead of the join) see the room
    # as it was for them
    cached = app.rooms.cached(room)
    assert cached is not None and newcomer not in cached.member_ids
    bot.holder.release.set()
    await bot.settle()
    [(joined, members_seen, inviter_gathered)] = bot.holder.joins
    assert joined.member_ids == (newcomer,)
    assert newcomer in members_seen and inviter_gathered  # the join's handling had both
    assert newcomer in app.rooms.cached(room).member_ids  # kept once the join's turn came
    assert not app.reads_under_gate


async def test_a_join_whose_early_room_read_failed_reads_its_room_at_its_turn(bot):
    from bot.platform import ErrorKind, PlatformError

    room, world, app = bot.cast.admin, bot.world, bot.app
    newcomer = world.add_contact("新来的", id="wxid_newcomer")
    adapter = bot.runtime.adapter
    real_room_info = adapter.room_info
    failed = asyncio.Event()

    async def room_info(room_id: str, refresh: bool = False):
        if room_id == room and not failed.is_set():
            failed.set()
            raise PlatformError(ErrorKind.UNAVAILABLE, "gateway busy")
        return await real_room_info(room_id, refresh)

    adapter.room_info = room_info
    bot.say(room, "alice", HOLD)
    await asyncio.wait_for(bot.holder.entered.wait(), 30)
    world.join(room, [newcomer], inviter=bot.cast["bob"])
    await asyncio.wait_for(failed.wait(), 30)
    bot.holder.release.set()
    await bot.settle()
    [(_joined, members_seen, _)] = bot.holder.joins
    assert newcomer in members_seen  # read again when the join's turn came
    assert newcomer in app.rooms.cached(room).member_ids
