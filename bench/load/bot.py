"""The bot side of `python -m bench.load`: the real Runtime (rules, plugins, database, the
Wechaty SDK over gRPC) in its own process, so its CPU and memory can be read from /proc.

It times every member message from its injection (the message's timestamp, wall clock,
written by the simulator in the driver process) to the end of its handling by the app (the
decision), and answers "stats" lines on stdin with a JSON line on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bot.events import MessageReceived
from bot.runtime import Runtime

TICK = 0.05  # the loop-lateness probe's period, in seconds


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def memory_report(top: int = 25) -> str:
    """Where the traced memory is: by file (the project's and the libraries'), then by line."""
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    total = sum(stat.size for stat in snapshot.statistics("filename"))
    lines = [f"traced: {total / 1e6:.1f} MB live (RSS also holds the interpreter, extension modules and freed "
             "memory the allocator keeps)"]
    for kind in ("filename", "lineno"):
        lines.append(f"by {kind}:")
        for stat in snapshot.statistics(kind)[:top]:
            lines.append(f"  {stat.size / 1e6:8.2f} MB {stat.count:>9,} blocks  {stat.traceback[0]}")
    return "\n".join(lines)


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--rules", required=True)
    parser.add_argument("--trace-memory", action="store_true")
    parser.add_argument("--fine", action="store_true", help="time each message's stages inside the bot (stages.py)")
    args = parser.parse_args(argv)
    if args.trace_memory:
        tracemalloc.start()
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)

    handled = 0
    latencies: list[float] = []
    # where the latency goes, per message: injection -> the app has the converted event (gRPC
    # stream and the adapter's lookups), -> its handling starts (inbox write, the room's
    # queue), -> decided (the handling, the shared transaction's commit)
    stages: list[tuple[float, float, float]] = []
    arrived: dict[str, float] = {}
    lags: list[float] = []  # how late a 50 ms timer fires: the event loop blocked or busy
    # the collector's full passes (generation 2) stop the loop for as long as they take: with
    # every member known that is most of the lateness above
    pauses: list[float] = []
    began_gc = 0.0

    def on_gc(phase: str, info: dict[str, int]) -> None:
        nonlocal began_gc
        if info["generation"] != 2:
            return
        if phase == "start":
            began_gc = time.perf_counter()
        else:
            pauses.append(time.perf_counter() - began_gc)

    gc.callbacks.append(on_gc)

    async def ticker() -> None:
        # every wake-up is CPU charged to the bot: a 10 ms timer cost ~25 ms a second here (12 of
        # the 38 CPU-s per 1,000 messages at 2 msg/s), a 50 ms one ~5 ms
        while True:
            due = time.monotonic() + TICK
            await asyncio.sleep(TICK)
            lags.append(time.monotonic() - due)

    def freeze_heap() -> dict[str, bool]:
        # as the CLI runs the bot; a tree from before the option (a "before" figure) has none
        import inspect

        return {"freeze_heap": True} if "freeze_heap" in inspect.signature(Runtime).parameters else {}
    with tempfile.TemporaryDirectory() as cache:
        runtime = Runtime(rules_path=Path(args.rules), database_url=args.db, endpoint=args.endpoint,
                          token="insecure_bench", cache_dir=Path(cache), watch_rules=False,
                          **freeze_heap())
        app: Any = runtime.app
        # The decision: the app's handling of one event. Durable intake may rename it; then
        # the sink's acceptance is what can be timed.
        hook_name = "_handle" if hasattr(app, "_handle") else "on_event"
        inner = getattr(app, hook_name)

        fine: Any = None
        if args.fine:
            from bench.load.stages import FineStages

            fine = FineStages(app, getattr(runtime, "adapter", None))

        async def timed(event: Any, *rest: Any, **kw: Any) -> Any:
            nonlocal handled
            began = time.time()
            try:
                return await inner(event, *rest, **kw)
            finally:
                message = isinstance(event, MessageReceived) and not event.is_self
                if fine is not None:
                    done = time.time()
                    fine.handled(event, event.timestamp.timestamp() if message else done,
                                 arrived.get(event.event_id) if message else None, began, done)
                if message:
                    handled += 1
                    injected, done = event.timestamp.timestamp(), time.time()
                    latencies.append(done - injected)
                    came = arrived.pop(event.event_id, None)
                    if came is not None:
                        stages.append((came - injected, began - came, done - began))

        setattr(app, hook_name, timed)
        on_event = app.on_event

        async def arrival(event: Any) -> Any:
            if isinstance(event, MessageReceived) and not event.is_self:
                arrived[event.event_id] = time.time()
            return await on_event(event)

        if hook_name != "on_event":
            app.on_event = arrival
        # ready: logged in with events flowing (measured here, so older runtimes compare)
        started = time.monotonic()
        await runtime.start()
        while getattr(app, "logged_in_as", None) is None:
            await asyncio.sleep(0.01)
        if hasattr(runtime, "ready"):
            await runtime.ready()
        emit({"type": "ready", "ready_after": time.monotonic() - started, "hook": hook_name})
        ticking = asyncio.create_task(ticker())

        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        try:
            while line := (await reader.readline()).decode().strip():
                if line == "stats":
                    batch = getattr(app, "batch", None)  # absent in trees before the event batch
                    emit({"type": "stats", "handled": handled, "latencies": latencies, "stages": stages, "lags": lags,
                          "gc_pauses": pauses,
                          "adapter": dict(getattr(runtime.adapter, "stats", {})),
                          "batch": {"commits": batch.commits, "redone": batch.redone,
                                    "claim round trips": getattr(batch, "claim_runs", None),
                                    "claimed ahead": getattr(batch, "claimed_ahead", None)} if batch else None,
                          "reads_under_gate": dict(getattr(app, "reads_under_gate", {})),
                          # the inbox's writer: its transactions (each a commit of its own connection)
                          "inbox": {"batches": app.inbox.batches,
                                    # WAL checkpoints the inbox ran (each file's count as one; the
                                    # inbox's own file adds one a second of writes) and, with its
                                    # own file, the main WAL's syncs before handled rows go
                                    "checkpoints": getattr(app.inbox, "checkpoints", None),
                                    "folds with writers held": getattr(app.inbox, "folds_with_writers_held", None),
                                    "own file": getattr(app, "_inbox_file", None) is not None},
                          "fine": fine.take() if fine is not None else None})
                    latencies, stages, lags, pauses = [], [], [], []
                elif line == "memory":
                    emit({"type": "memory", "report": memory_report()})
                elif line == "quit":
                    break
        finally:
            ticking.cancel()
            await runtime.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
