"""A regular answering another member's question (issue 11): 有人知道哪里买能量胶便宜吗 → 拼多多搜 GU能量胶
比淘宝便宜点; 附近哪家修鞋靠谱 → 南门那个修鞋师傅 电话 138…; 求推荐记账app → 我用的钱迹 应用商店搜.

The answer carries a referral ad's words (a platform's search term, a shop, a price) and the char
model reads them alone: in a simulated running club's day a regular answering a member's question
about energy gels (拼多多搜 … 比淘宝便宜点, 0.992) was reported to the owner as a repeat advertiser. What
the model cannot see is the conversation: a member asked, minutes ago, about the very thing the
answer names. Ads are not written as answers to a member's question about their own words.

So for an established member, an answer to another member's recent question (one quoted, or one
asked in the room within ANSWER_WINDOW that shares a topic word with the answer) makes the model's
verdict need another check, like a recommendation does (model_checks.check_charmodel). Contact data
hidden, a link off the ordinary list and the hooks of ads (红包, 返利, 日结, 进群 …) still count, and a
newcomer's answer is judged as before. Questions are remembered per room in memory only (a few per
room, minutes long): after a restart, an answer to a question asked before it is judged alone.
This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.events import Quote

# how long a question stays open, and how many are kept per room: groups answer within minutes,
# and a busy group's older questions have been answered or dropped
ANSWER_WINDOW = timedelta(minutes=10)
_KEPT = 6

# what asks: a question mark, a final 吗, or an interrogative (哪里, 怎么, 有没有, 求推荐 …)
_ASKS = re.compile(r"[?？]|吗\s*$|吗[\s，,。!！~～]|什么|哪里|哪儿|哪家|哪个|哪有|哪能|在哪|怎么|怎样|如何|多少钱|"
                   r"谁(?:有|知道|用过|买过|去过)|有没有|有人(?:知道|用过|买过|去过|推荐)|求推荐|推荐(?:一下|个)|"
                   r"请问|求问|求助|问一下|问下")
# characters that carry no topic: question words, pronouns, particles, the commonest verbs
_NO_TOPIC = frozenset("的了吗呢吧啊呀么嘛哦哈呗什哪里儿怎样如何谁有没人知道请问求推荐一下个这那是我你他她们大家在"
                      "用去好不都也还就想要能会可以买卖搜找看说过点些多少钱么吗")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z][a-z0-9]+")
# what an ad adds that an answer does not: a payout, a job, a group to join, a code to scan
_HOOK = re.compile(r"红包|返利|返现|佣金|提成|日结|兼职|躺赚|带单|收益|代理|招募|进群|加群|拉你|扫码|邀请码|助力|"
                   r"砍一刀|包过|贷款|usdt|承兑|上分|免费领|领取")


def asks(text: str) -> bool:
    """Whether `text` (a member's message) is a question."""
    return _ASKS.search(text) is not None


def adds_a_hook(body: str) -> bool:
    """Whether an answer (its normalised body) carries what an ad adds: a payout, a job, a group
    to join, a code to scan."""
    return _HOOK.search(body) is not None


def topic(text: str) -> frozenset[str]:
    """The words a question or an answer is about: CJK character pairs with no question word,
    particle or pronoun in them, and Latin words (lowercased)."""
    lowered = text.lower()
    terms = {run[i:i + 2] for run in _CJK.findall(lowered) for i in range(len(run) - 1)
             if run[i] not in _NO_TOPIC and run[i + 1] not in _NO_TOPIC}
    terms.update(_LATIN.findall(lowered))
    return frozenset(terms)


@dataclass(frozen=True, slots=True)
class Asked:
    at: datetime
    sender_id: str
    name: str
    said: str  # the question's opening words, for the case card
    terms: frozenset[str]


class Questions:
    """The latest questions asked in each room, to read an answer by (at most _KEPT a room: the
    memory is bounded by the number of groups)."""

    def __init__(self) -> None:
        self._rooms: dict[str, deque[Asked]] = {}

    def note(self, room_id: str, sender_id: str, name: str, text: str, at: datetime) -> None:
        """Remember `text` if it is a question (any member's: the owner's too)."""
        if not text or not asks(text):
            return
        terms = topic(text)
        if terms:
            asked = Asked(at, sender_id, name, _opening(text), terms)
            self._rooms.setdefault(room_id, deque(maxlen=_KEPT)).append(asked)

    def answered(self, room_id: str, sender_id: str, text: str, at: datetime,
                 quote: Quote | None = None) -> str:
        """What `text` answers, in Chinese for the case card (「alice」刚问的“哪里买能量胶…”), or "": a quoted
        question of someone else's, or another member's question in the room within
        ANSWER_WINDOW that shares a topic word with it. Whether it adds an ad's hook is read on
        the normalised text (adds_a_hook)."""
        if not text:
            return ""
        if quote is not None and quote.sender_id != sender_id and asks(quote.text):
            return f"引用了「{quote.sender_name}」的提问“{_opening(quote.text)}”"
        asked = self._rooms.get(room_id)
        if not asked:
            return ""
        terms = topic(text)
        for question in reversed(asked):
            if at - question.at > ANSWER_WINDOW:
                break
            if question.sender_id != sender_id and terms & question.terms:
                return f"「{question.name}」刚问的“{question.said}”"
        return ""


def _opening(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 20 else text[:20] + "…"
