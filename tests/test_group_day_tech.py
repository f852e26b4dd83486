"""A day in a developers' group, end to end (the same rig as test_group_day: the real app, the
SHIPPED rules.yaml with instant pacing, the real SDK over gRPC, the simulator).

Developers talk every day about what grey-market ads sell: VPNs and 机场, VPS hosting, USDT
prices, Telegram channels, app signing, scams they have seen, salaries of 100+W, their own
GitHub pages, phone numbers and QQ numbers swapped to pass a file. None of that is an ad. The
advertisers who join the same day sell exactly those things.
"""

from __future__ import annotations

from tests.test_group_day import Day, day  # noqa: F401  (the fixture)


async def live_the_tech_day(d: Day) -> None:
    d.at("09:00")
    await d.say("王姐", "早，今天有没有人去 QCon？")
    await d.say("小林", "我去，下午那场讲 Rust 异步的")
    await d.say("张工", "有人用过 Clash 吗？之前那个机场跑路了，求推荐一个稳定的")
    await d.say("阿杰", "我是 v2ray 自建的，搬瓦工 VPS 一年 49.99 刀，够用")
    await d.say("老周", "自建稳，机场这种说跑就跑，我上个月刚被坑了 200 块年费")
    await d.say("大刘", "USDT 今天在币安上 0.998，有点脱锚了？")
    await d.say("孙哥", "正常波动，别慌。倒是那些高价收U、U商承兑的全是洗钱的，碰了银行卡直接冻结")
    await d.say("晓雯", "我表哥就是帮人走账，卡被冻了半年，还被叫去派出所做笔录")
    await d.say("李医生", "前几天群里还有人发 tg 链接卖资源的，那种 @ 开头的客服全是骗子")
    await d.say("小美", "我们组招前端，15 薪，base 北京，有兴趣的私聊我发 JD")
    await d.say("阿强", "年薪 100+W 的岗位也就大厂 P8 了吧")
    await d.say("杨哥", "这个 bug 跟上次那个一样，都是时区的问题，UTC+8 没处理")
    await d.say("老马", "我的 GitHub 是 github.com/laoma-dev，欢迎 follow 互关")
    await d.say("Coco", "Telegram 官方频道 t.me/telegram 最近在推新功能，有人试了吗")
    await d.say("小胖", "我 QQ 1234567890 你加一下，传那个 2G 的安装包方便")
    await d.say("莉莉", "我电话 13911112222，到了会场打我")
    await d.say("张工", "有人做 iOS 签名吗？企业签最近又掉了一批，苹果查得严")
    await d.say("豆豆妈", "小红书搜 程序员转行 一堆卖课的，三万块的课程，太坑了")
    await d.say("陈老师", "這個框架真的很好用，推薦大家試試，文檔寫得很清楚")
    await d.say("阿杰", "王者荣耀上分太难了，钻石卡了一整个赛季")
    await d.say("老周", "那些棋牌游戏的外挂都是骗钱的，装了还中木马")
    await d.say("大刘", "AWS 账号被盗了，信用卡被刷了 2000 刀，申诉了三天")
    await d.say("孙哥", "对公账户转账还得插 U 盾，烦死了")
    await d.say("小林", "我们一起去吧，13 号下午两点会场门口集合")
    await d.say("晓雯", "加我 vx: xiaowen_dev 拉你们进 QCon 的交流群")
    await d.say("王姐", "群发软件、刷单、收卡的广告大家看到直接@我，别点链接")

    d.at("10:30")
    await d.join("小周", inviter="老周")  # an ordinary newcomer
    await d.say("小周", "大家好，我是做前端的，刚被拉进来，请多指教🙏")
    await d.say("小周", "我开源了一个 Vue 组件库 https://github.com/xiaozhou/vue-mini 求个 star")
    await d.say("小周", "请问群里可以发招聘吗？我们公司也在招人")
    await d.say("王姐", "可以，别太频繁就行")
    await d.join("小美同学", inviter="小林")  # a newcomer with a free talk's sign-up link
    await d.say("小美同学", "周六园区有个技术沙龙，讲大模型落地的，免费的，报名链接："
                           "https://www.huodongxing.com/event/5729913208300，名额有限")

    d.at("11:00")
    await d.join(d.advertiser("U商老陈", "kick"))
    await d.say("U商老陈", "承兑USDT，支付宝微信银行卡都可以，量大价优，飞机 @usdt_ok88")
    await d.join(d.advertiser("收卡", "kick"))
    await d.say("收卡", "收一类银行卡 一张3000 对公账户另谈 懂的来 tg：card_shou")
    await d.join(d.advertiser("群发", "kick"))
    await d.say("群发", "群发软件 一键群发万人 自动加好友 加v：qunfa666")
    await d.join(d.advertiser("签名", "kick"))
    await d.say("签名", "苹果签名 企业签 超级签 稳定不掉签 量大从优 联系 @sign_boss")
    await d.join(d.advertiser("梯子", "kick"))
    await d.say("梯子", "永久免费VPN 高速稳定 下载地址 kxsw点com")
    await d.join(d.advertiser("日结", "kick"))
    await d.say("日结", "日赚1000+ 在家手机操作 不压钱 宝妈学生都可以 加威：rz8866")

    d.at("12:00")
    await d.say("张工", "刚才那几个广告机器人都踢了，效率可以")
    await d.say("阿杰", "收卡那个我查了一下，就是帮电诈洗钱的")
    await d.say("小美", "午饭吃啥，楼下麻辣烫还是黄焖鸡")
    await d.chorus(["小林", "阿强", "杨哥"], "麻辣烫+1", seconds=10)


async def test_a_day_in_the_developers_group(day: Day) -> None:  # noqa: F811
    d = day
    await live_the_tech_day(d)
    await d.bot.settle()
    world, room = d.bot.world, d.room
    warned = d.acted_on()
    for text in world.bot_texts(room):
        print("  机器人：" + text.replace("\n", " ")[:120])
    # no developer is warned, reminded or removed for talking about what ads sell
    assert warned == {}
    assert d.removed_innocents() == set()
    # every advertiser is removed at once
    assert set(d.advertisers.values()) == {"kick"}
    d.assert_advertisers_handled()
