"""The ladder: warn, then remove, then blacklist, by strikes within a window. Opens the numbered
case (state before side effects), records the strike and emits the actions.

A strike counts only while its case's action is pending or was performed: a dry-run, a
failure, a protected member or a member already gone adds no rung (the case's outcome is
written by the outbox from what the platform really did). The words in chat travel on the
actions: the warning is a Reply carrying the case, the removal notice rides on the Kick and
is sent only once the member is really out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy.orm import Session

from bot.actions import Blacklist, Kick, Reply
from bot.core import cases
from bot.core.context import Context
from bot.rules.types import duration_in_chinese
from plugins.antispam import store
from plugins.antispam.config import PAY_CHECKS, AntispamConfig, Step

SOURCE = "antispam"
_RANK: dict[str, int] = {"warn": 0, "kick": 1, "ban": 2}
# case outcomes under which a strike counts: the action is still to come, or it happened (or a
# human was asked to carry it out). dry_run, failed, refused_protected, gone, expired: no rung.
# The owner removing the member by hand after being asked (or the member leaving first) still counts.
COUNTING = ("pending", "deferred", "done", "asked_owner", "fallback", "uncertain", *cases.REMOVED_BY_HAND, "left")


def active_strikes(db: Session, room_id: str, member_id: str, since: datetime) -> int:
    """Strikes within the window whose case's action is pending or was performed."""
    ids = [i for i in store.strike_cases(db, room_id, member_id, since) if i is not None]
    outcomes = cases.field_of(db, ids, "outcome")
    return sum(1 for i in ids if outcomes.get(i) in COUNTING)


@dataclass(frozen=True, slots=True)
class Offence:
    member_id: str
    member_name: str
    reason: str  # Chinese, for the member and the case
    evidence: dict[str, Any]
    obvious: bool = False
    newcomer: bool = False
    strict: bool = False  # the room is in strict mode (after a join raid)
    # a removal needs a human: an established member convicted on the text models' word alone
    # (a regular's second-hand sale "要的私我" or their own WeChat id scores like an ad; one
    # wrongly removed regular costs more than many missed ads), so the owner and admins decide
    ask_first: bool = False
    # only the text models found it an ad (no contact data, link, ad word or behaviour): a
    # warning says what the bot saw (看起来像在…) and how to undo it, not 警告：发广告. A newcomer
    # introducing himself to 各位叔叔阿姨哥哥姐姐 was told 警告：发广告，再犯将被移出本群 on the
    # model's score alone (seen in a simulated day)
    models_only: bool = False
    # the group is to check before paying, not hear "发广告" (config.PAY_CHECKS: a stolen account's
    # loan plea, told by texts.warn_loan; a newcomer collecting a fee, texts.warn_fee): its label
    pay_check: str = ""
    # a newcomer broke only a rule for newcomers (Decision.newcomers_rule): a first offence is
    # said as the rule and when it ends (texts.warn_rule), the ladder unchanged
    newcomers_rule: bool = False
    actor_id: str | None = None  # the admin who typed #spam, or None for the bot
    # a newcomer the owner or an admin invited (roles.vouched_by): judged as an established
    # member, never removed by the bot; an obvious ad is put to the owner and admins at once.
    # The inviter as the question names them, and their role (群主, 管理员)
    vouched_by: str = ""
    vouched_role: str = ""


def probation_ends(cfg: AntispamConfig) -> str:
    """When a newcomer's probation ends, for texts.warn_rule's {when}: 入群满 3 天、发言满 5 条后
    (both must pass: plugin.probation keeps a member on it while either holds)."""
    p = cfg.probation
    parts = ([f"入群满 {duration_in_chinese(p.days)}"] if p.days else []) \
        + ([f"发言满 {p.messages} 条"] if p.messages else [])
    return "、".join(parts) + "后" if parts else "过了新成员观察期后"


def choose_step(cfg: AntispamConfig, strikes_before: int, offence: Offence) -> Step:
    """The rung for this offence: by prior strikes, raised for a newcomer's obvious ad or for
    any newcomer offence while the room is in strict mode."""
    steps = cfg.ladder.steps
    step: Step = steps[min(strikes_before, len(steps) - 1)]
    floor = None
    if offence.newcomer and offence.obvious and cfg.ladder.newcomer_obvious_ad != "ladder":
        floor = cfg.ladder.newcomer_obvious_ad
    if offence.newcomer and offence.strict and (floor is None or _RANK[floor] < _RANK["kick"]):
        floor = "kick"
    if floor is not None and _RANK[floor] > _RANK[step]:
        step = floor
    if not offence.newcomer and strikes_before == 0:
        step = "warn"  # an established member's first offence is never a removal
    if offence.vouched_by and offence.obvious:
        step = "kick"  # put to the owner and admins at once (ask_first): the bot removes no invitee
    return step


class Terms(TypedDict):
    """An Offence's terms that follow from the decision and the sender's standing alone
    (plugin.offence_terms)."""

    obvious: bool
    newcomer: bool
    ask_first: bool
    models_only: bool
    pay_check: str
    newcomers_rule: bool


@dataclass(frozen=True, slots=True)
class Rung:
    """What the ladder does with an offence after `before` strikes: the case's step, a removal
    put to the owner and admins, a warning that threatens nothing."""

    step: Step
    ask_first: bool
    reminder: bool
    rule: bool  # a newcomer's first offence against a newcomers' rule alone: the rule told


def rung(cfg: AntispamConfig, before: int, offence: Offence) -> Rung:
    step = choose_step(cfg, before, offence)
    ask_first = offence.ask_first and step != "warn"
    if ask_first:
        step = "kick"  # a blacklist entry would outlive a decision the admins have not made
    # a warning that threatens nothing: the text models' word alone, a first offence of someone the
    # bot never removes on its own, a loan plea or a newcomer's fee (the member hears 提醒, and owners
    # read 提醒 too)
    reminder = step == "warn" and bool(offence.pay_check or offence.ask_first or offence.models_only)
    return Rung(step, ask_first, reminder, step == "warn" and offence.newcomers_rule and before == 0)


FIRST_OFFENCES = ("removed", "asked", "warned", "told the rule", "reminded")


def first_offence(cfg: AntispamConfig, offence: Offence) -> str:
    """What a first offence brings on the member, as apply() does it: "removed", "asked" (a
    removal put to the owner and admins), "warned" (警告：…再犯将被移出), "told the rule" (the
    newcomers' rule and when it ends) or "reminded" (提醒, nothing threatened)."""
    r = rung(cfg, 0, offence)
    if r.step != "warn":
        return "asked" if r.ask_first else "removed"
    return "reminded" if r.reminder else "told the rule" if r.rule else "warned"


def apply(ctx: Context, cfg: AntispamConfig, offence: Offence) -> int:
    """Open the case, add the strike, emit warn / kick / ban. Returns the case number."""
    assert ctx.room_id is not None
    room_id, now = ctx.room_id, ctx.now()
    before = active_strikes(ctx.db, room_id, offence.member_id, now - cfg.ladder.window)
    r = rung(cfg, before, offence)
    step, ask_first, reminder = r.step, r.ask_first, r.reminder
    evidence = {**offence.evidence, "step": step, "strikes_before": before, "newcomer": offence.newcomer,
                "strict_mode": offence.strict, **({cases.ASKED_ADMINS: True} if ask_first else {}),
                **({cases.REMINDED: True} if reminder else {})}
    case = cases.open_case(ctx.db, room_id=room_id, kind=step, target_id=offence.member_id,
                           target_name=offence.member_name, source=SOURCE, at=now, reason=offence.reason,
                           actor_id=offence.actor_id, evidence=evidence)
    store.add_strike(ctx.db, room_id, offence.member_id, case.id, now)
    texts = cfg.texts
    fill = {"member": offence.member_name, "reason": offence.reason, "case": case.id}
    if step == "warn":
        # the case is "done" only once the outbox has really sent the warning
        if offence.pay_check:
            warning = getattr(texts, PAY_CHECKS[offence.pay_check]).format(**fill)
        elif reminder:
            warning = texts.warn_models.format(**fill)
        elif r.rule:
            warning = texts.warn_rule.format(when=probation_ends(cfg), **fill)
        else:
            warning = texts.warn.format(**fill)
        ctx.emit(Reply(room_id, warning, (offence.member_id,), reason=f"case {case.id}",
                       case_id=case.id))
        return case.id
    if step == "ban":
        # the executor writes the entry (never in dry-run: it would outlive it)
        scope = None if cfg.ladder.ban_all_groups else room_id
        ctx.emit(Blacklist(scope, offence.member_id, offence.reason, offence.actor_id or SOURCE, case.id))
    ask_text = texts.ask_vouched.format(inviter=offence.vouched_by, role=offence.vouched_role,
                                        prefix=ctx.rules.bot.command_prefix, **fill) \
        if ask_first and offence.vouched_by else ""
    ctx.emit(Kick(room_id, offence.member_id, reason=offence.reason, case_id=case.id,
                  member_name=offence.member_name, ask_first=ask_first, ask_text=ask_text,
                  # an asked removal is never done by the bot: no "已被移出" to carry
                  notice_done="" if ask_first else (texts.ban if step == "ban" else texts.kick).format(**fill)))
    return case.id


def record_shadow(ctx: Context, cfg: AntispamConfig, offence: Offence, would: Step) -> int:
    """A shadow-mode detection: the case says what would have happened; nothing is done."""
    assert ctx.room_id is not None
    now = ctx.now()
    case = cases.open_case(ctx.db, room_id=ctx.room_id, kind="spam", target_id=offence.member_id,
                           target_name=offence.member_name, source=SOURCE, at=now, reason=offence.reason,
                           evidence={**offence.evidence, "would": would, "mode": "shadow"}, outcome="shadow")
    cases.set_status(ctx.db, case.id, "closed", None, now)
    return case.id
