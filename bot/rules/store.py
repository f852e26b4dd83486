"""The live rules: validate, then swap. A bad file never half-applies; the bot keeps the
last good snapshot and says why."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.clock import Clock
from bot.rules.loader import RuleError, Rules, RulesInvalid, load_rules
from bot.rules.schema import HasConfig

log = logging.getLogger(__name__)

Listener = Callable[[Rules], None]


class RulesStore:
    def __init__(self, path: str | Path, plugins: Sequence[HasConfig], clock: Clock) -> None:
        self.path = Path(path)
        self._plugins = plugins
        self._clock = clock
        self._listeners: list[Listener] = []
        self._mtime: tuple[float, int] | None = None
        self.last_error: RulesInvalid | None = None
        self.current: Rules = self._load()  # the first load must succeed: raises RulesInvalid

    def _stat(self) -> tuple[float, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime, st.st_size)

    def _load(self) -> Rules:
        self._mtime = self._stat()
        return load_rules(self.path, self._plugins, now=self._clock.now())

    def on_change(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def reload(self) -> Rules:
        """Load the file again. On error keep the current rules and raise RulesInvalid."""
        try:
            rules = self._load()
        except RulesInvalid as exc:
            self._failed(exc)
            raise
        return self._apply(rules)

    async def reload_async(self) -> Rules:
        """reload() with the parsing in a thread: a large file must not stall the event loop."""
        try:
            rules = await asyncio.to_thread(self._load)
        except RulesInvalid as exc:
            self._failed(exc)
            raise
        return self._apply(rules)

    def _failed(self, exc: RulesInvalid) -> None:
        self.last_error = exc
        log.error("rules reload failed; keeping version %s\n%s", self.current.digest, exc)

    def _apply(self, rules: Rules) -> Rules:
        self.last_error = None
        changed = rules.digest != self.current.digest
        self.current = rules
        log.info("rules loaded from %s (version %s%s)", self.path, rules.digest, "" if changed else ", unchanged")
        for listener in self._listeners:
            try:
                listener(rules)
            except Exception:
                log.exception("a rules listener failed")
        return rules

    async def watch(self, interval: float = 2.0, on_error: Callable[[RulesInvalid], None] | None = None) -> None:
        """Poll the file's mtime/size and reload when it changes (editors replace files in
        ways inotify watchers miss; polling a single file every 2 s costs nothing)."""
        while True:
            await asyncio.sleep(interval)
            stat = self._stat()
            if stat == self._mtime:
                continue
            if stat is None:
                # deleted or moved away: say so once, keep running on what we have; a file that
                # comes back is loaded as a change
                self._mtime = None
                exc = RulesInvalid(str(self.path), [RuleError("", None, f"file not found: {self.path}",
                                                              f"文件不见了（被删除或移走了）：{self.path}")])
                self.last_error = exc
                log.error("rules file disappeared; keeping version %s\n%s", self.current.digest, exc)
                if on_error:
                    on_error(exc)
                continue
            try:
                await self.reload_async()
            except RulesInvalid as exc:
                if on_error:
                    on_error(exc)
