"""A group's owner or admins set its nickname pattern in chat (#nick 格式 … 例 …, 关闭, 开启,
恢复): a class teacher asked the parents for 孩子姓名-家长 while the bot's welcome asked them for
the shipped 城市-行业-昵称 (a simulated parents' group day). End to end through the simulator
(real app, real Wechaty SDK over gRPC), kept across a restart."""

from __future__ import annotations

import pytest

import plugins
from bot.core.live import LiveFacts, LiveRules
from bot.rules.loader import load_rules
from plugins.newcomers import GreetingPlugin, NicknamePlugin
from tests.test_newcomers_e2e import FORMAT, start

CLASS = "「孩子姓名-家长」格式"


@pytest.fixture
async def bot_factory(tmp_path, database_url):
    bots = []

    async def make():
        bots.append(await start(tmp_path, database_url))
        return bots[-1]

    yield make
    for bot in bots:
        await bot.h.stop()


async def test_an_owner_sets_the_groups_nickname_format_in_chat_and_it_outlives_a_restart(tmp_path, database_url):
    bot = await start(tmp_path, database_url)
    try:
        room, dave, erin = bot.cast.admin, bot.cast["dave"], bot.world.add_contact("erin")
        bot.say(room, "laowang", "#nick 格式")
        shown = await bot.wait_text(room, "本群的群昵称格式：「城市-行业-昵称」")
        assert "#nick 格式 孩子姓名-家长 例 王小明-妈妈" in shown
        bot.say(room, "laowang", "#nick 格式 孩子姓名-家长 例 王小明-妈妈")
        await bot.wait_text(room, "本群的群昵称格式改为「孩子姓名-家长」，例如：王小明-妈妈")
        bot.world.join(room, [dave])
        await bot.passes(seconds=5)
        prompt = await bot.wait_text(room, CLASS)
        assert "例如：王小明-妈妈" in prompt and bot.count(room, FORMAT) == 0
        # dave follows it: no reminder an hour later
        bot.world.set_alias(room, dave, "王小明-爸爸")
        await bot.passes(hours=2)
        assert bot.count(room, "提醒：群昵称还不符合") == 0

        await bot.restart([GreetingPlugin(), NicknamePlugin()])
        bot.world.join(room, [erin])
        await bot.passes(seconds=5)
        await bot.world.wait_for(lambda: bot.count(room, CLASS) == 2)
        bot.say(room, "laowang", "#nick 格式")
        await bot.wait_text(room, "在群里设置的")

        bot.say(room, "laowang", "#nick 恢复")
        await bot.wait_text(room, "已恢复默认：格式「城市-行业-昵称」")
        await bot.passes(hours=1)  # erin's reminder, by the pattern in force now
        reminder = await bot.wait_text(room, "提醒：群昵称还不符合")
        assert "城市-行业-昵称" in reminder
    finally:
        await bot.h.stop()


async def test_only_admins_change_it_and_a_pattern_needs_an_example_that_follows_it(bot_factory):
    bot = await bot_factory()
    room = bot.cast.admin
    bot.say(room, "alice", "#nick 格式 孩子姓名-家长 例 王小明-妈妈")  # a member may not
    bot.say(room, "laowang", "#nick 格式 孩子姓名-家长 例 小明妈妈")
    refused = await bot.wait_text(room, "没有改：")
    assert "示例「小明妈妈」本身不符合昵称格式" in refused
    bot.say(room, "laowang", "#nick 格式 孩子姓名-家长")
    await bot.wait_text(room, "还缺一个示例：请按「孩子姓名-家长」写一个")
    bot.say(room, "laowang", "#nick 格式 " + "孩子姓名-" * 30 + " 例 王小明-妈妈")
    await bot.wait_text(room, "没有改：格式或示例太长了")
    bot.world.join(room, [bot.cast["dave"]])
    await bot.passes(seconds=5)
    await bot.wait_text(room, FORMAT)  # still the shipped pattern
    assert not any("改为「孩子姓名-家长」" in t for t in bot.texts(room))


async def test_an_owner_turns_the_nickname_checks_off_and_on_again_in_chat(bot_factory):
    bot = await bot_factory()
    room, dave, erin = bot.cast.admin, bot.cast["dave"], bot.world.add_contact("erin")
    bot.world.join(room, [dave])
    await bot.passes(seconds=5)
    await bot.wait_text(room, FORMAT)
    bot.say(room, "laowang", "#nick 关闭")
    await bot.wait_text(room, "本群不再检查群昵称")
    await bot.passes(hours=2)  # dave's reminder is not sent
    assert bot.count(room, "提醒：群昵称还不符合") == 0
    bot.world.join(room, [erin])
    await bot.passes(seconds=5)
    await bot.wait_text(room, "erin")  # welcomed …
    assert bot.count(room, FORMAT) == 1  # … without a prompt
    # the plugin is off here, its command is not: whoever turned it off turns it on
    bot.say(room, "laowang", "#nick 开启")
    await bot.wait_text(room, "重新开始检查群昵称：格式「城市-行业-昵称」")
    # off and on again keep the pattern set in chat: each changes its own field of the section
    bot.say(room, "laowang", "#nick 格式 孩子姓名-家长 例 王小明-妈妈")
    await bot.wait_text(room, "本群的群昵称格式改为「孩子姓名-家长」")
    bot.say(room, "laowang", "#nick 关闭")
    await bot.world.wait_for(lambda: bot.count(room, "本群不再检查群昵称") == 2)
    bot.say(room, "laowang", "#nick 开启")
    await bot.wait_text(room, "重新开始检查群昵称：格式「孩子姓名-家长」")


def test_a_chat_setting_that_no_longer_fits_rules_yaml_gives_way_to_it(tmp_path):
    """Set in chat when valid; rules.yaml later gives the group a regex the chat's example does
    not follow: the group runs on rules.yaml (and says so in the log), not on a broken mix."""
    path = tmp_path / "rules.yaml"
    path.write_text("groups:\n  r1@chatroom:\n    nickname:\n      regex: '^[A-Z]+$'\n      example: ABC\n",
                    encoding="utf-8")
    rules = load_rules(path, plugins.default_plugins())
    chat = {"pattern": "孩子姓名-家长", "example": "王小明-妈妈"}
    facts = LiveFacts(chat_settings={"r1@chatroom": {"nickname": chat}})
    view = LiveRules(**{f: getattr(rules, f) for f in rules.__dataclass_fields__}, live=facts)
    assert view.for_room("r1@chatroom").nickname.example == "ABC"
    facts.chat_settings = {"r1@chatroom": {"nickname": {"pattern": "孩子姓名-家长", "example": "王小明-妈妈",
                                                        "regex": ""}}}
    assert view.for_room("r1@chatroom").nickname.pattern == "孩子姓名-家长"
    assert view.for_room("r2@chatroom").nickname.pattern == "城市-行业-昵称"


@pytest.mark.parametrize(("text", "pattern", "example"), [
    ("孩子姓名-家长 例 王小明-妈妈", "孩子姓名-家长", "王小明-妈妈"),
    ("孩子姓名-家长（例如：王小明-妈妈）", "孩子姓名-家长", "王小明-妈妈"),
    ("孩子姓名-家长 王小明-妈妈", "孩子姓名-家长", "王小明-妈妈"),
    ("Region-Name e.g. Shanghai-Wang", "Region-Name", "Shanghai-Wang"),  # the eg of Region is no marker
    ("孩子姓名-家长", "孩子姓名-家长", ""),
])
def test_the_pattern_and_its_example_are_told_apart(text, pattern, example):
    from plugins.newcomers.chat_format import _pattern_and_example

    assert _pattern_and_example(text) == (pattern, example)


async def test_an_owner_sets_the_format_privately_for_the_group_chosen_with_use(bot_factory):
    """Owners command their group from a private chat after #use (README): the format set there
    is the group's, answered privately, and the next newcomer's prompt asks for it."""
    bot = await bot_factory()
    room, owner = bot.cast.admin, bot.cast["laowang"]
    bot.world.say_private(owner, "#use 1")
    await bot.world.wait_for(lambda: any("已选择" in t for t in bot.private_texts(owner)))
    bot.world.say_private(owner, "#nick 格式 孩子姓名-家长 例 王小明-妈妈")
    set_privately = "本群的群昵称格式改为「孩子姓名-家长」"
    await bot.world.wait_for(lambda: any(set_privately in t for t in bot.private_texts(owner)))
    assert not any("群昵称格式改为" in t for t in bot.texts(room))  # not said in the group
    bot.world.join(room, [bot.cast["dave"]])
    await bot.passes(seconds=5)
    await bot.wait_text(room, CLASS)
