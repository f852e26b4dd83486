"""What one occurrence of a schedule should send, or why it should not: resolved at run time
from the current rules and database, so an edit or a removal takes effect at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from plugins.announce import store
from plugins.announce.config import SERIES_PARTS, AnnounceConfig
from plugins.announce.templates import day_values
from plugins.announce.timing import event_time, local, within_dates


@dataclass(frozen=True, slots=True)
class Due:
    """A resolved occurrence: what to send where, and the values its template may use."""

    target: str  # message, announce
    template: str
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class Skip:
    reason: str  # said in the log: every decision not to send is explained


def pause_key(key: str) -> str:
    """Series parts pause with their series: "s:share:preview" -> "s:share"."""
    return ":".join(key.split(":")[:2])


def resolve(db: Session, cfg: AnnounceConfig, room_id: str, key: str, occurrence: datetime,
            timezone: str) -> Due | Skip:
    kind, _, rest = key.partition(":")
    if kind == "r":
        found = _rules_schedule(cfg, room_id, rest, occurrence, timezone)
    elif kind == "s":
        found = _series_part(cfg, room_id, rest, occurrence, timezone)
    elif kind == "c":
        found = _chat_schedule(db, room_id, rest, occurrence, timezone)
    else:
        found = Skip(f"unknown schedule key {key!r}")
    if isinstance(found, Skip):
        return found
    state = store.pause_state(db, room_id, pause_key(key))
    if state is not None and state.paused:
        return Skip(f"paused by {state.changed_by or '?'} at {state.changed_at.isoformat()}")
    if state is not None and occurrence <= state.changed_at:
        return Skip(f"missed while paused (resumed at {state.changed_at.isoformat()})")
    return found


def _rules_schedule(cfg: AnnounceConfig, room_id: str, schedule_id: str, occurrence: datetime,
                    timezone: str) -> Due | Skip:
    schedule = cfg.schedule(schedule_id)
    if schedule is None or (schedule.rooms and room_id not in schedule.rooms):
        return Skip("no longer in rules.yaml for this group")
    when = local(occurrence, timezone)
    if not within_dates(when.date(), schedule.start_date, schedule.end_date):
        return Skip(f"{when.date()} is outside {schedule.start_date or '…'} – {schedule.end_date or '…'}")
    return Due(schedule.target, schedule.text, day_values(when))


def _series_part(cfg: AnnounceConfig, room_id: str, rest: str, occurrence: datetime, timezone: str) -> Due | Skip:
    series_id, _, part = rest.partition(":")
    series = cfg.find_series(series_id)
    if series is None or (series.rooms and room_id not in series.rooms):
        return Skip("series no longer in rules.yaml for this group")
    if part not in SERIES_PARTS or not series.notice(part).enabled:
        return Skip(f"part {part!r} is not enabled")
    start = event_time(occurrence, series.offset(part), timezone)
    if not within_dates(start.date(), series.start_date, series.end_date):
        return Skip(f"event on {start.date()} is outside {series.start_date or '…'} – {series.end_date or '…'}")
    end = start + series.duration
    values = {**day_values(start), "title": series.title, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
    notice = series.notice(part)
    return Due(notice.target, notice.text, values)


def _chat_schedule(db: Session, room_id: str, number: str, occurrence: datetime, timezone: str) -> Due | Skip:
    row = store.chat_schedule(db, room_id, int(number)) if number.isdigit() else None
    if row is None or row.status != store.ACTIVE:
        return Skip("removed or already sent")
    # a schedule added at 20:05 must not send its 20:00 occurrence late (nor the one due the
    # very moment it was added: its "next send" was the one after)
    if occurrence <= row.created_at:
        return Skip(f"scheduled before the schedule was added ({row.created_at.isoformat()})")
    return Due(row.target, row.text, day_values(local(occurrence, timezone)))
