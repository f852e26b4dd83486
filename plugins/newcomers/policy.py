"""Does a group nickname follow the group's pattern? Pure and cheap: it runs on every message.

Operators write the pattern as a friendly template (`城市-行业-昵称`: the fields, separated by
a dash or similar) or, for exact needs, a regular expression. Members type separators in many
ways (上海 电商 小王, 上海｜电商｜小王, 上海—电商—小王), so any common separator is accepted
wherever the template has one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# after NFKC (which folds full-width －｜／＿ to ASCII): dashes, bars, slashes, dots, spaces
SEPARATORS = "-_|/\\·・•、~—–― "
_SPLIT = re.compile(f"[{re.escape(SEPARATORS)}]+")
MAX_ALIAS = 64  # longer than any real group nickname; also bounds the work a hostile one causes


def normalise(alias: str) -> str:
    """NFKC, invisible format characters (zero-width spaces, joiners, bidi marks) removed and
    whitespace folded, so that "\u200b-\u200b-\u200b" cannot pass as three fields."""
    text = unicodedata.normalize("NFKC", alias[: MAX_ALIAS * 4])
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text
                   if unicodedata.category(ch) not in ("Cf", "Co", "Cs"))
    return " ".join(text.split())


# in a template separated by something else, a slash offers choices for one field: an owner
# who writes 孩子名字-爸爸/妈妈 asks for two fields (王小明-妈妈), not three
_CHOICES = re.compile(r"\s*/\s*")


def template_fields(pattern: str) -> tuple[str, ...]:
    text = normalise(pattern)
    if "/" in text and _SPLIT.search(_CHOICES.sub("", text)):
        text = _CHOICES.sub("或", text)
    return tuple(part for part in _SPLIT.split(text) if part)


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    reason: str  # why, in English, for logs and case evidence


@dataclass(frozen=True)
class NicknamePolicy:
    pattern: str  # shown to members
    regex: str = ""  # when set, it decides instead of the template

    @property
    def fields(self) -> tuple[str, ...]:
        return template_fields(self.pattern)

    def check(self, alias: str) -> Verdict:
        text = normalise(alias)
        if not text:
            return Verdict(False, "no group nickname set")
        if len(text) > MAX_ALIAS:
            return Verdict(False, f"longer than {MAX_ALIAS} characters")
        if self.regex:
            if _compiled(self.regex).fullmatch(text):
                return Verdict(True, "matches the regex")
            return Verdict(False, f"does not match the regex {self.regex!r}")
        want = len(self.fields)
        if want <= 1:
            return Verdict(True, "a group nickname is set")
        if text[0] in SEPARATORS or text[-1] in SEPARATORS:
            return Verdict(False, "a field is empty")
        parts = [p for p in _SPLIT.split(text) if p]
        # more parts than fields is fine: the last field (usually the name) may contain a dash
        if len(parts) < want:
            return Verdict(False, f"{len(parts)} of {want} fields ({'-'.join(self.fields)})")
        return Verdict(True, f"{want} fields")

    def complies(self, alias: str) -> bool:
        return self.check(alias).ok


@lru_cache(maxsize=64)
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


@lru_cache(maxsize=64)
def policy_for(pattern: str, regex: str) -> NicknamePolicy:
    return NicknamePolicy(pattern, regex)
