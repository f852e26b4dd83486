"""Who a command is about: `#nick check @someone`. Mention ids may be empty on some puppets
(WECHAT.md), so the text after the command is matched against the member list too."""

from __future__ import annotations

from bot.core.context import Context

_MENTION_TRIM = " \t\u2005\u00a0@＠"


async def resolve_target(ctx: Context, text: str) -> tuple[str, str] | None:
    """(member id, a display name) of the member meant, or None."""
    assert ctx.room_id is not None
    msg = ctx.message
    members = await ctx.lookup.members(ctx.room_id) if ctx.lookup else []
    by_id = {m.id: m for m in members}
    if msg is not None:
        for member_id in msg.mention_ids:
            if member_id != ctx.self_id:
                member = by_id.get(member_id)
                return member_id, (member.name or member.alias) if member else member_id
    wanted = text.strip(_MENTION_TRIM)[:100]
    if not wanted:
        return None
    if wanted in by_id:
        member = by_id[wanted]
        return member.id, member.name or member.alias
    for match in (lambda m: m.alias == wanted, lambda m: m.name == wanted):
        found = [m for m in members if match(m) and m.id != ctx.self_id]
        if len(found) == 1:  # a name two members share identifies no one
            return found[0].id, found[0].name or found[0].alias
    return None
