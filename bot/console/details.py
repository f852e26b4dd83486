"""The executor's outcome details as operators read them in the audit log.

The executor and the outbox record a short technical detail with each action's outcome (in
English: the log's language). The audit page showed them raw under each action — "told 1
privately, 0 in the group" beside Chinese — so the details the executor writes itself are
said here in Chinese; a platform's own error text (a gateway's "kind: message") stays as it is.
"""

from __future__ import annotations

import re

_FIXED = {
    "dry-run: recorded, not performed": "演习模式：只记录，没有执行",
    "room unknown": "找不到这个群",
    "already out of the room (recovered)": "对方已不在群里（重启后核对）",
    "owner, admin, moderator, operator or whitelisted": "对方是群主、管理员、运营或白名单成员，不能操作",
    "nothing left to take back": "没有需要撤回的消息",
    "it greeted members still here whom its replacement does not":
        "原来的欢迎语里有仍在群里、新欢迎语没有提到的成员，所以没有撤回",
    "the platform refused the recall": "微信拒绝了撤回",
    "every operator knew already": "运营都已经知道，不再重复通知",
    "nobody to tell: no operators, no admin group, room unknown":
        "没有可通知的人：没有设置运营和管理群，也找不到这个群",
    "nobody to tell: no operators, no admin group, no human owner or admin":
        "没有可通知的人：没有设置运营和管理群，群里也没有群主或管理员（机器人除外）",
    "the owner and admins knew already": "群主和管理员都已经知道，不再重复通知",
}

_PATTERNS = [
    (re.compile(r"told (\d+) privately, (\d+) in the group"), "私聊告知 {0} 人，在群里 @ {1} 人"),
    (re.compile(r"sent privately to (\d+) operator\(s\)"), "已私聊告知 {0} 位运营"),
    (re.compile(r"not sent: queued (.+) ago"), "排队 {0} 仍未发出，已过期，不再补发"),
    (re.compile(r"could not ask the owner: (.+)", re.S), "没能请群主处理：{0}"),
    (re.compile(r"sent as a message: (.+)", re.S), "改为发消息：{0}"),
    (re.compile(r"internal error: (.+)"), "内部错误：{0}"),
]


def detail_label(detail: str) -> str:
    """`detail` in the operators' words where the executor wrote it, else unchanged."""
    if not detail:
        return ""
    fixed = _FIXED.get(detail)
    if fixed is not None:
        return fixed
    for pattern, label in _PATTERNS:
        match = pattern.fullmatch(detail)
        if match:
            # a detail may carry another ("could not ask the owner: <the ask's own detail>")
            return label.format(*(detail_label(group) for group in match.groups()))
    return detail
