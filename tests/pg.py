"""PostgreSQL for tests: the server CI starts (QUNGUAN_TEST_PG_URL), or one started here once
per session with .ci/postgres.sh; each test gets its own fresh database."""

from __future__ import annotations

import os
import shlex
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]


def _unavailable(reason: str) -> None:
    if os.environ.get("QUNGUAN_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL required (QUNGUAN_REQUIRE_PG=1) but {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@contextmanager
def server_url() -> Iterator[str]:
    """The URL of a running server, starting a throwaway one if none was given."""
    url = os.environ.get("QUNGUAN_TEST_PG_URL")
    if url:
        yield url
        return
    try:
        out = subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh")], capture_output=True, text=True,
                             timeout=300, check=True).stdout
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        _unavailable(f"could not start one: {getattr(exc, 'stderr', '') or exc}")
        return
    env = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines() if line.startswith("export "))
    try:
        yield env["QUNGUAN_TEST_PG_URL"]
    finally:
        subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh"), "stop", shlex.quote(env["QUNGUAN_TEST_PG_DIR"])],
                       check=False, timeout=60)


def _admin_engine(url: str):
    return create_engine(make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """A new, empty database on the server of `url`, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        _unavailable(f"cannot create a database at {url}: {exc}")
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
