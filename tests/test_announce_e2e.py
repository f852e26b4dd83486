"""Scheduled announcements end to end: the real app, the real Wechaty SDK and the simulator over
gRPC, with an injected clock (Asia/Shanghai). Tests taking `database_url` run on SQLite and
PostgreSQL."""

from __future__ import annotations

import itertools
import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.clock import FakeClock
from bot.runtime import Runtime
from bot.simulator import ActionKind, SimServer
from db.session import make_engine, make_sessionmaker
from plugins.announce import AnnouncePlugin, store
from tests.harness import Harness, wait_until, write_rules
from tests.pg import fresh_database

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)  # Monday 09:00 in Shanghai
OWNED, ADMIN, PLAIN = "30000000001@chatroom", "30000000002@chatroom", "30000000003@chatroom"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=SHANGHAI)


async def advance_to(bot: Harness, when: datetime) -> None:
    """Move the shared fake clock to `when` and let the bot run what became due."""
    clock = bot.clock
    assert isinstance(clock, FakeClock)
    delta = (when - clock.now()).total_seconds()
    assert delta >= 0, f"cannot go back to {when}"
    clock.advance(delta)
    await bot.settle()


async def advance_until(bot: Harness, predicate, step: float = 30, tries: int = 20):
    """Step the clock until predicate() holds (the bot retries sends it deferred until login)."""
    for _ in range(tries):
        await bot.settle()
        if result := predicate():
            return result
        bot.clock.advance(step)
    raise AssertionError("condition not met while stepping the clock")


def count(bot: Harness, room: str, needle: str) -> int:
    return sum(needle in t for t in bot.texts(room))


async def start_bot(tmp_path, database_url, defaults: str, **kwargs) -> Harness:
    clock = kwargs.pop("clock", None) or FakeClock(START.astimezone(UTC))
    harness = Harness(tmp_path, [AnnouncePlugin()], database_url=database_url, clock=clock,
                      extra_defaults=defaults, **kwargs)
    return await harness.start()


async def test_cron_in_shanghai_announce_target_and_fallback_when_not_owner(tmp_path, database_url):
    bot = await start_bot(tmp_path, database_url, f"""\
announce:
  schedules:
    - id: evening
      cron: "0 20 * * *"
      text: "晚上好 {{date}} {{weekday}} {{time}}「{{group}}」"
      rooms: ["{OWNED}"]
    - id: notice
      cron: "0 20 * * *"
      target: announce
      text: "今日公告 {{date}}"
      rooms: ["{OWNED}", "{PLAIN}"]
""", extra_bot="manage: all")  # the bot is a plain member of PLAIN: managed only when told so
    try:
        await advance_to(bot, at(5, 19, 59))
        assert bot.texts(OWNED) == [] and bot.world.bot_actions(ActionKind.ANNOUNCE) == []
        await advance_to(bot, at(5, 20, 0))
        await bot.wait_text(OWNED, "晚上好 1月5日 周一 20:00「机器人自己的群」")
        sent = next(a for a in bot.sends(OWNED) if "晚上好" in a.text)
        assert sent.at == at(5, 20, 0).astimezone(UTC)  # 20:00 Shanghai is 12:00 UTC
        # the bot owns OWNED: the 群公告 is set; in PLAIN it is a plain member: a message and a
        # notice that tells the owner why
        await bot.world.wait_for(lambda: bot.world.announcement(OWNED) == "今日公告 1月5日")
        await bot.wait_text(PLAIN, "【群公告】\n今日公告 1月5日")
        notice = await bot.wait_text(PLAIN, "无法设置群公告")
        assert bot.cast["lijie"] in next(a for a in bot.sends(PLAIN) if a.text == notice).mention_ids
        assert bot.world.announcement(PLAIN) == ""
        assert not any("今日公告" in t for t in bot.texts(OWNED))  # no fallback where the bot may announce
        await advance_to(bot, at(6, 20, 0))
        await bot.wait_text(OWNED, "晚上好 1月6日 周二 20:00")
        assert count(bot, OWNED, "晚上好") == 2 and count(bot, PLAIN, "今日公告") == 2
    finally:
        await bot.stop()


async def test_weekly_series_preview_reminder_start_and_summary(tmp_path):
    bot = await start_bot(tmp_path, None, f"""\
announce:
  series:
    - id: share
      title: 每周分享会
      cron: "30 20 * * 0"
      duration: 90m
      rooms: ["{ADMIN}"]
""")
    try:
        await advance_to(bot, at(9, 20, 29))
        assert bot.world.announcement(ADMIN) == ""
        await advance_to(bot, at(9, 20, 30))  # Friday: two days before, as the 群公告
        await bot.world.wait_for(lambda: "预告" in bot.world.announcement(ADMIN))
        assert "「每周分享会」将于1月11日（周日）20:30–22:00举行" in bot.world.announcement(ADMIN)
        await advance_to(bot, at(11, 19, 30))
        await bot.wait_text(ADMIN, "今天20:30「每周分享会」就要开始了")
        await advance_to(bot, at(11, 20, 30))
        await bot.wait_text(ADMIN, "「每周分享会」现在开始（20:30–22:00）")
        await advance_to(bot, at(11, 22, 0))
        await bot.wait_text(ADMIN, "「每周分享会」到此结束")
        assert [t[:8] for t in bot.texts(ADMIN)] == ["⏰ 提醒：今天2", "🎤「每周分享会」", "🙏「每周分享会」"]
        await advance_to(bot, at(16, 20, 30))  # the next Friday: the next week's preview
        await bot.world.wait_for(lambda: "1月18日" in bot.world.announcement(ADMIN))
    finally:
        await bot.stop()


async def test_restart_inside_the_due_window_sends_once(tmp_path, database_url, caplog):
    caplog.set_level(logging.INFO, logger="plugins.announce")
    defaults = f"""\
announce:
  grace: 30m
  schedules:
    - id: daily
      cron: "0 20 * * *"
      text: "日报 {{date}}"
      rooms: ["{OWNED}"]
"""
    bot = await start_bot(tmp_path, database_url, defaults)
    try:
        await advance_to(bot, at(5, 20, 0))
        await bot.wait_text(OWNED, "日报 1月5日")
        # restart two minutes later, inside the grace window: the job is re-declared and its
        # 20:00 occurrence runs again, but it was claimed: nothing is sent twice
        await bot.stop()
        bot.plugins = [AnnouncePlugin()]  # a new process
        bot.clock.advance(120)
        await bot.start()
        await advance_until(bot, lambda: "already claimed" in caplog.text)
        assert count(bot, OWNED, "日报 1月5日") == 1

        # down over the next 20:00, back at 20:10: sent once, late (after login)
        await bot.stop()
        bot.plugins = [AnnouncePlugin()]
        await advance_to(bot, at(6, 20, 10))
        await bot.start()
        await advance_until(bot, lambda: count(bot, OWNED, "日报 1月6日"))
        await advance_to(bot, at(6, 20, 20))
        assert count(bot, OWNED, "日报 1月6日") == 1

        # down for longer than the grace window: that day is skipped, and the log says so
        await bot.stop()
        bot.plugins = [AnnouncePlugin()]
        await advance_to(bot, at(7, 21, 0))
        await bot.start()
        await advance_to(bot, at(7, 21, 5))
        assert count(bot, OWNED, "日报 1月7日") == 0
        await advance_to(bot, at(8, 20, 0))
        await bot.wait_text(OWNED, "日报 1月8日")
        assert "1 occurrence(s) between" in caplog.text
        assert [count(bot, OWNED, f"日报 1月{d}日") for d in (5, 6, 7, 8)] == [1, 1, 0, 1]
    finally:
        await bot.stop()


async def test_an_occurrence_claimed_by_a_process_that_crashed_is_not_sent_again(tmp_path, database_url):
    bot = await start_bot(tmp_path, database_url, f"""\
announce:
  schedules: [{{id: daily, cron: "0 20 * * *", text: "日报", rooms: ["{OWNED}"]}}]
""")
    try:
        # another process claimed 20:00 and died before its send reached WeChat
        engine = make_engine(bot.database_url)
        with make_sessionmaker(engine)() as db:
            assert store.claim(db, room_id=OWNED, key="r:daily", occurrence=at(5, 20, 0).astimezone(UTC),
                               at=at(5, 20, 0), by="crashed", target="message", text="日报")
            db.commit()
        engine.dispose()
        await advance_to(bot, at(5, 20, 1))
        assert count(bot, OWNED, "日报") == 0
        await advance_to(bot, at(6, 20, 0))
        await bot.wait_text(OWNED, "日报")
        assert count(bot, OWNED, "日报") == 1
    finally:
        await bot.stop()


async def test_a_bare_schedule_command_lists_what_is_scheduled(tmp_path, database_url):
    """An owner typed #schedule to see what was scheduled and got the usage (seen in a simulated
    owner's day): with nothing scheduled it is the usage, otherwise the list."""
    bot = await start_bot(tmp_path, database_url, "")
    room = ADMIN
    try:
        bot.say(room, "laowang", "#schedule")
        await bot.wait_text(room, "#schedule add [公告] <时间> <内容>")
        bot.say(room, "laowang", "#schedule add 20:00 今晚八点开会")
        await bot.wait_text(room, "已添加定时消息 1")
        bot.say(room, "laowang", "#定时")
        listing = await bot.wait_text(room, "本群的定时消息")
        assert "今晚八点开会" in listing and "用法" not in listing
    finally:
        await bot.stop()


async def test_an_owners_announcement_is_set_now(tmp_path, database_url):
    """An owner's #公告 明天上午停水 met silence (a simulated owner's first hour): it was a hashtag,
    the 群公告 a #schedule add 公告 <时间> away. Now it is set at once where the bot may, sent as a
    message with a notice where it may not; a member's #公告 stays a hashtag in chat."""
    bot = await start_bot(tmp_path, database_url, "", extra_bot="manage: all")
    try:
        bot.say(ADMIN, "alice", "#公告 成员发的不算")
        bot.say(ADMIN, "laowang", "#公告")
        await bot.wait_text(ADMIN, "用法：#公告 <内容>")
        bot.say(ADMIN, "laowang", "#公告 明天上午9点到12点小区停水，请大家提前储水")
        await bot.world.wait_for(lambda: bot.world.announcement(ADMIN) == "明天上午9点到12点小区停水，请大家提前储水")
        assert [a.text for a in bot.world.bot_actions(ActionKind.ANNOUNCE) if a.ok] == [
            "明天上午9点到12点小区停水，请大家提前储水"]  # the member's was never sent
        bot.say(PLAIN, "lijie", "#群公告 周六大扫除")  # the bot is a plain member here
        await bot.wait_text(PLAIN, "【群公告】\n周六大扫除")
        await bot.wait_text(PLAIN, "无法设置群公告")
    finally:
        await bot.stop()


async def test_announce_with_a_schedule_subcommand_manages_schedules(tmp_path, database_url):
    """A simulated exam group's owner typed #announce add 每天 21:30 …, #announce list and
    #announce del 1: each set the 群公告 to those words, notified to the whole group. A
    subcommand word at the head is the schedule's: add schedules a 群公告, list lists, del removes."""
    bot = await start_bot(tmp_path, database_url, "", extra_bot="manage: all")
    room = ADMIN
    try:
        bot.say(room, "laowang", "#announce add 每天 21:30 今晚九点半自习室开播，大家记得打卡")
        await bot.wait_text(room, "已添加定时消息 1：每天 21:30")
        bot.say(room, "laowang", "#公告 list")
        listing = await bot.wait_text(room, "本群的定时消息")
        assert "今晚九点半自习室开播" in listing and "→ 群公告" in listing
        bot.say(room, "laowang", "#announce del 1")
        await bot.wait_text(room, "已删除定时消息 1")
        bot.say(room, "laowang", "#公告 查看群文件里的报名表")  # not a subcommand word alone: set now
        await bot.world.wait_for(lambda: bot.world.announcement(room) == "查看群文件里的报名表")
        assert [a.text for a in bot.world.bot_actions(ActionKind.ANNOUNCE) if a.ok] == ["查看群文件里的报名表"]
        with bot.app.sessions() as db:
            assert store.chat_schedules(db, room) == []  # removed
    finally:
        await bot.stop()


async def test_schedule_commands_add_list_pause_resume_remove(tmp_path, database_url):
    bot = await start_bot(tmp_path, database_url, "")
    room = ADMIN
    replies = lambda: bot.texts(room)  # noqa: E731
    try:
        bot.say(room, "alice", "#schedule add 20:00 成员不能加")
        bot.say(room, "laowang", "#schedule add 20:00 今晚八点开会")
        # a one-off says its time once (not again as 下次发送)
        added = await bot.wait_text(room, "已添加定时消息 1：1月5日 周一 20:00 发送一次")
        assert "下次发送" not in added
        bot.say(room, "laowang", "#schedule add 公告 0 9 * * 1 周一例会 {date}")
        await bot.wait_text(room, "已添加定时消息 2：每周一 09:00，下次发送：1月12日 周一 09:00")
        bot.say(room, "laowang", "#定时 添加 每天 提醒大家打卡")
        await bot.wait_text(room, "没看懂时间「每天 提醒大家打卡」")
        bot.say(room, "laowang", "#定时 添加 工作日 晚上9点 记得打卡")  # as owners write it
        await bot.wait_text(room, "已添加定时消息 3：每周一至周五 21:00，下次发送：1月5日 周一 21:00")
        bot.say(room, "laowang", "#schedule add 2026-01-01 20:00 过去")
        await bot.wait_text(room, "已经过去了")
        bot.say(room, "laowang", "#schedule add 21:00 " + "长" * 5000)
        await bot.wait_text(room, "内容太长了")
        bot.say(room, "laowang", "#schedule pause 2")
        await bot.wait_text(room, "已暂停定时消息 2")
        bot.say(room, "laowang", "#schedule list")
        listing = await bot.wait_text(room, "本群的定时消息")
        assert "今晚八点开会" in listing and "周一例会" in listing and "（已暂停）" in listing
        assert "成员不能加" not in " ".join(replies())  # a member's command is ignored

        await advance_to(bot, at(5, 20, 0))
        await bot.wait_text(room, "今晚八点开会")
        await advance_to(bot, at(12, 9, 1))  # paused: nothing on Monday
        assert "周一例会" not in bot.world.announcement(room)
        bot.say(room, "laowang", "#schedule resume 2")
        await bot.wait_text(room, "已恢复定时消息 2，下次发送：1月19日 周一 09:00")
        await advance_to(bot, at(12, 9, 5))
        assert "周一例会" not in bot.world.announcement(room)  # missed while paused: not sent late
        await advance_to(bot, at(19, 9, 0))
        await bot.world.wait_for(lambda: bot.world.announcement(room) == "周一例会 1月19日")
        bot.say(room, "laowang", "#schedule remove 2")
        await bot.wait_text(room, "已删除定时消息 2")
        bot.say(room, "laowang", "#schedule remove 9")
        await bot.wait_text(room, "没有编号为「9」的定时消息")
        await advance_to(bot, at(26, 9, 0))
        assert bot.world.announcement(room) == "周一例会 1月19日"
        assert bot.texts(room).count("今晚八点开会") == 1  # a one-off runs once
        bot.say(room, "laowang", "#schedule list")
        await bot.world.wait_for(lambda: count(bot, room, "（已发送）") == 1)
    finally:
        await bot.stop()


async def test_schedule_list_says_who_added_a_schedule_not_where(tmp_path, database_url):
    """Seen in a simulated day: a schedule the owner added from a private chat (after #use) was
    listed as 「群内添加」. The row knows who added it, not where: the list says who."""
    bot = await start_bot(tmp_path, database_url, "")
    room, owner = ADMIN, bot.cast["laowang"]
    try:
        bot.world.say_private(owner, "#use 1")
        await bot.world.wait_for(lambda: any("已选择" in t for t in bot.private_texts(owner)))
        bot.world.say_private(owner, "#schedule add 每天 20:00 今晚八点开会")
        await bot.world.wait_for(lambda: any("已添加定时消息 1" in t for t in bot.private_texts(owner)))
        bot.say(room, "laowang", "#schedule list")
        listing = await bot.wait_text(room, "本群的定时消息")
        assert "· 1［laowang添加］每天 20:00" in listing
        assert "群内" not in listing
    finally:
        await bot.stop()


async def test_reloaded_rules_change_and_remove_a_schedule_without_restart(tmp_path):
    bot = await start_bot(tmp_path, None, f"""\
announce:
  schedules: [{{id: tips, cron: "0 20 * * *", text: "旧的干货", rooms: ["{OWNED}"]}}]
""")
    try:
        rules = bot.rules_path.read_text("utf-8")
        bot.rules_path.write_text(rules.replace('"0 20 * * *", text: "旧的干货"', '"0 21 * * *", text: "新的干货"'),
                                  "utf-8")
        bot.app.rules_store.reload()
        await bot.settle()
        await advance_to(bot, at(5, 20, 0))
        assert bot.texts(OWNED) == []
        await advance_to(bot, at(5, 21, 0))
        await bot.wait_text(OWNED, "新的干货")
        bot.rules_path.write_text(rules.replace("schedules: [{", "schedules: []\n  # [{"), "utf-8")
        bot.app.rules_store.reload()
        await bot.settle()
        assert not any(job.startswith("announce.") for job in bot.app.scheduler.specs)
        await advance_to(bot, at(6, 21, 0))
        assert bot.texts(OWNED) == ["新的干货"]
    finally:
        await bot.stop()


async def test_defaults_reach_every_group_even_silent_ones_and_a_group_joined_later(tmp_path):
    bot = await start_bot(tmp_path, None, """\
announce:
  schedules: [{id: tips, cron: "0 20 * * *", text: "每日干货"}]
""", extra_bot="manage: all")  # every group, also those where the bot is a plain member
    try:
        # the groups the account is in are recorded at login: nobody has spoken in any of them
        await wait_until(lambda: f"announce.r:tips@{PLAIN}" in bot.app.scheduler.specs
                         and f"announce.r:tips@{OWNED}" in bot.app.scheduler.specs)
        newer = bot.world.create_room("后来的群", owner=bot.cast["alice"], members=[bot.cast["alice"]],
                                      id="39000000001@chatroom")
        bot.world.join(newer, [bot.world.bot_id], inviter=bot.cast["alice"])
        await wait_until(lambda: f"announce.r:tips@{newer}" in bot.app.scheduler.specs)
        await advance_to(bot, at(5, 20, 0))
        for room in (PLAIN, OWNED, newer):
            await bot.wait_text(room, "每日干货")
    finally:
        await bot.stop()


async def test_one_hundred_groups_at_eight_are_spread_by_the_governor(tmp_path):
    clock = FakeClock(START.astimezone(UTC))
    rooms = [f"4{i:010d}@chatroom" for i in range(100)]
    room_list = ", ".join(f'"{r}"' for r in rooms)
    bot = Harness(tmp_path, [AnnouncePlugin()], clock=clock, extra_bot="""\
governor:
  group_interval: 2s
  account_interval: 1s
  jitter: 500ms
  quiet_after_login: 0s
""", extra_defaults=f"""\
announce:
  schedules: [{{id: eight, cron: "0 20 * * *", text: "晚八点通知", rooms: [{room_list}]}}]
""")
    world = bot.world
    for i, room in enumerate(rooms):
        world.create_room(f"群{i:03d}", owner=world.bot_id, members=[world.bot_id, bot.cast["alice"]], id=room)
    await bot.start()
    try:
        clock.advance((at(5, 20, 0) - clock.now()).total_seconds())

        def sent():
            return [a for a in world.bot_actions(ActionKind.SEND_TEXT) if a.text == "晚八点通知"]

        await world.wait_for(lambda: sent(), timeout=20)
        # step the clock to each governor slot in turn; every step lets exactly the sends due
        # by then out
        def next_wake():
            return min((t for t, f in clock._sleepers if not f.done() and t < at(6, 0, 0)), default=None)

        while len(sent()) < 100:
            before = len(sent())
            # the sender waits on the injected clock for its next slot: wait until it does
            wake = await wait_until(next_wake)
            clock.advance(max((wake - clock.now()).total_seconds(), 0))
            await world.wait_for(lambda b=before: len(sent()) > b, timeout=20)
        times = sorted(a.at for a in sent())
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
        assert len({a.room_id for a in sent()}) == 100
        assert min(gaps) >= 1.0  # never two sends of the account within a second
        assert (times[-1] - times[0]).total_seconds() >= 99
        assert world.refusals() == []  # WeChat's burst limit (the simulator's) never tripped
    finally:
        await bot.stop()


async def test_two_processes_on_one_postgresql_send_one_message_per_occurrence(tmp_path, pg_server, caplog):
    """Two bot processes (each its own runtime and gateway, over the same WeChat) share one
    PostgreSQL database: both run every occurrence, one message goes out."""
    caplog.set_level(logging.INFO, logger="plugins.announce")
    defaults = f"""\
announce:
  schedules:
    - {{id: daily, cron: "0 20 * * *", text: "日报 {{date}}", rooms: ["{OWNED}", "{ADMIN}"]}}
    - {{id: board, cron: "0 20 * * *", target: announce, text: "公告 {{date}}", rooms: ["{PLAIN}"]}}
"""
    with fresh_database(pg_server) as url:
        clock = FakeClock(START.astimezone(UTC))
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        # the bot is a plain member of PLAIN: managed there only because rules.yaml says so
        first = await start_bot(tmp_path / "a", url, defaults, clock=clock, extra_bot="manage: all")
        world = first.world
        gateway = SimServer(world)  # the simulator streams to one client per server: a second one
        await gateway.start("127.0.0.1", 0)
        second = Runtime(rules_path=write_rules(tmp_path / "b" / "rules.yaml", extra_bot="manage: all",
                                                extra_defaults=defaults),
                         database_url=url, endpoint=gateway.endpoint, token="insecure_test",
                         plugins=[AnnouncePlugin()], clock=clock, cache_dir=tmp_path / "b" / "cache",
                         watch_rules=False, backoff_initial=0.05, backoff_max=0.2)
        await second.start()
        try:
            await wait_until(lambda: second.app.logged_in_as == world.bot_id, timeout=15)
            for day in (5, 6, 7):
                clock.advance((at(day, 20, 0) - clock.now()).total_seconds())
                await first.wait_text(OWNED, f"日报 1月{day}日")
                await first.wait_text(ADMIN, f"日报 1月{day}日")
                await first.wait_text(PLAIN, f"公告 1月{day}日")
                for _ in range(3):
                    await first.settle()
                    await second.app.idle()
            for room in (OWNED, ADMIN):
                assert [world.bot_texts(room).count(f"日报 1月{d}日") for d in (5, 6, 7)] == [1, 1, 1]
            assert [world.bot_texts(PLAIN).count(f"【群公告】\n公告 1月{d}日") for d in (5, 6, 7)] == [1, 1, 1]
            assert caplog.text.count("already claimed") == 9  # the other process ran each one too
        finally:
            await second.stop()
            await gateway.stop()
            await first.stop()


async def test_a_schedule_typed_without_add_is_added(tmp_path, database_url):
    """Seen in a simulated day: an owner typed 「#schedule 每天 20:00 提醒大家…」 and got the usage.
    A time where the subcommand goes can only mean adding one; other words still get the usage."""
    bot = await start_bot(tmp_path, database_url, "")
    room = ADMIN
    try:
        bot.say(room, "laowang", "#schedule 每天 20:00 提醒大家检查孩子作业")
        await bot.wait_text(room, "已添加定时消息 1：每天 20:00")
        bot.say(room, "laowang", "#定时 公告 每周一 9:00 本周值日安排")
        await bot.wait_text(room, "已添加定时消息 2：每周一 09:00")
        bot.say(room, "laowang", "#schedule 看看")
        await bot.wait_text(room, "用法：")
        with bot.app.sessions() as db:
            assert [(r.text, r.target) for r in store.chat_schedules(db, room)] == [
                ("提醒大家检查孩子作业", "message"), ("本周值日安排", "announce")]
    finally:
        await bot.stop()


async def test_a_time_written_straight_into_its_text_is_read(tmp_path, database_url):
    """A simulated 宝妈群's owner typed #announce add 本周六上午9点小区儿科义诊 3号楼广场, as people type
    Chinese, and met 没看懂时间: the time is read where it runs into the words."""
    bot = await start_bot(tmp_path, database_url, "")
    room = ADMIN
    try:
        bot.say(room, "laowang", "#announce add 本周六上午9点小区儿科义诊 3号楼广场")
        await bot.wait_text(room, "已添加定时消息 1：1月10日 周六 09:00 发送一次")
        bot.say(room, "laowang", "#schedule 每天21:00提醒大家打卡")  # without add, glued too
        await bot.wait_text(room, "已添加定时消息 2：每天 21:00")
        with bot.app.sessions() as db:
            assert [s.text for s in store.chat_schedules(db, room)] == ["小区儿科义诊 3号楼广场", "提醒大家打卡"]
    finally:
        await bot.stop()
