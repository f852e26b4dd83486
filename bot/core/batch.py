"""Group commit on the event loop: the transactions of events handled back to back share one
database transaction.

Per event, the commit (and on SQLite the BEGIN and the write lock its first statement takes)
cost about as much as everything the plugins write; on PostgreSQL each commit is a round trip
and a WAL flush on the server, during which the loop waits. When many groups are busy, their
room workers become ready together (the inbox dispatches a written batch at once) and run
one after another; here their events join one open transaction, and a flusher task, queued
behind them, commits it once they have all run. A lone event commits one loop turn later, so
a quiet bot adds no latency.

What each event is promised is unchanged: it is finished (its inbox row may go, its actions
may be sent, what it wrote may be remembered) only once the transaction holding it has
committed. An event whose handling raises rolls the shared transaction back; the other
events in it are handled again from the start (`Redo`), as after a storage error, so one
event's half-made writes never commit and the others lose nothing. Plugins already had to
allow their event to be handled again (a storage error, a crashed neighbour plugin).

Every other use of the database gate commits the open batch first (`flush`): on SQLite the
batch holds the only write lock, and a second transaction on the loop's thread would wait on
itself. The inbox's writer thread meets a batch's lock as it met a single event's (it waits
in its own thread); a batch does not take the inbox's write turn: holding the loop's work
while the thread wrote (its start-up, commit and WAL checkpoint) did not pay. bench.load at
300 msg/s with other processes busy on the 2 cores handled 117 messages/s with the turn
against 264 without; on a calmer machine the two were alike.

Claims ahead (PostgreSQL). Each event's first statement is its claim (the dedupe mark, its
sender's member row: bot/core/members.claim_message), a round trip during which the loop
waits with every group's events behind the gate: a quarter of the loop's time at 400 msg/s
(py-spy, issue 13), though the statement takes ~0.1 ms on the server: the rest is the
server's process waiting for a CPU the bot, the gateway and the server share. So the event
holding the gate claims, in one round trip (psycopg's pipeline mode), for itself and for
the events waiting for the gate (`Ahead`, registered by `event`); they find their claim done
when their turn comes. A claim is the event's promise that its handling commits with it, so
a batch holding claims of events that have not run yet never commits: the flusher and every
other gate user (`exclusive`) wait until those events have run (they are next at the gate);
a batch rolled back for any reason takes their claims with it, and each such event claims
again in the batch it does join; an event that leaves while its claim is in the open batch
without having run (its worker cancelled) dooms that batch: it is rolled back, not
committed, and its events are handled again (Redo). SQLite claims each event on its turn:
its statements are calls into the process, not waits.

Tried and dropped: the claim run in a worker thread (the GIL is released while psycopg
waits): the task waiting for the thread's answer resumes only after the loop's other ready
work, the gate is held that much longer and every group waits (bench.load at 400 msg/s:
172 against 371 handled/s for the tree before). The batch's commit in a thread with the
gate released meanwhile: 199-308 against 371 (docs/MEASUREMENTS.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from db import repo

log = logging.getLogger(__name__)


class Redo(Exception):
    """The shared transaction was rolled back because of another event: handle this one again."""


_Request = TypeVar("_Request")
_Result = TypeVar("_Result")


class Ahead(Generic[_Request, _Result]):
    """An event's claim, which the event holding the gate may run for it (see above).
    `request()` builds what the claim function takes, when the claim runs."""

    def __init__(self, request: Callable[[], _Request]) -> None:
        self.request = request
        self.batch: _Open | None = None  # the transaction it was claimed in
        self.result: _Result | None = None


@dataclass(slots=True, eq=False)
class _Open:
    """The open transaction: its session, the future its events wait on, how many have run."""

    db: Session
    committed: asyncio.Future[None]
    events: int = 0
    # claims run in it whose events have not ended their part: it may not commit before they do
    ahead: set[Ahead[Any, Any]] = field(default_factory=set)
    doomed: bool = False  # an event claimed in it left without running: roll it back
    # what its events left to do once it committed (EventBatch.on_commit), in order
    after: list[Callable[[], None]] = field(default_factory=list)


class EventBatch:
    def __init__(self, sessions: sessionmaker[Session], gate: asyncio.Lock, *, max_events: int = 64) -> None:
        self._sessions = sessions
        self._gate = gate
        # bounds how long the first event of a batch waits for its commit, and what a redo costs
        self._max_events = max_events
        self._open: _Open | None = None
        self._flusher: asyncio.Task[None] | None = None
        # PostgreSQL only: the events waiting for the gate, whose claims may be run ahead
        self._run_ahead = sessions.kw["bind"].dialect.name == "postgresql"
        self._waiting: list[Ahead[Any, Any]] = []
        self._drained = asyncio.Event()  # set while the open batch holds no claim of an event yet to run
        self._drained.set()
        # figures for bench.pipeline and tests
        self.commits = 0
        self.redone = 0
        self.claim_runs = 0  # round trips of claims (PostgreSQL)
        self.claimed_ahead = 0  # claims run for an event that was waiting for the gate

    @property
    def open_events(self) -> int:
        return self._open.events if self._open else 0

    @contextlib.asynccontextmanager
    async def event(self, ahead: Ahead[Any, Any] | None = None) -> AsyncIterator[Session]:
        """One event's part of the shared transaction; returns once that transaction committed.
        Raises what the event raised (after rolling the batch back), what the commit raised
        (a storage error: the event is retried), or Redo. `ahead`: the event's claim, which
        the events before it may run (on PostgreSQL) while it waits; it runs it with claim()."""
        try:
            if ahead is not None and self._run_ahead:
                self._waiting.append(ahead)
                if not self._gate.locked():
                    # the events made ready with this one (the inbox dispatches a written batch
                    # at once) run up to here before it takes the gate: its claim takes theirs
                    await asyncio.sleep(0)
            async with self._gate:
                self._unwait(ahead)
                if self._open is None:
                    self._open = _Open(self._sessions(), asyncio.get_running_loop().create_future())
                batch = self._open
                try:
                    yield batch.db
                except BaseException:
                    self._abort()
                    raise
                finally:
                    self._ran(batch, ahead)
                batch.events += 1
                if batch.events >= self._max_events and not batch.ahead:
                    self._commit()
                elif self._flusher is None:
                    self._flusher = asyncio.get_running_loop().create_task(self._flush_later(), name="event-batch")
        finally:
            self._left(ahead)
        await batch.committed

    def claim(self, ahead: Ahead[_Request, _Result],
              run: Callable[[Session, Sequence[_Request]], Sequence[_Result]]) -> _Result:
        """The claim of the event whose part is running: found done if an event before it ran
        it in this transaction; else run now, with (PostgreSQL) those of the events waiting
        for the gate, as many as the batch has room for, in one call of `run`."""
        batch = self._open
        assert batch is not None, "claim() is called inside event()"
        if not self._run_ahead:
            return run(batch.db, [ahead.request()])[0]
        if ahead.batch is not batch:
            room = self._max_events - batch.events - len(batch.ahead) - 1
            together = [ahead, *[w for w in self._waiting if w is not ahead and w.batch is not batch][:max(room, 0)]]
            results = run(batch.db, [a.request() for a in together])
            self.claim_runs += 1
            self.claimed_ahead += len(together) - 1
            for claimed, result in zip(together, results, strict=True):
                claimed.batch, claimed.result = batch, result
                batch.ahead.add(claimed)
            self._drained.clear()
        return ahead.result  # type: ignore[return-value]

    def on_commit(self, step: Callable[[], None]) -> None:
        """Run `step` when the open transaction commits (under the gate, in commit order, before
        its events resume); dropped with it if it is rolled back. Called inside event()."""
        assert self._open is not None, "on_commit() is called inside event()"
        self._open.after.append(step)

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """The gate with the events' open transaction committed, for the loop's other database
        work (App._session). Waits first for the events whose claims the open transaction
        holds: they are next at the gate, and their claims commit only with their handling."""
        while True:
            await self._gate.acquire()
            if self._open is None or not self._open.ahead:
                break
            self._gate.release()
            await self._drained.wait()
        try:
            self.flush()
            yield
        finally:
            self._gate.release()

    def flush(self) -> None:
        """Commit the open batch now; the caller holds the gate, and no event claimed in the
        batch is still to run (exclusive). A failed commit is reported to the batch's events
        (they retry), not to the caller."""
        if self._open is not None:
            assert not self._open.ahead, "a batch holding claims of events yet to run must not commit"
            self._commit()

    def _unwait(self, ahead: Ahead[Any, Any] | None) -> None:
        if ahead is not None and ahead in self._waiting:
            self._waiting.remove(ahead)

    def _ran(self, batch: _Open, ahead: Ahead[Any, Any] | None) -> None:
        """The event's part ended (its claim, if run, is now part of what it did)."""
        if ahead is not None:
            batch.ahead.discard(ahead)
            ahead.batch = None  # a Redo claims again
        self._check_drained()

    def _left(self, ahead: Ahead[Any, Any] | None) -> None:
        """The event is done with the gate. Left without its part running (cancelled while it
        waited) while its claim is in the open batch: that batch must not commit."""
        if ahead is None:
            return
        self._unwait(ahead)
        batch = self._open
        if batch is not None and ahead in batch.ahead:
            batch.ahead.discard(ahead)
            batch.doomed = True
            self._check_drained()

    def _check_drained(self) -> None:
        if self._open is None or not self._open.ahead:
            self._drained.set()

    def close(self) -> None:
        """At stop: the events still waiting were cancelled with their workers; what they wrote
        is rolled back and they are replayed from the inbox next start."""
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        if self._open is not None:
            self._abort()

    async def _flush_later(self) -> None:
        try:
            # queued behind every worker that was ready when the batch's first event ended:
            # they join the batch before this runs
            while True:
                async with self._gate:
                    if self._open is None or not self._open.ahead:
                        self.flush()
                        return
                await self._drained.wait()  # the events claimed ahead run first (they are at the gate)
        finally:
            self._flusher = None

    def _commit(self) -> None:
        assert self._open is not None
        if self._open.doomed:
            self._abort()
            return
        batch, self._open = self._open, None
        try:
            # PostgreSQL: the rows queued for the commit (stats, anti-spam's message log) and the
            # COMMIT in one round trip, not one each, while every group waits on the loop
            repo.commit(batch.db)
        except BaseException as exc:
            _end(batch, exc)
            if not isinstance(exc, Exception):
                raise
            return
        batch.db.close()
        self.commits += 1
        for step in batch.after:
            try:
                step()
            except Exception:  # committed all the same: the events are done
                log.exception("a step after the event batch's commit failed")
        if not batch.committed.done():
            batch.committed.set_result(None)

    def _abort(self) -> None:
        batch, self._open = self._open, None
        assert batch is not None
        self.redone += batch.events  # the events of this batch that had finished: handled again
        self._check_drained()  # the claims it held are gone with it: their events claim again
        _end(batch, Redo())


def _end(batch: _Open, exc: BaseException) -> None:
    """Roll the batch back and tell its events why."""
    with contextlib.suppress(Exception):
        batch.db.rollback()
    batch.db.close()
    if not batch.committed.done():
        batch.committed.set_exception(exc)
        batch.committed.exception()  # retrieved here: no warning when every waiter is gone
