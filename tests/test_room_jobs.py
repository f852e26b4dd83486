"""A join's (or a nickname step's) job changes cost only its own room: the plugins that said their
jobs changed (Context.reschedule) declare that room's jobs (Plugin.room_jobs) in the event's own
transaction, and they reach the scheduler when it commits; not a reconcile of every plugin over
every group in a session of its own that held every group's events (issue 13: two per join,
~13 a second at 300 msg/s with newcomers). The real app, SDK and simulator, an injected clock;
every wait is on an event or the settle barrier (the timeouts only bound a broken run)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.core.batch import EventBatch, Redo
from bot.core.plugin import JobSpec
from bot.core.scheduler import JobScheduler
from db import repo
from plugins.newcomers import GreetingPlugin, NicknamePlugin
from plugins.newcomers.greeting import WELCOME_JOB
from plugins.newcomers.models import PendingWelcome
from plugins.newcomers.nickname import DUE_JOB
from tests.harness import Harness
from tests.test_newcomers_e2e import Bot, sections

AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
async def bot(tmp_path, database_url):
    harness = Harness(tmp_path, [GreetingPlugin(), NicknamePlugin()], database_url=database_url,
                      clock=FakeClock(), extra_defaults=sections())
    await harness.start()
    bot = Bot(harness)
    await bot.reconciled()
    yield bot
    await harness.stop()


def count_full_reconciles(app) -> list[int]:
    """Every full reconcile from now on (the number of jobs it declared)."""
    runs: list[int] = []
    original = app.scheduler.reconcile

    def counted(specs):
        specs = list(specs)
        runs.append(len(specs))
        return original(specs)

    app.scheduler.reconcile = counted
    return runs


async def test_a_join_declares_its_rooms_welcome_and_nickname_jobs_without_a_reconcile_of_every_group(bot):
    room, other = bot.cast.admin, bot.cast.owned
    app = bot.app
    # a welcome pending in another group: its job must stay as it is
    bot.world.join(other, [bot.cast["dave"]], inviter=bot.cast["alice"])
    await bot.reconciled()
    theirs = app.scheduler.specs[f"{WELCOME_JOB}{other}"]
    runs = count_full_reconciles(app)
    newcomer = bot.world.add_contact("新来的")
    bot.world.join(room, [newcomer], inviter=bot.cast["alice"])
    await bot.settle()  # the join is handled and committed; no background work waited for
    assert runs == []  # before: one reconcile of every plugin over every group
    specs = app.scheduler.specs
    assert f"{WELCOME_JOB}{room}" in specs and f"{DUE_JOB}{room}" in specs
    assert specs[f"{WELCOME_JOB}{other}"] == theirs
    # the welcome and the prompt still go out, once each, after the merge window
    await bot.passes(seconds=5)
    await bot.wait_text(room, "欢迎")
    assert runs == []
    assert f"{WELCOME_JOB}{room}" not in app.scheduler.specs  # ran, and nothing pending declares it again


async def test_a_join_that_keeps_the_welcome_waiting_moves_only_its_rooms_job(bot):
    """Joins that keep coming wait for a lull: the room's welcome job moves with each join."""
    room = bot.cast.admin
    app = bot.app
    runs = count_full_reconciles(app)
    first, second = bot.world.add_contact("第一个"), bot.world.add_contact("第二个")
    bot.world.join(room, [first], inviter=bot.cast["alice"])
    await bot.settle()
    due = app.scheduler.next_run(f"{WELCOME_JOB}{room}")
    await bot.passes(seconds=3)
    bot.world.join(room, [second], inviter=bot.cast["alice"])
    await bot.settle()
    assert app.scheduler.next_run(f"{WELCOME_JOB}{room}") > due  # the lull starts again
    await bot.passes(seconds=5)
    welcome = await bot.wait_text(room, "欢迎")
    assert "第一个" in welcome and "第二个" in welcome
    assert runs == []


def test_a_rooms_reconcile_leaves_other_rooms_and_other_plugins_jobs_alone():
    clock = FakeClock(AT)

    async def runner(spec, at):  # pragma: no cover - nothing is pumped here
        pass

    sched = JobScheduler(clock, runner)
    sched.reconcile([JobSpec("greeting:welcome:r1", "2026-12-02T20:05:00", room_id="r1"),
                     JobSpec("greeting:welcome:r2", "2026-12-02T20:05:00", room_id="r2"),
                     JobSpec("checkin.remind:r1", "0 21 * * *", room_id="r1"),
                     JobSpec("greeting:raid-sweep", "every 10m")])
    changed, removed = sched.reconcile_room("greeting", "r1", [])
    assert (changed, removed) == ([], ["greeting:welcome:r1"])
    assert set(sched.specs) == {"greeting:welcome:r2", "checkin.remind:r1", "greeting:raid-sweep"}
    moved = JobSpec("greeting:welcome:r2", "2026-12-02T20:06:00", room_id="r2")
    assert sched.reconcile_room("greeting", "r2", [moved]) == (["greeting:welcome:r2"], [])
    assert sched.specs["greeting:welcome:r2"] == moved
    with pytest.raises(ValueError):  # another room's job, or another plugin's, is not this room's
        sched.reconcile_room("greeting", "r2", [JobSpec("greeting:welcome:r1", "2026-12-02T20:06:00", room_id="r1")])


async def test_the_pump_fires_exactly_the_due_jobs_in_time_order_among_many_rooms():
    """The scheduler reads its earliest and its due jobs from the sorted store, not by walking
    every job: with 300 rooms' jobs declared out of order, a reconcile that drops a room and a
    room's own reschedule, the jobs due by a time are fired, each once and in time order."""
    clock = FakeClock(AT)
    fired: list[str] = []

    async def runner(spec, at):
        fired.append(spec.id)

    sched = JobScheduler(clock, runner)
    specs = [JobSpec(f"greeting:welcome:r{i}", f"2026-12-02T20:{(i * 7) % 60:02d}:00", room_id=f"r{i}")
             for i in range(300)]
    sched.reconcile(specs)  # before start(): the jobs wait outside the store, and are still read
    assert sched._next_due() == datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # 20:00 Asia/Shanghai
    sched.start()
    try:
        sched.reconcile(specs[1:])  # r0's job is gone, and its room with it
        assert sched.reconcile_room("greeting", "r0", []) == ([], [])
        moved = JobSpec("greeting:welcome:r5", "2026-12-02T19:30:00", room_id="r5")
        assert sched.reconcile_room("greeting", "r5", [moved]) == (["greeting:welcome:r5"], [])
        assert sched._next_due() == datetime(2026, 12, 2, 11, 30, tzinfo=UTC)
        ran = await sched.run_pending(datetime(2026, 12, 2, 12, 2, tzinfo=UTC))
        due = sorted((s for s in specs[1:] if s.id != moved.id and s.trigger <= "2026-12-02T20:02:00"),
                     key=lambda s: (s.trigger, s.id))
        assert fired == [moved.id] + [s.id for s in due]
        assert ran == len(fired) == 1 + len(due)
        assert await sched.run_pending(datetime(2026, 12, 2, 12, 2, tzinfo=UTC)) == 0  # each once
        assert sched._next_due() == datetime(2026, 12, 2, 12, 3, tzinfo=UTC)
    finally:
        await sched.shutdown()



async def test_what_an_event_leaves_for_its_commit_runs_once_it_committed_and_never_for_a_rollback(loop_sessions):
    batch = EventBatch(loop_sessions, asyncio.Lock())
    done: list[str] = []
    started, go_on = asyncio.Event(), asyncio.Event()

    async def event(event_id: str, *, fail: bool = False) -> str:
        try:
            async with batch.event() as db:
                repo.mark_seen(db, event_id, "room", AT)
                db.add(PendingWelcome(room_id="room", member_id=event_id, name="", joined_at=AT))
                batch.on_commit(lambda: done.append(event_id))
                if fail:
                    started.set()
                    await go_on.wait()
                    raise RuntimeError("fails")
            return "committed"
        except Redo:
            return "redo"
        except RuntimeError:
            return "failed"

    failing = asyncio.ensure_future(event("bad", fail=True))
    await started.wait()
    assert done == []  # nothing committed yet
    other = asyncio.ensure_future(event("good"))
    await asyncio.sleep(0)
    go_on.set()
    assert await failing == "failed" and done == []  # rolled back: its step dropped
    assert await other == "committed"  # it waited for the gate: a batch of its own
    assert done == ["good"]
    with loop_sessions() as db:
        assert list(db.scalars(select(PendingWelcome.member_id))) == ["good"]
