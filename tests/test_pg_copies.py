"""The PostgreSQL databases the tests reuse (tests/pg_copies.py): what a test gets back is in
every way a new copy of the template, under a name no earlier test had."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from tests.pg import fresh_database
from tests.pg_copies import DATABASE_SETTINGS, SCHEMA_FINGERPRINT, TemplateCopies

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def copies(pg_server: str, pg_template: str) -> Iterator[TemplateCopies]:
    """Copies of their own for these tests (not the session's, which database_url hands out)."""
    made = TemplateCopies(pg_server, pg_template)
    yield made
    made.close()


def _engine(url: str, **kwargs):
    return create_engine(make_url(url).set(drivername="postgresql+psycopg"), **kwargs)


ROOM = "(room_id, topic, first_seen, last_seen, bot_role, managed) VALUES ('r1', '读书会', now(), now(), 'admin', true)"


def _run(url: str, *statements: str) -> None:
    engine = _engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def everything(url: str) -> dict[str, object]:
    """All a test could read from the database: every table's rows, every sequence's state,
    the schema, the database's settings."""
    name = make_url(url).database
    engine = _engine(url, poolclass=NullPool)
    admin = _engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            tables = list(conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
            found: dict[str, object] = {
                t: conn.scalar(text(f'SELECT json_agg(r ORDER BY r::text) FROM "{t}" AS r')) for t in tables}
            found["sequences"] = conn.execute(text(
                "SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename")).all()
            found["schema"] = conn.scalar(text(SCHEMA_FINGERPRINT))
        with admin.connect() as conn:
            found["settings"] = tuple(conn.execute(text(DATABASE_SETTINGS), {"name": name}).one())
    finally:
        engine.dispose()
        admin.dispose()
    return found


@pytest.fixture(scope="module")
def new_copy(pg_server: str, pg_template: str) -> dict[str, object]:
    """What a copy made from the template holds (the template does not change)."""
    with fresh_database(pg_server, template=pg_template) as url:
        return everything(url)


def _databases(copies: TemplateCopies, pg_server: str) -> list[str]:
    engine = _engine(pg_server, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)"),
                                     {"prefix": copies._prefix}))
    finally:
        engine.dispose()


def test_a_copy_given_back_is_handed_out_again_as_new_under_a_new_name(copies, new_copy, pg_server):
    made = copies.created
    with copies.copy() as first:
        assert everything(first) == new_copy
        _run(first,
             f"INSERT INTO core_room {ROOM}",
             "INSERT INTO core_setting (scope, key, value, updated_at, updated_by) "
             "VALUES ('bot', 'k', '\"v\"', now(), 'test')",
             "INSERT INTO core_case (kind, target_name, source, reason, evidence, outcome, status, created_at, "
             "updated_at) VALUES ('warn', '', 'test', '', '{}', '', 'open', now(), now())")
        # a sequence moved by a row that is gone again: the next copy must not start at 2
        engine = _engine(first, poolclass=NullPool)
        with engine.connect() as conn:
            conn.execute(text("INSERT INTO core_audit (at, action, text, reason, source, outcome) "
                              "VALUES (now(), 'send', '', '', 'test', 'sent')"))
            conn.rollback()
        engine.dispose()
        assert everything(first) != new_copy
    with copies.copy() as second:
        assert make_url(second).database != make_url(first).database
        assert everything(second) == new_copy
        assert copies.created == made  # the same database, put back: no copy made from the template
        assert _databases(copies, pg_server) == [make_url(second).database]


def test_a_connection_the_test_left_open_cannot_reach_the_next_copy(copies, new_copy):
    with copies.copy() as first:
        leaked = _engine(first, pool_pre_ping=True)  # an engine that reconnects when it can
        held = leaked.connect()
        held.execute(text("SELECT 1"))
    with pytest.raises(DBAPIError):  # ended when the copy came back
        held.execute(text("SELECT 1"))
    with copies.copy() as second:
        with pytest.raises(DBAPIError, match="does not exist"):  # not under the name it knew
            with leaked.begin() as conn:
                conn.execute(text(f"INSERT INTO core_room {ROOM}"))
        assert everything(second) == new_copy
    held.invalidate()  # its server side is gone: closed without the rollback a return to the pool does
    leaked.dispose()


CHANGES = {
    "a table added": ["CREATE TABLE extra (x int)"],
    "a column added": ["ALTER TABLE core_room ADD COLUMN x int"],
    "a table dropped": ["DROP TABLE core_room"],
    "an index added": ["CREATE INDEX core_room_topic ON core_room (topic)"],
    "a default changed": ["ALTER TABLE core_room ALTER COLUMN topic SET DEFAULT 'x'"],
    "a sequence altered": ["ALTER SEQUENCE core_case_id_seq INCREMENT BY 5"],
    "a schema added": ["CREATE SCHEMA other", "CREATE TABLE other.t (x int)"],
    "a function added": ["CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'"],
    "another revision stamped": ["UPDATE alembic_version SET version_num = 'older'"],
    "the revision deleted": ["DELETE FROM alembic_version"],
}


@pytest.mark.parametrize("statements", CHANGES.values(), ids=CHANGES.keys())
def test_a_copy_whose_schema_or_seeded_rows_changed_is_replaced(copies, new_copy, pg_server, statements):
    made = copies.created
    with copies.copy() as first:
        _run(first, *statements)
    with copies.copy() as second:
        assert copies.created == made + 1  # a new copy from the template
        assert everything(second) == new_copy
        assert _databases(copies, pg_server) == [make_url(second).database]  # the changed one is gone


@pytest.mark.parametrize("setting", ["ALLOW_CONNECTIONS false", "CONNECTION LIMIT 3", "SET timezone = 'UTC'"])
def test_a_copy_whose_database_settings_changed_is_replaced(copies, new_copy, pg_server, setting):
    made = copies.created
    with copies.copy() as first:
        name = make_url(first).database
        engine = _engine(pg_server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" {setting}'))
        engine.dispose()
    with copies.copy() as second:
        assert copies.created == made + 1
        assert everything(second) == new_copy
        assert _databases(copies, pg_server) == [make_url(second).database]
