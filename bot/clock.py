"""An injected clock: the core, plugins and the simulator read time only through this, so
tests move time by hand and never wait on the wall clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC now."""

    def sleep(self, seconds: float) -> Awaitable[None]: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class FakeClock:
    """A clock that only moves when told. sleep() returns once advance() has moved past
    the sleeper's deadline."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return self._now

    def sleep(self, seconds: float) -> Awaitable[None]:
        # The deadline is fixed here, when sleep() is called, not when the awaiting task first
        # runs: a caller that computed `seconds` from now() and wrapped the sleep in a task
        # (the scheduler's pump, the outbox's sender) would otherwise, if another task moved the
        # clock in between, sleep past the moment it meant and never wake (issue 13's settle
        # hang). The future itself is returned, so cancelling the waiter (even before it ran)
        # cancels the sleeper: nothing stale is left among _sleepers.
        if seconds <= 0:
            return asyncio.sleep(0)
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self._now + timedelta(seconds=seconds), fut))
        return fut

    def advance(self, seconds: float = 0, **kwargs: float) -> datetime:
        self._now += timedelta(seconds=seconds, **kwargs)
        due = [(t, f) for t, f in self._sleepers if t <= self._now]
        self._sleepers = [(t, f) for t, f in self._sleepers if t > self._now]
        for _, fut in due:
            if not fut.done():
                fut.set_result(None)
        return self._now
