"""What other plugins may call. Stable: the stats plugin names case kinds in #stats with
kind_label (警告, 移出, 拉黑 …); anti-spam's #ham settles an appeal waiting on the case it undoes
(settle_appeal_on_undo)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.actions import SendPrivate
from plugins.moderation import appeals
from plugins.moderation.common import config
from plugins.moderation.render import kind_label

if TYPE_CHECKING:
    from bot.core.context import Context

__all__ = ["kind_label", "settle_appeal_on_undo"]


def settle_appeal_on_undo(ctx: Context, case_id: int, by: str) -> bool:
    """A case was undone another way (an admin's #ham) while the member's appeal of it waited:
    the appeal is accepted and the member told so, as #appeal accept would have. The member was
    told 管理员处理后会通知你 and heard nothing, and the owner was asked to decide it later
    (seen in a simulated running club). Returns whether an appeal was waiting."""
    appeal = appeals.pending(ctx.db, case_id)
    if appeal is None:
        return False
    appeals.decide(appeal, True, by, ctx.now(), "#ham")
    ctx.emit(SendPrivate(appeal.member_id, config(ctx).texts.appeal_accepted_member.format(case=case_id),
                         reason=f"appeal settled by #ham on case {case_id}"))
    return True
