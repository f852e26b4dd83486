"""A day in a WeChat group of Chinese living in Japan, end to end (the same rig as test_group_day:
the real app, the SHIPPED rules.yaml with instant pacing, the real SDK over gRPC, the simulator).

Played by lead57 after six fresh blind probe files: there, owners' notices that list the banned
ads warned the regulars who reposted them, and newcomers were removed at once for the Telegram
channel of their group or lab. Here regulars repost the rules (one asks for reports with a
screenshot, one says what posting the ads costs), two newcomers mention the channel where their
association or lab posts notices, and the day's advertisers post chat-app links with a hook.
"""

from __future__ import annotations

from tests.test_group_day import Day, day  # noqa: F401  (the fixture)


async def live_the_day_abroad(d: Day) -> None:
    d.at("09:00")
    await d.say("王姐", "早上好，今天大阪一直下雨，出门记得带伞")
    await d.say("小林", "区役所办转入要带在留卡和护照，上次我忘带护照白跑一趟")
    await d.say("阿强", "有人知道哪里换汇划算吗？银行手续费太高了")
    await d.say("老周", "别找私下收U换汇的，上个月同事被骗了二十万日元，钱没到账人就拉黑了")
    await d.say("陈老师", "本群规定再说一遍：禁止发换汇、刷单、收卡、代办签证广告，看到请截图私我处理")
    await d.say("李医生", "补充一下群规：发贷款、刷单、收卡、网赌链接的，一律移出，不再提醒")
    await d.say("小美", "周末的烧烤活动还差三个人，想来的接龙")
    await d.say("大刘", "群文件里有签证更新的材料清单，新来的先看看")

    d.at("10:00")
    await d.join("小周")  # a newcomer a member invited: judged as a newcomer
    await d.say("小周", "大家好，刚从名古屋搬过来，请多关照")
    await d.say("小周", "我们同乡会的通知都发在频道 t.me/nagoya_tongxiang 里，这周六下午在荣町聚餐")
    await d.join("阿May")
    await d.say("阿May", "新人报到，在京都读研，平时喜欢拍照")
    await d.say("阿May", "我们研究室的公告频道 t.me/kyoto_lab_notice 只发讲座时间，有兴趣可以看看")

    d.at("11:00")
    await d.join(d.advertiser("换汇", "kick"))
    await d.say("换汇", "日元换人民币 汇率比银行高 秒到账 飞机 t.me/huanhui_jp88 私聊")
    await d.join(d.advertiser("福利频道", "kick"))
    await d.say("福利频道", "我们的电报频道 t.me/fuli_daily 每天更新 免费资源 速来")
    await d.join(d.advertiser("兼职", "kick"))
    await d.say("兼职", "在日华人兼职 日结一万日元 手机就能做 加威：rijie_jp")

    d.at("12:00")
    await d.say("张工", "刚才那几个广告号都被踢了，换汇那个一看就是洗钱的")
    await d.say("小美", "烧烤还差两个人，周六中午鸭川边上见")


async def test_a_day_in_the_group_of_chinese_in_japan(day: Day) -> None:  # noqa: F811
    d = day
    await live_the_day_abroad(d)
    await d.bot.settle()
    world, room = d.bot.world, d.room
    acted = d.acted_on()
    for text in world.bot_texts(room):
        print("  机器人：" + text.replace("\n", " ")[:120])
    # the regulars who reposted the rules are left alone, and nobody innocent is removed
    assert not {"陈老师", "李医生"} & set(acted), acted
    assert d.removed_innocents() == set()
    # each newcomer with their group's channel is told the newcomers' rule, nothing harsher
    for name in ("小周", "阿May"):
        assert [kind for kind, _ in acted.get(name, [])] in ([], ["warn"]), (name, acted)
    told = [t for t in world.bot_texts(room) if "新成员暂不能在群里发联系方式" in t]
    assert len(told) == 2, world.bot_texts(room)
    assert set(acted) <= {"小周", "阿May"}, acted
    # the advertisers with a hook are removed at once
    d.assert_advertisers_handled()
