"""Anti-spam's per-message path outside the decision (issue 13): what the plugin reads and keeps
for a message besides deciding it. Counted, not timed: which statements an ad's handling builds
through the ORM, which kept messages the windows unpack. The decisions themselves are pinned by
test_antispam_score_identity.py and eval-spam."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.clock import FakeClock
from bot.core import members
from bot.core.context import Context
from bot.events import MessageKind, MessageReceived
from bot.platform import RoomInfo
from bot.rules.loader import parse_rules
from db.models import Case
from plugins.antispam import AntispamPlugin, ladder, store
from plugins.antispam.models import Strike

ROOM = RoomInfo(id="r1@chatroom", topic="t", owner_id="wxid_owner", admin_ids=frozenset({"wxid_bot"}),
                member_ids=frozenset({"wxid_a", "wxid_b", "wxid_owner", "wxid_bot"}))
AD = "兼职日结，手机就能做，一天轻松300+，有意者加薇信 jz_lily{n}"


@contextmanager
def _orm_reads_of_strikes(db: Session) -> Iterator[list[str]]:
    """The ORM statements the block runs that touch the strikes (SQLAlchemy's do_orm_execute)."""
    seen: list[str] = []

    def record(state) -> None:  # type: ignore[no-untyped-def]
        if "antispam_strike" in str(state.statement):
            seen.append(str(state.statement))

    event.listen(db, "do_orm_execute", record)
    try:
        yield seen
    finally:
        event.remove(db, "do_orm_execute", record)


def _message(i: int, sender: str, text: str, at: datetime) -> MessageReceived:
    return MessageReceived(event_id=f"m{i}", room_id=ROOM.id, sender_id=sender, sender_name=sender,
                           sender_alias="", kind=MessageKind.TEXT, text=text, timestamp=at)


async def test_an_ads_strikes_are_read_on_the_drivers_cursor_and_a_burst_in_one_transaction_is_one_case(sessions):
    # a member's strikes are read for every ad (the burst's last case, the ladder's count): built
    # through the ORM each read cost more CPU than the rest of an ad's handling in the plugin
    # (bench.antispam). Read on the driver's cursor they do not autoflush, so a strike must never
    # wait in the session: the second ad of a burst, handled in the same open transaction as the
    # first (the event batch), still finds the first's case and joins it
    plugin = AntispamPlugin()
    rules = parse_rules("version: 1\n", "test", [plugin])
    clock = FakeClock(datetime(2026, 5, 1, 9, tzinfo=UTC))
    with sessions() as db:
        with _orm_reads_of_strikes(db) as orm:
            for i in range(3):
                clock.advance(5)
                facts = members.touch(db, ROOM.id, "wxid_a", clock.now(), message=True)
                ctx = Context(rules=rules, clock=clock, db=db, room_id=ROOM.id, room=ROOM, self_id="wxid_bot",
                              event=_message(i, "wxid_a", AD.format(n=i), clock.now()), source="antispam",
                              member=facts)
                await plugin.handle(ctx)
        db.commit()
        assert orm == []
        [case] = db.scalars(select(Case)).all()
        assert case.target_id == "wxid_a" and case.kind == "kick"  # a newcomer's obvious ad
        assert [(s.case_id, s.cleared) for s in db.scalars(select(Strike))] == [(case.id, False)]
        since = clock.now() - timedelta(hours=1)
        assert store.strike_cases(db, ROOM.id, "wxid_a", since) == [case.id]
        assert store.last_case(db, ROOM.id, "wxid_a", since) == (case.id, "kick")
        assert ladder.active_strikes(db, ROOM.id, "wxid_a", since) == 1
        assert store.active_strikes(db, ROOM.id, "wxid_a", since) == 1
        store.clear_strikes(db, case.id)
        assert store.strike_cases(db, ROOM.id, "wxid_a", since) == []
        assert store.last_case(db, ROOM.id, "wxid_a", since) is None


async def test_a_chat_line_unpacks_its_members_kept_messages_once_and_reads_no_earlier_grams(sessions, monkeypatch):
    # the windows keep a member's messages in one bytes object: recording a message and counting
    # for it unpacked it twice, and a chat line (no grams kept: it promotes nothing) still read
    # every earlier message's grams to compare with none (issue 13). The counts are the same
    # (test_antispam_windows.py)
    from plugins.antispam import windows

    unpacked, grams_read = 0, 0
    entries, grams_of = windows._entries, windows._grams_of

    def counting_entries(*args):  # type: ignore[no-untyped-def]
        nonlocal unpacked
        unpacked += 1
        return entries(*args)

    def counting_grams(*args):  # type: ignore[no-untyped-def]
        nonlocal grams_read
        grams_read += 1
        return grams_of(*args)

    plugin = AntispamPlugin()
    rules = parse_rules("version: 1\n", "test", [plugin])
    clock = FakeClock(datetime(2026, 5, 1, 9, tzinfo=UTC))
    lines = ["今天下午开会吗", "我晚点到", "大家记得带电脑", "会议室在三楼"]
    for i, line in enumerate(lines):
        with sessions() as db:
            clock.advance(5)
            facts = members.touch(db, ROOM.id, "wxid_b", clock.now() - timedelta(days=30), message=True)
            ctx = Context(rules=rules, clock=clock, db=db, room_id=ROOM.id, room=ROOM, self_id="wxid_bot",
                          event=_message(i, "wxid_b", line, clock.now()), source="antispam", member=facts)
            if i == len(lines) - 1:
                monkeypatch.setattr(windows, "_entries", counting_entries)
                monkeypatch.setattr(windows, "_grams_of", counting_grams)
            await plugin.handle(ctx)
            db.commit()
    assert (unpacked, grams_read) == (1, 1)  # this line's own (empty) grams only
    with sessions() as db:
        assert db.scalars(select(Case)).all() == []


def test_decide_reads_a_configs_modes_once_not_per_message(monkeypatch):
    # which checks are on, in which mode, and which models may read a message were looked up in
    # the group's config for every check of every message (~5% of a draft decision): now once
    # per config, which is frozen (a reload of the rules makes new ones, and they are read anew)
    from plugins.antispam.checks import Facts
    from plugins.antispam.config import AntispamConfig
    from plugins.antispam.engine import decide

    asked = 0
    mode = AntispamConfig.mode

    def counting(self, check):  # type: ignore[no-untyped-def]
        nonlocal asked
        asked += 1
        return mode(self, check)

    monkeypatch.setattr(AntispamConfig, "mode", counting)
    cfg = AntispamConfig()
    decide(Facts(text="今天下午开会吗"), cfg, None, "r1@chatroom", explain=False)
    asked = 0
    for text in ("我晚点到", "兼职日结，手机就能做，有意者加薇信 jz_lily88", "会议室在三楼"):
        decide(Facts(text=text), cfg, None, "r1@chatroom", explain=False)
    assert asked == 0
    off = cfg.model_copy(update={"keywords": cfg.keywords.model_copy(update={"mode": "off"})})
    fired = decide(Facts(text="兼职日结，手机就能做，有意者加薇信 jz_lily88", newcomer=True), off, None, "r1@chatroom")
    assert asked > 0 and "keywords" not in {v.name for v, _ in fired.verdicts}
