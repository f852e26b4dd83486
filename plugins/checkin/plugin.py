"""Daily check-ins (打卡): streaks, levels, points, make-ups, leaderboards, reminders and a
weekly summary. Members who check in regularly are a group's core, so every check-in day also
adds to the member's core credit: approved history for anti-spam probation."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.actions import Reply
from bot.core.plugin import JobSpec, Plugin, command
from bot.core.roles import Role, role_of
from bot.events import MessageKind, MessageReceived
from plugins.checkin import logic, reports, store
from plugins.checkin.config import CheckinConfig

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.core.context import Context
    from bot.rules.loader import Rules

log = logging.getLogger(__name__)

# a reminder or summary missed by a restart shortly before still goes out (once: checkin_notice)
_REMIND_GRACE = 30 * 60.0
_SUMMARY_GRACE = 3 * 3600.0
# a message's own time is when the member checked in, even if it reaches us late (a reconnect
# redelivers); a time from the future or far in the past is not trusted
_MAX_SKEW = timedelta(minutes=5)
_MAX_DELAY = timedelta(hours=12)


def _taking_part(ctx: Context) -> list[str]:
    """The members a group's check-in counts (#checkin stats, the reminder), in room order: not
    the bot, and the owner and admins only once they have checked in here. A class teacher who
    runs the parents' group and never checks in was listed among the parents who had not (seen
    in a simulated day); an owner who checks in with the group is counted like anyone."""
    if ctx.room is None or ctx.room_id is None:
        return []
    staff = [m for m in ctx.room.member_ids if role_of(m, ctx.room, ctx.rules) > Role.MEMBER]
    joined = store.checked_in_ever(ctx.db, ctx.room_id, staff)
    left_out = {m for m in staff if m not in joined} | {ctx.self_id}
    return [m for m in ctx.room.member_ids if m not in left_out]


def message_time(sent: datetime, now: datetime) -> datetime:
    if now - _MAX_DELAY <= sent <= now + _MAX_SKEW:
        return min(sent, now)
    return now


def _typed_as_hashtag(text: str) -> bool:
    """#打卡, not #checkin: the English name alone still asks for its usage."""
    words = logic.strip_mentions(text).split()
    return bool(words) and words[0].endswith("打卡")


def _is_check_in_note(args: str) -> bool:
    """What may follow #打卡 in a check-in: nothing, or a note; a mistyped subcommand
    ("#checkin rnak") still gets the usage."""
    words = args.split()
    return not words or not (words[0].isascii() and words[0].isalpha())


class CheckinPlugin(Plugin):
    """打卡: one check-in per member per local day, within a window; 补卡 a few times a month."""

    name = "checkin"
    title = "打卡"
    Config = CheckinConfig
    events = (MessageReceived,)

    def help_notes(self, rules: Rules, room_id: str | None) -> list[str]:
        cfg: CheckinConfig = rules.plugin_config(room_id, self.name)
        if not cfg.enabled:
            return []
        others = "".join(f"或「{k}」" for k in cfg.keywords[1:])
        notes = [cfg.texts.help_note.format(keyword=cfg.keywords[0], others=others)]
        if cfg.makeup.enabled and cfg.makeup.per_month > 0:
            notes.append(cfg.texts.help_makeup.format(keyword=cfg.makeup.keywords[0]))
        return notes

    def wants(self, ctx: Context) -> bool:
        msg = ctx.message
        if msg is None or msg.room_id is None or msg.kind != MessageKind.TEXT or not msg.text:
            return False
        cfg: CheckinConfig = ctx.config(self.name)
        return logic.has_keyword(msg.text, (*cfg.keywords, *cfg.makeup.keywords))

    async def handle(self, ctx: Context) -> None:
        msg = ctx.message
        assert msg is not None and msg.room_id is not None
        cfg: CheckinConfig = ctx.config(self.name)
        makeup_arg = logic.match_keyword(msg.text, cfg.makeup.keywords)
        if makeup_arg is not None:
            self._makeup(ctx, cfg, msg, makeup_arg)
            return
        note = logic.match_keyword(msg.text, cfg.keywords)
        if note is not None:
            self._check_in(ctx, cfg, msg, note)

    # ------------------------------------------------------------------ check-in
    def _check_in(self, ctx: Context, cfg: CheckinConfig, msg: MessageReceived, note: str) -> None:
        room, member, db = msg.room_id or "", msg.sender_id, ctx.db
        tz = ZoneInfo(ctx.group.timezone)
        at = message_time(msg.timestamp, ctx.now())
        local = at.astimezone(tz)
        texts = cfg.texts
        if not logic.in_window(local.time(), cfg.window_start, cfg.window_end):
            # said once per group while check-in is closed: at 00:40 three night owls got three
            # identical refusals (seen in a simulated day), and the first one is in the chat
            opens = local.date() + timedelta(days=0 if local.time() < cfg.window_start else 1)
            log.info("check-in %s in %s at %s refused: check-in is closed until %s %s", member, room,
                     local.strftime("%H:%M"), opens, cfg.window_start.strftime("%H:%M"))
            if store.claim_notice(db, room, "closed", opens, at):
                ctx.reply(texts.outside_window.format(start=cfg.window_start.strftime("%H:%M"),
                                                      end=cfg.window_end.strftime("%H:%M")))
            return
        today = local.date()
        since = at - cfg.batch.window
        standing = store.check_in_standing(db, room, member, today, since, since.astimezone(tz).date())
        days, existing = standing.days, standing.today
        if existing is not None:
            if not existing.repeat_answered:  # once a day: repeating 打卡 must not make the bot chatty
                store.mark_repeat_answered(db, existing.id)
                ctx.reply(texts.already.format(time=existing.at.astimezone(tz).strftime("%H:%M"),
                                               streak=logic.current_streak(days, today)))
            return
        streak = logic.streak_ending([*days, today], today)
        total = len(days) + 1
        points = logic.checkin_points(streak, cfg.points)
        rank = standing.ranked + 1
        merge = cfg.batch.max_replies > 0 and standing.confirmed >= cfg.batch.max_replies
        first_in_room = rank == 1 and not store.room_has_records(db, room)
        if not store.add_record(db, room_id=room, member_id=member, day=today, at=at,
                                name=logic.clean(msg.display_name, 100), note=logic.clean(note, cfg.note_max_chars),
                                makeup=False, points=points, streak=streak, total=total, announced=not merge):
            return
        store.add_credit(db, room, member, cfg.credit_per_day, at)
        if first_in_room:
            ctx.reschedule(self.name)  # this room now gets its reminder and summary jobs
        log.info("check-in %s in %s for %s: streak %d, total %d, +%d points%s", member, room, today, streak,
                 total, points, " (merged)" if merge else "")
        if merge:
            return
        text = texts.ok.format(rank=rank, streak=streak, total=total, points=points)
        ctx.reply(self._with_level(text, len(days), total, cfg))

    def _with_level(self, text: str, before: int, after: int, cfg: CheckinConfig) -> str:
        change = logic.level_change(before, after, cfg.levels)
        if change is None:
            return text
        return f"{text}\n{cfg.texts.level_up.format(old=change[0], new=change[1])}"

    # ------------------------------------------------------------------ 补卡
    def _makeup(self, ctx: Context, cfg: CheckinConfig, msg: MessageReceived, arg: str) -> None:
        texts, lookback = cfg.texts, cfg.makeup.lookback_days
        if not cfg.makeup.enabled:
            ctx.reply(texts.makeup_disabled)
            return
        room, member, db = msg.room_id or "", msg.sender_id, ctx.db
        tz = ZoneInfo(ctx.group.timezone)
        at = message_time(msg.timestamp, ctx.now())
        today = at.astimezone(tz).date()
        days = store.member_days(db, room, member)
        earliest = store.first_seen_day(db, room, member, tz) or today
        if arg:
            day = logic.parse_makeup_day(arg, today)
            if day is None or not today - timedelta(days=lookback) <= day < today:
                ctx.reply(texts.makeup_bad_day.format(days=lookback))
                return
        else:
            # the bot picks the day: never one before it watched the group, when nobody could
            # check in (a plain 补卡 with nothing missed since the bot came spent a make-up on the
            # day before it, seen in a simulated day). A day the member names is theirs to name.
            watched = store.watched_day(db, room, tz) or date.min
            day = logic.latest_missed(days, today, lookback, max(earliest, watched))
            if day is None:
                ctx.reply(texts.makeup_none.format(days=lookback))
                return
        label = f"{day.month}月{day.day}日"
        if day in days:
            ctx.reply(texts.makeup_done_already.format(day=label))
            return
        if day < earliest:
            ctx.reply(texts.makeup_before_join.format(day=label))
            return
        left = reports.makeups_left(db, room, member, cfg, today, tz)
        if left <= 0:
            ctx.reply(texts.makeup_limit.format(limit=cfg.makeup.per_month))
            return
        after = [*days, day]
        streak, total = logic.current_streak(after, today), len(after)
        run, last = logic.run_through(after, day)
        if not store.add_record(db, room_id=room, member_id=member, day=day, at=at,
                                name=logic.clean(msg.display_name, 100), note="", makeup=True,
                                points=cfg.points.makeup, streak=streak, total=total, announced=True):
            return
        store.add_credit(db, room, member, cfg.credit_per_day, at)
        log.info("make-up %s in %s for %s (%d left this month)", member, room, day, left - 1)
        if last >= today - timedelta(days=1):
            text = texts.makeup_ok.format(day=label, streak=streak, total=total, left=left - 1)
        else:
            # the made-up day does not reach today's streak: "连续0天" alone read as if the make-up
            # had not counted (seen in a simulated day); say what it joined and what is missing
            text = texts.makeup_ok_apart.format(day=label, run=run, gap=logic.missed_between(after, last, today),
                                                streak=streak, total=total, left=left - 1)
        ctx.reply(self._with_level(text, len(days), total, cfg))

    # ------------------------------------------------------------------ commands
    @command("checkin", min_role=Role.MEMBER, aliases=("打卡",), usage="rank [week|month|all] | me",
             admin_usage="stats", allow_private=True)
    async def checkin_command(self, ctx: Context, args: str) -> None:
        """打卡排行榜（rank）和我的打卡记录（me）；管理员另有 stats：今日打卡率"""
        if ctx.room_id is None:
            ctx.reply(CheckinConfig().texts.private_only_group)
            return
        cfg: CheckinConfig = ctx.config(self.name)
        if not cfg.enabled:
            return
        words = args.split()
        sub = words[0].lower() if words else ""
        sender = ctx.message.sender_id if ctx.message else ""
        today = ctx.local_now().date()
        if sub in ("rank", "top", "排行", "排行榜", "排名", "榜"):  # "#checkin top": an owner's first guess
            period = reports.PERIODS.get(words[1].lower() if len(words) > 1 else "week")
            if period is None:
                ctx.reply(cfg.texts.usage)
                return
            ctx.reply(reports.leaderboard(ctx.db, ctx.room_id, cfg, period, today, sender))
        elif sub in ("me", "我", "我的"):
            tz = ZoneInfo(ctx.group.timezone)
            card = reports.member_card(ctx.db, ctx.room_id, sender, cfg, today, tz)
            name = ctx.message.display_name if ctx.message else sender
            ctx.reply(reports.member_text(card, name, cfg))
        elif sub in ("stats", "统计", "今日"):
            if ctx.sender_role < Role.ADMIN:
                return  # fail closed and stay quiet, as the core does for commands above one's role
            await self._stats(ctx, cfg, today)
        elif ctx.message is not None and _typed_as_hashtag(ctx.message.text) and _is_check_in_note(args):
            # "#打卡" is how WeChat's hashtags write a check-in ("#打卡 背单词50个"): members who
            # typed it got a usage line in English command names and lost their check-in
            self._check_in(ctx, cfg, ctx.message, args.strip())
        else:
            ctx.reply(cfg.texts.usage)

    async def _stats(self, ctx: Context, cfg: CheckinConfig, today: date) -> None:
        room_id = ctx.room_id or ""
        members = _taking_part(ctx)
        done = store.members_on(ctx.db, room_id, today)
        names = await self._names(ctx, room_id, [m for m in members if m not in done])
        ctx.reply(reports.stats_text(cfg, members, done, names))

    async def _names(self, ctx: Context, room_id: str, member_ids: list[str]) -> dict[str, str]:
        """Group nickname, else contact name, fresh from the platform; else the check-in name."""
        names = store.latest_names(ctx.db, room_id, member_ids)
        if ctx.lookup is not None and member_ids:
            for m in await ctx.lookup.members(room_id):
                if m.alias or m.name:
                    names[m.id] = m.alias or m.name
        return names

    # ------------------------------------------------------------------ jobs
    def jobs(self, rules: Rules, db: Session) -> Iterable[JobSpec]:
        return [spec for room in sorted(set(rules.groups) | set(store.active_rooms(db)))
                for spec in self._room_specs(rules, room)]

    def room_jobs(self, rules: Rules, db: Session, room_id: str) -> Iterable[JobSpec]:
        # a room's first check-in gives it its reminder and summary: declared for that room in
        # the check-in's own transaction, not by a reconcile of every group (issue 13: 126-182
        # such reconciles in bench.load's first step at 300 msg/s, core38)
        return self._room_specs(rules, room_id)

    def _room_specs(self, rules: Rules, room: str) -> list[JobSpec]:
        if not rules.manages(room):
            return []
        group = rules.for_room(room)
        cfg: CheckinConfig = getattr(group, self.name)
        if not cfg.enabled:
            return []
        specs: list[JobSpec] = []
        if cfg.remind.enabled:
            specs.append(JobSpec(f"{self.name}.remind:{room}", cfg.remind.cron, group.timezone, room,
                                 (("kind", "remind"),), grace=_REMIND_GRACE, label="打卡提醒：点名还没打卡的成员"))
        if cfg.summary.enabled:
            specs.append(JobSpec(f"{self.name}.summary:{room}", cfg.summary.cron, group.timezone, room,
                                 (("kind", "summary"),), grace=_SUMMARY_GRACE,
                                 label=f"打卡周报：最近 {cfg.summary.days} 天的打卡排行"))
        if cfg.batch.max_replies > 0:
            every = int(cfg.batch.window.total_seconds())
            specs.append(JobSpec(f"{self.name}.flush:{room}", f"every {every}s", group.timezone, room,
                                 (("kind", "flush"),)))
        return specs

    async def run_job(self, ctx: Context, job: JobSpec) -> None:
        cfg: CheckinConfig = ctx.config(self.name)
        if not cfg.enabled or ctx.room_id is None:
            return
        day = (ctx.scheduled or ctx.now()).astimezone(ZoneInfo(ctx.group.timezone)).date()
        kind = job.get("kind")
        if kind == "flush":
            self._flush(ctx, cfg)
        elif kind == "remind":
            self._remind(ctx, cfg, day)
        elif kind == "summary":
            # as of its scheduled time: a group's very first check-in on a Sunday evening,
            # after 20:00, declared the job, which caught up on the 20:00 it had "missed" and
            # sent a weekly summary of that one check-in at once (seen in a simulated day)
            text = reports.summary_text(ctx.db, ctx.room_id, cfg, day, as_of=ctx.scheduled)
            if text and store.claim_notice(ctx.db, ctx.room_id, "summary", day, ctx.now()):
                ctx.emit(Reply(ctx.room_id, text, reason="check-in weekly summary"))

    def _remind(self, ctx: Context, cfg: CheckinConfig, day: date) -> None:
        room_id = ctx.room_id or ""
        if ctx.room is None:
            log.warning("check-in reminder for %s skipped: the room cannot be read", room_id)
            return
        members = _taking_part(ctx)
        pending = reports.reminder_targets(ctx.db, room_id, cfg, members, day)
        if not pending or not store.claim_notice(ctx.db, room_id, "remind", day, ctx.now()):
            return
        named = tuple(pending[: cfg.remind.max_mentions])
        rest = len(pending) - len(named)
        texts = cfg.texts
        text = texts.remind.format(more=texts.remind_more.format(count=rest) if rest else "")
        ctx.emit(Reply(room_id, text, named, reason=f"check-in reminder: {len(pending)} not checked in"))

    def _flush(self, ctx: Context, cfg: CheckinConfig) -> None:
        room_id = ctx.room_id or ""
        pending = store.pending_announcements(ctx.db, room_id)
        if not pending:
            return
        texts = cfg.texts
        items = []
        for record in pending:
            change = logic.level_change(record.total - 1, record.total, cfg.levels)
            level = texts.batch_level.format(level=change[1]) if change else ""
            items.append(texts.batch_item.format(name=logic.short_name(record.name or record.member_id),
                                                 streak=record.streak, level=level))
        shown, rest = logic.cap_names(items, cfg.batch.max_names)
        more = texts.batch_more.format(count=len(pending)) if rest else ""
        store.mark_announced(ctx.db, [r.id for r in pending])
        ctx.emit(Reply(room_id, texts.batch.format(names=shown, more=more), reason="merged check-in confirmations"))
