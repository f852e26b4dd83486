"""What the built-in commands (and the rules watcher) may ask of the running bot: reload,
dry-run, status, help, private group selection, telling operators. Kept apart from the event
pipeline in app.py; plugins reach it as ctx.control."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.actions import Reply, SendPrivate
from bot.core.context import Planned
from bot.core.roles import Role, bot_can_moderate, role_of
from bot.platform import PlatformError, RoomInfo
from bot.rules.loader import Rules, RulesInvalid
from db import repo

if TYPE_CHECKING:
    from bot.core.app import App

log = logging.getLogger(__name__)

# a private chat's chosen group (#use), kept per person in core_setting
_USE_KEY = "selected_room"


def _private_scope(contact_id: str) -> str:
    return f"private:{contact_id}"


class BotControl:
    def __init__(self, app: App) -> None:
        self._app = app

    def set_dry_run(self, db: Session, room_id: str | None, on: bool, by: str) -> None:
        self._app.set_dry_run(db, room_id, on, by)

    def is_dry_run(self, rules: Rules, room_id: str | None) -> bool:
        return self._app.is_dry_run(rules, room_id)

    def request_reconcile(self) -> None:
        self._app.request_reconcile()

    async def private_target(self, db: Session, sender: str, rules: Rules) -> tuple[str | None, RoomInfo | None]:
        """The group a private chat's commands apply to: the one chosen with #use, if the
        sender is still its owner (or an operator)."""
        room_id = repo.get_setting(db, _private_scope(sender), _USE_KEY)
        if not room_id or not rules.manages(room_id):
            return None, None
        room = await self._app.rooms.get(room_id)
        if role_of(sender, room, rules) < Role.OWNER:
            return None, None
        return room_id, room

    async def groups_for(self, contact_id: str) -> list[tuple[str, str]]:
        """(room id, topic) of the managed groups this person may command privately."""
        rules = self._app.rules
        try:
            room_ids = await self._app.platform.room_ids()
        except PlatformError:
            return []
        found = []
        for room_id in room_ids:
            if not rules.manages(room_id):
                continue
            info = await self._app.rooms.get(room_id)
            if info is not None and role_of(contact_id, info, rules) >= Role.OWNER:
                found.append((room_id, info.topic))
        return found

    def select_group(self, db: Session, contact_id: str, room_id: str | None) -> None:
        repo.put_setting(db, _private_scope(contact_id), _USE_KEY, room_id, contact_id, self._app.clock.now())

    async def reload_rules(self) -> tuple[bool, str]:
        texts_before = self._app.rules.bot.texts
        try:
            rules = await self._app.rules_store.reload_async()
        except RulesInvalid as exc:
            errors = "\n".join(str(e) for e in exc.errors[:10])
            return False, texts_before.reload_failed.format(count=len(exc.errors), digest=self._app.rules.digest,
                                                            errors=errors)
        return True, rules.bot.texts.reload_ok.format(digest=rules.digest)

    async def tell_operators(self, text: str) -> None:
        """Private messages to operators (or the admin group): e.g. a broken rules.yaml."""
        rules = self._app.rules
        planned: list[Planned] = []
        if rules.bot.admin_group:
            planned.append(Planned(Reply(rules.bot.admin_group, text), "core", answer=True))
        planned += [Planned(SendPrivate(op, text), "core", answer=True) for op in rules.bot.operators]
        if not planned:
            log.warning("no operators configured to tell: %s", text)
        await self._app.execute(planned, rules)

    def on_rules_error(self, exc: RulesInvalid) -> None:
        """Called by the file watcher when an edited rules.yaml does not validate."""
        errors = "\n".join(str(e) for e in exc.errors[:10])
        text = self._app.rules.bot.texts.reload_failed.format(count=len(exc.errors), digest=self._app.rules.digest,
                                                         errors=errors)
        self._app.spawn(self.tell_operators(text))

    def help_lines(self, role: Role, room_id: str | None) -> list[str]:
        prefix = self._app.rules.bot.command_prefix
        lines = ["可用命令："]
        for spec in self._app.router.visible(role, private=room_id is None):
            usage = f" {spec.usage_for(role)}" if spec.usage_for(role) else ""
            lines.append(f"{prefix}{spec.name}{usage} — {spec.help}")
        return lines

    async def status_lines(self, room_id: str | None) -> list[str]:
        rules = self._app.rules
        loaded = rules.loaded_at.astimezone(self._tz(room_id)).strftime("%Y-%m-%d %H:%M:%S")
        lines = [f"规则版本 {rules.digest}，加载于 {loaded}"]
        if self._app.rules_store.last_error:
            lines.append(f"⚠ 最近一次加载失败（{len(self._app.rules_store.last_error.errors)} 处错误），仍使用上一版")
        try:
            room_ids = [room_id] if room_id else await self._app.platform.room_ids()
        except PlatformError as exc:
            return [*lines, f"无法读取群列表：{exc}"]
        managed = [r for r in room_ids if rules.manages(r)]
        if room_id is None:
            lines.append(f"所在群 {len(room_ids)} 个，管理其中 {len(managed)} 个")
        for rid in room_ids[:30]:
            info = await self._app.rooms.get(rid)
            topic = info.topic if info else rid
            me = self._app.platform.self_id
            role = "群主" if info and info.owner_id == me else ("管理员" if bot_can_moderate(me, info) else "普通成员")
            state = "管理中" if rid in managed else "未管理"
            dry = "，演习模式" if self._app.is_dry_run(rules, rid) else ""
            size = f"，{len(info.member_ids)} 人" if info else ""
            lines.append(f"· {topic}{size}：机器人是{role}，{state}{dry}")
        if len(room_ids) > 30:
            lines.append(f"……另有 {len(room_ids) - 30} 个群")
        return lines

    def _tz(self, room_id: str | None) -> ZoneInfo:
        return ZoneInfo(self._app.rules.for_room(room_id).timezone)
