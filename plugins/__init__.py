"""The plugin list: explicit and ordered. Order is the order plugins see each event in.

No directory scanning and no import-time registration: a plugin runs only if it is listed
here, and its rules.yaml section is its `name`. Importing a plugin package also defines its
tables on db.base.Base, which is how Alembic sees them.
"""

from __future__ import annotations

from bot.core.plugin import Plugin
from plugins.announce import AnnouncePlugin
from plugins.antispam import AntispamPlugin
from plugins.checkin import CheckinPlugin
from plugins.moderation import ModerationPlugin
from plugins.newcomers import GreetingPlugin, NicknamePlugin
from plugins.stats import StatsPlugin


def default_plugins() -> list[Plugin]:
    return [
        ModerationPlugin(),  # blacklist on join, admin commands, reports, appeals
        AntispamPlugin(),
        GreetingPlugin(),
        NicknamePlugin(),
        CheckinPlugin(),
        AnnouncePlugin(),
        StatsPlugin(),  # counts everything the others saw
    ]


def cli_commands() -> list:
    """Extra `qunguan` subcommands contributed by plugins (click commands). Kept cheap to
    import: a command loads its heavy parts when it runs."""
    from plugins.antispam.cli import COMMANDS

    return list(COMMANDS)
