"""Filling announcement templates.

Templates come from rules.yaml and from chat (#schedule add), so they are untrusted: only
{name} placeholders from a fixed set are replaced, everything else stays literal. str.format
would let "{0.__class__}" reach into objects and would crash on a stray brace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from bot.rules.errors import RulesValueError, unknown_placeholder_chinese
from plugins.announce.timing import WEEKDAYS

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,30})\}")

# what each kind of template may use; checked when rules.yaml loads
SCHEDULE_FIELDS = frozenset({"date", "weekday", "time", "group"})
SERIES_FIELDS = frozenset({"title", "date", "weekday", "start", "end", "group"})


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))


def check_placeholders(template: str, allowed: Iterable[str]) -> str:
    allowed = frozenset(allowed)
    unknown = sorted(placeholders(template) - allowed)
    if unknown:
        names = ", ".join("{" + n + "}" for n in unknown)
        usable = ", ".join("{" + a + "}" for a in sorted(allowed))
        raise RulesValueError(f"unknown placeholder {names}; allowed: {usable}",
                              unknown_placeholder_chinese(unknown, sorted(allowed)))
    return template


def render(template: str, values: Mapping[str, str], limit: int | None = None) -> str:
    """Replace known {placeholders}; unknown ones stay as typed. Cut to `limit` characters."""
    text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def day_values(when_local: datetime) -> dict[str, str]:
    """{date} {weekday} {time} of a local time: "1月4日", "周日", "20:30"."""
    return {
        "date": f"{when_local.month}月{when_local.day}日",
        "weekday": WEEKDAYS[when_local.weekday()],
        "time": f"{when_local:%H:%M}",
    }
