"""Command targets: one resolver (bot.core.targets) for every plugin. Mention ids first, then
a written id, then the longest known name; a display name with a space stays whole."""

from __future__ import annotations

import pytest

from bot.core.targets import named_in, strip_mentions
from bot.platform import Member
from plugins.moderation import ModerationPlugin
from tests.harness import Harness, all_cases, wait_until


@pytest.mark.parametrize(("text", "names", "rest"), [
    ("@Carol Chen\u2005发广告", (), "发广告"),
    ("@Carol Chen 发广告", ("Carol Chen",), "发广告"),
    ("@机器人\u2005@Carol Chen\u2005 刷屏 两次", (), "刷屏 两次"),
    ("＠小明 发广告", (), "发广告"),
], ids=["wechat-separator", "typed-space-known-name", "two-mentions", "fullwidth-at"])
def test_strip_mentions(text, names, rest):
    assert strip_mentions(text, names) == rest


ROSTER = [Member("w_carol", "Carol Chen", "陈小卡"), Member("w_car", "Car"), Member("w_bot", "群管机器人"),
          Member("w_li1", "老李"), Member("w_li2", "隔壁", "老李")]


@pytest.mark.parametrize(("text", "named"), [
    ("#nick check Carol Chen", ["w_carol"]),  # a name with a space stays whole; "Car" is no word here
    ("#nick check 陈小卡 看看", ["w_carol"]),
    ("#nick check @Car", ["w_car"]),
    ("#nick check 老李", ["w_li1", "w_li2"]),  # shared: both read, the resolver refuses to guess
    ("#nick check 群管机器人", []),  # never the bot
    ("#nick list", []),
], ids=["spaced-name", "nickname-then-words", "at-name", "shared-name", "the-bot", "no-name"])
def test_named_in_finds_whom_a_command_may_name(text, named):
    """Whose fresh nickname the core reads before the database gate for #nick check by name."""
    assert named_in(text, ROSTER, "w_bot") == named


@pytest.fixture
async def bot(tmp_path, database_url):
    harness = Harness(tmp_path, [ModerationPlugin()], database_url=database_url)
    await harness.start()
    carol = harness.world.add_contact("Carol Chen")
    harness.cast.people["carol_chen"] = carol
    harness.world.join(harness.cast.admin, [carol], inviter=harness.cast["laowang"])
    yield harness
    await harness.stop()




async def test_a_mentioned_name_with_a_space_is_not_part_of_the_reason(bot):
    room, carol = bot.cast.admin, bot.cast["carol_chen"]
    bot.say(room, "laowang", "#warn @Carol Chen 发广告", mentions=[carol])
    await wait_until(lambda: all_cases(bot))
    [case] = all_cases(bot)
    assert (case.target_id, case.reason) == (carol, "发广告")


async def test_a_written_name_finds_a_current_member_who_never_spoke(bot):
    room, carol = bot.cast.admin, bot.cast["carol_chen"]
    bot.say(room, "laowang", "#warn carol chen 刷屏")
    await wait_until(lambda: all_cases(bot))
    [case] = all_cases(bot)
    assert (case.target_id, case.reason) == (carol, "刷屏")


async def test_a_group_nickname_is_found_too(bot):
    room, alice = bot.cast.admin, bot.cast["alice"]  # alice's group nickname is 上海-电商-小A
    bot.say(room, "laowang", "#warn 上海-电商-小A 刷屏")
    await wait_until(lambda: all_cases(bot))
    assert all_cases(bot)[0].target_id == alice


async def test_an_unknown_name_is_not_guessed(bot):
    room = bot.cast.admin
    bot.say(room, "laowang", "#warn 路人甲 刷屏")
    await bot.wait_text(room, "路人甲")
    assert all_cases(bot) == []


async def test_a_name_two_members_share_is_said_to_be_shared_not_missing(bot):
    # #kick 小周 where one member is named 小周 and another's group nickname is 小周: the owner
    # heard 没有找到「小周」 twice (seen in a simulated day) of a name plainly in the group
    room = bot.cast.admin
    zhou = bot.world.add_contact("小周")
    other = bot.world.add_contact("周")
    bot.world.join(room, [zhou, other], inviter=bot.cast["laowang"])
    bot.world.set_alias(room, other, "小周")
    bot.say(room, "laowang", "#kick 小周 刷屏")
    answer = await bot.wait_text(room, "看不出是哪一位")
    assert "有 2 位成员叫「小周」" in answer and "没有找到" not in answer
    assert all_cases(bot) == []
    assert {zhou, other} <= set(bot.world.room(room).member_ids)


async def test_a_target_by_mention_reads_their_names_not_the_whole_member_list(bot):
    # "#warn @x" read the room's whole roster (RoomMemberList and one RoomMemberPayload per
    # member: 501 reads in a 500-member group, 0.7-2.8 s in bench.load; issue 13)
    room, carol = bot.cast.admin, bot.cast["carol_chen"]
    rpcs = bot.server.service.rpc_counts
    lists_before = rpcs["RoomMemberList"]
    bot.say(room, "laowang", "#warn @Carol Chen 发广告", mentions=[carol])
    warning = await bot.wait_text(room, "警告（案件 #")
    assert "发广告" in warning
    [case] = all_cases(bot)
    assert case.target_name == "Carol Chen" and case.reason == "发广告"  # her name, never spoken here
    assert rpcs["RoomMemberList"] == lists_before


async def test_a_quoted_message_points_at_its_sender_and_the_words_are_the_reason(bot):
    # an owner quoted an ad and typed #ban: 用法：#ban @成员 [原因] (seen in a simulated 二手群 day);
    # on a phone a quote is how one points at a member of a 500-member group
    room, carol = bot.cast.admin, bot.cast["carol_chen"]
    ad = bot.say(room, "carol_chen", "低价代购 需要的私聊")
    bot.say(room, "laowang", "#kick 发广告", quote=ad)
    await bot.wait_text(room, "已移出「")
    [case] = all_cases(bot)
    assert (case.kind, case.target_id, case.reason) == ("kick", carol, "发广告")
    assert carol not in bot.world.room(room).member_ids


async def test_a_quote_whose_sender_is_ambiguous_points_at_no_one(bot):
    room = bot.cast.admin
    for _ in range(2):
        li = bot.world.add_contact("老李")
        bot.world.join(room, [li], inviter=bot.cast["laowang"])
    said = bot.world.say(room, li, "今天谁去接孩子")
    bot.say(room, "laowang", "#warn 刷屏", quote=said)
    await bot.wait_text(room, "没有找到「老李」")
    assert all_cases(bot) == []


async def test_a_quoted_notice_of_the_bot_points_at_the_member_of_the_case_it_names(bot):
    # an owner quoted the bot's 「微商小七」已被移出本群……案件 #1 and typed #ban 微商: 没有找到「微商」
    # (seen in a simulated 二手群 day). The notice names one case: its member is meant
    room, carol = bot.cast.admin, bot.cast["carol_chen"]
    bot.say(room, "laowang", "#warn @Carol Chen 发广告", mentions=[carol])
    warning = await bot.wait_text(room, "警告（案件 #1）")
    notice = next(a for a in bot.sends(room) if a.text == warning)
    bot.say(room, "laowang", "#kick 屡教不改", quote=notice.message_id)
    await bot.wait_text(room, "已移出「")
    assert [(c.kind, c.target_id, c.reason) for c in all_cases(bot)] == [
        ("warn", carol, "发广告"), ("kick", carol, "屡教不改")]


async def test_cases_quoting_a_members_message_lists_that_members_cases(bot):
    room, carol = bot.cast.admin, bot.cast["carol_chen"]
    bot.say(room, "laowang", "#warn @bob 刷屏", mentions=[bot.cast["bob"]])
    bot.say(room, "laowang", "#warn @Carol Chen 发广告", mentions=[carol])
    await bot.wait_text(room, "警告（案件 #2）")
    said = bot.say(room, "carol_chen", "我没有发广告啊")
    bot.say(room, "laowang", "#cases", quote=said)
    listed = await bot.wait_text(room, "的案件（最近")
    assert "「Carol Chen」" in listed and "#2" in listed and "#1" not in listed


async def test_a_name_written_out_wins_over_the_quote(bot):
    # the owner quotes carol's complaint and names whom it is about: bob is warned, not carol
    room, bob = bot.cast.admin, bot.cast["bob"]
    complaint = bot.say(room, "carol_chen", "bob 一直在刷屏")
    bot.say(room, "laowang", "#warn bob 刷屏", quote=complaint)
    await bot.wait_text(room, "警告（案件 #1）")
    assert [(c.target_id, c.reason) for c in all_cases(bot)] == [(bob, "刷屏")]


async def test_a_quoted_message_of_the_bot_that_names_no_one_member_is_said_so(bot):
    # an owner quoted the bot's digest of two cases and typed #kick 刷屏: 没有找到「刷屏」, as if
    # the reason were a name (seen in a simulated day)
    room = bot.cast.admin
    bot.say(room, "laowang", "#warn @bob 刷屏", mentions=[bot.cast["bob"]])
    bot.say(room, "laowang", "#warn @Carol Chen 发广告", mentions=[bot.cast["carol_chen"]])
    await bot.wait_text(room, "警告（案件 #2）")
    bot.say(room, "laowang", "#cases")
    digest = await bot.wait_text(room, "本群最近 2 个案件")
    quoted = next(a for a in bot.sends(room) if a.text == digest)
    bot.say(room, "laowang", "#kick 刷屏", quote=quoted.message_id)
    await bot.wait_text(room, "引用的是机器人的消息，看不出要处理谁")
    assert len(all_cases(bot)) == 2
    assert not any("没有找到" in t for t in bot.world.bot_texts(room))
