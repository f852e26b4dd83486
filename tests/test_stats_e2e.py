"""#stats and #tag end to end through the simulator, with a fake clock for day boundaries; on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from plugins.moderation import ModerationPlugin
from plugins.stats import StatsPlugin
from plugins.stats.models import RoomDay
from tests.harness import Harness, wait_until

TAGS = """\
stats:
  lurker_days: 3
  tags: {active_messages: 3, core_messages: 5, core_min_age: 0s}
"""


@pytest.fixture
async def bot(tmp_path, database_url):
    clock = FakeClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    harness = Harness(tmp_path, [ModerationPlugin(), StatsPlugin()], database_url=database_url, clock=clock,
                      extra_defaults=TAGS)
    harness.fake = clock
    await harness.start()
    yield harness
    await harness.stop()


async def test_stats_counts_talkers_joins_leaves_removals_and_violations(bot):
    room, clock = bot.cast.admin, bot.fake
    bot.say(room, "bob", "昨天的消息")
    await bot.settle()
    clock.advance(days=1)  # a new local day
    for text in ("早", "今天读什么", "第三章"):
        bot.say(room, "alice", text)
    bot.say(room, "bob", "我也在")
    bot.world.join(room, [bot.cast["dave"]], inviter=bot.cast["alice"])
    bot.world.leave(room, bot.cast["dave"])
    bot.say(room, "laowang", "#kick @carol 广告", mentions=[bot.cast["carol"]])
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, bot.cast["carol"]))
    await bot.settle()
    bot.say(room, "laowang", "#stats day")
    text = await bot.wait_text(room, "本群统计")
    assert "消息 4 条，2 人发言" in text
    assert "入群 1 人，退群 1 人，被移出 1 人" in text
    assert "违规案件 1 个（移出 1）" in text
    top = text.split("话痨榜：")[1].splitlines()
    assert top[1].startswith("1. 上海-电商-小A — 3 条") and top[2].startswith("2. bob — 1 条")
    bot.say(room, "laowang", "#stats week")
    await bot.world.wait_for(lambda: any("消息 5 条" in t for t in bot.texts(room)))
    bot.say(room, "laowang", "#stats year")
    await bot.wait_text(room, "用法：#stats")
    with bot.app.sessions() as db:
        days = {r.day.isoformat(): r.messages for r in db.scalars(select(RoomDay).where(RoomDay.room_id == room))}
    assert days == {"2026-03-02": 1, "2026-03-03": 4}  # commands are not chat


async def test_stats_of_a_period_begun_before_the_bot_came_say_what_it_recorded(bot):
    """On its first day the bot answered #stats with 近 7 天 and a week's dates over one day's
    messages (seen in a simulated group day). The header says how long it has recorded; a
    period that began after it came says nothing more."""
    room, clock = bot.cast.admin, bot.fake
    bot.say(room, "bob", "第一天")
    await bot.settle()
    bot.say(room, "laowang", "#stats week")
    first = await bot.wait_text(room, "本群统计")
    assert first.splitlines()[0].endswith("（机器人在本群只记录了不到 1 天，更早的发言不在统计里）")
    clock.advance(days=8)
    bot.say(room, "laowang", "#stats week")
    await bot.world.wait_for(lambda: sum("本群统计" in t for t in bot.texts(room)) == 2)
    later = [t for t in bot.texts(room) if "本群统计" in t][-1]
    assert "只记录了" not in later.splitlines()[0]


async def test_lurkers_and_tags(bot):
    room, clock = bot.cast.admin, bot.fake
    for i in range(6):
        bot.say(room, "alice", f"消息 {i}")
    for i in range(3):
        bot.say(room, "bob", f"消息 {i}")
    await bot.settle()
    # the bot has just met the group: nobody has been seen silent for 3 days (it said so of
    # every member who had not spoken in its first minutes, in a simulated owner's day)
    bot.say(room, "laowang", "#stats")
    early = await bot.wait_text(room, "潜水")
    assert "只记录了不到 1 天" in early and "carol" not in early.split("潜水")[1]
    clock.advance(days=4)
    still = bot.say(room, "bob", "还在")
    await bot.settle()
    bot.say(room, "laowang", "#stats")
    text = await bot.wait_text(room, "潜水（超过")
    lurk = text.split("潜水")[1]
    # alice spoke 4 days ago, carol never (named from the platform: the bot never saw her speak)
    assert "2 人" in lurk and "小A" in lurk and "carol" in lurk and "bob" not in lurk
    bot.say(room, "laowang", "#tag @bob", mentions=[bot.cast["bob"]])
    assert "：A（活跃成员）" in await bot.wait_text(room, "「bob」")
    bot.say(room, "laowang", "#tag", quote=still)  # quoting his message points at him too
    await wait_until(lambda: sum("「bob」：A（活跃成员）" in t for t in bot.texts(room)) == 2)
    bot.say(room, "laowang", "#tag @上海-电商-小A", mentions=[bot.cast["alice"]])
    assert "：S（核心成员）" in await bot.wait_text(room, "「上海-电商-小A」")
    bot.say(room, "laowang", "#tag @carol", mentions=[bot.cast["carol"]])  # never spoke: named from the platform
    carol = await bot.wait_text(room, "「carol」")
    assert "：C（新人/待激活）" in carol and "只记录了 4 天" in carol  # a 7-day window, 4 days watched
    bot.say(room, "laowang", "#tag")
    assert "S 核心 1 人，A 活跃 1 人，C 新人/待激活 2 人" in await bot.wait_text(room, "成员标签")
    bot.say(room, "bob", "#tag @alice", mentions=[bot.cast["alice"]])  # members may not
    await bot.settle()
    assert sum("「上海-电商-小A」" in t for t in bot.texts(room)) == 1


async def test_stats_does_not_count_a_case_that_was_undone(bot):
    """A warning the owner took back on appeal is no violation: #stats counted every case opened."""
    room = bot.cast.admin
    bot.say(room, "laowang", "#warn @bob 刷屏", mentions=[bot.cast["bob"]])
    await bot.wait_text(room, "警告（案件 #1）")
    bot.world.say_private(bot.cast["bob"], "申诉 1 我没有刷屏，是在接龙")
    await bot.settle()
    bot.say(room, "laowang", "#appeal accept 1")
    await bot.settle()
    bot.say(room, "laowang", "#kick @carol 广告", mentions=[bot.cast["carol"]])
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, bot.cast["carol"]))
    await bot.settle()
    bot.say(room, "laowang", "#stats day")
    text = await bot.wait_text(room, "本群统计")
    assert "违规案件 1 个（移出 1）" in text, text


async def test_the_top_talkers_are_the_groups_members_now(bot):
    """An advertiser removed an hour ago was ranked on the 话痨榜 beside the neighbours (seen in
    a simulated renovation group); their messages still count in the totals."""
    room = bot.cast.admin
    dave = bot.cast["dave"]
    bot.world.join(room, [dave], inviter=bot.cast["alice"])
    for text in ("刚进群", "大家好", "有需要的找我"):
        bot.say(room, "dave", text)
    bot.say(room, "bob", "欢迎")
    bot.say(room, "laowang", "#kick @dave 广告", mentions=[dave])
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, dave))
    bot.say(room, "laowang", "#stats day")
    text = await bot.wait_text(room, "本群统计")
    assert "消息 4 条，2 人发言" in text
    top = text.split("话痨榜：")[1].splitlines()
    assert top[1].startswith("1. bob — 1 条") and not any("dave" in line for line in top)


async def test_a_warned_advertisers_ad_is_not_talk_on_the_top_talkers(tmp_path, database_url):
    """A warned regular whose only words that day were a loan ad was ranked on the 话痨榜 beside
    the neighbours (a simulated owner's day): the messages a standing case was opened on are not
    counted there (the totals still count every message); their other messages are."""
    from plugins.antispam import AntispamPlugin

    clock = FakeClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    bot = Harness(tmp_path, [AntispamPlugin(), StatsPlugin()], database_url=database_url, clock=clock)
    await bot.start()
    try:
        room = bot.cast.admin
        bot.say(room, "carol", "兼职刷单日结，加V：abc8888")
        await bot.wait_text(room, "警告")
        bot.say(room, "bob", "早")
        bot.say(room, "bob", "今天读什么")
        bot.say(room, "alice", "第三章")
        await bot.settle()
        bot.say(room, "laowang", "#stats day")
        text = await bot.wait_text(room, "本群统计")
        top = text.split("话痨榜：")[1].splitlines()
        assert top[1].startswith("1. bob — 2 条") and top[2].startswith("2. 上海-电商-小A — 1 条")
        assert not any("carol" in line for line in top), text
        bot.say(room, "carol", "抱歉发错群了")
        await bot.settle()
        bot.say(room, "laowang", "#stats day")
        await bot.world.wait_for(lambda: sum("本群统计" in t for t in bot.texts(room)) == 2)
        text = [t for t in bot.texts(room) if "本群统计" in t][-1]
        assert "3. carol — 1 条" in text, text  # her ad is still not talk; her apology is
    finally:
        await bot.stop()
