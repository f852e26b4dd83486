"""A newcomer's removal right after joining stands on their join's own room read (issue 13: the
executor read the room again before every removal, p99 31-39 ms at 300 msg/s, though the join had
just read it), and only where that cannot change what the bot does or says: a member made admin
since is still not removed (WeChat refuses an admin's removal of another admin, and the room is
read again), a regular's removal and one in a group the bot owns read the room as before. The real
app, SDK and simulator with an injected clock that does not move; every wait is on an event or the
settle barrier (the timeouts only bound a broken run)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.platform import PlatformError
from db.models import OutboxRow
from tests.harness import Harness
from tests.removing import AD, Remover


@pytest.fixture
async def bot(tmp_path, database_url):
    harness = Harness(tmp_path, [Remover()], database_url=database_url, clock=FakeClock())
    await harness.start()
    await harness.settle()
    yield harness
    await harness.stop()


def watch(bot):
    """The removal attempts at the gateway from now on, in order, each with how many room reads
    (RoomPayload RPCs) the gateway had answered before it: (member, refused, reads before)."""
    adapter, rpcs = bot.runtime.adapter, bot.server.service.rpc_counts
    base = rpcs["RoomPayload"]
    seen: list[tuple[str, bool, int]] = []
    real_kick = adapter.kick

    async def kick(room_id: str, member_id: str):
        reads = rpcs["RoomPayload"] - base
        try:
            await real_kick(room_id, member_id)
        except PlatformError:
            seen.append((member_id, True, reads))
            raise
        seen.append((member_id, False, reads))

    adapter.kick = kick
    return seen


async def joined(bot, room: str, name: str, contact_id: str) -> str:
    member = bot.world.add_contact(name, id=contact_id)
    bot.world.join(room, [member], inviter=bot.cast["alice"])
    await bot.settle()
    return member


async def removal_reads(bot, room: str, member: str) -> list[tuple[str, bool, int]]:
    """The member posts the ad and is removed: each kick with whether it failed and the room
    reads made before it."""
    seen = watch(bot)
    bot.world.say(room, member, AD)
    await bot.settle()
    assert bot.world.saw_kick(room, member)
    return seen


async def test_a_newcomers_removal_right_after_joining_stands_on_the_joins_room_read(bot):
    room, owned = bot.cast.admin, bot.cast.owned
    newcomer = await joined(bot, room, "新人小广", "wxid_newcomer")
    assert await removal_reads(bot, room, newcomer) == [(newcomer, False, 0)]  # before: the room read again first
    await bot.wait_text(room, "「新人小广」已被移出本群")  # said once it happened
    # a regular's removal reads the room as before: someone there for long may have been made
    # admin since any read (WeChat says nothing)
    carol = bot.cast["carol"]
    assert await removal_reads(bot, room, carol) == [(carol, False, 1)]
    # where the bot owns the group, a newcomer's too: an owner's removal of an admin goes through
    other = await joined(bot, owned, "新人小群", "wxid_newcomer2")
    assert await removal_reads(bot, owned, other) == [(other, False, 1)]


async def test_a_newcomer_made_admin_after_their_joins_read_is_not_removed(bot):
    room, world = bot.cast.admin, bot.world
    newcomer = await joined(bot, room, "新管理", "wxid_newadmin")
    world.set_admin(room, newcomer, True)  # WeChat sends no event for it
    seen, reads = watch(bot), bot.server.service.rpc_counts["RoomPayload"]
    world.say(room, newcomer, AD)
    await bot.settle()
    assert world.is_member(room, newcomer) and not world.saw_kick(room, newcomer)
    # the attempt on the join's read was refused by the platform; the room read again says admin
    assert seen == [(newcomer, True, 0)]
    assert bot.server.service.rpc_counts["RoomPayload"] > reads
    assert not any("已被移出" in t for t in world.bot_texts(room))
    with bot.app.sessions() as db:
        statuses = list(db.scalars(select(OutboxRow.status).where(OutboxRow.room_id == room)))
    assert "refused_protected" in statuses and "done" not in statuses


async def test_the_joins_read_stands_for_a_removal_only_while_nothing_since_could_have_changed_it():
    from datetime import timedelta

    from bot.core.rooms import RoomDirectory
    from bot.platform import RoomInfo

    class Platform:
        connection_epoch = 1

        def __init__(self) -> None:
            self.info = RoomInfo(id="r", topic="t", owner_id="owner", admin_ids=frozenset({"bot"}),
                                 member_ids=("owner", "bot", "old"))

        async def room_info(self, room_id: str, refresh: bool = False) -> RoomInfo:
            return self.info

    clock, platform = FakeClock(), Platform()
    rooms = RoomDirectory(platform, clock)
    fresh = timedelta(seconds=2)
    await rooms.get("r")  # cached before the join
    rooms.note_arrival("r")  # the join arrives; its read begins after
    platform.info = RoomInfo(id="r", topic="t", owner_id="owner", admin_ids=frozenset({"bot"}),
                             member_ids=("owner", "bot", "old", "new"))
    fetched = await rooms.fetch("r")
    assert fetched is not None and rooms.for_removal("r", "new", fresh) is None  # not kept yet
    rooms.keep(fetched)
    assert rooms.for_removal("r", "new", fresh) is platform.info
    assert rooms.for_removal("r", "old", fresh) is None  # listed before: may have been made admin
    platform.connection_epoch = 2  # reconnected since
    assert rooms.for_removal("r", "new", fresh) is None
    platform.connection_epoch = 1
    assert rooms.for_removal("r", "new", fresh) is platform.info
    rooms.note_arrival("r")  # a leave (or another join) arrived, not yet handled
    assert rooms.for_removal("r", "new", fresh) is None
    rooms.keep(await rooms.fetch("r"))  # read again after it, listing nobody new
    assert rooms.for_removal("r", "new", fresh) is None
    platform.info = RoomInfo(id="r", topic="t", owner_id="owner", admin_ids=frozenset({"bot"}),
                             member_ids=("owner", "bot", "old"))
    rooms.keep(await rooms.fetch("r"))
    platform.info = RoomInfo(id="r", topic="t", owner_id="owner", admin_ids=frozenset({"bot"}),
                             member_ids=("owner", "bot", "old", "new"))
    rooms.keep(await rooms.fetch("r"))  # left and joined again: new again
    assert rooms.for_removal("r", "new", fresh) is platform.info
    clock.advance(2.5)
    assert rooms.for_removal("r", "new", fresh) is None  # too old
