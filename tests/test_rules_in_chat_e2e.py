"""A group's owner or admins set its core rules in chat (#rules 设置 …, #rules 恢复): a 业主群's
owner typed #rules 设置 禁止发广告；业主实名；不聊政治 and was shown the shipped rules again (a
simulated owner's first hour). End to end through the simulator (real app, real Wechaty SDK over
gRPC): the welcome and #rules both use them, they outlive a restart, a member cannot change them."""

from __future__ import annotations

from plugins.moderation import ModerationPlugin
from plugins.newcomers import GreetingPlugin, NicknamePlugin
from tests.test_newcomers_e2e import start


def plugins():
    return [GreetingPlugin(), NicknamePlugin(), ModerationPlugin()]


async def test_an_owner_sets_the_groups_rules_in_chat(tmp_path, database_url):
    bot = await start(tmp_path, database_url, plugins=plugins())
    try:
        room, dave, erin = bot.cast.admin, bot.cast["dave"], bot.world.add_contact("erin")
        bot.say(room, "alice", "#rules 设置 随便发广告")  # a member: the rules shown, nothing set
        shown = await bot.wait_text(room, "📌 本群群规")
        assert "1. 禁止发广告、拉人、刷屏" in shown
        bot.say(room, "laowang", "#rules 设置 禁止发广告；业主实名；不聊政治")
        told = await bot.wait_text(room, "已设置本群群规")
        assert told.endswith("1. 禁止发广告\n2. 业主实名\n3. 不聊政治"), told
        bot.world.join(room, [dave])
        await bot.passes(seconds=5)
        welcome = await bot.wait_text(room, "欢迎 dave")
        assert "1. 禁止发广告\n2. 业主实名\n3. 不聊政治" in welcome and "拉人、刷屏" not in welcome

        await bot.restart(plugins())
        bot.say(room, "bob", "#群规")
        await bot.world.wait_for(lambda: bot.count(room, "📌 本群群规\n1. 禁止发广告\n2. 业主实名\n3. 不聊政治") == 1)

        # numbered, one per line, as owners paste them
        bot.say(room, "laowang", "#rules 设置\n1. 禁止发广告\n2、不刷屏\n3. 有事找群主")
        await bot.wait_text(room, "1. 禁止发广告\n2. 不刷屏\n3. 有事找群主")
        bot.say(room, "laowang", "#rules 设置 一；二；三；四")
        refused = await bot.wait_text(room, "没有改：")
        assert "群规最多 3 条（现在 4 条）" in refused, refused
        bot.say(room, "laowang", "#rules 设置")
        await bot.wait_text(room, "用法：#rules 设置 第一条；第二条；第三条")

        bot.say(room, "laowang", "#rules 恢复")
        assert "1. 禁止发广告、拉人、刷屏" in await bot.wait_text(room, "已恢复默认的群规")
        bot.world.join(room, [erin])
        await bot.passes(seconds=5)
        await bot.world.wait_for(
            lambda: any("欢迎" in t and "erin" in t and "拉人、刷屏" in t for t in bot.texts(room)))
    finally:
        await bot.h.stop()
