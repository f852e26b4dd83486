"""A member renaming the group into an ad: 群名改成「加V abc8888 领红包」.

WeChat lets any member rename a group unless its owner restricted renaming to the owner and
admins, and spammers use it: the new name shows in every member's chat list and at the top of
the chat, and WeChat announces it to the group as 「X 修改群名为 …」. No message carries it, so
the bot never looked at it. The new name is judged as a message of the member who wrote it
(their probation, their vouching, the same checks); an ad is undone (the old name set back) and
goes up the ladder like any ad. A name the owner, an admin or the bot itself sets is left alone,
and so is an ordinary one (读书会（周六改到周日）, 拼车群 电话13955667788 from a regular)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.actions import SetTopic
from bot.core import members
from bot.core.targets import display_name
from bot.events import TopicChanged
from plugins.antispam import ladder
from plugins.antispam.checks import Facts
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide

if TYPE_CHECKING:
    from bot.core.context import Context
    from plugins.antispam.classifier import SpamModel

log = logging.getLogger(__name__)

NAME_KEPT = 200  # of the new name, in the case


def judge(ctx: Context, cfg: AntispamConfig, event: TopicChanged, model: SpamModel | None) -> None:
    """The new name of a group renamed by `event.changer_id`, a member the plugin does not protect
    (the bot, owners, admins and whitelisted members are never judged): their standing and the
    ladder's offence exactly as for a message of theirs (plugin.standing, plugin.offence_of)."""
    from plugins.antispam.plugin import explain, offence_of, standing

    changer = event.changer_id
    assert changer is not None
    member = members.facts(ctx.db, event.room_id, changer)
    newcomer, trusted, vouch = standing(ctx, cfg, changer, member, ctx.now())
    facts = Facts(text=event.new_topic, newcomer=newcomer, vouched=vouch is not None, trusted=trusted)
    decision = decide(facts, cfg, model, event.room_id)
    if not decision.spam:
        return
    evidence = {"topic": event.new_topic[:NAME_KEPT], "old_topic": event.old_topic[:NAME_KEPT],
                "checks": decision.evidence(), "trusted": trusted, **decision.facts(cfg.texts.check_labels)}
    offence = offence_of(ctx, decision, member, changer, display_name(ctx.db, event.room_id, changer),
                         cfg.texts.renamed.format(reason=explain(cfg, decision)), evidence, newcomer, vouch)
    case_id = ladder.apply(ctx, cfg, offence)
    # the name back, whatever the step: the group's name is the group's, not the member's. Not
    # where the gateway did not say what it was: an empty name is no better than the ad
    if event.old_topic.strip():
        ctx.emit(SetTopic(event.room_id, event.old_topic, reason=f"case {case_id}", case_id=case_id))
    log.info("group %s renamed into an ad by %s: %s", event.room_id, changer, decision.reason())
