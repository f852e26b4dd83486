"""A member's data on request: export everything stored about a contact id, delete it (keeping
a ban unless asked), and prune old name history. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner, Result
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.clock import FakeClock
from bot.core import lists
from bot.core.privacy import delete_member, export_member, prune_name_history
from db.models import NameHistory
from db.session import make_engine, make_sessionmaker
from plugins.checkin import CheckinPlugin
from plugins.moderation import ModerationPlugin
from tests.harness import Harness, wait_until

START = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


@contextmanager
def cli_session(database_url: str) -> Iterator[Session]:
    """A session as `qunguan member export/delete` opens one beside the running bot (db.session's
    long busy timeout). A test exporting, then deleting, in one transaction of the bot's loop
    engine failed with "database is locked" while the bot's inbox thread wrote (a loaded
    machine): SQLite fails at once a write in a transaction that read before another
    connection committed, whatever the timeout; the CLI's delete starts with its write."""
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as db:
            yield db
    finally:
        engine.dispose()


async def lived_a_little(tmp_path, database_url) -> Harness:
    bot = Harness(tmp_path, [ModerationPlugin(), CheckinPlugin()], database_url=database_url, clock=FakeClock(START))
    await bot.start()
    room, bob = bot.cast.admin, bot.cast["bob"]
    bot.say(room, "bob", "大家好，我是 bob")
    bot.say(room, "bob", "打卡")
    bot.say(room, "laowang", "#warn @bob 刷屏", mentions=[bob])
    bot.say(room, "bob", "#warn @carol 测试", mentions=[bot.cast["carol"]])  # refused: not an admin
    await bot.wait_text(room, "警告")
    async with bot.app.write_session() as db:
        lists.add(db, lists.BLACKLIST, room, bob, reason="广告", by=bot.cast["laowang"], at=START)
        db.commit()
    return bot


async def test_export_then_delete_a_member(tmp_path, database_url):
    bot = await lived_a_little(tmp_path, database_url)
    bob, laowang = bot.cast["bob"], bot.cast["laowang"]
    try:
        def exported() -> dict:
            with bot.app.sessions() as db:  # closed each time: a dropped session kept its connection
                return export_member(db, bob)

        await wait_until(lambda: "core_case" in exported())
        with cli_session(database_url) as db:
            data = export_member(db, bob)
            assert {"core_member", "core_name_history", "core_case", "checkin_record",
                    "core_list_entry"} <= set(data)
            json.dumps(data, ensure_ascii=False)  # JSON-ready
            db.rollback()  # as two commands do: the delete's transaction starts with its write

            counts = delete_member(db, bob)
            db.commit()
            left = export_member(db, bob)
            assert set(left) == {"core_list_entry"}  # the ban stays
            assert counts["core_case"] >= 1 and counts["core_member"] >= 1
            assert delete_member(db, bob, include_blacklist=True) == {"core_list_entry": 1}
            db.commit()
            assert export_member(db, bob) == {}

            # an admin asking: rows about others stay, their id is blanked where they acted
            carol = bot.cast["carol"]
            lists.add(db, lists.BLACKLIST, bot.cast.admin, carol, reason="广告", by=laowang, at=START)
            db.commit()
            counts = delete_member(db, laowang)
            db.commit()
            assert counts.get("core_list_entry.added_by") == 1
            assert export_member(db, laowang) == {}
            kept = export_member(db, carol)["core_list_entry"]
            assert [(row["member_id"], row["added_by"]) for row in kept] == [(carol, "")]
    finally:
        await bot.stop()


def test_member_cli_dry_run_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'bot.db'}"

    def cli(*args: str) -> Result:
        # in-process: the same click commands an operator runs, without a Python start per call
        result = CliRunner().invoke(main, [*args, "--db", url], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    cli("db", "upgrade")
    from db.session import make_engine, make_sessionmaker
    engine = make_engine(url)
    with make_sessionmaker(engine)() as db:
        db.add(NameHistory(room_id=None, subject_id="wxid_x", kind="name", value="小X", seen_at=START))
        db.commit()
    engine.dispose()

    exported = json.loads(cli("member", "export", "wxid_x").stdout)
    assert exported["tables"]["core_name_history"][0]["value"] == "小X"
    assert "dry run" in cli("member", "delete", "wxid_x").stdout
    assert json.loads(cli("member", "export", "wxid_x").stdout)["tables"]
    assert "deleted: 1 row(s)" in cli("member", "delete", "wxid_x", "--yes").stdout
    assert json.loads(cli("member", "export", "wxid_x").stdout)["tables"] == {}


def test_name_history_pruning_keeps_each_latest_name(database_url):
    url = database_url  # the latest-per-group subquery runs on SQLite and PostgreSQL
    from db.migrate import upgrade
    from db.session import make_engine, make_sessionmaker
    upgrade(url)
    engine = make_engine(url)
    old = START - timedelta(days=400)
    with make_sessionmaker(engine)() as db:
        for i, name in enumerate(["甲", "乙", "丙"]):
            db.add(NameHistory(room_id="r", subject_id="wxid_a", kind="alias", value=name,
                               seen_at=old + timedelta(days=i)))
        db.add(NameHistory(room_id=None, subject_id="wxid_b", kind="name", value="老名字", seen_at=old))
        db.add(NameHistory(room_id=None, subject_id="wxid_c", kind="name", value="新名字", seen_at=START))
        db.commit()
        assert prune_name_history(db, START - timedelta(days=180)) == 2
        db.commit()
        left = {(row.subject_id, row.value) for row in db.scalars(select(NameHistory))}
    engine.dispose()
    assert left == {("wxid_a", "丙"), ("wxid_b", "老名字"), ("wxid_c", "新名字")}


def test_audit_pruning(database_url):
    from bot.core.privacy import prune_audit
    from db.migrate import upgrade
    from db.models import AuditEntry
    from db.session import make_engine, make_sessionmaker
    url = database_url
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as db:
        for days in (400, 10):
            db.add(AuditEntry(at=START - timedelta(days=days), room_id="r", action="Reply", source="t", outcome="done"))
        db.commit()
        assert prune_audit(db, START - timedelta(days=365)) == 1
        db.commit()
        assert len(list(db.scalars(select(AuditEntry)))) == 1
    engine.dispose()


async def test_a_persons_private_state_is_exported_and_deleted_with_them(tmp_path, database_url):
    """The bot's once-a-day answer to a member's private message and the cases an owner has read
    are kept in the person's own core_setting scope: `qunguan member delete` removes them."""
    bot = await lived_a_little(tmp_path, database_url)
    bob, laowang = bot.cast["bob"], bot.cast["laowang"]
    try:
        bot.world.say_private(bob, "你好")
        bot.say(bot.cast.admin, "laowang", "#cases")
        await bot.settle()
        with cli_session(database_url) as db:
            mine = {row["key"] for row in export_member(db, bob).get("core_setting", [])}
            theirs = {row["key"] for row in export_member(db, laowang).get("core_setting", [])}
            assert "moderation.private_hint" in mine and "cases.shown" in theirs, (mine, theirs)
            db.rollback()  # as two commands do: the delete's transaction starts with its write
            assert delete_member(db, bob)["core_setting"] == 1 and delete_member(db, laowang)["core_setting"] == 1
            db.commit()
            assert "core_setting" not in export_member(db, bob) and "core_setting" not in export_member(db, laowang)
    finally:
        await bot.stop()
