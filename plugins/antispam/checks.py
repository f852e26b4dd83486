"""The checks: small pure functions, each returning a named verdict with its reason.

A check reads the message's normalised forms, the facts about its sender that the plugin
looked up (probation, recent behaviour), the group's rules, and for the statistical checks the
model's score. Nothing here touches the database or the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from plugins.antispam.classifier import ModelScore, _tokenizer
from plugins.antispam.config import AntispamConfig, KeywordRules
from plugins.antispam.normalize import Normalised, digit_runs_split, normalise


@dataclass(frozen=True, slots=True)
class Facts:
    """One message and what is known about its sender at that moment."""

    text: str
    kind: str = "text"  # a bot.events.MessageKind value
    url: str | None = None
    mentions: int = 0
    newcomer: bool = False
    trusted: bool = False
    recent_messages: int = 1  # by this member within flood.within, this one included
    same_by_member: int = 1  # same or near-same text by this member within repeat.within
    same_members: int = 1  # distinct members who sent this text here within repeat.within
    same_groups: int = 1  # distinct groups this member sent this text to within repeat.within
    qr_codes: tuple[str, ...] = ()  # texts of QR codes decoded from the message's image (plugins.antispam.qr)


@dataclass(frozen=True, slots=True)
class Verdict:
    name: str
    spam: bool
    details: str = ""
    strong: bool = False  # an obvious ad: probation rules may skip the ladder's first steps


_PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_QQ = re.compile(r"(?:qq|q)(?:号|群)?([1-9][0-9]{4,10})(?![0-9])")
_WECHAT = re.compile(r"微信(?:号)?([a-z][a-z0-9]{5,19}|[0-9]{6,11})")
_WECHAT_LIGHT = re.compile(r"(?<![a-z])(?:v|vx|wx|微信|wechat)\s*(?:号)?\s*[:：]\s*([a-z][a-z0-9_-]{5,19})")


def find_contacts(n: Normalised) -> list[tuple[str, str, bool]]:
    """(kind, value, obfuscated) for each phone number, QQ number and WeChat id found."""
    split = digit_runs_split(n.light)
    tricks = bool(n.obfuscated)
    found: list[tuple[str, str, bool]] = []
    for m in _PHONE.finditer(n.dense):
        found.append(("phone", m.group(0), tricks or split or m.group(0) not in n.light))
    for m in _QQ.finditer(n.dense):
        found.append(("qq", m.group(1), tricks or split or m.group(1) not in n.light))
    for m in _WECHAT.finditer(n.dense):
        value = m.group(1)
        if any(v == value for _, v, _ in found):
            continue
        found.append(("wechat-id", value, tricks or split or value not in n.light))
    if not found:
        for m in _WECHAT_LIGHT.finditer(n.light):
            found.append(("wechat-id", m.group(1), tricks))
    return found[:5]


@lru_cache(maxsize=64)
def _keyword_tables(rules: KeywordRules) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...],
                                                   frozenset[str], tuple[re.Pattern[str], ...]]:
    """Phrases are normalised like messages, so an operator may write 加V or ＶＸ in rules.yaml."""
    def table(phrases: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        return tuple((p, normalise(p).dense) for p in phrases if normalise(p).dense)
    return (table(rules.stop_phrases), table(rules.newcomer_phrases), frozenset(rules.stop_words),
            tuple(re.compile(p) for p in rules.regexes))


def check_keywords(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    stop, newcomer, words, regexes = _keyword_tables(cfg.keywords)
    for shown, dense in stop:
        if dense in n.dense:
            return Verdict("keywords", True, f"stop phrase: {shown}", strong=True)
    if f.newcomer:
        for shown, dense in newcomer:
            if dense in n.dense:
                return Verdict("keywords", True, f"newcomer phrase: {shown}")
    for pattern in regexes:
        m = pattern.search(n.dense)
        if m:
            return Verdict("keywords", True, f"regex {pattern.pattern}: {m.group(0)[:40]}", strong=True)
    if words:
        hit = next((w for w in _tokenizer().lcut(n.dense[:300], HMM=False) if w in words), None)
        if hit:
            return Verdict("keywords", True, f"stop word: {hit}", strong=True)
    return Verdict("keywords", False)


def check_contact(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    policy = cfg.contact.newcomer if f.newcomer else cfg.contact.member
    if policy == "off":
        return Verdict("contact", False, "not checked for this member")
    contacts = find_contacts(n)
    for kind, value, hidden in contacts:
        if hidden or policy == "any":
            how = f" (obfuscated: {', '.join(n.obfuscated) or 'split digits'})" if hidden else ""
            return Verdict("contact", True, f"{kind} {value}{how}", strong=hidden)
    if contacts:
        return Verdict("contact", False, f"plain {contacts[0][0]} from an established member")
    return Verdict("contact", False)


_KIND_LABEL = {"link": "链接", "mini_program": "小程序", "contact_card": "名片", "image": "图片", "file": "文件",
               "video": "视频"}


def check_content(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    if not f.newcomer:
        return Verdict("content", False)
    if f.kind in cfg.content.probation_kinds:
        target = f" {f.url[:80]}" if f.url else ""
        return Verdict("content", True, f"{f.kind}{target} from a member on probation",
                       strong=f.kind in ("mini_program", "contact_card"))
    if cfg.content.text_links and n.urls and "link" in cfg.content.probation_kinds:
        return Verdict("content", True, f"link {n.urls[0][:80]} from a member on probation")
    return Verdict("content", False)


def check_flood(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    rule = cfg.flood
    if f.recent_messages >= rule.messages:
        return Verdict("flood", True, f"{f.recent_messages} messages within {int(rule.within.total_seconds())}s")
    return Verdict("flood", False)


def check_repeat(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    rule = cfg.repeat
    if len(n.dense) < rule.min_chars:
        return Verdict("repeat", False)
    if f.same_by_member >= rule.times:
        return Verdict("repeat", True, f"same text {f.same_by_member} times by this member")
    if f.same_members >= rule.members:
        return Verdict("repeat", True, f"same text from {f.same_members} members")
    if f.same_groups >= rule.groups:
        return Verdict("repeat", True, f"same text in {f.same_groups} groups")
    return Verdict("repeat", False)


def check_mentions(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    count = max(f.mentions, n.light.count("@"))
    if count > cfg.mentions.max_mentions:
        return Verdict("mentions", True, f"{count} mentions")
    return Verdict("mentions", False)


def check_emoji(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    if n.emoji > cfg.emoji.max_emoji:
        return Verdict("emoji", True, f"{n.emoji} emoji")
    return Verdict("emoji", False)


def check_bayes(score: ModelScore, cfg: AntispamConfig) -> Verdict:
    rule = cfg.bayes
    why = ", ".join(dict.fromkeys(w.lstrip("_#~") for w, _ in score.pushes))
    details = f"{score.bayes:.3f}" + (f" ({why})" if why else "")
    if min(score.docs) < rule.min_samples:
        learned = f"{score.docs[1]} spam / {score.docs[0]} ham samples"
        return Verdict("bayes", False, f"{details}; still learning ({learned})")
    if score.known < rule.min_features:
        return Verdict("bayes", False, f"{details}; too few known features")
    spam = score.bayes >= rule.threshold
    return Verdict("bayes", spam, details, strong=spam and score.bayes >= rule.obvious)


def check_similar(f: Facts, n: Normalised, score: ModelScore, cfg: AntispamConfig) -> Verdict:
    if len(n.dense) < cfg.similar.min_chars or score.similar_id is None:
        return Verdict("similar", False)
    details = f"{score.similar:.2f} to spam sample {score.similar_id}"
    if score.ham_similar >= score.similar:
        return Verdict("similar", False, f"{details}, but as close to a ham sample")
    spam = score.similar >= cfg.similar.threshold
    return Verdict("similar", spam, details, strong=spam)


TEXT_CHECKS = {
    "keywords": check_keywords, "contact": check_contact, "content": check_content, "flood": check_flood,
    "repeat": check_repeat, "mentions": check_mentions, "emoji": check_emoji,
}
