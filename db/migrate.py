"""Alembic, driven from code: `qunguan db upgrade`, `qunguan run` on start, and the drift test.

To add a migration after changing models:

    python -c "from db.migrate import revision; revision('sqlite:///dev.db', 'add foo_bar')"

then read the generated file in migrations/versions/ (rename the revision id to the next
number, e.g. "0002", and set down_revision) and run the test suite: it fails on drift.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from db import load_all_models
from db.session import make_engine, normalise_url


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("migrations")))
    # ConfigParser interpolation would choke on '%' in passwords
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(url: str | None = None) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def check_drift(url: str | None = None) -> list[Any]:
    """Differences between the models and a database at head; [] means none."""
    metadata = load_all_models()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(ctx, metadata))
    finally:
        engine.dispose()


def revision(url: str, message: str) -> None:
    """Autogenerate a migration from the difference between the models and `url` at head."""
    upgrade(url)
    command.revision(alembic_config(url), message=message, autogenerate=True)
