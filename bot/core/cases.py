"""The moderation log's numbered cases. Plugins open a case in their handle() (state before
side effects), put its id on the action (Kick.case_id), and the executor records the
outcome on the case when the action has run."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case


def open_case(
    db: Session, *, room_id: str | None, kind: str, target_id: str | None, source: str, at: datetime,
    reason: str = "", target_name: str = "", actor_id: str | None = None,
    evidence: Mapping[str, Any] | None = None, outcome: str = "pending",
) -> Case:
    case = Case(room_id=room_id, kind=kind, target_id=target_id, target_name=target_name, actor_id=actor_id,
                source=source, reason=reason, evidence=dict(evidence or {}), outcome=outcome, status="open",
                created_at=at, updated_at=at, updated_by=actor_id)
    db.add(case)
    db.flush()  # assigns the number
    return case


def get_case(db: Session, case_id: int) -> Case | None:
    return db.get(Case, case_id)


def cases_for(db: Session, room_id: str | None, target_id: str, limit: int = 20) -> list[Case]:
    query = select(Case).where(Case.target_id == target_id).order_by(Case.id.desc()).limit(limit)
    if room_id is not None:
        query = query.where(Case.room_id == room_id)
    return list(db.scalars(query))


def record_outcome(db: Session, case_id: int, outcome: str, at: datetime) -> None:
    case = db.get(Case, case_id)
    if case is not None:
        case.outcome = outcome
        case.updated_at = at


def set_reason(db: Session, case_id: int, reason: str, by: str, at: datetime) -> Case | None:
    case = db.get(Case, case_id)
    if case is not None:
        case.reason, case.updated_by, case.updated_at = reason, by, at
    return case


def set_status(db: Session, case_id: int, status: str, by: str | None, at: datetime) -> Case | None:
    case = db.get(Case, case_id)
    if case is not None:
        case.status, case.updated_by, case.updated_at = status, by, at
    return case
