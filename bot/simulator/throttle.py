"""A sliding-window limiter on the world clock, like WeChat's undocumented send throttle."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta


class SlidingWindow:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = timedelta(seconds=window_seconds)
        self._hits: deque[datetime] = deque()

    def _expire(self, now: datetime) -> None:
        while self._hits and now - self._hits[0] >= self.window:
            self._hits.popleft()

    def allows(self, now: datetime) -> bool:
        self._expire(now)
        return len(self._hits) < self.limit

    def hit(self, now: datetime) -> None:
        """Count one accepted operation. Refused attempts are not counted: the platform
        rejects them before doing anything."""
        self._hits.append(now)
