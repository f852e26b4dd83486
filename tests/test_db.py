"""Storage on SQLite and on PostgreSQL: every test here takes `database_url` (tests/conftest.py)
or, to build or migrate, `empty_database_url`, which runs it once on a SQLite file and once on
a fresh PostgreSQL database (tests/pg.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from db import load_all_models, repo
from db.migrate import alembic_config, check_drift, current, downgrade, head, upgrade
from db.models import AuditEntry, KnownRoom, NameHistory, SeenEvent, Setting
from db.session import make_engine
from db.version import at_head, build_if_empty, shipped_head
from tests.pg import fresh_database
from tests.races import claim_concurrently, once_each

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


# --- migrations -------------------------------------------------------------------------------

def test_upgrade_head_builds_the_models_without_drift(empty_database_url):
    assert current(empty_database_url) is None
    upgrade(empty_database_url)
    assert current(empty_database_url) == head() is not None
    assert check_drift(empty_database_url) == []
    assert set(load_all_models().tables) <= _tables(empty_database_url)


def test_downgrade_to_base_and_upgrade_again(empty_database_url):
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    assert current(empty_database_url) is None
    assert _tables(empty_database_url) <= {"alembic_version"}
    upgrade(empty_database_url)
    assert current(empty_database_url) == head()
    assert check_drift(empty_database_url) == []


def test_every_step_downgrades_and_upgrades(empty_database_url):
    """One revision at a time, down to base and back: each downgrade() undoes its upgrade()."""
    revisions = [s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()]  # newest first
    upgrade(empty_database_url)
    for below in [*revisions[1:], None]:
        downgrade(empty_database_url, "-1")
        assert current(empty_database_url) == below
    for rev in reversed(revisions):
        upgrade(empty_database_url, "+1")
        assert current(empty_database_url) == rev
    assert check_drift(empty_database_url) == []


def test_the_start_knows_a_database_at_head_without_alembic(empty_database_url):
    """Runtime.start() skips Alembic when the database is at the shipped head; that shortcut must
    name the same head as Alembic and be False for anything else."""
    assert shipped_head() == head()
    assert not at_head(empty_database_url)  # empty
    upgrade(empty_database_url, "0010")
    assert not at_head(empty_database_url)  # one behind
    upgrade(empty_database_url)
    assert at_head(empty_database_url)


def _schema(url: str) -> dict[str, object]:
    """Everything the inspector reads of each table, names included (later migrations refer to
    constraints and indexes by name), in a form two databases of one kind can be compared by."""
    engine = make_engine(url)
    try:
        insp = inspect(engine)
        out: dict[str, object] = {}
        for table in sorted(insp.get_table_names()):
            out[table] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                            for c in insp.get_columns(table)],
                "pk": insp.get_pk_constraint(table),
                "fks": sorted((fk["name"] or "", tuple(fk["constrained_columns"]), fk["referred_table"],
                               tuple(fk["referred_columns"])) for fk in insp.get_foreign_keys(table)),
                "indexes": sorted((i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                                  for i in insp.get_indexes(table)),
                "uniques": sorted((u["name"] or "", tuple(u["column_names"]))
                                  for u in insp.get_unique_constraints(table)),
                "checks": sorted(c["name"] or "" for c in insp.get_check_constraints(table)),
            }
        if engine.dialect.name == "sqlite":  # the inspector does not say how a table keeps its rows
            with engine.connect() as conn:
                for table, sql in conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
                    if table in out:
                        out[table]["without_rowid"] = "WITHOUT ROWID" in sql.upper()  # type: ignore[index]
        return out
    finally:
        engine.dispose()


def test_an_empty_database_built_from_the_models_is_the_migrated_one(empty_database_url, request, tmp_path):
    """The first start builds an empty database from the models and stamps it (db/version.py,
    without Alembic): it must be what the migrations build, name for name, and the
    migrations must run on it both ways, as they will on the next release's upgrade."""
    assert build_if_empty(empty_database_url)
    assert at_head(empty_database_url) and current(empty_database_url) == head()
    if empty_database_url.startswith("sqlite"):
        migrated = f"sqlite:///{tmp_path / 'migrated.db'}"
        upgrade(migrated)
        assert _schema(empty_database_url) == _schema(migrated)
    else:
        with fresh_database(request.getfixturevalue("pg_server")) as migrated:
            upgrade(migrated)
            assert _schema(empty_database_url) == _schema(migrated)
    assert not build_if_empty(empty_database_url)  # tables there: left to Alembic
    downgrade(empty_database_url)
    assert current(empty_database_url) is None
    upgrade(empty_database_url)
    assert check_drift(empty_database_url) == []


def test_a_database_with_any_table_is_left_to_alembic(empty_database_url):
    """A half-built or older schema is never "completed" from today's models: Alembic knows
    what each step changes."""
    upgrade(empty_database_url, "0010")
    assert not build_if_empty(empty_database_url)
    assert current(empty_database_url) == "0010"


def test_the_bot_and_the_version_check_import_no_alembic(tmp_path):
    """What a restart loads: the runtime's modules and the check (the restart itself is
    test_e2e_core.py::test_a_restart_on_a_database_at_head_runs_no_migration)."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'at_head.db'}"
    upgrade(url)
    code = ("import sys\nfrom bot.runtime import Runtime\nfrom db.version import at_head\n"
            f"assert at_head({url!r})\nassert 'alembic' not in sys.modules, 'imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    # and the first start, on an empty database: built from the models, still no Alembic (nor
    # Mako, which it imports, nor Pygments, which Mako imports where it is installed)
    first = f"sqlite:///{tmp_path / 'first.db'}"
    code = ("import sys\nfrom db.version import at_head, build_if_empty\n"
            f"assert build_if_empty({first!r}) and at_head({first!r})\n"
            "assert not {'alembic', 'mako', 'pygments'} & set(sys.modules), 'imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_a_message_moves_no_index_entry_of_its_sender(database_url):
    """Every group message updates its sender's core_member row (messages, last_message_at,
    left_at): no index may hold those columns, or each message also rewrites an index entry
    (and on PostgreSQL no update of the row is a HOT one)."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        indexed = {column for index in inspect(engine).get_indexes("core_member") for column in index["column_names"]}
    finally:
        engine.dispose()
    assert not indexed & {"messages", "last_message_at", "left_at"}


# --- seen events ------------------------------------------------------------------------------

def test_mark_seen_claims_an_event_once(sessions):
    with sessions() as db:
        assert repo.mark_seen(db, "m1", "r1", T0)
        assert not repo.mark_seen(db, "m1", "r1", T0)
        assert repo.mark_seen(db, "m2", None, T0)
        db.commit()
    with sessions() as db:
        assert not repo.mark_seen(db, "m1", "r1", T0 + timedelta(hours=1))


def test_mark_seen_is_race_safe_across_engines(database_url):
    """Four engines (as four bot processes would have) claim the same events at the same time:
    each event is claimed exactly once. What matters in production is PostgreSQL shared by
    several processes; on SQLite this exercises two processes on one file."""
    upgrade(database_url)
    claims, engines = claim_concurrently(database_url, lambda db, event_id: repo.mark_seen(db, event_id, "r1", T0))
    for e in engines:
        e.dispose()
    assert once_each(claims) and len(claims) == 25


def test_prune_seen_forgets_old_events_only(sessions):
    with sessions() as db:
        repo.mark_seen(db, "old", "r1", T0)
        repo.mark_seen(db, "new", "r1", T0 + timedelta(days=2))
        db.commit()
        assert repo.prune_seen(db, T0 + timedelta(days=1)) == 1
        db.commit()
        assert db.scalars(select(SeenEvent.event_id)).all() == ["new"]
        assert repo.mark_seen(db, "old", "r1", T0 + timedelta(days=3))  # forgotten, so new again


# --- time -------------------------------------------------------------------------------------

def test_datetimes_come_back_aware_utc(sessions):
    evening_in_shanghai = datetime(2026, 3, 1, 20, 30, tzinfo=SHANGHAI)
    with sessions() as db:
        db.add(AuditEntry(at=evening_in_shanghai, room_id="r", action="Reply", source="t", outcome="done"))
        db.commit()
    with sessions() as db:
        at = db.scalar(select(AuditEntry.at))
    assert at == evening_in_shanghai
    assert at.tzinfo is not None and at.utcoffset() == timedelta(0)
    assert at.hour == 12


def test_sql_compares_instants_not_wall_clocks(sessions):
    """Rows written with different offsets order and filter by the instant they name (on SQLite
    too, where the column is text): 20:00 in Shanghai is before 13:00 UTC."""
    with sessions() as db:
        db.add(AuditEntry(at=datetime(2026, 3, 1, 20, 0, tzinfo=SHANGHAI), room_id="r", action="A", source="t",
                          outcome="done"))  # 12:00 UTC
        db.add(AuditEntry(at=datetime(2026, 3, 1, 13, 0, tzinfo=UTC), room_id="r", action="B", source="t",
                          outcome="done"))
        db.commit()
        assert db.scalars(select(AuditEntry.action).order_by(AuditEntry.at)).all() == ["A", "B"]
        cutoff = datetime(2026, 3, 1, 20, 30, tzinfo=SHANGHAI)  # 12:30 UTC
        assert db.scalars(select(AuditEntry.action).where(AuditEntry.at < cutoff)).all() == ["A"]


def test_naive_datetimes_are_refused(sessions):
    with sessions() as db:
        db.add(AuditEntry(at=datetime(2026, 1, 1), room_id="r", action="Reply", source="t", outcome="done"))
        with pytest.raises(Exception, match="naive"):
            db.commit()


# --- settings, rooms, names, sent messages ----------------------------------------------------

def test_settings_put_get_and_overwrite(sessions):
    with sessions() as db:
        assert repo.get_setting(db, "global", "dry_run", "unset") == "unset"
        repo.put_setting(db, "global", "dry_run", True, "op", T0)
        repo.put_setting(db, "r1", "dry_run", False, "owner", T0)
        repo.put_setting(db, "r1", "quiet", {"from": "23:00", "to": "07:00", "days": [6, 7]}, "owner", T0)
        repo.put_setting(db, "global", "dry_run", False, "op2", T0 + timedelta(hours=1))
        db.commit()
    with sessions() as db:
        assert repo.get_setting(db, "global", "dry_run") is False
        assert repo.get_setting(db, "r1", "quiet") == {"from": "23:00", "to": "07:00", "days": [6, 7]}
        assert repo.settings_by_key(db, "dry_run") == {"global": False, "r1": False}
        row = db.scalar(select(Setting).where(Setting.scope == "global", Setting.key == "dry_run"))
        assert (row.updated_by, row.updated_at) == ("op2", T0 + timedelta(hours=1))
        assert db.scalar(select(func.count()).select_from(Setting)) == 3
        repo.put_setting(db, "r1", "quiet", None, "owner", T0)  # cleared, as the outbox's heartbeat at stop
        db.commit()
    with sessions() as db:
        assert repo.get_setting(db, "r1", "quiet", "unset") is None


def test_room_upsert_keeps_first_seen(sessions):
    with sessions() as db:
        repo.upsert_room(db, "r1", "读书会", "admin", True, T0)
        repo.upsert_room(db, "r1", "读书会（新）", "owner", False, T0 + timedelta(days=1))
        db.commit()
    with sessions() as db:
        room = db.get(KnownRoom, "r1")
        assert room is not None
        assert (room.topic, room.bot_role, room.managed) == ("读书会（新）", "owner", False)
        assert (room.first_seen, room.last_seen) == (T0, T0 + timedelta(days=1))


def test_name_history_records_changes_only(sessions):
    with sessions() as db:
        assert repo.note_name(db, "u1", "alias", "小A", T0, room_id="r1")
        assert not repo.note_name(db, "u1", "alias", "小A", T0 + timedelta(1), room_id="r1")
        assert repo.note_name(db, "u1", "alias", "上海-小A", T0 + timedelta(2), room_id="r1")
        assert repo.note_name(db, "u1", "alias", "小A", T0 + timedelta(3), room_id="r1")  # changed back
        assert repo.note_name(db, "u1", "alias", "小A", T0, room_id="r2")  # another room's alias
        assert repo.note_name(db, "u1", "name", "alice", T0)  # the WeChat name is not per room
        assert not repo.note_name(db, "u1", "name", "alice", T0 + timedelta(1))
        db.commit()
    with sessions() as db:
        rows = db.execute(select(NameHistory.room_id, NameHistory.kind, NameHistory.value)
                          .order_by(NameHistory.id)).all()
    assert [tuple(r) for r in rows] == [
        ("r1", "alias", "小A"), ("r1", "alias", "上海-小A"), ("r1", "alias", "小A"),
        ("r2", "alias", "小A"), (None, "name", "alice"),
    ]


def test_last_sent_is_the_newest(sessions):
    with sessions() as db:
        repo.record_sent(db, "r1", "m1", "welcome", T0)
        repo.record_sent(db, "r1", "m2", "welcome", T0 + timedelta(minutes=1))
        repo.record_sent(db, "r1", "m3", "warning", T0 + timedelta(minutes=2))
        repo.record_sent(db, "r2", "m4", "welcome", T0 + timedelta(minutes=3))
        repo.record_sent(db, "r1", "m0", "welcome", T0 - timedelta(minutes=1))  # recorded late, sent early
        db.commit()
        assert repo.last_sent(db, "r1", "welcome") == "m2"
        assert repo.last_sent(db, "r1", "warning") == "m3"
        assert repo.last_sent(db, "r3", "welcome") is None
        # the newest taken back: the key names nothing, not the older message meant to stay
        repo.forget_sent(db, "r1", "m2")
        db.commit()
        assert repo.last_sent(db, "r1", "welcome") is None


def test_greetings_are_found_by_whom_they_greeted_and_pruned_once_past_recall(sessions):
    with sessions() as db:
        repo.record_sent(db, "r1", "m1", None, T0, greets=["u1"])
        # a merged welcome: its recall key and each member it greeted (an id past the column is left out)
        repo.record_sent(db, "r1", "m2", "greeting:welcome", T0 + timedelta(minutes=1), greets=["u2", "u3", "x" * 200])
        repo.record_sent(db, "r1", "m3", None, T0 + timedelta(minutes=5), greets=["u4"])
        repo.record_sent(db, "r2", "m9", None, T0 + timedelta(minutes=1), greets=["u1"])
        db.commit()
        assert repo.greeted_since(db, "r1", T0 + timedelta(seconds=30)) == {"m2": {"u2", "u3"}, "m3": {"u4"}}
        assert repo.last_sent(db, "r1", "greeting:welcome") == "m2"
        assert repo.prune_sent(db, T0 + timedelta(minutes=2)) == 5
        db.commit()
        assert repo.greeted_since(db, "r1", T0) == {"m3": {"u4"}}


def _through_the_wal(engine) -> None:
    """~2,000 pages through the WAL, twice SQLite's auto-checkpoint mark."""
    from sqlalchemy import text

    for _ in range(40):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "字" * 1000}] * 40)


def test_the_loop_engine_leaves_wal_checkpoints_to_other_connections(tmp_path):
    """A checkpoint syncs the database file: the event loop's engine never runs one; an engine
    with make_engine's default (the CLI's, another process's) does, so the WAL is folded back."""
    from pathlib import Path

    from sqlalchemy import text

    from db.session import loop_engine, make_engine

    url = f"sqlite:///{tmp_path / 'wal.db'}"
    main_file = Path(tmp_path / "wal.db")
    loop, thread = loop_engine(url), make_engine(url)
    try:
        with loop.begin() as conn:
            conn.execute(text("CREATE TABLE t (x TEXT)"))
        before = main_file.stat().st_size
        _through_the_wal(loop)
        assert main_file.stat().st_size == before  # everything still in the WAL
        with thread.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES ('inbox')"))
        assert main_file.stat().st_size > before + 4_000_000  # folded back by the other engine
    finally:
        loop.dispose()
        thread.dispose()


def test_the_inbox_engine_leaves_wal_checkpoints_to_the_inbox(tmp_path):
    """The inbox writer's commits never checkpoint either (a checkpoint in a batch's commit
    held that batch's events back from dispatch, issue 13): `checkpoint`, which the inbox runs
    beside its writes, folds the WAL back."""
    from pathlib import Path

    from sqlalchemy import text

    from db.session import checkpoint, loop_engine, thread_engine, wal_file

    url = f"sqlite:///{tmp_path / 'wal.db'}"
    main_file = Path(tmp_path / "wal.db")
    loop = loop_engine(url)
    thread = thread_engine(loop)
    try:
        assert wal_file(thread) and not wal_file(loop_engine("sqlite://"))
        with loop.begin() as conn:
            conn.execute(text("CREATE TABLE t (x TEXT)"))
        before = main_file.stat().st_size
        _through_the_wal(thread)
        assert main_file.stat().st_size == before  # everything still in the WAL
        checkpoint(thread)
        assert main_file.stat().st_size > before + 4_000_000
        with loop.connect() as conn:  # written once, readable by all
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 1600
    finally:
        thread.dispose()
        loop.dispose()


async def test_the_inbox_folds_the_wal_back_after_it_wrote(tmp_path):
    from pathlib import Path

    from bot.clock import SystemClock
    from bot.core.inbox import Inbox, StorageHealth
    from bot.events import MessageKind, MessageReceived
    from db.session import loop_engine, thread_engine
    from tests.harness import wait_until

    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    upgrade(url)
    main_file = Path(tmp_path / "inbox.db")
    loop = loop_engine(url)
    engine = thread_engine(loop)
    dispatched: list[str] = []
    inbox = Inbox(engine, SystemClock(), lambda key, event: dispatched.append(event.event_id), StorageHealth(),
                  checkpoint_every=0.0)
    before = main_file.stat().st_size
    inbox.start()
    try:
        for i in range(200):
            inbox.submit("r1@chatroom", MessageReceived(f"m{i}", "r1@chatroom", "wxid_a", "阿明", "", MessageKind.TEXT,
                                                        "字" * 2000, SystemClock().now()))
        await wait_until(lambda: len(dispatched) == 200 and inbox.checkpoints > 0)
        # nothing else checkpoints here (neither engine does in its commits): the inbox did
        assert main_file.stat().st_size > before + 1_000_000
    finally:
        await inbox.stop()
        engine.dispose()
        loop.dispose()


async def test_the_inbox_folds_the_wal_back_on_a_quiet_day(tmp_path, monkeypatch):
    """No event written, but the jobs and the outbox write: the WAL is still folded back (no
    engine of the bot checkpoints in its commits, so it would grow until the bot stopped)."""
    from pathlib import Path

    from bot.clock import SystemClock
    from bot.core import inbox as inbox_module
    from bot.core.inbox import Inbox, StorageHealth
    from db.session import loop_engine, thread_engine
    from tests.harness import wait_until

    monkeypatch.setattr(inbox_module, "IDLE_CHECKPOINT", 0.01)
    url = f"sqlite:///{tmp_path / 'quiet.db'}"
    upgrade(url)
    main_file = Path(tmp_path / "quiet.db")
    loop = loop_engine(url)
    engine = thread_engine(loop)
    inbox = Inbox(engine, SystemClock(), lambda key, event: None, StorageHealth(), checkpoint_every=0.0)
    before = main_file.stat().st_size
    with loop.begin() as conn:  # a job's writes, not the inbox's
        conn.exec_driver_sql("CREATE TABLE job_notes (t TEXT)")
        for _ in range(200):
            conn.exec_driver_sql("INSERT INTO job_notes VALUES (?)", ("字" * 2000,))
    inbox.start()
    try:
        await wait_until(lambda: inbox.checkpoints > 0)
        assert inbox.written == 0 and main_file.stat().st_size > before + 500_000
    finally:
        await inbox.stop()
        engine.dispose()
        loop.dispose()


def _wal_frames(database: str) -> int:
    """The frames in an SQLite database's WAL: mxFrame of the WAL index's header (-shm)."""
    import sys

    with open(f"{database}-shm", "rb") as f:
        return int.from_bytes(f.read(20)[16:20], sys.byteorder)


async def test_a_wal_the_writers_keep_growing_is_folded_with_them_held_and_starts_over(tmp_path):
    """SQLite writes the WAL from its start again only in a write transaction begun after a
    checkpoint folded all of it. At 800 msg/s the loop's event batch was open across every
    checkpoint and appended when it committed, so the WAL never started over and grew 2.5 GB
    in two minutes (core30). A large WAL still growing since the last checkpoint is
    checkpointed again with the process's writers held (App: the event gate, its open batch
    committed, and the inbox's turn); the next transaction starts the WAL over. Here a
    transaction open across the first checkpoint stands for the event batch: it commits when
    the writers are held, as the batch does (EventBatch.exclusive)."""
    import contextlib

    from sqlalchemy import text

    from bot.clock import SystemClock
    from bot.core.inbox import Inbox, StorageHealth
    from db.session import loop_engine, thread_engine

    database = str(tmp_path / "wal.db")
    url = f"sqlite:///{database}"
    upgrade(url)
    loop = loop_engine(url)
    engine = thread_engine(loop)
    insert = text("INSERT INTO job_notes VALUES (:t)")
    with loop.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE job_notes (t TEXT)")
        conn.execute(insert, [{"t": "字" * 2000}] * 50)
    batch = loop.connect()
    batch.begin()
    batch.execute(insert, [{"t": "字" * 2000}] * 50)  # the open batch: begun, not committed
    held: list[bool] = []

    @contextlib.asynccontextmanager
    async def writers_held():
        held.append(True)
        batch.commit()
        yield

    inbox = Inbox(engine, SystemClock(), lambda key, event: None, StorageHealth(), writers_held=writers_held)
    inbox.fold_with_writers_held = 10  # frames; the shipped threshold is 128 MB of them
    try:
        assert _wal_frames(database) > 50
        await inbox.fold_wal()
        assert held == [True] and inbox.folds_with_writers_held == 1 and inbox.checkpoints == 2
        with loop.begin() as conn:  # the next batch
            conn.execute(insert, {"t": "字"})
        assert _wal_frames(database) < 10  # started over from the beginning of the file
        with loop.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM job_notes").scalar() == 101
    finally:
        batch.close()
        engine.dispose()
        loop.dispose()


async def test_a_large_wal_that_stopped_growing_is_not_folded_with_the_writers_held(tmp_path):
    """Held only while the WAL grows: once folded whole and quiet, the next write starts it over
    anyway; holding every writer for it again would only delay the events."""
    import contextlib

    from bot.clock import SystemClock
    from bot.core.inbox import Inbox, StorageHealth
    from db.session import loop_engine, thread_engine

    database = str(tmp_path / "wal.db")
    url = f"sqlite:///{database}"
    upgrade(url)
    loop = loop_engine(url)
    engine = thread_engine(loop)
    with loop.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE job_notes (t TEXT)")
        for _ in range(50):
            conn.exec_driver_sql("INSERT INTO job_notes VALUES (?)", ("字" * 2000,))
    held: list[bool] = []

    @contextlib.asynccontextmanager
    async def writers_held():
        held.append(True)
        yield

    inbox = Inbox(engine, SystemClock(), lambda key, event: None, StorageHealth(), writers_held=writers_held)
    inbox.fold_with_writers_held = 10
    try:
        await inbox.fold_wal()  # grew since the start: held once
        await inbox.fold_wal()  # nothing written since
        assert held == [True] and inbox.checkpoints == 3
        with loop.begin() as conn:
            conn.exec_driver_sql("INSERT INTO job_notes VALUES ('字')")
        assert _wal_frames(database) < 10
    finally:
        engine.dispose()
        loop.dispose()
