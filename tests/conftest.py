"""Shared fixtures. Every test that takes `database_url` (or `empty_database_url`) runs on
SQLite and on PostgreSQL.

`database_url` is a database of the test's own at the shipped schema, copied from one built
once per test process the way a first start builds it (db.version.build_if_empty): building
it in each test cost a PostgreSQL test ~0.3 s. The start then finds it at head, as every
start but the first does. On PostgreSQL the copy is one the previous test of the process
had, put back at the template's state under a new name (tests/pg_copies.py): creating and
dropping a copy per test cost ~0.17 s each. Tests of that first build and of migrations take
`empty_database_url`, a database with no table at all."""

from __future__ import annotations

import shutil

import pytest

from db import load_all_models
from db.migrate import upgrade
from db.session import loop_engine, make_engine, make_sessionmaker
from db.version import build_if_empty
from tests.pg import built_template, fresh_database, server_url
from tests.pg_copies import TemplateCopies


@pytest.fixture(scope="session")
def pg_server():
    with server_url() as url:
        yield url


@pytest.fixture(scope="session")
def pg_template(pg_server):
    with built_template(pg_server) as name:
        yield name


@pytest.fixture(scope="session")
def pg_copies(pg_server, pg_template):
    copies = TemplateCopies(pg_server, pg_template)
    yield copies
    copies.close()  # before the template is dropped


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "built.db"
    build_if_empty(f"sqlite:///{path}")
    # its engine is disposed: the write-ahead log is folded back, the file alone is the database
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp_path / "test.db")
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    with request.getfixturevalue("pg_copies").copy() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    with fresh_database(request.getfixturevalue("pg_server")) as url:
        yield url


@pytest.fixture
def storage_retries_soon(monkeypatch):
    """Failed writes are retried at most 0.5 s apart instead of backing off to 5 s
    (Backoff.maximum): a test of an outage needs the retries and the backing off, not a wait
    of up to 5 s for the retry after the fault is gone (~3 s of each such test). The grace
    before the operator is told (StorageHealth.grace, 2 s) is left as shipped."""
    from bot.core import inbox

    real = inbox.Backoff.__init__

    def sooner(self, initial: float = 0.05, maximum: float = 5.0) -> None:
        real(self, initial, min(maximum, 0.5))

    monkeypatch.setattr(inbox.Backoff, "__init__", sooner)


@pytest.fixture
def loop_sessions(database_url):
    """A session factory on the loop's engine (db.session.loop_engine: the one the app's event
    batch commits through), on the database at the migrations' head."""
    load_all_models()
    upgrade(database_url)
    engine = loop_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def sessions(database_url):
    """A session factory on the database at the migrations' head (every model loaded)."""
    load_all_models()
    upgrade(database_url)
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()
