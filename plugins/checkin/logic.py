"""Pure check-in logic: keyword matching, the window, streaks, levels, points, ranking and the
make-up day parser. No database, no clock: everything is passed in, so it is table-tested."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from plugins.checkin.config import Level, PointsConfig

# WeChat prefixes "@名字" + U+2005 (or a space) to a message that mentions someone:
# "@群管机器人 打卡" is a check-in too.
_LEADING_MENTIONS = re.compile(r"^(?:\s*@[^\s\u2005]+[\u2005 ])+")
# the longest text worth looking at: a check-in is a keyword and a short note
_SCAN_CHARS = 4000


def strip_mentions(text: str) -> str:
    return _LEADING_MENTIONS.sub("", text[:_SCAN_CHARS]).strip()


# how members really check in, glued to the keyword: 打卡了 / 打卡啦 / 打卡打卡 / 打卡+1,
# 打卡第12天 / 打卡第一天 / 打卡day3; the rest of the message is the note
_GLUED = re.compile(r"^(?:(?:了|啦|咯|喽|哈|呀|打卡|签到)+|\+1|第\s*[\d一二三四五六七八九十百零两]+\s*天|day\s*\d+)",
                    re.IGNORECASE)
# ...unless it asks: 打卡了吗 / 打卡了没 / 打卡了？ is chat about checking in
_QUESTION = re.compile(r"[吗么嘛?？]|了没|没有|(?:没|不|否)[啊呀呢哦]*\s*[?？。!！~～]*\s*$")
_DAY_COUNT = re.compile(r"第.*天|day.*", re.IGNORECASE)  # kept in the note: it says something
# 【打卡】 closes its bracket after the keyword
_SEPARATORS = " \t\u3000:：,，.。!！~～-—、】]」』）)"

_NUMBER = r"[\d一二三四五六七八九十百零两]+"
# what members put before the keyword in a check-in group, and nothing else: a greeting
# (早安打卡), the day (今日打卡：…), a day count or date (Day12 打卡, 第12天打卡, 5.11 打卡) and
# brackets, emoji or punctuation (【打卡】, ✅打卡). "我昨天忘了打卡" and "今天打卡的人好少" stay
# chat: the first has words of its own before the keyword, the second glues words onto it.
_PREFIX_PART = (r"早安|早上好|午安|晚安|早|今日|今天|每日|日常"
                rf"|(?:day|d)\s*\d+|第\s*{_NUMBER}\s*天"
                r"|\d{1,4}[./-]\d{1,2}(?:[./-]\d{1,2})?|\d{1,2}月\d{1,2}[日号]?"
                # (#签到 too: #打卡 is the command's alias and never reaches here), but not control
                # or direction marks
                r"|[^\w\x00-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]|_")
_PREFIX = re.compile(rf"(?:{_PREFIX_PART})*", re.IGNORECASE)
_PREFIX_COUNT = re.compile(rf"(?:day|d)\s*\d+|第\s*{_NUMBER}\s*天", re.IGNORECASE)
_ASKS = ("?", "？", "吗", "么", "嘛", "没")
# the longest prefix worth reading: "早安☀️ Day128 打卡" is 14 characters
PREFIX_MAX = 16


def _after_prefix(body: str, keyword: str) -> tuple[str, str] | None:
    """(the prefix before the keyword, the text from the keyword on), when only a check-in
    prefix stands before it."""
    at = body.find(keyword, 0, PREFIX_MAX + len(keyword))
    while at >= 0:
        if _PREFIX.fullmatch(body[:at]):
            return body[:at], body[at:]
        at = body.find(keyword, at + 1, PREFIX_MAX + len(keyword))
    return None


def has_keyword(text: str, keywords: Iterable[str]) -> bool:
    """A cheap first look (every group message passes here): a keyword near the start."""
    head = strip_mentions(text)[:PREFIX_MAX + 4]
    return any(keyword in head for keyword in keywords)


def match_keyword(text: str, keywords: Iterable[str]) -> str | None:
    """The note after a check-in keyword ("" for the bare keyword), or None if `text` is not a
    check-in. The keyword stands alone, or a separator (space, punctuation, emoji) or one of
    the ways people glue onto it (了, 打卡打卡, 第12天, day3) follows: "打卡 跑步5公里", "打卡！"
    and "打卡了" are check-ins; "打卡了吗" and "打卡机坏了" are chat."""
    body = strip_mentions(text)
    for keyword in sorted(keywords, key=len, reverse=True):
        found = _after_prefix(body, keyword)
        if found is None:
            continue
        prefix, from_keyword = found
        rest = from_keyword[len(keyword):]
        if rest and (rest[0].isalnum() or rest[0] == "+"):
            glued = _GLUED.match(rest)
            if glued is None or _QUESTION.search(rest[:12]):  # 打卡了吗大家 asks, wherever the 吗 falls
                continue
            kept = glued.group(0) if _DAY_COUNT.fullmatch(glued.group(0)) else ""
            rest = f"{kept} {rest[glued.end():].lstrip(_SEPARATORS)}"
        elif prefix and rest.lstrip().startswith(_ASKS):
            continue  # 今天打卡？ asks
        count = _PREFIX_COUNT.search(prefix)
        return f"{count.group(0) if count else ''} {rest.lstrip(_SEPARATORS)}".strip()
    return None


def in_window(now: time, start: time, end: time) -> bool:
    """The end is inclusive of its minute: 23:59 accepts 23:59:59."""
    end_exclusive = time.max if end == time.max else (
        time(end.hour, end.minute, 59, 999999))
    return start <= now <= end_exclusive


def streak_ending(days: Iterable[date], last: date) -> int:
    """How many consecutive days end at `last` (0 if `last` is not among them)."""
    have = set(days)
    count, day = 0, last
    while day in have:
        count += 1
        day -= timedelta(days=1)
    return count


def current_streak(days: Iterable[date], today: date) -> int:
    """A streak is alive through today if it reached yesterday (today may still come)."""
    have = set(days)
    if today in have:
        return streak_ending(have, today)
    return streak_ending(have, today - timedelta(days=1))


def run_through(days: Iterable[date], day: date) -> tuple[int, date]:
    """The consecutive days around `day` (which is among them): (how many, the last one)."""
    have = set(days)
    last = day
    while last + timedelta(days=1) in have:
        last += timedelta(days=1)
    return streak_ending(have, last), last


def missed_between(days: Iterable[date], after: date, before: date) -> int:
    """How many days strictly between `after` and `before` have no check-in."""
    have = set(days)
    return sum(1 for n in range(1, (before - after).days) if after + timedelta(days=n) not in have)


def level_for(total: int, levels: Sequence[Level]) -> Level | None:
    found = None
    for level in levels:
        if total >= level.days:
            found = level
    return found


def next_level(total: int, levels: Sequence[Level]) -> Level | None:
    return next((level for level in levels if level.days > total), None)


def level_change(total_before: int, total_after: int, levels: Sequence[Level]) -> tuple[str, str] | None:
    """(old name, new name) when the check-in moved the member to a new level."""
    old, new = level_for(total_before, levels), level_for(total_after, levels)
    if new is not None and new != old:
        return (old.name if old else "", new.name)
    return None


def checkin_points(streak: int, config: PointsConfig, *, makeup: bool = False) -> int:
    if makeup:
        return config.makeup
    return config.per_checkin + min(config.streak_bonus * max(streak - 1, 0), config.streak_bonus_max)


def deducted_points(case_kinds: Iterable[str], deduct: Mapping[str, int]) -> int:
    return sum(deduct.get(kind, 0) for kind in case_kinds)


@dataclass(frozen=True, slots=True)
class Ranked:
    rank: int
    member_id: str
    days: int


def rank(counts: Mapping[str, int], names: Mapping[str, str] | None = None) -> list[Ranked]:
    """Competition ranking ("1, 1, 3"): equal days share a rank. Ties are listed by name, then id,
    so the order is stable."""
    names = names or {}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], ""), item[0]))
    out: list[Ranked] = []
    for position, (member_id, days) in enumerate(ordered, 1):
        shared = out[-1].rank if out and out[-1].days == days else position
        out.append(Ranked(shared, member_id, days))
    return out


_RELATIVE = {"昨天": 1, "昨日": 1, "前天": 2, "大前天": 3}
_ISO = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})[日号]?$")
_DAY_ONLY = re.compile(r"^(\d{1,2})[日号]$")


# the day a 补卡 starts with, before what the member adds: 补卡 昨天跑了6公里忘了打 (seen in a
# simulated running club: the member was told 只能补最近 3 天内…例如：补卡 昨天)
_LEADING_DAY = re.compile(r"^(大前天|前天|昨天|昨日|\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[-/.月]\d{1,2}[日号]?"
                          r"|\d{1,2}[日号])(?!\d)")


def parse_makeup_day(arg: str, today: date) -> date | None:
    """The day a 补卡 names: "昨天", "前天", "3-5", "3月5日", "2026-03-05", "5号", also followed by
    words of the member's ("昨天跑了6公里忘了打"). A month-day later than today means last
    year's. None if it names no day. (The caller checks the limits.)"""
    text = arg.strip()[:40].replace(" ", "")
    if lead := _LEADING_DAY.match(text):
        text = lead.group(1)
    if text in _RELATIVE:
        return today - timedelta(days=_RELATIVE[text])
    try:
        if m := _ISO.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _MONTH_DAY.match(text):
            day = date(today.year, int(m.group(1)), int(m.group(2)))
            return day if day <= today else day.replace(year=today.year - 1)
        if m := _DAY_ONLY.match(text):
            day_of_month = int(m.group(1))
            if day_of_month <= today.day:
                return today.replace(day=day_of_month)
            previous = today.replace(day=1) - timedelta(days=1)
            return previous.replace(day=day_of_month)
    except ValueError:  # 2月30日, or day 31 of a short month
        return None
    return None


def latest_missed(checked: Iterable[date], today: date, lookback: int, earliest: date) -> date | None:
    """The most recent day in the last `lookback` days (not today) without a check-in, not
    before `earliest` (when the member was first seen)."""
    have = set(checked)
    for back in range(1, lookback + 1):
        day = today - timedelta(days=back)
        if day < earliest:
            return None
        if day not in have:
            return day
    return None


def cap_names(names: Sequence[str], limit: int, separator: str = "、") -> tuple[str, int]:
    """The first `limit` names joined, and how many were left out."""
    return separator.join(names[:limit]), max(len(names) - limit, 0)


def clean(text: str, limit: int) -> str:
    """Text fit to store: no control or format characters (PostgreSQL refuses NUL; direction
    overrides garble lists), at most `limit` characters."""
    return "".join(ch for ch in text[: limit * 2] if ch.isprintable())[:limit].strip()


def short_name(name: str, limit: int = 20) -> str:
    """Names are chosen by members: keep lists readable whatever they chose."""
    clean = "".join(ch for ch in name if ch.isprintable()).strip()
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
