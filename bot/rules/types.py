"""Value types operators write in rules.yaml: durations as strings ("10m", "24h", "1d12h"), times
of day ("05:00"), timezone names."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, PlainSerializer

from bot.rules.errors import RulesValueError

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: Any) -> timedelta:
    """Accept "90s", "10m", "1h30m", "2d" (or a bare number of seconds)."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RulesValueError("expected a duration such as 30s, 10m, 24h or 7d",
                              "这里应写时长，例如 30s、10m、24h、7d 或 1h30m")
    if isinstance(value, int | float):
        if value < 0:
            raise RulesValueError("a duration cannot be negative", "时长不能是负数")
        return timedelta(seconds=value)
    text = value.strip().lower().replace(" ", "")
    pos, total = 0, 0.0
    for match in _PART.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text:
        raise RulesValueError(f"{value!r} is not a duration; write e.g. 30s, 10m, 24h, 7d or 1h30m",
                              f"「{value}」不是时长，请写成 30s、10m、24h、7d 或 1h30m 这样的格式")
    return timedelta(seconds=total)


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def duration_in_chinese(value: timedelta) -> str:
    """A length as members read it: 3 天, 12 小时, 30 分钟 (the largest whole unit)."""
    seconds = int(value.total_seconds())
    for unit, size in (("天", 86400), ("小时", 3600), ("分钟", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{max(seconds // 60, 1)} 分钟"


Duration = Annotated[timedelta, BeforeValidator(parse_duration), PlainSerializer(format_duration)]


def parse_clock(value: object) -> time:
    """"05:00" -> 05:00; "24:00" is the end of the day (as an end time only)."""
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise RulesValueError("expected a time of day such as 05:00", "这里应写时刻，例如 05:00")
    text = value.strip()
    if text == "24:00":
        return time.max
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise RulesValueError(f"{value!r} is not a time of day; write e.g. 05:00 or 23:59",
                              f"「{value}」不是时刻，请写成 05:00 或 23:59 这样的格式") from exc


ClockTime = Annotated[time, BeforeValidator(parse_clock)]


def _check_timezone(value: Any) -> str:
    if not isinstance(value, str):
        raise RulesValueError("expected a timezone name such as Asia/Shanghai", "这里应写时区名称，例如 Asia/Shanghai")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RulesValueError(f"unknown timezone {value!r}; use an IANA name such as Asia/Shanghai",
                              f"没有「{value}」这个时区，请写 Asia/Shanghai 这样的时区名称") from exc
    return value


TimeZoneName = Annotated[str, BeforeValidator(_check_timezone)]
