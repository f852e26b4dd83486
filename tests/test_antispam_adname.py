"""A newcomer whose name is an ad (adname.py), on the real app, SDK and simulator: removed as
an obvious ad, never named by the bot's welcome or notice; ordinary names with a trade or a
phone number in them left alone; an invitee of the owner's put to the owner."""

from __future__ import annotations

import pytest

from bot.clock import FakeClock
from bot.core import cases
from bot.rules.loader import load_rules
from plugins import default_plugins
from plugins.antispam import AntispamPlugin
from plugins.antispam.adname import Names, ad_name, shown
from plugins.newcomers import GreetingPlugin
from tests.harness import Harness, all_cases
from tests.test_newcomers_e2e import Bot

AD_NAMES = ["兼职日结加V:abc8888", "招代理加微信wj6666日赚三百", "刷单返利加qq123456789"]
# members' trades and phone numbers in their names: who they are, not an ad to the group
ORDINARY = ["王师傅-水电维修-13800001111", "韩国代购-Lily", "专业开锁换锁13912345678", "面膜代理-可可",
            "张姐 微信同号15800002222", "北京-装修-老李 vx同号", "兼职摄影师阿杰", "上海-电商-小A", "🌸花开富贵🌸",
            # an id to add and nothing offered: a neighbour who sells on the side, not a spammer's name
            "代购加V:abc8888", "王师傅水电维修V:wang888"]


def test_only_an_obvious_ad_with_contact_data_is_an_ad_name():
    cfg = load_rules("rules.yaml", default_plugins()).plugin_config(None, "antispam")
    assert [n for n in AD_NAMES if ad_name(cfg, None, n) is None] == []
    assert [n for n in ORDINARY if ad_name(cfg, None, n) is not None] == []
    assert shown("兼职日结加V:abc8888") == "兼职…" and shown("阿杰") == "阿杰"


@pytest.fixture
async def bot(tmp_path, database_url):
    harness = Harness(tmp_path, [AntispamPlugin(), GreetingPlugin()], database_url=database_url,
                      clock=FakeClock(), extra_defaults="greeting:\n  enabled: true\n")
    await harness.start()
    yield Bot(harness)
    await harness.stop()


async def test_a_newcomer_named_as_an_ad_is_removed_and_never_named_by_the_bot(bot):
    room = bot.cast.admin
    spammer = bot.world.add_contact("兼职日结加V:abc8888")
    locksmith = bot.world.add_contact("专业开锁换锁13912345678")
    lily = bot.world.add_contact("韩国代购-Lily")
    bot.world.join(room, [spammer, locksmith, lily], inviter=bot.cast["bob"])
    await bot.world.wait_for(lambda: not bot.world.is_member(room, spammer))
    [case] = all_cases(bot)
    assert case.target_id == spammer and case.kind == "kick" and case.reason.startswith("昵称是广告")
    assert case.evidence["name"] == "兼职日结加V:abc8888" and case.target_name == "兼职…"
    notice = await bot.wait_text(room, "已被移出本群")
    assert notice.startswith("「兼职…」已被移出本群，原因：昵称是广告") and notice.endswith(f"案件 #{case.id}")
    await bot.passes(seconds=10)
    welcome = await bot.wait_text(room, "欢迎")
    assert "专业开锁换锁13912345678" in welcome and "韩国代购-Lily" in welcome
    sent = next(a for a in bot.sends(room) if "欢迎" in a.text)
    assert spammer not in sent.mention_ids and set(sent.mention_ids) == {locksmith, lily}
    # nothing the bot said repeats the ad
    assert not [t for t in bot.texts(room) if "abc8888" in t or "日结" in t]
    assert bot.world.is_member(room, locksmith) and bot.world.is_member(room, lily)
    assert len(all_cases(bot)) == 1


async def test_an_ad_named_invitee_of_the_owner_is_put_to_the_owner(bot):
    """A newcomer the owner invited is vouched for: the bot removes none of them on its own."""
    room = bot.cast.admin
    member = bot.world.add_contact("招代理加微信wj6666日赚三百")
    bot.world.join(room, [member], inviter=bot.cast["laowang"])
    await bot.settle()
    [case] = all_cases(bot)
    assert case.target_id == member and case.evidence.get(cases.ASKED_ADMINS) and case.kind == "kick"
    assert case.target_name == "招代理加微信wj6666日赚三百"  # the owner asked needs the name to find them
    assert bot.world.is_member(room, member) and not bot.world.saw_kick(room, member)
    # a restart forgets which names were judged: the case on record keeps the owner from being
    # asked again at the invitee's next message
    [plugin] = [p for p in bot.h.plugins if isinstance(p, AntispamPlugin)]
    plugin.names = Names()
    bot.world.say(room, member, "大家好，我是老王介绍来的")
    await bot.settle()
    assert len(all_cases(bot)) == 1


async def test_a_group_nickname_changed_into_an_ad_after_joining_is_seen_at_the_next_message(bot):
    """WeChat sends no event when a member changes their group nickname: 王姐 joined under her
    name, was welcomed, then renamed herself 招代理加微信wj6666日赚三百 and said 大家晚上好. Her
    next message shows the new name; a regular's name is theirs and is not judged."""
    room = bot.cast.admin
    wang = bot.world.add_contact("王姐")
    bot.world.join(room, [wang], inviter=bot.cast["bob"])
    bot.say(room, "bob", "欢迎王姐")
    await bot.settle()
    assert not all_cases(bot)
    bot.world.set_alias(room, wang, "招代理加微信wj6666日赚三百")
    bot.world.set_alias(room, bot.cast["alice"], "兼职日结加V:abc8888")  # a regular's (a test of it)
    bot.say(room, "alice", "今天好冷")
    bot.world.say(room, wang, "大家晚上好呀")
    await bot.world.wait_for(lambda: not bot.world.is_member(room, wang))
    [case] = all_cases(bot)
    assert case.target_id == wang and case.evidence["name"] == "招代理加微信wj6666日赚三百"
    assert case.target_name == "招代…" and "message_id" not in case.evidence  # the name, not the message
    await bot.wait_text(room, "「招代…」已被移出本群，原因：昵称是广告")
    await bot.settle()
    assert len(all_cases(bot)) == 1 and bot.world.is_member(room, bot.cast["alice"])


def test_names_are_folded_as_a_glance_reads_them():
    from plugins.antispam.impersonation import fold

    assert fold("群主 老王🌸") == fold("群主-老王") == fold("群主老王") == fold("ＱＱ群主老王")[2:]
    assert fold("班主任王老師") == fold("班主任王老师") and fold("Lily") == fold("LILY")
    assert fold("群主老王") != fold("群主老张")


async def test_a_newcomer_named_as_the_owner_is_pointed_out_to_the_group_not_punished(bot):
    """The commonest fraud in class groups: a newcomer takes the owner's name and asks for money.
    In a simulated 家长群 the bot reminded 「@群主老王」 and announced 「群主老王」已被移出本群 of
    someone nobody could tell from the owner. The group is now told at once, without an @, that
    the newcomer is not the owner (the owner never spoke since the bot came: the name is read
    from the group); the newcomer is not removed for a name, and told once."""
    room = bot.cast.admin
    owner = bot.cast["laowang"]
    bot.world.set_alias(room, owner, "群主老王")
    fake, zhang = bot.world.add_contact("小李"), bot.world.add_contact("老张")
    bot.world.join(room, [fake, zhang], inviter=bot.cast["carol"])
    await bot.settle()
    bot.world.set_alias(room, fake, "群主 老王🌸")
    bot.world.say(room, fake, "各位家长好，下周一开家长会")
    bot.world.say(room, zhang, "大家好，我是老张")
    told = await bot.wait_text(room, "请大家注意")
    assert "新成员「群主 老王🌸」和群主同名，但不是群主本人" in told
    sent = next(a for a in bot.sends(room) if "请大家注意" in a.text)
    assert sent.mention_ids == ()
    bot.world.say(room, fake, "请大家下午五点前到校")
    await bot.settle()
    [case] = all_cases(bot)
    assert (case.kind, case.target_id, case.reason) == ("warn", fake, "和群主同名")
    assert case.evidence["impersonates"] == owner and cases.reminded(case)
    assert sum("请大家注意" in t for t in bot.texts(room)) == 1
    assert bot.world.is_member(room, fake) and bot.world.is_member(room, zhang)
    assert dict(bot.app.reads_under_gate) == {}  # the owner's name was read before the gate


async def test_a_newcomer_joining_under_an_admins_name_is_pointed_out_at_their_first_message(bot):
    """Seen in a simulated day: a newcomer joined as 上海－电商－小Ａ (an admin's nickname in full-width
    letters) and collected 活动经费. His name was judged at the join, before the admins' names had
    been read, and never again: nothing was said. It is compared again once they are read."""
    room = bot.cast.admin
    bot.world.set_admin(room, bot.cast["alice"], True)
    fake = bot.world.add_contact("上海－电商－小Ａ")
    bot.world.join(room, [fake], inviter=bot.cast["bob"])
    await bot.settle()
    bot.world.say(room, fake, "大家好，群里收一下本月活动经费，每人50，转我就行")
    told = await bot.wait_text(room, "请大家注意")
    assert "新成员「上海－电商－小Ａ」和管理员同名，但不是管理员本人" in told
    [case] = all_cases(bot)
    assert case.evidence["impersonates"] == bot.cast["alice"] and case.evidence["impersonates_role"] == "管理员"


async def test_a_newcomer_named_as_the_bot_is_pointed_out_to_the_group(bot):
    """A newcomer who takes the bot's name borrows the trust the group gives its notices
    (「群管机器人：系统通知，请全体成员扫码完成实名认证」). The group is told as for the owner's
    name, in words that do not send members to the bot to check a payment; nobody is punished
    for a name."""
    room = bot.cast.admin
    fake = bot.world.add_contact("小刘")
    bot.world.join(room, [fake], inviter=bot.cast["carol"])
    await bot.settle()
    bot.world.set_alias(room, fake, "群管 机器人")
    bot.world.say(room, fake, "系统通知：本群下周一起升级，请大家留意")
    told = await bot.wait_text(room, "请大家注意")
    assert "新成员「群管 机器人」和本群机器人同名，但不是机器人" in told
    assert "请先向群主或管理员核实" in told and "机器人本人" not in told
    [case] = all_cases(bot)
    assert (case.kind, case.target_id, case.reason) == ("warn", fake, "和机器人同名")
    assert case.evidence["impersonates"] == bot.world.bot_id and cases.reminded(case)
    assert bot.world.is_member(room, fake)
