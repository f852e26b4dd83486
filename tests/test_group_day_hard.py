"""Hard group days, end to end (the rig of test_group_day_more: the real app, the SHIPPED
rules.yaml with instant pacing, the real SDK over gRPC, the simulator), each printed in full
with `-s`. Each is a group whose ORDINARY chat looks most like ads: a carpool group (routes,
seats, prices and the drivers' own phone numbers every day), a job group where posting openings
is the point, new-flat owners comparing contractors, elders forwarding articles and chain
letters, a 代购 group whose operator allows selling, and a parcel station's pickup codes. Real
advertisers join each.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.events import MessageKind
from plugins.antispam.checks import Facts
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide
from tests.shipped import shipped_section
from tests.test_group_day_more import MONDAY, MONDAY_DAWN, SATURDAY, LoggedDay, days  # noqa: F401  (the fixture)

SATURDAY_DAWN = datetime(2026, 5, 1, 22, 0, tzinfo=UTC)  # 06:00 in Shanghai


def bot_said(d: LoggedDay) -> list[str]:
    """Everything the bot said in the day's group."""
    return d.bot.world.bot_texts(d.room)


# what the bot says in a group unasked: a welcome, a nickname reminder, a warning, a removal
UNASKED = ("加入「", "群昵称还不符合", "⚠️", "已被移出本群")


# An advertiser joins and posts his ad half a minute later (LoggedDay.join moves the clock on
# 30 s without waiting in between): his welcome, due 5 s after the join (greeting.window), and
# his ad are then both waiting, and which the bot handles first is up to the machine. Either the
# welcome is withdrawn unsent or it goes out and is taken back with the removal; end_of_day
# checks that none is left standing. So what the bot said unasked is counted without them, and
# those taken back are counted apart (at most one per advertiser who joined).


def _taken_back_welcome(world, a) -> bool:
    return "加入「" in a.text and bool(a.message_id) and world.message(a.message_id).recalled


def taken_back(d: LoggedDay) -> int:
    """Welcomes the bot sent in the day's group and took back (WeChat showed them, then 撤回)."""
    world = d.bot.world
    return sum(1 for a in world.bot_sends(d.room) if _taken_back_welcome(world, a))


def unasked(d: LoggedDay) -> list[str]:
    """What the bot said in the day's group that no command asked for and that still stands (a
    welcome taken back with a removal is counted by taken_back), after checking that everything
    else it said there answered a command, one each."""
    world = d.bot.world
    sends = [a for a in world.bot_sends(d.room) if not _taken_back_welcome(world, a)]
    said = [a.text for a in sends]
    commands = sum(1 for m in world.messages.values()
                   if m.room_id == d.room and m.sender_id != world.bot_id
                   and m.text.split("\n")[-1].startswith("#"))  # a quoting command's line comes last
    mine = [t for t in said if any(k in t for k in UNASKED)]
    assert len(said) - len(mine) <= commands, [t for t in said if t not in mine]
    return mine


CARPOOLERS = ["回龙观老李", "天通苑小王", "燕郊大刘", "望京Amy", "沙河阿杰", "霍营小美", "通州老张", "西二旗码农",
              "顺义姐姐", "昌平小赵", "亦庄阿强", "国贸打工人"]


async def live_the_carpool_day(d: LoggedDay) -> None:
    await d.to("06:20")
    await d.post("回龙观老李", "车找人：今早7:10 回龙观→国贸 余2座 20/人 走京藏，电话13911112222")
    await d.post("天通苑小王", "人找车 今早7点半左右 天通苑北→望京SOHO 1人 有顺路的师傅吗")
    await d.post("望京Amy", "@回龙观老李 李哥给我留一个座，我在回龙观地铁A口等你", mentions=("回龙观老李",))
    await d.post("回龙观老李", "好的，还剩1座")
    await d.post("燕郊大刘", "燕郊→国贸 6:50出发 3座 25一位 上车点燕郊天洋城 需要的打我电话 15811223344 微信同号")
    await d.post("霍营小美", "女生找车，明早7点半 霍营→西二旗，带个小行李箱可以吗🙏")
    await d.post("西二旗码农", "@霍营小美 我明早7:40从霍营走，去西二旗，能带箱子，15一位，加我微信 maxiaonong_88",
                 mentions=("霍营小美",))
    await d.post("通州老张", "京通快速又堵死了，出门的绕一下走朝阳路")
    await d.post("沙河阿杰", "长期拼车：沙河→中关村 工作日早7:30 晚6:30回 月结 一个月600 有意私")
    await d.post("顺义姐姐", "今天的车满了，谢谢大家，明天照常 顺义→三元桥 7:00")
    await d.post("昌平小赵", "提醒一下新来的，拼车上车前拍一下车牌发给家人，安全第一")
    await d.post("亦庄阿强", "前两天有个顺风车被交警罚了，说非法营运，大家收钱别在群里说太明白😂")
    await d.post("国贸打工人", "拼车费我一般上车微信转，下车前转也行")

    await d.to("07:30")
    await d.wave(["新司机小孙", "通州宝妈"], inviter="群主老孙")
    await d.post("新司机小孙", "大家好，我每天 燕郊→国贸 早6:50 晚6点回，有3个座，一位25，电话 13700001111 微信同号")
    await d.post("通州宝妈", "求拼车 每天 通州北苑→望京 早8点 有车的师傅联系我 18600001234 谢谢")
    await d.post("通州老张", "@通州宝妈 我就在北苑，明天8点北苑地铁站等你", mentions=("通州宝妈",))
    await d.join(d.advertiser("代驾小哥", "kick"), inviter="望京Amy")
    await d.post("代驾小哥", "喝酒了别开车！专业代驾24小时服务，起步价39元全城最低，长途包车、租车免押金，"
                           "加V：daijia_bj888 随叫随到，新客首单立减20")
    await d.post("望京Amy", "不好意思，他说是拼车的我才拉的")
    await d.join(d.advertiser("刷单小妹", "kick"), inviter="昌平小赵")
    await d.post("刷单小妹", "招兼职，手机刷单，一单一结，日赚300+，宝妈学生都可以做，加QQ 2938475610 带你做")

    await d.to("09:00")
    await d.post("群主老孙", "#cases")
    await d.post("群主老孙", "#case 1")
    await d.post("群主老孙", "#stats day")
    await d.post("燕郊大刘", "#help")

    await d.to("17:30")
    await d.post("回龙观老李", "车找人：今晚6:30 国贸→回龙观 余3座 20/人，国贸桥东北角上车，电话13911112222")
    await d.post("望京Amy", "今晚我还坐李哥的车😄")
    await d.post("新司机小孙", "晚6点 国贸→燕郊 还有2座 一位25 电话 13700001111")
    await d.post("燕郊大刘", "#nick list")


async def test_a_day_in_the_carpool_group(days) -> None:  # noqa: F811
    d = await days("回龙观·燕郊·通州拼车群", "群主老孙", CARPOOLERS, MONDAY_DAWN)
    await live_the_carpool_day(d)
    await d.to("18:00")
    await d.end_of_day()
    # routes, seats, 20/人 and the drivers' own numbers twice a day, a newcomer driver's and a
    # newcomer passenger's among them: their carpool, not ads
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    # unasked: one welcome (with the nickname prompt), its reminder, two removals; and the two
    # advertisers' welcomes, if sent, taken back (see taken_back)
    assert len(unasked(d)) == 4 and taken_back(d) <= 2, unasked(d)
    # the 代驾 ad's card: its 加V：daijia_bj888 is not called hidden beside "not enough alone"
    card = next(t for t in bot_said(d) if t.startswith("@群主老孙\u2005案件 #1 "))
    assert "有变形遮掩" not in card and "微信号「daijia_bj888」" in card, card


JOBS = ["大望路餐饮HR王姐", "空港物流刘主管", "京东内推小张", "保洁公司李经理", "找工作的老周", "会计小林",
        "大二学生阿凯", "装修队赵队长", "宝妈求职", "幼儿园园长", "外卖站长老黑", "HR小美"]


async def live_the_jobs_day(d: LoggedDay) -> None:
    await d.to("08:30")
    await d.post("群主老方", "早上好各位，今天也欢迎大家发招聘和求职信息，注明岗位、地点、薪资、联系人，别刷屏哈")
    await d.post("大望路餐饮HR王姐", "【招聘】大望路某连锁火锅店招服务员5名、传菜员2名，月薪5500-6500，"
                                  "包吃住，五险一金，月休4天，有意者联系店长王女士 13812345678")
    await d.post("空港物流刘主管", "急招！顺义空港物流园 仓库分拣员20名，两班倒，计件，多劳多得，"
                                "干得好月入8000+，18-45岁男女不限，联系人：刘主管 15901234567（微信同号）")
    await d.post("京东内推小张", "【内推】京东物流 亦庄 客服专员，双休，6k-8k，应届可投，"
                              "简历发 zhangwei_hr@jd.com 标题写 群内推")
    await d.post("找工作的老周", "求职：本人38岁，男，C1驾照，开过5年货车，想找司机或物流的活，"
                              "东边优先，电话 13511112222")
    await d.post("空港物流刘主管", "@找工作的老周 老周可以来我们这试试，叉车证有吗", mentions=("找工作的老周",))
    await d.post("找工作的老周", "有叉车证，下午过去面试可以吗")
    await d.post("会计小林", "求职 95年女 会计本科 初级会计证 3年经验 想找朝阳海淀的会计岗位，简历可私发")
    await d.post("大二学生阿凯", "有没有招暑假工的？大二，能干两个月，搬东西发传单都行")
    await d.post("装修队赵队长", "招聘：大兴物流园装卸工10名 日结工资260一天 当天结 包午饭 干完就走 "
                              "联系赵队长 13911223344")
    await d.post("大二学生阿凯", "@装修队赵队长 赵哥，学生可以吗？我暑假有空", mentions=("装修队赵队长",))
    await d.post("宝妈求职", "宝妈求职，孩子上幼儿园了，想找个9点到3点的工作，望京附近，做过前台和文员")
    await d.post("幼儿园园长", "@宝妈求职 我们幼儿园招保育员，8点到4点半，月薪4500，在通州梨园，要健康证，可以来看看",
                 mentions=("宝妈求职",))
    await d.post("外卖站长老黑", "美团望京站招骑手，多劳多得，一单7到9块，电动车可以租，来了就能跑，电话 18611112222")
    await d.post("HR小美", "提醒各位找工作的朋友：正规招聘不会先收钱，什么培训费、服装费、押金都是骗子，遇到直接举报")

    await d.to("10:00")
    await d.wave(["新HR小郑", "求职小何"], inviter="群主老方")
    await d.post("新HR小郑", "大家好，我是朝阳一家物业公司的HR，长期招保安和保洁，保安月薪5500，保洁4800，包住，"
                          "50岁以下，有意向的联系我 13600001111 郑经理")
    await d.post("求职小何", "大家好，刚毕业，计算机专业，会Java，求一份开发或测试的工作，简历可以私发给各位HR，谢谢🙏")
    await d.join(d.advertiser("打字员招聘", "kick"), inviter="大二学生阿凯")
    await d.post("打字员招聘", "招聘打字员，在家手机就能做，日结100-300，无需经验，宝妈学生优先，不收任何费用，"
                            "加微信 dzy_2026 报名，名额有限")
    await d.post("大二学生阿凯", "这个是我在兼职群加的，以为是招暑假工的，抱歉")
    await d.join(d.advertiser("IT培训", "kick"), inviter="求职小何")
    await d.post("IT培训", "零基础学Java/UI设计，4个月包就业，月薪过万，先学习后付款，学费可分期0首付，"
                         "咨询加v：it_peixun88，前20名免试听费")

    await d.to("11:00")
    await d.post("群主老方", "#cases")
    await d.post("群主老方", "#case 2")
    await d.post("HR小美", "这种培训贷大家千万别信，签了就背上几万块的贷款，我朋友就被坑过")

    await d.to("14:00")
    # the foreman posts his opening again, word for word, as recruiters do
    again = await d.post("装修队赵队长", "招聘：大兴物流园装卸工10名 日结工资260一天 当天结 包午饭 干完就走 "
                                        "联系赵队长 13911223344")
    await d.post("装修队赵队长", "怎么又说我发广告？我是真招人，物流园干了三年了")
    await d.post("群主老方", "#ham", quote=again)
    await d.post("群主老方", "#cases")
    await d.post("大望路餐饮HR王姐", "火锅店还差2个服务员，有意的直接来店里面试，地址大望路华贸中心B1")
    await d.post("群主老方", "#stats day")
    await d.post("求职小何", "#help")


async def test_a_day_in_the_jobs_group(days) -> None:  # noqa: F811
    d = await days("朝阳招聘求职交流群", "群主老方", JOBS, MONDAY)
    await live_the_jobs_day(d)
    await d.to("15:00")
    await d.end_of_day()
    # openings with pay, address and a contact person, CVs' gist with phone numbers: the point of
    # the group, not ads, and no job seeker or HR is removed. One regular is reminded: a foreman's
    # 日结工资 is a shipped ad word. His reposting it that afternoon removed him: a job paid by the
    # day with only his phone number to call, the owner and admins are asked now (the owner's #ham
    # undid it). (The warehouse's 急招……多劳多得，干得好月入8000+ was reminded too until the model
    # was rebuilt with members' real job posts, spam24: test_the_models_misreadings below)
    assert d.flagged_innocents() <= {"装修队赵队长"} and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    foreman = d.ids["装修队赵队长"]
    to_them = [a.text for a in d.bot.world.bot_sends(d.room)
               if {foreman, d.ids["空港物流刘主管"]} & set(a.mention_ids)]
    assert to_them and all("看起来像在发广告" in t and "再犯将被移出" not in t for t in to_them), to_them
    assert [(c.kind, c.outcome, c.status) for c in d.outcome()[1][foreman]] == [
        ("warn", "done", "open"), ("kick", "asked_owner", "reversed")]
    assert any("机器人没有移出" in t for t in d.private_to("群主老方"))
    # unasked: one welcome (with the nickname prompt), its reminder, the foreman's reminder, two
    # removals; and the two advertisers' welcomes, if sent, taken back (see taken_back)
    assert len(unasked(d)) == 5 and taken_back(d) <= 2, unasked(d)


# what a job board's operator writes for it, from the README ("Groups where selling, listings
# and contact details are normal"): HRs joining every day leave their WeChat ids and 加我微信,
# and the shipped model reads every opening as an ad; the recruitment rule stays on for the
# scams that fish for people (打字员, 培训贷) and the ad words without the day-paid jobs' pay
JOB_BOARD = """\
  "{{room}}":
    name: 朝阳招聘求职交流群（发招聘和求职信息）
    antispam:
      charmodel: {{{{mode: shadow}}}}
      contact: {{{{newcomer: obfuscated}}}}
      keywords:
        newcomer_phrases: []
        regexes: []
        stop_phrases: [{phrases}]
""".format(phrases=", ".join(p for p in shipped_section("antispam")["keywords"]["stop_phrases"]
                             if p not in ("日结工资", "兼职日结")))


async def test_a_day_in_the_jobs_group_with_the_job_board_override(days) -> None:  # noqa: F811
    d = await days("朝阳招聘求职交流群", "群主老方", JOBS, MONDAY, groups=JOB_BOARD)
    await live_the_jobs_day(d)
    await d.to("14:30")
    await d.post("打字员招聘", "招聘打字员还差5人，在家手机就能做，日结100-300，宝妈学生优先，加微信 dzy_2026 报名")
    await d.to("15:00")
    await d.end_of_day()
    # the model watches only (its reading of the 急招 opening is a shadow case, told to nobody);
    # the recruitment rule still reads the foreman's 日结 + 当天结 + phone as a fishing job: a
    # reminder, and his repost put to the owner. The scams are caught by the recruitment rule
    # alone, never an obvious ad: warned first, where the shipped rules removed them at once, and
    # removed for a second pitch (the trade the README states: what is no job pitch, 还有5个名额
    # ……加微信, only the model watches there, in shadow)
    _, by_target, innocents, handled = d.outcome()
    acted = {name for name, member in innocents.items()
             if any(c.outcome != "shadow" and not c.source.startswith("command:") for c in by_target.get(member, []))}
    assert acted <= {"装修队赵队长"} and d.removed_innocents() == set()
    assert handled["打字员招聘"] == ["warn", "kick"] and handled["IT培训"] == ["warn"]
    assert d.bot.world.saw_kick(d.room, d.ids["打字员招聘"])  # its second ad, once warned


OWNERS = ["3号楼小陈", "1602王姐", "8号楼老刘", "5-1101阿杰", "2号楼宝妈", "9号楼张工", "6-302小周", "7号楼Lily",
          "4号楼老赵", "10-801小吴", "1号楼阿May", "11号楼大伟"]


async def live_the_renovation_day(d: LoggedDay) -> None:
    await d.to("19:30")
    await d.post("群主老何", "各位邻居晚上好，交房一个月了，大家装修有什么经验、避坑的都可以在群里分享")
    await d.post("3号楼小陈", "我家找的是王工长的队伍，水电改造 85一平，瓷砖铺贴 45一平，人很实在，"
                            "他微信 wanggong_zx66，说是3号楼介绍的就行")
    await d.post("1602王姐", "@3号楼小陈 王工长做防水吗？闭水试验做多久？", mentions=("3号楼小陈",))
    await d.post("3号楼小陈", "做，闭水48小时，我家楼下一点没漏")
    await d.post("8号楼老刘", "有没有人用过 XX装饰？报价说全包 1280一平，感觉有点贵")
    await d.post("9号楼张工", "全包千万看清楚合同，水电按米算还是按平算差很多，我家按米算多花了一万多")
    await d.post("5-1101阿杰", kind=MessageKind.IMAGE)  # his bathroom's tiles
    await d.post("5-1101阿杰", "我家卫生间刚贴完，岩板 750x1500，工费 60一平，大家看看效果👆")
    await d.post("2号楼宝妈", "好看！哪买的砖？")
    tiles = await d.post("5-1101阿杰", "建材城马可波罗专卖店，报小区名有团购价，8折")
    if d.outcome()[1].get(d.ids["5-1101阿杰"]):
        await d.post("5-1101阿杰", "？？我就是告诉宝妈在哪买的，不是广告啊😂")
        await d.post("群主老何", "#ham", quote=tiles)
    await d.post("6-302小周", "团购瓷砖的有吗？马可波罗 800x800 工厂价 65一片，凑够 20 户能再便宜，接龙\n1. 6-302 40片")
    await d.post("7号楼Lily", "团购瓷砖的有吗？马可波罗 800x800 工厂价 65一片，凑够 20 户能再便宜，接龙\n"
                            "1. 6-302 40片\n2. 7号楼 60片")
    await d.post("4号楼老赵", "我家的木工师傅手艺不错，吊顶和柜子都做，电话 13520001234 老孙，就说4号楼老赵介绍的")

    await d.to("20:30")
    await d.wave(["12-502新业主", "装修设计小刘"], inviter="1602王姐")
    await d.post("12-502新业主", "大家好，12号楼502的，刚收房，请问物业装修押金交多少？")
    await d.post("群主老何", "装修押金 3000，垃圾清运费按面积算，一平 15")
    d.advertiser("装修设计小刘", "kick")
    ad = await d.post("装修设计小刘", "各位业主好，我是XX装饰的设计师小刘，本小区已装修20多户，现在签约送全屋定制柜，"
                                   "免费上门量房出方案，加我微信 liu_design888")
    await d.post("1602王姐", "不好意思，他说是12号楼的业主我才拉的😓")
    await d.join(d.advertiser("全屋定制", "kick"), inviter="10-801小吴")
    await d.post("全屋定制", "全屋定制工厂直销，E0级板材 699一平（投影面积），本小区业主下单再送衣柜灯带，"
                           "免费设计出图，咨询电话 400-888-6666 或加V：dingzhi_6688")
    await d.join(d.advertiser("甲醛治理", "kick"), inviter="2号楼宝妈")
    await d.post("甲醛治理", "新房除甲醛，光触媒施工，不达标全额退款，本周特价 9.9 元/平，扫码预约",
                 kind=MessageKind.IMAGE)
    await d.post("甲醛治理", "预约加微信 chujiaquan_bj 前十名免费检测")

    await d.to("21:00")
    # an owner warns the others, quoting the salesman's pitch word for word
    await d.post("8号楼老刘", "大家注意，刚才那个设计师小刘发的“签约送全屋定制柜，免费上门量房，"
                            "加我微信 liu_design888”，我同事去年就是被这家坑的，签完合同各种增项，"
                            "最后多花了三万，千万别加")
    await d.post("11号楼大伟", "XX装饰我也听说过，投诉一大堆，黑猫投诉上能搜到")
    await d.post("群主老何", "#cases")
    await d.post("群主老何", "#case 1")
    await d.post("群主老何", "#spam", quote=ad)
    await d.post("1号楼阿May", "美缝找谁好？我家是 1602 对门，想找个靠谱的")
    await d.post("9号楼张工", "我家美缝师傅挺细致的，环氧彩砂 一米 8 块，要的话我把他微信推给你")
    await d.post("群主老何", "#stats day")


async def test_an_evening_in_the_new_flat_owners_group(days) -> None:  # noqa: F811
    d = await days("阳光花园业主装修交流群", "群主老何", OWNERS, SATURDAY)
    await live_the_renovation_day(d)
    await d.to("21:30")
    await d.end_of_day()
    # foremen's WeChat ids, prices per m², a tile 接龙, an owner quoting the salesman's pitch to
    # warn the others: what neighbours do, not ads. The shipped model reads a neighbour telling
    # where she bought her tiles (建材城马可波罗专卖店，报小区名有团购价，8折) as an obvious ad: a
    # reminder, undone by the owner's #ham (left to its owners: test_the_models_misreadings)
    assert d.flagged_innocents() <= {"5-1101阿杰"} and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    # the owner's #ham on the quoted warning and his #spam on the removed salesman's pitch: one
    # answer each, nothing else said about them
    texts = bot_said(d)
    if "5-1101阿杰" in d.flagged_innocents():
        assert any("已记为正常消息，案件 #1 已撤销" in t for t in texts)
    assert any("「装修设计小刘」已因这条消息被移出" in t for t in texts)
    # the neighbour warning the others with the salesman's words in quotes is no case
    assert not d.outcome()[1].get(d.ids["8号楼老刘"])


ELDERS = ["退休王老师", "张大爷", "李阿姨", "老周头", "刘奶奶", "广场舞队长", "赵叔", "孙阿姨", "老干部陈伯", "钱姨",
          "马大爷", "吴老师"]


async def live_the_elders_day(d: LoggedDay) -> None:
    await d.to("06:30")
    await d.post("退休王老师", "早上好🌹🌹🌹 新的一天，祝大家身体健康，万事如意🙏🙏🙏")
    await d.post("张大爷", "早上好！👍👍👍")
    await d.post("李阿姨", "早安🌸 今天天气好，出去走走")
    await d.post("老周头", "《这5种食物是血管清道夫，每天吃一点，血管干干净净》", kind=MessageKind.LINK,
                 url="https://mp.weixin.qq.com/s/XueGuan_QingDaoFu")
    await d.post("刘奶奶", "好文章，已转给我家老头子")
    await d.post("广场舞队长", "今晚七点半，小区广场，老地方跳舞，新学的《最炫民族风》，不见不散💃")
    await d.post("赵叔", "【重要通知】微信明天开始收费了！！！转发到10个群就可以免费，我已经转了，大家赶紧转！！")
    await d.post("吴老师", "赵叔，这是谣言，微信不会收费的，别转了😂")
    await d.post("孙阿姨", "《紧急扩散！这种西瓜千万别买，打了针的，已经有人住院》", kind=MessageKind.LINK,
                 url="https://mp.weixin.qq.com/s/XiGua_DaZhen")
    await d.post("老干部陈伯", "[红包] 祝大家周末快乐")
    for who in ["李阿姨", "钱姨", "马大爷", "刘奶奶", "张大爷"]:
        await d.post(who, "谢谢陈伯的红包🧧👍", seconds=6)
    await d.post("钱姨", "我手慢了没抢到😭 陈伯再发一个")
    await d.post("马大爷", "转发：《退休金又涨了！这几类人涨得最多，快看看有没有你》", kind=MessageKind.LINK,
                 url="https://mp.weixin.qq.com/s/TuiXiuJin_ZhangLe")
    await d.post("退休王老师", "转发这条锦鲤🐟，接下来一个月好运连连，不转不是中国人🙏🙏🙏")
    await d.post("吴老师", "我女儿给我买了一款降压的保健品，吃了一个月血压还是高，大家别信保健品，按时吃药才是正经")

    await d.to("09:30")
    await d.wave(["新来的周阿姨"], inviter="李阿姨")
    await d.post("新来的周阿姨", "大家好，我是李阿姨的老姐妹，刚学会用微信，请多关照🌹🌹")
    await d.post("李阿姨", "欢迎老姐妹👏👏")
    await d.join(d.advertiser("健康顾问小刘", "kick"), inviter="钱姨")
    await d.post("健康顾问小刘", "叔叔阿姨好！本周六社区活动中心免费体检，测血压血糖，还送鸡蛋一盒，"
                              "现场有专家讲座，讲解纳豆激酶通血管，名额有限，报名加我微信 jiankang_xiaoliu")
    await d.join(d.advertiser("深海鱼油", "kick"), inviter="马大爷")
    await d.post("深海鱼油", "进口深海鱼油，降三高、软化血管，原价 998 今天活动价 198 买二送一，"
                           "叔叔阿姨点击链接下单 http://t.cn/A6yuyou88 货到付款")
    await d.post("钱姨", "这个小刘上次在公园给我发传单，说是社区的，我就拉进来了")

    await d.to("10:30")
    await d.post("群主老杨", "#cases")
    await d.post("群主老杨", "#stats day")
    await d.post("老周头", "《医生提醒：早上空腹喝水的人，一定要注意这3点》", kind=MessageKind.LINK,
                 url="https://mp.weixin.qq.com/s/KongFu_HeShui")
    await d.post("刘奶奶", "👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍 好")


async def test_a_morning_in_the_elders_group(days) -> None:  # noqa: F811
    d = await days("幸福里老年之家", "群主老杨", ELDERS, SATURDAY_DAWN)
    await live_the_elders_day(d)
    await d.to("11:00")
    await d.end_of_day()
    # 公众号 articles, rumours, 转发到10个群, red packets and their chorus of thanks, a row of 👍:
    # the elders' own chat, not ads; the free check-up with 鸡蛋 and the fish oil link are
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    # unasked: one welcome, its reminder, two removals (the two advertisers' welcomes, if sent,
    # taken back); the rumour and the chain letter are the members' to answer (吴老师 did), not
    # the bot's
    assert len(unasked(d)) == 4 and taken_back(d) <= 2, unasked(d)


RESELLERS = ["日本代购Mia", "韩国小姐姐", "香港阿Ken", "澳洲奶粉妈", "美妆小铺", "泰国乳胶枕", "母婴严选", "老客户王姐",
             "买买买小丽", "剁手党阿珍"]

# the README's override for a group whose members sell ("Groups where selling, listings and
# contact details are normal"), as the operator writes it for this group
DAIGOU_GROUP = """\
  "{room}":
    name: 代购好物分享群（允许成员卖货）
    antispam:
      charmodel: {{mode: "off"}}
      contact: {{newcomer: obfuscated}}
      keywords:
        newcomer_phrases: []
        regexes: []
"""


async def live_the_daigou_day(d: LoggedDay) -> None:
    await d.to("10:00")
    await d.post("群主Vivian", "早～本群允许代购和自家产品，每人每天最多发三条，别刷屏，交易自己把关")
    await d.post("日本代购Mia", "🇯🇵日本现货到：资生堂红腰子 75ml 群内价 560，安耐晒小金瓶 135，包邮包税，私我下单")
    await d.post("日本代购Mia", kind=MessageKind.IMAGE)
    await d.post("韩国小姐姐", "韩国乐天免税店周五扫货，需要带的提前私聊，雪花秀、后、兰芝都可以，代购费 5%")
    await d.post("老客户王姐", "@日本代购Mia 红腰子给我留两瓶", mentions=("日本代购Mia",))
    await d.post("香港阿Ken", "香港莎莎今日特价：港版 iPhone 另议，DHC 卸妆油 98，微信 ken_hk2026 下单，周三统一发顺丰")
    await d.post("澳洲奶粉妈", "澳洲 a2 白金 3段 6罐一箱 1280 包邮包税，保质期到 2027 年，拍照验货")
    await d.post("买买买小丽", "Mia 上次的防晒收到了，正品，回购👍")
    await d.post("美妆小铺", "清仓：完美日记眼影盘 39 一盘，三盘 99，要的私")
    await d.post("剁手党阿珍", "有没有人拼单 SK2 神仙水？凑满两瓶有折扣")

    await d.to("11:30")
    await d.wave(["新代购Lucy"], inviter="群主Vivian")
    await d.post("新代购Lucy", "大家好，我在法国，可以代购老佛爷的包和香水，欢迎私聊，微信 lucy_paris 备注群名")
    await d.post("群主Vivian", "欢迎Lucy～")
    await d.join(d.advertiser("U商", "kick"), inviter="剁手党阿珍")
    await d.post("U商", "长期收 USDT，高价回收，跑分平台招代理，日入过千，安全稳定，飞机 @paofen_888 详聊")
    await d.post("剁手党阿珍", "我以为他是卖化妆品的，抱歉😓")
    await d.join(d.advertiser("网赌代理", "kick"), inviter="美妆小铺")
    await d.post("网赌代理", "新人首充送 100%，真人百家乐、体育投注，日赚几千不是梦，"
                           "注册链接 https://bet-88vip.com 邀请码 8888")

    await d.to("12:00")
    await d.post("群主Vivian", "#cases")
    await d.post("群主Vivian", "#stats day")
    await d.post("母婴严选", "新到一批日本花王纸尿裤，L码 一包 89，两包包邮，要的私我")
    await d.post("泰国乳胶枕", "泰国乳胶枕 拍一发二 199，工厂直发，微信 rujiao_th")


async def test_a_day_in_the_daigou_group_with_the_selling_override(days) -> None:  # noqa: F811
    d = await days("代购好物分享群", "群主Vivian", RESELLERS, SATURDAY, groups=DAIGOU_GROUP)
    await live_the_daigou_day(d)
    await d.to("12:30")
    await d.end_of_day()
    # with the operator's override, the resellers' prices, 私我 and WeChat ids pass, even the new
    # reseller's; the USDT/跑分 dealer and the gambling site are still removed at once
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    assert not any(c.outcome == "shadow" for c in d.outcome()[0])  # the model is off, not watching


STATION = ["菜鸟驿站小刘", "2号楼张姐", "5-601阿杰", "快递小哥老王", "8号楼宝妈", "3-1202小陈", "退休李叔", "1号楼Amy",
           "6号楼大学生", "物业小赵"]


async def live_the_parcel_day(d: LoggedDay) -> None:
    await d.to("09:00")
    await d.post("菜鸟驿站小刘", "【菜鸟驿站】今日到件：取件码 3-2-1108、3-2-1109、5-1-0231、A12-0788、B07-3321，"
                              "营业时间 8:00-21:00，凭取件码或手机尾号取件")
    await d.post("2号楼张姐", "小刘，我的取件码 3-2-1108 是个大箱子吗？我下午才能去")
    await d.post("菜鸟驿站小刘", "@2号楼张姐 是的，大米，20斤，可以放到晚上", mentions=("2号楼张姐",))
    await d.post("5-601阿杰", "我有个顺丰到付的，单号 SF1403958271634，到了吗")
    await d.post("快递小哥老王", "顺丰的在我车上，下午两点送上门，到付 23 元，电话 13801234567")
    await d.post("8号楼宝妈", "驿站能帮忙寄件吗？寄北京，2公斤")
    await d.post("菜鸟驿站小刘", "可以，中通 8 块，顺丰 18，带上东西来就行")
    await d.post("3-1202小陈", "取件码 5-1-0231 是我的，谢谢小刘！")
    await d.post("退休李叔", "我不会用手机看取件码，能报名字取吗")
    await d.post("菜鸟驿站小刘", "李叔可以，报手机尾号就行")

    await d.to("12:00")
    await d.post("菜鸟驿站小刘", "【菜鸟驿站】午间到件：取件码 7-3-2210、7-3-2211、C03-1185、8-1-0456，"
                              "京东的请到京东柜取，柜子取件码 58213967")
    await d.post("1号楼Amy", "柜子取件码是六位还是八位啊，我输了不对")
    await d.post("菜鸟驿站小刘", "八位，58213967，输完按确认")
    await d.wave(["新搬来的小孙"], inviter="物业小赵")
    await d.post("新搬来的小孙", "大家好，刚搬来 9 号楼，请问驿站在哪里？我的取件码 C03-1185")
    await d.post("菜鸟驿站小刘", "@新搬来的小孙 南门进来右手边第一家，菜鸟驿站", mentions=("新搬来的小孙",))
    await d.join(d.advertiser("快递兼职", "kick"), inviter="6号楼大学生")
    await d.post("快递兼职", "招快递分拣兼职，在家也能做，日结工资 200+，手机操作，学生宝妈都可以，加 QQ 3012845679")
    await d.post("6号楼大学生", "这个说是招快递员的，我以为是真的，抱歉")

    await d.to("18:00")
    await d.post("菜鸟驿站小刘", "【菜鸟驿站】晚间到件：取件码 2-4-3301、2-4-3302、A05-0912，"
                              "今天 21 点关门，没取的明天取")
    await d.post("物业小赵", "#cases")
    await d.post("物业小赵", "#stats day")


async def test_a_day_in_the_parcel_station_group(days) -> None:  # noqa: F811
    d = await days("阳光花园快递驿站通知群", "物业小赵", STATION, SATURDAY)
    await live_the_parcel_day(d)
    await d.to("18:30")
    await d.end_of_day()
    # pickup codes of letters and digits all day, a waybill number, a locker code, a courier's
    # phone: the station's service, not ads (no code read as a WeChat or QQ id)
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    # one welcome, its reminder, one removal (the advertiser's welcome, if sent, taken back)
    assert len(unasked(d)) == 3 and taken_back(d) <= 1, unasked(d)


# ---------------------------------------------------------------- what only the model can fix
@pytest.mark.parametrize(("text", "newcomer"), [
    # These were strict xfails until the corpus carried members' real job posts, neighbours' shop
    # tips with an estate's 团购价 and car pools offered by newcomers (DATASHEET_s24.md, spam24):
    # with the rebuilt model 0.52, 0.96 (under the members' level, no other check) and 0.40; the
    # figures beside each are the model's before.
    # a regular HR in the job group (char 0.97 ≥ the members' level: a reminder)
    pytest.param("急招！顺义空港物流园 仓库分拣员20名，两班倒，计件，多劳多得，干得好月入8000+，18-45岁男女不限，"
                 "联系人：刘主管 15901234567（微信同号）", False, id="warehouse-opening-from-a-regular"),
    # a neighbour in the owners' group telling another where she bought her tiles (1.00: obvious).
    # The spam30 model reads 0.965, just past the members' level: 报小区名 (the estate's group
    # price) is read as the recommendation it is (recommend.py), so the score alone is not enough
    pytest.param("建材城马可波罗专卖店，报小区名有团购价，8折", False, id="where-the-tiles-came-from"),
    # a newcomer driver offering his seats (0.71, past charmodel.clears: a reminder; 0.40 with the
    # spam24 model). The spam27 model read 0.508 and spam28's 0.575, just past clears (0.5):
    # reminded again, a strict xfail (its rented-card ads, 卡借我 一个月一千五, 月租一千起, share the
    # driver's 一个月500). The spam29 model reads 0.47; spam41's (trained on the probe files too) 0.612,
    # past clears again: reminded, a strict xfail once more (MEASUREMENTS "spam41": the probes'
    # newcomers' offers pull it and a newcomer's 护肤品代理 … 私聊我 in opposite directions)
    pytest.param("新人报到，每天燕郊到国贸，长期拼车，需要的私聊我，一个月500", True,
                 id="newcomer-driver-offers-seats",
                 marks=pytest.mark.xfail(strict=True, reason="spam41's model: 0.612, past clears")),
])
def test_the_models_misreadings(text: str, newcomer: bool) -> None:
    cfg = AntispamConfig(**shipped_section("antispam"))
    assert not decide(Facts(text=text, newcomer=newcomer), cfg, SpamModel(), "room").spam
