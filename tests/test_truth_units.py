"""Units of the truth slice: the governor's persisted caps and local day, the ladder's strike
count, the live rules view (manage: auto, bound operators)."""

from __future__ import annotations

import asyncio
import random
import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.core.governor import Governor, Refused, _KickLog
from bot.core.live import LiveFacts, LiveView
from bot.rules.loader import parse_rules
from bot.rules.schema import GovernorRules
from tests.harness import wait_until


def _gov(clock: FakeClock, **caps) -> Governor:
    rules = GovernorRules(group_interval="0s", account_interval="0s", jitter="0s", quiet_after_login="0s", **caps)
    return Governor(clock, rules, random.Random(1), timezone="Asia/Shanghai")


async def test_the_day_rolls_over_at_local_midnight_not_utc():
    clock = FakeClock(datetime(2026, 1, 5, 15, 30, tzinfo=UTC))  # 23:30 in Shanghai
    gov = _gov(clock, daily_limit=1)
    await gov.acquire("g")
    with pytest.raises(Refused) as refused:
        await gov.acquire("g")
    assert refused.value.retry_at == datetime(2026, 1, 5, 16, 0, tzinfo=UTC)  # 00:00 in Shanghai
    assert refused.value.cap == "daily_limit"
    clock.advance(minutes=31)  # still 5 January in UTC, already the 6th in Shanghai
    assert await gov.acquire("g") == timedelta(0)


async def test_caps_survive_a_restart_through_the_snapshot():
    clock = FakeClock(datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    first = _gov(clock, kicks_per_hour=1, daily_limit=3)
    await first.acquire("g", "kick")
    await first.acquire("g")
    saved = first.snapshot()
    clock.advance(minutes=10)
    second = _gov(clock, kicks_per_hour=1, daily_limit=3)
    second.restore(saved)
    with pytest.raises(Refused) as refused:
        await second.acquire("g", "kick")  # the hour's removal is remembered
    assert refused.value.retry_at == datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    await second.acquire("g")  # the third action of the day
    with pytest.raises(Refused):
        await second.acquire("g")  # the day's count is remembered too
    clock.advance(days=1)
    third = _gov(clock, kicks_per_hour=1, daily_limit=3)
    third.restore(saved)  # yesterday's snapshot counts nothing today
    await third.acquire("g", "kick")


async def test_the_snapshot_keeps_the_hour_s_removals_by_minute_however_high_the_cap():
    """The outbox stores the snapshot with every action: with the hourly cap raised (a few hundred
    groups, or bench.load with the governor off) it had listed every removal of the hour each time.
    By minute it stays small, and restored it refuses no later than the first governor would have
    allowed and frees no removal earlier."""
    clock = FakeClock(datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    first = _gov(clock, kicks_per_hour=600, daily_limit=10_000)
    for _ in range(600):  # one removal every 5 s for 50 minutes
        await first.acquire("g", "kick")
        clock.advance(seconds=5)
    saved = first.snapshot()
    assert len(saved["kicks"]) <= 61 and sum(n for _, n in saved["kicks"]) == 600
    with pytest.raises(Refused) as exact:
        first.check("kick")
    second = _gov(clock, kicks_per_hour=600, daily_limit=10_000)
    second.restore(saved)
    assert second.state().kicks_last_hour == 600
    with pytest.raises(Refused) as restored:
        second.check("kick")
    # the oldest minute's removals count from that minute's latest: freed within a minute after
    assert exact.value.retry_at <= restored.value.retry_at < exact.value.retry_at + timedelta(minutes=1)
    clock.advance(minutes=11)  # 03:01: the first minute's twelve are gone on both
    first.check("kick")
    second.check("kick")
    # and the removal at 02:01:00 counts on the restored one until its minute's latest (02:01:55) is an hour old
    assert (first.state().kicks_last_hour, second.state().kicks_last_hour) == (587, 588)


async def test_an_older_snapshot_s_list_of_removals_is_still_read():
    clock = FakeClock(datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    gov = _gov(clock, kicks_per_hour=2)
    gov.restore({"day": "2026-01-05", "sent": 2, "kicks": ["2026-01-05T01:30:00+00:00", "2026-01-05T00:30:00+00:00",
                                                          "2026-01-05T01:50:00+00:00"]})
    assert gov.state().kicks_last_hour == 2  # the one two hours old is forgotten
    with pytest.raises(Refused) as refused:
        gov.check("kick")
    assert refused.value.retry_at == datetime(2026, 1, 5, 2, 30, tzinfo=UTC)


async def test_the_slot_hook_runs_once_right_before_the_first_send():
    from bot.core.governor import ON_SLOT

    clock = FakeClock()
    gov = Governor(clock, GovernorRules(group_interval="0s", account_interval="1s", jitter="0s",
                                        quiet_after_login="10s"))
    gov.note_login()
    calls: list[datetime] = []

    async def hook() -> None:
        calls.append(clock.now())

    async def action() -> None:
        ON_SLOT.set(hook)
        await gov.acquire("g")
        await gov.acquire("g")

    def parked() -> bool:  # the action waits on the fake clock
        return any(not fut.done() for _, fut in clock._sleepers)

    task = asyncio.create_task(action())
    await wait_until(parked)
    assert calls == []  # still waiting for its turn: nothing may have been sent
    clock.advance(10)
    await wait_until(lambda: calls and parked())  # first send's slot taken; the second waits
    assert len(calls) == 1
    clock.advance(1)
    await task
    assert len(calls) == 1


RULES = """\
version: 1
bot:
  operators: [wxid_op]
{manage}
defaults: {{}}
"""


@pytest.mark.parametrize(("manage", "role", "on", "off", "expected"), [
    ("", "owner", False, False, True),
    ("", "admin", False, False, True),
    ("", "member", False, False, False),
    ("", None, False, False, False),
    ("", "member", True, False, True),
    ("", "admin", False, True, False),
    ("  manage: all", "member", False, False, True),
    ('  manage: ["r1"]', "member", False, False, True),
    ('  manage: ["r2"]', "owner", False, False, False),
], ids=["auto-owner", "auto-admin", "auto-member", "auto-unknown", "auto-turned-on", "auto-turned-off", "all",
        "listed", "not-listed"])
def test_manage_auto_follows_the_bots_role_and_chat(manage, role, on, off, expected):
    rules = parse_rules(RULES.format(manage=manage), "rules.yaml", [])
    facts = LiveFacts()
    if role:
        facts.bot_roles["r1"] = role
    if on:
        facts.manage_on.add("r1")
    if off:
        facts.manage_off.add("r1")
    assert LiveView(facts)(rules).manages("r1") is expected


def test_bound_operators_join_the_configured_ones():
    rules = parse_rules(RULES.format(manage=""), "rules.yaml", [])
    facts = LiveFacts()
    view = LiveView(facts)
    assert view(rules).bot.operators == ("wxid_op",)
    facts.operators = frozenset({"wxid_new", "wxid_op"})
    assert view(rules).bot.operators == ("wxid_op", "wxid_new")
    assert rules.bot.operators == ("wxid_op",)  # the snapshot itself is untouched


def test_the_console_counts_the_hour_s_removals_while_the_loop_records_them():
    """The console's overview reads the governor's state from a worker thread (asyncio.to_thread): counting
    the removals by iterating the deque the loop appends to and expires raised "deque mutated during
    iteration" (found in lead54's review; it had been so before lead53 too). The count copies it first."""
    log, now = _KickLog(), datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
    for _ in range(600):
        log.append(now)
    done, errors = threading.Event(), []

    def console() -> None:
        while not done.is_set():
            try:
                log.within_hour(now)
            except RuntimeError as exc:  # pragma: no cover - the failure this test is for
                errors.append(exc)
                return

    reader = threading.Thread(target=console)
    reader.start()
    try:
        for i in range(200_000):  # the loop: a removal recorded, the oldest expired
            log.append(now + timedelta(microseconds=i))
            log.expire(now + timedelta(hours=1, microseconds=i - 600))
            if errors:
                break
    finally:
        done.set()
        reader.join()
    assert not errors, errors
