"""What the three-part readings share (returns.py, courses.py, gains.py, services.py, referral.own_outlet): an
offer is all of its parts in one message that tells of nothing (checks._offered leaves questions out before
any reading)."""

from __future__ import annotations

import re


def every_part(body: str, told: re.Pattern[str], *parts: re.Pattern[str]) -> tuple[str, ...] | None:
    """The words each of `parts` found in `body`, once each and in order, when all are there and
    `told` (the offer warned about or told as taken) finds nothing; else None."""
    if told.search(body):
        return None
    found = [part.search(body) for part in parts]
    if any(m is None for m in found):
        return None
    return tuple(dict.fromkeys(m.group(0).strip() for m in found if m is not None))
