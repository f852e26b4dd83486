"""A NUL character (members control text, nicknames and group names) must not fail an insert
on PostgreSQL and with it the event: anti-spam still judges the message, and later events from
that member and group still work. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.clock import FakeClock
from plugins.antispam import AntispamPlugin
from plugins.antispam.models import StoredMessage
from tests.harness import Harness, all_cases, wait_until

START = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


async def test_nul_in_text_nickname_and_group_name(tmp_path, database_url):
    bot = Harness(tmp_path, [AntispamPlugin()], database_url=database_url, clock=FakeClock(START))
    await bot.start()
    try:
        room = bot.cast.admin
        spammer = bot.world.add_contact("坏\x00人")
        bot.cast.people["bad"] = spammer
        bot.world.set_alias(room, bot.cast["bob"], "老\x00鲍")
        bot.world.join(room, [spammer], inviter=bot.cast["laowang"])
        bot.say(room, "bob", "今天\x00天气不错")
        bot.say(room, "bad", "资料免费送，加V\x00：abc8888")
        await wait_until(lambda: all_cases(bot))
        bot.say(room, "bob", "第二条也没问题")
        await wait_until(lambda: any("第二条" in m.text for m in _stored(bot)))
        texts = [m.text for m in _stored(bot)]
        assert "今天天气不错" in texts
        assert all_cases(bot)[0].target_id == spammer
    finally:
        await bot.stop()




def _stored(bot: Harness) -> list[StoredMessage]:
    with bot.app.sessions() as db:
        rows = list(db.scalars(select(StoredMessage)))
        db.expunge_all()
        return rows
