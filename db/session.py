"""Engines and sessions.

Sessions are synchronous SQLAlchemy used from the asyncio loop: the bot's database work per
event is a handful of small indexed queries, SQLite is a local file, and a synchronous session
keeps plugin code and Alembic simple. Anything heavy (reports, backtests) runs outside the
event path.
"""

from __future__ import annotations

import os

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db.nul import strip_nul_characters

DEFAULT_URL = "sqlite:///qunguan.db"


def normalise_url(url: str | None) -> str:
    url = url or os.environ.get("QUNGUAN_DATABASE_URL") or DEFAULT_URL
    # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None) -> Engine:
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            # pysqlite opens transactions on its own and breaks SAVEPOINT (each plugin runs in
            # one); let SQLAlchemy emit BEGIN itself, as its documentation recommends
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
            connection.exec_driver_sql("BEGIN")

        strip_nul_characters(engine)  # SQLite would keep them; one behaviour on both databases
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    strip_nul_characters(engine)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
