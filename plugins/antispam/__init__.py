"""Placeholder: the antispam plugin is being written (see its issue)."""

from bot.core.plugin import Plugin


class AntispamPlugin(Plugin):
    name = "antispam"
