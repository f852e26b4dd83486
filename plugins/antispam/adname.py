"""A newcomer whose name is an ad: 「兼职日结加V:abc8888」 joins and says nothing, or 大家好.

Spammers name their accounts as the ad itself because a group shows names everywhere: WeChat's
「X 加入了群聊」, the member list, every @-mention, and the bot's own welcome, which named and
@-mentioned 「兼职日结加V:abc8888」 to the whole group (seen in a simulated study group). No
message carries the ad, so no check saw it. A group nickname changed into one after joining
sends no event at all: it shows on the newcomer's next message, and is judged then.

The name a member joins with is judged by the rules alone, as a newcomer's words: only an
obvious ad that offers something and gives an id to add (招代理加微信wj6666日赚三百) is one; an id
alone (代购加V:abc8888) is not.
Not the text models: a name is a few characters, and many ordinary members carry their trade in
it (韩国代购-Lily, 专业开锁换锁139…, 面膜代理-可可 all score like ads), which is who they are,
not an ad posted to the group. An ad name goes up the ladder as a message of theirs would (a
newcomer's obvious ad is removed; one the owner or an admin invited is put to them), and the
group hears the member named by the name's first characters only, so the bot's own notice does
not repeat the ad; the case's evidence keeps the whole name."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.core import cases, members
from bot.events import MemberJoined
from plugins.antispam import impersonation, ladder, store
from plugins.antispam.checks import Facts
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import Decision, decide

if TYPE_CHECKING:
    from bot.core.context import Context
    from bot.core.members import MemberFacts

log = logging.getLogger(__name__)

NAME_KEPT = 200  # of the name, in the case
SHOWN_CHARS = 2  # of an ad name, where the group reads it (「兼职…」)


def ad_name(cfg: AntispamConfig, room_id: str | None, name: str) -> Decision | None:
    """The rules' decision on a name that is an ad (obvious: an ad word and contact data), else
    None. An id to add alone is not: 代购加V:abc8888 may be a neighbour who sells on the side."""
    if not name.strip():
        return None
    decision = decide(Facts(text=name, newcomer=True), cfg, None, room_id)
    fired = decision.fired
    # what a name offers, beside the id to add: an ad word (兼职日结, 日赚, 免费领取), not the rule
    # that reads 加V abc8888 as 加微信 and an id, which is the contact data again
    if decision.obvious and any(v.name == "contact" for v in fired) and any(v.ad_word for v in fired):
        return decision
    return None


def shown(name: str) -> str:
    """An ad name as the group reads it in the bot's own words: its first characters."""
    name = name.strip()
    return name if len(name) <= SHOWN_CHARS else name[:SHOWN_CHARS] + "…"


class Names:
    """Newcomers' names, each judged once: as they join (the name WeChat's join line shows),
    and as their messages show them, so a group nickname changed into an ad after joining
    (WeChat sends no event for it; the welcome had named them by the name they joined with)
    is seen at their next message."""

    KEPT = 10_000  # (group, member) names remembered; the oldest forgotten first

    def __init__(self) -> None:
        # (group, member) -> their name and the group's role names (RoleNames.version) it was judged with
        self._judged: dict[tuple[str, str], tuple[str, float]] = {}
        # newcomers named as the owner or an admin, with that name: the bot's own words about
        # them say who they are not (shown), or 「群主老王」已被移出本群 reads as the owner's removal
        self._named_as: dict[tuple[str, str], tuple[str, str]] = {}
        self.roles = impersonation.RoleNames()  # whose names a newcomer's is compared with

    def joined(self, ctx: Context, cfg: AntispamConfig, event: MemberJoined, protected: set[str]) -> None:
        """Each joining member's name (`protected`: members the plugin never acts on, the bot
        too), judged with their standing (plugin.standing)."""
        from plugins.antispam.plugin import standing

        for member_id, name in zip(event.member_ids, event.member_names, strict=False):
            if member_id in protected:
                continue
            member = members.facts(ctx.db, event.room_id, member_id)
            self.judge(ctx, cfg, member, standing(ctx, cfg, member_id, member, ctx.now()), member_id, name)

    def judge(self, ctx: Context, cfg: AntispamConfig, member: MemberFacts | None,
              standing: tuple[bool, bool, Any], member_id: str, name: str) -> bool:
        """True when `name`, not judged for this member before, is an ad and went up the ladder
        (their message need not be judged). Someone the group knows keeps their name: a
        regular rejoining, an established member (a trade in a name is who they are)."""
        assert ctx.room_id is not None
        newcomer, trusted, vouch = standing
        key = (ctx.room_id, member_id)
        # judged again when the owner's and admins' names were read since: a newcomer's name met
        # at the join, before they were, is still compared with them at the first message
        judged = (name, self.roles.version(ctx.room_id))
        if not (newcomer or vouch is not None) or self._judged.get(key) == judged:
            return False
        if len(self._judged) >= self.KEPT:
            del self._judged[next(iter(self._judged))]
        self._judged[key] = judged
        decision = ad_name(cfg, ctx.room_id, name)
        if decision is None:
            # not an ad; maybe the owner's or an admin's name: the group is told, nobody punished,
            # and the message (if any) is judged as any other
            who = impersonation.impersonated(ctx, self.roles, member_id, name)
            if who is None:
                self._named_as.pop(key, None)
                return False
            if len(self._named_as) >= self.KEPT:
                del self._named_as[next(iter(self._named_as))]
            self._named_as[key] = (name, who.role)
            if not impersonation.told_before(ctx, member_id, name):
                impersonation.tell(ctx, cfg, member_id, name, who)
                log.info("%s in %s is named as the %s %s", member_id, ctx.room_id, who.role, who.member_id)
            return False
        if _judged_before(ctx, cfg, member_id, name):
            return False
        _offence(ctx, cfg, member_id, name, decision, member, newcomer, trusted, vouch)
        return True

    def shown(self, cfg: AntispamConfig, room_id: str, member_id: str, name: str) -> str:
        """`name` as the bot's own words about this member say it: with who they are not, for a
        newcomer named as the owner or an admin (「群主老王（新成员，不是群主）」)."""
        named = self._named_as.get((room_id, member_id))
        if named is None or named[0] != name:
            return name
        return name + cfg.texts.impersonation_shown.format(role=named[1])


def _judged_before(ctx: Context, cfg: AntispamConfig, member_id: str, name: str) -> bool:
    """This name already went up the ladder within its window: a restart forgets Names' memory,
    and an invitee the owner was asked about (still here) would be asked about again at their
    next message after each one."""
    assert ctx.room_id is not None
    struck = store.strike_cases(ctx.db, ctx.room_id, member_id, ctx.now() - cfg.ladder.window)
    return any(isinstance(case.evidence, dict) and case.evidence.get("name") == name[:NAME_KEPT]
               for case in cases.get_cases(ctx.db, (i for i in struck if i is not None)))


def _offence(ctx: Context, cfg: AntispamConfig, member_id: str, name: str, decision: Decision,
             member: MemberFacts | None, newcomer: bool, trusted: bool, vouch: Any) -> None:
    from plugins.antispam.plugin import explain, offence_of

    assert ctx.room_id is not None
    evidence = {"name": name[:NAME_KEPT], "checks": decision.evidence(), "trusted": trusted,
                **decision.facts(cfg.texts.check_labels)}
    # the owner asked about an invitee of theirs needs the name to find them (#kick @名字)
    named = name if vouch is not None else shown(name)
    offence = offence_of(ctx, decision, member, member_id, named,
                         cfg.texts.ad_name.format(reason=explain(cfg, decision)), evidence, newcomer, vouch)
    ladder.apply(ctx, cfg, offence)
    log.info("%s in %s has an ad for a name: %s", member_id, ctx.room_id, decision.reason())
