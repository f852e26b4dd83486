"""Pure parts of the core: command parsing and roles, the governor and the scheduler under an
injected clock."""

from __future__ import annotations

import asyncio
import contextlib
import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.core.builtin import BuiltinCommands
from bot.core.commands import CommandRouter
from bot.core.governor import Governor, Refused
from bot.core.plugin import JobSpec, Plugin, command
from bot.core.roles import Role, bot_can_moderate, is_protected, role_of
from bot.core.scheduler import JobScheduler
from bot.platform import RoomInfo
from bot.rules import parse_rules
from bot.rules.schema import GovernorRules

ROOM = RoomInfo("r1@chatroom", "测试群", "owner", frozenset({"adm", "bot"}), ("owner", "adm", "bot", "m1", "m2"))


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("#help", "help", ""),
        ("#Status now", "status", "now"),
        ("＃help", "help", ""),
        ("@群管机器人\u2005#dryrun on", "dryrun", "on"),
        ("@群管机器人 @alice #kick x", "kick", "x"),
        ("# help", None, None),
        ("#", None, None),
        ("hello #help", None, None),
    ],
)
def test_parse_commands(text, name, args):
    parsed = CommandRouter.parse(text, "#")
    assert (parsed.name, parsed.args) == (name, args) if name else parsed is None


def test_hashtags_are_not_mistyped_commands():
    assert CommandRouter.parse("#helo", "#").looks_like_command
    assert not CommandRouter.parse("#今日分享 很棒", "#").looks_like_command


def test_router_rejects_duplicate_names():
    class A(Plugin):
        name = "a"

        @command("x", aliases=("同",))
        async def x(self, ctx, args):
            """x"""

    class B(Plugin):
        name = "b"

        @command("同")
        async def y(self, ctx, args):
            """y"""

    with pytest.raises(ValueError):
        CommandRouter([A(), B()])


def test_roles_come_from_ids_only():
    rules = parse_rules("bot:\n  operators: [op]\ngroups:\n  r1@chatroom:\n    moderators: [m1]\n"
                        "    whitelist: [m2]\n", "r", [])
    assert role_of("op", ROOM, rules) is Role.OPERATOR
    assert role_of("owner", ROOM, rules) is Role.OWNER
    assert role_of("adm", ROOM, rules) is Role.ADMIN
    assert role_of("m1", ROOM, rules) is Role.ADMIN  # moderator by rules
    assert role_of("m2", ROOM, rules) is Role.MEMBER
    assert is_protected("m2", ROOM, rules) and is_protected("owner", ROOM, rules)
    assert not is_protected("nobody", ROOM, rules)
    assert bot_can_moderate("bot", ROOM) and not bot_can_moderate("m1", ROOM) and not bot_can_moderate(None, ROOM)


async def drain() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_governor_spaces_sends_per_group_and_account():
    clock = FakeClock()
    gov = Governor(clock, GovernorRules(group_interval="3s", account_interval="1s", jitter="0s",
                                        quiet_after_login="0s"), random.Random(1))
    assert await gov.acquire("g1") == timedelta(0)
    waits = []

    async def send(room):
        waits.append((room, await gov.acquire(room)))

    tasks = [asyncio.create_task(send("g1")), asyncio.create_task(send("g2"))]
    await drain()
    assert waits == []  # both wait for their slot
    clock.advance(1)
    await drain()
    clock.advance(2)
    await drain()
    assert waits == [("g1", timedelta(seconds=3))]
    clock.advance(1)
    await drain()
    await asyncio.gather(*tasks)
    assert dict(waits) == {"g1": timedelta(seconds=3), "g2": timedelta(seconds=4)}


async def test_governor_lets_removals_and_recalls_go_before_waiting_sends():
    """In a raid the welcomes queued in other groups must not keep an ad up: a removal or a
    recall takes the account's next slot ahead of the ordinary sends already waiting."""
    clock = FakeClock()
    gov = Governor(clock, GovernorRules(group_interval="0s", account_interval="1s", jitter="0s",
                                        quiet_after_login="0s", kicks_per_hour=1), random.Random(1))
    await gov.acquire("g0")  # the account's slot is taken for a second
    order: list[str] = []

    async def act(room: str, kind: str = "send") -> None:
        try:
            await gov.acquire(room, kind)
            order.append(f"{kind}:{room}")
        except Refused:
            order.append(f"refused:{room}")

    sends = [asyncio.create_task(act(f"g{i}")) for i in range(1, 4)]
    cancelled = asyncio.create_task(act("g9"))
    await drain()
    cancelled.cancel()  # an action stopped while it waited takes no slot
    kick = asyncio.create_task(act("g5", "kick"))
    recall = asyncio.create_task(act("g6", "recall"))
    second_kick = asyncio.create_task(act("g7", "kick"))
    await drain()
    assert order == []
    for _ in range(6):
        clock.advance(1)
        await drain()
    await asyncio.gather(*sends, kick, recall, second_kick)
    # the hour's one removal went first; the second was refused when its turn came, taking no slot
    assert order == ["kick:g5", "recall:g6", "refused:g7", "send:g1", "send:g2", "send:g3"]
    assert gov.state().sent_today == 6


async def test_governor_jitter_quiet_period_and_caps():
    clock = FakeClock()
    gov = Governor(clock, GovernorRules(group_interval="0s", account_interval="1s", jitter="2s",
                                        daily_limit=3, kicks_per_hour=1, quiet_after_login="30s"),
                   random.Random(7))
    gov.note_login()
    task = asyncio.create_task(gov.acquire("g"))
    await drain()
    assert not task.done()
    clock.advance(30)
    await drain()
    assert await task == timedelta(seconds=30)
    clock.advance(10)
    await gov.acquire("g", "kick")
    with pytest.raises(Refused):
        await gov.acquire("g", "kick")  # one kick per hour
    clock.advance(10)
    await gov.acquire("g")
    clock.advance(10)
    with pytest.raises(Refused):
        await gov.acquire("g")  # daily limit of 3
    clock.advance(days=1)
    assert await gov.acquire("g") == timedelta(0)


async def test_governor_pauses_after_throttling():
    clock = FakeClock()
    gov = Governor(clock, GovernorRules(jitter="0s", quiet_after_login="0s", throttle_pause="5m"))
    gov.note_throttled()
    task = asyncio.create_task(gov.acquire("g"))
    await drain()
    clock.advance(299)
    await drain()
    assert not task.done()
    clock.advance(1)
    await drain()
    assert await task == timedelta(minutes=5)


async def test_governor_state_shows_todays_sends_recent_removals_and_a_pause():
    clock = FakeClock(datetime(2026, 1, 4, 12, 0, tzinfo=UTC))
    gov = Governor(clock, GovernorRules(group_interval="0s", account_interval="0s", jitter="0s",
                                        quiet_after_login="0s", throttle_pause="5m"))
    await gov.acquire("g")
    await gov.acquire("g", "kick")
    state = gov.state()
    assert (state.sent_today, state.kicks_last_hour, state.paused_until) == (2, 1, None)
    gov.note_throttled()
    assert gov.state().paused_until == clock.now() + timedelta(minutes=5)
    clock.advance(3600)
    state = gov.state()
    assert (state.kicks_last_hour, state.paused_until) == (0, None)
    clock.advance(24 * 3600)  # a new local day
    assert gov.state().sent_today == 0


@contextlib.asynccontextmanager
async def running_scheduler(clock):
    """A started JobScheduler on the clock, and what it fired: (job id, scheduled time)."""
    fired: list[tuple[str, datetime]] = []

    async def runner(spec, at):
        fired.append((spec.id, at))

    sched = JobScheduler(clock, runner)
    sched.start()
    try:
        yield sched, fired
    finally:
        await sched.shutdown()


async def test_scheduler_cron_in_shanghai_reconcile_and_coalesce():
    clock = FakeClock(datetime(2026, 1, 4, 12, 0, tzinfo=UTC))  # Sunday 20:00 in Shanghai
    async with running_scheduler(clock) as (sched, fired):
        sched.reconcile([JobSpec("x.weekly", "30 20 * * 0"), JobSpec("x.tick", "every 10m")])
        assert sched.next_run("x.weekly") == datetime(2026, 1, 4, 12, 30, tzinfo=UTC)
        clock.advance(minutes=31)
        await drain()
        # 20:10, 20:20, 20:30 coalesced: only the latest runs
        assert fired == [("x.tick", datetime(2026, 1, 4, 12, 30, tzinfo=UTC)),
                         ("x.weekly", datetime(2026, 1, 4, 12, 30, tzinfo=UTC))]
        assert sched.next_run("x.tick") == datetime(2026, 1, 4, 12, 40, tzinfo=UTC)
        # reload: weekly moved to Saturday, tick removed, a bad trigger is refused without harm
        changed, removed = sched.reconcile([JobSpec("x.weekly", "0 9 * * 6"), JobSpec("x.bad", "61 * * * *")])
        assert changed == ["x.weekly"] and removed == ["x.tick"]
        assert sched.next_run("x.weekly") == datetime(2026, 1, 10, 1, 0, tzinfo=UTC)
        assert set(sched.specs) == {"x.weekly"}
        fired.clear()
        clock.advance(days=6)
        await drain()
        assert fired == [("x.weekly", datetime(2026, 1, 10, 1, 0, tzinfo=UTC))]


async def test_scheduler_grace_runs_a_recently_missed_occurrence_once():
    clock = FakeClock(datetime(2026, 1, 4, 12, 40, tzinfo=UTC))  # 20:40, ten minutes after 20:30
    async with running_scheduler(clock) as (sched, fired):
        sched.reconcile([JobSpec("x.late", "30 20 * * *", grace=15 * 60), JobSpec("x.lost", "30 20 * * *", grace=60)])
        await drain()
        assert fired == [("x.late", datetime(2026, 1, 4, 12, 30, tzinfo=UTC))]  # only the one within its grace
        assert sched.next_run("x.lost") == datetime(2026, 1, 5, 12, 30, tzinfo=UTC)


async def test_fake_clock_counts_a_sleep_from_when_it_was_asked_for():
    """A sleeper's deadline is fixed when sleep() is called, not when the task awaiting it first
    runs: the clock moved by another task in between must not push the wake-up later."""
    clock = FakeClock()
    sleeper = asyncio.ensure_future(clock.sleep(10))
    clock.advance(10)  # before the sleeper's task has taken a step
    await drain()
    assert sleeper.done()


async def test_fake_clock_a_sleep_cancelled_before_it_ran_leaves_no_sleeper():
    clock = FakeClock()
    waiter = asyncio.ensure_future(clock.sleep(10))
    waiter.cancel()  # as the scheduler and the outbox do with the sleep they did not wake on
    assert [t for t, f in clock._sleepers if not f.done()] == []


class _RacingClock(FakeClock):
    """Moves itself the moment someone asks to sleep: the interleaving of a busy machine, where
    the test's advance() runs between the scheduler reading now and its sleep starting."""

    jump = 0.0

    def sleep(self, seconds: float):
        waiter = super().sleep(seconds)
        if self.jump:
            jump, self.jump = self.jump, 0.0
            self.advance(jump)
        return waiter


async def test_scheduler_fires_a_job_when_the_clock_moves_while_the_pump_goes_to_sleep():
    """The settle() hang seen under load (issue 13): the clock moved to a job's time just as the
    pump went to sleep; the pump slept past it, the job never fired and the scheduler never
    became quiet, so the app never reported idle."""
    clock = _RacingClock(datetime(2026, 1, 5, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai
    async with running_scheduler(clock) as (sched, fired):
        sched.reconcile([JobSpec("x.daily", "0 20 * * *")])
        await drain()
        assert fired == [] and sched.quiet
        sched.reconcile([JobSpec("x.daily", "0 20 * * *"), JobSpec("x.other", "0 21 * * *")])  # wakes the pump
        clock.jump = 11 * 3600  # to 20:00, the moment the pump asks to sleep until then
        await drain()
        assert fired == [("x.daily", datetime(2026, 1, 5, 12, 0, tzinfo=UTC))]
        assert sched.quiet


def test_help_lists_admin_only_parts_only_to_admins():
    from plugins.checkin import CheckinPlugin

    [spec] = [s for s in CheckinPlugin().commands() if s.name == "checkin"]
    assert "stats" not in spec.usage_for(Role.MEMBER)
    assert "stats" in spec.usage_for(Role.ADMIN)
    router = CommandRouter([BuiltinCommands(), CheckinPlugin()])
    assert "use" not in {s.name for s in router.visible(Role.MEMBER)}
    assert "use" in {s.name for s in router.visible(Role.OWNER)}


@pytest.mark.parametrize(("status", "said"), [
    ("done", "已在群里警告「bob」"),
    ("dry_run", "对「bob」的警告没有真正发出：演习模式，只做了记录。"),
    ("expired", "对「bob」的警告没有发出：排队太久，已不再发送。"),
    ("refused_cap", "对「bob」的警告没有发出：今天的发送次数已达上限。"),
    ("failed", "对「bob」的警告没有发出：微信发送失败，请手动处理。"),
    ("uncertain", "对「bob」的警告不确定是否已发到群里：机器人重启时它正在发送，请到群里看一下。"),
])
def test_a_text_asked_for_privately_is_answered_with_what_became_of_it(status: str, said: str) -> None:
    from bot.actions import Reply, SendPrivate
    from bot.core.executor import Executor, Planned

    rules = parse_rules("", "rules.yaml", [])
    warning = Reply("r1@chatroom", "⚠️ 警告", ("bob",), case_id=7, answer_to="wxid_admin",
                    answer_done="已在群里警告「bob」", answer_not_done="对「bob」的警告{why}。")
    [answer] = Executor.answers(Planned(warning, "moderation"), status, rules)
    assert answer.answer and answer.action == SendPrivate("wxid_admin", said, reason="case 7")
    # a text nobody asked for privately is owed to no one
    assert Executor.answers(Planned(Reply("r1@chatroom", "hi"), "moderation"), status, rules) == []


def test_a_room_answers_whether_someone_is_a_member_from_its_ids():
    """RoomInfo.has_member: asked for every group message (a missed join) and every removal,
    from a set kept beside the platform's ordered ids, also in a copy with other members."""
    import dataclasses

    from bot.platform import RoomInfo

    room = RoomInfo("r1", "群", "owner", frozenset(), ("owner", "alice", "bob"))
    assert [room.has_member(m) for m in ("owner", "alice", "bob", "carol", "")] == [True, True, True, False, False]
    moved = dataclasses.replace(room, member_ids=("owner", "carol"))
    assert moved.has_member("carol") and not moved.has_member("alice")
    assert room == RoomInfo("r1", "群", "owner", frozenset(), ("owner", "alice", "bob"))
    assert "_members" not in repr(room)
