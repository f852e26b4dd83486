"""Seeding the members who were in a group before the bot first met it (repo.seed_established,
one bulk statement per chunk): everyone there is established, a member the bot already knew
(the join that raced the first reading of the group, a member who spoke) keeps their row, and a
later join without a leave still takes "there before the bot" back. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core import members
from bot.core.members import MemberFacts
from db import repo

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MET = T0 + timedelta(minutes=1)


def _room(sessions, room_id: str = "r1") -> dict[str, MemberFacts]:
    with sessions() as db:
        return {m.member_id: m for m in members.in_room(db, room_id)}


def test_everyone_already_there_is_established_once(sessions):
    with sessions() as db:
        assert repo.seed_established(db, "r1", ["u1", "u2", "u1", "u3"], MET) == 3  # u1 once
        assert repo.seed_established(db, "r1", [], MET) == 0
        assert repo.seed_established(db, "r2", ["u1"], MET) == 1  # another group: a row of its own
        db.commit()
    assert _room(sessions) == {m: MemberFacts("r1", m, MET, established=True) for m in ("u1", "u2", "u3")}
    assert _room(sessions, "r2") == {"u1": MemberFacts("r2", "u1", MET, established=True)}
    with sessions() as db:  # met again (a second process, a restart before the room was kept)
        assert repo.seed_established(db, "r1", ["u1", "u2", "u3"], MET + timedelta(hours=1)) == 0
        db.commit()
    assert {m.first_seen for m in _room(sessions).values()} == {MET}


def test_a_member_the_bot_already_knew_keeps_their_row(sessions):
    """A join seen before the group was first read (the join race at start-up) is a newcomer,
    not "there before the bot"; a member who spoke keeps their count."""
    with sessions() as db:
        members.touch(db, "r1", "joiner", T0, joined=True, inviter_id="u1")
        members.touch(db, "r1", "talker", T0, message=True)
        members.touch(db, "r1", "talker", T0, message=True)
        db.commit()
    with sessions() as db:
        assert repo.seed_established(db, "r1", ["u1", "joiner", "talker"], MET) == 1
        db.commit()
    found = _room(sessions)
    assert found["joiner"] == MemberFacts("r1", "joiner", T0, joined_at=T0, inviter_id="u1")
    assert (found["talker"].established, found["talker"].messages, found["talker"].first_seen) == (False, 2, T0)
    assert found["u1"] == MemberFacts("r1", "u1", MET, established=True)


def test_a_join_after_the_seeding_takes_established_back_unless_they_had_left(sessions):
    """The group read just after a join lists the joiner: their join event, handled after the
    seeding, makes them a newcomer. Someone there before the bot who left and came back stays
    established."""
    with sessions() as db:
        repo.seed_established(db, "r1", ["raced", "regular"], MET)
        db.commit()
    later = MET + timedelta(minutes=5)
    with sessions() as db:
        members.touch(db, "r1", "raced", later, joined=True)
        members.touch(db, "r1", "regular", later, left=True)
        members.touch(db, "r1", "regular", later + timedelta(minutes=1), joined=True)
        db.commit()
    found = _room(sessions)
    assert (found["raced"].established, found["raced"].joined_at) == (False, later)
    assert (found["regular"].established, found["regular"].left_at) == (True, None)


def test_a_group_larger_than_a_chunk_is_seeded_whole(sessions, monkeypatch):
    monkeypatch.setattr(repo, "_SEED_CHUNK", 2)
    with sessions() as db:
        members.touch(db, "r1", "m3", T0, message=True)
        assert repo.seed_established(db, "r1", [f"m{i}" for i in range(7)], MET) == 6
        db.commit()
    found = _room(sessions)
    assert sorted(found) == [f"m{i}" for i in range(7)]
    assert [m for m, facts in sorted(found.items()) if not facts.established] == ["m3"]
