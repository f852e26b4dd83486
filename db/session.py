"""Engines and sessions.

Sessions are synchronous SQLAlchemy. The event loop's own sessions do a handful of small
indexed statements per event and must never wait long for a lock: on SQLite the loop's
engine has a short busy timeout and an event's first statement is a write (its dedupe mark),
so a lock held by another process surfaces at once as an OperationalError before anything of
the event ran, and the app retries the event asynchronously (bot/core/app.py) instead of
freezing the loop in SQLite's busy wait. Work that may wait (the durable inbox's group commits) runs in a worker
thread on its own engine with a long busy timeout (`make_engine(url, busy_timeout=...)`).
"""

from __future__ import annotations

import os

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db.nul import strip_nul_characters

DEFAULT_URL = "sqlite:///qunguan.db"

# The loop's engine: a lock held elsewhere fails fast (the caller retries without blocking).
LOOP_BUSY_TIMEOUT = 0.05
# Engines used from worker threads may wait: only that thread waits.
THREAD_BUSY_TIMEOUT = 10.0
# SQLite: the WAL file's size kept once it has been folded back (journal_size_limit), bytes.
WAL_SIZE_LIMIT = 128 * 1024 * 1024


def normalise_url(url: str | None) -> str:
    url = url or os.environ.get("QUNGUAN_DATABASE_URL") or DEFAULT_URL
    # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def loop_engine(url: str | None = None) -> Engine:
    """The engine the event loop uses: a short busy timeout, and it never runs a WAL
    checkpoint itself (a checkpoint syncs the database file: tens of milliseconds on a busy
    disk, every group frozen meanwhile). The inbox checkpoints instead (`checkpoint`)."""
    return make_engine(url, busy_timeout=LOOP_BUSY_TIMEOUT, checkpoints=False)


def make_engine(url: str | None = None, *, busy_timeout: float = THREAD_BUSY_TIMEOUT,
                checkpoints: bool = True, immediate: bool = False) -> Engine:
    """busy_timeout: how long a statement may wait for a lock held by another connection;
    the bot's loop engine passes LOOP_BUSY_TIMEOUT (tools and threads keep the long default).
    checkpoints=False: SQLite never checkpoints the WAL on this engine's commits (see
    loop_engine); some other connection must. immediate=True: every transaction takes the
    write lock at BEGIN (for a writer that waits; see thread_engine)."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": busy_timeout})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            # WAL + NORMAL: no fsync per commit (the WAL is synced at checkpoints); a power cut
            # may lose the last commits, an application crash (kill -9) loses nothing
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            if not checkpoints:
                cursor.execute("PRAGMA wal_autocheckpoint=0")
            # the WAL file is written from its start again once fully folded back; this cuts a
            # file grown larger (a busy spell, a stuck reader) back to the limit at that moment
            cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            cursor.close()
            # pysqlite opens transactions on its own and breaks SAVEPOINT (each plugin runs in
            # one); let SQLAlchemy emit BEGIN itself, as its documentation recommends
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
            # deferred: a read-only session (#status, the console) takes no write lock; an
            # event's transaction writes first (its dedupe mark), so a lock held elsewhere is
            # met before any plugin ran and the event is simply retried
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        strip_nul_characters(engine)  # SQLite would keep them; one behaviour on both databases
        return engine
    # No pre-ping (a statement per checkout, i.e. per event): a dead connection raises on use,
    # the pool drops it, and the app retries the event (storage faults, bot/core/app.py).
    # lock_timeout bounds how long a row lock held by another process can block the loop.
    options = f"-c lock_timeout={int(max(busy_timeout, 0.5) * 1000)}"
    engine = create_engine(url, pool_recycle=1800, connect_args={"options": options, "connect_timeout": 5})
    strip_nul_characters(engine)
    return engine


def thread_engine(engine: Engine) -> Engine:
    """A second engine on the same database for writes done in worker threads (the inbox's
    group commits), which may wait. Its transactions begin IMMEDIATE: a deferred one that
    met the loop's write lock would fail at once, without waiting, when the loop commits
    (SQLite's stale-snapshot rule in WAL mode), not wait its busy timeout."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "sqlite" and _in_memory(url):
        return engine  # a private in-memory database exists only on its own connection
    # No checkpoint in its commits either: one ran in the commit of the batch that crossed
    # SQLite's 1,000-page mark, and that batch's events (and every event behind it) waited for
    # the database file's sync before being dispatched: 20-160 ms, 9 to 25 times in a 70 s
    # bench.load run at 20-50 msg/s (issue 13). The inbox checkpoints beside its writes instead.
    return make_engine(url, busy_timeout=THREAD_BUSY_TIMEOUT, checkpoints=False, immediate=True)


def wal_file(engine: Engine) -> bool:
    """Whether the engine's database is an SQLite file in WAL mode (one `checkpoint` folds back)."""
    return engine.dialect.name == "sqlite" and not _in_memory(engine.url.render_as_string(hide_password=False))


def checkpoint(engine: Engine) -> tuple[int, int]:
    """Fold SQLite's WAL back into the database file, on a connection of its own outside any
    transaction (blocking: run it in a worker thread). PASSIVE: it never waits for, nor holds
    up, a writer or a reader; what it cannot fold now is folded next time. Returns the WAL's
    frames and how many of them are folded back: when all are, the next write starts the WAL
    from its beginning again; while writers keep appending, a PASSIVE checkpoint never catches
    up and the WAL grows without bound (bot/core/inbox.py folds it with the writers held then)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        row = cursor.fetchone()
        cursor.close()
    finally:
        raw.close()
    _busy, frames, folded = row if row is not None else (0, 0, 0)
    return max(frames, 0), max(folded, 0)  # -1, -1: not in WAL mode


def _in_memory(url: str) -> bool:
    database = make_url(url).database
    return not database or database == ":memory:" or "mode=memory" in url


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
