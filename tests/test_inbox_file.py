"""The durable inbox in a file of its own on SQLite (issue 13): its group commits and the loop's
transactions never wait for each other's write lock. "Handled" stays the seen mark in the main
database; replay reads the file's rows and skips those the main database marks seen; rows an
earlier version left in the main database's core_inbox are moved in and replayed; both files'
WALs are folded back; a full inbox file alone is reported and loses nothing."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.clock import SystemClock
from bot.core.inbox import INBOX_FILE_SCHEMA, Inbox, StorageHealth, encode_event
from bot.events import MessageKind, MessageReceived
from bot.runtime import Runtime
from bot.simulator import ActionKind
from db.migrate import upgrade
from db.models import InboxEvent, SeenEvent
from db.session import INBOX_URL_ENV, inbox_engine, inbox_url, loop_engine, make_engine, thread_engine
from tests.harness import Harness, Probe, wait_until
from tests.test_durable import _limit_sqlite_pages


def _message(event_id: str, room: str = "r1@chatroom", sender: str = "wxid_a", text: str = "你好") -> MessageReceived:
    return MessageReceived(event_id, room, sender, "阿明", "", MessageKind.TEXT, text, SystemClock().now())


def _row(event: MessageReceived) -> dict[str, object]:
    return {"event_id": event.event_id, "queue_key": event.room_id, "kind": type(event).__name__,
            "payload": encode_event(event), "received_at": SystemClock().now()}


def _ids(engine) -> list[str]:
    with Session(engine) as db:
        return list(db.scalars(select(InboxEvent.event_id).order_by(InboxEvent.id)))


def test_the_inbox_file_is_beside_the_main_one_or_where_the_setting_says(tmp_path, monkeypatch):
    monkeypatch.delenv(INBOX_URL_ENV, raising=False)
    main = f"sqlite:///{tmp_path / 'qunguan.db'}"
    assert inbox_url(main) == f"sqlite:///{tmp_path / 'qunguan.db.inbox'}"
    # PostgreSQL locks rows, an in-memory database lives on one connection: core_inbox as before
    assert inbox_url("postgresql://bot@localhost/qunguan") is None
    assert inbox_url("sqlite://") is None and inbox_url("sqlite:///:memory:") is None
    assert inbox_engine(loop_engine("sqlite://")) is None
    monkeypatch.setenv(INBOX_URL_ENV, f"sqlite:///{tmp_path / 'fast' / 'inbox.db'}")
    assert inbox_url(main) == f"sqlite:///{tmp_path / 'fast' / 'inbox.db'}"
    monkeypatch.setenv(INBOX_URL_ENV, "postgresql://bot@localhost/qunguan")
    with pytest.raises(ValueError, match=INBOX_URL_ENV):
        inbox_url(main)


def test_replay_reads_the_files_rows_skips_the_seen_and_takes_the_main_databases_left_rows(tmp_path):
    """After a kill: the file holds rows, some handled (their seen mark committed in the main
    database, their deletion not yet written). Replay returns the others in arrival order and
    deletes the handled ones. Rows an earlier version left in the main database's core_inbox go
    after the file's (they are the later run's), out of the main database, the same way."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    loop = loop_engine(url)
    main = thread_engine(loop)
    own = inbox_engine(loop)
    assert own is not None
    inbox = Inbox(own, SystemClock(), lambda key, event: None, StorageHealth(), main=main)
    try:
        assert inbox.unhandled() == []  # the first start: the file and its table are made
        with own.begin() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar() == INBOX_FILE_SCHEMA
            conn.execute(insert(InboxEvent), [_row(_message(i)) for i in ("f1", "f2", "f3")])
        with main.begin() as conn:
            conn.execute(insert(InboxEvent), [_row(_message(i, "r2@chatroom")) for i in ("m1", "m2")])
            conn.execute(insert(SeenEvent), [{"event_id": i, "room_id": "r1@chatroom", "seen_at": SystemClock().now()}
                                             for i in ("f2", "m1")])
        replay = inbox.unhandled()
        assert [(key, event.event_id) for key, event in replay] == [
            ("r1@chatroom", "f1"), ("r1@chatroom", "f3"), ("r2@chatroom", "m2")]
        assert _ids(own) == ["f1", "f3", "m2"]  # the handled ones deleted
        with Session(main) as db:
            assert db.scalar(select(func.count()).select_from(InboxEvent)) == 0
        # a second start replays the same (nothing handled meanwhile), nothing doubled
        assert [event.event_id for _, event in inbox.unhandled()] == ["f1", "f3", "m2"]
    finally:
        own.dispose()
        main.dispose()
        loop.dispose()


def test_an_inbox_file_written_by_a_newer_version_is_refused_at_start(tmp_path):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    loop = loop_engine(url)
    own = inbox_engine(loop)
    assert own is not None
    with contextlib.closing(sqlite3.connect(own.url.database)) as other:
        other.execute(f"PRAGMA user_version={INBOX_FILE_SCHEMA + 1}")
    inbox = Inbox(own, SystemClock(), lambda key, event: None, StorageHealth(), main=thread_engine(loop))
    try:
        with pytest.raises(RuntimeError, match="newer version"):
            inbox.unhandled()
    finally:
        own.dispose()
        loop.dispose()


async def test_the_inbox_folds_back_both_files_wals(tmp_path):
    """No engine of the bot checkpoints in its commits: the inbox folds the main file's WAL
    (the loop's writes) and its own (its batches) back, beside the writers."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    loop = loop_engine(url)
    main = thread_engine(loop)
    own = inbox_engine(loop)
    assert own is not None
    dispatched: list[str] = []
    inbox = Inbox(own, SystemClock(), lambda key, event: dispatched.append(event.event_id), StorageHealth(),
                  checkpoint_every=0.0, main=main)
    inbox.unhandled()
    main_file, own_file = Path(tmp_path / "bot.db"), Path(own.url.database)
    with loop.begin() as conn:  # the loop's writes
        conn.exec_driver_sql("CREATE TABLE job_notes (t TEXT)")
        for _ in range(200):
            conn.exec_driver_sql("INSERT INTO job_notes VALUES (?)", ("字" * 2000,))
    sizes = main_file.stat().st_size, own_file.stat().st_size
    inbox.start()
    try:
        for i in range(200):
            inbox.submit("r1@chatroom", _message(f"m{i}", text="字" * 2000))
        await wait_until(lambda: len(dispatched) == 200 and inbox.checkpoints >= 2)
        await wait_until(lambda: own_file.stat().st_size > sizes[1] + 1_000_000)
        assert main_file.stat().st_size > sizes[0] + 1_000_000
        assert _ids(own)[:1] == ["m0"]
    finally:
        await inbox.stop()
        own.dispose()
        main.dispose()
        loop.dispose()


async def test_a_bot_upgraded_with_rows_left_in_core_inbox_replays_them_and_writes_its_file(tmp_path):
    """A database an earlier version left with events in core_inbox (killed before handling
    them): the new version moves them into its file at start and handles each once; one the
    main database marks seen is not handled again; live events go to the file from then on."""
    probe = Probe()
    # manage: all, as bench.faults: replayed events run before the gateway is connected, when a
    # group's role (manage: auto) is not known yet
    h = await Harness(tmp_path, [probe], extra_bot="manage: all").start()
    second: Runtime | None = None
    try:
        await h.settle()  # a run that knows the groups, as the earlier version's did
        await h.runtime.stop()
        own = Path(make_url(h.database_url).database + ".inbox")
        own.unlink()  # the earlier version had no inbox file
        room, alice = h.cast.owned, h.cast["alice"]
        left, handled = _message("left-1", room, alice, "升级前收到的消息"), _message("left-0", room, alice, "已处理")
        main = make_engine(h.database_url)
        with main.begin() as conn:
            conn.execute(insert(InboxEvent), [_row(handled), _row(left)])
            conn.execute(insert(SeenEvent), [{"event_id": "left-0", "room_id": room, "seen_at": SystemClock().now()}])
        main.dispose()
        second = Runtime(rules_path=h.rules_path, database_url=h.database_url, endpoint=h.server.endpoint,
                         token="insecure_test", plugins=[probe], cache_dir=tmp_path / "cache2",
                         watch_rules=False, backoff_initial=0.05, backoff_max=0.2)
        h.runtime = second
        await second.start()
        await h.settle()
        h.say(room, "alice", "ping")
        await h.settle()
        texts = [m.text for m in probe.messages()]
        assert texts.count("升级前收到的消息") == 1 and "已处理" not in texts and texts.count("ping") == 1
        with contextlib.closing(sqlite3.connect(own)) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == INBOX_FILE_SCHEMA
        main = make_engine(h.database_url)
        try:
            assert _ids(main) == []
        finally:
            main.dispose()
    finally:
        await h.stop()


@pytest.mark.usefixtures("storage_retries_soon")
async def test_a_full_inbox_file_alone_keeps_events_in_memory_tells_once_and_catches_up(tmp_path):
    """Only the inbox's file cannot grow (the main file can): events wait in memory, the
    operator is told once that storage fails and once that it is back, each event handled once."""
    probe = Probe()
    h = await Harness(tmp_path, [probe]).start()
    try:
        await h.settle()
        app = h.app
        _limit_sqlite_pages([app.inbox.engine], None)
        for i in range(40):  # enough rows to need new pages
            h.say(h.cast.owned, "alice", f"ping {'长消息' * 200} {i}")
        await wait_until(lambda: app.room_events_received == 40, timeout=30)
        await wait_until(lambda: app.storage.announced, timeout=30)
        assert "full" in app.storage.last_error and app.storage.failing == ("inbox",)
        assert app.room_events_done < 40
        _limit_sqlite_pages([app.inbox.engine], 1_000_000_000)
        await h.settle()
        texts = [m.text for m in probe.messages()]
        assert len(texts) == 40 and len(set(texts)) == 40
        notices = [a.text for a in h.world.bot_actions(ActionKind.SEND_TEXT) if "数据库" in a.text]
        assert len(notices) == 2 and "无法写入" in notices[0] and "已恢复" in notices[1]
    finally:
        await h.stop()



async def test_a_handled_rows_deletion_waits_for_the_main_files_wal_to_be_synced(tmp_path, monkeypatch):
    """Under synchronous=NORMAL a power cut may lose a file's last commits. In one file the WAL
    kept the seen mark before the inbox row's deletion; in two, the deletion could outlive the
    mark, leaving an event neither handled nor replayed. So a handled row goes only in a batch
    after the main file's WAL was synced (the checkpointer does it)."""
    from db import session

    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    loop = loop_engine(url)
    main = thread_engine(loop)
    own = inbox_engine(loop)
    assert own is not None
    synced: list[str] = []
    real_sync = session.sync_wal
    monkeypatch.setattr("bot.core.inbox.sync_wal", lambda engine: (synced.append(engine.url.database),
                                                                    real_sync(engine))[1])
    dispatched: list[str] = []
    # the checkpointer's own turn an hour away: only the test's call below folds
    inbox = Inbox(own, SystemClock(), lambda key, event: dispatched.append(event.event_id), StorageHealth(),
                  main=main, checkpoint_every=3600.0)
    inbox.unhandled()
    inbox.start()
    try:
        inbox.submit("r1@chatroom", _message("m1"))
        await wait_until(lambda: dispatched == ["m1"])
        inbox.handled("m1")  # its seen mark committed in the main file, not synced yet
        written = inbox.batches
        inbox.submit("r1@chatroom", _message("m2"))
        await wait_until(lambda: inbox.batches > written)
        assert _ids(own) == ["m1", "m2"] and synced == []  # kept: the mark may not be on disk
        await inbox.fold_wal()  # the checkpointer's turn: the main file's WAL synced first
        assert synced == [str(tmp_path / "bot.db")]
        written = inbox.batches
        inbox.submit("r1@chatroom", _message("m3"))
        await wait_until(lambda: inbox.batches > written)
        assert _ids(own) == ["m2", "m3"]
    finally:
        await inbox.stop()
        own.dispose()
        main.dispose()
        loop.dispose()


async def test_a_batch_waits_while_the_loop_is_behind_and_goes_once_it_caught_up(tmp_path):
    """In its own file nothing paces the inbox's writer (the shared write lock did): while more
    than hold_above of the events it dispatched are not finished, a batch waits for more of its
    neighbours (up to max_hold) instead of committing a few rows that would only queue."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    loop = loop_engine(url)
    main = thread_engine(loop)
    own = inbox_engine(loop)
    assert own is not None
    behind = [100]
    polled: list[int] = []

    def unfinished() -> int:
        polled.append(behind[0])
        return behind[0]

    dispatched: list[str] = []
    inbox = Inbox(own, SystemClock(), lambda key, event: dispatched.append(event.event_id), StorageHealth(),
                  main=main, behind=unfinished, hold_above=64, max_hold=3600.0)
    inbox.unhandled()
    inbox.start()
    try:
        inbox.submit("r1@chatroom", _message("m1"))
        await wait_until(lambda: len(polled) >= 5)  # it looked several times: still behind
        inbox.submit("r1@chatroom", _message("m2"))
        await wait_until(lambda: len(polled) >= 10)
        assert inbox.batches == 0 and dispatched == [] and inbox.holds == 1
        behind[0] = 64  # caught up
        await wait_until(lambda: dispatched == ["m1", "m2"])
        assert inbox.batches == 1  # both in one commit
        polled.clear()
        inbox.submit("r1@chatroom", _message("m3"))  # not behind: written after the linger alone
        await wait_until(lambda: dispatched == ["m1", "m2", "m3"])
        assert inbox.holds == 1 and polled and max(polled) == 64
    finally:
        await inbox.stop()
        own.dispose()
        main.dispose()
        loop.dispose()
