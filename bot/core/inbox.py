"""The durable intake: nothing handed to a live bot is lost.

Every room event the adapter hands to App.on_event is written to core_inbox before it is
queued for its room. Writes are group commits: events are buffered for a few milliseconds
(or up to `max_batch` rows), then written in one transaction by a worker thread on its own
engine, so neither a slow disk nor a lock held by another process stalls the event loop.
Only after its batch committed is an event dispatched to its room's queue.

"Handled" is the core_seen_event row the event's own transaction writes (db.repo.mark_seen),
with everything else the event changed; the inbox row itself is deleted later, in the
writer's next batch (a lost deletion is harmless: replay skips rows whose event was seen).
At start-up, rows without a seen mark are replayed in arrival order.

When storage fails (disk full, read-only, PostgreSQL stopped, a lock held elsewhere) the
batch stays in memory and is retried with backoff; StorageHealth tells the operator once
when it fails and once when it recovers. Memory is bounded: past `max_buffered` unwritten
events, `wait_for_room()` makes the adapter wait (the gateway keeps the rest).

The inbox is also the adapter's raw-event journal (bot.platform.EventJournal): each room
event the gateway pushes joins the next group commit as soon as it arrives, before its payload
is read, so once that commit is written a kill between receipt and conversion loses nothing
(see Inbox). What a kill takes is the batch not yet written (tens of events under heavy load,
bench.faults reports them): the gateway waits for no acknowledgement, so no client can close
that window.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, delete, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from bot import events as events_module
from bot.clock import Clock
from bot.events import RoomEvent
from bot.platform import RawEvent
from db.models import InboxEvent, SeenEvent
from db.repo import dialect_insert, execute_many
from db.session import checkpoint, wal_file

log = logging.getLogger(__name__)

IDLE_CHECKPOINT = 60.0  # seconds between WAL checkpoints while no event is written (SQLite)
# A WAL of this many frames (pages) still growing since the last checkpoint is folded with the
# process's writers held (Inbox.fold_wal): 128 MB of 4 KiB pages, ~6 s of writes at 800 msg/s,
# ~12 s at 300. The hold lasted 10-90 ms on a busy disk (its syncs), so not more often.
FOLD_WITH_WRITERS_HELD = 32768

# ---------------------------------------------------------------------- serialisation
# Generic over the dataclasses of bot.events: fields are read with dataclasses.fields, so a
# field added there is stored and restored without a change here.


def _encode(value: Any) -> Any:
    if isinstance(value, enum.Enum):  # first: a StrEnum is also a str
        return {"$enum": type(value).__name__, "v": value.value}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, frozenset | set):
        return {"$set": [_encode(v) for v in sorted(value, key=repr)]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"$dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"$dc": type(value).__name__,
                "f": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    raise TypeError(f"cannot store a {type(value).__name__} in the inbox")


def _event_type(name: str) -> Any:
    cls = getattr(events_module, name, None)
    if not isinstance(cls, type):
        raise ValueError(f"unknown event type {name!r}")
    return cls


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    if "$tuple" in value:
        return tuple(_decode(v) for v in value["$tuple"])
    if "$set" in value:
        return frozenset(_decode(v) for v in value["$set"])
    if "$dict" in value:
        return {_decode(k): _decode(v) for k, v in value["$dict"]}
    if "$enum" in value:
        return _event_type(value["$enum"])(value["v"])
    if "$dc" in value:
        cls = _event_type(value["$dc"])
        known = {f.name for f in dataclasses.fields(cls)}
        # a field dropped from the class since the row was written is ignored; a new field
        # keeps its default
        return cls(**{k: _decode(v) for k, v in value["f"].items() if k in known})
    raise ValueError(f"unrecognised stored value {value!r}")


def encode_event(event: object) -> str:
    return json.dumps(_encode(event), ensure_ascii=False, separators=(",", ":"))


def decode_event(payload: str) -> Any:
    return _decode(json.loads(payload))


# ---------------------------------------------------------------------- storage health


def _is_lock(message: str) -> bool:
    """SQLite's busy lock, PostgreSQL's lock timeout: someone else is writing, storage works."""
    text = message.lower()
    return "database is locked" in text or "lock timeout" in text


class StorageHealth:
    """One place that knows whether storage works: the operator hears once when it fails and
    once when it is back, however many writes fail in between. A failure shorter than `grace`
    (a lock another process held for a moment) is retried without telling anyone.

    Each writer reports under its own name (the inbox's writer, the room workers, the outbox's
    sender): storage is back when every writer that failed has succeeded again, so one writer
    that still works (a read, an update needing no new page on a full disk) cannot announce a
    recovery while another still cannot write (no notice flapping)."""

    def __init__(self, notify: Callable[[bool, str], None] | None = None, grace: float = 2.0,
                 lock_grace: float = 15.0) -> None:
        self.failing_since: float | None = None
        self.announced = False
        self.last_error = ""
        self.failures = 0
        self.grace = grace
        # a lock is what two writers meet when the bot is busy (the loop and the inbox's
        # writer, past saturation): only one held this long is an outage worth a notice
        self.lock_grace = max(lock_grace, grace)
        self._notify = notify
        self._failing: dict[str, float] = {}  # writer -> monotonic time of its first failure
        # the last outage, for #status: when it began (wall clock), how long it lasted
        self.last_outage: tuple[datetime, float] | None = None
        self._began: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.failing_since is None

    @property
    def failing(self) -> tuple[str, ...]:
        """Which writers cannot write now."""
        return tuple(self._failing)

    def down_for(self) -> float:
        return 0.0 if self.failing_since is None else time.monotonic() - self.failing_since

    def failed(self, exc: BaseException, source: str = "events", *, retried: bool = True) -> None:
        """retried=False: the caller gives the work up (it is redone later by other means), so
        no success of its own will follow; it does not hold the failure state open."""
        self.failures += 1
        # the driver's own first line ("database or disk is full", "connection failed: …"),
        # short enough to read in a chat notice
        detail = getattr(exc, "orig", None) or exc
        first_line = str(detail).splitlines()[0] if str(detail) else type(detail).__name__
        self.last_error = first_line[:160]
        now = time.monotonic()
        if retried:
            self._failing.setdefault(source, now)
        if self.failing_since is None:
            self.failing_since = now
            self._began = datetime.now().astimezone()
        grace = self.lock_grace if _is_lock(first_line) else self.grace
        if self.announced or now - self.failing_since < grace:
            log.debug("storage failed (%s, %d): %s", source, self.failures, self.last_error)
            return
        self.announced = True
        log.error("storage failed, events are kept in memory and retried: %s", self.last_error)
        if self._notify:
            self._notify(False, self.last_error)

    def succeeded(self, source: str = "events") -> None:
        if self.failing_since is None:
            return  # the usual case, on every event: nothing to do
        self._failing.pop(source, None)
        if self._failing:
            return  # another writer still cannot write
        down = time.monotonic() - self.failing_since
        if self.announced:
            log.warning("storage works again after %.1fs (%d failed attempts); catching up", down, self.failures)
            if self._notify:
                self._notify(True, f"{down:.0f} 秒")
            if self._began is not None:
                self.last_outage = (self._began, down)
        self.failing_since = None
        self._began = None
        self.announced = False
        self.failures = 0


# What a failing store raises (disk full, read-only, server gone, a lock held elsewhere): the
# work is kept and retried, never dropped as if it were a bug.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (sa_exc.OperationalError, sa_exc.InterfaceError,
                                                   sa_exc.DisconnectionError)


class Backoff:
    def __init__(self, initial: float = 0.05, maximum: float = 5.0) -> None:
        self.initial, self.maximum = initial, maximum
        self.delay = initial

    def next(self) -> float:
        delay = self.delay
        self.delay = min(self.delay * 2, self.maximum)
        return delay

    def reset(self) -> None:
        self.delay = self.initial


# ---------------------------------------------------------------------- the inbox


@dataclasses.dataclass(slots=True)
class _Pending:
    key: str
    event: RoomEvent | None  # None: a raw gateway event, not converted yet
    at: datetime
    raw: RawEvent | None = None
    takes_over: bool = False  # a converted event whose raw row may be written already (upsert)


_ROW_COLUMNS = ("event_id", "queue_key", "kind", "payload", "received_at")

#: core_inbox.kind of a raw gateway event (a converted event's kind is its class name)
RAW_PREFIX = "raw:"


class Inbox:
    """The durable intake, and the adapter's raw-event journal (bot.platform.EventJournal).

    Raw gateway events and converted events share core_inbox and its group commit: a raw
    event is a row (kind "raw:<gateway event>", payload the ids the gateway sent) written as
    soon as it arrives; its converted event, written later under the same event id, takes the
    row over (an upsert). When the conversion is done before the raw row was written, the raw
    row is never written (only the converted one is). Converted events are dispatched in the
    order they were submitted (the adapter's order: arrival order within a room). A raw event
    that turned into nothing the core keeps (the bot's own echo, an unreadable payload) has its
    row deleted in a later batch. At start-up, raw rows are handed back to the adapter (backlog()) to be converted
    again once it is connected."""

    def __init__(self, engine: Engine, clock: Clock, dispatch: Callable[[str, RoomEvent], None],
                 health: StorageHealth, *, max_batch: int = 500, linger: float = 0.002,
                 raw_linger: float = 0.02, max_buffered: int = 50_000, backoff: Backoff | None = None,
                 checkpoint_every: float = 1.0,
                 writers_held: Callable[[], AbstractAsyncContextManager[object]] | None = None) -> None:
        self._engine = engine
        # held while a batch is being written: on SQLite the loop's writers other than events
        # take it too (App._session), so they never meet this writer's lock (one writer at a time)
        self.write_turn = asyncio.Lock()
        self._clock = clock
        self._dispatch = dispatch
        self._health = health
        self._max_batch = max_batch
        self._linger = linger
        # with only raw events waiting, the writer waits a little longer: most conversions take
        # one payload RPC (a few ms), and a raw event converted before its batch is never
        # written (the bot's own echoes then cost no write at all). A kill within this moment
        # loses what the gateway had just pushed, as any kill before a commit does.
        self._raw_linger = raw_linger
        self._converted_buffered = 0
        self._converted_arrived = asyncio.Event()  # cuts a raw-only linger short
        self._max_buffered = max_buffered
        self._backoff = backoff or Backoff()
        self._buffer: deque[_Pending] = deque()
        self._done: list[str] = []  # handled event ids whose rows the next batch deletes
        # raw events received and not yet kept as a converted event (settled() looks here)
        self._raw_open: set[str] = set()
        # raw events still in the buffer, not yet taken into a batch (once converted they need
        # not be written at all)
        self._raw_buffered: dict[str, _Pending] = {}
        # raw rows to delete: (items appended to the buffer when settled, event id); deleted
        # once everything appended before that point is written (so never before its insert)
        self._raw_dropped: list[tuple[int, str]] = []
        self._appended = 0
        self._flushed = 0
        self._backlog: list[RawEvent] = []
        self._wake = asyncio.Event()
        self._space = asyncio.Event()
        self._space.set()
        self._task: asyncio.Task[None] | None = None
        # SQLite: the WAL is folded back into the database file beside the writes, at most once
        # per checkpoint_every seconds while there are any, never in a batch's own commit (the
        # writer's engine does none, db.session.thread_engine): a checkpoint syncs the file,
        # and the batch's events (and everything behind them) waited for it to be dispatched
        self._checkpoint_every = checkpoint_every
        self._wrote = asyncio.Event()
        self._checkpointer: asyncio.Task[None] | None = None
        self.checkpoints = 0
        # holds the process's other writers off (App: the event gate with its batch committed,
        # and this writer's turn): see fold_wal
        self._writers_held = writers_held
        self.fold_with_writers_held = FOLD_WITH_WRITERS_HELD
        self._wal_frames = 0  # the WAL's length at the last checkpoint
        self.folds_with_writers_held = 0
        self.writers_held_for = 0.0  # seconds, all such folds together (figures)
        self.writers_held_longest = 0.0
        # figures for tests and benchmarks
        self.batches = 0
        self.written = 0  # converted events written
        self.raw_written = 0  # raw rows written (conversions that came too late to share)
        # the writer's statements, built once: Core on the table, below the ORM (this runs for
        # every batch; the ORM's bulk paths cost the writer thread a third of its time, issue 13)
        table: Any = InboxEvent.__table__
        # the row's columns as named parameters (not an INSERT of the whole table, compiled
        # from each batch's keys): run on SQLite's cursor, db.repo.execute_many
        row = {name: bindparam(name, type_=table.c[name].type) for name in _ROW_COLUMNS}
        # a redelivered event is already there: keep the first row (its place in order)
        self._insert = dialect_insert(engine, table).values(row).on_conflict_do_nothing(index_elements=["event_id"])
        # a converted event takes its raw event's row over (its place in arrival order); a
        # converted row already there (a redelivery) is kept as it is
        take_over = dialect_insert(engine, table).values(row)
        self._take_over = take_over.on_conflict_do_update(
            index_elements=["event_id"],
            set_={"queue_key": take_over.excluded.queue_key, "kind": take_over.excluded.kind,
                  "payload": take_over.excluded.payload},
            where=table.c.kind.startswith(RAW_PREFIX))

    @property
    def engine(self) -> Engine:
        """The engine the writer commits through (its own connections, or the loop's one for
        :memory:): tests and benchmarks watch or fault it."""
        return self._engine

    # -------------------------------------------------------------- intake side
    def submit(self, key: str, event: RoomEvent) -> None:
        """Buffer an event for the next group commit; it is dispatched once written."""
        takes_over = False
        if event.event_id in self._raw_open:
            self._raw_open.discard(event.event_id)
            raw = self._raw_buffered.pop(event.event_id, None)
            if raw is not None:
                # its raw event is not written yet: it need not be. Not replaced in place: the
                # converted event goes behind the events converted before it (their raw rows
                # may be written already), so dispatch follows conversion order, which is
                # arrival order within a room
                raw.raw = None
            else:
                takes_over = True  # its raw row is written (or being written): upsert over it
        self._converted_buffered += 1
        self._converted_arrived.set()
        self._append(_Pending(key, event, self._clock.now(), takes_over=takes_over))

    def _append(self, item: _Pending) -> None:
        self._buffer.append(item)
        self._appended += 1
        if len(self._buffer) >= self._max_buffered:
            self._space.clear()
        self._wake.set()

    # -------------------------------------------------------------- the adapter's journal
    def received(self, raw: RawEvent) -> None:
        """A raw gateway event arrived: into the next group commit, before any payload RPC."""
        if raw.event_id in self._raw_buffered:
            return  # redelivered before the first copy was even written
        item = _Pending(str(raw.data.get("room_id") or ""), None, self._clock.now(), raw)
        self._raw_open.add(raw.event_id)
        self._raw_buffered[raw.event_id] = item
        self._append(item)

    def settled(self, event_id: str) -> None:
        if event_id not in self._raw_open:
            return  # kept as a converted event (the usual case): its row is that event's now
        self._raw_open.discard(event_id)
        pending = self._raw_buffered.pop(event_id, None)
        if pending is not None:
            pending.raw = None  # not written yet: skipped by the writer
            return
        self._raw_dropped.append((self._appended, event_id))

    def keeping_up(self) -> bool:
        return self._space.is_set()

    def backlog(self) -> list[RawEvent]:
        backlog, self._backlog = self._backlog, []
        self._raw_open.update(raw.event_id for raw in backlog)
        return backlog

    async def wait_for_room(self) -> None:
        """Back-pressure: wait while too many events are unwritten (storage down)."""
        await self._space.wait()

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def handled(self, event_id: str) -> None:
        """The event's transaction committed (or it needed none): its row may go."""
        self._done.append(event_id)
        if len(self._done) >= self._max_batch:
            self._wake.set()

    # -------------------------------------------------------------- writer
    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="inbox-writer")
        if wal_file(self._engine):
            self._checkpointer = asyncio.get_running_loop().create_task(self._fold_wal(), name="inbox-checkpoint")

    async def stop(self) -> None:
        """Write what is buffered (best effort), then stop."""
        if self._task is None:
            return
        if self._checkpointer is not None:
            self._checkpointer.cancel()  # SQLite folds the WAL back when the last connection closes
            await asyncio.gather(self._checkpointer, return_exceptions=True)
            self._checkpointer = None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None
        if self._buffer or self._done or self._raw_dropped:
            batch = self._take(len(self._buffer))
            try:
                await asyncio.to_thread(self._write, batch, list(self._done), [i for _, i in self._raw_dropped])
            except Exception as exc:
                log.error("could not write %d buffered events at stop: %s", len(batch), exc)

    def _take(self, count: int) -> list[_Pending]:
        """The first `count` buffered items, frozen for a batch: a conversion arriving from now
        on no longer replaces its raw event in place (the writer thread reads these)."""
        batch = [self._buffer[i] for i in range(min(len(self._buffer), count))]
        for item in batch:
            if item.raw is not None:
                self._raw_buffered.pop(item.raw.event_id, None)
        return batch

    async def _linger_a_moment(self) -> None:
        """The usual short linger; with only raw events waiting, up to raw_linger for their
        conversions, cut short by the first one (a message's handling never waits the whole
        raw linger for nothing)."""
        if not self._converted_buffered:
            self._converted_arrived.clear()
            try:
                await asyncio.wait_for(self._converted_arrived.wait(), max(self._linger, self._raw_linger))
            except TimeoutError:
                return  # none converted in time: write the raw rows now
        await asyncio.sleep(self._linger)  # for the neighbours of what just arrived

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._buffer and len(self._buffer) < self._max_batch and self._linger > 0:
                # group commit: let the events arriving in the next moment share this transaction
                await self._linger_a_moment()
            if not self._buffer and not self._raw_dropped and len(self._done) < self._max_batch:
                continue
            batch = self._take(self._max_batch)
            done = self._done[: self._max_batch * 4]
            upto = self._flushed + len(batch)
            dropped = [i for seq, i in self._raw_dropped if seq <= upto]
            try:
                async with self.write_turn:
                    await asyncio.to_thread(self._write, batch, done, dropped)
            except Exception as exc:
                self._health.failed(exc, "inbox")
                for item in batch:  # not written: its conversion may still make it unnecessary
                    if item.raw is not None and item.event is None and item.raw.event_id in self._raw_open:
                        self._raw_buffered.setdefault(item.raw.event_id, item)
                await asyncio.sleep(self._backoff.next())
                self._wake.set()
                continue
            self._backoff.reset()
            self._health.succeeded("inbox")
            self._wrote.set()
            del self._done[: len(done)]
            if dropped:
                self._raw_dropped = [(seq, i) for seq, i in self._raw_dropped if seq > upto]
            for _ in batch:
                self._buffer.popleft()
            self._converted_buffered -= sum(1 for item in batch if item.event is not None)
            self._flushed = upto
            if len(self._buffer) < self._max_buffered:
                self._space.set()
            self.batches += 1
            for item in batch:
                if item.event is not None:
                    self.written += 1
                    self._dispatch(item.key, item.event)
                elif item.raw is not None:
                    self.raw_written += 1
            if self._buffer:
                self._wake.set()

    async def _fold_wal(self) -> None:
        """Checkpoint in a worker thread of its own, beside the writer: one per second of
        writes (the WAL stays about a second of writes long), and one a minute while no event
        is written: the jobs and the outbox write too, and no engine of the bot checkpoints
        in its commits, so a quiet day would otherwise grow the WAL until the bot stops."""
        while True:
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow the cancellation that
            # stops the inbox when the event is set in the same moment, and stop() waited
            # forever (a restart test hung 1 run in 2 on a loaded machine)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(IDLE_CHECKPOINT):
                    await self._wrote.wait()
            await asyncio.sleep(self._checkpoint_every)
            self._wrote.clear()
            try:
                await self.fold_wal()
            except Exception as exc:  # nothing is lost: the WAL grows until the next one works
                log.debug("WAL checkpoint failed: %s", exc)

    async def fold_wal(self) -> None:
        """One checkpoint, in a worker thread, beside the writers. SQLite writes the WAL from its
        start again only in a write transaction that began after a checkpoint folded all of it
        back. Under load that never happens: the loop's event batch is open nearly all the time
        (it began before the checkpoint ended) and appends when it commits, and the checkpoint
        also races the batches that commit while it copies. At 800 msg/s the WAL grew by 22 MB a
        second, 2.5 GB in two minutes, without end (core30). So a large WAL that kept growing
        since the last checkpoint is checkpointed again at once with the process's writers held
        (the open batch committed first): it folds what they appended during the first one (a
        few hundred pages), and the next transaction, begun after it, starts the WAL over
        (journal_size_limit trims the file). Events wait meanwhile, as for any other
        transaction of the loop (App._session)."""
        frames, _ = await asyncio.to_thread(checkpoint, self._engine)
        self.checkpoints += 1
        grew, self._wal_frames = frames > self._wal_frames, frames
        if not grew or frames < self.fold_with_writers_held or self._writers_held is None:
            return
        async with self._writers_held():
            started = time.perf_counter()
            await asyncio.to_thread(checkpoint, self._engine)
            held = time.perf_counter() - started
        self.writers_held_for += held
        self.writers_held_longest = max(self.writers_held_longest, held)
        self.checkpoints += 1
        self.folds_with_writers_held += 1

    def _write(self, batch: list[_Pending], done: list[str], dropped: list[str]) -> None:
        """One transaction, in a worker thread: new rows in, handled rows out."""
        rows: list[dict[str, Any]] = []  # new rows, raw or converted, in arrival order
        takeovers: list[dict[str, Any]] = []
        for p in batch:
            if p.event is not None:
                (takeovers if p.takes_over else rows).append(
                    {"event_id": p.event.event_id, "queue_key": p.key, "kind": type(p.event).__name__,
                     "payload": encode_event(p.event), "received_at": p.at})
            elif p.raw is not None:
                rows.append({"event_id": p.raw.event_id, "queue_key": p.key, "kind": RAW_PREFIX + p.raw.kind,
                             "payload": json.dumps(dict(p.raw.data), ensure_ascii=False, separators=(",", ":")),
                             "received_at": p.at})
        if not rows and not takeovers and not done and not dropped:
            return  # only raw events converted meanwhile: nothing to write, no transaction
        table: Any = InboxEvent.__table__
        with self._engine.begin() as db:
            if rows:
                execute_many(db, self._insert, rows)
            if takeovers:
                execute_many(db, self._take_over, takeovers)
            for chunk in _chunks(done, 500):
                db.execute(delete(table).where(table.c.event_id.in_(chunk)))
            for chunk in _chunks(dropped, 500):
                db.execute(delete(table).where(table.c.event_id.in_(chunk), table.c.kind.startswith(RAW_PREFIX)))

    # -------------------------------------------------------------- start-up
    def unhandled(self) -> list[tuple[str, RoomEvent]]:
        """Rows a crash left behind, oldest first, without the ones already handled (whose
        rows are deleted here). Runs before the adapter starts. Raw events (received, never
        converted) are kept for backlog(): the adapter converts them once connected."""
        with Session(self._engine) as db:
            seen = select(SeenEvent.event_id).where(SeenEvent.event_id == InboxEvent.event_id).exists()
            db.execute(delete(InboxEvent).where(seen))
            rows = db.execute(select(InboxEvent.id, InboxEvent.queue_key, InboxEvent.kind, InboxEvent.payload,
                                     InboxEvent.event_id).order_by(InboxEvent.id)).all()
            db.commit()
        out: list[tuple[str, RoomEvent]] = []
        self._backlog = []
        for row_id, key, kind, payload, event_id in rows:
            try:
                if kind.startswith(RAW_PREFIX):
                    self._backlog.append(RawEvent(event_id, kind.removeprefix(RAW_PREFIX), json.loads(payload)))
                else:
                    out.append((key, decode_event(payload)))
            except Exception:
                log.exception("inbox row %s cannot be read back; it is left in core_inbox", row_id)
        if self._backlog:
            log.warning("%d raw gateway events were received but not converted by the last run; "
                        "they are converted again once the gateway is connected", len(self._backlog))
        return out


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
