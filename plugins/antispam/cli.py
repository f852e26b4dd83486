"""`qunguan eval-spam` and `qunguan backtest`. Cheap to import: each command loads the model,
jieba and the database only when it runs."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import click


def _config(rules_path: Path | None):
    """The antispam section operators would get: the shipped defaults, or a rules file's."""
    from plugins.antispam.config import AntispamConfig

    if rules_path is None:
        return AntispamConfig()
    from bot.rules.loader import load_rules
    from plugins import default_plugins

    return load_rules(rules_path, default_plugins()).plugin_config(None, "antispam")


def _fmt(tp: int, fp: int, fn: int, tn: int) -> str:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    return f"precision={precision:.4f} recall={recall:.4f} f1={f1:.4f} fpr={fpr:.4f}"


def recall_at_fpr(spam_scores: list[float], ham_scores: list[float], fpr: float) -> tuple[float, float] | None:
    """(recall, threshold) at the lowest threshold whose false-positive rate on these ham
    scores is at most fpr; a message is flagged when its score is above the threshold."""
    if not spam_scores or not ham_scores:
        return None
    from plugins.antispam.charmodel import ham_score_at_fpr

    cut = ham_score_at_fpr(ham_scores, fpr)
    threshold = -1.0 if cut is None else cut
    return sum(1 for s in spam_scores if s > threshold) / len(spam_scores), threshold


@click.command("eval-spam")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--train", "train_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Train both models (Bayes and char model) on this file (same format) first; without it "
                   "the shipped char model and the seed samples are used.")
@click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use this char model artifact (python -m plugins.antispam.build_model --out …) instead.")
@click.option("--split", type=click.Choice(["all", "train", "test"]), default="all", show_default=True,
              help="Score only this side of the campaign-hashed split (test: the held-out campaigns).")
@click.option("--newcomer", is_flag=True, help="Score each row as a newcomer's first message.")
@click.option("--rules", "rules_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use this rules file's default antispam section instead of the shipped defaults.")
@click.option("--passes", default=2, show_default=True, help="Error-driven training passes over --train.")
@click.option("--exclude-source", "excluded", multiple=True,
              help="Leave rows of this source (a `source` column value) out of the scoring; repeatable.")
@click.option("--by", "by", type=click.Choice(["source", "category"]), default="source", show_default=True,
              help="Break the figures down by this column.")
@click.option("--errors", "errors", default=0, show_default=True,
              help="Print up to N misclassified rows (false positives first) with each check's verdict.")
def eval_spam(files: tuple[Path, ...], train_file: Path | None, model_path: Path | None, split: str,
              newcomer: bool, rules_path: Path | None, passes: int, excluded: tuple[str, ...], by: str,
              errors: int) -> None:
    """Score labelled TSV files (or folders of them) and print precision, recall, F1, FPR, recall
    at a false-positive rate of 1% and 0.5%, and each check's contribution.

    Files are tab-separated with a header naming at least `label` and `text`; label is 1 for
    spam or an ad and 0 for a normal message. Optional columns: `source`, `category`, and
    `campaign` (the split key: every row of one campaign is on the same side). The last line is
    `precision=… recall=… f1=… fpr=…`."""
    import time
    from collections import Counter, defaultdict

    from plugins.antispam.charmodel import CharModel
    from plugins.antispam.checks import Facts
    from plugins.antispam.classifier import SpamModel, fit
    from plugins.antispam.dataset import BadFile, Row, read_many, read_tsv, seed_rows, split_of
    from plugins.antispam.engine import Decision, decide
    from plugins.antispam.ladder import FIRST_OFFENCES, Offence, first_offence
    from plugins.antispam.plugin import offence_terms
    from plugins.antispam.training import build_model, clean

    cfg = _config(rules_path)
    started = time.perf_counter()
    try:
        # placeholder words of the fake-base-station SMS set go at scoring too: real messages
        # carry a number or a link there, never the word DIGIT
        rows = [clean(r) for r in read_many(list(files)) if r.source not in excluded
                and (split == "all" or split_of(r) == split)]
        train = list(read_tsv(train_file)) if train_file else []
        char = CharModel.load(model_path) if model_path else None
    except (BadFile, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc
    if train:
        model, skipped = build_model(seed_rows() + train, cfg, passes=passes, char=char is None,
                                     log=lambda m: click.echo(m, err=True))
        if char is not None:
            model.char = char
        click.echo(f"trained on {len(train)} rows ({skipped} ham rows skipped: the rules call them spam) "
                   f"in {time.perf_counter() - started:.1f}s", err=True)
    else:
        model = SpamModel(char)
        fit(model, [(r.text, r.label, "*", -i) for i, r in enumerate(seed_rows(), start=1)], passes=1)
    if model.char is not None:
        click.echo(f"char model: threshold {model.char.threshold:.4f}, member {model.char.member:.4f}, "
                   f"obvious {model.char.obvious:.4f}, "
                   f"trained on {model.char.meta.get('rows', '?')} rows")
    started = time.perf_counter()
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    fired_on: dict[str, Counter[str]] = defaultdict(Counter)
    ranks: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    wrong: list[tuple[tuple[int, int], Row, Decision, str]] = []
    statistical = {"charmodel", "bayes", "similar"}
    # what a false positive would bring on an innocent member as a first offence (the ladder's
    # own reckoning): a removal is what the product must never do, a reminder threatens nothing
    brought: Counter[str] = Counter()
    # and what an ad caught brings: only a removal takes a newcomer's ad's sender away (a bot
    # cannot recall a member's message), so a warned ad stays up unless its sender posts again
    caught: Counter[str] = Counter()
    for row in rows:
        decision = decide(Facts(text=row.text, newcomer=newcomer), cfg, model, None)
        outcome = ("tp" if decision.spam else "fn") if row.label else ("fp" if decision.spam else "tn")
        key = (row.category if by == "category" else row.source) or "-"
        groups[key][outcome] += 1
        groups["(pooled)"][outcome] += 1
        fired = decision.fired
        for verdict in fired:
            fired_on[verdict.name]["spam" if row.label else "ham"] += 1
        if len(fired) == 1:
            fired_on[fired[0].name]["only_" + ("spam" if row.label else "ham")] += 1
        # a ranking for recall at a fixed FPR: rules that fired outrank any model score
        char_score = decision.char_score or 0.0
        rank = char_score + (1.0 if any(v.name not in statistical for v in fired) else 0.0)
        ranks["decision"][1 - row.label].append(rank)
        ranks["charmodel"][1 - row.label].append(char_score)
        step = ""
        if outcome in ("fp", "tp"):
            step = first_offence(cfg, Offence("", "", "", {}, **offence_terms(decision, newcomer)))
            (brought if outcome == "fp" else caught)[step] += 1
        if outcome in ("fp", "fn") and len(wrong) < 100_000:
            # a false positive sorted and marked by what it would bring: a removal first
            order = FIRST_OFFENCES.index(step) if step in FIRST_OFFENCES else len(FIRST_OFFENCES)
            wrong.append(((0, order) if outcome == "fp" else (1, 0), row, decision, step))
    elapsed = time.perf_counter() - started
    click.echo(f"scored {len(rows)} rows in {elapsed:.1f}s ({1000 * elapsed / max(len(rows), 1):.2f} ms/row), "
               f"as {'a newcomer' if newcomer else 'an ordinary member past probation'}"
               + (f", {split} split" if split != "all" else ""))
    click.echo(f"\nper {by}:")
    for name, c in sorted(groups.items(), key=lambda kv: (kv[0] == "(pooled)", kv[0])):
        click.echo(f"  {name:24} spam={c['tp'] + c['fn']:6} ham={c['fp'] + c['tn']:6}  "
                   f"{_fmt(c['tp'], c['fp'], c['fn'], c['tn'])}")
    hams = groups["(pooled)"]["fp"] + groups["(pooled)"]["tn"]
    if brought:
        click.echo("\nfalse positives, by what a first offence would bring on the member (no strikes before): "
                   + ", ".join(f"{what} {brought[what]} ({brought[what] / max(hams, 1):.2%} of normal rows)"
                               for what in FIRST_OFFENCES if brought[what]))
    if caught:
        ads = groups["(pooled)"]["tp"] + groups["(pooled)"]["fn"]
        click.echo("ads caught, by what a first offence would bring on the sender: "
                   + ", ".join(f"{what} {caught[what]} ({caught[what] / max(ads, 1):.2%} of ads)"
                               for what in FIRST_OFFENCES if caught[what]))
    click.echo("\nrecall at a fixed false-positive rate (pooled; threshold on the score):")
    for name, (spam_scores, ham_scores) in ranks.items():
        cells = []
        for fpr in (0.01, 0.005):
            r = recall_at_fpr(spam_scores, ham_scores, fpr)
            cells.append(f"@FPR {fpr:.1%}: " + (f"recall={r[0]:.4f} (score > {r[1]:.4f})" if r else "n/a"))
        click.echo(f"  {name:10} " + "   ".join(cells))
    click.echo("\neach check's contribution (rows it fired on; 'only' = no other check fired):")
    for name in cfg.order:
        c = fired_on.get(name, Counter())
        click.echo(f"  {name:9} spam={c['spam']:6} (only {c['only_spam']:6})   "
                   f"ham={c['ham']:6} (only {c['only_ham']:6})   mode={cfg.mode(name)}")
    if errors:
        wrong.sort(key=lambda w: w[0])
        click.echo(f"\nmisclassified rows ({min(errors, len(wrong))} of {len(wrong)}; "
                   "false positives first, the harshest first):")
        for _, row, decision, step in wrong[:errors]:
            where = "/".join(x for x in (row.source, row.category, row.campaign) if x)
            click.echo(f"{f'FP ({step})' if row.label == 0 else 'FN'} [{where}] {row.text[:160]}")
            for verdict, mode in decision.verdicts:
                if verdict.spam or verdict.details:
                    mark = "SPAM" if verdict.spam else "ok"
                    click.echo(f"     {verdict.name:9} {mark:4} {verdict.details}" + ("" if mode == "enforce"
                                                                                     else f" [{mode}]"))
    c = groups["(pooled)"]
    click.echo(_fmt(c["tp"], c["fp"], c["fn"], c["tn"]))


@click.command("backtest")
@click.option("--since", "since", default="7d", show_default=True, help="How far back to replay (e.g. 24h, 7d).")
@click.option("--rules", "candidate", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The candidate rules file (default: the current one, which shows today's decisions).")
@click.option("--current", "current", default="rules.yaml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The rules file in force now.")
@click.option("--db", "database_url", envvar="QUNGUAN_DATABASE_URL", default="sqlite:///qunguan.db",
              show_default=True, help="SQLAlchemy URL (env QUNGUAN_DATABASE_URL)")
@click.option("--room", default=None, help="Only this room id.")
@click.option("--limit", default=50, show_default=True, help="Changed decisions to list.")
def backtest(since: str, candidate: Path | None, current: Path, database_url: str, room: str | None,
             limit: int) -> None:
    """Replay stored group messages under a candidate rules file and print what would change."""
    from bot.rules.types import parse_duration
    from plugins.antispam.replay import run_backtest

    try:
        window: timedelta = parse_duration(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc
    lines = run_backtest(database_url, current, candidate or current, window, room, limit)
    for line in lines:
        click.echo(line)
    sys.stdout.flush()


COMMANDS: list[click.Command] = [eval_spam, backtest]
