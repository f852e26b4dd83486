"""The antispam plugin: decides for every group message whether it is spam or an ad, what to do
about it and why; learns from admins' #spam and #ham."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from bot.actions import Kick
from bot.core import cases, flags, lists, members
from bot.core.cases import Case
from bot.core.commands import CommandRouter
from bot.core.members import MemberFacts
from bot.core.plugin import JobSpec, Plugin, command
from bot.core.roles import Role, bot_can_moderate, is_protected, role_of, vouched_by
from bot.core.targets import display_name
from bot.events import MemberJoined, MessageKind, MessageReceived, Quote, TopicChanged
from plugins.antispam import adname, answers, ladder, loan, qr, renamed, selling, store
from plugins.antispam.checks import Facts, promotion
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import Decision, decide
from plugins.antispam.learner import Learner
from plugins.antispam.models import SHARED, StoredMessage
from plugins.antispam.normalize import normalise
from plugins.antispam.windows import Windows

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.core.context import Context, Lookup
    from bot.rules.loader import Rules
    from plugins.antispam.models import Sample

    # the command's message, the quote (the member's message it stands for), the stored message,
    # the text, and the case a quoted notice of the bot's was about
    _Quoted = tuple[MessageReceived, Quote, StoredMessage | None, str, int | None]

log = logging.getLogger("plugins.antispam")
# outcomes of a removal case that stands: done, on its way, or put to the owner and admins
_STANDING = frozenset({"pending", "deferred", "done", "asked_owner", "gone", "left", *cases.REMOVED_BY_HAND})
PRUNE_JOB = "antispam.prune"
# how long a warning must have been in the group before the member's next ad is theirs to answer
# for: lines pasted in one go land within a few seconds of each other, before anyone reads
READ_WARNING = timedelta(seconds=10)
_DECODED_KEPT = 256  # QR codes gathered ahead of handle(): far more than the messages in flight
_EXEMPT_KEPT = 100_000  # members whose last image was not checked (trusted, protected)


def probation(cfg: AntispamConfig, member: MemberFacts | None, now: datetime) -> tuple[bool, bool]:
    """(newcomer, trusted) from core_member. Credit is approved history earned elsewhere.

    A member whose join the bot saw is on probation for their first messages and days. One
    who was already in the group when the bot met it is established. One who turned up later
    without a join event (the platform missed it) is on probation by message count. Leaving
    and coming back restarts neither: the days count from when the bot first saw them, and
    their messages add up (a regular who left by mistake and was invited back had their next
    message removed as a newcomer's obvious ad, seen in a simulated day)."""
    p = cfg.probation
    if member is None:
        return p.unseen_join, False
    if (member.credit or 0) >= p.trusted_credit:
        return False, True
    if member.established:
        return False, False
    early = (member.messages or 0) <= p.messages and (member.joined_at is not None or p.unseen_join)
    recent = member.joined_at is not None and now - min(member.first_seen, member.joined_at) < p.days
    return early or recent, False


def _said_by_codes(codes: tuple[str, ...]) -> str:
    """What a picture's QR codes say, as the behaviour windows count it."""
    return "二维码 " + " ".join(sorted(codes))


def _borrowed_before(ctx: Context, cfg: AntispamConfig, msg: MessageReceived, codes: tuple[str, ...],
                     now: datetime) -> str:
    """For an image with a payment code: the sender's text asking to borrow, urgently, within
    loan.QR_WITHIN before it (loan.borrow_ask), which the code completes into a loan plea; else "".
    Read from the store only for such an image (rare): other messages cost nothing."""
    if not cfg.keywords.loan_plea or not any(qr.classify(c).kind == "payment" for c in codes):
        return ""
    assert msg.room_id is not None
    for text in store.texts_since(ctx.db, msg.room_id, msg.sender_id, now - loan.QR_WITHIN):
        if loan.borrow_ask(normalise(text).body):
            return text
    return ""


# the shipped char model's score under which a message reads as ordinary chat to it
_READS_AS_CHAT = 0.5
# what an ad word may come with and still be the only evidence: the contact data it names
_WORDS = frozenset({"keywords", "contact"})


def words_against_the_model(decision: Decision) -> bool:
    """An established member's message convicted on an ad word (or a recruitment pitch) alone,
    which the shipped model reads as ordinary chat: an alumna's 我们律所招实习律师助理，日结工资
    200……发简历到 amy_law@qq.com scored 2% and was told 警告：发广告，再犯将被移出本群, a second
    such post a removal (seen in a simulated alumni day). Like a conviction on the models' word
    alone, it is worded as what the bot saw, undone by an admin, and a removal is put to the owner
    and admins (Offence.ask_first); a stolen account's 兼职刷单日结 reads as an ad to the model."""
    fired = decision.fired
    return (decision.char_score is not None and decision.char_score < _READS_AS_CHAT
            and any(v.name == "keywords" for v in fired) and all(v.name in _WORDS for v in fired))


# the checks that run only once the models have scored the message (engine.decide)
_SCORED = frozenset({"bayes", "similar", "charmodel"})


def _scores(decision: Decision) -> dict[str, float]:
    """The models' scores for a case's evidence: the Bayes' (score) and the shipped char model's;
    none where no model read the message (a picture without words: its QR code case said
    广告可能性较低（0%）；但按规则属于明显的广告, a score nothing had given)."""
    if not any(v.name in _SCORED for v, _ in decision.verdicts):
        return {}
    return {"score": round(decision.score, 4),
            **({"char_score": round(decision.char_score, 4)} if decision.char_score is not None else {})}


def explain(cfg: AntispamConfig, decision: Decision, fired: list | None = None) -> str:
    """The reason members read, in Chinese: 刷屏, 重复刷消息, 广告引流, 大量@他人 …"""
    return decision.label(cfg.texts.check_labels, fired)


def standing(ctx: Context, cfg: AntispamConfig, member_id: str, member: MemberFacts | None,
             now: datetime) -> tuple[bool, bool, Any]:
    """(newcomer, trusted, vouch) of a member the plugin judges (a message's sender, a group's
    renamer). A newcomer the owner or an admin invited (by id) is vouched for: judged as an
    established member (newcomer False), and the bot removes none of them on its own. Not in
    strict mode: an admin's #strict on, or a raid mostly of strangers, asks for newcomers to be
    removed, and a group QR code shared in public names the owner as everyone's inviter."""
    assert ctx.room_id is not None
    newcomer, trusted = probation(cfg, member, now)
    vouch = vouched_by(member.inviter_id, member_id, ctx.room, ctx.rules) if newcomer and member is not None else None
    if vouch is not None and flags.strict_mode_until(ctx.db, ctx.room_id, now):
        vouch = None
    return newcomer and vouch is None, trusted, vouch


def vouched_evidence(ctx: Context, member: MemberFacts | None, vouch: Any, evidence: dict[str, Any]) -> str:
    """Who vouched for a member judged with standing(), in the case's evidence; their name for
    the question to the owner and admins ("" when nobody did)."""
    assert ctx.room_id is not None
    if vouch is None or member is None or not member.inviter_id:
        return ""
    evidence.update(established=False, vouched_by=member.inviter_id, vouched_role=vouch.label)
    return display_name(ctx.db, ctx.room_id, member.inviter_id)


def in_strict_mode(ctx: Context, newcomer: bool) -> bool:
    assert ctx.room_id is not None
    return bool(newcomer and flags.strict_mode_until(ctx.db, ctx.room_id, ctx.now()))


def offence_of(ctx: Context, decision: Decision, member: MemberFacts | None, member_id: str, member_name: str,
               reason: str, evidence: dict[str, Any], newcomer: bool, vouch: Any) -> ladder.Offence:
    """The ladder's offence for a decision that found spam, of a member judged with standing()."""
    if newcomer and member is not None and member.inviter_id and vouch is None \
            and member.inviter_id not in (member_id, ctx.self_id) \
            and role_of(member.inviter_id, ctx.room, ctx.rules) < Role.ADMIN:
        # an ordinary member brought them in: the moderation plugin tells the admins when one
        # member's invitees keep being removed (a stolen account pulling in advertisers)
        evidence["inviter_id"] = member.inviter_id
    inviter = vouched_evidence(ctx, member, vouch, evidence)
    return ladder.Offence(member_id, member_name, reason, evidence, strict=in_strict_mode(ctx, newcomer),
                          vouched_by=inviter, vouched_role=vouch.label if vouch is not None else "",
                          **offence_terms(decision, newcomer, vouched=vouch is not None))


def offence_terms(decision: Decision, newcomer: bool, *, vouched: bool = False) -> ladder.Terms:
    """How the ladder takes a decision that found spam, from the decision and the sender's
    standing alone (the bot's offences, and eval-spam's count of what a false positive would
    bring on an innocent member)."""
    disputed = not newcomer and words_against_the_model(decision)
    # a newcomer who only said what they do and asked to be messaged (Decision.says_only), or
    # posted a job paid by the day with a phone to call (Decision.job_by_phone), is reminded like
    # a regular convicted on the models' word, and never removed by the bot. A vouched newcomer's
    # ad is put to the humans at once only when a rule makes it obvious
    return {"obvious": decision.obvious_by_rule if vouched else decision.obvious, "newcomer": newcomer,
            "ask_first": (not newcomer and (decision.models_only or disputed))
            or decision.job_by_phone or decision.says_only or bool(decision.pay_check) or vouched,
            "models_only": decision.models_only or decision.says_only,
            "pay_check": decision.pay_check, "newcomers_rule": decision.newcomers_rule}


class AntispamPlugin(Plugin):
    """Spam and ad detection with explainable checks, a ladder, and learning from admins."""

    name = "antispam"
    title = "自动反广告"
    Config = AntispamConfig
    events: ClassVar[tuple[type, ...]] = (MessageReceived, TopicChanged, MemberJoined)

    def __init__(self) -> None:
        self.learner = Learner()
        self.windows = Windows()
        self.names = adname.Names()  # newcomers' names as their messages show them
        self.questions = answers.Questions()  # members' recent questions, to read answers by
        # QR codes decoded before the gate (gather), by event id: the last few messages only
        self._decoded: dict[str, tuple[str, ...]] = {}
        # whose images handle() last skipped (trusted or protected): gather need not fetch them
        self._image_exempt: set[tuple[str, str]] = set()

    def warm_up(self) -> None:
        """Run by the runtime in a thread before the bot is ready: load what the first message
        would otherwise load on the event loop (the shipped char model, jieba's dictionary,
        OpenCC, the ordinary-domain list, the QR decoder), and judge one message through the
        same normalisation and features so their caches are built too."""
        from plugins.antispam import charmodel, classifier, contact, normalize

        charmodel.shipped()
        # the dictionary itself: a cut may come from charmodel.words_of's cache and load nothing
        classifier._tokenizer()
        classifier.features("预热：加我微信领取资料")
        normalize.light_form("預熱")  # OpenCC (not lru-cached, unlike normalise)
        normalize.normalise("預熱 加V abc8888")
        contact.ordinary_domains()
        import zxingcpp  # noqa: F401  (the QR decoder's native library)
        from PIL import Image

        Image.init()

    def prepare(self, db: Session, at: datetime) -> None:
        """The model the first message would build on the event loop: the seed samples stored
        once, then the Bayes fitted from every stored sample and the char model stepped on the
        admins' labels (0.6 CPU-s with 2,000 stored labels, every group frozen meanwhile)."""
        self.learner.model(db, at)

    def wants(self, ctx: Context) -> bool:
        if isinstance(ctx.event, TopicChanged):  # a member renamed the group (renamed.py)
            changer = ctx.event.changer_id
            return changer is not None and changer != ctx.self_id
        if isinstance(ctx.event, MemberJoined):  # a newcomer whose name is an ad (adname.py)
            return any(name.strip() for name in ctx.event.member_names)
        msg = ctx.message
        return msg is not None and msg.room_id is not None and not msg.is_self

    # ------------------------------------------------------------------ every message
    async def gather(self, message: MessageReceived, rules: Rules, lookup: Lookup) -> None:
        """An image's QR codes, fetched and decoded before the message takes the database gate:
        the fetch is a platform read of the whole picture and the decode may take up to
        qrcode.timeout, and under the gate every group's events waited for both. Also the
        owner's and admins' names a newcomer's name is compared with (impersonation.py), read
        at most every few minutes a group that speaks (a few RPCs: cheaper than remembering who
        is settled, ~10 MB for 100,000 members)."""
        if message.room_id is None or message.is_self:
            return
        await self.names.roles.read(message.room_id, lookup)
        if message.kind is not MessageKind.IMAGE:
            return
        cfg: AntispamConfig = rules.plugin_config(message.room_id, self.name)
        if not cfg.enabled or (message.room_id, message.sender_id) in self._image_exempt:
            return
        codes = await self._qr_codes(lookup, cfg, message)
        if len(self._decoded) >= _DECODED_KEPT:
            del self._decoded[next(iter(self._decoded))]
        self._decoded[message.event_id] = codes

    async def handle(self, ctx: Context) -> None:
        self.names.roles.note_room(ctx.room, ctx.self_id)  # its owner and admins, for gather()
        if isinstance(ctx.event, TopicChanged):
            event = ctx.event
            assert event.changer_id is not None
            if not self._protected(ctx, event.changer_id) and event.new_topic.strip():
                renamed.judge(ctx, ctx.config(self.name), event, self.learner.model(ctx.db, ctx.now()))
            return
        if isinstance(ctx.event, MemberJoined):
            joined = ctx.event
            protected = {m for m in joined.member_ids if m == ctx.self_id or self._protected(ctx, m)}
            self.names.joined(ctx, ctx.config(self.name), joined, protected)
            return
        msg = ctx.message
        assert msg is not None and msg.room_id is not None
        cfg: AntispamConfig = ctx.config(self.name)
        now = ctx.now()
        row = store.store_message(ctx.db, msg, now)
        # anyone's question, the owner's too (an answer is only ever to someone else's: answered())
        self.questions.note(msg.room_id, msg.sender_id, msg.display_name, msg.text, now)
        if self._protected(ctx, msg.sender_id):
            self._remember(ctx, cfg, row, msg)  # protected members' messages count as others' repeats too
            self._note_image(msg, exempt=True)
            return
        newcomer, trusted, vouch = standing(ctx, cfg, msg.sender_id, ctx.member, now)
        if self.names.judge(ctx, cfg, ctx.member, (newcomer, trusted, vouch), msg.sender_id, msg.display_name):
            return
        codes = await self._image_codes(ctx, cfg, msg, trusted) if msg.kind is MessageKind.IMAGE else ()
        # a picture's QR codes are what it says: the same code posted again, or into other groups,
        # is a repeat like the same text (engine: a regular's 收款码 blasted into three groups)
        text = _said_by_codes(codes) if codes else row.text
        print_ = store.fingerprint(text) if codes else row.fingerprint
        counts = self._remember(ctx, cfg, row, msg, text, print_, promotes=bool(codes) or None, count=True)
        facts = Facts(text=msg.text, kind=str(msg.kind), url=msg.url, mentions=len(msg.mention_ids),
                      newcomer=newcomer, vouched=vouch is not None, trusted=trusted, qr_codes=codes,
                      borrowed_before=_borrowed_before(ctx, cfg, msg, codes, now),
                      answering="" if newcomer else self.questions.answered(msg.room_id, msg.sender_id, msg.text,
                                                                             now, msg.quote), **counts)
        model = self.learner.model(ctx.db, now)
        # first without the models' evidence words (most messages fire nothing, and then nobody
        # reads them); a message that fired is decided again with them, to the same verdicts
        decision = decide(facts, cfg, model, msg.room_id, explain=False)
        if not decision.spam and not decision.shadow_fired:
            return
        decision = decide(facts, cfg, model, msg.room_id)
        evidence = {"message_id": msg.event_id, "text": msg.text[:store.STORED_CHARS], "kind": str(msg.kind),
                    "checks": decision.evidence(), **_scores(decision), "trusted": trusted,
                    **decision.facts(cfg.texts.check_labels)}
        if decision.spam and self._same_offence(ctx, cfg, row, decision):
            return
        if decision.spam:
            shown = self.names.shown(cfg, msg.room_id, msg.sender_id, msg.display_name)
            offence = offence_of(ctx, decision, ctx.member, msg.sender_id, shown,
                                 explain(cfg, decision), evidence, newcomer, vouch)
            store.set_case(ctx.db, row, ladder.apply(ctx, cfg, offence))
            log.info("spam in %s from %s: %s", msg.room_id, msg.sender_id, decision.reason())
            return
        vouched_evidence(ctx, ctx.member, vouch, evidence)
        offence = ladder.Offence(msg.sender_id, msg.display_name, explain(cfg, decision, decision.shadow_fired),
                                 evidence, obvious=any(v.strong for v in decision.shadow_fired),
                                 newcomer=newcomer, strict=in_strict_mode(ctx, newcomer))
        before = ladder.active_strikes(ctx.db, msg.room_id, msg.sender_id, now - cfg.ladder.window)
        case_id = ladder.record_shadow(ctx, cfg, offence, ladder.choose_step(cfg, before, offence))
        store.set_case(ctx.db, row, case_id)

    def _remember(self, ctx: Context, cfg: AntispamConfig, row: store.Stored, msg: MessageReceived,
                  text: str | None = None, fingerprint: str | None = None, *, promotes: bool | None = None,
                  count: bool = False) -> dict[str, int]:
        """Add the message to the behaviour windows (as `text`: a picture's QR codes stand for it);
        the first message a process sees rebuilds them from the store (a flood in progress at a
        restart is still a flood; stored rows are kept whole, as if each promoted something).
        With `count`, the behaviour checks' counts, this message included (else {})."""
        if not self.windows.warmed:
            self.windows.warm(store.recent(ctx.db, row.at - max(cfg.flood.within, cfg.repeat.within)))
        if promotes is None:
            promotes = promotion(Facts(text=msg.text, kind=str(msg.kind), url=msg.url), normalise(msg.text),
                                 cfg) is not None
        text = row.text if text is None else text
        fingerprint = row.fingerprint if fingerprint is None else fingerprint
        if not count:
            self.windows.record(row.room_id, row.sender_id, row.message_id, text, fingerprint, row.at,
                                promotes=promotes)
            return {}
        return self.windows.observe(row.room_id, row.sender_id, row.message_id, text, fingerprint, row.at,
                                    promotes=promotes, flood_within=cfg.flood.within,
                                    repeat_within=cfg.repeat.within, similarity=cfg.repeat.similarity,
                                    min_chars=cfg.repeat.min_chars)

    def _same_offence(self, ctx: Context, cfg: AntispamConfig, row: store.Stored, decision: Decision) -> bool:
        """A burst is one offence: a member's messages within ladder.one_offence_within of their
        last case join that case instead of climbing the ladder once per message. Only a
        newcomer's obvious ad after a lesser case (a warning for flooding) is a new offence."""
        window = cfg.ladder.one_offence_within
        if not window:
            return False
        last = store.last_case(ctx.db, row.room_id, row.sender_id, row.at - window)
        if last is None:
            return False
        case_id, kind = last
        if decision.newcomer and decision.obvious and kind == "warn":
            return False
        if kind == "warn" and not (decision.newcomer and (decision.models_only or decision.says_only)) \
                and self._after_the_warning(ctx, case_id, row.at):
            # the member had the warning before them ("再犯将被移出本群") and advertised again: a
            # burst is what was sent before anyone could read it. A regular's stolen account
            # went on with 加我 v：… a minute after its warning and the bot said nothing (seen in
            # simulated days), its warning's threat shown to the group as empty. Not a
            # newcomer's next line on the model's word alone: that would remove them on a score
            # (a regular's is put to the admins), where their first line may have been innocent
            return False
        store.set_case(ctx.db, row, case_id)
        log.info("antispam: message %s from %s belongs to case %s (same burst)", row.message_id, row.sender_id,
                 case_id)
        return True

    @staticmethod
    def _after_the_warning(ctx: Context, case_id: int, at: datetime) -> bool:
        """The message was sent when the case's warning had been in the group for READ_WARNING:
        the warning really went out (outcome "done", stamped when the outbox sent it) and the
        member had time to read it before writing again."""
        case = cases.get_case(ctx.db, case_id)
        if case is None or case.outcome != "done" or case.updated_at is None:
            return False
        return at - case.updated_at >= READ_WARNING

    async def _image_codes(self, ctx: Context, cfg: AntispamConfig, msg: MessageReceived,
                           trusted: bool) -> tuple[str, ...]:
        """The QR codes of an image from a member not trusted: as gather() decoded them, else
        (a redo after a restart, gather not run) fetched and decoded now, under the gate."""
        self._note_image(msg, exempt=trusted)
        if trusted:
            return ()
        codes = self._decoded.get(msg.event_id)
        return codes if codes is not None else await self._qr_codes(ctx.lookup, cfg, msg)

    def _note_image(self, msg: MessageReceived, *, exempt: bool) -> None:
        if msg.kind is not MessageKind.IMAGE or msg.room_id is None:
            return
        key = (msg.room_id, msg.sender_id)
        if exempt:
            if len(self._image_exempt) >= _EXEMPT_KEPT:
                self._image_exempt.clear()  # relearnt from the next image of each
            self._image_exempt.add(key)
        else:
            self._image_exempt.discard(key)

    @staticmethod
    async def _qr_codes(lookup: Lookup | None, cfg: AntispamConfig, msg: MessageReceived) -> tuple[str, ...]:
        """Decode QR codes in an image, off the event loop and within the rules' budgets. Any
        failure (no image from the platform, too large, not an image, too slow) means no codes:
        the other checks still judge the message."""
        if cfg.qrcode.mode == "off" or "qrcode" not in cfg.order:
            return ()
        fetch = getattr(lookup, "message_image", None)
        if fetch is None:
            return ()
        try:
            data = await fetch(msg.event_id)
            if not data:
                return ()
            found = await asyncio.wait_for(asyncio.to_thread(
                qr.decode, data, max_bytes=cfg.qrcode.max_bytes, max_pixels=cfg.qrcode.max_pixels),
                cfg.qrcode.timeout.total_seconds())
        except (TimeoutError, ValueError) as exc:
            log.info("antispam: image %s not decoded: %s", msg.event_id, exc or "timed out")
            return ()
        return tuple(found)

    def _protected(self, ctx: Context, member_id: str) -> bool:
        """Owners, admins, moderators, operators, and both whitelists: never acted on."""
        assert ctx.room_id is not None
        return is_protected(member_id, ctx.room, ctx.rules) or lists.contains(ctx.db, lists.WHITELIST, ctx.room_id,
                                                                               member_id)

    # ------------------------------------------------------------------ learning from admins
    def _quoted(self, ctx: Context, cfg: AntispamConfig, command: str) -> _Quoted | None:
        """#spam / #ham: the quoted message (our own store maps a quote back to its id and
        sender), or None (and why, to the admin)."""
        msg = ctx.message
        assert msg is not None and ctx.room_id is not None
        if msg.quote is None:
            ctx.reply(cfg.texts.need_quote.format(command=f"{ctx.rules.bot.command_prefix}{command}"))
            return None
        quote = msg.quote
        about: int | None = None
        if quote.sender_id is not None and quote.sender_id == ctx.self_id:
            # the bot's own words are no sample; its notice about one case ("无法移出「X」（案件 #3）",
            # a warning) stands for the member's message that case is about (an owner's #ham on
            # the bot's "无法移出…" was refused, seen in a simulated day)
            case = self._case_of_notice(ctx, cfg, quote.text)
            if case is None:
                return None
            evidence = case.evidence
            quote = Quote(sender_name=case.target_name, text=str(evidence["text"]),
                          message_id=evidence.get("message_id"), sender_id=case.target_id)
            about = case.id
        quoted = store.find_quoted(ctx.db, ctx.room_id, quote.message_id, quote.sender_id, quote.text)
        text = quoted.text if quoted else quote.text
        sender = quoted.sender_id if quoted else quote.sender_id
        parsed = CommandRouter.parse(text, ctx.rules.bot.command_prefix)
        if parsed is not None and parsed.looks_like_command and sender and self._protected(ctx, sender):
            # an owner's #spam quoting their own earlier "#spam" (a quote reply carries only its
            # own words) taught the model "#spam" as an ad (seen in a simulated day)
            ctx.reply(cfg.texts.quoted_command)
            return None
        return msg, quote, quoted, text, about

    @staticmethod
    def _case_of_notice(ctx: Context, cfg: AntispamConfig, text: str) -> Case | None:
        """The case in this room a notice of the bot's names, whose member's message it recorded;
        None (and why, to the admin) when it names none or several."""
        found = [case for case in cases.named_in(ctx.db, ctx.room_id, text)
                 if case.target_id and isinstance(case.evidence, dict) and case.evidence.get("text")]
        if len(found) == 1:
            return found[0]
        if found:
            ctx.reply(cfg.texts.own_message_cases.format(cases="、".join(f"#{c.id}" for c in found)))
        else:
            ctx.reply(cfg.texts.own_message)
        return None

    def _teach(self, ctx: Context, cfg: AntispamConfig, command: str, label: int, text: str) -> Sample:
        """Record the quoted text as a sample with this label; both models learn it at once."""
        assert ctx.message is not None and ctx.room_id is not None
        scope = SHARED if cfg.learning.share_samples else ctx.room_id
        sample, _ = store.add_sample(ctx.db, scope, label, text, source=f"{command}_command",
                                     by=ctx.message.sender_id, at=ctx.now())
        self.learner.model(ctx.db, ctx.now(), refresh=True)
        return sample

    @command("spam", min_role=Role.ADMIN, aliases=("广告",), usage="（引用一条消息）")
    async def spam_command(self, ctx: Context, args: str) -> None:
        """引用一条消息并发送，标记为广告：加入样本，并按阶梯处理发送者"""
        cfg: AntispamConfig = ctx.config(self.name)
        found = self._quoted(ctx, cfg, "spam")
        if found is None:
            return
        msg, quote, quoted, text, about = found
        now = ctx.now()
        target = quoted.sender_id if quoted else quote.sender_id
        name = (quoted.sender_name if quoted else "") or quote.sender_name or (target or "")
        assert ctx.room_id is not None
        newcomer, trusted = probation(cfg, members.facts(ctx.db, ctx.room_id, target), now) if target \
            else (False, False)
        # the checks' verdict as it stood before this lesson (judged after it, the message is
        # "100% similar to a spam sample" that is itself), for the sender as the case records
        # them: judged as a regular's, a newcomer's id read 老成员留的微信号 in the evidence
        facts = Facts(text=text, kind=quoted.kind if quoted else "text", url=quoted.url if quoted else None,
                      mentions=quoted.mentions if quoted else 0, newcomer=newcomer, trusted=trusted)
        decision = decide(facts, cfg, self.learner.model(ctx.db, now), ctx.room_id)
        sample = self._teach(ctx, cfg, "spam", 1, text)
        if target is None:
            ctx.reply(cfg.texts.not_found)
            return
        if self._protected(ctx, target):
            ctx.reply(cfg.texts.protected.format(member=name))
            return
        dealt_with = self._antispam_case(ctx, about if about is not None else quoted.case_id if quoted else None)
        standing = self._standing_removal(dealt_with)
        if standing is not None:
            # an ad the bot has already dealt with (the admin quoted it, or the bot's notice about
            # it): the lesson goes into that case, not a second one saying "移出……对方已不在群里"
            # nor a second removal counted in #stats; an owner's #spam on the bot's "无法移出…"
            # opened a new case and asked again (seen in a simulated day)
            sample.case_id = standing.id
            self._in_case(ctx, cfg, standing, name, quoted_notice=about is not None)
            return
        warned = self._standing_warning(dealt_with)
        if warned is not None:
            # the bot already warned the member for this very message: the admin's #spam is a
            # lesson and a confirmation, not a second offence. A second case climbed the ladder
            # and removed a regular for the one ad he had been warned for (Part A of the owner's
            # questions, 2026-12-05); a removal now is the admin's own #kick
            sample.case_id = warned.id
            cases.add_evidence(ctx.db, warned.id, {"spam_confirmed_by": msg.sender_id,
                                                   "spam_confirmed_name": display_name(ctx.db, ctx.room_id,
                                                                                       msg.sender_id)},
                               msg.sender_id, now)
            # the admin has just dealt with the case: its 新案件 notice is no news to them
            cases.mark_shown(ctx.db, [warned.id], msg.sender_id, now)
            ctx.reply(cfg.texts.spam_learned_warned.format(member=name, case=warned.id))
            return
        asked = next(iter(cases.put_to_humans(ctx.db, ctx.room_id, target)), None)
        if asked is not None:
            # the bot asked the owner and admins to decide about this member (a regular, on the
            # model's word; or it cannot remove): this #spam of another of their messages is that
            # answer, in that case. A new case climbed the ladder once more and blacklisted a
            # regular's stolen account for what one removal answered (seen in a simulated day)
            sample.case_id = asked.id
            if quoted is not None:
                quoted.case_id = asked.id
            self._in_case(ctx, cfg, asked, name, quoted_notice=False)
            return
        checks = [{"name": "admin", "spam": True, "details": f"#spam by {msg.sender_id}", "mode": "enforce",
                   "why": "管理员用 #spam 标记为广告"},
                  *decision.evidence()]
        evidence = {"message_id": quoted.message_id if quoted else quote.message_id, "text": text,
                    "checks": checks, **_scores(decision), "sample_id": sample.id}
        offence = ladder.Offence(target, name, cfg.texts.check_labels.get("admin", "admin"), evidence,
                                 newcomer=newcomer, actor_id=msg.sender_id)
        case_id = ladder.apply(ctx, cfg, offence)
        sample.case_id = case_id
        if quoted is not None:
            quoted.case_id = case_id
        ctx.reply(cfg.texts.spam_learned.format(member=name, case=case_id))

    @staticmethod
    def _antispam_case(ctx: Context, case_id: int | None) -> Case | None:
        """The anti-spam case a quoted ad (or the bot's notice about it) belongs to, unless reversed."""
        case = cases.get_case(ctx.db, case_id) if case_id else None
        if case is None or case.source != ladder.SOURCE or case.status == "reversed":
            return None
        return case

    @staticmethod
    def _standing_removal(case: Case | None) -> Case | None:
        """`case` if it is a removal that still stands: carried out, under way, or put to the owner
        and admins (not a dry run, not failed: a removal that did not happen is decided again)."""
        if case is None or case.kind not in ("kick", "ban") or case.outcome not in _STANDING:
            return None
        if case.outcome == "pending" and cases.asked_admins(case):
            return None  # its question to the admins is still on its way: not "being removed"
        return case

    @staticmethod
    def _standing_warning(case: Case | None) -> Case | None:
        """`case` if it is a warning sent or on its way (a dry run or a failed send warned nobody)."""
        if case is None or case.kind != "warn" or case.outcome not in ladder.COUNTING:
            return None
        return case

    @staticmethod
    def _in_case(ctx: Context, cfg: AntispamConfig, case: Case, name: str, *, quoted_notice: bool) -> None:
        """#spam on an ad whose removal case stands: say where it stands, in that case's terms;
        a removal the bot put to the owner and admins is carried out now where the bot may."""
        assert ctx.message is not None and ctx.room_id is not None and case.target_id is not None
        texts, fill = cfg.texts, {"member": name, "case": case.id}
        if case.outcome == "done" and not quoted_notice:
            ctx.reply(texts.spam_learned_removed.format(**fill))  # "because of this message": the ad quoted
        elif case.outcome in ("done", *cases.REMOVED_BY_HAND):
            ctx.reply(texts.spam_learned_already_removed.format(**fill))
        elif case.outcome in ("gone", "left"):
            ctx.reply(texts.spam_learned_gone.format(**fill))
        elif case.outcome in ("pending", "deferred"):
            ctx.reply(texts.spam_learned_removing.format(**fill))
        else:  # asked_owner
            admin = ctx.message.sender_id
            cases.confirm_removal(ctx.db, case.id, admin, display_name(ctx.db, ctx.room_id, admin), "标记为广告",
                                  ctx.now())
            if cases.asked_admins(case) or bot_can_moderate(ctx.self_id, ctx.room):
                # the bot asked for want of evidence (a regular, a model's word), or it has been
                # made an admin since: the admin's word settles it, and the bot removes in that case
                notice = (texts.ban if case.kind == "ban" else texts.kick).format(reason=case.reason, **fill)
                ctx.emit(Kick(ctx.room_id, case.target_id, reason=case.reason, case_id=case.id, member_name=name,
                              notice_done=notice))
                ctx.reply(texts.spam_learned.format(**fill))
            else:
                ctx.reply(texts.spam_learned_asked.format(**fill))

    @command("ham", min_role=Role.ADMIN, aliases=("误判",), usage="（引用一条被误判的消息）")
    async def ham_command(self, ctx: Context, args: str) -> None:
        """引用一条被误判的消息并发送：记为正常消息，撤销对应案件并清除该成员的这次记录"""
        cfg: AntispamConfig = ctx.config(self.name)
        found = self._quoted(ctx, cfg, "ham")
        if found is None:
            return
        msg, _, quoted, text, about = found
        now = ctx.now()
        case_id = about if about is not None else quoted.case_id if quoted is not None else None
        case = cases.get_case(ctx.db, case_id) if case_id else None
        if case is not None and case.source == ladder.SOURCE and case.status == "reversed":
            # undone already (by an earlier #ham, the console, an accepted appeal): a second
            # 已撤销 read as if it had just undone something
            ctx.reply(cfg.texts.ham_already_reversed.format(case=case.id))
            return
        self._teach(ctx, cfg, "ham", 0, text)
        if case is None or case.source != ladder.SOURCE:
            ctx.reply(cfg.texts.ham_learned_no_case)
            return
        # here: moderation's commands import our api
        from plugins.moderation.api import settle_appeal_on_undo, undo_removal
        if undo_removal(ctx, case, cfg.texts.ham_learned_removal):
            return
        reverse_case(ctx.db, case.id)
        cases.set_status(ctx.db, case.id, "reversed", msg.sender_id, now)
        ctx.reply(cfg.texts.ham_learned.format(case=case.id))
        settle_appeal_on_undo(ctx, case.id, msg.sender_id)

    @command("selling", min_role=Role.ADMIN, aliases=("卖货",), usage="允许 | 禁止", allow_private=True,
             needs_group=True)
    async def selling_command(self, ctx: Context, args: str) -> None:
        """本群是否允许成员卖货：允许后，成员发商品、价格和自己的联系方式不再当作广告"""
        selling.handle(ctx, ctx.config(self.name), args)

    # ------------------------------------------------------------------ housekeeping
    def jobs(self, rules: Rules, db: Session) -> Iterable[JobSpec]:
        return [JobSpec(id=PRUNE_JOB, trigger="every 1h")]

    async def run_job(self, ctx: Context, job: JobSpec) -> None:
        if job.id != PRUNE_JOB:
            return
        rules = ctx.rules
        keep = max(getattr(g, self.name).learning.keep_messages
                   for g in [rules.defaults, *rules.groups.values()])
        removed = store.prune_messages(ctx.db, ctx.now() - keep)
        if removed:
            log.info("antispam: pruned %d stored messages", removed)


def reverse_case(db: Session, case_id: int) -> dict[str, Any]:
    """Undo what an antispam case left behind: its strikes and any blacklist entry it made."""
    cleared = store.clear_strikes(db, case_id)
    return {"strikes_cleared": cleared, "blacklist_removed": lists.remove_for_case(db, lists.BLACKLIST, case_id)}
