"""Small queries on the core tables, so SQL stays out of the core."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    CursorResult,
    Engine,
    Text,
    and_,
    bindparam,
    delete,
    event,
    exists,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db import raw
from db.models import KnownRoom, Member, NameHistory, SeenEvent, SentMessage, Setting

_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def dialect_insert(session: Session | Engine, model: Any) -> Any:
    """The dialect's own insert(): both speak ON CONFLICT (idempotent claims, upserts), the
    generic one does not. Plugins use it too."""
    dialect = (session if isinstance(session, Engine) else session.get_bind()).dialect.name
    if dialect not in _INSERTS:
        raise NotImplementedError(f"qunguan stores its state in SQLite or PostgreSQL, not {dialect}")
    return _INSERTS[dialect](model)


_PREPARED: dict[tuple[str, str], Any] = {}


def prepared(session: Session, name: str, build: Callable[[Callable[[Any], Any]], Any]) -> Any:
    """A statement built once per dialect and reused: on the per-message path, building a
    statement and its cache key costs more than SQLite takes to run it (issue 13). `build`
    gets the dialect's insert() and returns a Core statement over tables with bindparam()s
    (run it with run_prepared)."""
    dialect = session.get_bind().dialect.name
    stmt = _PREPARED.get((dialect, name))
    if stmt is None:
        stmt = _PREPARED[(dialect, name)] = build(lambda model: dialect_insert(session, model))
    return stmt


def run_prepared(session: Session, stmt: Any, params: dict[str, Any]) -> Any:
    """Run a prepared statement in the session's transaction, below the ORM (no flush, no
    entity handling: these statements touch no mapped objects the session holds), on the
    driver's cursor (db.raw). The result: first(), all(), scalar()."""
    connection = session.connection()
    compiled = raw.runnable(connection, stmt)
    return connection.execute(stmt, params) if compiled is None else raw.execute(connection, compiled, params)


def run_prepared_together(session: Session, runs: Sequence[tuple[Any, dict[str, Any]]]) -> list[Any]:
    """run_prepared for several statements, in order; on PostgreSQL in one round trip
    (db.raw.execute_together). Each result as run_prepared's."""
    connection = session.connection()
    compiled = [raw.runnable(connection, stmt) for stmt, _ in runs]
    if any(c is None for c in compiled):  # one left to SQLAlchemy: all one by one
        return [run_prepared(session, stmt, params) for stmt, params in runs]
    return raw.execute_together(connection, [(c, params) for c, (_, params) in zip(compiled, runs, strict=True)
                                             if c is not None])


# ---------------------------------------------------------------- written at commit
# Per-message rows nothing reads back in the same transaction (a stored message, stats
# counters) are queued in the session and written when its transaction commits: with events
# sharing a transaction (bot/core/batch.py) each kind is one executemany per batch (on
# PostgreSQL one round trip instead of one per message), and a busy group's counter is one
# upsert per batch. Only the root transaction's commit writes them (a savepoint's release does
# not), and its rollback drops them with everything else.

_ROWS, _COUNTS, _SEEN = "qunguan_rows", "qunguan_counts", "qunguan_seen"


def _begun(session: Session) -> None:
    if not session.in_transaction():
        session.connection()  # begun, so a rollback from here on drops what is queued with the rest


def insert_at_commit(session: Session, stmt: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Queue a row for `stmt` (a prepared INSERT taking `values`' keys), written with the
    others at commit. Returns `values`: it may still be changed until then (queued())."""
    _begun(session)
    session.info.setdefault(_ROWS, {}).setdefault(stmt, []).append(values)
    return values


def queued(session: Session, values: dict[str, Any]) -> bool:
    """Whether this row (as insert_at_commit returned it) is still waiting for the commit."""
    return any(row is values for rows in session.info.get(_ROWS, {}).values() for row in rows)


def count(session: Session, stmt: Any, keys: tuple[tuple[str, Any], ...], n: int = 1) -> None:
    """Add n to a counter: `stmt` is a prepared upsert taking the `keys` columns and `n`
    (bindparams), run once per key counted in the transaction when it commits."""
    _begun(session)
    by_key: dict[tuple[tuple[str, Any], ...], int] = session.info.setdefault(_COUNTS, {}).setdefault(stmt, {})
    by_key[keys] = by_key.get(keys, 0) + n


def commit(session: Session) -> None:
    """Commit the session's transaction with the rows queued for it. On PostgreSQL the queued
    rows' statements and the COMMIT reach the server together (db.raw.commit_pipelined): the
    loop waits once, not once per queued statement and once more for the COMMIT (the event
    batch's commit, bot/core/batch.py; issue 13). Elsewhere a plain commit."""
    if (session.get_bind().dialect.name == "postgresql" and session.in_transaction()
            and session.get_nested_transaction() is None and _pipelinable(session)):
        session.flush()  # the ORM's pending objects first (an insert may need its new id back)
        raw.commit_pipelined(session.connection(), lambda: _write_queued(session, pipelined=True))
    session.commit()  # its bookkeeping (and anything else's commit elsewhere)


def _pipelinable(session: Session) -> bool:
    """Whether every queued statement can run in a pipeline (compiled for the cursor: one that
    SQLAlchemy must render at execution is written by a plain commit, as before)."""
    connection = session.connection()
    queued = [*session.info.get(_ROWS, {}), *session.info.get(_COUNTS, {})]
    return all(raw.runnable(connection, stmt, many=True, pipelined=True) is not None for stmt in queued)


@event.listens_for(Session, "before_commit")
def _write_queued(session: Session, *, pipelined: bool = False) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint's release; the root transaction's commit writes them
    rows = session.info.pop(_ROWS, None)
    counts = session.info.pop(_COUNTS, None)
    session.info.pop(_SEEN, None)  # written below with the other rows
    if not rows and not counts:
        return
    connection = session.connection()
    for stmt, values in (rows or {}).items():
        execute_many(connection, stmt, values, pipelined=pipelined)
    for stmt, by_key in (counts or {}).items():
        execute_many(connection, stmt, [{**dict(keys), "n": n} for keys, n in by_key.items()], pipelined=pipelined)


def execute_many(connection: Any, stmt: Any, rows: list[dict[str, Any]], *, pipelined: bool = False) -> None:
    """pipelined: inside db.raw.commit_pipelined (PostgreSQL), where nothing may be read back."""
    compiled = raw.runnable(connection, stmt, many=True, pipelined=pipelined)
    if compiled is None:
        connection.execute(stmt, rows)
    else:
        raw.execute(connection, compiled, rows)


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_ROWS, None)
        session.info.pop(_COUNTS, None)
        session.info.pop(_SEEN, None)


def mark_seen(session: Session, event_id: str, room_id: str | None, at: datetime) -> bool:
    """Record an event id; False if it was already there. INSERT … ON CONFLICT DO NOTHING is
    atomic, so two bot processes sharing one database never both handle an event."""
    if seen_at_commit(session, event_id):
        return False
    return run_prepared(session, prepared(session, "mark_seen", mark_seen_statement),
                        {"event_id": event_id, "room_id": room_id, "seen_at": at}).first() is not None


def mark_seen_at_commit(session: Session, event_id: str, room_id: str | None, at: datetime) -> None:
    """SQLite: record an event id claimed by a statement that first found it unseen
    (bot.core.members.claim_messages), written with the rows queued for the commit (one
    executemany a batch, not a statement a message). Safe because the claim that checked was
    itself a write: from then on the transaction holds SQLite's one write lock, so no other
    connection can record the event before this commit; in this transaction mark_seen and the
    claims ask seen_at_commit() first."""
    values = {"event_id": event_id, "room_id": room_id, "seen_at": at}
    insert_at_commit(session, prepared(session, "mark_seen.at_commit", _seen_row), values)
    session.info.setdefault(_SEEN, set()).add(event_id)


def seen_at_commit(session: Session, event_id: str) -> bool:
    """Whether the event was claimed in the session's open transaction, its mark still queued."""
    queued = session.info.get(_SEEN)
    return queued is not None and event_id in queued


def _seen_row(insert: Callable[[Any], Any]) -> Any:
    # no RETURNING: run as an executemany; the claim already decided the event was unseen
    table = SeenEvent.__table__
    return insert(table).values(event_id=bindparam("event_id"), room_id=bindparam("room_id"),
                                seen_at=bindparam("seen_at", type_=table.c.seen_at.type))


def unseen(event_id: Any) -> Any:
    """A condition true while no core_seen_event row names `event_id` (a bindparam)."""
    table = SeenEvent.__table__
    return ~exists(select(table.c.event_id).where(table.c.event_id == event_id))


def mark_seen_statement(insert: Callable[[Any], Any]) -> Any:
    """mark_seen's statement (bindparams event_id, room_id, seen_at; a row back if it claimed
    the event), for a caller that folds it into its own as a data-modifying CTE."""
    table = SeenEvent.__table__
    return (insert(table).values(event_id=bindparam("event_id"), room_id=bindparam("room_id"),
                                 seen_at=bindparam("seen_at"))
            .on_conflict_do_nothing(index_elements=["event_id"]).returning(table.c.event_id))


def prune_seen(session: Session, before: datetime) -> int:
    """Forget events seen before `before` (redeliveries come within minutes, not days)."""
    result = cast(CursorResult[Any], session.execute(delete(SeenEvent).where(SeenEvent.seen_at < before)))
    return int(result.rowcount or 0)


def get_setting(session: Session, scope: str, key: str, default: Any = None) -> Any:
    row = session.scalar(select(Setting).where(Setting.scope == scope, Setting.key == key))
    return default if row is None else row.value


def settings_by_key(session: Session, key: str) -> dict[str, Any]:
    """{scope: value} for one key across every scope."""
    return {row.scope: row.value for row in session.scalars(select(Setting).where(Setting.key == key))}


def put_setting(session: Session, scope: str, key: str, value: Any, by: str, at: datetime) -> None:
    # prepared (the sender saves the governor's state with every outcome): building the upsert
    # and its ORM bulk-insert path cost several times what SQLite takes to run it (issue 13)
    run_prepared(session, prepared(session, "put_setting", _put_setting),
                 {"scope": scope, "key": key, "value": value, "updated_by": by, "updated_at": at})


def _put_setting(insert: Callable[[Any], Any]) -> Any:
    table = Setting.__table__
    stmt = insert(table).values(scope=bindparam("scope"), key=bindparam("key"), value=bindparam("value"),
                                updated_by=bindparam("updated_by"), updated_at=bindparam("updated_at"))
    return stmt.on_conflict_do_update(index_elements=["scope", "key"], set_={
        "value": stmt.excluded.value, "updated_by": stmt.excluded.updated_by,
        "updated_at": stmt.excluded.updated_at})


def record_sent(session: Session, room_id: str, message_id: str, recall_key: str | None, at: datetime,
                greets: Iterable[str] = ()) -> None:
    """A message the bot sent, kept to be taken back: by its recall key (the newest message of
    the key only), and (a welcome or a nickname step) by each member it greeted, one row each
    (greeted_since)."""
    if recall_key:
        # a key names the newest message only (one recorded late, after a newer one, is not
        # it): once that one is taken back (a welcome to an advertiser the bot removed), "the
        # last one of the key" must not fall back to an older message that was meant to stay
        # (a welcome to someone still in the group)
        same_key = (SentMessage.room_id == room_id, SentMessage.recall_key == recall_key)
        if session.scalar(select(SentMessage.id).where(*same_key, SentMessage.sent_at > at).limit(1)) is None:
            session.execute(delete(SentMessage).where(*same_key))
            session.add(SentMessage(room_id=room_id, message_id=message_id, recall_key=recall_key, sent_at=at))
    for member_id in greets:
        key = GREETS_KEY + member_id
        if len(key) <= _RECALL_KEY_LENGTH:  # an id longer than any WeChat id is not worth an error
            session.add(SentMessage(room_id=room_id, message_id=message_id, recall_key=key, sent_at=at))


# recall keys of the rows naming each member a welcome or nickname step greeted (one row each)
GREETS_KEY = "greets:"
_RECALL_KEY_LENGTH = SentMessage.recall_key.type.length


def greeted_since(session: Session, room_id: str, since: datetime) -> dict[str, set[str]]:
    """The bot's welcomes and nickname steps in room_id sent since `since`: message id → whom it greeted."""
    out: dict[str, set[str]] = {}
    for message_id, key in session.execute(select(SentMessage.message_id, SentMessage.recall_key).where(
            SentMessage.room_id == room_id, SentMessage.recall_key.startswith(GREETS_KEY),
            SentMessage.sent_at >= since)):
        out.setdefault(message_id, set()).add((key or "")[len(GREETS_KEY):])
    return out


def forget_sent(session: Session, room_id: str, message_id: str) -> None:
    """A message taken back: no recall key or greeting names it any more, so a later recall
    (the next welcome replacing it, a removal taking back what greeted the member) never asks
    WeChat to take it back twice."""
    session.execute(delete(SentMessage).where(SentMessage.room_id == room_id, SentMessage.message_id == message_id))


def prune_sent(session: Session, before: datetime) -> int:
    """Sent messages older than any recall: WeChat takes a message back only within 2 minutes."""
    result = cast(CursorResult[Any], session.execute(delete(SentMessage).where(SentMessage.sent_at < before)))
    return int(result.rowcount or 0)


def last_sent(session: Session, room_id: str, recall_key: str, since: datetime | None = None) -> str | None:
    """The newest message the bot sent under this recall key (since `since`, if given)."""
    query = select(SentMessage.message_id).where(SentMessage.room_id == room_id, SentMessage.recall_key == recall_key)
    if since is not None:
        query = query.where(SentMessage.sent_at >= since)
    return session.scalar(query.order_by(SentMessage.sent_at.desc(), SentMessage.id.desc()).limit(1))


def upsert_room(session: Session, room_id: str, topic: str, bot_role: str, managed: bool, at: datetime) -> None:
    stmt = dialect_insert(session, KnownRoom).values(room_id=room_id, topic=topic, bot_role=bot_role, managed=managed,
                                              first_seen=at, last_seen=at)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["room_id"],
        set_={"topic": topic, "bot_role": bot_role, "managed": managed, "last_seen": at}))


def known_room_ids(session: Session) -> list[str]:
    """Every group the bot has been in (core_room)."""
    return list(session.scalars(select(KnownRoom.room_id)))


def note_name(session: Session, subject_id: str, kind: str, value: str, at: datetime,
              room_id: str | None = None) -> bool:
    """Remember a name, alias or topic if it differs from the last one seen. True if recorded.
    One statement (INSERT … SELECT … WHERE the last value differs), not a read and a write:
    every name the process had not seen yet costs it (issue 13)."""
    return run_prepared(session, prepared(session, "note_name", note_name_statement),
                        note_name_params(subject_id, kind, value, at, room_id)).first() is not None


_NAME_COLUMNS = ("subject_id", "kind", "value", "seen_at", "room_id")


def note_name_params(subject_id: str, kind: str, value: str, at: datetime, room_id: str | None,
                     prefix: str = "") -> dict[str, Any]:
    return {prefix + name: v for name, v in zip(_NAME_COLUMNS, (subject_id, kind, value, at, room_id), strict=True)}


def note_name_statement(insert: Callable[[Any], Any], prefixes: Sequence[str] = ("",), only_if: Any = None) -> Any:
    """note_name's statement for one name or more, in that order (each's bindparams named by
    note_name_params(prefix=…); a row back for each name it recorded), for a caller that also
    folds it into its own as a data-modifying CTE; only_if: a further condition for writing.
    Names of one statement must differ in (subject, kind): each is compared with the rows
    there were before it."""
    table = NameHistory.__table__
    c = table.c
    rows = []
    for prefix in prefixes:
        binds = {name: bindparam(prefix + name, type_=c[name].type) for name in _NAME_COLUMNS}
        last = (select(c.value).where(c.subject_id == binds["subject_id"], c.kind == binds["kind"],
                                      c.room_id.is_not_distinct_from(binds["room_id"]))  # NULL room: global
                .order_by(c.seen_at.desc(), c.id.desc()).limit(1).scalar_subquery())
        differs = last.is_distinct_from(binds["value"])
        rows.append(select(*binds.values()).where(differs if only_if is None else and_(only_if, differs)))
    # one INSERT, rows in order: their ids (the history's order) follow the names' order
    return (insert(table).from_select(list(_NAME_COLUMNS), rows[0] if len(rows) == 1 else union_all(*rows))
            .returning(c.id))


def seed_established(session: Session, room_id: str, member_ids: Iterable[str], at: datetime) -> int:
    """The bot meets a group for the first time: everyone already there is an established
    member (not a newcomer; join date unknown). Returns how many were recorded.

    A member the database already knows keeps their row as it is (ON CONFLICT DO NOTHING): a
    join the bot saw before it first read the group is not "there before the bot" (the join
    race, members.touch). One INSERT … SELECT per chunk of _SEED_CHUNK members, the ids one
    parameter the database unpacks (an array on PostgreSQL, a JSON list on SQLite), RETURNING
    only the rows it inserted. An ORM object per member cost ~12 CPU-s per 100,000 members at a
    200 × 500 cold start; a multi-row VALUES executemany still 2.5 (SQLite) and 7.5 (PostgreSQL,
    where psycopg parses a statement of thousands of placeholders in Python every time); this
    0.3 (bench.coldstart, issue 13)."""
    ids = list(dict.fromkeys(member_ids))
    stmt = prepared(session, "seed_established", _seed_statement)
    encode = json.dumps if session.get_bind().dialect.name == "sqlite" else list
    seeded = 0
    for i in range(0, len(ids), _SEED_CHUNK):
        params = {"room_id": room_id, "ids": encode(ids[i:i + _SEED_CHUNK]), "at": at}
        seeded += len(run_prepared(session, stmt, params).all())
    return seeded


_SEED_CHUNK = 5000


def _seed_statement(insert: Callable[[Any], Any]) -> Any:
    table = cast(Any, Member.__table__)
    c = table.c
    stmt = insert(table)
    if isinstance(stmt, PgInsert):
        ids: Any = select(func.unnest(bindparam("ids", type_=ARRAY(Text))).label("value")).subquery()
    else:
        ids = func.json_each(bindparam("ids", type_=Text)).table_valued("value")
    rows = select(bindparam("room_id", type_=c.room_id.type), ids.c.value, bindparam("at", type_=c.first_seen.type),
                  literal(0), literal(0), true()).select_from(ids).where(true())  # SQLite: WHERE before ON CONFLICT
    return (stmt.from_select(["room_id", "member_id", "first_seen", "messages", "credit", "established"], rows)
            .on_conflict_do_nothing(index_elements=["room_id", "member_id"]).returning(c.member_id))
