"""How many of an established member's convictions are disputed (plugins.antispam.plugin.
words_against_the_model: an ad word alone, read as chat by the shipped char model) or rest on ad
job that pays by the day with only a phone number to call (engine.Decision.job_by_phone), and so are put to the
owner and admins rather than removed on a second offence, by label: on the corpus's test split
and whole, and, where it exists, the shared test set. Run: python -m bench.judgement.disputed"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from plugins.antispam import charmodel
from plugins.antispam.checks import Facts
from plugins.antispam.classifier import SpamModel, fit
from plugins.antispam.config import AntispamConfig
from plugins.antispam.dataset import read_many, seed_rows, split_of
from plugins.antispam.engine import decide
from plugins.antispam.plugin import words_against_the_model
from plugins.antispam.training import clean

ROOT = Path(__file__).resolve().parents[2]
SETS = [("corpus, test split", ROOT / "plugins" / "antispam" / "data" / "corpus", "test"),
        ("corpus, every row", ROOT / "plugins" / "antispam" / "data" / "corpus", "all"),
        ("shared test set", ROOT.parent / "shared" / "data" / "spam" / "test.tsv", "all")]


def main() -> None:
    cfg = AntispamConfig()
    model = SpamModel(charmodel.shipped())
    fit(model, [(r.text, r.label, "*", -i) for i, r in enumerate(seed_rows(), start=1)], passes=1)
    for name, path, split in SETS:
        if not path.exists():
            print(f"{name}: {path} not found")
            continue
        counts: Counter[str] = Counter()
        for row in (clean(r) for r in read_many([path]) if split == "all" or split_of(r) == split):
            decision = decide(Facts(text=row.text, newcomer=False), cfg, model, None)
            what = "ads" if row.label else "normal"
            counts[f"{what}"] += 1
            counts[f"{what} convicted"] += decision.spam
            counts[f"{what} disputed"] += decision.spam and words_against_the_model(decision)
            counts[f"{what} job by phone"] += decision.spam and decision.job_by_phone
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
