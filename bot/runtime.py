"""Wiring: database, rules, adapter, app and scheduler in one object that the CLI and the
end-to-end tests both use, so tests run the real bot."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import Clock, SystemClock
from bot.console.state import LinkStatus
from bot.core.app import App
from bot.core.plugin import Plugin
from bot.events import LoggedIn
from bot.heap import HeapPolicy
from bot.rules.store import RulesStore
from bot.wechaty_adapter import WechatyAdapter
from db.session import loop_engine, make_sessionmaker
from db.version import at_head, build_if_empty

if TYPE_CHECKING:
    from bot.console.server import ConsoleServer, ConsoleSettings

log = logging.getLogger(__name__)


class Runtime:
    def __init__(
        self, *, rules_path: str | Path, database_url: str, endpoint: str, token: str,
        plugins: Sequence[Plugin] | None = None, clock: Clock | None = None, tls: bool = False,
        cache_dir: str | Path = ".qunguan-cache", watch_rules: bool = True,
        backoff_initial: float = 1.0, backoff_max: float = 10.0, rules_poll_interval: float = 2.0,
        warm_up: bool = True, freeze_heap: bool = False, order_wait: float = 2.0,
    ) -> None:
        """freeze_heap: at ready, move everything allocated so far (dictionaries, models, the
        SDK) out of the cyclic garbage collector's sight. A full collection over that heap
        takes 40-50 ms, the whole bot frozen, several times a minute under load; frozen, it
        takes microseconds. Afterwards the survivors of a slow full collection are frozen too,
        and everything is unfrozen and collected once an hour (bot.heap). For a process that
        runs one bot (the CLI), not for a test process that starts hundreds: frozen objects are
        collected only by that hourly sweep. order_wait: how long a group's events wait for a message
        whose group is not known yet (WechatyAdapter)."""
        if plugins is None:
            from plugins import default_plugins
            plugins = default_plugins()
        self.clock = clock or SystemClock()
        # the first load must succeed: RulesInvalid propagates to the caller with every error
        self.rules = RulesStore(rules_path, plugins, self.clock)
        self.database_url = database_url
        self.engine = loop_engine(database_url)
        self.sessions = make_sessionmaker(self.engine)
        self.adapter = WechatyAdapter(
            endpoint, token, self._sink, clock=self.clock, tls=tls, cache_dir=Path(cache_dir),
            backoff_initial=backoff_initial, backoff_max=backoff_max, order_wait=order_wait,
        )
        self.app = App(platform=self.adapter, rules=self.rules, plugins=plugins, sessions=self.sessions,
                       clock=self.clock)
        # raw gateway events are kept by the core's inbox from the moment they arrive
        self.adapter.journal = self.app.inbox
        self._watch_rules = watch_rules
        self._rules_poll_interval = rules_poll_interval
        self._tasks: list[asyncio.Task[None]] = []
        self._plugins = list(plugins)
        self._warm_up = warm_up
        self._freeze_heap = freeze_heap
        self.heap = HeapPolicy()  # installed at ready when freeze_heap
        self._warm: asyncio.Future[None] | None = None
        self._ready = asyncio.Event()
        self.started_at: float | None = None  # time.monotonic() when start() began
        self.ready_after: float | None = None  # seconds from start() to ready
        self.link = LinkStatus()  # connection, login and login QR, for the web console
        self.console: ConsoleServer | None = None

    async def _sink(self, event: object) -> None:
        self.link.observe(event)
        # Nothing reaches the app before the warm-up finished: the first message would
        # otherwise load jieba's dictionary on the event loop (seconds, every group frozen).
        if self._warm is not None and not self._warm.done():
            await asyncio.shield(self._warm)
        await self.app.on_event(event)  # type: ignore[arg-type]
        if not self._ready.is_set() and isinstance(event, LoggedIn):
            self._ready.set()
            if self.started_at is not None:
                self.ready_after = time.monotonic() - self.started_at
                log.info("ready %.2fs after start", self.ready_after)
            if self._freeze_heap:
                self.heap.install()
                self._tasks.append(asyncio.create_task(self.heap.sweep_periodically(), name="heap-sweep"))

    async def ready(self) -> None:
        """Until the warm-up is done and the account is logged in (events flow)."""
        await self._ready.wait()

    def _warm_up_in_thread(self) -> None:
        """Load what the first message would otherwise load on the event loop: whatever a
        plugin declares in warm_up() (the anti-spam plugin's: its word segmenter's dictionary,
        its model, OpenCC). Not jieba's stock dictionary: the segmenter has its own compact one,
        and the stock one would cost ~80 MB for nothing."""
        self._each_plugin("warm_up", lambda hook: hook(), "it will load on first use")

    def _prepare_in_thread(self) -> None:
        """Each plugin's prepare() (Plugin.prepare), on a session of its own, before the app
        starts: nothing else is using the database yet (another process sharing it may be;
        then a lock it holds makes this fail and the work is left to the first event)."""
        def prepare(hook: Callable[..., None]) -> None:
            with self.app.sessions() as db:  # a plugin that reads nothing opens no connection
                try:
                    hook(db, self.clock.now())
                    db.commit()
                except Exception:
                    db.rollback()
                    raise
        self._each_plugin("prepare", prepare, "the first event will do it")

    def _each_plugin(self, hook_name: str, call: Callable[[Callable[..., None]], None], otherwise: str) -> None:
        """Run one start-up hook of every plugin that has it (in a worker thread): a hook that
        fails is logged and its work left to first use, never a reason not to start."""
        started = time.monotonic()
        for plugin in self._plugins:
            hook = getattr(plugin, hook_name, None)
            if callable(hook):
                try:
                    call(hook)
                except Exception:
                    log.exception("%s of plugin %s failed; %s", hook_name, plugin.name, otherwise)
        log.info("plugins' %s done in %.2fs", hook_name, time.monotonic() - started)

    async def start_console(self, settings: ConsoleSettings) -> ConsoleServer:
        """Serve the web console on this process's event loop (bot/console); stopped with the bot."""
        from bot.console.server import ConsoleServer

        self.console = ConsoleServer(self, settings)
        await self.console.start()
        return self.console

    async def start(self) -> None:
        self.started_at = time.monotonic()
        if self._warm_up:
            # In a thread, concurrently with migrations and connecting: never on the loop.
            self._warm = asyncio.ensure_future(asyncio.to_thread(self._warm_up_in_thread))
        if not at_head(self.database_url) and not build_if_empty(self.database_url):
            from db.migrate import upgrade  # Alembic is imported only when there is work for it

            upgrade(self.database_url)
        if self._warm_up:
            if self._warm is not None:
                await asyncio.shield(self._warm)  # the model's fit segments text: dictionary first
            await asyncio.to_thread(self._prepare_in_thread)
        await self.app.start()
        self._tasks.append(asyncio.create_task(self.adapter.run(), name="adapter"))
        if self._watch_rules:
            watch = self.rules.watch(self._rules_poll_interval, on_error=self.app.control.on_rules_error)
            self._tasks.append(asyncio.create_task(watch, name="rules-watch"))

    async def stop(self) -> None:
        if self.console is not None:
            await self.console.stop()
        try:
            await asyncio.wait_for(self.adapter.stop(), 10)
        except Exception:
            log.exception("adapter did not stop cleanly")
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.heap.uninstall()
        if self._warm is not None and not self._warm.done():
            await asyncio.gather(self._warm, return_exceptions=True)  # a thread cannot be cancelled
        await self.app.stop()
        self.engine.dispose()

    async def run_forever(self) -> None:
        await self.start()
        try:
            await asyncio.gather(*self._tasks)
        finally:
            await self.stop()
