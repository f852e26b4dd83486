"""Queries on the checkin tables (and the core's cases and members they read)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core import cases, members
from plugins.checkin.models import CheckinNotice, CheckinRecord

ANTISPAM = "antispam"
# cases that did not really happen to the member: nothing to pay for
_NOT_COUNTED_OUTCOMES = ("dry_run", "shadow", "refused_protected")
_NOT_COUNTED_STATUS = ("reversed",)


def record_on(db: Session, room_id: str, member_id: str, day: date) -> CheckinRecord | None:
    return db.scalar(select(CheckinRecord).where(
        CheckinRecord.room_id == room_id, CheckinRecord.member_id == member_id, CheckinRecord.day == day))


def member_days(db: Session, room_id: str, member_id: str) -> list[date]:
    return list(db.scalars(select(CheckinRecord.day).where(
        CheckinRecord.room_id == room_id, CheckinRecord.member_id == member_id)))


def add_record(db: Session, record: CheckinRecord) -> bool:
    """Insert; False if the member already has this day (another process got there first)."""
    try:
        with db.begin_nested():
            db.add(record)
            db.flush()
    except IntegrityError:
        return False
    return True


def count_on(db: Session, room_id: str, day: date, *, makeup: bool | None = False) -> int:
    query = select(func.count()).select_from(CheckinRecord).where(
        CheckinRecord.room_id == room_id, CheckinRecord.day == day)
    if makeup is not None:
        query = query.where(CheckinRecord.makeup.is_(makeup))
    return int(db.scalar(query) or 0)


def members_on(db: Session, room_id: str, day: date) -> set[str]:
    return set(db.scalars(select(CheckinRecord.member_id).where(
        CheckinRecord.room_id == room_id, CheckinRecord.day == day)))


def members_between(db: Session, room_id: str, start: date, end: date) -> set[str]:
    return set(db.scalars(select(CheckinRecord.member_id).distinct().where(
        CheckinRecord.room_id == room_id, CheckinRecord.day >= start, CheckinRecord.day <= end)))


def counts_between(db: Session, room_id: str, start: date | None, end: date | None,
                   recorded_by: datetime | None = None) -> dict[str, int]:
    """member id -> days checked in within [start, end] (None: unbounded); with recorded_by,
    only the check-ins (and make-ups) recorded by then."""
    query = select(CheckinRecord.member_id, func.count()).where(CheckinRecord.room_id == room_id)
    if recorded_by is not None:
        query = query.where(CheckinRecord.at <= recorded_by)
    if start is not None:
        query = query.where(CheckinRecord.day >= start)
    if end is not None:
        query = query.where(CheckinRecord.day <= end)
    return {member: int(n) for member, n in db.execute(query.group_by(CheckinRecord.member_id))}


def latest_names(db: Session, room_id: str, member_ids: Iterable[str]) -> dict[str, str]:
    """The display name each member had at their latest check-in."""
    ids = list(member_ids)
    if not ids:
        return {}
    latest = (select(CheckinRecord.member_id, func.max(CheckinRecord.id).label("last_id"))
              .where(CheckinRecord.room_id == room_id, CheckinRecord.member_id.in_(ids))
              .group_by(CheckinRecord.member_id).subquery())
    rows = db.execute(select(CheckinRecord.member_id, CheckinRecord.name)
                      .join(latest, CheckinRecord.id == latest.c.last_id))
    return {member: name for member, name in rows if name}


def earned_points(db: Session, room_id: str, member_id: str) -> int:
    return int(db.scalar(select(func.coalesce(func.sum(CheckinRecord.points), 0)).where(
        CheckinRecord.room_id == room_id, CheckinRecord.member_id == member_id)) or 0)


def penalty_case_kinds(db: Session, room_id: str, member_id: str, kinds: Iterable[str]) -> list[str]:
    """Kinds of the anti-spam cases against this member that stand (not reversed, not dry-run)."""
    return cases.standing_kinds(db, room_id, member_id, source=ANTISPAM, kinds=kinds,
                                not_outcomes=_NOT_COUNTED_OUTCOMES, not_status=_NOT_COUNTED_STATUS)


def makeups_between(db: Session, room_id: str, member_id: str, start: datetime, end: datetime) -> int:
    return int(db.scalar(select(func.count()).select_from(CheckinRecord).where(
        CheckinRecord.room_id == room_id, CheckinRecord.member_id == member_id, CheckinRecord.makeup.is_(True),
        CheckinRecord.at >= start, CheckinRecord.at < end)) or 0)


def recent_replies(db: Session, room_id: str, since: datetime, since_day: date) -> int:
    """Check-ins confirmed one by one since `since` (what the merging rule counts). since_day,
    the local date of `since`, lets the (room, day) index skip the room's history."""
    return int(db.scalar(select(func.count()).select_from(CheckinRecord).where(
        CheckinRecord.room_id == room_id, CheckinRecord.day >= since_day, CheckinRecord.at >= since,
        CheckinRecord.announced.is_(True),
        CheckinRecord.makeup.is_(False))) or 0)


def pending_announcements(db: Session, room_id: str) -> list[CheckinRecord]:
    return list(db.scalars(select(CheckinRecord).where(
        CheckinRecord.room_id == room_id, CheckinRecord.announced.is_(False)).order_by(CheckinRecord.id)))


def mark_announced(db: Session, ids: list[int]) -> None:
    if ids:
        db.execute(update(CheckinRecord).where(CheckinRecord.id.in_(ids)).values(announced=True))


def active_rooms(db: Session) -> list[str]:
    """Rooms where anyone ever checked in: where reminders and summaries make sense."""
    return list(db.scalars(select(CheckinRecord.room_id).distinct()))


def claim_notice(db: Session, room_id: str, kind: str, day: date, at: datetime) -> bool:
    """True the first time (room, kind, day) is claimed: the job may speak."""
    if db.get(CheckinNotice, (room_id, kind, day)) is not None:
        return False
    try:
        with db.begin_nested():
            db.add(CheckinNotice(room_id=room_id, kind=kind, day=day, sent_at=at))
            db.flush()
    except IntegrityError:
        return False
    return True


def add_credit(db: Session, room_id: str, member_id: str, amount: int, at: datetime) -> None:
    """Check-in days count as approved history for anti-spam probation (core_member.credit)."""
    members.add_credit(db, room_id, member_id, amount, at)


def first_seen_day(db: Session, room_id: str, member_id: str, tz: ZoneInfo) -> date | None:
    member = members.facts(db, room_id, member_id)
    if member is None:
        return None
    if member.established and member.joined_at is None:
        return date.min  # in the group before the bot met it: present on every day 补卡 can reach
    seen = [t for t in (member.first_seen, member.joined_at) if t is not None]
    return min(seen).astimezone(tz).date() if seen else None


def watched_day(db: Session, room_id: str, tz: ZoneInfo) -> date | None:
    """The local day the bot first saw the room: check-ins exist from then on, so no make-up
    names a day before it (an established member counts as present on every earlier day)."""
    since = members.watched_since(db, room_id)
    return since.astimezone(tz).date() if since is not None else None


def local_day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def room_has_records(db: Session, room_id: str) -> bool:
    return db.scalar(select(CheckinRecord.id).where(CheckinRecord.room_id == room_id).limit(1)) is not None


def first_checkin_day(db: Session, room_id: str) -> date | None:
    """The first day anyone checked in here (make-ups aside: they may name days before it)."""
    found = db.scalar(select(func.min(CheckinRecord.day)).where(CheckinRecord.room_id == room_id,
                                                               CheckinRecord.makeup.is_(False)))
    return found if isinstance(found, date) else None
