"""Queries on the checkin tables (and the core's cases and members they read)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Table, and_, bindparam, func, select, update
from sqlalchemy.orm import Session

from bot.core import cases, members
from db import repo
from plugins.checkin.models import CheckinNotice, CheckinRecord

ANTISPAM = "antispam"
# cases that did not really happen to the member: nothing to pay for
_NOT_COUNTED_OUTCOMES = ("dry_run", "shadow", "refused_protected")
_NOT_COUNTED_STATUS = ("reversed",)


_RECORDS = cast(Table, CheckinRecord.__table__)
_NOTICES = cast(Table, CheckinNotice.__table__)
_NOTICE_COLUMNS = ("room_id", "kind", "day", "sent_at")


@dataclass(frozen=True, slots=True)
class Today:
    """The member's check-in of the day, when there is one: what a repeated 打卡 is answered with."""

    id: int
    at: datetime
    repeat_answered: bool


@dataclass(frozen=True, slots=True)
class Standing:
    """What a check-in is decided on, read in one statement (check_in_standing)."""

    today: Today | None  # the member's record of the day
    days: list[date]  # every day the member has a record for (the day's own included)
    ranked: int  # check-ins (not make-ups) in the room that day
    confirmed: int  # check-ins confirmed one by one in the room since `since`: what the merging rule counts


def check_in_standing(db: Session, room_id: str, member_id: str, day: date, since: datetime,
                      since_day: date) -> Standing:
    """The member's records, the room's check-ins of the day and its confirmations since
    `since`, in one prepared statement on the driver's cursor: they were four ORM queries per
    check-in, and a check-in cost ~2 ms of the bot's CPU at 300 msg/s (issue 13). since_day, the
    local date of `since`, lets the (room, day) index skip the room's history. One row per
    record of the member (none: one row of the counts alone, by the outer join)."""
    rows = repo.run_prepared(db, repo.prepared(db, "checkin.standing", _standing), {
        "room_id": room_id, "member_id": member_id, "day": day, "since": since, "since_day": since_day}).all()
    today, days = None, []
    for _ranked, _confirmed, record_id, record_day, at, repeat_answered in rows:
        if record_id is None:
            continue
        days.append(record_day)
        if record_day == day:
            today = Today(record_id, at, bool(repeat_answered))
    return Standing(today, days, int(rows[0][0] or 0), int(rows[0][1] or 0))


def _standing(_insert: Callable[[Any], Any]) -> Any:
    c = _RECORDS.c
    room = bindparam("room_id", type_=c.room_id.type)
    ranked = select(func.count()).select_from(_RECORDS).where(
        c.room_id == room, c.day == bindparam("day", type_=Date()), c.makeup.is_(False)).scalar_subquery()
    confirmed = select(func.count()).select_from(_RECORDS).where(
        c.room_id == room, c.day >= bindparam("since_day", type_=Date()), c.at >= bindparam("since", type_=c.at.type),
        c.announced.is_(True), c.makeup.is_(False)).scalar_subquery()
    counts = select(ranked.label("ranked"), confirmed.label("confirmed")).subquery("counts")
    mine = and_(c.room_id == room, c.member_id == bindparam("member_id", type_=c.member_id.type))
    return select(counts.c.ranked, counts.c.confirmed, c.id, c.day, c.at, c.repeat_answered).select_from(
        counts.outerjoin(_RECORDS, mine))


def mark_repeat_answered(db: Session, record_id: int) -> None:
    """A repeated 打卡 was answered: later ones that day are not (no flood)."""
    repo.run_prepared(db, repo.prepared(db, "checkin.repeat_answered", lambda _insert: update(_RECORDS).where(
        _RECORDS.c.id == bindparam("id")).values(repeat_answered=True)), {"id": record_id})


def member_days(db: Session, room_id: str, member_id: str) -> list[date]:
    return list(db.scalars(select(CheckinRecord.day).where(
        CheckinRecord.room_id == room_id, CheckinRecord.member_id == member_id)))


_RECORD_COLUMNS = ("room_id", "member_id", "day", "at", "name", "note", "makeup", "points", "streak", "total",
                   "announced", "repeat_answered")


def add_record(db: Session, *, room_id: str, member_id: str, day: date, at: datetime, name: str, note: str,
               makeup: bool, points: int, streak: int, total: int, announced: bool) -> bool:
    """Insert a record; False if the member already has this day (another process got there
    first: the unique (room, member, day) decides, and ON CONFLICT DO NOTHING answers without an
    error, so no savepoint is needed around it)."""
    values = {"room_id": room_id, "member_id": member_id, "day": day, "at": at, "name": name, "note": note,
              "makeup": makeup, "points": points, "streak": streak, "total": total, "announced": announced,
              "repeat_answered": False}
    return repo.run_prepared(db, repo.prepared(db, "checkin.add_record", _insert_record), values).first() is not None


def _insert_record(insert: Callable[[Any], Any]) -> Any:
    c = _RECORDS.c
    return (insert(_RECORDS).values(**{name: bindparam(name, type_=c[name].type) for name in _RECORD_COLUMNS})
            .on_conflict_do_nothing(index_elements=["room_id", "member_id", "day"]).returning(c.id))


def members_on(db: Session, room_id: str, day: date) -> set[str]:
    return set(db.scalars(select(CheckinRecord.member_id).where(
        CheckinRecord.room_id == room_id, CheckinRecord.day == day)))


def checked_in_ever(db: Session, room_id: str, member_ids: Iterable[str]) -> set[str]:
    """Which of these members have ever checked in here (make-ups included)."""
    ids = list(member_ids)
    if not ids:
        return set()
    return set(db.scalars(select(CheckinRecord.member_id).distinct().where(
        CheckinRecord.room_id == room_id, CheckinRecord.member_id.in_(ids))))


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
    """True the first time (room, kind, day) is claimed: the job may speak. One prepared
    INSERT … ON CONFLICT DO NOTHING on the driver's cursor, the primary key deciding a race as
    for a record: every 打卡 while check-in is closed claims "closed", and the ORM's get, a
    savepoint and a flush were ~3.5% of the bot's CPU at 1,000 msg/s at night (issue 13)."""
    values = {"room_id": room_id, "kind": kind, "day": day, "sent_at": at}
    return repo.run_prepared(db, repo.prepared(db, "checkin.claim_notice", _insert_notice), values).first() is not None


def _insert_notice(insert: Callable[[Any], Any]) -> Any:
    c = _NOTICES.c
    return (insert(_NOTICES).values(**{name: bindparam(name, type_=c[name].type) for name in _NOTICE_COLUMNS})
            .on_conflict_do_nothing(index_elements=["room_id", "kind", "day"]).returning(c.room_id))


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
