"""#nick 格式 / 关闭 / 开启 / 恢复: a group's owner or admins set the nickname pattern in chat.

The shipped pattern (城市-行业-昵称) suits a trade group; a class's parents are asked for
孩子姓名-家长, a dance team for something else. Played as a class teacher's group: the teacher
asked the parents in chat for 孩子名字+爸爸/妈妈 and the bot's welcome went on asking them for
城市-行业-昵称, and a teacher does not edit rules.yaml. What is set here lies over the group's
rules.yaml section (bot.core.live) and is kept in the database across restarts and reloads."""

from __future__ import annotations

import re
from typing import Any

from bot.core.context import Context
from bot.core.live import ALL_FIELDS, settings_problem
from plugins.newcomers.config import NicknameConfig
from plugins.newcomers.templates import render

SECTION = "nickname"
FORMAT_WORDS = ("格式", "format", "pattern")
OFF_WORDS = ("关闭", "关", "off", "停止")
ON_WORDS = ("开启", "开", "on", "打开")
RESET_WORDS = ("恢复", "reset", "默认")
# 「孩子姓名-家长 例 王小明-妈妈」, 「… 例如：王小明-妈妈」, 「… example 王小明-妈妈」
# (the Latin words whole: the "eg" of a pattern's Region-Name is no marker)
_EXAMPLE = re.compile(r"\s*[（(]?\s*(?:例如|示例|比如|例|(?<![a-z])(?:example|e\.?g\.?)(?![a-z]))\s*[:：]?\s*",
                      re.IGNORECASE)


def wants(sub: str) -> bool:
    return sub.lower() in (*FORMAT_WORDS, *OFF_WORDS, *ON_WORDS, *RESET_WORDS)


def handle(ctx: Context, config: NicknameConfig, sub: str, rest: str) -> None:
    texts, word = config.texts, sub.lower()
    assert ctx.room_id is not None and ctx.message is not None
    chat = dict(ctx.rules.chat_settings(ctx.room_id).get(SECTION, {}))
    if word in RESET_WORDS:
        _store(ctx, drop=(ALL_FIELDS,))
        after: NicknameConfig = ctx.config(SECTION)  # with what was just stored
        ctx.reply(render(texts.format_reset, pattern=after.pattern, example=after.example))
    elif word in OFF_WORDS:
        _store(ctx, values={"enabled": False})
        ctx.reply(render(texts.turned_off, prefix=ctx.rules.bot.command_prefix))
    elif word in ON_WORDS:
        _store(ctx, drop=("enabled",))
        after = ctx.config(SECTION)
        ctx.reply(render(texts.turned_on, pattern=after.pattern, example=after.example))
    elif not rest.strip():
        shown = texts.format_show_chat if {"pattern", "example"} & chat.keys() else texts.format_show
        ctx.reply(render(shown, pattern=config.pattern, example=config.example, prefix=ctx.rules.bot.command_prefix))
    else:
        pattern, example = _pattern_and_example(rest)
        if not pattern or not example:
            ctx.reply(render(texts.format_usage, pattern=pattern, prefix=ctx.rules.bot.command_prefix))
            return
        values = {"pattern": pattern, "example": example, "regex": ""}
        problem = settings_problem(ctx.rules, ctx.room_id, {SECTION: {**chat, **values}}, too_long="格式或示例太长了")
        if problem:
            ctx.reply(render(texts.format_bad, problem=problem, prefix=ctx.rules.bot.command_prefix))
            return
        _store(ctx, values=values)
        ctx.reply(render(texts.format_set, pattern=pattern, example=example, prefix=ctx.rules.bot.command_prefix))


def _pattern_and_example(text: str) -> tuple[str, str]:
    """「孩子姓名-家长 例 王小明-妈妈」 or two words 「孩子姓名-家长 王小明-妈妈」."""
    text = text.strip()
    parts = _EXAMPLE.split(text, maxsplit=1)
    if len(parts) == 2:
        return parts[0].strip(), parts[1].strip().rstrip("）)").strip()
    words = text.split()
    return (words[0], words[1]) if len(words) == 2 else (text, "")


def _store(ctx: Context, *, values: dict[str, Any] | None = None, drop: tuple[str, ...] = ()) -> None:
    assert ctx.control is not None and ctx.room_id is not None and ctx.message is not None
    ctx.control.set_chat_settings(ctx.db, ctx.room_id, SECTION, ctx.message.sender_id, values=values, drop=drop)
