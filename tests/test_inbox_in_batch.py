"""On SQLite the durable inbox writes its rows as a part of the loop's event batch, not in a
transaction of its own in a worker thread: a second connection's commit made SQLite drop the
loop connection's whole page cache, and its BEGIN IMMEDIATE and COMMIT cost as much again
(issue 13, core31). What the inbox promises is unchanged: an event is dispatched only once its
row committed, an event's failure in the shared transaction has the rows written again, and
nothing is lost or handled twice (tests/test_durable*.py, bench.faults)."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, select

from bot.clock import SystemClock
from bot.core.batch import EventBatch
from bot.core.inbox import Inbox, StorageHealth
from bot.events import MessageKind, MessageReceived
from db.migrate import upgrade
from db.models import InboxEvent
from db.session import loop_engine, make_sessionmaker, thread_engine
from tests.harness import Harness, Probe, wait_until


def _message(event_id: str) -> MessageReceived:
    return MessageReceived(event_id, "r1@chatroom", "wxid_a", "阿明", "", MessageKind.TEXT, "早",
                           SystemClock().now())


async def test_the_inbox_commits_nothing_of_its_own_while_events_flow(tmp_path):
    """Every group message of a running bot is written to core_inbox and handled, and the
    inbox's own engine began no transaction meanwhile: its rows committed with the events'."""
    probe = Probe()
    h = await Harness(tmp_path, [probe]).start()
    try:
        await h.settle()
        app = h.app
        began: list[object] = []

        def begin(conn) -> None:
            began.append(conn)

        event.listen(app.inbox.engine, "begin", begin)
        written = app.inbox.written
        try:
            for i in range(12):
                h.say(h.cast.owned, "alice", f"ping {i}")
            await h.settle()
        finally:
            event.remove(app.inbox.engine, "begin", begin)
        assert app.inbox.written >= written + 12
        assert len(probe.messages()) == 12
        assert began == []
    finally:
        await h.stop()


class _Gate(asyncio.Lock):
    """The database gate, counting who waits for it (the test orders the parts by it)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    async def acquire(self) -> bool:
        self.asked += 1
        return await super().acquire()


async def test_rows_rolled_back_with_another_events_failure_are_written_again(tmp_path):
    """The inbox's part and a failing event share one open transaction: the failure rolls the
    rows back with it, and the inbox writes them again in the next one, without calling it a
    storage failure; the event is dispatched once, after its row committed."""
    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    upgrade(url)
    loop = loop_engine(url)
    engine = thread_engine(loop)
    sessions = make_sessionmaker(loop)
    gate = _Gate()
    batch = EventBatch(sessions, gate)
    dispatched: list[str] = []

    def dispatch(_key: str, ev: MessageReceived) -> None:
        with sessions() as db:  # dispatched only once its row is there for any connection
            assert db.scalar(select(InboxEvent.event_id).where(InboxEvent.event_id == ev.event_id)) == ev.event_id
        dispatched.append(ev.event_id)

    health = StorageHealth()
    inbox = Inbox(engine, SystemClock(), dispatch, health, linger=0.0, batch=batch)
    inbox.start()

    async def failing_event() -> None:
        async with batch.event() as db:
            db.connection().exec_driver_sql("SELECT 1")
            raise RuntimeError("a plugin's bug")

    try:
        async with gate:  # both wait for the gate: the inbox's part first, then the failing event
            asked = gate.asked
            inbox.submit("r1@chatroom", _message("m1"))
            await wait_until(lambda: gate.asked == asked + 1, timeout=10)
            failing = asyncio.create_task(failing_event())
            await wait_until(lambda: gate.asked == asked + 2, timeout=10)
        try:
            await failing
        except RuntimeError:
            pass
        await wait_until(lambda: dispatched == ["m1"], timeout=10)
        assert batch.redone >= 1  # the inbox's part was rolled back with the failure
        assert health.ok and health.failures == 0
    finally:
        await inbox.stop()
        engine.dispose()
        loop.dispose()
