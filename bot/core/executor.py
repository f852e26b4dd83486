"""The one place actions become platform calls.

For every action the outbox hands it, in order: dry-run (decided here and only here: record,
do nothing) → never act on owners, admins, moderators, operators or whitelisted members
(re-checked now, on fresh room data; for a newcomer removed right after joining, where the bot is
an admin, their join's read of a moment ago: `RoomDirectory.for_removal`) → can the bot do this
here? (if not: ask the owner and say so, or fall back to a message) → the rate governor → the
adapter call.

The executor returns an Outcome: what really happened, plus the follow-up actions whose words
are now true (the "已移出" notice only after a removal; the admins told of a refusal or a
failure; the admin who typed the command told either way) and the database effect to apply
with it (a blacklist entry, a recall key). The outbox records all of it in one transaction.
Failures come back as outcomes, never as exceptions, except Refused (a cap: the outbox keeps
the action for the next window).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.actions import (
    RECALL_WITHIN,
    Announce,
    Blacklist,
    Invite,
    Kick,
    NotifyAdmins,
    Recall,
    Reply,
    SendPrivate,
    SetTopic,
)
from bot.clock import Clock
from bot.core import lists
from bot.core.audit import AuditLog
from bot.core.context import Planned
from bot.core.governor import Governor, Refused
from bot.core.roles import bot_can_moderate, is_protected
from bot.core.rooms import RoomDirectory
from bot.platform import ErrorKind, Platform, PlatformError, RoomInfo
from bot.rules.loader import Rules
from db import repo

log = logging.getLogger(__name__)

DbEffect = Callable[[Session], None]

# why a removal was handed to a human (an asked_owner outcome's detail)
NOT_ADMIN = "the bot is not owner or admin here"
UNSUPPORTED = "the gateway does not support removing members"
ASKED_FIRST = "the evidence is not enough to remove without a human"
# how old a newcomer's join's room read may be to stand for the read before removing them
# (RoomDirectory.for_removal): an ad posted right after joining is removed within it
KICK_FRESH = timedelta(seconds=2)
# outcomes after which a case's penalty really happened (or a human was asked to carry it out)
PERFORMED = frozenset({"done", "asked_owner", "fallback"})


@dataclass(slots=True)
class Outcome:
    # done, dry_run, refused_protected, asked_owner, fallback, refused_cap, failed, gone,
    # throttled (kept for a retry by the outbox), uncertain, expired, skipped (nothing to do)
    status: str
    detail: str = ""
    message_id: str | None = None
    followups: list[Planned] = field(default_factory=list)
    db_effect: DbEffect | None = None


class Executor:
    def __init__(
        self, platform: Platform, governor: Governor, rooms: RoomDirectory, audit: AuditLog,
        clock: Clock, dry_run: Callable[[Rules, str | None], bool],
        whitelisted: Callable[[str, str], Awaitable[bool]],
    ) -> None:
        self._platform = platform
        self._governor = governor
        self._rooms = rooms
        self._audit = audit
        self._clock = clock
        self._dry_run = dry_run
        self._whitelisted = whitelisted  # the chat-managed whitelist (rules.yaml's is in is_protected)

    async def run(self, planned: Planned, rules: Rules, *, recovering: bool = False,
                  whitelisted: bool | None = None) -> Outcome:
        """Carry out one action. `recovering`: it was in flight when the bot stopped, so it may
        have happened already (a removal is re-checked; the outbox never resends a text).
        `whitelisted`: for a removal, whether the chat-managed whitelist names its member, read
        fresh by the caller a moment ago (the outbox, in the transaction that claimed the row);
        None: read here.
        Raises Refused when a governor cap holds it back."""
        action = planned.action
        room_id = getattr(action, "room_id", None)
        if not planned.answer and self._dry_run(rules, room_id):
            outcome = Outcome("dry_run", "dry-run: recorded, not performed")
            if isinstance(action, Kick):
                outcome.followups = self._kick_followups(action, planned, outcome, rules, "")
        else:
            try:
                outcome = await self._perform(planned, rules, recovering, whitelisted)
            except PlatformError as exc:
                outcome = self._platform_error(exc)
                if isinstance(action, Kick) and outcome.status == "failed":
                    outcome.followups = self._kick_followups(action, planned, outcome, rules, "")
        if isinstance(action, Invite) and outcome.status in ("done", "failed", "dry_run"):
            outcome.followups = self._invite_followups(action, planned, outcome, rules)
        level = logging.WARNING if outcome.status in ("failed", "throttled", "unavailable") else logging.INFO
        why = getattr(action, "reason", "")
        log.log(level, "%s %s by %s%s → %s %s", type(action).__name__, room_id or "", planned.source,
                f" ({why})" if why else "", outcome.status, outcome.detail)
        return outcome

    def first_slot(self, planned: Planned, rules: Rules) -> tuple[str | None, str] | None:
        """The governor's (room, kind) this action asks for before its first platform call that
        changes anything, where every way through it asks for that slot first; None where it may
        do nothing outward at all (dry-run, a list entry) or ask for another slot first (a
        removal put to the owner, a recall, an announcement, a notice). The outbox marks such an
        action in flight when it claims it if the slot looks free (Outbox._claim_and_mark)."""
        action = planned.action
        room_id = getattr(action, "room_id", None)
        if not planned.answer and self._dry_run(rules, room_id):
            return None
        match action:
            case Reply() | Invite() | SetTopic():
                return room_id, "send"
            case SendPrivate():
                return None, "send"
            case Kick() if not action.ask_first:
                return room_id, "kick"
        return None

    async def run_notify(self, room_id: str, notices: Sequence[NotifyAdmins], planned: Planned,
                         rules: Rules) -> Outcome:
        """Several admin notices for one room as one message (a digest)."""
        if not planned.answer and self._dry_run(rules, room_id):
            return Outcome("dry_run", "dry-run: recorded, not performed")
        try:
            outcome = await self.tell(room_id, notices, rules)
        except PlatformError as exc:
            outcome = self._platform_error(exc)
        level = logging.INFO if outcome.status in ("done", "skipped") else logging.WARNING
        log.log(level, "NotifyAdmins %s (%d notice(s)) → %s %s", room_id, len(notices), outcome.status,
                outcome.detail)
        return outcome

    def _platform_error(self, exc: PlatformError) -> Outcome:
        """throttled and unavailable: nothing happened, the outbox tries again later."""
        if exc.kind == ErrorKind.THROTTLED:
            self._governor.note_throttled()
            return Outcome("throttled", f"{exc.kind}: {exc}")
        if exc.kind == ErrorKind.UNAVAILABLE:
            return Outcome("unavailable", f"{exc.kind}: {exc}")
        return Outcome("failed", f"{exc.kind}: {exc}")

    def give_up(self, planned: Planned, outcome: Outcome, rules: Rules) -> Outcome:
        """An action WeChat kept throttling: it failed, and whoever is owed words hears so."""
        final = Outcome("failed", outcome.detail)
        if isinstance(planned.action, Kick):
            final.followups = self._kick_followups(planned.action, planned, final, rules, "")
        elif isinstance(planned.action, Invite):
            final.followups = self._invite_followups(planned.action, planned, final, rules)
        return final

    async def _perform(self, planned: Planned, rules: Rules, recovering: bool,
                       whitelisted: bool | None = None) -> Outcome:
        action = planned.action
        match action:
            case Reply():
                return await self._send(action.room_id, action.text, action.mention_ids, action.recall_key,
                                        action.greets)
            case SendPrivate():
                await self._governor.acquire(None)
                mid = await self._platform.send_text(action.contact_id, action.text)
                return Outcome("done", message_id=mid)
            case Kick():
                return await self._kick(planned, action, rules, recovering, whitelisted)
            case Blacklist():
                return self._blacklist(action)
            case Invite():
                await self._governor.acquire(action.room_id)
                await self._platform.invite(action.room_id, action.member_id)
                self._rooms.invalidate(action.room_id)
                return Outcome("done")
            case Announce():
                return await self._announce(action, rules)
            case SetTopic():
                await self._governor.acquire(action.room_id)
                try:
                    await self._platform.set_topic(action.room_id, action.topic)
                except PlatformError as exc:
                    if exc.kind not in (ErrorKind.PERMISSION, ErrorKind.UNSUPPORTED):
                        raise
                    return Outcome("failed", str(exc))
                self._rooms.invalidate(action.room_id)
                return Outcome("done")
            case Recall():
                return await self._recall(action)
            case NotifyAdmins():
                return await self.tell(action.room_id, [action], rules)
        raise TypeError(f"unknown action {action!r}")

    async def _send(self, room_id: str, text: str, mentions: tuple[str, ...] = (),
                    recall_key: str | None = None, greets: tuple[str, ...] = ()) -> Outcome:
        await self._governor.acquire(room_id)
        mid = await self._platform.send_text(room_id, text, mentions)
        outcome = Outcome("done", message_id=mid)
        if mid and (recall_key or greets):
            at = self._clock.now()

            def remember(db: Session, mid: str = mid) -> None:
                repo.record_sent(db, room_id, mid, recall_key, at, greets)
            outcome.db_effect = remember
        return outcome

    def _blacklist(self, action: Blacklist) -> Outcome:
        at = self._clock.now()

        def write(db: Session) -> None:
            lists.add(db, lists.BLACKLIST, action.room_id, action.member_id, by=action.by, at=at,
                      reason=action.reason, case_id=action.case_id)
        return Outcome("done", db_effect=write)

    def responsible(self, room: RoomInfo, rules: Rules) -> tuple[str, ...]:
        """The humans who run a room: its owner, its WeChat admins, its moderators in rules.yaml."""
        me = self._platform.self_id
        people = [room.owner_id] if room.owner_id and room.owner_id != me else []
        people += sorted(room.admin_ids - {me, room.owner_id})
        people += [m for m in rules.for_room(room.id).moderators if room.has_member(m) and m not in people]
        return tuple(p for p in people if p)

    # ------------------------------------------------------------------ removals
    async def _kick(self, planned: Planned, action: Kick, rules: Rules, recovering: bool,
                    whitelisted: bool | None = None) -> Outcome:
        # the room as its newcomer's join read it a moment ago, where it can stand for a read
        # (RoomDirectory.for_removal); never after a crash (the member's absence would say the
        # removal happened), and never where it would change the decision: protected, or the
        # bot unable to remove there, is read again as always. Only where the bot is an admin,
        # not the owner: WeChat refuses an admin's removal of the owner or another admin, so a
        # newcomer made admin since the read is refused by the platform and read again here;
        # an owner's removal of an admin would go through
        me = self._platform.self_id
        cached = None if recovering else self._rooms.for_removal(action.room_id, action.member_id, KICK_FRESH)
        if cached is not None and cached.owner_id != me and bot_can_moderate(me, cached) \
                and not is_protected(action.member_id, cached, rules):
            outcome = await self._kick_in(planned, action, rules, recovering, whitelisted, cached, True)
            if outcome is not None:
                return outcome
        room = await self._rooms.get(action.room_id, refresh=True)
        outcome = await self._kick_in(planned, action, rules, recovering, whitelisted, room, False)
        assert outcome is not None
        return outcome

    async def _kick_in(self, planned: Planned, action: Kick, rules: Rules, recovering: bool,
                       whitelisted: bool | None, room: RoomInfo | None, cached: bool) -> Outcome | None:
        """The removal judged on `room`; None when it was the cached room and the platform
        refused the removal: the room is read again and the removal judged on that."""
        name = action.member_name or await self._name(action.room_id, action.member_id)
        if room is None:
            outcome = Outcome("failed", "room unknown")
        elif not room.has_member(action.member_id):
            # after a crash mid-removal the member being gone means our removal went through
            outcome = Outcome("done", "already out of the room (recovered)") if recovering else Outcome(
                "gone", "member is no longer in the room")
        elif is_protected(action.member_id, room, rules) or (
                whitelisted if whitelisted is not None else await self._whitelisted(action.room_id, action.member_id)):
            outcome = Outcome("refused_protected", "owner, admin, moderator, operator or whitelisted")
        else:
            removed = await self._remove_or_ask(action, room, rules, name, cached)
            if removed is None:
                return None
            outcome = removed
        recalls = await self._greetings_to_take_back(action, room) if outcome.status == "done" and room else []
        outcome.followups = [Planned(r, planned.source) for r in recalls] + self._kick_followups(
            action, planned, outcome, rules, name) + outcome.followups
        return outcome

    async def _greetings_to_take_back(self, action: Kick, room: RoomInfo) -> list[Recall]:
        """A welcome or nickname step sent a moment ago whose newcomers are all out now: an
        advertiser removed right after joining leaves "欢迎 @X 加入…" in the chat otherwise.
        One that also greeted someone still here stays."""
        since = self._clock.now() - RECALL_WITHIN
        staying = set(room.member_ids) - {action.member_id}
        return [Recall(action.room_id, message_id=mid)
                for mid, greeted in sorted((await self._audit.greeted_since(action.room_id, since)).items())
                if action.member_id in greeted and not greeted & staying]

    async def _unsupported(self, room_id: str, capability: str) -> bool:
        """Whether the gateway is known not to support this at all (Capabilities.missing says
        "unsupported"): then the bot asks a human up front instead of attempting and failing.
        The role is judged separately, on the freshly read room."""
        capabilities = getattr(self._platform, "capabilities", None)
        if capabilities is None:
            return False
        try:
            caps = await capabilities(room_id)
        except PlatformError:
            return False
        return (capability, "unsupported") in caps.missing

    async def _remove_or_ask(self, action: Kick, room: RoomInfo, rules: Rules, name: str,
                             cached: bool = False) -> Outcome | None:
        texts = rules.bot.texts
        if action.ask_first:
            # the member is a regular and the evidence is a model's score: asked where the owner
            # and admins are told of cases (privately where the bot can reach them), not before
            # the whole group, which would name a possibly innocent regular a second time
            try:
                asked = await self.notify(action.room_id, [action.ask_text or texts.ask_admins_kick.format(
                    member=name, reason=action.reason or "违反群规", case=_case_label(action.case_id),
                    prefix=rules.bot.command_prefix)], rules)
            except PlatformError as exc:
                asked = Outcome("failed", f"{exc.kind}: {exc}")
            if asked.status != "done":
                return Outcome("failed", f"could not ask the owner: {asked.detail}")
            return Outcome("asked_owner", ASKED_FIRST)
        unsupported = await self._unsupported(action.room_id, "can_remove")
        if bot_can_moderate(self._platform.self_id, room) and not unsupported:
            await self._governor.acquire(action.room_id, "kick")  # Refused: the outbox keeps it
            try:
                await self._platform.kick(action.room_id, action.member_id)
            except PlatformError as exc:
                if exc.kind == ErrorKind.UNSUPPORTED:
                    unsupported = True
                elif exc.kind != ErrorKind.PERMISSION:
                    raise
                self._rooms.invalidate(action.room_id)  # our role changed under us
                if cached:
                    # or the member's (made admin since the read): whom to ask, or whether to
                    # refuse, is decided on the room as it is now
                    return None
            else:
                self._rooms.invalidate(action.room_id)
                return Outcome("done")
        template = texts.ask_owner_kick_unsupported if unsupported else texts.ask_owner_kick
        text = template.format(member=name, reason=action.reason or "违反群规", case=_case_label(action.case_id))
        return await self._ask(action, room, rules, text, UNSUPPORTED if unsupported else NOT_ADMIN)

    async def _ask(self, action: Kick, room: RoomInfo, rules: Rules, text: str, why: str) -> Outcome:
        """Ask the room's owner and admins, in the group, to carry out a removal; for an
        owner's or WeChat admin's own #kick there, only them: they can remove the member
        themselves, and the other admins need not be called for it (in a simulated day the
        captain's #kick answered "@队长 @副队 …请群主或管理员处理")."""
        asker = action.answer_mention if action.answer_to == action.room_id else None
        people = (asker,) if asker and (asker == room.owner_id or asker in room.admin_ids) \
            else self.responsible(room, rules)
        try:
            await self._send(action.room_id, text, people)
        except PlatformError as exc:
            return Outcome("failed", f"could not ask the owner: {exc.kind}: {exc}")
        return Outcome("asked_owner", why)

    def _why(self, outcome: Outcome, rules: Rules) -> str:
        texts = rules.bot.texts
        if outcome.status == "asked_owner" and outcome.detail == UNSUPPORTED:
            return texts.why_unsupported
        if outcome.status == "asked_owner" and outcome.detail == ASKED_FIRST:
            return texts.why_asked_first
        return {
            "asked_owner": texts.why_asked_owner, "refused_protected": texts.why_protected,
            "gone": texts.why_gone, "dry_run": texts.why_dry_run,
        }.get(outcome.status, texts.why_failed)

    def _kick_followups(self, action: Kick, planned: Planned, outcome: Outcome, rules: Rules,
                        name: str) -> list[Planned]:
        """The words that are true after this outcome, to whom they are owed."""
        texts = rules.bot.texts
        name = name or action.member_name or action.member_id
        out: list[Planned] = []
        if outcome.status == "done":
            if action.notice_done:
                out.append(Planned(Reply(action.room_id, action.notice_done, reason=_case(action.case_id)),
                                   planned.source, answer=True))
            if action.answer_to and action.answer_to != action.room_id and action.notice_done:
                out.append(Planned(_answer(action, action.notice_done), planned.source, answer=True))
            return out
        if outcome.status in ("failed", "throttled"):
            out.append(Planned(NotifyAdmins(action.room_id, texts.kick_failed_admins.format(
                member=name, reason=action.reason or "违反群规", case=_case_label(action.case_id),
                detail=outcome.detail[:200]), action.case_id), planned.source))
        if action.answer_to and not (outcome.status == "asked_owner" and action.answer_to == action.room_id):
            text = texts.kick_not_done.format(member=name, case=_case_label(action.case_id),
                                              why=self._why(outcome, rules))
            out.append(Planned(_answer(action, text), planned.source, answer=True))
        return out

    @staticmethod
    def _invite_followups(action: Invite, planned: Planned, outcome: Outcome, rules: Rules) -> list[Planned]:
        """What the admin who lifted a penalty is owed once the invitation back is final."""
        if not action.answer_to:
            return []
        texts = rules.bot.texts
        why = texts.invite_why_dry_run if outcome.status == "dry_run" else texts.invite_why_failed
        # a plain replace, not format(): the member's name in the text may hold braces
        text = action.answer_done if outcome.status == "done" else action.answer_not_done.replace("{why}", why)
        return [Planned(_answer(action, text), planned.source, answer=True)] if text else []

    @staticmethod
    def answers(planned: Planned, status: str, rules: Rules) -> list[Planned]:
        """What the person who asked for a text privately is owed once its outcome is final
        (Reply.answer_to): that it went out, or why not."""
        action = planned.action
        if not isinstance(action, Reply) or not action.answer_to:
            return []
        texts = rules.bot.texts
        if status == "done":
            text = action.answer_done
        else:
            why = {"dry_run": texts.text_dry_run, "expired": texts.text_expired, "refused_cap": texts.text_cap,
                   "uncertain": texts.text_uncertain}.get(status, texts.text_failed)
            # a plain replace, not format(): the rest of the text is already filled in, with a
            # member's name that may hold braces
            text = action.answer_not_done.replace("{why}", why)
        if not text:
            return []
        return [Planned(SendPrivate(action.answer_to, text, reason=_case(action.case_id)), planned.source,
                        answer=True)]

    def cap_followups(self, action: Kick, planned: Planned, refused: Refused, rules: Rules) -> list[Planned]:
        """A removal held back by a cap: the admins (and the admin who asked) hear it once; the
        outbox retries the removal when the cap allows."""
        texts = rules.bot.texts
        tz = ZoneInfo(rules.for_room(action.room_id).timezone)
        when = refused.retry_at.astimezone(tz).strftime("%H:%M")
        name = action.member_name or action.member_id
        limit = rules.bot.governor.kicks_per_hour if refused.cap == "kicks_per_hour" else rules.bot.governor.daily_limit
        text = (texts.kick_deferred_admins if refused.cap == "kicks_per_hour" else texts.daily_cap_admins).format(
            member=name, reason=action.reason or "违反群规", case=_case_label(action.case_id), time=when, limit=limit)
        out = [Planned(NotifyAdmins(action.room_id, text, action.case_id), planned.source)]
        if action.answer_to:
            out.append(Planned(_answer(action, texts.kick_not_done.format(
                member=name, case=_case_label(action.case_id), why=texts.why_cap.format(time=when))),
                planned.source, answer=True))
        return out

    # ------------------------------------------------------------------ announcements, recalls
    async def _announce(self, action: Announce, rules: Rules) -> Outcome:
        room = await self._rooms.get(action.room_id, refresh=True)
        unsupported = await self._unsupported(action.room_id, "can_announce")
        if unsupported:
            reason = "the gateway does not support setting the announcement"
        elif bot_can_moderate(self._platform.self_id, room):
            await self._governor.acquire(action.room_id)
            try:
                await self._platform.set_announcement(action.room_id, action.text)
                return Outcome("done")
            except PlatformError as exc:
                if exc.kind not in (ErrorKind.PERMISSION, ErrorKind.UNSUPPORTED):
                    raise
                unsupported = exc.kind == ErrorKind.UNSUPPORTED
                reason = str(exc)
        else:
            reason = NOT_ADMIN
        if not action.fallback_to_message:
            return Outcome("failed", reason)
        texts = rules.bot.texts
        await self._send(action.room_id, texts.announce_fallback.format(text=action.text))
        if room is not None:
            ask = texts.ask_owner_announce_unsupported if unsupported else texts.ask_owner_announce
            await self._send(action.room_id, ask, self.responsible(room, rules))
        return Outcome("fallback", f"sent as a message: {reason}")

    async def _recall(self, action: Recall) -> Outcome:
        mid = action.message_id
        if mid is None and action.recall_key:
            # only one WeChat still lets the bot take back: a welcome replacing "the last one"
            # whose last one went out minutes ago (the one between was withdrawn: its advertiser
            # was removed first) asked WeChat to take back a welcome four minutes old (refused;
            # seen in a simulated flea market)
            mid = await self._audit.last_sent(action.room_id, action.recall_key, self._clock.now() - RECALL_WITHIN)
        if mid is None:
            # every message of the key is taken back already (a welcome replacing one whose own
            # replacement was dropped), or the last one is past recall: nothing is wrong, and
            # nothing was done
            return Outcome("skipped", "nothing left to take back")
        if action.replaced_for is not None and await self._would_orphan(action, mid):
            return Outcome("skipped", "it greeted members still here whom its replacement does not")
        await self._governor.acquire(action.room_id, "recall")
        ok = await self._platform.recall(mid)
        if not ok:
            return Outcome("failed", "the platform refused the recall")

        def forget(db: Session, room_id: str = action.room_id, mid: str = mid) -> None:
            repo.forget_sent(db, room_id, mid)
        return Outcome("done", db_effect=forget)

    async def _would_orphan(self, action: Recall, mid: str) -> bool:
        """Whether taking back `mid` leaves someone it greeted, still in the room, greeted by
        nothing (Recall.replaced_for). Unsure (the room unreadable): it stays."""
        greeted = (await self._audit.greeted_since(action.room_id, self._clock.now() - 2 * RECALL_WITHIN)).get(mid)
        if not greeted:
            return False
        room = await self._rooms.get(action.room_id)
        if room is None:
            return True
        return bool((greeted & set(room.member_ids)) - set(action.replaced_for or ()))

    # ------------------------------------------------------------------ telling the admins
    async def notify(self, room_id: str, texts: list[str], rules: Rules) -> Outcome:
        """Tell the humans responsible for a room (one message carrying every text): see tell()."""
        return await self.tell(room_id, [NotifyAdmins(room_id, text) for text in texts], rules)

    async def tell(self, room_id: str, notices: Sequence[NotifyAdmins], rules: Rules) -> Outcome:
        """Tell the humans responsible for a room (one message each, carrying every notice they
        need): the admin group, else the operators privately, else the room's owner and admins —
        privately where the bot can message them (friends), in the group with a mention
        otherwise. A notice leaves out whoever knows already (NotifyAdmins.told, asked_in_room):
        an owner asked in the group to remove an advertiser got the same case privately half a
        minute later (seen in a simulated day)."""
        label = rules.for_room(room_id).name or room_id
        if rules.bot.admin_group:
            topic = await self._topic(room_id, label)
            return await self._send(rules.bot.admin_group, _headed(topic, "\n".join(n.text for n in notices)))
        asked_in_room = any(n.asked_in_room for n in notices)
        room = await self._rooms.get(room_id) if asked_in_room or not rules.bot.operators else None
        # who was asked in the group: the same people responsible() names there
        asked = frozenset(self.responsible(room, rules)) if room is not None and asked_in_room else frozenset()

        def needs(notice: NotifyAdmins, person: str) -> bool:
            return person not in notice.told and not (notice.asked_in_room and person in asked)

        def body_for(person: str) -> str:
            return "\n".join(n.text for n in notices if needs(n, person))

        if rules.bot.operators:
            topic = await self._topic(room_id, label)
            sent = 0
            for operator in rules.bot.operators:
                body = body_for(operator)
                if body:
                    await self._governor.acquire(None)
                    await self._platform.send_text(operator, _headed(topic, body))
                    sent += 1
            if not sent:
                return Outcome("skipped", "every operator knew already")
            return Outcome("done", f"sent privately to {sent} operator(s)")
        if room is None:
            return Outcome("failed", "nobody to tell: no operators, no admin group, room unknown")
        people = self.responsible(room, rules)
        if not people:
            return Outcome("failed", "nobody to tell: no operators, no admin group, no human owner or admin")
        people = tuple(p for p in people if body_for(p))
        if not people:
            return Outcome("skipped", "the owner and admins knew already")
        is_friend = getattr(self._platform, "is_friend", None)
        private: list[str] = []
        if is_friend is not None:
            for person in people:
                try:
                    if await is_friend(person):
                        private.append(person)
                except PlatformError:
                    pass
        for person in private:
            await self._governor.acquire(None)
            await self._platform.send_text(person, _headed(room.topic or label, body_for(person)))
        in_group = tuple(p for p in people if p not in private)
        if in_group:
            # one message for everyone mentioned: the notices any of them still needs
            needed = "\n".join(n.text for n in notices if any(needs(n, p) for p in in_group))
            await self._send(room_id, rules.bot.texts.admins_in_group.format(text=needed), in_group)
        return Outcome("done", f"told {len(private)} privately, {len(in_group)} in the group")

    async def _topic(self, room_id: str, label: str) -> str:
        if label != room_id:
            return label
        room = self._rooms.cached(room_id) if hasattr(self._rooms, "cached") else None
        return room.topic if room is not None and room.topic else label

    async def _name(self, room_id: str, member_id: str) -> str:
        try:
            return await self._platform.member_alias(room_id, member_id) or await self._platform.contact_name(
                member_id)
        except PlatformError:
            return member_id


def _headed(topic: str, body: str) -> str:
    """A notice headed with the group it is about. Group names often carry their own 【】
    (【星辰】公会群): 【【星辰】公会群】 read as a typo in a simulated guild's day, so such a name is
    quoted with 「」 instead."""
    if "【" in topic or "】" in topic:
        return f"「{topic}」{body}"
    return f"【{topic}】{body}"


def _case(case_id: int | None) -> str:
    return f"case {case_id}" if case_id is not None else ""


def _case_label(case_id: int | None) -> str:
    return f"（案件 #{case_id}）" if case_id is not None else ""


def _answer(action: Kick | Invite, text: str) -> Reply | SendPrivate:
    assert action.answer_to is not None
    if action.answer_to == action.room_id:
        mention = (action.answer_mention,) if action.answer_mention else ()
        return Reply(action.answer_to, text, mention, reason=_case(action.case_id))
    return SendPrivate(action.answer_to, text, reason=_case(action.case_id))
