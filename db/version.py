"""Whether a database is at the shipped schema, found without importing Alembic.

Every start migrates the database to head (bot/runtime.py), and the database is nearly always
there already. Importing Alembic and reading its script directory only to learn that cost about
a quarter of a CPU-second of each start on a busy machine (`python -X importtime`). The history
is one linear chain with ids "0001", "0002", … that start the file names (db/migrate.py), so the
head is the highest number; tests/test_db.py checks it against Alembic's own answer.

An empty database (the first start, every benchmark and most tests) is built here too, from the
models, and stamped at head: Alembic's own recipe for a new database ("Building an Up to Date
Database from Scratch": create_all, then stamp head). Running the twelve migrations instead
imported Alembic and Mako (and Pygments where installed) into the bot's process for good: 9 MB
of its memory (15 MB with Pygments), for nothing a restart would not drop. tests/test_db.py
checks that a database built so is the migrated one: no drift, and every migration downgrades
and upgrades it again. A database behind head still goes through Alembic.
"""

from __future__ import annotations

from importlib import resources

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, inspect, text

from db.session import make_engine


def shipped_head() -> str:
    """The newest revision id in the installed `migrations/versions`."""
    versions = resources.files("migrations").joinpath("versions")
    ids = [entry.name[:4] for entry in versions.iterdir()
           if entry.name.endswith(".py") and entry.name[:4].isdigit() and entry.name[4:5] == "_"]
    return max(ids)


def at_head(url: str | None = None) -> bool:
    """True when the database's Alembic version is exactly the shipped head (False for an
    empty database, an older one, or one a newer release has migrated)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return False
            versions = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        return versions == [shipped_head()]
    finally:
        engine.dispose()


def _alembic_version_table() -> Table:
    # as Alembic creates it (alembic.runtime.migration), in metadata of its own: it is not a model
    return Table("alembic_version", MetaData(), Column("version_num", String(32), nullable=False),
                 PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))


def build_if_empty(url: str | None = None) -> bool:
    """On a database with no tables at all, create the shipped schema from the models and stamp
    it at head, in one transaction, without Alembic; True if it did. Any table there (an older
    schema, a half-built one, someone else's) is left to Alembic: False."""
    from db import load_all_models

    metadata = load_all_models()
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if inspect(conn).get_table_names():
                return False
            metadata.create_all(conn)
            version = _alembic_version_table()
            version.create(conn)
            conn.execute(version.insert().values(version_num=shipped_head()))
        return True
    finally:
        engine.dispose()
