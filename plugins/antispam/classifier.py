"""The statistical checks' model: Naive Bayes over jieba words plus character bigrams, and a
shingle index for similarity to known spam. Both learn one sample at a time (counts and
postings are added to), so a #spam from an admin takes effect on the next message without a
retrain. Whitespace tokenising is blind to Chinese; jieba words carry meaning, and character
bigrams catch what the dictionary splits oddly (new slang, variant characters).
"""

from __future__ import annotations

import heapq
import math
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from plugins.antispam.charmodel import CharModel, shipped, words_of
from plugins.antispam.normalize import normalise

_jieba = None
_jieba_lock = threading.Lock()
_DIGITS = re.compile(r"[0-9]+")
_LATIN = re.compile(r"[a-z]+")
_MAX_FEATURE_CHARS = 600
TEMPERATURE = 4.0  # the head of a message carries its hook; keeps scoring bounded


def _tokenizer():
    """jieba with its dictionary in a compact trie (segment.py: the same cuts as
    ``jieba.lcut(text, HMM=False)`` in a tenth of the memory), loaded once, lazily, off import paths."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                from plugins.antispam.segment import segmenter

                _jieba = segmenter()
    return _jieba


def features(text: str) -> list[str]:
    """Distinct features of a message: words, bigrams, and the shape of digit and latin runs
    (an 11-digit run looks like a phone number whatever the digits)."""
    return _features(*_skeleton(text))


def _skeleton(text: str) -> tuple[str, str]:
    """The message's head as the features and the shingles read it: (dense, digits as 0)."""
    dense = normalise(text).dense[:_MAX_FEATURE_CHARS]
    return dense, _DIGITS.sub("0", dense)


def _features(dense: str, skeleton: str) -> list[str]:
    out: set[str] = set()
    add = out.add  # (bound once: two adds per character below)
    for run in _DIGITS.findall(dense):
        add(f"#d{min(len(run), 12)}")
    for run in _LATIN.findall(dense):
        add(f"#a{min(len(run), 8)}" if len(run) > 2 else run)
    # the char model cuts the same skeleton when the message has no digits (most chat): one
    # cached segmentation serves both (issue 13)
    for word in words_of(skeleton):
        if word != "0" and not word.isascii():
            add(word)
    # (added in this order, one after the other: the set's order, and so the order the Bayes sums
    # its weights in, is the same as it always was, to the last bit)
    for i in range(len(skeleton) - 1):
        add("_" + skeleton[i:i + 2])
        add("~" + skeleton[i:i + 3])  # trigrams: phrases that span jieba's word cuts
    return list(out)


def shingles(text: str) -> set[str]:
    return _shingles(_skeleton(text)[1])


def _shingles(skeleton: str) -> set[str]:
    if len(skeleton) < 3:
        return {skeleton} if skeleton else set()
    return {skeleton[i:i + 3] for i in range(len(skeleton) - 2)}


@dataclass
class NaiveBayes:
    alpha: float = 0.5
    counts: dict[int, Counter[str]] = field(default_factory=lambda: {0: Counter(), 1: Counter()})
    totals: list[int] = field(default_factory=lambda: [0, 0])
    docs: list[int] = field(default_factory=lambda: [0, 0])
    vocab: int = 0

    def learn(self, feats: list[str], label: int, weight: int = 1) -> None:
        counter, other = self.counts[label], self.counts[1 - label]
        for f in feats:
            if f not in counter and f not in other:
                self.vocab += 1
            counter[f] += weight
        self.totals[label] += weight * len(feats)
        self.docs[label] += weight

    def score(self, feats: list[str], *, explain: bool = True) -> tuple[float, int, list[tuple[str, float]]]:
        """P(spam) with equal priors (real groups' spam rate differs from any training set's),
        the number of known features, and the features that pushed hardest toward spam (none
        with explain=False: the same probability and count, for a caller that reads no evidence)."""
        spam, ham = self.counts[1], self.counts[0]
        if not self.docs[0] or not self.docs[1]:
            return 0.0, 0, []
        vocab = self.vocab
        ds = math.log(self.totals[1] + self.alpha * vocab)
        dh = math.log(self.totals[0] + self.alpha * vocab)
        logit, pushes = 0.0, []
        alpha, log, in_spam, in_ham = self.alpha, math.log, spam.get, ham.get  # (locals: a loop per feature)
        for f in feats:
            s, h = in_spam(f, 0), in_ham(f, 0)
            if not s and not h:
                continue
            w = (log(s + alpha) - ds) - (log(h + alpha) - dh)
            logit += w
            pushes.append((f, w))
        # Overlapping features (a word, its bigrams and trigrams) count the same evidence several
        # times; dividing by a temperature keeps the probability readable for operators.
        logit = max(-60.0, min(60.0, logit / TEMPERATURE))
        # the five strongest, as a stable sort of all of them would give (nsmallest is documented so)
        strongest = heapq.nsmallest(5, pushes, key=_minus_push) if explain else []
        return 1.0 / (1.0 + math.exp(-logit)), len(pushes), strongest


def _minus_push(push: tuple[str, float]) -> float:
    return -push[1]


@dataclass
class ShingleIndex:
    """Near-duplicate search among samples: postings from 3-character shingles to samples."""

    max_postings: int = 3000  # a shingle in more samples than this says nothing about any one
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    sizes: list[int] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def add(self, sh: set[str], room: str, sample_id: int) -> None:
        idx = len(self.sizes)
        self.sizes.append(len(sh))
        self.rooms.append(room)
        self.ids.append(sample_id)
        for s in sh:
            self.postings[s].append(idx)

    def best(self, sh: set[str], room: str | None) -> tuple[float, int | None]:
        if not sh or not self.sizes:
            return 0.0, None
        hits: Counter[int] = Counter()
        for s in sh:
            post = self.postings.get(s)
            if post and len(post) <= self.max_postings:
                hits.update(post)
        best, best_id = 0.0, None
        for idx, inter in hits.most_common(50):
            if self.rooms[idx] not in ("*", room):
                continue
            dice = 2 * inter / (len(sh) + self.sizes[idx])  # Dice: kinder than Jaccard to one inserted word
            if dice > best:
                best, best_id = dice, self.ids[idx]
        return best, best_id


@dataclass(frozen=True, slots=True)
class ModelScore:
    bayes: float
    known: int
    pushes: list[tuple[str, float]]
    similar: float
    similar_id: int | None
    ham_similar: float
    docs: tuple[int, int] = (0, 0)  # ham and spam samples the classifier has learned
    char: float | None = None  # the char model's P(spam); None: no char model loaded
    char_pushes: list[tuple[str, float]] = field(default_factory=list)
    char_threshold: float = 0.9  # its calibrated thresholds, from the artifact
    char_obvious: float = 0.99
    char_member: float = 0.99  # enough alone against an established member (between the two)
    char_agree: float = 0.9  # below the threshold: agrees with another check against an established member


class SpamModel:
    """Everything learned, in memory. Grows by samples; `last_id` says which database samples
    it already holds, so several processes can share one database and catch up cheaply."""

    def __init__(self, char: CharModel | None = None, *, use_shipped: bool = True) -> None:
        self.bayes = NaiveBayes()
        self.spam_index = ShingleIndex()
        self.ham_index = ShingleIndex()
        self.last_id = 0
        self.samples = 0
        # the shipped char model is shared read-only until this model learns (copy on write)
        self.char: CharModel | None = char if char is not None else (shipped() if use_shipped else None)
        self._char_own = char is not None

    def learn_char(self, text: str, label: int) -> None:
        """Move the char model toward an admin's label (seed samples are in the artifact already)."""
        if self.char is None:
            return
        if not self._char_own:
            self.char, self._char_own = self.char.copy(), True
        self.char.learn(text, label)

    def learn(self, text: str, label: int, room: str = "*", sample_id: int = 0, *, index: bool = True,
              char: bool = False) -> None:
        if room == "*":
            self.bayes.learn(features(text), label)
            if char:
                self.learn_char(text, label)
        if index:
            sh = shingles(text)
            if len(sh) >= 3:
                (self.spam_index if label else self.ham_index).add(sh, room, sample_id)
        self.samples += 1
        self.last_id = max(self.last_id, sample_id)

    def score(self, text: str, room: str | None, *, similar: bool = True, explain: bool = True,
              bayes: bool = True, char: bool = True) -> ModelScore:
        """Every model's reading of the text. explain=False: the same probabilities, similarity
        and counts to the bit, without the features that pushed hardest (the evidence words),
        for a caller that reads them only when a check fired (engine.decide). A reading not
        asked for is left out: no similarity (0, no sample), no Bayes (0.0, nothing known; its
        sample counts are still given), no char model (None)."""
        dense, skeleton = _skeleton(text)  # (once for the features and the shingles)
        prob, known, pushes = self.bayes.score(_features(dense, skeleton), explain=explain) if bayes else (0.0, 0, [])
        sim, sim_id, ham_sim = 0.0, None, 0.0
        if similar:
            sh = _shingles(skeleton)
            sim, sim_id = self.spam_index.best(sh, room)
            if sim:
                ham_sim, _ = self.ham_index.best(sh, room)
        docs = (self.bayes.docs[0], self.bayes.docs[1])
        if self.char is None or not char:
            return ModelScore(prob, known, pushes, sim, sim_id, ham_sim, docs)
        cs = self.char.score(text, explain=explain)
        return ModelScore(prob, known, pushes, sim, sim_id, ham_sim, docs, cs.prob, cs.pushes,
                          self.char.threshold, self.char.obvious, self.char.member, self.char.agree)


def fit(model: SpamModel, rows: list[tuple[str, int, str, int]], *, passes: int = 2, margin: float = 5.0,
        index: bool = True) -> None:
    """Bulk training: learn every row once, then retrain on the rows the model still gets wrong
    or nearly wrong (train-on-or-near-error). Correlated features (words and the bigrams inside
    them) make plain Naive Bayes overconfident; the extra passes move its boundary where the
    data says. Online learning afterwards is still one count update per sample.
    Rows are (text, label, room or "*", sample id)."""
    cached = []
    for text, label, room, sample_id in rows:
        if room != "*":
            model.learn(text, label, room, sample_id, index=index)
            continue
        feats = features(text)
        cached.append((feats, label))
        model.bayes.learn(feats, label)
        if index:
            sh = shingles(text)
            if len(sh) >= 3:
                (model.spam_index if label else model.ham_index).add(sh, room, sample_id)
        model.samples += 1
        model.last_id = max(model.last_id, sample_id)
    for _ in range(passes):
        for feats, label in cached:
            prob = model.bayes.score(feats)[0]
            logit = TEMPERATURE * math.log(max(prob, 1e-300) / max(1.0 - prob, 1e-300))
            if (label == 1 and logit < margin) or (label == 0 and logit > -margin):
                model.bayes.learn(feats, label)
