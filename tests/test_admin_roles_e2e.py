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
