"""Storage on SQLite and PostgreSQL: migrations, drift, and the core's queries."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select

from db import repo
from db.migrate import check_drift, current, downgrade, head, upgrade
from db.models import AuditEntry
from db.session import make_engine, make_sessionmaker
from tests.pg import fresh_database

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def sessions(database_url):
    upgrade(database_url)
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def test_upgrade_head_and_no_drift(database_url):
    upgrade(database_url)
    assert current(database_url) == head() is not None
    assert check_drift(database_url) == []
    engine = make_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"core_seen_event", "core_audit", "core_setting", "core_room", "core_sent_message"} <= tables


def test_downgrade_to_base_and_up_again(database_url):
    upgrade(database_url)
    downgrade(database_url, "base")
    engine = make_engine(database_url)
    assert "core_audit" not in inspect(engine).get_table_names()
    engine.dispose()
    upgrade(database_url)
    assert check_drift(database_url) == []


def test_mark_seen_once(sessions):
    with sessions() as db:
        assert repo.mark_seen(db, "m1", "r1", T0)
        assert not repo.mark_seen(db, "m1", "r1", T0)
        db.commit()
    with sessions() as db:
        assert not repo.mark_seen(db, "m1", "r1", T0)
        assert repo.prune_seen(db, T0 + timedelta(seconds=1)) == 1
        assert repo.mark_seen(db, "m1", "r1", T0)


@pytest.fixture
def pg_database(pg_server):
    with fresh_database(pg_server) as url:
        yield url


def test_mark_seen_is_race_safe_across_engines(pg_database):
    """Bot processes sharing one PostgreSQL database: exactly one claims each event. (One SQLite
    file belongs to one process, so this is a PostgreSQL concern.)"""
    upgrade(pg_database)
    engines = [make_engine(pg_database) for _ in range(4)]
    wins: list[bool] = []
    barrier = threading.Barrier(len(engines))

    def claim(engine) -> None:
        with make_sessionmaker(engine)() as db:
            barrier.wait()
            won = repo.mark_seen(db, "same-event", None, T0)
            db.commit()
            wins.append(won)

    threads = [threading.Thread(target=claim, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in engines:
        e.dispose()
    assert sorted(wins) == [False, False, False, True]


def test_aware_utc_round_trip(sessions):
    shanghai = datetime(2026, 3, 1, 20, 30, tzinfo=UTC).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    with sessions() as db:
        db.add(AuditEntry(at=shanghai, room_id="r", action="Reply", source="t", outcome="done"))
        db.commit()
    with sessions() as db:
        at = db.scalar(select(AuditEntry.at))
    assert at == shanghai and at.tzinfo is not None and at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(sessions):
    with sessions() as db:
        db.add(AuditEntry(at=datetime(2026, 1, 1), room_id="r", action="Reply", source="t", outcome="done"))
        with pytest.raises(Exception, match="naive"):
            db.commit()


def test_settings(sessions):
    with sessions() as db:
        assert repo.get_setting(db, "global", "dry_run", "unset") == "unset"
        repo.put_setting(db, "global", "dry_run", True, "op", T0)
        repo.put_setting(db, "r1", "dry_run", False, "owner", T0)
        repo.put_setting(db, "global", "dry_run", False, "op", T0 + timedelta(1))
        db.commit()
    with sessions() as db:
        assert repo.settings_by_key(db, "dry_run") == {"global": False, "r1": False}


def test_name_history_records_changes_only(sessions):
    with sessions() as db:
        assert repo.note_name(db, "u1", "alias", "小A", T0, room_id="r1")
        assert not repo.note_name(db, "u1", "alias", "小A", T0 + timedelta(1), room_id="r1")
        assert repo.note_name(db, "u1", "alias", "上海-小A", T0 + timedelta(2), room_id="r1")
        assert repo.note_name(db, "u1", "alias", "小A", T0 + timedelta(3), room_id="r1")
        assert repo.note_name(db, "u1", "name", "alice", T0)
        db.commit()


def test_last_sent_is_the_newest(sessions):
    with sessions() as db:
        repo.record_sent(db, "r1", "m1", "welcome", T0)
        repo.record_sent(db, "r1", "m2", "welcome", T0 + timedelta(minutes=1))
        repo.record_sent(db, "r1", "m3", "warning", T0 + timedelta(minutes=2))
        repo.record_sent(db, "r2", "m4", "welcome", T0 + timedelta(minutes=3))
        db.commit()
        assert repo.last_sent(db, "r1", "welcome") == "m2"
        assert repo.last_sent(db, "r3", "welcome") is None


def test_room_upsert(sessions):
    with sessions() as db:
        repo.upsert_room(db, "r1", "读书会", "admin", True, T0)
        repo.upsert_room(db, "r1", "读书会（新）", "owner", True, T0 + timedelta(1))
        db.commit()
        from db.models import KnownRoom
        room = db.get(KnownRoom, "r1")
        assert (room.topic, room.bot_role, room.first_seen) == ("读书会（新）", "owner", T0)
