"""The announce plugin's pure parts, table-driven: cron shifting for series, chat time parsing,
safe templates, config validation; and its storage: claims race-safe across engines, the jobs
declared from rules and database state."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.rules import parse_rules
from bot.rules.loader import RulesInvalid
from db import repo
from db.migrate import upgrade
from db.session import make_engine, make_sessionmaker
from plugins.announce import AnnouncePlugin, store
from plugins.announce.config import AnnounceConfig
from plugins.announce.templates import render
from plugins.announce.timing import (
    check_cron,
    event_time,
    expand_dow,
    next_occurrence,
    occurrences_between,
    parse_chat_time,
    shift_cron,
)
from tests.shipped import shipped_block

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cron", "offset", "expected"),
    [
        ("30 20 * * 0", timedelta(0), "30 20 * * 0"),
        ("30 20 * * 0", -timedelta(days=2), "30 20 * * 5"),  # preview on Friday
        ("30 20 * * 0", -timedelta(hours=1), "30 19 * * 0"),  # reminder on the day
        ("30 20 * * 0", timedelta(minutes=90), "0 22 * * 0"),  # summary at the end
        ("30 20 * * 0", timedelta(hours=4), "30 0 * * 1"),  # after midnight: Monday
        ("30 0 * * 1", -timedelta(hours=1), "30 23 * * 0"),  # before midnight: Sunday
        ("0 9 * * 1-5", -timedelta(days=1), "0 9 * * 0,1,2,3,4"),
        ("0 9 * * sat,sun", timedelta(days=1), "0 9 * * 0,1"),
        ("0 9 * * 7", -timedelta(days=1), "0 9 * * 6"),
        ("0 20 * * *", -timedelta(days=2), "0 20 * * *"),  # every day stays every day
        ("0 20 1 * *", -timedelta(hours=2), "0 18 1 * *"),  # dates: fine within the day
    ],
    ids=["start", "preview-2d", "reminder-1h", "summary", "past-midnight", "before-midnight", "range",
         "names", "seven-is-sunday", "daily", "date-same-day"],
)
def test_shift_cron(cron, offset, expected):
    assert shift_cron(cron, offset) == expected


@pytest.mark.parametrize(
    ("cron", "offset", "error"),
    [
        ("0 20 1 * *", -timedelta(days=1), "across midnight"),
        ("*/5 20 * * 0", -timedelta(hours=1), "one start time"),
        ("0 20 * * 0", timedelta(seconds=30), "whole minutes"),
        ("0 20 * *", timedelta(0), "not a cron"),
        ("61 20 * * 0", timedelta(0), "not a valid cron"),
    ],
    ids=["dates-across-midnight", "many-starts", "seconds", "four-fields", "bad-minute"],
)
def test_shift_cron_refuses_what_it_cannot_express(cron, offset, error):
    with pytest.raises(ValueError, match=error):
        shift_cron(cron, offset)


@pytest.mark.parametrize(
    ("field", "days"),
    [("*", set(range(7))), ("0", {0}), ("7", {0}), ("1-5", {1, 2, 3, 4, 5}), ("5-7", {5, 6, 0}),
     ("*/2", {0, 2, 4, 6}), ("mon,wed", {1, 3}), ("1-5/2", {1, 3, 5})],
)
def test_expand_dow(field, days):
    assert expand_dow(field) == days


def test_cron_runs_in_shanghai_with_sunday_as_zero():
    after = datetime(2026, 1, 1, tzinfo=UTC)  # a Thursday
    # Sunday 2026-01-04 20:30 in Shanghai is 12:30 UTC
    assert next_occurrence("30 20 * * 0", "Asia/Shanghai", after) == datetime(2026, 1, 4, 12, 30, tzinfo=UTC)
    assert occurrences_between("0 * * * *", "Asia/Shanghai", after, after + timedelta(hours=5)) == 4
    assert check_cron(" 0  9 * *   1 ") == "0 9 * * 1"


def test_event_time_undoes_the_offset_in_local_time():
    preview = datetime(2026, 1, 2, 12, 30, tzinfo=UTC)  # Friday 20:30 Shanghai
    assert event_time(preview, -timedelta(days=2), "Asia/Shanghai") == datetime(2026, 1, 4, 20, 30, tzinfo=SHANGHAI)


NOW = datetime(2026, 1, 5, 19, 0, tzinfo=SHANGHAI)  # Monday 19:00


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0 9 * * * 今日干货", ("0 9 * * *", 5)),
        ("2026-02-01 20:00 分享会", ("2026-02-01T20:00+08:00", 2)),
        ("02-01 20:00 分享会", ("2026-02-01T20:00+08:00", 2)),
        ("20:00 今晚", ("2026-01-05T20:00+08:00", 1)),
        ("18:00 明天这个点", ("2026-01-06T18:00+08:00", 1)),  # already past today: tomorrow
        ("20：30 全角冒号", ("2026-01-05T20:30+08:00", 1)),
        ("2026-02-01T08:00 iso", ("2026-02-01T08:00+08:00", 1)),
        ("01-02 09:00 next year", ("2027-01-02T09:00+08:00", 2)),
        ("明天 20:00", ("2026-01-06T20:00+08:00", 2)),
        ("后天晚上8点 聚餐", ("2026-01-07T20:00+08:00", 1)),
        ("晚上8点半 今晚", ("2026-01-05T20:30+08:00", 1)),
        ("hello world", None),
        ("25:00 x", None),
        ("", None),
        # repeating, as owners write it in chat (NOW is a Monday)
        ("每天 21:00 打卡提醒", ("0 21 * * *", 2)),
        ("每天21:00 打卡提醒", ("0 21 * * *", 1)),
        ("每日 早上7点 早安", ("0 7 * * *", 2)),
        ("工作日 8:30 早会", ("30 8 * * 1-5", 2)),
        ("每个工作日 下午5点15分 下班", ("15 17 * * 1-5", 2)),
        ("周末 10:00 出去玩", ("0 10 * * 0,6", 2)),
        ("每周末 10:00 出去玩", ("0 10 * * 0,6", 2)),
        ("每周一 晚上8点 周会", ("0 20 * * 1", 2)),
        ("每周一三五 7:00 晨跑", ("0 7 * * 1,3,5", 2)),
        ("每周一、三 7:00 晨跑", ("0 7 * * 1,3", 2)),
        ("每星期日 中午12点 午餐", ("0 12 * * 0", 2)),
        ("每周天 中午1点 午餐", ("0 13 * * 0", 2)),
        ("每月1号 10:00 月报", ("0 10 1 * *", 2)),
        ("每月1号、15号 10:00 月报", ("0 10 1,15 * *", 2)),
        ("每月1、15号 10:00 月报", ("0 10 1,15 * *", 2)),
        ("每晚 8点 x", None),
        ("每天 提醒大家打卡", None),  # a day with no clock is no time
        ("每天 晚上20点 x", None),  # 晚上 and 20 disagree: ask rather than guess
        ("每天 晚上12点 x", ("0 0 * * *", 2)),
        ("每月32号 10:00 x", None),
        ("每月1号10:00 月报", ("0 10 1 * *", 1)),
        # a one-off weekday (NOW is Monday 2026-01-05 19:00)
        ("周六 6:00 早起爬山", ("2026-01-10T06:00+08:00", 2)),
        ("星期六6:00 早起爬山", ("2026-01-10T06:00+08:00", 1)),
        ("礼拜天 晚上8点 聚餐", ("2026-01-11T20:00+08:00", 2)),
        ("周一 20:00 今晚", ("2026-01-05T20:00+08:00", 2)),
        ("周一 18:00 下周这时", ("2026-01-12T18:00+08:00", 2)),
        ("下周一 9:00 例会", ("2026-01-12T09:00+08:00", 2)),
        ("下周六 6:00 x", ("2026-01-17T06:00+08:00", 2)),
        ("下个星期三 9:00 x", ("2026-01-14T09:00+08:00", 2)),
        ("这周五 9:00 x", ("2026-01-09T09:00+08:00", 2)),
        ("本周日 9:00 x", ("2026-01-11T09:00+08:00", 2)),
        ("周八 6:00 x", None),
        ("周六 开会", None),
    ],
    ids=["cron", "date-time", "month-day", "clock", "clock-tomorrow", "full-width-colon", "iso", "next-year",
         "tomorrow", "day-after-evening", "evening-half", "text", "bad-clock", "empty",
         "daily", "daily-joined", "daily-morning", "workdays", "workdays-afternoon", "weekend", "every-weekend",
         "monday-evening", "mon-wed-fri", "mon-wed-listed", "sunday-noon", "sunday-1pm", "monthly",
         "monthly-two-hao", "monthly-two", "every-night-unknown", "day-without-clock", "period-disagrees",
         "midnight", "no-such-day", "monthly-joined",
         "saturday", "saturday-joined", "sunday-libai", "today-still-ahead", "today-passed", "next-monday",
         "next-saturday", "next-week-wednesday", "this-friday", "this-sunday", "no-such-weekday",
         "weekday-without-clock"],
)
def test_parse_chat_time(text, expected):
    assert parse_chat_time(text.split(), NOW) == expected


def test_parse_chat_time_refuses_the_past():
    with pytest.raises(ValueError):
        parse_chat_time(["2026-01-05", "18:00"], NOW)
    with pytest.raises(ValueError):
        parse_chat_time(["这周一", "18:00"], NOW)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{date} {weekday} {time}", "1月4日 周日 20:30"),
        ("{unknown} stays", "{unknown} stays"),
        ("{0.__class__} {date.__class__} {", "{0.__class__} {date.__class__} {"),
        ("{{date}}", "{1月4日}"),
    ],
    ids=["known", "unknown", "hostile", "braces"],
)
def test_render_is_safe(template, expected):
    assert render(template, {"date": "1月4日", "weekday": "周日", "time": "20:30"}) == expected


def test_render_cuts_long_text():
    assert render("字" * 50, {}, limit=10) == "字" * 9 + "…"


# --- config -----------------------------------------------------------------------------------

def _rules(defaults: str, groups: str = "{}"):
    return parse_rules(f"defaults:\n{defaults}\ngroups: {groups}\n", "test", [AnnouncePlugin()], now=T0)


def test_shipped_section_matches_the_code_defaults_and_its_examples_validate():
    text = shipped_block("announce")
    section = yaml.safe_load(text)["announce"]
    assert AnnounceConfig.model_validate(section) == AnnounceConfig()
    # the commented examples are real configuration: uncomment and validate them
    example, inside = [], False
    for line in text.splitlines():
        inside = line in ("  #   schedules:", "  #   series:") or (inside and line.startswith("  #     "))
        if inside:
            example.append(line.replace("#   ", "  ", 1))
    loaded = yaml.safe_load("announce:\n" + "\n".join(example))
    cfg = AnnounceConfig.model_validate(loaded["announce"])
    assert [s.id for s in cfg.schedules] == ["daily_tips"] and [s.id for s in cfg.series] == ["weekly_share"]
    assert cfg.series[0].part_triggers() == [("preview", "30 20 * * 5"), ("reminder", "30 19 * * 0"),
                                             ("start_message", "30 20 * * 0"), ("summary", "0 22 * * 0")]


@pytest.mark.parametrize(
    ("section", "path", "message"),
    [
        ("schedules: [{id: a, cron: '0 9 * *', text: x}]", "defaults.announce.schedules.0.cron", "not a cron"),
        ("schedules: [{id: a, text: x}]", "defaults.announce.schedules.0", "exactly one of cron"),
        ("schedules: [{id: a, cron: '0 9 * * *', at: '2026-02-01 20:00', text: x}]",
         "defaults.announce.schedules.0", "exactly one of cron"),
        ("schedules: [{id: a, cron: '0 9 * * *', text: '{naem}'}]", "defaults.announce.schedules.0.text",
         "unknown placeholder {naem}"),
        ("schedules: [{id: a, cron: '0 9 * * *', text: x, target: gonggao}]",
         "defaults.announce.schedules.0.target", "message"),
        ("schedules: [{id: a, cron: '0 9 * * *', text: x}, {id: a, at: '2026-02-01 20:00', text: y}]",
         "defaults.announce", "repeated"),
        ("series: [{id: s, title: t, cron: '0 20 1 * *'}]", "defaults.announce.series.0", "across midnight"),
        ("series: [{id: s, title: t, cron: '0 20 * * 0', reminder: {text: '{nope}'}}]",
         "defaults.announce.series.0.reminder.text", "unknown placeholder"),
        ("schedules: [{id: a, at: 'next friday', text: x}]", "defaults.announce.schedules.0.at", "not a time"),
        ("texts: {added: '{idd}'}", "defaults.announce.texts", "unknown placeholder {idd}"),
        ("schedules: [{id: a, cron: '0 9 * * *', txt: x}]", "defaults.announce.schedules.0.txt", "unknown key"),
    ],
    ids=["bad-cron", "no-trigger", "two-triggers", "placeholder", "target", "duplicate-id", "series-dates",
         "series-placeholder", "bad-at", "texts-placeholder", "typo"],
)
def test_config_errors_name_the_path(section, path, message):
    with pytest.raises(RulesInvalid) as info:
        _rules(f"  announce:\n    {section}")
    assert any(e.path == path and message in e.message for e in info.value.errors), info.value.errors


def test_yaml_dates_and_times_are_accepted():
    rules = _rules("  announce:\n    schedules:\n      - {id: once, at: 2026-02-01 20:00:00, text: x,"
                   " start_date: 2026-01-01, end_date: 2026-03-01}\n")
    assert rules.defaults.announce.schedules[0].trigger == "2026-02-01T20:00"


# --- storage ----------------------------------------------------------------------------------

def test_claim_is_once_per_room_schedule_and_occurrence(sessions):
    kw = {"at": T0, "by": "p1", "target": "message", "text": "hi"}
    with sessions() as db:
        assert store.claim(db, room_id="r1", key="r:a", occurrence=T0, **kw)
        assert not store.claim(db, room_id="r1", key="r:a", occurrence=T0, **kw)
        assert store.claim(db, room_id="r2", key="r:a", occurrence=T0, **kw)
        assert store.claim(db, room_id="r1", key="r:b", occurrence=T0, **kw)
        assert store.claim(db, room_id="r1", key="r:a", occurrence=T0 + timedelta(days=1), **kw)
        db.commit()
    with sessions() as db:
        assert not store.claim(db, room_id="r1", key="r:a", occurrence=T0, **{**kw, "by": "p2"})
        assert store.claimed_by(db, "r1", "r:a", T0) == "p1"
        assert store.last_occurrence(db, "r1", "r:a") == T0 + timedelta(days=1)


def test_claims_race_safe_across_engines(database_url):
    """Four engines (four bot processes) claim the same 20 occurrences at once: each occurrence
    is won exactly once."""
    upgrade(database_url)
    engines = [make_engine(database_url) for _ in range(4)]
    occurrences = [T0 + timedelta(minutes=i) for i in range(20)]
    wins: dict[datetime, list[str]] = {o: [] for o in occurrences}
    barrier = threading.Barrier(len(engines))
    errors: list[BaseException] = []

    def claim_all(index: int) -> None:
        try:
            sessions = make_sessionmaker(engines[index])
            barrier.wait()
            for occurrence in occurrences:
                with sessions() as db:
                    if store.claim(db, room_id="r1", key="r:a", occurrence=occurrence, at=T0, by=f"p{index}",
                                   target="message", text="x"):
                        wins[occurrence].append(f"p{index}")
                    db.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=claim_all, args=(i,)) for i in range(len(engines))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for e in engines:
        e.dispose()
    assert not errors, errors
    assert all(len(w) == 1 for w in wins.values()), wins


def test_jobs_follow_rules_rooms_pauses_and_chat_schedules(sessions):
    rules = parse_rules(
        "bot:\n  ignore: [ignored@chatroom]\n  manage: all\n"
        "defaults:\n  announce:\n    schedules:\n"
        "      - {id: tips, cron: '0 9 * * *', text: t}\n"
        "      - {id: some, cron: '0 10 * * *', text: t, rooms: [a@chatroom, far@chatroom]}\n"
        "    series:\n      - {id: share, title: 分享会, cron: '30 20 * * 0'}\n"
        "groups:\n  a@chatroom: {timezone: Europe/Berlin}\n"
        "  off@chatroom: {announce: {enabled: false}}\n"
        "  b@chatroom: {announce: {schedules: [], series: []}}\n",
        "test", [AnnouncePlugin()], now=T0)
    with sessions() as db:
        for room in ("seen@chatroom", "ignored@chatroom"):
            repo.upsert_room(db, room, "", "member", True, T0)  # the groups the core recorded
        store.set_paused(db, "seen@chatroom", "s:share", True, "admin", T0)
        store.add_chat_schedule(db, room_id="b@chatroom", trigger="0 8 * * 1", target="message", text="c",
                                by="admin", at=T0)
        db.commit()
        plugin = AnnouncePlugin()
        specs = {s.id: s for s in plugin.jobs(rules, db)}
    share = [f"announce.s:share:{p}@a@chatroom" for p in ("preview", "reminder", "start_message", "summary")]
    assert set(specs) == {
        "announce.r:tips@a@chatroom", "announce.r:some@a@chatroom", *share,
        "announce.r:tips@seen@chatroom",  # a room the bot has seen: defaults apply
        "announce.r:some@far@chatroom", "announce.r:tips@far@chatroom",
        "announce.s:share:preview@far@chatroom", "announce.s:share:reminder@far@chatroom",
        "announce.s:share:start_message@far@chatroom", "announce.s:share:summary@far@chatroom",
        "announce.c:1@b@chatroom",
    }
    assert specs["announce.r:tips@a@chatroom"].timezone == "Europe/Berlin"
    assert specs["announce.s:share:preview@a@chatroom"].trigger == "30 20 * * 5"
    assert specs["announce.r:tips@seen@chatroom"].grace == 30 * 60
    assert plugin.wants.__doc__  # new rooms trigger a re-declaration (see the e2e tests)


def test_the_former_source_chat_text_reads_as_who_added_it():
    """Most rules.yaml files carry the old shipped 「群内添加」, untrue of a schedule added
    privately after #use: it reads as the new default."""
    from plugins.announce.config import Texts

    assert Texts(source_chat="群内添加").source_chat == "{by}添加"
    assert Texts(source_chat="{by} 加的").source_chat == "{by} 加的"
