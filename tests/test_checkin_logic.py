"""The check-in plugin's pure parts, table-driven: keywords, the window, streaks, levels,
points, ranking with ties, the 补卡 day parser, and the rules section."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from pydantic import ValidationError

from plugins.checkin import logic
from plugins.checkin.config import CheckinConfig, Level, PointsConfig
from plugins.checkin.plugin import message_time

KEYWORDS = ("签到", "打卡")


@pytest.mark.parametrize(("text", "note"), [
    ("打卡", ""),
    ("签到", ""),
    ("  打卡  ", ""),
    ("打卡 跑步5公里", "跑步5公里"),
    ("打卡：读完第三章", "读完第三章"),
    ("打卡！", ""),
    ("打卡😀", "😀"),
    ("打卡\u3000早起", "早起"),
    ("@群管机器人\u2005打卡", ""),
    ("@群管机器人 @小A 签到 今天也要加油", "今天也要加油"),
    ("打卡了吗", None),
    ("打卡了没", None),
    ("打卡了？", None),
    ("打卡了没有啊", None),
    ("打卡了吗大家", None),  # seen in a simulated day: it had counted as a check-in
    ("打卡了么", None),
    ("打卡机坏了", None),
    ("打卡点在哪", None),
    # what members put before the keyword (seen in a simulated day of a 考研 group: each of
    # these was ignored, and the member's check-in lost)
    ("今天打卡", ""),
    ("早安打卡☀️ 今天目标：英语阅读4篇", "☀️ 今天目标：英语阅读4篇"),
    ("今日打卡：数学3h 英语2h", "数学3h 英语2h"),
    ("Day12 打卡", "Day12"),
    ("day 5打卡 背单词", "day 5 背单词"),
    ("第12天打卡", "第12天"),
    ("【打卡】单词 unit 15", "单词 unit 15"),
    ("[打卡] 跑步", "跑步"),
    ("✅打卡", ""),
    ("5.11 打卡 政治马原", "政治马原"),
    ("晚安打卡，今天效率不错", "今天效率不错"),
    ("@群管机器人 早安打卡", ""),
    # ...and what stays chat
    ("今天打卡了吗", None),
    ("今天打卡？", None),
    ("今天打卡没", None),
    ("今日打卡人数好少", None),
    ("我昨天忘了打卡，能补吗", None),
    ("昨天忘记打卡了", None),
    ("怎么打卡啊，发什么", None),
    ("直接发 打卡 两个字就行", None),
    ("可以发 补卡", None),
    ("早上打卡机坏了", None),
    ("#签到", ""),  # a hashtag; #打卡 is the command's alias, handled before the keyword
    ("这是我们公司的打卡", None),
    # glued on, as members really write it
    ("打卡了", ""),
    ("打卡啦～", ""),
    ("打卡了！今天早起", "今天早起"),
    ("打卡打卡", ""),
    ("签到+1", ""),
    ("打卡第12天", "第12天"),
    ("打卡第一天，跑步3公里", "第一天 跑步3公里"),
    ("打卡day3 背单词", "day3 背单词"),
    ("大家好", None),
    ("", None),
    ("打", None),
], ids=lambda v: repr(v)[:20])
def test_match_keyword(text, note):
    assert logic.match_keyword(text, KEYWORDS) == note


def test_match_keyword_on_huge_and_odd_text_is_quick_and_safe():
    assert logic.match_keyword("打卡 " + "啊" * 200_000, KEYWORDS) is not None
    assert logic.match_keyword("\u202e\x00打卡", KEYWORDS) is None
    assert logic.match_keyword("打卡\u202e\x00", KEYWORDS) == "\u202e\x00"


@pytest.mark.parametrize(("now", "start", "end", "inside"), [
    (time(4, 59, 59), time(5), time(23, 59), False),
    (time(5, 0), time(5), time(23, 59), True),
    (time(23, 59, 59, 999999), time(5), time(23, 59), True),
    (time(0, 0), time(5), time(23, 59), False),
    (time(12, 0), time(7), time(9), False),
    (time(23, 59, 59), time(0), time.max, True),
], ids=["before", "at-start", "end-minute", "midnight", "after-end", "whole-day"])
def test_in_window(now, start, end, inside):
    assert logic.in_window(now, start, end) is inside


D = date(2026, 1, 10)


def days(*offsets: int) -> list[date]:
    return [D - timedelta(days=o) for o in offsets]


@pytest.mark.parametrize(("have", "today", "streak"), [
    ([], D, 0),
    (days(0), D, 1),
    (days(0, 1, 2), D, 3),
    (days(1, 2), D, 2),  # today still to come: alive
    (days(2, 3), D, 0),  # missed yesterday: broken
    (days(0, 2, 3), D, 1),
    (days(0, 1, 1), D, 2),  # duplicates do not count twice
], ids=["none", "today", "three", "alive", "broken", "gap", "dupes"])
def test_current_streak(have, today, streak):
    assert logic.current_streak(have, today) == streak


LEVELS = (Level(days=0, name="新手村"), Level(days=3, name="青铜"), Level(days=7, name="白银"))


@pytest.mark.parametrize(("before", "after", "change"), [
    (0, 1, None), (2, 3, ("新手村", "青铜")), (3, 4, None), (6, 7, ("青铜", "白银")), (7, 30, None),
])
def test_level_change(before, after, change):
    assert logic.level_change(before, after, LEVELS) == change


def test_level_below_the_first_threshold():
    levels = (Level(days=1, name="一"),)
    assert logic.level_for(0, levels) is None
    assert logic.level_change(0, 1, levels) == ("", "一")
    assert logic.next_level(0, levels) == levels[0] and logic.next_level(5, levels) is None


@pytest.mark.parametrize(("streak", "makeup", "points"), [
    (1, False, 10), (2, False, 11), (11, False, 20), (50, False, 20), (9, True, 5),
])
def test_checkin_points(streak, makeup, points):
    assert logic.checkin_points(streak, PointsConfig(), makeup=makeup) == points


def test_deducted_points_by_case_kind():
    assert logic.deducted_points(["warn", "warn", "kick", "spam"], {"warn": 5, "kick": 20}) == 30


@pytest.mark.parametrize(("counts", "expected"), [
    ({}, []),
    ({"a": 3}, [(1, "a", 3)]),
    ({"a": 2, "b": 2, "c": 1}, [(1, "a", 2), (1, "b", 2), (3, "c", 1)]),
    ({"a": 5, "b": 3, "c": 3, "d": 3, "e": 1}, [(1, "a", 5), (2, "b", 3), (2, "c", 3), (2, "d", 3), (5, "e", 1)]),
], ids=["empty", "one", "tie-first", "tie-middle"])
def test_rank_shares_places_on_ties(counts, expected):
    assert [(r.rank, r.member_id, r.days) for r in logic.rank(counts)] == expected


def test_rank_orders_ties_by_name_then_id():
    ranked = logic.rank({"x": 1, "y": 1, "z": 1}, {"x": "b", "y": "a", "z": "a"})
    assert [r.member_id for r in ranked] == ["y", "z", "x"]


TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(("arg", "day"), [
    ("昨天", date(2026, 3, 9)),
    ("前天", date(2026, 3, 8)),
    ("3月8日", date(2026, 3, 8)),
    ("3-8", date(2026, 3, 8)),
    ("3/8", date(2026, 3, 8)),
    ("2026-03-07", date(2026, 3, 7)),
    ("2026年3月7日", date(2026, 3, 7)),
    ("8号", date(2026, 3, 8)),
    ("28号", date(2026, 2, 28)),  # later than today: last month's
    ("12月31日", date(2025, 12, 31)),  # later in the year than today: last year's
    ("昨天跑了6公里忘了打", date(2026, 3, 9)),  # what the member adds after the day
    ("昨天 晨跑5公里", date(2026, 3, 9)),
    ("大前天的", date(2026, 3, 7)),
    ("3月8日 跑步", date(2026, 3, 8)),
    ("2026-03-07补上", date(2026, 3, 7)),
    ("3-81", None),  # no day, a longer number
    ("明天跑", None),
    ("2月30日", None),
    ("31号", None),  # February has no 31st
    ("99-99", None),
    ("明天", None),
    ("随便", None),
    ("", None),
    ("1" * 1000, None),
], ids=lambda v: str(v)[:12])
def test_parse_makeup_day(arg, day):
    assert logic.parse_makeup_day(arg, TODAY) == day


@pytest.mark.parametrize(("have", "lookback", "earliest", "missed"), [
    (days(0, 1, 2, 3), 3, D - timedelta(days=30), None),
    (days(0, 2), 3, D - timedelta(days=30), D - timedelta(days=1)),
    (days(1), 3, D - timedelta(days=30), D - timedelta(days=2)),
    (days(1, 2, 3), 3, D - timedelta(days=30), None),  # only further back than the lookback
    ([], 3, D, None),  # first seen today: nothing to make up
    ([], 3, D - timedelta(days=1), D - timedelta(days=1)),
], ids=["full", "yesterday", "skips-checked", "beyond", "new", "since-yesterday"])
def test_latest_missed(have, lookback, earliest, missed):
    assert logic.latest_missed(have, D, lookback, earliest) == missed


@pytest.mark.parametrize(("have", "day", "run", "last"), [
    (days(5, 4), D - timedelta(days=4), 2, D - timedelta(days=4)),
    (days(5, 4, 3, 1), D - timedelta(days=4), 3, D - timedelta(days=3)),
    (days(2, 1, 0), D - timedelta(days=1), 3, D),
    (days(3), D - timedelta(days=3), 1, D - timedelta(days=3)),
], ids=["ends-at-day", "runs-on-after", "reaches-today", "alone"])
def test_run_through(have, day, run, last):
    assert logic.run_through(have, day) == (run, last)


def test_missed_between():
    assert logic.missed_between(days(5, 2), D - timedelta(days=5), D) == 3  # 4, 3, 1 (not 2, not today)
    assert logic.missed_between(days(1), D - timedelta(days=1), D) == 0


def test_cap_names_and_short_name():
    assert logic.cap_names(["a", "b", "c"], 2) == ("a、b", 1)
    assert logic.cap_names(["a"], 5) == ("a", 0)
    assert logic.short_name("x" * 50, 10) == "x" * 9 + "…"
    assert logic.short_name("\u2005小A\x00") == "小A"


NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("sent", "used"), [
    (NOW - timedelta(seconds=30), NOW - timedelta(seconds=30)),  # queued a little: its own time
    (NOW - timedelta(hours=2), NOW - timedelta(hours=2)),  # redelivered after a reconnect
    (NOW + timedelta(minutes=1), NOW),  # slightly ahead: never in the future
    (NOW + timedelta(days=1), NOW),  # absurd: not trusted
    (NOW - timedelta(days=3), NOW),
], ids=["queued", "redelivered", "ahead", "future", "ancient"])
def test_message_time(sent, used):
    assert message_time(sent, NOW) == used


# --- the rules section -------------------------------------------------------------------------

def test_an_empty_rules_section_is_the_defaults():
    assert CheckinConfig.model_validate({}) == CheckinConfig()


@pytest.mark.parametrize(("section", "needle"), [
    ({"window_start": "22:00", "window_end": "06:00"}, "cannot cross midnight"),
    ({"window_start": "25:00"}, "not a time of day"),
    ({"levels": [{"days": 3, "name": "b"}, {"days": 1, "name": "a"}]}, "strictly increasing"),
    ({"levels": []}, "strictly increasing"),
    ({"remind": {"cron": "0 25 * * *"}}, "not a valid cron"),
    ({"summary": {"cron": "every sunday"}}, "not a cron string"),
    ({"texts": {"ok": "打卡成功 {rnak}"}}, "unknown placeholder {rnak}"),
    ({"texts": {"usage": "用法 {x}"}}, "unknown placeholder {x}"),
    ({"texts": {"ok": "{"}}, "literal braces"),
    ({"keywords": ["  "]}, "at least one keyword"),
    ({"batch": {"window": "5s"}}, "at least 30s"),
    ({"keyword": ["打卡"]}, "Extra inputs"),
], ids=["overnight", "bad-time", "levels-order", "no-levels", "cron-range", "cron-words", "placeholder",
        "placeholder-in-plain", "brace", "blank-keyword", "window", "typo"])
def test_bad_sections_are_errors(section, needle):
    with pytest.raises(ValidationError) as err:
        CheckinConfig.model_validate(section)
    assert needle in str(err.value)


def test_window_end_2400_is_the_end_of_the_day():
    cfg = CheckinConfig.model_validate({"window_start": "00:00", "window_end": "24:00"})
    assert logic.in_window(time(23, 59, 59, 999999), cfg.window_start, cfg.window_end)
