"""What was last written per key, so an unchanged value is not written again (the name
history: names rarely change, and every group message brings its sender's)."""

from __future__ import annotations

from array import array
from collections.abc import Hashable

_LOW32 = 0xFFFF_FFFF
_WORD = 0xFFFF_FFFF_FFFF_FFFF


class LastWritten:
    """A direct-mapped table of 64-bit words in one array: a key's slot holds its tag (31 bits
    of its hash, never 0) above its value's 32-bit hash. Fixed memory, no object per entry:
    4 MB for 2**19 slots, where a dict of hashes took ~110 bytes an entry (13.7 MB with the
    200 x 500 members of bench.load known) and had to be cleared past a cap.

    A slot another key took forgets this one: its value is written once more (the database
    compares it; the write was a query per message before any memo). Claiming "unchanged"
    wrongly would take two keys in one slot with the same tag, or a changed value with the same
    32-bit hash: about 2**-31 per change, and the cost one history row not written. Hashes are
    per process, as this table is."""

    def __init__(self, slots: int = 1 << 19) -> None:
        if slots & (slots - 1):
            raise ValueError("slots must be a power of two")
        self._mask = slots - 1
        self._words = array("Q", bytes(8 * slots))

    def _slot(self, key: Hashable) -> tuple[int, int]:
        h = hash(key) & _WORD
        return h & self._mask, (h >> 33) << 1 | 1  # the tag: 31 bits above the index's, odd

    def same(self, key: Hashable, value: Hashable) -> bool:
        """Whether this key's last written value is this one (as far as this table knows)."""
        i, tag = self._slot(key)
        return self._words[i] == tag << 32 | (hash(value) & _LOW32)

    def wrote(self, key: Hashable, value: Hashable) -> None:
        i, tag = self._slot(key)
        self._words[i] = tag << 32 | (hash(value) & _LOW32)
