"""Wiring: database, rules, adapter, app and scheduler in one object that the CLI and the
end-to-end tests both use, so tests run the real bot."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from bot.clock import Clock, SystemClock
from bot.core.app import App
from bot.core.plugin import Plugin
from bot.rules.store import RulesStore
from bot.wechaty_adapter import WechatyAdapter
from db.migrate import upgrade
from db.session import LOOP_BUSY_TIMEOUT, make_engine, make_sessionmaker

log = logging.getLogger(__name__)


class Runtime:
    def __init__(
        self, *, rules_path: str | Path, database_url: str, endpoint: str, token: str,
        plugins: Sequence[Plugin] | None = None, clock: Clock | None = None, tls: bool = False,
        cache_dir: str | Path = ".qunguan-cache", watch_rules: bool = True,
        backoff_initial: float = 1.0, backoff_max: float = 60.0, rules_poll_interval: float = 2.0,
    ) -> None:
        if plugins is None:
            from plugins import default_plugins
            plugins = default_plugins()
        self.clock = clock or SystemClock()
        # the first load must succeed: RulesInvalid propagates to the caller with every error
        self.rules = RulesStore(rules_path, plugins, self.clock)
        self.database_url = database_url
        self.engine = make_engine(database_url, busy_timeout=LOOP_BUSY_TIMEOUT)
        self.sessions = make_sessionmaker(self.engine)
        self.adapter = WechatyAdapter(
            endpoint, token, self._sink, clock=self.clock, tls=tls, cache_dir=Path(cache_dir),
            backoff_initial=backoff_initial, backoff_max=backoff_max,
        )
        self.app = App(platform=self.adapter, rules=self.rules, plugins=plugins, sessions=self.sessions,
                       clock=self.clock)
        self._watch_rules = watch_rules
        self._rules_poll_interval = rules_poll_interval
        self._tasks: list[asyncio.Task[None]] = []

    async def _sink(self, event: object) -> None:
        await self.app.on_event(event)  # type: ignore[arg-type]

    async def start(self) -> None:
        upgrade(self.database_url)
        await self.app.start()
        self._tasks.append(asyncio.create_task(self.adapter.run(), name="adapter"))
        if self._watch_rules:
            watch = self.rules.watch(self._rules_poll_interval, on_error=self.app.control.on_rules_error)
            self._tasks.append(asyncio.create_task(watch, name="rules-watch"))

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.adapter.stop(), 10)
        except Exception:
            log.exception("adapter did not stop cleanly")
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.app.stop()
        self.engine.dispose()

    async def run_forever(self) -> None:
        await self.start()
        try:
            await asyncio.gather(*self._tasks)
        finally:
            await self.stop()
