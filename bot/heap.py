"""The cyclic garbage collector's policy for a process that runs one bot.

At ready everything allocated so far (dictionaries, models, the SDK) is frozen (gc.freeze):
a full collection no longer walks it. What the bot meets afterwards (100,000 members' records,
the anti-spam windows, the name history) is not frozen, and CPython runs a full collection
whenever a quarter as many objects again have survived into the oldest generation: during the
warm-up of bench.load that was 6-19 full collections, each walking everything met since ready,
up to ~300 ms with every group waiting.

So a full collection that took long (it walked a large heap of survivors) freezes what it left:
the survivors of a full collection are live at that moment, and the next full collection walks
only what survived since. The objects frozen that way are still freed by reference counting;
only one that later becomes part of a reference cycle would never be collected. To keep that
bounded, the whole heap is unfrozen and collected once every ``sweep_every`` seconds (one long
pause an hour instead of several a minute), and the garbage found is logged.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from typing import Any

log = logging.getLogger(__name__)

#: A full collection that took more CPU than this walked enough survivors to be worth freezing
#: them. Short ones are left alone: each freeze also freezes whatever is in flight at that
#: moment. Timed on the thread's CPU clock: on a busy machine the wall clock mostly measures
#: the other processes.
FREEZE_AFTER = 0.010
#: Seconds between the sweeps that unfreeze and collect everything.
SWEEP_EVERY = 3600.0


class HeapPolicy:
    """Installed once the bot is ready (install), removed when it stops (uninstall)."""

    def __init__(self, freeze_after: float = FREEZE_AFTER, sweep_every: float = SWEEP_EVERY) -> None:
        self.freeze_after = freeze_after
        self.sweep_every = sweep_every
        self.refreezes = 0  # full collections whose survivors were frozen
        self.sweeps = 0
        self.swept_garbage = 0  # objects the sweeps found unreachable (frozen cyclic garbage, and young garbage)
        self._began = 0.0
        self._installed = False
        self._sweeping = False

    def install(self) -> None:
        """Collect, freeze what is left, and from now on freeze what a slow full collection
        leaves."""
        gc.collect()
        gc.freeze()
        if not self._installed:
            gc.callbacks.append(self._on_gc)
            self._installed = True

    def uninstall(self) -> None:
        if self._installed:
            gc.callbacks.remove(self._on_gc)
            self._installed = False

    def sweep(self) -> int:
        """Unfreeze and collect everything (one pause over the whole heap), freeze again, and
        return how many objects were unreachable."""
        self._sweeping = True
        try:
            gc.unfreeze()
            found = gc.collect()
            gc.freeze()
        finally:
            self._sweeping = False
        self.sweeps += 1
        self.swept_garbage += found
        log.info("heap sweep: %d unreachable objects collected, %d frozen", found, gc.get_freeze_count())
        return found

    async def sweep_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_every)
            self.sweep()

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2 or self._sweeping:
            return
        if phase == "start":
            self._began = time.thread_time()
        elif time.thread_time() - self._began >= self.freeze_after:
            # the collection is over: what is left in the generations is reachable now
            gc.freeze()
            self.refreezes += 1
