"""PostgreSQL's plan of a statement, read by the tests that ask whether a query is served by an
index (test_antispam_message_log, test_stats_storage)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection


def plan_nodes(conn: Connection, statement: str, parameters: object) -> list[dict]:
    """Every node of the statement's plan, with sequential scans off (on a small table the planner
    would read it whole whatever its indexes) for the rest of the transaction."""
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    return list(_walk(plan[0]["Plan"]))


def _walk(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)
