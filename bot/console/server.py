"""Serve the console with uvicorn on the bot's own event loop: no thread, no second process, so
the console reads the same app objects the event path uses (through its database gate)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import uvicorn

from bot.console.auth import Auth, new_token
from bot.console.service import ConsoleService
from bot.console.web import create_app

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger("bot.console")


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    host: str = "127.0.0.1"
    port: int = 8765  # 0: any free port (tests)
    token: str = ""  # empty: generated at start (ConsoleServer.token tells it)


class _InLoopServer(uvicorn.Server):
    # the bot owns the process's signals (Ctrl-C stops the bot, which stops the console)
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class ConsoleServer:
    def __init__(self, runtime: Runtime, settings: ConsoleSettings) -> None:
        self.settings = settings
        self.token = settings.token or new_token()
        self.generated_token = not settings.token
        self.auth = Auth(self.token, runtime.clock)
        self.service = ConsoleService(runtime)
        self.asgi = create_app(self.service, self.auth)
        self._server: _InLoopServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._socket: socket.socket | None = None
        self.port = settings.port

    @property
    def url(self) -> str:
        host = self.settings.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}/"

    async def start(self) -> None:
        """Bind now (a taken port is an error at start, not a silent log line), then serve."""
        family = socket.AF_INET6 if ":" in self.settings.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.settings.host, self.settings.port))
        except OSError:
            sock.close()
            raise
        sock.listen(64)
        sock.setblocking(False)
        self._socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.asgi, lifespan="off", log_level="warning", access_log=False,
                                server_header=False, date_header=False)
        self._server = _InLoopServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="web-console")
        while not self._server.started:  # startup is a few loop turns; fail fast if it died
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        log.info("web console at %s", self.url)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, 10)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            except Exception:
                log.exception("web console did not stop cleanly")
        if self._socket is not None:
            self._socket.close()
        self._server = self._task = self._socket = None
