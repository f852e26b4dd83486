"""The plugin list: explicit and ordered. Order is the order plugins see each event in.

No directory scanning and no import-time registration: a plugin runs only if it is listed
here, and its rules.yaml section is its `name`. Modules imported here also define their
tables on db.base.Base, which is how Alembic sees them.
"""

from __future__ import annotations

from bot.core.plugin import Plugin


def default_plugins() -> list[Plugin]:
    return []
