"""Speed work on anti-spam scoring (issue 13) must not move a single score: every row of the
shipped corpus and the probe sets is scored by today's code and by the code path it replaced,
kept here verbatim as the reference, and the two must be equal to the bit (probabilities,
evidence words and their weights, in order)."""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import pytest

from plugins.antispam import charmodel
from plugins.antispam.charmodel import MAX_CHARS, CharModel, CharScore, _cuts, _sigmoid, grams, shipped, words_of
from plugins.antispam.classifier import TEMPERATURE, ModelScore, NaiveBayes, SpamModel, fit
from plugins.antispam.dataset import corpus_dir, read_many, seed_rows
from plugins.antispam.normalize import normalise

PROBES = Path(charmodel.__file__).resolve().parent / "data" / "probes"
_DIGIT = re.compile(r"[0-9]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z]+")
# the reference compiles a pattern per feature it looks at, ~37,000 distinct ones over the rows
# scored: re's own cache (512) overflowed and compiled each again at almost every use (~2.7 of
# the reference's ~4.8 CPU-s). Kept here instead, for the module: re.search(p, s) is
# re.compile(p).search(s), so the reference computes exactly what it did
_pattern = functools.lru_cache(maxsize=None)(re.compile)


# ---------------------------------------------------------------- the reference: the code before issue 13's work
def _old_shown(gram: str, skeleton: str, cuts: frozenset[int], breaks: frozenset[int] = frozenset()) -> str:
    if gram.startswith("#w"):
        word = gram[2:]
        return word if len(word) < 12 and _pattern(rf"(?<![a-z]){word}(?![a-z])").search(skeleton) else ""
    if gram.startswith("#"):
        return ""
    text = gram[2:].replace("|", "") if gram.startswith(("w:", "b:")) else gram.strip("^$")
    if not gram.startswith("w:"):
        # not across punctuation: a behaviour change made on both sides since (块老板 of 35 块，老板);
        # nor a pair of words ending inside a word jieba cuts in two (老板|微 of 微信; spam31, both sides)
        if not any(i in cuts and i + len(text) in cuts and not any(i < b < i + len(text) for b in breaks)
                   for i in _old_starts(skeleton, text)):
            return ""
    if not (_CJK_RUN.fullmatch(text) or _LATIN_WORD.fullmatch(text)):
        return ""
    if not gram.startswith("w:") and len(text) <= 3 and (text[0] in charmodel._GLUE or text[-1] in charmodel._GLUE):
        return ""  # a behaviour change made on both sides since (的有, 好我是 are not evidence)
    return text if len(text) > 1 else ""


def _old_starts(text: str, part: str) -> list[int]:
    return [m.start() for m in _pattern(re.escape(part)).finditer(text)]


def _old_char_score(model: CharModel, text: str) -> CharScore:
    n = normalise(text)
    if not n.dense:
        return CharScore(0.0, [])
    gs = grams(n)
    if not gs:
        return CharScore(_sigmoid(model.b), [])
    w, scale = model.w, model.scale / math.sqrt(len(gs))
    contrib = [(g.text, g.sign * w[g.index] * scale) for g in gs]
    z = model.b + sum(c for _, c in contrib)
    shown: dict[str, float] = {}
    skeleton = _DIGIT.sub("0", n.dense[:MAX_CHARS])
    cuts = _cuts(skeleton)
    breaks = charmodel.breaks_of(n.body, n.dense[:MAX_CHARS])
    for t, v in sorted(contrib, key=lambda c: -c[1]):
        if v <= 0 or len(shown) == 8:
            break
        word = _old_shown(t, skeleton, cuts, breaks)
        if word and word not in shown:
            shown[word] = v
    whole = [(w, v) for w, v in shown.items() if not any(w != o and w in o for o in shown)]
    return CharScore(_sigmoid(z), whole[:4])


_DIGITS = re.compile(r"[0-9]+")
_LATIN = re.compile(r"[a-z]+")


def _old_features(text: str) -> list[str]:
    dense = normalise(text).dense[:600]
    out: set[str] = set()
    for run in _DIGITS.findall(dense):
        out.add(f"#d{min(len(run), 12)}")
    for run in _LATIN.findall(dense):
        out.add(f"#a{min(len(run), 8)}" if len(run) > 2 else run)
    skeleton = _DIGITS.sub("0", dense)
    for word in words_of(skeleton):
        if word != "0" and not word.isascii():
            out.add(word)
    for i in range(len(skeleton) - 1):
        out.add("_" + skeleton[i:i + 2])
        out.add("~" + skeleton[i:i + 3])
    return list(out)


def _old_shingles(text: str) -> set[str]:
    dense = normalise(text).dense[:600]
    skeleton = _DIGITS.sub("0", dense)
    if len(skeleton) < 3:
        return {skeleton} if skeleton else set()
    return {skeleton[i:i + 3] for i in range(len(skeleton) - 2)}


def _old_bayes_score(nb: NaiveBayes, feats: list[str]) -> tuple[float, int, list[tuple[str, float]]]:
    spam, ham = nb.counts[1], nb.counts[0]
    if not nb.docs[0] or not nb.docs[1]:
        return 0.0, 0, []
    vocab = nb.vocab
    ds = math.log(nb.totals[1] + nb.alpha * vocab)
    dh = math.log(nb.totals[0] + nb.alpha * vocab)
    logit, known, pushes = 0.0, 0, []
    for f in feats:
        s, h = spam.get(f, 0), ham.get(f, 0)
        if not s and not h:
            continue
        known += 1
        w = (math.log(s + nb.alpha) - ds) - (math.log(h + nb.alpha) - dh)
        logit += w
        pushes.append((f, w))
    logit = max(-60.0, min(60.0, logit / TEMPERATURE))
    pushes.sort(key=lambda p: -p[1])
    return 1.0 / (1.0 + math.exp(-logit)), known, pushes[:5]


def _old_model_score(model: SpamModel, text: str, room: str | None) -> ModelScore:
    prob, known, pushes = _old_bayes_score(model.bayes, _old_features(text))
    sim, sim_id, ham_sim = 0.0, None, 0.0
    sh = _old_shingles(text)
    sim, sim_id = model.spam_index.best(sh, room)
    if sim:
        ham_sim, _ = model.ham_index.best(sh, room)
    docs = (model.bayes.docs[0], model.bayes.docs[1])
    assert model.char is not None
    cs = _old_char_score(model.char, text)
    return ModelScore(prob, known, pushes, sim, sim_id, ham_sim, docs, cs.prob, cs.pushes,
                      model.char.threshold, model.char.obvious, model.char.member, model.char.agree)


# ---------------------------------------------------------------- the comparison
def _texts() -> list[str]:
    rows = read_many([corpus_dir(), PROBES / "groups.tsv", PROBES / "probes.tsv"])
    return list(dict.fromkeys(r.text for r in rows))


@pytest.fixture(scope="module")
def model() -> CharModel:
    m = shipped()
    assert m is not None, "the shipped char model is missing"
    return m


def test_every_corpus_and_probe_row_scores_as_before(seeded_model):
    # the model as the bot starts: the shipped char model and the seed samples learned (as eval-spam)
    spam_model = seeded_model
    # every 6th distinct text of the corpus and both probe sets (~4,400): all 26,000 took ~20 CPU-s
    # of every suite run for a check that was run in full when the fast path was written (ascpu25)
    texts = _texts()[::6]
    assert len(texts) > 4_000
    differ = [t for t in texts if spam_model.score(t, "room") != _old_model_score(spam_model, t, "room")]
    _pattern.cache_clear()  # ~10 MB of patterns no other test of the process reads
    assert not differ, f"{len(differ)} rows score differently, e.g. {differ[:3]}"


@pytest.mark.parametrize("text", [
    "加我whatsapp联系", "whatsappwhatsapp 加 whatsapp", "aaaa 哈哈哈哈哈哈 aaaaa", "加微信加微信加微信",
    "小红书搜小红书", "x" * 30 + " 加v abc", "wechat" * 3, "加我微信 xiaowen_dev 拉你们进交流群"])
def test_repeated_and_overlapping_runs_are_shown_as_before(model, text):
    # overlapping occurrences (aaaa in aaaaa, a word twice) are where a find loop could differ from re.finditer
    assert model.score(text) == _old_char_score(model, text)


def test_the_evidence_words_compile_no_pattern_per_feature(model):
    # the evidence (_shown) had compiled a regex per feature it looked at (about 23 per message on
    # the corpus, overflowing re's cache of 512): most of the char model's CPU (issue 13). Counted
    # by calls, not timed: a count does not depend on the machine's load
    import sys

    texts = _texts()[:500]
    for t in texts:
        grams(normalise(t))  # the features and their cut cached: what is counted is the scoring
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event == "call" and frame.f_code is re._compile.__code__:
            calls += 1

    sys.setprofile(count)
    try:
        for t in texts:
            model.score(t)
    finally:
        sys.setprofile(None)
    assert calls < len(texts) / 4, f"{calls / len(texts):.1f} pattern look-ups per message"


# ---------------------------------------------------------------- drafts: decisions without the evidence
def _flags(decision):
    """What a draft (decide(explain=False)) promises: the decision with the text models' scores,
    and their verdicts' details and reasons, left out. Every verdict's flags, its order and the
    other checks' words stay."""
    from dataclasses import replace

    return replace(decision, score=0.0, char_score=None,
                   verdicts=[(replace(v, details="", why="") if v.name in ("charmodel", "bayes") else v, m)
                             for v, m in decision.verdicts])


def _seeded() -> SpamModel:
    """The model as the bot starts: the shipped char model and the seed samples (the Bayes still
    learning: fewer than bayes.min_samples of either kind)."""
    spam_model = SpamModel()
    fit(spam_model, [(r.text, r.label, "*", -i) for i, r in enumerate(seed_rows(), start=1)], passes=1)
    return spam_model


def _learned() -> SpamModel:
    """A model whose Bayes has learned enough to convict: a group whose admins labelled
    thousands of messages (the corpus's first rows, as shared samples)."""
    spam_model = SpamModel()
    rows = read_many([corpus_dir()])[:3000]
    fit(spam_model, [(r.text, r.label, "*", i) for i, r in enumerate(rows, start=1)], passes=1)
    assert min(spam_model.bayes.docs) >= 300
    return spam_model


@pytest.fixture(scope="module")
def seeded_model() -> SpamModel:
    # built once for the module: scoring and deciding only read a model (nothing here learns)
    return _seeded()


@pytest.fixture(scope="module")
def learned_model() -> SpamModel:
    return _learned()


class _ScoredOnce:
    """The model, each of its readings of a text (SpamModel.score with the same arguments)
    computed once: decide() asks the same of it for a newcomer and for a regular (its
    arguments depend on the text, the group's config and the model, never on the sender), so
    the second was the first computed again. Every other attribute is the model's own."""

    def __init__(self, model: SpamModel) -> None:
        self._model = model
        self._scores: dict[tuple[object, ...], ModelScore] = {}

    def score(self, text: str, room: str | None, **readings: bool) -> ModelScore:
        key = (text, room, *sorted(readings.items()))
        if key not in self._scores:
            self._scores[key] = self._model.score(text, room, **readings)
        return self._scores[key]

    def __getattr__(self, name: str) -> object:
        return getattr(self._model, name)


def _without_pushes(score: ModelScore) -> ModelScore:
    from dataclasses import replace

    return replace(score, pushes=[], char_pushes=[])


def test_scores_without_evidence_are_the_same_to_the_bit(learned_model):
    # the plugin scores a message without the evidence words first (issue 13): the probabilities,
    # the similarity and the counts must be what the explained score gives, bit for bit
    spam_model = learned_model
    for t in _texts()[::12]:
        full, bare = spam_model.score(t, "room"), spam_model.score(t, "room", explain=False)
        assert bare.pushes == [] and bare.char_pushes == []
        assert _without_pushes(full) == bare, t


@pytest.mark.parametrize(("spam_model_fixture", "every", "shadow"),
                         [("seeded_model", 12, False), ("learned_model", 24, False), ("learned_model", 48, True)],
                         ids=["seeded", "learned", "models-in-shadow-mode"])
def test_a_draft_decision_is_the_same_decision(request, spam_model_fixture, every, shadow):
    # the plugin decides a draft first (no evidence words, no reading by a model that cannot
    # fire) and decides again in full only when something fired: every verdict's flags, and so
    # whether it is spam, what fired in shadow mode and what the ladder reads, must not move.
    # Distinct texts of the corpus and the probes, from a newcomer and from a regular
    from plugins.antispam.checks import Facts
    from plugins.antispam.config import AntispamConfig
    from plugins.antispam.engine import decide

    cfg = AntispamConfig.model_validate({name: {"mode": "shadow"} for name in ("charmodel", "bayes", "similar")}
                                        if shadow else {})
    # a text's readings are worked out once for both senders; the full and the draft decision
    # still ask for different ones (explain, and a draft's models that cannot fire), each computed
    spam_model, fired = _ScoredOnce(request.getfixturevalue(spam_model_fixture)), 0
    for t in _texts()[::every]:
        for newcomer in (True, False):
            facts = Facts(text=t, newcomer=newcomer)
            full, draft = decide(facts, cfg, spam_model, "room"), decide(facts, cfg, spam_model, "room", explain=False)
            assert _flags(full) == _flags(draft), (t, newcomer)
            assert (full.spam, [v.name for v in full.shadow_fired], full.obvious, full.severity, full.models_only) \
                == (draft.spam, [v.name for v in draft.shadow_fired], draft.obvious, draft.severity, draft.models_only)
            fired += bool(full.spam or full.shadow_fired)
    assert fired > 300  # ads among them, not only chat


async def test_the_plugin_looks_for_evidence_words_only_in_what_fired(sessions):
    # a chat line that fires nothing is decided as a draft: the char model's evidence words
    # (charmodel._shown, most of its scoring's own cost) are not looked for; an ad is decided in
    # full and its case names them. Counted by calls, not timed (issue 13)
    import sys
    from datetime import UTC, datetime, timedelta

    from bot.clock import FakeClock
    from bot.core import members
    from bot.core.context import Context
    from bot.events import MessageKind, MessageReceived
    from bot.platform import RoomInfo
    from bot.rules.loader import parse_rules
    from db.models import Case
    from plugins.antispam import AntispamPlugin

    plugin = AntispamPlugin()
    rules = parse_rules("version: 1\n", "test", [plugin])
    clock = FakeClock(datetime(2026, 5, 1, 9, tzinfo=UTC))
    room = RoomInfo(id="r1@chatroom", topic="t", owner_id="wxid_owner", admin_ids=frozenset({"wxid_bot"}),
                    member_ids=frozenset({"wxid_a", "wxid_b", "wxid_owner", "wxid_bot"}))
    shown = 0

    def count(frame, event, arg):
        nonlocal shown
        if event == "call" and frame.f_code is charmodel._shown.__code__:
            shown += 1

    async def post(event_id: str, sender: str, text: str) -> int:
        nonlocal shown
        clock.advance(5)
        msg = MessageReceived(event_id=event_id, room_id=room.id, sender_id=sender, sender_name=sender,
                              sender_alias="", kind=MessageKind.TEXT, text=text, timestamp=clock.now())
        with sessions() as db:
            facts = members.touch(db, room.id, sender, clock.now() - timedelta(days=30), message=True)
            ctx = Context(rules=rules, clock=clock, db=db, room_id=room.id, room=room, self_id="wxid_bot",
                          event=msg, source="antispam", member=facts)
            shown = 0
            sys.setprofile(count)
            try:
                await plugin.handle(ctx)
            finally:
                sys.setprofile(None)
            db.commit()
        return shown

    assert await post("m1", "wxid_a", "这个周末有人一起去爬山吗，我想去香山看红叶") == 0
    assert await post("m2", "wxid_b", "兼职日结，手机就能做，一天轻松300+，有意者加薇信 jz_lily88") > 0
    with sessions() as db:
        [case] = db.query(Case).all()
        checks = {c["name"]: c for c in case.evidence["checks"]}
        assert case.target_id == "wxid_b" and "(" in checks["charmodel"]["details"]  # its words, as before
