"""Group statistics: counts every message, join, leave and removal per room and local day;
#stats shows the 话痨榜 (top talkers), lurkers, joins/leaves and violations; #tag shows a
member's C/A/S tag."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core import members as member_facts
from bot.core.plugin import Plugin, command
from bot.core.roles import Role
from bot.core.targets import current_names, display_name, names_someone, resolve_target
from bot.events import MemberJoined, MemberLeft, MessageReceived
from plugins.moderation.api import kind_label
from plugins.stats import queries
from plugins.stats.config import StatsConfig
from plugins.stats.tags import LABELS, member_tag

if TYPE_CHECKING:
    from bot.core.context import Context

NAME = "stats"
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30, "今天": 1, "本周": 7, "本月": 30, "日": 1, "周": 7, "月": 30}


def _cfg(ctx: Context) -> StatsConfig:
    return ctx.config(NAME)


def _period(ctx: Context, word: str) -> tuple[int, str] | None:
    word = (word or _cfg(ctx).default_period).strip().lower()
    days = PERIOD_DAYS.get(word)
    if days is None:
        return None
    texts = _cfg(ctx).texts
    return days, {1: texts.period_day, 7: texts.period_week, 30: texts.period_month}[days]


def _utc_start(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(tz))


def _watched(ctx: Context, room_id: str) -> timedelta | None:
    """How long the bot has watched this room (None: no record of it)."""
    since = member_facts.watched_since(ctx.db, room_id)
    return ctx.now() - since if since is not None else None


def _span(watched: timedelta | None) -> str:
    days = watched.days if watched is not None else 0
    return f" {days} 天" if days else "不到 1 天"


class StatsPlugin(Plugin):
    name = NAME
    title = "统计"
    Config = StatsConfig
    events = (MessageReceived, MemberJoined, MemberLeft)

    def wants(self, ctx: Context) -> bool:
        event = ctx.event
        if isinstance(event, MessageReceived):
            return event.room_id is not None and not event.is_self
        return event is not None

    async def handle(self, ctx: Context) -> None:
        event, day = ctx.event, ctx.local_now().date()
        match event:
            case MessageReceived(room_id=str(room_id)):
                queries.count_message(ctx.db, room_id, day, event.sender_id)
            case MemberJoined():
                queries.bump_room(ctx.db, event.room_id, day, joins=len(event.member_ids))
            case MemberLeft():
                # puppets report a member who quits as removed by themselves
                removed = event.remover_id is not None and event.remover_id not in event.member_ids
                n = len(event.member_ids)
                queries.bump_room(ctx.db, event.room_id, day, removals=n if removed else 0,
                                  leaves=0 if removed else n)

    @command("stats", min_role=Role.ADMIN, aliases=("统计",), usage="[day|week|month]", allow_private=True)
    async def stats(self, ctx: Context, args: str) -> None:
        """群统计：话痨榜、潜水成员、入群退群、违规案件、打卡"""
        cfg = _cfg(ctx)
        texts = cfg.texts
        room_id = ctx.room_id
        if room_id is None:
            ctx.reply("请先发送 #use 选择要统计的群。")
            return
        period = _period(ctx, args.split(" ")[0] if args.strip() else "")
        if period is None:
            ctx.reply(texts.usage)
            return
        days, label = period
        tz = ctx.group.timezone
        end = ctx.local_now().date()
        start = end - timedelta(days=days - 1)
        db = ctx.db
        # the bot may never have seen a lurker speak: its name history does not know them
        names = await current_names(ctx, room_id)

        def name(member_id: str) -> str:
            return names.get(member_id) or display_name(db, room_id, member_id)

        header = texts.header_day if start == end else texts.header
        lines = [header.format(period=label, start=start.isoformat(), end=end.isoformat())]
        since = member_facts.watched_since(db, room_id)
        watched = ctx.now() - since if since is not None else None
        if since is not None and since > _utc_start(start, tz):
            # the bot came after the period began: 近 7 天 on its first day counted one day's
            # messages as a week's (seen in a simulated day), as #tag already says
            lines[0] += texts.partial_record.format(watched=_span(watched))
        t = queries.totals(db, room_id, start, end)
        lines.append(texts.totals.format(messages=t.messages, speakers=t.speakers, joins=t.joins, leaves=t.leaves,
                                         removals=t.removals))
        # the period in UTC (`since` above is when the bot began watching)
        utc_period = _utc_start(start, tz), _utc_start(end + timedelta(days=1), tz)
        found = queries.violations(db, room_id, *utc_period)
        detail = "，".join(f"{kind_label(k)} {n}" for k, n in sorted(found.items()))
        lines.append(texts.violations.format(count=sum(found.values()), detail=f"（{detail}）" if detail else ""))
        checkins = queries.checkin_counts(db, room_id, start, end)
        if checkins:
            people = sum(1 for v in checkins.values() if v)
            lines.append(texts.checkins.format(total=sum(checkins.values()), people=people))
        if cfg.top_talkers:
            top = queries.top_talkers(db, room_id, start, end, cfg.top_talkers,
                                      ctx.room.member_ids if ctx.room is not None else None,
                                      judged=queries.ads_by_member(db, room_id, *utc_period))
            lines.append(texts.top_header if top else texts.no_talkers)
            lines += [texts.top_line.format(rank=i, name=name(m), count=n)
                      for i, (m, n) in enumerate(top, 1)]
        if ctx.room is not None and watched is not None and watched < timedelta(days=cfg.lurker_days):
            # nobody has been seen silent that long yet (said of everyone right after the bot
            # started, in a simulated owner's day)
            lines.append(texts.lurkers_too_soon.format(watched=_span(watched), days=cfg.lurker_days))
        elif ctx.room is not None:
            cutoff = ctx.now() - timedelta(days=cfg.lurker_days)
            members = [m for m in ctx.room.member_ids if m != ctx.self_id]
            silent = queries.lurkers(db, room_id, members, cutoff)
            named = [name(m) for m in silent[: cfg.lurkers_named]]
            more = "……" if len(silent) > len(named) else ""
            listed = f"：{'、'.join(named)}{more}" if named else ""
            lines.append(texts.lurkers.format(days=cfg.lurker_days, count=len(silent), names=listed))
        ctx.reply("\n".join(lines))

    @command("tag", min_role=Role.ADMIN, aliases=("标签",), usage="[@成员]", allow_private=True)
    async def tag(self, ctx: Context, args: str) -> None:
        """查看成员的 C/A/S 标签（新人/活跃/核心）；不写成员则显示全群分布"""
        cfg, room_id = _cfg(ctx), ctx.room_id
        if room_id is None:
            ctx.reply("请先发送 #use 选择群。")
            return
        rules, now = cfg.tags, ctx.now()
        end = ctx.local_now().date()
        start = end - timedelta(days=max(rules.window.days, 1) - 1)
        window_days = (end - start).days + 1
        members = ctx.room.member_set if ctx.room else frozenset()
        checkins = queries.checkin_counts(ctx.db, room_id, start, end)
        # a window longer than the bot has watched: the counts are what it saw, and say so
        watched = _watched(ctx, room_id)
        partial = cfg.texts.partial_record.format(watched=_span(watched)) \
            if watched is not None and watched < timedelta(days=window_days) else ""
        if names_someone(ctx, args):
            found = await resolve_target(ctx, args)  # written, mentioned or quoted
            member_id = found.member_id
            if member_id is None:
                ctx.reply("引用的是机器人的消息，看不出是谁。请引用该成员自己的消息，或 @ 该成员。" if found.quoted_bot
                          else f"有 {found.shared} 位成员叫「{found.written[:40]}」，请 @ 该成员。" if found.shared > 1
                          else f"没有找到「{(found.written or args.strip())[:40]}」。")
                return
            messages = queries.member_messages(ctx.db, room_id, member_id, start, end)
            arrived = queries.joined_at(ctx.db, room_id, [member_id]).get(member_id)
            age = now - arrived if arrived else None
            letter = member_tag(rules, messages=messages, checkins=checkins.get(member_id, 0), age=age)
            ctx.reply(cfg.texts.tag_line.format(
                name=found.name or display_name(ctx.db, room_id, member_id), tag=letter, label=LABELS[letter],
                days=window_days, messages=messages, checkins=checkins.get(member_id, 0),
                age=f"{age.days} 天" if age is not None else "时间未知") + partial)
            return
        counts = queries.messages_by_member(ctx.db, room_id, start, end)
        arrivals = queries.joined_at(ctx.db, room_id, members)
        tally = {"S": 0, "A": 0, "C": 0}
        for member_id in members - {ctx.self_id}:
            arrived = arrivals.get(member_id)
            tally[member_tag(rules, messages=counts.get(member_id, 0), checkins=checkins.get(member_id, 0),
                             age=now - arrived if arrived else None)] += 1
        ctx.reply(cfg.texts.tag_summary.format(days=window_days, **tally) + partial)
