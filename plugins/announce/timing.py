"""Pure time arithmetic for schedules: cron validation, shifting an event's cron to get its
preview/reminder/summary triggers, the next occurrence, and the times admins type in chat.

Everything here is a pure function of its arguments (no clock), so it is tested table-driven.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.plugin import JobSpec
from bot.core.scheduler import make_trigger
from bot.rules.errors import CRON_FIELDS_ZH, RulesValueError

_DOW_NAMES = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-]{1,40}$")
_ANY_INSTANT = datetime(2026, 1, 1, tzinfo=UTC)
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def check_cron(text: str) -> str:
    """A standard 5-field cron string (0 = Sunday), normalised to single spaces; ValueError if
    it does not parse."""
    fields = text.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        raise RulesValueError(f"{text!r} is not a cron string; write e.g. \"0 20 * * 0\" "
                              "(minute hour day month weekday)",
                              f"「{text}」不是 cron 表达式：请写 5 段，例如 \"0 20 * * 0\"（{CRON_FIELDS_ZH}）")
    cron = " ".join(fields)
    try:
        make_trigger(JobSpec(id="check", trigger=cron), _ANY_INSTANT)
    except (ValueError, TypeError, KeyError) as exc:
        raise RulesValueError(f"{text!r} is not a valid cron string: {exc}",
                              f"「{text}」不是有效的 cron 表达式：{CRON_FIELDS_ZH}") from exc
    return cron


def looks_like_cron(tokens: list[str]) -> bool:
    if len(tokens) < 5:
        return False
    try:
        check_cron(" ".join(tokens[:5]))
    except ValueError:
        return False
    return True


def expand_dow(field: str) -> set[int]:
    """The weekdays (0 = Sunday .. 6) a standard cron day-of-week field names."""
    days: set[int] = set()
    for part in field.lower().split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise RulesValueError(f"bad step in day of week {field!r}", f"周几那一段「{field}」的步长不对")
        if base == "*":
            lo, hi = 0, 6
        elif "-" in base:
            a, b = base.split("-", 1)
            lo, hi = _dow_number(a), _dow_number(b)
        else:
            lo = hi = _dow_number(base)
            if step_text:
                hi = 6
        if lo == hi == 7:
            days.add(0)
            continue
        if hi == 7 and lo > 0:
            days.add(0)  # "5-7": 7 is Sunday
            hi = 6
        if lo > hi:
            raise RulesValueError(f"day-of-week range {base!r} runs backwards",
                                  f"周几的范围「{base}」写反了，应从小到大，例如 1-5")
        days.update(d % 7 for d in range(lo, hi + 1, step))
    return days


def _dow_number(text: str) -> int:
    if text in _DOW_NAMES:
        return _DOW_NAMES[text]
    if not text.isdigit() or int(text) > 7:
        raise RulesValueError(f"{text!r} is not a day of week (0-7 or sun..sat)",
                              f"「{text}」不是周几，请写 0–7（0 和 7 都是周日）或 sun、mon … sat")
    return int(text)


def shift_cron(cron: str, offset: timedelta) -> str:
    """The cron of "every occurrence of `cron`, moved by `offset`" in local wall time.

    Exact when the event has one start time (minute and hour are plain numbers, as an event's
    start is). A shift that crosses midnight moves the weekdays, which is only exact when the
    event is defined by weekdays (day of month and month are "*"); otherwise ValueError."""
    minute, hour, dom, month, dow = check_cron(cron).split()
    if not (minute.isdigit() and hour.isdigit()):
        raise RulesValueError(f"an event's cron needs one start time (plain minute and hour), not {cron!r}",
                              f"活动的 cron 要有一个确定的开始时间（分和时都写具体数字），「{cron}」不是")
    if offset % timedelta(minutes=1):
        raise RulesValueError("offsets must be whole minutes", "提前或推后的时间要是整分钟")
    total = int(hour) * 60 + int(minute) + int(offset / timedelta(minutes=1))
    days, in_day = divmod(total, 24 * 60)
    new_hour, new_minute = divmod(in_day, 60)
    if days == 0 or (dom == "*" and month == "*" and dow == "*"):
        return f"{new_minute} {new_hour} {dom} {month} {dow}"
    if dom != "*" or month != "*":
        raise RulesValueError(f"cannot move {cron!r} across midnight: its days are dates; use weekdays "
                              "or keep the offset within the same day",
                              f"「{cron}」按日期重复，预告、提醒或总结跨过午夜后无法表示；请改成按周几重复，"
                              "或让提前、推后的时间不跨过午夜")
    shifted = sorted({(d + days) % 7 for d in expand_dow(dow)})
    return f"{new_minute} {new_hour} * * {','.join(str(d) for d in shifted)}"


def shift_at(at: str, offset: timedelta) -> str:
    """A one-off local ISO time moved by `offset` (kept naive: local to the group's timezone)."""
    when = datetime.fromisoformat(at)
    return (when + offset).isoformat(timespec="minutes")


def next_occurrence(trigger: str, timezone: str, after: datetime) -> datetime | None:
    """The first occurrence strictly after `after` (UTC), or None."""
    trig = make_trigger(JobSpec(id="next", trigger=trigger, timezone=timezone), after)
    return trig.get_next_fire_time(None, after + timedelta(microseconds=1))


def occurrences_between(trigger: str, timezone: str, start: datetime, end: datetime, cap: int = 1000) -> int:
    """How many occurrences fall strictly between start and end (capped): the missed ones."""
    trig = make_trigger(JobSpec(id="count", trigger=trigger, timezone=timezone), start)
    count, current = 0, trig.get_next_fire_time(None, start + timedelta(microseconds=1))
    while current is not None and current < end and count < cap:
        count += 1
        current = trig.get_next_fire_time(current, current + timedelta(microseconds=1))
    return count


def local(when: datetime, timezone: str) -> datetime:
    return when.astimezone(ZoneInfo(timezone))


def event_time(occurrence: datetime, offset: timedelta, timezone: str) -> datetime:
    """The event a part occurrence belongs to: undo the part's offset in local wall time."""
    tz = ZoneInfo(timezone)
    wall = occurrence.astimezone(tz).replace(tzinfo=None) - offset
    return wall.replace(tzinfo=tz)


def within_dates(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


# How owners write a repeating time in chat, before the clock: 每天, 工作日, 周末, 每周一,
# 每周一三五 / 每周一、三, 每星期六, 每月1号. The day part becomes the cron's day fields.
_EVERY = re.compile(
    r"(?P<daily>每天|每日|天天)"
    r"|(?P<workdays>(?:每个?)?工作日)"
    r"|(?P<weekend>(?:每个?)?周末)"
    r"|(?:每个?(?:周|星期|礼拜))(?P<dow>[一二三四五六日天](?:[、,，和]?[一二三四五六日天])*)"
    r"|每月(?P<dom>(?:\d{1,2}[号日]?[、,，和])*\d{1,2}[号日])"
)
# and a one-off day: 今天, 明天, 后天
_RELATIVE_DAYS = {"今天": 0, "明天": 1, "后天": 2}
_DOW_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 0, "天": 0}
# or a one-off weekday: 周六 (the next Saturday, today if the time is still ahead), 这周六 / 本周六
# (this week's, Monday to Sunday), 下周六 / 下个星期六 (next week's)
_ONE_WEEKDAY = re.compile(r"(?P<week>下个?|这个?|本)?(?:周|星期|礼拜)(?P<day>[一二三四五六日天])")


def _every_cron(match: re.Match[str], clock: tuple[int, int]) -> str:
    hour, minute = clock
    dom, dow = "*", "*"
    if match.group("workdays"):
        dow = "1-5"
    elif match.group("weekend"):
        dow = "0,6"
    elif match.group("dow"):
        days = sorted({_DOW_DIGITS[c] for c in match.group("dow") if c in _DOW_DIGITS})
        dow = ",".join(str(d) for d in days)
    elif match.group("dom"):
        dom = ",".join(str(d) for d in sorted({int(d) for d in re.findall(r"\d{1,2}", match.group("dom"))}))
    return check_cron(f"{minute} {hour} {dom} * {dow}")  # check_cron refuses 每月32号


def _day_and_clock(tokens: list[str]) -> tuple[str, tuple[int, int], int] | None:
    """(day words, clock, tokens used) for "每天 21:00", "每天21:00", "明天 晚上8点" …"""
    if not tokens:
        return None
    first = tokens[0]
    head = _EVERY.match(first) or _ONE_WEEKDAY.match(first)
    words = head.group(0) if head else next((d for d in _RELATIVE_DAYS if first.startswith(d)), "")
    if not words:
        return None
    rest = first[len(words):]
    if rest:
        clock = _clock_of(rest)
        return (words, clock, 1) if clock is not None else None
    clock = _clock_of(tokens[1]) if len(tokens) > 1 else None
    return (words, clock, 2) if clock is not None else None


def _in_words(words: str, clock: tuple[int, int], used: int, now_local: datetime) -> tuple[str, int] | None:
    every = _EVERY.fullmatch(words)
    if every is not None:
        try:
            return _every_cron(every, clock), used
        except ValueError:
            return None
    weekday = _ONE_WEEKDAY.fullmatch(words)
    if weekday is not None:
        day = _weekday_date(weekday, clock, now_local)
    else:
        day = now_local.date() + timedelta(days=_RELATIVE_DAYS[words])
    when = datetime(day.year, day.month, day.day, *clock, tzinfo=now_local.tzinfo)
    if when <= now_local:
        raise ValueError("that time has already passed")
    return when.isoformat(timespec="minutes"), used


def _weekday_date(match: re.Match[str], clock: tuple[int, int], now_local: datetime) -> date:
    """The day a one-off weekday names (see _ONE_WEEKDAY); this week's may have passed (the
    caller refuses it)."""
    today = now_local.date()
    wanted = (_DOW_DIGITS[match.group("day")] - 1) % 7  # Monday 0 … Sunday 6, as date.weekday()
    week = match.group("week") or ""
    if week.startswith("下"):
        return today + timedelta(days=7 - today.weekday() + wanted)
    if week:
        return today + timedelta(days=wanted - today.weekday())
    ahead = (wanted - today.weekday()) % 7
    if ahead == 0 and (now_local.hour, now_local.minute) >= clock:
        ahead = 7  # 周六 8:00 said on a Saturday at 9:00: next Saturday
    return today + timedelta(days=ahead)


def parse_chat_time(tokens: list[str], now_local: datetime) -> tuple[str, int] | None:
    """What an admin typed after `#schedule add`: a 5-field cron, a repeating time in words
    ("每天 21:00", "工作日 8:30", "每周一 晚上8点", "每月1号 10:00"), "YYYY-MM-DD HH:MM",
    "MM-DD HH:MM", "明天 20:00", a weekday ("周六 6:00", "下周一 9:00") or "HH:MM" (the next
    such time). Returns (trigger, tokens used);
    a one-off comes back as an aware ISO time so a later timezone change cannot move it. None
    if the tokens start with no time at all; ValueError for a time in the past."""
    if looks_like_cron(tokens):
        return check_cron(" ".join(tokens[:5])), 5
    found = _day_and_clock(tokens)
    if found is not None:
        return _in_words(*found, now_local)
    tz = now_local.tzinfo
    first = tokens[0] if tokens else ""
    second = tokens[1] if len(tokens) > 1 else ""
    when: datetime | None = None
    used = 0
    clock = _clock_of(second)
    if clock is not None:
        day = _date_of(first, now_local)
        if day is not None:
            when, used = datetime(day.year, day.month, day.day, *clock, tzinfo=tz), 2
    if when is None and "T" in first:
        try:
            naive = datetime.fromisoformat(first)
        except ValueError:
            naive = None
        if naive is not None:
            when, used = (naive if naive.tzinfo else naive.replace(tzinfo=tz)), 1
    if when is None and (clock := _clock_of(first)) is not None:
        when = now_local.replace(hour=clock[0], minute=clock[1], second=0, microsecond=0)
        if when <= now_local:
            when += timedelta(days=1)
        used = 1
    if when is None:
        return None
    if when <= now_local:
        raise ValueError("that time has already passed")
    return when.isoformat(timespec="minutes"), used


# 20:00, 20：00, 8点, 8点半, 8点15(分), with 早上/上午/中午/下午/晚上 before it
_CLOCK = re.compile(r"(?P<period>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上)?"
                    r"(?P<hour>\d{1,2})(?:[:：](?P<minute>\d{2})|点(?:(?P<half>半)|(?P<min>\d{1,2})分?)?)")
_AFTERNOON = ("下午", "傍晚", "晚上")


# a time written straight into its text, as people type Chinese: 本周六上午9点小区儿科义诊,
# 明天晚上8点开会, 每天21:00提醒打卡 (an owner's #announce add 本周六上午9点小区儿科义诊 met
# 没看懂时间 in a simulated 宝妈群 day)
_GLUED = re.compile(rf"(?:(?:{_EVERY.pattern})|(?:{_ONE_WEEKDAY.pattern})|今天|明天|后天)?\s*(?:{_CLOCK.pattern})")


def unglue(text: str) -> str:
    """`text` with a space after a leading day-and-clock written straight into what follows it,
    so the time is its own words; unchanged otherwise."""
    match = _GLUED.match(text)
    if match is None or match.end() == len(text) or text[match.end()].isspace():
        return text
    return f"{text[:match.end()]} {text[match.end():]}"


def _clock_of(text: str) -> tuple[int, int] | None:
    match = _CLOCK.fullmatch(text)
    if not match:
        return None
    hour = int(match.group("hour"))
    minute = 30 if match.group("half") else int(match.group("minute") or match.group("min") or 0)
    period = match.group("period")
    if period and hour > 12:
        return None  # 晚上20点: one of the two is a typo
    if (period in _AFTERNOON and hour < 12) or (period == "中午" and hour < 3):
        hour += 12
    elif period in ("凌晨", "晚上") and hour == 12:
        hour = 0  # 晚上12点 is midnight
    return (hour, minute) if hour < 24 and minute < 60 else None


def _date_of(text: str, now_local: datetime) -> date | None:
    match = re.fullmatch(r"(?:(\d{4})-)?(\d{1,2})-(\d{1,2})", text)
    if not match:
        return None
    year = int(match.group(1)) if match.group(1) else now_local.year
    try:
        day = date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    if not match.group(1) and day < now_local.date():
        try:
            day = day.replace(year=year + 1)  # "01-05" typed in December: next January
        except ValueError:
            return None
    return day


def describe_local(when: datetime) -> str:
    """"1月4日 周日 20:30": how times are shown in chat."""
    return f"{when.month}月{when.day}日 {WEEKDAYS[when.weekday()]} {when:%H:%M}"


_DOW_ZH = ("日", "一", "二", "三", "四", "五", "六")


def describe_cron(cron: str) -> str:
    """A 5-field cron in words, as chat shows it ("每周日 20:30", "每月1日、15日 09:00",
    "每周一至周五 08:00"). Shapes with no short Chinese reading (steps or ranges of minutes or
    hours) are shown as the cron itself, marked as such."""
    try:
        minute, hour, dom, month, dow = check_cron(cron).split()
    except ValueError:
        return cron
    if not (minute.isdigit() and hour.isdigit()):
        return f"cron「{cron}」"
    at = f"{int(hour):02d}:{int(minute):02d}"
    try:
        days = _days_in_words(dom, dow)
        months = "" if month == "*" else f"{_list_in_words(month, '月')}的"
    except ValueError:
        return f"cron「{cron}」"
    return f"{months}{days} {at}"


def _days_in_words(dom: str, dow: str) -> str:
    weekly = ""
    if dow != "*":
        weekdays = sorted(expand_dow(dow), key=lambda d: (d == 0, d))  # Monday first, Sunday last
        if weekdays == [1, 2, 3, 4, 5]:
            weekly = "每周一至周五"
        elif weekdays == [6, 0]:
            weekly = "每周六、周日"
        else:
            weekly = "每周" + "、".join(_DOW_ZH[d] for d in weekdays)
    if dom == "*":
        return weekly or "每天"
    monthly = f"每月{_list_in_words(dom, '日')}"
    # standard cron: when both are restricted, either one matching is enough
    return f"{monthly}及{weekly}" if weekly else monthly


def _list_in_words(field: str, unit: str) -> str:
    parts = []
    for part in field.split(","):
        if "/" in part:
            raise ValueError(part)
        if "-" in part:
            lo, hi = part.split("-", 1)
            if not (lo.isdigit() and hi.isdigit()):
                raise ValueError(part)
            parts.append(f"{int(lo)}{unit}至{int(hi)}{unit}")
        elif part.isdigit():
            parts.append(f"{int(part)}{unit}")
        else:
            raise ValueError(part)
    return "、".join(parts)


def example_date(now_local: datetime) -> str:
    """A date about a month ahead for help texts: a fixed example date goes stale."""
    ahead = (now_local + timedelta(days=30)).date()
    return f"{ahead:%Y-%m-%d} 20:00"
