"""An admin's rights follow the group's admin list as WeChat has it now (end to end through the
simulator, the real SDK over gRPC).

WeChat sends no event when the owner makes or unmakes an admin. Seen in a simulated day: bob was
made admin, used #warn, was unmade, and his #kick @卡罗尔 still removed her: the bot judged him on
a room read minutes before (its cache lives ten minutes)."""

from __future__ import annotations

import pytest

from plugins.moderation import ModerationPlugin
from tests.harness import Harness, all_cases


@pytest.fixture
async def bot(tmp_path, database_url):
    harness = Harness(tmp_path, [ModerationPlugin()], database_url=database_url)
    await harness.start()
    yield harness
    await harness.stop()


async def test_an_admin_the_owner_unmade_cannot_remove_anyone(bot):
    room, bob, carol = bot.cast.admin, bot.cast["bob"], bot.cast["carol"]
    bot.world.set_admin(room, bob, True)
    bot.say(room, "bob", "#warn @carol 刷屏", mentions=[carol])  # made admin a moment ago: heard
    await bot.wait_text(room, "警告（案件 #1）")
    bot.world.set_admin(room, bob, False)
    bot.say(room, "bob", "#kick @carol 刷屏", mentions=[carol])
    # a member's #kick is ignored, as any command above their role; the owner's next one is heard
    bot.say(room, "laowang", "#cases")
    digest = await bot.wait_text(room, "本群最近")
    assert "本群最近 1 个案件" in digest, digest
    assert bot.world.is_member(room, carol) and not bot.world.saw_kick(room, carol)
    assert [c.kind for c in all_cases(bot)] == ["warn"]


async def test_a_former_owner_cannot_remove_anyone_once_the_group_is_handed_on(bot):
    """WeChat sends no event when the owner hands the group to another member either: the former
    owner's #kick, judged on the cached room, removed a member after the handover."""
    room, bob, carol, alice = bot.cast.admin, bot.cast["bob"], bot.cast["carol"], bot.cast["alice"]
    bot.say(room, "laowang", "#warn @carol 刷屏", mentions=[carol])  # the room read: laowang owns it
    await bot.wait_text(room, "警告（案件 #1）")
    bot.world.set_owner(room, bob)
    bot.say(room, "laowang", "#kick @alice 刷屏", mentions=[alice])  # a member now: ignored
    bot.say(room, "bob", "#warn @carol 又刷屏", mentions=[carol])  # the new owner: heard
    await bot.wait_text(room, "警告（案件 #2）")
    assert bot.world.is_member(room, alice) and not bot.world.saw_kick(room, alice)
    assert [(c.kind, c.actor_id) for c in all_cases(bot)] == [("warn", bot.cast["laowang"]), ("warn", bob)]


async def test_a_member_made_admin_is_heard_at_once_and_the_room_read_before_the_gate(bot):
    """A member without a role who types an admin's command has the admin list read again
    (once a minute each): the owner's new admin is heard at once, even right after another
    member's refused command read the room. That read was made inside the command, under the
    database gate, holding every group's events on a platform call; it is made before it."""
    room, bob, carol = bot.cast.admin, bot.cast["bob"], bot.cast["carol"]
    bot.say(room, "laowang", "#warn @carol 刷屏", mentions=[carol])
    await bot.wait_text(room, "警告（案件 #1）")
    reads: list[bool] = []  # the database gate held at each room read
    platform = bot.app.platform
    read = platform.room_info

    async def room_info(room_id, refresh=False):
        reads.append(bot.app._db_gate.locked())
        return await read(room_id, refresh=refresh)

    platform.room_info = room_info
    try:
        bot.say(room, "carol", "#cases")  # carol has no role: not answered
        await bot.settle()
        bot.world.set_admin(room, bob, True)
        bot.say(room, "bob", "#cases")
        digest = await bot.wait_text(room, "本群最近")
    finally:
        platform.room_info = read
    assert "本群最近 1 个案件" in digest and digest.startswith("@bob")
    assert sum("本群最近" in t for t in bot.texts(room)) == 1
    assert reads and not any(reads), reads
