"""Lean gRPC calls on grpclib's HTTP/2 connection, for the adapter's hot paths.

Each group message costs one MessagePayload round trip (and a RoomMemberPayload for a sender
the adapter has not read lately) and one message on the Event stream. Through betterproto's
stub and grpclib's client ``Stream`` an RPC costs about as much again as its bytes: a
``Stream`` object with its ``Wrapper`` entered and left six times (each a Python-level
``asyncio.current_task`` on 3.11), three ``Event`` objects and a ``Buffer`` with its
``Queue``, the channel's event dispatch, a ``MultiDict`` of metadata, the HEADERS and the DATA
frame written separately, and a flow-control ack per chunk read (py-spy on bench.adapter: a
third of the adapter's CPU per message); each event on the stream, a ``Queue`` get, two
``Wrapper`` turns and the dispatch.

:func:`unary_call` and :func:`stream_call` speak the same protocol on the same connection: the
same HEADERS (path, authority = the gateway token, ``te: trailers``, content type, user agent)
and one length-prefixed DATA frame with END_STREAM, written together; the reply's HEADERS,
DATA and trailers gathered by an object grpclib's ``EventsProcessor`` takes for a stream, and
checked as grpclib checks them (HTTP status, content type, ``grpc-status``, ``grpc-message``)
with grpclib's own code, raising the same ``GRPCError`` / ``StreamTerminatedError``. Where a
call would have to wait before it is sent (no stream id free, a flow-control window smaller
than the request, the transport paused) or a channel has event listeners, grpclib's ``Stream``
makes it instead, and waits as it always did.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator
from typing import Any

from grpclib.client import Channel
from grpclib.client import Stream as ClientStream
from grpclib.const import Cardinality, Status
from grpclib.exceptions import GRPCError, StreamTerminatedError
from grpclib.metadata import USER_AGENT
from grpclib.protocol import H2Protocol
from h2.connection import ConnectionState
from h2.exceptions import TooManyStreamsError

_PREFIX = struct.Struct(">?I")  # gRPC message framing: compressed flag, length


class _NoWaiter:
    """Stands in for the asyncio.Event grpclib sets on a stream (headers, trailers, window
    updates): nobody waits on those here, a call wakes when data comes or the stream ends."""

    __slots__ = ()

    def set(self) -> None:
        pass


_NO_WAITER = _NoWaiter()


class _Call:
    """What grpclib's EventsProcessor touches on a registered stream, for one call: the
    reply's headers, data chunks and trailers, whether the stream ended or was cut off
    (reset, or the connection went), and the future of whoever waits for more."""

    __slots__ = ("chunks", "data_received", "ended", "error", "flow", "headers", "id", "trailers", "waiter")

    headers_received = trailers_received = window_updated = _NO_WAITER

    def __init__(self, stream_id: int) -> None:
        self.id = stream_id
        self.headers: list[tuple[str, str]] | None = None
        self.trailers: list[tuple[str, str]] | None = None
        self.chunks: list[bytes] = []
        self.flow = 0  # flow-controlled bytes received and not yet handed back
        self.ended = False
        self.error: StreamTerminatedError | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.data_received = 0

    @property
    def buffer(self) -> _Call:  # the processor calls stream.buffer.add(data, flow_size)
        return self

    def add(self, data: bytes, flow: int) -> None:
        self.chunks.append(data)
        self.flow += flow
        self._wake()

    def __ended__(self) -> None:
        self.ended = True
        self._wake()

    def __terminated__(self, reason: str) -> None:
        if self.error is None:
            self.error = StreamTerminatedError(reason)
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def wait(self) -> None:
        self.waiter = asyncio.get_running_loop().create_future()
        await self.waiter
        self.waiter = None


class _Method:
    """Per channel and path: the request headers, and a grpclib client Stream never opened,
    whose status checks (its own code, its codec and status-details codec) judge the reply."""

    __slots__ = ("checks", "headers")

    def __init__(self, channel: Channel, path: str) -> None:
        self.headers = [
            (":method", "POST"),
            (":scheme", channel._scheme),
            (":path", path),
            (":authority", channel._authority),
            ("te", "trailers"),
            ("content-type", "application/grpc"),
            ("user-agent", USER_AGENT),
        ]
        self.checks: ClientStream[Any, Any] = channel.request(path, Cardinality.UNARY_UNARY, object, object)


_METHODS_ATTR = "_qunguan_lean_methods"


def _method(channel: Channel, path: str) -> _Method:
    methods: dict[str, _Method] | None = getattr(channel, _METHODS_ATTR, None)
    if methods is None:
        methods = {}
        setattr(channel, _METHODS_ATTR, methods)
    method = methods.get(path)
    if method is None or method.headers[3][1] != channel._authority:
        method = methods[path] = _Method(channel, path)
    return method


async def _open(channel: Channel, path: str, request: Any) -> tuple[H2Protocol, _Call] | None:
    """The request sent on a new stream (HEADERS and DATA in one write), or None where
    grpclib must make the call (it would wait first, or someone listens to its events)."""
    if any(channel.__dispatch__._listeners.values()):
        return None
    protocol: H2Protocol = await channel.__connect__()
    connection = protocol.connection
    h2 = connection._connection
    body = request.SerializeToString()
    if not connection.write_ready.is_set() or len(body) + _PREFIX.size > min(
            h2.outbound_flow_control_window, h2.remote_settings.initial_window_size, h2.max_outbound_frame_size):
        return None
    stream_id = h2.get_next_available_stream_id()
    try:
        h2.send_headers(stream_id, _method(channel, path).headers)
    except TooManyStreamsError:  # nothing sent: grpclib's Stream waits for one to close
        return None
    h2.send_data(stream_id, _PREFIX.pack(False, len(body)) + body, end_stream=True)
    call = _Call(stream_id)
    protocol.processor.streams[stream_id] = call  # type: ignore[assignment]  # what it needs of one
    connection._transport.write(h2.data_to_send())
    connection.headers_send_process()
    connection.data_send_process()
    return protocol, call


def _ack(protocol: H2Protocol, call: _Call) -> None:
    """Hand the flow-control window of what was read back to the gateway."""
    connection = protocol.connection
    if call.flow and not connection.is_closing():
        connection._connection.acknowledge_received_data(call.flow, call.id)
        connection.flush()
    call.flow = 0


def _close(protocol: H2Protocol, call: _Call) -> None:
    """The stream released as grpclib releases one: reset if still open (the call was given
    up: cancelled, a timeout), its window handed back."""
    protocol.processor.streams.pop(call.id, None)
    connection = protocol.connection
    connection.stream_close_waiter.set()
    if not connection.is_closing():
        h2 = connection._connection
        h2_stream = h2.streams.get(call.id)
        if h2_stream is not None and not h2_stream.closed and h2.state_machine.state is not ConnectionState.CLOSED:
            h2.reset_stream(call.id)
        _ack(protocol, call)
        connection.flush()


async def _through_grpclib(channel: Channel, path: str, request: Any, response_type: type[Any]) -> Any:
    async with channel.request(path, Cardinality.UNARY_UNARY, type(request), response_type) as stream:
        await stream.send_message(request, end=True)
        response = await stream.recv_message()
        assert response is not None
        return response


async def unary_call(channel: Channel, path: str, request: Any, response_type: type[Any]) -> Any:
    """``request`` (anything with SerializeToString) to ``path``; the reply decoded with
    ``response_type.FromString``. Raises what grpclib's unary call raises."""
    opened = await _open(channel, path, request)
    if opened is None:
        return await _through_grpclib(channel, path, request, response_type)
    protocol, call = opened
    try:
        while not call.ended and call.error is None:
            await call.wait()
        checks = _method(channel, path).checks
        if call.error is not None:
            _raise_for_reply(checks, call)
            raise call.error
        _check_headers(checks, call)
        messages = _messages(call, response_type)
        _check_trailers(checks, call)
        if not messages:
            raise GRPCError(Status.UNKNOWN, "a unary call answered with no message")
        return messages[0]
    finally:
        _close(protocol, call)


async def stream_call(channel: Channel, path: str, request: Any, response_type: type[Any]) -> AsyncIterator[Any]:
    """A server-streaming call: each message as it comes, decoded with
    ``response_type.FromString``; the window of what was read is handed back once the
    consumer comes for the next (so a consumer that stops reading stops the sender, as with
    grpclib). Raises what grpclib's stream raises; messages that arrived before the stream
    was cut off are still given first."""
    opened = await _open(channel, path, request)
    if opened is None:
        async with channel.request(path, Cardinality.UNARY_STREAM, type(request), response_type) as stream:
            await stream.send_message(request, end=True)
            async for message in stream:
                yield message
        return
    protocol, call = opened
    checks = _method(channel, path).checks
    checked = False
    try:
        while True:
            if call.headers is not None and not checked:
                _check_headers(checks, call)
                checked = True
            if call.chunks and checked:
                for message in _messages(call, response_type):
                    yield message
                _ack(protocol, call)
                continue
            if call.error is not None:
                _raise_for_reply(checks, call)
                raise call.error
            if call.ended:
                _check_trailers(checks, call)
                return
            await call.wait()
    finally:
        _close(protocol, call)


def _check_headers(checks: ClientStream[Any, Any], call: _Call) -> None:
    """As grpclib checks a reply's headers: HTTP status, content type, and a trailers-only
    reply's status (which ends the call)."""
    if call.headers is None:
        raise StreamTerminatedError("stream ended without headers")
    headers = dict(call.headers)
    checks._raise_for_status(headers)
    checks._raise_for_content_type(headers)
    if "grpc-status" in headers:  # trailers-only: a status and no message
        checks._raise_for_grpc_status(*checks._process_grpc_status(headers))


def _check_trailers(checks: ClientStream[Any, Any], call: _Call) -> None:
    """The status that ended the stream: its trailers', or a trailers-only reply's."""
    if call.trailers is not None:
        checks._raise_for_grpc_status(*checks._process_grpc_status(dict(call.trailers)))
    elif call.headers is None or "grpc-status" not in dict(call.headers):  # else checked with them
        raise GRPCError(Status.UNKNOWN, "Missing grpc-status header")


def _messages(call: _Call, response_type: type[Any]) -> list[Any]:
    """The whole messages among the chunks received, decoded; a partial one stays."""
    data = b"".join(call.chunks) if len(call.chunks) != 1 else call.chunks[0]
    messages, pos, end = [], 0, len(data)
    while end - pos >= _PREFIX.size:
        compressed, length = _PREFIX.unpack_from(data, pos)
        if compressed:
            raise NotImplementedError("Compression not implemented")
        if end - pos - _PREFIX.size < length:
            break
        start = pos + _PREFIX.size
        messages.append(response_type.FromString(data[start : start + length]))
        pos = start + length
    call.chunks = [data[pos:]] if pos < end else []
    return messages


def _raise_for_reply(checks: ClientStream[Any, Any], call: _Call) -> None:
    """As grpclib's Stream._maybe_raise: a stream cut off after a status arrived raises that."""
    if call.headers is not None:
        checks._raise_for_status(dict(call.headers))
    if call.trailers is not None:
        checks._raise_for_grpc_status(*checks._process_grpc_status(dict(call.trailers)))
    elif call.headers is not None:
        headers = dict(call.headers)
        if "grpc-status" in headers:
            checks._raise_for_grpc_status(*checks._process_grpc_status(headers))
