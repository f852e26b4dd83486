"""The puppet-service gRPC API over a World: what a real gateway answers, so the unmodified
Wechaty SDK (wechaty-puppet-service 0.8.10, wechaty-grpc 0.20 types) connects to it."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import grpclib.const
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream
from wechaty_grpc.wechaty import puppet as pb

from bot.events import MessageKind
from bot.simulator import wire
from bot.simulator.faults import GatewayFaults
from bot.simulator.model import EventName, SimError, SimErrorKind, SimEvent
from bot.simulator.world import World

log = logging.getLogger(__name__)

_STATUS = {
    SimErrorKind.PERMISSION: Status.PERMISSION_DENIED,
    SimErrorKind.THROTTLED: Status.RESOURCE_EXHAUSTED,
    SimErrorKind.NOT_FOUND: Status.NOT_FOUND,
    SimErrorKind.ROOM_FULL: Status.FAILED_PRECONDITION,
    SimErrorKind.INVALID: Status.INVALID_ARGUMENT,
    SimErrorKind.UNSUPPORTED: Status.FAILED_PRECONDITION,
}

_EVENT_TYPE = {
    EventName.MESSAGE: pb.EventType.EVENT_TYPE_MESSAGE,
    EventName.ROOM_JOIN: pb.EventType.EVENT_TYPE_ROOM_JOIN,
    EventName.ROOM_LEAVE: pb.EventType.EVENT_TYPE_ROOM_LEAVE,
    EventName.ROOM_TOPIC: pb.EventType.EVENT_TYPE_ROOM_TOPIC,
    EventName.LOGOUT: pb.EventType.EVENT_TYPE_LOGOUT,
}

_CLOSE = object()  # queued to end a superseded event stream


def _event(event_type: pb.EventType, payload: dict[str, Any]) -> pb.EventResponse:
    return pb.EventResponse(type=event_type, payload=json.dumps(payload, ensure_ascii=False))


class _Subscriber:
    """One open Event stream."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[object] = asyncio.Queue()

    def push(self, item: object) -> None:
        self.queue.put_nowait(item)


class PuppetSimService:
    def __init__(self, world: World) -> None:
        self.world = world
        self.logged_in = True  # a gateway's puppet is logged in before any client connects
        self.dropped_events = 0  # pushed while no client listened (real gateways drop them too)
        self.faults = GatewayFaults()  # slow, held or failing RPCs on demand (tests, bench)
        self.rpc_counts: Counter[str] = Counter()  # every RPC the client made, by method
        # room events (messages not sent by the bot, joins, leaves, topics) written to a live
        # event stream: the barrier tests wait on (tests/harness.py settle)
        self.delivered_room_events = 0
        self._countable: set[int] = set()
        self._sending = 0
        self.stream_opens: list[int] = []  # delivered_room_events when each event stream opened
        self.stream_open_times: list[float] = []  # time.monotonic() of each of those openings
        # called with each room event's payload once written to a live stream (bench/faults)
        self.on_delivered: Callable[[dict[str, Any]], None] | None = None
        self._current: _Subscriber | None = None
        world.on_event(self._on_world_event)

    # ------------------------------------------------------------------ event stream

    @property
    def streaming(self) -> bool:
        return self._current is not None

    def _push(self, item: pb.EventResponse) -> None:
        if self._current is None:
            self.dropped_events += 1
            return
        self._current.push(item)

    def _on_world_event(self, event: SimEvent) -> None:
        item = _event(_EVENT_TYPE[event.name], event.payload)
        if event.name != EventName.LOGOUT and self._current is not None and not self._from_bot(event):
            self._countable.add(id(item))
        self._push(item)

    def _from_bot(self, event: SimEvent) -> bool:
        message_id = event.payload.get("messageId")
        message = self.world.messages.get(message_id) if message_id else None
        return message is not None and message.sender_id == self.world.bot_id

    @property
    def undelivered_events(self) -> int:
        """Events queued on the open stream, not yet written to it."""
        return self._sending + (self._current.queue.qsize() if self._current is not None else 0)

    def push_error(self, payload: dict[str, Any]) -> None:
        """Push an error event as gateways do: 1.x sends {"gerror": "..."}, 0.31 sends {}."""
        self._push(_event(pb.EventType.EVENT_TYPE_ERROR, payload))

    def push_login(self) -> None:
        """Push a login event again, as a gateway does after its account was scanned in anew."""
        self._push(self._login_event())

    def _login_event(self) -> pb.EventResponse:
        return _event(pb.EventType.EVENT_TYPE_LOGIN, {"contactId": self.world.bot_id})

    def close_streams(self) -> None:
        """End the open stream cleanly (Stop, or a newer stream replacing it)."""
        if self._current is not None:
            self._current.push(_CLOSE)
            self._current = None

    def forget_streams(self) -> None:
        """After a crash the transport is gone; just drop the bookkeeping."""
        self._current = None

    async def event(self, stream: Stream[pb.EventRequest, pb.EventResponse]) -> None:
        await stream.recv_message()
        # The newest stream wins: a reconnecting client must not be locked out by the stale
        # stream of its crashed predecessor.
        self.close_streams()
        sub = self._current = _Subscriber()
        self.stream_opens.append(self.delivered_room_events)
        self.stream_open_times.append(time.monotonic())
        if self.logged_in:
            sub.push(self._login_event())
            sub.push(_event(pb.EventType.EVENT_TYPE_READY, {"data": "ready"}))
        heartbeat = self.world.config.heartbeat_seconds
        try:
            while True:
                try:
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for takes the item in a
                    # task of its own and this one resumes a loop turn or two later, while the
                    # item is neither queued nor _sending (settle() read that as delivered)
                    async with asyncio.timeout(heartbeat):
                        item = await sub.queue.get()
                except TimeoutError:
                    item = _event(pb.EventType.EVENT_TYPE_HEARTBEAT, {"data": "heartbeat"})
                if item is _CLOSE:
                    return
                self._sending += 1
                try:
                    await stream.send_message(item)
                finally:
                    self._sending -= 1
                if id(item) in self._countable:
                    self._countable.discard(id(item))
                    self.delivered_room_events += 1
                    if self.on_delivered is not None:
                        self.on_delivered(json.loads(getattr(item, "payload", "{}")))
        finally:
            while not sub.queue.empty():  # never delivered: not counted (ids may be reused)
                self._countable.discard(id(sub.queue.get_nowait()))
            if self._current is sub:
                self._current = None

    # ------------------------------------------------------------------ lifecycle

    def start(self, _: pb.StartRequest) -> pb.StartResponse:
        if not self.logged_in:
            self.logged_in = True
            self._push(self._login_event())
        return pb.StartResponse()

    def stop(self, _: pb.StopRequest) -> pb.StopResponse:
        # The SDK calls Stop before Start; ending the old stream here also frees a stream
        # left behind by a crashed client.
        self.close_streams()
        return pb.StopResponse()

    def logout(self, _: pb.LogoutRequest) -> pb.LogoutResponse:
        self.world.record_logout()
        if self.logged_in:
            self.logged_in = False
            self._push(
                _event(pb.EventType.EVENT_TYPE_LOGOUT, {"contactId": self.world.bot_id, "data": "logout"})
            )
        return pb.LogoutResponse()

    def ding(self, request: pb.DingRequest) -> pb.DingResponse:
        self._push(_event(pb.EventType.EVENT_TYPE_DONG, {"data": request.data}))
        return pb.DingResponse()

    def version(self, _: pb.VersionRequest) -> pb.VersionResponse:
        return pb.VersionResponse(version="qunguan-sim/0.1")

    def dirty_payload(self, _: pb.DirtyPayloadRequest) -> pb.DirtyPayloadResponse:
        return pb.DirtyPayloadResponse()  # nothing is cached server-side

    # ------------------------------------------------------------------ contacts

    def contact_payload(self, request: pb.ContactPayloadRequest) -> pb.ContactPayloadResponse:
        self.world.count_read("ContactPayload")
        return wire.contact_payload(self.world.contact(request.id))

    def contact_list(self, _: pb.ContactListRequest) -> pb.ContactListResponse:
        return pb.ContactListResponse(ids=list(self.world.contacts))

    def contact_alias(self, request: wire.SetOrGetRequest) -> pb.ContactAliasResponse:
        self.world.contact(request.id)
        if request.new_value() is not None:
            return pb.ContactAliasResponse()  # remarks are not modelled; accept and forget
        return pb.ContactAliasResponse(alias="")

    def contact_self_qr_code(self, _: pb.ContactSelfQrCodeRequest) -> pb.ContactSelfQrCodeResponse:
        return pb.ContactSelfQrCodeResponse(qrcode=f"https://u.wechat.com/sim/{self.world.bot_id}")

    def contact_self_name(self, request: pb.ContactSelfNameRequest) -> pb.ContactSelfNameResponse:
        self.world.bot_set_name(request.name)
        return pb.ContactSelfNameResponse()

    def contact_self_signature(self, _: pb.ContactSelfSignatureRequest) -> pb.ContactSelfSignatureResponse:
        return pb.ContactSelfSignatureResponse()

    def tag_contact_list(self, _: pb.TagContactListRequest) -> pb.TagContactListResponse:
        return pb.TagContactListResponse(ids=[])

    # ------------------------------------------------------------------ rooms

    def room_list(self, _: pb.RoomListRequest) -> pb.RoomListResponse:
        self.world.count_read("RoomList")
        return pb.RoomListResponse(ids=self.world.bot_rooms())

    def room_payload(self, request: pb.RoomPayloadRequest) -> pb.RoomPayloadResponse:
        self.world.count_read("RoomPayload")
        return wire.room_payload(self.world.room(request.id))

    def room_member_list(self, request: pb.RoomMemberListRequest) -> pb.RoomMemberListResponse:
        self.world.count_read("RoomMemberList")
        return pb.RoomMemberListResponse(member_ids=self.world.members(request.id))

    def room_member_payload(self, request: pb.RoomMemberPayloadRequest) -> pb.RoomMemberPayloadResponse:
        self.world.count_read("RoomMemberPayload")
        room = self.world.room(request.id)
        return wire.room_member_payload(room, self.world.contact(request.member_id))

    def room_del(self, request: pb.RoomDelRequest) -> pb.RoomDelResponse:
        self.world.bot_kick(request.id, request.contact_id)
        return pb.RoomDelResponse()

    def room_add(self, request: pb.RoomAddRequest) -> pb.RoomAddResponse:
        self.world.bot_add(request.id, request.contact_id)
        return pb.RoomAddResponse()

    def room_quit(self, request: pb.RoomQuitRequest) -> pb.RoomQuitResponse:
        self.world.bot_quit(request.id)
        return pb.RoomQuitResponse()

    def room_create(self, request: pb.RoomCreateRequest) -> pb.RoomCreateResponse:
        return pb.RoomCreateResponse(id=self.world.bot_create_room(request.contact_ids, request.topic))

    def room_topic(self, request: wire.SetOrGetRequest) -> pb.RoomTopicResponse:
        value = request.new_value()
        if value is not None:
            self.world.bot_set_topic(request.id, value)
            return pb.RoomTopicResponse()
        return pb.RoomTopicResponse(topic=self.world.room(request.id).topic)

    def room_announce(self, request: wire.SetOrGetRequest) -> pb.RoomAnnounceResponse:
        value = request.new_value()
        if value is not None:
            self.world.bot_set_announcement(request.id, value)
            return pb.RoomAnnounceResponse()  # SDK 0.8.10 reads "no text" as a successful set
        self.world.count_read("RoomAnnounce")
        return pb.RoomAnnounceResponse(text=self.world.announcement(request.id))

    def room_qr_code(self, request: pb.RoomQrCodeRequest) -> pb.RoomQrCodeResponse:
        # SDK 0.8.10 sends no id; answer for the first room then, as a stub would.
        room_id = request.id or next(iter(self.world.bot_rooms()), "")
        return pb.RoomQrCodeResponse(qrcode=f"https://weixin.qq.com/g/sim/{room_id}")

    def room_avatar(self, request: pb.RoomAvatarRequest) -> pb.RoomAvatarResponse:
        self.world.room(request.id)
        box = {"boxType": 2, "name": f"avatar-{request.id}.jpeg", "remoteUrl": "http://127.0.0.1/avatar.jpeg"}
        return pb.RoomAvatarResponse(filebox=json.dumps(box))

    # ------------------------------------------------------------------ messages

    def message_payload(self, request: pb.MessagePayloadRequest) -> pb.MessagePayloadResponse:
        self.world.count_read("MessagePayload")
        return wire.message_payload(self.world.message(request.id))

    def message_send_text(self, request: pb.MessageSendTextRequest) -> pb.MessageSendTextResponse:
        msg_id = self.world.bot_send(request.conversation_id, request.text, request.mentonal_ids)
        return pb.MessageSendTextResponse(id=msg_id)

    def message_send_contact(self, request: pb.MessageSendContactRequest) -> pb.MessageSendContactResponse:
        card = self.world.contact(request.contact_id)
        msg_id = self.world.bot_send(
            request.conversation_id, card.name, kind=MessageKind.CONTACT_CARD, card_contact_id=card.id
        )
        return pb.MessageSendContactResponse(id=msg_id)

    def message_send_url(self, request: pb.MessageSendUrlRequest) -> pb.MessageSendUrlResponse:
        title, url = wire.parse_link(request.url_link)
        msg_id = self.world.bot_send(request.conversation_id, title, kind=MessageKind.LINK, url=url)
        return pb.MessageSendUrlResponse(id=msg_id)

    def message_send_mini_program(
        self, request: pb.MessageSendMiniProgramRequest
    ) -> pb.MessageSendMiniProgramResponse:
        title, page = wire.parse_link(request.mini_program)
        msg_id = self.world.bot_send(request.conversation_id, title, kind=MessageKind.MINI_PROGRAM, url=page)
        return pb.MessageSendMiniProgramResponse(id=msg_id)

    def message_send_file(self, request: pb.MessageSendFileRequest) -> pb.MessageSendFileResponse:
        name = wire.file_box_name(request.filebox)
        is_image = name.lower().endswith((".png", ".jpg", ".jpeg", ".gif"))
        kind = MessageKind.IMAGE if is_image else MessageKind.FILE
        msg_id = self.world.bot_send(request.conversation_id, name, kind=kind)
        return pb.MessageSendFileResponse(id=msg_id)

    def message_recall(self, request: pb.MessageRecallRequest) -> pb.MessageRecallResponse:
        return pb.MessageRecallResponse(success=self.world.bot_recall(request.id))

    def _typed_message(self, message_id: str, *kinds: MessageKind) -> Any:
        msg = self.world.message(message_id)
        if msg.kind not in kinds:
            raise SimError(SimErrorKind.INVALID, f"消息 {message_id} 不是{'/'.join(kinds)}类型")
        return msg

    def message_url(self, request: pb.MessageUrlRequest) -> pb.MessageUrlResponse:
        msg = self._typed_message(request.id, MessageKind.LINK)
        return pb.MessageUrlResponse(url_link=wire.url_link_json(msg))

    def message_mini_program(self, request: pb.MessageMiniProgramRequest) -> pb.MessageMiniProgramResponse:
        msg = self._typed_message(request.id, MessageKind.MINI_PROGRAM)
        return pb.MessageMiniProgramResponse(mini_program=wire.mini_program_json(msg))

    def message_contact(self, request: pb.MessageContactRequest) -> pb.MessageContactResponse:
        msg = self._typed_message(request.id, MessageKind.CONTACT_CARD)
        return pb.MessageContactResponse(id=msg.card_contact_id or "")

    def message_image(self, request: pb.MessageImageRequest) -> pb.MessageImageResponse:
        msg = self._typed_message(request.id, MessageKind.IMAGE)
        return pb.MessageImageResponse(filebox=wire.file_box_json(msg.filename or "image.png", msg.data))

    def message_file(self, request: pb.MessageFileRequest) -> pb.MessageFileResponse:
        msg = self._typed_message(request.id, MessageKind.FILE, MessageKind.IMAGE)
        name = msg.filename or "file.dat"
        data = msg.data
        if data is None and msg.kind != MessageKind.IMAGE:
            data = f"simulated content of {name}\n".encode()
        return pb.MessageFileResponse(filebox=wire.file_box_json(name, data))

    # ------------------------------------------------------------------ grpclib mapping

    def __mapping__(self) -> dict[str, grpclib.const.Handler]:
        unary: dict[str, tuple[Callable[[Any], Any], type, type]] = {
            "Start": (self.start, pb.StartRequest, pb.StartResponse),
            "Stop": (self.stop, pb.StopRequest, pb.StopResponse),
            "Logout": (self.logout, pb.LogoutRequest, pb.LogoutResponse),
            "Ding": (self.ding, pb.DingRequest, pb.DingResponse),
            "Version": (self.version, pb.VersionRequest, pb.VersionResponse),
            "DirtyPayload": (self.dirty_payload, pb.DirtyPayloadRequest, pb.DirtyPayloadResponse),
            "ContactPayload": (self.contact_payload, pb.ContactPayloadRequest, pb.ContactPayloadResponse),
            "ContactList": (self.contact_list, pb.ContactListRequest, pb.ContactListResponse),
            "ContactAlias": (self.contact_alias, wire.SetOrGetRequest, pb.ContactAliasResponse),
            "ContactSelfQRCode": (
                self.contact_self_qr_code,
                pb.ContactSelfQrCodeRequest,
                pb.ContactSelfQrCodeResponse,
            ),
            "ContactSelfName": (
                self.contact_self_name,
                pb.ContactSelfNameRequest,
                pb.ContactSelfNameResponse,
            ),
            "ContactSelfSignature": (
                self.contact_self_signature,
                pb.ContactSelfSignatureRequest,
                pb.ContactSelfSignatureResponse,
            ),
            "TagContactList": (self.tag_contact_list, pb.TagContactListRequest, pb.TagContactListResponse),
            "RoomList": (self.room_list, pb.RoomListRequest, pb.RoomListResponse),
            "RoomPayload": (self.room_payload, pb.RoomPayloadRequest, pb.RoomPayloadResponse),
            "RoomMemberList": (self.room_member_list, pb.RoomMemberListRequest, pb.RoomMemberListResponse),
            "RoomMemberPayload": (
                self.room_member_payload,
                pb.RoomMemberPayloadRequest,
                pb.RoomMemberPayloadResponse,
            ),
            "RoomDel": (self.room_del, pb.RoomDelRequest, pb.RoomDelResponse),
            "RoomAdd": (self.room_add, pb.RoomAddRequest, pb.RoomAddResponse),
            "RoomQuit": (self.room_quit, pb.RoomQuitRequest, pb.RoomQuitResponse),
            "RoomCreate": (self.room_create, pb.RoomCreateRequest, pb.RoomCreateResponse),
            "RoomTopic": (self.room_topic, wire.SetOrGetRequest, pb.RoomTopicResponse),
            "RoomAnnounce": (self.room_announce, wire.SetOrGetRequest, pb.RoomAnnounceResponse),
            "RoomQRCode": (self.room_qr_code, pb.RoomQrCodeRequest, pb.RoomQrCodeResponse),
            "RoomAvatar": (self.room_avatar, pb.RoomAvatarRequest, pb.RoomAvatarResponse),
            "MessagePayload": (self.message_payload, pb.MessagePayloadRequest, pb.MessagePayloadResponse),
            "MessageSendText": (
                self.message_send_text,
                pb.MessageSendTextRequest,
                pb.MessageSendTextResponse,
            ),
            "MessageSendContact": (
                self.message_send_contact,
                pb.MessageSendContactRequest,
                pb.MessageSendContactResponse,
            ),
            "MessageSendUrl": (self.message_send_url, pb.MessageSendUrlRequest, pb.MessageSendUrlResponse),
            "MessageSendMiniProgram": (
                self.message_send_mini_program,
                pb.MessageSendMiniProgramRequest,
                pb.MessageSendMiniProgramResponse,
            ),
            "MessageSendFile": (
                self.message_send_file,
                pb.MessageSendFileRequest,
                pb.MessageSendFileResponse,
            ),
            "MessageRecall": (self.message_recall, pb.MessageRecallRequest, pb.MessageRecallResponse),
            "MessageUrl": (self.message_url, pb.MessageUrlRequest, pb.MessageUrlResponse),
            "MessageMiniProgram": (
                self.message_mini_program,
                pb.MessageMiniProgramRequest,
                pb.MessageMiniProgramResponse,
            ),
            "MessageContact": (self.message_contact, pb.MessageContactRequest, pb.MessageContactResponse),
            "MessageImage": (self.message_image, pb.MessageImageRequest, pb.MessageImageResponse),
            "MessageFile": (self.message_file, pb.MessageFileRequest, pb.MessageFileResponse),
        }
        mapping = {
            f"/wechaty.Puppet/{name}": grpclib.const.Handler(
                _unary_handler(name, func, self), grpclib.const.Cardinality.UNARY_UNARY, req, resp
            )
            for name, (func, req, resp) in unary.items()
        }
        mapping["/wechaty.Puppet/Event"] = grpclib.const.Handler(
            self.event, grpclib.const.Cardinality.UNARY_STREAM, pb.EventRequest, pb.EventResponse
        )
        return mapping


def _unary_handler(
    name: str, func: Callable[[Any], Any], service: PuppetSimService | None = None
) -> Callable[[Stream[Any, Any]], Awaitable[None]]:
    """Adapt a request -> response function to grpclib, turning SimError into a gRPC status
    with a human-readable message, as a gateway relays the puppet's error. The service's
    fault rules (slow, held, failing RPCs) apply before the answer."""

    async def handle(stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        if service is not None:
            service.rpc_counts[name] += 1
            if service.faults.rules:
                await service.faults.apply(name, request)
        try:
            response = func(request)
        except SimError as error:
            log.info("%s refused: %s", name, error.message)
            raise GRPCError(_STATUS[error.kind], error.message) from None
        await stream.send_message(response)

    return handle
