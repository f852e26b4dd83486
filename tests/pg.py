"""PostgreSQL for tests.

`pg_url_or_skip()` gives the URL of a server: the one CI started (QUNGUAN_TEST_PG_URL, see
.ci/postgres.sh), or else a throwaway one this test session starts once with that same script
and stops at the end. When neither works the test is skipped with the reason, or fails if
QUNGUAN_REQUIRE_PG=1 (CI sets it: a PostgreSQL test must never pass by not running).

`fresh_database(url)` then gives each test its own empty database on that server, dropped
afterwards, so tests never share state and can run in any order.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "postgres.sh"

# the server this process started, if any: {"url": ..., "dir": ...}; or why it could not
_started: dict[str, str] = {}
_failure: list[str] = []


def _unavailable(reason: str) -> None:
    if os.environ.get("QUNGUAN_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL is required (QUNGUAN_REQUIRE_PG=1) but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason} (set QUNGUAN_TEST_PG_URL, or install postgresql)")


def _start_server() -> None:
    # never apt-get from a test run: a missing server is a skip (or a failure in CI), not an install
    env = {**os.environ, "QUNGUAN_PG_NO_INSTALL": "1"}
    try:
        proc = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=120, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _failure.append(f"{SCRIPT.name} could not start a server: {exc}")
        return
    exports = dict(line.removeprefix("export ").split("=", 1)
                   for line in proc.stdout.splitlines() if line.startswith("export "))
    if proc.returncode != 0 or "QUNGUAN_TEST_PG_URL" not in exports:
        tail = " | ".join(proc.stderr.strip().splitlines()[-5:])
        _failure.append(f"{SCRIPT.name} could not start a server (exit {proc.returncode}): {tail}")
        return
    _started.update(url=exports["QUNGUAN_TEST_PG_URL"], dir=exports["QUNGUAN_TEST_PG_DIR"])
    atexit.register(stop_server)  # also when the session ends without fixture teardown


def pg_url_or_skip() -> str:
    """The URL of a PostgreSQL server for tests (see the module docstring); skips or fails."""
    url = os.environ.get("QUNGUAN_TEST_PG_URL")
    if url:
        return url
    if not _started and not _failure:
        _start_server()  # once per process: a failure is remembered, not retried per test
    if _failure:
        _unavailable(_failure[0])
    return _started["url"]


def stop_server() -> None:
    """Stop the server pg_url_or_skip() started, if it started one."""
    if _started:
        subprocess.run(["bash", str(SCRIPT), "stop", _started.pop("dir")], check=False, timeout=60,
                       capture_output=True)
        _started.clear()


@contextmanager
def server_url() -> Iterator[str]:
    """pg_url_or_skip() for a session-scoped fixture: a server started here stops at its end."""
    url = pg_url_or_skip()
    try:
        yield url
    finally:
        stop_server()


def _admin_engine(url: str) -> Engine:
    # CREATE/DROP DATABASE cannot run in a transaction; no pool, so nothing stays connected
    return create_engine(make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT",
                         poolclass=NullPool)


@contextmanager
def fresh_database(url: str, template: str | None = None) -> Iterator[str]:
    """The URL of a new database on the server of `url`, dropped afterwards: empty, or a copy
    of the database named `template` (which must have no connection open)."""
    name = f"qunguan_t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(url)
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    except Exception as exc:
        _unavailable(f"cannot create a database on {make_url(url).render_as_string()}: {exc}")
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            with admin.connect() as conn:
                # FORCE: a test that left a connection open must not leak its database
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        except Exception as exc:  # the server went away; the test itself says why
            warnings.warn(f"could not drop test database {name}: {exc}", stacklevel=2)


@contextmanager
def built_template(url: str) -> Iterator[str]:
    """The name of a database on the server of `url` at the shipped schema, built as a first
    start builds it (db.version.build_if_empty), for fresh_database(url, template=...): a copy
    costs the server a file copy, where building the schema in each test's database cost every
    PostgreSQL test ~0.3 s (a third of its set-up on a busy machine)."""
    from db.version import build_if_empty

    with fresh_database(url) as built:
        build_if_empty(built)  # its engine is disposed: a template must have no connection open
        yield make_url(built).database or ""
