"""Wire details of the puppet-service protocol as real gateways speak it to SDK 0.8.10.

Message types travel as the TypeScript wechaty-puppet enum (Text=7, Image=6, ...), not as
the wechaty-grpc enum: the Node gateway copies the puppet's value into the field, and the
Python SDK's message_payload() maps it back (_map_message_type). Sending grpc values would
make the SDK read a text message as an image.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

import betterproto
from wechaty_grpc.wechaty import puppet as pb

from bot.events import MessageKind
from bot.simulator.model import Contact, Room, SimMessage

# wechaty-puppet (TypeScript) MessageType values, as they appear on the wire
TS_MESSAGE_TYPE: dict[MessageKind, int] = {
    MessageKind.OTHER: 0,
    MessageKind.FILE: 1,  # Attachment
    MessageKind.AUDIO: 2,
    MessageKind.CONTACT_CARD: 3,
    MessageKind.CHAT_HISTORY: 4,
    MessageKind.EMOTICON: 5,
    MessageKind.IMAGE: 6,
    MessageKind.TEXT: 7,
    MessageKind.LOCATION: 8,
    MessageKind.MINI_PROGRAM: 9,
    MessageKind.TRANSFER: 11,
    MessageKind.RED_ENVELOPE: 12,
    MessageKind.RECALLED: 13,
    MessageKind.LINK: 14,
    MessageKind.VIDEO: 15,
}

# 1x1 PNG, the content of every simulated image
PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="


@dataclass(eq=False, repr=False)
class SetOrGetRequest(betterproto.Message):
    """RoomAnnounce / RoomTopic / ContactAlias request. Field 2 is the 0.20 StringValue; field 3
    is the 1.x `optional string` our client also fills. Either one present means "set"."""

    id: str = betterproto.string_field(1)
    # typing.Optional, not "str | None": betterproto 1.2.5 only recognises the former as a wrapper
    value_wrapped: Optional[str] = betterproto.message_field(2, wraps=betterproto.TYPE_STRING)  # noqa: UP045
    value: str = betterproto.string_field(3)

    def new_value(self) -> str | None:
        if self.value_wrapped is not None:
            return self.value_wrapped
        return self.value or None  # proto3 cannot tell "" from absent in field 3


def ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def contact_payload(contact: Contact) -> pb.ContactPayloadResponse:
    return pb.ContactPayloadResponse(
        id=contact.id,
        name=contact.name,
        type=pb.ContactType.CONTACT_TYPE_PERSONAL,
        friend=contact.friend,
        weixin=contact.id,
    )


def room_payload(room: Room) -> pb.RoomPayloadResponse:
    return pb.RoomPayloadResponse(
        id=room.id,
        topic=room.topic,
        owner_id=room.owner_id,
        admin_ids=sorted(room.admin_ids),
        member_ids=list(room.member_ids),
    )


def room_member_payload(room: Room, contact: Contact) -> pb.RoomMemberPayloadResponse:
    return pb.RoomMemberPayloadResponse(
        id=contact.id,
        name=contact.name,
        room_alias=room.nicknames.get(contact.id, ""),
        inviter_id=room.inviters.get(contact.id, ""),
    )


def message_payload(msg: SimMessage) -> pb.MessagePayloadResponse:
    return pb.MessagePayloadResponse(
        id=msg.id,
        filename=msg.filename or "",
        text=msg.text,
        timestamp=ms(msg.timestamp),
        type=TS_MESSAGE_TYPE.get(msg.kind, 0),  # type: ignore[arg-type]
        from_id=msg.sender_id,
        room_id=msg.room_id or "",
        to_id=msg.to_id or "",
        mention_ids=list(msg.mention_ids),
    )


def url_link_json(msg: SimMessage) -> str:
    return json.dumps(
        {"url": msg.url or "", "title": msg.title or msg.text, "description": msg.description or "",
         "thumbnailUrl": ""},
        ensure_ascii=False,
    )


def mini_program_json(msg: SimMessage) -> str:
    return json.dumps(
        {
            "appid": "wx0000000000000000",
            "title": msg.title or msg.text,
            "pagePath": msg.url or "",
            "description": msg.description or msg.title or msg.text,
            "username": "gh_000000000000@app",
        },
        ensure_ascii=False,
    )


def file_box_json(name: str, data: bytes | None = None) -> str:
    """A Base64 FileBox (boxType 1), the form the SDK's FileBox.from_json understands."""
    content = base64.b64encode(data).decode() if data is not None else PNG_1X1
    return json.dumps({"boxType": 1, "name": name, "base64": content, "metadata": {}})


def file_box_name(file_box: str) -> str:
    try:
        return str(json.loads(file_box).get("name") or "file.dat")
    except (ValueError, AttributeError):
        return "file.dat"


def parse_link(url_link: str) -> tuple[str, str]:
    """(title, url) from a MessageSendUrl payload (a UrlLinkPayload as JSON)."""
    try:
        data = json.loads(url_link)
    except ValueError:
        return url_link, url_link
    if not isinstance(data, dict):
        return url_link, url_link
    return str(data.get("title") or data.get("url") or ""), str(data.get("url") or "")
