"""Appeals: a member writes to the bot privately with a case number; admins accept or reject.
Accepting undoes the case (unban), teaches anti-spam a ham sample when it made the case, and
may invite the member back."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.cases import Case
from plugins.moderation.models import Appeal

# "申诉 12 理由", "#appeal 12 理由", "12 理由", "申诉#12：理由"
_APPEAL = re.compile(
    r"^\s*(?:[#＃]?\s*(?:appeal|申诉|申述)\s*)?[#＃]?\s*(\d{1,9})(?!\d)\s*[:：,，]?\s*(.*)$", re.S | re.I)
_KEYWORD = re.compile(r"(appeal|申诉|申述)", re.I)


def parse_appeal(text: str) -> tuple[int | None, str, bool]:
    """(case number or None, the member's explanation, whether it looked like an appeal). Pure."""
    text = text.strip()
    match = _APPEAL.match(text)
    if match:
        return int(match.group(1)), match.group(2).strip(), True
    return None, "", bool(_KEYWORD.search(text[:20]))


# an appeal written in the group opens with its keyword: "申诉 2 我没刷屏", "#appeal 我没发广告"
_OPENS_WITH_KEYWORD = re.compile(r"^\s*[#＃]?\s*(?:appeal|申诉|申述)", re.I)


def opens_as_appeal(text: str) -> bool:
    """Whether a group message opens with the appeal keyword (pure, cheap: asked of every one)."""
    return _OPENS_WITH_KEYWORD.match(text) is not None


# "为什么踢我", "凭什么把我移出群", "我被误判了": someone asking why the bot acted on them
_WHY = re.compile(r"(为什么|为啥|凭什么|怎么|咋).{0,8}(踢|移出|移除|删了?我|把我.{0,3}删|警告|拉黑)|误判|冤枉|搞错了")


def asks_why(text: str) -> bool:
    """A private message asking why they were warned or removed (pure): about themselves, so an
    owner asking the bot "怎么踢人" is not taken for one."""
    head = text[:60]
    return "我" in head and bool(_WHY.search(head))


def reason_of(text: str) -> str:
    """An appeal's explanation without the leading keyword ("申诉：我没发广告" → "我没发广告")."""
    return re.sub(r"^\s*[#＃]?\s*(?:appeal|申诉|申述)\s*[:：,，]?\s*", "", text.strip(), flags=re.I)


def pending(db: Session, case_id: int) -> Appeal | None:
    return db.scalar(select(Appeal).where(Appeal.case_id == case_id, Appeal.status == "pending")
                     .order_by(Appeal.id.desc()).limit(1))


def waiting_in(db: Session, room_id: str, limit: int = 10) -> list[Appeal]:
    """The group's appeals still waiting for an admin, oldest first (they have waited longest)."""
    return list(db.scalars(select(Appeal).where(Appeal.room_id == room_id, Appeal.status == "pending")
                           .order_by(Appeal.id).limit(limit)))


def latest(db: Session, case_id: int) -> Appeal | None:
    return db.scalar(select(Appeal).where(Appeal.case_id == case_id).order_by(Appeal.id.desc()).limit(1))


def file_appeal(db: Session, case: Case, member_id: str, text: str, at: datetime) -> Appeal:
    appeal = Appeal(room_id=case.room_id or "", case_id=case.id, member_id=member_id, text=text,
                    status="pending", created_at=at, note="")
    db.add(appeal)
    case.status, case.updated_at, case.updated_by = "appealed", at, member_id
    db.flush()
    return appeal


# what a member adds to an appeal still waiting, in its text (#case shows it); at most
# MAX_ADDED additions reach the admins, so a member cannot page them at will
ADDED = "\n补充："
MAX_ADDED = 3


def add_to(appeal: Appeal, text: str) -> bool:
    """The member's further words on their waiting appeal (申诉 then 申诉 1 我是开玩笑的，发错群了):
    kept with it, True when they are news for the admins (not empty, not said already, not past
    MAX_ADDED). Their explanation was dropped (案件 #1 的申诉已提交) and the admins saw （无说明）,
    seen in a simulated day."""
    text = text.strip()
    said = appeal.text.split(ADDED)  # the first words and each addition
    if not text or text in said or appeal.text.count(ADDED) >= MAX_ADDED:
        return False
    appeal.text = text if not appeal.text else appeal.text + ADDED + text
    return True


def decide(appeal: Appeal, accepted: bool, by: str, at: datetime, note: str) -> None:
    appeal.status = "accepted" if accepted else "rejected"
    appeal.decided_by, appeal.decided_at, appeal.note = by, at, note


def teach_ham(db: Session, case: Case, at: datetime) -> bool:
    """An accepted appeal on an anti-spam case is a ham sample for it."""
    if case.source != "antispam":
        return False
    from plugins.antispam.api import record_ham  # here: anti-spam loads its model lazily

    record_ham(db, case, at)
    return True
