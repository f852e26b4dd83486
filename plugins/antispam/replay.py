"""Backtest: replay stored messages under the current and a candidate rules file and list the
decisions that would change. Reads the database only; nothing is written or sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core import members
from bot.core.members import MemberFacts
from bot.core.roles import is_protected
from plugins.antispam import store
from plugins.antispam.checks import Facts
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import Decision, decide
from plugins.antispam.learner import Learner
from plugins.antispam.models import StoredMessage
from plugins.antispam.windows import Windows


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A member's facts as they were when the message was sent, as far as the store can tell."""

    messages: int
    joined_at: datetime | None
    credit: int
    established: bool = False  # in the group before the bot met it


def _facts_at(db: Session, row: StoredMessage, member: MemberFacts | None) -> Snapshot:
    before = db.scalar(select(func.count()).select_from(StoredMessage).where(
        StoredMessage.room_id == row.room_id, StoredMessage.sender_id == row.sender_id,
        StoredMessage.id <= row.id)) or 1
    if member is None:
        return Snapshot(int(before), None, 0)
    # messages older than the store count too: core_member's total minus what came after
    after = db.scalar(select(func.count()).select_from(StoredMessage).where(
        StoredMessage.room_id == row.room_id, StoredMessage.sender_id == row.sender_id,
        StoredMessage.id > row.id)) or 0
    return Snapshot(max(int(before), (member.messages or 0) - int(after)), member.joined_at, member.credit or 0,
                    bool(member.established))


def replay(db: Session, rules, cfg_for, rows: list[StoredMessage], learner: Learner) -> list[Decision | None]:
    """A decision per row (None: the sender is protected) under one rules snapshot."""
    from plugins.antispam.plugin import probation

    out: list[Decision | None] = []
    model = learner.model(db, datetime.now(UTC))
    windows = Windows()  # the behaviour counts as the live bot kept them, message by message
    for row in rows:
        windows.record(row.room_id, row.sender_id, row.message_id, row.text, row.fingerprint, row.at)
        if is_protected(row.sender_id, None, rules) or row.sender_id in rules.for_room(row.room_id).whitelist:
            out.append(None)
            continue
        cfg: AntispamConfig = cfg_for(row.room_id)
        snap = _facts_at(db, row, members.facts(db, row.room_id, row.sender_id))
        newcomer, trusted = probation(cfg, MemberFacts(row.room_id, row.sender_id, row.at, joined_at=snap.joined_at,
                                                       messages=snap.messages, credit=snap.credit,
                                                       established=snap.established), row.at)
        counts = windows.counts(row.room_id, row.sender_id, row.message_id, row.text, row.fingerprint, row.at,
                                flood_within=cfg.flood.within, repeat_within=cfg.repeat.within,
                                similarity=cfg.repeat.similarity, min_chars=cfg.repeat.min_chars)
        # images are not kept: no QR replay
        facts = Facts(text=row.text, kind=row.kind, url=row.url, mentions=row.mentions, newcomer=newcomer,
                      vouched=False, trusted=trusted, qr_codes=(), borrowed_before="", answering="", **counts)
        out.append(decide(facts, cfg, model, row.room_id))
    return out


def run_backtest(database_url: str, current: Path, candidate: Path, window: timedelta, room: str | None,
                 limit: int) -> list[str]:
    from bot.rules.loader import load_rules
    from db.session import make_engine, make_sessionmaker
    from plugins import default_plugins

    plugins = default_plugins()
    now_rules = load_rules(current, plugins) if current.exists() else None
    new_rules = load_rules(candidate, plugins)
    base = now_rules or new_rules
    engine = make_engine(database_url)
    learner = Learner()
    with make_sessionmaker(engine)() as db:
        rows = store.messages_since(db, datetime.now(UTC) - window, room)
        before = replay(db, base, lambda r: base.plugin_config(r, "antispam"), rows, learner)
        after = replay(db, new_rules, lambda r: new_rules.plugin_config(r, "antispam"), rows, learner)
        lines = _report(rows, before, after, candidate, window, limit)
        db.rollback()  # seeding a fresh database is the only write, and a backtest keeps none
    engine.dispose()
    return lines


def _report(rows: list[StoredMessage], before: list[Decision | None], after: list[Decision | None],
            candidate: Path, window: timedelta, limit: int) -> list[str]:
    lines: list[str] = []
    flagged_before = sum(1 for d in before if d and d.spam)
    flagged_after = sum(1 for d in after if d and d.spam)
    changed = [(row, b, a) for row, b, a in zip(rows, before, after, strict=True)
               if (b and b.spam) != (a and a.spam) or (b and a and
                                                       {v.name for v in b.fired} != {v.name for v in a.fired})]
    lines.append(f"replayed {len(rows)} messages since {window} ago: flagged now {flagged_before}, "
                 f"under {candidate} {flagged_after}; {len(changed)} decision(s) change")
    for row, b, a in changed[:limit]:
        was = ", ".join(f"{v.name}({v.details})" for v in b.fired) if b and b.spam else "ok"
        will = ", ".join(f"{v.name}({v.details})" for v in a.fired) if a and a.spam else "ok"
        mark = "+" if (a and a.spam) and not (b and b.spam) else ("-" if (b and b.spam) and not (a and a.spam)
                                                                 else "~")
        text = row.text.replace("\n", " ")[:60]
        lines.append(f"{mark} {row.at:%Y-%m-%d %H:%M} {row.room_id} {row.sender_name or row.sender_id}: {text}")
        lines.append(f"    now: {was}")
        lines.append(f"    new: {will}")
    if len(changed) > limit:
        lines.append(f"… and {len(changed) - limit} more")
    return lines
