"""The outbound rate governor.

WeChat punishes accounts that behave like bots: bursts of messages, many kicks, links
(WECHAT.md: ~1 message/second is safe, bursts of ~60 trip "操作过于频繁"). Every outbound
action waits here for its turn: a minimum gap per group and per account, plus random jitter,
a daily cap, an hourly kick cap, a quiet period after login and a pause after WeChat says
we are too fast. Time comes from the injected clock.

The caps are state, not configuration: `snapshot()`/`restore()` let the outbox persist them
with every action it records, so a restart or a crash loop does not reset the day's count or
the hour's removals. The day rolls over at local midnight in the account's timezone (the
`defaults.timezone` of rules.yaml), which is when WeChat users' "today" ends, not UTC's.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.rules.schema import GovernorRules

log = logging.getLogger(__name__)


# Set by the outbox around one action: awaited once, when the action's first slot is granted,
# right before its first platform call. So a row is "in flight" (maybe sent) only from the
# moment a send can really happen; a crash while it waits for its turn leaves it pending.
# A hook with a `waiting` coroutine (the outbox's, for a row it marked in flight when it
# claimed it, the slot looking free) has that awaited first when the slot is not free at once:
# the row goes back to pending for the wait.
ON_SLOT: ContextVar[Callable[[], Awaitable[None]] | None] = ContextVar("qunguan_on_slot", default=None)


class Refused(Exception):
    """The governor will not let this action out (a cap was reached). `retry_at`: when the cap
    allows it again."""

    def __init__(self, message: str, retry_at: datetime, cap: str) -> None:
        super().__init__(message)
        self.retry_at = retry_at
        self.cap = cap  # daily_limit or kicks_per_hour


_HOUR = timedelta(hours=1)


class _KickLog:
    """The removals of the last hour, oldest first, and the same by minute for the snapshot.

    The outbox stores the snapshot with every action it records. As a list of every removal it
    grew with the hourly cap: an operator who raises kicks_per_hour for a few hundred groups (or
    bench.load with the governor off) wrote every removal of the hour again with each action. By
    minute it is at most 61 pairs (the minute's latest removal, how many): restored, each minute's
    removals count from its latest, so none expires earlier than it would have and a restart never
    lets more out than the cap."""

    __slots__ = ("_minutes", "_times")

    def __init__(self, times: list[datetime] | None = None) -> None:
        self._times: deque[datetime] = deque()
        self._minutes: deque[list[Any]] = deque()  # [minute, latest, count], in the order of times
        for t in sorted(times or ()):
            self.append(t)

    def __len__(self) -> int:
        return len(self._times)

    @property
    def oldest(self) -> datetime | None:
        return self._times[0] if self._times else None

    def within_hour(self, now: datetime) -> int:
        """How many are younger than an hour, without expiring any: the console's overview asks from a
        worker thread, where iterating the deque while the loop appends to it could raise (deque mutated
        during iteration); list() copies it in one step under the GIL."""
        return sum(1 for t in list(self._times) if now - t < _HOUR)

    def append(self, at: datetime) -> None:
        minute = at.replace(second=0, microsecond=0)
        if self._minutes and self._minutes[-1][0] == minute:
            last = self._minutes[-1]
            last[1], last[2] = max(last[1], at), last[2] + 1
        else:
            self._minutes.append([minute, at, 1])
        self._times.append(at)

    def expire(self, now: datetime) -> None:
        """Forget the removals an hour old or older."""
        while self._times and now - self._times[0] >= _HOUR:
            self._times.popleft()
            first = self._minutes[0]
            first[2] -= 1
            if not first[2]:
                self._minutes.popleft()

    def by_minute(self) -> list[list[Any]]:
        return [[latest.isoformat(), count] for _, latest, count in self._minutes]

    @classmethod
    def restored(cls, saved: list[Any], now: datetime) -> _KickLog:
        """From by_minute() (or an older snapshot's list of times): each minute's removals at its
        latest; those an hour old or older are left out."""
        times: list[datetime] = []
        for entry in saved:
            at, count = (entry, 1) if isinstance(entry, str) else (entry[0], int(entry[1]))
            when = datetime.fromisoformat(at)
            if now - when < _HOUR:
                times.extend([when] * max(count, 0))
        return cls(times)


@dataclass(frozen=True, slots=True)
class GovernorState:
    """What the governor is doing now, for #status and the console."""

    sent_today: int
    kicks_last_hour: int
    paused_until: datetime | None  # the account's next slot, when it lies in the future


class Governor:
    def __init__(self, clock: Clock, rules: GovernorRules, rng: random.Random | None = None,
                 timezone: str = "Asia/Shanghai") -> None:
        self._clock = clock
        self.rules = rules
        self.timezone = timezone
        self._rng = rng or random.Random()
        self._queue: list[_Ticket] = []
        self._seq = itertools.count()
        self._dispatcher: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._next_group: dict[str, datetime] = {}
        self._next_account: datetime | None = None
        self._day: str | None = None
        self._sent_today = 0
        self._kicks = _KickLog()
        self._promised = 0  # see free_now

    def note_login(self) -> None:
        self._next_account = self._clock.now() + self.rules.quiet_after_login

    def note_throttled(self) -> None:
        """WeChat refused a send as too frequent: everyone waits."""
        pause_until = self._clock.now() + self.rules.throttle_pause
        log.warning("WeChat throttled the account; pausing outbound actions until %s", pause_until)
        if self._next_account is None or self._next_account < pause_until:
            self._next_account = pause_until

    def _jitter(self) -> timedelta:
        return timedelta(seconds=self._rng.uniform(0, self.rules.jitter.total_seconds()))

    def _local_day(self, now: datetime) -> str:
        return now.astimezone(ZoneInfo(self.timezone)).date().isoformat()

    def _next_midnight(self, now: datetime) -> datetime:
        tz = ZoneInfo(self.timezone)
        local = now.astimezone(tz)
        return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)

    def _check_caps(self, now: datetime, kind: str) -> None:
        today = self._local_day(now)
        if today != self._day:
            self._day, self._sent_today = today, 0
        if self._sent_today >= self.rules.daily_limit:
            raise Refused(f"daily limit of {self.rules.daily_limit} outbound actions reached",
                          self._next_midnight(now), "daily_limit")
        if kind == "kick":
            self._kicks.expire(now)
            if len(self._kicks) >= self.rules.kicks_per_hour:
                retry = (self._kicks.oldest or now) + _HOUR
                raise Refused(f"limit of {self.rules.kicks_per_hour} removals per hour reached", retry,
                              "kicks_per_hour")

    def check(self, kind: str = "send") -> None:
        """Raise Refused now if a cap would refuse this kind of action (no slot taken)."""
        self._check_caps(self._clock.now(), kind)

    def free_now(self, room_id: str | None, kind: str = "send") -> bool:
        """Whether acquire() would grant this action's slot at once (no one waiting, the account
        and the room free, no cap reached), counting the actions promised it (promise()) and not
        yet at acquire: with any pacing, only one promise stands at a time. A guess, not a
        reservation: nothing is taken, and an action that finds its slot gone waits as any."""
        now = self._clock.now()
        if self._queue or (self._promised and self._paced()):
            return False
        free_at = self._free_at(room_id or "")
        if free_at is not None and free_at > now:
            return False
        try:
            self._check_caps(now, kind)
        except Refused:
            return False
        return True

    def _paced(self) -> bool:
        r = self.rules
        return bool(r.account_interval or r.group_interval or r.jitter)

    def promise(self) -> None:
        """An action was told its slot looks free (free_now) and is on its way to acquire()."""
        self._promised += 1

    def unpromise(self) -> None:
        """The promised action reached acquire(), or ended without it."""
        self._promised = max(0, self._promised - 1)

    # ------------------------------------------------------------------ persistence
    def state(self) -> GovernorState:
        now = self._clock.now()
        sent = self._sent_today if self._day == self._local_day(now) else 0
        paused = self._next_account if self._next_account and self._next_account > now else None
        return GovernorState(sent, self._kicks.within_hour(now), paused)

    def snapshot(self) -> dict[str, Any]:
        """The cap counters as JSON, for the outbox to store with each recorded action: the day's
        count and the hour's removals by minute (_KickLog)."""
        return {"day": self._day, "sent": self._sent_today, "kicks": self._kicks.by_minute()}

    def restore(self, data: dict[str, Any] | None) -> None:
        """Counters from a snapshot taken before a restart; a snapshot from an earlier local day
        counts nothing today, and removals older than an hour are forgotten."""
        if not data:
            return
        now = self._clock.now()
        if data.get("day") == self._local_day(now):
            self._day, self._sent_today = str(data["day"]), max(self._sent_today, int(data.get("sent") or 0))
        self._kicks = _KickLog.restored(data.get("kicks") or [], now)

    def _free_at(self, room: str) -> datetime | None:
        """When the account and this room next allow an action (None: now)."""
        times = [t for t in (self._next_account, self._next_group.get(room)) if t is not None]
        return max(times) if times else None

    def _take(self, start: datetime, room: str, kind: str) -> None:
        """Reserve the slot starting at `start`: the account and the room wait after it."""
        self._next_account = start + self.rules.account_interval + self._jitter()
        if room:
            self._next_group[room] = start + self.rules.group_interval + self._jitter()
        self._sent_today += 1
        if kind == "kick":
            self._kicks.append(start)

    async def acquire(self, room_id: str | None, kind: str = "send") -> timedelta:
        """Wait for this action's slot; returns how long it waited. Raises Refused on a cap.

        Removals and recalls ("kick", "recall") go before ordinary sends waiting for the account:
        in a raid the welcomes and replies queued in other groups would otherwise keep an ad up,
        and a recall must land inside WeChat's two minutes. Among equals, first come first served."""
        now = self._clock.now()
        self._check_caps(now, kind)
        room = room_id or ""
        free_at = self._free_at(room)
        hook = ON_SLOT.get()
        if not self._queue and (free_at is None or free_at <= now):
            self._take(now, room, kind)  # the common case: nobody waits, no task
            wait = timedelta(0)
        else:
            loop = asyncio.get_running_loop()
            ticket = _Ticket(0 if kind in URGENT else 1, next(self._seq), room, kind, loop.create_future())
            heapq.heappush(self._queue, ticket)
            self._dispatch_soon(loop)
            # a cancelled action (the outbox stopping) must not leave the dispatcher asleep
            ticket.granted.add_done_callback(self._on_ticket_done)
            waiting = getattr(hook, "waiting", None)
            try:
                if waiting is not None:
                    await waiting()  # its row back to pending while it waits (see ON_SLOT)
                wait = await ticket.granted - now
            except BaseException:
                if not ticket.granted.done():
                    ticket.granted.cancel()  # no slot granted to an action that is gone
                raise
        if hook is not None:
            ON_SLOT.set(None)
            await hook()
        return wait

    def _on_ticket_done(self, granted: asyncio.Future[datetime]) -> None:
        if granted.cancelled():
            self._changed.set()

    def _dispatch_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._dispatcher is None or self._dispatcher.done() or self._dispatcher.get_loop() is not loop:
            # a dispatcher of a loop that is gone left tickets nobody can wake: drop them
            self._queue = [t for t in self._queue if t.granted.get_loop() is loop]
            heapq.heapify(self._queue)
            self._changed = asyncio.Event()
            self._dispatcher = loop.create_task(self._dispatch(self._changed), name="governor")
        else:
            self._changed.set()

    async def _dispatch(self, changed: asyncio.Event) -> None:
        """Grant slots one at a time, each when it comes, to the best waiting ticket then: one
        that arrives while the dispatcher sleeps (a removal) is considered before the sleep ends."""
        queue = self._queue
        while True:
            while queue and queue[0].granted.done():  # its action was cancelled (a stop)
                heapq.heappop(queue)
            if not queue:
                return
            head = queue[0]
            now = self._clock.now()
            free_at = self._free_at(head.room)
            if free_at is not None and free_at > now:
                changed.clear()
                sleeper = asyncio.ensure_future(self._clock.sleep((free_at - now).total_seconds()))
                woken = asyncio.ensure_future(changed.wait())
                try:
                    await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    sleeper.cancel()
                    woken.cancel()
                continue
            heapq.heappop(queue)
            try:
                self._check_caps(now, head.kind)  # others may have used the cap up meanwhile
            except Refused as refused:
                head.granted.set_exception(refused)
                continue
            self._take(now, head.room, head.kind)
            head.granted.set_result(now)


URGENT = frozenset({"kick", "recall"})


@dataclass(order=True, slots=True)
class _Ticket:
    """An action waiting for its slot: urgent ones first, then in order of arrival."""

    priority: int
    seq: int
    room: str = field(compare=False)
    kind: str = field(compare=False)
    granted: asyncio.Future[datetime] = field(compare=False)
