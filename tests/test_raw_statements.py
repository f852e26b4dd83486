"""The per-message statements on the driver's own cursor (db.raw): SQLAlchemy's conversions,
its errors and the engine's statement listeners, at a fraction of its cost (issue 13)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy import exc as sa_exc

import plugins.newcomers.nickname  # noqa: F401  (declares the nickname.status sender fact)
from bot.core import members
from db import load_all_models, repo
from db.migrate import upgrade
from db.models import NameHistory
from db.session import loop_engine, make_sessionmaker

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def sqlite_engine(tmp_path):
    load_all_models()
    url = f"sqlite:///{tmp_path / 'raw.db'}"
    upgrade(url)
    engine = loop_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(database_url):
    load_all_models()
    upgrade(database_url)
    engine = loop_engine(database_url)
    yield engine
    engine.dispose()


def _count(engine, name):
    seen: list[str] = []
    event.listen(engine, name, lambda *args, **kw: seen.append(name))
    return seen


def test_a_group_messages_claim_runs_below_sqlalchemy_and_reads_back_the_same_facts(engine):
    """SQLAlchemy's execution (before_execute) is skipped; the cursor-level listeners (NUL
    stripping, the benchmarks' counts) still see each statement; datetimes come back as UTC
    datetimes and booleans as bools, as through SQLAlchemy."""
    executed = _count(engine, "before_execute")
    cursor = _count(engine, "before_cursor_execute")
    with make_sessionmaker(engine)() as db:
        db.connection()  # BEGIN is not counted below
        executed.clear()
        cursor.clear()
        first = members.claim_message(db, "m1", "r1", "u1", T0, names=[("u1", "name", "小明", None)])
        second = members.claim_message(db, "m2", "r1", "u1", T0 + timedelta(minutes=1),
                                       names=[("u1", "name", "小明", None)])
        duplicate = members.claim_message(db, "m2", "r1", "u1", T0 + timedelta(minutes=2))
        assert executed == [], "the hot statements went through SQLAlchemy's execution"
        # SQLite: two claims of two statements (the sender's upsert where the event is unseen, the
        # name), the duplicate none (claimed in this transaction); PostgreSQL: one each
        assert len(cursor) == (4 if engine.dialect.name == "sqlite" else 3)
        db.commit()
        assert duplicate is None
        assert first is not None and second is not None
        assert second.first_seen == T0 and second.first_seen.tzinfo is not None
        assert second.last_message_at == T0 + timedelta(minutes=1)
        assert second.messages == 2 and second.established is False and type(second.established) is bool
        assert second.joined_at is None and second.left_at is None
        assert second.plugin_facts == {"nickname.status": None}
        assert members.facts(db, "r1", "u1") == second
        # the name was recorded once: the second time it had not changed
        assert db.scalars(select(NameHistory.value).where(NameHistory.subject_id == "u1")).all() == ["小明"]


def test_nul_characters_are_still_dropped_from_parameters(engine):
    with make_sessionmaker(engine)() as db:
        assert repo.note_name(db, "u1", "alias", "小\x00明", T0, room_id="r1")
        db.commit()
        assert db.scalar(select(NameHistory.value).where(NameHistory.subject_id == "u1")) == "小明"


def test_a_lock_held_elsewhere_is_still_sqlalchemys_operational_error(sqlite_engine, tmp_path):
    """The app retries an event whose storage failed (bot.core.inbox.STORAGE_ERRORS): a write
    lock held by another process must surface as sqlalchemy's OperationalError, not sqlite3's."""
    other = sqlite3.connect(tmp_path / "raw.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with make_sessionmaker(sqlite_engine)() as db, pytest.raises(sa_exc.OperationalError, match="locked"):
            repo.mark_seen(db, "m1", "r1", T0)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_statement_the_cursor_path_cannot_compile_is_left_to_sqlalchemy(sqlite_engine, monkeypatch):
    """db.raw reads SQLAlchemy's compiled internals; under another 2.x where they differ, the
    statements still run, through SQLAlchemy's execution, with the same results."""
    from db import raw

    def broken(stmt, dialect):
        raise AttributeError("'SQLCompiler' object has no attribute '_bind_processors'")

    monkeypatch.setattr(raw, "_compile", broken)
    monkeypatch.setattr(raw, "_COMPILED", type(raw._COMPILED)())
    executed = _count(sqlite_engine, "before_execute")
    with make_sessionmaker(sqlite_engine)() as db:
        facts = members.claim_message(db, "m1", "r1", "u1", T0, names=[("u1", "name", "小明", None)])
        db.commit()
        assert facts is not None and facts.messages == 1 and facts.first_seen == T0
        assert members.claim_message(db, "m1", "r1", "u1", T0) is None  # the dedupe mark held
    assert executed, "the statements went through SQLAlchemy's execution"
