"""Placeholder: the stats plugin is being written (see its issue)."""

from bot.core.plugin import Plugin


class StatsPlugin(Plugin):
    name = "stats"
