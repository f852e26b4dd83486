"""What the console reads and does, on the running bot.

Reads take turns with the event path through the app's database gate (see App._session) and
return plain data, so templates never touch a session. Actions run the chat commands' own
handlers (#ham, #spam, #unban, #appeal) as an operator commanding a group from a private chat
(the #use path): the same code opens the same cases, writes the same samples and emits the same
actions, which leave through the app's executor (dry-run, governor, audit). The command's
answer to its sender comes back to the browser instead of a private message; the actor
recorded on cases and appeals is CONSOLE_ACTOR.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from bot.actions import Invite, Kick, Reply, SendPrivate
from bot.console.details import detail_label
from bot.core.cases import OUTCOME_LABELS, SHOWN_KIND_LABELS, STATUS_LABELS, outcome_label, shown_kind
from bot.core.context import Context
from bot.core.plugin import source_label
from bot.core.roles import Role, bot_can_moderate
from bot.events import MessageKind, MessageReceived, Quote
from db.models import Case, KnownRoom, ListEntry

if TYPE_CHECKING:
    from bot.core.app import App
    from bot.runtime import Runtime

CONSOLE_ACTOR = "console"  # actor id on what the console does (cases, appeals, samples)
CONSOLE_NAME = "网页控制台"
PAGE_SIZE = 50
_SCAN_LIMIT = 5000  # cases examined per page when filtering by check (evidence is JSON)

KIND_LABELS = {"warn": "警告", "kick": "移出", "ban": "拉黑", "unban": "解除拉黑",
               "lift": "撤销处罚", "spam": "广告（影子模式）",
               "report": "举报"}
ROLE_LABELS = {"owner": "群主", "admin": "管理员", "member": "普通成员"}


class ConsoleError(Exception):
    """A request the console refuses, with a message for the operator (Chinese)."""


@dataclass(frozen=True, slots=True)
class CaseFilter:
    room_id: str = ""
    check: str = ""
    outcome: str = ""
    kind: str = ""
    status: str = ""
    start: date | None = None
    end: date | None = None
    page: int = 1


@dataclass
class CaseView:
    id: int
    room_id: str | None
    room_name: str
    kind: str
    kind_label: str
    target_id: str | None
    target_name: str
    actor_id: str | None
    actor_label: str  # who acted, as operators read it: a contact id, or 控制台
    source: str
    source_label: str  # a plugin by its title, a command as #name (source_label)
    reason: str
    outcome: str
    outcome_label: str
    status: str
    status_label: str
    created: str
    text: str
    # what was judged where it was no message: 昵称 (adname.py) or 群名 (renamed.py), and its words
    judged: tuple[str, str] | None
    checks: list[dict[str, Any]]
    fired: list[str]
    evidence: dict[str, Any]
    situation: str  # the evidence's facts besides the checks, in Chinese
    can_ham: bool
    can_spam: bool
    can_unban: bool
    can_revoke: bool = False
    answer: list[str] = field(default_factory=list)


class _CoreService:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @property
    def app(self) -> App:
        return self.runtime.app

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[Session]:
        """For the console's writes: an admin's click is not retried (App.write_session)."""
        async with self.app.write_session() as db:
            yield db

    @contextlib.contextmanager
    def _reader(self) -> Iterator[Session]:
        """For the pages' reads, run in a worker thread (asyncio.to_thread): they take neither
        the gate nor the event loop, so an open, polled console does not hold up messages.
        Reads only (nothing is committed): SQLite runs in WAL mode, where readers never block the writer."""
        db = self.app.sessions()
        try:
            yield db
        finally:
            db.close()  # ends the read transaction; what was loaded stays readable

    def _tz(self, room_id: str | None) -> ZoneInfo:
        return ZoneInfo(self.app.rules.for_room(room_id).timezone)

    def local(self, at: datetime | None, room_id: str | None = None) -> str:
        return at.astimezone(self._tz(room_id)).strftime("%Y-%m-%d %H:%M:%S") if at else ""

    def today(self) -> date:
        return self.app.clock.now().astimezone(self._tz(None)).date()

    # ------------------------------------------------------------------ groups
    async def group_names(self) -> dict[str, str]:
        return await asyncio.to_thread(self._group_names_now)

    def _group_names_now(self) -> dict[str, str]:
        with self._reader() as db:
            return self._group_names(db)

    def _group_names(self, db: Session) -> dict[str, str]:
        names = {r.room_id: (r.topic or r.room_id) for r in db.scalars(select(KnownRoom))}
        for room_id, group in self.app.rules.groups.items():
            label = getattr(group, "name", "") or ""
            names.setdefault(room_id, label or room_id)
        return names

    # ------------------------------------------------------------------ overview
    async def overview(self) -> dict[str, Any]:
        return await asyncio.to_thread(self._overview_now)

    def _overview_now(self) -> dict[str, Any]:
        app, rules, link = self.app, self.app.rules, self.runtime.link
        with self._reader() as db:
            rows = list(db.scalars(select(KnownRoom).order_by(KnownRoom.topic)))
            # cases stay "open" for good (a warning is never closed), so what the overview counts
            # is recent cases (the room/created index) and appeals waiting for an answer
            since = app.clock.now() - timedelta(days=7)
            recent = {room: int(db.scalar(select(func.count()).select_from(Case).where(
                Case.room_id == room, Case.created_at >= since)) or 0) for room in [r.room_id for r in rows]}
            from plugins.moderation.models import Appeal
            waiting = dict(db.execute(select(Appeal.room_id, func.count()).where(Appeal.status == "pending")
                                      .group_by(Appeal.room_id)).all())
        me = app.platform.self_id
        groups = []
        for row in rows:
            info = app.rooms.cached(row.room_id)
            role = row.bot_role
            if info is not None:
                role = "owner" if me and info.owner_id == me else ("admin" if bot_can_moderate(me, info) else "member")
            can = ("可移出成员、设置群公告" if role in ("owner", "admin")
                   else "只能发消息：需要移出成员或发群公告时会请群主处理")
            groups.append({
                "room_id": row.room_id, "topic": row.topic or row.room_id, "role": ROLE_LABELS.get(role, role),
                "can": can, "managed": rules.manages(row.room_id), "members": len(info.member_ids) if info else None,
                "dry_run": app.is_dry_run(rules, row.room_id), "recent_cases": recent.get(row.room_id, 0),
                "appeals": int(waiting.get(row.room_id, 0)),
                "last_seen": self.local(row.last_seen, row.room_id),
            })
        error = app.rules_store.last_error
        return {
            "connected": getattr(app.platform, "connected", link.connected),
            "connection_detail": link.connection_detail, "connection_at": self.local(link.connection_at),
            "logged_in_as": app.logged_in_as, "self_name": link.self_name,
            "logged_in_at": self.local(link.logged_in_at), "logged_out_reason": link.logged_out_reason,
            "qrcode": link.qrcode if not app.logged_in_as else "", "qrcode_status": link.qrcode_status,
            "groups": groups, "governor": self._governor(),
            "rules": {"digest": rules.digest, "source": rules.source, "loaded_at": self.local(rules.loaded_at),
                      "dry_run": app.is_dry_run(rules, None), "operators": len(rules.bot.operators),
                      "error_count": len(error.errors) if error else 0,
                      "errors": [e.for_people() for e in error.errors[:50]] if error else []},
            "events_handled": app.events_handled,
            # plugins and commands that raised since the start (#status says the same)
            "crashes": [{"source": source_label(source), "count": n, "last": self.local(app.last_crash[source])}
                        for source, n in app.crashes.most_common()],
        }

    def _governor(self) -> dict[str, Any]:
        gov, now = self.app.governor, self.app.clock.now()
        limits, state = gov.rules, gov.state()
        paused = state.paused_until
        return {
            "queued": self.app.events_pending,
            "sent_today": state.sent_today, "daily_limit": limits.daily_limit,
            "kicks_hour": state.kicks_last_hour, "kicks_per_hour": limits.kicks_per_hour,
            "paused_until": self.local(paused) if paused else "",
            "paused_seconds": int((paused - now).total_seconds()) if paused else 0,
            "group_interval": limits.group_interval.total_seconds(),
            "account_interval": limits.account_interval.total_seconds(),
            "throttle_pause": int(limits.throttle_pause.total_seconds()),
        }

    # ------------------------------------------------------------------ cases
    async def cases(self, flt: CaseFilter) -> tuple[list[CaseView], bool, list[str]]:
        return await asyncio.to_thread(self._cases_now, flt)

    def _cases_now(self, flt: CaseFilter) -> tuple[list[CaseView], bool, list[str]]:
        """(one page of cases, whether there is a next page, the check names seen)."""
        query = select(Case).order_by(Case.id.desc())
        if flt.room_id:
            query = query.where(Case.room_id == flt.room_id)
        if flt.outcome:
            query = query.where(Case.outcome == flt.outcome)
        if flt.kind:
            query = query.where(Case.kind == flt.kind)
        if flt.status:
            query = query.where(Case.status == flt.status)
        tz = self._tz(flt.room_id or None)
        if flt.start:
            query = query.where(Case.created_at >= datetime.combine(flt.start, datetime.min.time(), tz))
        if flt.end:
            query = query.where(Case.created_at < datetime.combine(flt.end + timedelta(days=1),
                                                                   datetime.min.time(), tz))
        skip, want = (max(flt.page, 1) - 1) * PAGE_SIZE, PAGE_SIZE + 1
        if flt.check:
            # evidence is JSON (no portable JSON query on SQLite and PostgreSQL's json type): the
            # database narrows by the serialised verdict's text, _fired() confirms each row
            needle = json.dumps({"name": flt.check, "spam": True}, ensure_ascii=True)[1:-1]
            query = query.where(cast(Case.evidence, Text).contains(needle, autoescape=True))
        with self._reader() as db:
            names = self._group_names(db)
            if flt.check:
                found: list[Case] = []
                for case in db.scalars(query.limit(_SCAN_LIMIT).execution_options(yield_per=100)):
                    if flt.check in _fired(case):
                        found.append(case)
                        if len(found) >= skip + want:
                            break  # stop reading: the gate is shared with the message path
                rows = found[skip:skip + want]
            else:
                rows = list(db.scalars(query.offset(skip).limit(want)))
            views = [self._view(db, c, names) for c in rows[:PAGE_SIZE]]
        checks = sorted(self.app.rules.plugin_config(None, "antispam").texts.check_labels)
        return views, len(rows) > PAGE_SIZE, checks

    async def case(self, case_id: int) -> CaseView:
        return await asyncio.to_thread(self._case_now, case_id)

    def _case_now(self, case_id: int) -> CaseView:
        with self._reader() as db:
            case = db.get(Case, case_id)
            if case is None:
                raise ConsoleError(f"没有案件 #{case_id}")
            return self._view(db, case, self._group_names(db))

    def _view(self, db: Session, case: Case, names: dict[str, str]) -> CaseView:
        ev = dict(case.evidence or {})
        from plugins.antispam.api import check_name, reading, situation

        checks = [dict(c) for c in ev.get("checks", []) if isinstance(c, dict)]
        labels = self.app.rules.plugin_config(case.room_id, "antispam").texts.check_labels
        for c in checks:
            # each check by its own name and what it saw in Chinese; the recorded English
            # details stay available (a tooltip) for whoever tunes the rules
            c["label"] = check_name(str(c.get("name", "")), labels)
            c["raw"], c["details"] = c.get("details", ""), reading(c)
        text = str(ev.get("text", "") or "")
        banned = case.target_id is not None and case.room_id is not None and (db.scalar(
            select(func.count()).select_from(ListEntry).where(
                ListEntry.kind == "blacklist", ListEntry.member_id == case.target_id,
                ListEntry.room_id.in_((case.room_id, "*")))) or 0) > 0
        live = case.status != "reversed"
        return CaseView(
            id=case.id, room_id=case.room_id, room_name=names.get(case.room_id or "", case.room_id or "（私聊）"),
            kind=case.kind, target_id=case.target_id,
            kind_label=shown_kind(case) or KIND_LABELS.get(case.kind, case.kind),
            target_name=case.target_name or (case.target_id or ""), actor_id=case.actor_id, source=case.source,
            actor_label=source_label(CONSOLE_ACTOR) if case.actor_id == CONSOLE_ACTOR else (case.actor_id or ""),
            source_label=source_label(case.source),
            reason=case.reason, outcome=case.outcome, outcome_label=outcome_label(case),
            status=case.status, status_label=STATUS_LABELS.get(case.status, case.status),
            created=self.local(case.created_at, case.room_id), text=text, checks=checks,
            judged=("昵称", str(ev["name"])) if ev.get("name") else ("改成的群名", str(ev["topic"]))
            if ev.get("topic") else None,
            fired=[check_name(n, labels) for n in sorted(_fired(case))],
            evidence={k: v for k, v in ev.items() if k not in ("checks", "text")},
            situation=situation(ev),
            can_ham=live and case.source == "antispam" and bool(text),
            can_spam=live and bool(text) and (case.outcome == "shadow" or case.kind == "report"),
            can_unban=bool(banned) and case.kind in ("ban", "kick", "warn", "spam"),
            # a penalty taken back (the #revoke command); an anti-spam case with words has 不是广告
            can_revoke=live and bool(case.target_id) and case.kind in ("warn", "kick", "ban", "spam")
            and case.outcome != "shadow"
            and not (case.source == "antispam" and bool(text)),
        )

    async def mark_ham(self, case_id: int) -> list[str]:
        """"Not spam": the #ham command on the case's message (a ham sample, the case reversed,
        its strike and blacklist entry cleared)."""
        case = await self.case(case_id)
        if not case.can_ham or case.room_id is None:
            raise ConsoleError(f"案件 #{case_id} 不是可撤销的反广告案件")
        return await self.run_command(case.room_id, "ham", "", self._quote(case))

    async def mark_spam(self, case_id: int) -> list[str]:
        """"Spam": the #spam command on the case's message (a spam sample, the sender on the ladder)."""
        case = await self.case(case_id)
        if not case.can_spam or case.room_id is None:
            raise ConsoleError(f"案件 #{case_id} 不能再标记为广告")
        return await self.run_command(case.room_id, "spam", "", self._quote(case))

    async def revoke(self, case_id: int) -> list[str]:
        """"撤销": the #revoke command on the case (its penalty lifted, a removal invited back)."""
        case = await self.case(case_id)
        if not case.can_revoke or case.room_id is None:
            raise ConsoleError(f"案件 #{case_id} 没有可撤销的处罚")
        return await self.run_command(case.room_id, "revoke", str(case_id))

    async def unban(self, case_id: int) -> list[str]:
        case = await self.case(case_id)
        if case.room_id is None or not case.target_id:
            raise ConsoleError(f"案件 #{case_id} 没有对应的成员")
        everywhere = case.evidence.get("scope") == "*"
        return await self.run_command(case.room_id, "unban", case.target_id + (" all" if everywhere else ""))

    @staticmethod
    def _quote(case: CaseView) -> Quote:
        message_id = case.evidence.get("message_id")
        return Quote(sender_name=case.target_name, text=case.text,
                     message_id=str(message_id) if message_id else None, sender_id=case.target_id)

    # ------------------------------------------------------------------ appeals
    async def appeals(self, include_decided: bool = False) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self._appeals_now, include_decided)

    def _appeals_now(self, include_decided: bool = False) -> list[dict[str, Any]]:
        from plugins.moderation.models import Appeal

        query = select(Appeal).order_by(Appeal.id.desc()).limit(100)
        if not include_decided:
            query = query.where(Appeal.status == "pending")
        with self._reader() as db:
            names = self._group_names(db)
            found = list(db.scalars(query))
            by_id = {c.id: c for c in db.scalars(select(Case).where(Case.id.in_({a.case_id for a in found})))}
            out = []
            for a in found:
                case = by_id.get(a.case_id)
                out.append({"id": a.id, "case_id": a.case_id, "room_id": a.room_id,
                            "room_name": names.get(a.room_id, a.room_id), "member_id": a.member_id,
                            "member_name": (case.target_name if case else "") or a.member_id, "text": a.text,
                            "status": a.status, "created": self.local(a.created_at, a.room_id),
                            "decided_by": a.decided_by or "", "note": a.note,
                            "case": self._view(db, case, names) if case else None})
            return out

    async def decide_appeal(self, case_id: int, accept: bool, note: str) -> list[str]:
        """The #appeal accept|reject command, for the appeal's group."""
        from plugins.moderation import appeals

        async with self.session() as db:
            pending = appeals.pending(db, case_id)
            room_id = pending.room_id if pending else None
        if not room_id:
            raise ConsoleError(f"案件 #{case_id} 没有待处理的申诉")
        note = " ".join(note.split())[:500]
        return await self.run_command(room_id, "appeal", f"{'accept' if accept else 'reject'} {case_id} {note}".strip())

    # ------------------------------------------------------------------ the command path
    async def run_command(self, room_id: str, name: str, args: str, quote: Quote | None = None) -> list[str]:
        """Run chat command `name` in group `room_id` as the console operator, exactly as the app
        runs one typed in a private chat after #use: answers to the sender are returned, every
        other action goes to the executor."""
        app, rules = self.app, self.app.rules
        found = app.router.lookup(name)
        if found is None:
            raise ConsoleError(f"找不到命令 {name}")
        plugin, spec = found
        if not rules.manages(room_id):
            raise ConsoleError("机器人不管理这个群")
        section = getattr(rules.for_room(room_id), plugin.name, None)
        if section is not None and not section.enabled:
            raise ConsoleError(f"这个群关闭了 {plugin.name} 功能")
        room = await app.rooms.get(room_id)
        now = app.clock.now()
        text = f"{rules.bot.command_prefix}{spec.name} {args}".strip()
        msg = MessageReceived(event_id=f"console:{uuid.uuid4().hex}", room_id=None, sender_id=CONSOLE_ACTOR,
                              sender_name=CONSOLE_NAME, sender_alias="", kind=MessageKind.TEXT, text=text,
                              timestamp=now, quote=quote)
        async with self.session() as db:
            ctx = Context(rules=rules, clock=app.clock, db=db, room_id=room_id, room=room,
                          self_id=app.platform.self_id, event=msg, sender_role=Role.OPERATOR, control=app.control,
                          lookup=app.lookup, source=f"command:{spec.name}", answering=True)
            try:
                await spec.handler(plugin, ctx, args)
            except Exception:
                db.rollback()
                raise
            db.commit()  # state before side effects, as for a chat command
        answers = [p.action.text for p in ctx.planned
                   if isinstance(p.action, SendPrivate) and p.action.contact_id == CONSOLE_ACTOR]
        # what an action would say to its commander once it is done (a removal's, an invitation's)
        # has nobody to go to: the operator reads the case's outcome on the page
        others = [replace(p, action=replace(p.action, answer_to=None))
                  if isinstance(p.action, Reply | Kick | Invite) and p.action.answer_to == CONSOLE_ACTOR else p
                  for p in ctx.planned
                  if not (isinstance(p.action, SendPrivate) and p.action.contact_id == CONSOLE_ACTOR)]
        await app.execute(others, rules)
        return answers

    # ------------------------------------------------------------------ checker
    async def check(self, room_id: str, text: str, newcomer: bool) -> dict[str, Any]:
        """Every check's verdict on a pasted message, as the group's rules would judge it from a
        newcomer or an established member (behaviour counts as for a first message)."""
        from plugins.antispam.checks import Facts
        from plugins.antispam.engine import decide
        from plugins.antispam.normalize import normalise
        from plugins.antispam.plugin import explain

        plugin = next((p for p in self.app.plugins if p.name == "antispam"), None)
        if plugin is None:
            raise ConsoleError("反广告插件没有启用")
        rules = self.app.rules
        cfg = rules.plugin_config(room_id or None, "antispam")
        async with self.session() as db:
            model = plugin.learner.model(db, self.app.clock.now())  # type: ignore[attr-defined]
            db.commit()  # the first use may seed the shared samples
        decision = decide(Facts(text=text, newcomer=newcomer), cfg, model, room_id or None)
        from plugins.antispam.api import check_name, reading

        labels = cfg.texts.check_labels
        verdicts = [{**check, "label": check_name(v.name, labels), "details": reading(check), "raw": v.details,
                     "strong": v.strong} for (v, _), check in zip(decision.verdicts, decision.evidence(), strict=True)]
        ran = {v.name for v, _ in decision.verdicts}
        skipped = [{"name": n, "label": check_name(n, labels), "mode": cfg.mode(n)} for n in cfg.order if n not in ran]
        n = normalise(text)
        return {"spam": decision.spam, "obvious": decision.obvious, "score": round(decision.score, 4),
                "reason": explain(cfg, decision) if decision.spam else "", "verdicts": verdicts,
                "skipped": skipped, "shadow": [v.name for v in decision.shadow_fired], "normalised": n.dense,
                "enabled": cfg.enabled}

    # ------------------------------------------------------------------ stats
    async def stats(self, room_id: str, days: int) -> dict[str, Any]:
        return await asyncio.to_thread(self._stats_now, room_id, days)

    def _stats_now(self, room_id: str, days: int) -> dict[str, Any]:
        from bot.core.targets import display_name
        from plugins.stats import queries
        from plugins.stats.models import RoomDay

        end = self.today()
        start = end - timedelta(days=max(days, 1) - 1)
        query = select(RoomDay.day, func.sum(RoomDay.messages), func.sum(RoomDay.joins), func.sum(RoomDay.leaves),
                       func.sum(RoomDay.removals)).where(RoomDay.day >= start, RoomDay.day <= end)
        if room_id:
            query = query.where(RoomDay.room_id == room_id)
        query = query.group_by(RoomDay.day).order_by(RoomDay.day)
        with self._reader() as db:
            by_day = {d: (int(m or 0), int(j or 0), int(le or 0), int(r or 0)) for d, m, j, le, r in db.execute(query)}
            names = self._group_names(db)
            since = datetime.combine(start, datetime.min.time(), self._tz(room_id or None))
            until = datetime.combine(end + timedelta(days=1), datetime.min.time(), self._tz(room_id or None))
            viol: dict[str, int] = {}
            # one indexed range per group (room, created_at) beats one scan of every case
            for rid in [room_id] if room_id else sorted(names):
                for kind, n in queries.violations(db, rid, since, until).items():
                    viol[kind] = viol.get(kind, 0) + n
            talkers = []
            if room_id:
                talkers = [(display_name(db, room_id, m), n) for m, n in
                           queries.top_talkers(db, room_id, start, end, 10,
                                               judged=queries.ads_by_member(db, room_id, since, until))]
        series: list[dict[str, Any]] = []
        d = start
        while d <= end:
            m, j, le, r = by_day.get(d, (0, 0, 0, 0))
            series.append({"day": d.isoformat(), "messages": m, "joins": j, "leaves": le, "removals": r})
            d += timedelta(days=1)
        totals = {k: sum(s[k] for s in series) for k in ("messages", "joins", "leaves", "removals")}
        # a reminder and a proposed removal are counted apart (cases.count_by_kind)
        labelled = {KIND_LABELS.get(k) or SHOWN_KIND_LABELS.get(k, k): v for k, v in sorted(viol.items())}
        return {"start": start.isoformat(), "end": end.isoformat(), "series": series, "totals": totals,
                "violations": labelled, "talkers": talkers,
                "room_name": names.get(room_id, room_id) if room_id else "全部群"}

    async def stats_csv(self, room_id: str, days: int) -> str:
        return await asyncio.to_thread(self._stats_csv_now, room_id, days)

    def _stats_csv_now(self, room_id: str, days: int) -> str:
        """Per group and day; one row per group-day with activity."""
        from plugins.stats.models import RoomDay

        end = self.today()
        start = end - timedelta(days=max(days, 1) - 1)
        query = select(RoomDay.day, RoomDay.room_id, RoomDay.messages, RoomDay.joins, RoomDay.leaves,
                       RoomDay.removals).where(RoomDay.day >= start, RoomDay.day <= end).order_by(RoomDay.day,
                                                                                                  RoomDay.room_id)
        if room_id:
            query = query.where(RoomDay.room_id == room_id)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["日期", "群ID", "群名", "消息数", "入群", "退群", "移出"])
        with self._reader() as db:
            names = self._group_names(db)
            safe = {rid: _csv_safe(name) for rid, name in names.items()}
            writer.writerows((day.isoformat(), rid, safe.get(rid) or _csv_safe(rid), m, j, le, r)
                             for day, rid, m, j, le, r in db.execute(query))
        return out.getvalue()

    # ------------------------------------------------------------------ audit
    async def audit(self, room_id: str = "", limit: int = 200) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self._audit_now, room_id, limit)

    def _audit_now(self, room_id: str = "", limit: int = 200) -> list[dict[str, Any]]:
        from db.models import AuditEntry

        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if room_id:
            query = query.where(AuditEntry.room_id == room_id)
        with self._reader() as db:
            names = self._group_names(db)
            return [{"at": self.local(a.at, a.room_id), "room": names.get(a.room_id or "", a.room_id or "（私聊）"),
                     "action": ACTION_LABELS.get(a.action, a.action), "target": a.target_id or "", "text": a.text,
                     "reason": a.reason, "source": source_label(a.source),
                     "outcome": OUTCOME_LABELS.get(a.outcome, a.outcome), "failed": a.outcome in _FAILED,
                     "error": detail_label(a.error or ""), "case_id": a.case_id} for a in db.scalars(query)]


# the executor's action types, as the audit log names them for operators
ACTION_LABELS = {"Reply": "群里回复", "SendPrivate": "私聊", "Kick": "移出成员", "Blacklist": "拉黑",
                 "Invite": "邀请入群", "Announce": "群公告", "SetTopic": "改回群名", "Recall": "撤回消息",
                 "NotifyAdmins": "通知管理员"}
_FAILED = frozenset({"failed", "uncertain", "expired", "refused_cap", "gone"})


def _fired(case: Case) -> set[str]:
    checks = (case.evidence or {}).get("checks", [])
    return {c.get("name", "") for c in checks if isinstance(c, dict) and c.get("spam")}


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @) is quoted with a leading '."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConsoleError(f"日期格式不对：{value[:20]}（应为 2026-01-31）") from None


def choices(items: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"value": v, "label": label} for v, label in items]


# ---------------------------------------------------------------------- samples, groups, backup
SAMPLE_PAGE = 50
IMPORT_LIMIT = 5000
SOURCE_LABELS = {"seed": "内置种子", "spam_command": "#spam", "ham_command": "#ham", "appeal": "申诉通过",
                 "console": "控制台"}


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    duplicates: int
    errors: list[str]


def parse_samples_tsv(text: str) -> tuple[list[tuple[int, str]], list[str]]:
    """(label, text) rows from TSV: `label<TAB>text`, or the corpus format
    `label<TAB>category<TAB>campaign<TAB>text` (the first and last columns count). A header line
    is skipped; every other bad line is an error naming its line number. Pure."""
    rows: list[tuple[int, str]] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        cells = line.split("\t")
        head = cells[0].strip().lstrip("\ufeff").lower()
        if number == 1 and head == "label":
            continue
        if len(cells) < 2 or head not in ("0", "1"):
            errors.append(f"第 {number} 行：应为「标签<TAB>文本」，标签 1 表示广告、0 表示正常")
            continue
        body = cells[-1].strip()
        if not body:
            errors.append(f"第 {number} 行：文本为空")
            continue
        rows.append((int(head), body))
    return rows, errors


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _flatten(f"{prefix}.{name}" if prefix else name, getattr(value, name), out)
    else:
        out[prefix] = value


def _show(value: Any) -> str:
    from bot.rules.types import format_duration

    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "（未设置）"
    if isinstance(value, tuple | list | frozenset | set):
        return "、".join(_show(v) for v in value) if value else "（空）"
    if isinstance(value, dict):
        return "；".join(f"{k}={_show(v)}" for k, v in value.items()) if value else "（空）"
    return str(value)


class ConsoleExtras:
    """Samples, groups and backup: mixed into ConsoleService below."""

    runtime: Runtime

    @property
    def app(self) -> App:
        raise NotImplementedError

    def session(self) -> contextlib.AbstractAsyncContextManager[Session]:
        raise NotImplementedError

    def _reader(self) -> contextlib.AbstractContextManager[Session]:
        raise NotImplementedError

    def local(self, at: datetime | None, room_id: str | None = None) -> str:
        raise NotImplementedError

    def _group_names(self, db: Session) -> dict[str, str]:
        raise NotImplementedError

    # ------------------------------------------------------------------ samples
    async def samples(self, query: str, label: str, source: str, page: int) -> tuple[list[dict[str, Any]], bool,
                                                                                        dict[str, int]]:
        return await asyncio.to_thread(self._samples_now, query, label, source, page)

    def _samples_now(self, query: str, label: str, source: str, page: int) -> tuple[list[dict[str, Any]], bool,
                                                                                        dict[str, int]]:
        from plugins.antispam.models import Sample

        stmt = select(Sample).order_by(Sample.id.desc())
        if query:
            stmt = stmt.where(Sample.text.contains(query[:200], autoescape=True))
        if label in ("0", "1"):
            stmt = stmt.where(Sample.label == int(label))
        if source:
            stmt = stmt.where(Sample.source == source)
        skip = (max(page, 1) - 1) * SAMPLE_PAGE
        with self._reader() as db:
            found = list(db.scalars(stmt.offset(skip).limit(SAMPLE_PAGE + 1)))
            counts = {str(k): int(n) for k, n in db.execute(select(Sample.label, func.count()).group_by(Sample.label))}
            names = self._group_names(db)
            rows = [{"id": s.id, "label": s.label, "text": s.text, "source": SOURCE_LABELS.get(s.source, s.source),
                     "by": s.added_by or "", "case_id": s.case_id, "at": self.local(s.created_at),
                     "scope": "所有群" if s.room_id == "*" else names.get(s.room_id, s.room_id)}
                    for s in found[:SAMPLE_PAGE]]
        return rows, len(found) > SAMPLE_PAGE, {"spam": counts.get("1", 0), "ham": counts.get("0", 0)}

    async def add_samples(self, rows: list[tuple[int, str]]) -> tuple[int, int]:
        """(added, duplicates). Samples go to the shared pool and the running model learns them
        at once, as after #spam/#ham (other processes catch up by the sample id watermark)."""
        from plugins.antispam import store
        from plugins.antispam.models import SHARED

        added = duplicates = 0
        now = self.app.clock.now()
        async with self.session() as db:
            for label, text in rows:
                _, new = store.add_sample(db, SHARED, label, text, source="console", by=CONSOLE_ACTOR, at=now)
                added, duplicates = added + int(new), duplicates + int(not new)
            db.commit()
            plugin = next((p for p in self.app.plugins if p.name == "antispam"), None)
            learner = getattr(plugin, "learner", None)
            if learner is not None and added:
                learner.model(db, now, refresh=True)
        return added, duplicates

    async def import_samples(self, text: str) -> ImportResult:
        rows, errors = parse_samples_tsv(text)
        if len(rows) > IMPORT_LIMIT:
            raise ConsoleError(f"一次最多导入 {IMPORT_LIMIT} 条（这次 {len(rows)} 条），请分批导入")
        if errors:  # nothing is half-imported: fix the file, then import it whole
            return ImportResult(0, 0, errors[:50])
        added, duplicates = await self.add_samples(rows)
        return ImportResult(added, duplicates, [])

    async def remove_sample(self, sample_id: int) -> str:
        """Delete a sample and make the running model forget it: the learner only ever adds, so
        its model is rebuilt from the remaining samples at the next message."""
        from plugins.antispam.models import Sample

        async with self.session() as db:
            sample = db.get(Sample, sample_id)
            if sample is None:
                raise ConsoleError(f"没有样本 {sample_id}")
            text = sample.text
            db.delete(sample)
            db.commit()
        plugin = next((p for p in self.app.plugins if p.name == "antispam"), None)
        models = getattr(getattr(plugin, "learner", None), "_models", None)
        if isinstance(models, dict):
            models.clear()
        return text

    def word_lists(self, room_id: str) -> dict[str, Any]:
        cfg = self.app.rules.plugin_config(room_id or None, "antispam")
        kw = cfg.keywords
        return {"stop_phrases": kw.stop_phrases, "newcomer_phrases": kw.newcomer_phrases,
                "stop_words": kw.stop_words, "regexes": kw.regexes, "mode": kw.mode}

    # ------------------------------------------------------------------ groups
    async def group(self, room_id: str) -> dict[str, Any]:
        return await asyncio.to_thread(self._group_now, room_id)

    def _group_now(self, room_id: str) -> dict[str, Any]:
        from bot.core import lists
        from plugins.newcomers.models import NicknameMember, NicknameStatus

        rules = self.app.rules
        effective: dict[str, Any] = {}
        defaults: dict[str, Any] = {}
        builtin: dict[str, Any] = {}
        _flatten("", rules.for_room(room_id), effective)
        _flatten("", rules.defaults, defaults)
        _flatten("", type(rules.defaults)(), builtin)
        overridden = room_id in rules.groups
        in_chat = {f"{section}.{name}" for section, values in rules.chat_settings(room_id).items() for name in values}
        settings = []
        for key, value in effective.items():
            if key in in_chat:
                origin = "群里设置"  # #nick 格式 …, #rules 设置 … by the group's owner or admins (bot.core.live)
            elif overridden and value != defaults.get(key):
                origin = "本群覆盖"
            elif value != builtin.get(key):
                origin = "rules.yaml 默认"
            else:
                origin = "内置默认"
            section = key.split(".", 1)[0] if "." in key else "通用"
            settings.append({"key": key, "value": _show(value), "origin": origin, "section": section})
        with self._reader() as db:
            names = self._group_names(db)
            pending = list(db.scalars(select(NicknameMember).where(
                NicknameMember.room_id == room_id, NicknameMember.status == NicknameStatus.PENDING)
                .order_by(NicknameMember.since).limit(500)))
            nick = [{"member_id": r.member_id, "name": r.name or r.member_id, "alias": r.last_alias,
                     "since": self.local(r.since, room_id), "stage": r.stage} for r in pending]

            def entries(kind: str) -> list[dict[str, Any]]:
                return [{"member_id": e.member_id, "scope": "所有群" if e.room_id == lists.ALL_GROUPS else "本群",
                         "reason": e.reason, "by": e.added_by, "at": self.local(e.added_at, room_id),
                         "case_id": e.case_id} for e in lists.entries(db, kind, room_id)]

            black, white = entries(lists.BLACKLIST), entries(lists.WHITELIST)
        sections: dict[str, list[dict[str, Any]]] = {}
        for s in settings:
            sections.setdefault(s["section"], []).append(s)
        return {"room_id": room_id, "name": names.get(room_id, room_id), "managed": rules.manages(room_id),
                "overridden": overridden, "sections": sections, "nickname_pending": nick,
                "blacklist": black, "whitelist": white, "rules_whitelist": rules.for_room(room_id).whitelist,
                "moderators": rules.for_room(room_id).moderators}

    # ------------------------------------------------------------------ schedules
    async def schedules(self, room_id: str) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self._schedules_now, room_id)

    def _schedules_now(self, room_id: str) -> list[dict[str, Any]]:
        """Every schedule that applies to the group: from rules.yaml (schedules, event series)
        and added in chat, with its state and next occurrences."""
        from plugins.announce import store
        from plugins.announce.timing import describe_local, local, next_occurrence

        cfg = self.app.rules.plugin_config(room_id, "announce")
        tz = self.app.rules.for_room(room_id).timezone
        now = self.app.clock.now()

        def upcoming(trigger: str, count: int = 3) -> list[str]:
            found: list[str] = []
            after = now
            for _ in range(count):
                try:
                    when = next_occurrence(trigger, tz, after)
                except (ValueError, TypeError):
                    when = None
                if when is None:
                    break
                found.append(describe_local(local(when, tz)))
                after = when
            return found

        out: list[dict[str, Any]] = []
        with self._reader() as db:
            def paused(key: str) -> bool:
                row = store.pause_state(db, room_id, key)
                return bool(row is not None and row.paused)

            for item in cfg.schedules:
                if not item.rooms or room_id in item.rooms:
                    out.append({"id": item.id, "source": "rules.yaml", "trigger": item.trigger,
                                "target": "群公告" if item.target == "announce" else "消息", "text": item.text,
                                "paused": paused(f"r:{item.id}"), "done": False, "removable": False,
                                "next": upcoming(item.trigger)})
            for series in cfg.series:
                if not series.rooms or room_id in series.rooms:
                    out.append({"id": series.id, "source": f"rules.yaml 系列活动「{series.title}」",
                                "trigger": series.trigger, "target": "、".join(p for p, _ in series.part_triggers()),
                                "text": series.title, "paused": paused(f"s:{series.id}"), "done": False,
                                "removable": False, "next": upcoming(series.trigger)})
            # plugins' own timed messages (the check-in reminder and weekly summary): set in
            # rules.yaml, shown so the owner knows when they go; not paused here
            for plugin in self.app.plugins:
                try:
                    jobs = list(plugin.jobs(self.app.rules, db))
                except Exception:  # the page shows what it can; the reconcile logs the failure
                    jobs = []
                for job in jobs:
                    if job.room_id == room_id and job.label:
                        out.append({"id": job.id.split(":", 1)[0], "source": f"rules.yaml（{plugin.title}）",
                                    "trigger": job.trigger, "target": "消息", "text": job.label,
                                    "paused": False, "done": False, "removable": False, "fixed": True,
                                    "next": upcoming(job.trigger)})
            for row in store.chat_schedules(db, room_id, include_done=True)[-100:]:
                done = row.status == store.DONE
                out.append({"id": str(row.id), "source": f"聊天中添加（{row.created_by}）", "trigger": row.trigger,
                            "target": "群公告" if row.target == "announce" else "消息", "text": row.text,
                            "paused": paused(f"c:{row.id}"), "done": done, "removable": True,
                            "next": [] if done else upcoming(row.trigger)})
        return out

    async def change_schedule(self, room_id: str, verb: str, schedule_id: str) -> list[str]:
        """The #schedule pause|resume|remove command in that group."""
        if verb not in ("pause", "resume", "remove") or not schedule_id or len(schedule_id) > 40 \
                or " " in schedule_id:
            raise ConsoleError("无效的定时任务操作")
        return await self.run_command(room_id, "schedule", f"{verb} {schedule_id}")  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ rules: check and backtest a candidate
    def rules_text(self) -> str:
        try:
            return Path(self.app.rules_store.path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return f"# 无法读取 {self.app.rules_store.path}：{exc}\n"

    async def check_rules(self, text: str, backtest_days: int, room_id: str) -> dict[str, Any]:
        """Validate a candidate rules file (every error with its line) and, if asked, replay the
        stored messages of the last days under it (antispam backtest, in a worker thread with
        its own connection: it reads only). rules.yaml itself is never written here."""
        import asyncio
        import tempfile

        from bot.rules.loader import RulesInvalid, parse_rules
        from plugins.antispam.replay import run_backtest

        if len(text) > 1_000_000:
            raise ConsoleError("规则文件过大")
        try:
            rules = parse_rules(text, "候选规则", self.app.plugins, now=self.app.clock.now())
        except RulesInvalid as exc:
            return {"ok": False, "errors": [e.for_people() for e in exc.errors]}
        result: dict[str, Any] = {"ok": True, "digest": rules.digest, "groups": len(rules.groups),
                                  "same": rules.digest == self.app.rules.digest, "backtest": []}
        if backtest_days > 0:
            with tempfile.TemporaryDirectory(prefix="qunguan-rules-") as folder:
                candidate = Path(folder) / "candidate.yaml"
                candidate.write_text(text, "utf-8")
                result["backtest"] = await asyncio.to_thread(
                    run_backtest, self.runtime.database_url, Path(self.app.rules_store.path), candidate,
                    timedelta(days=min(backtest_days, 30)), room_id or None, 50)
        return result

    # ------------------------------------------------------------------ backup
    def backup_kind(self) -> str:
        return self.runtime.engine.dialect.name

    async def backup_sqlite(self, target: str) -> None:
        """A consistent copy of the SQLite database into `target`, through SQLite's online backup
        in one step (a read snapshot: a plain file copy could catch a write half-done), in a
        worker thread: the bot keeps handling messages meanwhile."""
        import sqlite3

        path = self.runtime.engine.url.database
        if not path or path == ":memory:":
            raise ConsoleError("内存数据库无法备份")

        def copy() -> None:
            source = sqlite3.connect(path)
            try:
                dest = sqlite3.connect(target)
                try:
                    source.backup(dest)
                finally:
                    dest.close()
            finally:
                source.close()

        await asyncio.to_thread(copy)


class ConsoleService(_CoreService, ConsoleExtras):
    """Everything the console reads and does (the core pages, then samples, groups, backup)."""
