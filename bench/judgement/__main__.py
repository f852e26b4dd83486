"""The rule checks' judgement on the project's own labelled corpus (plugins/antispam/data/corpus):
how often ordinary chat would be acted on (false positives) and how much spam the rules alone
catch, for an established member and for a member on probation, per category.

The classifier is left out on purpose (bayes/similar are helper "model"'s stage): this measures
the proportionate-judgement rules of issue 10. Run: python -m bench.judgement [--errors N]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import defaultdict
from pathlib import Path

from plugins.antispam.checks import Facts
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide

CORPUS = Path(__file__).resolve().parents[2] / "plugins" / "antispam" / "data" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", type=int, default=0, help="print this many false positives per category")
    args = parser.parse_args()
    cfg = AntispamConfig()
    counts: dict[tuple[str, str, bool], list[int]] = defaultdict(lambda: [0, 0])
    errors: dict[tuple[str, bool], list[str]] = defaultdict(list)
    started, decided = time.process_time(), 0
    for path in sorted(CORPUS.glob("*.tsv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                for newcomer in (False, True):
                    decision = decide(Facts(row["text"], newcomer=newcomer), cfg, None, "bench")
                    decided += 1
                    cell = counts[(row["label"], row["category"], newcomer)]
                    cell[0] += decision.spam
                    cell[1] += 1
                    if decision.spam and row["label"] == "0" and len(errors[(row["category"], newcomer)]) < args.errors:
                        errors[(row["category"], newcomer)].append(f"{row['text'][:60]} | {decision.reason()[:80]}")
    cpu = time.process_time() - started
    if not counts:
        print(f"no corpus files in {CORPUS}")
        return
    totals: dict[tuple[str, bool], list[int]] = defaultdict(lambda: [0, 0])
    print(f"{'':5} {'sender':11} {'category':26} {'acted on':>14}")
    for (label, category, newcomer), (hit, n) in sorted(counts.items()):
        totals[(label, newcomer)][0] += hit
        totals[(label, newcomer)][1] += n
        print(f"{'spam' if label == '1' else 'ham':5} {'newcomer' if newcomer else 'established':11} {category:26} "
              f"{hit:5d}/{n:<5d} {hit / n:7.2%}")
    for (label, newcomer), (hit, n) in sorted(totals.items()):
        what = "recall (rules only)" if label == "1" else "false positives"
        print(f"TOTAL {'newcomer' if newcomer else 'established':11} {what:22} {hit}/{n} = {hit / n:.2%}")
    print(f"CPU {cpu / max(decided, 1) * 1e6:.0f} µs per decision (rules only), {decided} decisions")
    for (category, newcomer), lines in sorted(errors.items()):
        for line in lines:
            print(f"FP {category} {'newcomer' if newcomer else 'established'}: {line}")


if __name__ == "__main__":
    main()
