"""The Wechaty adapter against the official Node puppet-service gateway (1.x) backed by the
official puppet mock (gateway/mock-gateway.mjs, driven over stdio): real SDK, real gRPC on
127.0.0.1. node_modules is installed from the committed lock file with `npm ci` when missing."""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import SystemClock
from bot.events import (
    ConnectionChanged,
    Event,
    LoggedIn,
    MemberJoined,
    MemberLeft,
    MessageKind,
    MessageReceived,
    TopicChanged,
)
from bot.platform import ErrorKind, PlatformError
from bot.wechaty_adapter import MENTION_SEPARATOR, WechatyAdapter

pytestmark = pytest.mark.interop

GATEWAY_DIR = Path(__file__).parent / "gateway"
TOKEN = "insecure_qunguan_interop"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def eventually(predicate: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds (a
    bound on a broken run: a busy machine only takes longer)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


class MockGateway:
    """One mock-gateway.mjs process: send it commands, read what the gateway's puppet saw."""

    def __init__(self, port: int | None, log_path: Path) -> None:
        # a port of our choosing (None) may be taken between free_port() and node binding it
        # (other test workers pick ports too): ready() then starts again on another one
        self._any_port = port is None
        self._log_path = log_path
        self.lines: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._seq = 0
        self._spawn(port or free_port())

    def _spawn(self, port: int) -> None:
        self.port = port
        self.endpoint = f"127.0.0.1:{port}"
        self._stderr = self._log_path.open("a")
        env = {**os.environ, "PORT": str(port), "TOKEN": TOKEN, "WECHATY_LOG": "silent"}
        self.process = subprocess.Popen(
            ["node", "mock-gateway.mjs"],
            cwd=GATEWAY_DIR,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _lost_its_port(self) -> bool:
        self._stderr.flush()
        return self._any_port and "EADDRINUSE" in self._log_path.read_text("utf-8", errors="replace")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                self.lines.append(obj)

    def seen(self, type_: str, **match: Any) -> list[dict[str, Any]]:
        with self._lock:
            return [
                o
                for o in self.lines
                if o.get("type") == type_ and all(o.get(k) == v for k, v in match.items())
            ]

    def calls(self, method: str) -> list[dict[str, Any]]:
        return self.seen("call", method=method)

    async def ready(self, timeout: float = 60.0) -> dict[str, str]:
        def ready_line() -> Any:
            if self.process.poll() is not None:
                raise AssertionError(f"gateway exited with {self.process.returncode}")
            return self.seen("ready")

        for _ in range(5):
            try:
                lines = await eventually(ready_line, timeout, "the gateway to listen")
                return dict(lines[0]["ids"])
            except AssertionError:
                if not self._lost_its_port():
                    raise
                self._stderr.close()
                self._log_path.write_text("", "utf-8")
                self._spawn(free_port())
        raise AssertionError("the gateway found no free port in 5 tries")

    async def command(self, op: str, **args: Any) -> dict[str, Any]:
        self._seq += 1
        seq = self._seq
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"op": op, "seq": seq, **args}, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        answer = await eventually(
            lambda: self.seen("ack", seq=seq) or self.seen("nack", seq=seq), 60.0, f"gateway answer to {op}"
        )
        assert answer[0]["type"] == "ack", answer[0]
        return dict(answer[0])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._stderr.close()


@pytest.fixture(scope="session")
def gateway_installed() -> Path:
    """node_modules for the gateway, installed from the committed lock file when missing."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("QUNGUAN_REQUIRE_INTEROP") == "1":
            pytest.fail("node/npm not installed, and QUNGUAN_REQUIRE_INTEROP=1")
        pytest.skip("node/npm not installed")
    # one install at a time: with pytest-xdist each worker has this session fixture, and two
    # `npm ci` in one directory would corrupt it (the lock file is only read)
    with (GATEWAY_DIR / "package-lock.json").open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (GATEWAY_DIR / "node_modules").is_dir():
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=GATEWAY_DIR,
                check=True,
                timeout=600,
            )
    return GATEWAY_DIR


@pytest.fixture
def start_gateway(gateway_installed: Path, tmp_path: Path) -> Iterator[Callable[[int | None], MockGateway]]:
    """Start gateways (optionally on a given port); all are stopped after the test."""
    started: list[MockGateway] = []

    def start(port: int | None = None) -> MockGateway:
        gateway = MockGateway(port, tmp_path / f"gateway-{len(started)}.log")
        started.append(gateway)
        return gateway

    yield start
    for gateway in started:
        gateway.stop()


@pytest.fixture
def gateway(start_gateway: Callable[[int | None], MockGateway]) -> MockGateway:
    return start_gateway(None)


class Recorder:
    """An event sink that keeps everything it is given."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    async def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type, **match: Any) -> list[Any]:
        return [
            e
            for e in self.events
            if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items())
        ]


class Running:
    def __init__(self, adapter: WechatyAdapter, sink: Recorder, task: asyncio.Task[None]) -> None:
        self.adapter, self.sink, self.task = adapter, sink, task


def make_adapter(endpoint: str, sink: Recorder, cache_dir: Path, **kwargs: Any) -> WechatyAdapter:
    return WechatyAdapter(
        endpoint, TOKEN, sink, clock=SystemClock(), cache_dir=cache_dir, call_timeout=10.0, **kwargs
    )


@pytest.fixture
async def connected(gateway: MockGateway, tmp_path: Path) -> AsyncIterator[tuple[Running, dict[str, str]]]:
    ids = await gateway.ready()
    sink = Recorder()
    adapter = make_adapter(gateway.endpoint, sink, tmp_path / "cache", backoff_initial=0.1, backoff_max=0.5)
    task = asyncio.create_task(adapter.run())
    await eventually(lambda: sink.of(LoggedIn), what="LoggedIn")
    yield Running(adapter, sink, task), ids
    await asyncio.wait_for(adapter.stop(), 10)
    await asyncio.wait_for(task, 10)


async def test_login_after_connecting(
    connected: tuple[Running, dict[str, str]], gateway: MockGateway
) -> None:
    run, ids = connected
    login = run.sink.of(LoggedIn)[0]
    assert login.self_id == ids["bot"]
    assert login.self_name == "QunguanBot"
    assert run.adapter.self_id == ids["bot"]
    first = run.sink.events[0]
    assert isinstance(first, ConnectionChanged) and first.connected
    # The bot connected without the Stop RPC that logs real accounts out.
    assert gateway.calls("stop") == []


async def test_room_message_arrives_as_message_received(
    connected: tuple[Running, dict[str, str]], gateway: MockGateway
) -> None:
    run, ids = connected
    ack = await gateway.command("say", **{"from": "alice"}, text="大家好 http://spam.example.com", to="room")
    received = await eventually(lambda: run.sink.of(MessageReceived, event_id=ack["messageId"]))
    message = received[0]
    assert message.room_id == ids["room"]
    assert message.sender_id == ids["alice"]
    assert message.sender_name == "Alice"
    assert message.sender_alias == "爱丽丝"
    assert message.kind is MessageKind.TEXT
    assert message.text == "大家好 http://spam.example.com"
    assert not message.is_self and not message.mentions_self
    assert message.timestamp.tzinfo is not None


async def test_mentions_from_ids_and_from_text(
    connected: tuple[Running, dict[str, str]], gateway: MockGateway
) -> None:
    run, ids = connected
    with_ids = await gateway.command(
        "say", **{"from": "bob"}, text=f"@QunguanBot{MENTION_SEPARATOR}!checkin", mentions=["bot"]
    )
    text_only = await gateway.command(
        "say", **{"from": "bob"}, text=f"@爱丽丝{MENTION_SEPARATOR}@Carol Chen 看群公告"
    )
    first = (await eventually(lambda: run.sink.of(MessageReceived, event_id=with_ids["messageId"])))[0]
    assert first.mention_ids == (ids["bot"],)
    assert first.mentions_self
    second = (await eventually(lambda: run.sink.of(MessageReceived, event_id=text_only["messageId"])))[0]
    assert second.mention_ids == (ids["alice"], ids["carol"])
    assert not second.mentions_self


async def test_quote_reply_is_parsed(connected: tuple[Running, dict[str, str]], gateway: MockGateway) -> None:
    run, ids = connected
    text = "「Alice：加我微信 abc123」\n- - - - - - - - - - - - - - -\n别发广告"
    ack = await gateway.command("say", **{"from": "bob"}, text=text)
    message = (await eventually(lambda: run.sink.of(MessageReceived, event_id=ack["messageId"])))[0]
    assert message.text == "别发广告"
    assert message.quote is not None
    assert (message.quote.sender_name, message.quote.text, message.quote.sender_id) == (
        "Alice",
        "加我微信 abc123",
        ids["alice"],
    )


async def test_send_text_with_mention_reaches_the_mock(
    connected: tuple[Running, dict[str, str]], gateway: MockGateway
) -> None:
    run, ids = connected
    message_id = await run.adapter.send_text(ids["room"], "请勿发广告", (ids["alice"],))
    calls = await eventually(lambda: gateway.calls("messageSendText"))
    assert calls[0]["args"] == [ids["room"], f"@爱丽丝{MENTION_SEPARATOR}请勿发广告", [ids["alice"]]]
    assert message_id is not None and calls[0]["result"] == message_id
    # The bot's own message comes back as an event flagged is_self, converted without any
    # lookup (the core ignores it): only what the message payload itself carries.
    echo = await eventually(lambda: run.sink.of(MessageReceived, event_id=message_id))
    assert echo[0].is_self and echo[0].sender_alias == "" and echo[0].room_id == ids["room"]


async def test_kick_removes_the_member(
    connected: tuple[Running, dict[str, str]], gateway: MockGateway
) -> None:
    run, ids = connected
    await run.adapter.kick(ids["room"], ids["carol"])
    left = (await eventually(lambda: run.sink.of(MemberLeft)))[0]
    assert left.room_id == ids["room"]
    assert left.member_ids == (ids["carol"],)
    assert left.remover_id == ids["bot"]
    assert left.member_names == ("Carol Chen",)
    assert left.event_id.startswith("leave:")
    # the gateway logs a call on its stdout, which may arrive after the call's answer
    kicks = await eventually(lambda: gateway.calls("roomDel"), what="the gateway to log roomDel")
    assert [c["args"] for c in kicks] == [[ids["room"], ids["carol"]]]
    info = await run.adapter.room_info(ids["room"])
    assert ids["carol"] not in info.member_ids


async def test_set_announcement_is_a_set_not_a_get(
    connected: tuple[Running, dict[str, str]], gateway: MockGateway
) -> None:
    run, ids = connected
    await run.adapter.set_announcement(ids["room"], "群规：禁止广告")
    calls = await eventually(lambda: gateway.calls("roomAnnounce"), what="the gateway to log roomAnnounce")
    assert [c["args"] for c in calls] == [[ids["room"], "群规：禁止广告"]]
    assert (await gateway.command("state"))["announcement"] == "群规：禁止广告"


async def test_members_nicknames_and_room_info(
    connected: tuple[Running, dict[str, str]], gateway: MockGateway
) -> None:
    run, ids = connected
    members = {m.id: m for m in await run.adapter.member_list(ids["room"])}
    assert set(members) == {ids["bot"], ids["alice"], ids["bob"], ids["carol"]}
    assert (members[ids["alice"]].name, members[ids["alice"]].alias) == ("Alice", "爱丽丝")
    assert members[ids["bob"]].alias == ""
    assert await run.adapter.member_alias(ids["room"], ids["alice"]) == "爱丽丝"
    await gateway.command("nickname", who="bob", alias="鲍勃")
    assert await run.adapter.member_alias(ids["room"], ids["bob"]) == "鲍勃"
    info = await run.adapter.room_info(ids["room"], refresh=True)
    assert (info.topic, info.owner_id, info.admin_ids) == (
        "Qunguan Interop Group",
        ids["bot"],
        frozenset({ids["bot"]}),
    )
    assert await run.adapter.contact_name(ids["carol"]) == "Carol Chen"
    assert ids["room"] in await run.adapter.room_ids()


async def test_join_and_topic_events_and_fresh_room_payload(
    connected: tuple[Running, dict[str, str]], gateway: MockGateway
) -> None:
    run, ids = connected
    assert ids["dave"] not in (await run.adapter.room_info(ids["room"])).member_ids  # now cached
    await gateway.command("join", who=["dave"], by="bob")
    joined = (await eventually(lambda: run.sink.of(MemberJoined)))[0]
    assert (joined.member_ids, joined.inviter_id, joined.member_names) == (
        (ids["dave"],),
        ids["bob"],
        ("Dave",),
    )
    assert joined.event_id.startswith("join:")
    # The cached payload was dropped on room-join, so a plain read sees the new member.
    assert ids["dave"] in (await run.adapter.room_info(ids["room"])).member_ids
    await gateway.command("topic", topic="改名了", by="carol")
    topic = (await eventually(lambda: run.sink.of(TopicChanged)))[0]
    assert (topic.new_topic, topic.old_topic, topic.changer_id) == (
        "改名了",
        "Qunguan Interop Group",
        ids["carol"],
    )
    assert (await run.adapter.room_info(ids["room"])).topic == "改名了"


async def test_gateway_errors_map_to_error_kinds(
    connected: tuple[Running, dict[str, str]], gateway: MockGateway
) -> None:
    run, ids = connected
    await gateway.command("fail", method="roomDel", message="操作过于频繁，请稍后再试")
    with pytest.raises(PlatformError) as throttled:
        await run.adapter.kick(ids["room"], ids["carol"])
    assert throttled.value.kind is ErrorKind.THROTTLED
    await gateway.command(
        "fail", method="roomAnnounce", message="only the room owner or an admin can do this"
    )
    with pytest.raises(PlatformError) as denied:
        await run.adapter.set_announcement(ids["room"], "x")
    assert denied.value.kind is ErrorKind.PERMISSION
    # The event stream survived both.
    ack = await gateway.command("say", **{"from": "alice"}, text="still here")
    await eventually(lambda: run.sink.of(MessageReceived, event_id=ack["messageId"]))


@pytest.mark.parametrize(
    "payload", [{"gerror": '{"code":2,"details":"puppet lost its session"}'}, {}], ids=["1.x-gerror", "0.31-empty"]
)
async def test_error_events_do_not_end_the_event_stream(
    connected: tuple[Running, dict[str, str]], gateway: MockGateway, payload: dict[str, Any]
) -> None:
    """The official gateway relays a puppet 'error' event as EVENT_TYPE_ERROR with the payload
    as JSON; the SDK requires {"data": ...} and, without the compat fix, its event loop raises
    and the stream (and every message after it) is lost."""
    run, _ids = connected
    await gateway.command("error", payload=payload)
    ack = await gateway.command("say", **{"from": "alice"}, text="after the error event")
    await eventually(lambda: run.sink.of(MessageReceived, event_id=ack["messageId"]), what="the next message")
    assert [e.connected for e in run.sink.of(ConnectionChanged)] == [True]


async def test_sink_exceptions_do_not_stop_the_stream(
    gateway: MockGateway, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ids = await gateway.ready()
    seen: list[Event] = []

    async def fragile(event: Event) -> None:
        seen.append(event)
        if isinstance(event, MessageReceived):
            raise RuntimeError("plugin bug")

    adapter = WechatyAdapter(gateway.endpoint, TOKEN, fragile, clock=SystemClock(), cache_dir=tmp_path)
    task = asyncio.create_task(adapter.run())
    try:
        await eventually(lambda: any(isinstance(e, LoggedIn) for e in seen))
        for n in range(2):
            await gateway.command("say", **{"from": "alice"}, text=f"boom {n}")
        await eventually(lambda: len([e for e in seen if isinstance(e, MessageReceived)]) == 2)
        assert "event sink failed on MessageReceived" in caplog.text
        assert ids["room"]
    finally:
        await adapter.stop()
        await task


async def test_unreachable_gateway_is_logged_and_retried_with_backoff(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    endpoint = f"127.0.0.1:{free_port()}"  # nothing listens here
    sink = Recorder()
    adapter = make_adapter(endpoint, sink, tmp_path, backoff_initial=0.02, backoff_max=0.08)
    caplog.set_level(logging.ERROR, logger="bot.wechaty_adapter")
    task = asyncio.create_task(adapter.run())

    def retries() -> list[logging.LogRecord]:
        return [
            r for r in caplog.records if r.name == "bot.wechaty_adapter" and "retrying in" in r.getMessage()
        ]

    await eventually(lambda: len(retries()) >= 5, what="five retries")
    with pytest.raises(PlatformError) as unavailable:
        await adapter.send_text("room", "hi")
    assert unavailable.value.kind is ErrorKind.UNAVAILABLE
    await asyncio.wait_for(adapter.stop(), 5)
    await asyncio.wait_for(task, 5)

    for record in retries():
        assert endpoint in record.getMessage()
        assert "cannot reach" in record.getMessage()
    delays = [float(re.search(r"retrying in ([0-9.]+)s", r.getMessage())[1]) for r in retries()]  # type: ignore[index]
    assert all(0.01 <= d <= 0.08 for d in delays)
    assert delays[-1] >= 0.04  # grew from [0.01, 0.02] toward the 0.08 cap
    assert [e.connected for e in sink.of(ConnectionChanged)] == [False]


async def test_reconnects_after_the_gateway_restarts(
    start_gateway: Callable[[int | None], MockGateway], tmp_path: Path
) -> None:
    first = start_gateway(None)
    await first.ready()
    sink = Recorder()
    adapter = make_adapter(first.endpoint, sink, tmp_path, backoff_initial=0.05, backoff_max=0.2)
    task = asyncio.create_task(adapter.run())
    try:
        await eventually(lambda: sink.of(LoggedIn))
        first.stop()
        await eventually(lambda: sink.of(ConnectionChanged, connected=False), what="disconnect")
        with pytest.raises(PlatformError):
            await adapter.room_ids()
        second = start_gateway(first.port)
        ids = await second.ready()
        await eventually(lambda: len(sink.of(ConnectionChanged, connected=True)) == 2, what="reconnect")
        await eventually(lambda: sink.of(LoggedIn, self_id=ids["bot"]), what="second login")
        assert [e.connected for e in sink.of(ConnectionChanged)] == [True, False, True]
        assert ids["room"] in await adapter.room_ids()
        ack = await second.command("say", **{"from": "alice"}, text="after restart")
        await eventually(lambda: sink.of(MessageReceived, event_id=ack["messageId"]))
    finally:
        await adapter.stop()
        await task


async def test_the_whole_bot_against_the_official_gateway(gateway: MockGateway, tmp_path: Path) -> None:
    """Not only the adapter: the real app (rules, router, plugins, executor, governor, audit)
    driven through the official Node gateway."""
    from bot.runtime import Runtime
    from tests.harness import Probe, write_rules

    ids = await gateway.ready()
    probe = Probe()
    runtime = Runtime(
        rules_path=write_rules(tmp_path / "rules.yaml"), database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        endpoint=gateway.endpoint, token=TOKEN, plugins=[probe], cache_dir=tmp_path / "cache",
        watch_rules=False, backoff_initial=0.1, backoff_max=0.5,
    )
    await runtime.start()
    try:
        await eventually(lambda: runtime.app.logged_in_as == ids["bot"], what="login")
        # a room message reaches the plugin (with alice's group nickname); the reply mentions her
        await gateway.command("say", **{"from": "alice"}, text="ping")
        replies = await eventually(
            lambda: [c for c in gateway.calls("messageSendText") if c["args"][1].endswith("pong")])
        assert replies[0]["args"][0] == ids["room"] and replies[0]["args"][2] == [ids["alice"]]
        heard = probe.messages()[0]
        assert (heard.sender_id, heard.sender_alias, heard.room_id) == (ids["alice"], "爱丽丝", ids["room"])
        # the bot owns the room: a kick goes through, and the 群公告 is set (a real set, seen by the mock)
        await gateway.command("say", **{"from": "bob"}, text=f"踢 {ids['carol']}")
        kicks = await eventually(lambda: gateway.calls("roomDel"))
        assert kicks[0]["args"] == [ids["room"], ids["carol"]]
        await eventually(lambda: any(isinstance(e, MemberLeft) for e in probe.seen), what="room-leave")
        await gateway.command("say", **{"from": "bob"}, text="公告 群规：禁止广告")
        await eventually(lambda: [c for c in gateway.calls("roomAnnounce") if len(c["args"]) == 2])
        assert (await gateway.command("state"))["announcement"] == "群规：禁止广告"
        # the member list and group nicknames as the core reads them (#status counts members)
        await gateway.command("say", **{"from": "bob"}, text="#help")
        await eventually(lambda: [c for c in gateway.calls("messageSendText") if "可用命令" in c["args"][1]])
        members = await runtime.adapter.member_list(ids["room"])
        assert {m.id: m.alias for m in members}[ids["alice"]] == "爱丽丝"
        assert ids["carol"] not in {m.id for m in members}
    finally:
        await runtime.stop()


async def test_a_gateway_whose_port_was_taken_meanwhile_starts_again_on_another(
        start_gateway: Callable[[int | None], MockGateway], monkeypatch: pytest.MonkeyPatch) -> None:
    """free_port() hands out a port that another process may take before node binds it (seen
    once in five loaded runs of the suite: EADDRINUSE, "gateway exited with 1")."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        ports = iter([busy])
        real = free_port
        monkeypatch.setattr(sys.modules[__name__], "free_port", lambda: next(ports, None) or real())
        gateway = start_gateway(None)
        ids = await gateway.ready()
    assert gateway.port != busy and ids["room"]
