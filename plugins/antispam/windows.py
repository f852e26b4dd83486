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

from array import array
from collections import deque
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from plugins.antispam.classifier import shingles
from plugins.antispam.normalize import normalise

# how many of a member's own recent messages are compared for repeats (the store's query took 30)
RECENT_OWN = 30
# a member's messages kept for the flood count: more than any sane flood threshold
KEEP_PER_MEMBER = 200


def grams(text: str) -> array:
    """A message's character 3-grams for the repeat check, as 32-bit hashes: under 300
    bytes a message where a set of strings took 3 KB (ten minutes of a busy bot's messages
    are kept). Hashes are per process, as the windows are."""
    return array("I", {hash(g) & 0xFFFFFFFF for g in shingles(text)})


def dice(this: Set[int], other: array) -> float:
    """Dice similarity of a message's grams (as a set) and an earlier message's."""
    if not this or not other:
        return 0.0
    return 2 * sum(1 for g in other if g in this) / (len(this) + len(other))


@dataclass(slots=True)
class _Seen:
    message_id: str
    at: datetime
    grams: array


@dataclass
class Windows:
    """Recent messages per member, and who sent each fingerprint where."""

    horizon: timedelta = timedelta(minutes=10)  # the longest window asked about so far
    _members: dict[tuple[str, str], deque[_Seen]] = field(default_factory=dict)
    # (room, fingerprint) → {sender: last at}; (sender, fingerprint) → {room: last at}
    _in_room: dict[tuple[str, str], dict[str, datetime]] = field(default_factory=dict)
    _by_sender: dict[tuple[str, str], dict[str, datetime]] = field(default_factory=dict)
    _recorded: int = 0
    warmed: bool = False

    def record(self, room_id: str, sender_id: str, message_id: str, text: str, fingerprint: str,
               at: datetime) -> _Seen:
        """Add a message (again: a no-op). Returns its entry."""
        own = self._members.setdefault((room_id, sender_id), deque(maxlen=KEEP_PER_MEMBER))
        for seen in reversed(own):
            if seen.message_id == message_id:
                return seen
        seen = _Seen(message_id, at, grams(text))
        own.append(seen)
        self._latest(self._in_room, (room_id, fingerprint), sender_id, at)
        self._latest(self._by_sender, (sender_id, fingerprint), room_id, at)
        self._recorded += 1
        if self._recorded % 5000 == 0:
            self.prune(at)
        return seen

    @staticmethod
    def _latest(index: dict[tuple[str, str], dict[str, datetime]], key: tuple[str, str], who: str,
                at: datetime) -> None:
        slot = index.setdefault(key, {})
        if who not in slot or slot[who] < at:
            slot[who] = at

    def counts(self, room_id: str, sender_id: str, message_id: str, text: str, fingerprint: str, at: datetime, *,
               flood_within: timedelta, repeat_within: timedelta, similarity: float,
               min_chars: int = 1) -> dict[str, int]:
        """Counts for the behaviour checks, this message included (record it first). Only
        messages up to this one count, as they arrived."""
        self.horizon = max(self.horizon, flood_within, repeat_within)
        own = self._members.get((room_id, sender_id), deque())
        upto = _upto(own, message_id)
        since_flood, since_repeat = at - flood_within, at - repeat_within
        recent = sum(1 for seen in upto if seen.at >= since_flood)
        if len(normalise(text).dense) < min_chars:  # too short to count as a repeat at all
            return {"recent_messages": recent, "same_by_member": 1, "same_members": 1, "same_groups": 1}
        this = set(upto[-1].grams if upto else grams(text))
        earlier = [seen for seen in upto[:-1] if seen.at >= since_repeat][-RECENT_OWN:]
        same_by_member = 1 + sum(1 for seen in earlier if dice(this, seen.grams) >= similarity)
        members = sum(1 for when in self._in_room.get((room_id, fingerprint), {}).values() if when >= since_repeat)
        groups = sum(1 for when in self._by_sender.get((sender_id, fingerprint), {}).values() if when >= since_repeat)
        return {"recent_messages": recent, "same_by_member": same_by_member, "same_members": max(members, 1),
                "same_groups": max(groups, 1)}

    def prune(self, now: datetime) -> None:
        """Forget what no window reaches any more, so memory follows the message rate."""
        cutoff = now - self.horizon
        for key in [k for k, own in self._members.items() if not own or own[-1].at < cutoff]:
            del self._members[key]
        for index in (self._in_room, self._by_sender):
            for key in list(index):
                slot = {who: when for who, when in index[key].items() if when >= cutoff}
                if slot:
                    index[key] = slot
                else:
                    del index[key]

    def warm(self, rows: Iterable[tuple[str, str, str, str, str, datetime]]) -> None:
        """Rebuild from stored messages (room, sender, message id, text, fingerprint, at), oldest
        first."""
        for room_id, sender_id, message_id, text, fingerprint, at in rows:
            self.record(room_id, sender_id, message_id, text, fingerprint, at)
        self.warmed = True


def _upto(own: deque[_Seen], message_id: str) -> list[_Seen]:
    """The member's messages up to and including this one (a replayed event may be older than
    what came after it)."""
    items = list(own)
    for i in range(len(items) - 1, -1, -1):
        if items[i].message_id == message_id:
            return items[:i + 1]
    return items
