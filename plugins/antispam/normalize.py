"""Text normalisation against the tricks 引流 ads use to dodge keyword filters.

Ads write 加V, 薇信, ＶＸ, ➕V, 扣扣, split a phone number with spaces, dots or emoji, or
sprinkle zero-width characters between letters. Everything here is pure and bounded: input
is capped first, so a 100 KB message costs the same as a 4 KB one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_CHARS = 4000  # longer messages are judged on their head: ads put the hook up front

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064"
                                     "\ufeff\u00ad\u034f\u180e\u2028\u2029\u202a\u202b\u202c\u202d\u202e"))

# Variant spellings of contact platforms, longest first (the regex alternation respects order).
# Each maps to one canonical word, so keyword and contact rules need only the canonical form.
_VARIANTS: dict[str, str] = {
    "微信": "微信", "威信": "微信", "薇信": "微信", "徽信": "微信", "维信": "微信", "微芯": "微信",
    "薇芯": "微信", "威芯": "微信", "徾信": "微信", "溦信": "微信", "嶶信": "微信", "微心": "微信",
    "v信": "微信", "vx": "微信", "wx": "微信", "vx号": "微信", "weixin": "微信", "wechat": "微信",
    "胃信": "微信",
    "扣扣": "qq", "抠抠": "qq", "叩叩": "qq", "寇寇": "qq", "企鹅号": "qq", "qq号": "qq",
    "➕": "加", "+": "加", "十v": "加微信", "伽": "加", "珈": "加", "佳v": "加微信",
    "纸飞机": "telegram", "飞机号": "telegram", "电报号": "telegram",
}
# Single letters that mean 微信 only right after 加 (加v, 加V, ➕v): "v" alone is too common.
# Matched before punctuation goes, so "加V：abc8888" reads as 加微信 followed by an id.
_ADD_LETTER = re.compile(r"加(我)?[\s:：,，.。_\-]*(?:vx|wx|v|w)(?![a-z])")
# Dressed-up letters and digits: full-width, circled, mathematical, keycaps. A full-width colon
# is ordinary Chinese typing; a full-width "ＶＸ" is not.
_DRESSED = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u2460-\u24ff\u2776-\u2793\u20e3"
                      "\U0001d400-\U0001d7ff\U0001f100-\U0001f1ff]")
_VARIANT_RE = re.compile("|".join(sorted(map(re.escape, _VARIANTS), key=len, reverse=True)))
# Numerals ads spell out or dress up so a digit filter misses them.
_NUMERALS = str.maketrans({
    **dict(zip("零〇一二三四五六七八九", "00123456789", strict=True)),
    **dict(zip("壹贰叁肆伍陆柒捌玖", "123456789", strict=True)),
    "幺": "1", "两": "2", "拐": "7", "洞": "0",
})
_NUMERAL_RUN = re.compile(r"[0-9零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖幺拐洞]{6,}")
_KEEP = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\U0001f1e6-\U0001f1ff]")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9-]{2,}\.(?:com|cn|net|cc|top|xyz|vip|me|io|co|app|"
                  r"info|org|link|shop|club|site|online|ly|gg)(?:/[^\s<>\"']*)?", re.IGNORECASE)
_MENTION = re.compile(r"@[^\s\u2005@]{1,40}[\u2005 ]?")


@dataclass(frozen=True, slots=True)
class Normalised:
    """The forms of one message the checks read."""

    light: str  # NFKC, lower case, zero-width removed; spacing and punctuation kept (URLs, words)
    dense: str  # only letters, digits and CJK, with variants mapped: "加 V 信：ab-c8" → "加微信abc8"
    obfuscated: tuple[str, ...]  # which tricks were undone, for the explanation
    emoji: int  # how many emoji the message carried
    urls: tuple[str, ...]


def light_form(text: str) -> str:
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).translate(_ZERO_WIDTH)
    return text.lower()


@lru_cache(maxsize=4096)
def normalise(text: str) -> Normalised:
    """Cached: a message goes through several checks, and floods repeat the same text."""
    raw = text[:MAX_CHARS]
    tricks: list[str] = []
    if any(ord(c) in _ZERO_WIDTH for c in raw):
        tricks.append("zero-width characters")
    light = light_form(raw)
    if _DRESSED.search(raw):
        tricks.append("full-width or dressed-up letters")
    emoji = len(_EMOJI.findall(light))
    urls = tuple(m.group(0) for m in _URL.finditer(light))[:20]
    body = _MENTION.sub(" ", light)  # @names are chosen by members, not content
    mapped = _VARIANT_RE.sub(lambda m: _VARIANTS[m.group(0)], body)
    if mapped != body and any(v != k for k, v in _VARIANTS.items() if k in body):
        tricks.append("variant characters")
    undressed = _ADD_LETTER.sub(lambda m: "加" + (m.group(1) or "") + "微信", mapped)
    if undressed != mapped:
        tricks.append("加V")
        mapped = undressed
    dense = "".join(_KEEP.findall(mapped))
    # again, now that spacing is gone: "v x" and "扣 扣" are variants too
    respaced = _VARIANT_RE.sub(lambda m: _VARIANTS[m.group(0)], dense)
    if respaced != dense and "variant characters" not in tricks:
        tricks.append("variant characters")
    dense = respaced
    spelled = _NUMERAL_RUN.sub(lambda m: m.group(0).translate(_NUMERALS), dense)
    if spelled != dense:
        tricks.append("spelled-out digits")
        dense = spelled
    return Normalised(light, dense, tuple(tricks), emoji, urls)


def digit_runs_split(light: str) -> bool:
    """True when a long number is broken up by separators (138 1234 5678, 1-3-8…)."""
    return re.search(r"\d[\s\-_.·,，。、|/\\*~]+\d(?:[\s\-_.·,，。、|/\\*~]*\d){5,}", light) is not None
