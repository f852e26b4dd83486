"""Placeholder: the greeting and nickname plugins are being written (see their issue)."""

from bot.core.plugin import Plugin


class GreetingPlugin(Plugin):
    name = "greeting"


class NicknamePlugin(Plugin):
    name = "nickname"
