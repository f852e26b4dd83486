"""Anti-spam end to end: the real app + the real Wechaty SDK + the simulator over gRPC. The
important scenarios run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.core import lists
from bot.simulator import ActionKind
from bot.simulator.images import qr_png
from db.models import Case
from plugins.antispam import AntispamPlugin
from plugins.antispam.api import record_ham
from plugins.antispam.explain import situation
from plugins.antispam.models import Sample, StoredMessage, Strike
from plugins.moderation import ModerationPlugin
from tests.harness import Harness, all_cases, wait_until

START = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
LADDER = "antispam:\n  ladder:\n    newcomer_obvious_ad: ladder\n"
NO_PROBATION = "antispam:\n  probation:\n    messages: 0\n"


@pytest.fixture
async def make_bot(tmp_path, database_url):
    started: list[Harness] = []

    async def make(extra_defaults: str = "", extra_bot: str = "") -> Harness:
        harness = Harness(tmp_path, [AntispamPlugin()], database_url=database_url, clock=FakeClock(START),
                          extra_defaults=extra_defaults, extra_bot=extra_bot)
        await harness.start()
        started.append(harness)
        return harness

    yield make
    for harness in started:
        await harness.stop()




def checks(case: Case) -> dict[str, dict]:
    return {c["name"]: c for c in case.evidence["checks"] if c["spam"]}


def newcomer(bot: Harness, name: str = "小明") -> str:
    member = bot.world.add_contact(name)
    bot.cast.people[name] = member
    # invited by a member: one the owner invites is vouched for (roles.vouched_by)
    bot.world.join(bot.cast.admin, [member], inviter=bot.cast["bob"])
    return member


async def newcomers(bot: Harness, *names: str) -> list[str]:
    """These newcomers joined the admin group, their joins handled."""
    joined = [newcomer(bot, name) for name in names]
    await bot.settle()
    return joined


async def test_a_newcomers_first_card_is_told_the_rule_and_when_it_ends(make_bot):
    """A new neighbour shared her repairman's card in a 团购 group and heard 警告：新成员暂不能发推广链接、
    名片或小程序，再犯将被移出本群 before everyone, a rule the welcome never named (seen in a
    simulated day). A newcomer's first offence against a newcomers' rule alone is said as the rule
    and when it ends; the ladder is the same: a second card within the window removes her."""
    from bot.events import MessageKind

    bot = await make_bot()
    room = bot.cast.admin
    neighbour = newcomer(bot, "李姐")
    await bot.settle()
    bot.say(room, "李姐", "王师傅家电维修", kind=MessageKind.CONTACT_CARD)
    told = await bot.wait_text(room, "这次先提醒")
    assert told == ("@李姐\u2005⚠️ 提醒：新成员暂不能发推广链接、名片或小程序（入群满 3 天、发言满 5 条后就可以了）。"
                    "这次先提醒，再发将被移出本群。案件 #1"), told
    assert not any("警告" in t for t in bot.texts(room))
    await wait_until(lambda: all_cases(bot)[-1].outcome == "done")
    assert (all_cases(bot)[-1].kind, all_cases(bot)[-1].target_id) == ("warn", neighbour)

    bot.clock.advance(180)  # type: ignore[attr-defined]  # past ladder.one_offence_within: a new offence
    bot.say(room, "李姐", "张阿姨保洁", kind=MessageKind.CONTACT_CARD)
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, neighbour))
    assert "新成员暂不能发推广链接、名片或小程序" in await bot.wait_text(room, "已被移出本群")


async def test_newcomer_obfuscated_wechat_id_climbs_the_ladder(make_bot):
    bot = await make_bot(LADDER)
    room = bot.cast.admin
    spammer = newcomer(bot)
    await bot.settle()
    bot.say(room, "小明", "资料免费送，加V：abc8888")
    warning = await bot.wait_text(room, "再犯将被移出本群")
    assert "广告引流" in warning and bot.sends(room)[-1].mention_ids == (spammer,)
    await bot.settle()  # the outbox records the warning as done once it was sent
    [case] = all_cases(bot)
    assert (case.kind, case.source, case.target_id, case.outcome) == ("warn", "antispam", spammer, "done")
    assert "wechat-id abc8888 (obfuscated" in checks(case)["contact"]["details"]
    assert (case.evidence["label"], case.evidence["severity"]) == ("广告引流", "high")
    assert case.evidence["text"] == "资料免费送，加V：abc8888" and case.evidence["newcomer"] is True
    assert {c["name"] for c in case.evidence["checks"]} >= {"keywords", "contact", "bayes"}  # every verdict kept

    bot.clock.advance(180)  # type: ignore[attr-defined]  # past ladder.one_offence_within: a new offence
    bot.say(room, "小明", "需要的联系 薇 信 abc 8888")
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, spammer))
    await wait_until(lambda: all_cases(bot)[-1].outcome == "done")
    assert all_cases(bot)[-1].kind == "kick"

    bot.world.join(room, [spammer], inviter=bot.cast["bob"])
    bot.clock.advance(180)  # type: ignore[attr-defined]
    await bot.settle()
    bot.say(room, "小明", "➕v abc8888 有福利")
    await wait_until(lambda: len(all_cases(bot)) == 3)
    ban = all_cases(bot)[-1]
    assert ban.kind == "ban"
    await bot.world.wait_for(lambda: len([a for a in bot.world.bot_actions(ActionKind.KICK, room) if a.ok]) == 2)
    with bot.app.sessions() as db:
        assert lists.contains(db, lists.BLACKLIST, room, spammer)


async def test_newcomer_obvious_ad_is_removed_at_once_by_default(make_bot):
    bot = await make_bot()
    spammer = newcomer(bot)
    await bot.settle()
    bot.say(bot.cast.admin, "小明", "兼职日结，加我 V 13812345678")
    await bot.world.wait_for(lambda: bot.world.saw_kick(bot.cast.admin, spammer))
    await bot.wait_text(bot.cast.admin, "已被移出本群")
    assert [c.kind for c in all_cases(bot)] == ["kick"]


async def test_a_regular_who_left_by_mistake_is_no_newcomer_when_invited_back(make_bot):
    """Seen in a simulated day: a regular left by mistake, was invited back, and their next
    message (a friend's tea shop) was removed as a newcomer's obvious ad."""
    bot = await make_bot()
    room, alice = bot.cast.admin, bot.cast["alice"]
    await bot.settle()
    bot.world.leave(room, alice)
    await bot.settle()
    bot.world.join(room, [alice], inviter=bot.cast["laowang"])
    await bot.settle()
    bot.say(room, "alice", "我朋友的茶叶店开业，新茶九折，需要的找我拿货，微信 tea_alice8")
    await bot.wait_text(room, "案件 #")
    await bot.settle()
    assert [c.kind for c in all_cases(bot)] == ["warn"] and not bot.world.saw_kick(room, alice)


async def test_strikes_decay_after_the_window(make_bot):
    bot = await make_bot(NO_PROBATION)
    room = bot.cast.admin
    bot.say(room, "carol", "兼职日结，宝妈学生都可以")
    await bot.wait_text(room, "再犯将被移出本群")
    bot.clock.advance(25 * 3600)  # type: ignore[attr-defined]
    bot.say(room, "carol", "刷单返利，一单一结，有意私聊")
    await wait_until(lambda: len(all_cases(bot)) == 2)
    assert [c.kind for c in all_cases(bot)] == ["warn", "warn"]
    assert not bot.world.saw_kick(room, bot.cast["carol"])


async def test_a_regular_is_not_removed_on_the_models_word_alone(make_bot):
    """Seen in a simulated day: the text model reads a regular's second-hand sale ("要的私我")
    or their own WeChat id like an ad. A first time is a warning; a second time the owner and
    admins are asked to decide instead of the bot removing a long-time member. A rule-backed ad
    (contact data, stop phrases) from the same member is still removed."""
    # the members' level lowered so that the model's verdict does not hang on the exact score
    bot = await make_bot("antispam:\n  charmodel:\n    member: 0.6\n")
    room, carol = bot.cast.admin, bot.cast["carol"]
    bot.say(room, "carol", "高端资源，懂的都懂，需要的私我")
    reminder = await bot.wait_text(room, "看起来像在发广告")
    assert "移出" not in reminder  # the bot will not remove a regular for it, so it threatens nothing
    await bot.settle()
    [warned] = all_cases(bot)
    assert set(checks(warned)) == {"charmodel"} and warned.evidence["established"] is True

    bot.clock.advance(180)  # type: ignore[attr-defined]  # past ladder.one_offence_within: a new offence
    in_group = len(bot.texts(room))
    bot.say(room, "carol", "各种资源都有，懂的都懂，私我")
    # asked where cases are told (here the operator, privately), not before the whole group: the
    # regular is not named a second time on a model's word
    operator = bot.cast["operator"]
    await bot.world.wait_for(lambda: any("机器人没有移出" in t for t in bot.private_texts(operator)))
    await wait_until(lambda: all_cases(bot)[-1].outcome == "asked_owner")
    await bot.settle()
    [ask] = [t for t in bot.private_texts(operator) if "机器人没有移出" in t]
    assert ask.startswith("【") and "「carol」是老成员" in ask and "在群里发 #kick @carol" in ask
    asked = all_cases(bot)[-1]
    assert (asked.kind, asked.outcome, asked.evidence["ask_first"]) == ("kick", "asked_owner", True)
    assert f"（案件 #{asked.id}）" in ask
    assert "已请管理员核实" in situation(asked.evidence)  # what #case and the console say
    assert len(bot.texts(room)) == in_group  # nothing said in the group this time
    assert not bot.world.bot_actions(ActionKind.KICK, room) and not any("已被移出" in t for t in bot.texts(room))

    bot.clock.advance(180)  # type: ignore[attr-defined]
    bot.say(room, "carol", "兼职刷单日结，加V：abc8888")
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, carol))
    await wait_until(lambda: all_cases(bot)[-1].outcome == "done")
    assert all_cases(bot)[-1].kind == "ban" and "ask_first" not in all_cases(bot)[-1].evidence


async def test_an_ad_after_the_warning_was_read_is_a_new_offence(make_bot):
    """Seen in simulated days (a 基金 group, a game guild): a regular's stolen account was warned
    「再犯将被移出本群」 for a 外汇 scam, and a minute later went on with 名额有限 … 加我 v：… ; the
    bot counted it as the same burst and said nothing. Lines pasted in one go are still one
    offence; what comes once the warning has been in the group is a second one."""
    bot = await make_bot()
    room, carol = bot.cast.admin, bot.cast["carol"]
    bot.say(room, "carol", "兄弟们 我最近在做一个外汇项目 日收益3% 稳赚不赔 有兴趣的私聊我 带你们一起发财")
    await bot.wait_text(room, "再犯将被移出本群")
    await wait_until(lambda: all_cases(bot)[-1].outcome == "done")
    bot.clock.advance(2)  # type: ignore[attr-defined]
    bot.say(room, "carol", "真的稳赚不赔 名额有限")  # pasted with it: the same burst
    await bot.settle()
    assert len(all_cases(bot)) == 1

    bot.clock.advance(40)  # type: ignore[attr-defined]  # the warning has been read
    bot.say(room, "carol", "名额有限 今天最后一天 加我 v：fxvip2026")
    await wait_until(lambda: len(all_cases(bot)) == 2 and all_cases(bot)[-1].outcome != "pending")
    second = all_cases(bot)[-1]
    assert second.kind == "kick" and second.target_id == carol
    # only the model read this line as an ad: for a regular the owner and admins decide
    assert (second.outcome, second.evidence.get("ask_first")) == ("asked_owner", True)
    assert not bot.world.saw_kick(room, carol)


async def test_spam_on_a_regular_the_bot_asked_about_removes_in_that_case(make_bot):
    """The bot asked the owner and admins about a regular (a second ad on the model's word
    alone); the owner answered with #spam on the ad. That opened a third case and blacklisted
    the member (a stolen account's owner, who cannot come back) where #kick would have removed
    them in the asked case (seen in a simulated day). #spam is the same answer."""
    bot = await make_bot("antispam:\n  charmodel:\n    member: 0.6\n")
    room, carol = bot.cast.admin, bot.cast["carol"]
    bot.say(room, "carol", "高端资源，懂的都懂，需要的私我")
    await bot.wait_text(room, "看起来像在发广告")
    bot.clock.advance(180)  # type: ignore[attr-defined]
    ad = bot.say(room, "carol", "各种资源都有，懂的都懂，私我")
    await wait_until(lambda: len(all_cases(bot)) == 2 and all_cases(bot)[-1].outcome == "asked_owner")
    asked = all_cases(bot)[-1]
    bot.say(room, "laowang", "#spam", quote=ad)
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, carol))
    await wait_until(lambda: all_cases(bot)[-1].outcome == "done")
    assert [c.id for c in all_cases(bot)] == [all_cases(bot)[0].id, asked.id]  # no third case
    assert all_cases(bot)[-1].evidence["confirmed_by"] == bot.cast["laowang"]
    await bot.wait_text(room, f"「carol」已被移出本群，原因：发广告。案件 #{asked.id}")
    with bot.app.sessions() as db:
        assert not lists.contains(db, lists.BLACKLIST, room, carol)


async def test_a_newcomer_flagged_by_the_model_alone_is_not_told_they_advertised(make_bot):
    """Seen in a simulated day (a 老乡 group): a member's nephew introduced himself, 各位叔叔阿姨
    哥哥姐姐好 刚来深圳找工作 做电工的 有活可以叫我, the model read 哥哥姐姐 like an ad and he was
    told 「警告：发广告，再犯将被移出本群」 before the whole group. On the model's word alone the
    warning says what the bot saw and how to undo it, as for a regular. (The model built on thirty
    probe files reads that line 0.34; the test's lines end 有活可以找我, which every model so far reads
    past 0.85, so the test still has a verdict of the model alone to look at.)"""
    # the threshold lowered so that the verdict does not hang on the shipped model's exact score
    bot = await make_bot("antispam:\n  charmodel:\n    threshold: 0.6\n")
    room = bot.cast.admin
    newcomer(bot, "老刘的侄子")
    await bot.settle()
    bot.say(room, "老刘的侄子", "各位叔叔阿姨哥哥姐姐好 刚来深圳找工作 做电工的 有活可以找我")
    warning = await bot.wait_text(room, "案件 #")
    [case] = all_cases(bot)
    assert set(checks(case)) == {"charmodel"} and case.evidence["newcomer"] is True and case.kind == "warn"
    assert "看起来像在" in warning and "如果不是，可以请管理员撤销" in warning
    assert "警告：" not in warning and "再犯将被移出" not in warning
    # his next line half a minute later, read the same way, is still that one offence: no
    # removal on a score for a newcomer whose first line may have been innocent
    await wait_until(lambda: all_cases(bot)[-1].outcome == "done")  # the warning is in the group
    bot.clock.advance(30)  # type: ignore[attr-defined]
    bot.say(room, "老刘的侄子", "各位哥哥姐姐 以后多多关照 有活可以找我")
    await bot.settle()
    assert len(all_cases(bot)) == 1 and not bot.world.saw_kick(room, bot.cast["老刘的侄子"])
    with bot.app.sessions() as db:  # read as an ad, and added to the case it belongs to
        assert db.scalar(select(StoredMessage.case_id).where(
            StoredMessage.text == "各位哥哥姐姐 以后多多关照 有活可以找我")) == case.id


async def test_a_newcomer_mentioning_her_own_business_is_reminded_and_never_removed(make_bot):
    """Issue 11: a relative new to a family group wrote 我在做护肤品代理，有需要私聊我 and was removed
    at once (私聊我 and the char model reading the same words counted as two checks agreeing); a
    longer telling of it drew 警告：发广告，再犯将被移出本群. With no contact data, link, QR code,
    bait or price, she is reminded as a regular would be, and a second time the owner and admins
    decide: the bot removes nobody for it. The reminder names what she did, 招揽生意, not 发广告
    (texts.check_labels.newcomer_pitch: a rescue volunteer's 免费领养 有意的私聊我 was told 看起来像在
    发广告 in a 养宠群 day, lead50)."""
    bot = await make_bot()
    room = bot.cast.admin
    cousin = newcomer(bot, "表姐")
    await bot.settle()
    bot.say(room, "表姐", "我在做护肤品代理，有需要私聊我")
    reminder = await bot.wait_text(room, "案件 #")
    [case] = all_cases(bot)
    assert (case.kind, case.evidence["newcomer"], case.evidence["obvious"]) == ("warn", True, False)
    assert "看起来像在招揽生意" in reminder and "如果不是，可以请管理员撤销" in reminder
    assert "警告：" not in reminder and "再犯将被移出" not in reminder
    assert "只提醒，不移出" in checks(case)["keywords"]["why"]
    await wait_until(lambda: all_cases(bot)[-1].outcome == "done")

    bot.clock.advance(180)  # type: ignore[attr-defined]  # past ladder.one_offence_within: a new offence
    # her second telling: a trade of her own with 私聊我 is the newcomers' rule's at any reading (the
    # probe-trained models read it 0.395 and 0.495, under charmodel.clears, and cleared it)
    bot.say(room, "表姐", "我最近在做护肤品代理，效果还不错，有需要的私聊我")
    await wait_until(lambda: len(all_cases(bot)) == 2 and all_cases(bot)[-1].outcome == "asked_owner")
    assert all_cases(bot)[-1].evidence["ask_first"] is True
    assert not bot.world.saw_kick(room, cousin) and not any("已被移出" in t for t in bot.texts(room))


async def test_a_regulars_loan_plea_tells_the_group_to_check_with_them_first(make_bot):
    """Issue 11: a stolen account's 借我两千块，急用……转我支付宝 passed every check (the char model
    0.6 for a regular). The group is told what it looks like and to call the person before paying;
    a second plea is put to the owner and admins, never a removal by the bot."""
    bot = await make_bot()
    room, carol = bot.cast.admin, bot.cast["carol"]
    bot.say(room, "carol", "在吗？借我两千块，急用，明天就还你，转我支付宝 13905718842")
    warning = await bot.wait_text(room, "案件 #")
    assert "借钱" in warning and "打电话或当面跟本人确认" in warning
    assert "发广告" not in warning and "再犯将被移出" not in warning
    [case] = all_cases(bot)
    assert (case.kind, case.evidence["label"], case.evidence["established"]) == ("warn", "疑似被盗号借钱", True)
    await wait_until(lambda: all_cases(bot)[-1].outcome == "done")

    bot.clock.advance(180)  # type: ignore[attr-defined]
    bot.say(room, "carol", "兄弟急用钱，借5000，支付宝账号 13905718842，下周一还")
    await wait_until(lambda: len(all_cases(bot)) == 2 and all_cases(bot)[-1].outcome == "asked_owner")
    assert not bot.world.saw_kick(room, carol)


async def test_a_regulars_job_with_a_phone_number_is_not_removed_on_its_ad_words(make_bot):
    """Seen in a simulated job group: a regular's real labour job (日结工资, an ad word, and his
    phone number) was warned 「警告：发广告，再犯将被移出本群」, and reposting it that afternoon
    removed him. A job that pays by the day (its only ad words and bait pay terms) with only a
    phone number to call is a reminder of what the bot saw; a second time the owner and admins
    decide. The same words with the number as a WeChat account to add still climb the ladder."""
    bot = await make_bot()
    room, carol = bot.cast.admin, bot.cast["carol"]
    job = "招聘：大兴物流园装卸工10名 日结工资260一天 当天结 包午饭 干完就走 联系赵队长 13911223344"
    bot.say(room, "carol", job)
    reminder = await bot.wait_text(room, "案件 #")
    assert "看起来像在发广告" in reminder and "再犯将被移出" not in reminder, reminder
    await wait_until(lambda: all_cases(bot)[-1].outcome == "done")

    bot.clock.advance(4 * 3600)  # type: ignore[attr-defined]  # the afternoon: the same job again
    bot.say(room, "carol", job)
    await wait_until(lambda: len(all_cases(bot)) == 2 and all_cases(bot)[-1].outcome == "asked_owner")
    assert all_cases(bot)[-1].evidence["ask_first"] is True
    assert not bot.world.saw_kick(room, carol) and not any("已被移出" in t for t in bot.texts(room))

    bob = bot.cast["bob"]
    bot.say(room, "bob", "兼职日结，加我 V 13812345678")  # the number as a WeChat account to add
    await bot.wait_text(room, "再犯将被移出本群")
    bot.clock.advance(180)  # type: ignore[attr-defined]
    bot.say(room, "bob", "兼职日结，加我 V 13812345678")
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, bob))


@pytest.mark.parametrize("who", ["newcomer", "regular"])
async def test_a_loan_plea_whose_account_is_a_payment_code_image_is_named_a_loan_plea(make_bot, who):
    """Issue 11: a stolen account writes 借我两千，急用，明天还 (no account: no plea, no case) and
    then posts a payment QR code as a picture. The code alone had been an obvious ad (a newcomer
    removed at once); with the borrowing just before it, it is the loan plea: the group is told to
    check with the person, nobody is removed."""
    from bot.events import MessageKind

    bot = await make_bot()
    room = bot.cast.admin
    name = "小芳" if who == "newcomer" else "carol"
    member = newcomer(bot, name) if who == "newcomer" else bot.cast["carol"]
    await bot.settle()
    bot.say(room, name, "在吗，借我两千，急用，明天还")
    await bot.settle()
    assert all_cases(bot) == []
    bot.clock.advance(90)  # type: ignore[attr-defined]
    bot.say(room, name, "", kind=MessageKind.IMAGE, data=qr_png("wxp://f2f0Xy3Rq9LmNaBcDeF"))
    warning = await bot.wait_text(room, "案件 #")
    assert "借钱" in warning and "打电话或当面跟本人确认" in warning
    assert "发广告" not in warning and "再犯将被移出" not in warning
    [case] = all_cases(bot)
    assert (case.kind, case.evidence["label"], case.evidence["obvious"]) == ("warn", "疑似被盗号借钱", False)
    assert "刚说了「在吗，借我两千，急用，明天还」" in checks(case)["qrcode"]["why"]
    await wait_until(lambda: all_cases(bot)[-1].outcome == "done")
    assert not bot.world.saw_kick(room, member)


async def test_a_payment_code_long_after_asking_to_borrow_is_judged_alone(make_bot):
    """Past loan.QR_WITHIN the two are not one plea: the code is judged as a code (an obvious ad
    from a newcomer, as before)."""
    from bot.events import MessageKind

    bot = await make_bot()
    room = bot.cast.admin
    newcomer(bot, "小芳")
    await bot.settle()
    bot.say(room, "小芳", "在吗，借我两千，急用，明天还")
    await bot.settle()
    bot.clock.advance(600)  # type: ignore[attr-defined]
    bot.say(room, "小芳", "", kind=MessageKind.IMAGE, data=qr_png("wxp://f2f0Xy3Rq9LmNaBcDeF"))
    await wait_until(lambda: len(all_cases(bot)) == 1)
    [case] = all_cases(bot)
    assert case.evidence["label"] != "疑似被盗号借钱" and case.evidence["obvious"] is True
    # named as what it is: a payment code takes money, it leads nowhere (it was 发引流二维码)
    assert case.evidence["label"] == "新成员发收款码"


async def test_a_newcomer_collecting_a_fee_as_the_new_chair_tells_the_group_to_check_first(make_bot):
    """Seen in a simulated 同乡会 day: a newcomer who called himself the new 会长 and asked for 会费
    drew nothing until his payment code came. His words alone now tell the group to check with the
    owner or someone they know before paying; he is not punished for them (a real new 会长 writes
    the same). The payment code after them is removed as before, named as one."""
    from bot.events import MessageKind

    bot = await make_bot()
    room = bot.cast.admin
    member = newcomer(bot, "老周")
    await bot.settle()
    bot.say(room, "老周", "大家好 我是新任会长 今年会费每人二百 扫码交一下")
    warning = await bot.wait_text(room, "案件 #")
    assert "「老周」是新进群的成员，在群里向大家收钱" in warning and "核实" in warning, warning
    assert "发广告" not in warning and "再犯将被移出" not in warning
    [case] = all_cases(bot)
    assert (case.kind, case.evidence["label"], case.evidence["obvious"]) == ("warn", "新成员自称身份收钱", False)
    assert checks(case)["keywords"]["why"].startswith("新成员自称身份并向大家收钱")
    await wait_until(lambda: all_cases(bot)[-1].outcome == "done")
    assert not bot.world.saw_kick(room, member)

    bot.clock.advance(60)  # type: ignore[attr-defined]
    bot.say(room, "老周", "", kind=MessageKind.IMAGE, data=qr_png("wxp://f2f0Zk8Pq2LmNaBcDeF"))
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, member))
    assert all_cases(bot)[-1].evidence["label"] == "新成员发收款码"


async def test_a_regular_collecting_money_with_a_payment_code_is_left_alone(make_bot):
    """A regular posting her 收款码 for the lunch AA (a 团购, 班费) was warned 发广告 as an obvious ad,
    and the next collection removed her. From a regular a payment code is recorded, not acted on;
    a newcomer's is still an ad (test_a_payment_code_long_after_asking_to_borrow_is_judged_alone)."""
    from bot.events import MessageKind

    bot = await make_bot()
    room = bot.cast.admin
    bot.say(room, "carol", "中午外卖一共 3 份 75 元，转我就行，收款码发群里了")
    bot.say(room, "carol", "", kind=MessageKind.IMAGE, data=qr_png("wxp://f2f0Xy3Rq9LmNaBcDeF"))
    await bot.settle()
    bot.clock.advance(86_400)  # type: ignore[attr-defined]  # the next day's 团购
    bot.say(room, "carol", "", kind=MessageKind.IMAGE, data=qr_png("wxp://f2f0Xy3Rq9LmNaBcDeF"))
    await bot.settle()
    assert all_cases(bot) == [] and bot.texts(room) == []
    assert not bot.world.saw_kick(room, bot.cast["carol"])


async def test_a_regulars_wechat_card_as_a_code_is_left_alone_a_group_code_is_not(make_bot):
    """A regular posting her own WeChat card as a QR code (大家加我，方便团购联系) was warned
    发引流二维码，再犯将被移出 (seen in a simulated day), though she may post the card itself and
    write her id. From a regular a card code is recorded, not acted on; a group's invite code is
    拉人 from anyone, and a newcomer's card code is still an ad."""
    from bot.events import MessageKind

    bot = await make_bot()
    room = bot.cast.admin
    bot.say(room, "carol", "大家加我一下，方便团购联系")
    bot.say(room, "carol", "", kind=MessageKind.IMAGE, data=qr_png("https://u.wechat.com/kCarolOwnCard"))
    await bot.settle()
    assert all_cases(bot) == [] and bot.texts(room) == []
    bot.say(room, "carol", "", kind=MessageKind.IMAGE, data=qr_png("https://weixin.qq.com/g/AbCdEfGroup"))
    await wait_until(lambda: len(all_cases(bot)) == 1)
    [case] = all_cases(bot)
    assert case.target_id == bot.cast["carol"] and case.kind == "warn"


async def test_owner_posting_a_link_and_a_phone_number_is_untouched(make_bot):
    from bot.events import MessageKind

    bot = await make_bot()
    room = bot.cast.admin
    bot.say(room, "laowang", "团购链接", kind=MessageKind.LINK, url="https://shop.example.com/x")
    bot.say(room, "laowang", "兼职日结，加V：abc8888")
    await bot.settle()
    assert all_cases(bot) == []
    assert bot.texts(room) == []
    with bot.app.sessions() as db:
        assert db.scalar(select(StoredMessage).where(StoredMessage.sender_id == bot.cast["laowang"])) is not None


async def test_admin_spam_teaches_the_model_and_a_member_cannot(make_bot):
    # the shipped char model already knows shop promotions: off here, so the lesson is what counts
    bot = await make_bot(NO_PROBATION + "  charmodel:\n    mode: \"off\"\n")
    room = bot.cast.admin
    ad = "本店新到一批进口奶粉和纸尿裤，价格优惠，量大从优，欢迎各位宝妈咨询选购"
    first = bot.say(room, "carol", ad)
    await bot.settle()
    assert all_cases(bot) == []  # nothing knew this one

    bot.say(room, "bob", "#spam", quote=first)  # a plain member: an ordinary message, nothing happens
    await bot.settle()
    assert all_cases(bot) == [] and bot.texts(room) == []

    bot.say(room, "laowang", "#spam", quote=first)
    await bot.wait_text(room, "已记为广告样本")
    [case] = all_cases(bot)
    assert (case.kind, case.target_id, case.actor_id) == ("warn", bot.cast["carol"], bot.cast["laowang"])
    assert checks(case)["admin"]["details"] == f"#spam by {bot.cast['laowang']}"
    assert checks(case)["admin"]["why"] == "管理员用 #spam 标记为广告"  # what the #case card shows
    with bot.app.sessions() as db:
        sample = db.scalar(select(Sample).where(Sample.source == "spam_command"))
        assert sample is not None and sample.label == 1 and sample.text == ad
    # the checks as they stood before the lesson: not "100% similar to spam sample N", N itself
    similar = checks(case).get("similar")
    assert similar is None or f"spam sample {sample.id}" not in similar["details"]

    bot.say(room, "alice", "本店新到一批进口奶粉和纸尿裤，价格特别优惠，欢迎各位宝妈咨询选购！")
    await wait_until(lambda: len(all_cases(bot)) == 2)
    caught = all_cases(bot)[-1]
    assert caught.target_id == bot.cast["alice"] and caught.actor_id is None
    assert "similar" in checks(caught) and "spam sample" in checks(caught)["similar"]["details"]


async def test_admin_spam_on_a_newcomers_message_records_the_checks_as_for_a_newcomer(make_bot):
    # seen in a simulated second-hand group: a newcomer's own id, let go by the model, marked
    # #spam by the owner; the case said 老成员留的微信号 (judged as a regular's) next to
    # "newcomer": true
    bot = await make_bot()
    room = bot.cast.admin
    newcomer(bot)
    await bot.settle()
    first = bot.say(room, "小明", "下周六组织去爬香山，早上七点地铁站集合，想去的加我微信 pashan_laoli 我拉个小群")
    await bot.settle()
    assert all_cases(bot) == []  # the model read it as no ad: the id alone did not count

    bot.say(room, "laowang", "#spam", quote=first)
    await bot.wait_text(room, "已记为广告样本")
    [case] = all_cases(bot)
    assert case.evidence["newcomer"] is True
    contact = next(c for c in case.evidence["checks"] if c["name"] == "contact")
    assert "老成员" not in contact.get("why", "") and "不像广告" in contact["why"], contact


async def test_spam_on_an_ad_whose_sender_was_already_removed_opens_no_second_case(make_bot):
    # seen in a simulated residents' group: the owner quoted a job scam the bot had removed its
    # sender for a minute before (the ad stays in the chat); the bot answered 并按群规处理 and opened
    # a second removal case, 对方已不在群里，未执行, told to the admins and counted by #stats
    bot = await make_bot()
    room = bot.cast.admin
    spammer = newcomer(bot)
    await bot.settle()
    ad = bot.say(room, "小明", "招聘兼职，在家手机就能做，日结工资200-500，宝妈学生都可以，有意者加威心 jz20260606")
    await bot.settle()
    assert bot.world.saw_kick(room, spammer)
    [removal] = all_cases(bot)
    assert removal.kind == "kick"

    bot.say(room, "laowang", "#spam", quote=ad)
    await bot.settle()
    assert bot.texts(room)[-1].endswith(f"已记为广告样本。「小明」已因这条消息被移出（案件 #{removal.id}）。")
    assert [c.id for c in all_cases(bot)] == [removal.id]
    with bot.app.sessions() as db:
        sample = db.scalar(select(Sample).where(Sample.source == "spam_command"))
        assert sample is not None and sample.label == 1 and sample.case_id == removal.id


async def test_spam_quoting_the_bots_own_warning_never_teaches_the_bots_words(make_bot):
    # seen in a simulated day: an owner quoted the bot's warning; it was stored as a spam sample
    # ("只记录样本") and the model would have learned the bot's own words. The warning names its
    # case: the sample is the member's message it was about
    bot = await make_bot(NO_PROBATION)
    room = bot.cast.admin
    bot.say(room, "carol", "周末引流课的笔记我整理好了，需要的说一声")
    # an ad word the shipped model reads as chat: the soft warning (words_against_the_model)
    await bot.wait_text(room, "看起来像在发广告")
    warning = bot.sends(room)[-1]
    bot.say(room, "laowang", "#spam", quote=warning.message_id)
    await bot.wait_text(room, "已记为广告样本")
    with bot.app.sessions() as db:
        taught = [s.text for s in db.scalars(select(Sample).where(Sample.source == "spam_command"))]
    assert taught == ["周末引流课的笔记我整理好了，需要的说一声"]


async def test_ham_reverses_the_case_and_clears_the_strike(make_bot):
    bot = await make_bot(NO_PROBATION)
    room = bot.cast.admin
    flagged = bot.say(room, "carol", "周末引流课的笔记我整理好了，需要的说一声")
    await bot.wait_text(room, "看起来像在发广告")
    [case] = all_cases(bot)
    bot.say(room, "laowang", "#ham", quote=flagged)
    await bot.wait_text(room, f"案件 #{case.id} 已撤销")
    [case] = all_cases(bot)
    assert case.status == "reversed"
    with bot.app.sessions() as db:
        assert db.scalar(select(Strike).where(Strike.case_id == case.id)).cleared
        assert db.scalar(select(Sample).where(Sample.source == "ham_command")).label == 0
    # the strike is gone, so the next offence is a first warning again, not a removal
    bot.clock.advance(180)  # type: ignore[attr-defined]
    bot.say(room, "carol", "兼职日结，宝妈学生都可以")
    await wait_until(lambda: len(all_cases(bot)) == 2)
    assert all_cases(bot)[-1].kind == "warn"


async def test_ham_on_a_removal_invites_the_member_back_as_revoke_does(tmp_path, database_url):
    # seen in a simulated renovation group: a member brought in her tradesman, whose first line
    # (his trade and phone number) removed him; the owner's #误判 on it answered 案件已撤销 and
    # left him out, where #撤销 invites a removed member back
    bot = Harness(tmp_path, [AntispamPlugin(), ModerationPlugin()], database_url=database_url,
                  clock=FakeClock(START))
    await bot.start()
    try:
        await _ham_on_a_removal(bot)
    finally:
        await bot.stop()


async def _ham_on_a_removal(bot: Harness) -> None:
    room = bot.cast.admin
    tradesman = newcomer(bot)
    await bot.settle()
    ad = bot.say(room, "小明", "各位业主好 我是做美缝的 真瓷胶 环氧彩砂都有 小区已经做了二十多户了 "
                             "需要的打电话 158 3344 5566")
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, tradesman))
    [removal] = all_cases(bot)
    bot.say(room, "laowang", "#误判", quote=ad)
    answer = await bot.wait_text(room, f"已记为正常消息，案件 #{removal.id} 已撤销")
    assert "正在重新邀请入群" in answer, answer
    await bot.world.wait_for(lambda: bot.world.is_member(room, tradesman))
    await bot.wait_text(room, f"已重新邀请「小明」入群（案件 #{removal.id}）。")
    with bot.app.sessions() as db:
        assert db.get(Case, removal.id).status == "reversed"
        assert db.scalar(select(Sample).where(Sample.source == "ham_command")).label == 0
        lift = db.scalars(select(Case).where(Case.kind == "lift")).one()
        assert lift.evidence["revoked_case"] == removal.id


async def test_a_newcomer_is_not_removed_at_once_on_one_rule_the_models_read_as_chat(make_bot):
    # a newcomer giving a friend her QQ in spaced digits was removed at once as an obvious ad
    # (hidden contact data is a strong verdict), as was one telling of the 扫码领鸡蛋 lure her
    # mother nearly fell for (a stop phrase): one rule's word while the text models read chat
    # is a warning first. The same hidden QQ with a pitch the model reads still removes at once
    bot = await make_bot()
    room = bot.cast.admin
    gamer, daughter, seller = await newcomers(bot, "小雨", "小周", "代练阿强")
    bot.say(room, "小雨", "@bob 我扣扣 3 9 0 5 7 1 2 6 加我一下 周末一起开黑")
    bot.say(room, "小周", "上周有人在群里说扫码领鸡蛋 我妈差点去了")
    await wait_until(lambda: len(all_cases(bot)) == 2)
    bot.say(room, "代练阿强", "王者代练 星耀上王者 价格美丽 安全不封号 加扣扣 3 9 0 5 7 1 2 6 详谈")
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, seller))
    by_member = {c.target_id: c for c in all_cases(bot)}
    assert by_member[gamer].kind == "warn" and by_member[daughter].kind == "warn"
    assert by_member[seller].kind == "kick"
    await bot.settle()
    assert bot.world.is_member(room, gamer) and bot.world.is_member(room, daughter)
    # and the gamer hears the newcomers' rule she broke, not 广告引流
    [told] = [t for t in bot.texts(room) if f"案件 #{by_member[gamer].id}" in t]
    assert "新成员暂不能在群里发联系方式" in told and "广告" not in told, told


async def test_a_newcomers_id_after_jia_weixin_is_one_piece_of_evidence_not_two(make_bot):
    # the shipped regex 加微信 + id and the contact check read the same id: a newcomer's
    # 加微信 run_xiaolin 周末一起约跑 was removed at once as two checks agreeing while the char
    # model read chat; now one rule's word, a warning first. With an offer the model reads, the
    # same shape removes at once still
    bot = await make_bot()
    room = bot.cast.admin
    runner, seller = await newcomers(bot, "小林", "福利君")
    bot.say(room, "小林", "跑团新人 配速六分半 加微信 run_xiaolin 周末一起约跑")
    bot.say(room, "福利君", "加微信 fuli_8899 免费领取内部资料 名额有限")
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, seller))
    await wait_until(lambda: len(all_cases(bot)) == 2)
    await bot.settle()
    assert bot.world.is_member(room, runner)
    assert {c.target_id: c.kind for c in all_cases(bot)} == {runner: "warn", seller: "kick"}


async def test_a_newcomers_plain_link_among_chat_is_no_promoted_link(make_bot):
    # a new member answering with a documentation link, then a forum thread, was told
    # 新成员暂不能发推广链接 and removed at once by the second (the ladder's second strike).
    # A link written plainly among words the char model reads as chat is not enough alone;
    # a bare link, or one behind a shortener, is still the newcomers' rule
    bot = await make_bot()
    room = bot.cast.admin
    helper, bare, short = await newcomers(bot, "小陈", "阿飞", "小美")
    bot.say(room, "小陈", "immich 的安装文档在这 照着 docker compose 装就行 https://immich.app/docs/install/docker-compose")
    bot.clock.advance(600)  # type: ignore[attr-defined]
    bot.say(room, "小陈", "硬盘休眠的问题论坛有人讨论过 https://forum.proxmox.com/threads/hdd-spindown.12345/")
    bot.say(room, "阿飞", "https://kx-fuli88.top/a/9")
    bot.say(room, "小美", "上次说的那个教程在这里 大家可以看看 https://t.cn/A6xYz9Qk")
    await wait_until(lambda: len(all_cases(bot)) >= 2)
    await bot.settle()
    assert {c.target_id for c in all_cases(bot)} == {bare, short}
    assert bot.world.is_member(room, helper)


async def test_dry_run_acts_on_nothing_and_records_the_case(make_bot):
    bot = await make_bot(extra_bot="dry_run: true")
    room = bot.cast.admin
    spammer = newcomer(bot)
    await bot.settle()
    bot.say(room, "小明", "加薇信 abc8888 领取优惠券")
    await wait_until(lambda: all_cases(bot) and all_cases(bot)[0].outcome == "dry_run")
    [case] = all_cases(bot)
    assert case.kind == "kick" and "contact" in checks(case)
    await bot.settle()
    assert bot.world.is_member(room, spammer) and not bot.world.saw_kick(room, spammer)
    assert bot.texts(room) == []


async def test_shadow_check_records_what_would_have_happened(make_bot):
    bot = await make_bot("antispam:\n  order: [keywords, contact]\n  keywords: {mode: shadow}\n"
                         "  probation: {messages: 0}\n")
    room = bot.cast.admin
    bot.say(room, "carol", "兼职日结，宝妈学生都可以")
    await wait_until(lambda: len(all_cases(bot)) == 1)
    [case] = all_cases(bot)
    assert (case.kind, case.outcome, case.evidence["would"]) == ("spam", "shadow", "warn")
    await bot.settle()
    assert bot.texts(room) == []


async def test_the_same_text_from_several_members_is_caught(make_bot):
    # the char model alone would catch the first copy: this is about the repeat check
    bot = await make_bot(NO_PROBATION + "  charmodel:\n    mode: \"off\"\n")
    room = bot.cast.admin
    text = "这款面膜真的超好用，需要的加 vx：mask8888"
    for who in ("alice", "bob", "carol"):
        bot.say(room, who, text)
    await wait_until(lambda: len(all_cases(bot)) == 1)
    case = all_cases(bot)[0]
    assert case.target_id == bot.cast["carol"] and "from 3 members" in checks(case)["repeat"]["details"]


async def test_record_ham_api_for_accepted_appeals(make_bot):
    bot = await make_bot(NO_PROBATION)
    room = bot.cast.admin
    bot.say(room, "carol", "刷单返利，一单一结，有意私聊")
    await bot.wait_text(room, "再犯将被移出本群")
    [case] = all_cases(bot)
    async with bot.app.write_session() as db:
        record_ham(db, db.get(Case, case.id), bot.clock.now())
        db.commit()
        sample = db.scalar(select(Sample).where(Sample.source == "appeal"))
        assert sample is not None and sample.label == 0 and sample.case_id == case.id
        assert db.scalar(select(Strike).where(Strike.case_id == case.id)).cleared


async def test_hostile_messages_never_crash_the_pipeline(make_bot):
    bot = await make_bot()
    room = bot.cast.admin
    for text in ["😀" * 5000, "\u200b" * 10000, "a" * 100_000, "Ｖ\u200bＸ：ａｂｃ８８８８ ⓐⓑⓒ 𝟏𝟑𝟖 " * 500, "@" * 3000]:
        bot.say(room, "alice", text)
    bot.say(room, "bob", "ping 还活着吗")
    await bot.settle()
    with bot.app.sessions() as db:
        stored = list(db.scalars(select(StoredMessage).order_by(StoredMessage.id)))
    assert len(stored) == 6 and stored[-1].text == "ping 还活着吗"


async def test_a_link_no_parser_takes_is_still_judged(make_bot):
    """www.x.com[浩森车贷] reads to Python's URL parser as a host in brackets, checked as an IP
    address: the ValueError took anti-spam down on the message, and the ad with a phone number
    in it stood (found scanning the labelled rows). The link is kept as a link to nowhere
    known and the message judged as any other."""
    bot = await make_bot()
    room = bot.cast.admin
    spammer = newcomer(bot, "车贷小王")
    await bot.settle()
    bot.say(room, "车贷小王", "不押车贷款，当天到账，加微信 dk_8866 www.haosenpawn.com[浩森车贷]")
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, spammer))
    [case] = all_cases(bot)
    assert case.kind in ("kick", "ban") and "contact" in checks(case)


async def test_a_member_renaming_the_group_into_an_ad_is_undone_and_warned(make_bot):
    """Members may rename a group unless its owner restricted it, and spammers do: 群名改成「加V
    abc8888 领红包」 shows in every member's chat list. No message carries it, so the bot never
    looked. The new name is judged as the renamer's message: an ad is set back to the old name
    and goes up the ladder; an ordinary name, or a regular's phone number in it, is left alone."""
    bot = await make_bot()
    room = bot.cast.admin  # 读书会: the bot is an admin
    dave = bot.cast["dave"]
    bot.world.join(room, [dave], inviter=bot.cast["alice"])
    bot.say(room, "dave", "大家好")
    await bot.settle()
    bot.world.set_topic(room, "读书会 加V：abc8888 领红包 免费资料", dave)
    await bot.world.wait_for(lambda: bot.world.room(room).topic == "读书会")
    [case] = all_cases(bot)
    assert case.target_id == dave and case.evidence["topic"].startswith("读书会 加V")
    assert case.evidence["old_topic"] == "读书会" and "把群名改成广告" in case.reason
    [renamed] = [a for a in bot.world.bot_actions(ActionKind.TOPIC, room) if a.ok]
    assert renamed.text == "读书会"
    notice = await bot.wait_text(room, "把群名改成广告")
    # a newcomer's obvious ad: removed, and the group told why
    assert case.kind == "kick" and notice.endswith(f"案件 #{case.id}")
    assert bot.world.saw_kick(room, dave)
    await bot.settle()  # the bot's own rename comes back as an event: it judges nothing
    assert len(all_cases(bot)) == 1
    bot.world.set_topic(room, "读书会（本周六改到周日）", bot.cast["carol"])
    bot.world.set_topic(room, "读书会 周日拼车 电话13955667788", bot.cast["carol"])
    await bot.settle()
    assert len(all_cases(bot)) == 1 and bot.world.room(room).topic == "读书会 周日拼车 电话13955667788"
    # a gateway that does not say what the name was: the case, but no empty name set "back"
    eve = bot.world.add_contact("eve")
    bot.world.join(room, [eve], inviter=bot.cast["alice"])
    bot.world.set_topic(room, "", bot.cast["laowang"])
    bot.world.set_topic(room, "加V：abc8888 领红包", eve)
    await wait_until(lambda: len(all_cases(bot)) == 2)
    await bot.settle()
    assert len([a for a in bot.world.bot_actions(ActionKind.TOPIC, room) if a.ok]) == 1
