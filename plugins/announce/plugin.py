"""Scheduled announcements: cron or one-off schedules, event series (preview, reminder, start,
summary), the 群公告, and exactly-once delivery across restarts and processes.

Jobs are declared from rules.yaml and from schedules added in chat; the core's scheduler runs
them by the injected clock. Each run claims its occurrence (schedule + scheduled time) in the
database in the same transaction that queues the send in the outbox, so a second process, a
restart or a re-declared job never sends it again, and a crash before the send loses nothing
(the outbox resumes it; the log says "sent" only when the executor reports it done). Sends
leave through the executor: the governor spreads a 20:00 schedule over many groups, and an
`announce` target falls back to a message (with a notice to the owner and admins) where the
bot is not owner or admin.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.actions import Announce, Reply
from bot.core.plugin import JobSpec, Plugin, command
from bot.core.roles import Role
from plugins.announce import chat, store
from plugins.announce.config import AnnounceConfig
from plugins.announce.models import ChatSchedule
from plugins.announce.occurrence import Due, Skip, resolve
from plugins.announce.templates import render
from plugins.announce.timing import occurrences_between

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.core.context import Context
    from bot.rules.loader import Rules

log = logging.getLogger("plugins.announce")

# the core runs an occurrence a moment after it is due; lateness below this is not "missed"
MIN_GRACE = timedelta(minutes=1)


class AnnouncePlugin(Plugin):
    name = "announce"
    title = "群公告和定时消息"
    Config = AnnounceConfig
    events = ()  # jobs and commands only; the core re-declares jobs when it meets a new group

    def __init__(self) -> None:
        # who claimed an occurrence, for the delivery log: host, process and this instance
        self.instance = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"

    # ------------------------------------------------------------------ declaring jobs
    def jobs(self, rules: Rules, db: Session) -> Iterable[JobSpec]:
        chats = store.chat_schedules(db)
        rooms = set(rules.groups) | store.known_rooms(db) | {row.room_id for row in chats}
        for section in (rules.defaults, *rules.groups.values()):
            cfg: AnnounceConfig = getattr(section, self.name)
            for item in (*cfg.schedules, *cfg.series):
                rooms.update(item.rooms)
        paused = store.paused_keys(db)
        chats_by_room: dict[str, list[ChatSchedule]] = {}
        for row in chats:
            chats_by_room.setdefault(row.room_id, []).append(row)
        specs: list[JobSpec] = []
        for room in sorted(rooms):
            if rules.manages(room):
                specs.extend(self._room_jobs(rules, room, paused, chats_by_room.get(room, [])))
        return specs

    def _room_jobs(self, rules: Rules, room: str, paused: set[tuple[str, str]],
                   chats: list[ChatSchedule]) -> list[JobSpec]:
        group = rules.for_room(room)
        cfg: AnnounceConfig = getattr(group, self.name)
        if not cfg.enabled:
            return []
        grace = cfg.grace.total_seconds()

        def spec(key: str, trigger: str) -> JobSpec:
            return JobSpec(id=f"announce.{key}@{room}", trigger=trigger, timezone=group.timezone, room_id=room,
                           data=(("key", key),), grace=grace)

        specs = []
        for schedule in cfg.schedules:
            key = f"r:{schedule.id}"
            if (not schedule.rooms or room in schedule.rooms) and (room, key) not in paused:
                specs.append(spec(key, schedule.trigger))
        for series in cfg.series:
            if (series.rooms and room not in series.rooms) or (room, f"s:{series.id}") in paused:
                continue
            specs.extend(spec(f"s:{series.id}:{part}", trigger) for part, trigger in series.part_triggers())
        for row in chats:
            key = f"c:{row.id}"
            if (room, key) not in paused:
                specs.append(spec(key, row.trigger))
        return specs

    # ------------------------------------------------------------------ running an occurrence
    async def run_job(self, ctx: Context, job: JobSpec) -> None:
        room, key = job.room_id, str(job.get("key", ""))
        if room is None or not key:
            return
        occurrence = ctx.scheduled
        if occurrence is None:
            return
        trigger, timezone = job.trigger, job.timezone
        cfg: AnnounceConfig = ctx.config(self.name)
        where = f"{key} in {room} at {occurrence.isoformat()}"
        if not cfg.enabled:
            log.info("%s: not sent, announce is disabled for the group", where)
            return
        found = resolve(ctx.db, cfg, room, key, occurrence, timezone)
        if isinstance(found, Skip):
            log.info("%s: not sent, %s", where, found.reason)
            return
        late = ctx.now() - occurrence
        if late > max(cfg.grace, MIN_GRACE):
            log.warning("%s: not sent, missed by %s (grace %s)", where, late, cfg.grace)
            return
        self._log_missed(ctx, room, key, occurrence, trigger, timezone)
        await self._send(ctx, cfg, room, key, occurrence, found, late, where)

    async def _send(self, ctx: Context, cfg: AnnounceConfig, room: str, key: str, occurrence: datetime,
                    due: Due, late: timedelta, where: str) -> None:
        topic = ctx.room.topic if ctx.room else ""
        text = render(due.template, {**due.values, "group": topic}, limit=cfg.max_text * 2)
        if not store.claim(ctx.db, room_id=room, key=key, occurrence=occurrence, at=ctx.now(), by=self.instance,
                           target=due.target, text=text):
            log.info("%s: not sent, already claimed by %s", where,
                     store.claimed_by(ctx.db, room, key, occurrence) or "another process")
            return
        if due.target == "announce":
            ctx.emit(Announce(room, text, fallback_to_message=True,
                              reason=f"schedule {key} at {occurrence.isoformat()}"))
        else:
            ctx.emit(Reply(room, text, reason=f"schedule {key} at {occurrence.isoformat()}"))
        if key.startswith("c:") and not _repeats(ctx, room, key):
            row = store.chat_schedule(ctx.db, room, int(key[2:]))
            if row is not None:
                store.set_status(row, store.DONE, ctx.now())
        # queued in the outbox with this claim; the executor logs "… → done" once it was sent
        log.info("%s: claimed and queued as %s%s", where, due.target,
                 f" ({int(late.total_seconds())}s late)" if late > MIN_GRACE else "")

    def _log_missed(self, ctx: Context, room: str, key: str, occurrence: datetime, trigger: str,
                    timezone: str) -> None:
        """Occurrences between the last one claimed and this one were skipped (the bot was down
        longer than the grace window, or the scheduler coalesced them): say so."""
        last = store.last_occurrence(ctx.db, room, key)
        if last is None or last >= occurrence:
            return
        try:
            missed = occurrences_between(trigger, timezone, last, occurrence)
        except (ValueError, TypeError):
            return
        if missed:
            log.warning("%s in %s: %d occurrence(s) between %s and %s were missed and skipped", key, room,
                        missed, last.isoformat(), occurrence.isoformat())

    # ------------------------------------------------------------------ chat commands
    @command("schedule", min_role=Role.ADMIN, aliases=("定时",), usage="add|list|pause|resume|remove …",
             allow_private=True)
    async def schedule(self, ctx: Context, args: str) -> None:
        """管理本群的定时消息：add 添加、list 查看、pause 暂停、resume 恢复、remove 删除"""
        await chat.run(ctx, self.name, args)

    @command("announce", min_role=Role.ADMIN, aliases=("公告", "群公告", "发公告"),
             usage="<内容> | add <时间> <内容> | list | remove <编号>")
    async def announce(self, ctx: Context, args: str) -> None:
        """马上把内容设为本群的群公告（机器人不能设时改为在群里发出）；add 加时间定时发布，list 查看，remove 删除"""
        chat.announce_now(ctx, self.name, args)


def _repeats(ctx: Context, room: str, key: str) -> bool:
    row = store.chat_schedule(ctx.db, room, int(key[2:]))
    return row is not None and len(row.trigger.split()) == 5
