"""Operator-written message templates: placeholders are checked when rules.yaml is loaded, so
a typo is a validation error with a line number, never a crash in a job at 3 a.m."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.rules.templates import check_template, placeholders

__all__ = ["check_template", "clip", "join_names", "local_time", "placeholders", "render"]

NAME_LIMIT = 24  # a display name in a notice; members choose names, some are essays
NAMES_SHOWN = 20  # names listed in one message before "等 N 人"


def render(text: str, **values: object) -> str:
    """Fill a validated template. Values are data, never format strings, so names with braces
    are safe."""
    return text.format(**values).strip()


def clip(name: str, limit: int = NAME_LIMIT) -> str:
    name = " ".join(name.split())  # newlines and tabs in a name would break the layout
    return name if len(name) <= limit else name[: limit - 1] + "…"


def join_names(names: Iterable[str], shown: int = NAMES_SHOWN) -> str:
    names = [clip(n) for n in names if n]
    if len(names) <= shown:
        return "、".join(names)
    return "、".join(names[:shown]) + f" 等 {len(names)} 人"


def local_time(at: datetime, timezone: str) -> str:
    return at.astimezone(ZoneInfo(timezone)).strftime("%m-%d %H:%M")
