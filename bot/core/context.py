"""One explicit context per event or job: what a plugin may read, and where it puts actions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.actions import Action, Reply, SendPrivate
from bot.clock import Clock
from bot.core.members import MemberFacts
from bot.core.roles import Role
from bot.events import Event, MessageReceived
from bot.platform import Member, RoomInfo
from bot.rules.loader import Rules
from bot.rules.schema import GroupRulesBase

if TYPE_CHECKING:
    from bot.core.plugin import JobSpec


class Lookup(Protocol):
    """Read-only platform facts a plugin may need fresh (nicknames lag; WECHAT.md). Failures
    never raise."""

    async def member_alias(self, room_id: str, member_id: str) -> str | None:
        """The group nickname ("" if the member has none), or None if it could not be read: a
        failed read must never look like "no nickname"."""

    async def member_name(self, member_id: str) -> str: ...

    async def members(self, room_id: str) -> list[Member]: ...

    async def owned_groups(self, contact_id: str) -> list[tuple[str, str]]:
        """(room id, topic) of the managed groups this person may command privately (owner or
        operator): [] if none or if the platform cannot be read."""

    async def message_image(self, message_id: str) -> bytes | None:
        """The image of an image message (the full picture, not a thumbnail), or None if it
        cannot be had. Anti-spam decodes QR codes in it; a platform that cannot deliver images
        returns None and the QR check stays silent."""


class Control(Protocol):
    """What the built-in admin commands may ask of the running bot."""

    async def reload_rules(self, *, private: bool = True) -> tuple[bool, str]: ...

    def set_manage(self, db: Session, room_id: str, on: bool, by: str) -> None:
        """#manage on|off: stored in the database, applied at once."""

    def set_chat_settings(self, db: Session, room_id: str, section: str, by: str, *,
                          values: Mapping[str, Any] | None = None, drop: Iterable[str] = ()) -> None:
        """A group's settings changed in chat (#nick 格式, #rules 设置): fields set or dropped
        (ALL_FIELDS: the section back to rules.yaml), stored, and over rules.yaml at once."""

    def set_dry_run(self, db: Session, room_id: str | None, on: bool, by: str) -> None: ...

    def is_dry_run(self, rules: Rules, room_id: str | None) -> bool:
        """rules.yaml's dry-run as overridden by #dryrun in chat."""

    async def status_lines(self, room_id: str | None) -> list[str]: ...

    def answered_early(self, event_id: str) -> bool: ...

    def help_lines(self, role: Role, room_id: str | None, *, in_group: bool = False) -> list[str]: ...

    def help_for(self, name: str, role: Role, room_id: str | None) -> str | None: ...

    def select_group(self, db: Session, contact_id: str, room_id: str | None) -> None: ...

    def request_reconcile(self) -> None:
        """Re-declare every plugin's jobs after this event commits (a schedule added in chat)."""


@dataclass(frozen=True, slots=True)
class Planned:
    """An action with where it came from, so the executor can audit and explain it."""

    action: Action
    source: str  # plugin or "command:<name>"
    # a direct answer to someone's command: sent even in dry-run, so admins can still talk
    # to a bot that is only watching
    answer: bool = False


@dataclass
class Context:
    rules: Rules
    clock: Clock
    db: Session
    room_id: str | None
    room: RoomInfo | None
    self_id: str | None
    event: Event | None = None
    sender_role: Role = Role.MEMBER
    job: JobSpec | None = None
    scheduled: datetime | None = None  # for a job: the occurrence being run (exactly-once keys)
    control: Control | None = None
    lookup: Lookup | None = None
    source: str = ""
    # set while a command runs: replies to the commander are answers (see Planned.answer)
    answering: bool = False
    planned: list[Planned] = field(default_factory=list)
    # the sender's core_member facts after this message was counted (None outside a group message)
    member: MemberFacts | None = None
    # plugins whose jobs for this room may have changed (reschedule)
    rescheduled: set[str] = field(default_factory=set)

    @property
    def group(self) -> GroupRulesBase:
        return self.rules.for_room(self.room_id)

    def config(self, plugin: str) -> Any:
        return getattr(self.group, plugin)

    @property
    def message(self) -> MessageReceived | None:
        return self.event if isinstance(self.event, MessageReceived) else None

    def now(self) -> datetime:
        return self.clock.now()

    async def owned_groups(self, contact_id: str) -> list[tuple[str, str]]:
        """The managed groups this person may command privately (Lookup.owned_groups; read
        before the database gate for a private message)."""
        return await self.lookup.owned_groups(contact_id) if self.lookup is not None else []

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(ZoneInfo(self.group.timezone))

    def reschedule(self, plugin: str) -> None:
        """The plugin's jobs for this room may have changed (a join's welcome, a nickname step):
        declared again from this transaction's state (Plugin.room_jobs) once it commits; every
        plugin's jobs, soon, where there is no room or the plugin cannot declare one room's."""
        self.rescheduled.add(plugin)

    def emit(self, action: Action, *, answer: bool = False) -> None:
        answer = answer or (self.answering and isinstance(action, Reply | SendPrivate))
        self.planned.append(Planned(action, self.source, answer))

    def reply(self, text: str, *, mention: bool = True, answer: bool = False) -> None:
        """Answer the sender where they spoke: in the room (mentioning them) or privately."""
        msg = self.message
        if msg is None:
            if self.room_id:
                self.emit(Reply(self.room_id, text), answer=answer)
            return
        if msg.room_id is None:
            self.emit(SendPrivate(msg.sender_id, text), answer=answer)
        else:
            mentions = (msg.sender_id,) if mention else ()
            self.emit(Reply(msg.room_id, text, mentions), answer=answer)
