"""On SQLite the inbox's rows ride along in the commit of the loop's event batch while events
are being handled (bot/core/inbox.py, bot/core/batch.py's Rider): written in its transaction,
dispatched only after its COMMIT, in order, once; the thread writes only when no commit is
coming; a refused write or a failed commit keeps the rows buffered; the head the thread took
is never taken again by a commit. A real SQLite file and the real batch; faults are the
database's own (a trigger refusing rows, a deferred foreign key failing the COMMIT)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError

from bot.clock import SystemClock
from bot.core.batch import EventBatch
from bot.core.inbox import Inbox, StorageHealth
from bot.events import MessageKind, MessageReceived
from db import repo
from db.migrate import upgrade
from db.session import loop_engine, make_sessionmaker, thread_engine

AT = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def _message(event_id: str, room: str) -> MessageReceived:
    return MessageReceived(event_id, room, "wxid_a", "阿明", "", MessageKind.TEXT, "你好", AT)


class Rig:
    """The loop's engine and event batch, the inbox on its thread engine with the batch as the
    ride, and what each side committed."""

    def __init__(self, path, *, ride_wait: float = 3600.0) -> None:
        self.file = str(path / "bot.db")
        url = f"sqlite:///{self.file}"
        upgrade(url)
        self.loop = loop_engine(url)
        self.sessions = make_sessionmaker(self.loop)
        self.thread = thread_engine(self.loop)
        self.thread_commits = 0
        event.listen(self.thread, "commit", self._thread_committed)
        self.coming = True  # what App._batch_commit_coming would say
        self.dispatched: list[tuple[str, str, int]] = []  # (room, event id, inbox rows committed then)
        self.arrived = asyncio.Event()
        self.batch = EventBatch(self.sessions, asyncio.Lock())
        self.inbox = Inbox(self.thread, SystemClock(), self._dispatch, StorageHealth(),
                           ride=lambda: self.coming, ride_wait=ride_wait)
        self.batch.rider = self.inbox

    def _thread_committed(self, _conn) -> None:
        self.thread_commits += 1

    def _dispatch(self, key: str, ev) -> None:
        self.dispatched.append((key, ev.event_id, self.committed_rows()))
        self.arrived.set()

    def committed_rows(self) -> int:
        """core_inbox's rows as another connection sees them: only what committed."""
        other = sqlite3.connect(self.file)
        try:
            return other.execute("SELECT count(*) FROM core_inbox").fetchone()[0]
        finally:
            other.close()

    def execute(self, sql: str) -> None:
        other = sqlite3.connect(self.file, isolation_level=None)
        try:
            other.execute(sql)
        finally:
            other.close()

    async def an_event(self, event_id: str) -> None:
        """One event's part of the batch (its dedupe mark); returns once the batch committed."""
        async with self.batch.event() as db:
            repo.mark_seen(db, event_id, "r9@chatroom", AT)

    async def dispatched_count(self, n: int) -> None:
        while len(self.dispatched) < n:
            self.arrived.clear()
            await self.arrived.wait()

    async def close(self) -> None:
        self.batch.close()
        await self.inbox.stop()
        self.thread.dispose()
        self.loop.dispose()


@pytest.fixture
async def rig(tmp_path):
    rig = Rig(tmp_path)
    rig.inbox.start()
    yield rig
    await rig.close()


async def test_rows_commit_with_the_event_batch_and_are_dispatched_after_it_in_order(rig):
    for event_id, room in [("m1", "r1@chatroom"), ("m2", "r1@chatroom"), ("m3", "r2@chatroom")]:
        rig.inbox.submit(room, _message(event_id, room))
    for _ in range(20):  # the writer's turns: it waits for a commit of the batch, writes nothing
        await asyncio.sleep(0)
    assert rig.dispatched == [] and rig.committed_rows() == 0
    await rig.an_event("e1")
    # every row was committed before the first of them was dispatched; no transaction of the
    # inbox's own, one commit of the loop
    assert rig.dispatched == [("r1@chatroom", "m1", 3), ("r1@chatroom", "m2", 3), ("r2@chatroom", "m3", 3)]
    assert rig.thread_commits == 0 and rig.batch.commits == 1 and rig.inbox.rides == 1
    assert rig.inbox.buffered == 0
    # handled rows are deleted with the next rows to ride along, again in the loop's commit
    for event_id in ("m1", "m2", "m3"):
        rig.inbox.handled(event_id)
    rig.inbox.submit("r1@chatroom", _message("m4", "r1@chatroom"))
    await rig.an_event("e2")
    assert rig.dispatched[-1] == ("r1@chatroom", "m4", 1) and rig.thread_commits == 0


async def test_a_quiet_bot_has_the_thread_write_and_an_awaited_commit_that_never_comes_too(tmp_path):
    rig = Rig(tmp_path, ride_wait=0.01)
    rig.inbox.start()
    try:
        rig.coming = False  # nothing being handled: no commit of the loop is coming
        rig.inbox.submit("r1@chatroom", _message("m1", "r1@chatroom"))
        await rig.dispatched_count(1)
        rig.coming = True  # one said to come, never committing: the thread writes after ride_wait
        rig.inbox.submit("r1@chatroom", _message("m2", "r1@chatroom"))
        await rig.dispatched_count(2)
        assert [d[1:] for d in rig.dispatched] == [("m1", 1), ("m2", 2)]
        assert rig.thread_commits == 2 and rig.inbox.rides == 0
    finally:
        await rig.close()


async def test_rows_the_database_refuses_leave_the_events_commit_standing_and_stay_buffered(rig):
    rig.execute("CREATE TRIGGER refuse BEFORE INSERT ON core_inbox BEGIN SELECT RAISE(ABORT, 'refused'); END")
    rig.inbox.submit("r1@chatroom", _message("m1", "r1@chatroom"))
    rig.inbox.submit("r1@chatroom", _message("m2", "r1@chatroom"))
    await rig.an_event("e1")  # committed: its mark stands although the rows could not go in
    with rig.sessions() as db:
        assert db.execute(text("SELECT count(*) FROM core_seen_event WHERE event_id = 'e1'")).scalar() == 1
    assert rig.dispatched == [] and rig.inbox.buffered == 2 and rig.committed_rows() == 0
    # the thread now retries them (refused too, until the trigger goes)
    await asyncio.to_thread(rig.execute, "DROP TRIGGER refuse")
    await rig.dispatched_count(2)
    assert [d[1:] for d in rig.dispatched] == [("m1", 2), ("m2", 2)]
    # and once one of its writes went through, the rows ride along again
    rig.inbox.submit("r1@chatroom", _message("m3", "r1@chatroom"))
    commits = rig.thread_commits
    await rig.an_event("e2")
    assert [d[1] for d in rig.dispatched] == ["m1", "m2", "m3"] and rig.thread_commits == commits


async def test_a_failed_commit_keeps_the_rows_and_the_next_one_takes_them_once(rig):
    # a deferred foreign key: checked at COMMIT, so the batch's COMMIT itself fails
    rig.execute("CREATE TABLE t_parent (id INTEGER PRIMARY KEY)")
    rig.execute("CREATE TABLE t_child (parent INTEGER REFERENCES t_parent (id) DEFERRABLE INITIALLY DEFERRED)")
    rig.inbox.submit("r1@chatroom", _message("m1", "r1@chatroom"))
    with pytest.raises(IntegrityError):
        async with rig.batch.event() as db:
            repo.mark_seen(db, "e1", "r9@chatroom", AT)
            db.execute(text("INSERT INTO t_child VALUES (42)"))
    assert rig.dispatched == [] and rig.inbox.buffered == 1 and rig.committed_rows() == 0
    rig.inbox.submit("r2@chatroom", _message("m2", "r2@chatroom"))
    await rig.an_event("e2")
    assert rig.dispatched == [("r1@chatroom", "m1", 2), ("r2@chatroom", "m2", 2)]
    assert rig.thread_commits == 0


async def test_the_head_the_thread_took_is_not_taken_again_by_a_commit(rig):
    rig.coming = False  # the thread takes the rows ...
    rig.inbox.submit("r1@chatroom", _message("m1", "r1@chatroom"))
    taken = asyncio.Event()

    async def watch() -> None:
        while not rig.inbox._writing:
            await asyncio.sleep(0)
        taken.set()

    watcher = asyncio.create_task(watch())
    # ... while the batch holds SQLite's write lock: the thread's BEGIN IMMEDIATE waits for it
    async with rig.batch.event() as db:
        repo.mark_seen(db, "e1", "r9@chatroom", AT)
        await taken.wait()
        rig.inbox.submit("r1@chatroom", _message("m2", "r1@chatroom"))  # behind the taken head
    await watcher
    # the batch committed without the rows (the thread's); m2 waits behind m1, in order
    assert rig.inbox.rides == 0
    await rig.dispatched_count(2)
    assert [d[1] for d in rig.dispatched] == ["m1", "m2"]
    assert rig.committed_rows() == 2
