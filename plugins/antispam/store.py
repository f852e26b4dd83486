"""The antispam tables' queries, so SQL stays out of the plugin's decisions."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from bot.events import MessageReceived
from db import repo
from plugins.antispam.dataset import seed_rows
from plugins.antispam.models import SHARED, Sample, StoredMessage, Strike
from plugins.antispam.normalize import normalise

STORED_CHARS = 2000
_QUOTE_LABEL = re.compile(r"^\[(?:链接|小程序|名片|文件|图片|视频)\]\s*")
SEED_VERSION = 1
_SEED_KEY = "antispam_seed"


def fingerprint(text: str) -> str:
    n = normalise(text)
    return hashlib.sha1((n.dense or n.light.strip()).encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True, slots=True)
class Stored:
    """A group message as stored (antispam_message), what the plugin needs of it. `row`: its
    values, written when the event's transaction commits (repo.insert_at_commit)."""

    row: dict[str, Any]
    room_id: str
    message_id: str
    sender_id: str
    text: str
    fingerprint: str
    at: datetime


def _insert_message(insert: Any) -> Any:
    table = StoredMessage.__table__
    return insert(table).values(**{c: bindparam(c, type_=table.c[c].type) for c in _STORED_COLUMNS})


_STORED_COLUMNS = ("room_id", "message_id", "sender_id", "sender_name", "kind", "text", "url", "mentions",
                   "fingerprint", "at", "case_id")


def store_message(db: Session, msg: MessageReceived, at: datetime) -> Stored:
    """Every group message is kept (evidence, quotes, #spam), written when the event commits:
    nothing reads it back before (a room's next event starts after this one committed; the
    behaviour windows are in memory)."""
    assert msg.room_id is not None
    text, print_, message_id = msg.text[:STORED_CHARS], fingerprint(msg.text), msg.event_id[:190]
    values: dict[str, Any] = {"room_id": msg.room_id, "message_id": message_id, "sender_id": msg.sender_id,
              "sender_name": (msg.sender_alias or msg.sender_name)[:200], "kind": str(msg.kind),
              "text": text, "url": (msg.url or "")[:1000] or None, "mentions": len(msg.mention_ids),
              "fingerprint": print_, "at": at, "case_id": None}
    row = repo.insert_at_commit(db, repo.prepared(db, "antispam.store", _insert_message), values)
    return Stored(row, msg.room_id, message_id, msg.sender_id, text, print_, at)


def set_case(db: Session, stored: Stored, case_id: int | None) -> None:
    """The case a stored message belongs to (#ham finds it from a quote)."""
    if repo.queued(db, stored.row):
        stored.row["case_id"] = case_id  # not written yet: it goes in with its case
        return
    db.execute(update(StoredMessage).where(StoredMessage.room_id == stored.room_id,
                                           StoredMessage.sender_id == stored.sender_id,  # its index
                                           StoredMessage.message_id == stored.message_id).values(case_id=case_id))


def recent(db: Session, since: datetime, limit: int = 200_000) -> list[tuple[str, str, str, str, str, datetime]]:
    """Stored messages since `since`, oldest first, as the behaviour windows take them (see
    windows.Windows.warm), in the order they were stored. Bounded: a process starting after a
    very busy minute reads the newest `limit`. Read by the time's index, newest first, and put
    in stored order here: ordered by id, the database walks the whole log backwards instead
    (keep_messages of it) to find the few minutes the windows need."""
    rows = db.execute(select(StoredMessage.id, StoredMessage.room_id, StoredMessage.sender_id,
                             StoredMessage.message_id, StoredMessage.text, StoredMessage.fingerprint, StoredMessage.at)
                      .where(StoredMessage.at >= since)
                      .order_by(StoredMessage.at.desc(), StoredMessage.id.desc()).limit(limit))
    return [(r[1], r[2], r[3], r[4], r[5], r[6]) for r in sorted(rows.all(), key=lambda r: r[0])]


def texts_since(db: Session, room_id: str, sender_id: str, since: datetime, limit: int = 10) -> list[str]:
    """A member's latest stored messages in a room since `since`, newest first (at most `limit`)."""
    rows = db.execute(select(StoredMessage.text).where(
        StoredMessage.room_id == room_id, StoredMessage.sender_id == sender_id, StoredMessage.at >= since)
        .order_by(StoredMessage.id.desc()).limit(limit))
    return [r[0] for r in rows.all() if r[0]]


def find_quoted(db: Session, room_id: str, message_id: str | None, sender_id: str | None,
                text: str) -> StoredMessage | None:
    """The stored message a quote points at: by id when the platform gives it, else the latest
    message with that text (from that sender when known). Puppets send the quoted text only:
    an id comes from a case, with its member, whose messages the (room, sender) index finds (a
    message id has no index: each would cost every message's commit a page)."""
    if message_id:
        by_id = select(StoredMessage).where(StoredMessage.room_id == room_id, StoredMessage.message_id == message_id)
        if sender_id:
            by_id = by_id.where(StoredMessage.sender_id == sender_id)
        row = db.scalar(by_id.limit(1))
        if row is not None:
            return row
    text = _QUOTE_LABEL.sub("", text)  # "[链接] 标题": how WeChat shows a card in a quote
    if not text.strip():
        return None
    query = select(StoredMessage).where(StoredMessage.room_id == room_id,
                                        StoredMessage.fingerprint == fingerprint(text))
    if sender_id:
        query = query.where(StoredMessage.sender_id == sender_id)
    row = db.scalar(query.order_by(StoredMessage.id.desc()).limit(1))
    if row is not None or not sender_id:
        return row
    # quotes of long messages arrive cut short: the sender's latest message that starts with it
    head = normalise(text).dense.rstrip(".…")
    recent = db.scalars(select(StoredMessage).where(StoredMessage.room_id == room_id,
                                                   StoredMessage.sender_id == sender_id)
                        .order_by(StoredMessage.id.desc()).limit(50))
    return next((r for r in recent if head and normalise(r.text).dense.startswith(head)), None)


def add_sample(db: Session, room_id: str, label: int, text: str, *, source: str, by: str | None, at: datetime,
               case_id: int | None = None) -> tuple[Sample, bool]:
    """Add a sample, collapsing duplicates. Returns (sample, new): a relabelled duplicate is
    replaced by a new row so every process's model sees it as new."""
    fp = fingerprint(text)
    old = db.scalar(select(Sample).where(Sample.room_id == room_id, Sample.fingerprint == fp))
    if old is not None:
        if old.label == label:
            return old, False
        db.delete(old)
        db.flush()
    sample = Sample(room_id=room_id, label=label, text=text[:STORED_CHARS], fingerprint=fp, source=source,
                    added_by=by, case_id=case_id, created_at=at)
    db.add(sample)
    db.flush()
    return sample, True


def samples_after(db: Session, last_id: int, limit: int = 5000) -> list[Sample]:
    return list(db.scalars(select(Sample).where(Sample.id > last_id).order_by(Sample.id).limit(limit)))


def all_samples(db: Session) -> list[Sample]:
    return list(db.scalars(select(Sample).order_by(Sample.id)))


def latest_sample_id(db: Session) -> int:
    return int(db.scalar(select(func.max(Sample.id))) or 0)


def ensure_seeded(db: Session, at: datetime) -> bool:
    """Load the shipped seed samples into the shared pool once per seed version."""
    if (repo.get_setting(db, SHARED, _SEED_KEY) or {}).get("version") == SEED_VERSION:
        return False
    for row in seed_rows():
        add_sample(db, SHARED, row.label, row.text, source="seed", by=None, at=at)
    repo.put_setting(db, SHARED, _SEED_KEY, {"version": SEED_VERSION}, "antispam", at)
    return True


def active_strikes(db: Session, room_id: str, member_id: str, since: datetime) -> int:
    return len(strike_cases(db, room_id, member_id, since))


# A member's strikes are read on every ad (the ladder's count, the burst's last case; a shadow
# detection's count): prepared statements on the driver's cursor, as the message log's insert.
# Built through the ORM each was ~0.5-1 ms of CPU an ad, more than the rest of an ad's handling
# in the plugin (bench.antispam, docs/MEASUREMENTS.md "ascpu29"). They do not autoflush: every
# strike is written by add_strike's own statement at once, so none waits in the session.
_STRIKES = Strike.__table__


def _strike_cases(_insert: Any) -> Any:
    c = _STRIKES.c
    return (select(c.case_id).where(c.room_id == bindparam("room_id", type_=c.room_id.type),
                                    c.member_id == bindparam("member_id", type_=c.member_id.type),
                                    c.at >= bindparam("since", type_=c.at.type), c.cleared.is_(False))
            .order_by(c.at.desc(), c.id.desc()))


def strike_cases(db: Session, room_id: str, member_id: str, since: datetime) -> list[int | None]:
    """The case ids of a member's uncleared strikes in a room since `since`, newest first (None
    for a strike without a case)."""
    rows = repo.run_prepared(db, repo.prepared(db, "antispam.strike_cases", _strike_cases),
                             {"room_id": room_id, "member_id": member_id, "since": since}).all()
    return [None if r[0] is None else int(r[0]) for r in rows]


def last_case(db: Session, room_id: str, member_id: str, since: datetime) -> tuple[int, str] | None:
    """The member's latest uncleared antispam case since `since`: (case id, its step)."""
    from bot.core import cases

    case_id = next((i for i in strike_cases(db, room_id, member_id, since) if i is not None), None)
    if case_id is None:
        return None
    kind = cases.field_of(db, [case_id], "kind").get(case_id)
    return (case_id, kind) if kind is not None else None


def _insert_strike(insert: Any) -> Any:
    c = _STRIKES.c
    return insert(_STRIKES).values(**{name: bindparam(name, type_=c[name].type)
                                      for name in ("room_id", "member_id", "case_id", "at", "cleared")})


def add_strike(db: Session, room_id: str, member_id: str, case_id: int, at: datetime) -> None:
    repo.run_prepared(db, repo.prepared(db, "antispam.add_strike", _insert_strike),
                      {"room_id": room_id, "member_id": member_id, "case_id": case_id, "at": at, "cleared": False})


def clear_strikes(db: Session, case_id: int) -> int:
    result = db.execute(update(Strike).where(Strike.case_id == case_id, Strike.cleared.is_(False))
                        .values(cleared=True))
    return int(getattr(result, "rowcount", 0) or 0)


def prune_messages(db: Session, before: datetime) -> int:
    result = db.execute(delete(StoredMessage).where(StoredMessage.at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def messages_since(db: Session, since: datetime, room_id: str | None = None) -> list[StoredMessage]:
    query = select(StoredMessage).where(StoredMessage.at >= since).order_by(StoredMessage.at, StoredMessage.id)
    if room_id:
        query = query.where(StoredMessage.room_id == room_id)
    return list(db.scalars(query))
