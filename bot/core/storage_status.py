"""What #status says about storage, also while the database cannot be written.

Normally #status is an event like any other: written to the inbox, handled in a transaction.
With the database down no event can be handled, so a #status from someone allowed to ask
would wait for the recovery and then say all is well. Instead it is answered at once, from
memory, straight through the platform (the outbox cannot stage anything either), at most once
a minute per conversation; the event itself is still kept and handled after the recovery,
without a second answer (answered() remembers which ones were answered early).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from bot.core.inbox import StorageHealth
from bot.core.roles import Role, role_of
from bot.events import MessageReceived
from bot.platform import PlatformError
from bot.rules.loader import Rules

if TYPE_CHECKING:
    from bot.core.app import App

log = logging.getLogger(__name__)

_EARLY_KEPT = 1000  # event ids answered early, remembered (bounded)
_PER_CONVERSATION = 60.0  # seconds between early answers in one conversation


def storage_lines(health: StorageHealth, rules: Rules, held: int, shed: int, tz: Any = None) -> list[str]:
    texts = rules.bot.texts
    lines: list[str] = []
    if not health.ok:
        lines.append(texts.status_storage_down.format(seconds=f"{health.down_for():.0f}",
                                                      error=health.last_error or "?", held=held))
    elif health.last_outage is not None:
        began, lasted = health.last_outage
        at = began.astimezone(tz) if tz is not None else began
        lines.append(texts.status_storage_last.format(at=at.strftime("%Y-%m-%d %H:%M:%S"), duration=f"{lasted:.0f}"))
    else:
        lines.append(texts.status_storage_ok)
    if shed:
        lines.append(texts.status_storage_shed.format(count=shed))
    return lines


def shed_count(app: App) -> int:
    stats = getattr(app.platform, "stats", None)
    return int(stats.get("shed", 0)) if isinstance(stats, dict) else 0


# a few events are always on their way between the gateway and the core; this many is a backlog
BACKLOG_SHOWN = 100


def backlog_line(app: App) -> str | None:
    """#status while the bot is behind (more arrives than it handles: it keeps every event and
    handles them in arrival order, adapter._fall_behind): how many newer events still wait. The
    #status itself waited behind the older ones, so the owner has seen the delay; this says why."""
    waiting = int(getattr(app.platform, "waiting", 0) or 0)
    if waiting < BACKLOG_SHOWN:
        return None
    return f"处理积压：还有 {waiting} 条新消息和事件在排队，正按到达顺序逐条处理，回复和处理会比平时慢"


class EarlyStatus:
    """#status answered while storage is down (see the module's docstring)."""

    def __init__(self) -> None:
        self._answered: OrderedDict[str, None] = OrderedDict()
        self._last: dict[str, float] = {}

    def answered(self, event_id: str) -> bool:
        return event_id in self._answered

    def wants(self, app: App, event: MessageReceived) -> bool:
        """Cheap (no I/O): is this a #status command at all? Checked only while storage fails."""
        rules = app.rules
        parsed = app.router.parse(event.text, rules.bot.command_prefix)
        if parsed is None:
            return False
        found = app.router.lookup(parsed.name)
        return found is not None and found[0] is app.builtins and found[1].name == "status"

    async def answer(self, app: App, event: MessageReceived) -> None:
        rules = app.rules
        room = await app.rooms.get(event.room_id) if event.room_id else None
        if role_of(event.sender_id, room, rules) < Role.ADMIN:
            return  # as the normal path: to the group it is an ordinary message
        conversation = event.room_id or event.sender_id
        now = time.monotonic()
        if now - self._last.get(conversation, -_PER_CONVERSATION) < _PER_CONVERSATION:
            return
        self._last[conversation] = now
        lines = storage_lines(app.storage, rules, app.inbox.buffered, shed_count(app))
        lines.append(rules.bot.texts.status_while_down)
        try:
            await app.platform.send_text(conversation, "\n".join(lines))
        except PlatformError as exc:
            log.warning("could not answer #status while storage is down: %s", exc)
            return
        self._answered[event.event_id] = None
        while len(self._answered) > _EARLY_KEPT:
            self._answered.popitem(last=False)
