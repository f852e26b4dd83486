"""The check-in's own statements (plugins/checkin/store.py): what one check-in reads and writes,
how many statements that takes, and that the unique (room, member, day) still decides a race."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, insert, select

from bot.clock import FakeClock
from bot.core import members
from bot.core.context import Context
from bot.core.roles import Role
from bot.events import MessageKind, MessageReceived
from bot.platform import RoomInfo
from bot.rules.loader import parse_rules
from db import load_all_models
from db.migrate import upgrade
from db.session import loop_engine, make_sessionmaker
from plugins.checkin import CheckinPlugin, store
from plugins.checkin.models import CheckinNotice, CheckinRecord
from tests.races import claim_concurrently, once_each

SH = ZoneInfo("Asia/Shanghai")
ROOM = "r1@chatroom"
TODAY = date(2026, 6, 1)
T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def _add(db, member: str, day: date, at: datetime, *, makeup: bool = False, announced: bool = True,
         room: str = ROOM) -> bool:
    return store.add_record(db, room_id=room, member_id=member, day=day, at=at, name=member, note="", makeup=makeup,
                            points=10, streak=1, total=1, announced=announced)


def test_one_read_gives_the_members_days_todays_record_the_rank_and_the_recent_confirmations(sessions):
    since = T0 - timedelta(minutes=2)
    with sessions() as db:
        assert _add(db, "alice", TODAY - timedelta(days=2), T0 - timedelta(days=2))
        assert _add(db, "alice", TODAY - timedelta(days=1), T0 - timedelta(days=1), makeup=True)
        assert _add(db, "bob", TODAY, T0 - timedelta(minutes=5))  # before `since`
        assert _add(db, "carol", TODAY, T0 - timedelta(minutes=1))  # confirmed one by one
        assert _add(db, "dave", TODAY, T0 - timedelta(seconds=30), announced=False)  # merged: not counted
        assert _add(db, "erin", TODAY, T0 - timedelta(seconds=20), room="other@chatroom")
        db.commit()
    with sessions() as db:
        alice = store.check_in_standing(db, ROOM, "alice", TODAY, since, since.astimezone(SH).date())
        assert alice.today is None
        assert sorted(alice.days) == [TODAY - timedelta(days=2), TODAY - timedelta(days=1)]
        assert (alice.ranked, alice.confirmed) == (3, 1)
        carol = store.check_in_standing(db, ROOM, "carol", TODAY, since, since.astimezone(SH).date())
        assert carol.today is not None and carol.today.at == T0 - timedelta(minutes=1)
        assert not carol.today.repeat_answered and carol.days == [TODAY]
        store.mark_repeat_answered(db, carol.today.id)
        again = store.check_in_standing(db, ROOM, "carol", TODAY, since, since.astimezone(SH).date())
        assert again.today is not None and again.today.repeat_answered
        # a member and a room with nothing yet: the counts still come back
        nobody = store.check_in_standing(db, "empty@chatroom", "zed", TODAY, since, since.astimezone(SH).date())
        assert (nobody.today, nobody.days, nobody.ranked, nobody.confirmed) == (None, [], 0, 0)


def test_a_second_record_for_the_same_day_is_refused_without_an_error(sessions):
    with sessions() as db:
        assert _add(db, "alice", TODAY, T0)
        assert not _add(db, "alice", TODAY, T0 + timedelta(minutes=1))
        assert _add(db, "alice", TODAY + timedelta(days=1), T0 + timedelta(days=1))
        db.commit()  # the refusal did not spoil the transaction (PostgreSQL aborts one on an error)
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(CheckinRecord)) == 2


def test_two_check_ins_at_once_make_one_record(database_url):
    """Four engines (four bot processes) record the same members' check-ins of the day at once:
    each member gets exactly one record."""
    load_all_models()
    upgrade(database_url)
    claims, engines = claim_concurrently(database_url, lambda db, member: _add(db, member, TODAY, T0))
    assert once_each(claims)
    with make_sessionmaker(engines[0])() as db:
        assert db.scalar(select(func.count()).select_from(CheckinRecord)) == len(claims)
    for e in engines:
        e.dispose()


class _Plugin:
    """The check-in plugin on a migrated database, every statement its engine runs recorded."""

    def __init__(self, database_url: str) -> None:
        load_all_models()
        upgrade(database_url)
        self.engine = loop_engine(database_url)
        self.sessions = make_sessionmaker(self.engine)
        self.plugin = CheckinPlugin()
        self.rules = parse_rules("version: 1\ndefaults: {timezone: Asia/Shanghai}\n", "test", [self.plugin])
        self.room = RoomInfo(ROOM, "test", "owner", frozenset(), ("bot", "owner", "alice", "bob"))
        self.statements: list[str] = []
        event.listen(self.engine, "before_cursor_execute",
                     lambda _c, _cur, sql, *_a: self.statements.append(sql))

    async def check_in(self, clock: FakeClock, event_id: str, who: str) -> tuple[list[str], list[str], bool]:
        """One 打卡 from `who` in its own transaction: the statements it ran (not SQLite's own
        BEGIN), the replies it planned, and whether it loaded anything into the session."""
        self.statements.clear()
        message = MessageReceived(event_id=event_id, room_id=ROOM, sender_id=who, sender_name=who, sender_alias="",
                                  kind=MessageKind.TEXT, text="打卡", timestamp=clock.now())
        with self.sessions() as db:
            ctx = Context(rules=self.rules, clock=clock, db=db, room_id=ROOM, room=self.room, self_id="bot",
                          event=message, sender_role=Role.MEMBER)
            await self.plugin.handle(ctx)
            loaded = bool(db.identity_map)
            sql = [s for s in self.statements if s != "BEGIN"]
            db.commit()
        return sql, [p.action.text for p in ctx.planned], loaded  # type: ignore[attr-defined]


async def test_a_check_in_is_three_statements_and_a_repeat_two(database_url):
    """A check-in reads its standing in one statement, then writes its record and the member's
    credit: no savepoint, no query per figure (it was eight statements, issue 13). A repeated
    打卡 reads and marks the record answered; the next repeat only reads."""
    rig = _Plugin(database_url)
    engine, sessions = rig.engine, rig.sessions
    clock = FakeClock(T0)
    with sessions() as db:
        # a streak, and the room has its records: the everyday case
        db.execute(insert(CheckinRecord), [
            {"room_id": ROOM, "member_id": who, "day": TODAY - timedelta(days=back), "at": T0 - timedelta(days=back),
             "name": who, "note": "", "makeup": False, "points": 10, "streak": 1, "total": 1, "announced": True,
             "repeat_answered": False} for who, back in (("alice", 1), ("alice", 2), ("alice", 3), ("bob", 0))])
        members.add_credit(db, ROOM, "alice", 1, T0)
        db.commit()

    async def check_in(n: int) -> list[str]:
        sql, replies, _ = await rig.check_in(clock, f"m{n}", "alice")
        assert len(replies) <= 1
        return sql

    try:
        first = await check_in(1)
        assert len(first) == 3, first
        assert not any("SAVEPOINT" in s.upper() for s in first)
        assert len(await check_in(2)) == 2  # read, mark answered
        assert len(await check_in(3)) == 1  # read: already answered today, silent
        with sessions() as db:
            mine = db.execute(select(CheckinRecord.streak, CheckinRecord.total, CheckinRecord.points).where(
                CheckinRecord.member_id == "alice", CheckinRecord.day == TODAY)).one()
            assert tuple(mine) == (4, 4, 13)
            facts = members.facts(db, ROOM, "alice")
            assert facts is not None and facts.credit == 2
    finally:
        engine.dispose()


async def test_check_ins_while_closed_claim_the_answer_in_one_statement_each(database_url):
    """Check-in is closed at night: the first 打卡 claims the day's "closed" answer and is
    answered, every later one is silent. Each claim is one INSERT … ON CONFLICT DO NOTHING below
    the ORM (it was the ORM's get, and a savepoint, an INSERT and its release for the first:
    ~3.5% of the bot at 1,000 msg/s at night, issue 13); a job's claim of a notice is the same."""
    rig = _Plugin(database_url)
    engine, sessions = rig.engine, rig.sessions
    clock = FakeClock(datetime(2026, 6, 1, 18, 30, tzinfo=UTC))  # 02:30 in Shanghai: closed

    async def check_in(n: int, who: str) -> tuple[list[str], list[str]]:
        sql, replies, loaded = await rig.check_in(clock, f"m{n}", who)
        assert not loaded  # nothing loaded into the session
        return sql, replies

    try:
        first, answered = await check_in(1, "alice")
        assert len(first) == 1 and "ON CONFLICT" in first[0].upper(), first
        assert len(answered) == 1 and answered[0].startswith("现在不是打卡时间"), answered
        later, silent = await check_in(2, "bob")
        assert len(later) == 1 and silent == []
        with sessions() as db:
            assert store.claim_notice(db, ROOM, "remind", TODAY, clock.now())
            assert not store.claim_notice(db, ROOM, "remind", TODAY, clock.now())
            assert store.claim_notice(db, ROOM, "remind", TODAY + timedelta(days=1), clock.now())
            db.commit()
        with sessions() as db:
            assert not store.claim_notice(db, ROOM, "closed", date(2026, 6, 2), clock.now())
            kinds = db.execute(select(CheckinNotice.kind, CheckinNotice.day, CheckinNotice.sent_at)
                               .order_by(CheckinNotice.kind, CheckinNotice.day)).all()
        now = clock.now()
        assert [tuple(k) for k in kinds] == [("closed", date(2026, 6, 2), now), ("remind", TODAY, now),
                                             ("remind", TODAY + timedelta(days=1), now)]
    finally:
        engine.dispose()
