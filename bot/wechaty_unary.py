"""A lean unary gRPC call on grpclib's HTTP/2 connection, for the adapter's hot reads.

Each group message costs one MessagePayload round trip (and a RoomMemberPayload for a sender
the adapter has not read lately). Through betterproto's stub and grpclib's client ``Stream``
an RPC costs about as much again as its bytes: a ``Stream`` object with its ``Wrapper`` entered
and left six times (each a Python-level ``asyncio.current_task`` on 3.11), three ``Event``
objects and a ``Buffer`` with its ``Queue``, the channel's event dispatch, a ``MultiDict`` of
metadata, the HEADERS and the DATA frame written separately, and a flow-control ack per chunk
read (py-spy on bench.adapter: a third of the adapter's CPU per message).

:func:`unary_call` speaks the same protocol on the same connection: the same HEADERS (path,
authority = the gateway token, ``te: trailers``, content type, user agent) and one
length-prefixed DATA frame with END_STREAM, written together; the reply's HEADERS, DATA and
trailers gathered by an object grpclib's ``EventsProcessor`` takes for a stream, and checked as
grpclib checks them (HTTP status, content type, ``grpc-status``, ``grpc-message``) with
grpclib's own code, raising the same ``GRPCError`` / ``StreamTerminatedError``. Where the
lean path would have to wait (no stream id free, a flow-control window smaller than the
request, the transport paused) or a channel has event listeners, it hands the call to
grpclib's ``Stream`` instead, which waits as it always did.
"""

from __future__ import annotations

import asyncio
import struct
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
    updates): nobody waits on them here, the call wakes once when the stream ends."""

    __slots__ = ()

    def set(self) -> None:
        pass


_NO_WAITER = _NoWaiter()


class _UnaryStream:
    """What grpclib's EventsProcessor touches on a registered stream, for one unary call:
    the reply's headers, data chunks and trailers, and one future resolved when the stream
    ends (or fails with StreamTerminatedError when it is reset or the connection goes)."""

    __slots__ = ("chunks", "data_received", "done", "flow", "headers", "id", "trailers")

    headers_received = trailers_received = window_updated = _NO_WAITER

    def __init__(self, stream_id: int, done: asyncio.Future[None]) -> None:
        self.id = stream_id
        self.headers: list[tuple[str, str]] | None = None
        self.trailers: list[tuple[str, str]] | None = None
        self.chunks: list[bytes] = []
        self.flow = 0  # flow-controlled bytes received, handed back when the call ends
        self.done = done
        self.data_received = 0

    @property
    def buffer(self) -> _UnaryStream:  # processor: stream.buffer.add(data, flow_size)
        return self

    def add(self, data: bytes, flow: int) -> None:
        self.chunks.append(data)
        self.flow += flow

    def __ended__(self) -> None:
        if not self.done.done():
            self.done.set_result(None)

    def __terminated__(self, reason: str) -> None:
        if not self.done.done():
            self.done.set_exception(StreamTerminatedError(reason))


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


_METHODS_ATTR = "_qunguan_unary_methods"


def _method(channel: Channel, path: str) -> _Method:
    methods: dict[str, _Method] | None = getattr(channel, _METHODS_ATTR, None)
    if methods is None:
        methods = {}
        setattr(channel, _METHODS_ATTR, methods)
    method = methods.get(path)
    if method is None or method.headers[3][1] != channel._authority:
        method = methods[path] = _Method(channel, path)
    return method


async def _through_grpclib(channel: Channel, path: str, request: Any, response_type: type[Any]) -> Any:
    async with channel.request(path, Cardinality.UNARY_UNARY, type(request), response_type) as stream:
        await stream.send_message(request, end=True)
        response = await stream.recv_message()
        assert response is not None
        return response


async def unary_call(channel: Channel, path: str, request: Any, response_type: type[Any]) -> Any:
    """``request`` (anything with SerializeToString) to ``path``; the reply decoded with
    ``response_type.FromString``. Raises what grpclib's unary call raises."""
    if any(channel.__dispatch__._listeners.values()):
        return await _through_grpclib(channel, path, request, response_type)
    protocol: H2Protocol = await channel.__connect__()
    connection = protocol.connection
    h2 = connection._connection
    body = request.SerializeToString()
    size = len(body) + _PREFIX.size
    if not connection.write_ready.is_set() or size > min(
            h2.outbound_flow_control_window, h2.remote_settings.initial_window_size, h2.max_outbound_frame_size):
        return await _through_grpclib(channel, path, request, response_type)
    method = _method(channel, path)
    stream_id = h2.get_next_available_stream_id()
    try:
        h2.send_headers(stream_id, method.headers)
    except TooManyStreamsError:  # nothing sent: grpclib's Stream waits for one to close
        return await _through_grpclib(channel, path, request, response_type)
    h2.send_data(stream_id, _PREFIX.pack(False, len(body)) + body, end_stream=True)
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    stream = _UnaryStream(stream_id, done)
    streams = protocol.processor.streams
    streams[stream_id] = stream  # type: ignore[assignment]  # what the processor needs of one
    connection._transport.write(h2.data_to_send())  # HEADERS and DATA in one write
    connection.headers_send_process()
    connection.data_send_process()
    try:
        try:
            await done
        except StreamTerminatedError:
            _raise_for_reply(method.checks, stream)
            raise
        return _reply(method.checks, stream, response_type)
    finally:
        streams.pop(stream_id, None)
        connection.stream_close_waiter.set()
        if not connection.is_closing():
            h2_stream = h2.streams.get(stream_id)
            if h2_stream is not None and not h2_stream.closed and h2.state_machine.state is not ConnectionState.CLOSED:
                h2.reset_stream(stream_id)  # given up (cancelled, a timeout): tell the gateway
            if stream.flow:
                h2.acknowledge_received_data(stream.flow, stream_id)
            data = h2.data_to_send()
            if data:
                connection._transport.write(data)


def _raise_for_reply(checks: ClientStream[Any, Any], stream: _UnaryStream) -> None:
    """As grpclib's Stream._maybe_raise: a stream cut off after a status arrived raises that."""
    if stream.headers is not None:
        checks._raise_for_status(dict(stream.headers))
    if stream.trailers is not None:
        checks._raise_for_grpc_status(*checks._process_grpc_status(dict(stream.trailers)))
    elif stream.headers is not None:
        headers = dict(stream.headers)
        if "grpc-status" in headers:
            checks._raise_for_grpc_status(*checks._process_grpc_status(headers))


def _reply(checks: ClientStream[Any, Any], stream: _UnaryStream, response_type: type[Any]) -> Any:
    """The ended stream's reply, checked in grpclib's order: HTTP status and content type,
    a trailers-only status, the message, then the trailers' status."""
    if stream.headers is None:
        raise StreamTerminatedError("stream ended without headers")
    headers = dict(stream.headers)
    checks._raise_for_status(headers)
    checks._raise_for_content_type(headers)
    if "grpc-status" in headers:  # trailers-only: a status and no message
        checks._raise_for_grpc_status(*checks._process_grpc_status(headers))
        raise GRPCError(Status.UNKNOWN, "a unary call answered with no message")
    data = b"".join(stream.chunks)
    if len(data) < _PREFIX.size:
        raise GRPCError(Status.UNKNOWN, "a unary call answered with no message")
    compressed, length = _PREFIX.unpack_from(data)
    if compressed:
        raise NotImplementedError("Compression not implemented")
    if len(data) < _PREFIX.size + length:
        raise GRPCError(Status.UNKNOWN, "a unary call's message was cut short")
    if stream.trailers is None:
        raise GRPCError(Status.UNKNOWN, "Missing grpc-status header")
    checks._raise_for_grpc_status(*checks._process_grpc_status(dict(stream.trailers)))
    return response_type.FromString(data[_PREFIX.size : _PREFIX.size + length])
