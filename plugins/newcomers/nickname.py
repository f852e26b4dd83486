"""Group-nickname (群昵称) compliance: WeChat lets the bot read nicknames but not set them, so
this is prompt-and-verify. Newcomers (or everyone, by config) whose nickname does not follow
the group's pattern get staged prompts (see staging.py); prompting stops as soon as the
nickname complies, and the nickname is read fresh from the platform before every step, since
the copy that arrives with messages can lag by hours."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot.actions import RECALL_WITHIN, Kick, NotifyAdmins, Recall, Reply
from bot.core import cases, members, outbox
from bot.core.context import Context
from bot.core.plugin import JobSpec, MemberRead, Plugin, command
from bot.core.roles import Role
from bot.core.targets import resolve_target
from bot.events import MemberJoined, MemberLeft, MessageReceived
from bot.rules.loader import Rules
from plugins.newcomers import chat_format
from plugins.newcomers.config import NicknameConfig
from plugins.newcomers.greeting import returning
from plugins.newcomers.models import NicknameMember, NicknameStatus
from plugins.newcomers.prompting import (
    alias_for_step,
    comply,
    display,
    exempt,
    in_welcome,
    prompt_text,
    welcome_to_come,
)
from plugins.newcomers.staging import GATHER, TOGETHER, OnceEach, Stage, due_after, first_due, goes_along, step_now
from plugins.newcomers.templates import clip, join_names, local_time, render

log = logging.getLogger(__name__)

DUE_JOB = "nickname:due:"
LIST_LIMIT = 30
RETRY = timedelta(seconds=30)  # see greeting.RETRY
# the prompt's recall key: a newer prompt takes back the one before, if WeChat still lets it
PROMPT_KEY = "nickname:prompt"
CHECK_WORDS = frozenset({"check", "检查"})
# #nick check 全部: every member (as #nick check with no one named)
EVERYONE = frozenset({"全部", "所有人", "全体", "大家", "all", "everyone"})


def checks_everyone(args: str, quotes: bool) -> bool:
    """#nick check with no one named (nothing written, no message quoted), or #nick check 全部."""
    sub, _, rest = args.strip().partition(" ")
    return sub.lower() in CHECK_WORDS and (rest.strip().lower() in EVERYONE or not (rest.strip() or quotes))

# a member asking the bot about the group nickname (怎么改群昵称, 群名片按哪个改, 改名改成什么)
_ASKS_HOW = re.compile(r"昵称|群名片|改名")


def _steps_going_out(rows: Iterable[tuple[int, datetime | None]], now: datetime) -> set[Stage]:
    """The steps a due job sends now: the next step of each pending member (stage, due_at) due
    within TOGETHER (the job, and what it declares it will read, take the same view)."""
    return {Stage(stage + 1) for stage, due in rows
            if due is not None and due <= now + TOGETHER and stage < Stage.ACTED}



def _status_of_sender() -> Any:
    table = NicknameMember.__table__
    return select(table.c.status).where(table.c.room_id == bindparam("room_id"),
                                        table.c.member_id == bindparam("member_id")).scalar_subquery()


# most senders are not being prompted: their status comes back with the core's per-message
# write (in its RETURNING), not from a query of this plugin's per message (issue 13)
_STATUS_FACT = "nickname.status"
members.sender_fact(_STATUS_FACT, _status_of_sender)


class NicknamePlugin(Plugin):
    """Prompts members to set their group nickname to the group's pattern, in stages."""

    name = "nickname"
    title = "群昵称检查"
    Config = NicknameConfig
    events = (MessageReceived, MemberJoined, MemberLeft)

    def __init__(self) -> None:
        self._again = OnceEach()

    def wants(self, ctx: Context) -> bool:
        return ctx.room_id is not None and (ctx.message is None or ctx.message.room_id is not None)

    async def handle(self, ctx: Context) -> None:
        event = ctx.event
        config: NicknameConfig = ctx.config(self.name)
        if isinstance(event, MessageReceived):
            self._on_message(ctx, config, event)
        elif isinstance(event, MemberJoined):
            for member_id, name in zip(event.member_ids, _names(event.member_ids, event.member_names), strict=True):
                if member_id != ctx.self_id and not (config.scope == "newcomers" and returning(ctx, member_id)):
                    self._track(ctx, config, member_id, name)
            self._reschedule(ctx)
        elif isinstance(event, MemberLeft):
            removed = bool(event.remover_id and event.remover_id not in event.member_ids)
            named: list[NicknameMember] = []
            for member_id in event.member_ids:
                row = ctx.db.get(NicknameMember, (ctx.room_id, member_id))
                if row is not None:
                    if removed and row.status == NicknameStatus.PENDING and row.stage == Stage.PROMPTED:
                        named.append(row)
                    row.status, row.due_at = NicknameStatus.LEFT, None
            if named:
                self._prompt_again(ctx, config, named)

    # ------------------------------------------------------------------ tracking
    def _track(self, ctx: Context, config: NicknameConfig, member_id: str, name: str) -> NicknameMember:
        """Start (or restart) the staged prompts for a member."""
        assert ctx.room_id is not None
        now = ctx.now()
        row = ctx.db.get(NicknameMember, (ctx.room_id, member_id))
        if row is None:
            row = NicknameMember(room_id=ctx.room_id, member_id=member_id)
            ctx.db.add(row)
        row.name = name or row.name or ""
        row.stage, row.since, row.last_step_at, row.compliant_at, row.case_id = Stage.NEW, now, None, None, None
        if exempt(ctx, member_id):
            row.status, row.due_at = NicknameStatus.EXEMPT, None
        else:
            row.status, row.due_at = NicknameStatus.PENDING, first_due(now, config.timings)
        return row

    def _on_message(self, ctx: Context, config: NicknameConfig, msg: MessageReceived) -> None:
        if msg.mentions_self and _ASKS_HOW.search(msg.text) and ctx.room_id is not None:
            # 「@群管机器人 怎么改群昵称」 right after the prompt was answered 我是本群的管理机器人，
            # 不会聊天哦 (simulated class reunion and parents' days): the question is the prompt's
            ctx.emit(Reply(ctx.room_id, render(config.texts.prompt, names=clip(msg.display_name),
                                               pattern=config.pattern, example=config.example),
                           (msg.sender_id,), reason="nickname: asked how"))
        # a group message's sender always comes with their facts (the core's claim of the message)
        assert ctx.member is not None
        status = ctx.member.plugin_facts[_STATUS_FACT]
        if status in (NicknameStatus.EXEMPT, NicknameStatus.LEFT):
            return
        row = ctx.db.get(NicknameMember, (ctx.room_id, msg.sender_id)) if status is not None else None
        alias = msg.sender_alias
        if row is None:
            if config.scope == "all" and not config.policy.complies(alias) and ctx.sender_role == Role.MEMBER \
                    and not exempt(ctx, msg.sender_id):
                self._track(ctx, config, msg.sender_id, msg.sender_name).last_alias = alias
                self._reschedule(ctx)
            return
        if row.status in (NicknameStatus.EXEMPT, NicknameStatus.LEFT):
            return
        complies = config.policy.complies(alias)
        if row.status == NicknameStatus.PENDING and complies:
            comply(ctx, config, row, alias)
        elif row.status == NicknameStatus.COMPLIANT and not complies and alias != row.last_alias:
            # renamed away from the pattern: start over (a stale alias here costs nothing, every
            # step reads the nickname fresh before it speaks)
            self._track(ctx, config, msg.sender_id, msg.sender_name)
            self._reschedule(ctx)
        row.last_alias = alias

    def _reschedule(self, ctx: Context) -> None:
        ctx.reschedule(self.name)

    # ------------------------------------------------------------------ the staged steps
    def jobs(self, rules: Rules, db: Session) -> Iterable[JobSpec]:
        """One one-off job per room, at its earliest due step; re-declared after every step."""
        return self._due_jobs(db, None)

    def room_jobs(self, rules: Rules, db: Session, room_id: str) -> Iterable[JobSpec]:
        return list(self._due_jobs(db, room_id))

    @staticmethod
    def _due_jobs(db: Session, room_id: str | None) -> Iterable[JobSpec]:
        query = (select(NicknameMember.room_id, func.min(NicknameMember.due_at))
                 .where(NicknameMember.status == NicknameStatus.PENDING, NicknameMember.due_at.is_not(None))
                 .group_by(NicknameMember.room_id))
        if room_id is not None:
            query = query.where(NicknameMember.room_id == room_id)
        for room_id, due in db.execute(query).all():
            if due is not None:
                yield JobSpec(id=f"{DUE_JOB}{room_id}", trigger=due.isoformat(), room_id=room_id)

    async def run_job(self, ctx: Context, job: JobSpec) -> None:
        if not job.id.startswith(DUE_JOB) or ctx.room_id is None:
            return
        try:
            await self._run_due(ctx)
        finally:
            self._reschedule(ctx)  # the next due step, or a later one if this run failed

    def job_reads(self, db: Session, job: JobSpec, at: datetime) -> Iterable[MemberRead]:
        """Each due member's nickname is read fresh before a step (_run_due): declared, so the
        reads happen before the job holds the database."""
        if not job.id.startswith(DUE_JOB) or job.room_id is None:
            return ()
        rows = db.execute(select(NicknameMember.member_id, NicknameMember.stage, NicknameMember.due_at).where(
            NicknameMember.room_id == job.room_id, NicknameMember.status == NicknameStatus.PENDING,
            NicknameMember.due_at <= at + max(TOGETHER, GATHER))).all()
        now = [(member_id, stage, due is not None and due <= at + TOGETHER) for member_id, stage, due in rows]
        going_out = _steps_going_out(((stage, due) for _, stage, due in rows), at)
        # and those whose step may go along (staging.goes_along, less its limit by the group's
        # timings, which are not known here: a read too many at worst)
        return [MemberRead(job.room_id, member_id) for member_id, stage, due_now in now
                if due_now or (stage in (Stage.PROMPTED, Stage.REMINDED) and Stage(stage + 1) in going_out)]

    async def _run_due(self, ctx: Context) -> None:
        assert ctx.room_id is not None
        room_id, now = ctx.room_id, ctx.now()
        config: NicknameConfig = ctx.config(self.name)
        soon = list(ctx.db.scalars(select(NicknameMember).where(
            NicknameMember.room_id == room_id, NicknameMember.status == NicknameStatus.PENDING,
            NicknameMember.due_at <= now + max(TOGETHER, GATHER))
            .order_by(NicknameMember.since, NicknameMember.member_id)))
        going_out = _steps_going_out(((row.stage, row.due_at) for row in soon), now)
        if not going_out:
            return
        due = [row for row in soon if row.due_at is not None and (
            row.due_at <= now + TOGETHER or goes_along(Stage(row.stage), row.due_at, now, config.timings, going_out))]
        if ctx.room is None:  # the platform cannot be read right now: try again soon
            for row in due:
                row.due_at = now + RETRY
            log.warning("room %s unreadable; %d nickname step(s) postponed", room_id, len(due))
            return
        if not config.enabled:
            for row in due:
                row.due_at = None  # paused; a message or a rejoin starts it again
            return
        present = set(ctx.room.member_ids)
        # the bot decided to remove them (an ad): no prompt. One under way is not yet visible in
        # the room: wait for it (the leave event ends the prompting); one the bot could not
        # carry out (it asked the owner) ends the prompting here
        removing = outbox.removals(ctx.db, room_id, min(row.since for row in due))
        steps: dict[Stage, list[NicknameMember]] = {}
        for row in due:
            if row.member_id not in present:
                row.status, row.due_at = NicknameStatus.LEFT, None
                continue
            if row.stage == Stage.NEW and welcome_to_come(ctx, row.member_id):
                # the welcome, due within its merge window, carries the first prompt (prompting.py);
                # looked at again shortly in case it does not (a failed read)
                row.due_at = now + RETRY
                continue
            removal = removing.get(row.member_id)
            if removal is not None and removal.planned_at >= row.since:
                row.due_at = now + RETRY if removal.under_way else None
                continue
            if await alias_for_step(ctx, config, row) is None:
                if row.status == NicknameStatus.PENDING:  # the read failed: look again shortly
                    row.due_at = now + RETRY
                continue
            step = step_now(Stage(row.stage), row.since, now, config.timings)
            if step is None:
                row.due_at = None
                continue
            if step in (Stage.REMINDED, Stage.FINAL_NOTICE) and (
                    morning := config.quiet_until(now, ctx.group.timezone)) is not None:
                row.due_at = morning  # the step is worked out again then (a later one may be due)
                continue
            row.stage, row.last_step_at = step, now
            row.due_at = due_after(step, row.since, now, config.timings)
            steps.setdefault(step, []).append(row)
        for step in sorted(steps):
            self._emit_step(ctx, config, step, steps[step], now,
                            self._carried(ctx, steps[step], present) if step == Stage.PROMPTED else [])

    def _prompt_again(self, ctx: Context, config: NicknameConfig, gone: list[NicknameMember]) -> None:
        """Members the standing prompt named were removed (an advertiser who joined in a wave,
        removed for an ad after the prompt went out): it is taken back and sent again for the
        others, without mentioning them again. Left standing, it read 「@X 甲、乙，请把你的群昵称
        改为…」 under 「X」已被移出本群, and 甲 and 乙's own prompt had been taken back for it (seen
        in simulated fans', tour and dance groups). A prompt that named only them is recalled by
        the executor; one sent too long ago to recall stays."""
        assert ctx.room_id is not None
        at = max(row.last_step_at for row in gone if row.last_step_at is not None) if any(
            row.last_step_at for row in gone) else None
        if not config.enabled or at is None or ctx.now() - at >= RECALL_WITHIN:
            return
        standing = list(ctx.db.scalars(select(NicknameMember).where(
            NicknameMember.room_id == ctx.room_id, NicknameMember.status == NicknameStatus.PENDING,
            NicknameMember.stage == Stage.PROMPTED, NicknameMember.last_step_at >= at)
            .order_by(NicknameMember.since, NicknameMember.member_id)))
        if not standing or any(row.last_step_at != at for row in standing):
            return  # a later prompt stands (it did not name them), or only they were named
        if in_welcome(ctx, standing[0]):
            return  # the prompt was part of the welcome: the welcome is sent again with it
        if not self._again.due(ctx.room_id, at):
            return  # it is the one sent again already
        ctx.emit(Recall(ctx.room_id, recall_key=PROMPT_KEY))
        ctx.emit(Reply(ctx.room_id, prompt_text(config, [], standing), (),
                       reason=f"nickname prompt again: {len(standing)} member(s)", recall_key=PROMPT_KEY,
                       greets=tuple(row.member_id for row in standing)))

    @staticmethod
    def _carried(ctx: Context, fresh: list[NicknameMember], present: set[str]) -> list[NicknameMember]:
        """Members named in the prompt a new one replaces (prompted within WeChat's recall span,
        still here, not yet compliant), in the order they were prompted. A group filling in
        waves got a prompt per wave, each left standing beside the next (seen in a simulated
        class reunion: five prompts in two minutes); the welcome is one message that names
        every wave (greeting.py), and so is the prompt."""
        assert ctx.room_id is not None
        new = {row.member_id for row in fresh}
        rows = ctx.db.scalars(select(NicknameMember).where(
            NicknameMember.room_id == ctx.room_id, NicknameMember.status == NicknameStatus.PENDING,
            NicknameMember.stage == Stage.PROMPTED, NicknameMember.last_step_at >= ctx.now() - RECALL_WITHIN)
            .order_by(NicknameMember.last_step_at, NicknameMember.since, NicknameMember.member_id))
        # not those prompted in the welcome still standing: this prompt does not take that back
        return [row for row in rows if row.member_id in present and row.member_id not in new
                and not in_welcome(ctx, row)]

    def _emit_step(self, ctx: Context, config: NicknameConfig, step: Stage, rows: list[NicknameMember],
                   now: datetime, carried: list[NicknameMember]) -> None:
        """`now`: the time of the step `rows` took (their last_step_at); the carried members'
        steps take the same one, as _prompt_again finds a standing prompt's members by equal
        times."""
        assert ctx.room_id is not None
        texts, policy = config.texts, config.policy
        names = join_names(display(row) for row in rows)
        # at most max_mentions are @-mentioned, as in the welcome; the rest are named, in front of
        # the text, never left out: a reminder gathering a class that filled in waves @-mentioned
        # thirty people in one message
        mentioned, named_only = rows[:config.max_mentions], rows[config.max_mentions:]
        mentions = tuple(row.member_id for row in mentioned)
        also = render(texts.prompt_also, names=join_names(display(row) for row in named_only)) if named_only else ""
        common = {"names": names, "pattern": config.pattern, "example": config.example}
        reason = f"nickname {step.name.lower()}: {len(rows)} member(s)"
        greets = tuple(row.member_id for row in rows)
        if step == Stage.PROMPTED:
            text = prompt_text(config, mentioned, [*carried, *named_only])
            if carried:
                # the prompt before this one is taken back and this one names its members too,
                # without mentioning them again: that prompt notified them already
                ctx.emit(Recall(ctx.room_id, recall_key=PROMPT_KEY))
                # and are reminded with them: one standing prompt, one reminder (a class filling in
                # three waves a minute apart got three reminders in a row an hour later, seen in a
                # simulated parents' group); a carried member's steps wait for the last wave's,
                # at most WeChat's recall span later
                wave_due = max((row.due_at for row in rows if row.due_at is not None), default=None)
                for row in carried:
                    row.last_step_at = now  # named in the prompt now standing
                    if row.due_at is not None and wave_due is not None:
                        row.due_at = max(row.due_at, wave_due)
            ctx.emit(Reply(ctx.room_id, text, mentions, reason=reason, recall_key=PROMPT_KEY,
                           greets=(*(row.member_id for row in carried), *greets)))
        elif step == Stage.REMINDED:
            ctx.emit(Reply(ctx.room_id, also + render(texts.remind, **common), mentions, reason=reason,
                           greets=greets))
        elif step == Stage.FINAL_NOTICE:
            # with action "none" nothing is scheduled, but the notice still names a fair deadline
            fallback = ctx.now() + (config.action_after - config.final_after)
            deadline = min((row.due_at or fallback for row in rows), default=fallback)
            consequence = getattr(texts.consequence, config.action)
            ctx.emit(Reply(ctx.room_id, also + render(texts.final, **common, consequence=consequence,
                                                      deadline=local_time(deadline, ctx.group.timezone)),
                           mentions, reason=reason, greets=greets))
        elif step == Stage.ACTED and config.action == "notify":
            ctx.emit(NotifyAdmins(ctx.room_id, render(texts.notify, names=names, pattern=config.pattern,
                                                      count=len(rows))))
        elif step == Stage.ACTED and config.action == "remove":
            for row in rows:
                verdict = policy.check(row.last_alias)
                case = cases.open_case(
                    ctx.db, room_id=ctx.room_id, kind="kick", target_id=row.member_id, source=self.name,
                    at=ctx.now(), target_name=row.name, reason=render(texts.kick_reason, pattern=config.pattern),
                    evidence={"check": "nickname", "pattern": config.pattern, "regex": config.regex,
                              "alias_read_fresh": row.last_alias, "verdict": verdict.reason,
                              "since": row.since.isoformat(), "checked_at": ctx.now().isoformat(),
                              "prompts": "prompt, reminder and last notice sent (or superseded)"},
                )
                row.case_id = case.id
                ctx.emit(Kick(ctx.room_id, row.member_id, reason=case.reason, case_id=case.id))

    # ------------------------------------------------------------------ commands
    @command("nick", min_role=Role.ADMIN, aliases=("群昵称",),
             usage="list | check @成员 | 格式 [格式 例 示例] | 关闭 | 开启 | 恢复", allow_private=True,
             reads_target_alias=True, reads_every_alias=checks_everyone)
    async def nick(self, ctx: Context, args: str) -> None:
        """群昵称：list 列出不符合的成员；check @成员 重新检查；格式 改本群的昵称格式；关闭 / 开启 / 恢复

        (#help shows the first line; 格式 孩子姓名-家长 例 王小明-妈妈: chat_format.py)"""
        config: NicknameConfig = ctx.config(self.name)
        sub, _, rest = args.strip().partition(" ")
        if sub.lower() in ("list", "ls", "列表") and ctx.room_id:
            ctx.reply(self._list_text(ctx, config))
        elif sub.lower() in CHECK_WORDS and ctx.room_id:
            if checks_everyone(args, ctx.message is not None and ctx.message.quote is not None):
                await self._check_everyone(ctx, config)
            else:
                await self._check(ctx, config, rest)
        elif chat_format.wants(sub) and ctx.room_id:
            chat_format.handle(ctx, config, sub, rest)
            self._reschedule(ctx)
        else:
            ctx.reply(render(config.texts.check_usage, prefix=ctx.rules.bot.command_prefix))

    def _list_text(self, ctx: Context, config: NicknameConfig) -> str:
        texts = config.texts
        rows = list(ctx.db.scalars(select(NicknameMember).where(
            NicknameMember.room_id == ctx.room_id, NicknameMember.status == NicknameStatus.PENDING)
            .order_by(NicknameMember.since, NicknameMember.member_id)))
        if not rows:
            return texts.list_empty
        lines = [render(texts.list_header, count=len(rows))]
        for index, row in enumerate(rows[:LIST_LIMIT], 1):
            lines.append(render(texts.list_line, index=index, name=clip(row.name or row.member_id),
                                alias=clip(row.last_alias) or texts.no_alias,
                                since=local_time(row.since, ctx.group.timezone), stage=Stage(row.stage).label))
        if len(rows) > LIST_LIMIT:
            lines.append(render(texts.list_more, count=len(rows) - LIST_LIMIT))
        return "\n".join(lines)

    async def _check_everyone(self, ctx: Context, config: NicknameConfig) -> None:
        """#nick check with no one named: every current member's nickname, against the group's
        pattern. A class teacher who set 孩子姓名-家长 in chat had forty parents from before it,
        and format_set's "newcomers from now on" left her no way to ask them (scope newcomers
        prompts only those who join). Those who do not follow it start the staged prompts as
        newcomers do (one prompt for all, at most max_mentions @, the nickname read fresh before
        each step, so a roster's lagging nickname prompts no one who complies); those being
        prompted already keep their stage."""
        texts = config.texts
        prefix = ctx.rules.bot.command_prefix
        assert ctx.room_id is not None
        if not config.enabled:
            ctx.reply(render(texts.check_all_off, prefix=prefix))
            return
        # the roster and each one's nickname read fresh before the database gate
        # (App._prefetch_roster: the roster's nicknames may lag)
        roster = [m for m in (await ctx.lookup.members(ctx.room_id) if ctx.lookup else []) if m.id != ctx.self_id]
        if not roster:
            ctx.reply(texts.check_all_unread)
            return
        rows = {row.member_id: row for row in ctx.db.scalars(select(NicknameMember).where(
            NicknameMember.room_id == ctx.room_id, NicknameMember.member_id.in_([m.id for m in roster])))}
        checked, off_pattern = 0, []
        for member in roster:
            if exempt(ctx, member.id):
                continue
            checked += 1
            alias = (await ctx.lookup.member_alias(ctx.room_id, member.id) if ctx.lookup else member.alias) or ""
            row = rows.get(member.id)
            if config.policy.complies(alias):
                if row is not None and row.status == NicknameStatus.PENDING:
                    comply(ctx, config, row, alias)
                continue
            if row is None or row.status != NicknameStatus.PENDING:
                row = self._track(ctx, config, member.id, member.name)
            row.last_alias, row.checked_at = alias, ctx.now()
            off_pattern.append(alias or member.name or member.id)
        if off_pattern:
            self._reschedule(ctx)
            ctx.reply(render(texts.check_all_bad, checked=checked, ok=checked - len(off_pattern),
                             bad=len(off_pattern), names=join_names(off_pattern), pattern=config.pattern,
                             prefix=prefix))
        else:
            ctx.reply(render(texts.check_all_ok, checked=checked, pattern=config.pattern))

    async def _check(self, ctx: Context, config: NicknameConfig, text: str) -> None:
        texts = config.texts
        assert ctx.room_id is not None and ctx.message is not None
        target = await resolve_target(ctx, text)
        if target.member_id is None:
            ctx.reply(texts.check_unknown)
            return
        member_id = target.member_id
        name = await ctx.lookup.member_name(member_id) if ctx.lookup else member_id
        if exempt(ctx, member_id):
            ctx.reply(render(texts.check_exempt, name=clip(name)))
            return
        alias = (await ctx.lookup.member_alias(ctx.room_id, member_id) if ctx.lookup else None) or ""
        row = ctx.db.get(NicknameMember, (ctx.room_id, member_id))
        if config.policy.complies(alias):
            if row is not None and row.status == NicknameStatus.PENDING:
                comply(ctx, config, row, alias)
            ctx.reply(render(texts.check_ok, name=clip(name), alias=clip(alias)))
            return
        if row is None or row.status != NicknameStatus.PENDING:
            row = self._track(ctx, config, member_id, name)
            self._reschedule(ctx)
        row.last_alias, row.checked_at = alias, ctx.now()
        ctx.reply(render(texts.check_bad, name=clip(name), alias=clip(alias) or texts.no_alias,
                         pattern=config.pattern, example=config.example))


def _names(ids: tuple[str, ...], names: tuple[str, ...]) -> list[str]:
    return [names[i] if i < len(names) else "" for i in range(len(ids))]



def pending_since(db: Session, room_id: str) -> dict[str, datetime]:
    """Members of a room whose nickname does not comply, and since when (for other plugins)."""
    return dict(db.execute(select(NicknameMember.member_id, NicknameMember.since).where(
        NicknameMember.room_id == room_id, NicknameMember.status == NicknameStatus.PENDING)).all())
