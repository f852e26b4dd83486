"""The audit trail: one row per outbound action attempt (what, why, by which plugin or
command, and what happened), plus the bot's own sent messages it may recall later."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.actions import Announce, Blacklist, Invite, Kick, NotifyAdmins, Recall, Reply, SendPrivate, SetTopic
from db import repo
from db.models import AuditEntry

if TYPE_CHECKING:
    from bot.core.context import Planned
    from bot.core.executor import Outcome

log = logging.getLogger(__name__)

_TEXT_LIMIT = 500


def _target(action: object) -> str | None:
    match action:
        case Kick() | Invite() | Blacklist():
            return action.member_id
        case SendPrivate():
            return action.contact_id
        case Recall():
            return action.message_id or action.recall_key
        case Reply():
            return ",".join(action.mention_ids) or None
    return None


def _text(action: object) -> str:
    match action:
        case Reply() | SendPrivate() | Announce() | NotifyAdmins():
            return action.text[:_TEXT_LIMIT]
        case SetTopic():
            return action.topic[:_TEXT_LIMIT]
        case Kick() | Blacklist():
            return action.reason[:_TEXT_LIMIT]
    return ""


class AuditLog:
    def __init__(self, sessions: sessionmaker[Session], gate: asyncio.Lock) -> None:
        self._sessions = sessions
        self._gate = gate  # see App._db_gate

    @staticmethod
    def entry(planned: Planned, outcome: Outcome, at: datetime) -> AuditEntry:
        """The audit row for one outcome; the outbox adds it in the transaction that records
        the outcome, so the trail and the outbox never disagree."""
        action = planned.action
        return AuditEntry(
            at=at, room_id=getattr(action, "room_id", None), action=type(action).__name__,
            target_id=_target(action), text=_text(action), reason=getattr(action, "reason", "") or "",
            source=planned.source, outcome=outcome.status, error=outcome.detail[:_TEXT_LIMIT] or None,
            case_id=getattr(action, "case_id", None),
        )

    def recent(self, room_id: str | None, limit: int = 50) -> list[AuditEntry]:
        with self._sessions() as db:
            query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if room_id is not None:
                query = query.where(AuditEntry.room_id == room_id)
            return list(db.scalars(query))

    async def greeted_since(self, room_id: str, since: datetime) -> dict[str, set[str]]:
        async with self._gate:
            with self._sessions() as db:
                return repo.greeted_since(db, room_id, since)

    async def last_sent(self, room_id: str, recall_key: str, since: datetime | None = None) -> str | None:
        async with self._gate:
            with self._sessions() as db:
                return repo.last_sent(db, room_id, recall_key, since)
