"""The one place actions become platform calls.

For every planned action, in order: dry-run (record, do nothing) → never act on owners,
admins, moderators, operators or whitelisted members (re-checked now, on fresh room data)
→ can the bot do this here? (if not: ask the owner, or fall back to a message) → the rate
governor → an audit row → the adapter call. Failures are logged and audited, never fatal.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.actions import Announce, Invite, Kick, NotifyAdmins, Recall, Reply, SendPrivate
from bot.clock import Clock
from bot.core.audit import AuditLog
from bot.core.context import Planned
from bot.core.governor import Governor, Refused
from bot.core.roles import bot_can_moderate, is_protected
from bot.core.rooms import RoomDirectory
from bot.platform import ErrorKind, Platform, PlatformError, RoomInfo
from bot.rules.loader import Rules

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # done, dry_run, refused_protected, asked_owner, fallback, refused_cap, failed
    detail: str = ""
    message_id: str | None = None


class Executor:
    def __init__(
        self, platform: Platform, governor: Governor, rooms: RoomDirectory, audit: AuditLog,
        clock: Clock, dry_run: Callable[[Rules, str | None], bool],
        whitelisted: Callable[[str, str], Awaitable[bool]],
    ) -> None:
        self._platform = platform
        self._governor = governor
        self._rooms = rooms
        self._audit = audit
        self._clock = clock
        self._dry_run = dry_run
        self._whitelisted = whitelisted  # the chat-managed whitelist (rules.yaml's is in is_protected)

    async def run(self, planned: Planned, rules: Rules) -> Outcome:
        action = planned.action
        room_id = getattr(action, "room_id", None)
        if not planned.answer and self._dry_run(rules, room_id):
            outcome = Outcome("dry_run", "dry-run: recorded, not performed")
        else:
            try:
                outcome = await self._perform(planned, rules)
            except Refused as exc:
                outcome = Outcome("refused_cap", str(exc))
            except PlatformError as exc:
                if exc.kind == ErrorKind.THROTTLED:
                    self._governor.note_throttled()
                outcome = Outcome("failed", f"{exc.kind}: {exc}")
        level = logging.WARNING if outcome.status in ("failed", "refused_cap") else logging.INFO
        log.log(level, "%s %s by %s → %s %s", type(action).__name__, room_id or "", planned.source,
                outcome.status, outcome.detail)
        await self._audit.record(planned, outcome, self._clock.now())
        return outcome

    async def _perform(self, planned: Planned, rules: Rules) -> Outcome:
        action = planned.action
        match action:
            case Reply():
                return await self._send(action.room_id, action.text, action.mention_ids, action.recall_key)
            case SendPrivate():
                await self._governor.acquire(None)
                mid = await self._platform.send_text(action.contact_id, action.text)
                return Outcome("done", message_id=mid)
            case Kick():
                return await self._kick(action, rules)
            case Invite():
                await self._governor.acquire(action.room_id)
                await self._platform.invite(action.room_id, action.member_id)
                self._rooms.invalidate(action.room_id)
                return Outcome("done")
            case Announce():
                return await self._announce(action, rules)
            case Recall():
                return await self._recall(action)
            case NotifyAdmins():
                return await self._notify(action, rules)
        raise TypeError(f"unknown action {action!r}")

    async def _send(self, room_id: str, text: str, mentions: tuple[str, ...] = (),
                    recall_key: str | None = None) -> Outcome:
        await self._governor.acquire(room_id)
        mid = await self._platform.send_text(room_id, text, mentions)
        if mid and recall_key:
            await self._audit.remember_sent(room_id, mid, recall_key, self._clock.now())
        return Outcome("done", message_id=mid)

    def _responsible(self, room: RoomInfo, rules: Rules) -> tuple[str, ...]:
        people = [room.owner_id] if room.owner_id else []
        people += sorted(room.admin_ids - {self._platform.self_id, room.owner_id})
        people += [m for m in rules.for_room(room.id).moderators if m in room.member_ids and m not in people]
        return tuple(p for p in people if p)

    async def _kick(self, action: Kick, rules: Rules) -> Outcome:
        room = await self._rooms.get(action.room_id, refresh=True)
        if room is None:
            return Outcome("failed", "room unknown")
        if action.member_id not in room.member_ids:
            return Outcome("failed", "member is no longer in the room")
        if is_protected(action.member_id, room, rules) or await self._whitelisted(action.room_id, action.member_id):
            return Outcome("refused_protected", "owner, admin, moderator, operator or whitelisted")
        if bot_can_moderate(self._platform.self_id, room):
            await self._governor.acquire(action.room_id, "kick")
            try:
                await self._platform.kick(action.room_id, action.member_id)
            except PlatformError as exc:
                if exc.kind != ErrorKind.PERMISSION:
                    raise
                self._rooms.invalidate(action.room_id)  # our role changed under us
            else:
                self._rooms.invalidate(action.room_id)
                return Outcome("done")
        name = await self._name(action.room_id, action.member_id)
        text = rules.bot.texts.ask_owner_kick.format(member=name, reason=action.reason or "违反群规")
        await self._send(action.room_id, text, self._responsible(room, rules))
        return Outcome("asked_owner", "the bot is not owner or admin here")

    async def _announce(self, action: Announce, rules: Rules) -> Outcome:
        room = await self._rooms.get(action.room_id, refresh=True)
        if bot_can_moderate(self._platform.self_id, room):
            await self._governor.acquire(action.room_id)
            try:
                await self._platform.set_announcement(action.room_id, action.text)
                return Outcome("done")
            except PlatformError as exc:
                if exc.kind not in (ErrorKind.PERMISSION, ErrorKind.UNSUPPORTED):
                    raise
                reason = str(exc)
        else:
            reason = "the bot is not owner or admin here"
        if not action.fallback_to_message:
            return Outcome("failed", reason)
        texts = rules.bot.texts
        await self._send(action.room_id, texts.announce_fallback.format(text=action.text))
        if room is not None:
            await self._send(action.room_id, texts.ask_owner_announce, self._responsible(room, rules))
        return Outcome("fallback", f"sent as a message: {reason}")

    async def _recall(self, action: Recall) -> Outcome:
        mid = action.message_id
        if mid is None and action.recall_key:
            mid = await self._audit.last_sent(action.room_id, action.recall_key)
        if mid is None:
            return Outcome("failed", "nothing to recall")
        await self._governor.acquire(action.room_id)
        ok = await self._platform.recall(mid)
        return Outcome("done" if ok else "failed", "" if ok else "the platform refused the recall")

    async def _notify(self, action: NotifyAdmins, rules: Rules) -> Outcome:
        label = rules.for_room(action.room_id).name or action.room_id
        text = f"【{label}】{action.text}"
        if rules.bot.admin_group:
            return await self._send(rules.bot.admin_group, text)
        if not rules.bot.operators:
            return Outcome("failed", "no admin_group and no operators configured to notify")
        for operator in rules.bot.operators:
            await self._governor.acquire(None)
            await self._platform.send_text(operator, text)
        return Outcome("done", f"sent privately to {len(rules.bot.operators)} operator(s)")

    async def _name(self, room_id: str, member_id: str) -> str:
        try:
            return await self._platform.member_alias(room_id, member_id) or await self._platform.contact_name(
                member_id)
        except PlatformError:
            return member_id
