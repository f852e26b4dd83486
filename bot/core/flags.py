"""Room-wide modes that one plugin sets and others read, kept in core_setting.

Strict mode: after a join raid the newcomers plugin switches a room to strict mode for a
while; anti-spam then handles newcomers' links and cards at the first offence.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db import repo

STRICT_MODE = "strict_mode"


def set_strict_mode(db: Session, room_id: str, until: datetime | None, by: str, at: datetime) -> None:
    """Strict mode until `until` (None: off)."""
    repo.put_setting(db, room_id, STRICT_MODE, {"until": until.isoformat() if until else None}, by, at)


def strict_mode_until(db: Session, room_id: str, now: datetime) -> datetime | None:
    """When strict mode ends, or None if it is off or over."""
    value = repo.get_setting(db, room_id, STRICT_MODE)
    if not value or not value.get("until"):
        return None
    until = datetime.fromisoformat(value["until"])
    return until if until > now else None
