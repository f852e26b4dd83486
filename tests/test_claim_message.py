"""A group message's first writes (bot.core.members.claim_message): the dedupe claim and the
sender's upsert — one statement on PostgreSQL — and the plugins' sender facts read with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

import plugins.newcomers.nickname  # noqa: F401  (declares the nickname.status sender fact)
from bot.core import members
from db import load_all_models, repo
from db.migrate import upgrade
from db.models import SeenEvent
from db.session import make_sessionmaker
from plugins.newcomers.models import NicknameMember, NicknameStatus
from tests.races import claim_concurrently, once_each

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_claimed_message_counts_once_and_a_duplicate_writes_nothing(sessions):
    with sessions() as db:
        first = members.claim_message(db, "m1", "r1", "u1", T0)
        assert first is not None and first.messages == 1 and first.last_message_at == T0
        assert members.claim_message(db, "m1", "r1", "u1", T0 + timedelta(minutes=1)) is None
        second = members.claim_message(db, "m2", "r1", "u1", T0 + timedelta(minutes=2))
        assert second is not None and second.messages == 2 and second.first_seen == T0
        db.commit()
    with sessions() as db:
        assert members.claim_message(db, "m2", "r1", "u1", T0 + timedelta(minutes=3)) is None
        facts = members.facts(db, "r1", "u1")
        assert facts is not None and facts.messages == 2 and facts.last_message_at == T0 + timedelta(minutes=2)


def test_the_senders_plugin_facts_come_back_with_the_claim(sessions):
    with sessions() as db:
        unknown = members.claim_message(db, "m1", "r1", "u1", T0)
        assert unknown is not None and unknown.plugin_facts["nickname.status"] is None
        # an earlier event of the same shared transaction left the row pending in the session
        db.add(NicknameMember(room_id="r1", member_id="u1", name="u1", status=NicknameStatus.PENDING, stage=0,
                              since=T0))
        pending = members.claim_message(db, "m2", "r1", "u1", T0 + timedelta(seconds=1))
        assert pending is not None and pending.plugin_facts["nickname.status"] == NicknameStatus.PENDING
        other = members.claim_message(db, "m3", "r1", "u2", T0 + timedelta(seconds=2))
        assert other is not None and other.plugin_facts["nickname.status"] is None


def test_claims_are_race_safe_across_engines(database_url):
    """Four engines (four bot processes) claim the same messages at once: each is claimed, and
    its sender counted, exactly once."""
    load_all_models()
    upgrade(database_url)
    claims, engines = claim_concurrently(
        database_url, lambda db, event_id: members.claim_message(db, event_id, "r1", "u1", T0) is not None)
    assert once_each(claims)
    with make_sessionmaker(engines[0])() as db:
        facts = members.facts(db, "r1", "u1")
        assert facts is not None and facts.messages == len(claims)
    for e in engines:
        e.dispose()


def test_names_are_written_with_the_claim_in_order_and_only_when_changed(sessions):
    from sqlalchemy import select

    from db.models import NameHistory

    with sessions() as db:
        name, alias = ("u1", "name", "小A", None), ("u1", "alias", "上海-小A", "r1")
        assert members.claim_message(db, "m1", "r1", "u1", T0, [name, alias]) is not None
        assert members.claim_message(db, "m1", "r1", "u1", T0, [("u1", "name", "重复", None)]) is None  # duplicate
        assert members.claim_message(db, "m2", "r1", "u1", T0 + timedelta(seconds=1),
                                     [name, ("u1", "alias", "北京-小A", "r1")]) is not None  # the name is unchanged
        db.commit()
        rows = db.execute(select(NameHistory.kind, NameHistory.value, NameHistory.room_id)
                          .order_by(NameHistory.id)).all()
    assert [tuple(r) for r in rows] == [("name", "小A", None), ("alias", "上海-小A", "r1"), ("alias", "北京-小A", "r1")]


def test_on_sqlite_the_claim_is_one_statement_and_its_mark_is_written_at_commit(sessions):
    """SQLite: the sender's upsert runs only where no core_seen_event row names the event, and
    the mark is queued for the commit (one executemany a batch): one statement a message, not
    two. A redelivery after the commit, in this transaction or after a rollback, is told as
    before."""
    with sessions() as db:
        if db.get_bind().dialect.name != "sqlite":
            pytest.skip("PostgreSQL's claim is one statement with data-modifying CTEs")
        statements: list[str] = []

        def seen(conn, cursor, sql, *rest):
            statements.append(sql)

        db.connection()  # BEGIN is not counted
        event.listen(db.get_bind(), "before_cursor_execute", seen)
        try:
            assert members.claim_message(db, "m1", "r1", "u1", T0) is not None
            assert members.claim_message(db, "m2", "r1", "u2", T0) is not None
            assert len(statements) == 2 and all(s.startswith("INSERT INTO core_member") for s in statements)
            assert members.claim_message(db, "m1", "r1", "u1", T0) is None  # in this transaction
            assert not repo.mark_seen(db, "m2", "r1", T0)
            assert len(statements) == 2
            db.commit()
        finally:
            event.remove(db.get_bind(), "before_cursor_execute", seen)
        assert set(db.scalars(select(SeenEvent.event_id))) == {"m1", "m2"}
        assert members.claim_message(db, "m1", "r1", "u1", T0) is None  # after the commit
        assert members.claim_message(db, "m3", "r1", "u1", T0) is not None
        db.rollback()  # m3's claim and its queued mark go together
        assert members.claim_message(db, "m3", "r1", "u1", T0) is not None
        db.commit()
        assert set(db.scalars(select(SeenEvent.event_id))) == {"m1", "m2", "m3"}
        facts = members.facts(db, "r1", "u1")
        assert facts is not None and facts.messages == 2
