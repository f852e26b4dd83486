"""What other plugins may call.

check_name, reading, plain_score, situation: how anti-spam evidence reads for owners, in Chinese
(the #case card, the web console), see plugins.antispam.explain.

record_ham: the moderation plugin calls it when an appeal on an antispam case is accepted. It
adds a ham sample from the case's message and clears the member's strikes (and any blacklist
entry) that case made. It only writes through `db`; the caller's transaction commits it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.cases import Case
from plugins.antispam import store
from plugins.antispam.explain import check_name, plain_score, reading, situation
from plugins.antispam.models import SHARED
from plugins.antispam.plugin import reverse_case

__all__ = ["check_name", "find_message", "plain_score", "reading", "record_ham", "situation"]


def find_message(db: Session, room_id: str, message_id: str | None, sender_id: str | None,
                 text: str) -> tuple[str, str, str] | None:
    """(message id, sender id, text) of the stored group message a quote points at, or None
    when nothing stored matches (a quote typed by hand, or a message older than retention)."""
    row = store.find_quoted(db, room_id, message_id, sender_id, text)
    return None if row is None else (row.message_id, row.sender_id, row.text)


def record_ham(db: Session, case: Case, at: datetime) -> None:
    text = (case.evidence or {}).get("text")
    if isinstance(text, str) and text.strip():
        store.add_sample(db, SHARED, 0, text, source="appeal", by=case.updated_by, at=at, case_id=case.id)
    reverse_case(db, case.id)
