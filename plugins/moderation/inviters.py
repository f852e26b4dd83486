"""An ordinary member whose invitees keep being removed as advertisers (seen in simulated guild
and 币圈 days: one member "invited" three advertisers in an afternoon, each removed alone, and
the owner heard of three cases but never that they came through one account).

WeChat names the inviter on every join. Advertisers' rings use a member's account (stolen, or
its owner paid) to pull accounts in; members themselves say 不是我拉的. The bot does not act
on the inviter: it can neither stop their invitations nor know who typed them. It tells the
owner and admins, with the cases, once a removal makes the count reach the setting, and again
with each further one (the notice digest merges them). Only members the anti-spam plugin marked
as invited by an ordinary member count (the evidence's inviter_id: not the owner, an admin or
the bot, and not a group QR code the owner shared: those invitees are vouched for)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core import cases
from bot.core.targets import display_name
from bot.rules.types import duration_in_chinese
from plugins.moderation.config import ModerationConfig

if TYPE_CHECKING:
    from bot.core.context import Context

_SOURCE = "antispam"  # whose removals count: the anti-spam plugin's (ads, judged by the bot)


def inviter_notice(ctx: Context, case: cases.Case, cfg: ModerationConfig) -> str | None:
    """The notice about the inviter of the member `case` removed, when their invitees removed
    within the window reach cfg.inviter_notice_after with this one; else None."""
    evidence = case.evidence if isinstance(case.evidence, dict) else {}
    inviter = evidence.get("inviter_id")
    if (not cfg.inviter_notice_after or not inviter or not case.room_id or case.source != _SOURCE
            or case.kind not in ("kick", "ban") or case.outcome not in ("done", *cases.REMOVED_BY_HAND)
            or case.status == "reversed"):
        return None
    since = case.created_at - cfg.inviter_window
    theirs = [c for c in cases.removals_since(ctx.db, case.room_id, since, _SOURCE)
              if c.id <= case.id and isinstance(c.evidence, dict) and c.evidence.get("inviter_id") == inviter]
    if len(theirs) < cfg.inviter_notice_after:
        return None
    listed = "、".join(f"#{c.id} {c.target_name or display_name(ctx.db, case.room_id, c.target_id or '')}"
                      for c in theirs)
    return cfg.texts.inviter_notice.format(inviter=display_name(ctx.db, case.room_id, str(inviter)),
                                           window=duration_in_chinese(cfg.inviter_window),
                                           count=len(theirs), cases=listed)
