"""Shared fixtures. Every test that takes `database_url` runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from db import load_all_models
from db.migrate import upgrade
from db.session import make_engine, make_sessionmaker
from tests.pg import fresh_database, server_url


@pytest.fixture(scope="session")
def pg_server():
    with server_url() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    with fresh_database(request.getfixturevalue("pg_server")) as url:
        yield url


@pytest.fixture
def sessions(database_url):
    """A session factory on the database at the migrations' head (every model loaded)."""
    load_all_models()
    upgrade(database_url)
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()
