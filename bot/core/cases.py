"""The moderation log's numbered cases. Plugins open a case in their handle() (state before
side effects), put its id on the action (Kick.case_id), and the executor records the
outcome on the case when the action has run.

This module is the plugins' way to the cases: they read and write them through these functions,
and `Case` (re-exported here) is the record they get back; plugins never query core tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from bot.core import members
from bot.core.privacy import PRIVATE, private_scope
from db import repo
from db.models import Case

# what each case outcome means, as owners read it in chat (#case) and in the web console
OUTCOME_LABELS = {"pending": "待执行", "done": "已执行", "dry_run": "演习（未执行）", "asked_owner": "已请群主处理",
                  "refused_protected": "受保护，未执行", "failed": "执行失败", "shadow": "影子模式，未执行",
                  "reported": "已通知管理员", "listed": "已加入黑名单", "refused_cap": "超出频率上限，未执行",
                  "deferred": "已达移出上限，稍后自动执行", "gone": "对方已不在群里，未执行",
                  "uncertain": "机器人重启时正在执行，结果未知", "expired": "排队过久，未发送",
                  "fallback": "已改为普通消息", "withdrawn": "执行前已撤销", "skipped": "无需执行",
                  # a removal handed to the humans, and what they did about it
                  "removed_by_owner": "群主已手动移出", "removed_by_admin": "管理员已手动移出",
                  "left": "对方已离开本群"}
# what a case's status means, as owners read it in chat and in the web console: the console said
# 处理中 of an open case beside 已执行, while chat said 有效 of the same case
STATUS_LABELS = {"open": "有效", "closed": "已结案", "appealed": "申诉中", "reversed": "已撤销"}
# an asked_owner removal put to them for want of evidence (outcome_label)
ASKED_TO_VERIFY = "已请群主和管理员核实"
# a proposal's question still waiting to be sent, or not delivered
_ASKING_LABELS = {"pending": "正在请群主和管理员核实", "failed": "未能通知到群主和管理员"}
# outcomes of a removal the owner or admins carried out by hand, after the bot asked them
REMOVED_BY_HAND = ("removed_by_owner", "removed_by_admin")

# the evidence key of a case whose action itself asks the owner and admins to decide (a removal
# put to them, Kick.ask_first): whoever tells admins of new cases leaves it alone, since they
# were already told, with more to go on (how to decide)
ASKED_ADMINS = "ask_first"

__all__ = ["ASKED_ADMINS", "PROPOSED_REMOVAL", "REMINDED", "REMINDER", "REMOVED_BY_HAND", "SHOWN_KINDS",
           "SHOWN_KIND_LABELS", "STATUS_LABELS", "Case", "add_evidence", "asked_admins",
           "cases_after", "cases_for", "confirm_removal", "count_by_kind", "field_of", "get_case", "latest_id",
           "mark_shown", "messages_judged", "open_case", "outcome_label", "overtaken", "proposed_removal",
           "put_to_humans", "record_outcome", "reminded", "set_reason", "set_status", "shown_kind", "shown_to",
           "standing_kinds"]

# cases whose own act is the member's removal: their absence afterwards is that act, not news
_REMOVALS = ("kick", "ban")
# outcomes of a removal that never stood (nothing was decided against the member)
_NOT_DECIDED = ("dry_run", "shadow", "withdrawn", "refused_protected")
# and of one that overtakes no earlier case of the member: WeChat refused it and they are still
# there (its failure has a notice of its own; the warning before it is still news)
_NOT_OVERTAKING = (*_NOT_DECIDED, "failed")


def open_case(
    db: Session, *, room_id: str | None, kind: str, target_id: str | None, source: str, at: datetime,
    reason: str = "", target_name: str = "", actor_id: str | None = None,
    evidence: Mapping[str, Any] | None = None, outcome: str = "pending",
) -> Case:
    case = Case(room_id=room_id, kind=kind, target_id=target_id, target_name=target_name, actor_id=actor_id,
                source=source, reason=reason, evidence=dict(evidence or {}), outcome=outcome, status="open",
                created_at=at, updated_at=at, updated_by=actor_id)
    db.add(case)
    db.flush()  # assigns the number
    return case


class CaseFacts(Protocol):
    """What telling a case's kind as owners read it needs (shown_kind): a case, or a row of
    these three columns (count_by_kind)."""

    @property
    def kind(self) -> str: ...

    @property
    def outcome(self) -> str: ...

    @property
    def evidence(self) -> Any: ...


def asked_admins(case: CaseFacts) -> bool:
    """Whether the case's own action asks the owner and admins (see ASKED_ADMINS)."""
    return isinstance(case.evidence, dict) and case.evidence.get(ASKED_ADMINS) is True


# a removal put to the owner and admins to verify, as owners read its kind (proposed_removal)
PROPOSED_REMOVAL = "建议移出"


def proposed_removal(case: CaseFacts) -> bool:
    """A removal the bot put to the owner and admins for want of evidence, still theirs to decide
    (asked_owner): a proposal, not a removal. #cases read 「#5 移出 X（已请群主和管理员核实，已撤销）」
    of a member nobody removed (a simulated job group). Chat and the web console say 建议移出.
    From the start: while the question waited in the outbox, #cases said 「#1 移出 大伟（待执行）」
    beside the owner's private 机器人没有直接移出 (a simulated join wave). Once the owner or an
    admin removes the member by hand it is a removal."""
    return case.kind == "kick" and asked_admins(case) and case.outcome not in REMOVED_BY_HAND


# a warning step said as a reminder that threatens nothing (anti-spam on the text models' word
# alone, a loan plea): evidence key, and the kind as owners read it (reminded)
REMINDED = "reminded"
REMINDER = "提醒"


def reminded(case: CaseFacts) -> bool:
    """A warning case whose member heard a reminder, not 再犯将被移出: #cases said 警告 of it, and an
    owner reading 警告 believed the member had been threatened with removal (a demo 业主群 morning)."""
    return case.kind == "warn" and isinstance(case.evidence, dict) and case.evidence.get(REMINDED) is True


# what #stats and the console count apart from the plain kind (count_by_kind), and their labels
SHOWN_KINDS = {REMINDER: "remind", PROPOSED_REMOVAL: "propose"}
SHOWN_KIND_LABELS = {code: label for label, code in SHOWN_KINDS.items()}


def shown_kind(case: CaseFacts) -> str | None:
    """The kind as owners read it where it is not the plain kind's label: 建议移出, 提醒."""
    return PROPOSED_REMOVAL if proposed_removal(case) else REMINDER if reminded(case) else None


def outcome_label(case: Case) -> str:
    """The case's outcome as owners read it. A removal the bot put to the owner and admins for
    want of evidence (it could have removed: a regular, a model's word) is theirs to verify,
    not one the bot could not do: #cases said 已请群主处理 of it (seen in a simulated day)."""
    if case.outcome == "asked_owner" and asked_admins(case):
        return ASKED_TO_VERIFY
    if case.outcome in _ASKING_LABELS and asked_admins(case):
        # 待执行 of a proposal read as a removal about to happen, 执行失败 as one that failed
        return _ASKING_LABELS[case.outcome]
    return OUTCOME_LABELS.get(case.outcome, case.outcome)


def get_case(db: Session, case_id: int) -> Case | None:
    return db.get(Case, case_id)


def get_cases(db: Session, case_ids: Iterable[int]) -> list[Case]:
    """The cases of these ids that exist, in id order, in one query."""
    ids = sorted(set(case_ids))
    return list(db.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id))) if ids else []


# how the bot's notices name a case: 案件 #12, （案件 #12）, 新案件 #12
CASE_NUMBER = re.compile(r"案件\s*[#＃]\s*(\d{1,9})")


def named_in(db: Session, room_id: str | None, text: str) -> list[Case]:
    """The cases of this room a text of the bot's (a quoted notice) names, in number order, at
    most ten: what an admin who quotes 「小七」已被移出本群……案件 #3 points at."""
    numbers = sorted({int(n) for n in CASE_NUMBER.findall(text[:2000])})[:10]
    return [c for c in get_cases(db, numbers) if c.room_id == room_id]


def cases_for(db: Session, room_id: str | None, target_id: str | None, limit: int = 20) -> list[Case]:
    """The latest cases, newest first: of one member (target_id), in one room (room_id), or both."""
    query = select(Case).order_by(Case.id.desc()).limit(limit)
    if target_id is not None:
        query = query.where(Case.target_id == target_id)
    if room_id is not None:
        query = query.where(Case.room_id == room_id)
    return list(db.scalars(query))


def record_outcome(db: Session, case_id: int, outcome: str, at: datetime) -> None:
    case = db.get(Case, case_id)
    if case is not None:
        case.outcome = outcome
        case.updated_at = at


def add_evidence(db: Session, case_id: int, fields: Mapping[str, Any], by: str | None, at: datetime) -> Case | None:
    """Add facts to a case's evidence (what a human did about it later)."""
    case = db.get(Case, case_id)
    if case is not None:
        # a new dict: the JSON column notices a replaced value, not one changed in place
        case.evidence = {**(case.evidence if isinstance(case.evidence, dict) else {}), **fields}
        case.updated_by, case.updated_at = by, at
    return case


def confirm_removal(db: Session, case_id: int, by: str, by_name: str, said: str, at: datetime) -> Case | None:
    """An owner or admin answered a removal the bot put to them (a #kick of the member, a #spam
    of the message): who, and what they said, for the #case card ("确认移出：…")."""
    return add_evidence(db, case_id, {"confirmed_by": by, "confirmed_name": by_name, "confirmed_reason": said},
                        by, at)


def overtaken(db: Session, case: Case) -> bool:
    """Whether a later act on the case's member has overtaken it: a case that is not itself a
    removal (a warning, a report) whose member has since been removed (by the bot, or by an
    owner's or admin's #kick/#ban: a later removal case) or is gone from the group (removed by
    hand, or left). The owner's digest said 「新案件 #4 警告 铁蛋」 two minutes after he had
    removed 铁蛋 himself (seen in a simulated day): the removal is the news. Or the case itself was
    undone (#ham, an accepted appeal): the digest told an owner 「新案件 #1 警告 …（已执行）。如是
    误判，请…发送 #ham 撤销」 a minute after his own #ham (seen in a simulated owners' evening)."""
    if case.kind in _REMOVALS or not case.room_id or not case.target_id:
        return False
    if case.status == "reversed":
        return True
    later = db.scalar(select(Case.id).where(
        Case.room_id == case.room_id, Case.target_id == case.target_id, Case.id > case.id,
        Case.kind.in_(_REMOVALS), Case.outcome.not_in(_NOT_OVERTAKING), Case.status != "reversed").limit(1))
    if later is not None:
        return True
    facts = members.facts(db, case.room_id, case.target_id)
    return facts is not None and facts.left_at is not None and facts.left_at >= case.created_at


# who has read which cases in chat (#cases, #case): a core_setting in the reader's own private
# scope (privacy.PRIVATE_SCOPE, exported and deleted with them), the latest ids they were shown
_SHOWN_KEY = "cases.shown"
_SHOWN_KEPT = 200


def mark_shown(db: Session, case_ids: Iterable[int], viewer: str, at: datetime) -> None:
    """`viewer` (an owner, admin or operator) has just read these cases listed or in full."""
    scope = private_scope(viewer)
    seen = [int(i) for i in repo.get_setting(db, scope, _SHOWN_KEY) or ()]
    new = [i for i in case_ids if i not in seen]
    if new:
        repo.put_setting(db, scope, _SHOWN_KEY, [*seen, *new][-_SHOWN_KEPT:], viewer, at)


def shown_to(db: Session, case_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Who has read each case in chat: its announcement is no news to them. The owner's digest
    said 「新案件 #2 移出 钓鱼直播」 three minutes after he had read #2 in his own #cases
    (seen in simulated fishing, friends' market and game guild days). One row per reader who
    ever used #cases or #case (the owners and admins), read once for a whole digest."""
    wanted = set(case_ids)
    if not wanted:
        return {}
    readers: dict[int, list[str]] = {}
    for scope, ids in repo.settings_by_key(db, _SHOWN_KEY).items():
        if scope.startswith(PRIVATE):
            for case_id in wanted.intersection(ids or ()):
                readers.setdefault(case_id, []).append(scope.removeprefix(PRIVATE))
    return {case_id: tuple(names) for case_id, names in readers.items()}


def put_to_humans(db: Session, room_id: str, target_id: str) -> list[Case]:
    """The member's open removal cases in this room that the bot handed to the owner and admins
    (it could not remove, or the evidence was not enough), newest first: what an admin's own
    removal of that member carries out, rather than a second case for the same act."""
    return list(db.scalars(select(Case).where(
        Case.room_id == room_id, Case.target_id == target_id, Case.kind.in_(("kick", "ban")),
        Case.outcome == "asked_owner", Case.status == "open").order_by(Case.id.desc()).limit(20)))


def set_reason(db: Session, case_id: int, reason: str, by: str, at: datetime) -> Case | None:
    case = db.get(Case, case_id)
    if case is not None:
        case.reason, case.updated_by, case.updated_at = reason, by, at
    return case


def set_status(db: Session, case_id: int, status: str, by: str | None, at: datetime) -> Case | None:
    case = db.get(Case, case_id)
    if case is not None:
        case.status, case.updated_by, case.updated_at = status, by, at
    return case


def latest_id(db: Session, before: datetime | None = None) -> int:
    """The highest case number, or the highest of the cases opened before `before`."""
    query = select(func.max(Case.id))
    if before is not None:
        query = query.where(Case.created_at < before)
    return int(db.scalar(query) or 0)


def cases_after(db: Session, case_id: int, limit: int) -> list[Case]:
    """Cases numbered after case_id, oldest first."""
    return list(db.scalars(select(Case).where(Case.id > case_id).order_by(Case.id).limit(limit)))


def removals_since(db: Session, room_id: str, since: datetime, source: str) -> list[Case]:
    """A room's removals (kick, ban) by one source opened since `since`, carried out (by the bot,
    or by hand after the bot asked) and not undone, oldest first."""
    return list(db.scalars(select(Case).where(
        Case.room_id == room_id, Case.source == source, Case.kind.in_(_REMOVALS), Case.created_at >= since,
        Case.outcome.in_(("done", *REMOVED_BY_HAND)), Case.status != "reversed").order_by(Case.id)))


def field_of(db: Session, case_ids: Iterable[int], name: str) -> dict[int, str]:
    """One field ("kind", "outcome", "status", "source") of several cases, by id."""
    ids = list(case_ids)
    if not ids:
        return {}
    column = {"kind": Case.kind, "outcome": Case.outcome, "status": Case.status, "source": Case.source}[name]
    return {int(i): str(v) for i, v in db.execute(select(Case.id, column).where(Case.id.in_(ids)))}


def standing_kinds(db: Session, room_id: str, target_id: str, *, source: str, kinds: Iterable[str],
                   not_outcomes: Iterable[str] = (), not_status: Iterable[str] = ()) -> list[str]:
    """Kinds of the cases from `source` against a member in a room, leaving out those whose
    outcome or status is listed (reversed, dry-run …)."""
    wanted = list(kinds)
    if not wanted:
        return []
    return list(db.scalars(select(Case.kind).where(
        Case.room_id == room_id, Case.target_id == target_id, Case.source == source, Case.kind.in_(wanted),
        Case.outcome.not_in(list(not_outcomes)), Case.status.not_in(list(not_status)))))


def count_by_kind(db: Session, room_id: str, start: datetime, end: datetime, kinds: Iterable[str]) -> dict[str, int]:
    """Cases opened in a room in [start, end) that stand, counted per kind as owners read it: not a
    detection that did nothing by design (shadow, dry-run), was taken back before it was carried
    out or refused on a protected member, nor one an admin or an accepted appeal undid. #stats said
    违规案件 2 个（移出 1，广告/刷屏 1） of a group where the owner lets members sell, the second a
    newcomer's silver the char model only shadowed (seen in a simulated day). A reminder and a
    removal only proposed count apart (SHOWN_KINDS): #stats said 警告 1 of a reminder #cases calls
    提醒, and 移出 1 of a removal nobody carried out.

    A plain GROUP BY of kind, outcome and the case's shown_kind column (what its evidence says,
    kept on every write: _keep_shown_kind), all of them in the (room_id, created_at) index, so
    the count never reads a case's row. The year of 20 groups' counts (60,000 cases, SQLite):
    ~210 CPU-ms reading the two evidence flags from each case's JSON, ~112 with the column, ~40
    with the index holding it; loading each case's evidence made the page 0.9-1.6 s."""
    rows = db.execute(select(Case.kind, Case.outcome, Case.shown_kind, func.count()).where(
        Case.room_id == room_id, Case.created_at >= start, Case.created_at < end,
        Case.kind.in_(list(kinds)), Case.outcome.not_in(_NOT_DECIDED), Case.status != "reversed")
        .group_by(Case.kind, Case.outcome, Case.shown_kind))
    counts: dict[str, int] = {}
    for kind, outcome, stored, n in rows:
        shown = shown_kind(_Tallied(kind, outcome, _EVIDENCE_OF.get(stored, {})))
        key = SHOWN_KINDS[shown] if shown else kind
        counts[key] = counts.get(key, 0) + int(n)
    return counts


def messages_judged(db: Session, room_id: str, start: datetime, end: datetime, kinds: Iterable[str]) -> dict[str, int]:
    """Per member, their messages a case opened in [start, end) stands on (the case names its
    message in its evidence), counted as count_by_kind counts: not one that did nothing by
    design, was taken back, refused, or undone by an admin or an appeal. A name judged an ad
    has no message and is not counted."""
    rows = db.execute(select(Case.target_id, Case.evidence).where(
        Case.room_id == room_id, Case.created_at >= start, Case.created_at < end,
        Case.kind.in_(list(kinds)), Case.outcome.not_in(_NOT_DECIDED), Case.status != "reversed"))
    judged: dict[str, set[str]] = {}
    for target_id, evidence in rows:
        message_id = evidence.get("message_id") if isinstance(evidence, dict) else None
        if target_id and message_id:
            judged.setdefault(target_id, set()).add(str(message_id))  # two cases of one message: one
    return {target_id: len(ids) for target_id, ids in judged.items()}


class _Tallied(NamedTuple):
    """A group of cases count_by_kind counted, as shown_kind reads them (CaseFacts)."""

    kind: str
    outcome: str
    evidence: dict[str, bool]


# the evidence flag each stored shown_kind stands for: shown_kind() decides from it with the
# outcome, as it does for a case (a proposal the owner carried out by hand is a removal)
_EVIDENCE_OF: dict[str | None, dict[str, bool]] = {
    SHOWN_KINDS[REMINDER]: {REMINDED: True}, SHOWN_KINDS[PROPOSED_REMOVAL]: {ASKED_ADMINS: True}}


def stored_shown_kind(kind: str, evidence: Any) -> str | None:
    """core_case.shown_kind for a case of this kind and evidence: what the evidence alone says
    of how owners read its kind (the outcome is read with it when counting)."""
    if reminded(_Tallied(kind, "", evidence)):
        return SHOWN_KINDS[REMINDER]
    if kind == "kick" and asked_admins(_Tallied(kind, "", evidence)):
        return SHOWN_KINDS[PROPOSED_REMOVAL]
    return None


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _keep_shown_kind(mapper: Any, connection: Any, case: Case) -> None:
    # every ORM write of a case passes here (open_case, add_evidence, a plugin setting its
    # evidence), so the column never disagrees with the evidence count_by_kind once read
    case.shown_kind = stored_shown_kind(case.kind, case.evidence)
