"""How cases read in chat: one line for lists and notices, a full card for #case N with the
evidence, in particular which anti-spam checks fired and why. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.cases import SHOWN_KIND_LABELS, STATUS_LABELS, Case, outcome_label, shown_kind
from bot.core.plugin import source_label
from plugins.antispam.api import check_name, reading, situation

KIND_LABELS = {"warn": "警告", "kick": "移出", "ban": "拉黑", "unban": "解除拉黑",
               "lift": "撤销处罚", "spam": "广告/刷屏",
               "report": "举报", "whitelist": "白名单"}
MAX_EVIDENCE_TEXT = 200


def kind_label(kind: str) -> str:
    """A kind's label, or a kind #stats counts apart (提醒, 建议移出: cases.count_by_kind)."""
    return KIND_LABELS.get(kind) or SHOWN_KIND_LABELS.get(kind, kind)


def case_kind(case: Case) -> str:
    """What the case is, as owners read it: 建议移出 for a removal still put to them to verify,
    提醒 for a warning that threatened nothing (cases.shown_kind)."""
    return shown_kind(case) or kind_label(case.kind)


def _when(at: datetime, tz: str) -> str:
    return at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _short(text: Any, limit: int = MAX_EVIDENCE_TEXT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summary(case: Case, name: str, *, notice: bool = False) -> str:
    """One line: #12 警告 小明：发广告（已执行）. A notice to admins says no outcome while the
    action is still queued: written as the case opens, it was read after the warning went out
    and said （待执行） (seen in an owner's simulated day)."""
    reason = f"：{_short(case.reason, 80)}" if case.reason else ""
    said = [] if notice and case.outcome == "pending" else [outcome_label(case)]
    if case.status == "reversed":
        # a #ham'd case read 已请群主处理 alone in #cases, as if the owner still had to act
        said.append(STATUS_LABELS["reversed"])
    told = f"（{'，'.join(said)}）" if said else ""
    return f"#{case.id} {case_kind(case)} {name}{reason}{told}"


# outcomes a member's own list says nothing about: the action happened, or is about to
_MEMBER_PLAIN_OUTCOMES = frozenset({"done", "listed", "pending"})


def what(case: Case) -> str:
    """What an appeal is against, beside its number and the member already named: 警告：发广告,
    移出（已请群主处理）：发广告. The whole summary there read 对案件 #3（#3 警告 大头：发广告（已执行））
    in a simulated day: the number and the name twice, and brackets inside brackets."""
    reason = f"：{_short(case.reason, 60)}" if case.reason else ""
    outcome = "" if case.outcome in _MEMBER_PLAIN_OUTCOMES else \
        f"（{outcome_label(case)}）"
    return f"{case_kind(case)}{outcome}{reason}"


def case_line(case: Case, group: str) -> str:
    """One of a member's own cases, as they are told it: #12「读书会」移出：发广告; with what became
    of it when the action did not happen (#12「读书会」移出（已请群主处理）: a member still in the
    group, where the bot could not remove, had been told of a 移出 as if it were done, seen in a
    simulated day)."""
    reason = f"：{_short(case.reason, 60)}" if case.reason else ""
    outcome = "" if case.outcome in _MEMBER_PLAIN_OUTCOMES else \
        f"（{outcome_label(case)}）"
    return f"#{case.id}「{group}」{case_kind(case)}{outcome}{reason}"


def check_lines(checks: Any, labels: Mapping[str, str] | None = None) -> list[str]:
    """The checks that fired, each as 「✔ 检查：看到了什么」 in plain Chinese, then how many others
    looked and found nothing (a wall of ✘ lines helps nobody). Each check by its own name: the
    group's labels are what members read, and four checks share 发广告 there."""
    if not isinstance(checks, list):
        return []
    fired: list[str] = []
    quiet: list[str] = []
    for check in checks[:30]:
        if not isinstance(check, Mapping):
            continue
        name = str(check.get("name", "?"))
        label = _short(check_name(name, labels), 40)
        details = reading(check)
        mode = "（只观察，不处理）" if check.get("mode") == "shadow" else ""
        line = f"{label}{mode}" + (f"：{details}" if details else "")
        (fired if check.get("spam") else quiet).append(line)
    lines = [f"  ✔ {line}" for line in fired]
    if quiet:
        lines.append(f"  其余 {len(quiet)} 项检查未发现问题")
    return (["命中的检查："] if fired else ["检查："]) + lines if lines else []


def _how(case: Case) -> str:
    """How the case was opened, beside who: a plugin by its title, a command by its name; an
    admin's #spam opens an anti-spam case under their name, and read 处理人：HR小王（自动反广告）
    in a simulated day, a person and "automatic" at once."""
    if case.source == "antispam" and case.actor_id:
        return "用 #spam 标记为广告"
    return source_label(case.source)


def card(case: Case, target: str, actor: str, tz: str, labels: Mapping[str, str] | None = None) -> str:
    """The full case for #case N, in Chinese: what fired and why, not the raw evidence."""
    lines = [
        f"案件 #{case.id} · {case_kind(case)} · {STATUS_LABELS.get(case.status, case.status)}",
        f"对象：{target}",
        f"处理人：{actor}（{_how(case)}）",
        f"时间：{_when(case.created_at, tz)}",
        f"原因：{_short(case.reason) or '（无）'}",
        f"结果：{outcome_label(case)}",
    ]
    evidence = case.evidence if isinstance(case.evidence, Mapping) else {}
    if evidence.get("text"):
        lines.append(f"原消息：「{_short(evidence['text'])}」")
    elif evidence.get("reporter_text"):
        lines.append(f"举报人引用的文字（记录中找不到，未核实）：「{_short(evidence['reporter_text'])}」")
    if situation(evidence):
        lines.append(f"判断：{situation(evidence)}")
    if evidence.get("scope") == "*":
        lines.append("范围：所有群")
    if evidence.get("blacklist_case"):
        lines.append(f"依据：黑名单（案件 #{evidence['blacklist_case']}）")
    if evidence.get("confirmed_by"):
        said = f"（{_short(evidence['confirmed_reason'], 60)}）" if evidence.get("confirmed_reason") else ""
        lines.append(f"确认移出：{_short(evidence.get('confirmed_name') or evidence['confirmed_by'], 40)}{said}")
    if evidence.get("spam_confirmed_by"):
        who = evidence.get("spam_confirmed_name") or evidence["spam_confirmed_by"]
        lines.append(f"管理员确认是广告：{_short(who, 40)}（用 #spam 标记，未重复处罚）")
    if evidence.get("appeal"):
        lines.append(f"申诉：{_short(evidence['appeal'], 120)}")
    lines += check_lines(evidence.get("checks"), labels)
    if case.updated_at != case.created_at and case.updated_by:
        lines.append(f"最后修改：{_when(case.updated_at, tz)}")
    return "\n".join(lines)
