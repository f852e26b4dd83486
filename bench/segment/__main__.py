"""The anti-spam word segmenter: compact (plugins/antispam/segment.py, jieba with its dictionary
in a MARISA trie) against stock jieba, in one run, on one core.

    python -m bench.segment [--messages N] [--rounds R]

Prints (1) the RSS each costs to load, each measured in a fresh child process from the same
baseline (jieba and marisa-trie imported, nothing loaded); (2) the compact dictionary's cold
build (once per machine) and its load from the disk cache; (3) CPU per 1,000 messages of the
classifier's features() and of lcut(HMM=False) alone, each segmenter in turn on the same
messages (the project's corpus), best of R interleaved rounds; (4) whether the cuts agree.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "plugins" / "antispam" / "data" / "corpus"

_CHILD = """
import json, os, sys, time, logging
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
import jieba, marisa_trie
from plugins.antispam import segment
jieba.setLogLevel(logging.WARNING)
before = rss()
t0 = time.perf_counter()
if sys.argv[1] == "stock":
    jieba.initialize()
    tok = jieba
else:
    tok = segment.segmenter()
loaded = time.perf_counter() - t0
tok.lcut("预热：加我微信领取资料", HMM=False)
print(json.dumps({"before": before, "after": rss(), "seconds": loaded}))
"""


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(kind: str, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _CHILD, kind], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def corpus(n: int) -> list[str]:
    texts: list[str] = []
    for path in sorted(CORPUS.glob("*.tsv")):
        with open(path, encoding="utf-8", newline="") as f:
            texts.extend(row["text"] for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    rng = random.Random(11)
    return [rng.choice(texts) for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass

    # ---------------------------------------------------------------- memory and load time
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    with tempfile.TemporaryDirectory() as cache:
        cold_env = {**env, "QUNGUAN_CACHE_DIR": cache, "XDG_CACHE_HOME": cache, "TMPDIR": cache}
        cold = child("compact", cold_env)
        warm = child("compact", cold_env)
    stock = child("stock", env)  # jieba's own marshal cache in the temp dir, as in production
    print("RSS to load the dictionary (fresh process each, after importing jieba and marisa-trie):")
    print(f"  stock jieba     +{stock['after'] - stock['before']:5.1f} MB  (load {stock['seconds']:.2f} s, "
          f"process {stock['after']:.1f} MB)")
    print(f"  compact (trie)  +{warm['after'] - warm['before']:5.1f} MB  (load from cache {warm['seconds']:.3f} s, "
          f"process {warm['after']:.1f} MB)")
    print(f"  compact, cold build (once per machine, in a child): {cold['seconds']:.2f} s, "
          f"+{cold['after'] - cold['before']:.1f} MB here")

    # ---------------------------------------------------------------- CPU per 1,000 messages
    import jieba

    from plugins.antispam import classifier, normalize, segment

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    compact = segment.segmenter()
    texts = corpus(args.messages)
    skeletons = [classifier._DIGITS.sub("0", normalize.normalise(t).dense[:600]) for t in texts]
    differ = sum(jieba.lcut(s, HMM=False) != compact.lcut(s, HMM=False) for s in skeletons)

    def run_features(tok: object) -> float:
        classifier._jieba = tok
        clear = getattr(normalize.normalise, "cache_clear", None)
        if clear:
            clear()  # each run normalises from scratch
        t0 = time.process_time()
        for t in texts:
            classifier.features(t)
        return (time.process_time() - t0) * 1000 / len(texts)

    def run_lcut(tok: object) -> float:
        lcut = tok.lcut  # type: ignore[attr-defined]
        t0 = time.process_time()
        for s in skeletons:
            lcut(s, HMM=False)
        return (time.process_time() - t0) * 1000 / len(skeletons)

    results: dict[str, list[float]] = {k: [] for k in ("features stock", "features compact", "lcut stock",
                                                         "lcut compact")}
    for _ in range(args.rounds):
        results["features stock"].append(run_features(jieba))
        results["features compact"].append(run_features(compact))
        results["lcut stock"].append(run_lcut(jieba))
        results["lcut compact"].append(run_lcut(compact))
    classifier._jieba = None
    best = {k: min(v) for k, v in results.items()}
    print(f"CPU per 1,000 messages ({len(texts)} corpus messages, best of {args.rounds}, one core):")
    for what in ("features", "lcut"):
        s, c = best[f"{what} stock"], best[f"{what} compact"]
        print(f"  {what + '()':<11} stock {s * 1000:7.1f} ms   compact {c * 1000:7.1f} ms   compact/stock {c / s:.2f}")
    print(f"cuts that differ from stock jieba.lcut(HMM=False): {differ} of {len(skeletons)}")


if __name__ == "__main__":
    main()
