"""Serving a World over gRPC, with crash-like stop and restart on the same port."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from grpclib.server import Server

from bot.clock import SystemClock
from bot.simulator.demo import default_world
from bot.simulator.service import PuppetSimService
from bot.simulator.world import World

__all__ = ["SimServer", "default_world", "serve_standalone"]

log = logging.getLogger(__name__)


class _CrashableServer(Server):
    """grpclib's close() cancels handlers but leaves accepted connections open; a gateway
    crash drops them. Keep the transports so stop() can abort them."""

    def __init__(self, handlers: list[Any]) -> None:
        super().__init__(handlers)
        self.transports: set[asyncio.BaseTransport] = set()

    def _protocol_factory(self) -> Any:
        protocol = super()._protocol_factory()
        made = protocol.connection_made

        def connection_made(transport: asyncio.BaseTransport) -> None:
            self.transports.add(transport)
            made(transport)

        protocol.connection_made = connection_made  # type: ignore[method-assign]
        return protocol

    def abort_connections(self) -> None:
        for transport in self.transports:
            if isinstance(transport, asyncio.Transport) and not transport.is_closing():
                transport.abort()
        self.transports.clear()


class SimServer:
    def __init__(self, world: World) -> None:
        self.world = world
        self.service = PuppetSimService(world)
        self.host = "127.0.0.1"
        self.port = 0
        self._server: _CrashableServer | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

    async def start(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        """Listen on host:port (0: a free port). With port None a restart reuses the port
        of the previous start, so a reconnecting client finds the gateway again."""
        if self._server is not None:
            raise RuntimeError("simulator already running")
        if port is None:
            port = self.port
        server = _CrashableServer([self.service])
        await server.start(host, port, reuse_address=True)
        sockets = getattr(server._server, "sockets", None) or []  # asyncio.Server, typed as AbstractServer
        self.host, self.port = host, sockets[0].getsockname()[1] if sockets else port
        self._server = server
        log.info("simulated gateway listening on %s", self.endpoint)

    async def stop(self) -> None:
        """Go away like a crashed gateway: connections are aborted, so clients see their
        event stream break rather than end. The world is kept for a restart."""
        server, self._server = self._server, None
        if server is None:
            return
        server.abort_connections()
        server.close()
        self.service.forget_streams()
        await server.wait_closed()

    async def __aenter__(self) -> SimServer:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()


async def serve_standalone(
    host: str = "127.0.0.1",
    port: int = 8790,
    token: str = "insecure_qunguan_sim",
    console: bool = True,
    world: World | None = None,
) -> None:
    """`qunguan sim`: a gateway on host:port driven from this terminal. The token is not
    checked (as with a TLS-off gateway); it is printed so the bot can be pointed at it."""
    from bot.simulator.console import run_console  # console pulls in terminal I/O

    world = world or default_world(SystemClock())
    server = SimServer(world)
    await server.start(host, port)
    print(f"模拟网关已启动: {server.endpoint}")
    print(f"  WECHATY_PUPPET_SERVICE_ENDPOINT={server.endpoint}")
    print(f"  WECHATY_PUPPET_SERVICE_TOKEN={token}")
    try:
        if console:
            await run_console(world)
        else:
            await asyncio.Event().wait()  # until cancelled (Ctrl-C)
    finally:
        await server.stop()
