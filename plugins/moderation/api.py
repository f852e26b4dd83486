"""What other plugins may call. Stable: the stats plugin names case kinds in #stats with
kind_label (警告, 移出, 拉黑 …); anti-spam's #ham settles an appeal waiting on the case it undoes
(settle_appeal_on_undo), and its #ham on a removal takes the removal back as #revoke does
(undo_removal)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.actions import SendPrivate
from bot.core.cases import Case
from plugins.moderation import appeals
from plugins.moderation.common import NAME, config
from plugins.moderation.log_commands import removed_member, revoke_case
from plugins.moderation.render import kind_label

if TYPE_CHECKING:
    from bot.core.context import Context

__all__ = ["kind_label", "settle_appeal_on_undo", "undo_removal"]


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


def undo_removal(ctx: Context, case: Case, answer: str) -> bool:
    """An admin's #ham on the message a member was removed for: the removal is taken back as
    #revoke would (the member invited back, told privately, an appeal settled). #ham had only
    said 案件已撤销 and left the member out, while #revoke invites them back (seen in a simulated
    renovation group: the owner's #误判 on a tradesman a member had brought in). `answer` is the
    admin's reply (fields case, unban_case, reinvite). False when the case removed nobody, or
    this group runs without the moderation plugin (#ham then only reverses the case)."""
    if getattr(ctx.group, NAME, None) is None:
        return False
    if not case.target_id or not removed_member(case):
        return False
    revoke_case(ctx, case, "标记为误判", answer=answer)
    return True
