"""The event loop the bot runs on (bot.event_loop): uvloop where installed, asyncio's own as the
fallback or when QUNGUAN_EVENT_LOOP=asyncio says so, and everything the bot does on its loop
working on both: the SDK's gRPC client and the simulator's server, the inbox's writer thread,
the scheduler, the outbox's pacing, the web console and a clean stop (signals: the CLI's
tests, tests/test_cli_operator.py)."""

from __future__ import annotations

import asyncio
import logging
import sys

import httpx
import pytest

from bot import event_loop
from bot.console.server import ConsoleSettings
from plugins import default_plugins
from tests.harness import Harness

LOOPS = ["asyncio", pytest.param("uvloop", marks=pytest.mark.skipif(
    event_loop.loop_factory("auto")[0] != "uvloop", reason="uvloop is not installed here"))]


def loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__.split(".")[0]


def test_each_choice_names_its_loop(monkeypatch):
    monkeypatch.delenv(event_loop.EVENT_LOOP_ENV, raising=False)
    name, _, fallback = event_loop.loop_factory("asyncio")
    assert (name, fallback) == ("asyncio", "")
    assert event_loop.run(_loop_module_async(), "asyncio") == "asyncio"
    monkeypatch.setenv(event_loop.EVENT_LOOP_ENV, " AsyncIO ")
    assert event_loop.loop_factory()[0] == "asyncio"
    with pytest.raises(ValueError, match="libuv"):
        event_loop.loop_factory("libuv")


async def _loop_module_async() -> str:
    return loop_module()


def test_without_uvloop_the_bot_says_so_once_and_runs_on_asyncio(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "uvloop", None)  # what a platform without its wheels sees
    caplog.set_level(logging.INFO, logger="bot.event_loop")
    assert event_loop.run(_loop_module_async(), "auto") == "asyncio"
    assert [(r.levelno, "uvloop is not available" in r.getMessage()) for r in caplog.records] == [(logging.INFO, True)]
    caplog.clear()
    assert event_loop.run(_loop_module_async(), "uvloop") == "asyncio"  # asked for by name: louder
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


@pytest.mark.skipif(event_loop.loop_factory("auto")[0] != "uvloop", reason="uvloop is not installed here")
def test_by_default_the_bot_runs_on_uvloop(monkeypatch):
    monkeypatch.delenv(event_loop.EVENT_LOOP_ENV, raising=False)
    assert event_loop.run(_loop_module_async()) == "uvloop"


@pytest.mark.parametrize("choice", LOOPS)
def test_a_day_of_the_bot_on_each_loop(tmp_path, choice):
    """The shipped plugins over the simulator's gRPC server, all in this loop: a check-in and its
    reply (the SDK's gRPC client, the inbox's writer thread, the outbox's pacing), the web
    console's pages over HTTP, then a clean stop."""

    async def day() -> None:
        assert loop_module() == choice
        bot = await Harness(tmp_path, default_plugins()).start()
        try:
            room = bot.cast.admin
            bot.say(room, "bob", "签到")
            assert "打卡成功" in await bot.wait_text(room, "打卡成功")
            await bot.settle()
            assert bot.runtime is not None
            assert bot.app.scheduler._aps.running  # apscheduler's AsyncIOScheduler, on this loop
            console = await bot.runtime.start_console(ConsoleSettings("127.0.0.1", 0, "token-for-the-test"))
            async with httpx.AsyncClient(base_url=console.url) as client:
                assert (await client.get("/")).status_code == 303  # nothing without the token
                assert (await client.get("/login")).status_code == 200
        finally:
            await bot.stop()

    event_loop.run(day(), choice)


async def test_the_suite_runs_on_the_loop_the_bot_runs_on():
    """tests/conftest.py hands pytest-asyncio bot.event_loop's factory."""
    assert loop_module() == event_loop.loop_factory()[0]
