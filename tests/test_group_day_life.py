"""Five more group days, end to end (the rig of test_group_day_more: the real app, the SHIPPED
rules.yaml with instant pacing, the real SDK over gRPC, the simulator), each printed in full
with `-s`: a 二手闲置 group, a 业主群, a 车友会, a 宠物救助群 and a 同学会 filling in an hour.
"""

from __future__ import annotations

from datetime import timedelta

from bot.events import MessageKind
from bot.simulator.model import EventName
from tests.test_group_day_more import MONDAY, SATURDAY, LoggedDay, days  # noqa: F401  (the fixture)

SELLERS = ["小鱼", "闲置达人", "阿芳", "老陈", "宝妈Lily", "学生党小吴", "张姐", "大伟", "Cindy", "阿星", "木子",
           "搬家的小唐"]


async def live_the_flea_market_day(d: LoggedDay) -> None:
    await d.to("09:00")
    await d.post("群主阿May", "早上好～本群只发自己的闲置，同一件东西一天最多发一次，商家广告直接踢")
    await d.post("小鱼", "【出】九成新 小米空气净化器4 买来一年 带一个新滤芯 350 自提 望京", seconds=60)
    await d.post("小鱼", kind=MessageKind.IMAGE)
    await d.post("阿芳", "【出】宝宝推车 好孩子的 用了半年 原价1200 现在400 可小刀 私聊")
    await d.post("老陈", "【求】二手自行车 通勤用 300以内 有的私我")
    await d.post("宝妈Lily", "@阿芳 推车还在吗？我要了，下午能去拿吗", mentions=("阿芳",))
    await d.post("阿芳", "在的，下午三点后都行，地址私你")
    await d.post("学生党小吴", "毕业出书，考研全套资料 + 英语词汇书，打包 50，送到地铁站")
    await d.post("搬家的小唐", "下周搬家，整屋家具低价出：宜家沙发 300、书桌 100、衣柜 200，"
                             "先到先得，有意的私聊，电话 13522223333")
    await d.post("张姐", "唐唐衣柜给我留着！")
    await d.post("大伟", "出 iPhone 13 128G 电池 88% 无拆无修 2300 不议价，可当面验机")
    await d.post("Cindy", "这价格可以啊，成色怎么样")
    await d.post("大伟", "九五新，一直带壳贴膜", kind=MessageKind.IMAGE)

    await d.to("10:30")
    await d.wave(["新邻居小吕", "刚来的阿珍"], inviter="群主阿May")
    await d.post("新邻居小吕", "大家好，刚搬来，有没有人出电饭煲？")
    await d.post("刚来的阿珍", "出全新未拆 戴森吹风机 HD15 紫色 公司年会抽的 2000 出，需要的私聊我")
    await d.post("阿星", "@刚来的阿珍 有发票吗", mentions=("刚来的阿珍",))
    await d.post("刚来的阿珍", "有小票，可以去专柜验")
    await d.join(d.advertiser("回收商", "kick"), inviter="木子")
    await d.post("回收商", "高价回收手机、电脑、黄金、名表、名包，上门回收当场结款，"
                          "加微信 huishou_888 估价，同城半小时上门")
    await d.join(d.advertiser("微商小妹", "kick"), inviter="Cindy")
    await d.post("微商小妹", "面膜厂家直销 一手货源 招代理 0门槛 一件代发 宝妈在家也能做 加我 vx：mm_daili520")
    await d.post("木子", "唉，我拉错人了，不好意思大家")

    await d.to("12:00")
    await d.post("群主阿May", "#cases")
    await d.post("老陈", "有人要猫砂吗，买多了，5 包 60，自提")
    await d.post("宝妈Lily", "#help")
    await d.private("宝妈Lily", "你好，请问群里可以发自己做的蛋糕吗")
    await d.post("闲置达人", "【出】Switch 日版 + 塞尔达 + 马里奥 950 打包不拆，顺丰到付")
    await d.post("群主阿May", "#stats day")
    await d.private("群主阿May", "收到")  # under the digest: no answer for the owner


async def test_a_day_in_the_flea_market_group(days) -> None:  # noqa: F811
    d = await days("望京闲置交易群", "群主阿May", SELLERS, MONDAY)
    await live_the_flea_market_day(d)
    await d.to("13:00")
    await d.end_of_day()
    assert d.removed_innocents() == set()
    d.assert_advertisers_handled()
    # a member's private question is answered, once, with where to ask (it went unanswered)
    answers = d.private_to("宝妈Lily")
    assert len(answers) == 1 and "不会聊天" in answers[0] and "#help" in answers[0], answers
    assert not any("不会聊天" in t for t in d.private_to("群主阿May"))


OWNERS = ["3-1201王姐", "5-601老张", "2-302小刘", "7-1502陈哥", "1-801赵阿姨", "6-402孙先生", "4-1103李女士",
          "8-202周叔", "9-701吴姐", "3-402郑哥", "5-1001何老师", "2-1703马总"]


async def live_the_residents_day(d: LoggedDay) -> None:
    await d.to("08:05")
    await d.post("3-1201王姐", "电梯又坏了！！5号楼两部电梯都停了，我家老人爬了十二楼")
    await d.post("5-601老张", "物业呢？出来说句话，物业费一年交三千多，电梯一个月坏三次")
    await d.post("物业客服小陈", "各位业主好，5号楼电梯维保人员已在路上，预计九点前修好，给大家带来不便非常抱歉")
    await d.post("物业客服小陈", "有紧急情况请打物业24小时值班电话 010-84561234，或者我的手机 13800138000")
    await d.post("2-302小刘", "每次都是在路上，上个月也是这么说的")
    await d.post("7-1502陈哥", "建议业委会出面，换物业！")
    await d.post("1-801赵阿姨", "换物业哪有那么容易，要三分之二业主投票")
    await d.post("6-402孙先生", "我统计一下支持换物业的，接龙\n1. 6-402孙先生")
    await d.post("7-1502陈哥", "我统计一下支持换物业的，接龙\n1. 6-402孙先生\n2. 7-1502陈哥")
    await d.post("5-601老张", "我统计一下支持换物业的，接龙\n1. 6-402孙先生\n2. 7-1502陈哥\n3. 5-601老张")
    await d.post("4-1103李女士", "大家理性一点，先让物业给个书面说明")
    await d.post("5-601老张", "理性个屁，物业就是一帮吃干饭的，经理姓刘的那个就是个骗子")
    await d.post("业委会老周", "#warn @5-601老张 请文明发言，不要人身攻击", mentions=("5-601老张",))
    await d.post("5-601老张", "行，我不说了，这群待着没意思")
    d.bot.world.leave(d.room, d.person("5-601老张"))  # left in anger …
    await d.bot.settle()
    d.clock.advance(90)
    await d.post("2-302小刘", "老张退群了？")
    await d.post("3-1201王姐", "我把他拉回来，都是邻居")
    await d.wave(["5-601老张"], inviter="3-1201王姐")  # … and brought back before the digest
    await d.post("5-601老张", "刚才态度不好，跟大家道个歉")

    await d.to("09:20")
    await d.post("物业客服小陈", "5号楼电梯已修好，请大家放心使用")
    await d.post("8-202周叔", "谢谢小陈")
    await d.join(d.advertiser("装修公司", "kick"), inviter="9-701吴姐")
    await d.post("装修公司", "本小区业主专享！全包装修每平米 688 起，免费量房出设计图，"
                          "前十名送全屋定制衣柜，联系 18612345678 刘经理")
    await d.post("9-701吴姐", "不好意思，他说是小区的业主我才拉的")
    # a newcomer's 微信 id after a trade's pitch: the shipped rules warned (one weak check) until the
    # spam29 model, which read it 0.992, just past the obvious level (0.9917; spam28's rebuilds read
    # 0.993): a newcomer's obvious ad, removed at once. The spam30 model reads it 0.9919 and its
    # obvious level is 0.9929: warned again (the model and a plain id from a newcomer; removed on a
    # second ad). The score sits on the level: which side is a rebuild's draw. The spam31 model
    # reads it 0.9942 past its obvious level 0.9933: removed at once again (an advertiser either way)
    await d.join(d.advertiser("防水补漏", "kick"), inviter="3-402郑哥")
    await d.post("防水补漏", "专业防水补漏 卫生间不砸砖 屋顶漏水 外墙渗水 十年质保 微信 fangshui_1688")

    await d.to("10:00")
    await d.post("5-1001何老师", "请问谁家装修打孔这么响，周末早上七点就开始了")
    await d.post("2-1703马总", "是我家，不好意思，工人我说一下，以后九点以后再开工")
    await d.post("3-402郑哥", "我家装修用的那家还不错，有需要的可以私聊我要电话，不是广告哈")
    await d.post("4-1103李女士", "@物业客服小陈 地下车库B2那个灯一直不亮，晚上很黑", mentions=("物业客服小陈",))
    await d.post("物业客服小陈", "收到，今天安排电工")
    await d.private("5-601老张", "为什么警告我")
    await d.private("2-302小刘", "你好")
    await d.post("业委会老周", "#cases")
    await d.post("业委会老周", "#case 3")
    await d.post("业委会老周", "#stats")


async def test_a_day_in_the_residents_group(days) -> None:  # noqa: F811
    d = await days("阳光里小区业主群", "业委会老周", [*OWNERS, "物业客服小陈"], SATURDAY)
    await live_the_residents_day(d)
    await d.to("11:00")
    await d.end_of_day()
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    assert len(d.private_to("2-302小刘")) == 1  # 你好: one short answer
    # 老张, a resident from before the bot, left in anger and was brought back: no welcome to the
    # group, no nickname prompt or reminder, which no other regular ever got
    zhang = d.ids["5-601老张"]
    back = next(e.at for e in d.bot.world.events if e.name == EventName.ROOM_JOIN
                and zhang in e.payload["inviteeIdList"])
    assert not [a.text for a in d.bot.world.bot_sends(d.room) if a.at >= back and zhang in a.mention_ids]
    assert any("申诉 1 " in t for t in d.private_to("5-601老张"))  # 为什么警告我: the case, how to appeal


DRIVERS = ["老司机阿伟", "小白车主", "越野老张", "途观L车主", "思域少年", "理想ONE", "坦克300", "阿花姐", "车友大熊",
           "老胡", "Tony"]


async def live_the_car_club_day(d: LoggedDay) -> None:
    await d.to("08:30")
    await d.post("会长老K", "五一自驾游坝上草原，5月1日早7点京承高速沙河收费站集合，两天一夜，接龙报名\n1. 会长老K 2人")
    await d.post("老司机阿伟", "五一自驾游坝上草原接龙\n1. 会长老K 2人\n2. 老司机阿伟 3人")
    await d.post("越野老张", "五一自驾游坝上草原接龙\n1. 会长老K 2人\n2. 老司机阿伟 3人\n3. 越野老张 4人")
    await d.post("坦克300", "五一自驾游坝上草原接龙\n1. 会长老K 2人\n2. 老司机阿伟 3人\n3. 越野老张 4人\n"
                           "4. 坦克300 2人")
    await d.post("小白车主", "第一次跑长途，需要注意什么？")
    await d.post("老司机阿伟", "对讲机频道 438.500，路上保持联系，胎压出发前查一下")
    await d.post("会长老K", "#schedule add 明天 20:00 明早7点沙河收费站集合，加满油，带好对讲机")

    await d.to("10:00")
    await d.post("途观L车主", "我车仪表盘亮黄灯了，发动机故障灯，要紧吗", kind=MessageKind.IMAGE)
    await d.post("越野老张", "先别跑高速，去4S店读个故障码")
    await d.post("阿花姐", "望京那家大众4S店售后电话 010-64701234，找服务顾问小赵，人挺靠谱")
    await d.post("思域少年", "我上周刚去的那家本田4S店做保养，小保养 480，比外面贵不少")
    await d.post("车友大熊", "保养可以去途虎，便宜一半，机油自己买")
    await d.post("理想ONE", "电车表示不用保养😂")
    await d.post("老胡", "出一套米其林浩悦4 225/60R18 九成新，换车了用不上，1200 四条，有需要的私聊")

    await d.to("11:00")
    await d.join(d.advertiser("违章代办", "kick"), inviter="思域少年")
    await d.post("违章代办", "违章代处理，扣分代消，驾照年审代办，12分不用学习，加V：weizhang_666")
    await d.wave(["新车主小孟", "新车主佳佳"], inviter="会长老K")
    await d.post("新车主小孟", "大家好，刚提的坦克300，请多指教")
    await d.post("坦克300", "欢迎同款车主！")
    await d.post("新车主佳佳", "各位好，我开的是Model Y，请问五一活动还能报名吗")
    await d.post("会长老K", "能，直接接龙就行")
    await d.join(d.advertiser("车险专员", "kick"), inviter="Tony")
    await d.post("车险专员", "车险到期的车友看过来，全网最低价，返点最高40%，送洗车卡，咨询 15011112222 微信同号")

    await d.to("14:00")
    # a regular's account, stolen
    d.advertiser("Tony", "warn")
    await d.post("Tony", "兄弟们帮个忙，我在做一个汽车用品的微商，行车记录仪原价599现在199，需要的加我小号 tony_car88")
    await d.post("老胡", "Tony 你号被盗了？")
    await d.post("会长老K", "#kick @Tony 号被盗了", mentions=("Tony",))
    await d.post("会长老K", "#case 3")
    await d.post("会长老K", "#schedule list")
    await d.post("会长老K", "#stats day")


async def test_a_day_in_the_car_club(days) -> None:  # noqa: F811
    d = await days("京城越野车友会", "会长老K", DRIVERS, SATURDAY)
    await live_the_car_club_day(d)
    await d.to("20:30")
    await d.end_of_day()
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    handled = d.outcome()[3]
    assert handled["违章代办"] == ["kick"] and handled["车险专员"] == ["kick"]
    assert handled["Tony"] == ["warn"]  # a regular's stolen account: warned; the owner removed him


PET_PEOPLE = ["橘猫妈妈", "二哈主人", "布偶爸", "小黑", "柯基控", "救助志愿者阿青", "金毛Lucky", "猫奴老李", "豆豆",
              "喵小姐", "阿宽"]


async def live_the_pet_day(d: LoggedDay) -> None:
    await d.to("08:00")
    await d.post("救助志愿者阿青", "【领养】三花妹妹 4个月 已绝育已打疫苗 亲人 只限北京 "
                                 "需要签领养协议 定期回访，有意私聊")
    await d.post("救助志愿者阿青", kind=MessageKind.IMAGE)
    await d.post("柯基控", "好可爱！可惜家里已经有两只了")
    await d.post("橘猫妈妈", "我家橘子昨天开始不吃东西，吐了两次，怎么办")
    await d.post("猫奴老李", "先禁食观察，别喂人吃的，吐黄水的话赶紧去医院")
    await d.post("布偶爸", "推荐朝阳那家瑞鹏，急诊24小时，电话 010-65001234，医生姓王，看猫很专业")
    await d.post("二哈主人", "芭比堂也行，就是贵，挂号 100")
    await d.post("橘猫妈妈", "谢谢大家，我下午带去看看")

    await d.to("09:30")
    await d.wave(["想养猫的小陈", "新手铲屎官"], inviter="救助志愿者阿青")
    await d.post("想养猫的小陈", "阿青姐，三花还在吗？我想领养，家里封窗了")
    await d.post("救助志愿者阿青", "@想养猫的小陈 还在，我加你细聊", mentions=("想养猫的小陈",))
    await d.post("新手铲屎官", "请问刚接回来的小猫要准备什么？猫砂盆、猫粮、猫抓板？")
    await d.post("喵小姐", "还有猫砂和驱虫药，先别洗澡")
    await d.join(d.advertiser("宠物用品", "kick"), inviter="阿宽")
    await d.post("宠物用品", "进口猫粮狗粮工厂价直销，渴望 爱肯拿 比淘宝便宜30%，全国包邮，加V：pet_food2026 看价格表")
    await d.join(d.advertiser("卖猫的", "kick"), inviter="小黑")
    await d.post("卖猫的", "纯种英短蓝猫 布偶 美短 自家繁育 签协议 包健康 价格私聊 加微信 cattery_bj 看更多猫咪视频")
    await d.post("救助志愿者阿青", "提醒一下大家，本群反对买卖，领养代替购买")

    await d.to("12:00")
    await d.post("金毛Lucky", "谁知道附近能遛狗的公园？狗狗天天在家憋坏了")
    await d.post("二哈主人", "温榆河公园，狗狗友好，记得拴绳")
    await d.post("豆豆", "出一个几乎全新的航空箱，中号，用过一次，80 块，要的私我")
    await d.post("阿宽", "不好意思刚才拉的那个人，说是要领养我才拉的")
    await d.post("群主小雨", "#cases")
    await d.private("卖猫的", "为什么把我移出群，我是正规猫舍")
    await d.private("宠物用品", "你好")
    await d.private("想养猫的小陈", "你好")
    await d.private("想养猫的小陈", "在吗")
    await d.post("群主小雨", "#stats")


async def test_a_day_in_the_pet_rescue_group(days) -> None:  # noqa: F811
    d = await days("北京流浪猫狗救助领养群", "群主小雨", PET_PEOPLE, SATURDAY)
    await live_the_pet_day(d)
    await d.to("13:00")
    await d.end_of_day()
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    # 你好 and 在吗 from a would-be adopter: one short answer, not two (neither was answered)
    answers = d.private_to("想养猫的小陈")
    assert len(answers) == 1 and "不会聊天" in answers[0], answers
    # the removed breeder asking why is shown the case and how to appeal
    assert any("申诉" in t and "#2" in t for t in d.private_to("卖猫的"))
    assert len(d.private_to("宠物用品")) == 1 and "申诉 1 " in d.private_to("宠物用品")[0]


CLASSMATES = ["学委小芳", "体委阿强", "文艺委员莉莉", "老同桌", "胖子", "眼镜王", "小辣椒", "阿飞"]


async def live_the_reunion_hour(d: LoggedDay) -> None:
    await d.to("19:00")
    await d.post("班长大刘", "同学们，毕业二十年聚会定在下月15号，大家把能联系上的同学都拉进来！")
    await d.post("学委小芳", "我这边拉三班的")
    newcomers = [f"{surname}{given}" for surname, given in zip(
        "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方",
        ["建国", "丽", "伟", "娜", "磊", "静", "洋", "敏", "勇", "艳"] * 5, strict=False)][:50]
    inviters = ["班长大刘", "学委小芳", "体委阿强", "文艺委员莉莉", "老同桌"]
    for start in range(0, 50, 5):  # fifty classmates in ten waves over an hour
        wave = newcomers[start:start + 5]
        await d.wave(wave, inviter=inviters[(start // 5) % 5])
        await d.post(wave[0], "哇，好多老同学！大家好，我是" + wave[0], seconds=60)
        await d.post(wave[1], "二十年了啊，还记得我吗😂", seconds=60)
        await d.post("胖子", "欢迎欢迎", seconds=60)
        await d.post(wave[2], f"我现在在深圳，做外贸的，电话 1380013{8000 + start:04d}，回北京找我喝酒",
                     seconds=60)
        d.clock.advance(60)
    await d.post("赵建国", "@群管机器人 怎么改群昵称", mentions=("群管机器人",))
    await d.join(d.advertiser("理财经理", "kick"), inviter="眼镜王")
    await d.post("理财经理", "各位老同学好，我在做稳健理财，年化12%，保本保息，有兴趣的加我微信 licai_wang 详聊")
    await d.post("班长大刘", "#nick list")
    await d.post("班长大刘", "#stats day")


async def test_an_hour_of_the_class_reunion_group(days) -> None:  # noqa: F811
    d = await days("育才中学2006届3班", "班长大刘", CLASSMATES, SATURDAY)
    await live_the_reunion_hour(d)
    await d.to("21:00")
    await d.end_of_day()
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    # fifty classmates in ten waves over an hour: each wave is welcomed and prompted (it cannot
    # see what was said before it joined), but the hour's reminders are two, not ten in a row,
    # each classmate in one, never sooner than half an hour after joining: @-mentioned, or, past
    # nickname.max_mentions (20) in one reminder, named in front of it
    sends = d.bot.world.bot_sends(d.room)
    reminders = [a for a in sends if "提醒：群昵称还不符合" in a.text]
    mentioned = [m for a in reminders for m in a.mention_ids]
    assert len(reminders) == 2 and len(mentioned) == len(set(mentioned)), [a.at for a in reminders]
    assert all(len(a.mention_ids) <= 20 for a in reminders)
    named = [name for name in d.ids if any(name in a.text.split("提醒：")[0] for a in reminders)
             and not any(d.ids[name] in a.mention_ids for a in reminders)]
    assert len(mentioned) + len(named) == 50, (len(mentioned), named)
    # 「@群管机器人 怎么改群昵称」 is answered with the pattern and how, not 不会聊天哦
    question = next(m for m in d.bot.world.messages.values() if "怎么改群昵称" in (m.text or ""))
    answers = [a.text for a in sends if a.at >= question.timestamp and d.ids["赵建国"] in a.mention_ids
               and "提醒" not in a.text]
    assert answers and "修改方法" in answers[0] and not any("不会聊天" in t for t in answers), answers
    joined = {member: e.at for e in d.bot.world.events if e.name == EventName.ROOM_JOIN
              for member in e.payload["inviteeIdList"]}
    assert all(a.at - joined[m] >= timedelta(minutes=30) for a in reminders for m in a.mention_ids)


READERS = ["书虫小王", "林间", "阿紫", "老杨", "南风", "Yuki", "素素", "陈默", "一页", "大雄", "苏苏", "知秋"]


async def live_the_book_club_evening(d: LoggedDay) -> None:
    await d.to("19:30")
    await d.post("领读人安然", "今晚共读《百年孤独》第十章，八点开始，先贴一段开头：\n"
                            "「多年以后，面对行刑队，奥雷里亚诺·布恩迪亚上校将会回想起父亲带他去见识冰块的那个遥远的下午。"
                            "那时的马孔多是一个二十户人家的村落，泥巴和芦苇盖成的屋子沿河岸排开，湍急的河水清澈见底，"
                            "河床里卵石洁白光滑宛如史前巨蛋。」")
    await d.post("书虫小王", "每次读这个开头都起鸡皮疙瘩")
    await d.post("林间", "我用微信读书看的，这一章的划线好多 https://weread.qq.com/web/reader/5f0321a0715b45e05f0c4e5")
    await d.post("阿紫", "豆瓣上有篇长评写得很好 https://book.douban.com/review/9876543/")
    await d.post("老杨", "推荐范晔的译本，比旧译本顺")
    await d.post("南风", "有没有人有纸质书多的，想借一本，顺丰到付")
    await d.post("Yuki", "我有一本闲置的，南海出版那版，送你了，私聊地址")

    await d.to("20:00")
    for who, text in [
        ("领读人安然", "开始吧，这一章大家最有感触的是哪里？"),
        ("素素", "阿玛兰妲那段，她一辈子都在拒绝爱"),
        ("陈默", "我觉得是孤独的遗传，每一代人都在重复"),
        ("一页", "马孔多的雨下了四年十一个月零两天，这句太绝了"),
        ("大雄", "人物名字太像了，我画了个家谱才理清楚", ),
        ("苏苏", "求家谱图！"),
        ("大雄", "家谱", ),
        ("知秋", "有个公众号做了人物关系图，挺清楚的 https://mp.weixin.qq.com/s/BaiNianGuDu_RenWu"),
        ("林间", "马尔克斯说这本书写的是孤独的反义词：团结"),
        ("老杨", "下周读哪本？"),
        ("领读人安然", "下周《霍乱时期的爱情》，还是他的"),
    ]:
        await d.post(who, text, seconds=45)
    await d.post("大雄", kind=MessageKind.IMAGE)
    await d.join(d.advertiser("知识付费", "kick"), inviter="一页")
    await d.post("知识付费", "【名著精读训练营】30天读完10本经典，名师带读，原价399今日仅需9.9元，"
                          "扫码或加助教微信 jingdu_zj01 进群领取全套电子书")
    await d.wave(["新书友小鹿"], inviter="领读人安然")
    await d.post("新书友小鹿", "大家好，刚进群，我也在读《百年孤独》，第一次参加共读，请多指教")
    await d.post("新书友小鹿", "想问一下，这个群平时怎么打卡？")
    await d.post("领读人安然", "每天读完发「打卡 + 页数 + 一句感想」就行")
    await d.post("新书友小鹿", "打卡 第十章 p.180-205 孤独是这本书的底色")
    await d.post("书虫小王", "打卡 第十章读完，阿玛兰妲太让人心疼了")
    await d.post("领读人安然", "#checkin rank")
    await d.post("领读人安然", "#schedule add 每周日 19:50 共读十分钟后开始，今晚读《霍乱时期的爱情》，大家准备好书")
    await d.post("领读人安然", "#stats day")


async def test_an_evening_in_the_book_club(days) -> None:  # noqa: F811
    d = await days("百年孤独共读会", "领读人安然", READERS, SATURDAY)
    await live_the_book_club_evening(d)
    await d.to("21:30")
    await d.end_of_day()
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()


ANGLERS = ["老钓手", "野钓阿明", "路亚小子", "黑坑王", "钓鱼佬老刘", "空军司令", "鲫鱼哥", "阿水", "夜钓人", "大头"]


async def live_the_fishing_weekend(d: LoggedDay) -> None:
    await d.to("08:00")
    await d.post("老钓手", "早！今天温榆河北岸，水温18度，鲫鱼开口了")
    await d.post("野钓阿明", "我在沙河水库，打窝半小时了，一口没有，空军预定😂")
    await d.post("空军司令", "哈哈哈，欢迎加入空军")
    await d.post("路亚小子", "路亚的兄弟们，翘嘴在亮马河那边起来了，米诺 7cm 好使", kind=MessageKind.IMAGE)
    await d.post("黑坑王", "顺义那个黑坑今天放鱼，200一位，5小时，想去的私聊我拼车")
    await d.post("钓鱼佬老刘", "出一根光威的台钓竿 5.4米 九成新 300，还有一个钓箱 150，有要的私我")
    await d.post("鲫鱼哥", "@老钓手 用的什么饵？", mentions=("老钓手",))
    await d.post("老钓手", "老鬼九一八 + 蓝鲫，比例 1:1，加点红虫")
    await d.post("阿水", "那边有个渔具店老板电话 13611112222，买饵料可以送过来，我常买")

    await d.to("09:00")
    await d.join(d.advertiser("渔具批发", "kick"), inviter="黑坑王")
    await d.post("渔具批发", "渔具厂家直销 鱼竿 鱼线 浮漂 饵料 全场一折起 支持代发 加微信 yuju_pifa888 进群领优惠券")
    # warned, not removed, since the model trained on the probe files (spam41) reads the lure 0.807
    # (main's 0.936): the newcomer's link off the ordinary list alone warns; the ad stays up unless
    # its sender posts again (MEASUREMENTS "lead40": on the two fresh blind files the same model
    # removed more newcomers' ads at once, 127 → 128 and 110 → 114)
    await d.join(d.advertiser("钓鱼直播", "warn"), inviter="大头")
    await d.post("钓鱼直播", "野钓大鲤鱼直播，每晚8点，进直播间免费抽鱼竿 https://v.douyin-live.cc/room/8888")
    await d.post("夜钓人", "又来广告了")
    await d.post("群主钓翁", "#cases")

    await d.to("10:00")
    await d.post("鲫鱼哥", "上鱼了上鱼了！半斤的鲫鱼", kind=MessageKind.IMAGE)
    for who in ["老钓手", "野钓阿明", "空军司令", "阿水", "夜钓人"]:
        await d.post(who, "👍👍👍", seconds=10)
    await d.post("空军司令", "我还是空军……")
    await d.post("群主钓翁", "#checkin stats")
    await d.post("大头", "下周六钓鱼比赛报名接龙\n1. 大头")
    await d.post("鲫鱼哥", "下周六钓鱼比赛报名接龙\n1. 大头\n2. 鲫鱼哥")
    await d.post("野钓阿明", "下周六钓鱼比赛报名接龙\n1. 大头\n2. 鲫鱼哥\n3. 野钓阿明")
    # a regular's account stolen, a loan scam, not an ad: the shipped rules let it pass until the
    # owner's #spam; the bot names it 疑似被盗号借钱 now and tells the group to call him before
    # paying (keywords.loan_plea, issue 11), a warning, never a removal by the bot
    await d.post(d.advertiser("夜钓人", "warn"),
                 "急事！谁能借我两千块，明天一早就还，转我支付宝 13522223333 谢谢兄弟们")
    await d.post("老钓手", "夜钓人你号被盗了吧？大家别转")
    await d.post("群主钓翁", "#cases")


async def test_a_weekend_morning_in_the_fishing_group(days) -> None:  # noqa: F811
    d = await days("北京野钓交流群", "群主钓翁", ANGLERS, SATURDAY)
    await live_the_fishing_weekend(d)
    await d.to("12:00")
    await d.end_of_day()
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    assert any("打电话或当面跟本人确认" in t for t in d.bot.world.bot_texts(d.room))
    # the owner read case #2 in his #cases at 09:03: the digest at 09:06 does not announce it to
    # him again (it did); #1 went out before
    told = d.private_to("群主钓翁")
    assert any("新案件 #1 " in t for t in told) and not any("新案件 #2 " in t for t in told), told


FRIENDS = ["果园阿梅", "手工皂小雅", "茶农老吴", "烘焙Amy", "海鲜老郑", "土蜂蜜大叔", "宝妈娟娟", "阿珂", "老林",
           "小雪"]


async def live_the_friends_market_saturday(d: LoggedDay) -> None:
    await d.to("09:00")
    await d.post("群主燕子", "周末啦，老规矩，周六周日大家可以发自家产品，平时不发哈")
    await d.post("果园阿梅", "自家果园的赣南脐橙今天开摘了，10斤装 58 包邮，甜到心里🍊 要的私聊我")
    await d.post("果园阿梅", kind=MessageKind.IMAGE)
    await d.post("手工皂小雅", "手工冷制皂，羊奶+乳木果，敏感肌可用，35一块，三块100，群里朋友送皂盒")
    await d.post("茶农老吴", "今年的明前龙井还有最后几斤，自家茶园炒的，250一斤，懂茶的朋友来")
    await d.post("阿珂", "@茶农老吴 给我留半斤", mentions=("茶农老吴",))
    await d.post("烘焙Amy", "周日烤了巴斯克和可颂，同城自提，巴斯克6寸 88，提前一天下单，微信 amy_bake 下单备注群名")
    await d.post("海鲜老郑", "舟山带鱼 刚到港的，一箱5斤 128，顺丰冷链")
    await d.post("土蜂蜜大叔", "秦岭土蜂蜜，一年一割，500g 68，不甜不要钱")
    await d.post("宝妈娟娟", "我买过阿梅的橙子，真的很甜，帮阿梅打个广告哈哈")

    await d.to("10:30")
    await d.wave(["新朋友小琪"], inviter="烘焙Amy")
    await d.post("新朋友小琪", "大家好，我是Amy的朋友，做手工银饰的，周末可以发吗？")
    await d.post("群主燕子", "可以的，周末发自己的就行，别刷屏")
    await d.post("新朋友小琪", "手工999足银手镯，可刻字，199起，私聊看款式～")
    await d.join(d.advertiser("代理招募", "kick"), inviter="小雪")
    await d.post("代理招募", "招代理！0投资，一件代发，日入500+，宝妈学生都能做，加我 vx：dl_zhaomu666 免费带")
    await d.post("老林", "这个不是自家产品吧")
    await d.post("群主燕子", "#cases")
    await d.post("群主燕子", "#stats day")


async def test_a_saturday_in_the_friends_market_group(days) -> None:  # noqa: F811
    d = await days("燕子的朋友们·周末好物", "群主燕子", FRIENDS, SATURDAY)
    await live_the_friends_market_saturday(d)
    await d.to("12:00")
    await d.end_of_day()
    # the regulars' own products pass; the newcomer the owner had just said could post her
    # silver is reminded 看起来像在发广告 (the char model): the README's selling override is for this
    assert d.flagged_innocents() <= {"新朋友小琪"} and d.removed_innocents() == set()
    d.assert_advertisers_handled()


# the README's override for a group whose members sell ("Groups where selling, listings and
# contact details are normal"), as an operator would write it for this group
SELLING_GROUP = """\
  "{room}":
    name: 燕子的朋友们（周末可以发自家产品）
    antispam:
      charmodel: {{mode: shadow}}
      contact: {{newcomer: obfuscated}}
      keywords:
        newcomer_phrases: []
        regexes: []
"""


async def test_the_friends_market_with_the_selling_override(days) -> None:  # noqa: F811
    d = await days("燕子的朋友们·周末好物", "群主燕子", FRIENDS, SATURDAY, groups=SELLING_GROUP)
    await live_the_friends_market_saturday(d)
    await d.to("12:00")
    await d.end_of_day()
    # the newcomer's silver passes (kept as a shadow case, told to nobody); the agent recruiter
    # is still removed at once
    assert d.removed_innocents() == set()
    assert [c.outcome for c in d.outcome()[1].get(d.ids["新朋友小琪"], [])] == ["shadow"]
    texts = d.bot.world.bot_texts(d.room)
    assert not [t for t in texts + d.private_to("群主燕子") if "小琪" in t and "案件 #" in t and "本群最近" not in t]
    # and #stats does not count it as a violation (违规案件 2 个（移出 1，广告/刷屏 1） before)
    assert any("违规案件 1 个（移出 1）\n" in t for t in texts), [t for t in texts if "违规" in t]
    d.assert_advertisers_handled()


GUILD = ["指挥官老鹰", "奶妈小七", "坦克大熊", "刺客阿影", "法师Luna", "弓手小K", "萌新豆豆", "副会长阿飞", "氪金大佬",
         "咸鱼王", "夜猫子"]


async def live_the_guild_night(d: LoggedDay) -> None:
    await d.to("19:30")
    await d.post("会长龙哥", "今晚八点公会战，打凌霄城，全员上线！语音房 YY 88886666")
    await d.post("指挥官老鹰", "坦克站前排，奶妈跟紧，DPS 听我指挥集火")
    await d.post("奶妈小七", "收到，我带两瓶复活药")
    await d.post("萌新豆豆", "萌新第一次打公会战，战力才 12w，会不会拖后腿😭")
    await d.post("副会长阿飞", "没事，跟着刷就行，别乱跑")
    await d.post("氪金大佬", "出一把 +15 屠龙刀，带吸血属性，3000 金或者 RMB 300，要的私聊")
    await d.post("咸鱼王", "收金，1:150，量大可谈，私我")
    await d.post("弓手小K", "有没有人组副本，缺个奶，速来")
    await d.post("会长龙哥", "#checkin rank")

    await d.to("20:00")
    for who in GUILD[:8]:
        await d.post(who, "1", seconds=3)  # roll call
    await d.post("指挥官老鹰", "冲冲冲！！！", seconds=10)
    await d.post("刺客阿影", "对面法师残血，我切了", seconds=10)
    await d.post("法师Luna", "大招CD好了", seconds=10)
    await d.post("坦克大熊", "我顶不住了，奶一口！！！", seconds=10)
    await d.post("奶妈小七", "奶了奶了", seconds=10)
    await d.post("指挥官老鹰", "赢了！！！凌霄城是我们的了🎉", seconds=20)
    for who in ["奶妈小七", "坦克大熊", "刺客阿影", "法师Luna", "萌新豆豆"]:
        await d.post(who, "666666", seconds=3)

    await d.to("21:00")
    await d.join(d.advertiser("代练工作室", "kick"), inviter="咸鱼王")
    await d.post("代练工作室", "专业代练，包上王者，战力代刷，安全不封号，价格全网最低，Q 2837465910")
    await d.join(d.advertiser("卖号的", "kick"), inviter="夜猫子")
    await d.post("卖号的", "出满级账号，全身神装，可换绑，支持走中介，加V：zh_888game 看号")
    await d.post("夜猫子", "兄弟说他是来打公会战的，我就拉了，抱歉")
    await d.post("会长龙哥", "#ban @卖号的 卖号骗子", mentions=("卖号的",))
    await d.post("会长龙哥", "#cases")
    await d.post("会长龙哥", "#reason 2 卖号骗子，拉黑")
    await d.post("会长龙哥", "#case 2")
    await d.post("会长龙哥", "#whitelist add @氪金大佬", mentions=("氪金大佬",))
    await d.post("会长龙哥", "#whitelist list")
    await d.private("代练工作室", "我是来找代练生意的，为什么踢我")
    await d.private("代练工作室", "申诉 我不是骗子，就是接代练")
    await d.private("代练工作室", "在吗？")
    await d.post("会长龙哥", "#appeal reject 1 本群不接代练")
    await d.post("会长龙哥", "#tag @萌新豆豆", mentions=("萌新豆豆",))
    await d.post("会长龙哥", "#stats day")


async def test_a_night_in_the_game_guild(days) -> None:  # noqa: F811
    d = await days("凌霄城·龙腾公会", "会长龙哥", GUILD, SATURDAY, admins=("副会长阿飞",))
    await live_the_guild_night(d)
    await d.to("22:00")
    await d.end_of_day()
    # a regular's 收金，1:150，量大可谈，私我 is a buyer's ask, not an ad (buying.py, issue 11; it was
    # reminded as an ad and the day's cases were numbered one higher); sellers' posts still read
    # as ads (README: guilds where members trade set charmodel to shadow)
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    # the owner read #2 (卖号的 removed) in his #cases: his digest leaves it out, the vice
    # president's (who did not) has it
    owner, vice = d.private_to("会长龙哥"), d.private_to("副会长阿飞")
    assert not any("新案件 #2 " in t for t in owner) and any("新案件 #2 " in t for t in vice), (owner, vice)
    # the removed studio: the case and how to appeal, the appeal received, 在吗 answered with where
    # the appeal stands, then the owner's #appeal reject 1 (with the buyer reminded, case #1 was his
    # and the command found no appeal there; the studio's appeal stayed open and was news in both
    # digests)
    assert d.private_to("代练工作室")[-2:] == ["案件 #1 的申诉已提交，请等待管理员处理。",
                                           "你对案件 #1 的申诉未通过。本群不接代练"], d.private_to("代练工作室")


ALUMNI = ["03级计算机老王", "05级金融小李", "08级法学Amy", "10级建筑阿杰", "12级软件小陈", "07级电子大刘",
          "09级会计莉莉", "11级新闻小周", "06级机械老赵", "13级数学阿宁"]


async def live_the_alumni_day(d: LoggedDay) -> None:
    await d.to("09:00")
    await d.post("03级计算机老王", "【内推】字节跳动 后端开发 北京/上海，3年以上 Go 或 Java，"
                                 "简历发我邮箱 wanglei_03@163.com，标题写 校友内推+姓名")
    await d.post("05级金融小李", "【内推】中金 固收研究助理，2026届硕士，有意的学弟学妹私聊我，我帮看简历")
    await d.post("12级软件小陈", "@03级计算机老王 王师兄，应届生可以投吗？", mentions=("03级计算机老王",))
    await d.post("03级计算机老王", "应届走校招，社招要三年，校招链接 https://jobs.bytedance.com/campus")
    await d.post("08级法学Amy", "我们律所招实习律师助理，日结工资 200，两个月，要求法学在读，"
                             "感兴趣的发简历到 amy_law@qq.com")
    await d.post("09级会计莉莉", "有没有在深圳的校友？下周去出差，想约个饭")
    await d.post("10级建筑阿杰", "深圳+1，南山，随时约")
    await d.to("10:00")
    await d.post("08级法学Amy", "再补一个：下周六书展缺两天志愿者，日结工资 150，限在校生，简历一样发 amy_law@qq.com")

    await d.to("10:30")
    await d.wave(["14级新校友小吴", "15级新校友阿美", "16级学妹糖糖"], inviter="11级新闻小周")
    await d.post("14级新校友小吴", "师兄师姐好，14级信管的小吴，现在在杭州做产品经理，我们组也在招人，"
                                 "有兴趣的发简历到 wu_pm@qq.com 我内推")
    await d.post("16级学妹糖糖", "学长学姐好！我今年毕业，在找数据分析的工作，求内推🙏 简历可以私发")
    await d.post("06级机械老赵", "欢迎学弟学妹！")
    await d.join(d.advertiser("高薪兼职", "kick"), inviter="13级数学阿宁")
    await d.post("高薪兼职", "急招！在家手机兼职，日结300-500，宝妈学生均可，不收费，有意者加QQ 2938475610 报名")
    await d.join(d.advertiser("留学中介", "kick"), inviter="07级电子大刘")
    await d.post("留学中介", "各位校友好，英美澳加留学申请，名校保录取，不录取全额退款，"
                          "咨询加微信 liuxue_vip88 免费评估")
    await d.post("13级数学阿宁", "抱歉，这人说是校友我才拉的")
    await d.post("校友会秘书长", "#cases")
    await d.post("校友会秘书长", "#nick list")
    await d.post("校友会秘书长", "#case 1")


async def test_a_day_in_the_alumni_group(days) -> None:  # noqa: F811
    d = await days("XX大学北京校友会", "校友会秘书长", ALUMNI, MONDAY)
    await live_the_alumni_day(d)
    await d.to("12:00")
    await d.end_of_day()
    # referrals with a mail box for CVs are what alumni do: no alumnus is removed. An alumna's
    # paid internship says 日结工资, an ad word, which the shipped model reads as chat (2%): she is
    # reminded, undoably, not told 警告：发广告，再犯将被移出本群, and her second such post is put to
    # the owner and admins (it removed her)
    assert d.flagged_innocents() <= {"08级法学Amy"} and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    amy = d.ids["08级法学Amy"]
    to_amy = [a.text for a in d.bot.world.bot_sends(d.room) if amy in a.mention_ids]
    assert to_amy and all("看起来像在发广告" in t and "再犯将被移出" not in t for t in to_amy), to_amy
    asked = [t for t in d.private_to("校友会秘书长") if "又被判定为" in t]
    assert len(asked) == 1 and "依据只有模型" not in asked[0], asked  # an ad word, not the model


RELATIVES = ["大姑", "二舅", "三姨", "表哥阿强", "表姐小丽", "堂弟小军", "小姨", "姑父", "大伯", "侄女朵朵"]


async def live_the_family_evening(d: LoggedDay) -> None:
    await d.to("18:30")
    await d.post("奶奶", "[语音转文字] 都吃饭了没有啊今天包了饺子想吃的明天过来拿")
    await d.post("大姑", "妈包的饺子最好吃了😋")
    await d.post("二舅", "转发：《今年退休金又涨了，这几类人涨得最多》", kind=MessageKind.LINK,
                 url="https://mp.weixin.qq.com/s/TuiXiuJin2026")
    await d.post("三姨", "帮我砍一刀呗，就差一点了🙏", kind=MessageKind.MINI_PROGRAM,
                 url="https://mobile.yangkeduo.com/bargain.html")
    await d.post("表哥阿强", "三姨又来了哈哈，已砍")
    await d.post("小姨", "[红包] 周末快乐")
    for who in ["表姐小丽", "堂弟小军", "侄女朵朵", "大伯"]:
        await d.post(who, "谢谢小姨🧧", seconds=8)
    await d.post("姑父", "下周六是奶奶八十大寿，酒店订在福满楼，中午11点，大家都来啊\n1. 姑父一家3人")
    await d.post("表姐小丽", "下周六是奶奶八十大寿，酒店订在福满楼，中午11点，大家都来啊\n1. 姑父一家3人\n"
                          "2. 小丽一家3人")
    await d.wave(["表嫂"], inviter="表哥阿强")
    await d.post("表嫂", "大家好，我是阿强媳妇，以后请多关照～")
    await d.post("大姑", "欢迎欢迎！阿强媳妇真漂亮")
    await d.post("表嫂", "我在做护肤品代理，家里人要的话给你们拿成本价，有需要私聊我哈😊")
    await d.post("堂弟小军", "我电话换了，新号 13911223344，大家存一下")
    await d.post("二舅", "转发：《紧急通知！这种鱼千万别吃，已致多人住院》", kind=MessageKind.LINK,
                 url="https://mp.weixin.qq.com/s/YuBieChi_JinJi")
    await d.post("侄女朵朵", "二舅这种是谣言啦，别转了")
    await d.post("群主表姐小丽", "#stats")


async def test_an_evening_in_the_family_group(days) -> None:  # noqa: F811
    d = await days("相亲相爱一家人", "群主表姐小丽", [*RELATIVES, "奶奶"], SATURDAY)
    await live_the_family_evening(d)
    await d.to("21:00")
    await d.end_of_day()
    # a regular aunt's 砍一刀, the forwarded rumours, a red packet and its chorus of thanks pass;
    # the cousin's new wife offering 护肤品代理 on her first evening is warned (she is selling)
    assert d.flagged_innocents() <= {"表嫂"} and d.removed_innocents() == set()
