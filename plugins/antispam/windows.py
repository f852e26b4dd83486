"""The behaviour checks' counts (flood, repeats by one member, by several members, across
groups), kept in memory instead of four queries per message (issue 13).

Every message is still stored (antispam_message: evidence, quotes, #spam); these windows are a
running summary of the last few minutes of it. A process rebuilds them from the store when it
starts (warm()), so a restart does not forget a flood in progress. Recording is idempotent per
message id: an event handled again (a storage retry, a crashed plugin) counts once.

Windows are per process: two bot processes sharing one database each see the messages they
handled (dedupe gives every event to one of them), so a spammer whose burst is split between
them is counted in halves. Run one process per account (README).
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Iterable, Set
from datetime import datetime, timedelta

from plugins.antispam.classifier import shingles
from plugins.antispam.normalize import normalise

# how many of a member's own recent messages are compared for repeats (the store's query took 30)
RECENT_OWN = 30
# a member's messages kept for the flood count: more than any sane flood threshold
KEEP_PER_MEMBER = 200

# A member's kept messages are one bytes object, oldest first; each message its grams (4 bytes
# each, none when it promotes nothing), then its id's hash, its time and how many grams came
# before (20 bytes): the newest message's head is the object's last 20 bytes, and the others
# are read walking back. Memory follows the message rate times the longest window (10 minutes
# of repeats): at 500 msg/s that is 300,000 messages, three or so per member at 200 x 500. A
# tuple of one bytes object per message cost 8 + 64 bytes a message more (a block each), and
# before that objects per message (a dataclass, an id string, a datetime, an array, a deque per
# member, a dict per fingerprint) ~1.5 KB (bench.antispam; issue 13). Ids, rooms and
# fingerprints are keyed by their hash: windows are per process (so are hashes), and a 64-bit
# collision between two of the few hundred thousand keys alive at once would at worst merge
# two counts.
_HEAD = struct.Struct("<qdI")

# A fingerprint's senders in a room (or rooms of a sender): while there is one, a single int,
# the sender's 64-bit hash above its time in milliseconds (40 bytes, where a (sender, time)
# tuple with its float and the sender's id string cost ~150); from the second on, {hash: ms}.
# Two senders whose ids hash alike would count as one: a repeat undercounted, never invented.
_Slot = int | dict[int, int]
_MS_BITS = 42  # milliseconds since 1970 fit until 2109
_MS = (1 << _MS_BITS) - 1
_MASK64 = (1 << 64) - 1

# one kept message as read back: its id's hash, its time, where its grams start, how many
_Entry = tuple[int, float, int, int]


def grams(text: str) -> array:
    """A message's character 3-grams for the repeat check, as 32-bit hashes. Hashes are per
    process, as the windows are."""
    return array("I", {hash(g) & 0xFFFFFFFF for g in shingles(text)})


def dice(this: Set[int], other: Iterable[int], size: int) -> float:
    """Dice similarity of a message's grams (as a set) and an earlier message's (`size` of them)."""
    if not this or not size:
        return 0.0
    return 2 * sum(1 for g in other if g in this) / (len(this) + size)


def _record(mid: int, at: float, text: str) -> tuple[bytes, int]:
    """A message as its member's record keeps it, and how many grams it keeps: none for a
    message that promotes nothing (text ""), without asking for them."""
    if not text:
        return _HEAD.pack(mid, at, 0), 0
    kept = grams(text)
    return kept.tobytes() + _HEAD.pack(mid, at, len(kept)), len(kept)


def _entries(own: bytes, upto: int | None = None) -> list[_Entry]:
    """A member's kept messages, newest first; with `upto` (an id's hash) from that message on
    (a replayed event may be older than what came after it; all of them if it is not there)."""
    out: list[_Entry] = []
    pos, size, unpack = len(own), _HEAD.size, _HEAD.unpack_from
    while pos:
        pos -= size
        mid, at, n = unpack(own, pos)
        pos -= 4 * n
        if mid == upto:
            out.clear()
        out.append((mid, at, pos, n))
    return out


def _newest(own: bytes) -> float:
    return _HEAD.unpack_from(own, len(own) - _HEAD.size)[1]


def _grams_of(own: bytes, entry: _Entry) -> memoryview:
    return memoryview(own)[entry[2]:entry[2] + 4 * entry[3]].cast("I")


class Windows:
    """Recent messages per member, and who sent each fingerprint where."""

    def __init__(self) -> None:
        self.horizon = timedelta(minutes=10)  # the longest window asked about so far
        self.warmed = False
        self._members: dict[int, bytes] = {}  # hash((room, sender)) -> its kept messages
        # hash((room, fingerprint)) -> its senders; hash((sender, fingerprint)) -> its rooms
        self._in_room: dict[int, _Slot] = {}
        self._by_sender: dict[int, _Slot] = {}
        # per message in arrival order its time and its member's key, and per promoting message
        # its time and its two fingerprint keys, in flat arrays (16 and 24 bytes a message, no
        # objects): pruning looks only at what has aged out, not at every key (a full scan
        # every 5,000 messages stopped the bot for ~60 ms with 100,000 members known).
        # _aged, _aged_prints: how many of each are done.
        self._ages = array("d")
        self._age_members = array("q")
        self._aged = 0
        self._print_ages = array("d")
        self._print_keys = array("q")
        self._aged_prints = 0
        self._recorded = 0

    def record(self, room_id: str, sender_id: str, message_id: str, text: str, fingerprint: str,
               at: datetime, *, promotes: bool = True) -> None:
        """Add a message (again: a no-op). A message that promotes nothing (checks.promotion:
        no contact data, promoted link, card or ad words) counts for the flood but is kept
        without its grams and fingerprint: a repeat is spam only when it promotes something,
        and the same or near-same text promotes the same, so ordinary chat (most messages) is
        20 bytes in its member's record, and memory follows the ads, not the chat (issue 13)."""
        self._add(room_id, sender_id, message_id, text, fingerprint, at, promotes)

    def observe(self, room_id: str, sender_id: str, message_id: str, text: str, fingerprint: str, at: datetime,
                *, promotes: bool = True, flood_within: timedelta, repeat_within: timedelta, similarity: float,
                min_chars: int = 1) -> dict[str, int]:
        """record() then counts(), as the plugin asks for every message: the member's kept
        messages are unpacked once, not once for each (issue 13). The same counts."""
        own, upto = self._add(room_id, sender_id, message_id, text, fingerprint, at, promotes)
        return self._counts(own, upto, room_id, sender_id, text, fingerprint, at.timestamp(), flood_within,
                            repeat_within, similarity, min_chars)

    def _add(self, room_id: str, sender_id: str, message_id: str, text: str, fingerprint: str, at: datetime,
             promotes: bool) -> tuple[bytes, list[_Entry]]:
        """record()'s work. Returns the member's kept messages and, newest first, this message and
        those kept before it (what counts() reads: _entries(own, this message's hash))."""
        key, mid = hash((room_id, sender_id)), hash(message_id)
        own = self._members.get(key, b"")
        kept = _entries(own)
        for i, entry in enumerate(kept):
            if entry[0] == mid:
                return own, kept[i:]
        ts = at.timestamp()
        record, size = _record(mid, ts, text if promotes else "")
        if len(kept) >= KEEP_PER_MEMBER:  # the oldest go: the newest KEEP_PER_MEMBER - 1 stay
            cut = kept[KEEP_PER_MEMBER - 2][2]
            own = own[cut:]
            kept = [(m, t, pos - cut, n) for m, t, pos, n in kept[:KEEP_PER_MEMBER - 1]]
        # one bytes object per member, rebuilt per message (most members have one to three):
        # no container and no object per message, and the collector does not track bytes, so
        # its full passes (a pause of the whole bot) do not walk one object per member
        upto = [(mid, ts, len(own), size), *kept]
        own = self._members[key] = own + record
        self._ages.append(ts)
        self._age_members.append(key)
        if promotes:
            in_room, by_sender = hash((room_id, fingerprint)), hash((sender_id, fingerprint))
            ms = round(ts * 1000)
            _latest(self._in_room, in_room, hash(sender_id) & _MASK64, ms)
            _latest(self._by_sender, by_sender, hash(room_id) & _MASK64, ms)
            self._print_ages.append(ts)
            self._print_keys.extend((in_room, by_sender))
        self._recorded += 1
        if self._recorded % 500 == 0:
            self.prune(at)
        return own, upto

    def counts(self, room_id: str, sender_id: str, message_id: str, text: str, fingerprint: str, at: datetime, *,
               flood_within: timedelta, repeat_within: timedelta, similarity: float,
               min_chars: int = 1) -> dict[str, int]:
        """Counts for the behaviour checks, this message included (record it first). Only
        messages up to this one count, as they arrived."""
        own = self._members.get(hash((room_id, sender_id)), b"")
        upto = _entries(own, hash(message_id))  # this message first, then the earlier ones
        return self._counts(own, upto, room_id, sender_id, text, fingerprint, at.timestamp(), flood_within,
                            repeat_within, similarity, min_chars)

    def _counts(self, own: bytes, upto: list[_Entry], room_id: str, sender_id: str, text: str, fingerprint: str,
                now: float, flood_within: timedelta, repeat_within: timedelta, similarity: float,
                min_chars: int) -> dict[str, int]:
        self.horizon = max(self.horizon, flood_within, repeat_within)
        since_flood, since_repeat = now - flood_within.total_seconds(), now - repeat_within.total_seconds()
        recent = sum(1 for e in upto if e[1] >= since_flood)
        if len(normalise(text).dense) < min_chars:  # too short to count as a repeat at all
            return {"recent_messages": recent, "same_by_member": 1, "same_members": 1, "same_groups": 1}
        this = set(_grams_of(own, upto[0]) if upto else grams(text))
        same_by_member = 1
        # a message kept without grams (it promotes nothing: most chat) is like no earlier one
        # (dice 0): their grams are not read
        if this or similarity <= 0:
            earlier = [e for e in upto[1:] if e[1] >= since_repeat][:RECENT_OWN]
            same_by_member += sum(1 for e in earlier if dice(this, _grams_of(own, e), e[3]) >= similarity)
        members = _fresh(self._in_room.get(hash((room_id, fingerprint))), since_repeat * 1000)
        groups = _fresh(self._by_sender.get(hash((sender_id, fingerprint))), since_repeat * 1000)
        return {"recent_messages": recent, "same_by_member": same_by_member, "same_members": max(members, 1),
                "same_groups": max(groups, 1)}

    def prune(self, now: datetime) -> None:
        """Forget what no window reaches any more, so memory follows the message rate. Looks at
        the messages that have aged out since the last call: a key another message has kept
        fresh stays (that message's turn comes later)."""
        cutoff = (now - self.horizon).timestamp()
        ages, members, i = self._ages, self._age_members, self._aged
        while i < len(ages) and ages[i] < cutoff:
            own = self._members.get(members[i])
            if own and _newest(own) < cutoff:
                del self._members[members[i]]
            i += 1
        self._aged = _drop_done(i, ages, members)
        ages, keys, i = self._print_ages, self._print_keys, self._aged_prints
        while i < len(ages) and ages[i] < cutoff:
            _expire(self._in_room, keys[2 * i], cutoff * 1000)
            _expire(self._by_sender, keys[2 * i + 1], cutoff * 1000)
            i += 1
        self._aged_prints = _drop_done(i, ages, keys)

    def warm(self, rows: Iterable[tuple[str, str, str, str, str, datetime]]) -> None:
        """Rebuild from stored messages (room, sender, message id, text, fingerprint, at), oldest
        first."""
        for room_id, sender_id, message_id, text, fingerprint, at in rows:
            self.record(room_id, sender_id, message_id, text, fingerprint, at)
        self.warmed = True


def _drop_done(done: int, ages: array, keys: array) -> int:
    """Drop a log's first `done` entries once they are most of it (amortised: at most every
    other call); returns how many done entries are left at its start."""
    if done > 4096 and 2 * done > len(ages):
        per = len(keys) // len(ages)
        del ages[:done]
        del keys[:per * done]
        return 0
    return done


def _latest(index: dict[int, _Slot], key: int, who: int, ms: int) -> None:
    slot = index.get(key)
    if slot is None:
        index[key] = who << _MS_BITS | ms
    elif isinstance(slot, int):
        if slot >> _MS_BITS == who:
            if slot & _MS < ms:
                index[key] = who << _MS_BITS | ms
        else:
            index[key] = {slot >> _MS_BITS: slot & _MS, who: ms}
    elif who not in slot or slot[who] < ms:
        slot[who] = ms


def _expire(index: dict[int, _Slot], key: int, cutoff: float) -> None:
    slot = index.get(key)
    if slot is None:
        return
    if isinstance(slot, int):
        if slot & _MS < cutoff:
            del index[key]
        return
    kept = {who: when for who, when in slot.items() if when >= cutoff}
    if not kept:
        del index[key]
    elif len(kept) < len(slot):
        index[key] = next(who << _MS_BITS | when for who, when in kept.items()) if len(kept) == 1 else kept


def _fresh(slot: _Slot | None, since: float) -> int:
    if slot is None:
        return 0
    if isinstance(slot, int):
        return int(slot & _MS >= since)
    return sum(1 for when in slot.values() if when >= since)


