"""What the core knows about each member of each room (core_member), as plugins may use it.

Plugins read member facts and add credit through these functions (and the sender's facts come
on the context, ctx.member), never through the core's tables: the schema can change without
touching a plugin. The per-message write is one upsert with RETURNING (on PostgreSQL in one
statement with the event's dedupe claim: claim_message), so the facts a plugin reads cost no
second query, nor do the plugins' own facts about the sender they declare (sender_fact; issue 13).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, exists, literal, select
from sqlalchemy.orm import Session

from db import repo
from db.models import KnownRoom, Member
from db.repo import dialect_insert

_TABLE = Member.__table__
_COLUMNS = ("room_id", "member_id", "first_seen", "joined_at", "inviter_id", "left_at", "last_message_at",
            "messages", "credit", "established")


@dataclass(frozen=True, slots=True)
class MemberFacts:
    room_id: str
    member_id: str
    first_seen: datetime
    joined_at: datetime | None = None  # from a join event the bot saw
    inviter_id: str | None = None
    left_at: datetime | None = None
    last_message_at: datetime | None = None
    messages: int = 0
    credit: int = 0  # approved history earned elsewhere (check-in streaks)
    established: bool = False  # in the group before the bot met it: never a newcomer
    # on a group message's sender: the plugins' own facts about them (sender_fact), by name
    plugin_facts: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, row: Any, plugin_facts: tuple[str, ...] = ()) -> MemberFacts:
        n = len(_COLUMNS)
        return cls(**{name: row[i] for i, name in enumerate(_COLUMNS)},
                   plugin_facts={name: row[n + i] for i, name in enumerate(plugin_facts)})


# name -> builder of a scalar subquery (see sender_fact)
_SENDER_FACTS: dict[str, Callable[[], Any]] = {}


def sender_fact(name: str, build: Callable[[], Any]) -> None:
    """Declare a plugin's own fact about a group message's sender, read by the core's
    per-message write (in its RETURNING) instead of by a query of the plugin's: one statement
    less per message (issue 13). `build()` returns a scalar subquery over the plugin's own
    tables, keyed by bindparam("room_id") and bindparam("member_id"); the value is on
    ctx.member.plugin_facts[name]. Declared when the plugin's module is imported, before the
    first message."""
    _SENDER_FACTS[name] = build


def _with_sender_facts(stmt: Any) -> Any:
    return stmt.returning(*(build() for build in _SENDER_FACTS.values()))


def _prepared_name(base: str) -> tuple[str, tuple[str, ...]]:
    names = tuple(_SENDER_FACTS)
    return f"{base}+{','.join(names)}", names


def _returning() -> tuple[Any, ...]:
    return tuple(_TABLE.c[name] for name in _COLUMNS)


def touch(db: Session, room_id: str, member_id: str, at: datetime, *, message: bool = False,
          joined: bool = False, inviter_id: str | None = None, left: bool = False) -> MemberFacts:
    """Keep core_member current: called by the core for every message and join/leave. One
    statement; returns the member's facts after it."""
    if message:  # the per-message path: one prepared statement
        assert not (joined or left), "a message, a join and a leave are different events"
        _flush_pending(db)
        name, facts_read = _prepared_name("members.message")
        row = repo.run_prepared(db, repo.prepared(db, name, lambda insert: _with_sender_facts(_message_upsert(insert))),
                                {"room_id": room_id, "member_id": member_id, "at": at}).first()
        return MemberFacts.of(row, facts_read)
    values: dict[str, Any] = {"room_id": room_id, "member_id": member_id, "first_seen": at, "messages": 0,
                              "credit": 0, "established": False}
    update: dict[str, Any] = {}
    c = _TABLE.c
    if joined:
        values.update(joined_at=at, inviter_id=inviter_id)
        # established only if they had left: someone "there before the bot" who joins without
        # having left was not there (the group was first read just after the join, at start-up)
        update.update(joined_at=at, inviter_id=inviter_id, left_at=None,
                      established=case((c.left_at.is_(None), False), else_=c.established))
    if left:
        values["left_at"] = at
        update["left_at"] = at
    stmt = dialect_insert(db, _TABLE).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["room_id", "member_id"], set_=update) if update \
        else stmt.on_conflict_do_nothing(index_elements=["room_id", "member_id"])
    row = db.execute(stmt.returning(*_returning())).first()
    if row is None:  # nothing to change and already known
        found = facts(db, room_id, member_id)
        assert found is not None
        return found
    return MemberFacts.of(row)


# a name to remember with a message's claim: (subject_id, kind, value, room_id), see repo.note_name
NameNote = tuple[str, str, str, str | None]


def claim_message(db: Session, event_id: str, room_id: str, member_id: str, at: datetime,
                  names: Sequence[NameNote] = ()) -> MemberFacts | None:
    """A group message's first writes: claim the event (repo.mark_seen: the arbiter that it is
    handled once) and, if it was claimed, touch its sender and remember `names` (repo.note_name).
    Returns the sender's facts, or None for a duplicate (nothing written). On PostgreSQL one
    statement with data-modifying CTEs (a round trip or more less per message, issue 13);
    SQLite has none and runs them one by one, in the same order."""
    return claim_messages(db, [MessageClaim(event_id, room_id, member_id, at, tuple(names))])[0]


@dataclass(frozen=True, slots=True)
class MessageClaim:
    """What claim_message takes for one group message."""

    event_id: str
    room_id: str
    member_id: str
    at: datetime
    names: tuple[NameNote, ...] = ()


def claim_messages(db: Session, claims: Sequence[MessageClaim]) -> list[MemberFacts | None]:
    """claim_message for several messages of different rooms, in order: on PostgreSQL their
    statements reach the server together, one round trip for all (bot/core/batch.py claims
    the events waiting for the database gate with the one that holds it)."""
    if db.get_bind().dialect.name != "postgresql":
        return [_claim_on_sqlite(db, claim) for claim in claims]
    _flush_pending(db)
    runs = []
    read: list[tuple[str, ...]] = []
    for claim in claims:
        name, facts_read = _prepared_name(f"members.claim_message/{len(claim.names)}")
        params = {"event_id": claim.event_id, "room_id": claim.room_id, "seen_at": claim.at,
                  "member_id": claim.member_id, "at": claim.at}
        for i, (subject_id, kind, value, name_room) in enumerate(claim.names):
            params.update(repo.note_name_params(subject_id, kind, value, claim.at, name_room, prefix=f"n{i}_"))
        runs.append((repo.prepared(db, name, _claim_builder(len(claim.names))), params))
        read.append(facts_read)
    rows = [result.first() for result in repo.run_prepared_together(db, runs)]
    return [None if row is None else MemberFacts.of(row, names) for row, names in zip(rows, read, strict=True)]


def _claim_on_sqlite(db: Session, claim: MessageClaim) -> MemberFacts | None:
    """SQLite has no data-modifying CTEs: the sender's upsert runs only if no core_seen_event
    row names the event (one statement), and the seen mark is queued for the commit
    (repo.mark_seen_at_commit: the upsert took the write lock, so nobody else can mark it
    meanwhile). It was an INSERT of the mark and then the upsert, two statements a message."""
    if repo.seen_at_commit(db, claim.event_id):
        return None  # claimed earlier in this transaction
    _flush_pending(db)
    name, facts_read = _prepared_name("members.claim_unseen")
    row = repo.run_prepared(db, repo.prepared(db, name, lambda insert: _with_sender_facts(_claim_unseen(insert))),
                            {"event_id": claim.event_id, "room_id": claim.room_id, "member_id": claim.member_id,
                             "at": claim.at}).first()
    if row is None:
        return None  # handled before (its mark committed): a redelivery
    repo.mark_seen_at_commit(db, claim.event_id, claim.room_id, claim.at)
    for subject_id, kind, value, name_room in claim.names:
        repo.note_name(db, subject_id, kind, value, claim.at, room_id=name_room)
    return MemberFacts.of(row, facts_read)


def _claim_unseen(insert: Any) -> Any:
    return _message_upsert_if(insert, repo.unseen(bindparam("event_id")))


def _message_upsert_if(insert: Any, condition: Any) -> Any:
    """The sender's message upsert, written only where `condition` holds (the event unseen)."""
    c = _TABLE.c
    at = bindparam("at", type_=c.last_message_at.type)
    values = select(bindparam("room_id", type_=c.room_id.type), bindparam("member_id", type_=c.member_id.type),
                    at, at, literal(1), literal(0), literal(False)).where(condition)
    return (insert(_TABLE).from_select(["room_id", "member_id", "first_seen", "last_message_at", "messages",
                                        "credit", "established"], values)
            .on_conflict_do_update(index_elements=["room_id", "member_id"], set_=_spoke(at))
            .returning(*_returning()))


def _claim_builder(names: int) -> Callable[[Any], Any]:
    return lambda insert: _with_sender_facts(_claim_message(insert, names))


def _flush_pending(db: Session) -> None:
    """The sender facts are read below the ORM: what an earlier event of the shared
    transaction (bot/core/batch.py) left pending in the session is written first, so they see it."""
    # identity_map.check_modified(), not db.dirty: that one walks every object the batch's
    # session holds, on every message (a flush with nothing changed does nothing)
    if _SENDER_FACTS and (db.new or db.deleted or db.identity_map.check_modified()):
        db.flush()


def _claim_message(insert: Any, names: int) -> Any:
    # the seen row is claimed by the CTE; the member upsert and the names are written only on
    # the row it returned (none: another transaction, here or in another process, had claimed
    # the event). The CTEs all see the tables as they were when the statement began: they
    # write to different tables, the names to different (subject, kind)
    seen = repo.mark_seen_statement(insert).cte("seen")
    claimed = exists(select(seen.c.event_id))
    name_ctes = [repo.note_name_statement(insert, [f"n{i}_" for i in range(names)], only_if=claimed).cte("names")
                 ] if names else []
    return _message_upsert_if(insert, claimed).add_cte(seen, *name_ctes)


def _message_upsert(insert: Any) -> Any:
    c = _TABLE.c
    at = bindparam("at", type_=c.last_message_at.type)  # one parameter, typed (UTC storage) everywhere it is used
    return (insert(_TABLE).values(room_id=bindparam("room_id"), member_id=bindparam("member_id"),
                                  first_seen=at, last_message_at=at, messages=1, credit=0, established=False)
            .on_conflict_do_update(index_elements=["room_id", "member_id"], set_=_spoke(at))
            .returning(*_returning()))


def _spoke(at: Any) -> dict[str, Any]:
    """What a message changes on a known member (both message upserts): one more message, its
    time, and they are evidently in the group."""
    return {"messages": _TABLE.c.messages + 1, "last_message_at": at, "left_at": None}


def facts(db: Session, room_id: str, member_id: str) -> MemberFacts | None:
    row = db.execute(select(*_returning()).where(_TABLE.c.room_id == room_id,
                                                 _TABLE.c.member_id == member_id)).first()
    return MemberFacts.of(row) if row is not None else None


def in_room(db: Session, room_id: str) -> list[MemberFacts]:
    """Every member the bot has known in a room (left ones included: see left_at)."""
    return [MemberFacts.of(row) for row in db.execute(select(*_returning()).where(_TABLE.c.room_id == room_id))]


def add_credit(db: Session, room_id: str, member_id: str, amount: int, at: datetime) -> None:
    """Approved history earned elsewhere (a check-in streak) that anti-spam probation counts."""
    if amount <= 0:
        return
    # prepared: every check-in adds credit, and building the upsert cost more than running it
    repo.run_prepared(db, repo.prepared(db, "members.add_credit", _credit_upsert),
                      {"room_id": room_id, "member_id": member_id, "at": at, "amount": amount})


def _credit_upsert(insert: Any) -> Any:
    c = _TABLE.c
    stmt = insert(_TABLE).values(room_id=bindparam("room_id"), member_id=bindparam("member_id"),
                                 first_seen=bindparam("at", type_=c.first_seen.type), messages=0,
                                 credit=bindparam("amount", type_=c.credit.type), established=False)
    return stmt.on_conflict_do_update(index_elements=["room_id", "member_id"],
                                      set_={"credit": c.credit + stmt.excluded.credit})


def inviters_since(db: Session, room_id: str, since: datetime) -> list[str | None]:
    """Who invited each member who joined the room since then (a join raid; None: not known)."""
    return list(db.scalars(select(_TABLE.c.inviter_id).where(
        _TABLE.c.room_id == room_id, _TABLE.c.joined_at >= since)))


def memberships(db: Session, member_id: str) -> list[MemberFacts]:
    """The member's facts in every room where the bot has known them (left ones included)."""
    return [MemberFacts.of(row) for row in db.execute(select(*_returning()).where(_TABLE.c.member_id == member_id))]


def known(db: Session, member_id: str) -> bool:
    return db.scalar(select(_TABLE.c.member_id).where(_TABLE.c.member_id == member_id).limit(1)) is not None


def watched_since(db: Session, room_id: str) -> datetime | None:
    """When the bot first saw this room: what it knows of its members' messages starts there (a
    member silent "for 14 days" to a bot that has watched for two minutes is not a lurker)."""
    return db.scalar(select(KnownRoom.first_seen).where(KnownRoom.room_id == room_id))
