"""The durable outbox: every planned action is a row written in the same transaction as the
state of the event or job that planned it, and a separate sender carries the rows out through
the executor and the governor. So intake never waits for pacing, and a crash between the
commit and the send loses nothing and doubles nothing.

Rows move pending → in_flight → an outcome. The sender works lane by lane (a lane is a room,
a private chat, or a room's admin notices): in order within a lane, lanes side by side, the
governor pacing them all. After each action, one transaction records the row's outcome, the
case's outcome, the audit row, the action's database effect (a blacklist entry) and the
follow-up actions whose words are now true (new rows), plus the governor's counters, and
claims the lane's next row. A row goes in flight right before its action's first platform
call, or with its claim when its slot is free then (_mark_if_free).

At start, pending rows are resumed. A row found in_flight may or may not have happened: a
removal is re-checked against the room (idempotent), a blacklist entry rewritten; a text is
never resent (it could be doubled) and is recorded as `uncertain`. A text older than
`bot.send_within` is not sent late but recorded as `expired`. A removal refused by a cap
waits for the window (the admins are told once); it is never dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from bot.actions import Action, Blacklist, Invite, Kick, NotifyAdmins, Recall, Reply, from_record, to_record
from bot.clock import Clock
from bot.core import cases, lists
from bot.core.audit import AuditLog
from bot.core.context import Planned
from bot.core.executor import Executor, Outcome
from bot.core.governor import ON_SLOT, Governor, Refused
from bot.core.inbox import STORAGE_ERRORS, Backoff, StorageHealth
from bot.rules.loader import Rules
from db import repo
from db.models import OutboxRow

log = logging.getLogger(__name__)

PENDING, IN_FLIGHT = "pending", "in_flight"
# taken back before it started (an #unban while the ban's removal still waited its turn)
WITHDRAWN = "withdrawn"
_GOVERNOR_KEY = ("core", "governor")  # core_setting scope, key
_RECOVERING = "recovering"
_MAX_THROTTLED = 3
_RETRY_UNAVAILABLE = 5  # seconds
_LANE_REST = 5  # seconds a lane rests after an unexpected error
# Several bot processes may share one database (PostgreSQL): each works only the rows it
# staged or adopted (`owner`). A process that stops cleanly releases its pending rows; one
# that died is recognised by its heartbeat (wall-clock time: liveness is real time, not the
# injected clock) going stale, and its rows are adopted.
_ALIVE_KEY = "alive"
_HEARTBEAT = timedelta(seconds=20)
_STALE = timedelta(seconds=90)
_LIVE = (PENDING, IN_FLIGHT)
# actions whose outcome is the outcome of their case (a Blacklist or a notice is not)
_CASE_ACTIONS = (Kick, Invite, Reply)

SessionFactory = Callable[[], contextlib.AbstractAsyncContextManager[Session]]
_T = TypeVar("_T")


def lane_of(action: Action) -> str:
    match action:
        case NotifyAdmins():
            return f"notify:{action.room_id}"
        case Blacklist():
            return f"list:{action.room_id or '*'}"
    room = getattr(action, "room_id", None)
    if room:
        return str(room)
    return f"private:{getattr(action, 'contact_id', '')}"


class Outbox:
    def __init__(self, *, session: SessionFactory, executor: Executor, governor: Governor, clock: Clock,
                 rules: Callable[[], Rules], audit: AuditLog,
                 online: Callable[[], Awaitable[object]] | None = None,
                 health: StorageHealth | None = None, online_now: Callable[[], bool] | None = None) -> None:
        self._session = session
        # storage failures of the sender (recording outcomes, claiming rows) reach the same
        # operator notice and #status as the intake's
        self.health = health
        # sends wait for a logged-in, connected account: a row resumed at start-up is sent
        # after the login (and its quiet period), not into a dead connection
        self._online = online
        # whether the account is online at this moment (a row is marked in flight with its
        # claim only then: it would wait for the login otherwise)
        self._online_now: Callable[[], bool] = online_now or (lambda: True)
        self._executor = executor
        self._governor = governor
        self._clock = clock
        self._rules = rules
        self._audit = audit
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._lanes: dict[str, asyncio.Task[None]] = {}
        self._runner: asyncio.Task[None] | None = None
        self._last_digest: dict[str, datetime] = {}
        self.instance = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._beat_at: datetime | None = None
        self._resting: dict[str, datetime] = {}
        self._look_at: datetime | None = None  # when the sender looks again unwoken (is_idle)
        self._looked = asyncio.Event()  # set after each pass of the sender (idle())
        # lanes stage() added rows to since the lane last looked at its rows (its claim): the
        # sender starts them without reading the table, and a running lane looks again before
        # it ends (see _run)
        self._fresh: set[str] = set()
        # whether a lane of _fresh may be one not running: only stage() (a lane added) and a
        # lane's end make it so, and wake() runs after every event. With hundreds of busy lanes
        # fresh at 1,000 msg/s (their rows wait for the governor), looking at every one of them
        # after every event was ~1% of the bot's CPU (issue 13)
        self._maybe_unstarted = False
        # a pass must read the table (_scan): at start, after an error, and after a row was
        # put off to a later time (a refusal, a retry, a digest): what it is due to wait for
        self._rescan = True
        # removals claimed in the transaction that decided them, handed to their lane when it
        # committed (_stage_claimed): the lane carries each out before it claims anything
        self._handed: dict[str, _Claimed] = {}

    # ------------------------------------------------------------------ staging (intake side)
    def stage(self, db: Session, planned: Sequence[Planned],
              on_commit: Callable[[Callable[[], None]], None] | None = None) -> None:
        """Add rows for these actions to the caller's transaction; they exist only if it commits.
        Written at once by a prepared INSERT (what the transaction reads next sees them:
        removals, withdraw_greetings), not as ORM objects the session would flush before the next
        event's first statement and again at commit (issue 13).

        `on_commit` (an event's transaction: EventBatch.on_commit) runs a step when the caller's
        transaction commits, dropped with it if it is rolled back: a removal whose lane is idle
        is then claimed here, in the deciding transaction, and handed to its lane at the commit
        (_stage_claimed), instead of in a claim of its own after it."""
        now = self._clock.now()
        for item in planned:
            if isinstance(item.action, Recall) and item.action.recall_key and item.action.replaced_for is not None:
                withdraw_replaced(db, item.action, now)  # before the replacement's own row exists
        handed: str | None = None  # the lane of a removal claimed here (its other rows follow it)
        rest = list(planned)
        if on_commit is not None and rest and isinstance(rest[0].action, Kick):
            lane = lane_of(rest[0].action)
            if self._stage_claimed(db, rest[0], now, on_commit,
                                   more=any(lane_of(item.action) == lane for item in rest[1:])):
                handed, rest = lane, rest[1:]
        rows = []
        for item in rest:
            kind, payload = to_record(item.action)
            rows.append({"lane": lane_of(item.action), "room_id": getattr(item.action, "room_id", None), "kind": kind,
                         "payload": payload, "source": item.source[:64], "answer": item.answer, "owner": self.instance,
                         "case_id": getattr(item.action, "case_id", None), "created_at": now})
        stmt = repo.prepared(db, "outbox.stage", _stage_statement)
        if len(rows) == 1:
            repo.run_prepared(db, stmt, rows[0])
        elif rows:
            repo.execute_many(db.connection(), stmt, rows)
        removed_in = {item.action.room_id for item in planned if isinstance(item.action, Kick)}
        for room_id in sorted(removed_in):
            withdraw_greetings(db, room_id, now)
        if rest:
            self._idle.clear()
            # a handed removal's lane finds the rows staged behind it after it (_Claimed.more)
            self._fresh.update(lane for lane in (lane_of(item.action) for item in rest) if lane != handed)
            self._maybe_unstarted = True

    def _stage_claimed(self, db: Session, planned: Planned, now: datetime,
                       on_commit: Callable[[Callable[[], None]], None], *, more: bool) -> bool:
        """Stage a removal already claimed, and in flight where its slot looks free, in the
        deciding event's transaction, and hand it to its lane when that commits: a newcomer's
        ad removed went from its decision through the sender's wake, the lane's start and a
        claim of its own (a transaction taking the inbox's write turn and the database gate,
        behind every room worker ready then) before its platform call (issue 13). Only where
        nothing else is due in its lane (no row pending or in flight, the lane neither running
        nor resting nor told of rows), so a lane's order holds; where the slot is not free, or
        the bot is offline, or the action may do nothing outward (dry-run, a removal put to the
        owner), it is staged as any row. A crash after the commit leaves it in flight, as a
        claim that marked it would: a removal is re-checked against the room at start. False:
        not staged here (the caller stages it as any row)."""
        action = planned.action
        assert isinstance(action, Kick)
        lane = lane_of(action)
        if lane in self._lanes or lane in self._fresh or lane in self._resting or lane in self._handed \
                or not self._online_now():
            return False
        rules = self._rules()
        slot = self._executor.first_slot(planned, rules)
        if slot is None or not self._governor.free_now(*slot):
            return False
        if db.scalar(_LANE_BUSY, {"lane": lane}) is not None:
            return False  # rows of the lane waiting for a later window, or one in flight
        kind, payload = to_record(action)
        row_id = repo.run_prepared(db, repo.prepared(db, "outbox.stage_claimed", _stage_claimed_statement), {
            "lane": lane, "room_id": action.room_id, "kind": kind, "payload": payload,
            "source": planned.source[:64], "answer": planned.answer, "owner": self.instance,
            "case_id": getattr(action, "case_id", None), "created_at": now}).scalar()
        claimed = _Claimed(row_id, planned, False, _SlotMark(self, [row_id], True), more,
                           _whitelisted(db, planned))
        self._idle.clear()
        on_commit(lambda: self._hand(lane, claimed))
        return True

    def _hand(self, lane: str, claimed: _Claimed) -> None:
        """The transaction that staged `claimed` committed: its lane carries it out next, started
        here if it is not running (a task, not a pass of the sender)."""
        self._handed[lane] = claimed
        self._idle.clear()
        if lane not in self._lanes:
            task = asyncio.get_running_loop().create_task(self._lane(lane), name=f"outbox-{lane}")
            self._lanes[lane] = task
            task.add_done_callback(self._lane_done)

    def wake(self) -> None:
        """Rows may have been committed: start the lanes they were staged to. Free when every
        lane that got rows since it last looked is running (most events plan nothing, and a
        busy lane's rows are found by the lane itself: no pass, no gate taken; issue 13)."""
        if not self._maybe_unstarted:
            return
        if not self._unstarted():
            self._maybe_unstarted = False  # until a lane is staged to or one ends
            return
        self._idle.clear()
        self._wake.set()

    def _unstarted(self) -> list[str]:
        """The lanes rows were staged to since they last looked, and that are not running."""
        return [lane for lane in self._fresh if lane not in self._lanes]

    def _look_again(self) -> None:
        """Rows were put off to a later time (or a lane rests): the next pass reads the table
        for when to look again."""
        self._rescan = True
        self._wake.set()

    async def idle(self) -> None:
        """Wait until no row is due and none is being carried out (rows waiting for a later
        window do not count, until the clock reaches them)."""
        while True:
            await self._idle.wait()
            if self.is_idle:
                return
            self._looked.clear()  # the clock passed the sender's next look: wait for that pass
            await self._looked.wait()

    @property
    def is_idle(self) -> bool:
        """Nothing due and nothing being carried out, also by the clock's now: once the clock
        passes the time the sender means to look again (a row's later window, a resting lane),
        that is work until it has looked (the settle barrier reads this right after a test
        moves an injected clock, before the sender has had a turn)."""
        return self._idle.is_set() and (self._look_at is None or self._look_at > self._clock.now())

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        def resume(db: Session) -> list[OutboxRow]:
            self._governor.restore(repo.get_setting(db, *_GOVERNOR_KEY))
            self._heartbeat(db)
            self._adopt(db)
            stuck = list(db.scalars(select(OutboxRow).where(
                OutboxRow.status == IN_FLIGHT, OutboxRow.owner == self.instance).order_by(OutboxRow.id)))
            now = self._clock.now()
            for row in stuck:
                self._recover(db, row, now)
            db.commit()
            return stuck

        stuck = await self._write("resume", resume)
        if stuck:
            log.warning("outbox: %d action(s) were in flight when the bot stopped; re-checked", len(stuck))
        self._idle.clear()
        self._look_again()
        self._runner = asyncio.get_running_loop().create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        tasks = [t for t in [self._runner, *self._lanes.values()] if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._lanes.clear()
        self._handed.clear()  # still in flight in the table: the next start re-checks them
        self._maybe_unstarted = True
        self._runner = None
        self._look_at = None  # a stopped sender looks at nothing
        self._looked.set()
        try:
            async with self._session() as db:
                # hand pending rows over at once to the next process (or this one restarted)
                db.execute(update(OutboxRow).where(OutboxRow.owner == self.instance, OutboxRow.status == PENDING)
                           .values(owner=None))
                repo.put_setting(db, f"outbox:{self.instance}", _ALIVE_KEY, None, "outbox", self._clock.now())
                db.commit()
        except Exception:
            log.exception("outbox: could not release pending rows; another process adopts them when stale")

    async def _write(self, what: str, work: Callable[[Session], _T]) -> _T:
        """Run one transaction (`work` commits) until it commits. A storage error (a lock held
        for a moment by the inbox's writer or another process, a database restarting) rolls the
        attempt back and it is tried again, in real time: what it records has happened or is
        about to (an action carried out, a row going in flight), so giving up would lose it or,
        the row still looking pending or in flight, do it twice."""
        backoff = Backoff()
        failures = 0
        while True:
            try:
                async with self._session() as db:
                    result = work(db)
            except STORAGE_ERRORS as exc:
                failures += 1
                self._storage_failed(exc, "outbox")
                if failures in (1, 20) or failures % 200 == 0:
                    log.warning("outbox: could not %s (attempt %d), retrying: %s", what, failures,
                                str(getattr(exc, "orig", None) or exc).splitlines()[0][:160])
                await asyncio.sleep(backoff.next())
                continue
            if failures:
                self._storage_ok("outbox")
            return result

    def _storage_failed(self, exc: BaseException, source: str) -> None:
        if self.health is not None:
            self.health.failed(exc, source)

    def _storage_ok(self, source: str) -> None:
        if self.health is not None:
            self.health.succeeded(source)

    def _heartbeat(self, db: Session) -> None:
        wall = datetime.now(UTC)
        repo.put_setting(db, f"outbox:{self.instance}", _ALIVE_KEY, wall.isoformat(), "outbox", self._clock.now())
        self._beat_at = wall

    def _adopt(self, db: Session) -> int:
        """Take over rows nobody works: released ones, and those of processes whose heartbeat
        is stale. Atomic per row (UPDATE … WHERE owner is still the old one)."""
        wall = datetime.now(UTC)
        stale: list[str] = []
        for scope, value in repo.settings_by_key(db, _ALIVE_KEY).items():
            owner = scope.removeprefix("outbox:")
            if owner != self.instance and (not value or wall - datetime.fromisoformat(value) > _STALE):
                stale.append(owner)
        owners = set(db.scalars(select(OutboxRow.owner).where(OutboxRow.status.in_(_LIVE)).distinct()))
        # a process that never wrote a heartbeat (or whose record is gone) is not alive either
        stale += [o for o in owners if o and o != self.instance and o not in stale
                  and repo.get_setting(db, f"outbox:{o}", _ALIVE_KEY) is None]
        orphaned = or_(OutboxRow.owner.is_(None), OutboxRow.owner.in_(stale)) if stale else OutboxRow.owner.is_(None)
        result = db.execute(update(OutboxRow).where(OutboxRow.status.in_(_LIVE), orphaned)
                            .values(owner=self.instance))
        return int(getattr(result, "rowcount", 0) or 0)

    def _recover(self, db: Session, row: OutboxRow, now: datetime) -> None:
        if row.kind in ("Kick", "Blacklist"):
            # both are safe to do again: the executor re-checks membership, the list upserts
            row.status, row.detail, row.updated_at = PENDING, _RECOVERING, now
            return
        row.status, row.updated_at = "uncertain", now
        row.detail = "in flight when the bot stopped: maybe sent, not sent again (never doubled)"
        log.warning("outbox: %s #%d in %s may or may not have been sent; not resending", row.kind, row.id, row.lane)
        if row.case_id is not None and row.kind in ("Reply", "Invite"):
            cases.record_outcome(db, row.case_id, "uncertain", now)
        if row.kind == "Reply":  # whoever asked for it privately hears that it may not have gone out
            self.stage(db, self._executor.answers(_planned(row), "uncertain", self._rules()))

    # ------------------------------------------------------------------ the sender
    async def _run(self) -> None:
        """Each pass starts the lanes with rows due. The table is read (_scan) only when rows
        may be due that no lane was told of: at start, once the time the last pass meant to look
        again has come (a row's later window, a resting lane, a heartbeat with no pass since),
        when the heartbeat is due, and after a row was put off (_look_again). Otherwise the rows
        are the ones stage() just added, and their lanes are known (_fresh): a lane that is
        running finds them itself before it ends, the others are started. Under load a scan on
        every wake, and the commit of the open event batch it forced, cost more than the sends
        (issue 13)."""
        backoff = Backoff()
        later: datetime | None = None  # the earliest later window the last scan found
        while True:
            self._wake.clear()
            lanes: list[str] = []
            if self._rescan or self._heartbeat_due() or self._look_at is None or self._look_at <= self._clock.now():
                self._rescan = False
                try:
                    lanes, later = await self._scan()
                except Exception as exc:
                    self._rescan = True
                    if isinstance(exc, STORAGE_ERRORS):
                        self._storage_failed(exc, "outbox-scan")
                    else:
                        log.exception("outbox: cannot read pending actions; retrying")
                    # not idle (rows may be due): look again soon, in real time (a lock clears
                    # whatever the injected clock says)
                    await asyncio.sleep(backoff.next())
                    continue
                if backoff.delay != backoff.initial:
                    self._storage_ok("outbox-scan")
                backoff.reset()
            now = self._clock.now()
            lanes = list(dict.fromkeys([*lanes, *self._unstarted()]))
            for lane, until in list(self._resting.items()):
                if until <= now:
                    del self._resting[lane]
                elif lane in lanes:
                    lanes.remove(lane)
            # look again within a heartbeat even if nothing wakes us (adoption, liveness)
            next_at = min([now + _HEARTBEAT, *self._resting.values(), *([later] if later is not None else [])])
            for lane in lanes:
                if lane not in self._lanes:
                    task = asyncio.get_running_loop().create_task(self._lane(lane), name=f"outbox-{lane}")
                    self._lanes[lane] = task
                    task.add_done_callback(self._lane_done)
            # idle only from a scan nothing has overtaken: a wake during it (rows committed, a
            # lane finished) means the scan may be stale, and the next pass decides. Rows that
            # became due by the clock (the scan started lanes for them) are work again. A
            # resting lane is like a row's later window: it waits for the clock (next_at).
            if self._lanes or lanes:
                self._idle.clear()
            elif not self._wake.is_set():
                self._idle.set()
            self._look_at = next_at
            self._looked.set()
            await self._wait(next_at)

    def _lane_done(self, task: asyncio.Task[None]) -> None:
        for lane, running in list(self._lanes.items()):
            if running is task:
                del self._lanes[lane]
        self._maybe_unstarted = True  # a lane staged to while it ran is fresh and not running now
        # a pass without a scan: rows staged to the lane after its last look (_fresh) start it
        # again, and with nothing left the sender is idle
        self._wake.set()

    def _heartbeat_due(self) -> bool:
        """In real time, as liveness is: with the sender woken often, its pass is when it beats."""
        return self._beat_at is None or datetime.now(UTC) - self._beat_at > _HEARTBEAT

    async def _wait(self, until: datetime | None) -> None:
        waiter = asyncio.ensure_future(self._wake.wait())
        sleeper = None
        if until is not None:
            seconds = max((until - self._clock.now()).total_seconds(), 0.0)
            sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        try:
            await asyncio.wait([t for t in (waiter, sleeper) if t is not None], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (waiter, sleeper):
                if task is not None and not task.done():
                    task.cancel()

    async def _scan(self) -> tuple[list[str], datetime | None]:
        """The lanes with rows due, and the earliest later window of a row (None: none waits)."""
        now = self._clock.now()
        async with self._session() as db:
            if self._heartbeat_due():
                self._heartbeat(db)
                adopted = self._adopt(db)
                stuck = list(db.scalars(select(OutboxRow).where(
                    OutboxRow.status == IN_FLIGHT, OutboxRow.owner == self.instance,
                    OutboxRow.updated_at < now - _STALE)))
                for row in stuck:
                    if not any(row.lane == lane for lane in self._lanes):
                        self._recover(db, row, now)
                db.commit()
                if adopted:
                    log.warning("outbox: adopted %d action(s) left by a stopped process", adopted)
            mine = OutboxRow.owner == self.instance
            due = list(db.scalars(select(OutboxRow.lane).where(
                OutboxRow.status == PENDING, mine,
                (OutboxRow.not_before.is_(None)) | (OutboxRow.not_before <= now)).group_by(OutboxRow.lane)))
            later = db.scalar(select(func.min(OutboxRow.not_before)).where(
                OutboxRow.status == PENDING, mine, OutboxRow.not_before > now))
        return due, later

    async def _lane(self, lane: str) -> None:
        backoff = Backoff()
        ahead: _Claimed | None = None  # the lane's next row, claimed with the last one's outcome
        while True:
            if ahead is None:
                ahead = self._handed.pop(lane, None)
            if self._online is not None:
                if ahead is not None and not self._online_now():
                    await ahead.mark.waiting()  # not in flight while the account is away
                await self._online()
            try:
                if lane.startswith("notify:"):
                    more = await self._notify_lane(lane)
                else:
                    more, ahead = await self._next(lane, ahead)
            except asyncio.CancelledError:
                raise
            except STORAGE_ERRORS as exc:
                # met before anything was carried out (every write after that point retries on
                # its own, _write): the row is still pending, so trying the lane again is safe
                log.debug("outbox: lane %s: storage failed, retrying: %s", lane, exc)
                self._storage_failed(exc, "outbox")
                await asyncio.sleep(backoff.next())
                continue
            except Exception:
                # never a tight loop: the lane rests before it is tried again
                log.exception("outbox: lane %s failed; retrying in %ss", lane, _LANE_REST)
                self._resting[lane] = self._clock.now() + timedelta(seconds=_LANE_REST)
                self._look_again()
                return
            if backoff.delay != backoff.initial:
                self._storage_ok("outbox")
            backoff.reset()
            if ahead is None and not more and lane not in self._fresh and lane not in self._handed:
                return  # else rows were staged to it since its claim: it looks again

    def _claim(self, db: Session, lane: str, now: datetime) -> tuple[OutboxRow | None, bool]:
        """The lane's next due row, and whether another was due after it. Without one the lane
        ends after this row, sparing the empty look that ended every lane: rows staged later
        (a follow-up, the next event's) wake the sender, and a lane that ends wakes it too, so
        its next pass starts the lane again for them (issue 13)."""
        rows = db.scalars(_CLAIM, {"lane": lane, "owner": self.instance, "now": now}).all()
        return (rows[0] if rows else None), len(rows) > 1

    def _claim_and_mark(self, db: Session, lane: str, rules: Rules) -> tuple[_Claimed | None, bool]:
        """The lane's next due row claimed in the caller's transaction (the last row's outcome),
        and marked in flight there when its slot looks free (_mark_if_free). Returns the claim
        (None: no row, or one left to _next's own claim: a text past its sending window, a row
        no longer pending) and whether another row is due after it (True for a row left to
        _next). The caller commits, then the lane carries the claim out."""
        now = self._clock.now()
        self._fresh.discard(lane)  # as in _next: rows staged after this claim mark it fresh again
        row, more = self._claim(db, lane, now)
        if row is None:
            return None, False
        planned = _planned(row)
        if _expired(row, planned, rules, now):
            return None, True  # _next's own claim records it
        premarked = self._mark_if_free(db, row.id, planned, rules, now)
        if premarked is None:
            return None, True
        return self._claimed(db, row, planned, premarked, more), more

    def _claimed(self, db: Session, row: OutboxRow, planned: Planned, premarked: bool, more: bool) -> _Claimed:
        """A claimed row as its lane carries it out; a removal marked with its claim has the
        chat-managed whitelist read in the claim's transaction too."""
        return _Claimed(row.id, planned, row.detail == _RECOVERING, _SlotMark(self, [row.id], premarked), more,
                        _whitelisted(db, planned) if premarked else None)

    def _mark_if_free(self, db: Session, row_id: int, planned: Planned, rules: Rules, now: datetime) -> bool | None:
        """Mark the claimed row in flight in the claim's own transaction when the governor's slot
        for its action looks free at once (Executor.first_slot, Governor.free_now): its send then
        needs no transaction of its own for the mark, one write turn taken from the inbox less
        between the claim and the platform call (issue 13). The mark still comes before the
        first platform call that changes anything; where the slot turns out taken, the row goes
        back to pending for the wait (_SlotMark.waiting). True: marked; False: left pending (the
        mark comes with the slot, as ever); None: no longer pending (withdrawn meanwhile, or
        another sender's)."""
        if not self._online_now():
            return False
        slot = self._executor.first_slot(planned, rules)
        if slot is None or not self._governor.free_now(*slot):
            return False
        if not db.scalars(_MARK, {"ids": [row_id], "now": now}).all():
            return None
        return True

    async def _next(self, lane: str, ahead: _Claimed | None = None) -> tuple[bool, _Claimed | None]:
        """Carry out the lane's next due row (`ahead`: claimed already, with the last outcome).
        Returns whether another row was due after it, and the lane's next row when it was
        claimed together with this one's outcome."""
        rules = self._rules()
        if ahead is None:
            now = self._clock.now()
            async with self._session() as db:
                # from here on (the open event batch has committed) the claim sees every row staged
                # so far; rows staged after it mark the lane fresh again
                self._fresh.discard(lane)
                row, more = self._claim(db, lane, now)
                if row is None:
                    return False, None
                planned = _planned(row)
                if _expired(row, planned, rules, now):
                    expired = Outcome("expired", f"not sent: queued {now - row.created_at} ago")
                    text = getattr(planned.action, "text", "")
                    if row.room_id and text and not planned.answer:
                        # reported, not silently dropped: the admins may still want to say it
                        expired.followups = [Planned(NotifyAdmins(row.room_id, rules.bot.texts.expired_admins.format(
                            text=text[:100])), "core")]
                    self._finish(db, row, planned, expired, rules, now)
                    db.commit()  # a storage error here records nothing: the lane tries the row again
                    log.warning("outbox: %s #%d in %s expired unsent (queued at %s)", row.kind, row.id, lane,
                                row.created_at.isoformat())
                    return more, None
                row_id = row.id
                premarked = self._mark_if_free(db, row_id, planned, rules, now)
                if premarked:
                    db.commit()  # a storage error: nothing went out, the lane tries the row again
                claimed = self._claimed(db, row, planned, bool(premarked), more)
            if premarked is None:
                log.info("outbox: %s #%d was withdrawn before it went out", type(planned.action).__name__, row_id)
                return more, None
        else:
            claimed, more = ahead, ahead.more
        claimed.mark.promised()
        row_id, planned, mark = claimed.row_id, claimed.planned, claimed.mark
        token = ON_SLOT.set(mark)
        try:
            outcome = await self._executor.run(planned, rules, recovering=claimed.recovering,
                                               whitelisted=claimed.whitelisted)
        except Refused as refused:
            await self._refused(row_id, planned, refused, rules)
            return more, None
        except Withdrawn:
            log.info("outbox: %s #%d was withdrawn before it went out", type(planned.action).__name__, row_id)
            return more, None
        except Exception as exc:
            log.exception("executor failed on %r", planned.action)
            outcome = Outcome("failed", f"internal error: {type(exc).__name__}")
        finally:
            ON_SLOT.reset(token)
            mark.settle()
        unrecorded: Outcome | None = None
        follows: _Claimed | None = None

        def claim_next(db: Session) -> None:
            # the lane looks again after this row: its next claim (and mark) rides in this
            # transaction instead of one of its own (issue 13)
            nonlocal follows, more
            follows = None
            if more or lane in self._fresh:
                follows, more = self._claim_and_mark(db, lane, rules)

        def record(db: Session) -> str:
            row = db.get(OutboxRow, row_id)
            assert row is not None
            if row.status == WITHDRAWN:
                # an action with no platform call (a list entry): its effect is dropped
                claim_next(db)
                db.commit()
                return "recorded"
            done_at = self._clock.now()
            if outcome.status == "unavailable":
                # the gateway was down: nothing went out; send it once the account is back
                row.status, row.updated_at = PENDING, done_at
                row.not_before = done_at + timedelta(seconds=_RETRY_UNAVAILABLE)
                row.detail = outcome.detail[:500]
                db.commit()
                return "again"
            final = outcome
            if outcome.status == "throttled":
                if (row.attempts or 0) < _MAX_THROTTLED:
                    # WeChat refused it as too frequent, so it did not happen: try again later
                    row.status, row.updated_at = PENDING, done_at
                    row.not_before = done_at + rules.bot.governor.throttle_pause
                    row.detail = outcome.detail[:500]
                    db.commit()
                    return "again"
                final = self._executor.give_up(planned, outcome, rules)
            try:
                self._finish(db, row, planned, final, rules, done_at)
                db.flush()
                claim_next(db)
                db.commit()
            except STORAGE_ERRORS:
                raise  # the whole record is tried again (_write)
            except Exception:
                db.rollback()
                log.exception("outbox: could not record %s #%d → %s", row.kind, row_id, final.status)
                nonlocal unrecorded, follows
                unrecorded, follows = final, None
            return "recorded"

        def record_bare(db: Session) -> None:
            row = db.get(OutboxRow, row_id)
            if row is not None and unrecorded is not None:
                row.status, row.updated_at = unrecorded.status[:32], self._clock.now()
                row.detail = f"outcome recorded without its follow-ups: {unrecorded.detail}"[:500]
                db.commit()

        if await self._write("record an outcome", record) == "again":
            self._look_again()
            return more, None
        if unrecorded is not None:
            # what happened is known but could not be stored with its consequences: store at
            # least the outcome, so the action is never carried out twice
            await self._write("record a bare outcome", record_bare)
        return more, follows

    def _marker(self, ids: list[int]) -> _SlotMark:
        """The governor calls this when the action's first send may happen: from then on a
        crash leaves the rows in_flight (maybe done), before it they are still pending. A row
        withdrawn meanwhile stops its action here, before anything went out (Withdrawn)."""
        return _SlotMark(self, ids, False)

    async def _refused(self, row_id: int, planned: Planned, refused: Refused, rules: Rules) -> None:
        now = self._clock.now()

        def record(db: Session) -> None:
            row = db.get(OutboxRow, row_id)
            assert row is not None
            if isinstance(planned.action, Kick):
                # a spammer must not stay: the removal waits for the window, the admins hear it once
                row.status, row.not_before, row.updated_at = PENDING, refused.retry_at, now
                row.detail = f"refused by {refused.cap} until {refused.retry_at.isoformat()}"
                if not row.told:
                    row.told = True
                    self.stage(db, self._executor.cap_followups(planned.action, planned, refused, rules))
                if row.case_id is not None:
                    cases.record_outcome(db, row.case_id, "deferred", now)
                log.warning("outbox: removal #%d in %s waits until %s (%s)", row.id, row.lane,
                            refused.retry_at.isoformat(), refused.cap)
            else:
                self._finish(db, row, planned, Outcome("refused_cap", str(refused)), rules, now)
            self._save_governor(db, now)
            db.commit()

        await self._write("record a refusal", record)
        self._look_again()

    def _finish(self, db: Session, row: OutboxRow, planned: Planned, outcome: Outcome, rules: Rules,
                at: datetime) -> None:
        """Record one outcome with everything that follows from it, in the caller's transaction."""
        row.status, row.updated_at = outcome.status, at
        row.detail = (outcome.detail or None) and outcome.detail[:500]
        if row.case_id is not None and isinstance(planned.action, _CASE_ACTIONS):
            cases.record_outcome(db, row.case_id, outcome.status, at)
        elif row.case_id is not None and isinstance(planned.action, Blacklist) and planned.action.decides_case:
            cases.record_outcome(db, row.case_id, "listed" if outcome.status == "done" else outcome.status, at)
        db.add(self._audit.entry(planned, outcome, at))
        if outcome.db_effect is not None:
            with db.begin_nested():
                outcome.db_effect(db)
        followups = [*outcome.followups, *self._executor.answers(planned, outcome.status, rules)]
        if followups:
            self.stage(db, followups)
            self._wake.set()
        self._save_governor(db, at)

    def _save_governor(self, db: Session, at: datetime) -> None:
        repo.put_setting(db, *_GOVERNOR_KEY, self._governor.snapshot(), "outbox", at)

    # ------------------------------------------------------------------ admin notices
    @staticmethod
    def _drop_moot_notices(db: Session, rows: list[OutboxRow], at: datetime) -> list[OutboxRow]:
        """Withdraw the notices whose case has moved on while they waited for the digest: one
        sent only while its case has a status (NotifyAdmins.while_status: the owner was asked to
        decide an appeal an admin had settled with #ham meanwhile, seen in a simulated running
        club), and a case's notice a later act on its member overtook (cases.overtaken: a
        warning of a member the owner has removed since; the removal's own notice tells the
        others, and whoever removed them knows). Commits when it withdrew any; returns the rest."""
        moot = []
        for row in rows:
            wanted, case_id = (row.payload or {}).get("while_status"), row.case_id
            if row.kind != "NotifyAdmins" or case_id is None:
                continue
            case = cases.get_case(db, case_id)
            if (case is None or case.status != wanted) if wanted else (case is not None and cases.overtaken(db, case)):
                moot.append(row.id)
        if not moot:
            return rows
        _withdraw(db, moot, at, "withdrawn: its case has moved on")
        db.commit()
        return [row for row in rows if row.id not in moot]

    async def _notify_lane(self, lane: str) -> bool:
        """A room's admin notices. Where they go to its owner and admins (no operators, no admin
        group), everything due is gathered into one digest, at most one per `bot.notify_every`."""
        rules = self._rules()
        room_id = lane.split(":", 1)[1]
        digest = not rules.bot.admin_group and not rules.bot.operators
        now = self._clock.now()
        async with self._session() as db:
            self._fresh.discard(lane)  # as in _next
            query = select(OutboxRow).where(
                OutboxRow.lane == lane, OutboxRow.status == PENDING, OutboxRow.owner == self.instance,
                (OutboxRow.not_before.is_(None)) | (OutboxRow.not_before <= now)).order_by(OutboxRow.id)
            rows = self._drop_moot_notices(db, list(db.scalars(query if digest else query.limit(1))), now)
            if not rows:
                return False
            last = self._last_digest.get(room_id)
            if digest and last is not None and now - last < rules.bot.notify_every:
                for row in rows:
                    row.not_before, row.updated_at = last + rules.bot.notify_every, now
                db.commit()
                self._look_again()
                return False
            ids = [row.id for row in rows]
            plans = [_planned(row) for row in rows]
            # a case's announcement is no news to whoever has read the case in chat meanwhile
            shown = cases.shown_to(db, (row.case_id for row in rows
                                        if row.case_id is not None and (row.payload or {}).get("case_news")))
        notices = [_known_also(p.action, shown) for p in plans if isinstance(p.action, NotifyAdmins)]
        token = ON_SLOT.set(self._marker(ids))
        try:
            outcome = await self._executor.run_notify(room_id, notices, plans[0], rules)
        except Refused as refused:
            outcome = Outcome("refused_cap", str(refused))
        except Exception as exc:
            log.exception("outbox: notice to the admins of %s failed", room_id)
            outcome = Outcome("failed", f"internal error: {type(exc).__name__}")
        finally:
            ON_SLOT.reset(token)
        if digest:
            self._last_digest[room_id] = self._clock.now()
        def record(db: Session) -> None:
            done_at = self._clock.now()
            for row_id, planned in zip(ids, plans, strict=True):
                found = db.get(OutboxRow, row_id)
                if found is not None:
                    if outcome.status == "unavailable" or (
                            outcome.status == "throttled" and (found.attempts or 0) < _MAX_THROTTLED):
                        found.status = PENDING
                        found.not_before = done_at + rules.bot.governor.throttle_pause
                        continue
                    self._finish(db, found, planned, outcome, rules, done_at)
            db.commit()

        await self._write("record a notice's outcome", record)
        if outcome.status in ("unavailable", "throttled"):
            self._look_again()
        return True



FINISHED_KEPT = timedelta(days=30)

# a lane's next due row and whether another follows it, built once: building the query for every
# action cost more than running it (issue 13)
_CLAIM = select(OutboxRow).where(
    OutboxRow.lane == bindparam("lane"), OutboxRow.status == PENDING, OutboxRow.owner == bindparam("owner"),
    (OutboxRow.not_before.is_(None)) | (OutboxRow.not_before <= bindparam("now"))).order_by(OutboxRow.id).limit(2)
_TABLE = cast(Table, OutboxRow.__table__)


def _stage_statement(insert: Callable[[Any], Any]) -> Any:
    c = _TABLE.c
    at = bindparam("created_at", type_=c.created_at.type)
    given = ("lane", "room_id", "kind", "payload", "source", "answer", "owner", "case_id")
    return insert(_TABLE).values(**{name: bindparam(name, type_=c[name].type) for name in given}, created_at=at,
                                 updated_at=at, status=PENDING, attempts=0, told=False)


def _stage_claimed_statement(insert: Callable[[Any], Any]) -> Any:
    """A removal staged in flight, claimed by the transaction that decided it (its id back)."""
    c = _TABLE.c
    at = bindparam("created_at", type_=c.created_at.type)
    given = ("lane", "room_id", "kind", "payload", "source", "answer", "owner", "case_id")
    return insert(_TABLE).values(**{name: bindparam(name, type_=c[name].type) for name in given}, created_at=at,
                                 updated_at=at, status=IN_FLIGHT, attempts=1, told=False).returning(c.id)


# whether a lane has anything due, waiting or in flight (of any sender: the lane's order)
_LANE_BUSY = select(_TABLE.c.id).where(_TABLE.c.lane == bindparam("lane"),
                                       _TABLE.c.status.in_(_LIVE)).limit(1)
# rows going in flight when their send slot comes: those still pending (their ids come back)
_MARK = (update(_TABLE).where(_TABLE.c.id.in_(bindparam("ids", expanding=True)), _TABLE.c.status == PENDING)
         .values(status=IN_FLIGHT, attempts=func.coalesce(_TABLE.c.attempts, 0) + 1, updated_at=bindparam("now"))
         .returning(_TABLE.c.id))
_WITHDRAWN = select(_TABLE.c.id).where(_TABLE.c.id.in_(bindparam("ids", expanding=True)),
                                       _TABLE.c.status == WITHDRAWN).limit(1)


# a row marked in flight when it was claimed goes back to pending while its action waits for a
# slot that turned out taken (the attempt it was counted is taken back with it)
_UNMARK = (update(_TABLE).where(_TABLE.c.id.in_(bindparam("ids", expanding=True)), _TABLE.c.status == IN_FLIGHT)
           .values(status=PENDING, attempts=func.coalesce(_TABLE.c.attempts, 1) - 1,
                   updated_at=bindparam("now")))


@dataclass(slots=True)
class _Claimed:
    """A row a lane claimed and will carry out next."""

    row_id: int
    planned: Planned
    recovering: bool
    mark: _SlotMark
    more: bool  # another row was due after it
    # a removal's member on the chat-managed whitelist, read in the claim's transaction when
    # the row was marked with it (its slot free: the removal follows at once); None: the
    # executor reads it (App._whitelisted, a transaction of its own)
    whitelisted: bool | None = None


class _SlotMark:
    """The outbox's hook for the governor (ON_SLOT) around one action: the rows go in flight
    when the action's first slot is granted, unless they were marked with their claim
    (`premarked`, the slot looking free then). A premarked action whose slot turns out taken
    has its rows put back to pending for the wait (`waiting`), and marked again with the slot:
    a crash while an action waits for its turn leaves it pending, as ever."""

    __slots__ = ("_ids", "_outbox", "_promise", "premarked")

    def __init__(self, outbox: Outbox, ids: list[int], premarked: bool) -> None:
        self._outbox = outbox
        self._ids = ids
        self.premarked = premarked
        self._promise = False

    def promised(self) -> None:
        """The claim committed: the governor counts this action as on its way to its slot."""
        if self.premarked and not self._promise:
            self._promise = True
            self._outbox._governor.promise()

    def settle(self) -> None:
        """The action reached its slot or ended without one."""
        if self._promise:
            self._promise = False
            self._outbox._governor.unpromise()

    async def __call__(self) -> None:
        self.settle()
        if self.premarked:
            return  # written with the claim

        def work(db: Session) -> bool:
            # one conditional statement (only rows still pending go in flight: one withdrawn
            # meanwhile, or marked by another sender, is left as it is); the rows it missed are
            # looked at only then. It was a load and a flush per row (issue 13).
            marked = set(db.scalars(_MARK, {"ids": self._ids, "now": self._outbox._clock.now()}))
            missed = [row_id for row_id in self._ids if row_id not in marked]
            withdrawn = bool(missed) and db.scalar(_WITHDRAWN, {"ids": missed}) is not None
            db.commit()
            return withdrawn

        # retried until stored: failing here would report an action as failed that never
        # went out, and the send must not start before its row says "maybe done"
        if await self._outbox._write("mark an action in flight", work):
            raise Withdrawn()

    async def waiting(self) -> None:
        """The action waits for its slot after all: a premarked row goes back to pending."""
        self.settle()
        if not self.premarked:
            return

        def work(db: Session) -> None:
            db.execute(_UNMARK, {"ids": self._ids, "now": self._outbox._clock.now()})
            db.commit()

        await self._outbox._write("put an action back to wait for its slot", work)
        self.premarked = False


class Withdrawn(Exception):
    """The action's row was withdrawn while it waited for its slot: it is not carried out."""


def withdraw_bans(db: Session, member_id: str, room_id: str | None, at: datetime) -> list[int]:
    """Take back what is left to do of a member's bans (an #unban typed while a ban still waits
    its turn): the pending removals and list entries of every case that listed them (in this
    group, or anywhere when room_id is None). Returns the cases something was withdrawn from;
    the caller records their outcome. An action already in flight is not stopped."""
    listings = db.execute(select(OutboxRow.case_id, OutboxRow.payload).where(
        OutboxRow.kind == "Blacklist", OutboxRow.case_id.is_not(None))).all()
    bans = {case_id for case_id, payload in listings if payload.get("member_id") == member_id
            and (room_id is None or payload.get("room_id") in (room_id, None))}
    if not bans:
        return []
    ids = list(db.scalars(select(OutboxRow.id).where(OutboxRow.case_id.in_(bans), OutboxRow.status == PENDING,
                                                     OutboxRow.kind.in_(("Blacklist", "Kick")))))
    return sorted({case_id for case_id in _withdraw(db, ids, at, "withdrawn: #unban") if case_id is not None})


def withdraw_case(db: Session, case_id: int, at: datetime) -> bool:
    """Take back what is left to do of one case (a #revoke typed while its removal, listing or
    warning still waits its turn). An action already in flight is not stopped. True when
    something was withdrawn; the caller records the case's outcome."""
    ids = list(db.scalars(select(OutboxRow.id).where(OutboxRow.case_id == case_id, OutboxRow.status == PENDING,
                                                     OutboxRow.kind.in_(("Blacklist", "Kick", "Reply")))))
    return bool(_withdraw(db, ids, at, "withdrawn: #revoke"))


def withdraw_greetings(db: Session, room_id: str, at: datetime) -> int:
    """Take back the welcomes and nickname steps still waiting their turn in room_id whose
    newcomers the bot has all decided to remove (seen in a simulated day: an owner's #kick
    typed while the welcome waited for its send slot went out after "欢迎" and "请把你的群昵称
    改为…" for the member being removed). One already in flight is not stopped. Returns how many."""
    waiting = [row for row in db.scalars(select(OutboxRow).where(
        OutboxRow.lane == room_id, OutboxRow.kind == "Reply", OutboxRow.status == PENDING))
        if (row.payload or {}).get("greets")]
    if not waiting:
        return 0
    removing = removals(db, room_id, min(row.created_at for row in waiting))
    moot_rows = [row for row in waiting
                 if all(m in removing and removing[m].planned_at >= row.created_at for m in row.payload["greets"])]
    moot = [row.id for row in moot_rows]
    # and the recall planned with each, of the one it was to replace: a replacement that never
    # goes out replaces nothing (seen in a simulated 租房 group: two advertisers' welcomes were
    # withdrawn, and the second's recall went on for the welcome of two newcomers still there)
    keys = {(row.created_at, row.payload.get("recall_key")) for row in moot_rows if row.payload.get("recall_key")}
    if keys:
        moot += [row.id for row in db.scalars(select(OutboxRow).where(
            OutboxRow.lane == room_id, OutboxRow.kind == "Recall", OutboxRow.status == PENDING,
            OutboxRow.created_at.in_({made for made, _ in keys})))
            if (row.created_at, (row.payload or {}).get("recall_key")) in keys]
    withdrawn = len(_withdraw(db, moot, at, "withdrawn: the bot is removing the newcomers it was for"))
    if withdrawn:
        log.info("outbox: %d waiting welcome(s) or nickname step(s) in %s withdrawn: their newcomers are "
                 "being removed", withdrawn, room_id)
    return withdrawn


def withdraw_replaced(db: Session, recall: Recall, at: datetime) -> int:
    """Take back the messages still waiting their turn that a replacement's recall would have
    taken back once sent: same lane, same recall key, and greeting no one the replacement does
    not greet but the members being removed. A recall goes before the ordinary sends waiting, so
    it found nothing to take back and the welcome it replaced went out after it: in a simulated
    考研 group's raid the welcome naming three removed advertisers stood beside its replacement.
    One already in flight is not stopped (the recall then takes it back once it is sent, or
    finds it too late: WeChat's two minutes). Returns how many."""
    assert recall.replaced_for is not None
    waiting = [row for row in db.scalars(select(OutboxRow).where(
        OutboxRow.lane == recall.room_id, OutboxRow.kind == "Reply", OutboxRow.status == PENDING))
        if (row.payload or {}).get("recall_key") == recall.recall_key]
    if not waiting:
        return 0
    removing = removals(db, recall.room_id, min(row.created_at for row in waiting))
    kept = set(recall.replaced_for)
    replaced = [row.id for row in waiting
                if all(m in kept or m in removing for m in (row.payload or {}).get("greets") or ())]
    withdrawn = len(_withdraw(db, replaced, at, "withdrawn: replaced before it was sent"))
    if withdrawn:
        log.info("outbox: %d waiting message(s) in %s withdrawn: replaced before being sent", withdrawn,
                 recall.room_id)
    return withdrawn


def _withdraw(db: Session, ids: list[int], at: datetime, detail: str) -> list[int | None]:
    """Mark these rows withdrawn if they are still pending; returns the case ids of those that
    were. Conditional in the database: a sender in another process may have marked one in
    flight since it was read (PostgreSQL reads committed rows), and that must not be undone."""
    if not ids:
        return []
    return list(db.scalars(update(OutboxRow).where(OutboxRow.id.in_(ids), OutboxRow.status == PENDING)
                           .values(status=WITHDRAWN, updated_at=at, detail=detail)
                           .returning(OutboxRow.case_id).execution_options(synchronize_session=False)))


@dataclass(frozen=True, slots=True)
class Removal:
    planned_at: datetime
    under_way: bool  # waiting its turn or in flight; else done, or the bot could not (asked the owner, a cap)


# a removal the bot decided on: carried out, under way, or handed to a human because it could not
# (the member is then still there, but is who the bot found advertising). Not: dry-run, a protected
# member, an #unban that withdrew it.
_REMOVAL_DECIDED = (*_LIVE, "done", "gone", "asked_owner", "refused_cap", "failed", "uncertain")


def removals(db: Session, room_id: str, since: datetime) -> dict[str, Removal]:
    """Members of room_id whose removal the bot decided on since `since` (member id -> the
    latest). Welcomes and nickname prompts leave them out: the room's member list still shows
    someone until the removal lands (or forever, where the bot had to ask the owner), and a
    greeting decided meanwhile would be sent after it. Rows staged earlier in the caller's
    transaction count (the session flushes before the query)."""
    found = db.execute(select(OutboxRow.payload, OutboxRow.created_at, OutboxRow.status).where(
        OutboxRow.lane == room_id, OutboxRow.kind == "Kick", OutboxRow.status.in_(_REMOVAL_DECIDED),
        OutboxRow.created_at >= since).order_by(OutboxRow.id)).all()
    decided: dict[str, Removal] = {}
    for payload, at, status in found:
        member_id = payload.get("member_id")
        if isinstance(member_id, str):
            decided[member_id] = Removal(at, status in _LIVE)
    return decided


def pending_count(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.status == PENDING)) or 0)


def prune(db: Session, before: datetime) -> int:
    """Forget finished rows (their audit rows stay): the outbox is a queue, not the log."""
    from sqlalchemy import delete

    result = db.execute(delete(OutboxRow).where(OutboxRow.status.not_in((PENDING, IN_FLIGHT)),
                                                OutboxRow.updated_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def _whitelisted(db: Session, planned: Planned) -> bool | None:
    """For a removal, whether the chat-managed whitelist names its member, read fresh (as the
    executor would, in a transaction of its own: one write turn taken from the inbox less)."""
    action = planned.action
    if not isinstance(action, Kick):
        return None
    return lists.contains(db, lists.WHITELIST, action.room_id, action.member_id, fresh=True)


def _expired(row: OutboxRow, planned: Planned, rules: Rules, now: datetime) -> bool:
    """A text queued longer than it may still be sent (bot.send_within); removals never expire."""
    return not isinstance(planned.action, Kick | Blacklist) and now - row.created_at > rules.bot.send_within


def _planned(row: OutboxRow) -> Planned:
    payload: dict[str, Any] = dict(row.payload or {})
    return Planned(from_record(row.kind, payload), row.source, bool(row.answer))


def _known_also(notice: NotifyAdmins, shown: dict[int, tuple[str, ...]]) -> NotifyAdmins:
    """The notice with whoever has read its case in chat among those who know already."""
    readers = shown.get(notice.case_id, ()) if notice.case_news and notice.case_id is not None else ()
    return dataclasses.replace(notice, told=(*notice.told, *readers)) if readers else notice
