"""The simulator as a puppet-service gateway: raw gRPC with the wechaty-grpc 0.20 stub, and the
real Python SDK connecting to it unchanged. Everything listens on 127.0.0.1 only."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Optional

import betterproto
import pytest
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from wechaty_grpc.wechaty import PuppetStub
from wechaty_grpc.wechaty import puppet as pb

from bot.clock import FakeClock
from bot.events import MessageKind
from bot.simulator import ActionKind, SimConfig, SimServer, World, default_world

DEMO = "20000000001@chatroom"  # bot is admin
PLAIN = "20000000002@chatroom"  # bot is a plain member
TIMEOUT = 30.0  # only bounds a failing test: a busy machine just takes longer


@dataclass(eq=False, repr=False)
class CompatSetRequest(betterproto.Message):
    """What our client sends for RoomAnnounce/RoomTopic/ContactAlias: field 2 = 0.20 StringValue,
    field 3 = 1.x optional string."""

    id: str = betterproto.string_field(1)
    wrapped: Optional[str] = betterproto.message_field(2, wraps=betterproto.TYPE_STRING)  # noqa: UP045 (betterproto 1.2.5)
    plain: str = betterproto.string_field(3)


class EventReader:
    """Reads the Event stream in the background; tests await the events they expect."""

    def __init__(self, stub: PuppetStub) -> None:
        self.queue: asyncio.Queue[pb.EventResponse] = asyncio.Queue()
        self.task = asyncio.create_task(self._run(stub))

    async def _run(self, stub: PuppetStub) -> None:
        async for event in stub.event():
            await self.queue.put(event)

    async def next(self, event_type: pb.EventType) -> dict[str, object]:
        """The payload of the next event of this type, skipping others (heartbeats ...)."""

        async def find() -> dict[str, object]:
            while True:
                event = await self.queue.get()
                if event.type == event_type:
                    return json.loads(event.payload)

        return await asyncio.wait_for(find(), TIMEOUT)

    async def ended(self) -> BaseException | None:
        """Wait for the stream to end; returns how it ended (None: cleanly)."""
        await asyncio.wait({self.task}, timeout=TIMEOUT)
        assert self.task.done(), "event stream still open"
        return self.task.exception()

    async def close(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def world(clock: FakeClock) -> World:
    return default_world(clock, SimConfig(heartbeat_seconds=0.2))


@pytest.fixture
async def server(world: World) -> AsyncIterator[SimServer]:
    srv = SimServer(world)
    await srv.start("127.0.0.1", 0)
    yield srv
    await srv.stop()


@pytest.fixture
async def channel(server: SimServer) -> AsyncIterator[Channel]:
    ch = Channel("127.0.0.1", server.port)
    yield ch
    ch.close()


@pytest.fixture
def stub(channel: Channel) -> PuppetStub:
    return PuppetStub(channel)


@pytest.fixture
async def events(stub: PuppetStub) -> AsyncIterator[EventReader]:
    await stub.start()
    reader = EventReader(stub)
    yield reader
    await reader.close()


async def test_port_zero_picks_a_free_port(server: SimServer) -> None:
    assert server.port > 0 and server.endpoint == f"127.0.0.1:{server.port}"


async def test_event_stream_login_ready_message(events: EventReader, world: World) -> None:
    assert await events.next(pb.EventType.EVENT_TYPE_LOGIN) == {"contactId": world.bot_id}
    assert await events.next(pb.EventType.EVENT_TYPE_READY) == {"data": "ready"}
    msg_id = world.say(DEMO, "wxid_alice", "加我微信 abc123")
    assert await events.next(pb.EventType.EVENT_TYPE_MESSAGE) == {"messageId": msg_id}
    assert "data" in await events.next(pb.EventType.EVENT_TYPE_HEARTBEAT)


async def test_room_events_on_the_wire(events: EventReader, world: World) -> None:
    await events.next(pb.EventType.EVENT_TYPE_READY)
    dave = world.add_contact("dave")
    world.join(DEMO, [dave], inviter="wxid_bob")
    joined = await events.next(pb.EventType.EVENT_TYPE_ROOM_JOIN)
    assert (joined["roomId"], joined["inviteeIdList"], joined["inviterId"]) == (DEMO, [dave], "wxid_bob")
    world.set_topic(DEMO, "新名字", "wxid_carol")
    topic = await events.next(pb.EventType.EVENT_TYPE_ROOM_TOPIC)
    assert (topic["newTopic"], topic["oldTopic"], topic["changerId"]) == (
        "新名字",
        "群管演示群",
        "wxid_carol",
    )


async def test_ding_dong(events: EventReader, stub: PuppetStub) -> None:
    await stub.ding(data="ping-1")
    assert await events.next(pb.EventType.EVENT_TYPE_DONG) == {"data": "ping-1"}


async def test_room_and_member_payloads(stub: PuppetStub, world: World) -> None:
    room = await stub.room_payload(id=DEMO)
    assert room.topic == "群管演示群" and room.owner_id == "wxid_laowang"
    assert world.bot_id in room.admin_ids and room.member_ids == world.members(DEMO)
    assert (await stub.room_list()).ids == [DEMO, PLAIN]
    assert (await stub.room_member_list(id=DEMO)).member_ids == world.members(DEMO)
    member = await stub.room_member_payload(id=DEMO, member_id="wxid_alice")
    assert (member.name, member.room_alias) == ("alice", "上海-电商-小A")
    contact = await stub.contact_payload(id="wxid_bob")
    assert contact.name == "bob" and contact.type == pb.ContactType.CONTACT_TYPE_PERSONAL


async def test_unknown_ids_are_not_found(stub: PuppetStub) -> None:
    with pytest.raises(GRPCError) as err:
        await stub.room_payload(id="404@chatroom")
    assert err.value.status == Status.NOT_FOUND and "404@chatroom" in (err.value.message or "")
    with pytest.raises(GRPCError) as err:
        await stub.message_payload(id="nope")
    assert err.value.status == Status.NOT_FOUND


async def test_message_payload_uses_gateway_wire_format(stub: PuppetStub, world: World) -> None:
    msg_id = world.say(DEMO, "wxid_bob", "看这里", mentions=[world.bot_id])
    payload = await stub.message_payload(id=msg_id)
    assert payload.from_id == "wxid_bob" and payload.room_id == DEMO
    assert payload.text == "@群管机器人\u2005看这里" and payload.mention_ids == [world.bot_id]
    assert payload.type == 7  # the TypeScript puppet enum, as the Node gateway sends it
    assert payload.timestamp == int(world.message(msg_id).timestamp.timestamp() * 1000)


async def test_send_text_with_mentions_echoes(events: EventReader, stub: PuppetStub, world: World) -> None:
    await events.next(pb.EventType.EVENT_TYPE_READY)
    sent = await stub.message_send_text(
        conversation_id=DEMO, text="@alice 请勿发广告", mentonal_ids=["wxid_alice"]
    )
    assert sent.id
    assert await events.next(pb.EventType.EVENT_TYPE_MESSAGE) == {"messageId": sent.id}
    echo = await stub.message_payload(id=sent.id)
    assert (echo.from_id, echo.mention_ids) == (world.bot_id, ["wxid_alice"])
    assert world.bot_texts(DEMO) == ["@alice 请勿发广告"]


async def test_kick_as_admin_and_as_plain_member(events: EventReader, stub: PuppetStub, world: World) -> None:
    await events.next(pb.EventType.EVENT_TYPE_READY)
    await stub.room_del(id=DEMO, contact_id="wxid_bob")
    left = await events.next(pb.EventType.EVENT_TYPE_ROOM_LEAVE)
    assert (left["removeeIdList"], left["removerId"]) == (["wxid_bob"], world.bot_id)
    assert world.saw_kick(DEMO, "wxid_bob")

    with pytest.raises(GRPCError) as err:
        await stub.room_del(id=PLAIN, contact_id="wxid_bob")
    assert err.value.status == Status.PERMISSION_DENIED and "群主或管理员" in (err.value.message or "")
    assert world.is_member(PLAIN, "wxid_bob")


async def test_throttle_is_resource_exhausted(clock: FakeClock) -> None:
    world = default_world(clock, SimConfig(send_limit=2, send_window_seconds=10))
    async with SimServer(world) as srv:
        ch = Channel("127.0.0.1", srv.port)
        stub = PuppetStub(ch)
        await stub.message_send_text(conversation_id=DEMO, text="1")
        await stub.message_send_text(conversation_id=DEMO, text="2")
        with pytest.raises(GRPCError) as err:
            await stub.message_send_text(conversation_id=DEMO, text="3")
        assert err.value.status == Status.RESOURCE_EXHAUSTED and "操作过于频繁" in (err.value.message or "")
        ch.close()


async def _set(stub: PuppetStub, method: str, request: CompatSetRequest) -> None:
    await stub._unary_unary(f"/wechaty.Puppet/{method}", request, pb.RoomAnnounceResponse)


async def test_announce_get_and_set_via_either_field(stub: PuppetStub, world: World) -> None:
    assert (await stub.room_announce(id=DEMO)).text == ""  # a GET: nothing in fields 2 and 3
    await _set(stub, "RoomAnnounce", CompatSetRequest(id=DEMO, wrapped="公告一"))
    assert world.announcement(DEMO) == "公告一"
    await _set(stub, "RoomAnnounce", CompatSetRequest(id=DEMO, plain="公告二"))
    assert world.announcement(DEMO) == "公告二"
    await _set(stub, "RoomAnnounce", CompatSetRequest(id=DEMO, wrapped="公告三", plain="公告三"))
    assert (await stub.room_announce(id=DEMO)).text == "公告三"  # answered in field 1
    with pytest.raises(GRPCError) as err:
        await _set(stub, "RoomAnnounce", CompatSetRequest(id=PLAIN, plain="x"))
    assert err.value.status == Status.PERMISSION_DENIED
    assert [a.ok for a in world.bot_actions(ActionKind.ANNOUNCE)] == [True, True, True, False]


async def test_topic_set_via_field_3_and_get(stub: PuppetStub, world: World) -> None:
    await _set(stub, "RoomTopic", CompatSetRequest(id=DEMO, plain="机器人改的名"))
    assert world.room(DEMO).topic == "机器人改的名"
    assert (await stub.room_topic(id=DEMO)).topic == "机器人改的名"
    await stub.room_topic(id=DEMO, topic="0.20 客户端改的名")
    assert world.room(DEMO).topic == "0.20 客户端改的名"


async def test_recall_window_over_grpc(stub: PuppetStub, clock: FakeClock) -> None:
    fresh = await stub.message_send_text(conversation_id=DEMO, text="欢迎新人")
    assert (await stub.message_recall(id=fresh.id)).success is True
    old = await stub.message_send_text(conversation_id=DEMO, text="警告")
    clock.advance(121)
    assert (await stub.message_recall(id=old.id)).success is False


async def test_link_and_image_accessors(stub: PuppetStub, world: World) -> None:
    link = world.say(DEMO, "wxid_bob", "限时优惠", kind=MessageKind.LINK, url="http://spam.example")
    url = json.loads((await stub.message_url(id=link)).url_link)
    assert (url["url"], url["title"]) == ("http://spam.example", "限时优惠")
    image = world.say(DEMO, "wxid_bob", kind=MessageKind.IMAGE)
    box = json.loads((await stub.message_image(id=image, type=pb.ImageType.IMAGE_TYPE_HD)).filebox)
    assert box["boxType"] == 1 and box["base64"]


async def test_newest_event_stream_wins(stub: PuppetStub, channel: Channel) -> None:
    first = EventReader(stub)
    await first.next(pb.EventType.EVENT_TYPE_LOGIN)
    second = EventReader(PuppetStub(channel))
    await second.next(pb.EventType.EVENT_TYPE_LOGIN)
    assert await first.ended() is None  # the older stream was closed cleanly
    await second.close()


async def test_stop_breaks_stream_and_restart_keeps_world(
    events: EventReader, server: SimServer, world: World
) -> None:
    await events.next(pb.EventType.EVENT_TYPE_READY)
    port = server.port
    await server.stop()
    assert await events.ended() is not None  # aborted like a crash, not a clean end

    world.say(DEMO, "wxid_alice", "while the gateway was down")  # dropped: nobody listens
    await server.start()
    assert server.port == port
    ch = Channel("127.0.0.1", port)
    stub = PuppetStub(ch)
    reader = EventReader(stub)
    assert await reader.next(pb.EventType.EVENT_TYPE_LOGIN) == {"contactId": world.bot_id}
    msg_id = world.say(DEMO, "wxid_carol", "我回来了")
    assert await reader.next(pb.EventType.EVENT_TYPE_MESSAGE) == {"messageId": msg_id}
    assert (await stub.message_payload(id=msg_id)).text == "我回来了"
    await reader.close()
    ch.close()


async def test_real_sdk_connects_and_receives(server: SimServer, world: World) -> None:
    import wechaty_puppet.schemas.puppet as pp

    pp.PuppetOptions.__hash__ = object.__hash__  # Python >= 3.11 fix, before importing wechaty
    from wechaty_puppet import EventLoginPayload, EventMessagePayload, PuppetOptions
    from wechaty_puppet_service import PuppetService

    puppet = PuppetService(PuppetOptions(end_point=server.endpoint, token="insecure_test"))
    logins: asyncio.Queue[str] = asyncio.Queue()
    messages: asyncio.Queue[str] = asyncio.Queue()

    async def on_login(payload: EventLoginPayload) -> None:
        await logins.put(payload.contact_id)

    async def on_message(payload: EventMessagePayload) -> None:
        await messages.put(payload.message_id)

    puppet.on("login", on_login)
    puppet.on("message", on_message)
    puppet._init_puppet()
    await puppet.puppet_stub.start()
    listener = asyncio.create_task(puppet._listen_for_event())
    try:
        assert await asyncio.wait_for(logins.get(), TIMEOUT) == world.bot_id
        msg_id = world.say(DEMO, "wxid_alice", "加我微信 abc123", mentions=[world.bot_id])
        assert await asyncio.wait_for(messages.get(), TIMEOUT) == msg_id
        payload = await puppet.message_payload(msg_id)
        assert payload.type == pb.MessageType.MESSAGE_TYPE_TEXT  # after the SDK's enum mapping
        assert payload.from_id == "wxid_alice" and payload.mention_ids == [world.bot_id]
        member = await puppet.room_member_payload(DEMO, "wxid_alice")
        assert member.room_alias == "上海-电商-小A"
        sent = await puppet.message_send_text(DEMO, "@alice 请勿发广告", ["wxid_alice"])
        assert world.message(sent).text == "@alice 请勿发广告"
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        if puppet.channel:
            puppet.channel.close()


async def test_real_sdk_start_survives_gateway_restart(server: SimServer, world: World) -> None:
    """PuppetService.start() as shipped (Stop, Start, Event): the stream breaks when the gateway
    crashes, and a new start() after the restart logs in again on the same endpoint."""
    import wechaty_puppet.schemas.puppet as pp

    pp.PuppetOptions.__hash__ = object.__hash__
    from wechaty_puppet import EventLoginPayload, PuppetOptions
    from wechaty_puppet_service import PuppetService

    logins: asyncio.Queue[str] = asyncio.Queue()

    async def on_login(payload: EventLoginPayload) -> None:
        await logins.put(payload.contact_id)

    puppet = PuppetService(PuppetOptions(end_point=server.endpoint, token="insecure_test"))
    puppet.on("login", on_login)
    first = asyncio.create_task(puppet.start())
    assert await asyncio.wait_for(logins.get(), TIMEOUT) == world.bot_id
    await server.stop()
    await asyncio.wait({first}, timeout=TIMEOUT)
    assert first.done() and first.exception() is not None  # the SDK sees the crash

    await server.start()
    second = asyncio.create_task(puppet.start())
    try:
        assert await asyncio.wait_for(logins.get(), TIMEOUT) == world.bot_id
        await puppet.room_delete(DEMO, "wxid_carol")
        assert world.saw_kick(DEMO, "wxid_carol")
    finally:
        second.cancel()
        await asyncio.gather(second, return_exceptions=True)
        if puppet.channel:
            puppet.channel.close()
