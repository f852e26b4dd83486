"""Which asyncio event loop the bot runs on: uvloop (libuv, in C) where it is installed,
asyncio's own otherwise, or when the operator says so.

Chosen once, where a process makes its loop (`qunguan run` / `qunguan sim`, and the benchmark
that runs the bot as the CLI does). Kept apart from bot.runtime so that choosing costs no
import of the SDK. ``QUNGUAN_EVENT_LOOP``:

* ``auto`` (default): uvloop if it can be imported, else asyncio's loop (a platform without
  uvloop's wheels, an install without it) with one INFO line saying so;
* ``uvloop``: the same, but its absence is a WARNING: the operator asked for it;
* ``asyncio``: asyncio's own loop (to rule the loop out when chasing a problem).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

EVENT_LOOP_ENV = "QUNGUAN_EVENT_LOOP"
CHOICES = ("auto", "uvloop", "asyncio")

T = TypeVar("T")


def loop_factory(choice: str | None = None) -> tuple[str, Callable[[], asyncio.AbstractEventLoop], str]:
    """The loop's name, a factory for it, and why it is not the one asked for ("" when it
    is). ``choice`` defaults to ``QUNGUAN_EVENT_LOOP``; a value that is none of CHOICES is
    refused: a typo must not silently pick a loop."""
    wanted = _wanted(choice)
    if wanted not in CHOICES:
        raise ValueError(f"{EVENT_LOOP_ENV}={wanted!r}: expected one of {', '.join(CHOICES)}")
    if wanted == "asyncio":
        return "asyncio", asyncio.new_event_loop, ""
    try:
        import uvloop
    except ImportError as error:
        return "asyncio", asyncio.new_event_loop, f"uvloop is not available ({error})"
    return "uvloop", uvloop.new_event_loop, ""


def _wanted(choice: str | None) -> str:
    return (os.environ.get(EVENT_LOOP_ENV, "") if choice is None else choice).strip().lower() or "auto"


def run(main: Coroutine[Any, Any, T], choice: str | None = None) -> T:
    """asyncio.run(main) on the chosen loop (asyncio.Runner: Python 3.11's asyncio.run takes
    no loop factory)."""
    name, factory, fallback = loop_factory(choice)
    if fallback:  # asked for by name: a WARNING; by default (auto): worth one INFO line
        level = logging.WARNING if _wanted(choice) == "uvloop" else logging.INFO
        log.log(level, "%s; running on asyncio's own event loop", fallback)
    else:
        log.info("event loop: %s", name)
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)
