"""Placeholder: the moderation plugin is being written (see its issue)."""

from bot.core.plugin import Plugin


class ModerationPlugin(Plugin):
    name = "moderation"
