"""#rules 设置 … / #rules 恢复: a group's owner or admins set its core rules in chat.

The shipped three (禁止发广告、拉人、刷屏 …) are a default; a 业主群's owner typed #rules 设置
禁止发广告；业主实名；不聊政治 and was shown the shipped ones again (a simulated owner's first
hour), and owners do not edit rules.yaml. What is set here lies over the group's rules.yaml
(bot.core.live), for the welcome (greeting.rules) and #rules (moderation.rules) alike, and is
kept in the database across restarts and reloads."""

from __future__ import annotations

import re
from typing import Any

from bot.core.context import Context
from bot.core.live import settings_problem
from plugins.moderation.common import config

SET_WORDS = ("设置", "设为", "修改", "改为", "改成", "set")
RESET_WORDS = ("恢复", "默认", "reset")
# the sections that show a group's core rules: the welcome, and #rules where it has its own list
SECTIONS = ("greeting", "moderation")
_SPLIT = re.compile(r"[\n；;]+")
# 「1. …」「2、…」「①…」「第一条 …」 at the start of a rule, or between rules typed on one line
_NUMBER = re.compile(r"(?:^|\s)(?:第?[1-9一二三四五六七八九][条.、．:：)）]|[①-⑨])\s*")


def wants(args: str) -> tuple[str, str] | None:
    """(word, the rest) when `args` sets or resets the rules; None when it only asks to see them."""
    head, _, rest = args.strip().partition(" ")
    if "\n" in head:  # "#rules 设置\n1. …"
        head, _, first = head.partition("\n")
        rest = first + "\n" + rest
    word = head.lower()
    return (word, rest) if word in (*SET_WORDS, *RESET_WORDS) else None


def parse(text: str) -> list[str]:
    """The rules as typed: one per line or separated by ；, numbered or not."""
    items: list[str] = []
    for part in _SPLIT.split(text):
        items.extend(piece.strip(" 。，,") for piece in _NUMBER.split(part))
    return [item for item in items if item]


def handle(ctx: Context, word: str, rest: str) -> None:
    texts = config(ctx).texts
    assert ctx.room_id is not None
    if word in RESET_WORDS:
        for section in SECTIONS:
            _store(ctx, section, drop=("rules",))
        ctx.reply(texts.rules_reset.format(rules=numbered(shown(ctx))))
        return
    items = parse(rest)
    if not items:
        ctx.reply(texts.rules_set_usage.format(prefix=ctx.rules.bot.command_prefix))
        return
    wanted = {section: {"rules": items} for section in SECTIONS}
    problem = settings_problem(ctx.rules, ctx.room_id, wanted)
    if problem:
        ctx.reply(texts.rules_set_bad.format(problem=problem, prefix=ctx.rules.bot.command_prefix))
        return
    for section in SECTIONS:
        _store(ctx, section, values={"rules": items})
    ctx.reply(texts.rules_set.format(rules=numbered(items)))


def shown(ctx: Context) -> list[str]:
    """The rules #rules shows: the group's own list (moderation.rules), else the welcome's: the
    greeting plugin shows the same core rules to newcomers, one place to edit them."""
    items = [str(r) for r in config(ctx).rules]
    return items or [str(r) for r in getattr(getattr(ctx.group, "greeting", None), "rules", ()) or ()]


def numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {r}" for i, r in enumerate(items, 1))


def _store(ctx: Context, section: str, *, values: dict[str, Any] | None = None, drop: tuple[str, ...] = ()) -> None:
    """The rules set in chat for one section, its other chat settings kept."""
    assert ctx.control is not None and ctx.room_id is not None and ctx.message is not None
    if getattr(ctx.group, section, None) is None:
        return  # the plugin is not installed
    ctx.control.set_chat_settings(ctx.db, ctx.room_id, section, ctx.message.sender_id, values=values, drop=drop)
