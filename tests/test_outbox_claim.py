"""The sender's claim and its in-flight marker: a lane's claim looks two rows ahead (a lane ends
after its last row without one more empty look), and a row goes in flight in one conditional
statement when its send slot comes. Neither loses a row, nor carries one out twice."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.actions import Kick, Reply, to_record
from bot.clock import FakeClock
from bot.core import outbox
from bot.core.context import Planned
from db.models import OutboxRow
from tests.harness import Harness, Probe

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _row(lane: str, text: str, owner: str = "me", not_before: datetime | None = None) -> OutboxRow:
    kind, payload = to_record(Reply(lane, text))
    return OutboxRow(lane=lane, room_id=lane, kind=kind, payload=payload, source="test", answer=False, owner=owner,
                     case_id=None, status=outbox.PENDING, attempts=0, told=False, created_at=T0, updated_at=T0,
                     not_before=not_before)


def _sender(sessions) -> outbox.Outbox:
    @contextlib.asynccontextmanager
    async def session():
        with sessions() as db:
            yield db

    sender = outbox.Outbox(session=session, executor=None, governor=None, clock=FakeClock(T0),  # type: ignore[arg-type]
                           rules=None, audit=None)  # type: ignore[arg-type]
    sender.instance = "me"
    return sender


def test_the_claim_says_whether_another_row_is_due_after_the_one_it_takes(sessions):
    with sessions() as db:
        db.add_all([_row("r1", "一"), _row("r1", "二"), _row("r2", "别的群"), _row("r3", "别人的", owner="other"),
                    _row("r1", "稍后", not_before=T0 + timedelta(minutes=5))])
        db.commit()
    sender = _sender(sessions)

    def claim(lane: str) -> tuple[str | None, bool]:
        with sessions() as db:
            row, more = sender._claim(db, lane, T0)
            text = None if row is None else row.payload["text"]
            if row is not None:
                row.status = "done"  # as the sender records it
            db.commit()
            return text, more

    # the row waiting for a later window is neither taken nor counted as due after the second
    assert [claim("r1"), claim("r1"), claim("r1")] == [("一", True), ("二", False), (None, False)]
    assert claim("r2") == ("别的群", False)
    assert claim("r3") == (None, False)  # another process's row
    with sessions() as db:
        later = db.scalars(select(OutboxRow).where(OutboxRow.not_before.is_not(None))).one()
        assert sender._claim(db, "r1", later.not_before) == (later, False)


def test_staged_rows_are_written_at_once_not_left_for_the_session_to_flush(sessions):
    """stage() writes its rows with a prepared INSERT: the next event of a shared transaction
    does not flush ORM objects first, and what the transaction reads next (removals, the
    claim) sees them all the same."""
    sender = _sender(sessions)
    with sessions() as db:
        sender.stage(db, [Planned(Reply("r1", "一"), "test")])
        assert not db.new
        sender.stage(db, [Planned(Kick("r1", "spammer", reason="ad"), "antispam"),
                          Planned(Reply("r2", "二", answer_to="u1"), "test")])
        assert set(outbox.removals(db, "r1", T0)) == {"spammer"}
        db.commit()
    with sessions() as db:
        rows = db.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        assert [(r.lane, r.kind, r.status, r.owner, r.attempts, r.told, r.created_at, r.updated_at)
                for r in rows] == [("r1", "Reply", outbox.PENDING, "me", 0, False, T0, T0),
                                   ("r1", "Kick", outbox.PENDING, "me", 0, False, T0, T0),
                                   ("r2", "Reply", outbox.PENDING, "me", 0, False, T0, T0)]
        assert rows[0].payload["text"] == "一" and rows[1].payload["member_id"] == "spammer"
        assert sender._claim(db, "r1", T0)[0] is not None


async def test_the_marker_takes_only_pending_rows_and_stops_at_a_withdrawn_one(sessions):
    """A row goes in flight in one conditional statement when its send slot comes: a row
    withdrawn meanwhile stops the action (Withdrawn), a row already in flight (another sender
    marked it) is left as it is."""
    with sessions() as db:
        rows = [_row("r1", text) for text in ("待发", "已撤回", "别人在发")]
        db.add_all(rows)
        db.flush()
        rows[1].status, rows[2].status, rows[2].attempts = outbox.WITHDRAWN, outbox.IN_FLIGHT, 1
        db.commit()
        ids = [row.id for row in rows]

    sender = _sender(sessions)
    sender._clock = FakeClock(T0 + timedelta(seconds=7))
    await sender._marker([ids[0], ids[2]])()
    await sender._marker([ids[0]])()  # a second marker finds it in flight: not counted again
    with pytest.raises(outbox.Withdrawn):
        await sender._marker([ids[1]])()
    with pytest.raises(outbox.Withdrawn):
        await sender._marker([ids[0], ids[1]])()  # a notice digest with one withdrawn row
    with sessions() as db:
        found = {row.id: (row.status, row.attempts, row.updated_at) for row in db.scalars(select(OutboxRow))}
    assert found == {ids[0]: (outbox.IN_FLIGHT, 1, T0 + timedelta(seconds=7)),
                     ids[1]: (outbox.WITHDRAWN, 0, T0), ids[2]: (outbox.IN_FLIGHT, 1, T0)}


async def test_a_row_committed_while_a_lane_carries_out_its_last_one_is_still_sent(tmp_path):
    """The lane claimed its only row (nothing after it, so it ends after that row): a reply
    committed while that row is being sent, in the same lane, is sent after it, and the settle
    barrier waits for it."""
    bot = await Harness(tmp_path, [Probe()], clock=FakeClock(T0)).start()
    try:
        await bot.settle()
        room = bot.cast.owned
        executor = bot.app.outbox._executor
        real_run = executor.run
        committed = asyncio.Event()

        async def run_then_commit(planned, rules, **kw):
            if not committed.is_set() and getattr(planned.action, "text", "") == "第一句":
                await bot.app.execute([Planned(Reply(room, "第二句"), "probe")], bot.app.rules)
                committed.set()
            return await real_run(planned, rules, **kw)

        executor.run = run_then_commit  # type: ignore[method-assign]
        await bot.app.execute([Planned(Reply(room, "第一句"), "probe")], bot.app.rules)
        await committed.wait()
        await bot.settle()
        texts = bot.texts(room)
        assert "第一句" in texts and "第二句" in texts
        assert texts.index("第一句") < texts.index("第二句")
    finally:
        await bot.stop()


async def test_staged_replies_are_sent_without_the_sender_reading_the_table(tmp_path):
    """Rows stage() adds name their lanes: the sender starts those lanes (or a running lane finds
    them before it ends) without a scan of the table. A scan on every wake, and the commit of the
    open event batch it forced, cost more than the sends under load (issue 13). The table is
    still read when the clock reaches the sender's next look (heartbeat, adoption)."""
    bot = await Harness(tmp_path, [Probe()], clock=FakeClock(T0)).start()
    try:
        await bot.settle()
        outbox = bot.app.outbox
        real_scan = outbox._scan
        scans = 0

        async def counted():
            nonlocal scans
            scans += 1
            return await real_scan()

        outbox._scan = counted  # type: ignore[method-assign]
        rooms = (bot.cast.owned, bot.cast.admin)
        for i in range(6):
            await bot.app.execute([Planned(Reply(rooms[i % 2], f"第{i}句"), "probe")], bot.app.rules)
        await bot.settle()
        for i in range(6):
            assert f"第{i}句" in bot.texts(rooms[i % 2])
        assert scans == 0
        bot.clock.advance(60)  # past the heartbeat: the sender reads the table again
        await bot.settle()
        assert scans >= 1
    finally:
        await bot.stop()


class _CountedSet(set):
    """A set that counts how often it is walked (the outbox's fresh lanes)."""

    walks = 0

    def __iter__(self):
        self.walks += 1
        return super().__iter__()


async def test_a_wake_after_an_event_that_staged_nothing_looks_at_no_lane(sessions):
    """wake() runs after every event. Once it found every fresh lane running, it looks at them
    again only after a lane was staged to or one ended: with hundreds of busy lanes fresh under
    load, walking them after every event cost ~1% of the bot (issue 13). A lane that ends with
    rows staged to it since its claim is still started by the next wake."""
    sender = _sender(sessions)
    sender._fresh = fresh = _CountedSet()
    busy = asyncio.Event()
    lanes = {}
    for lane in ("r1", "r2"):
        lanes[lane] = asyncio.get_running_loop().create_task(busy.wait())
        sender._lanes[lane] = lanes[lane]
        lanes[lane].add_done_callback(sender._lane_done)
    with sessions() as db:
        sender.stage(db, [Planned(Reply("r1", "一"), "test"), Planned(Reply("r2", "二"), "test")])
        db.commit()
    sender.wake()
    assert fresh.walks == 1 and not sender._wake.is_set()  # both lanes running: nothing to start
    for _ in range(100):  # events that staged nothing
        sender.wake()
    assert fresh.walks == 1
    lanes["r1"].cancel()  # r1 ends before its next claim: its row is still to be carried out
    await asyncio.gather(lanes["r1"], return_exceptions=True)
    sender._wake.clear()
    sender.wake()
    assert fresh.walks == 2 and sender._wake.is_set() and sender._unstarted() == ["r1"]
    busy.set()
    await lanes["r2"]
    assert fresh == {"r1", "r2"}


def _count_lane_sessions(app, *, executor_too: bool = False) -> list[str]:
    """The sender's lanes' sessions from now on, each as its task's name (the list is appended to;
    `executor_too`: the App's own session factory, which the executor reads with, counted too)."""
    real_session = app.outbox._session
    lanes: list[str] = []

    def counted():
        task = asyncio.current_task()
        name = task.get_name() if task is not None else ""
        if name.startswith("outbox-"):
            lanes.append(name)
        return real_session()

    app.outbox._session = counted
    if executor_too:
        app._session = counted
    return lanes


async def test_a_send_whose_slot_is_free_takes_one_transaction_more_than_its_outcome(tmp_path):
    """With the governor's slot free at once (the harness's fast rules), a row is claimed and
    marked in flight in one transaction, and each outcome is recorded together with the lane's
    next claim: three replies in one lane take four of the sender's transactions, one reply two.
    They took three each (claim, in-flight mark, outcome), each waiting for the inbox's write
    turn and the database gate behind every room worker ready before it (issue 13, core34)."""
    bot = await Harness(tmp_path, [Probe()], clock=FakeClock(T0)).start()
    try:
        await bot.settle()
        lanes = _count_lane_sessions(bot.app)
        room, other = bot.cast.owned, bot.cast.admin
        await bot.app.execute([Planned(Reply(room, f"第{i}句"), "probe") for i in range(3)], bot.app.rules)
        await bot.settle()
        texts = bot.texts(room)
        assert [texts.index(f"第{i}句") for i in range(3)] == sorted(texts.index(f"第{i}句") for i in range(3))
        assert len(lanes) == 4
        lanes.clear()
        await bot.app.execute([Planned(Reply(other, "一句"), "probe")], bot.app.rules)
        await bot.settle()
        assert "一句" in bot.texts(other)
        assert len(lanes) == 2
        with bot.app.sessions() as db:  # every one recorded as sent, none left in flight
            assert {r.status for r in db.scalars(select(OutboxRow).where(OutboxRow.kind == "Reply"))} == {"done"}
    finally:
        await bot.stop()


class _Slots:
    """An executor's answer to which governor slot an action asks for first."""

    @staticmethod
    def first_slot(planned, rules):
        return planned.action.room_id, "send"


async def test_a_row_marked_with_its_claim_waits_for_a_taken_slot_as_pending(sessions):
    """A row is marked in flight with its claim only when its slot looks free. When another
    action takes the slot first, the row goes back to pending for the wait (a crash then leaves
    it to be sent, not recorded as maybe sent), and goes in flight again when its slot comes,
    counted as one attempt. While a marked action is on its way to its slot, no other is told
    its slot looks free (the governor paces)."""
    from bot.core.governor import ON_SLOT, Governor
    from bot.rules.loader import parse_rules
    from bot.rules.schema import GovernorRules
    from bot.simulator.pacing import fast_rules
    from tests.harness import wait_until

    clock = FakeClock(T0)
    gov = Governor(clock, GovernorRules(group_interval="0s", account_interval="1s", jitter="0s",
                                        quiet_after_login="0s"))
    with sessions() as db:
        db.add(_row("r1", "待发"))
        db.commit()
    sender = _sender(sessions)
    sender._clock, sender._governor, sender._executor = clock, gov, _Slots()  # type: ignore[assignment]

    def status() -> tuple[str, int]:
        with sessions() as db:
            row = db.scalars(select(OutboxRow)).one()
            return row.status, row.attempts

    with sessions() as db:
        claimed, more = sender._claim_and_mark(db, "r1", parse_rules(fast_rules(), "rules.yaml", []))
        db.commit()
    assert claimed is not None and claimed.mark.premarked and not more
    assert status() == (outbox.IN_FLIGHT, 1)
    claimed.mark.promised()
    assert not gov.free_now("r2")  # one action is on its way to the account's slot
    await gov.acquire("r2")  # an action that was not told takes the slot first

    async def act() -> None:
        ON_SLOT.set(claimed.mark)
        await gov.acquire("r1")

    task = asyncio.create_task(act())
    await wait_until(lambda: any(not fut.done() for _, fut in clock._sleepers))  # waits for its slot
    assert status() == (outbox.PENDING, 0)
    clock.advance(1)
    await task
    assert status() == (outbox.IN_FLIGHT, 1)
    claimed.mark.settle()
    clock.advance(1)  # the account's next slot has come, and no action is promised one
    assert gov.free_now("r2")


async def test_a_removal_whose_slot_is_free_reads_the_whitelist_in_its_claim(tmp_path):
    """A removal claimed with its slot free reads the chat-managed whitelist in the claim's
    transaction: the removal and its 已移出, staged together, take three of the sender's
    transactions (the claim with the mark and the whitelist; the outcome with the notice's claim;
    the notice's outcome), not seven (claim, whitelist, mark, outcome; claim, mark, outcome). A
    member whitelisted in chat is still not removed."""
    from bot.actions import Kick
    from bot.core import lists

    bot = await Harness(tmp_path, [Probe()], clock=FakeClock(T0)).start()
    try:
        await bot.settle()
        lanes = _count_lane_sessions(bot.app, executor_too=True)  # the executor's own whitelist read
        room, bob, alice = bot.cast.owned, bot.cast["bob"], bot.cast["alice"]
        await bot.app.execute([Planned(Kick(room, bob, "广告", notice_done="已移出「bob」"), "probe")], bot.app.rules)
        await bot.world.wait_for(lambda: bot.world.saw_kick(room, bob))
        await bot.settle()
        assert "已移出「bob」" in bot.texts(room)
        assert len(lanes) == 3
        async with bot.app.write_session() as db:
            lists.add(db, lists.WHITELIST, room, alice, by="test", at=T0)
            db.commit()
        await bot.app.execute([Planned(Kick(room, alice, "广告"), "probe")], bot.app.rules)
        await bot.settle()
        assert not bot.world.saw_kick(room, alice)
        with bot.app.sessions() as db:
            kick = db.scalars(select(OutboxRow).where(OutboxRow.kind == "Kick").order_by(OutboxRow.id.desc())).first()
            assert kick is not None and kick.status == "refused_protected"
    finally:
        await bot.stop()
