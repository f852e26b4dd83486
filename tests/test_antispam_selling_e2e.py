"""#卖货 允许 / 禁止: a group's owner or admins let members sell there, from chat (end to end:
real SDK, simulator over gRPC). Played as a 宝妈群's owner who lets members share what they sell:
a regular's 益生菌 post was reminded 这条消息看起来像在发广告, and only an operator editing
rules.yaml could change that."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import FakeClock
from plugins.antispam import AntispamPlugin
from tests.harness import Harness, all_cases

START = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
SALE = "我在做一款进口益生菌 宝宝吃了肠胃好 湿疹也少了很多 需要的姐妹私我 给群里姐妹内部价"
NEWCOMERS_SALE = "大家好 我是做烘焙的 生日蛋糕可以定制 需要的加我微信 cake_lily88"
AD = "兼职刷单日结，一单一结，手机就能做，加V：sd8888a"


async def say_and_settle(bot: Harness, room: str, who: str, text: str) -> None:
    bot.say(room, who, text)
    await bot.settle()


def joined(bot: Harness, room: str, name: str) -> str:
    member = bot.world.add_contact(name)
    bot.cast.people[name] = member
    bot.world.join(room, [member], inviter=bot.cast["bob"])
    return member


async def test_an_owner_lets_members_sell_in_chat_and_takes_it_back(tmp_path, database_url):
    bot = await Harness(tmp_path, [AntispamPlugin()], database_url=database_url, clock=FakeClock(START)).start()
    try:
        room = bot.cast.admin
        await say_and_settle(bot, room, "carol", SALE)
        assert [c.kind for c in all_cases(bot)] == ["warn"]  # the shipped rules: a regular's sale is an ad
        await say_and_settle(bot, room, "alice", "#卖货 允许")  # a member may not
        assert not any("允许成员在本群卖货" in t for t in bot.texts(room))
        bot.say(room, "laowang", "#卖货")
        await bot.wait_text(room, "本群目前不允许成员卖货")
        bot.say(room, "laowang", "#卖货 允许")
        await bot.wait_text(room, "已设为允许成员在本群卖货")
        await say_and_settle(bot, room, "carol", SALE)
        baker = joined(bot, room, "烘焙小丽")
        await bot.settle()
        await say_and_settle(bot, room, "烘焙小丽", NEWCOMERS_SALE)
        # what the model read of the two is kept quietly (shadow), and nobody is told or removed:
        # the baker's line sits at the newcomers' level (0.935 by spam42's build, 0.910 by spam43's
        # against 0.914), so whether it is recorded is the build's, not the product's
        kinds = [(c.kind, c.outcome) for c in all_cases(bot)]
        assert kinds[1] == ("spam", "shadow") and set(kinds[2:]) <= {("spam", "shadow")}, kinds
        assert not bot.world.saw_kick(room, baker) and not any("@烘焙小丽" in t for t in bot.texts(room))
        # the ad words still count, from a newcomer at once
        spammer = joined(bot, room, "推广小王")
        await bot.settle()
        bot.say(room, "推广小王", AD)
        await bot.world.wait_for(lambda: bot.world.saw_kick(room, spammer), timeout=60)
        # kept across a restart (the chat's settings are in the database)
        await bot.restart()
        bot.say(room, "laowang", "#卖货")
        await bot.wait_text(room, "本群目前允许成员卖货")
        bot.say(room, "laowang", "#卖货 禁止")
        await bot.wait_text(room, "已改回：本群不允许成员卖货")
        await say_and_settle(bot, room, "bob", SALE)
        assert (all_cases(bot)[-1].target_id, all_cases(bot)[-1].outcome) == (bot.cast["bob"], "done")
        assert any("@bob" in t and "看起来像在" in t for t in bot.texts(room))
    finally:
        await bot.stop()


async def test_an_owner_lets_members_sell_from_a_private_chat(tmp_path, database_url):
    """An owner managing privately (#use) was told 「#卖货」只能在群里使用."""
    bot = await Harness(tmp_path, [AntispamPlugin()], database_url=database_url, clock=FakeClock(START)).start()
    try:
        room, laowang = bot.cast.admin, bot.cast["laowang"]
        bot.world.say_private(laowang, "#卖货 允许")
        await bot.world.wait_for(lambda: any("#use" in t for t in bot.private_texts(laowang)), timeout=60)
        assert bot.app.rules.chat_settings(room) == {}
        bot.world.say_private(laowang, "#use 1")
        await bot.world.wait_for(lambda: any("已选择" in t for t in bot.private_texts(laowang)), timeout=60)
        bot.world.say_private(laowang, "#卖货 允许")
        await bot.world.wait_for(lambda: any("允许成员在本群卖货" in t for t in bot.private_texts(laowang)),
                                 timeout=60)
        await say_and_settle(bot, room, "carol", SALE)
        assert [(c.kind, c.outcome) for c in all_cases(bot)] == [("spam", "shadow")]
    finally:
        await bot.stop()
