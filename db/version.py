"""Whether a database is at the shipped schema, found without importing Alembic.

Every start migrates the database to head (bot/runtime.py), and the database is nearly always
there already. Importing Alembic and reading its script directory only to learn that cost about
a quarter of a CPU-second of each start on a busy machine (`python -X importtime`). The history
is one linear chain with ids "0001", "0002", … that start the file names (db/migrate.py), so the
head is the highest number; tests/test_db.py checks it against Alembic's own answer.
"""

from __future__ import annotations

from importlib import resources

from sqlalchemy import inspect, text

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
