"""What the three-part readings share (returns.py, courses.py, gains.py, services.py, referral.own_outlet): an
offer is all of its parts in one message that tells of nothing (checks._offered leaves questions out before
any reading)."""

from __future__ import annotations

import functools
import re

# a count as written, in digits or Chinese numerals (3000, 三千, 两百), bounded: a run of digits
# thousands long must not make every start position scan to its end. Every reading's own digit class is
# bounded the same way ({1,8}, {1,12}; never + or *): 43 unbounded ones made a member's 4,000 digits cost
# 0.55-0.75 s of the event loop (lead54; tests/test_antispam_checks.py, the flood of digits)
NUMBER = r"[0-9一二两三四五六七八九十百千万几]{1,8}"


@functools.lru_cache(maxsize=8)
def unspaced(body: str) -> str:
    """`body` (the normaliser's body form) with its spaces taken out, so spaced-out words (押 大 小
    一 块 起 押) read as one. The readings of one message each ask for it: made once a message."""
    return "".join(body.split())


def every_part(body: str, told: re.Pattern[str], *parts: re.Pattern[str]) -> tuple[str, ...] | None:
    """The words each of `parts` found in `body`, once each and in order, when all are there and
    `told` (the offer warned about or told as taken) finds nothing; else None."""
    # the parts first, each only while the ones before it were found: nearly every message lacks the
    # first, and `told` (the longest alternation) then need not run at all (issue 13)
    found = []
    for part in parts:
        m = part.search(body)
        if m is None:
            return None
        found.append(m)
    if told.search(body):
        return None
    return tuple(dict.fromkeys(m.group(0).strip() for m in found))
