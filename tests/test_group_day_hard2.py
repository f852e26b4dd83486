"""Hard group days, second series (the rig of test_group_day_more: the real app, the SHIPPED
rules.yaml with instant pacing, the real SDK over gRPC, the simulator), each printed in full
with `-s`. First the owner's questions the last round left open, each a short day: an admin's
#spam on an ad the bot already warned about, a newcomer the owner invited, a regular's stolen
account posting one ad into several groups. Then whole days in groups whose ordinary chat reads
like the spam data the maintainers measure with: a 手游 guild, a 币圈/tech group, a 家长群 and a
宝妈群, with the sellers who join them.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.core.cases import Case
from bot.events import MessageKind
from bot.simulator import ActionKind
from bot.simulator.images import qr_png
from plugins.antispam.checks import Facts
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide
from plugins.antispam.models import Sample
from tests.harness import all_cases
from tests.shipped import shipped_section
from tests.test_group_day_hard import taken_back, unasked
from tests.test_group_day_more import MONDAY, LoggedDay, days  # noqa: F401  (the fixture)


def antispam_cases(d: LoggedDay, who: str) -> list[Case]:
    return [c for c in all_cases(d.bot) if c.target_id == d.ids[who] and c.source == "antispam"]


def said_to(d: LoggedDay, who: str) -> list[str]:
    """What the bot said in the group mentioning `who`."""
    return [a.text for a in d.bot.world.bot_sends(d.room) if d.ids[who] in a.mention_ids]


# ---------------------------------------------------------------------------------- Part A
MUMS = ["乐乐妈", "朵朵妈妈", "小宇奶奶", "双胞胎妈", "安安妈", "团长阿芳", "糖糖妈", "二宝妈Lily", "果果妈",
        "西西妈咪"]


async def test_spam_on_an_ad_already_warned_teaches_and_does_not_punish_twice(days) -> None:  # noqa: F811
    """A regular's stolen account posts a job scam; the bot warns. The owner then marks the same
    message #spam, and the next evening marks the bot's warning #spam too: both teach the model,
    neither opens a second case or removes the member for the one message (before: a second case,
    the ladder's second rung, and a regular removed for the ad he had been warned for)."""
    d = await days("阳光小区宝妈交流群", "群主小敏", MUMS, MONDAY)
    await d.to("09:00")
    await d.post("乐乐妈", "今天降温了，大家送娃记得加衣服")
    ad = await d.post("朵朵妈妈", "朋友公司招兼职刷单，日结 300，有意私聊我")
    await d.post("安安妈", "朵朵妈妈你号是不是被盗了？")
    [warning] = [t for t in said_to(d, "朵朵妈妈") if "⚠️" in t]
    await d.post("群主小敏", "#spam", quote=ad)
    answer = d.bot.world.bot_texts(d.room)[-1]
    assert "已记为广告样本" in answer and "不重复处罚" in answer and "#kick" in answer, answer
    warning_id = next(a.message_id for a in d.bot.world.bot_sends(d.room) if a.text == warning)
    await d.post("群主小敏", "#广告", quote=warning_id)  # the alias, on the bot's own warning
    assert "不重复处罚" in d.bot.world.bot_texts(d.room)[-1]
    await d.post("群主小敏", "#case 1")
    card = d.bot.world.bot_texts(d.room)[-1]
    assert "管理员确认是广告：群主小敏" in card, card
    await d.to("10:00")
    await d.end_of_day()
    cases = antispam_cases(d, "朵朵妈妈")
    assert [c.kind for c in cases] == ["warn"] and not d.bot.world.saw_kick(d.room, d.ids["朵朵妈妈"])
    with d.bot.app.sessions() as db:
        labels = list(db.scalars(select(Sample.label).where(Sample.source == "spam_command")))
    assert labels == [1]  # one lesson: the same text taught twice is one sample


async def test_a_newcomer_the_owner_invited_is_judged_as_a_regular(days) -> None:  # noqa: F811
    """The owner invites the 月嫂 she has known for years; her first message offers her services
    with her WeChat id. A stranger's such message is an obvious ad (removed at once); the owner
    vouched for her, so it is judged as a regular's: never a removal, at most a reminder that
    threatens nothing. The owner's other invitee then posts a WeChat contact QR code, an obvious ad
    by rule: the bot does not remove her either, it asks the owner and admins, naming who invited
    her, and #case says why."""
    d = await days("阳光小区宝妈交流群", "群主小敏", MUMS, MONDAY)
    await d.to("09:00")
    await d.post("群主小敏", "给大家拉个靠谱的月嫂王阿姨，我家二宝就是她带的，有需要的姐妹可以聊聊")
    await d.join("王阿姨", inviter="群主小敏")
    await d.post("王阿姨", "我是做家政的，月嫂育儿嫂都有，需要的姐妹加我微信 jiazheng_wang")
    await d.post("乐乐妈", "王阿姨好，明年三月预产期，能排上吗")
    # A regular's trade with a plain WeChat id is the char model's alone to convict, at the members'
    # level, and the line sits within a hundredth of it (0.966 over 0.965 by spam43's build, 0.971
    # under 0.972 by spam44's): whether she is reminded is the build's; that she is judged as a
    # regular (no removal, no warning) is the product's.
    mine = antispam_cases(d, "王阿姨")
    assert [c.kind for c in mine] in ([], ["warn"]) and not d.bot.world.saw_kick(d.room, d.ids["王阿姨"])
    for case in mine:
        await d.post("群主小敏", f"#case {case.id}")
        card = d.bot.world.bot_texts(d.room)[-1]
        assert "群主邀请入群的新成员，按老成员判断" in card, card
    await d.to("11:00")
    await d.join("小敏表妹", inviter="群主小敏")
    await d.post("小敏表妹", kind=MessageKind.IMAGE, data=qr_png("https://u.wechat.com/kH7_qunzhu_biaomei"))
    [asked] = antispam_cases(d, "小敏表妹")
    await d.post("群主小敏", f"#case {asked.id}")
    card = d.bot.world.bot_texts(d.room)[-1]
    assert "建议移出" in card and "已请群主和管理员核实" in card and "群主邀请入群的新成员，按老成员判断" in card, card
    assert "广告可能性" not in card, card  # no model read a picture without words
    # #stats counts it as proposed, not as a removal nobody carried out (it said 移出 1)
    await d.post("群主小敏", "#stats day")
    [violations] = [ln for ln in d.bot.world.bot_texts(d.room)[-1].splitlines() if ln.startswith("违规案件")]
    assert "建议移出 1" in violations and not re.search("(?<!建议)移出", violations), violations
    await d.to("12:00")
    await d.end_of_day()
    reminders = antispam_cases(d, "王阿姨")
    assert [c.kind for c in reminders] in ([], ["warn"]) and not d.bot.world.saw_kick(d.room, d.ids["王阿姨"])
    assert not any("⚠️" in t and "提醒" not in t for t in said_to(d, "王阿姨"))
    assert bool(reminders) == any("⚠️ 提醒" in t for t in said_to(d, "王阿姨"))
    [asked] = antispam_cases(d, "小敏表妹")
    assert (asked.kind, asked.outcome) == ("kick", "asked_owner") and asked.evidence["vouched_by"] == d.ids["群主小敏"]
    assert not d.bot.world.saw_kick(d.room, d.ids["小敏表妹"])
    question = [t for t in d.bot.world.bot_texts() if f"案件 #{asked.id}" in t and "邀请入群的新成员" in t]
    assert question and "群主小敏（群主）邀请" in question[0] and "是老成员" not in question[0], question
    assert not any("已被移出" in t for t in d.bot.world.bot_texts(d.room))


async def test_the_question_names_an_inviter_who_never_spoke(days) -> None:  # noqa: F811
    """The owner shared nothing in chat before her invitee's contact code: the question to the
    humans named her by contact id (「育儿顾问」是wxid_…（群主）邀请入群的新成员, a simulated day). Her
    name is read for the welcome at the join; it is remembered from there."""
    d = await days("阳光小区宝妈交流群", "群主小敏", MUMS, MONDAY)
    await d.to("09:00")
    await d.join("育儿顾问", inviter="群主小敏")
    await d.post("育儿顾问", kind=MessageKind.IMAGE, data=qr_png("https://u.wechat.com/kH7_yuer_guwen"))
    await d.end_of_day()
    [asked] = antispam_cases(d, "育儿顾问")
    question = [t for t in d.bot.world.bot_texts() if f"案件 #{asked.id}" in t and "邀请入群的新成员" in t]
    assert question and "是群主小敏（群主）邀请" in question[0], question


async def say_in(d: LoggedDay, room: str, who: str, text: str = "", *, seconds: float = 40, **kw) -> str:
    """`who` posts in another group of the day's bot (LoggedDay.post is for the day's own)."""
    message_id = d.bot.world.say(room, d.person(who), text, **kw)
    await d.handled(message_id, room)
    await d.bot.settle()
    d.clock.advance(seconds)
    return message_id


def sister_groups(d: LoggedDay, topics: list[str], members: list[str]) -> list[str]:
    """More groups of the same owner, the bot an admin in each, `members` there long before it."""
    world, owner = d.bot.world, d.bot.cast["laowang"]  # the day's owner (make_day renames them)
    return [world.create_room(topic, owner=owner, admins=[world.bot_id],
                              members=[world.bot_id, *(d.person(m) for m in members)]) for topic in topics]


async def test_in_strict_mode_the_owners_invitation_is_no_vouch(days) -> None:  # noqa: F811
    """The owner's group QR code leaked and strangers pour in, each named as invited by her (WeChat
    names whoever shared the code): she types #strict on. Her invitations then vouch for nobody,
    and a contact QR code is removed at once as any newcomer's."""
    d = await days("阳光小区宝妈交流群", "群主小敏", MUMS, MONDAY)
    await d.to("09:00")
    await d.post("群主小敏", "#strict on")
    await d.join(d.advertiser("扫码进来的", "kick"), inviter="群主小敏")
    await d.post("扫码进来的", kind=MessageKind.IMAGE, data=qr_png("https://u.wechat.com/kStrangerLeakedQR"))
    await d.to("10:00")
    await d.end_of_day()
    d.assert_advertisers_handled()
    [case] = antispam_cases(d, "扫码进来的")
    assert "vouched_by" not in case.evidence and case.outcome == "done"


async def test_a_stolen_regulars_recommendation_posted_into_three_groups(days) -> None:  # noqa: F811
    """A regular's account sends the same 推荐 (a shop owner's WeChat id, 报我名字打八折) into three
    groups within minutes. recommend.py keeps the char model from convicting a regular's
    recommendation alone; it does not shield the burst: the same text in a second group is the
    repeat check's (behaviour), and each group past the first warns her. Measured, not changed:
    this held before this round too."""
    d = await days("阳光小区宝妈交流群", "群主小敏", MUMS, MONDAY)
    rooms = [d.room, *sister_groups(d, ["阳光小区二手闲置群", "阳光小区团购群"], MUMS)]
    await d.to("09:00")
    for room in rooms:
        await say_in(d, room, "乐乐妈", "早上好", seconds=20)
    ad = "强烈推荐这家店，老板人很好，我一直在买，老板微信 meili_8888，报我名字打八折"
    for room in rooms:
        await say_in(d, room, "糖糖妈", ad, seconds=50)
    await d.to("10:00")
    await d.end_of_day()
    by_room = [[(c.kind, c.reason) for c in all_cases(d.bot) if c.room_id == room and c.target_id == d.ids["糖糖妈"]]
               for room in rooms]
    # the first group cannot know yet; from the second on the same ad is a repeat across groups,
    # whatever recommend.py makes of its words (it weakens the char model's verdict only)
    assert by_room == [[], [("warn", "重复刷消息")], [("warn", "重复刷消息")]], by_room
    assert not any(d.bot.world.saw_kick(room, d.ids["糖糖妈"]) for room in rooms)


async def test_a_regulars_payment_code_blasted_into_three_groups(days) -> None:  # noqa: F811
    """A regular's 收款码 is no ad (AA, 班费, a 团购): the 团长 posts hers into the two 团购 groups she
    runs and nothing happens. A stolen account sends its 收款码 into all three groups within
    minutes: from the third group on that is a burst, and the member is warned (before: the
    exemption shielded it, and nothing was said anywhere)."""
    d = await days("阳光小区宝妈交流群", "群主小敏", MUMS, MONDAY)
    rooms = [d.room, *sister_groups(d, ["阳光小区二手闲置群", "阳光小区团购群"], MUMS)]
    await d.to("09:00")
    for room in rooms[1:]:
        await say_in(d, room, "团长阿芳", "车厘子接龙截止，大家按份数付款，收款码在下面", seconds=10)
        await say_in(d, room, "团长阿芳", kind=MessageKind.IMAGE, data=qr_png("wxp://f2f0TuanZhangAfang"))
    await d.to("21:30")
    for room in rooms:
        await say_in(d, room, "果果妈", kind=MessageKind.IMAGE, data=qr_png("wxp://f2f0StolenGuoguo88"), seconds=30)
    await d.to("22:00")
    await d.end_of_day()
    assert not [c for c in all_cases(d.bot) if c.target_id == d.ids["团长阿芳"]]
    burst = [(c.room_id, c.kind, c.reason) for c in all_cases(d.bot) if c.target_id == d.ids["果果妈"]]
    assert burst == [(rooms[2], "warn", "重复刷消息")], burst
    [case] = [c for c in all_cases(d.bot) if c.target_id == d.ids["果果妈"]]
    assert any("同一个收款码在 3 个群发了" in c.get("why", "") for c in case.evidence["checks"]), case.evidence


def assert_no_false_claims(d: LoggedDay) -> None:
    """Every 已被移出 the bot said in the group is a removal the simulator saw."""
    world = d.bot.world
    removed = {a.target for a in world.bot_actions(ActionKind.KICK, d.room) if a.ok}
    for text in world.bot_texts(d.room):
        if "已被移出本群" in text:
            name = text.split("「", 1)[1].split("」", 1)[0]
            assert d.ids.get(name) in removed, text


def assert_cards_in_chinese(d: LoggedDay) -> None:
    """The #case cards the owner read say who, why and which checks, in Chinese."""
    cards = [t for t in d.bot.world.bot_texts(d.room) if t.split("\u2005", 1)[-1].startswith("案件 #")]
    assert cards, "the owner read no card"
    for card in cards:
        assert "原因：" in card and "判断：" in card and "命中的检查" in card, card
        assert not any(word in card for word in ("details", "newcomer", "charmodel", "keywords")), card


# ---------------------------------------------------------------------------------- Part B
GUILD = ["会长老K", "副会长阿飞", "奶妈小七", "刺客阿杰", "狂战士大熊", "法师Momo", "鱼塘主", "摸鱼怪",
         "老六", "氪金大佬", "学生党小宇", "夜猫子阿狸"]


async def live_the_guild_day(d: LoggedDay) -> None:
    await d.to("12:10")
    await d.post("会长老K", "午休的兄弟们，今晚8点帮战，全员上线！不来的扣贡献，别鸽")
    await d.post("奶妈小七", "收到收到，我晚上能上")
    await d.post("刺客阿杰", "谁有多余的星元皮肤碎片，我拿500金币换")
    await d.post("摸鱼怪", "我有两个，下线后交易行挂给你")
    await d.post("老六", "那个开挂的又来了，举报了三次都没封，外挂太猖狂")
    await d.post("法师Momo", "对面那个自瞄的我也遇到了，一枪一个，恶心")
    await d.post("氪金大佬", "收个V10的号，预算2000以内，有出的私我")
    await d.post("学生党小宇", "上分上分，钻石卡了三天了，求大佬带🙏")
    await d.post("副会长阿飞", "@学生党小宇 晚上帮战完我带你，别急", mentions=("学生党小宇",))
    await d.post("鱼塘主", "我朋友做代练的，国服貂蝉一把80，你们要不要，我可以帮你问问")
    await d.post("老六", "代练容易封号吧，上次有人代练完号直接没了")
    await d.post("狂战士大熊", "出一把AK火麒麟，888钻，有要的私聊")
    await d.post("夜猫子阿狸", "大熊那把我要了，晚上线上交易")
    await d.post("摸鱼怪", "qq群那边有人说新版本加了反外挂，真的假的")
    await d.post("会长老K", "别在群里说交易细节了，游戏里面交易，被骗了不管")
    await d.post("氪金大佬", "刚充了648 抽了个寂寞😭")
    await d.post("刺客阿杰", "谁要代肝日常的 一天20 我室友接的 靠谱")
    await d.post("老六", "别找代练 我上次找的把我号卖了")
    await d.post("狂战士大熊", "这号我不玩了 v9 有没有人要 便宜出 300拿走")
    await d.post("夜猫子阿狸", "加我游戏好友 ID：逐风丶小七 周末一起")
    await d.post("法师Momo", "有没有人出皮肤啊 我这有个限定的可以换 不要钱")

    await d.to("14:00")
    await d.wave(["新人小白", "阿杰的室友"], inviter="刺客阿杰")
    await d.post("新人小白", "大家好，我是新入坑的，现在30级，求带😂")
    await d.post("阿杰的室友", "我也是，区服微信区，ID 是 风中的小白菜，加我好友一起玩")
    await d.join(d.advertiser("代练工作室", "kick"), inviter="新人小白")
    await d.post("代练工作室", "专业代练 王者荣耀 和平精英 包上王者 价格低 效率高 加QQ 3392817465")
    await d.post("老六", "？？这就来了")
    await d.join(d.advertiser("外挂科技", "kick"), inviter="阿杰的室友")
    await d.post("外挂科技", "外挂科技 自瞄透视 稳定不封号 一天5元 一周20 联系 tg@wgkj888")
    await d.join(d.advertiser("卖号的", "kick"), inviter="摸鱼怪")
    await d.post("卖号的", "出售王者荣耀 V8 满皮肤账号 低价出售 支持验号 加微信 wzzh_sell")
    await d.post("摸鱼怪", "卧槽我不知道他是卖号的，他说是我高中同学😅")

    await d.to("20:00")
    await d.post("会长老K", "帮战开始！开黑语音房间号 8866231 密码 1234，都进来")
    for who in ["奶妈小七", "刺客阿杰", "狂战士大熊", "法师Momo", "老六", "鱼塘主"]:
        await d.post(who, "1", seconds=5)
    await d.post("学生党小宇", "今晚8点开黑，王者五排缺两个，来的扣1", seconds=20)
    # the char model reads this one as obvious (0.99) and "微信 sf_gzs" is contact data (since
    # spam27; before, the id was missed and the seller only warned): removed at once. The guild
    # master's #spam and #kick after it find the case handled already
    await d.join(d.advertiser("上分工作室", "kick"), inviter="学生党小宇")
    shop = await d.post("上分工作室", "上分工作室 代打 保段位 包赢 微信 sf_gzs")
    await d.post("会长老K", "#spam", quote=shop)
    await d.post("会长老K", "#kick @上分工作室 卖代打的", mentions=("上分工作室",))
    await d.post("会长老K", "#cases")
    await d.post("会长老K", "#case 4")

    await d.to("22:30")
    await d.post("刺客阿杰", "6666 带飞了兄弟们，yyds", seconds=10)
    await d.post("老六", "菜鸡互啄哈哈哈，下把我打野", seconds=10)
    await d.post("会长老K", "今晚打得好，第二名！明天继续，早点睡")
    await d.post("夜猫子阿狸", "我再刷两把😂 晚安各位")


async def test_a_day_in_the_mobile_game_guild(days) -> None:  # noqa: F811
    d = await days("【王者】逐风公会·1区", "会长老K", GUILD, MONDAY)
    await live_the_guild_day(d)
    await d.to("23:00")
    await d.end_of_day()
    # 收号, 出一把AK, 代练 among friends, 外挂 complaints, room numbers: the guild's life
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    handled = d.outcome()[3]
    assert all(handled[name][:1] == [kind] for name, kind in d.advertisers.items()), handled
    assert_no_false_claims(d)
    assert_cards_in_chinese(d)
    # the master's #spam on the removed seller taught the model and opened no second case
    assert [c.kind for c in antispam_cases(d, "上分工作室")] == ["kick"]
    assert d.bot.world.saw_kick(d.room, d.ids["上分工作室"])
    assert any("已因这条消息被移出（案件 #4）" in t for t in d.bot.world.bot_texts(d.room))
    # unasked: the wave's welcome, its nickname reminder, four removals (and the
    # sellers' welcomes, when they went out, taken back)
    assert len(unasked(d)) <= 6 and taken_back(d) <= 4, unasked(d)


CRYPTO = ["老张", "阿强", "Kevin", "链上小白", "矿工老王", "币圈韭菜", "运维阿杰", "产品小美", "前端大刘", "量化Leo"]


async def live_the_crypto_day(d: LoggedDay) -> None:
    await d.to("10:00")
    await d.post("Kevin", "USDT今天币安报价7.18，场外比这个高一点")
    await d.post("币圈韭菜", "谁懂合约？昨晚爆仓了，心态崩了😭")
    await d.post("量化Leo", "合约别碰，现货定投就完了")
    await d.post("阿强", "最近U商跑路的好多，出金一定要找靠谱的，银行卡被冻了哭都来不及")
    await d.post("链上小白", "欧易和币安哪个出金方便？")
    await d.post("矿工老王", "交易所提币到冷钱包，手续费1U，别放交易所")
    await d.post("运维阿杰", "我的梯子又挂了，有人推荐个稳定点的机场吗")
    await d.post("前端大刘", "自建吧，搬瓦工一年49刀，v2ray一把梭")
    await d.post("运维阿杰", "香港的服务器延迟低一些，阿里云轻量30一个月")
    await d.post("老张", "你们有没有用tg的，我tg是 @laozhang_dev 有事找我")
    await d.post("产品小美", "tg群里消息太多了，我都静音了")
    await d.post("老张", "提醒一下，跑分、承兑、帮人走账全是洗钱，抓到就是帮信罪")
    await d.post("Kevin", "我的tg @kevin_chain 有事dd")
    await d.post("链上小白", "币安注册要KYC吗？护照行不行")
    await d.post("量化Leo", "要，护照就行，别找人代实名，那种号随时被冻")
    await d.post("产品小美", "谁有靠谱的VPN推荐 公司的挂了")
    await d.post("前端大刘", "推荐下 我用的是一元机场，稳定，一个月15")
    await d.post("矿工老王", "今天大饼回调了 抄底了一点")

    await d.to("11:00")
    await d.join("阿强的同事", inviter="阿强")
    await d.post("阿强的同事", "大家好，我是阿强拉进来的，做后端的，也玩点币，请多指教")
    await d.join(d.advertiser("跑分老板", "kick"), inviter="链上小白")
    await d.post("跑分老板", "跑分项目 日入3000+ 只需一张银行卡 躺赚 联系飞机 @paofen_boss")
    await d.post("老张", "说曹操曹操到😂")
    await d.join(d.advertiser("承兑商", "kick"), inviter="币圈韭菜")
    await d.post("承兑商", "专业承兑 USDT 高价回收 当面交易 微信 chengdui_88 量大价优")
    await d.join(d.advertiser("U商", "kick"), inviter="矿工老王")
    await d.post("U商", "U商 实力收U 秒到账 不限额 TG: @ushang_king")
    await d.join(d.advertiser("喊单群", "kick"), inviter="Kevin")
    await d.post("喊单群", "币圈交流群 每日带单 精准喊单 百倍币 进群 t.me/bigcoin_vip888")
    await d.post("Kevin", "抱歉各位，他说是交易所的朋友我才拉的")

    await d.to("14:00")
    await d.post("群主老陈", "#cases")
    await d.post("群主老陈", "#case 2")
    await d.post("量化Leo", "下午大饼又插针了，有没有被打止损的")
    await d.post("阿强的同事", "我被打了，5%止损刚好触发😂")


async def test_a_day_in_the_crypto_and_tech_group(days) -> None:  # noqa: F811
    d = await days("币圈技术交流（禁广告）", "群主老陈", CRYPTO, MONDAY)
    await live_the_crypto_day(d)
    await d.to("15:00")
    await d.end_of_day()
    # USDT prices, U商 warnings, 机场 and VPS talk, a member's Telegram handle: not ads
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    assert_no_false_claims(d)
    assert_cards_in_chinese(d)
    # unasked: the welcomes, a reminder, four removals; taken back: the sellers' welcomes and
    # the one that greeted the colleague beside the first seller (sent again naming only him)
    assert len(unasked(d)) <= 7 and taken_back(d) <= 5, unasked(d)


PARENTS = ["乐乐妈", "朵朵爸爸", "小雨奶奶", "家委会王妈妈", "浩浩妈", "萱萱妈", "子轩爸", "一诺妈妈", "明明外婆",
           "甜甜妈"]


async def live_the_class_day(d: LoggedDay) -> None:
    await d.to("07:40")
    await d.post("李老师", "【通知】明天（周三）下午三点半提前放学，请家长按时接孩子。收到请回复")
    for who in ["乐乐妈", "朵朵爸爸", "浩浩妈", "萱萱妈", "子轩爸"]:
        await d.post(who, "收到，谢谢李老师", seconds=10)
    await d.post("家委会王妈妈", "三（2）班 春游费用接龙：每人120元，含车费门票午餐，请周五前交给家委会")
    await d.post("乐乐妈", "#接龙 春游费用\n1. 乐乐妈 120 已交")
    await d.post("一诺妈妈", "#接龙 春游费用\n1. 乐乐妈 120 已交\n2. 一诺妈妈 120 已交")
    await d.post("家委会王妈妈", "家委会收费码发群里了，大家扫码备注孩子名字，谢谢配合")
    await d.post("家委会王妈妈", kind=MessageKind.IMAGE, data=qr_png("wxp://f2f0Class2Spring120x"))
    await d.post("浩浩妈", "请问数学作业第三题答案是多少啊，孩子不会🤦‍♀️")
    await d.post("萱萱妈", "第三题是 36，先算括号里面的")
    await d.post("朵朵爸爸", "孩子作业本落学校了 哪位家长能拍一下今天的作业🙏")
    await d.post("甜甜妈", "发你了，在群里不方便，私信你了")
    await d.post("子轩爸", "老师辛苦了🌹🌹🌹")

    await d.to("12:10")
    await d.join("小雨奶奶", inviter="李老师")
    await d.post("小雨奶奶", "老师好，我是小雨奶奶，孩子爸妈上班忙，以后有事可以跟我说，我电话是13817268843")
    await d.post("子轩爸", "周末有没有一起去科技馆的，带娃组团买票便宜")
    await d.post("明明外婆", "有没有靠谱的英语辅导推荐？孩子英语有点跟不上")
    await d.post("甜甜妈", "我家孩子在新东方上的，感觉还行，就在学校对面")
    await d.join(d.advertiser("暑期班", "kick"), inviter="明明外婆")
    await d.post("暑期班", "【好消息】XX教育暑期班火热招生中！小学全科辅导，名师一对一，提分快，前10名报名立减500，"
                        "咨询热线：400-820-8899 微信 xxjy_teacher")
    await d.post("明明外婆", "哎呀我以为是学校的老师，拉错了")
    await d.join(d.advertiser("刷单兼职", "kick"), inviter="一诺妈妈")
    await d.post("刷单兼职", "各位家长好，在家就能做的兼职，手机刷单，一单一结，日赚200-500，宝妈首选，加QQ 2837461950")

    await d.to("18:00")
    await d.post("李老师", "#cases")
    await d.post("李老师", "今天的作业：语文抄写第五课生字，数学练习册第12页，明天交")
    await d.post("家委会王妈妈", "春游费用还有8位家长没交，麻烦抓紧哈，收费码在上面👆")


async def test_a_day_in_the_class_parents_group(days) -> None:  # noqa: F811
    d = await days("三（2）班家长群", "李老师", PARENTS, MONDAY)
    await live_the_class_day(d)
    await d.to("19:00")
    await d.end_of_day()
    # notices, 接龙, the class committee's 收费码, a grandmother's phone number: no ad
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    assert_no_false_claims(d)
    assert len(unasked(d)) <= 5 and taken_back(d) <= 2, unasked(d)


async def live_the_mums_day(d: LoggedDay) -> None:
    await d.to("08:30")
    await d.post("团长阿芳", "今天团购的草莓到了，3斤装的来小区门口自提，团长在菜鸟驿站旁边🍓")
    await d.post("团长阿芳", "#接龙 周五进口车厘子 JJ级 5斤 168\n1. 阿芳")
    await d.post("乐乐妈", "#接龙 周五进口车厘子 JJ级 5斤 168\n1. 阿芳\n2. 乐乐妈")
    await d.post("团长阿芳", kind=MessageKind.IMAGE, data=qr_png("wxp://f2f0TuanGouCherry168x"))
    await d.post("二宝妈Lily", "朋友在日本做代购，有要奶粉和纸尿裤的吗，价格比天猫便宜不少，要的话我帮你们问")
    await d.post("果果妈", "我上次让她带的花王，正品，放心")
    await d.post("安安妈", "谁家宝宝有不穿的小码衣服，我家二宝用得上，可以付钱")
    await d.post("西西妈咪", "有没有用过这个辅食机的，贵不贵，好用吗")
    await d.post("双胞胎妈", "宝宝晚上一直哭，是不是肠胀气啊，好担心")
    await d.post("小宇奶奶", "试试飞机抱，再揉揉肚子，顺时针")
    await d.post("糖糖妈", "帮我砍一刀吧姐妹们，就差一点了🙏")
    await d.post("朵朵妈妈", "谁家有闲置的婴儿车 出一个 200就行")
    await d.post("果果妈", "我闺蜜在韩国留学 可以帮带化妆品 要的跟我说")
    await d.post("团长阿芳", "#接龙 周六亲子烘焙 每人68\n1. 阿芳 2位\n2. 乐乐妈 2位")

    await d.to("10:00")
    await d.join(d.advertiser("拼团达人", "warn"), inviter="糖糖妈")
    await d.post("拼团达人", "帮我砍一刀吧", kind=MessageKind.MINI_PROGRAM, url="https://mobile.pinduoduo.com/kan")
    await d.join(d.advertiser("返利姐", "kick"), inviter="西西妈咪")
    await d.post("返利姐", "下载XX返利APP，淘宝京东购物领券返现，我的邀请码 886655，新人注册送20元")
    await d.post("西西妈咪", "不好意思，她说是宝妈我才拉的")

    await d.to("16:00")
    await d.post("群主小敏", "#cases")
    await d.post("团长阿芳", "车厘子还差三份成团，要的姐妹抓紧接龙")


async def test_a_day_in_the_mums_group(days) -> None:  # noqa: F811
    d = await days("阳光小区宝妈交流群", "群主小敏", MUMS, MONDAY)
    await live_the_mums_day(d)
    await d.to("17:00")
    await d.end_of_day()
    # 团购, 接龙 and the 团长's 收款码, a friend's 代购 relayed: not ads
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    assert_no_false_claims(d)
    assert len(unasked(d)) <= 4 and taken_back(d) <= 2, unasked(d)


def test_a_regular_giving_the_guilds_own_qq_group_number_is_no_ad() -> None:
    # a regular answering 群号多少来着 was reminded (the char model 0.89, between the agreement and
    # the threshold, with the 群号 counted as what an ad needs): a group number written out plainly
    # is swapped between members like their own ids (model_checks.structure)
    cfg = AntispamConfig(**shipped_section("antispam"))
    assert not decide(Facts(text="群号 738291045 直接搜就行", newcomer=False), cfg, SpamModel(), "room").spam


@pytest.mark.parametrize(("text", "spam"), [
    # a friend's 代购 relayed, the writer asking the friend for you: the char model alone (0.98)
    pytest.param("朋友在日本做代购，有要奶粉和纸尿裤的吗，价格比天猫便宜不少，要的话我帮你们问", False,
                 id="relays-a-friends-daigou"),
    # a friend beside 推荐 or 说我介绍的, with the friend's id to add: a referral ad, as before
    pytest.param("朋友代购韩国化妆品，正品保证，需要的加她微信 hz_daigou 说我介绍的", True, id="friends-id-to-add"),
    # the asking does not excuse a hook
    pytest.param("朋友在做理财，收益稳定，要的我帮你问", True, id="relayed-with-a-hook"),
])
def test_a_regular_relaying_a_friends_offer(text: str, spam: bool) -> None:
    cfg = AntispamConfig(**shipped_section("antispam"))
    assert decide(Facts(text=text, newcomer=False), cfg, SpamModel(), "room").spam is spam


CLASS_TWO = ["乐乐妈妈", "小宇爸爸", "朵朵妈妈", "浩浩奶奶", "萱萱妈妈", "家委会张姐"]


async def test_a_morning_in_a_class_group_with_a_fake_teacher(days) -> None:  # noqa: F811
    """A class group's morning on the shipped rules: a parent organising a 游泳班团购 and one telling
    what a class cost pass (spam35's course reading convicted organisers); a training school's
    ad is warned; a newcomer who takes the teacher's nickname and asks for 资料费 is pointed out to
    the group, reminded, and not removed. The teacher's notice of that case says how to undo it
    without a message to quote (it said 或引用那条消息发送 #ham of a name)."""
    d = await days("三年级二班家长群", "班主任王老师", CLASS_TWO, MONDAY)
    await d.to("07:30")
    await d.post("班主任王老师", "各位家长早上好，今天下午三点提前放学，请按时接孩子")
    await d.post("乐乐妈妈", "收到")
    await d.post("家委会张姐", "游泳班团购，5人以上打八折，想报的私聊我")
    await d.post("小宇爸爸", "我报一个，我家老大")
    await d.post("朵朵妈妈", "我家孩子去年报的那个暑假班也是八折，感觉一般")
    await d.join(d.advertiser("培训张老师", "warn"), inviter="萱萱妈妈")
    await d.post("培训张老师", "暑期数学思维班正在报名，前10名8折，私聊我")
    await d.join(d.advertiser("王老师", "warn"), inviter="浩浩奶奶")
    d.bot.world.set_alias(d.room, d.ids["王老师"], "班主任王老师")
    await d.post("王老师", "各位家长，本学期资料费每人120元，今天下午5点前交齐")
    await d.to("08:30")
    await d.end_of_day()

    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    said = d.bot.world.bot_texts(d.room)
    assert any("新成员「班主任王老师」和群主同名，但不是群主本人" in t for t in said), said
    fake = [c for c in all_cases(d.bot) if c.target_id == d.ids["王老师"]]
    named = next(c for c in fake if c.evidence.get("impersonates"))
    told = [line for t in d.private_to("班主任王老师") for line in t.split("\n")]
    notice = next(line for line in told if f"#{named.id} " in line)
    assert notice.endswith(f"如是误判，请在群里发送 #revoke {named.id} 撤销"), notice
    course = next(c for c in all_cases(d.bot) if c.target_id == d.ids["培训张老师"])
    notice = next(line for line in told if f"#{course.id} " in line)
    assert notice.endswith(f"#revoke {course.id} 撤销（或引用那条消息发送 #ham）"), notice
