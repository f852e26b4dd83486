"""Build the shipped char model (plugins/antispam/data/charmodel.bin), reproducibly:

    python -m plugins.antispam.build_model [--shared ../shared/data/spam] [--holdout] [--out PATH]

Trains on the project's own corpus (data/corpus/*.tsv) and seed samples, plus, when --shared
points at the shared data folder, its MIT-licensed parts only (the tensorlayer SMS log and the
LCCC conversation sample, from its train.tsv; see data/LICENSES-third-party.txt). The thresholds
are calibrated on chat-like normal messages (the corpus's ham, the seed's, and the LCCC chat
turns) that the calibrating model did not train on: a campaign-hashed calibration fold.

--holdout leaves the corpus's held-out test campaigns out of everything, for
`qunguan eval-spam plugins/antispam/data/corpus --split test --model PATH`.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
import time
from pathlib import Path

from plugins.antispam import feature_code
from plugins.antispam.charmodel import ARTIFACT, CharModel, features_probe, threshold_at_fpr, threshold_max_f1, train
from plugins.antispam.dataset import Row, corpus_dir, read_many, seed_rows, split_of

# Placeholders a public SMS set put where contacts were; a model must never learn them.
PLACEHOLDERS = re.compile(r"(?:URL|DIGIT|CELLPHONE|PHONE|WECHAT|NAME|PLACE|QQ|HOTLINE|BANK)+")
MIT_PARTS = {("dev_sms_cn80w_subset", "tensorlayer_msglog"), ("dev_ham_lccc_toy", "*")}
CHAT_HAM_SOURCES = ("corpus", "seed", "dev_ham_lccc_toy")
# the check's threshold: at most this share of the corpus's hard chat over it, on out-of-fold
# scores. Models trained on four fifths of the rows score hard chat lower than the final model
# does: on a held-back fifth of the training campaigns (never the test split), 1% out of fold
# let 1.50% of that fifth's chat through for a newcomer (the single calibration fold before:
# 1.11%), 0.8% let 1.22% through, at recall 0.805 (before: 0.792)
TARGET_FPR = 0.008
TRAIN_FILE_FPR = 0.01  # eval-spam --train: "obvious" at this FPR on all the file's held-back ham
OBVIOUS_FPR = 0.001  # above this the ad is obvious
# "agree": below the threshold, a score that counts against an established member when another
# check agrees (they need two checks anyway): where the threshold was before it moved to 0.8%
AGREE_FPR = 0.01
# "member": a score that convicts an established member alone (a first offence is a warning),
# unless the message is framed as a warning or a quote. At most this share of the hard chat may
# be convicted that way: 0.3% on the out-of-fold scores of the training campaigns (never the
# test split) doubled what the model alone catches from an established member (from half the
# ads to two thirds there) at 0.4% false positives instead of 0.16%. Kept at 0.3% when the
# model learned the checks' features: 0.4% would have caught 1.9% more ads out of fold for 0.09%
# more hard chat warned, and in a real group, where chat outnumbers ads many times over, that is
# more innocent members warned than ads caught
MEMBER_FPR = 0.003
# the shipped model's levels come from out-of-fold scores: every chat-like ham row of the corpus
# is scored by a model trained without its campaign (9,000 rows rather than one fold's 1,200, so
# the 0.1% level is set by nine rows, not one)
FOLDS = 5
# The project's own rows are the domain (group chat); the public MIT rows are SMS and Weibo
# turns, useful breadth but not the target: each in-domain row counts this many times.
IN_DOMAIN_WEIGHT = 20.0
# passes over the rows: 10 beat 6 on the held-out campaigns (char model recall at 1% FPR 0.848
# vs 0.845, decision recall 0.843 vs 0.833 for newcomers at the same FPR), at twice the build time
EPOCHS = 10


def weight(row: Row) -> float:
    return 1.0 if row.source.startswith("dev_") else IN_DOMAIN_WEIGHT


_MASKED_DIGITS = re.compile(r"(?<![A-Za-z])x+(?![A-Za-z])")


def strip_placeholders(text: str) -> str:
    """FBS rows: the placeholder words go (their style is not spam's content)."""
    return re.sub(r"\s+", " ", PLACEHOLDERS.sub(" ", text)).strip()


def unmask_digits(text: str) -> str:
    """The SMS log masked every digit as x ("xxx 元"): give the digits back their shape, so the
    model does not learn that a lone x is spam."""
    return _MASKED_DIGITS.sub(lambda m: "0" * len(m.group(0)), text)


def shared_mit_rows(folder: Path) -> list[Row]:
    """The MIT-licensed rows of the shared data's train.tsv, and nothing else."""
    out: list[Row] = []
    csv.field_size_limit(2**31 - 1)
    with open(folder / "train.tsv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        for r in reader:
            if (r["source"], r["category"]) in MIT_PARTS or (r["source"], "*") in MIT_PARTS:
                text = unmask_digits(r["text"]) if r["category"] == "tensorlayer_msglog" else r["text"]
                if text and r["label"] in ("0", "1"):
                    out.append(Row(int(r["label"]), text, r["source"], r["category"], ""))
    return out


def _bucket(row: Row) -> int:
    key = "calib:" + (row.campaign.strip() or row.text.strip())
    return int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:4], "big") % 100


def calibration_fold(row: Row) -> bool:
    """About 15% of the training campaigns, never the test split's (a different hash)."""
    return _bucket(row) < 15


def fold_of(row: Row, folds: int = FOLDS) -> int:
    """The out-of-fold calibration's fold of a row, by campaign (near-copies stay together)."""
    return _bucket(row) * folds // 100


def member_level(scored: list[tuple[Row, float]], fpr: float) -> float:
    """The lowest score that convicts an established member alone with at most fpr of these ham
    rows convicted that way: rows framed as a warning or a quote are never convicted by a score
    alone (check_charmodel), so they do not count against the level."""
    from plugins.antispam.checks import framed
    from plugins.antispam.normalize import normalise

    open_scores = sorted((sc for r, sc in scored if not framed(normalise(r.text))), reverse=True)
    allowed = int(fpr * len(scored))
    return 0.5 if allowed >= len(open_scores) else min(0.999, open_scores[allowed] + 1e-6)


def out_of_fold(rows: list[Row], is_calibration, *, epochs: int, row_weight, log,
                cache: dict | None = None) -> list[tuple[Row, float]]:
    """Each calibration row scored by a model trained on every row outside its fold."""
    out: list[tuple[Row, float]] = []
    for fold in range(FOLDS):
        held = [r for r in rows if is_calibration(r) and fold_of(r) == fold]
        log(f"calibration fold {fold + 1}/{FOLDS}: {len(held)} ham rows held back")
        model = train(((r.text, r.label, row_weight(r)) for r in rows if fold_of(r) != fold), epochs=epochs,
                      log=None, cache=cache)
        out += [(r, model.score(r.text).prob) for r in held]
    return out


def gather(corpus: list[Path], shared: Path | None, holdout: bool) -> list[Row]:
    rows: list[Row] = []
    existing = [p for p in corpus if p.exists() and (p.is_file() or any(p.glob("*.tsv")))]
    for row in read_many(existing) if existing else []:
        if holdout and split_of(row) == "test":
            continue
        rows.append(Row(row.label, row.text, "corpus", row.category, row.campaign))
    rows += [Row(r.label, r.text, "seed", "seed", "seed:" + r.text) for r in seed_rows()]
    if shared is not None:
        rows += shared_mit_rows(shared)
    return rows


def build(rows: list[Row], *, epochs: int = EPOCHS, log=print, chat_only: bool = True) -> CharModel:
    """Train on every row; thresholds from a model trained without the calibration fold, at the
    target false-positive rate on that fold's chat-like ham (chat_only=False: on all its ham,
    for a file whose normal messages are its own definition of normal).

    chat_only=False is a labelled file's model (eval-spam --train): the file is then the
    domain, so every row counts as in-domain. With the public rows at weight 1 the model was
    trained at a twentieth of the step size the corpus is trained at, and underfit (on a
    held-back fifth of the shared train.tsv, char model recall at FPR 1% 0.853 -> 0.912 and
    its best F1 0.941 -> 0.956 with the in-domain weight (20x); 16x and 64x the old step gave
    about the same, so this is the plateau, not a tuned optimum)."""
    row_weight = weight if chat_only else (lambda _r: IN_DOMAIN_WEIGHT)
    cache: dict = {}  # each text's features, for the several trainings
    ham = [r for r in rows if r.label == 0]
    # the project's own hard chat first (scam warnings, prices, phone numbers between friends);
    # the easier public chat turns only while the corpus is too small to calibrate on alone
    sources: tuple[str, ...] = ("corpus", "seed")
    if sum(1 for r in ham if r.source in sources) < 1000:
        sources = CHAT_HAM_SOURCES
    if chat_only and any(r.source in sources for r in ham):
        scored = out_of_fold(rows, lambda r: r.label == 0 and r.source in sources, epochs=epochs,
                             row_weight=row_weight, log=log, cache=cache)
        scores = [sc for _r, sc in scored]
        threshold = max(0.5, threshold_at_fpr(scores, TARGET_FPR))
        obvious = max(threshold, threshold_at_fpr(scores, OBVIOUS_FPR))
        member = min(obvious, max(threshold, member_level(scored, MEMBER_FPR)))
        agree = min(threshold, max(0.5, threshold_at_fpr(scores, AGREE_FPR)))
        log(f"threshold {threshold:.4f} (FPR {TARGET_FPR:.2%} on {len(scores)} out-of-fold ham rows), "
            f"member {member:.4f} (FPR {MEMBER_FPR:.2%} unless framed as a warning), obvious {obvious:.4f}, "
            f"agree {agree:.4f} (FPR {AGREE_FPR:.2%})")
        calib_rows = len(scores)
    else:
        fit_rows = [r for r in rows if not calibration_fold(r)]
        held = [r for r in rows if calibration_fold(r) and r.label == 0]
        log(f"calibration model: {len(fit_rows)} rows")
        first = train(((r.text, r.label, row_weight(r)) for r in fit_rows), epochs=epochs, log=log, cache=cache)
        scores = [first.score(r.text).prob for r in held]
        calib_rows = len(held)
        # A labelled file defines both kinds itself, and its "normal" may be news fragments and
        # service notices that no group chat looks like: a fixed FPR on them (0.5%, as before)
        # put the threshold where half the file's spam already fell below it. The check's
        # threshold is where the held-back rows separate best (highest F1); "obvious" (what
        # alone convicts an established member) is at FPR 1% on the held-back ham (0.5% caught
        # less at the same precision on a held-back fifth of the shared train.tsv: decision
        # F1 0.953 vs 0.956 simulated). This is the eval-spam --train path only; the shipped
        # model keeps its chat calibration.
        spam_scores = [first.score(r.text).prob for r in rows if calibration_fold(r) and r.label == 1]
        threshold = threshold_max_f1(spam_scores, scores)
        obvious = member = max(threshold, threshold_at_fpr(scores, TRAIN_FILE_FPR))
        agree = threshold
        log(f"threshold {threshold:.4f} (best F1 on {len(spam_scores)} spam and {len(scores)} ham held-back "
            f"rows), obvious {obvious:.4f} (FPR {TRAIN_FILE_FPR:.2%})")
        del first
    model = train(((r.text, r.label, row_weight(r)) for r in rows), epochs=epochs, log=log, cache=cache)
    del cache
    counts: dict[str, list[int]] = {}
    for r in rows:
        counts.setdefault(r.source, [0, 0])[r.label] += 1
    model.meta.update(threshold=round(threshold, 6), agree=round(agree, 6), member=round(member, 6),
                      obvious=round(obvious, 6),
                      calibration_rows=calib_rows,
                      sources={k: {"ham": v[0], "spam": v[1]} for k, v in sorted(counts.items())})
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plugins.antispam.build_model",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", type=Path,
                        help="corpus folder or file (repeatable; default: plugins/antispam/data/corpus)")
    parser.add_argument("--shared", type=Path, help="the shared data folder; only its MIT parts are used")
    parser.add_argument("--holdout", action="store_true", help="leave the corpus's test campaigns out")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--out", type=Path, default=corpus_dir().parent / ARTIFACT)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = gather(args.corpus or [corpus_dir()], args.shared, args.holdout)
    spam = sum(r.label for r in rows)
    print(f"{len(rows)} rows ({spam} spam, {len(rows) - spam} ham)", file=sys.stderr)
    model = build(rows, epochs=args.epochs, log=lambda m: print(m, file=sys.stderr))
    model.meta["holdout"] = args.holdout
    model.meta["features_probe"] = features_probe(r.text for r in seed_rows())
    model.meta["feature_code"] = feature_code.feature_code()
    size = model.dump(args.out)
    print(f"wrote {args.out} ({size / 1024:.0f} KB) in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
