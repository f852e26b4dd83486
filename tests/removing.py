"""A plugin that removes whoever says AD, for the tests of how a removal reaches the gateway
(tests/test_kick_room_read.py, tests/test_kick_handed.py)."""

from __future__ import annotations

from bot.actions import Kick
from bot.core.plugin import Plugin

AD = "加我微信 kick_me_888"


class Remover(Plugin):
    """Removes whoever says AD, with the notice a removal gets once it happened."""

    name = "remover"

    async def handle(self, ctx) -> None:
        msg = ctx.message
        if msg is not None and msg.room_id and msg.text == AD:
            ctx.emit(Kick(msg.room_id, msg.sender_id, "广告", member_name=msg.sender_name,
                          notice_done=f"「{msg.sender_name}」已被移出本群"))
