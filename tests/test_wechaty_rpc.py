"""bot.wechaty_rpc: the adapter's hot reads (MessagePayload, RoomMemberPayload) and the Event
stream as lean calls on grpclib's connection. Against a real grpclib server on 127.0.0.1: the
same request as grpclib's client Stream sends, one transport write per call, the same errors,
a call given up resets its stream, and a lost connection ends it as it ended before."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpclib.const
import pytest
from grpclib.const import Status
from grpclib.events import RecvRequest, SendRequest, listen
from grpclib.exceptions import GRPCError, StreamTerminatedError
from grpclib.server import Server

from bot import wechaty_compat as compat
from tests.test_wechaty_compat import Raw

compat.apply_all()

from wechaty_grpc.wechaty.puppet import (  # noqa: E402
    EventResponse,
    EventType,
    MessagePayloadResponse,
    RoomMemberPayloadResponse,
)
from wechaty_puppet import PuppetOptions  # noqa: E402
from wechaty_puppet_service.puppet import PuppetService  # noqa: E402


class Gateway:
    """MessagePayload and RoomMemberPayload answered by ``reply`` (bytes, or raise); each
    request's headers as grpclib's server saw them, and when a handler was cancelled."""

    def __init__(self, reply: Callable[[bytes], Any]) -> None:
        self.reply = reply
        self.requests: list[tuple[str, str | None, str | None, list[tuple[str, str]], bytes]] = []
        self.received = asyncio.Event()
        self.cancelled = asyncio.Event()

    async def seen(self, event: RecvRequest) -> None:
        self.requests.append((event.method_name, event.content_type, event.user_agent,
                              sorted(event.metadata.items()), b""))

    def __mapping__(self) -> dict[str, grpclib.const.Handler]:
        async def handle(stream: Any) -> None:
            request = await stream.recv_message()
            self.requests[-1] = (*self.requests[-1][:4], request.data)
            self.received.set()
            try:
                answer = await self.reply(request.data) if asyncio.iscoroutinefunction(self.reply) \
                    else self.reply(request.data)
            except asyncio.CancelledError:
                self.cancelled.set()
                raise
            await stream.send_message(Raw(answer))

        handler = grpclib.const.Handler(handle, grpclib.const.Cardinality.UNARY_UNARY, Raw, Raw)
        return {"/wechaty.Puppet/MessagePayload": handler, "/wechaty.Puppet/RoomMemberPayload": handler}


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Any]]:
    """A grpclib server for ``gateway`` on 127.0.0.1, and a PuppetService channel to it."""
    servers: list[Server] = []
    puppets: list[PuppetService] = []

    async def start(gateway: Any) -> PuppetService:
        server = Server([gateway])
        if isinstance(gateway, Gateway):
            listen(server, RecvRequest, gateway.seen)
        await server.start("127.0.0.1", 0)
        servers.append(server)
        port = server._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        puppet = PuppetService(PuppetOptions(end_point=f"127.0.0.1:{port}", token="insecure_test"))
        puppet._init_puppet()
        puppets.append(puppet)
        return puppet

    yield start
    for puppet in puppets:
        if puppet.channel is not None:
            puppet.channel.close()
    for server in servers:
        server.close()
        await server.wait_closed()


def count_writes(puppet: PuppetService) -> list[bytes]:
    """Every write grpclib's protocol (or the lean call) makes on the connection's transport."""
    transport = puppet.channel._protocol.connection._transport
    writes: list[bytes] = []
    write = transport.write

    def counting(data: bytes) -> None:
        writes.append(data)
        write(data)

    transport.write = counting
    return writes


def frame_types(data: bytes) -> list[int]:
    """The HTTP/2 frame types in one write (0 DATA, 1 HEADERS, 8 WINDOW_UPDATE ...)."""
    types, pos = [], 0
    while pos + 9 <= len(data):
        types.append(data[pos + 3])
        pos += 9 + int.from_bytes(data[pos : pos + 3], "big")
    return types


MEMBER = RoomMemberPayloadResponse(id="wxid_a", room_alias="上海-电商-小A", name="Alice")


async def test_a_hot_read_is_one_write_with_grpclibs_request(serve: Callable[..., Any]) -> None:
    gateway = Gateway(lambda _req: bytes(MEMBER))
    puppet = await serve(gateway)
    sdk = compat.original(PuppetService, "room_member_payload")
    before = await sdk(puppet, "r1@chatroom", "wxid_a")  # grpclib's Stream; also connects
    writes = count_writes(puppet)
    lean = await puppet.room_member_payload("r1@chatroom", "wxid_a")
    # HEADERS and DATA together: grpclib's Stream writes them separately (two writes)
    assert [frame_types(w) for w in writes] == [[1, 0]]
    assert (lean.id, lean.name, lean.room_alias) == (before.id, before.name, before.room_alias)
    assert gateway.requests[0] == gateway.requests[1]  # path, content type, user agent, metadata, body
    assert gateway.requests[1][0] == "/wechaty.Puppet/RoomMemberPayload"
    assert puppet.channel._protocol.processor.streams == {}  # released


async def test_many_reads_at_once_each_get_their_own_reply(serve: Callable[..., Any]) -> None:
    async def reply(request: bytes) -> bytes:
        await asyncio.sleep(0)  # answered out of order with other calls
        message_id = request[2:].decode()
        return bytes(MessagePayloadResponse(id=message_id, text=f"text of {message_id}", room_id="r1@chatroom"))

    puppet = await serve(Gateway(reply))
    answers = await asyncio.gather(*(puppet.message_payload(f"m{i}") for i in range(200)))
    assert [a.text for a in answers] == [f"text of m{i}" for i in range(200)]
    assert puppet.channel._protocol.processor.streams == {}


@pytest.mark.parametrize("status", [Status.NOT_FOUND, Status.UNAVAILABLE, Status.INTERNAL])
async def test_a_gateway_error_raises_what_grpclib_raised(serve: Callable[..., Any], status: Status) -> None:
    def reply(_request: bytes) -> bytes:
        raise GRPCError(status, "没有这条消息")

    puppet = await serve(Gateway(reply))
    errors = []
    for call in (compat.original(PuppetService, "message_payload"), PuppetService.message_payload):
        with pytest.raises(GRPCError) as caught:
            await call(puppet, "m1")
        errors.append((caught.value.status, caught.value.message))
    assert errors[0] == errors[1] == (status, "没有这条消息")


def never_answering() -> Gateway:
    async def reply(_request: bytes) -> bytes:
        await asyncio.Event().wait()
        return b""

    return Gateway(reply)


async def test_a_read_given_up_resets_its_stream(serve: Callable[..., Any]) -> None:
    gateway = never_answering()
    puppet = await serve(gateway)
    call = asyncio.create_task(puppet.message_payload("m1"))
    await gateway.received.wait()
    call.cancel()  # as the adapter's lookup timeout does
    with pytest.raises(asyncio.CancelledError):
        await call
    await gateway.cancelled.wait()  # the gateway was told (RST_STREAM): its handler stopped
    assert puppet.channel._protocol.processor.streams == {}


async def test_a_lost_connection_ends_the_read(serve: Callable[..., Any]) -> None:
    gateway = never_answering()
    puppet = await serve(gateway)
    call = asyncio.create_task(puppet.room_member_payload("r1@chatroom", "wxid_a"))
    await gateway.received.wait()
    puppet.channel._protocol.connection._transport.abort()
    with pytest.raises(StreamTerminatedError):
        await call


async def test_a_channel_with_listeners_goes_through_grpclib(serve: Callable[..., Any]) -> None:
    puppet = await serve(Gateway(lambda _req: bytes(MEMBER)))
    sent: list[str] = []

    async def on_send(event: SendRequest) -> None:
        sent.append(event.method_name)

    listen(puppet.channel, SendRequest, on_send)
    member = await puppet.room_member_payload("r1@chatroom", "wxid_a")
    assert member.name == "Alice" and sent == ["/wechaty.Puppet/RoomMemberPayload"]



# ----------------------------------------------------------------------------- the event stream


class EventGateway:
    """An Event stream: sends ``events`` (raw EventResponse bytes), then ends with ``status``
    or, with ``hold``, keeps the stream open until ``release`` is set."""

    def __init__(self, events: list[bytes], status: Status | None = None, hold: bool = False) -> None:
        self.events, self.status, self.hold = events, status, hold
        self.release = asyncio.Event()
        self.sent = asyncio.Event()

    def __mapping__(self) -> dict[str, grpclib.const.Handler]:
        async def handle(stream: Any) -> None:
            await stream.recv_message()
            if self.status is not None and not self.events:
                raise GRPCError(self.status, "another client holds the stream")
            for data in self.events:
                await stream.send_message(Raw(data))
            self.sent.set()
            if self.hold:
                await self.release.wait()
            if self.status is not None:
                raise GRPCError(self.status, "gone")

        return {"/wechaty.Puppet/Event": grpclib.const.Handler(handle, grpclib.const.Cardinality.UNARY_STREAM,
                                                               Raw, Raw)}


def event(i: int, size: int = 0) -> bytes:
    payload = json.dumps({"messageId": f"m{i}", "pad": "x" * size})
    return bytes(EventResponse(type=EventType.EVENT_TYPE_MESSAGE, payload=payload))


async def read_all(puppet: PuppetService) -> list[str]:
    return [json.loads(r.payload)["messageId"] async for r in puppet.puppet_stub.event()]


async def test_the_event_stream_gives_every_message_in_order(serve: Callable[..., Any]) -> None:
    # small events arrive several to a DATA frame, a 40 kB one split over frames (16 kB each)
    events = [event(i, 40_000 if i == 7 else 0) for i in range(300)]
    puppet = await serve(EventGateway(events))
    await puppet.channel.__connect__()
    writes = count_writes(puppet)
    assert await read_all(puppet) == [f"m{i}" for i in range(300)]
    assert frame_types(writes[0]) == [1, 0]  # the request: HEADERS and DATA in one write
    assert puppet.channel._protocol.processor.streams == {}


async def test_a_refused_event_stream_raises_its_status(serve: Callable[..., Any]) -> None:
    puppet = await serve(EventGateway([], status=Status.ALREADY_EXISTS))
    with pytest.raises(GRPCError) as caught:
        await read_all(puppet)
    assert caught.value.status is Status.ALREADY_EXISTS


async def test_events_before_a_lost_connection_still_come(serve: Callable[..., Any]) -> None:
    gateway = EventGateway([event(i) for i in range(5)], hold=True)
    puppet = await serve(gateway)
    got: list[str] = []

    async def consume() -> None:
        async for response in puppet.puppet_stub.event():
            got.append(json.loads(response.payload)["messageId"])
            if len(got) == 5:
                puppet.channel._protocol.connection._transport.abort()

    with pytest.raises(StreamTerminatedError):
        await consume()
    assert got == [f"m{i}" for i in range(5)]


async def test_an_event_stream_given_up_is_reset(serve: Callable[..., Any]) -> None:
    gateway = EventGateway([event(0)], hold=True)
    puppet = await serve(gateway)
    first = asyncio.Event()

    async def consume() -> None:
        async for _response in puppet.puppet_stub.event():
            first.set()

    reader = asyncio.create_task(consume())
    await first.wait()
    reader.cancel()  # as the adapter stops its reader on stop or reconnect
    with pytest.raises(asyncio.CancelledError):
        await reader
    assert puppet.channel._protocol.processor.streams == {}
    assert not any(s.open for s in puppet.channel._protocol.connection._connection.streams.values())
