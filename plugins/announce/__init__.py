"""Placeholder: the announce plugin is being written (see its issue)."""

from bot.core.plugin import Plugin


class AnnouncePlugin(Plugin):
    name = "announce"
