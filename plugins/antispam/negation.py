"""An ad word the writer denies: 不是招代理 就是聊聊, 我这不是刷单 (issue 11).

A stop phrase stands for the ad it names (招代理, 刷单). Said with a denial in front of it, in a
message that promotes nothing, it is chat: a member making clear what they are not doing. The
bot warned 不是招代理 就是聊聊 (keywords 招代理 beside the char model). Ads deny too, though: 这不是
刷单哈 是正规的平台任务 日结 做一单结一单. So a denial is never a free pass: it is read only where
the keywords check already found nothing promoted (no call to act, no bait, no contact data, no
link, no payout; checks._ad_words), and there it takes the stop phrase back instead of leaving it as one
check that the char model could agree with. Everything that promotes keeps the phrase as it was.
This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

# a denial right before the phrase: 不是, 并不是, 又不是, 可不是, 没有, 没在, 不做, 不搞, 不招 …
# (the 不 of 不是 may stand alone: 我这不刷单)
_DENIAL = r"(?:不是|并不是|又不是|可不是|也不是|绝不是|没有?在?|不做|不搞|不会|从不|不)$"


# a payout or a price named beside the denial: 我不是招代理 就是找几个人帮忙 一天一千+ is a job pitch
_PAYS = re.compile(r"[0-9一二两三四五六七八九十百千万]\s*[+元块wk]|一天|每天|日入|月入|提成|佣金|收益")


def pays(dense: str) -> bool:
    """Whether the message names a payout or a price (一天一千+, 200元, 提成): a denial beside one is
    still a pitch."""
    return bool(_PAYS.search(dense))


def denied(phrase: str, dense: str) -> str | None:
    """The denial before every occurrence of `phrase` (dense form) in `dense`, or None when any
    occurrence is said plainly (or there is none)."""
    starts = [m.start() for m in re.finditer(re.escape(phrase), dense)] if phrase else []
    if not starts:
        return None
    found = None
    for start in starts:
        m = re.search(_DENIAL, dense[max(0, start - 4):start])
        if m is None:
            return None
        found = m.group(0)
    return found


# the calls that only ask the reader to message the writer here (可以私聊, 有意的私我): no way out of
# the group, nothing dangled
_HERE = frozenset({"私聊", "私信", "私我", "私", "有意", "感兴趣", "详聊"})


def asks_here_only(calls: list[str]) -> bool:
    """Whether every call found (checks._PROMOTING's words) only asks to be messaged here. Beside a
    denied ad word (我不是招代理的 …… 可以私聊我说; 不是招代理 我们店是真的要招店员 有意的可以私聊) that is how a
    member asks or offers, and the phrase is no stronger than the call: one signal, never alone.
    The two lines removed newcomers at once in spam34's blind probe, as 不是招代理 就是聊聊 可以私聊 had
    in spam27's."""
    return bool(calls) and all(c in _HERE for c in calls)
