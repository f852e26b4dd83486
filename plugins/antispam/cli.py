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


@click.command("eval-spam")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--train", "train_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Train on this file (same format) first; without it the shipped seed model is used.")
@click.option("--newcomer", is_flag=True, help="Score each row as a newcomer's first message.")
@click.option("--rules", "rules_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use this rules file's default antispam section instead of the shipped defaults.")
@click.option("--passes", default=2, show_default=True, help="Error-driven training passes over --train.")
@click.option("--exclude-source", "excluded", multiple=True,
              help="Leave rows of this source (a `source` column value) out of the scoring; repeatable.")
def eval_spam(file: Path, train_file: Path | None, newcomer: bool, rules_path: Path | None, passes: int,
              excluded: tuple[str, ...]) -> None:
    """Score a labelled TSV (columns label, text) and print precision, recall, F1, FPR and each
    check's contribution. The last line is `precision=… recall=… f1=… fpr=…`."""
    import time
    from collections import Counter, defaultdict

    from plugins.antispam.checks import Facts
    from plugins.antispam.dataset import BadFile, read_tsv, seed_rows
    from plugins.antispam.engine import decide
    from plugins.antispam.training import build_model

    cfg = _config(rules_path)
    started = time.perf_counter()
    try:
        rows = [r for r in read_tsv(file) if r.source not in excluded]
        train = list(read_tsv(train_file)) if train_file else []
    except BadFile as exc:
        raise click.UsageError(str(exc)) from exc
    model, skipped = build_model(seed_rows() + train, cfg, passes=passes if train else 1)
    if train:
        click.echo(f"trained on {len(train)} rows ({skipped} ham rows skipped: the rules call them spam) "
                   f"in {time.perf_counter() - started:.1f}s", err=True)
    started = time.perf_counter()
    by_source: dict[str, Counter[str]] = defaultdict(Counter)
    fired_on: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        decision = decide(Facts(text=row.text, newcomer=newcomer), cfg, model, None)
        outcome = ("tp" if decision.spam else "fn") if row.label else ("fp" if decision.spam else "tn")
        by_source[row.source or "-"][outcome] += 1
        by_source["(pooled)"][outcome] += 1
        fired = decision.fired
        for verdict in fired:
            fired_on[verdict.name]["spam" if row.label else "ham"] += 1
        if len(fired) == 1:
            fired_on[fired[0].name]["only_" + ("spam" if row.label else "ham")] += 1
    elapsed = time.perf_counter() - started
    click.echo(f"scored {len(rows)} rows in {elapsed:.1f}s ({1000 * elapsed / max(len(rows), 1):.2f} ms/row), "
               f"as {'a newcomer' if newcomer else 'an ordinary member past probation'}")
    click.echo("\nper source:")
    for source, c in sorted(by_source.items(), key=lambda kv: kv[0] == "(pooled)"):
        click.echo(f"  {source:24} spam={c['tp'] + c['fn']:6} ham={c['fp'] + c['tn']:6}  "
                   f"{_fmt(c['tp'], c['fp'], c['fn'], c['tn'])}")
    click.echo("\neach check's contribution (rows it fired on; 'only' = no other check fired):")
    for name in cfg.order:
        c = fired_on.get(name, Counter())
        click.echo(f"  {name:9} spam={c['spam']:6} (only {c['only_spam']:6})   "
                   f"ham={c['ham']:6} (only {c['only_ham']:6})   mode={cfg.mode(name)}")
    c = by_source["(pooled)"]
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
