"""What the built-in commands (and the rules watcher) may ask of the running bot: reload,
dry-run, status, help, private group selection, telling operators. Kept apart from the event
pipeline in app.py; plugins reach it as ctx.control."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.actions import SendPrivate
from bot.core.context import Planned
from bot.core.live import ALL_FIELDS, LiveFacts, LiveView
from bot.core.outbox import pending_count as outbox_pending
from bot.core.plugin import source_label
from bot.core.privacy import private_scope
from bot.core.roles import Role, bot_can_moderate, role_of
from bot.core.storage_status import backlog_line, shed_count, storage_lines
from bot.platform import PlatformError, RoomInfo
from bot.rules.loader import Rules, RulesInvalid
from db import repo

if TYPE_CHECKING:
    from bot.core.app import App
    from bot.core.plugin import CommandSpec

log = logging.getLogger(__name__)

# #help in a group lists every command with its usage up to this many (a member's few), else
# only their names by plugin: the whole group reads it
HELP_FULL_UP_TO = 8
_CJK = re.compile(r"[\u4e00-\u9fff]")
# a private chat's chosen group (#use), kept per person in core_setting
_USE_KEY = "selected_room"
# chat-decided state in core_setting: operators bound with the first-run code, the code's
# hash, #manage on|off per room, and a room's settings changed in chat (bot.core.live)
_CORE = "core"
_OPERATORS_KEY = "operators"
_CODE_KEY = "binding_code"
_MANAGE_KEY = "manage"
_CHAT_SETTINGS_KEY = "chat_settings"
CODE_LIFETIME = timedelta(minutes=30)
_CODE_TRIES = 20  # wrong codes before the code is void: guessing 10^8 codes is not an option
_CODE_SHAPE = re.compile(r"^\s*(?:#?bind|绑定)?\s*(\d{4})[\s-]?(\d{4})\s*$", re.IGNORECASE)


def _hash(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()




class BotControl:
    def __init__(self, app: App) -> None:
        self._app = app
        self.live = LiveFacts()
        self.view = LiveView(self.live)
        self.binding_code: str | None = None  # the code printed at this start, if any

    # ------------------------------------------------------------------ chat-decided state
    def load(self, db: Session) -> None:
        """At start: operators bound in chat and #manage decisions, from the database."""
        self.live.operators = frozenset(repo.get_setting(db, _CORE, _OPERATORS_KEY) or ())
        for scope, value in repo.settings_by_key(db, _MANAGE_KEY).items():
            (self.live.manage_on if value else self.live.manage_off).add(scope)
        self.live.chat_settings = {scope: value for scope, value in
                                   repo.settings_by_key(db, _CHAT_SETTINGS_KEY).items() if value}

    def note_bot_role(self, room_id: str, role: str) -> None:
        self.live.bot_roles[room_id] = role

    def note_room(self, room: RoomInfo) -> str:
        """Note the bot's role in a room just read (manage: auto follows it); returns it."""
        me = self._app.platform.self_id
        role = "owner" if me and room.owner_id == me else ("admin" if bot_can_moderate(me, room) else "member")
        self.note_bot_role(room.id, role)
        return role

    def set_manage(self, db: Session, room_id: str, on: bool, by: str) -> None:
        repo.put_setting(db, room_id, _MANAGE_KEY, on, by, self._app.clock.now())
        (self.live.manage_on if on else self.live.manage_off).add(room_id)
        (self.live.manage_off if on else self.live.manage_on).discard(room_id)
        log.warning("managing %s turned %s in chat by %s", room_id, "on" if on else "off", by)
        self._app.request_reconcile()

    def set_chat_settings(self, db: Session, room_id: str, section: str, by: str, *,
                          values: Mapping[str, Any] | None = None, drop: Iterable[str] = ()) -> None:
        """Change what chat set in one section of a group's rules: `values` set over what chat set
        before, the fields in `drop` removed (ALL_FIELDS: the whole section, back to rules.yaml).
        The caller validated the result against the group's section (bot.core.live.
        settings_problem): a stored setting that no longer fits the group's rules is not used."""
        current = self.live.chat_settings.get(room_id, {})
        dropped = set(drop)
        fields = {} if ALL_FIELDS in dropped else {k: v for k, v in current.get(section, {}).items()
                                                  if k not in dropped}
        fields.update(values or {})
        settings = {k: v for k, v in current.items() if k != section}
        if fields:
            settings[section] = fields
        repo.put_setting(db, room_id, _CHAT_SETTINGS_KEY, settings or None, by, self._app.clock.now())
        if settings:
            self.live.chat_settings[room_id] = settings  # a new dict: the merged view is built again
        else:
            self.live.chat_settings.pop(room_id, None)
        log.warning("%s's %s settings changed in chat by %s: %s", room_id, section, by, fields or "back to rules.yaml")
        self._app.request_reconcile()

    def offer_binding(self, db: Session) -> str | None:
        """With no operator at all, make a one-time code (only its hash is stored) that binds
        whoever sends it to the bot privately as an operator. Returns the code to print."""
        rules = self._app.rules
        if rules.bot.operators:
            return None
        code = f"{secrets.randbelow(10**8):08d}"
        salt = secrets.token_hex(8)
        expires = self._app.clock.now() + CODE_LIFETIME
        stored = {"hash": _hash(code, salt), "salt": salt, "expires": expires.isoformat(), "wrong": 0}
        repo.put_setting(db, _CORE, _CODE_KEY, stored, "start", self._app.clock.now())
        self.binding_code = code
        return code

    @staticmethod
    def print_binding_code(code: str) -> None:
        """Shown once in the terminal of `qunguan run`: the first operator binds in chat."""
        formatted = f"{code[:4]} {code[4:]}"
        print(f"\n  还没有运营。用你自己的微信私聊机器人，发送这 8 位数字即可成为运营（30 分钟内有效）：\n"
              f"      {formatted}\n  No operator yet: send this code to the bot in a private chat within 30"
              f" minutes to become its operator.\n", flush=True)
        log.warning("no operator configured: a one-time binding code was printed (valid for 30 minutes)")

    def try_bind(self, db: Session, sender: str, text: str) -> str | None:
        """A private message that is the binding code: bind the sender as an operator and
        return the answer; None if the text is not a code attempt."""
        match = _CODE_SHAPE.match(text)
        if match is None:
            return None
        stored = repo.get_setting(db, _CORE, _CODE_KEY)
        if not stored:
            return None
        now = self._app.clock.now()
        texts = self._app.rules.bot.texts
        if datetime.fromisoformat(stored["expires"]) < now or stored.get("wrong", 0) >= _CODE_TRIES:
            return texts.binding_expired
        code = match.group(1) + match.group(2)
        if not secrets.compare_digest(_hash(code, stored["salt"]), stored["hash"]):
            stored = {**stored, "wrong": int(stored.get("wrong", 0)) + 1}
            repo.put_setting(db, _CORE, _CODE_KEY, stored, sender, now)
            log.warning("a wrong binding code from %s (%d so far)", sender, stored["wrong"])
            return texts.binding_wrong
        operators = sorted({*self.live.operators, sender})
        repo.put_setting(db, _CORE, _OPERATORS_KEY, operators, sender, now)
        repo.put_setting(db, _CORE, _CODE_KEY, None, sender, now)  # one time only
        self.live.operators = frozenset(operators)
        self.binding_code = None
        log.warning("%s bound as an operator with the first-run code", sender)
        return texts.bound_operator.format(id=sender)

    def set_dry_run(self, db: Session, room_id: str | None, on: bool, by: str) -> None:
        self._app.set_dry_run(db, room_id, on, by)

    def is_dry_run(self, rules: Rules, room_id: str | None) -> bool:
        return self._app.is_dry_run(rules, room_id)

    def request_reconcile(self) -> None:
        self._app.request_reconcile()

    def selected_room(self, db: Session, sender: str, rules: Rules) -> str | None:
        """The managed group the sender chose with #use, if any (their role there unchecked)."""
        room_id = repo.get_setting(db, private_scope(sender), _USE_KEY)
        return room_id if room_id and rules.manages(room_id) else None

    async def private_target(self, db: Session, sender: str, rules: Rules) -> tuple[str | None, RoomInfo | None]:
        """The group a private chat's commands apply to: the one chosen with #use, if the
        sender is still its owner (or an operator)."""
        room_id = self.selected_room(db, sender, rules)
        if room_id is None:
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
            info = None
            if not rules.manages(room_id) and rules.bot.manage == "auto":
                # right after a start the groups are still being recorded (seconds on a busy
                # machine) and auto knows no role yet: read the room here, or an owner asking
                # then is told they own no managed group
                info = await self._app.rooms.get(room_id)
                if info is not None:
                    self.note_room(info)
            if not rules.manages(room_id):
                continue
            info = info or await self._app.rooms.get(room_id)
            if info is not None and role_of(contact_id, info, rules) >= Role.OWNER:
                found.append((room_id, info.topic))
        return found

    def select_group(self, db: Session, contact_id: str, room_id: str | None) -> None:
        repo.put_setting(db, private_scope(contact_id), _USE_KEY, room_id, contact_id, self._app.clock.now())

    async def reload_rules(self, *, private: bool = True) -> tuple[bool, str]:
        """Reload rules.yaml. The error list goes only to private chats (operators, or the
        admin who asked privately): a group sees just that the file has errors."""
        texts_before = self._app.rules.bot.texts
        try:
            rules = await self._app.rules_store.reload_async()
        except RulesInvalid as exc:
            text = self.rules_error_text(exc)
            if private:
                return False, text
            digest = self._app.rules.digest
            if not self._app.rules.bot.operators:
                # told "错误详情已私聊发给运营" with no operator to send it to (seen in a simulated
                # day): the group hears where the details can be read instead
                log.warning("no operator to tell (bind one with the code `qunguan run` prints): %s", text)
                return False, texts_before.reload_failed_group_no_operator.format(
                    count=len(exc.errors), digest=digest, prefix=self._app.rules.bot.command_prefix)
            self._app.spawn(self.tell_operators(text))
            return False, texts_before.reload_failed_group.format(count=len(exc.errors), digest=digest)
        return True, "\n".join([rules.bot.texts.reload_ok.format(digest=rules.digest), *await self.misnamed_groups()])

    async def misnamed_groups(self, room_ids: list[str] | None = None) -> list[str]:
        """A warning for each `groups` key that is a group's name, not its id: such an override
        validates and applies to no group (in a simulated day an owner keyed his settings by
        the group's name, and #reload answered only 规则已重新加载)."""
        rules = self._app.rules
        if not rules.groups:
            return []
        if room_ids is None:  # the caller has not read the list of groups
            try:
                room_ids = await self._app.platform.room_ids()
            except PlatformError:
                return []
        stray = set(rules.groups) - set(room_ids)
        lines = []
        for room_id in room_ids if stray else ():
            info = await self._app.rooms.get(room_id)
            if info is not None and info.topic in stray:
                lines.append(f"⚠ rules.yaml 的 groups 里「{info.topic}」是群名，不是群 id，这段设置没有生效："
                             f"请把它改成这个群的 id「{room_id}」")
        return lines

    def rules_error_text(self, exc: RulesInvalid) -> str:
        """The private notice of a bad rules.yaml, in Chinese (the log has the English)."""
        shown = exc.errors[:10]
        errors = "\n".join(f"· {e.for_people()}" for e in shown)
        if len(exc.errors) > len(shown):
            errors += f"\n……还有 {len(exc.errors) - len(shown)} 处，运行 qunguan check-rules 可看全部"
        return self._app.rules.bot.texts.reload_failed.format(count=len(exc.errors), digest=self._app.rules.digest,
                                                               errors=errors)

    async def tell_operators(self, text: str) -> None:
        """Private messages to operators: e.g. a broken rules.yaml. Never into a group."""
        rules = self._app.rules
        planned = [Planned(SendPrivate(op, text), "core", answer=True) for op in rules.bot.operators]
        if not planned:
            log.warning("no operator to tell (bind one with the code `qunguan run` prints): %s", text)
            return
        await self._app.execute(planned, rules)

    def on_rules_error(self, exc: RulesInvalid) -> None:
        """Called by the file watcher when an edited rules.yaml does not validate."""
        self._app.spawn(self.tell_operators(self.rules_error_text(exc)))

    def help_lines(self, role: Role, room_id: str | None, *, in_group: bool = False) -> list[str]:
        """Every command the role may use, one line each with its usage; in a group, where the
        whole group reads it, only their names under each plugin's title once they are many: an
        owner's #help was some thirty lines in a parents' group (a simulated day)."""
        prefix = self._app.rules.bot.command_prefix
        specs = self._app.router.visible(role, private=room_id is None)
        if in_group and len(specs) > HELP_FULL_UP_TO:
            lines = [f"可用命令（发送 {prefix}help 命令名 查看用法，私聊机器人发送 {prefix}help 看全部说明）："]
            for title, group in self._app.router.visible_by_title(role, private=room_id is None):
                lines.append(f"{title}：" + " ".join(self._listed(spec) for spec in group))
        else:
            lines = ["可用命令："] + [self._help_line(spec, role) for spec in specs]
        if room_id is not None and self._app.rules.manages(room_id):
            for plugin in self._app.plugins:
                lines += plugin.help_notes(self._app.rules, room_id)
        return lines

    def help_for(self, name: str, role: Role, room_id: str | None) -> str | None:
        """One command's usage and what it does (#help kick), if the role may use it here."""
        found = self._app.router.lookup(name.removeprefix(self._app.rules.bot.command_prefix))
        if found is None or found[1] not in self._app.router.visible(role, private=room_id is None):
            return None
        spec = found[1]
        prefix = self._app.rules.bot.command_prefix
        aliases = f"（也可以写 {'、'.join(prefix + alias for alias in spec.aliases)}）" if spec.aliases else ""
        return self._help_line(spec, role) + aliases

    def _listed(self, spec: CommandSpec) -> str:
        """A command's name in the group's short list, with its Chinese name beside it: an owner
        read #selling and #ham and did not know them for #卖货 and #误判 (a simulated day)."""
        chinese = next((alias for alias in spec.aliases if _CJK.search(alias)), None)
        name = f"{self._app.rules.bot.command_prefix}{spec.name}"
        return f"{name}（{chinese}）" if chinese else name

    def _help_line(self, spec: CommandSpec, role: Role) -> str:
        usage = f" {spec.usage_for(role)}" if spec.usage_for(role) else ""
        return f"{self._app.rules.bot.command_prefix}{spec.name}{usage} — {spec.help}"

    def answered_early(self, event_id: str) -> bool:
        """This #status was answered while storage was down (bot.core.storage_status)."""
        return self._app.early_status.answered(event_id)

    async def status_lines(self, room_id: str | None) -> list[str]:
        rules = self._app.rules
        loaded = rules.loaded_at.astimezone(self._tz(room_id)).strftime("%Y-%m-%d %H:%M:%S")
        lines = [f"规则版本 {rules.digest}，加载于 {loaded}"]
        if rules.bot.operators:
            bound = [o for o in rules.bot.operators if o in self.live.operators]
            note = f"（其中聊天绑定：{'、'.join(bound)}）" if bound else ""
            lines.append(f"运营：{'、'.join(rules.bot.operators)}{note}")
        else:
            lines.append("运营：无（通知发给各群群主和管理员；运行 qunguan run 时会显示绑定码）")
        # a plain read, outside the db gate: #status runs inside the event's own session
        with self._app.sessions() as db:
            queued = outbox_pending(db)
        if queued:
            lines.append(f"发送队列：{queued} 个操作待执行（按节奏发送，或等待移出上限重置）")
        lines += storage_lines(self._app.storage, rules, self._app.inbox.buffered, shed_count(self._app),
                               self._tz(room_id))
        if (backlog := backlog_line(self._app)) is not None:
            lines.append(backlog)
        if self._app.rules_store.last_error:
            lines.append(f"⚠ 最近一次加载失败（{len(self._app.rules_store.last_error.errors)} 处错误），仍使用上一版")
        lines += self._crash_lines(room_id)
        try:
            room_ids = [room_id] if room_id else await self._app.platform.room_ids()
        except PlatformError as exc:
            return [*lines, f"无法读取群列表：{exc}"]
        lines += await self.misnamed_groups(None if room_id else room_ids)  # every group's list, read once
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
            # the id too: rules.yaml keys a group's own settings by it, and points here to find it
            lines.append(f"· {topic}（{rid}）{size}：机器人是{role}，{state}{dry}{await self._capability_note(rid)}")
        if len(room_ids) > 30:
            lines.append(f"……另有 {len(room_ids) - 30} 个群")
        return lines

    def _crash_lines(self, room_id: str | None) -> list[str]:
        """The plugins and commands that raised since the start: each such message was handled
        without them (the details are in the log)."""
        crashes = self._app.crashes
        if not crashes:
            return []
        tz = self._tz(room_id)
        parts = [f"{source_label(source)} {n} 次（最近 {self._app.last_crash[source].astimezone(tz):%m-%d %H:%M}）"
                 for source, n in crashes.most_common()]
        return [f"⚠ 启动以来出错：{'，'.join(parts)}。出错的消息已跳过这部分处理，详情见日志"]

    async def _capability_note(self, room_id: str) -> str:
        """What the bot cannot do in this room and why, in Chinese ("" when it can do all)."""
        capabilities = getattr(self._app.platform, "capabilities", None)
        if capabilities is None:
            return ""
        try:
            caps = await capabilities(room_id)
        except PlatformError:
            return "；无法读取机器人在本群的权限"
        if not caps.missing:
            return "；可移出成员、设群公告、撤回、读群昵称"
        cannot = "、".join(f"{_CAPABILITY_NAMES.get(name, name)}（{_MISSING_REASONS.get(why, why)}）"
                          for name, why in caps.missing)
        return f"；不能{cannot}"

    def _tz(self, room_id: str | None) -> ZoneInfo:
        return ZoneInfo(self._app.rules.for_room(room_id).timezone)


_CAPABILITY_NAMES = {"can_remove": "移出成员", "can_announce": "设群公告", "can_recall": "撤回消息",
                     "can_read_nicknames": "读群昵称"}
_MISSING_REASONS = {"not_admin": "不是群主或管理员", "not_member": "不在群里", "unsupported": "微信接口不支持",
                    "unknown": "无法读取群信息"}
