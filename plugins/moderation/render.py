"""How cases read in chat: one line for lists and notices, a full card for #case N with the
evidence, in particular which anti-spam checks fired and why. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.cases import Case

KIND_LABELS = {"warn": "警告", "kick": "移出", "ban": "拉黑", "unban": "解除拉黑", "spam": "广告/刷屏",
               "report": "举报", "whitelist": "白名单"}
OUTCOME_LABELS = {"pending": "待执行", "done": "已执行", "dry_run": "演习（未执行）", "asked_owner": "已请群主处理",
                  "refused_protected": "受保护，未执行", "failed": "执行失败", "shadow": "影子模式（未执行）",
                  "reported": "已通知管理员", "listed": "已加入黑名单", "refused_cap": "超出频率上限，未执行",
                  "deferred": "已达移出上限，稍后自动执行", "gone": "对方已不在群里，未执行",
                  "uncertain": "机器人重启时正在执行，结果未知", "expired": "排队过久，未发送",
                  "withdrawn": "执行前已撤销"}
# the checks' names, as antispam's check_labels has them by default (a group's own labels win)
CHECK_LABELS = {"keywords": "广告词", "contact": "联系方式引流", "content": "新成员发链接/名片/文件",
                "flood": "刷屏", "repeat": "重复发送", "mentions": "大量@他人", "emoji": "表情刷屏",
                "bayes": "广告识别模型", "similar": "与已知广告相似", "admin": "管理员标记为广告"}
_CONTACT_KINDS = {"wechat": "微信号", "wechat-id": "微信号", "wxid": "微信号", "phone": "手机号", "mobile": "手机号",
                  "qq": "QQ 号", "email": "邮箱", "url": "链接", "link": "链接", "telegram": "Telegram"}
_KINDS = {"image": "图片", "file": "文件", "url": "链接", "link": "链接", "card": "名片", "contact": "名片",
          "mini_program": "小程序", "miniprogram": "小程序", "video": "视频", "voice": "语音", "emoticon": "表情"}


def _percent(value: str) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except ValueError:
        return value


# the checks' English details, as plain Chinese; anything not listed is left out rather than
# shown raw (the label says what fired)
_DETAILS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^stop phrase: (.+)$"), lambda m: f"含禁用语「{m[1]}」"),
    (re.compile(r"^stop word: (.+)$"), lambda m: f"含禁用词「{m[1]}」"),
    (re.compile(r"^newcomer phrase: (.+)$"), lambda m: f"新成员发了常见广告语「{m[1]}」"),
    (re.compile(r"^regex .*: (.+)$"), lambda m: f"匹配规则的内容「{m[1]}」"),
    (re.compile(r"^link (\S+) from a member on probation$"), lambda m: f"新成员发链接 {m[1]}"),
    (re.compile(r"^(\S+?)(?: .*)? from a member on probation$"), lambda m: f"新成员发{_KINDS.get(m[1], '内容')}"),
    (re.compile(r"^(\d+) messages within (\d+)s$"), lambda m: f"{m[2]} 秒内发了 {m[1]} 条消息"),
    (re.compile(r"^same text (\d+) times by this member$"), lambda m: f"同一内容发了 {m[1]} 次"),
    (re.compile(r"^same text from (\d+) members$"), lambda m: f"{m[1]} 位成员发了相同内容"),
    (re.compile(r"^same text in (\d+) groups$"), lambda m: f"在 {m[1]} 个群发了相同内容"),
    (re.compile(r"^(\d+) mentions$"), lambda m: f"@了 {m[1]} 人"),
    (re.compile(r"^(\d+) emoji$"), lambda m: f"{m[1]} 个表情"),
    (re.compile(r"^([0-9.]+) to spam sample (\d+)(, but as close to a ham sample)?$"),
     lambda m: f"与已知广告（样本 {m[2]}）相似度 {_percent(m[1])}" + ("，但与正常消息同样相似" if m[3] else "")),
    (re.compile(r"^([0-9.]+)(?: \((.*)\))?(; still learning.*|; too few known features)?$"),
     lambda m: f"广告可能性 {_percent(m[1])}" + (f"（关键词：{m[2]}）" if m[2] else "")
     + ("，模型样本还不够，仅供参考" if m[3] else "")),
    (re.compile(r"^plain (\S+) from an established member$"), lambda m: f"老成员留的{_contact(m[1])}，不算引流"),
    (re.compile(r"^p=([0-9.]+)$"), lambda m: f"广告可能性 {_percent(m[1])}"),
    (re.compile(r"^#spam by .*$"), lambda m: "管理员用 #spam 标记"),
    (re.compile(r"^([\w-]+) (\S+)(.*)$"),
     lambda m: f"{_contact(m[1])}「{m[2]}」" + ("（有变形遮掩）" if m[3].strip() else "")),
]


def _contact(kind: str) -> str:
    return _CONTACT_KINDS.get(kind.lower(), "联系方式")


def plain_details(details: Any, check: str = "contact") -> str:
    """A check's details in plain Chinese, or "" if there is no faithful way to say them."""
    text = " ".join(str(details).split())
    if not text:
        return ""
    # the last pattern ("kind value …") reads only the contact check's details
    for pattern, say in _DETAILS if check == "contact" else _DETAILS[:-1]:
        match = pattern.match(text)
        if match:
            return _short(say(match), 120)
    if re.search(r"[\u4e00-\u9fff]", text) and not re.search(r"[A-Za-z]{4,}", text):
        return _short(text, 120)  # already Chinese
    return ""
STATUS_LABELS = {"open": "有效", "closed": "已结案", "appealed": "申诉中", "reversed": "已撤销"}
MAX_EVIDENCE_TEXT = 200


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def _when(at: datetime, tz: str) -> str:
    return at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _short(text: Any, limit: int = MAX_EVIDENCE_TEXT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summary(case: Case, name: str) -> str:
    """One line: #12 警告 小明：发广告（已执行）."""
    reason = f"：{_short(case.reason, 80)}" if case.reason else ""
    return f"#{case.id} {kind_label(case.kind)} {name}{reason}（{OUTCOME_LABELS.get(case.outcome, case.outcome)}）"


def check_lines(checks: Any, labels: Mapping[str, str] | None = None) -> list[str]:
    """The checks that fired, each as 「✔ 标签：说明」 in plain Chinese, then how many others
    looked and found nothing (a wall of ✘ lines helps nobody)."""
    if not isinstance(checks, list):
        return []
    labels = {**CHECK_LABELS, **(labels or {})}
    fired: list[str] = []
    quiet: list[str] = []
    for check in checks[:30]:
        if not isinstance(check, Mapping):
            continue
        name = str(check.get("name", "?"))
        label = _short(labels.get(name, name), 40)
        details = plain_details(check.get("details", ""), name)
        mode = "（只观察，不处理）" if check.get("mode") == "shadow" else ""
        line = f"{label}{mode}" + (f"：{details}" if details else "")
        (fired if check.get("spam") else quiet).append(line)
    lines = [f"  ✔ {line}" for line in fired]
    if quiet:
        lines.append(f"  其余 {len(quiet)} 项检查未发现问题")
    return (["命中的检查："] if fired else ["检查："]) + lines if lines else []


def plain_score(score: Any) -> str:
    try:
        value = float(score)
    except (TypeError, ValueError):
        return ""
    level = "很高" if value >= 0.9 else "较高" if value >= 0.7 else "中等" if value >= 0.4 else "较低"
    return f"广告可能性{level}（{value * 100:.0f}%）"


def source_label(source: str) -> str:
    if source.startswith("command:"):
        return f"命令 #{source.split(':', 1)[1]}"
    return {"antispam": "自动反广告", "moderation": "黑名单", "newcomers": "新成员管理"}.get(source, source)


def card(case: Case, target: str, actor: str, tz: str, labels: Mapping[str, str] | None = None) -> str:
    """The full case for #case N, in Chinese: what fired and why, not the raw evidence."""
    lines = [
        f"案件 #{case.id} · {kind_label(case.kind)} · {STATUS_LABELS.get(case.status, case.status)}",
        f"对象：{target}",
        f"处理人：{actor}（{source_label(case.source)}）",
        f"时间：{_when(case.created_at, tz)}",
        f"原因：{_short(case.reason) or '（无）'}",
        f"结果：{OUTCOME_LABELS.get(case.outcome, case.outcome)}",
    ]
    evidence = case.evidence if isinstance(case.evidence, Mapping) else {}
    if evidence.get("text"):
        lines.append(f"原消息：「{_short(evidence['text'])}」")
    elif evidence.get("reporter_text"):
        lines.append(f"举报人引用的文字（记录中找不到，未核实）：「{_short(evidence['reporter_text'])}」")
    if evidence.get("score") is not None and plain_score(evidence["score"]):
        lines.append(f"判断：{plain_score(evidence['score'])}")
    if evidence.get("scope") == "*":
        lines.append("范围：所有群")
    if evidence.get("blacklist_case"):
        lines.append(f"依据：黑名单（案件 #{evidence['blacklist_case']}）")
    if evidence.get("appeal"):
        lines.append(f"申诉：{_short(evidence['appeal'], 120)}")
    lines += check_lines(evidence.get("checks"), labels)
    if case.updated_at != case.created_at and case.updated_by:
        lines.append(f"最后修改：{_when(case.updated_at, tz)}")
    return "\n".join(lines)
