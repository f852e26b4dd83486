"""What other plugins may call.

record_ham: the moderation plugin calls it when an appeal on an antispam case is accepted. It
adds a ham sample from the case's message and clears the member's strikes (and any blacklist
entry) that case made. It only writes through `db`; the caller's transaction commits it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Case
from plugins.antispam import store
from plugins.antispam.models import SHARED
from plugins.antispam.plugin import reverse_case

__all__ = ["record_ham"]


def record_ham(db: Session, case: Case, at: datetime) -> None:
    text = (case.evidence or {}).get("text")
    if isinstance(text, str) and text.strip():
        store.add_sample(db, SHARED, 0, text, source="appeal", by=case.updated_by, at=at, case_id=case.id)
    reverse_case(db, case.id)
