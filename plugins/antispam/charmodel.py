"""The shipped discriminative model: logistic regression over hashed character 1–4-grams of the
normalised text.

Why this shape: group spam hides its words (威心, 佳薇, split digits), so word features break;
character n-grams of the normalised text keep the hook whatever the spelling. Hashing bounds
memory (2^20 weights, 4 MB as float32) whatever the vocabulary, and a linear model scores a
message in well under a millisecond in pure Python (no numpy at run time). It is trained at
build time (`python -m plugins.antispam.build_model`) and ships as a small compressed artifact;
admins' #spam / #ham then move its weights online, one sample at a time, in the same order in
every process, so processes sharing a database converge to the same model.
"""

from __future__ import annotations

import json
import math
import re
import struct
import zlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import cast

from plugins.antispam import contact
from plugins.antispam.normalize import Normalised, normalise

BITS = 20
SIZE = 1 << BITS
MASK = SIZE - 1
MAX_CHARS = 400  # ads put the hook up front; bounds the cost of a long message
MAX_N = 4
MAGIC = b"QGCM1\n"
ARTIFACT = "charmodel.bin"
# what grams() produces; an artifact built for other features is refused (rebuild it)
FEATURES = "char1-4+words+structure"
_DIGIT = re.compile(r"[0-9]")
_LATIN_RUN = re.compile(r"[a-z]{3,}")
_DIGIT_RUN = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class Gram:
    text: str
    index: int
    sign: float


def grams(n: Normalised) -> list[Gram]:
    """The message's distinct features, each with its hashed weight's index and sign."""
    seen = features(n)
    return [Gram(g, c if c >= 0 else ~c, 1.0 if c >= 0 else -1.0) for g, c in zip(seen, codes(seen), strict=True)]


def features(n: Normalised) -> list[str]:
    """The message's distinct features, as text. Digits become 0 (a phone number's shape
    matters, not its digits); ^ and $ mark the ends, so a short message's opening and closing
    differ from the same characters mid-sentence. A few shape features ride along: a link, the
    tricks the normaliser undid, how long and how emoji-laden the message is."""
    s = "^" + _DIGIT.sub("0", n.dense[:MAX_CHARS]) + "$"
    seen: set[str] = set()
    for k in range(1, MAX_N + 1):
        for i in range(len(s) - k + 1):
            seen.add(s[i:i + k])
    seen.discard("^")
    seen.discard("$")
    for run in _LATIN_RUN.findall(n.dense[:MAX_CHARS]):
        seen.add("#w" + run[:12])  # a whole latin word or id, beyond 4 characters
    # jieba's words and word pairs: a hook spelled in several ways still shares its words
    # (兼职, 日结), and a pair reaches past 4 characters (加我|微信). On out-of-fold corpus scores
    # they raised recall at FPR 0.1% from 0.43 to 0.47 and at 0.3% from 0.63 to 0.64
    words = words_of(s[1:-1])
    for i, w in enumerate(words):
        if len(w) > 1:
            seen.add("w:" + w)
        if i + 1 < len(words):
            seen.add("b:" + w + "|" + words[i + 1])
    if n.urls:
        seen.add("#url")
    # what the checks see, as features: the kind of contact data (a phone number, an id, another
    # platform's search term), whether it was hidden, a link off the ordinary list, how long each
    # digit run is (11 digits is a phone number, 6 a code), and whether the message is framed as a
    # warning or a quote. On out-of-fold corpus scores they raised the model's recall at FPR 0.3%
    # from 0.63 to 0.70 and at 1% from 0.83 to 0.84
    for c in contact.find_contacts(n):
        seen.add("#c:" + c.kind)
        if c.hidden:
            seen.add("#chid")
    if contact.promoted_links(n):
        seen.add("#plink")
    for run in _DIGIT_RUN.findall(n.dense[:MAX_CHARS]):
        seen.add(f"#d{min(len(run), 12)}")
    if _framed(n):
        seen.add("#framed")
    for trick in n.obfuscated:
        seen.add("#obf:" + trick)
    seen.add(f"#len{min(len(n.dense).bit_length(), 10)}")
    if n.emoji:
        seen.add(f"#emoji{min(n.emoji.bit_length(), 4)}")
    return list(seen)


def codes(feats: Sequence[str]) -> list[int]:
    """Each feature's weight as one int: its index, or ~index where its sign is negative (the
    hash's top bit is the sign, its low BITS bits the index)."""
    known = _CODES
    if len(known) > _CODES_KEPT:
        known.clear()
    found = list(map(known.get, feats))
    if None not in found:
        return cast(list[int], found)
    for g in [g for g, c in zip(feats, found, strict=True) if c is None]:
        h = zlib.crc32(g.encode("utf-8"))
        known[g] = (h & MASK) if h >> 31 else ~(h & MASK)
    return list(map(known.__getitem__, feats))


# Chat repeats the same few thousand 1-4-character runs: each one's hash is taken once and kept,
# as one int, instead of an encode and a crc32 per feature per message (~110 features a
# message), and no object is made per feature to score a message (issue 13). Bounded: cleared
# when full.
_CODES: dict[str, int] = {}
_CODES_KEPT = 50_000


_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z]+")


def _shown(gram: str, skeleton: str, cuts: frozenset[int], breaks: frozenset[int] = frozenset()) -> str:
    """A feature as an operator reads it: whole words (加我微信 for the pair 加我|微信, 有意私), a
    run of characters that starts and ends where jieba cuts the message, or a whole latin word
    (whatsapp). A run that crosses from latin into Chinese or stops inside a word (u报我名, ong,
    小红 of 小红书: an owner read them as junk), a digit's shape (000元: digits are 0 to the model)
    and shape features and single characters say nothing."""
    if gram.startswith("#w"):
        word = gram[2:]
        return word if len(word) < 12 and _whole_latin(word, skeleton) else ""
    text = _readable(gram)
    if not text or gram.startswith("w:"):
        return text
    if len(text) <= 3 and (text[0] in _GLUE or text[-1] in _GLUE):
        # a short pair or run that begins or ends on a particle joins two words' edges: 的有 of
        # 奢侈品的 有需要, 好我是 of 大家好 我是 (an owner read them in a #case as junk)
        return ""
    # a run of characters, or a pair of jieba's words, says something only where it starts and ends
    # at jieba's cuts, and not across the message's punctuation (块老板 of 35 块，老板微信 hid the word
    # 老板; 老板微, the pair 老板|微 of a 微信 jieba cuts in two, hid it again in spam31's rebuild)
    return text if any(i in cuts and i + len(text) in cuts and not _crosses(i, len(text), breaks)
                       for i in _starts(skeleton, text)) else ""


def _crosses(at: int, size: int, breaks: frozenset[int]) -> bool:
    return bool(breaks) and any(at < b < at + size for b in breaks)


_PUNCT = frozenset(",.!?;:，。！？；：、…~～()（）[]【】\"'“”‘’《》<>/|")


def breaks_of(body: str, dense: str) -> frozenset[int]:
    """Where, between two characters of `dense`, the message had punctuation (`body` is the
    normalised text, `dense` the same without spaces and marks: a subsequence of it). Empty
    when they do not line up."""
    out, j = set(), 0
    for c in body:
        if j < len(dense) and c == dense[j]:
            j += 1
        elif c in _PUNCT and 0 < j < len(dense):
            out.add(j)
    return frozenset(out) if j >= len(dense) else frozenset()


# particles and function characters that end or begin a word rather than carry one
_GLUE = frozenset("的地得了着过是有在和与及或也都就还又很太好吗呢吧啊呀哦哈嘛么这那个些之")


@lru_cache(maxsize=1 << 14)  # chat repeats a few thousand runs; a few MB at most
def _readable(gram: str) -> str:
    """What a feature could show, whatever the message: its words, or its run of characters when
    that is all Chinese or all latin and longer than one character (else ""). Depends on the
    feature alone, so it is worked out once per feature, not per message (issue 13)."""
    if gram.startswith("#"):
        return ""
    text = gram[2:].replace("|", "") if gram.startswith(("w:", "b:")) else gram.strip("^$")
    if len(text) < 2 or not (_CJK_RUN.fullmatch(text) or _LATIN_WORD.fullmatch(text)):
        return ""
    return text


_AZ = frozenset("abcdefghijklmnopqrstuvwxyz")


def _whole_latin(word: str, skeleton: str) -> bool:
    """Whether the latin word stands whole in the skeleton (no latin letter either side), as
    re.search(rf"(?<![a-z]){word}(?![a-z])", skeleton) says, without compiling a pattern per
    feature per message (that compile was most of the char model's CPU; issue 13)."""
    if not _LATIN_WORD.fullmatch(word):  # never from grams (#w is a latin run); kept exact anyway
        return re.search(rf"(?<![a-z]){word}(?![a-z])", skeleton) is not None
    size, at = len(word), skeleton.find(word)
    while at >= 0:
        end = at + size
        if (at == 0 or skeleton[at - 1] not in _AZ) and (end == len(skeleton) or skeleton[end] not in _AZ):
            return True
        at = skeleton.find(word, at + 1)
    return False


def _starts(text: str, part: str) -> list[int]:
    """Where part occurs in text, without overlaps (as re.finditer finds a literal), by str.find."""
    if not part:
        return list(range(len(text) + 1))
    out, at, size = [], text.find(part), len(part)
    while at >= 0:
        out.append(at)
        at = text.find(part, at + size)
    return out


def _cuts(skeleton: str) -> frozenset[int]:
    """Where jieba's words of the message start and end (latin and digit runs are words of their own),
    less the cuts inside a word its dictionary lacks (_UNCUT)."""
    cuts, at = {0}, 0
    for w in words_of(skeleton):
        at += len(w)
        cuts.add(at)
    for word in _UNCUT:
        start = skeleton.find(word)
        while start >= 0:
            cuts.difference_update(range(start + 1, start + len(word)))
            start = skeleton.find(word, start + 1)
    return frozenset(cuts)


# words jieba's dictionary cuts in two (微|信): a run ending between them is no word. The spam31
# rebuild showed an owner 老板微 for 老板微信 chongxi_gulou where the model before named 老板
_UNCUT = ("微信",)


@lru_cache(maxsize=4096)
def words_of(skeleton: str) -> tuple[str, ...]:
    """jieba's cut (no HMM) of a text, cached: the Bayes features cut the same text."""
    from plugins.antispam.classifier import _tokenizer  # (classifier imports this module)

    return tuple(_tokenizer().lcut(skeleton, HMM=False))


def _framed(n: Normalised) -> bool:
    from plugins.antispam.checks import framed  # (checks imports the classifier, which imports this module)

    return framed(n)


def indices(n: Normalised) -> tuple[array, array]:
    """(indices, signs) as compact arrays, for training."""
    cs = codes(features(n))
    return array("i", (c if c >= 0 else ~c for c in cs)), array("b", (1 if c >= 0 else -1 for c in cs))


def _sigmoid(z: float) -> float:
    z = max(-40.0, min(40.0, z))
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True, slots=True)
class CharScore:
    prob: float
    pushes: list[tuple[str, float]]  # the features that pushed hardest toward spam


class CharModel:
    """Weights, bias, and the decision thresholds calibrated at build time on chat-like ham."""

    def __init__(self, weights: array | None = None, bias: float = 0.0, meta: dict | None = None,
                 scale: float = 1.0) -> None:
        # float32 weights, or the artifact's int16 ones with their scale: a loaded model scores
        # straight from those (loading costs a decompress, no conversion) and turns them into
        # floats the first time it learns (see copy)
        self.w = weights if weights is not None else array("f", bytes(4 * SIZE))
        self.scale = scale
        self.b = bias
        self.meta: dict = dict(meta or {})
        self.updates = 0  # online steps since load, for the record

    # ------------------------------------------------------------------ scoring
    @property
    def threshold(self) -> float:
        return float(self.meta.get("threshold", 0.9))

    @property
    def obvious(self) -> float:
        return float(self.meta.get("obvious", 0.99))

    @property
    def member(self) -> float:
        """The score that is enough on its own against an established member (an artifact built
        before this level existed: only an obvious score is)."""
        return float(self.meta.get("member", self.obvious))

    @property
    def agree(self) -> float:
        """The score that agrees with another check against an established member (an artifact
        without this level: the threshold)."""
        return float(self.meta.get("agree", self.threshold))

    @property
    def trained(self) -> bool:
        return bool(self.meta.get("rows"))

    def logit(self, gs: Sequence[Gram]) -> float:
        if not gs:
            return self.b
        w = self.w
        return self.b + sum(g.sign * w[g.index] for g in gs) * self.scale / math.sqrt(len(gs))

    def score(self, text: str, *, explain: bool = True) -> CharScore:
        """P(spam) and the features that pushed hardest toward it. explain=False: the same
        probability to the bit, no pushes (finding them is most of the scoring's own cost, and
        the plugin reads them only for a message that fired; issue 13)."""
        n = normalise(text)
        if not n.dense:
            return CharScore(0.0, [])
        feats = features(n)
        if not feats:
            return CharScore(_sigmoid(self.b), [])
        w, scale = self.w, self.scale / math.sqrt(len(feats))
        # each feature's push, to the bit as sign * weight * scale: negating the weight is exact
        pushes = [(w[c] if c >= 0 else -w[~c]) * scale for c in codes(feats)]
        z = self.b + sum(pushes)
        if not explain:
            return CharScore(_sigmoid(z), [])
        # the explanation names real character runs (longest first among equals), not shape tokens.
        # Only a push toward spam can be evidence: those alone are sorted, strongest first and in
        # feature order among equals (as a stable sort of all of them put them; issue 13)
        shown: dict[str, float] = {}
        skeleton = _DIGIT.sub("0", n.dense[:MAX_CHARS])
        cuts = _cuts(skeleton)
        breaks = breaks_of(n.body, n.dense[:MAX_CHARS])
        for minus, i in sorted([(-v, i) for i, v in enumerate(pushes) if v > 0]):
            if len(shown) == 8:
                break
            word = _shown(feats[i], skeleton, cuts, breaks)
            if word and word not in shown:
                shown[word] = -minus
        # a part of a longer run shown is said by it (小红书, not 小红、红书、小红书)
        whole = [(w, v) for w, v in shown.items() if not any(w != o and w in o for o in shown)]
        return CharScore(_sigmoid(z), whole[:4])

    # ------------------------------------------------------------------ online learning
    def learn(self, text: str, label: int, *, rate: float = 0.5, steps: int = 8, margin: float = 0.15) -> int:
        """An admin's label: gradient steps on this one sample until the model agrees with a
        margin (spam above its threshold + margin, ham below threshold - margin), at most
        `steps`. Deterministic, so every process replaying the same samples gets the same
        weights. Returns the steps taken."""
        n = normalise(text)
        if not n.dense:
            return 0
        if self.w.typecode != "f":
            self.w, self.scale = array("f", (x * self.scale for x in self.w)), 1.0
        gs = grams(n)
        scale = 1.0 / math.sqrt(len(gs))
        target = min(0.999, self.threshold + margin) if label else max(0.001, self.threshold - margin)
        taken = 0
        for _ in range(steps):
            p = _sigmoid(self.logit(gs))
            if (label and p >= target) or (not label and p <= target):
                break
            g = (p - label) * rate
            w = self.w
            for gram in gs:
                w[gram.index] -= g * gram.sign * scale * 4.0
            self.b -= g * 0.01
            taken += 1
        self.updates += taken
        return taken

    def copy(self) -> CharModel:
        return CharModel(array(self.w.typecode, self.w), self.b, self.meta, self.scale)

    # ------------------------------------------------------------------ artifact
    def dump(self, path: str | Path) -> int:
        """Weights quantised to int16 (plenty for a linear model's ranking), zlib-compressed,
        after a JSON header with the thresholds and how the model was built. Returns bytes."""
        if self.w.typecode == "h":
            q, scale = self.w, self.scale
        else:
            peak = max((abs(x) for x in self.w), default=0.0) or 1.0
            scale = peak / 32767
            q = array("h", (round(x / scale) for x in self.w))
        header = dict(self.meta, bits=BITS, max_n=MAX_N, features=FEATURES, bias=self.b, scale=scale)
        head = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
        body = zlib.compress(q.tobytes(), 9)
        data = MAGIC + struct.pack("<I", len(head)) + head + body
        Path(path).write_bytes(data)
        return len(data)

    @classmethod
    def loads(cls, data: bytes) -> CharModel:
        if not data.startswith(MAGIC):
            raise ValueError("not a qunguan char model artifact")
        (hl,) = struct.unpack_from("<I", data, len(MAGIC))
        start = len(MAGIC) + 4
        header = json.loads(data[start:start + hl].decode("utf-8"))
        if header.get("bits") != BITS or header.get("max_n") != MAX_N or header.get("features") != FEATURES:
            raise ValueError(f"char model built for {header.get('bits')} bits / {header.get('max_n')}-grams / "
                             f"features {header.get('features', 'char1-4')}: rebuild it (python -m "
                             "plugins.antispam.build_model)")
        q = array("h")
        q.frombytes(zlib.decompress(data[start + hl:]))
        if len(q) != SIZE:
            raise ValueError("char model artifact is truncated")
        scale = float(header.pop("scale"))
        bias = float(header.pop("bias"))
        return cls(q, bias, header, scale)

    @classmethod
    def load(cls, path: str | Path) -> CharModel:
        return cls.loads(Path(path).read_bytes())


def features_probe(texts: Iterable[str]) -> str:
    """A digest of the features these texts get. The artifact records it at build time beside
    the fingerprint of the feature code (feature_code.py): the code's fingerprint says our code
    changed, this says what the code leans on changed what the model sees (OpenCC's tables,
    jieba's dictionary); either way the model must be rebuilt (tests/test_antispam_model.py)."""
    import hashlib

    h = hashlib.sha1()
    for text in texts:
        h.update("|".join(sorted(g.text for g in grams(normalise(text)))).encode("utf-8") + b"\n")
    return h.hexdigest()


_shipped: CharModel | None = None


def shipped() -> CharModel | None:
    """The artifact in the package (None when it is missing: the check then stays silent and
    says so). Loaded once per process; callers take a copy() before learning."""
    global _shipped
    if _shipped is None:
        res = resources.files("plugins.antispam") / "data" / ARTIFACT
        if not res.is_file():
            return None
        _shipped = CharModel.loads(res.read_bytes())
    return _shipped


# ---------------------------------------------------------------------- training (build time)
def train(rows: Iterable[tuple[str, int, float]], *, epochs: int = 6, rate: float = 0.25, l2: float = 1e-6,
          seed: int = 11, log=None, cache: dict[str, tuple[array, array]] | None = None,
          average: int = 0) -> CharModel:
    """Logistic regression by SGD with a decaying rate, classes weighted to balance (rows carry
    their own weight too: in-domain rows count more), in a fixed order (a seeded shuffle) so a
    build is reproducible. Pure Python: a build of ~50,000 rows
    takes a few minutes, once, at build time. `cache` keeps each text's features between the
    several trainings of one build (segmenting every row again is most of a training's cost).

    average: the model is the mean of the weights at the ends of the last `average` epochs (0:
    the last epoch's). The rate is still a fifth of its start at the end, so the last weights
    lean on the last few thousand rows of one shuffle: the same rows in another order (a second
    seed) moved the levels set on them by up to 0.008, as much as a round's data changes them;
    averaged over five epochs' ends, 0.003 (MEASUREMENTS lead56)."""
    import random

    data: list[tuple[array, array, int, float]] = []
    for text, label, weight in rows:
        feats = cache.get(text) if cache is not None else None
        if feats is None:
            n = normalise(text)
            feats = indices(n) if n.dense else (array("i"), array("b"))
            if cache is not None:
                cache[text] = feats
        if len(feats[0]):
            data.append((feats[0], feats[1], label, weight))
    normalise.cache_clear()
    words_of.cache_clear()
    total = sum(d[3] for d in data) or 1.0
    pos = sum(d[3] for d in data if d[2]) or 1.0
    neg = (total - pos) or 1.0
    cw = {1: total / (2 * pos), 0: total / (2 * neg)}
    w = [0.0] * SIZE
    b = 0.0
    kept, kept_b, snapshots = ([0.0] * SIZE if average else []), 0.0, 0
    rng = random.Random(seed)
    order = list(range(len(data)))
    t = 0
    for epoch in range(epochs):
        rng.shuffle(order)
        loss = 0.0
        for k in order:
            idx, sg, y, weight = data[k]
            scale = 1.0 / math.sqrt(len(idx))
            z = b + sum(s * w[i] for i, s in zip(idx, sg, strict=True)) * scale
            p = _sigmoid(z)
            loss += -math.log(max(p if y else 1.0 - p, 1e-12)) * cw[y] * weight
            lr = rate / (1.0 + t / 200_000)
            g = (p - y) * cw[y] * weight * lr
            gs = g * scale
            decay = 1.0 - lr * l2
            for i, s in zip(idx, sg, strict=True):
                w[i] = w[i] * decay - gs * s
            b -= g * 0.1
            t += 1
        if average and epoch >= epochs - average:
            for i, v in enumerate(w):
                if v:
                    kept[i] += v
            kept_b += b
            snapshots += 1
        if log:
            log(f"epoch {epoch + 1}/{epochs}: mean loss {loss / max(len(data), 1):.4f}")
    meta = {"rows": len(data), "spam": sum(1 for d in data if d[2]), "ham": sum(1 for d in data if not d[2]),
            "epochs": epochs}
    if snapshots:
        w, b = [v / snapshots for v in kept], kept_b / snapshots
        meta["averaged"] = snapshots
    return CharModel(array("f", w), b, meta)


def threshold_max_f1(spam_scores: Sequence[float], ham_scores: Sequence[float], floor: float = 0.5) -> float:
    """The threshold (flag at or above it) that best separates these held-back rows: the
    highest F1, never below floor. For a labelled file whose own labels define spam and normal."""
    if not spam_scores:
        return 0.9
    scored = sorted([(s, 1) for s in spam_scores] + [(s, 0) for s in ham_scores], reverse=True)
    best, best_t, tp, fp = -1.0, 0.9, 0, 0
    for i, (s, label) in enumerate(scored):
        tp += label
        fp += 1 - label
        if i + 1 < len(scored) and scored[i + 1][0] == s:
            continue  # ties go over the threshold together
        f1 = 2 * tp / (tp + fp + len(spam_scores))
        if f1 > best:
            best, best_t = f1, s
    return min(0.999, max(floor, best_t))


def ham_score_at_fpr(ham_scores: Sequence[float], fpr: float) -> float | None:
    """The highest ham score that must stay below the threshold for a false-positive rate of
    at most fpr on these scores (None: every ham row may be flagged)."""
    ordered = sorted(ham_scores, reverse=True)
    allowed = int(fpr * len(ordered))  # this many ham rows may score at or above the threshold
    return ordered[allowed] if allowed < len(ordered) else None


def threshold_at_fpr(ham_scores: Sequence[float], fpr: float) -> float:
    """The lowest threshold whose false-positive rate on these ham scores is at most fpr."""
    return level_allowing(ham_scores, int(fpr * len(ham_scores)))


def level_allowing(ham_scores: Sequence[float], allowed: int) -> float:
    """The lowest threshold with at most `allowed` of these ham scores at or above it (0.5 when
    all may be; 0.9 with no scores to go by)."""
    if not ham_scores:
        return 0.9
    ordered = sorted(ham_scores, reverse=True)
    return 0.5 if allowed >= len(ordered) else min(0.999, ordered[allowed] + 1e-6)
