"""Alembic, driven from code: `qunguan db upgrade`, `qunguan run` on start, and the drift test.

No alembic.ini is needed at run time: the Config is built here and points at the `migrations`
package, which ships in the wheel.

Adding a migration (one linear history, ids "0001", "0002", ...):

1. change the models (core tables in db/models.py, a plugin's in its own module, listed in
   plugins/__init__.py so that `load_all_models()` sees it);
2. autogenerate against a scratch database brought to head (a temporary SQLite file by default):

       .venv/bin/python -c "from db.migrate import revision; revision(None, 'add foo_bar')"

   which writes migrations/versions/<next number>_add_foo_bar.py and prints its path;
3. read it: autogenerate misses renames (it drops and adds), server defaults and data moves; keep
   batch_alter_table blocks (SQLite needs them, PostgreSQL runs them as plain ALTERs);
   `ruff check --fix migrations`;
4. run the tests on both databases: tests/test_db.py fails on drift between models and
   migrations and checks that downgrade works.
"""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from db import load_all_models
from db.session import make_engine, normalise_url


def script_location() -> Path:
    """The installed `migrations` package directory (env.py, script.py.mako, versions/)."""
    return Path(str(resources.files("migrations")))


def alembic_config(url: str | None = None) -> Config:
    """A Config for `url` (None: QUNGUAN_DATABASE_URL or the default SQLite file)."""
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    # Config values go through ConfigParser interpolation, which would choke on '%' in passwords
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def head() -> str | None:
    """The newest revision in the shipped history."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(url: str | None = None) -> str | None:
    """The revision the database is at; None for an empty database."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def check_drift(url: str | None = None) -> list[Any]:
    """Upgrade `url` to head, then list the differences between the models and that schema
    (alembic's compare_metadata); [] means the migrations build exactly what the models say.
    Meant for a scratch or test database: it migrates the one it is given."""
    upgrade(url)
    metadata = load_all_models()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(ctx, metadata))
    finally:
        engine.dispose()


def next_revision_id() -> str:
    """'0001', '0002', ...: short ids that sort like the history they name."""
    numbers = [int(s.revision) for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()
               if s.revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def revision(url: str | None, message: str) -> str:
    """Autogenerate the next migration from the difference between the models and `url` brought
    to head (None: a temporary SQLite file). Returns the new file's path; review it before use."""
    with tempfile.TemporaryDirectory() as scratch:
        url = url or f"sqlite:///{Path(scratch) / 'revision.db'}"
        upgrade(url)
        script = command.revision(alembic_config(url), message=message, autogenerate=True,
                                  rev_id=next_revision_id())
    path = getattr(script, "path", None)
    return str(path) if path is not None else ""
