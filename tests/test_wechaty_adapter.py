"""The pure parts of the Wechaty adapter: mentions, quotes, message kinds, error mapping,
backoff, synthetic ids. (The adapter against a real gateway: tests/interop.)"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError
from wechaty_grpc.wechaty.puppet import MessageType

from bot.clock import FakeClock
from bot.events import MessageKind, Quote
from bot.platform import ErrorKind, PlatformError
from bot.wechaty_adapter import (
    WechatyAdapter,
    backoff_delay,
    message_kind,
    parse_mention_names,
    parse_quote,
    resolve_mentions,
    synthetic_event_id,
    to_datetime,
    to_platform_error,
)

SEP = "\u2005"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (f"@Alice{SEP}你好", ["Alice"]),
        (f"@爱丽丝{SEP}@Bob{SEP}看公告", ["爱丽丝", "Bob"]),
        (f"@Carol Chen{SEP}hi", ["Carol Chen"]),
        ("ping @Bot", ["Bot"]),
        (f"@Alice{SEP}@Alice{SEP}", ["Alice"]),
        ("mail me at a@b.com now", []),
        ("no mentions", []),
        (f"line1\n@Dave{SEP}", ["Dave"]),
    ],
    ids=["one", "two", "space-in-name", "trailing-without-separator", "dupes", "email", "none", "multiline"],
)
def test_parse_mention_names(text: str, names: list[str]) -> None:
    assert parse_mention_names(text) == names


INDEX = {
    "Alice": {"a"},
    "爱丽丝": {"a"},
    "Carol Chen": {"c"},
    "Carol": {"c2"},
    "Bob": {"b"},
    "Twin": {"t1", "t2"},
}


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        (f"@爱丽丝{SEP}hi", ["a"]),
        ("@Carol Chen 看公告", ["c"]),
        (f"@Carol{SEP}hi", ["c2"]),
        (f"@Bob{SEP}@Alice{SEP}@Bob{SEP}", ["b", "a"]),
        (f"@Twin{SEP}hi", []),
        ("@Bobby hi", []),
        ("@Bob", ["b"]),
        ("a@Bob.com", []),
    ],
    ids=[
        "nickname",
        "longest-name-wins",
        "shorter-name",
        "order-dedupe",
        "ambiguous-name",
        "prefix-only",
        "end-of-text",
        "not-a-mention",
    ],
)
def test_resolve_mentions(text: str, ids: list[str]) -> None:
    assert resolve_mentions(text, INDEX) == ids


QUOTE_SEP = "- - - - - - - - - - - - - - -"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"「Alice：加我微信 abc123」\n{QUOTE_SEP}\n别发广告",
            (Quote("Alice", "加我微信 abc123"), "别发广告"),
        ),
        (f"「Bob: two\nlines」\n{QUOTE_SEP}\nreply\nmore", (Quote("Bob", " two\nlines"), "reply\nmore")),
        (f"「群主：x」\n{QUOTE_SEP}\n", (Quote("群主", "x"), "")),
        ("「Alice：no separator」\n回复", None),
        ("plain text", None),
        (f"prefix 「Alice：x」\n{QUOTE_SEP}\nr", None),
    ],
    ids=["fullwidth-colon", "ascii-colon-multiline", "empty-reply", "no-separator", "plain", "not-at-start"],
)
def test_parse_quote(text: str, expected: tuple[Quote, str] | None) -> None:
    assert parse_quote(text) == expected


@pytest.mark.parametrize(
    ("message_type", "kind"),
    [
        (MessageType.MESSAGE_TYPE_TEXT, MessageKind.TEXT),
        (MessageType.MESSAGE_TYPE_URL, MessageKind.LINK),
        (MessageType.MESSAGE_TYPE_MINI_PROGRAM, MessageKind.MINI_PROGRAM),
        (MessageType.MESSAGE_TYPE_CONTACT, MessageKind.CONTACT_CARD),
        (MessageType.MESSAGE_TYPE_IMAGE, MessageKind.IMAGE),
        (MessageType.MESSAGE_TYPE_ATTACHMENT, MessageKind.FILE),
        (MessageType.MESSAGE_TYPE_EMOTICON, MessageKind.EMOTICON),
        (MessageType.MESSAGE_TYPE_AUDIO, MessageKind.AUDIO),
        (MessageType.MESSAGE_TYPE_VIDEO, MessageKind.VIDEO),
        (MessageType.MESSAGE_TYPE_LOCATION, MessageKind.LOCATION),
        (MessageType.MESSAGE_TYPE_RED_ENVELOPE, MessageKind.RED_ENVELOPE),
        (MessageType.MESSAGE_TYPE_TRANSFER, MessageKind.TRANSFER),
        (MessageType.MESSAGE_TYPE_CHAT_HISTORY, MessageKind.CHAT_HISTORY),
        (MessageType.MESSAGE_TYPE_RECALLED, MessageKind.RECALLED),
        (MessageType.MESSAGE_TYPE_UNSPECIFIED, MessageKind.OTHER),
        (99, MessageKind.OTHER),
        (None, MessageKind.OTHER),
    ],
    ids=lambda v: str(getattr(v, "name", v)),
)
def test_message_kind(message_type: int | None, kind: MessageKind) -> None:
    assert message_kind(message_type) is kind


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (GRPCError(Status.PERMISSION_DENIED, "no"), ErrorKind.PERMISSION),
        (GRPCError(Status.RESOURCE_EXHAUSTED, "slow down"), ErrorKind.THROTTLED),
        (GRPCError(Status.NOT_FOUND, "gone"), ErrorKind.NOT_FOUND),
        (GRPCError(Status.UNAVAILABLE, "down"), ErrorKind.UNAVAILABLE),
        (GRPCError(Status.UNIMPLEMENTED, "nope"), ErrorKind.UNSUPPORTED),
        (GRPCError(Status.UNKNOWN, "操作过于频繁，请稍后再试"), ErrorKind.THROTTLED),
        (GRPCError(Status.UNKNOWN, "请求太频繁"), ErrorKind.THROTTLED),
        (GRPCError(Status.UNKNOWN, "only the owner or admin can delete members"), ErrorKind.PERMISSION),
        (GRPCError(Status.INTERNAL, "你不是群主或管理员"), ErrorKind.PERMISSION),
        (GRPCError(Status.UNKNOWN, "room not found"), ErrorKind.NOT_FOUND),
        (GRPCError(Status.UNKNOWN, "boom"), ErrorKind.FAILED),
        (ConnectionRefusedError(111, "refused"), ErrorKind.UNAVAILABLE),
        (StreamTerminatedError("closed"), ErrorKind.UNAVAILABLE),
        (TimeoutError(), ErrorKind.UNAVAILABLE),
        (RuntimeError("puppet_stub should not be none"), ErrorKind.UNAVAILABLE),
        (ValueError("odd"), ErrorKind.FAILED),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, ErrorKind) else v.value,
)
def test_error_mapping(error: Exception, kind: ErrorKind) -> None:
    mapped = to_platform_error(error, "kick via 127.0.0.1:1")
    assert isinstance(mapped, PlatformError) and mapped.kind is kind
    assert "kick via 127.0.0.1:1" in str(mapped)


def test_platform_errors_pass_through() -> None:
    error = PlatformError(ErrorKind.PERMISSION, "x")
    assert to_platform_error(error) is error


def test_backoff_grows_with_jitter_and_stays_bounded() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(n, 1.0, 60.0, rng) for n in range(12)]
    for n, delay in enumerate(delays):
        base = min(60.0, 2.0**n)
        assert base / 2 <= delay <= base
    assert max(delays) <= 60.0
    assert backoff_delay(10_000, 1.0, 60.0, rng) <= 60.0
    assert len({round(backoff_delay(3, 1.0, 60.0, rng), 6) for _ in range(10)}) > 1


def test_synthetic_event_ids_are_deterministic() -> None:
    one = synthetic_event_id("join", "r1", ["b", "a"], "x", 1700000000000)
    assert one == synthetic_event_id("join", "r1", ["a", "b"], "x", 1700000000000)
    assert one.startswith("join:")
    assert one != synthetic_event_id("join", "r1", ["a", "b"], "x", 1700000000001)
    assert one != synthetic_event_id("leave", "r1", ["a", "b"], "x", 1700000000000)


def test_timestamps_in_seconds_or_milliseconds() -> None:
    fallback = datetime(2026, 1, 1, tzinfo=UTC)
    expected = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert to_datetime(1700000000, fallback) == expected
    assert to_datetime(1700000000000, fallback) == expected
    assert to_datetime(0, fallback) == fallback
    assert to_datetime(None, fallback) == fallback


async def _sink(_event: object) -> None:
    return None


def test_adapter_refuses_an_empty_endpoint(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="endpoint"):
        WechatyAdapter("  ", "token", _sink, clock=FakeClock(), cache_dir=tmp_path)


async def test_adapter_session_is_offline_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cache = tmp_path / "cache"
    adapter = WechatyAdapter("127.0.0.1:1", "token", _sink, clock=FakeClock(), cache_dir=cache)
    session = await adapter._open_session()
    assert not hasattr(session, "bot")  # no SDK Wechaty object (no scheduler, no job.db, no web server)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]
    assert list(cache.iterdir()) == []
    assert session.puppet.channel is None  # nothing connects before run()
    with pytest.raises(PlatformError) as error:
        await adapter.kick("room", "member")
    assert error.value.kind is ErrorKind.UNAVAILABLE


# ------------------------------------------------------------------ capabilities, names, cards

def test_capabilities_from_role_and_gateway_support() -> None:
    from bot.platform import RoomInfo
    from bot.wechaty_adapter import capabilities_for

    room = RoomInfo(id="r", topic="t", owner_id="owner", admin_ids=frozenset({"bot"}), member_ids=("owner", "bot", "m"))
    admin = capabilities_for(room, "bot", frozenset())
    assert admin.role == "admin" and admin.can_remove and admin.can_announce and admin.complete
    limited = capabilities_for(room, "bot", frozenset({"kick", "nicknames"}))
    assert not limited.can_remove and limited.can_announce and not limited.can_read_nicknames
    assert set(limited.missing) == {("can_remove", "unsupported"), ("can_read_nicknames", "unsupported")}
    member = capabilities_for(room, "m", frozenset())
    assert member.role == "member" and not member.can_remove and member.can_recall
    assert ("can_announce", "not_admin") in member.missing
    assert capabilities_for(room, "stranger", frozenset()).role == "absent"
    unknown = capabilities_for(None, "bot", frozenset())
    assert unknown.role == "unknown" and not unknown.can_remove and ("can_remove", "unknown") in unknown.missing


def test_room_names_change_incrementally() -> None:
    from bot.wechaty_adapter import RoomNames

    names = RoomNames()
    names.set("a", "Alice", "爱丽丝")
    names.set("b", "Bob", "")
    names.set("c", "Alice", "")
    assert names.index["Alice"] == ("a", "c") and names.index["爱丽丝"] == ("a",)
    names.set("a", "Alice", "小A")  # renamed her group nickname
    assert "爱丽丝" not in names.index and names.index["小A"] == ("a",)
    names.remove("c")
    assert names.index["Alice"] == ("a",) and "c" not in names.members
    assert resolve_mentions(f"@小A{SEP}@Bob{SEP}", names.index) == ["a", "b"]


def test_an_unread_rooms_names_are_a_sender_cache_that_forgets() -> None:
    """Before a room's roster is read, its names are only senders' payloads read within the
    TTL, kept compactly and with no name index: older ones are dropped (every 64 reads), so
    memory follows who spoke lately, not everyone the bot ever met. A room read in full
    keeps its roster."""
    from bot.wechaty_adapter import RoomNames

    ttl = 60.0
    names = RoomNames()
    names.set("old", "老张", "", at=0.0)
    for i in range(63):
        names.set(f"m{i}", f"成员{i}", "", at=100.0)
        names.forget_stale(100.0, ttl)
    assert names.names_of("old") == ("老张", "")  # not swept yet: a few entries looked at per message
    names.forget_stale(100.0, ttl)
    assert names.names_of("old") is None and not names.index and not names.members
    assert len(names.heard) == 63 and names.fresh("m5", 100.0, ttl) == ("成员5", "")
    assert names.heard_index()["成员5"] == ("m5",)  # when the roster cannot be read

    loaded = RoomNames()
    loaded.set("quiet", "不说话的人", "")  # from the roster: never read on its own
    loaded.loaded_at = 0.0
    for i in range(200):
        loaded.set(f"m{i}", f"成员{i}", "", at=1000.0)
        loaded.forget_stale(1000.0, ttl)
    assert loaded.index["不说话的人"] == ("quiet",) and loaded.index["成员7"] == ("m7",)
    assert loaded.fresh("quiet", 1000.0, ttl) is None  # listed, never read: its first message reads


def test_a_watched_member_is_read_again_sooner() -> None:
    """A newcomer or a member the bot addressed is watched: their names are read again after
    the watched TTL, everyone else's after the sender TTL; a read keeps the watch."""
    from bot.wechaty_adapter import NEVER, RoomNames

    names = RoomNames()
    names.set("new", "新人", "", at=0.0, watch_until=1000.0)
    names.set("old", "老人", "北京-老人", at=0.0)
    assert names.fresh("new", 30.0, 1800.0, 60.0) == ("新人", "")
    assert names.fresh("new", 61.0, 1800.0, 60.0) is None
    assert names.fresh("old", 61.0, 1800.0, 60.0) == ("老人", "北京-老人")
    names.set("new", "新人", "上海-新人", at=61.0)
    assert names.fresh("new", 122.0, 1800.0, 60.0) is None  # still watched
    assert names.fresh("new", 1100.0, 1800.0, 60.0) == ("新人", "上海-新人")  # no longer
    # a join's or the bot's own read (NEVER): the member's next message reads again, and the
    # record and its watch outlive the sweep
    names.set("joined", "刚进群", "", at=NEVER, watch_until=5000.0)
    assert names.fresh("joined", 10.0, 1800.0, 60.0) is None
    for _ in range(64):
        names.forget_stale(4000.0, 1800.0)
    assert names.names_of("joined") == ("刚进群", "") and names.names_of("old") is None


def test_a_sender_costs_a_small_record() -> None:
    """100,000 members who all spoke within the TTL are all kept (200 x 500): each costs one
    bytes record and its key, not a tuple, a float and two name-index entries (~560 bytes
    each before: bench.load --warm over RSS 200 MB)."""
    import tracemalloc

    from bot.wechaty_adapter import RoomNames

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        rooms = [RoomNames() for _ in range(10)]
        for i in range(10_000):
            rooms[i % 10].set(f"wxid_m_{i:06d}", f"成员{i}", f"上海-电商-成员{i}", at=float(i))
        per_sender = (tracemalloc.get_traced_memory()[0] - before) / 10_000
    finally:
        tracemalloc.stop()
    assert per_sender < 250, per_sender


class _Program:
    def __init__(self, **fields: str) -> None:
        self.__dict__.update(fields)


def test_mini_program_fields_read_the_sdk_camel_case_payload() -> None:
    from wechaty_puppet.schemas.mini_program import MiniProgramPayload

    from bot.wechaty_adapter import mini_program_fields

    payload = MiniProgramPayload(title="帮我砍一刀", pagePath="pages/bargain/index?id=9", description="拼多多")
    assert not hasattr(payload, "page_path")  # what the adapter used to read: lost both
    assert mini_program_fields(payload, "") == ("pages/bargain/index?id=9", "帮我砍一刀\n拼多多")
    assert mini_program_fields(_Program(title="商城"), "fallback") == (None, "商城")
    assert mini_program_fields(_Program(), "fallback") == (None, "fallback")
