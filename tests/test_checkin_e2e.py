"""Check-ins end to end: the real app + the real Wechaty SDK + the simulator over gRPC, with an
injected clock (the bot and the simulated WeChat share it). The important scenarios run on
SQLite and PostgreSQL (`database_url`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.core.cases import open_case
from db.models import Member
from plugins.checkin import CheckinPlugin
from plugins.checkin.api import checkin_counts, current_streak
from plugins.checkin.models import CheckinRecord
from tests.harness import Harness

SH = ZoneInfo("Asia/Shanghai")
QUIET = "checkin:\n  remind: {enabled: false}\n  summary: {enabled: false}\n"


def local(y: int, m: int, d: int, h: int, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, s, tzinfo=SH).astimezone(UTC)


@pytest.fixture
async def make_bot(tmp_path, database_url):
    started: list[Harness] = []

    async def make(start: datetime, extra: str = QUIET) -> Harness:
        harness = Harness(tmp_path, [CheckinPlugin()], database_url=database_url, clock=FakeClock(start),
                          extra_defaults=extra)
        await harness.start()
        started.append(harness)
        return harness

    yield make
    for harness in started:
        await harness.stop()


def move_to(bot: Harness, when: datetime) -> None:
    clock: FakeClock = bot.clock  # type: ignore[assignment]
    assert when >= clock.now()
    clock.advance((when - clock.now()).total_seconds())


async def says(bot: Harness, who: str, text: str, room: str | None = None) -> str:
    """`who` says `text`; returns the bot's answer."""
    room = room or bot.cast.admin
    before = len(bot.texts(room))
    bot.say(room, who, text)
    await bot.world.wait_for(lambda: len(bot.texts(room)) > before)
    await bot.settle()
    return bot.texts(room)[-1]


async def silent(bot: Harness, who: str, text: str, room: str | None = None) -> None:
    room = room or bot.cast.admin
    before = len(bot.texts(room))
    bot.say(room, who, text)
    await bot.settle()
    assert bot.texts(room)[before:] == []


def sessions(bot: Harness):
    """The bot's own sessions, for a test's reads: on its engine, closed when the bot stops
    (an engine of the test's own was never disposed and left a connection open)."""
    return bot.app.sessions


# --- check-ins, the window, midnight, streaks -----------------------------------------------------

async def test_window_edges_midnight_repeats_and_a_broken_streak(make_bot):
    bot = await make_bot(local(2026, 1, 5, 4, 59, 59))  # Monday, one second before the window opens
    assert "不是打卡时间" in await says(bot, "alice", "打卡")
    await silent(bot, "bob", "打卡")  # said once while it is closed: the answer is in the chat
    move_to(bot, local(2026, 1, 5, 5, 0, 0))
    first = await says(bot, "alice", "打卡 早起读书")
    assert "打卡成功" in first and "今日第1位" in first and "连续1天" in first and "累计1天" in first
    assert bot.sends(bot.cast.admin)[-1].mention_ids == (bot.cast["alice"],)
    assert "今日第2位" in await says(bot, "bob", "签到！")
    assert "今天已经打过卡啦（05:00）" in await says(bot, "alice", "打卡")
    await silent(bot, "alice", "打卡")  # answered once a day, then quiet
    await silent(bot, "carol", "打卡了吗")  # chat, not a check-in

    move_to(bot, local(2026, 1, 6, 23, 59, 59))  # Tuesday, the last second of the window
    assert "连续2天" in await says(bot, "alice", "打卡 差点忘了")
    move_to(bot, local(2026, 1, 7, 0, 0, 1))  # past midnight: a new day, outside the window
    assert "不是打卡时间" in await says(bot, "bob", "打卡")
    move_to(bot, local(2026, 1, 7, 5, 0))
    third = await says(bot, "alice", "打卡")
    assert "连续3天" in third and "累计3天" in third and "升级啦：「新手村」→「青铜」" in third
    broken = await says(bot, "bob", "打卡")  # bob missed Tuesday
    assert "今日第2位" in broken and "连续1天" in broken and "累计2天" in broken

    with sessions(bot)() as db:
        credit = {m.member_id: m.credit for m in db.scalars(select(Member).where(Member.room_id == bot.cast.admin))}
        notes = {r.day: r.note for r in db.scalars(select(CheckinRecord).where(
            CheckinRecord.member_id == bot.cast["alice"]))}
        counts = checkin_counts(db, bot.cast.admin, date(2026, 1, 5), date(2026, 1, 7))
        monday_only = checkin_counts(db, bot.cast.admin, date(2026, 1, 5), date(2026, 1, 5))
        streak = current_streak(db, bot.cast.admin, bot.cast["bob"], date(2026, 1, 7))
    assert credit[bot.cast["alice"]] == 3 and credit[bot.cast["bob"]] == 2 and credit[bot.cast["carol"]] == 0
    assert notes[date(2026, 1, 5)] == "早起读书" and notes[date(2026, 1, 6)] == "差点忘了"
    assert counts == {bot.cast["alice"]: 3, bot.cast["bob"]: 2}
    assert monday_only == {bot.cast["alice"]: 1, bot.cast["bob"]: 1}
    assert streak == 1


async def test_a_check_in_written_after_a_greeting_or_the_day_counts(make_bot):
    """Seen in a simulated day of a 考研 group: 早安打卡, 今日打卡：… and 【打卡】 were ignored
    without a word, so the members believed they had checked in and their streaks broke."""
    bot = await make_bot(local(2026, 1, 5, 7, 0))
    assert "今日第1位" in await says(bot, "alice", "早安打卡☀️ 今天目标：英语阅读4篇")
    assert "今日第2位" in await says(bot, "bob", "今日打卡：数学3h 英语2h")
    assert "今日第3位" in await says(bot, "carol", "【打卡】单词 unit 15")
    await silent(bot, "laowang", "我昨天忘了打卡，能补吗")
    with sessions(bot)() as db:
        notes = {r.member_id: r.note for r in db.scalars(select(CheckinRecord))}
    assert notes == {bot.cast["alice"]: "☀️ 今天目标：英语阅读4篇", bot.cast["bob"]: "数学3h 英语2h",
                     bot.cast["carol"]: "单词 unit 15"}


async def test_hashtag_checkin_checks_in(make_bot):
    """Seen in a simulated day: a member typed #打卡 (WeChat's hashtag, how many groups check in)
    and got "用法：#checkin rank [week|month|all]｜…" instead of a check-in."""
    bot = await make_bot(local(2026, 1, 5, 7, 0))
    assert "今日第1位" in await says(bot, "alice", "#打卡")
    assert "今日第2位" in await says(bot, "bob", "#打卡 背单词50个")
    assert "今天已经打过卡啦" in await says(bot, "alice", "#打卡")
    assert "今日第3位" in await says(bot, "laowang", "#签到")
    assert "用法" in await says(bot, "carol", "#checkin rnak")
    assert "用法" in await says(bot, "carol", "#checkin")
    assert "打卡排行榜" in await says(bot, "carol", "#打卡 排行")
    with sessions(bot)() as db:
        notes = {r.member_id: r.note for r in db.scalars(select(CheckinRecord))}
    assert notes == {bot.cast["alice"]: "", bot.cast["bob"]: "背单词50个", bot.cast["laowang"]: ""}


async def test_help_says_how_to_check_in(make_bot):
    """Checking in is a plain message, not a command: a member who asked the bot 怎么打卡 was
    pointed to #help, which listed commands only (seen in a simulated day)."""
    bot = await make_bot(local(2026, 1, 5, 9, 0))
    answer = await says(bot, "carol", "#help")
    assert "打卡：直接发送「签到」或「打卡」，后面可以写上今天做了什么，例如「签到 背单词50个」" in answer
    assert "补卡：漏了哪天，发送「补卡」或「补卡 昨天」" in answer
    bot.world.say_private(bot.cast["carol"], "#help")  # not about any group: no group's check-in
    await bot.world.wait_for(lambda: any("可用命令" in t for t in bot.private_texts(bot.cast["carol"])))
    assert not any("打卡：" in t for t in bot.private_texts(bot.cast["carol"]))


# --- 补卡 ----------------------------------------------------------------------------------------

async def test_makeup_fills_missed_days_within_its_limits(make_bot):
    bot = await make_bot(local(2026, 1, 5, 9, 0))
    await says(bot, "alice", "打卡")
    move_to(bot, local(2026, 1, 8, 10, 0))  # missed the 6th and the 7th
    auto = await says(bot, "alice", "补卡")
    assert "已补上 1月7日" in auto and "连续1天" in auto and "本月还可补卡1次" in auto
    assert "已经打过卡了" in await says(bot, "alice", "补卡 1月5日")
    assert "只能补最近 3 天内" in await says(bot, "alice", "补卡 1月8日")  # today is a check-in
    assert "只能补最近 3 天内" in await says(bot, "alice", "补卡 1月1日")  # too far back
    second = await says(bot, "alice", "补卡 前天")
    assert "已补上 1月6日" in second and "连续3天" in second and "本月还可补卡0次" in second
    assert "升级啦" in second  # the third day reaches 青铜
    assert "连续4天" in await says(bot, "alice", "打卡")
    # bob was in the group before the bot met it: an established member, present yesterday too
    assert "已补上 1月7日" in await says(bot, "bob", "补卡 昨天")
    newcomer = bot.world.add_contact("dave")
    bot.cast.people["dave"] = newcomer
    bot.world.join(bot.cast.admin, [newcomer], inviter=bot.cast["laowang"])
    await bot.settle()
    assert "还没有入群" in await says(bot, "dave", "补卡 昨天")  # dave joined today

    move_to(bot, local(2026, 1, 10, 9, 0))
    assert "本月补卡次数已用完（每月2次）" in await says(bot, "alice", "补卡")
    move_to(bot, local(2026, 2, 2, 9, 0))  # a new month
    assert "已补上 2月1日" in await says(bot, "alice", "补卡 昨天")
    with sessions(bot)() as db:
        makeups = [r.day for r in db.scalars(select(CheckinRecord).where(
            CheckinRecord.makeup.is_(True), CheckinRecord.member_id == bot.cast["alice"]).order_by(CheckinRecord.day))]
    assert makeups == [date(2026, 1, 6), date(2026, 1, 7), date(2026, 2, 1)]


async def test_a_makeup_apart_from_today_says_what_it_joined_and_the_streak_now(make_bot):
    """A make-up for a day that does not reach today was answered 连续0天, as if it had not
    counted (seen in a simulated day)."""
    bot = await make_bot(local(2026, 1, 5, 9, 0))
    await says(bot, "alice", "打卡")
    move_to(bot, local(2026, 1, 9, 10, 0))  # missed the 6th, 7th and 8th
    apart = await says(bot, "alice", "补卡 1月6日")
    assert "已补上 1月6日" in apart and "那几天连续2天" in apart and "之后还有2天没打卡" in apart
    assert "现在连续0天" in apart and "累计2天" in apart
    assert "连续1天" in await says(bot, "alice", "打卡")
    joined = await says(bot, "alice", "补卡 昨天")  # the 8th joins today: the plain answer
    assert "已补上 1月8日" in joined and "｜连续2天｜" in joined and "没能连到" not in joined


async def test_a_makeup_never_names_a_day_before_the_bot_watched_the_group(make_bot):
    """Seen in a simulated day: a member who had missed nothing since the bot came typed a plain
    补卡 and used up one of the month's make-ups on the day before the bot was in the group (an
    established member counts as present on every day, but check-ins began with the bot). A day
    the member names is theirs to name (test_makeup_fills_missed_days_within_its_limits)."""
    bot = await make_bot(local(2026, 1, 5, 9, 0))
    await says(bot, "alice", "打卡")
    move_to(bot, local(2026, 1, 6, 9, 0))
    await says(bot, "alice", "打卡")
    move_to(bot, local(2026, 1, 7, 9, 0))
    assert "没有需要补的打卡" in await says(bot, "alice", "补卡")
    assert "本月还可补卡2次" in await says(bot, "alice", "#checkin me")
    # a day the bot did watch is made up as before
    assert "已补上 1月6日" in await says(bot, "bob", "补卡")  # bob missed both: the latest
    with sessions(bot)() as db:
        days = sorted(r.day for r in db.scalars(select(CheckinRecord).where(CheckinRecord.makeup.is_(True))))
    assert days == [date(2026, 1, 6)] and all(d >= date(2026, 1, 5) for d in days)


async def test_makeup_can_be_switched_off(make_bot):
    bot = await make_bot(local(2026, 1, 5, 9, 0), QUIET + "  makeup: {enabled: false}\n")
    assert "没有开启补卡" in await says(bot, "alice", "补卡")


# --- leaderboards -------------------------------------------------------------------------------

async def test_leaderboards_share_places_on_ties(make_bot):
    bot = await make_bot(local(2026, 1, 2, 9, 0), QUIET + "  rank_size: 2\n")  # a Friday
    for day in (2, 3, 4):  # carol, Friday to Sunday of the week before
        move_to(bot, local(2026, 1, day, 9, 0))
        await says(bot, "carol", "打卡")
    move_to(bot, local(2026, 1, 5, 9, 0))  # Monday
    for who in ("alice", "bob", "carol"):
        await says(bot, who, "打卡")
    move_to(bot, local(2026, 1, 6, 9, 0))
    for who in ("alice", "bob"):
        await says(bot, who, "打卡")

    week = await says(bot, "carol", "#checkin rank")
    assert week.splitlines()[1:] == ["1. bob  2天", "1. 上海-电商-小A  2天", "……", "你：第3名，1天"]
    assert "本周" in week
    month = await says(bot, "bob", "#checkin rank month")
    assert month.splitlines()[1:] == ["1. carol  4天", "2. bob  2天", "2. 上海-电商-小A  2天"]
    everything = await says(bot, "alice", "#打卡 排行 总榜")
    assert "总榜" in everything and "1. carol  4天" in everything
    assert "用法" in await says(bot, "alice", "#checkin rank yesterday")
    assert "1. carol  4天" in await says(bot, "alice", "#checkin top all")  # an owner's first guess (a played day)
    me = await says(bot, "carol", "#checkin me")
    assert "连续4天" in me and "累计4天" in me and "青铜" in me and "再打卡3天升级「白银」" in me


# --- reminders and the weekly summary ------------------------------------------------------------

async def test_reminder_names_exactly_those_who_have_not_checked_in(make_bot):
    extra = "checkin:\n  summary: {enabled: false}\n  remind: {recent_days: 0}\n"
    bot = await make_bot(local(2026, 1, 5, 9, 0), extra)
    room = bot.cast.admin
    await says(bot, "alice", "打卡")
    await says(bot, "bob", "打卡")
    move_to(bot, local(2026, 1, 5, 21, 0))
    await bot.app.scheduler.run_pending()
    text = await bot.wait_text(room, "今天还没打卡")
    reminder = next(a for a in bot.sends(room) if "今天还没打卡" in a.text)
    # not laowang: the owner has never checked in here, so he is not nagged to
    assert set(reminder.mention_ids) == {bot.cast["carol"]}
    assert bot.world.bot_id not in reminder.mention_ids and "另有" not in text
    await bot.app.scheduler.run_pending()  # once per day, however often the job is run
    await bot.settle()
    assert sum("今天还没打卡" in t for t in bot.texts(room)) == 1


async def test_reminder_is_capped_and_goes_to_the_regulars_only(make_bot):
    extra = "checkin:\n  summary: {enabled: false}\n  remind: {max_mentions: 1}\n"
    bot = await make_bot(local(2026, 1, 5, 9, 0), extra)
    room = bot.cast.admin
    for who in ("alice", "bob", "carol"):
        await says(bot, who, "打卡")
    move_to(bot, local(2026, 1, 6, 9, 0))
    await says(bot, "alice", "打卡")
    move_to(bot, local(2026, 1, 6, 21, 0))  # Monday's reminder found no regulars and stayed quiet
    await bot.app.scheduler.run_pending()
    text = await bot.wait_text(room, "今天还没打卡")
    assert "另有1人未打卡" in text
    reminder = next(a for a in bot.sends(room) if "今天还没打卡" in a.text)
    assert reminder.mention_ids == (bot.cast["bob"],)  # room order; laowang never checks in: not nagged
    move_to(bot, local(2026, 1, 7, 9, 0))
    for who in ("alice", "bob", "carol"):
        await says(bot, who, "打卡")
    move_to(bot, local(2026, 1, 7, 21, 0))  # everyone who checks in did: nothing to say
    await bot.app.scheduler.run_pending()
    await bot.settle()
    assert sum("今天还没打卡" in t for t in bot.texts(room)) == 1


async def test_weekly_summary(make_bot, tmp_path):
    extra = "checkin:\n  remind: {enabled: false}\n"
    bot = await make_bot(local(2026, 1, 5, 9, 0), extra)
    room = bot.cast.admin
    for day in range(5, 12):  # alice every day, bob on three
        move_to(bot, local(2026, 1, day, 9, 0))
        await says(bot, "alice", "打卡")
        if day % 2:
            await says(bot, "bob", "打卡")
    move_to(bot, local(2026, 1, 11, 20, 0))  # Sunday 20:00
    await bot.app.scheduler.run_pending()
    text = await bot.wait_text(room, "打卡周报")
    assert text.splitlines() == ["📊 打卡周报（1月5日～1月11日）", "2人共打卡11次，全勤1人",
                                 "1. 上海-电商-小A  7天", "2. bob  4天"]


async def test_a_groups_first_check_in_on_a_sunday_evening_is_not_summarised_at_once(make_bot):
    """Seen in a simulated day: the group's very first check-in came on a Sunday at 21:30; the
    summary job, declared by it, caught up on that evening's 20:00 and "📊 打卡周报 … 1人共打卡1次"
    followed the check-in's own confirmation. A summary says what stood at its time."""
    bot = await make_bot(local(2026, 1, 11, 21, 30), "checkin:\n  remind: {enabled: false}\n")
    room = bot.cast.admin
    assert "打卡成功" in await says(bot, "alice", "打卡")
    for task in list(bot.app._background):  # the jobs this first check-in declared
        await task
    await bot.app.scheduler.run_pending()
    await bot.settle()
    await says(bot, "bob", "打卡")
    assert not any("打卡周报" in t for t in bot.texts(room))
    move_to(bot, local(2026, 1, 12, 9, 0))
    await says(bot, "alice", "打卡")
    move_to(bot, local(2026, 1, 18, 20, 0))  # the next Sunday's summary, on time
    await bot.app.scheduler.run_pending()
    assert "1人共打卡1次" in await bot.wait_text(room, "打卡周报（1月12日～1月18日）")
    assert sum("打卡周报" in t for t in bot.texts(room)) == 1


# --- points, cases and credit --------------------------------------------------------------------

async def test_points_are_earned_and_antispam_cases_deduct_them(make_bot):
    bot = await make_bot(local(2026, 1, 5, 9, 0))
    room, alice = bot.cast.admin, bot.cast["alice"]
    await says(bot, "alice", "打卡")  # +10
    move_to(bot, local(2026, 1, 6, 9, 0))
    await says(bot, "alice", "打卡")  # +11 (a day of streak bonus)
    now = bot.clock.now()
    async with bot.app.write_session() as db:
        open_case(db, room_id=room, kind="warn", target_id=alice, source="antispam", at=now, outcome="done")
        open_case(db, room_id=room, kind="warn", target_id=alice, source="antispam", at=now, outcome="dry_run")
        reversed_kick = open_case(db, room_id=room, kind="kick", target_id=alice, source="antispam", at=now)
        reversed_kick.status = "reversed"
        open_case(db, room_id=room, kind="warn", target_id=alice, source="command:warn", at=now)
        open_case(db, room_id=bot.cast.owned, kind="ban", target_id=alice, source="antispam", at=now)
        db.commit()
    me = await says(bot, "alice", "#checkin me")
    assert "积分 16（打卡 +21，违规 -5）" in me and "连续2天" in me and "本月还可补卡2次" in me
    assert "还没有打过卡" in await says(bot, "bob", "#checkin me")


# --- a busy group -------------------------------------------------------------------------------

async def test_busy_group_confirmations_are_merged(make_bot):
    bot = await make_bot(local(2026, 1, 5, 9, 0), QUIET + "  batch: {max_replies: 2, window: 2m}\n")
    room = bot.cast.admin
    assert "今日第1位" in await says(bot, "alice", "打卡")
    assert "今日第2位" in await says(bot, "bob", "打卡")
    await silent(bot, "carol", "打卡")
    await silent(bot, "laowang", "签到")
    move_to(bot, local(2026, 1, 5, 9, 2, 1))
    await bot.app.scheduler.run_pending()
    merged = await bot.wait_text(room, "刚刚打卡的小伙伴")
    assert merged == "✅ 刚刚打卡的小伙伴：carol（连续1天）、laowang（连续1天）"
    await bot.app.scheduler.run_pending()
    await bot.settle()
    assert sum("刚刚打卡" in t for t in bot.texts(room)) == 1
    with sessions(bot)() as db:
        assert len(list(db.scalars(select(CheckinRecord)))) == 4


# --- admins' stats ------------------------------------------------------------------------------

async def test_stats_for_admins_only(make_bot):
    bot = await make_bot(local(2026, 1, 5, 9, 0))
    await says(bot, "alice", "打卡")
    await silent(bot, "bob", "#checkin stats")  # a member: ignored, as the core does
    stats = await says(bot, "laowang", "#checkin stats")
    # the owner, who has never checked in here, is not counted among those who have not
    assert stats.splitlines() == ["@laowang\u2005📋 今日打卡 1/3（33%）", "未打卡（2人）：bob、carol"]
    for who in ("bob", "carol"):
        await says(bot, who, "打卡")
    assert "今日打卡 3/3（100%），全员已打卡" in await says(bot, "laowang", "#checkin stats")
    assert "用法" in await says(bot, "alice", "#checkin")


async def test_an_owner_who_checks_in_is_counted_like_anyone(make_bot):
    """A class teacher who runs the parents' group and never checks in was listed among the
    parents who had not (seen in a simulated day): owners and admins are counted once they
    have checked in here, on any day; until then #checkin stats and the reminder leave them out."""
    bot = await make_bot(local(2026, 1, 5, 9, 0))
    await says(bot, "laowang", "打卡")
    move_to(bot, local(2026, 1, 6, 9, 0))
    await says(bot, "alice", "打卡")
    stats = await says(bot, "laowang", "#checkin stats")
    assert stats.splitlines() == ["@laowang\u2005📋 今日打卡 1/4（25%）", "未打卡（3人）：laowang、bob、carol"]


async def test_stats_read_the_member_list_before_holding_the_database(make_bot):
    """#checkin stats names who has not checked in from the room's member list (its first read
    is a call per member): read before the command takes the database gate, so a check-in in
    another group is answered meanwhile. Under the gate every group waited for it."""
    import asyncio

    bot = await make_bot(local(2026, 1, 5, 9, 0))
    adapter = bot.runtime.adapter
    real = adapter.member_list
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow_member_list(room_id: str):
        if room_id == bot.cast.admin:
            entered.set()
            await release.wait()  # the platform answers only when the test says so
        return await real(room_id)

    adapter.member_list = slow_member_list
    try:
        bot.say(bot.cast.admin, "laowang", "#checkin stats")
        await asyncio.wait_for(entered.wait(), 30)
        bot.say(bot.cast.owned, "alice", "打卡")  # another group, while the read is pending
        await bot.world.wait_for(lambda: any("打卡" in t for t in bot.texts(bot.cast.owned)), timeout=30)
        assert not any("今日打卡" in t for t in bot.texts(bot.cast.admin))
    finally:
        release.set()
    await bot.world.wait_for(lambda: any("今日打卡 0/3" in t for t in bot.texts(bot.cast.admin)), timeout=30)
    await bot.settle()


# --- hostile input ------------------------------------------------------------------------------

async def test_hostile_input_never_breaks_check_ins(make_bot):
    bot = await make_bot(local(2026, 1, 5, 9, 0))
    assert "打卡成功" in await says(bot, "alice", "打卡 " + "长" * 50_000)
    assert "打卡成功" in await says(bot, "bob", "@群管机器人\u2005签到\u202e\u200b😀")
    assert "只能补最近" in await says(bot, "carol", "补卡 " + "9" * 10_000)
    assert "只能补最近" in await says(bot, "carol", "补卡 99月99日")
    assert "打卡成功" in await says(bot, "carol", "打卡" + "\x00" * 10)  # PostgreSQL refuses NUL in text
    assert "已经打过卡" in await says(bot, "carol", "打卡")  # the pipeline is still alive
    with sessions(bot)() as db:
        note = db.scalar(select(CheckinRecord.note).where(CheckinRecord.member_id == bot.cast["alice"]))
    assert note == "长" * 200


async def test_a_rooms_first_check_in_declares_its_jobs_without_a_reconcile_of_every_group(make_bot):
    """A room's first check-in gives it its reminder and summary: declared for that room in the
    check-in's own transaction (Plugin.room_jobs), not by a reconcile of every plugin over every
    group (issue 13: 126-182 such reconciles in bench.load's first step at 300 msg/s, core38)."""
    from tests.test_room_jobs import count_full_reconciles

    bot = await make_bot(local(2026, 1, 5, 9), extra="checkin:\n  remind: {enabled: true}\n")
    room = bot.cast.admin
    await bot.settle()
    runs = count_full_reconciles(bot.app)
    assert f"checkin.remind:{room}" not in bot.app.scheduler.specs
    await says(bot, "alice", "打卡")
    assert runs == []
    specs = bot.app.scheduler.specs
    assert f"checkin.remind:{room}" in specs and f"checkin.summary:{room}" in specs
