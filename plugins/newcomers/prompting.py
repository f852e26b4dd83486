"""The nickname prompt's parts both newcomers plugins use: who is never prompted, the prompt's
wording, and the first prompt carried inside the welcome.

A wave of joins got two messages a few seconds apart, the welcome and the nickname prompt,
both @-mentioning the same newcomers (seen in every simulated group day): where both are due
together, the welcome job sends one message, the welcome with the prompt under it, and takes
the nickname workflow's first step for those it prompts (nickname.py then goes on from there:
the reminder an hour later). The nickname job leaves a newcomer whose welcome is still to come
to the welcome."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from bot.actions import Reply
from bot.core import lists
from bot.core.context import Context
from bot.core.roles import is_protected
from plugins.newcomers.config import GreetingConfig, NicknameConfig
from plugins.newcomers.models import GreetingRoom, NicknameMember, NicknameStatus, PendingWelcome
from plugins.newcomers.staging import Stage, due_after, first_due
from plugins.newcomers.templates import clip, join_names, render

log = logging.getLogger(__name__)

NICKNAME = "nickname"  # the nickname plugin's name (its rules.yaml section)
GREETING = "greeting"


def exempt(ctx: Context, member_id: str) -> bool:
    """Owners, admins, moderators, operators and whitelisted members (rules.yaml or chat), and
    the bot itself, are never prompted."""
    assert ctx.room_id is not None
    return (member_id == ctx.self_id or is_protected(member_id, ctx.room, ctx.rules)
            or lists.contains(ctx.db, lists.WHITELIST, ctx.room_id, member_id))


def display(row: NicknameMember) -> str:
    return row.last_alias or row.name or row.member_id


def prompt_text(config: NicknameConfig, mentioned: Sequence[NicknameMember], named: Sequence[NicknameMember]) -> str:
    """The prompt for `mentioned`, naming `named` (not mentioned) before them."""
    texts = config.texts
    common = {"names": join_names(display(row) for row in mentioned), "pattern": config.pattern,
              "example": config.example}
    text = render(texts.prompt, **common)
    if not named:
        return text
    everyone = join_names(display(row) for row in [*named, *mentioned])
    return render(texts.prompt, **{**common, "names": everyone}) if "{names}" in texts.prompt \
        else render(texts.prompt_also, names=join_names(display(row) for row in named)) + text


def comply(ctx: Context, config: NicknameConfig, row: NicknameMember, alias: str) -> None:
    row.status, row.due_at, row.compliant_at, row.last_alias = NicknameStatus.COMPLIANT, None, ctx.now(), alias
    log.info("%s in %s now complies: %r", row.member_id, row.room_id, alias)
    # thank only someone who was actually prompted, and only once per prompting
    if config.texts.thanks and ctx.room_id and row.stage >= Stage.PROMPTED:
        ctx.emit(Reply(ctx.room_id, render(config.texts.thanks, names=clip(alias)), (row.member_id,),
                       reason="nickname complies"))


async def alias_for_step(ctx: Context, config: NicknameConfig, row: NicknameMember) -> str | None:
    """What every step does first (the nickname job's and the welcome's first prompt): an exempt
    member leaves the workflow; the nickname is read fresh (nicknames lag); one that complies
    now ends it, with thanks if they were prompted. Returns the nickname when a step is still
    wanted, else None: exempt or complying (row.status no longer PENDING), or the read failed
    (still PENDING: never prompt or act on a guess; the caller says when to look again)."""
    assert ctx.room_id is not None
    if exempt(ctx, row.member_id):
        row.status, row.due_at = NicknameStatus.EXEMPT, None
        return None
    alias = await ctx.lookup.member_alias(ctx.room_id, row.member_id) if ctx.lookup else row.last_alias
    if alias is None:
        return None
    row.checked_at = ctx.now()
    if config.policy.complies(alias):
        comply(ctx, config, row, alias)
        return None
    row.last_alias = alias
    return alias


def _nickname_config(ctx: Context) -> NicknameConfig | None:
    config = getattr(ctx.group, NICKNAME, None)
    return config if isinstance(config, NicknameConfig) and config.enabled else None


def welcome_to_come(ctx: Context, member_id: str) -> bool:
    """Whether the member's welcome is still to be sent (it will carry their first prompt)."""
    assert ctx.room_id is not None
    config = getattr(ctx.group, GREETING, None)
    return (isinstance(config, GreetingConfig) and config.enabled
            and ctx.db.get(PendingWelcome, (ctx.room_id, member_id)) is not None)


def in_welcome(ctx: Context, row: NicknameMember) -> bool:
    """Whether the prompt standing for this member is part of the room's last welcome."""
    state = ctx.db.get(GreetingRoom, row.room_id)
    return (state is not None and state.last_welcome_at is not None and row.last_step_at is not None
            and row.last_step_at == state.last_welcome_at)


def first_prompts(db_rows: list[NicknameMember], member_ids: Sequence[str]) -> list[NicknameMember]:
    order = {member_id: i for i, member_id in enumerate(member_ids)}
    return sorted((row for row in db_rows if row.member_id in order), key=lambda row: order[row.member_id])


async def with_welcome(ctx: Context, welcomed: Sequence[str], fresh: set[str], replaced_at: datetime | None,
                       now: datetime, soon: datetime, addressed: set[str]) -> str:
    """The prompt to send under the welcome of `welcomed` ("" for none), its first step taken.

    `fresh`: the newcomers this welcome is the first for; their first prompt goes with it when
    it is due by `soon` (nickname read fresh, as before any step). `replaced_at`: the welcome
    this one takes back, whose prompt named the others: they are named again (not mentioned)
    and reminded with the new ones, as nickname.py does for a prompt replacing another.
    `addressed`: whom the welcome mentions or names; anyone else prompted is named in front of
    the prompt (a wave of 25 is mentioned 20 and named 20 by the welcome: nobody is left out).
    `now`: the welcome's own time (GreetingRoom.last_welcome_at), the prompts' step time: later
    steps find the prompts standing in a welcome by equal times, so it is the same reading of
    the clock (two readings differ on the system clock: the carried prompts were lost)."""
    config = _nickname_config(ctx)
    if config is None or not welcomed:
        return ""
    assert ctx.room_id is not None
    rows = first_prompts(list(ctx.db.scalars(select(NicknameMember).where(
        NicknameMember.room_id == ctx.room_id, NicknameMember.status == NicknameStatus.PENDING,
        NicknameMember.member_id.in_(list(welcomed))))), welcomed)
    prompted: list[NicknameMember] = []
    carried: list[NicknameMember] = []
    for row in rows:
        # when the prompt falls due by the timings (the nickname job, finding the welcome still
        # to come, may have put its own look back by RETRY: the welcome takes it all the same)
        if row.member_id in fresh and row.stage == Stage.NEW and row.due_at is not None \
                and first_due(row.since, config.timings) <= soon:
            if await alias_for_step(ctx, config, row) is None:
                continue  # exempt, complying, or unread: then the nickname job prompts them itself
            row.stage, row.last_step_at = Stage.PROMPTED, now
            row.due_at = due_after(Stage.PROMPTED, row.since, now, config.timings)
            prompted.append(row)
        elif (replaced_at is not None and row.stage == Stage.PROMPTED and row.last_step_at == replaced_at
              and row.member_id not in fresh):
            carried.append(row)
    wave_due = max((row.due_at for row in prompted if row.due_at is not None), default=None)
    for row in carried:
        # named in the welcome now standing, and reminded with this wave (see nickname._emit_step)
        row.last_step_at = now
        if row.due_at is not None and wave_due is not None:
            row.due_at = max(row.due_at, wave_due)
    everyone = [*carried, *prompted]
    if not everyone:
        return ""
    if {row.member_id for row in everyone} != set(welcomed):
        return prompt_text(config, [], everyone)  # some of the welcomed need no prompt: say who does
    left_out = [row for row in everyone if row.member_id not in addressed]
    # the welcome addressed them all already, but for those past its mentions and its names
    return prompt_text(config, [row for row in everyone if row.member_id in addressed], left_out)


def standing_in_welcome(ctx: Context, others: Sequence[str], welcome_at: datetime) -> str:
    """The prompt part of a welcome sent again without someone the bot removed, for the others
    it prompted ("" for none); their steps stay as they were."""
    config = _nickname_config(ctx)
    if config is None or not others:
        return ""
    assert ctx.room_id is not None
    rows = first_prompts(list(ctx.db.scalars(select(NicknameMember).where(
        NicknameMember.room_id == ctx.room_id, NicknameMember.status == NicknameStatus.PENDING,
        NicknameMember.stage == Stage.PROMPTED, NicknameMember.last_step_at == welcome_at,
        NicknameMember.member_id.in_(list(others))))), others)
    if not rows:
        return ""
    return prompt_text(config, rows, []) if len(rows) == len(others) else prompt_text(config, [], rows)
