"""What the check-in commands and jobs say: leaderboards, a member's card, the admins' daily
rate, the reminder and the weekly summary. Reads the database, returns text; sends nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from plugins.checkin import logic, store
from plugins.checkin.config import CheckinConfig

PERIODS = {
    "week": "week", "周": "week", "本周": "week", "周榜": "week",
    "month": "month", "月": "month", "本月": "month", "月榜": "month",
    "all": "all", "总": "all", "总榜": "all", "全部": "all", "累计": "all",
}


def period_start(period: str, today: date) -> date | None:
    if period == "week":
        return today - timedelta(days=today.weekday())  # Monday
    if period == "month":
        return today.replace(day=1)
    return None


def _shown(ranked: Sequence[logic.Ranked], size: int) -> list[logic.Ranked]:
    """The top `size` ranks; members tied at the last shown rank are all shown (up to twice the size)."""
    return [r for r in ranked if r.rank <= size][: size * 2]


def leaderboard(db: Session, room_id: str, cfg: CheckinConfig, period: str, today: date, asker: str) -> str:
    texts = cfg.texts
    label = {"week": texts.period_week, "month": texts.period_month}.get(period, texts.period_all)
    counts = store.counts_between(db, room_id, period_start(period, today), today)
    if not counts:
        return texts.rank_empty.format(period=label)
    names = store.latest_names(db, room_id, counts)
    ranked = logic.rank(counts, names)
    shown = _shown(ranked, cfg.rank_size)
    lines = [texts.rank_title.format(period=label)]
    lines += [texts.rank_line.format(rank=r.rank, name=logic.short_name(names.get(r.member_id, r.member_id)),
                                     days=r.days) for r in shown]
    mine = next((r for r in ranked if r.member_id == asker), None)
    if mine is not None and mine not in shown:
        lines.append(texts.rank_self.format(rank=mine.rank, days=mine.days))
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class MemberCard:
    total: int
    streak: int
    month: int
    earned: int
    deducted: int
    makeup_left: int

    @property
    def points(self) -> int:
        return self.earned - self.deducted


def month_bounds(today: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = today.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return store.local_day_start(start, tz), store.local_day_start(following, tz)


def makeups_left(db: Session, room_id: str, member_id: str, cfg: CheckinConfig, today: date, tz: ZoneInfo) -> int:
    start, end = month_bounds(today, tz)
    return max(cfg.makeup.per_month - store.makeups_between(db, room_id, member_id, start, end), 0)


def member_card(db: Session, room_id: str, member_id: str, cfg: CheckinConfig, today: date,
                tz: ZoneInfo) -> MemberCard:
    days = store.member_days(db, room_id, member_id)
    month_start = today.replace(day=1)
    kinds = store.penalty_case_kinds(db, room_id, member_id, cfg.points.deduct)
    return MemberCard(
        total=len(days), streak=logic.current_streak(days, today),
        month=sum(1 for d in days if month_start <= d <= today),
        earned=store.earned_points(db, room_id, member_id),
        deducted=logic.deducted_points(kinds, cfg.points.deduct),
        makeup_left=makeups_left(db, room_id, member_id, cfg, today, tz),
    )


def member_text(card: MemberCard, name: str, cfg: CheckinConfig) -> str:
    texts = cfg.texts
    if card.total == 0 and card.deducted == 0:
        return texts.me_none
    level = logic.level_for(card.total, cfg.levels)
    upcoming = logic.next_level(card.total, cfg.levels)
    following = texts.me_next.format(days=upcoming.days - card.total, level=upcoming.name) if upcoming else ""
    return texts.me.format(name=logic.short_name(name), streak=card.streak, total=card.total, month=card.month,
                           level=level.name if level else "", next=following, points=card.points,
                           earned=card.earned, deducted=card.deducted, makeup_left=card.makeup_left)


def stats_text(cfg: CheckinConfig, members: Sequence[str], done: set[str], names: Mapping[str, str]) -> str:
    texts = cfg.texts
    checked = sum(1 for m in members if m in done)
    if members and checked == len(members):
        return texts.stats_all_done.format(done=checked, members=len(members))
    missing = [m for m in members if m not in done]
    shown, rest = logic.cap_names([logic.short_name(names.get(m) or m) for m in missing], cfg.stats_max_names)
    rate = round(100 * checked / len(members)) if members else 0
    return texts.stats.format(done=checked, members=len(members), rate=rate, missing=len(missing), names=shown,
                              more=texts.stats_more if rest else "")


def summary_text(db: Session, room_id: str, cfg: CheckinConfig, end: date,
                 as_of: datetime | None = None) -> str | None:
    """The period ending on `end`, as it stood at `as_of` (the summary's scheduled time: sent
    late, after a restart, it says what it would have said on time); None when nobody had
    checked in (a dead group hears nothing)."""
    start = end - timedelta(days=cfg.summary.days - 1)
    # a group's first week counts from its first check-in: 全勤0人 was announced to six members
    # who had checked in on each of the three days since (seen in a simulated 考研 group)
    first = store.first_checkin_day(db, room_id)
    if first is not None and start < first <= end:
        start = first
    counts = store.counts_between(db, room_id, start, end, recorded_by=as_of)
    if not counts:
        return None
    names = store.latest_names(db, room_id, counts)
    ranked = _shown(logic.rank(counts, names), cfg.summary.top)
    texts = cfg.texts
    lines = "\n".join(texts.summary_line.format(rank=r.rank, name=logic.short_name(names.get(r.member_id, r.member_id)),
                                                days=r.days) for r in ranked)
    return texts.summary.format(start=f"{start.month}月{start.day}日", end=f"{end.month}月{end.day}日",
                                people=len(counts), checkins=sum(counts.values()),
                                perfect=sum(1 for n in counts.values() if n >= (end - start).days + 1), lines=lines)


def reminder_targets(db: Session, room_id: str, cfg: CheckinConfig, members: Sequence[str], day: date) -> list[str]:
    """Members (in room order) who have not checked in on `day`; with recent_days, only the
    regulars (checked in within that many days before)."""
    done = store.members_on(db, room_id, day)
    pending = [m for m in members if m not in done]
    if cfg.remind.recent_days:
        regulars = store.members_between(db, room_id, day - timedelta(days=cfg.remind.recent_days),
                                         day - timedelta(days=1))
        pending = [m for m in pending if m in regulars]
    return pending
