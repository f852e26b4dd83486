"""stats_member_day's storage: every group message counts its sender there, so each B-tree a
row of it lives in costs the event batch's commit a page (issue 13). On SQLite the rows live
in the primary key's B-tree (WITHOUT ROWID, migration 0015), and every query of #stats and
#tag is still served by an index, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session

from db import load_all_models
from db.migrate import downgrade, upgrade
from db.session import make_engine, make_sessionmaker
from plugins.stats import queries
from plugins.stats.models import MemberDay
from tests.plans import plan_nodes

ROOM = "r1@chatroom"
DAY = date(2026, 12, 5)


def _btrees(db: Session) -> list[str]:
    """The B-trees stats_member_day's rows are written to (SQLite: entries with a root page)."""
    return sorted(name for name, in db.execute(text(
        "SELECT name FROM sqlite_master WHERE tbl_name = 'stats_member_day' AND rootpage > 0")))


def test_a_member_day_row_lives_in_two_btrees_on_sqlite(sessions):
    """A rowid table kept three (the table by rowid, the key's own index, the index by member):
    a member's first message of a day wrote a page in each, and each later message of the day
    looked the key up in one to rewrite the row in the other."""
    with sessions() as db:
        if db.get_bind().dialect.name != "sqlite":
            pytest.skip("PostgreSQL keeps a heap and its indexes whatever the table's options")
        assert _btrees(db) == ["ix_stats_member_day_room_member_day", "stats_member_day"]


def _plans(db: Session, calls: list) -> Iterator[tuple[str, list[str]]]:
    """Each statement the calls run on stats_member_day, with its plan's steps on the table."""
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "stats_member_day" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        for call in calls:
            call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(seen) == len(calls)
    conn = db.connection()
    for statement, parameters in seen:
        if conn.dialect.name == "sqlite":
            steps = [str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
            yield statement, [s for s in steps if "stats_member_day" in s]
        else:
            # a step is a scan of the table or of one of its indexes, with the index's condition
            yield statement, [f"{node['Node Type']} {node.get('Index Name', '')} {node.get('Index Cond', '')}"
                              for node in plan_nodes(conn, statement, parameters)
                              if (node.get("Relation Name") == "stats_member_day" and node["Node Type"] == "Seq Scan")
                              or "stats_member_day" in node.get("Index Name", "")]


def test_every_stats_query_of_a_room_reads_an_index_with_its_room(sessions):
    """#stats (totals, talkers, top talkers) reads a room's days by the primary key; #tag one
    member's days by (room, member, day): none reads the table or an index from its start."""
    with sessions() as db:
        for i in range(30):
            queries.count_message(db, ROOM, DAY - timedelta(days=i % 3), f"m{i}")
        # a season of this room and others: on thirty rows PostgreSQL's planner may take any
        # index (all cost the same); with real statistics it takes the one that serves the query
        db.execute(insert(MemberDay), [
            {"room_id": room, "day": DAY - timedelta(days=d), "member_id": f"w{m}", "messages": 1 + m % 7}
            for room in (ROOM, "r2@chatroom", "r3@chatroom") for d in range(3, 93) for m in range(40)])
        db.commit()
        if db.get_bind().dialect.name == "postgresql":
            db.execute(text("ANALYZE stats_member_day"))
        start = DAY - timedelta(days=7)
        sqlite = db.get_bind().dialect.name == "sqlite"
        plans = dict(_plans(db, [
            lambda: queries.totals(db, ROOM, start, DAY),
            lambda: queries.messages_by_member(db, ROOM, start, DAY),
            lambda: queries.top_talkers(db, ROOM, start, DAY, 5),
            lambda: queries.member_messages(db, ROOM, "m1", start, DAY),
        ]))
    for statement, steps in plans.items():
        assert steps, statement
        for step in steps:
            if sqlite:
                assert step.startswith("SEARCH") and "room_id=?" in step, (statement, step)
            else:
                assert "Seq Scan" not in step and "Index" in step and "room_id" in step, (statement, step)
        if "member_id =" in statement or re.search(r"member_id = [%:$]", statement):
            # one member's days: by the index that starts with the member, not every member's
            assert any("ix_stats_member_day_room_member_day" in s or "member_id=?" in s for s in steps), steps


def test_migration_0015_keeps_the_counts_and_goes_back(empty_database_url):
    """Rows counted before the rebuild are there after it and count on; a downgrade keeps them
    too (SQLite rebuilds the table both ways; PostgreSQL has nothing to change)."""
    load_all_models()
    upgrade(empty_database_url, "0014")
    engine = make_engine(empty_database_url)
    sessions = make_sessionmaker(engine)

    def counts() -> dict[tuple[date, str], int]:
        with sessions() as db:
            return {(r.day, r.member_id): r.messages for r in db.scalars(select(MemberDay))}

    def btrees() -> int:
        if engine.dialect.name != "sqlite":
            return 0
        with sessions() as db:
            return len(_btrees(db))

    try:
        with sessions() as db:
            for member in ("a", "b", "a"):
                queries.count_message(db, ROOM, DAY, member)
            queries.count_message(db, ROOM, DAY - timedelta(days=1), "a")
            db.commit()
        before = btrees()
        engine.dispose()
        upgrade(empty_database_url)
        assert counts() == {(DAY, "a"): 2, (DAY, "b"): 1, (DAY - timedelta(days=1), "a"): 1}
        with sessions() as db:
            queries.count_message(db, ROOM, DAY, "b")
            db.commit()
            assert queries.member_messages(db, ROOM, "a", DAY - timedelta(days=7), DAY) == 3
        assert btrees() == (2 if engine.dialect.name == "sqlite" else 0)
        engine.dispose()
        downgrade(empty_database_url, "0014")
        assert counts() == {(DAY, "a"): 2, (DAY, "b"): 2, (DAY - timedelta(days=1), "a"): 1}
        assert btrees() == before
    finally:
        engine.dispose()
