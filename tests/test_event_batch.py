"""Group commit on the loop (bot/core/batch.py): events handled back to back share one
transaction, each is finished only once it committed, and one event's failure never commits
its half-made writes nor loses the others'. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from bot.core.batch import Ahead, EventBatch, Redo
from db import repo
from db.models import AuditEntry, SeenEvent
from plugins.stats.models import MemberDay
from plugins.stats.queries import count_message

AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)



async def part_done(batch: EventBatch) -> None:
    """Let the loop run until an event's part of the open batch is done (a few turns; fails
    rather than hangs if it never is)."""
    for _ in range(100):
        if batch.open_events:
            return
        await asyncio.sleep(0)
    raise AssertionError("no event's part of the batch ran")


def seen(loop_sessions) -> set[str]:
    with loop_sessions() as db:
        return set(db.scalars(select(SeenEvent.event_id)))


async def mark(batch: EventBatch, event_id: str, *, fail: bool = False, started: asyncio.Event | None = None,
               go_on: asyncio.Event | None = None, ahead: bool = False) -> str:
    """One event: writes its mark; optionally waits (holding its part of the batch open) and fails.
    ahead: the mark is its claim (claims ahead, below), written after the wait, unless an
    event before it ran it already."""
    claim = Ahead(lambda: event_id) if ahead else None
    try:
        async with batch.event(claim) as db:
            if claim is None:
                repo.mark_seen(db, event_id, "room", AT)
            if started is not None:
                started.set()
            if go_on is not None:
                await go_on.wait()
            if claim is not None and not batch.claim(claim, _claims):
                return "duplicate"
            if fail:
                raise RuntimeError(f"{event_id} fails")
    except Redo:
        return "redo"
    except RuntimeError:
        return "failed"
    return "committed"


async def test_events_ready_together_share_one_commit(loop_sessions):
    batch = EventBatch(loop_sessions, asyncio.Lock())
    results = await asyncio.gather(*(mark(batch, f"e{i}") for i in range(10)))
    assert results == ["committed"] * 10
    assert seen(loop_sessions) == {f"e{i}" for i in range(10)}
    assert batch.commits == 1


async def test_an_event_returns_only_once_its_batch_committed(loop_sessions):
    batch = EventBatch(loop_sessions, asyncio.Lock())
    task = asyncio.create_task(mark(batch, "e1"))
    # its part ran; the commit is queued behind it, so the event is not finished yet
    await part_done(batch)
    assert not task.done()
    assert await task == "committed"
    assert seen(loop_sessions) == {"e1"}


async def test_a_failing_event_rolls_back_alone_and_the_others_are_redone(loop_sessions):
    batch = EventBatch(loop_sessions, asyncio.Lock())
    started, go_on = asyncio.Event(), asyncio.Event()
    # ready together: ok1 runs its part, then bad joins the same transaction before it commits
    first = asyncio.create_task(mark(batch, "ok1"))
    bad = asyncio.create_task(mark(batch, "bad", fail=True, started=started, go_on=go_on))
    await started.wait()  # bad wrote its mark too, and holds its part open
    assert batch.open_events == 1 and not first.done()
    go_on.set()
    assert await bad == "failed"
    assert await first == "redo"  # nothing of ok1 committed: it is handled again
    assert seen(loop_sessions) == set()
    assert batch.redone == 1
    assert await mark(batch, "ok1") == "committed"
    assert seen(loop_sessions) == {"ok1"}


async def test_another_gate_user_commits_the_open_batch_first(loop_sessions):
    gate = asyncio.Lock()
    batch = EventBatch(loop_sessions, gate)
    task = asyncio.create_task(mark(batch, "e1"))
    await part_done(batch)
    async with gate:  # as App._session() does before its own transaction
        batch.flush()
        with loop_sessions() as db:  # on SQLite this write would meet the batch's lock otherwise
            repo.mark_seen(db, "other", None, AT)
            db.commit()
    assert await task == "committed"
    assert seen(loop_sessions) == {"e1", "other"}


def _fail_at_commit(db, url: str) -> None:
    """A real storage failure that strikes at COMMIT, with the batch's statements already run:
    on SQLite the disk fills (max_page_count at the file's size) and the rows written at
    commit (repo.insert_at_commit) need new pages; on PostgreSQL the server ends the batch's
    connection, as a restart would."""
    if url.startswith("sqlite"):
        pages = db.connection().exec_driver_sql("PRAGMA page_count").scalar()
        db.connection().exec_driver_sql(f"PRAGMA max_page_count={pages}")
        stmt = repo.prepared(db, "test.seen", lambda insert: insert(SeenEvent.__table__).values(
            event_id=bindparam("event_id"), room_id=bindparam("room_id"), seen_at=bindparam("seen_at")))
        for i in range(2000):  # far more than the free pages hold
            repo.insert_at_commit(db, stmt, {"event_id": f"filler-{i:05d}-" + "x" * 150, "room_id": "room",
                                             "seen_at": AT})
        return
    pid = db.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


async def test_a_failed_commit_reaches_every_event_of_the_batch(loop_sessions, database_url):
    batch = EventBatch(loop_sessions, asyncio.Lock())

    async def event(event_id: str, *, last: bool = False) -> None:
        async with batch.event() as db:
            repo.mark_seen(db, event_id, "room", AT)
            if last:
                _fail_at_commit(db, database_url)

    results = await asyncio.gather(event("e0"), event("e1"), event("e2", last=True), return_exceptions=True)
    assert [type(r) for r in results] == [OperationalError] * 3  # each event retries as after a storage error
    assert batch.commits == 0
    assert seen(loop_sessions) == set()  # nothing of the batch committed


async def test_a_full_batch_commits_at_once(loop_sessions):
    batch = EventBatch(loop_sessions, asyncio.Lock(), max_events=3)
    results = await asyncio.gather(*(mark(batch, f"e{i}") for i in range(7)))
    assert results == ["committed"] * 7
    assert batch.commits == 3  # 3 + 3 at the bound, the last one by the flusher


def test_counters_are_summed_and_written_when_the_root_transaction_commits(loop_sessions):
    day = date(2026, 12, 2)

    def counts() -> dict[str, int]:
        with loop_sessions() as db:
            return {r.member_id: r.messages for r in db.scalars(select(MemberDay))}

    with loop_sessions() as db:
        for member in ("a", "b", "a", "a"):
            count_message(db, "room", day, member)
        with db.begin_nested():  # a savepoint's release does not write them early...
            repo.mark_seen(db, "x", "room", AT)
        nested = db.begin_nested()
        nested.rollback()  # ...and a savepoint's rollback does not drop them
        db.commit()
    assert counts() == {"a": 3, "b": 1}
    with loop_sessions() as db:
        count_message(db, "room", day, "a")
        db.rollback()  # gone with the transaction
        count_message(db, "room", day, "b")
        db.commit()
    assert counts() == {"a": 3, "b": 2}


# ---------------------------------------------------------------- claims ahead (PostgreSQL)
# An event's claim is its first statement; on PostgreSQL the event holding the gate runs the
# claims of the events waiting for it in the same round trip (bot/core/batch.py). A claim run
# ahead commits only with its event's handling.

def _claims(db, event_ids):
    """A claim function: the events' dedupe marks, in one call (True: claimed)."""
    stmt = repo.prepared(db, "mark_seen", repo.mark_seen_statement)
    runs = [(stmt, {"event_id": event_id, "room_id": "room", "seen_at": AT}) for event_id in event_ids]
    return [result.first() is not None for result in repo.run_prepared_together(db, runs)]


def postgresql_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("claims ahead are PostgreSQL's (SQLite claims each event on its turn)")


async def test_the_claims_of_events_ready_together_take_one_round_trip(loop_sessions, database_url):
    batch = EventBatch(loop_sessions, asyncio.Lock())
    results = await asyncio.gather(*(mark(batch, f"e{i}", ahead=True) for i in range(10)))
    assert results == ["committed"] * 10
    assert seen(loop_sessions) == {f"e{i}" for i in range(10)}
    if database_url.startswith("postgresql"):
        assert (batch.claim_runs, batch.claimed_ahead) == (1, 9)
    else:
        assert batch.claimed_ahead == 0
    # a redelivery is found claimed, whichever event ran its claim
    again = await asyncio.gather(mark(batch, "e3", ahead=True), mark(batch, "new", ahead=True))
    assert again == ["duplicate", "committed"]


async def test_a_batch_holding_claims_of_events_yet_to_run_commits_only_after_them(loop_sessions, database_url):
    postgresql_only(database_url)
    gate = asyncio.Lock()
    batch = EventBatch(loop_sessions, gate)
    go_on, entered = asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(mark(batch, "first", ahead=True, go_on=go_on, started=entered))
    await entered.wait()  # first holds the gate; the others wait for it and register their claims
    others = [asyncio.create_task(mark(batch, f"o{i}", ahead=True)) for i in range(3)]
    go_on.set()
    # another gate user (the outbox, a job) comes while the others are claimed but yet to run
    async with batch.exclusive():
        # it got the gate only once they had run their parts, and the batch is committed
        assert batch.claimed_ahead == 3 and all(t.done() or not batch.open_events for t in others)
        assert seen(loop_sessions) == {"first", "o0", "o1", "o2"}
    assert await first == "committed"
    assert [await t for t in others] == ["committed"] * 3


async def test_a_failing_event_takes_the_claims_it_ran_ahead_with_it(loop_sessions, database_url):
    postgresql_only(database_url)
    batch = EventBatch(loop_sessions, asyncio.Lock())
    go_on, entered = asyncio.Event(), asyncio.Event()
    bad = asyncio.create_task(mark(batch, "bad", ahead=True, fail=True, go_on=go_on, started=entered))
    await entered.wait()
    others = [asyncio.create_task(mark(batch, f"o{i}", ahead=True)) for i in range(3)]
    go_on.set()
    assert await bad == "failed"
    # their claims were rolled back with bad's: each claims again where it runs, and commits
    assert [await t for t in others] == ["committed"] * 3
    assert seen(loop_sessions) == {"o0", "o1", "o2"}
    assert batch.claimed_ahead >= 3 and batch.claim_runs >= 2  # bad ran theirs; o0 ran them again


async def test_an_event_cancelled_after_its_claim_ran_ahead_is_never_marked_handled(loop_sessions, database_url):
    postgresql_only(database_url)
    batch = EventBatch(loop_sessions, asyncio.Lock())
    go_on, entered = asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(mark(batch, "first", ahead=True, go_on=go_on, started=entered))
    await entered.wait()
    leaving = asyncio.create_task(mark(batch, "leaving", ahead=True))
    staying = asyncio.create_task(mark(batch, "staying", ahead=True))
    go_on.set()
    await asyncio.sleep(0)  # not a wait on time: lets first run its claim (taking the two along)
    while batch.claimed_ahead < 2:
        await asyncio.sleep(0)
    leaving.cancel()  # its worker stops while it waits for the gate, its claim in the open batch
    with pytest.raises(asyncio.CancelledError):
        await leaving
    # the batch holding its claim is rolled back, not committed: the others are handled again
    assert await first == "redo"
    assert await staying in ("redo", "committed")
    assert "leaving" not in seen(loop_sessions)  # replayed from the inbox next start, not lost
    assert await mark(batch, "first", ahead=True) == "committed"


async def test_an_event_cancelled_before_it_reached_the_gate_leaves_no_claim_behind(loop_sessions, database_url):
    postgresql_only(database_url)
    batch = EventBatch(loop_sessions, asyncio.Lock())
    leaving = asyncio.create_task(mark(batch, "leaving", ahead=True))
    await asyncio.sleep(0)  # it registered its claim and yields once (the events ready with it catch up)
    leaving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leaving
    # the next event's claim does not take the one that left along: its batch commits
    async with asyncio.timeout(30):  # a guard: a batch waiting for an event that left never commits
        assert await mark(batch, "next", ahead=True) == "committed"
    assert seen(loop_sessions) == {"next"}
    assert batch.claimed_ahead == 0


# ---------------------------------------------------------------- the commit's round trips (PostgreSQL)

def _audit_insert(insert):
    table = AuditEntry.__table__
    return insert(table).values({c.name: bindparam(c.name) for c in table.c if c.name != "id"})


def _syncs(trace_path) -> int:
    """How many times the client waited for the server: each Sync the client sent (libpq's trace)."""
    return sum(1 for line in trace_path.read_text().splitlines() if "\tF\t" in line and "\tSync" in line)


async def test_the_rows_queued_for_a_batch_commit_and_its_commit_take_one_round_trip(loop_sessions, database_url,
                                                                                       tmp_path):
    postgresql_only(database_url)
    batch = EventBatch(loop_sessions, asyncio.Lock())
    trace = tmp_path / "libpq.trace"
    day = date(2026, 12, 2)
    traced = []

    async def event(event_id: str, member: str) -> None:
        async with batch.event() as db:
            repo.mark_seen(db, event_id, "room", AT)
            count_message(db, "room", day, member)  # two counters queued for the commit (member, room)
            # and a row of a table with a generated id, one row of it: on PostgreSQL a one-row
            # INSERT would ask for the new id back, which nothing may read in a pipeline
            if event_id == "e1":
                repo.insert_at_commit(db, repo.prepared(db, "test.audit", _audit_insert),
                                      {"at": AT, "room_id": "room", "action": "Reply", "target_id": None,
                                       "text": "", "reason": "", "source": "test", "outcome": "done",
                                       "error": None, "case_id": None})
            if event_id == "e2":  # the last one: trace from here, the commit is what follows
                pgconn = db.connection().connection.driver_connection.pgconn
                traced.append((pgconn, trace.open("w")))
                pgconn.trace(traced[0][1].fileno())

    await asyncio.gather(*(event(f"e{i}", f"m{i}") for i in range(3)))
    pgconn, out = traced[0]
    pgconn.untrace()
    out.close()
    assert batch.commits == 1
    assert seen(loop_sessions) == {"e0", "e1", "e2"}
    with loop_sessions() as db:
        assert {r.member_id: r.messages for r in db.scalars(select(MemberDay))} == {"m0": 1, "m1": 1, "m2": 1}
        assert db.scalar(select(func.count()).select_from(AuditEntry)) == 1
    # the member and room counters' upserts and the COMMIT went together: the loop waited once
    assert _syncs(trace) == 1
