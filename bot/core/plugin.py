"""The plugin contract.

A plugin has one name used everywhere: its rules.yaml section, its tables' prefix, its
logger and its job ids. It declares a pydantic Config for its section, the events it
wants, a cheap synchronous wants(), an async handle() that only reads the context and emits
actions, commands (methods decorated with @command; the docstring is the #help text, so it
is written in Chinese), and the jobs it needs given the current rules. It holds no platform
handle and never sleeps. Plugins are listed explicitly, in order, in plugins/__init__.py.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from bot.core.roles import Role
from bot.events import MessageReceived
from bot.rules.schema import PluginConfig

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from bot.core.context import Context, Lookup
    from bot.rules.loader import Rules

CommandHandler = Callable[[Any, "Context", str], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    min_role: Role
    aliases: tuple[str, ...]
    usage: str
    help: str  # first line of the docstring
    handler: CommandHandler
    plugin: str = ""
    allow_private: bool = False
    # #help lists the command from this role up (default: min_role); e.g. #use is open to
    # everyone (its checks are per group) but only useful to owners and operators
    listed_from: Role | None = None
    admin_usage: str = ""  # extra usage shown to admins and above (e.g. admin-only subcommands)
    # the handler reads the group nickname of the member it names fresh (#nick check): the core
    # reads it before the database gate for the members the arguments name
    reads_target_alias: bool = False
    # ... and every member's, when this says the arguments (and whether the command quotes a
    # message) ask for the whole group (#nick check with no one named)
    reads_every_alias: Callable[[str, bool], bool] | None = None
    # private, it acts on the group chosen with #use and has nothing to do before one is chosen:
    # the core says so (choose_group_first) instead of each handler (an operator's private
    # #strict before #use raised: the handler had assumed a group)
    needs_group: bool = False

    def usage_for(self, role: Role) -> str:
        if self.admin_usage and role >= Role.ADMIN:
            return f"{self.usage} | {self.admin_usage}" if self.usage else self.admin_usage
        return self.usage


def command(
    name: str, *, min_role: Role = Role.ADMIN, aliases: Iterable[str] = (), usage: str = "",
    allow_private: bool = False, listed_from: Role | None = None, admin_usage: str = "",
    reads_target_alias: bool = False, reads_every_alias: Callable[[str, bool], bool] | None = None,
    needs_group: bool = False,
) -> Callable[[CommandHandler], CommandHandler]:
    """Mark a plugin method `async def x(self, ctx, args: str)` as a chat command."""

    def mark(func: CommandHandler) -> CommandHandler:
        doc = inspect.getdoc(func) or ""
        func.__qunguan_command__ = CommandSpec(  # type: ignore[attr-defined]
            name=name, min_role=min_role, aliases=tuple(aliases), usage=usage,
            help=doc.splitlines()[0] if doc else "", handler=func, allow_private=allow_private,
            listed_from=listed_from, admin_usage=admin_usage, reads_target_alias=reads_target_alias,
            reads_every_alias=reads_every_alias, needs_group=needs_group,
        )
        return func

    return mark


@dataclass(frozen=True)
class JobSpec:
    """A job a plugin needs. id must be stable across reloads (it is how the core reconciles):
    prefix it with the plugin name. trigger is a 5-field cron string ("30 20 * * 0"), or
    "every 10m" for an interval, or an ISO datetime for a one-off."""

    id: str
    trigger: str
    timezone: str = "Asia/Shanghai"
    room_id: str | None = None
    data: tuple[tuple[str, Any], ...] = field(default=())
    # when the job is (re)declared, an occurrence missed less than `grace` seconds ago (the bot
    # was down, or restarted) still runs once, late; older ones are skipped
    grace: float = 0.0
    # what operators read where the web console lists a group's scheduled work (定时): a job a
    # group's members will see (打卡提醒); unlabelled jobs are the bot's own housekeeping
    label: str = ""

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.data).get(key, default)


def job_owner(job_id: str) -> str:
    """The plugin a job id names ("greeting:welcome:<room>", "announce.r:…": its prefix)."""
    return job_id.split(".", 1)[0].split(":", 1)[0]


# plugin name -> title, filled as plugin classes are defined (source_label)
_TITLES: dict[str, str] = {}
_OTHER_SOURCES = {"console": "控制台"}


def source_label(source: str) -> str:
    """Who planned an action or opened a case (its `source`), as operators read it: a plugin by
    its title, a command as #name ("command:kick"), the console."""
    if source.startswith("command:"):
        return f"命令 #{source.split(':', 1)[1]}"
    return _TITLES.get(source) or _OTHER_SOURCES.get(source, source)


@dataclass(frozen=True, slots=True)
class MemberRead:
    """A member's group nickname a job will ask the platform for (Plugin.job_reads), and with
    `or_name` their own name too when they have none (how a welcome names an inviter)."""

    room_id: str
    member_id: str
    or_name: bool = False


class Plugin:
    name: ClassVar[str] = ""
    # what operators read where an action or a case names its source (source_label): 自动反广告 …
    title: ClassVar[str] = ""
    Config: ClassVar[type[PluginConfig]] = PluginConfig
    events: ClassVar[tuple[type, ...]] = (MessageReceived,)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name and cls.title:
            _TITLES[cls.name] = cls.title

    def wants(self, ctx: Context) -> bool:
        """Cheap synchronous filter run before handle()."""
        return True

    async def handle(self, ctx: Context) -> None:
        """React to ctx.event by emitting actions with ctx.emit() and writing through ctx.db.

        Only what commits counts: if storage fails, or a plugin later in the order crashes,
        the event's transaction is rolled back and handle() may run again for the same event.
        Keep in-memory state idempotent per event id (or update it only from committed data)."""

    async def gather(self, message: MessageReceived, rules: Rules, lookup: Lookup) -> None:
        """Read from the platform, before the message takes the database gate, what handle()
        will foreseeably need and keep it (keyed by the message's event id) for handle(): a
        read awaited in handle() holds every group's events for as long (issue 13). Called for
        a managed group's messages only; no database here. handle() must still cope with a
        message gather() did not prepare (a redo, a restart, a read that failed)."""

    def prepare(self, db: Session, at: datetime) -> None:
        """Run once in a worker thread after migrations, before the bot is ready and before any
        event is handled: build from the database what the first event would otherwise build on
        the event loop while every group waits (the anti-spam plugin's model, fitted from all
        stored samples). The runtime commits what it wrote; if it fails, that work is left to
        the first event, as before."""

    def help_notes(self, rules: Rules, room_id: str | None) -> list[str]:
        """Lines #help adds after the commands: how to use what is not a command (打卡 is a
        plain message; members who asked the bot 怎么打卡 were pointed to #help, which listed
        only commands)."""
        return []

    def jobs(self, rules: Rules, db: Session) -> Iterable[JobSpec]:
        """The jobs this plugin needs under these rules (and its database state, e.g. schedules
        added in chat). The core reconciles them on start, on every reload and when a command
        calls ctx.control.request_reconcile(); one room's, after ctx.reschedule(), through
        room_jobs()."""
        return ()

    def room_jobs(self, rules: Rules, db: Session, room_id: str) -> Iterable[JobSpec] | None:
        """Every job of this plugin for one room (each with that room_id, its id prefixed with
        the plugin's name), as jobs() would declare them; None when the plugin cannot tell one
        room's jobs apart. After an event or job called ctx.reschedule(plugin name), the core
        reads them in that event's own transaction and puts them in the scheduler when it
        commits, instead of a reconcile of every plugin over every group in a session of its
        own that holds every group's events (issue 13: two per join); None falls back to that."""
        return None

    async def run_job(self, ctx: Context, job: JobSpec) -> None:
        """Run one occurrence of a job declared by jobs()."""

    def job_reads(self, db: Session, job: JobSpec, at: datetime) -> Iterable[MemberRead]:
        """What run_job will ask ctx.lookup for. The core reads it from the platform before the
        job takes the database gate, so a slow gateway holds up this job only, not every group's
        events (issue 13); a read not declared here is still answered, from the platform, under
        the gate. Called in a short read-only session of its own just before the job runs
        (`at`: the clock then)."""
        return ()

    def commands(self) -> list[CommandSpec]:
        specs = []
        for _, member in inspect.getmembers(type(self), predicate=inspect.isfunction):
            spec = getattr(member, "__qunguan_command__", None)
            if spec is not None:
                specs.append(CommandSpec(**{**spec.__dict__, "plugin": self.name}))
        return specs
