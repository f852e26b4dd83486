"""One act, one message: what a group's owner and admins hear about a case, end to end (real
SDK, simulator over gRPC). Found by playing group days: a private "新案件" after the owner was
asked in the group, an owner's #kick opening a second case, a case left 已请群主处理 after the
owner removed the member by hand, #ham refused on the bot's own notice about an ad."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.core import cases
from bot.simulator import ActionKind
from plugins.antispam import AntispamPlugin
from plugins.antispam.models import Sample
from plugins.moderation.plugin import ModerationPlugin
from tests.harness import Harness, all_cases, wait_until

START = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
AD = "兼职日结，加我 V 13812345678"


def make(tmp_path, database_url, *, operators: str | None = "wxid_operator") -> Harness:
    harness = Harness(tmp_path, [AntispamPlugin(), ModerationPlugin()], database_url=database_url,
                      clock=FakeClock(START))
    text = harness.rules_path.read_text("utf-8")
    harness.rules_path.write_text(text.replace("operators: [wxid_operator]", f"operators: [{operators or ''}]"),
                                  "utf-8")
    return harness


async def sweep(bot: Harness) -> None:
    """Let the moderation plugin's notice sweep (every minute) run, and what it sent go out."""
    bot.clock.advance(61)
    await bot.app.scheduler.run_pending()
    await bot.settle()


async def managed_plain_group_with_an_ad(bot: Harness, *, vice: bool = True) -> tuple[str, str]:
    """The bot is a plain member of lijie's group (alice a WeChat admin there): managed, a
    newcomer posts an ad, and the bot asks the owner and admins in the group to remove them."""
    room = bot.cast.plain
    if vice:
        bot.world.set_admin(room, bot.cast["alice"], True)
    spammer = bot.world.add_contact("小明")
    bot.cast.people["小明"] = spammer
    bot.say(room, "lijie", "#manage on")
    await bot.wait_text(room, "开始管理本群")
    bot.world.join(room, [spammer], inviter=bot.cast["bob"])
    await bot.settle()
    bot.say(room, "小明", AD)
    await bot.wait_text(room, "无法移出「小明」")
    await bot.settle()
    return room, spammer


def privately(bot: Harness, who: str, needle: str) -> list[str]:
    return [t for t in bot.private_texts(bot.cast[who]) if needle in t]


# ---------------------------------------------------------------------------- item 1
async def test_owner_and_admins_asked_in_the_group_get_no_private_copy_operators_do(tmp_path, database_url):
    # lijie owns the group and is an operator too: asked in the group, no private copy
    bot = await make(tmp_path, database_url, operators="wxid_operator, wxid_lijie").start()
    try:
        room, _ = await managed_plain_group_with_an_ad(bot)
        asked = bot.sends(room)[-1]
        assert set(asked.mention_ids) == {bot.cast["lijie"], bot.cast["alice"]}
        await sweep(bot)
        [case] = all_cases(bot)
        assert case.outcome == "asked_owner"
        # the operators were not in the group: they hear of it, with what became of it
        [notice] = [t for t in bot.private_texts("wxid_operator") if f"新案件 #{case.id}" in t]
        assert "已请群主处理" in notice
        assert privately(bot, "lijie", "新案件") == [] and privately(bot, "alice", "新案件") == []
    finally:
        await bot.stop()


async def test_with_no_operators_a_case_put_to_the_owner_in_the_group_is_not_told_again(tmp_path, database_url):
    bot = await make(tmp_path, database_url, operators=None).start()
    try:
        room, _ = await managed_plain_group_with_an_ad(bot)
        before = len(bot.texts(room))
        await sweep(bot)
        bot.clock.advance(301)  # past the owners' digest interval too
        await bot.settle()
        assert privately(bot, "lijie", "新案件") == [] and privately(bot, "alice", "新案件") == []
        assert len(bot.texts(room)) == before  # nor a "请群主/管理员留意" digest in the group
    finally:
        await bot.stop()


async def test_the_sweep_waits_for_a_removal_still_queued_before_telling(tmp_path, database_url):
    """A case swept while its removal still waits its turn would be told to everyone (the owner
    included) before the bot finds it cannot remove and asks the owner in the group."""
    bot = await make(tmp_path, database_url).start()
    try:
        room = bot.cast.admin
        await bot.settle()
        async with bot.app.write_session() as db:
            case = cases.open_case(db, room_id=room, kind="kick", target_id=bot.cast["bob"], source="antispam",
                                   at=bot.clock.now(), reason="发广告", target_name="bob")
            db.commit()
        await sweep(bot)
        assert not any(f"新案件 #{case.id}" in t for t in bot.private_texts("wxid_operator"))
        async with bot.app.write_session() as db:
            cases.record_outcome(db, case.id, "asked_owner", bot.clock.now())
            db.commit()
        await sweep(bot)
        [notice] = [t for t in bot.private_texts("wxid_operator") if f"新案件 #{case.id}" in t]
        assert "已请群主处理" in notice
    finally:
        await bot.stop()


# ---------------------------------------------------------------------------- item 7
async def test_an_admins_private_warn_is_not_told_back_to_them_as_a_new_case(tmp_path, database_url):
    bot = make(tmp_path, database_url, operators=None)
    room, owner = bot.cast.admin, bot.cast["laowang"]
    # before the bot starts: WeChat says nothing when someone is made an admin
    bot.world.set_admin(room, bot.cast["alice"], True)
    await bot.start()
    try:
        bot.say(room, "bob", "大家好")
        await bot.settle()
        bot.world.say_private(owner, "#use 1")
        await bot.world.wait_for(lambda: any("已选择" in t for t in bot.private_texts(owner)))
        bot.world.say_private(owner, "#warn bob 刷屏")
        await bot.world.wait_for(lambda: any("已在群里警告" in t for t in bot.private_texts(owner)))
        [case] = all_cases(bot)
        # the other admin hears of it; the owner who typed it was answered already
        await bot.world.wait_for(lambda: privately(bot, "alice", f"新案件 #{case.id}"))
        await bot.settle()
        assert privately(bot, "laowang", "新案件") == []
    finally:
        await bot.stop()



async def test_an_admins_report_is_not_sent_back_to_them(tmp_path, database_url):
    """Seen in a simulated day (a 考公 group): an admin quoted a member's line with #report, was
    told 已转告群主和管理员 in the group and then got their own report privately as
    成员「管理小花」举报了… . The owner hears it; the admin who reported is answered once."""
    bot = make(tmp_path, database_url, operators=None)
    room = bot.cast.admin
    bot.world.set_admin(room, bot.cast["alice"], True)
    await bot.start()
    try:
        line = bot.say(room, "bob", "今天不想学习 能不能打卡一下假装学了")
        await bot.settle()
        bot.say(room, "alice", "#report 水群", quote=line)
        answer = await bot.wait_text(room, "已记录举报")
        assert "已转告" not in answer  # with no other admin that would not be true
        [case] = all_cases(bot)
        await bot.world.wait_for(lambda: privately(bot, "laowang", f"举报了「bob」的消息（案件 #{case.id}）"))
        await bot.settle()
        assert privately(bot, "alice", "举报") == []
    finally:
        await bot.stop()


# ---------------------------------------------------------------------------- item 2
async def test_an_owners_kick_of_a_member_the_bot_asked_about_acts_in_that_case(tmp_path, database_url):
    bot = await make(tmp_path, database_url).start()
    try:
        room, spammer = await managed_plain_group_with_an_ad(bot)
        [case] = all_cases(bot)
        asks = sum("无法移出「小明」" in t for t in bot.texts(room))
        bot.say(room, "lijie", "#kick @小明 骗号的", mentions=[spammer])
        await bot.wait_text(room, "（原因：骗号的）")  # the bot still cannot: the owner is asked, alone
        await bot.settle()
        assert sum("无法移出「小明」" in t for t in bot.texts(room)) == asks + 1
        assert bot.sends(room)[-1].mention_ids == (bot.cast["lijie"],)
        [again] = all_cases(bot)  # no second case for the same act
        assert again.id == case.id and again.outcome == "asked_owner"
        assert again.evidence["confirmed_by"] == bot.cast["lijie"]
        bot.say(room, "lijie", f"#case {case.id}")
        card = await bot.wait_text(room, f"案件 #{case.id} ·")
        assert "确认移出：lijie（骗号的）" in card
    finally:
        await bot.stop()


async def test_an_admins_kick_after_the_bot_asked_them_to_decide_removes_within_that_case(tmp_path, database_url):
    """A regular convicted on a text model's word alone: the bot asks the admins to decide
    ("是广告请在群里发 #kick @X"); the #kick that answers it carries out that case."""
    bot = await make(tmp_path, database_url).start()
    try:
        room, bob = bot.cast.admin, bot.cast["bob"]
        await bot.settle()
        async with bot.app.write_session() as db:
            case = cases.open_case(db, room_id=room, kind="kick", target_id=bob, source="antispam",
                                   at=bot.clock.now(), reason="发广告", target_name="bob", outcome="asked_owner",
                                   evidence={cases.ASKED_ADMINS: True, "text": "要的私我"})
            db.commit()
        bot.say(room, "laowang", "#kick @bob", mentions=[bob])
        await bot.world.wait_for(lambda: bot.world.saw_kick(room, bob))
        done = await bot.wait_text(room, "已移出「bob」")
        await bot.settle()
        assert f"案件 #{case.id}" in done and "发广告" in done
        [only] = all_cases(bot)
        assert (only.id, only.outcome) == (case.id, "done")
    finally:
        await bot.stop()


# ---------------------------------------------------------------------------- item 3
async def test_a_removal_the_owner_did_by_hand_is_the_cases_outcome(tmp_path, database_url):
    bot = await make(tmp_path, database_url).start()
    try:
        room, spammer = await managed_plain_group_with_an_ad(bot)
        [case] = all_cases(bot)
        bot.world.remove(room, spammer, bot.cast["lijie"])
        await bot.settle()
        [case] = all_cases(bot)
        assert case.outcome == "removed_by_owner" and case.evidence["removed_by"] == bot.cast["lijie"]
        bot.say(room, "lijie", "#cases")
        listed = await bot.wait_text(room, "本群最近 1 个案件")
        assert f"#{case.id} 移出 小明：" in listed and "（群主已手动移出）" in listed
        bot.say(room, "lijie", f"#case {case.id}")
        assert "结果：群主已手动移出" in await bot.wait_text(room, f"案件 #{case.id} ·")
        # the member's own list, asked privately: what really happened to them
        bot.world.say_private(spammer, "为什么踢我")
        await bot.world.wait_for(lambda: bot.private_texts(spammer))
        assert "（群主已手动移出）" in bot.private_texts(spammer)[-1]
    finally:
        await bot.stop()


async def test_a_removal_by_an_admin_or_a_member_leaving_is_recorded_as_such(tmp_path, database_url):
    bot = await make(tmp_path, database_url).start()
    try:
        room, spammer = await managed_plain_group_with_an_ad(bot)
        bot.world.remove(room, spammer, bot.cast["alice"])  # alice is a WeChat admin there
        await bot.settle()
        assert [c.outcome for c in all_cases(bot)] == ["removed_by_admin"]
        other = bot.world.add_contact("小红")
        bot.cast.people["小红"] = other
        bot.world.join(room, [other], inviter=bot.cast["bob"])
        await bot.settle()
        bot.say(room, "小红", AD)
        await bot.wait_text(room, "无法移出「小红」")
        await bot.settle()
        bot.world.leave(room, other)
        await bot.settle()
        assert [c.outcome for c in all_cases(bot)] == ["removed_by_admin", "left"]
    finally:
        await bot.stop()


# ---------------------------------------------------------------------------- item 6
async def test_ham_quoting_the_bots_notice_about_a_case_acts_on_that_case(tmp_path, database_url):
    bot = await make(tmp_path, database_url).start()
    try:
        room, _ = await managed_plain_group_with_an_ad(bot)
        [case] = all_cases(bot)
        ask = bot.sends(room)[-1]
        assert f"无法移出「小明」（案件 #{case.id}）" in ask.text
        bot.say(room, "lijie", "#ham", quote=ask.message_id)
        answer = await bot.wait_text(room, "已记为正常消息")
        assert f"案件 #{case.id} 已撤销" in answer
        await bot.settle()
        [case] = all_cases(bot)
        assert case.status == "reversed"
        bot.say(room, "lijie", "#cases")
        listed = await bot.wait_text(room, "本群最近 1 个案件")
        assert "（已请群主处理，已撤销）" in listed  # not a removal still waiting for the owner
    finally:
        await bot.stop()


async def test_spam_quoting_a_bot_notice_about_no_case_is_refused_with_a_hint(tmp_path, database_url):
    bot = await make(tmp_path, database_url).start()
    try:
        room = bot.cast.plain
        bot.say(room, "lijie", "#manage on")
        await bot.wait_text(room, "开始管理本群")
        hello = bot.sends(room)[-1]
        bot.say(room, "lijie", "#spam", quote=hello.message_id)
        refusal = await bot.wait_text(room, "机器人自己发的消息")
        assert "案件 #编号" in refusal
        await bot.settle()
        assert all_cases(bot) == []
    finally:
        await bot.stop()


async def test_spam_quoting_the_bots_warning_teaches_the_members_message(tmp_path, database_url):
    bot = await make(tmp_path, database_url).start()
    try:
        room, bob = bot.cast.admin, bot.cast["bob"]
        bot.say(room, "bob", AD)  # a regular's first offence: a warning
        warning = await bot.wait_text(room, "⚠️")
        await bot.settle()
        [case] = all_cases(bot)
        assert f"案件 #{case.id}" in warning
        notice = next(a for a in bot.sends(room) if a.text == warning)
        bot.say(room, "laowang", "#spam", quote=notice.message_id)
        learned = await bot.wait_text(room, "已记为广告样本")
        # the warning stands: the lesson goes into its case, no second case, no removal for one ad
        assert "「bob」" in learned and "不重复处罚" in learned and f"案件 #{case.id}" in learned
        await bot.settle()
        assert [c.id for c in all_cases(bot)] == [case.id] and not bot.world.saw_kick(room, bob)
        with bot.app.sessions() as db:
            taught = [s.text for s in db.scalars(select(Sample).where(Sample.label == 1))]
        assert AD in taught and not any("⚠️" in t for t in taught)
    finally:
        await bot.stop()


async def test_a_shadow_mode_detection_is_recorded_not_told(tmp_path, database_url):
    """Shadow mode only records what a check would have done: a group where members sell, with
    the char model in shadow, had the owner and the admin told 「新案件 #1 广告/刷屏 …（影子模式
    （未执行））」 privately for every sales post (a simulated 代购 group day). The case stays in
    #cases and the console; a real case after it is still told."""
    bot = Harness(tmp_path, [AntispamPlugin(), ModerationPlugin()], database_url=database_url,
                  clock=FakeClock(START), extra_defaults="antispam:\n  order: [keywords, contact]\n"
                  "  keywords: {mode: shadow}\n  probation: {messages: 0}\n")
    await bot.start()
    try:
        room = bot.cast.admin
        bot.say(room, "carol", "兼职日结，宝妈学生都可以")
        await bot.settle()
        [shadow] = all_cases(bot)
        assert shadow.outcome == "shadow"
        bot.say(room, "laowang", "#warn @carol 刷屏", mentions=[bot.cast["carol"]])
        await bot.wait_text(room, "警告（案件 #")
        await sweep(bot)
        await sweep(bot)
        # the owner's own case: told to the operator, who did not type it
        real = next(c for c in all_cases(bot) if c.id != shadow.id)
        await bot.world.wait_for(lambda: privately(bot, "operator", f"新案件 #{real.id}"))
        assert privately(bot, "operator", f"#{shadow.id} ") == []
    finally:
        await bot.stop()


# ---------------------------------------------------------------------------- #spam / #ham on a standing case
def spam_samples(bot: Harness) -> list[Sample]:
    with bot.app.sessions() as db:
        return list(db.scalars(select(Sample).where(Sample.label == 1, Sample.source == "spam_command")))


async def test_spam_quoting_the_bots_ask_to_remove_acts_in_that_case(tmp_path, database_url):
    """Seen in a simulated day: the bot (a plain member) asked the owner to remove an advertiser;
    the owner's #spam quoting that ask opened case #2 and asked again ("无法移出「spammer」（案件
    #2）"), told "按群规处理". The lesson goes into the case the ask was about, said once."""
    bot = await make(tmp_path, database_url).start()
    try:
        room, _ = await managed_plain_group_with_an_ad(bot)
        [case] = all_cases(bot)
        ask = bot.sends(room)[-1]
        asks = sum("请群主或管理员处理" in t for t in bot.texts(room))
        bot.say(room, "lijie", "#spam", quote=ask.message_id)
        answer = await bot.wait_text(room, "已记为广告样本")
        await bot.settle()
        assert f"记入案件 #{case.id}" in answer and "仍请群主或管理员移出" in answer
        assert "按群规处理" not in answer
        assert sum("请群主或管理员处理" in t for t in bot.texts(room)) == asks  # not asked again
        [same] = all_cases(bot)
        assert (same.id, same.outcome) == (case.id, "asked_owner")
        assert same.evidence["confirmed_by"] == bot.cast["lijie"]
        assert [(s.text, s.case_id) for s in spam_samples(bot)] == [(AD, case.id)]
        # the owner removes them by hand: the case says so, as after any ask
        bot.world.remove(room, bot.cast["小明"], bot.cast["lijie"])
        await bot.settle()
        assert [c.outcome for c in all_cases(bot)] == ["removed_by_owner"]
    finally:
        await bot.stop()


async def test_spam_quoting_the_bots_removal_notice_says_the_member_was_already_removed(tmp_path, database_url):
    bot = await make(tmp_path, database_url).start()
    try:
        room = bot.cast.admin
        spammer = bot.world.add_contact("小明")
        bot.world.join(room, [spammer], inviter=bot.cast["bob"])
        await bot.settle()
        bot.world.say(room, spammer, AD)
        notice_text = await bot.wait_text(room, "已被移出本群")
        await bot.settle()
        [case] = all_cases(bot)
        notice = next(a for a in bot.sends(room) if a.text == notice_text)
        bot.say(room, "laowang", "#spam", quote=notice.message_id)
        answer = await bot.wait_text(room, "已记为广告样本")
        await bot.settle()
        # not "因这条消息被移出" (the message quoted is the bot's notice), nor a removal again
        assert answer.endswith(f"已记为广告样本。「小明」已在案件 #{case.id} 中被移出，不用再处理。")
        [same] = all_cases(bot)
        assert (same.id, same.outcome) == (case.id, "done")
        assert len(bot.world.bot_actions(ActionKind.KICK, room)) == 1
        assert sum("已被移出" in t for t in bot.texts(room)) == 1
        assert [(s.text, s.case_id) for s in spam_samples(bot)] == [(AD, case.id)]
    finally:
        await bot.stop()


async def test_a_second_ham_on_the_same_message_says_it_was_already_undone(tmp_path, database_url):
    bot = await make(tmp_path, database_url).start()
    try:
        room = bot.cast.admin
        bot.say(room, "bob", AD)  # a regular's first offence: a warning
        await bot.wait_text(room, "⚠️")
        await bot.settle()
        [case] = all_cases(bot)
        ad = next(m for m in bot.world.recent_messages(room, limit=10) if m.text == AD)
        bot.say(room, "laowang", "#ham", quote=ad.id)
        assert f"案件 #{case.id} 已撤销" in await bot.wait_text(room, "已记为正常消息")
        await bot.settle()
        bot.say(room, "laowang", "#ham", quote=ad.id)
        again = await bot.wait_text(room, "之前已撤销")
        await bot.settle()
        assert again.endswith(f"这条消息已记为正常消息，案件 #{case.id} 之前已撤销，不用再处理。")
        assert sum("已撤销" in t for t in bot.texts(room)) == 2
        [same] = all_cases(bot)
        assert same.status == "reversed"
    finally:
        await bot.stop()


async def test_spam_quoting_an_owners_own_command_teaches_nothing(tmp_path, database_url):
    """An owner's #spam quoting their own earlier #spam reply (WeChat quotes only its own words,
    "#spam") made "#spam" a spam sample; a command is no sample."""
    bot = await make(tmp_path, database_url).start()
    try:
        room = bot.cast.admin
        bot.say(room, "laowang", "#spam")
        await bot.wait_text(room, "请引用")
        await bot.settle()
        command = next(m for m in bot.world.recent_messages(room, limit=10) if m.text == "#spam")
        bot.say(room, "laowang", "#spam", quote=command.id)
        assert "管理命令" in await bot.wait_text(room, "不能作为样本")
        await bot.settle()
        assert not [s for s in spam_samples(bot) if "#spam" in s.text]
    finally:
        await bot.stop()


# ---------------------------------------------------------------------------- overtaken notices
async def warned_then(bot: Harness, act) -> tuple[str, int]:
    """bob (a regular) posts an ad and is warned; `act` is what the owner does about him before
    the notice sweep; then the sweep and the owners' next digest run."""
    room, bob = bot.cast.admin, bot.cast["bob"]
    bot.say(room, "bob", AD)  # a regular's first offence: a warning
    await bot.wait_text(room, "⚠️")
    await bot.settle()
    [warning] = all_cases(bot)
    assert warning.kind == "warn"
    await act(room, bob)
    await bot.settle()
    await sweep(bot)
    bot.clock.advance(301)  # past the owners' digest interval
    await bot.settle()
    return room, warning.id


async def test_a_warning_the_owners_kick_overtook_is_not_told_as_news(tmp_path, database_url):
    """Seen in a simulated day: the owner's private digest said 「新案件 #4 警告 铁蛋」 two
    minutes after he had removed 铁蛋 himself with #kick (case #5). The removal is the news:
    the other admin hears of it; the warning it overtook is told to nobody."""
    bot = make(tmp_path, database_url, operators=None)
    bot.world.set_admin(bot.cast.admin, bot.cast["alice"], True)
    await bot.start()
    try:
        async def kick(room: str, bob: str) -> None:
            bot.say(room, "laowang", "#kick @bob 发广告", mentions=[bob])
            await bot.world.wait_for(lambda: bot.world.saw_kick(room, bob))

        room, warning = await warned_then(bot, kick)
        removal = next(c for c in all_cases(bot) if c.kind == "kick")
        assert privately(bot, "alice", f"新案件 #{removal.id}")
        for who in ("laowang", "alice"):
            assert privately(bot, who, f"#{warning} ") == [], who
        assert not any(f"#{warning} " in t for t in bot.texts(room) if "留意" in t)
    finally:
        await bot.stop()


@pytest.mark.parametrize("gone", ["removed_by_hand", "left"])
async def test_a_warning_of_a_member_removed_by_hand_or_gone_is_not_told_as_news(tmp_path, database_url, gone):
    bot = await make(tmp_path, database_url, operators=None).start()
    try:
        async def act(room: str, bob: str) -> None:
            if gone == "left":
                bot.world.leave(room, bob)
            else:
                bot.world.remove(room, bob, bot.cast["laowang"])

        await warned_then(bot, act)
        assert privately(bot, "laowang", "新案件") == []
    finally:
        await bot.stop()


async def test_a_warning_is_told_when_the_kick_after_it_failed(tmp_path, database_url):
    """An admin's #kick that WeChat refused overtook nothing: the member is still in the group,
    so the warning is still the owner's news (the failed removal has its own notice)."""
    from grpclib.const import Status

    bot = make(tmp_path, database_url, operators=None)
    bot.world.set_admin(bot.cast.admin, bot.cast["alice"], True)
    await bot.start()
    try:
        async def failed_kick(room: str, bob: str) -> None:
            bot.server.service.faults.fail("RoomDel", Status.INVALID_ARGUMENT, times=None)
            bot.say(room, "alice", "#kick @bob 发广告", mentions=[bob])
            await wait_until(lambda: any(c.kind == "kick" and c.outcome == "failed" for c in all_cases(bot)))

        _, warning = await warned_then(bot, failed_kick)
        assert bob_still_there(bot)
        assert privately(bot, "laowang", f"#{warning} 警告 bob")
    finally:
        await bot.stop()


def bob_still_there(bot: Harness) -> bool:
    return bot.cast["bob"] in bot.world.room(bot.cast.admin).member_ids


async def test_a_warning_of_a_member_still_here_is_told(tmp_path, database_url):
    """The control: a warned member still in the group is the owner's news."""
    bot = await make(tmp_path, database_url, operators=None).start()
    try:
        async def stays(room: str, bob: str) -> None:
            return None

        _, warning = await warned_then(bot, stays)
        assert privately(bot, "laowang", f"新案件 #{warning} 警告 bob")
    finally:
        await bot.stop()


@pytest.mark.parametrize("when", ["before_the_sweep", "while_the_digest_waits"])
async def test_a_warning_the_owner_undid_with_ham_is_not_told_as_news(tmp_path, database_url, when):
    """Seen in a simulated 装修 owners' evening: a regular was reminded for saying where she
    bought her tiles, the owner undid it with #ham at once, and the digest still said 「新案件 #1
    警告 …（已执行）。如是误判，请在群里引用那条消息发送 #ham 撤销」: news of a warning no longer
    standing, and an instruction to do what he had just done. Whether the #ham came before the
    notice sweep or while the notice waited for the next digest (one had gone out minutes before)."""
    bot = await make(tmp_path, database_url, operators=None).start()
    try:
        room = bot.cast.admin
        if when == "while_the_digest_waits":
            bot.say(room, "carol", AD)  # an earlier case: its digest goes out now, the next waits 5 minutes
            await bot.wait_text(room, "⚠️")
            await sweep(bot)
            assert privately(bot, "laowang", "警告 carol")
        ad = bot.say(room, "bob", AD)
        await bot.world.wait_for(lambda: any("⚠️" in a.text and bot.cast["bob"] in a.mention_ids
                                             for a in bot.sends(room)))
        await bot.settle()
        warning = max(c.id for c in all_cases(bot))
        if when == "while_the_digest_waits":
            await sweep(bot)  # the notice is planned, waiting for the digest
            assert privately(bot, "laowang", f"#{warning} ") == []
        bot.say(room, "laowang", "#ham", quote=ad)
        await bot.wait_text(room, f"案件 #{warning} 已撤销")
        await bot.settle()
        await sweep(bot)
        bot.clock.advance(301)  # past the owners' digest interval
        await bot.settle()
        assert privately(bot, "laowang", f"#{warning} ") == []
        assert not any(f"#{warning} " in t for t in bot.texts(room) if "留意" in t)
    finally:
        await bot.stop()


async def test_a_group_named_with_its_own_brackets_is_not_bracketed_twice(tmp_path, database_url):
    """A guild's day: 【【星辰】公会群】新案件 … read as a typo; a name with its own 【】 is quoted
    with 「」."""
    bot = await make(tmp_path, database_url).start()
    try:
        room = bot.cast.admin
        bot.world.set_topic(room, "【星辰】公会群", bot.cast["laowang"])
        spammer = bot.world.add_contact("小明")
        bot.cast.people["小明"] = spammer
        bot.world.join(room, [spammer], inviter=bot.cast["bob"])
        await bot.settle()
        bot.say(room, "小明", AD)
        await bot.world.wait_for(lambda: bot.world.bot_actions(ActionKind.KICK, room), timeout=60)
        await bot.settle()
        await sweep(bot)
        [notice] = [t for t in bot.private_texts("wxid_operator") if "新案件" in t]
        assert notice.startswith("「【星辰】公会群」") and "【【" not in notice
    finally:
        await bot.stop()


async def test_a_reminder_revoked_privately_is_taken_back_as_a_reminder(tmp_path, database_url):
    """A 宝妈群 owner's private #revoke of a regular's reminder (看起来像在发广告, the model's word
    alone) was told to the group as 管理员撤销了对「bob」的警告: it had been a 提醒, and #cases says so."""
    bot = await make(tmp_path, database_url).start()
    try:
        room, laowang = bot.cast.admin, bot.cast["laowang"]
        bot.say(room, "bob", "我在做一款进口益生菌 宝宝吃了肠胃好 湿疹也少了很多 需要的姐妹私我 给群里姐妹内部价")
        await bot.wait_text(room, "看起来像在")
        bot.world.say_private(laowang, "#use 1")
        await bot.world.wait_for(lambda: privately(bot, "laowang", "已选择"), timeout=60)
        [case] = all_cases(bot)
        bot.world.say_private(laowang, f"#revoke {case.id}")
        said = await bot.wait_text(room, "管理员撤销了对「bob」的")
        assert said == f"管理员撤销了对「bob」的提醒（案件 #{case.id}）。", said
    finally:
        await bot.stop()
