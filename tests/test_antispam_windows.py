"""The behaviour windows (plugins/antispam/windows.py): the flood and repeat counts the checks
read, kept in memory. Exact counts on small cases, replays counted once, pruning, and the
compact layout (one bytes object per member for its kept messages, one int per fingerprint
until a second sender) that keeps ten minutes of a busy bot's messages small (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from plugins.antispam.store import fingerprint
from plugins.antispam.windows import KEEP_PER_MEMBER, Windows, _entries

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
WITHIN = {"flood_within": timedelta(seconds=15), "repeat_within": timedelta(minutes=10), "similarity": 0.8,
          "min_chars": 4}
AD = "加我微信 abc123 每天领红包"


def say(w: Windows, room: str, sender: str, mid: str, text: str, seconds: float) -> dict[str, int]:
    at = T0 + timedelta(seconds=seconds)
    w.record(room, sender, mid, text, fingerprint(text), at)
    return w.counts(room, sender, mid, text, fingerprint(text), at, **WITHIN)


def test_flood_counts_only_the_members_messages_within_the_window() -> None:
    w = Windows()
    for i in range(5):
        say(w, "r1", "alice", f"a{i}", f"第{i}条消息", i)
    say(w, "r1", "bob", "b0", "我也来说一句", 4)  # someone else's message
    say(w, "r2", "alice", "x0", "另一个群里", 4)  # the same member in another group
    assert say(w, "r1", "alice", "a5", "第五条消息", 5)["recent_messages"] == 6
    assert say(w, "r1", "alice", "a6", "过了一会儿", 5 + 16)["recent_messages"] == 1


def test_repeats_by_member_members_and_groups() -> None:
    w = Windows()
    say(w, "r1", "spammer", "s1", AD, 0)
    assert say(w, "r1", "spammer", "s2", AD, 30)["same_by_member"] == 2
    near = say(w, "r1", "spammer", "s3", AD + "！", 60)  # a near copy still counts
    assert near["same_by_member"] == 3
    assert say(w, "r1", "other", "o1", AD, 61)["same_members"] == 2
    assert say(w, "r1", "third", "t1", AD, 62)["same_members"] == 3
    say(w, "r2", "spammer", "s4", AD, 63)
    assert say(w, "r3", "spammer", "s5", AD, 64)["same_groups"] == 3
    # past the repeat window nothing earlier counts
    late = say(w, "r1", "spammer", "s6", AD, 60 * 11 + 64)
    assert (late["same_by_member"], late["same_members"], late["same_groups"]) == (1, 1, 1)


def test_short_texts_never_count_as_repeats() -> None:
    w = Windows()
    for i in range(4):
        counts = say(w, "r1", f"m{i}", f"id{i}", "打卡", i)
    assert (counts["same_by_member"], counts["same_members"], counts["same_groups"]) == (1, 1, 1)


def test_a_replayed_message_counts_once_and_sees_only_what_came_before_it() -> None:
    w = Windows()
    say(w, "r1", "alice", "a1", AD, 0)
    say(w, "r1", "alice", "a2", AD, 1)
    say(w, "r1", "alice", "a3", AD, 2)
    again = say(w, "r1", "alice", "a2", AD, 1)  # handled again (a storage retry)
    assert again["recent_messages"] == 2 and again["same_by_member"] == 2
    assert say(w, "r1", "alice", "a4", AD, 3)["recent_messages"] == 4  # a2 was not added twice


def test_a_member_keeps_a_bounded_history() -> None:
    w = Windows()
    for i in range(KEEP_PER_MEMBER + 50):
        counts = say(w, "r1", "alice", f"a{i}", f"消息{i}", i * 0.01)
    assert counts["recent_messages"] == KEEP_PER_MEMBER


def test_prune_forgets_what_no_window_reaches_and_keeps_the_rest_exact() -> None:
    w = Windows()
    say(w, "r1", "old", "o1", AD, 0)
    say(w, "r1", "two", "t1", AD + "两人", 0)
    say(w, "r1", "three", "t2", AD + "两人", 500)
    w.prune(T0 + timedelta(seconds=700))
    assert len(w._members) == 1  # only "three" sent anything in the last ten minutes
    assert len(w._in_room) == 1 and isinstance(next(iter(w._in_room.values())), int)  # back to one sender
    assert say(w, "r1", "four", "f1", AD + "两人", 700)["same_members"] == 2
    assert say(w, "r1", "five", "f2", AD, 700)["same_members"] == 1  # "old" is forgotten


def test_a_members_kept_messages_are_one_small_object() -> None:
    w = Windows()
    say(w, "r1", "alice", "a1", AD, 0)
    (own,) = w._members.values()  # a lone message is its bytes, no container
    assert isinstance(own, bytes) and len(own) < 20 + 4 * len(AD)
    # one sender of a fingerprint is one int (its hash above its time), no tuple, no id string
    assert all(type(slot) is int for slot in (*w._in_room.values(), *w._by_sender.values()))
    say(w, "r1", "alice", "a2", "另一句话", 1)
    (both,) = w._members.values()  # the second message joins the same bytes object
    assert isinstance(both, bytes) and both.startswith(own) and len(both) > len(own)


def test_chat_that_promotes_nothing_counts_for_the_flood_but_keeps_no_grams() -> None:
    """Repeats are spam only when they promote something, and the same text promotes the same:
    ordinary chat is kept as its time alone (no grams, no fingerprint), so the windows' memory
    follows the ads, not the chat. The flood still counts every message."""
    w = Windows()
    chat = "今天下班好早，准备去超市买点菜"
    for i in range(4):
        at = T0 + timedelta(seconds=i)
        w.record("r1", "alice", f"c{i}", chat, fingerprint(chat), at, promotes=False)
        w.record("r1", f"m{i}", f"d{i}", chat, fingerprint(chat), at, promotes=False)
    counts = w.counts("r1", "alice", "c3", chat, fingerprint(chat), T0 + timedelta(seconds=3), **WITHIN)
    assert counts == {"recent_messages": 4, "same_by_member": 1, "same_members": 1, "same_groups": 1}
    assert not w._in_room and not w._by_sender
    assert len(w._members[hash(("r1", "alice"))]) == 4 * 20  # per message the id's hash, the time, no grams
    # the same member's ad in between is kept whole and counted as before
    for i in range(3):
        say(w, "r1", "alice", f"ad{i}", AD, 4 + i)
    assert say(w, "r1", "alice", "ad3", AD, 8)["same_by_member"] == 4


def test_ten_minutes_of_chat_cost_about_a_hundred_bytes_a_message() -> None:
    """What a busy bot keeps (issue 13: RSS at 200 x 500): at 500 msg/s ten minutes are
    300,000 messages, about three per member. Here 3,000 members say three lines of chat each
    (nothing promoted): the windows hold them in under 100 bytes a message (a tuple of one
    bytes object per message and 32 bytes of prune log each took 132 here)."""
    import gc
    import tracemalloc

    rows = [(f"{i % 200}@chatroom", f"wxid_{i}", f"m{i}_{k}", T0 + timedelta(seconds=60 * k + i / 1000))
            for k in range(3) for i in range(3000)]
    chat = "今天下班好早，准备去超市买点菜"
    gc.collect()
    tracemalloc.start()
    try:
        w = Windows()
        for room, sender, mid, at in rows:
            w.record(room, sender, mid, chat, fingerprint(chat), at, promotes=False)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(w._members) == 3000
    assert kept / len(rows) < 100, f"{kept / len(rows):.0f} B per kept message"


def test_observe_is_record_then_counts_to_the_count_and_the_byte() -> None:
    # the plugin asks observe() (one unpack of the member's kept messages) where it asked record()
    # then counts(): the same counts for every message and the same state after, through replays,
    # a member past KEEP_PER_MEMBER, chat that promotes nothing, near copies and pruning
    import random

    rng = random.Random(13)
    texts = [AD, AD + "！", "加我微信 zz999 领资料", "好的收到", "今天下雨了", "哈", "加群领福利 q123456"]
    a, b = Windows(), Windows()
    sent: list[tuple[str, str, str, str, bool, datetime]] = []
    for i in range(4000):
        if sent and rng.random() < 0.05:
            room, sender, mid, text, promotes, at = rng.choice(sent)  # a replayed event
        else:
            sender = "busy" if rng.random() < 0.15 else f"m{rng.randrange(40)}"
            room, mid, text = "r0" if sender == "busy" else f"r{rng.randrange(3)}", f"e{i}", rng.choice(texts)
            promotes, at = rng.random() < 0.4, T0 + timedelta(seconds=i * 0.7)
            sent.append((room, sender, mid, text, promotes, at))
        a.record(room, sender, mid, text, fingerprint(text), at, promotes=promotes)
        old = a.counts(room, sender, mid, text, fingerprint(text), at, **WITHIN)
        new = b.observe(room, sender, mid, text, fingerprint(text), at, promotes=promotes, **WITHIN)
        assert new == old, (i, mid)
    assert len(_entries(a._members[hash(("r0", "busy"))])) == KEEP_PER_MEMBER  # trimmed
    assert (a._members, a._in_room, a._by_sender, a.horizon) == (b._members, b._in_room, b._by_sender, b.horizon)
    assert (a._ages, a._age_members, a._print_ages, a._print_keys) == \
        (b._ages, b._age_members, b._print_ages, b._print_keys)
