"""Placeholder: the checkin plugin is being written (see its issue)."""

from bot.core.plugin import Plugin


class CheckinPlugin(Plugin):
    name = "checkin"
