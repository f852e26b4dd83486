"""Storage failures of the outbox reach the operator like the intake's, and a database that
stops accepting writes after start is reported (once, and when it is back), shown by #status
(answered from memory meanwhile), and loses nothing (issue 12). Real faults, on SQLite and
PostgreSQL: another connection holding SQLite's write lock or a PostgreSQL table lock, a
PostgreSQL database that refuses connections."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from bot.core.inbox import RAW_PREFIX
from bot.simulator import ActionKind
from db import session
from db.models import InboxEvent, OutboxRow
from tests.harness import Harness, Probe, wait_until
from tests.test_durable import _set_pg_available


@contextlib.contextmanager
def _writes_refused(url: str, table: str = "core_outbox") -> Iterator[None]:
    """Another process blocks writes: SQLite's write lock (the whole file), or on PostgreSQL
    an EXCLUSIVE lock on one table (reads still work, writes wait past lock_timeout)."""
    if url.startswith("sqlite"):
        other = sqlite3.connect(make_url(url).database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"), poolclass=NullPool)
    conn = engine.connect()
    conn.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
    try:
        yield
    finally:
        conn.rollback()
        conn.close()
        engine.dispose()


def _notices(h: Harness, word: str) -> list[str]:
    """The operator notices (storage_down / storage_back), not #status answers."""
    return [a.text for a in h.world.bot_actions(ActionKind.SEND_TEXT) if word in a.text and "数据库" in a.text
            and "#status" not in a.text and "简要状态" not in a.text]


@pytest.fixture
def writers_fail_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer threads wait their busy timeout (10 s) at SQLite's lock before each failure:
    these tests need the failures, not the waits."""
    monkeypatch.setattr(session, "THREAD_BUSY_TIMEOUT", 1.0)


@pytest.mark.usefixtures("writers_fail_fast", "storage_retries_soon")
async def test_the_outbox_failing_to_record_a_result_tells_the_operator_once(tmp_path, database_url):
    h = await Harness(tmp_path, [Probe()], database_url).start()
    h.app.storage.lock_grace = h.app.storage.grace  # the lock here stands for a database that cannot write
    try:
        await h.settle()
        sending = asyncio.Event()

        def the_reply(request) -> bool:
            if "pong" in request.text:
                sending.set()
                return True
            return False

        gate = h.server.service.faults.hold("MessageSendText", when=the_reply)
        h.say(h.cast.owned, "alice", "ping")
        await asyncio.wait_for(sending.wait(), 30)  # the reply is going out: its row is in flight
        with _writes_refused(database_url):
            gate.set()  # sent; recording that it was cannot be written now
            await wait_until(lambda: h.app.storage.announced, timeout=30)
            assert "outbox" in h.app.storage.failing
            await wait_until(lambda: _notices(h, "无法写入"), timeout=30)
        await h.settle()
        await wait_until(lambda: _notices(h, "已恢复"), timeout=30)
        assert len(_notices(h, "无法写入")) == 1 and len(_notices(h, "已恢复")) == 1
        assert h.app.storage.ok and h.app.storage.last_outage is not None
        assert [t.endswith("pong") for t in h.texts(h.cast.owned)] == [True]  # sent once
        with Session(h.runtime.engine) as db:
            statuses = list(db.scalars(select(OutboxRow.status).where(OutboxRow.kind == "Reply")))
        assert statuses == ["done"]
    finally:
        await h.stop()


@contextlib.contextmanager
def _database_down(url: str) -> Iterator[None]:
    if url.startswith("postgresql"):
        _set_pg_available(url, False)
        try:
            yield
        finally:
            _set_pg_available(url, True)
    else:
        with _writes_refused(url):
            yield


@pytest.mark.usefixtures("writers_fail_fast", "storage_retries_soon")
async def test_a_database_down_after_start_is_reported_shown_by_status_and_loses_nothing(tmp_path, database_url):
    probe = Probe()
    h = await Harness(tmp_path, [probe], database_url).start()
    h.app.storage.lock_grace = h.app.storage.grace  # on SQLite a lock stands for the database down
    try:
        await h.settle()
        app = h.app
        with _database_down(database_url):
            h.say(h.cast.owned, "alice", "ping")
            await wait_until(lambda: app.storage.announced, timeout=30)
            await wait_until(lambda: _notices(h, "无法写入"), timeout=30)
            # retries back off (to Backoff.maximum) instead of spinning
            await wait_until(lambda: app.inbox._backoff.delay > app.inbox._backoff.initial, timeout=60)
            # #status still answers, from memory, and says what is wrong
            h.say(h.cast.admin, "laowang", "#status")
            early = await h.wait_text(h.cast.admin, "数据库无法写入", timeout=30)
            assert "条事件暂存在内存中" in early
            # a member's #status is an ordinary message, as always
            h.say(h.cast.owned, "alice", "#status")
            for i in range(5):
                h.say(h.cast.admin, "bob", f"ping {i}")
            await wait_until(lambda: app.room_events_received >= 8, timeout=30)
            assert app.room_events_done == 0 and not h.texts(h.cast.owned)
            assert len(_notices(h, "无法写入")) == 1
        await h.settle()
        await wait_until(lambda: _notices(h, "已恢复"), timeout=30)
        assert len(_notices(h, "无法写入")) == 1 and len(_notices(h, "已恢复")) == 1
        # nothing lost, nothing twice; the early #status is not answered a second time
        seen = [getattr(e, "text", None) for e in probe.seen]
        assert sorted(t for t in seen if t and t.startswith("ping")) == ["ping", *[f"ping {i}" for i in range(5)]]
        assert [t.endswith("pong") for t in h.texts(h.cast.owned)] == [True]
        assert [t for t in h.texts(h.cast.admin) if "规则版本" in t or "数据库无法写入" in t] == [early]
        # afterwards #status tells of the outage
        h.say(h.cast.admin, "laowang", "#status")
        later = await h.wait_text(h.cast.admin, "上次中断", timeout=30)
        assert "规则版本" in later
    finally:
        await h.stop()


def test_storage_health_waits_for_every_failing_writer_before_announcing_recovery():
    from bot.core.inbox import StorageHealth

    said: list[tuple[bool, str]] = []
    health = StorageHealth(lambda ok, detail: said.append((ok, detail)), grace=0.0)
    error = OSError("database or disk is full")
    health.failed(error, "inbox")
    health.failed(error, "outbox")
    assert said == [(False, "database or disk is full")] and health.failing == ("inbox", "outbox")
    health.succeeded("inbox")  # the outbox still cannot write: not back yet
    assert not health.ok and len(said) == 1
    health.failed(error, "rooms", retried=False)  # given up by its caller: does not hold it open
    health.succeeded("outbox")
    assert health.ok and [ok for ok, _ in said] == [False, True]
    assert health.last_outage is not None


def test_a_lock_is_an_outage_only_when_held_past_the_lock_grace(monkeypatch):
    """Past saturation the loop and the inbox's writer meet each other's SQLite lock for
    seconds on end: that is contention, not a storage failure, and the operators are not told
    so. A lock held past lock_grace is reported; a full disk after the ordinary grace."""
    from bot.core import inbox
    from bot.core.inbox import StorageHealth

    now = [1000.0]
    monkeypatch.setattr(inbox.time, "monotonic", lambda: now[0])
    said: list[tuple[bool, str]] = []
    health = StorageHealth(lambda ok, detail: said.append((ok, detail)), grace=2.0, lock_grace=15.0)
    locked = OSError("database is locked")
    health.failed(locked, "events")
    now[0] += 10
    health.failed(locked, "events")
    assert said == []
    now[0] += 6
    health.failed(locked, "events")
    assert said == [(False, "database is locked")]
    health.succeeded("events")
    full = OSError("database or disk is full")
    health.failed(full, "inbox")
    now[0] += 3
    health.failed(full, "inbox")
    assert said[-1] == (False, "database or disk is full")


async def test_memory_is_bounded_when_nothing_can_be_stored(tmp_path):
    """Storage down and the inbox's buffer full: the adapter keeps at most max_outstanding
    events waiting for the core; past that a new room event is counted and logged, not held,
    so memory stays bounded however long the outage lasts (limits made tiny here)."""
    probe = Probe()
    h = await Harness(tmp_path, [probe]).start()
    try:
        await h.settle()
        adapter, app = h.runtime.adapter, h.app
        adapter._max_outstanding = 3
        app.inbox._max_buffered = 2
        with _writes_refused(h.database_url):
            for i in range(6):
                h.say(h.cast.owned, "alice", f"ping {i}")
            await wait_until(lambda: adapter.stats["shed"] == 3, timeout=30)
            assert app.inbox.buffered <= 3
        # not settle(): the shed events were delivered by the gateway and never taken
        await wait_until(lambda: app.room_events_done == 3 and app.is_idle, timeout=60)
        assert [m.text for m in probe.messages()] == ["ping 0", "ping 1", "ping 2"]
        assert adapter.stats["shed"] == 3
        assert any("3 条新事件未能保存" in line for line in await app.control.status_lines(None))
    finally:
        await h.stop()


def _hold_bobs_member_read(h: Harness):
    """The gateway holds bob's member read in 机器人自己的群 until the returned gate is set: his
    burst there waits on it (one read, shared), however long the machine takes."""
    h.runtime.adapter._lookup_timeout = 600.0
    bob = h.cast["bob"]
    return h.server.service.faults.hold("RoomMemberPayload", when=lambda r: r.id == h.cast.owned and r.member_id == bob)


async def _burst_arrives_in_order(h: Harness, probe: Probe, burst: list[str]) -> None:
    """Once bob's read is let go: every message of the burst reaches the plugins, in order, with
    his nickname read once, and nothing waits in the adapter."""
    await h.settle()
    assert h.runtime.adapter.waiting == 0
    heard = [m for m in probe.messages() if m.room_id == h.cast.owned]
    assert [m.event_id for m in heard] == burst
    assert {m.sender_name for m in heard} == {"bob"}
    assert h.server.service.faults.rules[-1].hits == 1


async def test_status_says_how_many_events_wait_when_the_bot_is_behind(tmp_path):
    """An owner's #status while room events pile up in the adapter (more arrives than the bot
    handles: it keeps every event and handles them in arrival order) says how many wait; the few
    always on their way say nothing. The pile-up is real: bob's burst in 机器人自己的群 waits on his
    member read, which the gateway holds, and the owner asks in 读书会 meanwhile. (Before each
    read took a slot of its own, 64 of the burst's conversions held every slot, and the owner's
    #status waited for them too.)"""
    probe = Probe()
    h = await Harness(tmp_path, [probe]).start()
    try:
        await h.settle()
        adapter = h.runtime.adapter
        assert adapter.waiting < 100
        h.say(h.cast.admin, "laowang", "#status")
        assert "处理积压" not in await h.wait_text(h.cast.admin, "规则版本")
        gate = _hold_bobs_member_read(h)
        burst = [h.say(h.cast.owned, "bob", f"第{i}条") for i in range(150)]
        await wait_until(lambda: adapter.waiting >= 150, timeout=60)
        h.say(h.cast.admin, "laowang", "#status")
        said = await h.wait_text(h.cast.admin, "处理积压")
        waiting = re.search(r"还有 (\d+) 条新消息和事件在排队，正按到达顺序逐条处理", said)
        assert waiting is not None and 150 <= int(waiting.group(1)) <= 151, said
        gate.set()
        await _burst_arrives_in_order(h, probe, burst)
    finally:
        await h.stop()


async def test_events_past_max_converting_wait_in_the_inbox_and_all_arrive(tmp_path):
    """With the core's own inbox as the adapter's journal (the liveness test's is in memory):
    the bot behind (bob's burst waits on his held member read) and storage writing, events past
    max_converting on their way are kept as raw events, none shed. Every one of the burst is in
    core_inbox as a raw row meanwhile (a crash would lose none), and all reach the plugins in
    order once the read answers, their raw rows gone."""
    probe = Probe()
    h = await Harness(tmp_path, [probe]).start()
    try:
        await h.settle()
        adapter = h.runtime.adapter
        adapter._max_converting = 100
        gate = _hold_bobs_member_read(h)
        burst = [h.say(h.cast.owned, "bob", f"第{i}条") for i in range(150)]
        await wait_until(lambda: adapter.stats["behind"] == 50, timeout=60)
        assert adapter.stats["shed"] == 0 and adapter.waiting == 150

        def raw_rows() -> int:
            with h.app.sessions() as db:
                return db.scalar(select(func.count()).select_from(InboxEvent)
                                 .where(InboxEvent.kind.startswith(RAW_PREFIX))) or 0

        await wait_until(lambda: raw_rows() >= 150, timeout=60)  # written by the inbox's group commit
        gate.set()
        await _burst_arrives_in_order(h, probe, burst)
        assert adapter.stats["behind"] == 50 and adapter.stats["shed"] == 0
        await wait_until(lambda: raw_rows() == 0, timeout=60)
    finally:
        await h.stop()


async def test_the_loops_writes_take_turns_with_the_inbox_writer_instead_of_failing(tmp_path):
    """Played days fast logged "outbox: could not record an outcome (attempt 1), retrying:
    database is locked": the outbox recorded a send's outcome (a read, then a write) while the
    inbox's thread wrote the send's echo. SQLite never waits when a read transaction asks to
    write under another writer's lock (SQLITE_BUSY), nor after that writer committed
    (SQLITE_BUSY_SNAPSHOT). The loop's writers other than events wait for the inbox's turn."""
    from db import repo

    h = await Harness(tmp_path, [Probe()]).start()
    try:
        await h.settle()
        app = h.app
        inbox_batch = sqlite3.connect(make_url(h.database_url).database, isolation_level=None)

        async def read_then_write() -> None:  # as the outbox records an outcome
            async with app._session() as db:
                repo.get_setting(db, "test", "turns")
                repo.put_setting(db, "test", "turns", 1, "test", app.clock.now())
                db.commit()

        try:
            async with app.inbox.write_turn:  # as the inbox holds it around its thread's batch
                inbox_batch.execute("BEGIN IMMEDIATE")
                inbox_batch.execute("DELETE FROM core_inbox WHERE 0")
                task = asyncio.create_task(read_then_write())
                for _ in range(20):
                    await asyncio.sleep(0)
                assert not task.done()  # it waits for the batch, rather than failing on its lock
                inbox_batch.execute("COMMIT")
            await task
        finally:
            inbox_batch.close()
        with Session(h.runtime.engine) as db:
            assert repo.get_setting(db, "test", "turns") == 1
        assert h.app.storage.failures == 0
    finally:
        await h.stop()
