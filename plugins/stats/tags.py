"""C/A/S member tags, as the operators use them: C new (or not yet active), A active, S core.
Pure: the plugin gathers the numbers, this decides."""

from __future__ import annotations

from datetime import timedelta

from plugins.stats.config import TagRules

LABELS = {"S": "核心成员", "A": "活跃成员", "C": "新人/待激活"}


def member_tag(rules: TagRules, *, messages: int, checkins: int, age: timedelta | None) -> str:
    """age: how long the member has been in the group (None: unknown, treated as established,
    since the bot only lacks a join date for members who were there before it)."""
    established = age is None or age >= rules.core_min_age
    if established and (messages >= rules.core_messages or checkins >= rules.core_checkins):
        return "S"
    if messages >= rules.active_messages or checkins >= rules.active_checkins:
        return "A"
    return "C"
