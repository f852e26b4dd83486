"""Gateway faults on demand, for liveness tests and benchmarks.

* GatewayFaults (owned by the gRPC service): hold, delay or fail chosen RPCs, and push
  error events in the shapes real gateways send.
* FaultyLink: a TCP relay in front of a SimServer that can blackhole traffic (connections
  stay open, nothing gets through, as with a dead NAT entry or a pulled cable) or accept new
  connections and never answer (a gateway whose process hangs after accept).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from grpclib.const import Status
from grpclib.exceptions import GRPCError

log = logging.getLogger(__name__)

RequestMatch = Callable[[Any], bool]


@dataclass
class _Rule:
    method: str
    match: RequestMatch | None
    delay: float = 0.0
    gate: asyncio.Event | None = None
    error: GRPCError | None = None
    times: int | None = None  # None: until removed
    hits: int = 0


@dataclass
class GatewayFaults:
    """Rules the service applies to each unary RPC before answering it. A rule names the
    RPC ("RoomMemberPayload", ...) and optionally a predicate on the decoded request."""

    rules: list[_Rule] = field(default_factory=list)

    def hold(self, method: str, when: RequestMatch | None = None) -> asyncio.Event:
        """Matching calls wait until the returned event is set (a slow RPC without clocks)."""
        gate = asyncio.Event()
        self.rules.append(_Rule(method, when, gate=gate))
        return gate

    def delay(self, method: str, seconds: float, when: RequestMatch | None = None) -> Callable[[], None]:
        """Matching calls answer after `seconds` (benchmarks); returns a remover."""
        rule = _Rule(method, when, delay=seconds)
        self.rules.append(rule)
        return lambda: self.rules.remove(rule) if rule in self.rules else None

    def fail(
        self,
        method: str,
        status: Status = Status.UNAVAILABLE,
        message: str = "simulated failure",
        when: RequestMatch | None = None,
        times: int | None = 1,
    ) -> None:
        """Matching calls fail with a gRPC status (the next `times` of them; None: always)."""
        self.rules.append(_Rule(method, when, error=GRPCError(status, message), times=times))

    def clear(self) -> None:
        for rule in self.rules:
            if rule.gate is not None:
                rule.gate.set()
        self.rules.clear()

    async def apply(self, method: str, request: Any) -> None:
        for rule in list(self.rules):
            if rule.method != method or (rule.match is not None and not rule.match(request)):
                continue
            rule.hits += 1
            if rule.times is not None and rule.hits >= rule.times and rule in self.rules:
                self.rules.remove(rule)
            if rule.gate is not None:
                await rule.gate.wait()
            if rule.delay:
                await asyncio.sleep(rule.delay)
            if rule.error is not None:
                raise rule.error


class LinkMode(StrEnum):
    PASS = "pass"
    BLACKHOLE = "blackhole"  # nothing gets through, in either direction, connections stay open
    SILENT = "silent"  # new connections are accepted and never answered


class FaultyLink:
    """A TCP relay to target (host, port) with switchable faults. Point the bot at
    ``link.endpoint`` instead of the server's."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = LinkMode.PASS
        self.host = "127.0.0.1"
        self.port = 0
        self.accepted = 0
        self.dropped = 0  # bytes lost in a blackhole: proof that something was sent into it
        self._server: asyncio.AbstractServer | None = None
        self._conns: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter | None]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = await asyncio.start_server(self._accept, host, port, reuse_address=True)
        self.host, self.port = host, self._server.sockets[0].getsockname()[1]

    def blackhole(self) -> None:
        self.mode = LinkMode.BLACKHOLE

    def accept_but_silent(self) -> None:
        self.mode = LinkMode.SILENT

    def heal(self) -> None:
        """Let traffic through again. Connections that lived through a blackhole lost bytes
        and are broken for good, so they are cut (as TCP eventually would)."""
        if self.mode is not LinkMode.PASS:
            self.mode = LinkMode.PASS
            self.cut()

    def cut(self) -> None:
        for client, upstream in list(self._conns):
            for writer in (client, upstream):
                if writer is not None:
                    with contextlib.suppress(Exception):
                        writer.transport.abort()
        self._conns.clear()

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self.mode is not LinkMode.PASS:
            entry: tuple[asyncio.StreamWriter, asyncio.StreamWriter | None] = (writer, None)
            self._conns.add(entry)
            await self._swallow(reader)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        entry = (writer, up_writer)
        self._conns.add(entry)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pump(source, sink))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _swallow(reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(Exception):
            while await reader.read(65536):
                pass

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await source.read(65536)
                if not data:
                    break
                if self.mode is LinkMode.BLACKHOLE:
                    self.dropped += len(data)
                    continue  # lost on the way
                sink.write(data)
                await sink.drain()
        except (OSError, asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            with contextlib.suppress(Exception):
                sink.close()
