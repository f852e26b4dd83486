"""Every fix in bot.wechaty_compat: the SDK still misbehaves the way we patch (so a fix that
is no longer needed, or no longer applies, fails here), and the patched behaviour is right.
Wire fixes are checked on raw request bytes seen by a grpclib server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import inspect
import json
import logging
import shutil
import ssl
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import grpclib.const
import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Server

from bot import wechaty_compat as compat

compat.apply_all()

from wechaty import Wechaty, WechatyOptions  # noqa: E402
from wechaty.plugin import WechatyPluginManager  # noqa: E402
from wechaty.user.room import Room  # noqa: E402
from wechaty_grpc.wechaty import PuppetStub  # noqa: E402
from wechaty_grpc.wechaty.puppet import (  # noqa: E402
    EventResponse,
    EventType,
    MessagePayloadResponse,
    MessageType,
    RoomMemberPayloadResponse,
)
from wechaty_puppet import EventRoomJoinPayload, PuppetOptions  # noqa: E402
from wechaty_puppet.exceptions import WechatyPuppetConfigurationError  # noqa: E402
from wechaty_puppet.schemas.puppet import PUPPET_EVENT_DICT  # noqa: E402
from wechaty_puppet_service import puppet as puppet_module  # noqa: E402
from wechaty_puppet_service.puppet import PuppetService  # noqa: E402

# ----------------------------------------------------------------------------- helpers


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter (import-time fixes need one)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def proto_fields(data: bytes) -> dict[int, list[Any]]:
    """Decode protobuf wire format one level deep: field number -> values (ints or bytes)."""
    fields: dict[int, list[Any]] = {}
    i = 0

    def varint() -> int:
        nonlocal i
        shift = value = 0
        while True:
            byte = data[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while i < len(data):
        key = varint()
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            fields.setdefault(number, []).append(varint())
        elif wire_type == 2:
            length = varint()
            fields.setdefault(number, []).append(data[i : i + length])
            i += length
        else:
            raise ValueError(f"unexpected wire type {wire_type}")
    return fields


def string_value(text: str) -> bytes:
    """google.protobuf.StringValue wrapping text."""
    raw = text.encode()
    return bytes([0x0A, len(raw)]) + raw


class Raw:
    """A message type for grpclib that keeps the raw bytes."""

    def __init__(self, data: bytes = b"") -> None:
        self.data = data

    @classmethod
    def FromString(cls, data: bytes) -> Raw:
        return cls(data)

    def SerializeToString(self) -> bytes:
        return self.data


Reply = Callable[[bytes], Any]


class RecordingGateway:
    """A puppet-service stand-in: records (method, raw request) and answers with raw bytes.
    A reply function returns bytes (unary), a list of bytes (stream), or raises GRPCError."""

    def __init__(self, unary: dict[str, Reply], stream: dict[str, Reply]) -> None:
        self.unary, self.stream = unary, stream
        self.requests: list[tuple[str, bytes]] = []
        self.port = 0

    def methods(self) -> list[str]:
        return [m for m, _ in self.requests]

    def sent(self, method: str) -> list[bytes]:
        return [data for m, data in self.requests if m == method]

    def __mapping__(self) -> dict[str, grpclib.const.Handler]:
        def handler(method: str, reply: Reply, streaming: bool) -> grpclib.const.Handler:
            async def handle(stream: Any) -> None:
                request = await stream.recv_message()
                self.requests.append((method, request.data))
                answer = reply(request.data)
                for data in answer if streaming else [answer]:
                    await stream.send_message(Raw(data))

            cardinality = (
                grpclib.const.Cardinality.UNARY_STREAM if streaming else grpclib.const.Cardinality.UNARY_UNARY
            )
            return grpclib.const.Handler(handle, cardinality, Raw, Raw)

        mapping = {f"/wechaty.Puppet/{m}": handler(m, r, False) for m, r in self.unary.items()}
        mapping.update({f"/wechaty.Puppet/{m}": handler(m, r, True) for m, r in self.stream.items()})
        return mapping


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Any]]:
    servers: list[Server] = []

    async def start(
        unary: dict[str, Reply] | None = None,
        stream: dict[str, Reply] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> RecordingGateway:
        gateway = RecordingGateway(unary or {}, stream or {})
        server = Server([gateway])
        await server.start("127.0.0.1", 0, ssl=ssl_context)
        servers.append(server)
        gateway.port = server._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return gateway

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


def puppet_for(gateway: RecordingGateway) -> PuppetService:
    puppet = PuppetService(PuppetOptions(end_point=f"127.0.0.1:{gateway.port}", token="insecure_test"))
    puppet._init_puppet()
    return puppet


def close(puppet: PuppetService) -> None:
    if puppet.channel is not None:
        puppet.channel.close()


# ----------------------------------------------------------------------------- import-time fixes


@pytest.mark.skipif(sys.version_info < (3, 11), reason="only Python >= 3.11 rejects the default")
def test_sdk_import_needs_the_dataclass_fix(tmp_path: Path) -> None:
    unpatched = run_python("import wechaty", tmp_path)
    assert unpatched.returncode != 0 and "mutable default" in unpatched.stderr
    patched = run_python(
        """
        from bot import wechaty_compat
        wechaty_compat.fix_dataclass_default()
        import wechaty
        print(wechaty.WechatyOptions().puppet_options)
    """,
        tmp_path,
    )
    assert patched.returncode == 0, patched.stderr


def test_telnetlib_shim_lets_the_puppet_service_import_without_telnetlib(tmp_path: Path) -> None:
    code = """
        import socket, sys
        sys.modules["telnetlib"] = None  # what Python >= 3.13 looks like
        {fix}
        from wechaty_puppet_service.utils import ping_endpoint
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0)); s.listen()
            print(ping_endpoint("127.0.0.1:%d" % s.getsockname()[1]))
    """
    unpatched = run_python(code.format(fix=""), tmp_path)
    assert unpatched.returncode != 0 and "telnetlib" in unpatched.stderr
    patched = run_python(
        code.format(fix="from bot import wechaty_compat; wechaty_compat.shim_telnetlib()"), tmp_path
    )
    assert patched.returncode == 0, patched.stderr
    assert patched.stdout.strip() == "True"


def test_sdk_caches_go_to_the_given_directory_not_the_cwd(tmp_path: Path) -> None:
    plain, fixed = tmp_path / "plain", tmp_path / "fixed"
    plain.mkdir()
    fixed.mkdir()
    unpatched = run_python(
        """
        from bot import wechaty_compat
        wechaty_compat.fix_dataclass_default()
        import wechaty
    """,
        plain,
    )
    assert unpatched.returncode == 0, unpatched.stderr
    assert (plain / ".wechaty").is_dir()
    patched = run_python(
        f"""
        import os
        from bot import wechaty_compat
        wechaty_compat.apply_all(cache_dir={str(tmp_path / "cache")!r})
        from wechaty.config import config
        from wechaty.plugin import WechatySchedulerMixin
        print(config.cache_dir, WechatySchedulerMixin.scheduler_db_file, "CACHE_DIR" in os.environ)
    """,
        fixed,
    )
    assert patched.returncode == 0, patched.stderr
    assert list(fixed.iterdir()) == []
    cache = tmp_path / "cache"
    assert patched.stdout.split() == [str(cache), str(cache / "job.db"), "False"]


# ----------------------------------------------------------------------------- wire: field drift


async def test_announcement_set_sends_the_1x_field(serve: Callable[..., Any]) -> None:
    gateway = await serve(unary={"RoomAnnounce": lambda _req: b""})
    puppet = puppet_for(gateway)
    try:
        await compat.original(PuppetService, "room_announce")(puppet, "room1", "no ads")
        await puppet.room_announce("room1", "no ads")
        await puppet.room_announce("room1", "")
    finally:
        close(puppet)
    unpatched, patched, empty = (proto_fields(r) for r in gateway.sent("RoomAnnounce"))
    # The SDK only sends the 0.x wrapper: a 1.x gateway sees no field 3 and does a GET.
    assert unpatched == {1: [b"room1"], 2: [string_value("no ads")]}
    assert patched == {1: [b"room1"], 2: [string_value("no ads")], 3: [b"no ads"]}
    assert empty == {1: [b"room1"], 2: [string_value("")], 3: [b""]}


async def test_announcement_get_reads_the_1x_field(serve: Callable[..., Any]) -> None:
    one_x_reply = b"\x12\x05rules"  # field 2 (1.x string) only
    gateway = await serve(unary={"RoomAnnounce": lambda _req: one_x_reply})
    puppet = puppet_for(gateway)
    try:
        assert await compat.original(PuppetService, "room_announce")(puppet, "room1") == ""
        assert await puppet.room_announce("room1") == "rules"
    finally:
        close(puppet)
    assert all(3 not in proto_fields(r) for r in gateway.sent("RoomAnnounce"))  # a get stays a get


async def test_topic_and_contact_alias_sets_send_the_1x_field(serve: Callable[..., Any]) -> None:
    gateway = await serve(unary={"RoomTopic": lambda _req: b"", "ContactAlias": lambda _req: b"\x12\x02ok"})
    puppet = puppet_for(gateway)
    try:
        await compat.original(PuppetService, "room_topic")(puppet, "room1", "新群名")
        await puppet.room_topic("room1", "新群名")
        await compat.original(PuppetService, "contact_alias")(puppet, "c1", "备注")
        await puppet.contact_alias("c1", "备注")
        assert await puppet.contact_alias("c1") == "ok"
    finally:
        close(puppet)
    topic_before, topic_after = (proto_fields(r) for r in gateway.sent("RoomTopic"))
    assert 3 not in topic_before and topic_after[3] == ["新群名".encode()]
    alias_before, alias_after, alias_get = (proto_fields(r) for r in gateway.sent("ContactAlias"))
    assert 3 not in alias_before and alias_after[3] == ["备注".encode()]
    assert alias_get == {1: [b"c1"]}


# ----------------------------------------------------------------------------- wire: downloads


async def test_files_over_20kb_are_downloaded_by_uuid(serve: Callable[..., Any]) -> None:
    content = bytes(range(256)) * 120  # 30 KB
    assert len(content) > compat.FILE_PASS_THROUGH_LIMIT
    box = json.dumps({"type": 7, "uuid": "uuid-123", "name": "poster.png", "metadata": {}})
    filebox_reply = b"\x0a" + _varint(len(box)) + box.encode()  # MessageFileResponse.filebox (field 1)
    gateway = await serve(
        unary={"MessageFile": lambda _req: filebox_reply, "MessageImage": lambda _req: filebox_reply},
        stream={
            "Download": lambda _req: [
                b"\x0a" + _varint(15360) + content[:15360],
                b"\x0a" + _varint(15360) + content[15360:],
            ]
        },
    )
    puppet = puppet_for(gateway)
    try:
        with pytest.raises(Exception, match="box"):
            await compat.original(PuppetService, "message_file")(puppet, "m1")
        file_box = await puppet.message_file("m1")
        image = await puppet.message_image("m1")
    finally:
        close(puppet)
    assert file_box.name == "poster.png"
    assert base64.b64decode(file_box.base64) == content
    assert base64.b64decode(image.base64) == content
    assert [proto_fields(r) for r in gateway.sent("Download")] == [{1: [b"uuid-123"]}] * 2


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


# ----------------------------------------------------------------------------- connection


async def test_start_skips_the_stop_rpc(serve: Callable[..., Any]) -> None:
    heartbeat = EventResponse(type=EventType.EVENT_TYPE_HEARTBEAT, payload=json.dumps({"data": "hi"}))
    gateway = await serve(
        unary={"Start": lambda _req: b"", "Stop": lambda _req: b""},
        stream={"Event": lambda _req: [bytes(heartbeat)]},
    )
    unpatched = puppet_for(gateway)
    await compat.original(PuppetService, "start")(unpatched)
    close(unpatched)
    assert gateway.methods() == ["Stop", "Start", "Event"]  # the SDK logs a real account out first

    gateway.requests.clear()
    puppet = PuppetService(PuppetOptions(end_point=f"127.0.0.1:{gateway.port}", token="insecure_test"))
    beats: list[Any] = []
    puppet.on("heart-beat", beats.append)
    await puppet.start()  # returns when the event stream ends
    close(puppet)
    assert gateway.methods() == ["Start", "Event"]
    assert [b.data for b in beats] == ["hi"]  # heartbeat reaches 'heart-beat' listeners


async def test_already_exists_never_falls_back_to_stop(serve: Callable[..., Any]) -> None:
    """Stop logs the real account out on 1.x gateways: a second instance that meets
    ALREADY_EXISTS must say so and leave, not take the stream over with Stop + Start."""

    def event(_req: bytes) -> list[bytes]:
        raise GRPCError(Status.ALREADY_EXISTS, "GrpcServerImpl.event() can not call twice.")

    gateway = await serve(unary={"Start": lambda _req: b"", "Stop": lambda _req: b""}, stream={"Event": event})
    puppet = PuppetService(PuppetOptions(end_point=f"127.0.0.1:{gateway.port}", token="insecure_test"))
    with pytest.raises(compat.SessionHeldElsewhere, match="another client"):
        await puppet.start()
    close(puppet)
    assert gateway.methods() == ["Start", "Event"]


async def test_start_times_out_on_a_gateway_that_accepts_and_never_answers() -> None:
    """grpclib connects lazily and the SDK sets no deadline: a listener that accepts TCP and
    never speaks HTTP/2 hung Start (and the bot's start-up) forever."""
    accepted: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # keep the socket open, say nothing

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    puppet = PuppetService(PuppetOptions(end_point=f"127.0.0.1:{port}", token="insecure_test"))
    compat.set_start_timeout(puppet, 0.3)
    try:
        with pytest.raises(TimeoutError, match="did not answer Start"):
            await asyncio.wait_for(puppet.start(), 10)  # the outer bound only guards the test
        assert accepted
    finally:
        close(puppet)
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize(
    "payload",
    [{"gerror": '{"code":2,"message":"puppet lost its session"}'}, {}],
    ids=["1.x-gerror", "0.31-empty"],
)
async def test_error_events_do_not_end_the_event_stream(serve: Callable[..., Any], payload: dict[str, Any]) -> None:
    error = EventResponse(type=EventType.EVENT_TYPE_ERROR, payload=json.dumps(payload))
    message = EventResponse(type=EventType.EVENT_TYPE_MESSAGE, payload=json.dumps({"messageId": "m1"}))
    # the SDK itself builds EventErrorPayload(**json), which needs exactly "data"
    with pytest.raises((TypeError, ValueError)):
        compat.original(puppet_module, "EventErrorPayload")(**payload)
    gateway = await serve(
        unary={"Start": lambda _req: b""}, stream={"Event": lambda _req: [bytes(error), bytes(message)]}
    )
    puppet = PuppetService(PuppetOptions(end_point=f"127.0.0.1:{gateway.port}", token="insecure_test"))
    errors: list[Any] = []
    messages: list[Any] = []
    puppet.on("error", errors.append)
    puppet.on("message", messages.append)
    await puppet.start()  # returns when the stream ends: after the message, not at the error
    close(puppet)
    assert [m.message_id for m in messages] == ["m1"]
    assert len(errors) == 1 and isinstance(errors[0].data, str)
    if payload:
        assert "puppet lost its session" in errors[0].data


async def test_channel_has_http2_keepalive() -> None:
    puppet = PuppetService(PuppetOptions(end_point="127.0.0.1:1", token="t"))
    puppet._init_puppet()
    try:
        config = puppet.channel._config
        assert config._keepalive_time == compat.KEEPALIVE_TIME
        assert config._keepalive_permit_without_calls
    finally:
        close(puppet)


async def test_rpcs_started_in_one_turn_share_a_socket_send(serve: Callable[..., Any]) -> None:
    gateway = await serve(unary={"RoomAnnounce": lambda _req: b""})
    puppet = puppet_for(gateway)
    try:
        await puppet.room_announce("room0", "warm-up")  # connected, settings exchanged
        transport = puppet.channel._protocol.connection._transport
        assert isinstance(transport, compat.CoalescingTransport)
        before = transport.sends
        await asyncio.gather(*(puppet.room_announce(f"room{i}", "no ads") for i in range(1, 21)))
        # 20 RPCs, each a HEADERS and a DATA write: without coalescing 40 sends, here a handful
        assert 1 <= transport.sends - before < 10
    finally:
        close(puppet)
    assert len(gateway.sent("RoomAnnounce")) == 21  # every frame still arrived


# a 1.x gateway's MessagePayload carries fields this SDK does not know: receive_time (10, a
# Timestamp message), a varint and a fixed64 (skipped as betterproto skips them)
_NEWER_FIELDS = b"\x52\x06\x08\x80\xc2\xd7\xcb\x06" + b"\x58\x01" + b"\x61" + bytes(8)


@pytest.mark.parametrize(
    ("rpc", "call", "answer"),
    [
        ("MessagePayload", lambda p, sdk: sdk(p, "m1"),
         MessagePayloadResponse(id="m1", text="加我微信 abc123", timestamp=1_700_000_000_000, type=7,
                                from_id="wxid_a", room_id="r1@chatroom", mention_ids=["wxid_b", "wxid_c"])),
        ("MessagePayload", lambda p, sdk: sdk(p, "m2"),
         MessagePayloadResponse(id="m2", type=16, from_id="wxid_a", filename="报价单.xlsx")),
        ("RoomMemberPayload", lambda p, sdk: sdk(p, "r1@chatroom", "wxid_a"),
         RoomMemberPayloadResponse(id="wxid_a", room_alias="上海-电商-小A", name="Alice", inviter_id="wxid_o")),
        ("RoomMemberPayload", lambda p, sdk: sdk(p, "r1@chatroom", "wxid_gone"), RoomMemberPayloadResponse()),
    ],
    ids=["text-with-mentions", "newer-type-file", "member", "member-empty"],
)
async def test_hot_payloads_read_what_betterproto_read(
    serve: Callable[..., Any], rpc: str, call: Callable[..., Any], answer: Any
) -> None:
    """MessagePayload and RoomMemberPayload (each group message's reads) decoded by hand: the
    same request bytes, and the same values as the SDK's betterproto path gives (types still
    mapped by _map_message_type, unknown fields skipped)."""
    gateway = await serve(unary={rpc: lambda _req: bytes(answer) + _NEWER_FIELDS})
    puppet = puppet_for(gateway)
    name = {"MessagePayload": "message_payload", "RoomMemberPayload": "room_member_payload"}[rpc]
    try:
        fast = await call(puppet, getattr(PuppetService, name))
        sdk = await call(puppet, compat.original(PuppetService, name))
    finally:
        close(puppet)
    assert isinstance(fast, compat.FlatMessage) and not isinstance(sdk, compat.FlatMessage)
    fields = [f.name for f in dataclasses.fields(type(sdk))]
    assert {f: getattr(fast, f) for f in fields} == {f: getattr(sdk, f) for f in fields}
    first, second = gateway.sent(rpc)
    assert first == second  # the same request on the wire


async def test_the_event_stream_is_decoded_by_hand(serve: Callable[..., Any]) -> None:
    message = EventResponse(type=EventType.EVENT_TYPE_MESSAGE, payload=json.dumps({"messageId": "m1"}))
    gateway = await serve(unary={"Start": lambda _req: b""},
                          stream={"Event": lambda _req: [bytes(message) + _NEWER_FIELDS]})
    puppet = PuppetService(PuppetOptions(end_point=f"127.0.0.1:{gateway.port}", token="insecure_test"))
    messages: list[Any] = []
    puppet.on("message", messages.append)
    await puppet.start()
    close(puppet)
    assert [m.message_id for m in messages] == ["m1"]
    assert compat.is_applied(PuppetStub, "event", "hot_payloads")


def test_flat_messages_refuse_what_they_cannot_read() -> None:
    member = compat.flat_message(RoomMemberPayloadResponse)
    good = bytes(RoomMemberPayloadResponse(id="wxid_a", name="Alice"))
    assert member.FromString(good).name == "Alice"
    with pytest.raises(ValueError, match="truncated"):
        member.FromString(good[:-2])
    with pytest.raises(ValueError, match="wire type"):
        member.FromString(b"\x28\x01")  # name (5) sent as a varint
    with pytest.raises(ValueError, match="truncated"):
        member.FromString(b"\x0a\x85")  # a length varint cut off mid-way
    with pytest.raises(ValueError, match="truncated"):
        member.FromString(b"\x08")  # a key with no value
    with pytest.raises(ValueError, match="overlong"):
        member.FromString(b"\x08" + b"\xff" * 11)
    with pytest.raises(TypeError, match="not a flat field"):
        compat.flat_message(compat._SetOrGetResponse)  # a wrapped (message) field


#: the SDK imported with only the one fix it cannot be imported without (Python >= 3.11)
SDK_WITHOUT_FIXES = ("import sys\nimport wechaty_puppet.schemas.puppet as p\n"
                     "p.PuppetOptions.__hash__ = object.__hash__\nimport wechaty\n")


def sdk_prints(tmp_path: Path, code: str, fixed: bool = True) -> list[str]:
    """What code prints in a fresh interpreter after apply_all, the SDK's classes the adapter
    uses and a Wechaty bot (fixed), or after importing the SDK with SDK_WITHOUT_FIXES."""
    result = run_python((sdk_after_apply_all(tmp_path) if fixed else SDK_WITHOUT_FIXES) + code, tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()


def sdk_after_apply_all(tmp_path: Path) -> str:
    return (
        "import sys\n"
        "from bot import wechaty_compat\n"
        f"wechaty_compat.apply_all(cache_dir={str(tmp_path / 'cache')!r})\n"
        "from wechaty import Wechaty, WechatyOptions\n"
        "from wechaty_puppet import PuppetOptions\n"
        "from wechaty_puppet_service import PuppetService\n"
        "o = PuppetOptions(end_point='127.0.0.1:1', token='t')\n"
        "Wechaty(WechatyOptions(puppet=PuppetService(o), puppet_options=o, host='127.0.0.1', port=0))\n"
    )


def test_sdk_imports_without_quart_or_pygithub(tmp_path: Path) -> None:
    """The SDK imports Quart (plugin web server), PyGithub and opengraph_py3 (link previews, with
    BeautifulSoup and lxml) at import time; the bot uses none of them. After apply_all they stay
    out of sys.modules, a Wechaty bot still constructs, and a later import of quart elsewhere
    gets the real library."""
    lines = sdk_prints(tmp_path, (
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('quart', 'github', 'flask', 'opengraph_py3',"
        " 'bs4', 'lxml')))\n"
        "import quart\n"
        "print(quart.Quart.__module__)\n"
    ))
    assert lines[-2] == "[]"
    assert lines[-1] == "quart.app"
    # without the fix the SDK really pulls them in
    printed = "print('quart' in sys.modules, 'github' in sys.modules, 'lxml' in sys.modules)\n"
    assert sdk_prints(tmp_path, printed, fixed=False)[-1] == "True True True"


def test_sdk_imports_requests_and_qrcode_only_when_used(tmp_path: Path) -> None:
    """The SDK imports requests (with urllib3, charset_normalizer, idna) and qrcode (with Pillow)
    at import time, for URL and QR FileBoxes and link cards the bot never makes: ~8 MB at ready.
    After apply_all none of them is in sys.modules, and each SDK code path that uses one still
    gets the real library on first use."""
    modules = ("PIL", "charset_normalizer", "idna", "qrcode", "requests", "urllib3")
    heavy = repr(modules)
    imported = f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy})))\n"
    lines = sdk_prints(tmp_path, imported + (
        "import wechaty.wechaty, wechaty.user.url_link, wechaty_puppet.file_box.file_box as fb\n"
        "import wechaty_puppet_service.puppet as sp\n"
        "import requests, requests.exceptions, qrcode\n"
        "print(sp.requests.get is requests.get, fb.requests.get is requests.get,\n"
        "      wechaty.wechaty.requests.exceptions.ConnectionError is requests.exceptions.ConnectionError,\n"
        "      fb.qrcode.make is qrcode.make, wechaty.user.url_link.get_host('http://a.b:81/x'))\n"
    ))
    assert lines[-2] == "[]"
    assert lines[-1] == "True True True True ('http', 'a.b', 81)"
    # without the fix the SDK really pulls them in
    assert sdk_prints(tmp_path, imported, fixed=False)[-1] == str(list(modules))


def test_h2_remembers_a_bounded_number_of_closed_streams() -> None:
    """h2 keeps 65,536 closed streams per connection (~9 MB once the bot has made that many
    RPCs); every connection made after apply_all keeps at most H2_CLOSED_STREAMS."""
    from h2.config import H2Configuration
    from h2.connection import H2Connection

    connection = H2Connection(H2Configuration(client_side=True))
    assert connection._closed_streams._size_limit == compat.H2_CLOSED_STREAMS < 2**16
    connection.initiate_connection()
    for stream_id in range(1, 2 * (compat.H2_CLOSED_STREAMS + 100), 2):
        connection.send_headers(stream_id, [(":method", "POST"), (":path", "/x"), (":scheme", "http"),
                                            (":authority", "a")], end_stream=True)
        connection.reset_stream(stream_id)
    assert len(connection._closed_streams) == compat.H2_CLOSED_STREAMS


def test_h2_formats_a_received_frame_only_for_a_log_line_written() -> None:
    """h2 called repr() on every frame it received, for a trace line its default logger drops:
    now only a logger that writes formats it."""
    import io

    from h2.config import H2Configuration
    from h2.connection import H2Connection
    from hyperframe.frame import Frame

    calls = 0
    real = Frame.__repr__

    def counting(frame: Frame) -> str:
        nonlocal calls
        calls += 1
        return real(frame)

    def exchange(server_config: H2Configuration) -> None:
        client, server = H2Connection(H2Configuration(client_side=True)), H2Connection(server_config)
        client.initiate_connection()
        server.initiate_connection()
        client.send_headers(1, [(":method", "POST"), (":path", "/x"), (":scheme", "http"), (":authority", "a")])
        client.send_data(1, b"payload", end_stream=True)
        server.receive_data(client.data_to_send())

    Frame.__repr__ = counting  # type: ignore[method-assign]
    try:
        exchange(H2Configuration(client_side=False))
        assert calls == 0
        log = io.StringIO()
        from h2.config import OutputLogger

        exchange(H2Configuration(client_side=False, logger=OutputLogger(log, trace_level=True)))
        assert calls > 0 and "Received frame: DataFrame(stream_id=1" in log.getvalue()
    finally:
        Frame.__repr__ = real  # type: ignore[method-assign]


def test_heartbeat_event_name_mismatch_is_bridged() -> None:
    # The SDK's bridge listens for 'heart-beat'; its PuppetService emits 'heartbeat'.
    assert "heart-beat" in PUPPET_EVENT_DICT and "heartbeat" not in PUPPET_EVENT_DICT
    assert "emit('heartbeat'" in inspect.getsource(PuppetService._listen_for_event)
    puppet = PuppetService(PuppetOptions(end_point="127.0.0.1:1", token="t"))
    seen: list[str] = []
    puppet.on("heart-beat", lambda payload: seen.append(payload))
    puppet._event_stream.emit("heartbeat", "beat")
    assert seen == ["beat"]


def test_empty_endpoint_never_asks_chatie(monkeypatch: pytest.MonkeyPatch) -> None:
    requested: list[str] = []

    def no_network(url: str, *args: Any, **kwargs: Any) -> Any:
        requested.append(url)
        raise ConnectionError("network disabled in tests")

    monkeypatch.setattr(puppet_module.requests, "get", no_network)
    puppet = PuppetService(PuppetOptions(end_point=None, token="some-token"))
    puppet.options.end_point = ""
    with pytest.raises(ConnectionError):
        compat.original(PuppetService, "_init_puppet")(puppet)
    assert requested and "api.chatie.io" in requested[0]  # what the SDK does unpatched

    requested.clear()
    with pytest.raises(WechatyPuppetConfigurationError, match="endpoint"):
        puppet._init_puppet()
    assert requested == []


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
async def test_optional_tls_channel(serve: Callable[..., Any], tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=insecure",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.set_alpn_protocols(["h2"])
    gateway = await serve(unary={"Ding": lambda _req: b""}, ssl_context=context)

    plaintext = puppet_for(gateway)
    assert plaintext.channel is not None and plaintext.channel._ssl is None
    with pytest.raises(Exception):  # noqa: B017 (any failure: a TLS server rejects plaintext)
        await asyncio.wait_for(plaintext.ding("x"), 5)
    close(plaintext)

    puppet = PuppetService(PuppetOptions(end_point=f"127.0.0.1:{gateway.port}", token="insecure_test"))
    compat.configure_tls(puppet)
    puppet._init_puppet()
    try:
        await asyncio.wait_for(puppet.ding("x"), 5)
    finally:
        close(puppet)
    assert gateway.methods() == ["Ding"]


# ----------------------------------------------------------------------------- payload caches


class FakePuppet:
    def __init__(self) -> None:
        self.members = ["a"]
        self.fetches = 0

    async def room_payload(self, room_id: str) -> Any:
        self.fetches += 1
        return type("Payload", (), {"id": room_id, "topic": "t", "member_ids": list(self.members)})()


async def test_room_force_sync_refreshes_a_cached_payload() -> None:
    puppet = FakePuppet()
    bound = type("Room", (Room,), {"_puppet": puppet, "_wechaty": None, "abstract": False, "_pool": {}})
    room = bound.load("r1")
    await room.ready()
    puppet.members = ["a", "b"]
    await compat.original(Room, "ready")(room, force_sync=True)
    assert room.payload.member_ids == ["a"] and puppet.fetches == 1  # the SDK ignores force_sync
    await room.ready(force_sync=True)
    assert room.payload.member_ids == ["a", "b"] and puppet.fetches == 2


def new_bot() -> Wechaty:
    puppet = PuppetService(PuppetOptions(end_point="127.0.0.1:1", token="t"))
    return Wechaty(WechatyOptions(puppet=puppet, puppet_options=puppet.options))


async def test_each_bot_gets_its_own_payload_pools() -> None:
    first, second = new_bot(), new_bot()
    await compat.original(Wechaty, "init_puppet")(first)
    await compat.original(Wechaty, "init_puppet")(second)
    assert first.Room.load("r1") is second.Room.load("r1")  # the SDK shares one pool
    first, second = new_bot(), new_bot()
    await first.init_puppet()
    await second.init_puppet()
    room_a, room_b = first.Room.load("r2"), second.Room.load("r2")
    assert room_a is not room_b
    assert room_a.puppet is first.puppet and room_b.puppet is second.puppet
    assert first.ContactSelf.load("me") is first.Contact.load("me")


async def test_room_events_drop_the_cached_room_payload() -> None:
    def join() -> EventRoomJoinPayload:
        return EventRoomJoinPayload(invited_ids=["x"], inviter_id="y", room_id="r1", timestamp=1)

    unpatched = new_bot()
    await compat.original(Wechaty, "init_puppet")(unpatched)
    room = unpatched.Room.load("r1")
    room._payload = "cached"
    unpatched.puppet._event_stream.emit("room-join", join())
    assert room._payload == "cached"

    bot = new_bot()
    await bot.init_puppet()
    room = bot.Room.load("r1")
    for event in ("room-join", "room-leave", "room-topic"):
        room._payload = "cached"
        bot.puppet._event_stream.emit(event, join())
        assert room._payload is None, event


def test_unknown_message_types_do_not_raise() -> None:
    def payload(value: int) -> Any:
        return type("Payload", (), {"type": value})()

    with pytest.raises(IndexError):
        compat.original(puppet_module, "_map_message_type")(payload(16))
    assert puppet_module._map_message_type(payload(16)).type == MessageType.MESSAGE_TYPE_UNSPECIFIED
    assert puppet_module._map_message_type(payload(7)).type == MessageType.MESSAGE_TYPE_TEXT


# ----------------------------------------------------------------------------- process hygiene


async def test_plugin_web_server_never_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "run_task" in inspect.getsource(compat.original(WechatyPluginManager, "start"))
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    scheduler = AsyncIOScheduler(jobstores={"default": MemoryJobStore()})
    manager = WechatyPluginManager(new_bot(), ("127.0.0.1", 5000), scheduler_options=scheduler)
    served: list[Any] = []
    monkeypatch.setattr(manager.app, "run_task", lambda *a, **k: served.append(a))
    await manager.start()
    assert served == [] and scheduler.running
    scheduler.shutdown(wait=False)


def test_sdk_loggers_join_application_logging() -> None:
    from wechaty_puppet import get_logger

    probe = get_logger("qunguan-compat-probe")
    assert probe.propagate is False and probe.handlers  # what every SDK module logger looks like
    compat.fix_sdk_logging()
    for name in ("Wechaty", "Room", "qunguan-compat-probe"):
        logger = logging.getLogger(name)
        assert logger.propagate and not logger.handlers and logger.level == logging.WARNING
    service = logging.getLogger("PuppetService")  # its start-up warning is noise: errors only
    assert service.propagate and not service.handlers and service.level == logging.ERROR


def test_apply_all_is_idempotent() -> None:
    before = (
        PuppetService.room_announce,
        PuppetService.start,
        Wechaty.init_puppet,
        Room.ready,
        PuppetService.__init__,
        PuppetService._init_puppet,
        WechatyPluginManager.start,
    )
    compat.apply_all()
    compat.apply_all()
    after = (
        PuppetService.room_announce,
        PuppetService.start,
        Wechaty.init_puppet,
        Room.ready,
        PuppetService.__init__,
        PuppetService._init_puppet,
        WechatyPluginManager.start,
    )
    assert before == after
    assert compat.is_applied(Wechaty, "init_puppet", "payload_pools")
    assert compat.is_applied(Wechaty, "init_puppet", "room_cache_invalidation")
