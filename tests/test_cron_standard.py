"""Schedules follow standard cron (cronsim behind APScheduler), and chat shows them in words."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.plugin import JobSpec
from bot.core.scheduler import make_trigger
from plugins.announce.timing import describe_cron, example_date

SHANGHAI = ZoneInfo("Asia/Shanghai")


def fire_times(cron: str, start: datetime, count: int) -> list[datetime]:
    trigger = make_trigger(JobSpec(id="t", trigger=cron), start)
    times, previous = [], None
    now = start
    for _ in range(count):
        nxt = trigger.get_next_fire_time(previous, now)
        assert nxt is not None
        times.append(nxt.astimezone(SHANGHAI))
        previous, now = nxt, nxt
    return times


def test_day_of_month_or_day_of_week_as_standard_cron():
    # 2026-12-01 is a Tuesday: "the 1st, and every Monday" — APScheduler alone would wait for a
    # 1st that is a Monday (2027-02-01)
    times = fire_times("0 20 1 * 1", datetime(2026, 11, 30, 13, 0, tzinfo=SHANGHAI), 4)
    assert [t.date().isoformat() for t in times] == ["2026-11-30", "2026-12-01", "2026-12-07", "2026-12-14"]
    assert all((t.hour, t.minute) == (20, 0) for t in times)


def test_sunday_is_zero_and_seven():
    start = datetime(2026, 12, 2, 0, 0, tzinfo=SHANGHAI)  # a Wednesday
    assert fire_times("30 20 * * 0", start, 1) == fire_times("30 20 * * 7", start, 1)
    assert fire_times("30 20 * * 0", start, 1)[0].weekday() == 6


def test_a_match_exactly_now_counts_once():
    start = datetime(2026, 12, 6, 20, 30, tzinfo=SHANGHAI)
    times = fire_times("30 20 * * 0", start, 2)
    assert times[0] == start and times[1] == start + timedelta(days=7)


def test_an_invalid_cron_is_refused():
    with pytest.raises(ValueError):
        make_trigger(JobSpec(id="t", trigger="61 25 * * *"), datetime(2026, 1, 1, tzinfo=SHANGHAI))


@pytest.mark.parametrize(("cron", "words"), [
    ("30 20 * * 0", "每周日 20:30"),
    ("0 9 * * *", "每天 09:00"),
    ("0 8 * * 1-5", "每周一至周五 08:00"),
    ("0 20 1,15 * *", "每月1日、15日 20:00"),
    ("0 20 1 * 1", "每月1日及每周一 20:00"),
    ("0 10 * 3 6,0", "3月的每周六、周日 10:00"),
    ("*/10 * * * *", "cron「*/10 * * * *」"),
], ids=["weekly", "daily", "workdays", "monthly", "or", "march-weekends", "steps"])
def test_cron_in_words(cron, words):
    assert describe_cron(cron) == words


def test_help_example_date_is_in_the_future():
    now = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)
    example = datetime.strptime(example_date(now), "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
    assert example > now
