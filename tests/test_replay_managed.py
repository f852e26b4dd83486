"""An event a crash left in the inbox is handled after the restart under the shipped manage: auto.

Found by core40: the start-up replay ran before the adapter connected, so the event's room could
not be read, the bot's role there was unknown, manage: auto said the group was not managed, and
the event was dropped silently (its inbox row deleted as handled). An ad queued at a crash would
stand; a command would go unanswered."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.core.inbox import encode_event
from bot.events import MessageKind, MessageReceived
from bot.runtime import Runtime
from db.models import InboxEvent, SeenEvent
from db.session import make_engine
from tests.harness import Harness, Probe, wait_until


async def test_an_event_left_in_the_inbox_is_handled_after_a_restart_where_the_bot_manages_by_its_role(
        tmp_path, database_url):
    probe = Probe()
    h = await Harness(tmp_path, [probe], database_url).start()
    try:
        room = h.cast.admin  # managed because the bot is an admin there (manage: auto)
        assert h.app.rules.bot.manage == "auto"
        h.say(room, "alice", "ping")
        await h.wait_text(room, "pong")
        await h.runtime.stop()
        # what a kill leaves: the event written to the inbox, not yet handled
        lost = MessageReceived("left-by-a-crash", room, h.cast["alice"], "alice", "", MessageKind.TEXT, "ping",
                               datetime.now(UTC))
        engine = make_engine(database_url)
        try:
            with Session(engine) as db:
                db.add(InboxEvent(event_id=lost.event_id, queue_key=room, kind="MessageReceived",
                                  payload=encode_event(lost), received_at=datetime.now(UTC)))
                db.commit()
        finally:
            engine.dispose()

        second = Runtime(rules_path=h.rules_path, database_url=database_url, endpoint=h.server.endpoint,
                         token="insecure_test", plugins=[probe], cache_dir=tmp_path / "cache2",
                         watch_rules=False, backoff_initial=0.05, backoff_max=0.2)
        h.runtime = second
        await second.start()
        await wait_until(lambda: any(m.event_id == lost.event_id for m in probe.messages()), timeout=30)
        await h.wait_text(room, "pong")
        await h.settle()
        assert sum("pong" in t for t in h.texts(room)) == 2
        with Session(second.engine) as db:
            assert db.get(SeenEvent, lost.event_id) is not None
    finally:
        await h.stop()
