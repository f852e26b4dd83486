"""Withdrawing what still waits in the outbox (an #unban before its ban went out, a welcome for
a member being removed) never undoes a row another process's sender has taken meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.actions import Kick, Reply, to_record
from bot.core import outbox
from db.models import OutboxRow

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _row(action, at: datetime = T0) -> OutboxRow:
    kind, payload = to_record(action)
    return OutboxRow(lane=action.room_id, room_id=action.room_id, kind=kind, payload=payload, source="test",
                     answer=False, owner="me", case_id=getattr(action, "case_id", None), status=outbox.PENDING,
                     attempts=0, told=False, created_at=at, updated_at=at)


def _statuses(sessions) -> list[str]:
    with sessions() as db:
        return [r.status for r in db.scalars(select(OutboxRow).where(OutboxRow.kind == "Reply").order_by(OutboxRow.id))]


def test_a_row_another_sender_took_after_it_was_read_is_not_marked_withdrawn(sessions, database_url):
    with sessions() as db:
        db.add_all([_row(Reply("r1", "欢迎 阿杰", ("u1",), greets=("u1",))),
                    _row(Reply("r1", "欢迎 小明", ("u2",), greets=("u2",)))])
        db.commit()

    def sender_takes_the_first() -> None:
        with sessions() as sender:
            sender.scalars(select(OutboxRow).order_by(OutboxRow.id)).first().status = outbox.IN_FLIGHT
            sender.commit()
    # PostgreSQL reads committed rows: a sender's mark may land between reading a row as pending
    # and withdrawing it. SQLite serialises writers (a stale reader's write fails and is
    # retried), so there the mark lands first.
    interleaved = database_url.startswith("postgresql")
    if not interleaved:
        sender_takes_the_first()
    with sessions() as db:
        ids = list(db.scalars(select(OutboxRow.id).where(OutboxRow.status == outbox.PENDING)
                              .order_by(OutboxRow.id)))
        if interleaved:
            sender_takes_the_first()
        assert outbox._withdraw(db, ids, T0, "test") == [None]  # only the one still pending
        db.commit()
    assert _statuses(sessions) == [outbox.IN_FLIGHT, outbox.WITHDRAWN]


def test_a_merged_welcome_is_withdrawn_only_once_all_its_newcomers_are_being_removed(sessions):
    with sessions() as db:
        db.add_all([_row(Reply("r1", "欢迎 阿杰", ("u1",), greets=("u1",))),
                    _row(Reply("r1", "欢迎 阿杰、小明", ("u1", "u2"), greets=("u1", "u2"))),
                    _row(Reply("r1", "ping", ("u1",)))])  # not a greeting: never withdrawn
        db.commit()
    with sessions() as db:
        db.add(_row(Kick("r1", "u1", "广告")))
        assert outbox.withdraw_greetings(db, "r1", T0) == 1
        db.commit()
    assert _statuses(sessions) == [outbox.WITHDRAWN, outbox.PENDING, outbox.PENDING]
    with sessions() as db:
        db.add(_row(Kick("r1", "u2", "广告")))
        assert outbox.withdraw_greetings(db, "r1", T0) == 1
        db.commit()
    assert _statuses(sessions) == [outbox.WITHDRAWN, outbox.WITHDRAWN, outbox.PENDING]


def test_a_welcome_waiting_its_turn_is_withdrawn_when_a_replacement_is_staged_for_it(sessions):
    """A raid in a simulated 考研 group: the welcome naming dave and three advertisers waited for
    its send slot while the advertisers' removals went first; the first removal sent the welcome
    again for dave, and its recall (ahead of the sends waiting) found nothing sent to take back.
    Both welcomes stood. The waiting one is withdrawn when its replacement is staged."""
    from bot.actions import Recall

    key = "greeting.welcome"
    with sessions() as db:
        db.add_all([_row(Reply("r1", "欢迎 dave、阿强、阿美", ("dave", "qiang", "mei"), recall_key=key,
                               greets=("dave", "qiang", "mei"))),
                    _row(Reply("r1", "欢迎 阿杰", ("jie",), recall_key=key, greets=("jie",))),  # greets one kept
                    _row(Kick("r1", "qiang", "广告")), _row(Kick("r1", "mei", "广告"))])
        db.commit()
    with sessions() as db:
        # the replacement greets dave only: the first waiting welcome is replaced, the second greets
        # jie, who is staying and not in the replacement: it is left for the recall's own check
        assert outbox.withdraw_replaced(db, Recall("r1", recall_key=key, replaced_for=("dave",)), T0) == 1
        db.commit()
    assert _statuses(sessions) == [outbox.WITHDRAWN, outbox.PENDING]
