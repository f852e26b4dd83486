"""Start-up: the word segmenter (and any plugin warm-up) loads in a thread before the first event reaches
the app, never on the event loop at the first message; the runtime says when it is ready."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.events import Event, MessageReceived
from bot.runtime import Runtime
from bot.simulator import SimServer, default_world
from tests.harness import wait_until, write_rules


class WarmPlugin:
    """A plugin that declares a warm-up (only the hook matters here)."""

    name = "warm"

    def __init__(self) -> None:
        self.warmed_in: str | None = None

    def warm_up(self) -> None:
        self.warmed_in = threading.current_thread().name


async def simulated_bot(tmp_path: Path, **options: Any) -> tuple[Any, SimServer, Runtime]:
    """A started simulator and a runtime for it (not started)."""
    clock = FakeClock()
    world = default_world(clock)
    server = SimServer(world)
    await server.start("127.0.0.1", 0)
    runtime = Runtime(rules_path=write_rules(tmp_path / "rules.yaml"), database_url=f"sqlite:///{tmp_path}/db.sqlite",
                      endpoint=server.endpoint, token="insecure_test", clock=clock, cache_dir=tmp_path / "cache",
                      watch_rules=False, **options)
    return world, server, runtime


async def test_warm_up_runs_in_a_thread_before_the_first_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jieba

    from plugins.antispam import classifier, segment

    threads: list[str] = []  # where the segmenter's dictionary had real work to do
    original = segment.CompactTokenizer.initialize

    def initialize(self: segment.CompactTokenizer, *args: Any, **kwargs: Any) -> None:
        if not self.initialized:
            threads.append(threading.current_thread().name)
        original(self, *args, **kwargs)

    # a real load, even if an earlier test did one
    monkeypatch.setattr(classifier, "_jieba", None)
    monkeypatch.setattr(segment, "_segmenter", None)
    monkeypatch.setattr(segment.CompactTokenizer, "initialize", initialize)
    monkeypatch.setattr(jieba.dt, "initialized", False)  # to see that nobody loads the stock dictionary
    world, server, runtime = await simulated_bot(tmp_path, backoff_initial=0.05, backoff_max=0.2)
    warm = WarmPlugin()
    runtime._plugins.append(warm)  # type: ignore[arg-type]
    seen_before_warm: list[Event] = []
    on_event = runtime.app.on_event

    async def recording(event: Event) -> None:
        if not threads or warm.warmed_in is None:
            seen_before_warm.append(event)
        await on_event(event)

    runtime.app.on_event = recording  # type: ignore[method-assign]
    await runtime.start()
    try:
        await asyncio.wait_for(runtime.ready(), 60)  # the event; the bound only ends a broken run
        assert runtime.ready_after is not None
        alice = world.find_contact("alice")
        assert alice is not None
        message_id = world.say("20000000001@chatroom", alice.id, "你好")
        await wait_until(lambda: runtime.app.events_handled >= 1, timeout=60)
        assert message_id
        # one real load, in a worker thread; the classifier's later use loads nothing
        assert len(threads) == 1 and threads[0] != threading.main_thread().name
        assert not jieba.dt.initialized  # jieba's stock ~80 MB dictionary is never loaded
        assert warm.warmed_in is not None and warm.warmed_in != threading.main_thread().name
        assert not seen_before_warm
        assert not any(isinstance(e, MessageReceived) for e in seen_before_warm)
    finally:
        await runtime.stop()
        await server.stop()


async def test_a_bot_process_freezes_its_start_up_heap_at_ready(tmp_path: Path) -> None:
    """The CLI's runtime moves what start-up allocated out of the cyclic GC at ready, so a
    full collection no longer stalls every group for tens of milliseconds; afterwards what a slow
    full collection leaves is frozen too (bot.heap), until the runtime stops."""
    import gc

    _, server, runtime = await simulated_bot(tmp_path, warm_up=False, freeze_heap=True)
    gc.unfreeze()
    await runtime.start()
    try:
        assert gc.get_freeze_count() == 0
        await asyncio.wait_for(runtime.ready(), 60)  # the event; the bound only ends a broken run
        at_ready = gc.get_freeze_count()
        assert at_ready > 10_000
        # what the bot meets after ready is frozen by a full collection that walked much of it
        # (here: any, however fast), so the next full collections do not walk it again
        runtime.heap.freeze_after = 0.0
        met = [[member] for member in range(5_000)]
        gc.collect()
        assert gc.get_freeze_count() >= at_ready + len(met)
    finally:
        gc.unfreeze()  # this test process starts many bots: give the collector its objects back
        await runtime.stop()
        await server.stop()
    assert not any(getattr(callback, "__self__", None) is runtime.heap for callback in gc.callbacks)


async def test_the_spam_model_is_fitted_from_the_database_before_ready_off_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Bayes is fitted from every stored sample (a second or more with a year of admins'
    labels): in a worker thread before the bot is ready, not at the first message, on the
    event loop, with every group waiting."""
    from plugins.antispam import learner
    from plugins.antispam.plugin import AntispamPlugin

    fitted_in: list[str] = []
    original = learner.fit

    def fit(*args: Any, **kwargs: Any) -> None:
        fitted_in.append(threading.current_thread().name)
        original(*args, **kwargs)

    monkeypatch.setattr(learner, "fit", fit)
    world, server, runtime = await simulated_bot(tmp_path)
    await runtime.start()
    try:
        await asyncio.wait_for(runtime.ready(), 60)  # the event; the bound only ends a broken run
        assert fitted_in and fitted_in[0] != threading.main_thread().name
        alice = world.find_contact("alice")
        assert alice is not None
        world.say("20000000001@chatroom", alice.id, "加我微信领取资料")
        await wait_until(lambda: runtime.app.events_handled >= 1, timeout=60)
        assert len(fitted_in) == 1  # the first message used the model built before ready
        spam = next(p for p in runtime._plugins if isinstance(p, AntispamPlugin))
        assert len(spam.learner._models) == 1
    finally:
        await runtime.stop()
        await server.stop()


async def test_a_plugin_that_cannot_prepare_leaves_it_to_the_first_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A database another process holds locked at start-up, say: the bot still becomes ready,
    says why in the log, and the model is built at the first message instead."""
    from plugins.antispam.plugin import AntispamPlugin

    def locked(self: AntispamPlugin, db: Any, at: Any) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(AntispamPlugin, "prepare", locked)
    world, server, runtime = await simulated_bot(tmp_path)
    await runtime.start()
    try:
        await asyncio.wait_for(runtime.ready(), 60)  # the event; the bound only ends a broken run
        assert "prepare of plugin antispam failed" in caplog.text
        spam = next(p for p in runtime._plugins if isinstance(p, AntispamPlugin))
        assert not spam.learner._models
        alice = world.find_contact("alice")
        assert alice is not None
        world.say("20000000001@chatroom", alice.id, "大家好")
        await wait_until(lambda: runtime.app.events_handled >= 1, timeout=60)
        assert len(spam.learner._models) == 1
    finally:
        await runtime.stop()
        await server.stop()
