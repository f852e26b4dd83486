"""Anti-spam's message log (antispam_message): every group message adds a row, so each of its
indexes whose key is not in arrival order costs every commit a B-tree page of its own per
message (issue 13). The log keeps two such indexes, and every query the plugin makes of it is
still served by an index, on SQLite and on PostgreSQL (migration 0013)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.orm import Session

from bot.events import MessageKind, MessageReceived
from db import repo
from plugins.antispam import replay, store
from plugins.antispam.models import StoredMessage
from tests.plans import plan_nodes

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ROOM = "r1@chatroom"


def _message(i: int, sender: str, text: str) -> MessageReceived:
    return MessageReceived(event_id=f"m{i}", room_id=ROOM, sender_id=sender, sender_name=sender, sender_alias="",
                           kind=MessageKind.TEXT, text=text, timestamp=T0)


@contextmanager
def _statements(db: Session) -> Iterator[list[tuple[str, object]]]:
    """The SQL the block runs on the session's engine, with its parameters."""
    seen: list[tuple[str, object]] = []
    engine = db.get_bind()

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "antispam_message" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _full_scans(db: Session, statement: str, parameters: object) -> list[str]:
    """The plan's steps that read the whole log (no index to narrow it)."""
    conn = db.connection()
    if conn.dialect.name == "sqlite":
        plan = [str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
        return [step for step in plan if step.startswith("SCAN antispam_message") and "INDEX" not in step]
    # an empty table: the planner would read it whole whatever its indexes; forbid that, and
    # count an index walked end to end (no condition on its first column) as the whole log too
    leading = {i["name"]: i["column_names"][0] for i in inspect(conn).get_indexes("antispam_message")}
    leading["pk_antispam_message"] = "id"
    return [f"{node['Node Type']} {node.get('Index Name', '')} {node.get('Index Cond', '')}"
            for node in plan_nodes(conn, statement, parameters)
            if (node["Node Type"] == "Seq Scan" and node.get("Relation Name") == "antispam_message")
            or (node.get("Index Name") in leading
            and not re.search(rf"\b{leading[node['Index Name']]}\b", node.get("Index Cond", "")))]


def test_the_message_log_keeps_two_indexes_out_of_arrival_order(sessions):
    """Secondary indexes of the log: by time alone (arrival order: a batch's rows share its
    last page), and two whose keys land anywhere (a page each per message). The old log had
    four of those: (room, time), (room, sender, time), (fingerprint, time), (message id)."""
    with sessions() as db:
        indexes = {tuple(i["column_names"]) for i in inspect(db.connection()).get_indexes("antispam_message")}
    assert indexes == {("at",), ("room_id", "sender_id", "at"), ("fingerprint", "at")}


OTHER_ROWS = 3000


def _a_day_of_other_rooms(db: Session) -> None:
    """The day before T0 in twenty other rooms. On six rows alone PostgreSQL's planner may read
    any index end to end (all cost the same), so what it picks says nothing of a real log: with
    a day's rows and their statistics, an index that serves a query is the one it takes."""
    db.execute(insert(StoredMessage), [
        {"room_id": f"other{i % 20}@chatroom", "message_id": f"o{i}", "sender_id": f"w{i % 97}", "kind": "text",
         "text": f"别的群第{i}条", "fingerprint": f"f{i:039d}", "at": T0 - timedelta(seconds=86_400 - i * 28)}
        for i in range(OTHER_ROWS)])


def test_every_query_of_the_message_log_is_served_by_an_index(sessions):
    """What the plugin asks of the log (a member's recent texts, a quote by a case's message id,
    by text with and without its sender, a long quote's prefix, setting a written row's case,
    the windows' warm-up, pruning, backtest's range and counts): none reads the whole log."""
    with sessions() as db:
        _a_day_of_other_rooms(db)
        stored = [store.store_message(db, _message(i, f"u{i % 3}", f"第{i}条消息"), T0 + timedelta(seconds=i))
                  for i in range(6)]
        repo.commit(db)
        if db.get_bind().dialect.name == "postgresql":
            db.execute(text("ANALYZE antispam_message"))
        with _statements(db) as seen:
            assert store.texts_since(db, ROOM, "u1", T0) == ["第4条消息", "第1条消息"]
            found = store.find_quoted(db, ROOM, "m4", "u1", "第4条消息")
            assert found is not None and found.message_id == "m4"
            assert store.find_quoted(db, ROOM, None, "u2", "第5条消息").message_id == "m5"  # type: ignore[union-attr]
            assert store.find_quoted(db, ROOM, None, None, "第3条消息").message_id == "m3"  # type: ignore[union-attr]
            assert store.find_quoted(db, ROOM, None, "u0", "第0条").message_id == "m0"  # type: ignore[union-attr]
            store.set_case(db, stored[2], 7)
            assert [r[2] for r in store.recent(db, T0 + timedelta(seconds=3))] == ["m3", "m4", "m5"]
            rows = store.messages_since(db, T0 + timedelta(seconds=4), ROOM)
            assert [r.message_id for r in rows] == ["m4", "m5"]
            assert replay._facts_at(db, rows[0], None).messages == 2
            assert store.prune_messages(db, T0 + timedelta(seconds=1)) == 1 + OTHER_ROWS
        assert db.scalar(select(StoredMessage.case_id).where(StoredMessage.message_id == "m2")) == 7
        assert len(seen) >= 10
        scans = {statement: _full_scans(db, statement, parameters) for statement, parameters in seen}
        assert {statement: steps for statement, steps in scans.items() if steps} == {}
        db.rollback()


def test_a_case_message_of_another_sender_is_not_taken_for_it(sessions):
    """A case's message is found by its id with the case's member (the index): a row with that
    id from someone else is not the quoted message (ids are the platform's, one sender each)."""
    with sessions() as db:
        store.store_message(db, _message(1, "u1", "你好"), T0)
        repo.commit(db)
        assert store.find_quoted(db, ROOM, "m1", "u1", "你好").sender_id == "u1"  # type: ignore[union-attr]
        assert store.find_quoted(db, ROOM, "m1", None, "别的").sender_id == "u1"  # type: ignore[union-attr]
        assert store.find_quoted(db, ROOM, "m1", "u2", "别的") is None
