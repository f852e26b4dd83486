"""cases.count_by_kind counts in the database, on SQLite and PostgreSQL, by kind as owners read it:
a reminder apart from a warning, a removal only proposed apart from one carried out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core import cases

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_reminders_and_proposals_are_counted_apart(sessions):
    opened = [
        ("warn", "done", {}), ("warn", "done", {cases.REMINDED: True}), ("warn", "done", {cases.REMINDED: True}),
        ("kick", "done", {}), ("kick", "pending", {cases.ASKED_ADMINS: True}),
        ("kick", "asked_owner", {cases.ASKED_ADMINS: True}),
        ("kick", "removed_by_owner", {cases.ASKED_ADMINS: True}),  # the owner removed by hand: a removal
        ("ban", "done", {cases.REMINDED: True}),  # the flag belongs to warnings only
        ("warn", "shadow", {cases.REMINDED: True}),  # did nothing by design: not counted
    ]
    with sessions() as db:
        for kind, outcome, evidence in opened:
            cases.open_case(db, room_id="r", kind=kind, target_id="m", source="antispam", at=AT, reason="广告",
                            outcome=outcome, evidence=evidence)
        db.commit()
        counts = cases.count_by_kind(db, "r", AT - timedelta(days=1), AT + timedelta(days=1),
                                     ("warn", "kick", "ban"))
    assert counts == {"warn": 1, "remind": 2, "kick": 2, "propose": 2, "ban": 1}
