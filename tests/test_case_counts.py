"""cases.count_by_kind counts in the database, on SQLite and PostgreSQL, by kind as owners read it:
a reminder apart from a warning, a removal only proposed apart from one carried out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from bot.core import cases
from db.migrate import upgrade
from db.models import Case
from db.session import make_engine, make_sessionmaker

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_reminders_and_proposals_are_counted_apart(sessions):
    opened = [
        ("warn", "done", {}), ("warn", "done", {cases.REMINDED: True}), ("warn", "done", {cases.REMINDED: True}),
        ("kick", "done", {}), ("kick", "pending", {cases.ASKED_ADMINS: True}),
        ("kick", "asked_owner", {cases.ASKED_ADMINS: True}),
        ("kick", "removed_by_owner", {cases.ASKED_ADMINS: True}),  # the owner removed by hand: a removal
        ("ban", "done", {cases.REMINDED: True}),  # the flag belongs to warnings only
        ("warn", "shadow", {cases.REMINDED: True}),  # did nothing by design: not counted
    ]
    with sessions() as db:
        for kind, outcome, evidence in opened:
            cases.open_case(db, room_id="r", kind=kind, target_id="m", source="antispam", at=AT, reason="广告",
                            outcome=outcome, evidence=evidence)
        db.commit()
        counts = cases.count_by_kind(db, "r", AT - timedelta(days=1), AT + timedelta(days=1),
                                     ("warn", "kick", "ban"))
    assert counts == {"warn": 1, "remind": 2, "kick": 2, "propose": 2, "ban": 1}


def test_the_count_reads_no_evidence(sessions):
    """A plain GROUP BY over columns: a JSON read of every case's evidence made the console's
    year of stats over 20 groups 0.22 s against 0.12 (bench.console, migration 0014)."""
    statements: list[str] = []
    with sessions() as db:
        cases.open_case(db, room_id="r", kind="warn", target_id="m", source="antispam", at=AT,
                        evidence={cases.REMINDED: True}, outcome="done")
        db.commit()

        def seen(conn, cursor, sql, *rest):
            statements.append(sql)

        event.listen(db.get_bind(), "before_cursor_execute", seen)
        try:
            counts = cases.count_by_kind(db, "r", AT - timedelta(days=1), AT + timedelta(days=1), ("warn",))
        finally:
            event.remove(db.get_bind(), "before_cursor_execute", seen)
    assert counts == {"remind": 1}
    counted = [sql for sql in statements if "count(" in sql.lower()]
    assert counted and not any("evidence" in sql for sql in counted)


def test_evidence_added_later_is_counted_as_it_reads(sessions):
    """The column follows the evidence on every write: a removal the bot first carried out and
    a warning whose evidence gains the flag later are counted as #cases tells them."""
    with sessions() as db:
        warn = cases.open_case(db, room_id="r", kind="warn", target_id="m", source="antispam", at=AT, outcome="done")
        kick = cases.open_case(db, room_id="r", kind="kick", target_id="m", source="antispam", at=AT,
                               outcome="pending", evidence={cases.ASKED_ADMINS: True})
        db.commit()
        cases.add_evidence(db, warn.id, {cases.REMINDED: True}, None, AT)
        cases.record_outcome(db, kick.id, "removed_by_owner", AT)
        db.commit()
        window = (AT - timedelta(days=1), AT + timedelta(days=1))
        assert cases.count_by_kind(db, "r", *window, ("warn", "kick")) == {"remind": 1, "kick": 1}
        cases.add_evidence(db, warn.id, {cases.REMINDED: False}, None, AT)
        db.commit()
        assert cases.count_by_kind(db, "r", *window, ("warn", "kick")) == {"warn": 1, "kick": 1}


def test_migration_0014_reads_the_kind_from_the_evidence_there_is(empty_database_url):
    """Cases written before the column existed are counted as before: the migration fills it
    from their evidence, on SQLite and PostgreSQL."""
    upgrade(empty_database_url, "0013")
    engine = make_engine(empty_database_url)
    table = Case.__table__  # the columns of 0013 only: shown_kind is not named below
    opened = [("warn", "done", {}), ("warn", "done", {cases.REMINDED: True}), ("warn", "done", {cases.REMINDED: True}),
              ("kick", "done", {}), ("kick", "pending", {cases.ASKED_ADMINS: True}),
              ("kick", "asked_owner", {cases.ASKED_ADMINS: True, "text": "加微信"}),
              ("kick", "removed_by_owner", {cases.ASKED_ADMINS: True}),
              ("ban", "done", {cases.REMINDED: True}), ("spam", "done", {cases.REMINDED: "yes"}),
              ("warn", "done", {cases.REMINDED: False})]
    try:
        with engine.begin() as conn:
            conn.execute(table.insert(), [
                {"room_id": "r", "kind": kind, "target_id": "m", "target_name": "", "source": "antispam",
                 "reason": "", "outcome": outcome, "status": "open", "created_at": AT,
                 "updated_at": AT, "evidence": evidence} for kind, outcome, evidence in opened])
    finally:
        engine.dispose()
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with make_sessionmaker(engine)() as db:
            stored = db.execute(sa.select(Case.kind, Case.shown_kind).order_by(Case.id)).all()
            counts = cases.count_by_kind(db, "r", AT - timedelta(days=1), AT + timedelta(days=1),
                                         ("warn", "kick", "ban", "spam"))
    finally:
        engine.dispose()
    assert [shown for _, shown in stored] == [None, "remind", "remind", None, "propose", "propose", "propose",
                                              None, None, None]
    assert counts == {"warn": 2, "remind": 2, "kick": 2, "propose": 2, "ban": 1, "spam": 1}


def test_the_count_reads_the_index_alone(sessions):
    """What the count groups and filters by is in the (room, created_at) index: SQLite answers it
    from the index without reading each case's row (with its evidence): a year of 20 groups'
    counts 112 → 38 CPU-ms (migration 0014)."""
    with sessions() as db:
        if db.get_bind().dialect.name != "sqlite":
            pytest.skip("SQLite's plan names a covering index; PostgreSQL's depends on its visibility map")
        statement = []

        def seen(conn, cursor, sql, params, *rest):
            statement.append((sql, params))

        event.listen(db.get_bind(), "before_cursor_execute", seen)
        try:
            cases.count_by_kind(db, "r", AT - timedelta(days=1), AT + timedelta(days=1), ("warn", "kick"))
        finally:
            event.remove(db.get_bind(), "before_cursor_execute", seen)
        sql, params = statement[-1]
        plan = " ".join(str(row[-1]) for row in db.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "COVERING INDEX ix_core_case_room_created" in plan, plan
