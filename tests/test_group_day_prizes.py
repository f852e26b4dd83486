"""An evening in a 手游 guild and its parents' side (lead54, issue 11): prizes that ask for a
verification code or a fee, a rebate on losses, copying paid by the character — the shapes two fresh
blind files' ads had that no reading knew — beside the members' own talk of the same things: a code
a mother asks her son for, a prize that really came and its postage paid, 代打 refused, a warning
that quotes the scam. Played as the other days are (tests/test_group_day_more.py's rig: the real app,
the SHIPPED rules.yaml, the real SDK over gRPC, the simulator); run with `-s` to read it.
"""

from __future__ import annotations

from tests.test_group_day_hard import taken_back, unasked
from tests.test_group_day_hard2 import assert_cards_in_chinese, assert_no_false_claims
from tests.test_group_day_more import MONDAY, LoggedDay, days  # noqa: F401  (the fixture)

GUILD = ["会长老K", "奶妈小七", "刺客阿杰", "狂战士大熊", "法师Momo", "学生党小宇", "小宇妈妈", "夜猫子阿狸",
         "氪金大佬", "摸鱼怪"]


async def live_the_evening(d: LoggedDay) -> None:
    await d.to("19:30")
    await d.post("会长老K", "今晚八点帮战 都上线 缺人的话我去世界频道喊")
    await d.post("奶妈小七", "周年庆抽奖我抽中了毕业斗篷 直接到账 啥都不用填 开心")
    await d.post("学生党小宇", "妈 你把手机验证码发我一下 我帮你把话费券领了")
    await d.post("小宇妈妈", "好 发你了 别乱点别的链接啊")
    await d.post("刺客阿杰", "验证码千万别告诉任何人 官方客服也不会问你要")
    await d.post("狂战士大熊", "我不代打 也不接单 公会里互相帮就行了 别私聊我价格")
    await d.post("法师Momo", "上次抽奖中了个台灯 自己付了十块运费 还挺值")
    await d.post("夜猫子阿狸", "有人在别的群发 输了有返水 那种一看就是赌台 千万别碰")
    await d.post("氪金大佬", "这期648礼包性价比还行 月卡6块钱每天送钻")

    await d.to("20:10")
    # (a reading alone, the char model at 8%: warned, as every reading alone warns a newcomer)
    await d.join(d.advertiser("官方客服", "warn"), inviter="摸鱼怪")
    await d.post("官方客服", "恭喜本公会被抽中周年大奖 请把绑定手机收到的验证码发给客服 奖品今晚发放")
    await d.post("会长老K", "这号谁拉的 官方不会在群里要验证码")
    await d.join(d.advertiser("老台子", "kick"), inviter="学生党小宇")
    await d.post("老台子", "棋牌老平台 上下分秒到 首充送三十八 输了有返水 想玩的戳我")
    await d.join(d.advertiser("抄写员", "kick"), inviter="夜猫子阿狸")
    await d.post("抄写员", "招抄写员 在家抄小说 按字数算钱 日结两百 名额不多")
    await d.post("夜猫子阿狸", "抱歉抱歉 说是想入会的 我才拉的")

    await d.to("21:30")
    await d.post("会长老K", "#cases")
    await d.post("会长老K", "#case 1")
    await d.post("学生党小宇", "帮战打赢了 谢谢会长带飞")


async def test_an_evening_of_prize_scams_in_the_guild(days) -> None:  # noqa: F811
    d = await days("星河公会·手游交流群", "会长老K", GUILD, MONDAY)
    await live_the_evening(d)
    await d.to("22:00")
    await d.end_of_day()
    # a code asked of a son by his mother, a prize that came, 代打 refused, a rebate warned about: not ads
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    # the rebate and the copying job removed at once, each removal announced after it; the prize code warned
    d.assert_advertisers_handled()
    assert_no_false_claims(d)
    assert_cards_in_chinese(d)
    assert len(unasked(d)) <= 6 and taken_back(d) <= 3, unasked(d)
