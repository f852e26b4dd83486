"""A day in a community group, end to end (the same rig as test_group_day: the real app, the
SHIPPED rules.yaml with instant pacing, the real SDK over gRPC, the simulator).

Neighbours, parents and pet owners join a group every day, and their first messages look like
what advertisers write: a flat to let with 有意的私聊我, a 接龙 mini program from the new class
teacher, a litter of kittens 免费送养, a lost dog with a phone number. Each of these was warned
or removed in a simulated day before it was fixed. The advertisers who join the same day sell
装修, 兼职, 代办, loans, 辅导班, insurance, 代购 and dog food.
"""

from __future__ import annotations

from bot.events import MessageKind
from tests.test_group_day import Day, day  # noqa: F401  (the fixture)

# (who, invited by a regular, what they post as their first message)
ADVERTISERS = [
    ("装修小陈", "阿强", "各位业主好，本公司专业装修，全包半包，免费上门量房出设计图，有需要的联系王经理18621234567"),
    ("甜心宝妈", "小美", "宝妈在家兼职，一单一结，日入200+，不收任何费用，有意扣 3352781946"),
    ("代办王", "阿强", "代办居住证、积分落户、社保补缴，加V：sh_banli88，价格美丽"),
    ("贷款顾问", "小美", "无抵押信用贷，当天放款，征信花了也能办，额度最高50W，详情私聊"),
    ("学霸教育", "阿强", "各位家长好，学霸教育暑期班火热报名中！语数英全科辅导，前十名报名免费试听两节，"
                         "咨询热线 400-820-5678"),
    ("保险顾问", "小美", "学平险开始续保啦！一年只要100元，需要给孩子办理的家长加我微信 baoxian_lin88"),
    ("代购小姐姐", "阿强", "日本代购，正品保证，花王纸尿裤、资生堂、乐敦眼药水，支持验货，扫码进群看每日上新"),
    ("狗粮批发", "小美", "进口狗粮批发价出，皇家渴望爱肯拿，比某宝便宜三成，量大从优，加微信 goulian8866 看图"),
]


async def live_the_community_day(d: Day) -> None:
    d.at("09:00")
    await d.say("王姐", "各位邻居早上好，今天上午9点到11点停水，请提前储水")
    await d.say("小林", "接龙 #团购 阳光玫瑰葡萄 39元/箱 明天下午到\n1. 3-502 两箱")
    await d.say("张工", "谁家有宽带师傅的电话，家里网又断了")
    await d.say("小美", "电信的张师傅 13391552073，人挺好的，你说是3号楼的就行")

    d.at("10:00")
    await d.join("刘阿姨", inviter="小林")
    await d.say("刘阿姨", "2. 8-302 一箱，谢谢团长")
    await d.say("刘阿姨", "大家好，我刚搬来8号楼，请问附近哪个菜市场比较好")
    await d.join("李姐", inviter="王姐")
    await d.say("李姐", "大家注意，最近有人冒充物业打电话让交燃气费，让转账到个人账户，千万别信")
    await d.say("李姐", "本人5号楼两室一厅出租，拎包入住，3200/月，有意的私聊我")
    await d.say("李姐", "点击链接没反应啊，是不是要更新微信")
    await d.join("小孙", inviter="张工")
    await d.say("小孙", "闲置婴儿床免费送，自提，要的私聊我")
    await d.say("小孙", "麻烦谁把我们家老人拉进群，他的微信是我的手机号")

    d.at("11:00")
    await d.join("王老师", inviter="王姐")
    await d.say("王老师", "各位家长好，我是三年级二班新的班主任王老师，以后请多多关照")
    await d.say("王老师", "请家长们今晚8点前填一下健康调查问卷 https://www.wjx.cn/vm/tUk3mZ9.aspx ，谢谢配合")
    await d.say("王老师", "三年二班春游报名\n群接龙", kind=MessageKind.MINI_PROGRAM, url="pages/index/index")
    await d.join("小雨奶奶", inviter="王姐")
    await d.say("小雨奶奶", "老师好，我是小雨奶奶，孩子爸妈上班忙，以后有事可以跟我说，我电话是13817268843")

    d.at("13:00")
    await d.join("喵星人", inviter="阿杰")
    await d.say("喵星人", "家里的小猫生了五只，都两个月了，免费送养，要求科学喂养，不关笼，有意私我")
    await d.join("老周的邻居", inviter="老周")
    await d.say("老周的邻居", "寻狗启事：昨晚在小区南门走丢一只白色比熊，戴红色项圈，有线索请联系13916625573，必有重谢")
    await d.join("救助站小王", inviter="晓雯")
    # the model alone scores this just past a newcomer's line (0.970 before the community data,
    # 0.917 against 0.915 with it, 0.946 against 0.906 with the second-hand sales and game trades):
    # a warning at most, never a removal at once (a weak 私聊我 and that score were once "two
    # checks agreeing")
    await d.say("救助站小王", "救助的小橘猫找领养，三个月大，已驱虫打疫苗，只限同城，需要签领养协议，有意的朋友私聊我")

    d.at("14:00")
    for name, inviter, text in ADVERTISERS:  # each is removed at once
        await d.join(d.advertiser(name, "kick"), inviter=inviter)
        await d.say(name, text)

    d.at("15:00")
    await d.say("晓雯", "刚才那几个广告都被踢了，清净")
    await d.say("刘阿姨", "物业费是多少钱一平米啊")
    await d.say("小林", "2.8元/平米，一年一交，停车费300一个月")


async def test_a_day_in_the_community_group(day: Day) -> None:  # noqa: F811
    d = day
    await live_the_community_day(d)
    await d.bot.settle()
    acted = d.acted_on()
    # nobody is removed but the advertisers; the rescue post is the model's word alone (a
    # warning at most), every other neighbour, parent and pet owner is left alone
    assert d.removed_innocents() == set()
    assert set(acted) <= {"救助站小王"}, acted
    assert all(kind == "warn" for kind, _ in acted.get("救助站小王", []))
    d.assert_advertisers_handled()
