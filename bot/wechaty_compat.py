"""Run-time fixes for the unmaintained Python Wechaty SDK.

PyPI ``wechaty`` 0.10.7 / ``wechaty-puppet-service`` 0.8.10 (the last releases, 2022) need
a handful of fixes on current Pythons and against the current (1.x) puppet-service gateways.
They all live here, as idempotent functions, so that the adapter (bot.wechaty_adapter) is the
only place that depends on SDK internals and every fix has a test that fails when it stops
applying (tests/test_wechaty_compat.py).

Call :func:`apply_all` before the first ``import wechaty``: two fixes must run before it
(Python >= 3.11 refuses to import the SDK otherwise, and the SDK creates a cache directory
at import time).

Every wire fix sends and reads both the old (wechaty-grpc 0.20, ``StringValue`` wrapper) and
the new (wechaty-grpc 1.x, ``optional string``) field numbers, so it keeps working against
0.x gateways too.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import importlib.util
import json
import logging
import os
import socket
import ssl
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Optional

import betterproto

log = logging.getLogger(__name__)

_FIXES_ATTR = "__qunguan_fixes__"
_TLS_ATTR = "_qunguan_ssl_context"
_START_TIMEOUT_ATTR = "_qunguan_start_timeout"

#: Start (with the connect and HTTP/2 handshake before it) fails after this many seconds.
START_TIMEOUT = 10.0
#: HTTP/2 keepalive: ping after this much silence, give the connection up if no answer in ...
KEEPALIVE_TIME = 10.0
KEEPALIVE_TIMEOUT = 10.0
_originals: dict[tuple[int, str], Any] = {}
_cache_dir: Path | None = None  # one per process: the SDK's config is process-global
_config_patched = False

#: 1.x gateways send files larger than this as a UUID FileBox that must be downloaded.
FILE_PASS_THROUGH_LIMIT = 20 * 1024
# An image or file the bot downloads from the gateway (the QR check reads images): larger ones
# are refused while streaming, so a hostile 1 GB "image" never sits in memory.
MAX_DOWNLOAD_BYTES = 8 * 1024 * 1024


class FileTooLarge(ValueError):
    pass


def file_box_bytes(file_box: Any, max_bytes: int | None = None) -> bytes:
    """The content of a FileBox the gateway sent (Base64 or streamed, see fix_file_download).
    URL and QR boxes are not fetched: the bot talks to its gateway only."""
    max_bytes = MAX_DOWNLOAD_BYTES if max_bytes is None else max_bytes
    encoded = getattr(file_box, "base64", None)
    if not encoded:
        raise ValueError(f"file box of type {getattr(file_box, 'boxType', '?')} carries no data")
    if len(encoded) > (max_bytes * 4) // 3 + 4:
        raise FileTooLarge(f"file over {max_bytes} bytes")
    return base64.b64decode(encoded)


def _install(owner: Any, name: str, fix_id: str, make: Callable[[Any], Any]) -> None:
    """Replace ``owner.name`` with ``make(current)`` unless fix_id is already applied.

    Replacements remember which fixes they carry, so wrapping twice is a no-op and several
    fixes may wrap the same attribute."""
    current = getattr(owner, name)
    applied: frozenset[str] = getattr(current, _FIXES_ATTR, frozenset())
    if fix_id in applied:
        return
    _originals.setdefault((id(owner), name), current)
    replacement = make(current)
    setattr(replacement, _FIXES_ATTR, applied | {fix_id})
    setattr(owner, name, replacement)


def original(owner: Any, name: str) -> Any:
    """The SDK's own ``owner.name`` before any fix here replaced it (for tests)."""
    return _originals.get((id(owner), name), getattr(owner, name))


def is_applied(owner: Any, name: str, fix_id: str) -> bool:
    return fix_id in getattr(getattr(owner, name), _FIXES_ATTR, frozenset())


# --------------------------------------------------------------------------- import-time fixes


def fix_dataclass_default() -> None:
    """Python >= 3.11 rejects ``puppet_options: PuppetOptions = PuppetOptions()`` in the SDK's
    ``WechatyOptions`` dataclass ("mutable default ... use default_factory") because
    PuppetOptions is an unhashable dataclass. Making it hashable by identity is enough."""
    import wechaty_puppet.schemas.puppet as puppet_schema

    puppet_schema.PuppetOptions.__hash__ = object.__hash__  # type: ignore[assignment]


def shim_telnetlib() -> None:
    """Python >= 3.13 removed telnetlib; wechaty_puppet_service.utils imports Telnet at
    module level for its endpoint ping. Provide just enough of it."""
    missing = ("telnetlib" in sys.modules and sys.modules["telnetlib"] is None) or (
        "telnetlib" not in sys.modules and importlib.util.find_spec("telnetlib") is None
    )
    if missing:
        shim = types.ModuleType("telnetlib")

        class Telnet:
            """The one method ping_endpoint() uses."""

            def open(self, host: str, port: int = 23, timeout: float = 3) -> None:
                socket.create_connection((host, port), timeout=timeout).close()

        shim.Telnet = Telnet  # type: ignore[attr-defined]
        sys.modules["telnetlib"] = shim


class _Unused:
    """Stands in for every name the SDK imports from a web/GitHub library it only uses in code
    the bot never runs (the plugin web server, GitHub link previews). Constructing or calling
    it gives another stand-in, so class bodies and __init__s that merely build such objects
    still work; anything that really needs the library fails loudly on first use."""

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        pass

    def __call__(self, *args: Any, **_kwargs: Any) -> Any:
        if len(args) == 1 and callable(args[0]) and not _kwargs:
            return args[0]  # used as a decorator: keep the function
        return _Unused()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Unused()


def _cors(app: Any, *_args: Any, **_kwargs: Any) -> Any:
    return app


#: Modules the SDK imports at import time only for its plugin web server (Quart), GitHub
#: URL-link previews (PyGithub) and fetching a web page's title for a link card it would send
#: (opengraph_py3, with BeautifulSoup and lxml: 6 MB): about 46 MB and 0.4 s the bot never
#: uses (it sends no link cards).
_UNUSED_SDK_MODULES: dict[str, tuple[str, ...]] = {
    "opengraph_py3": ("OpenGraph",),
    "quart": ("Quart", "request", "send_file", "Response", "jsonify"),
    "quart_cors": ("cors",),
    "github": ("Github",),
    "github.Repository": ("Repository",),
    "github.PullRequest": ("PullRequest",),
    "github.PullRequestComment": ("PullRequestComment",),
    "github.Issue": ("Issue",),
    "github.IssueComment": ("IssueComment",),
}
_STUB_ATTR = "__qunguan_unused_stub__"

#: Modules the SDK imports at import time for code paths the bot does not run: fetching a URL
#: FileBox or a link card's avatar (requests, with urllib3, charset_normalizer, idna: ~8 MB
#: and ~85 ms) and drawing a QR FileBox or a terminal QR code (qrcode, which pulls Pillow). The
#: bot reads files from its gateway only (file_box_bytes) and draws its login QR itself. Unlike
#: the stand-ins above these are the real libraries, imported on first use (_LazyModule).
#: Each with the names the SDK takes from it at import time ("from urllib3 import get_host" for
#: link cards): those become functions that import the module when called.
_LAZY_SDK_MODULES: dict[str, tuple[str, ...]] = {
    "requests": (), "requests.exceptions": (), "qrcode": (), "urllib3": ("get_host",),
}


def _forwarder(module_name: str, name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module_name), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


class _LazyModule(types.ModuleType):
    """Stands in for a module the SDK imports but seldom uses: the first attribute read imports
    the real module and hands on from then on, so a code path that does use it still works."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        module_name = self.__name__
        if sys.modules.get(module_name) is self:
            del sys.modules[module_name]  # while the SDK is still being imported
        return getattr(importlib.import_module(module_name), name)


@contextlib.contextmanager
def _sdk_modules_imported_lazily() -> Iterator[None]:
    """While the SDK is imported (wechaty_puppet's FileBox is imported by the first fix, before
    wechaty itself), the modules in _LAZY_SDK_MODULES are _LazyModule stand-ins; then they are
    taken out of sys.modules again: the SDK keeps its references, and anything else in the
    process that imports requests or qrcode gets the real library."""
    installed: list[str] = []
    for name, callables in _LAZY_SDK_MODULES.items():
        if name in sys.modules:
            continue
        lazy = _LazyModule(name)
        setattr(lazy, _STUB_ATTR, True)
        for attr in callables:
            setattr(lazy, attr, _forwarder(name, attr))
        sys.modules[name] = lazy
        installed.append(name)
    try:
        yield
    finally:
        for name in installed:
            if getattr(sys.modules.get(name), _STUB_ATTR, False):
                del sys.modules[name]


def _import_sdk_without_unused_modules() -> None:
    """Import wechaty with stand-ins for the modules in _UNUSED_SDK_MODULES, then take the
    stand-ins out of sys.modules again: the SDK keeps its references, and anything else in
    the process that imports quart or github later gets the real library."""
    installed: list[str] = []
    for name, attrs in _UNUSED_SDK_MODULES.items():
        if name in sys.modules:
            continue
        module = types.ModuleType(name)
        setattr(module, _STUB_ATTR, True)
        for attr in attrs:
            setattr(module, attr, _cors if attr == "cors" else _Unused)
        if "." not in name:
            module.__path__ = []  # a package, so "from github.Issue import Issue" resolves
        sys.modules[name] = module
        installed.append(name)
    try:
        import wechaty  # noqa: F401
    finally:
        for name in installed:
            if getattr(sys.modules.get(name), _STUB_ATTR, False):
                del sys.modules[name]


def use_cache_dir(path: str | os.PathLike[str]) -> Path:
    """Keep the SDK's caches out of the current directory.

    The SDK writes under ``$CACHE_DIR`` (default ``.wechaty`` in the cwd) and already creates
    it while being imported (a class attribute evaluates ``config.cache_dir``). Before the
    import we point ``CACHE_DIR`` at ``path`` only for the import itself; afterwards the
    config property is redirected, so no process-wide environment change is left behind."""
    global _cache_dir, _config_patched
    target = Path(path).resolve()
    target.mkdir(parents=True, exist_ok=True)
    _cache_dir = target
    if "wechaty" not in sys.modules:
        previous = os.environ.get("CACHE_DIR")
        os.environ["CACHE_DIR"] = str(target)
        try:
            _import_sdk_without_unused_modules()
        finally:
            if previous is None:
                os.environ.pop("CACHE_DIR", None)
            else:
                os.environ["CACHE_DIR"] = previous
    elif not _config_patched:
        log.warning(
            "wechaty was imported before its cache dir was set; import-time defaults may "
            "point at $CACHE_DIR or .wechaty"
        )
    from wechaty import config as wechaty_config
    from wechaty import plugin

    def cache_dir(_self: Any) -> str:
        assert _cache_dir is not None
        _cache_dir.mkdir(parents=True, exist_ok=True)
        return str(_cache_dir)

    wechaty_config.Config.cache_dir = property(cache_dir)  # type: ignore[assignment,method-assign]
    plugin.WechatySchedulerMixin.scheduler_db_file = str(target / "job.db")
    _config_patched = True
    return target


# --------------------------------------------------------------------------- wire: field drift


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _string_field(number: int, value: str) -> bytes:
    data = value.encode()
    return _varint(number << 3 | 2) + _varint(len(data)) + data


class _SetOrGetRequest:
    """RoomAnnounce / RoomTopic / ContactAlias request, hand-encoded.

    Field 1: id. Field 2: the 0.x ``StringValue`` wrapper. Field 3: the 1.x ``optional
    string``. The 1.x server decides set-or-get on the presence of field 3 only, so the SDK
    (which sends field 2 only) turns every set into a silent get. Encoding by hand lets an
    empty string be sent as present (betterproto 1.x drops empty strings)."""

    def __init__(self, obj_id: str, value: str | None) -> None:
        self.obj_id = obj_id
        self.value = value

    def SerializeToString(self) -> bytes:  # the name grpclib's codec calls
        out = _string_field(1, self.obj_id)
        if self.value is not None:
            out += _varint(2 << 3 | 2) + _varint(len(_string_field(1, self.value)))
            out += _string_field(1, self.value)
            out += _string_field(3, self.value)
        return out


@dataclass(eq=False, repr=False)
class _SetOrGetResponse(betterproto.Message):
    """Field 1: the 0.x StringValue wrapper; field 2: the 1.x plain string."""

    # typing.Optional, not "str | None": betterproto 1.2 inspects the annotation.
    value_wrapped: Optional[str] = betterproto.message_field(1, wraps=betterproto.TYPE_STRING)  # noqa: UP045
    value: str = betterproto.string_field(2)


@dataclass(eq=False, repr=False)
class _DownloadRequest(betterproto.Message):
    id: str = betterproto.string_field(1)


@dataclass(eq=False, repr=False)
class _DownloadResponse(betterproto.Message):
    chunk: bytes = betterproto.bytes_field(1)


async def _set_or_get(stub: Any, path: str, obj_id: str, value: str | None) -> str | None:
    response = await stub._unary_unary(path, _SetOrGetRequest(obj_id, value), _SetOrGetResponse)
    if response.value_wrapped is not None:
        return str(response.value_wrapped)
    return str(response.value)


def fix_set_or_get_fields() -> None:
    """Room announcement, room topic and contact alias: send both fields, read both."""
    from wechaty_puppet.exceptions import WechatyPuppetGrpcError
    from wechaty_puppet_service.puppet import PuppetService

    def room_announce(_orig: Any) -> Any:
        async def room_announce(self: Any, room_id: str, announcement: str | None = None) -> str:
            text = await _set_or_get(self.puppet_stub, "/wechaty.Puppet/RoomAnnounce", room_id, announcement)
            return announcement if announcement is not None else (text or "")

        return room_announce

    def room_topic(_orig: Any) -> Any:
        async def room_topic(self: Any, room_id: str, new_topic: str) -> None:
            await _set_or_get(self.puppet_stub, "/wechaty.Puppet/RoomTopic", room_id, new_topic)

        return room_topic

    def contact_alias(_orig: Any) -> Any:
        async def contact_alias(self: Any, contact_id: str, alias: str | None = None) -> str | None:
            value = await _set_or_get(self.puppet_stub, "/wechaty.Puppet/ContactAlias", contact_id, alias)
            if alias is None and value is None:
                raise WechatyPuppetGrpcError(f"can't get contact<{contact_id}> alias")
            return value

        return contact_alias

    _install(PuppetService, "room_announce", "set_or_get_fields", room_announce)
    _install(PuppetService, "room_topic", "set_or_get_fields", room_topic)
    _install(PuppetService, "contact_alias", "set_or_get_fields", contact_alias)


# --------------------------------------------------------------------------- wire: downloads


def fix_uuid_file_download() -> None:
    """1.x gateways hand files over 20 KB to the client as a UUID FileBox (boxType 7) to be
    streamed with the Download RPC; the SDK's FileBox.from_json cannot read that type."""
    from wechaty_puppet import FileBox
    from wechaty_puppet_service.puppet import PuppetService

    async def file_box_from_json(puppet: Any, json_text: str) -> Any:
        obj = json.loads(json_text)
        box_type = obj.get("boxType", obj.get("type"))
        if box_type == 7:
            data = bytearray()
            async for response in puppet.puppet_stub._unary_stream(
                "/wechaty.Puppet/Download", _DownloadRequest(id=obj["uuid"]), _DownloadResponse
            ):
                data += response.chunk
                if len(data) > MAX_DOWNLOAD_BYTES:
                    raise FileTooLarge(f"download of {obj.get('name') or 'file'} over {MAX_DOWNLOAD_BYTES} bytes")
            file_box = FileBox.from_base64(base64.b64encode(bytes(data)), name=obj.get("name") or "file.dat")
            file_box.metadata = obj.get("metadata") or {}
            return file_box
        if "boxType" not in obj and "type" in obj:
            obj["boxType"] = obj["type"]
        return FileBox.from_json(obj)

    def message_image(_orig: Any) -> Any:
        async def message_image(self: Any, message_id: str, image_type: int = 3) -> Any:
            response = await self.puppet_stub.message_image(id=message_id, type=image_type)
            return await file_box_from_json(self, response.filebox)

        return message_image

    def message_file(_orig: Any) -> Any:
        async def message_file(self: Any, message_id: str) -> Any:
            response = await self.puppet_stub.message_file(id=message_id)
            return await file_box_from_json(self, response.filebox)

        return message_file

    _install(PuppetService, "message_image", "uuid_file_download", message_image)
    _install(PuppetService, "message_file", "uuid_file_download", message_file)


# --------------------------------------------------------------------------- wire: hot payloads

_STRING, _STRINGS, _UINT = "string", "strings", "uint"
_VARINT_TYPES = frozenset({"enum", "uint32", "uint64"})


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    # A protobuf varint is at most ten bytes; a reply cut short (or garbage) must be refused
    # with the same ValueError as any other malformed reply, not an IndexError from deep inside.
    for at in range(pos, min(pos + 10, len(data))):
        byte = data[at]
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, at + 1
        shift += 7
    raise ValueError("truncated or overlong varint")


class FlatMessage:
    """A flat protobuf message (strings, repeated strings, unsigned ints and enums), encoded
    and decoded by hand. Each message of a group costs one MessagePayload and usually one
    RoomMemberPayload round trip, and the event stream one EventResponse: betterproto's
    generic parse and its __setattr__ bookkeeping were about a tenth of the adapter's CPU per
    message (py-spy on bench.load). Built from the SDK's own message classes (flat_message),
    so field numbers and defaults are the SDK's; unknown fields (newer gateways) are skipped
    as betterproto skips them. Values read as betterproto reads them: enums as plain ints."""

    __slots__ = ()
    _fields: ClassVar[dict[int, tuple[str, str]]] = {}  # field number -> (attribute, kind)
    _order: ClassVar[tuple[tuple[int, str, str], ...]] = ()

    def __init__(self, **values: Any) -> None:
        for _, name, kind in self._order:
            setattr(self, name, [] if kind == _STRINGS else 0 if kind == _UINT else "")
        for name, value in values.items():
            setattr(self, name, value)

    @classmethod
    def FromString(cls, data: bytes) -> Any:  # the name grpclib's codec calls
        message = cls()
        fields = cls._fields
        pos, end = 0, len(data)
        while pos < end:
            key, pos = _read_varint(data, pos)
            number, wire = key >> 3, key & 7
            value: Any
            if wire == 0:
                value, pos = _read_varint(data, pos)
            elif wire == 2:
                length, pos = _read_varint(data, pos)
                value, pos = data[pos : pos + length], pos + length
            elif wire == 1 or wire == 5:
                value, pos = None, pos + (8 if wire == 1 else 4)
            else:
                raise ValueError(f"{cls.__name__}: unsupported wire type {wire} (field {number})")
            if pos > end:
                raise ValueError(f"{cls.__name__}: truncated at field {number}")
            spec = fields.get(number)
            if spec is None:
                continue  # a field this SDK does not know
            name, kind = spec
            if kind == _UINT and wire == 0:
                setattr(message, name, value)
            elif kind == _STRING and wire == 2:
                setattr(message, name, value.decode())
            elif kind == _STRINGS and wire == 2:
                getattr(message, name).append(value.decode())
            else:
                raise ValueError(f"{cls.__name__}: field {number} ({name}) came with wire type {wire}")
        return message

    def SerializeToString(self) -> bytes:  # the name grpclib's codec calls
        out = bytearray()
        for number, name, kind in self._order:
            value = getattr(self, name)
            if kind == _UINT:
                if value:  # proto3: defaults are not sent
                    out += _varint(number << 3) + _varint(int(value))
            else:
                for text in value if kind == _STRINGS else [value]:
                    if text or kind == _STRINGS:
                        out += _string_field(number, text)
        return bytes(out)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for _, n, _ in self._order)})"


def flat_message(sdk_type: Any) -> type[FlatMessage]:
    """A FlatMessage with the fields of one of the SDK's betterproto message classes; a class
    with any other kind of field (a nested message, a map, a signed int) is refused."""
    import dataclasses

    blank = sdk_type()
    order = []
    for item in dataclasses.fields(sdk_type):
        meta = item.metadata["betterproto"]
        repeated = isinstance(getattr(blank, item.name), list)
        if meta.proto_type == "string" and not meta.wraps:
            kind = _STRINGS if repeated else _STRING
        elif meta.proto_type in _VARINT_TYPES and not repeated:
            kind = _UINT
        else:
            raise TypeError(f"{sdk_type.__name__}.{item.name} is not a flat field ({meta.proto_type})")
        order.append((meta.number, item.name, kind))
    return type(sdk_type.__name__, (FlatMessage,), {
        "__slots__": tuple(name for _, name, _ in order),
        "_fields": {number: (name, kind) for number, name, kind in order},
        "_order": tuple(order),
        "__module__": __name__,
    })


def fix_hot_payloads() -> None:
    """MessagePayload, RoomMemberPayload (once per group message each) and the Event stream
    through FlatMessage instead of betterproto, and as bot.wechaty_rpc's lean calls instead of
    betterproto's stub and grpclib's Stream. Same RPCs, same bytes on
    the wire, same attributes read (message types still mapped by the SDK's
    _map_message_type)."""
    import wechaty_puppet_service.puppet as puppet_module
    from wechaty_grpc.wechaty import PuppetStub
    from wechaty_grpc.wechaty import puppet as pb
    from wechaty_puppet_service.puppet import PuppetService

    from bot.wechaty_rpc import stream_call, unary_call

    message_request, message_response = flat_message(pb.MessagePayloadRequest), flat_message(pb.MessagePayloadResponse)
    member_request, member_response = (flat_message(pb.RoomMemberPayloadRequest),
                                       flat_message(pb.RoomMemberPayloadResponse))
    event_request, event_response = flat_message(pb.EventRequest), flat_message(pb.EventResponse)

    def message_payload(_orig: Any) -> Any:
        async def message_payload(self: Any, message_id: str) -> Any:
            response = await unary_call(self.puppet_stub.channel, "/wechaty.Puppet/MessagePayload",
                                        message_request(id=message_id), message_response)
            return puppet_module._map_message_type(response)  # looked up now: fixes apply

        return message_payload

    def room_member_payload(_orig: Any) -> Any:
        async def room_member_payload(self: Any, room_id: str, contact_id: str) -> Any:
            return await unary_call(self.puppet_stub.channel, "/wechaty.Puppet/RoomMemberPayload",
                                    member_request(id=room_id, member_id=contact_id), member_response)

        return room_member_payload

    def event(_orig: Any) -> Any:
        async def event(self: Any) -> Any:
            async for response in stream_call(self.channel, "/wechaty.Puppet/Event", event_request(), event_response):
                yield response

        return event

    _install(PuppetService, "message_payload", "hot_payloads", message_payload)
    _install(PuppetService, "room_member_payload", "hot_payloads", room_member_payload)
    _install(PuppetStub, "event", "hot_payloads", event)


# --------------------------------------------------------------------------- payload caches


# How many closed streams h2 remembers per connection, to tell a late frame on one (ignored)
# from a protocol error. h2 keeps 65,536 (~9 MB of OrderedDict entries once the bot has made
# that many RPCs, two per group message: bench.load --trace-memory); nghttp2 keeps about as
# many as may be open at once. Our calls are short and at most a few hundred run at once, so
# a late frame for a stream closed thousands of RPCs ago does not happen.
H2_CLOSED_STREAMS = 4096


def fix_h2_closed_streams() -> None:
    """Bound h2's record of closed streams to H2_CLOSED_STREAMS (class attribute, read when a
    connection is made: every gRPC connection in this process)."""
    from h2.connection import H2Connection

    H2Connection.MAX_CLOSED_STREAMS = min(H2Connection.MAX_CLOSED_STREAMS, H2_CLOSED_STREAMS)


class _LazyRepr:
    """A frame's repr made only if a log line is written (str() of this)."""

    __slots__ = ("_of",)

    def __init__(self, of: Any) -> None:
        self._of = of

    def __str__(self) -> str:
        return repr(self._of)

    __repr__ = __str__


def fix_h2_eager_repr() -> None:
    """h2 formats every frame it receives for a trace log line that its default logger drops
    (``logger.trace("Received frame: %s", repr(frame))``): 4-5 us per frame (hyperframe's
    flag sets and data previews), three frames per RPC and one per event, a couple of per
    cent of the bot's CPU per message. ``repr`` is looked up in h2.connection's globals before
    the builtins, and that call is its only use there: a lazy one takes its place, so a
    logger that does write (h2's OutputLogger) still prints the frame."""
    import h2.connection

    h2.connection.repr = _LazyRepr  # type: ignore[attr-defined]


def fix_room_force_sync() -> None:
    """Room.ready(force_sync=True) returns early whenever a payload is cached, so the SDK's
    own refreshes (after delete/add/announce, on room-leave) never refresh anything."""
    from wechaty.user.room import Room

    def ready(orig: Any) -> Any:
        async def ready(self: Any, force_sync: bool = False, load_members: bool = False) -> None:
            if force_sync:
                self._payload = None
            await orig(self, force_sync=False, load_members=load_members)

        return ready

    _install(Room, "ready", "room_force_sync", ready)


def fix_payload_pools() -> None:
    """The SDK keeps one class-level object pool per user type (Room._pool, Contact._pool,
    Tag._pool) shared by every Wechaty instance. A Room loaded before a reconnect stays bound
    to the dead puppet, and two bots in one process share objects. Give each bound subclass
    that Wechaty.init_puppet() creates its own pool."""
    from wechaty import Wechaty

    def init_puppet(orig: Any) -> Any:
        async def init_puppet(self: Any) -> None:
            await orig(self)
            for cls in (self.Contact, self.ContactSelf, self.Room, self.Tag):
                cls._pool = {}
            # ContactSelf.load() must see the contacts Contact.load() created.
            self.ContactSelf._pool = self.Contact._pool

        return init_puppet

    _install(Wechaty, "init_puppet", "payload_pools", init_puppet)


def fix_room_cache_invalidation() -> None:
    """room-join / room-leave / room-topic events change a room, but the SDK keeps serving
    the cached Room payload (members, topic) after them; it also ignores the gateway's dirty
    events. Drop the cached payload when such an event arrives, before anyone handles it."""
    from wechaty import Wechaty

    def init_puppet(orig: Any) -> Any:
        async def init_puppet(self: Any) -> None:
            await orig(self)
            pool = self.Room._pool

            def invalidate(payload: Any) -> None:
                room = pool.get(getattr(payload, "room_id", None))
                if room is not None:
                    room._payload = None

            for event in ("room-join", "room-leave", "room-topic"):
                self.puppet.on(event, invalidate)

        return init_puppet

    _install(Wechaty, "init_puppet", "room_cache_invalidation", init_puppet)


# --------------------------------------------------------------------------- events


def fix_heartbeat_event() -> None:
    """PuppetService emits 'heartbeat' but Wechaty (and PUPPET_EVENT_DICT) listen for
    'heart-beat', so heartbeats never reach the bot. Emit both names."""
    from wechaty_puppet_service.puppet import PuppetService

    def init(orig: Any) -> Any:
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            orig(self, *args, **kwargs)
            emit = self._event_stream.emit

            def emit_with_alias(event: str, *event_args: Any, **event_kwargs: Any) -> bool:
                handled = bool(emit(event, *event_args, **event_kwargs))
                if event == "heartbeat":
                    handled = bool(emit("heart-beat", *event_args, **event_kwargs)) or handled
                return handled

            self._event_stream.emit = emit_with_alias

        return __init__

    _install(PuppetService, "__init__", "heartbeat_event", init)


def fix_message_type_range() -> None:
    """The SDK maps the gateway's message type through a 16-entry list and raises IndexError
    for newer types (1.x: Post, Channel, ...), which loses the message. Map them to
    MESSAGE_TYPE_UNSPECIFIED instead."""
    import wechaty_puppet_service.puppet as puppet_module
    from wechaty_grpc.wechaty.puppet import MessageType

    def map_message_type(orig: Any) -> Any:
        def _map_message_type(payload: Any) -> Any:
            if isinstance(payload.type, int) and not 0 <= int(payload.type) <= 15:
                payload.type = MessageType.MESSAGE_TYPE_UNSPECIFIED
                return payload
            return orig(payload)

        return _map_message_type

    _install(puppet_module, "_map_message_type", "message_type_range", map_message_type)


def fix_event_payloads() -> None:
    """The SDK builds error, dong and ready payloads with ``Payload(**json)`` and a dataclass
    that requires exactly ``data``. 1.x gateways send error events as ``{"gerror": ...}``,
    0.31 gateways as ``{}``; either raises TypeError inside the event loop of
    PuppetService._listen_for_event, which ends the event stream (and loses what follows).
    Build them from whatever the gateway sent instead."""
    import wechaty_puppet_service.puppet as puppet_module

    def tolerant(name: str) -> Callable[[Any], Any]:
        def make(orig: Any) -> Any:
            def build(**fields: Any) -> Any:
                data = fields.get("data")
                if data is None:
                    rest = {k: v for k, v in fields.items() if k != "data"}
                    data = json.dumps(rest, ensure_ascii=False, default=str) if rest else ""
                elif not isinstance(data, str):
                    data = json.dumps(data, ensure_ascii=False, default=str)
                return orig(data=data)

            build.__name__ = name
            return build

        return make

    for name in ("EventErrorPayload", "EventDongPayload", "EventReadyPayload"):
        _install(puppet_module, name, "event_payloads", tolerant(name))


# --------------------------------------------------------------------------- connection


def configure_tls(puppet: Any, *, verify: bool = False, cafile: str | None = None) -> None:
    """Make this PuppetService open a TLS channel (the 1.x gateway's default) instead of
    plaintext. verify=False accepts the gateway's bundled self-signed 'insecure' cert."""
    context = ssl.create_default_context(cafile=cafile)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])
    setattr(puppet, _TLS_ATTR, context)


class CoalescingTransport:
    """The writes made within one turn of the event loop, sent with one socket send.

    grpclib writes each RPC's HEADERS and DATA frames with separate transport writes, and
    asyncio sends each write at once: two send() system calls per RPC, ~10% of the bot's CPU
    at 250 messages/s (py-spy on bench.load). Here they are gathered and sent once the turn
    ends (call_soon), together with every other RPC started in that turn: the frames leave
    in the same order, a turn later. Everything else is the real transport's."""

    def __init__(self, transport: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._scheduled = False
        self.sends = 0  # for tests and benchmarks

    def write(self, data: bytes) -> None:
        if not data:
            return
        self._pending.append(data)
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self.sends += 1
            self._transport.write(data)

    def close(self) -> None:
        self._flush()  # a GOAWAY or RST_STREAM written just before still goes out
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def fix_channel_setup() -> None:
    """Replace PuppetService._init_puppet:

    * an empty endpoint is an error: the SDK would instead make an HTTP request to
      api.chatie.io to look one up (network traffic we never allow);
    * no synchronous TCP "ping" of the endpoint (it blocks the event loop for up to 3 s;
      an unreachable gateway shows up on the first RPC anyway);
    * optional TLS channel (see configure_tls);
    * HTTP/2 keepalive pings, so a connection that silently died (blackholed traffic, a
      half-open TCP socket) fails the open streams within KEEPALIVE_TIME + KEEPALIVE_TIMEOUT
      instead of never (the SDK configures none)."""
    from grpclib.client import Channel, Handler
    from grpclib.config import Configuration
    from grpclib.protocol import H2Protocol
    from wechaty_grpc.wechaty import PuppetStub
    from wechaty_puppet.exceptions import WechatyPuppetConfigurationError
    from wechaty_puppet_service import puppet as puppet_module

    class CoalescingProtocol(H2Protocol):  # type: ignore[misc]
        def connection_made(self, transport: Any) -> None:
            coalescing: Any = CoalescingTransport(transport, asyncio.get_running_loop())
            super().connection_made(coalescing)

    class CoalescingChannel(Channel):  # type: ignore[misc]
        def _protocol_factory(self) -> H2Protocol:
            return CoalescingProtocol(Handler(), self._config, self._h2_config)

    def init_puppet(_orig: Any) -> Any:
        def _init_puppet(self: Any) -> None:
            endpoint = (self.options.end_point or "").strip()
            if not endpoint:
                raise WechatyPuppetConfigurationError(
                    "no puppet-service endpoint configured (expected host:port of the gateway); "
                    "refusing to look one up from api.chatie.io"
                )
            host, port = puppet_module.extract_host_and_port(endpoint)
            config = Configuration(
                _keepalive_time=KEEPALIVE_TIME,
                _keepalive_timeout=KEEPALIVE_TIMEOUT,
                _keepalive_permit_without_calls=True,
            )
            self.channel = CoalescingChannel(host=host, port=port, ssl=getattr(self, _TLS_ATTR, None),
                                             config=config)
            # The puppet-service gateway reads the token from the :authority header.
            self.channel._authority = self.options.token
            self._puppet_stub = PuppetStub(self.channel)

        return _init_puppet

    _install(puppet_module.PuppetService, "_init_puppet", "channel_setup", init_puppet)


class SessionHeldElsewhere(Exception):
    """The gateway refused our event stream with ALREADY_EXISTS: another client (a second
    bot instance, or a crashed one whose stream the gateway has not yet noticed) holds it."""


def set_start_timeout(puppet: Any, seconds: float) -> None:
    """Bound the Start RPC of this PuppetService (TCP connect + HTTP/2 handshake + Start)."""
    setattr(puppet, _START_TIMEOUT_ATTR, seconds)


def fix_start_without_stop() -> None:
    """PuppetService.start() sends a Stop RPC before Start. On a 1.x gateway whose puppet is
    logged in, Stop logs the real WeChat account out. So: Start + Event only, never Stop.

    * Start is bounded (set_start_timeout, default START_TIMEOUT): grpclib connects lazily,
      so this also bounds the TCP connect and HTTP/2 handshake; a gateway that accepts TCP
      and never answers must not hang start-up.
    * ALREADY_EXISTS on Event (another client holds the stream) raises SessionHeldElsewhere:
      the caller says so and retries later. Stop + Start would take the stream over, but Stop
      logs the account out on 1.x gateways, and it would fight a live second instance."""
    from grpclib.const import Status
    from grpclib.exceptions import GRPCError
    from wechaty_puppet_service.puppet import PuppetService

    def start(_orig: Any) -> Any:
        async def start(self: Any) -> None:
            self._init_puppet()
            timeout = getattr(self, _START_TIMEOUT_ATTR, START_TIMEOUT)
            try:
                await asyncio.wait_for(self.puppet_stub.start(), timeout)
            except TimeoutError:
                raise TimeoutError(
                    f"gateway {self.options.end_point} did not answer Start within {timeout:g}s"
                ) from None
            try:
                await self._listen_for_event()
            except GRPCError as error:
                if error.status != Status.ALREADY_EXISTS:
                    raise
                raise SessionHeldElsewhere(
                    f"gateway {self.options.end_point} already streams events to another client "
                    f"({error.message}); is a second bot instance running?"
                ) from error

        return start

    _install(PuppetService, "start", "start_without_stop", start)


def fix_plugin_server() -> None:
    """On login the SDK starts a Quart web server for its plugins (default 0.0.0.0:5000),
    fails login if the port is taken, and installs signal handlers that call sys.exit.
    Keep the plugin hooks and the scheduler, never the server."""
    from wechaty.plugin import WechatyPluginManager

    def start(_orig: Any) -> Any:
        async def start(self: Any) -> None:
            for plugin in self._plugins.values():
                plugin.set_bot(self._wechaty)
                await plugin.init_plugin(self._wechaty)
            if not self.scheduler.running:
                self.scheduler.start()

        return start

    _install(WechatyPluginManager, "start", "plugin_server", start)


_SDK_LOG_FORMAT = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"

# --------------------------------------------------------------------------- secrets in logs

_SECRETS: set[str] = set()
_REDACTED = "***"


def redact_in_logs(*secrets: str) -> None:
    """Never let these strings reach any log output, whatever the level. The gateway token is
    the HTTP/2 :authority of every RPC, so at DEBUG hpack logs it with each header block, and
    the SDK puts it in a warning; a filter on one logger would miss the others, so the
    redaction happens where every record is made (only records whose level is enabled)."""
    _SECRETS.update(s for s in secrets if s and len(s) >= 4)
    factory = logging.getLogRecordFactory()
    if getattr(factory, "_qunguan_redacting", False):
        return

    def redacting(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            text = record.getMessage()
        except Exception:  # a broken format: leave it to the handler to report
            return record
        if any(secret in text for secret in _SECRETS):
            for secret in _SECRETS:
                text = text.replace(secret, _REDACTED)
            record.msg, record.args = text, None
        return record

    redacting._qunguan_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting)



def fix_sdk_logging(level: int = logging.WARNING) -> None:
    """Every SDK module logger gets its own stderr handler, propagate=False and level INFO
    (each message's text is logged). Route them through the application's logging instead,
    at ``level``."""
    for logger in list(logging.root.manager.loggerDict.values()):
        if not isinstance(logger, logging.Logger) or logger.propagate:
            continue
        formats = {getattr(h.formatter, "_fmt", None) for h in logger.handlers}
        if logger.handlers and formats == {_SDK_LOG_FORMAT}:
            logger.handlers = []
            logger.propagate = True
            logger.setLevel(level)
    # PuppetService warns on every start that it will use the endpoint it was given: noise
    logging.getLogger("PuppetService").setLevel(max(level, logging.ERROR))


def apply_all(cache_dir: str | os.PathLike[str] | None = None) -> None:
    """Apply every fix. Call before the first ``import wechaty``; ``cache_dir`` is where the
    SDK may write its caches (default: a ``wechaty-cache`` directory in the system temp dir)."""
    shim_telnetlib()
    # the fixes import the SDK (wechaty_puppet first, wechaty_puppet_service last)
    with _sdk_modules_imported_lazily():
        fix_dataclass_default()
        if cache_dir is None and _cache_dir is None:
            import tempfile

            cache_dir = Path(tempfile.gettempdir()) / "qunguan-wechaty-cache"
        if cache_dir is not None:
            use_cache_dir(cache_dir)
        fix_set_or_get_fields()
        fix_uuid_file_download()
        fix_hot_payloads()
        fix_h2_closed_streams()
        fix_h2_eager_repr()
        fix_room_force_sync()
        fix_payload_pools()
        fix_room_cache_invalidation()
        fix_heartbeat_event()
        fix_message_type_range()
        fix_event_payloads()
        fix_channel_setup()
        fix_start_without_stop()
        fix_plugin_server()
        fix_sdk_logging()
