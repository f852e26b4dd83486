"""Command routing: prefix from rules.yaml, names and Chinese aliases, a minimum role per
command. Permission checks fail closed."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.plugin import CommandSpec, Plugin
from bot.core.roles import Role

# WeChat puts "@名字" + U+2005 (or a plain space) in front of a message that mentions someone;
# an admin may well type "@机器人 #status".
_LEADING_MENTIONS = re.compile(r"^(?:\s*@[^\s\u2005]+[\u2005 ])+")
_ASCII_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_FULL_WIDTH = {"#": "＃", "!": "！", "/": "／"}


# what admins type as a command that WeChat lets nobody do (WECHAT.md), and the bot text that
# says so: as hashtags these are chat from members, and the bot answers only admins
CANNOT = {**dict.fromkeys(("禁言", "解除禁言", "解禁", "全员禁言", "mute", "unmute"), "cannot_mute"),
          **dict.fromkeys(("撤回", "删除消息", "删消息", "recall"), "cannot_recall")}


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    name: str
    args: str

    @property
    def looks_like_command(self) -> bool:
        """"#helo" is a mistyped command; "#今日分享" is just a hashtag in chat."""
        return bool(_ASCII_NAME.match(self.name))


class CommandRouter:
    def __init__(self, plugins: Iterable[Plugin]) -> None:
        self._by_name: dict[str, tuple[Plugin, CommandSpec]] = {}
        self._specs: list[tuple[Plugin, CommandSpec]] = []
        for plugin in plugins:
            for spec in plugin.commands():
                for key in (spec.name, *spec.aliases):
                    if key.lower() in self._by_name:
                        raise ValueError(f"command name {key!r} is declared twice")
                    self._by_name[key.lower()] = (plugin, spec)
                self._specs.append((plugin, spec))

    @staticmethod
    def parse(text: str, prefix: str) -> ParsedCommand | None:
        body = _LEADING_MENTIONS.sub("", text).strip()
        prefixes = [prefix]
        if prefix in _FULL_WIDTH:
            prefixes.append(_FULL_WIDTH[prefix])
        for p in prefixes:
            if body.startswith(p) and len(body) > len(p):
                head, _, args = body[len(p):].partition(" ")
                if not head or head[0].isspace():
                    return None
                return ParsedCommand(head.strip().lower(), args.strip())
        return None

    def lookup(self, name: str) -> tuple[Plugin, CommandSpec] | None:
        return self._by_name.get(name.lower())

    def nearest(self, name: str, role: Role, *, private: bool = False) -> str | None:
        """The command a mistyped name most likely meant, among those the sender may use: an owner's
        #schedules met only 没有这个命令 (seen in a simulated day)."""
        names = [spec.name for spec in self.visible(role, private=private)]
        close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.75)
        return close[0] if close else None

    def visible(self, role: Role, *, private: bool = False) -> list[CommandSpec]:
        return [spec for _, spec in self._listed(role, private)]

    def visible_by_title(self, role: Role, *, private: bool = False) -> list[tuple[str, list[CommandSpec]]]:
        """The commands #help lists to a role, under each plugin's title, in the plugins' order."""
        grouped: dict[str, list[CommandSpec]] = {}
        for plugin, spec in self._listed(role, private):
            grouped.setdefault(plugin.title or plugin.name, []).append(spec)
        return list(grouped.items())

    def _listed(self, role: Role, private: bool) -> list[tuple[Plugin, CommandSpec]]:
        return [
            (plugin, spec) for plugin, spec in self._specs
            if max(spec.min_role, spec.listed_from or spec.min_role) <= role and (spec.allow_private or not private)
        ]
