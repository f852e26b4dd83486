"""One APScheduler for every plugin's jobs, driven by the injected clock.

Plugins declare JobSpecs from the current rules; reconcile() makes the scheduler's jobs
match them (add new, replace changed, remove gone), so a reload takes effect without a
restart. APScheduler keeps the jobs and does the trigger arithmetic (standard cron via cronsim,
with explicit timezones; intervals; one-offs); it is kept paused and a small pump fires due jobs by the
injected clock, so tests move time by hand and the runner always knows the exact scheduled
time of an occurrence (what exactly-once delivery keys on).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from cronsim import CronSim, CronSimError

from bot.clock import Clock
from bot.core.plugin import JobSpec, job_owner
from bot.rules.types import parse_duration

log = logging.getLogger(__name__)

JobRunner = Callable[[JobSpec, datetime], Awaitable[None]]
_TICK = timedelta(microseconds=1)


def make_trigger(spec: JobSpec, now: datetime) -> BaseTrigger:
    """Cron "m h dom mon dow", "every 10m", or an ISO datetime (local to spec.timezone)."""
    tz = ZoneInfo(spec.timezone)
    text = spec.trigger.strip()
    if text.startswith("every "):
        every = parse_duration(text[6:])
        if every <= timedelta(0):
            raise ValueError("an interval must be positive")
        return IntervalTrigger(seconds=every.total_seconds(), start_date=now + every, timezone=tz)
    if len(text.split()) == 5:
        return StandardCronTrigger(text, tz)
    when = datetime.fromisoformat(text)
    return DateTrigger(run_date=when if when.tzinfo else when.replace(tzinfo=tz), timezone=tz)


class StandardCronTrigger(BaseTrigger):
    """Standard cron semantics (cronsim) behind APScheduler's trigger interface.

    APScheduler 3's CronTrigger ANDs day-of-month with day-of-week, while standard cron (what
    operators write and every cron page documents) ORs them when both are restricted:
    `0 20 1 * 1` is "the 1st of the month and every Monday", not "a 1st that is a Monday".
    Weekdays count from Sunday = 0 (7 is Sunday too). cronsim also walks DST gaps the way
    cron does."""

    def __init__(self, expression: str, timezone: ZoneInfo) -> None:
        self.expression = " ".join(expression.split())
        self.timezone = timezone
        try:
            CronSim(self.expression, datetime(2000, 1, 1, tzinfo=timezone))
        except CronSimError as exc:
            raise ValueError(f"{expression!r} is not a valid cron string: {exc}") from None

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        start = now
        if previous_fire_time is not None and previous_fire_time >= now:
            start = previous_fire_time + _TICK
        # CronSim yields matches strictly after its start; step back a tick so a match exactly
        # at `start` counts, as APScheduler's own triggers do
        it = CronSim(self.expression, (start - _TICK).astimezone(self.timezone))
        return next(it, None)

    def __str__(self) -> str:
        return f"cron[{self.expression}]"

    def __repr__(self) -> str:
        return f"<StandardCronTrigger ({self.expression!r}, timezone={self.timezone.key!r})>"


class JobScheduler:
    def __init__(self, clock: Clock, runner: JobRunner) -> None:
        self._clock = clock
        self._runner = runner
        # the store keeps its jobs sorted by next run time: the pump reads the earliest and the
        # due ones from it instead of walking every job (200 groups hold ~1,000 jobs, and each
        # join reschedules its room's welcome, issue 13)
        self._store = MemoryJobStore()
        self._aps = AsyncIOScheduler(timezone=ZoneInfo("UTC"), jobstores={"default": self._store})
        self._specs: dict[str, JobSpec] = {}
        self._rooms: dict[str | None, dict[str, None]] = {}  # room -> its job ids, in order added
        self._changed = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None

    def start(self) -> None:
        # paused: APScheduler's own wall-clock timer never fires; the pump does
        self._aps.start(paused=True)
        self._pump = asyncio.create_task(self._pump_loop(), name="scheduler-pump")

    async def shutdown(self) -> None:
        if self._pump:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
        if self._aps.running:
            self._aps.shutdown(wait=False)

    @property
    def specs(self) -> dict[str, JobSpec]:
        return dict(self._specs)

    def next_run(self, job_id: str) -> datetime | None:
        job = self._aps.get_job(job_id)
        return job.next_run_time if job else None

    def reconcile(self, specs: Iterable[JobSpec]) -> tuple[list[str], list[str]]:
        """Make the scheduled jobs equal `specs`. Returns (added or changed ids, removed ids)."""
        wanted = {spec.id: spec for spec in specs}
        return self._apply(wanted, [job_id for job_id in self._specs if job_id not in wanted])

    def reconcile_room(self, owner: str, room_id: str, specs: Iterable[JobSpec]) -> tuple[list[str], list[str]]:
        """Make one plugin's jobs for one room equal `specs` (Plugin.room_jobs), every other job
        left as it is: a join changes its own room's welcome, not every group's jobs."""
        wanted = {spec.id: spec for spec in specs}
        for spec in wanted.values():
            if spec.room_id != room_id or job_owner(spec.id) != owner:
                raise ValueError(f"job {spec.id} is not {owner}'s for room {room_id}")
        removed = [job_id for job_id in self._rooms.get(room_id, ())
                   if job_id not in wanted and job_owner(job_id) == owner]
        return self._apply(wanted, removed)

    def _apply(self, wanted: dict[str, JobSpec], removed: list[str]) -> tuple[list[str], list[str]]:
        for job_id in removed:
            self._remove(job_id)
        changed = []
        now = self._clock.now()
        for job_id, spec in wanted.items():
            if self._specs.get(job_id) == spec:
                continue
            try:
                trigger = make_trigger(spec, now)
            except (ValueError, TypeError) as exc:
                log.error("job %s has an invalid trigger %r: %s; not scheduled", job_id, spec.trigger, exc)
                self._remove(job_id)
                continue
            first = trigger.get_next_fire_time(None, now - timedelta(seconds=spec.grace))
            self._remove(job_id)
            if first is None:
                log.info("job %s has no future occurrence; not scheduled", job_id)
                continue
            self._aps.add_job(_never_called, trigger=trigger, id=job_id, next_run_time=first,
                              replace_existing=True)
            self._specs[job_id] = spec
            self._rooms.setdefault(spec.room_id, {})[job_id] = None
            changed.append(job_id)
        if changed or removed:
            self._changed.set()
        return changed, removed

    def _remove(self, job_id: str) -> None:
        spec = self._specs.pop(job_id, None)
        if spec is not None:
            room = self._rooms[spec.room_id]
            del room[job_id]
            if not room:
                del self._rooms[spec.room_id]
        if self._aps.get_job(job_id):
            self._aps.remove_job(job_id)

    async def run_pending(self, now: datetime | None = None) -> int:
        """Fire every job due at `now` once (missed occurrences coalesce). Returns how many ran."""
        now = now or self._clock.now()
        ran = 0
        for job in self._due_jobs(now):
            due = job.next_run_time
            spec = self._specs.get(job.id)
            if due is None or spec is None or due > now:
                continue
            following = job.trigger.get_next_fire_time(due, now + _TICK)
            skipped = 0
            while following is not None and following <= now:  # coalesce: run the latest one
                skipped += 1
                due, following = following, job.trigger.get_next_fire_time(following, now + _TICK)
            if skipped:
                log.info("job %s: %d earlier missed occurrence(s) skipped", job.id, skipped)
            if following is None:
                self._remove(job.id)
            else:
                job.modify(next_run_time=following)
            try:
                await self._runner(spec, due)
            except Exception:
                log.exception("job %s (scheduled %s) failed", job.id, due.isoformat())
            ran += 1
        return ran

    @property
    def quiet(self) -> bool:
        """Nothing due that the pump has not handed over yet (the settle barrier): a job due
        at the injected clock's now, or a reconcile the pump has not looked at, is work."""
        if self._pump is None or self._pump.done():
            return True
        due = self._next_due()
        return not self._changed.is_set() and (due is None or due > self._clock.now())

    def _next_due(self) -> datetime | None:
        if self._aps.state == STATE_STOPPED:  # before start() the jobs wait outside the store
            times = [job.next_run_time for job in self._aps.get_jobs() if job.next_run_time]
            return min(times) if times else None
        due: datetime | None = self._store.get_next_run_time()
        return due

    def _due_jobs(self, now: datetime) -> list[Job]:
        if self._aps.state == STATE_STOPPED:
            return list(self._aps.get_jobs())
        return list(self._store.get_due_jobs(now))

    async def _pump_loop(self) -> None:
        while True:
            self._changed.clear()
            due = self._next_due()
            now = self._clock.now()
            if due is not None and due <= now:
                await self.run_pending(now)
                continue
            waits: list[asyncio.Future[object]] = [asyncio.ensure_future(self._changed.wait())]
            if due is not None:
                waits.append(asyncio.ensure_future(self._clock.sleep((due - now).total_seconds())))
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for w in waits:
                    w.cancel()


def _never_called() -> None:  # pragma: no cover - the scheduler stays paused
    raise AssertionError("APScheduler fired a job itself; the pump should have")
