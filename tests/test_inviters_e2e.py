"""An ordinary member whose invitees keep being removed as advertisers: the owner and admins
hear of it, with the cases (end to end: real SDK, simulator over gRPC). Found by playing a game
guild's and a 币圈 group's days: one member's account "invited" several advertisers in an
afternoon, each removed alone, and nobody was told they came through one account."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import FakeClock
from bot.simulator import ActionKind
from plugins.antispam import AntispamPlugin
from plugins.moderation.plugin import ModerationPlugin
from tests.harness import Harness

START = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
ADS = ["兼职日结，加我 V 13812345678", "刷单一单一结，加微信 sd_88661 秒回", "高价收U 秒结 飞机 @usdt_otc_777"]


async def removed_after_joining(bot: Harness, room: str, name: str, inviter: str, ad: str) -> None:
    newcomer = bot.world.add_contact(name)
    bot.cast.people[name] = newcomer
    bot.world.join(room, [newcomer], inviter=bot.cast[inviter])
    await bot.settle()
    before = len(bot.world.bot_actions(ActionKind.KICK, room))
    bot.say(room, name, ad)
    await bot.world.wait_for(lambda: len(bot.world.bot_actions(ActionKind.KICK, room)) > before, timeout=60)
    await bot.settle()


async def sweep(bot: Harness) -> None:
    bot.clock.advance(61)
    await bot.app.scheduler.run_pending()
    await bot.settle()


def told(bot: Harness) -> list[str]:
    return [t for t in bot.private_texts("wxid_operator") if "邀请进群的人里" in t]


async def test_a_members_invitees_removed_for_ads_are_told_with_their_cases(tmp_path, database_url):
    bot = await Harness(tmp_path, [AntispamPlugin(), ModerationPlugin()], database_url=database_url,
                        clock=FakeClock(START)).start()
    try:
        room = bot.cast.admin
        await removed_after_joining(bot, room, "小明", "bob", ADS[0])
        await sweep(bot)
        assert told(bot) == []  # one advertiser is one case, nothing about bob yet
        await removed_after_joining(bot, room, "小红", "bob", ADS[1])
        await sweep(bot)
        [notice] = told(bot)
        assert "「bob」邀请进群的人里，1 天内已有 2 人因发广告被移出（#1 小明、#2 小红）" in notice, notice
        assert "群聊邀请确认" in notice
        # another member's one removed invitee is no pattern
        await removed_after_joining(bot, room, "小刚", "carol", ADS[2])
        await sweep(bot)
        assert len(told(bot)) == 1  # carol's one invitee: nothing about carol
    finally:
        await bot.stop()
