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
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker


class Redo(Exception):
    """The shared transaction was rolled back because of another event: handle this one again."""


@dataclass(slots=True)
class _Open:
    """The open transaction: its session, the future its events wait on, how many have run."""

    db: Session
    committed: asyncio.Future[None]
    events: int = 0


class EventBatch:
    def __init__(self, sessions: sessionmaker[Session], gate: asyncio.Lock, *, max_events: int = 64) -> None:
        self._sessions = sessions
        self._gate = gate
        # bounds how long the first event of a batch waits for its commit, and what a redo costs
        self._max_events = max_events
        self._open: _Open | None = None
        self._flusher: asyncio.Task[None] | None = None
        # figures for bench.pipeline and tests
        self.commits = 0
        self.redone = 0

    @property
    def open_events(self) -> int:
        return self._open.events if self._open else 0

    @contextlib.asynccontextmanager
    async def event(self) -> AsyncIterator[Session]:
        """One event's part of the shared transaction; returns once that transaction committed.
        Raises what the event raised (after rolling the batch back), what the commit raised
        (a storage error: the event is retried), or Redo."""
        async with self._gate:
            if self._open is None:
                self._open = _Open(self._sessions(), asyncio.get_running_loop().create_future())
            batch = self._open
            try:
                yield batch.db
            except BaseException:
                self._abort()
                raise
            batch.events += 1
            if batch.events >= self._max_events:
                self._commit()
            elif self._flusher is None:
                self._flusher = asyncio.get_running_loop().create_task(self._flush_later(), name="event-batch")
        await batch.committed

    def flush(self) -> None:
        """Commit the open batch now; the caller holds the gate. A failed commit is reported
        to the batch's events (they retry), not to the caller."""
        if self._open is not None:
            self._commit()

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
            async with self._gate:
                self.flush()
        finally:
            self._flusher = None

    def _commit(self) -> None:
        batch, self._open = self._open, None
        assert batch is not None
        try:
            batch.db.commit()
        except BaseException as exc:
            _end(batch, exc)
            if not isinstance(exc, Exception):
                raise
            return
        batch.db.close()
        self.commits += 1
        if not batch.committed.done():
            batch.committed.set_result(None)

    def _abort(self) -> None:
        batch, self._open = self._open, None
        assert batch is not None
        self.redone += batch.events  # the events of this batch that had finished: handled again
        _end(batch, Redo())


def _end(batch: _Open, exc: BaseException) -> None:
    """Roll the batch back and tell its events why."""
    with contextlib.suppress(Exception):
        batch.db.rollback()
    batch.db.close()
    if not batch.committed.done():
        batch.committed.set_exception(exc)
        batch.committed.exception()  # retrieved here: no warning when every waiter is gone
