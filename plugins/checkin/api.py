"""What other plugins may call. Stable: the stats plugin uses checkin_counts for #stats and for
its C/A/S member tags."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from plugins.checkin import logic, store


def checkin_counts(db: Session, room_id: str, start: date, end: date) -> dict[str, int]:
    """member id -> number of days checked in within [start, end] (inclusive; local dates in the
    group's timezone; make-ups count). Members with no check-in in the range are absent."""
    if end < start:
        return {}
    return store.counts_between(db, room_id, start, end)


def current_streak(db: Session, room_id: str, member_id: str, today: date) -> int:
    """Consecutive check-in days up to today (or yesterday, if today's is still to come)."""
    return logic.current_streak(store.member_days(db, room_id, member_id), today)
