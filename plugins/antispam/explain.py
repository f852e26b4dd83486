"""How anti-spam evidence reads for owners and operators, in Chinese (the #case card in chat and
the web console's cases and checker pages).

Members read one reason (check_labels: four checks all say 发广告), which tells an owner nothing
about which check fired; here every check has its own name. What a check saw is its verdict's
Chinese reading (`why`, written where the verdict is made); evidence recorded before verdicts
carried one has only the English details, read here by pattern, and what has no faithful
reading is left out rather than shown raw.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.core.cases import ASKED_ADMINS, REMINDED

CHECK_NAMES = {
    "keywords": "广告词", "contact": "联系方式引流", "content": "新成员发链接/名片/文件", "flood": "刷屏",
    "repeat": "重复发送", "mentions": "大量@他人", "emoji": "表情刷屏",
    "bayes": "本群学习模型",  # learned from the admins' #spam / #ham
    "charmodel": "内置广告模型",  # shipped, trained on the project's corpus
    "similar": "与已知广告相似", "qrcode": "图片里的二维码",
    "admin": "管理员标记为广告",
}
CONTACT_KINDS = {
    "wechat": "微信号", "wechat-id": "微信号", "wxid": "微信号", "phone": "手机号", "mobile": "手机号",
    "qq": "QQ 号", "email": "邮箱", "url": "链接", "link": "链接", "telegram": "Telegram", "im-link": "聊天软件链接",
    "im-number": "其他聊天软件号码",
    "handle": "账号", "code-id": "联系代号", "domain": "网址", "referral": "其他平台搜索口令", "group-number": "群号",
}
# message kinds (bot.events.MessageKind values, and older spellings in recorded evidence)
MESSAGE_KINDS = {"image": "图片", "file": "文件", "url": "链接", "link": "链接", "card": "名片", "contact": "名片",
                 "contact_card": "名片", "mini_program": "小程序", "miniprogram": "小程序", "video": "视频",
                 "voice": "语音", "emoticon": "表情"}


def check_name(name: str, labels: Mapping[str, str] | None = None) -> str:
    """A check's own name; a check this module does not know keeps the group's label or its id."""
    return CHECK_NAMES.get(name) or (labels or {}).get(name) or name


def contact_kind(kind: str) -> str:
    return CONTACT_KINDS.get(kind.lower(), "联系方式")


def message_kind(kind: str) -> str:
    return MESSAGE_KINDS.get(kind, "内容")


def contact_said(kind: str, value: str) -> str:
    """A piece of contact data for owners: 微信号「abc8888」."""
    return f"{contact_kind(kind)}「{value}」"


def reading(check: Mapping[str, Any]) -> str:
    """What one check saw, in Chinese, or "" when there is nothing faithful to say."""
    why = check.get("why")
    if isinstance(why, str) and why.strip():
        return _short(why)
    return plain_details(check.get("details", ""), str(check.get("name", "")))


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _percent(value: str) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except ValueError:
        return value


def _words(listed: str | None) -> str:
    return "、".join(w.strip() for w in (listed or "").split(",") if w.strip())


# the English details of evidence recorded before verdicts carried `why`
_DETAILS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^stop phrase: (.+)$"), lambda m: f"含禁用语「{m[1]}」"),
    (re.compile(r"^stop word: (.+)$"), lambda m: f"含禁用词「{m[1]}」"),
    (re.compile(r"^newcomer phrase: (.+)$"), lambda m: f"新成员发了常见广告语「{m[1]}」"),
    (re.compile(r"^regex .*: (.+)$"), lambda m: f"匹配规则的内容「{m[1]}」"),
    (re.compile(r"^link (\S+) from a member on probation$"), lambda m: f"新成员发链接 {m[1]}"),
    (re.compile(r"^(\S+?)(?: .*)? from a member on probation$"), lambda m: f"新成员发{message_kind(m[1])}"),
    (re.compile(r"^(\d+) messages within (\d+)s$"), lambda m: f"{m[2]} 秒内发了 {m[1]} 条消息"),
    (re.compile(r"^same text (\d+) times by this member$"), lambda m: f"同一内容发了 {m[1]} 次"),
    (re.compile(r"^same text from (\d+) members$"), lambda m: f"{m[1]} 位成员发了相同内容"),
    (re.compile(r"^same text in (\d+) groups$"), lambda m: f"在 {m[1]} 个群发了相同内容"),
    (re.compile(r"^(\d+) mentions$"), lambda m: f"@了 {m[1]} 人"),
    (re.compile(r"^(\d+) emoji$"), lambda m: f"{m[1]} 个表情"),
    (re.compile(r"^([0-9.]+) to spam sample (\d+)(, but as close to a ham sample)?$"),
     lambda m: f"与已知广告（样本 {m[2]}）相似度 {_percent(m[1])}" + ("，但与正常消息同样相似" if m[3] else "")),
    (re.compile(r"^([0-9.]+)(?: \((.*?)\))? ≥ ([0-9.]+)(?:, with contact data \((\S+) (.+)\))?$"),
     lambda m: f"像广告的程度 {_percent(m[1])}，超过界线 {_percent(m[3])}"
     + (f"（依据：{_words(m[2])}）" if m[2] else "")
     + (f"，且留了{contact_said(m[4], m[5])}" if m[4] else "")),
    (re.compile(r"^([0-9.]+)(?: \((.*?)\))?(; still learning.*|; too few known features)?$"),
     lambda m: f"广告可能性 {_percent(m[1])}" + (f"（依据：{_words(m[2])}）" if m[2] else "")
     + ("，模型样本还不够，仅供参考" if m[3] else "")),
    (re.compile(r"^plain (\S+) from an established member$"), lambda m: f"老成员留的{contact_kind(m[1])}，不算引流"),
    (re.compile(r"^p=([0-9.]+)$"), lambda m: f"广告可能性 {_percent(m[1])}"),
    (re.compile(r"^#spam by .*$"), lambda m: "管理员用 #spam 标记"),
    (re.compile(r"^([\w-]+) (\S+)(.*)$"),
     lambda m: contact_said(m[1], m[2]) + ("（有变形遮掩）" if m[3].strip() else "")),
]


def plain_details(details: Any, check: str = "contact") -> str:
    """English details in plain Chinese, or "" if there is no faithful way to say them."""
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


def plain_score(score: Any) -> str:
    try:
        value = float(score)
    except (TypeError, ValueError):
        return ""
    level = "很高" if value >= 0.9 else "较高" if value >= 0.7 else "中等" if value >= 0.4 else "较低"
    return f"广告可能性{level}（{value * 100:.0f}%）"


_STEPS = {"warn": "警告", "kick": "移出", "ban": "拉黑", "record": "只记录", "shadow": "只观察"}


def situation(evidence: Mapping[str, Any]) -> str:
    """The facts a decision rested on besides the checks (who the sender was, which step of the
    ladder), in one Chinese line; the raw keys stay out of sight."""
    parts = []
    # no message was judged: a name (adname.py) or a group name (renamed.py)
    if evidence.get("name"):
        parts.append("看的是新成员的昵称，不是消息")
    elif evidence.get("topic"):
        parts.append("看的是成员改的群名，不是消息")
    # the shipped model's score where it ran: "score" is the Bayes', which may still be learning
    score = evidence.get("char_score", evidence.get("score"))
    reads_as_chat = isinstance(score, int | float) and score < 0.5
    if score is not None and plain_score(score):
        parts.append(plain_score(score))
    if evidence.get("obvious"):
        # 「广告可能性较低（2%）；明显的广告」 read as a contradiction (an ad word's conviction the
        # model disagreed with, simulated alumni day): the score is the model's, the rules decided
        parts.append("但按规则属于明显的广告" if reads_as_chat else "明显的广告")
    elif reads_as_chat:
        # the same for a conviction that is not obvious: a reading's or a rule's, which the card lists below
        # (广告可能性较低（8%）…按阶梯处理：警告 read as the bot warning what it thought no ad; lead54)
        parts.append("但命中的检查判定违规")
    if evidence.get("vouched_by"):
        role = evidence.get("vouched_role") or "群主或管理员"
        parts.append(f"发送者是{role}邀请入群的新成员，按老成员判断，机器人不自动移出")
    elif evidence.get("trusted"):
        parts.append("发送者是受信任成员")
    elif evidence.get("established"):
        parts.append("发送者是老成员（机器人进群前就在）")
    elif evidence.get("newcomer") is True:
        parts.append("发送者是考察期内的新成员")
    elif evidence.get("newcomer") is False:
        parts.append("发送者已过考察期")
    before = evidence.get("strikes_before")
    if isinstance(before, int):
        parts.append(f"此前违规 {before} 次" if before else "此前没有违规")
    step = evidence.get("step")
    if isinstance(step, str):
        said = "只提醒，没有说再犯移出" if evidence.get(REMINDED) else _STEPS.get(step, step)
        parts.append(f"按阶梯处理：{said}")
    if evidence.get(ASKED_ADMINS):
        parts.append("已请群主和管理员核实" if evidence.get("vouched_by") else
                     "只凭文字判断，不自动移出老成员，已请管理员核实")
    if evidence.get("strict_mode"):
        parts.append("本群处于严格模式")
    return "；".join(parts)
