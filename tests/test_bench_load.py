"""bench.load's --checkin: the groups' time zone pinned so a run's 打卡 take the open or the
closed path whatever the hour in Shanghai (a closed check-in claims a notice and writes no record,
and core33's runs all fell at night there)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bench.load.__main__ import checkin_zone


@pytest.mark.parametrize("hour", range(24))
def test_the_pinned_zone_puts_the_groups_at_midday_or_at_two_at_night(hour):
    now = datetime(2026, 12, 5, hour, 30, tzinfo=UTC)
    assert checkin_zone("shipped", now) is None
    assert now.astimezone(ZoneInfo(checkin_zone("open", now))).hour == 12
    assert now.astimezone(ZoneInfo(checkin_zone("closed", now))).hour == 2
