"""Welcome newcomers: one merged welcome per burst of joins, the group's core rules, an
optional private message, self-cleaning of the previous welcome, and join-raid alerts."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.actions import RECALL_WITHIN, NotifyAdmins, Recall, Reply, SendPrivate
from bot.core import cases, flags, members, outbox
from bot.core.context import Context
from bot.core.plugin import JobSpec, MemberRead, Plugin, command
from bot.core.roles import Role, role_of
from bot.core.targets import display_name
from bot.events import MemberJoined, MemberLeft
from bot.rules.loader import Rules
from bot.rules.types import format_duration
from plugins.newcomers import prompting
from plugins.newcomers.config import GreetingConfig
from plugins.newcomers.models import GreetingRoom, NicknameMember, NicknameStatus, PendingWelcome
from plugins.newcomers.staging import TOGETHER, OnceEach, Stage
from plugins.newcomers.templates import NAMES_SHOWN, clip, join_names, local_time, render

log = logging.getLogger(__name__)

WELCOME_JOB = "greeting:welcome:"
RECALL_KEY = "greeting:welcome"
# when the room cannot be read at all (a platform error), the work waits this long and tries
# again rather than welcoming blind
RETRY = timedelta(seconds=30)
# joins that keep coming (a teacher adding a class's parents one by one, a few seconds apart) wait
# for a lull of the merge window, at most this long after the first of them: each join past the
# window sent a welcome and recalled the one before, 9 welcomes and 8 撤回了一条消息 for 18 parents
# added over a minute (seen in a simulated class group's first day)
BURST_AT_MOST = timedelta(minutes=1)
_SHOWN_KEPT = 10_000  # inviter names kept for welcomes sent again (each entry lives RECALL_WITHIN)


def core_rules(rules: Rules, room_id: str | None) -> tuple[str, ...]:
    """The group's core rules (at most three), as configured under greeting.rules."""
    section = getattr(rules.for_room(room_id), GreetingPlugin.name, None)
    return tuple(section.rules) if isinstance(section, GreetingConfig) else ()


def render_rules(config: GreetingConfig) -> str:
    """"本群群规：\n1. …\n2. …" or "" when the group has none."""
    if not config.rules:
        return ""
    lines = [f"{i}. {rule}" for i, rule in enumerate(config.rules, 1)]
    return "\n".join([config.rules_title, *lines]) if config.rules_title else "\n".join(lines)


def returning(ctx: Context, member_id: str) -> bool:
    """A member who was in the group before the bot came, left and was brought back: no
    newcomer. A neighbour of years who left in anger and was invited back three minutes later
    was welcomed to the group with its rules, asked to change his nickname to the pattern and
    reminded an hour later, none of which the bot had ever asked of him or the other regulars
    (seen in a simulated residents' group). Anti-spam keeps such a member established too."""
    assert ctx.room_id is not None
    facts = members.facts(ctx.db, ctx.room_id, member_id)
    return facts is not None and facts.established


class GreetingPlugin(Plugin):
    """Welcomes newcomers (merged per burst) with the group's core rules; alerts on join raids."""

    name = "greeting"
    title = "入群欢迎"
    Config = GreetingConfig
    events = (MemberJoined, MemberLeft)

    def __init__(self) -> None:
        self._again = OnceEach()
        # how the last welcomes named each inviter, and when: a welcome sent again within the
        # recall span (an advertiser it named was removed) names them the same way without
        # reading the platform again, inside the removal's event under the database gate
        self._inviters_shown: dict[tuple[str, str], tuple[str, datetime]] = {}

    def wants(self, ctx: Context) -> bool:
        return ctx.room_id is not None

    async def handle(self, ctx: Context) -> None:
        event = ctx.event
        assert ctx.room_id is not None
        if isinstance(event, MemberLeft):
            # left before the welcome went out: do not welcome them
            for member_id in event.member_ids:
                pending = ctx.db.get(PendingWelcome, (ctx.room_id, member_id))
                if pending is not None:
                    ctx.db.delete(pending)
                    ctx.reschedule(self.name)  # no welcome job left for a room nobody waits in
            if event.remover_id and event.remover_id not in event.member_ids:
                await self._welcome_again(ctx, set(event.member_ids))
            return
        assert isinstance(event, MemberJoined)
        config: GreetingConfig = ctx.config(self.name)
        names = dict(zip(event.member_ids, event.member_names, strict=False))
        added = False
        for member_id in event.member_ids:
            if member_id == ctx.self_id or ctx.db.get(PendingWelcome, (ctx.room_id, member_id)) is not None:
                continue
            if returning(ctx, member_id):
                continue
            ctx.db.add(PendingWelcome(room_id=ctx.room_id, member_id=member_id, name=names.get(member_id, ""),
                                      inviter_id=event.inviter_id, joined_at=ctx.now()))
            added = True
        ctx.db.flush()
        self._check_raid(ctx, config)
        if added:
            ctx.reschedule(self.name)  # the welcome job is declared from the pending rows

    # ------------------------------------------------------------------ join raids
    def _check_raid(self, ctx: Context, config: GreetingConfig) -> None:
        raid = config.raid
        if raid.joins <= 0:
            return
        assert ctx.room_id is not None
        now = ctx.now()
        inviters = members.inviters_since(ctx.db, ctx.room_id, now - raid.window)
        count = len(inviters)
        if count <= raid.joins:
            return
        state = self._room(ctx.db, ctx.room_id)
        if state.last_raid_at is not None and now - state.last_raid_at < raid.window:
            return  # already told about this raid
        state.last_raid_at = now
        # people the owner or an admin brought in are a group filling up (a new class group from
        # the teacher's invitation), not strangers: strict mode there removed parents sharing
        # the teacher's card (simulated day). The admins are still told.
        vouched = sum(1 for i in inviters if i and role_of(i, ctx.room, ctx.rules) >= Role.ADMIN)
        until = now + raid.strict_for if raid.strict_mode and vouched * 2 <= count else None
        case = cases.open_case(
            ctx.db, room_id=ctx.room_id, kind="join_raid", target_id=None, source=self.name, at=now,
            reason=f"{count} joins within {format_duration(raid.window)} (limit {raid.joins})",
            evidence={"joins": count, "window_seconds": raid.window.total_seconds(), "limit": raid.joins,
                      "invited_by_admins": vouched, "strict_mode_until": until.isoformat() if until else None},
            outcome="done",
        )
        strict = raid.strict_vouched if raid.strict_mode else ""
        if until is not None:
            flags.set_strict_mode(ctx.db, ctx.room_id, until, by=self.name, at=now)
            strict = render(raid.strict_text, until=local_time(until, ctx.group.timezone))
        text = render(raid.notice, count=count, window=format_duration(raid.window), limit=raid.joins,
                      strict=strict, case=case.id)
        log.warning("join raid in %s: %d joins within %s (case %d)", ctx.room_id, count, raid.window, case.id)
        ctx.emit(NotifyAdmins(ctx.room_id, text))

    @command("strict", min_role=Role.ADMIN, aliases=("严格模式",), usage="on | off", allow_private=True,
             needs_group=True)
    async def strict(self, ctx: Context, args: str) -> None:
        """严格模式（入群潮时自动开启）：off 关闭，on 开启；不带参数查看状态"""
        assert ctx.room_id is not None  # needs_group: the core answers a private #strict before #use
        raid = ctx.config(self.name).raid
        now, word = ctx.now(), args.strip().lower()
        by = ctx.message.sender_id if ctx.message else self.name
        if word in ("off", "关", "关闭"):
            # a raid that was a class group filling up: links and cards go back to the ladder
            flags.set_strict_mode(ctx.db, ctx.room_id, None, by=by, at=now)
            ctx.reply(raid.strict_off)
            return
        if word in ("on", "开", "开启"):
            flags.set_strict_mode(ctx.db, ctx.room_id, now + raid.strict_for, by=by, at=now)
        elif word:
            ctx.reply(raid.strict_usage)
            return
        until = flags.strict_mode_until(ctx.db, ctx.room_id, now)  # on, or the status asked for
        ctx.reply(render(raid.strict_on, until=local_time(until, ctx.group.timezone)) if until else raid.strict_none)

    @staticmethod
    def _room(db: Session, room_id: str) -> GreetingRoom:
        state = db.get(GreetingRoom, room_id)
        if state is None:
            state = GreetingRoom(room_id=room_id)
            db.add(state)
        return state

    # ------------------------------------------------------------------ the merged welcome
    def jobs(self, rules: Rules, db: Session) -> Iterable[JobSpec]:
        """One one-off job per room with pending joins, once the merge window passed with no
        join (the first join + the window, later while joins keep coming: BURST_AT_MOST)."""
        return self._welcome_jobs(rules, db, None)

    def room_jobs(self, rules: Rules, db: Session, room_id: str) -> Iterable[JobSpec]:
        return list(self._welcome_jobs(rules, db, room_id))

    def _welcome_jobs(self, rules: Rules, db: Session, room_id: str | None) -> Iterable[JobSpec]:
        query = (select(PendingWelcome.room_id, func.min(PendingWelcome.joined_at),
                        func.max(PendingWelcome.joined_at), GreetingRoom.retry_at)
                 .outerjoin(GreetingRoom, GreetingRoom.room_id == PendingWelcome.room_id)
                 .group_by(PendingWelcome.room_id, GreetingRoom.retry_at))
        if room_id is not None:
            query = query.where(PendingWelcome.room_id == room_id)
        for room_id, first, last, retry_at in db.execute(query).all():
            config = rules.plugin_config(room_id, self.name)
            lull = min(last + config.window, first + max(config.window, BURST_AT_MOST))
            due: datetime = max(first + config.window, lull, retry_at or first)
            yield JobSpec(id=f"{WELCOME_JOB}{room_id}", trigger=due.isoformat(), room_id=room_id)

    def job_reads(self, db: Session, job: JobSpec, at: datetime) -> Iterable[MemberRead]:
        """The welcome names who invited the newcomers (_inviter_names): read before the job
        holds the database."""
        if not job.id.startswith(WELCOME_JOB) or job.room_id is None:
            return ()
        inviters = list(db.scalars(select(PendingWelcome.inviter_id).where(PendingWelcome.room_id == job.room_id)))
        state = db.get(GreetingRoom, job.room_id)
        if state is not None and state.last_welcome_at is not None and at - state.last_welcome_at < RECALL_WITHIN:
            # the welcome it replaces is named again, its newcomers' inviters with it (_carried)
            inviters += members.inviters_since(db, job.room_id, state.last_welcome_at - RECALL_WITHIN)
        reads = [MemberRead(job.room_id, inviter_id, or_name=True) for inviter_id in inviters if inviter_id]
        # and the nicknames of the newcomers whose first prompt the welcome may carry (prompting.py)
        prompted = db.scalars(select(NicknameMember.member_id).join(PendingWelcome, (
            PendingWelcome.room_id == NicknameMember.room_id) & (PendingWelcome.member_id == NicknameMember.member_id))
            .where(NicknameMember.room_id == job.room_id, NicknameMember.status == NicknameStatus.PENDING,
                   NicknameMember.stage == Stage.NEW))
        return reads + [MemberRead(job.room_id, member_id) for member_id in prompted]

    async def run_job(self, ctx: Context, job: JobSpec) -> None:
        if not job.id.startswith(WELCOME_JOB) or ctx.room_id is None:
            return
        room_id = ctx.room_id
        state = self._room(ctx.db, room_id)
        if ctx.room is None:  # the platform cannot be read now: nothing sensible to say yet
            state.retry_at = ctx.now() + RETRY
            log.warning("room %s unreadable; welcome postponed to %s", room_id, state.retry_at)
            ctx.reschedule(self.name)
            return
        state.retry_at = None
        pending = list(ctx.db.scalars(select(PendingWelcome).where(PendingWelcome.room_id == room_id)
                                      .order_by(PendingWelcome.joined_at, PendingWelcome.member_id)))
        for row in pending:
            ctx.db.delete(row)
        config: GreetingConfig = ctx.config(self.name)
        present = set(ctx.room.member_ids)  # someone who left within the window gets no welcome
        pending = [row for row in pending if row.member_id in present]
        if not pending or not config.enabled:
            return
        now = ctx.now()
        fresh = {row.member_id for row in pending}
        recall = bool(config.recall_previous and state.last_welcome_at and now - state.last_welcome_at < RECALL_WITHIN)
        if recall:
            # the welcome about to be recalled greeted the joins just before these: they are named
            # again (not mentioned again: that welcome notified them), or a class group filling up
            # in three waves kept only the last wave's welcome (seen in a simulated class reunion:
            # 11 of 15 classmates were welcomed for ten seconds, then not at all)
            pending = self._carried(ctx, room_id, state, pending, present) + pending
        # nor does someone the bot decided to remove (an ad inside the window): the room still
        # lists them until the removal lands, and this welcome would be sent after it
        removing = outbox.removals(ctx.db, room_id, min(row.joined_at for row in pending))
        present -= removing.keys()  # the count the welcome gives, too
        pending = [row for row in pending
                   if not (row.member_id in removing and removing[row.member_id].planned_at >= row.joined_at)]
        if not any(row.member_id in fresh for row in pending):
            # nobody new is left to welcome (the wave's newcomers are being removed): the welcome
            # standing stays as it is. Sent again, it read the same minus its nickname prompt and
            # its mentions (seen in a simulated renovation group: an advertiser's wave of one)
            return
        group = ctx.room.topic or ctx.group.name or "本群"
        rules_text = render_rules(config)
        # the newcomers' first nickname prompt, where it is due now too, goes in the same message
        prompt = await prompting.with_welcome(ctx, [row.member_id for row in pending], fresh,
                                              state.last_welcome_at if recall else None, now, now + TOGETHER,
                                              self._addressed(config, pending, fresh))
        await self._welcome(ctx, config, pending, len(present), fresh, recall, prompt, removing=removing.keys())
        state.last_welcome_at = now
        if config.private:
            full = config.full_rules.strip() or rules_text
            for row in pending:
                ctx.emit(SendPrivate(row.member_id, render(config.private_template, name=clip(row.name or ""),
                                                           group=clip(group, 40), rules=rules_text,
                                                           full_rules=full), reason="welcome"))

    async def _welcome(self, ctx: Context, config: GreetingConfig, pending: list[PendingWelcome], count: int,
                       fresh: set[str], recall: bool, prompt: str = "", removing: Collection[str] = ()) -> None:
        """The welcome naming `pending` (mentioning those in `fresh`), taking back the one
        before it when `recall`, with the nickname `prompt` under it. `removing`: members the
        bot decided to remove, whom the one taken back may name without being owed a welcome."""
        assert ctx.room_id is not None and ctx.room is not None
        group = ctx.room.topic or ctx.group.name or "本群"
        inviters = await self._inviter_names(ctx, [r.inviter_id for r in pending])
        text = render(
            config.template, names=join_names(r.name or r.member_id for r in pending), group=clip(group, 40),
            count=count, inviter=inviters, rules=render_rules(config), newcomers=len(pending),
        )
        if prompt:
            text = f"{text}\n{prompt}"
        if recall:
            # before the new one: only the newest stays
            # the members being removed count as accounted for: the recall ran before the last of
            # a raid's removals landed, found the welcome naming that advertiser still in the room
            # and left it standing beside its replacement (a CI run of the 考研 raid test)
            greeted = tuple(r.member_id for r in pending)
            ctx.emit(Recall(ctx.room_id, recall_key=RECALL_KEY,
                            replaced_for=greeted + tuple(sorted(set(removing) - set(greeted)))))
        mentions = self._mentions(config, pending, fresh)
        ctx.emit(Reply(ctx.room_id, text, mentions, reason=f"welcome {len(pending)} newcomer(s)",
                       recall_key=RECALL_KEY if config.recall_previous else None,
                       greets=tuple(r.member_id for r in pending)))

    @staticmethod
    def _mentions(config: GreetingConfig, pending: list[PendingWelcome], fresh: set[str]) -> tuple[str, ...]:
        return tuple(r.member_id for r in pending if r.member_id in fresh)[: config.max_mentions] \
            if config.mention else ()

    def _addressed(self, config: GreetingConfig, pending: list[PendingWelcome], fresh: set[str]) -> set[str]:
        """Whom the welcome reaches: @-mentioned, or among the names it shows (join_names lists
        NAMES_SHOWN, then 等 N 人)."""
        return {*self._mentions(config, pending, fresh), *(r.member_id for r in pending[:NAMES_SHOWN])}

    async def _welcome_again(self, ctx: Context, gone: set[str]) -> None:
        """Someone the standing welcome named was removed (an advertiser who joined in a wave,
        removed for an ad after the welcome went out): it is taken back and sent again for the
        others, without mentioning them again. Left standing, it said 欢迎 …、X 加入 with @X just
        above 「X」已被移出本群, and the others' own welcome had been taken back for it (seen in
        simulated fans', tour and dance groups). A welcome that named only them is recalled by
        the executor; one sent too long ago to recall stays."""
        assert ctx.room_id is not None
        config: GreetingConfig = ctx.config(self.name)
        state = ctx.db.get(GreetingRoom, ctx.room_id)
        now = ctx.now()
        if (not config.enabled or not config.recall_previous or state is None or state.last_welcome_at is None
                or now - state.last_welcome_at >= RECALL_WITHIN or ctx.room is None):
            return
        present = set(ctx.room.member_ids) - gone
        since = state.last_welcome_at - RECALL_WITHIN
        # whom it named, as far as the joins tell (as _carried): who joined within WeChat's recall
        # span before it, less those the bot had already decided to remove when it was written
        removing = outbox.removals(ctx.db, ctx.room_id, since)
        named = sorted((m for m in members.in_room(ctx.db, ctx.room_id)
                        if m.joined_at is not None and since <= m.joined_at <= state.last_welcome_at
                        and not (m.member_id in removing
                                 and m.joined_at <= removing[m.member_id].planned_at < state.last_welcome_at)),
                       key=lambda m: (m.joined_at, m.member_id))
        if not any(m.member_id in gone for m in named):
            return
        # nor whoever else the bot is removing now: in a raid the wave's other advertisers were
        # decided before the first removal landed, and the welcome sent again named two of them
        # after their removals (a simulated 考研 group's day); it is sent again only once
        others = [PendingWelcome(room_id=ctx.room_id, member_id=m.member_id, inviter_id=m.inviter_id,
                                 name=display_name(ctx.db, ctx.room_id, m.member_id), joined_at=m.joined_at)
                  for m in named if m.member_id in present and m.left_at is None and m.member_id not in removing]
        if others and self._again.due(ctx.room_id, state.last_welcome_at):  # not the one sent again already
            prompt = prompting.standing_in_welcome(ctx, [m.member_id for m in others], state.last_welcome_at)
            await self._welcome(ctx, config, others, len(present - removing.keys()), set(), recall=True,
                                prompt=prompt, removing=removing.keys())

    @staticmethod
    def _carried(ctx: Context, room_id: str, state: GreetingRoom, pending: list[PendingWelcome],
                 present: set[str]) -> list[PendingWelcome]:
        """The members the welcome being recalled named (as far as the joins tell: those who
        joined within WeChat's recall span before it, still here), as unsaved rows."""
        assert state.last_welcome_at is not None
        since = state.last_welcome_at - RECALL_WITHIN
        new = {row.member_id for row in pending}
        earlier = sorted((m for m in members.in_room(ctx.db, room_id)
                          if m.joined_at is not None and since <= m.joined_at <= state.last_welcome_at
                          and m.left_at is None and m.member_id in present and m.member_id not in new),
                         key=lambda m: (m.joined_at, m.member_id))
        return [PendingWelcome(room_id=room_id, member_id=m.member_id, name=display_name(ctx.db, room_id, m.member_id),
                               inviter_id=m.inviter_id, joined_at=m.joined_at) for m in earlier]

    async def _inviter_names(self, ctx: Context, inviter_ids: list[str | None]) -> str:
        names = []
        now = ctx.now()
        for inviter_id in dict.fromkeys(i for i in inviter_ids if i):
            name = ""
            if ctx.lookup is not None and ctx.room_id:
                shown = self._inviters_shown.get((ctx.room_id, inviter_id))
                if shown is not None and now - shown[1] < RECALL_WITHIN:
                    name = shown[0]
                else:
                    name = await ctx.lookup.member_alias(ctx.room_id, inviter_id) or await ctx.lookup.member_name(
                        inviter_id)
                    if len(self._inviters_shown) >= _SHOWN_KEPT:
                        self._inviters_shown.clear()
                    self._inviters_shown[(ctx.room_id, inviter_id)] = (name, now)
            names.append(name or inviter_id)
        return join_names(names, shown=5)
