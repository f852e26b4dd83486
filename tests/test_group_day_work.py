"""Five more group days, end to end (the rig of test_group_day_more: the real app, the SHIPPED
rules.yaml with instant pacing, the real SDK over gRPC, the simulator), each printed in full
with `-s`. Each is a group whose ordinary chat reads like spam to a naive filter: delivery
riders (日结, 跑单, 接单, 多少钱一单 are their work), friends talking stocks (收益, 加仓, 带单),
a mothers' group (代购奶粉, 拼单), a 考公 study group checking in every day, and overseas
students swapping currency among themselves (汇率, 换汇). Real advertisers join each.
"""

from __future__ import annotations

from bot.events import MessageKind
from bot.simulator import ActionKind
from tests.test_group_day_more import MONDAY, MONDAY_DAWN, SATURDAY, LoggedDay, days  # noqa: F401  (the fixture)

RIDERS = ["骑手阿龙", "美团小张", "饿了么老李", "闪送大刘", "跑腿阿杰", "骑士小马", "老黑", "川妹子", "东北虎子",
          "阿飞", "小四川"]


async def live_the_riders_day(d: LoggedDay) -> None:
    await d.to("10:30")
    await d.post("站长老赵", "各位兄弟早，今天中午望京片区单量大，能上线的都上线，注意安全别逆行")
    await d.post("骑手阿龙", "收到站长")
    await d.post("美团小张", "今天早高峰跑了18单，一单均价6块5，比昨天强")
    await d.post("饿了么老李", "我们这边冲单奖励，中午11点到1点完成20单额外奖励60")
    await d.post("闪送大刘", "闪送今天接单多少钱一单？我这边一单平均15，远的有30多")
    await d.post("跑腿阿杰", "有没有日结的站点？我想换个地方跑，现在这个月结压了一个月工资")
    await d.post("骑士小马", "我们站就是日结，晚上十点结当天的，有兴趣私聊我，我帮你问站长要不要人")
    await d.post("老黑", "电动车电池又不行了，换电柜哪家便宜？")
    await d.post("川妹子", "铁塔换电一个月 199 不限次，我用了半年了还行")
    await d.post("东北虎子", "今天被投诉超时，扣了 50，顾客地址写错了还怪我")
    await d.post("阿飞", "申诉啊，截图聊天记录，我上次申诉成功了")
    await d.post("小四川", "谁有多余的保温箱？我的坏了，80 收一个二手的")
    await d.post("老黑", "我有一个，六成新，50 拿走，望京 SOHO 楼下交货")

    await d.to("11:00")
    await d.wave(["新骑手小王", "新骑手阿明", "宝安大哥"], inviter="站长老赵")
    await d.post("新骑手小王", "大家好，第一天跑单，请问怎么抢单快一点？")
    await d.post("骑手阿龙", "别抢远单，先熟悉片区，跑熟了一天五六十单不是问题")
    await d.post("新骑手阿明", "我电话 13811112233，明天早上跟谁一起跑熟悉一下路线？")
    await d.post("美团小张", "@新骑手阿明 明早八点望京 SOHO 门口等我", mentions=("新骑手阿明",))
    await d.join(d.advertiser("高薪招骑手", "kick"), inviter="宝安大哥")
    await d.post("高薪招骑手", "急招外卖骑手，日结工资 500+，包吃包住，无需押金，不用自己买车，"
                             "送单即可赚钱，加微信 qishou_8888 马上安排上岗")
    await d.post("宝安大哥", "我不认识他，他说是站里的我才拉的，不好意思")

    await d.to("14:30")
    await d.post("站长老赵", "#cases")
    await d.post("饿了么老李", "下午单少了，去充电")
    await d.post("闪送大刘", "刚送了个蛋糕，30 公里，一单 58，爽")
    await d.join(d.advertiser("租车押金", "kick"), inviter="骑士小马")
    await d.post("租车押金", "骑手电动车出租，免押金，日租 15 月租 300，跑单送保险，"
                           "需要的扫码联系 v：zuche_668", kind=MessageKind.TEXT)
    # a regular's stolen account
    await d.post(d.advertiser("东北虎子", "warn"), "兄弟们，兼职刷单日赚三百，手机就能做，"
                                                   "想干的加我 QQ 2876543210 带你做")
    await d.post("阿飞", "虎子你号被盗了？")
    await d.post("站长老赵", "#kick @东北虎子 号被盗了，发刷单广告", mentions=("东北虎子",))
    await d.post("站长老赵", "#stats day")
    await d.post("骑手阿龙", "#help")


async def test_a_day_in_the_delivery_riders_group(days) -> None:  # noqa: F811
    d = await days("望京骑手互助群", "站长老赵", RIDERS, MONDAY)
    await live_the_riders_day(d)
    await d.to("15:00")
    await d.end_of_day()
    # 日结, 跑单, 接单, 多少钱一单, a rider's own phone number: their work, not ads
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    handled = d.outcome()[3]
    assert handled["高薪招骑手"] == ["kick"] and handled["租车押金"] == ["kick"]
    assert handled["东北虎子"] == ["warn"]  # a regular's stolen account: warned; the owner removed him


INVESTORS = ["老股民老刘", "韭菜小王", "价值投资阿杰", "基金定投小美", "宁王信徒", "白酒老张", "量化小陈", "佛系持有",
             "茅台姐", "短线王", "小散阿强", "理财小白"]


async def live_the_stock_day(d: LoggedDay) -> None:
    await d.to("09:20")
    await d.post("群主老周", "早，今天集合竞价看着还行，大家理性操作，本群只交流不荐股，谁私下收费带单直接踢")
    await d.post("老股民老刘", "宁德时代昨天跌了5个点，今天我加仓了一点，成本摊到 180")
    await d.post("韭菜小王", "我又被套了，今年收益 -23%，心态崩了")
    await d.post("价值投资阿杰", "别看短期，我拿了三年的招商银行，算上分红年化收益 9% 左右")
    await d.post("基金定投小美", "我每周定投沪深300，一次 500，已经坚持两年了，现在收益 6%")
    await d.post("宁王信徒", "新能源这波我全仓了，不成功便成仁😂")
    await d.post("白酒老张", "茅台还是稳，我 1500 进的，现在浮盈 20%")
    await d.post("量化小陈", "我写了个网格交易的脚本，回测年化 12%，实盘跑了三个月，收益 4.2%")
    await d.post("短线王", "今天打板了一只，涨停了，明天看情况出")
    await d.post("佛系持有", "你们都好厉害，我只会买余额宝")

    await d.to("11:30")
    await d.post("小散阿强", "中午收盘，今天赚了 2000 多，请大家喝奶茶🧋")
    await d.post("茅台姐", "阿强带带我们啊😂 你买的什么")
    await d.post("小散阿强", "就是中芯国际，上周说过的，别跟我，我也是瞎买")
    await d.post("理财小白", "请问新手开户哪个券商佣金低？")
    await d.post("量化小陈", "万一免五的都有，找客户经理谈，别用默认的万三")
    await d.wave(["新股民小赵", "张阿姨"], inviter="老股民老刘")
    await d.post("新股民小赵", "大家好，刚入市，请各位前辈多指教")
    await d.post("张阿姨", "我退休了想买点理财，银行经理推荐的基金靠谱吗")
    await d.post("价值投资阿杰", "阿姨先看费率和持仓，别买刚发的新基金")
    await d.join(d.advertiser("王老师荐股", "kick"), inviter="张阿姨")
    await d.post("王老师荐股", "各位股民朋友好，本人从业十五年，免费荐股，每天推荐两只牛股，"
                             "上个月带单收益 300%，加我微信 wanglaoshi_gp 进VIP群，名额有限")
    await d.post("张阿姨", "这人是我在抖音上认识的，说是老师，原来是骗子啊")
    await d.join(d.advertiser("助理小雅", "kick"), inviter="新股民小赵")
    await d.post("助理小雅", "您好，我是李教授的助理，李教授今日免费直播讲解明日涨停股，"
                           "点击进入直播间 http://t.cn/A6gupiao88 仅限前100名")

    await d.to("15:10")
    await d.post("群主老周", "#cases")
    await d.post("白酒老张", "收盘了，今天大盘涨了 1.2%，我账户涨了 0.3%，跑输了")
    # a regular's stolen account recommending a 'teacher'
    scam = await d.post(d.advertiser("佛系持有", "warn"),
                        "最近跟一个老师学炒股，一个月收益翻倍，老师免费带单，想学的加我进群，名额不多")
    await d.post("短线王", "佛系你号被盗了吧，这话不像你说的")
    await d.post("群主老周", "#spam", quote=scam)
    # the #spam teaches and is told the warning stands (one message, one offence); the owner
    # removes the stolen account himself
    await d.post("群主老周", "#kick @佛系持有 号被盗了", mentions=("佛系持有",))
    await d.post("群主老周", "#case 3")
    await d.post("群主老周", "#stats day")


async def test_a_day_in_the_stock_friends_group(days) -> None:  # noqa: F811
    d = await days("股友交流群", "群主老周", INVESTORS, MONDAY)
    await live_the_stock_day(d)
    await d.to("16:00")
    await d.end_of_day()
    # 收益, 加仓, 全仓, 带带我们 among friends: no case; the 荐股 teacher and his assistant removed
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    handled = d.outcome()[3]
    assert handled["王老师荐股"] == ["kick"] and handled["助理小雅"] == ["kick"]
    # a regular's stolen account: reminded by the model; the owner's #spam teaches without a
    # second case, and his own #kick removes it
    assert handled["佛系持有"] == ["warn"] and d.bot.world.saw_kick(d.room, d.ids["佛系持有"])


MOTHERS = ["乐乐妈", "糖糖妈妈", "二胎宝妈", "新手妈妈小雨", "双胞胎妈妈", "辣妈Vivian", "朵朵妈", "豆豆妈",
           "全职妈妈阿敏", "果果妈", "小树妈妈", "奶爸老陈"]


async def live_the_mothers_day(d: LoggedDay) -> None:
    await d.to("08:40")
    await d.post("群主丽姐", "早上好各位宝妈～今天降温，宝宝出门记得加衣")
    await d.post("新手妈妈小雨", "请问宝宝三个月，夜里还要喂几次奶正常？我快熬不住了")
    await d.post("二胎宝妈", "三个月一般两三次，慢慢会少的，坚持住")
    await d.post("乐乐妈", "有没有人一起拼单爱他美奶粉？香港代购的，6 罐起拼，一罐 235 包邮")
    await d.post("糖糖妈妈", "我要两罐！@乐乐妈 白金版还是卓萃？", mentions=("乐乐妈",))
    await d.post("乐乐妈", "卓萃的，我朋友在香港每个月带一次，小票都有")
    await d.post("双胞胎妈妈", "我也要两罐，双胞胎喝得快😂")
    await d.post("辣妈Vivian", "纸尿裤拼单有人吗？花王L码，京东自营满300减50，凑一单")
    await d.post("朵朵妈", "+1，我要一包L")
    await d.post("豆豆妈", "宝宝湿疹反复，用什么霜好？医生开的激素膏不太敢用")
    await d.post("全职妈妈阿敏", "弱效的激素按医嘱用没事，我家用的是丝塔芙，保湿很重要")
    await d.post("果果妈", "儿童医院皮肤科的李主任看湿疹很好，挂号可以在北京114预约，周三上午的号")
    await d.post("小树妈妈", "推荐一个辅食博主，小红书搜 小树辅食日记，做法都很简单")

    await d.to("10:00")
    await d.wave(["孕28周小鹿", "准妈妈佳佳"], inviter="群主丽姐")
    await d.post("孕28周小鹿", "大家好，我是孕28周的准妈妈，想提前学习一下")
    await d.post("准妈妈佳佳", "大家好～我预产期在八月，请问待产包要准备哪些？")
    await d.post("二胎宝妈", "我整理过清单，一会发你", kind=MessageKind.IMAGE)
    await d.join(d.advertiser("母婴微商", "kick"), inviter="奶爸老陈")
    await d.post("母婴微商", "宝妈在家也能月入过万！招募母婴产品代理，0 投资一件代发，"
                           "带娃赚钱两不误，加我微信 baoma_zhuanqian 免费培训")
    await d.post("奶爸老陈", "我不认识她，她加我说是小区的宝妈，对不起大家")
    await d.join(d.advertiser("早教推销", "kick"), inviter="辣妈Vivian")
    await d.post("早教推销", "0-3岁宝宝早教课免费体验！扫码领取价值 888 元的体验课 http://t.cn/A6zaojiao "
                           "前 20 名再送绘本一套")

    await d.to("11:30")
    await d.post("群主丽姐", "#cases")
    await d.post("群主丽姐", "#case 1")
    await d.post("乐乐妈", "奶粉拼单接龙\n1. 糖糖妈妈 2罐\n2. 双胞胎妈妈 2罐")
    await d.post("新手妈妈小雨", "奶粉拼单接龙\n1. 糖糖妈妈 2罐\n2. 双胞胎妈妈 2罐\n3. 新手妈妈小雨 2罐")
    await d.post("辣妈Vivian", "#help")
    await d.post("群主丽姐", "#stats day")


async def test_a_day_in_the_mothers_group(days) -> None:  # noqa: F811
    d = await days("望京宝妈交流群", "群主丽姐", MOTHERS, SATURDAY)
    await live_the_mothers_day(d)
    await d.to("12:00")
    await d.end_of_day()
    # 代购奶粉 and 拼单 among mothers pass. The shipped model reads a mother recommending a baby-food
    # blogger (推荐一个辅食博主，小红书搜 小树辅食日记) as an ad at 97%, a regular's line: a soft
    # reminder (left to the anti-spam model's owners)
    assert d.flagged_innocents() <= {"小树妈妈"} and d.removed_innocents() == set()
    d.assert_advertisers_handled()


CANDIDATES = ["上岸小陈", "行测刷题王", "申论苦手", "二战考生阿杰", "省考备考中", "国考冲鸭", "在职备考老王",
              "应届生小刘", "宝妈考公", "阿琳", "小雯"]


async def live_the_civil_exam_day(d: LoggedDay) -> None:
    await d.to("06:30")
    await d.post("上岸小陈", "打卡 第86天 行测言语理解 60 题，正确率 82%")
    await d.post("行测刷题王", "早安打卡☀️ 数量关系 20 题，错了 7 道，哭")
    await d.post("二战考生阿杰", "打卡day120 申论大作文一篇")
    await d.post("省考备考中", "打卡 背常识 100 条")
    await d.post("国考冲鸭", "补卡 昨天刷了两套真题忘了打")
    await d.post("申论苦手", "打卡了吗大家，我还在床上😂")

    await d.to("09:00")
    await d.post("群主李老师", "#schedule add 每天 21:30 今天的打卡还没完成的同学抓紧，坚持就是胜利💪")
    await d.post("在职备考老王", "请问粉笔和华图的课哪个好？我在职时间少")
    await d.post("应届生小刘", "粉笔的系统课 999 我报了，讲得还行，刷题 app 免费的也够用")
    await d.post("宝妈考公", "有没有人出二手的资料？申论规范词、行测5000题，便宜点收")
    await d.post("阿琳", "我有一套去年的，上岸了用不上，30 包邮送你")
    await d.post("小雯", "今年国考报名时间出来了吗？")
    await d.post("群主李老师", "还没有，一般 10 月中旬，官网 http://bm.scs.gov.cn 关注一下")

    await d.to("10:30")
    await d.wave(["新人小徐", "考研转考公", "大三小赵"], inviter="上岸小陈")
    await d.post("新人小徐", "大家好，刚开始备考，零基础，请问从哪开始？")
    await d.post("上岸小陈", "先做一套真题摸底，再看系统课")
    await d.post("考研转考公", "打卡 第1天 看了行测导学课")
    await d.join(d.advertiser("包过班", "kick"), inviter="大三小赵")
    await d.post("包过班", "考公上岸包过班，协议班不过全额退费，内部密卷押题命中率 90%，"
                         "咨询加微信 shangan_baoguo 限额 30 人")
    await d.join(d.advertiser("卖资料", "kick"), inviter="大三小赵")
    await d.post("卖资料", "2027 国考省考全套网课资料，粉笔华图中公全都有，原价几千现在 19.9 打包，"
                         "网盘秒发，加 v：ziliao_1999")
    await d.post("大三小赵", "这两个是我在一个资料群里加的，我以为是考友，抱歉")

    await d.to("12:00")
    await d.post("群主李老师", "#checkin stats")
    await d.post("上岸小陈", "#checkin rank")
    await d.post("二战考生阿杰", "#checkin me")
    await d.post("群主李老师", "#cases")

    await d.to("21:40")
    await d.post("申论苦手", "打卡 晚上补了一篇申论小题")
    await d.post("小雯", "今日打卡：常识判断 50 题")


async def test_a_day_in_the_civil_exam_group(days) -> None:  # noqa: F811
    d = await days("2027考公上岸打卡群", "群主李老师", CANDIDATES, MONDAY_DAWN)
    await live_the_civil_exam_day(d)
    await d.to("22:00")
    await d.end_of_day()
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()


STUDENTS = ["墨尔本小林", "悉尼阿May", "UQ学姐", "莫纳什学长", "新生小周", "ANU阿杰", "布村小美", "阿德莱德Tom",
            "珀斯小雨", "留学生老王", "Cathy"]


async def live_the_overseas_day(d: LoggedDay) -> None:
    await d.to("19:00")
    await d.post("群主Kevin", "欢迎新学期的同学们，有问题群里问，换汇租房注意安全，大额交易当面或者走正规渠道")
    await d.post("墨尔本小林", "今天澳币汇率 4.72，比上周涨了，我得赶紧换点生活费")
    await d.post("悉尼阿May", "我有 2000 澳币想换人民币，回国用，有同学要换的吗？按中行中间价，当面交易")
    await d.post("UQ学姐", "@悉尼阿May 我要换，我在悉尼大学附近，明天中午图书馆门口？", mentions=("悉尼阿May",))
    await d.post("悉尼阿May", "可以！我转你澳币，你微信转我人民币")
    await d.post("莫纳什学长", "提醒新同学，换汇别找群里不认识的人，上学期好几个被骗的，还有洗钱被冻卡的")
    await d.post("新生小周", "请问银行开户是 CommBank 好还是 ANZ 好？")
    await d.post("ANU阿杰", "CommBank 学生账户免月费，app 也好用")
    await d.post("布村小美", "租房信息：Sunnybank 两室一厅招一个室友，周租 220 澳，包水电网，女生优先，私聊")
    await d.post("阿德莱德Tom", "有人代购回国吗？想带两罐奶粉和保健品给我妈")
    await d.post("珀斯小雨", "我下个月回国，能帮你带，不收钱，顺路的")
    await d.post("留学生老王", "第一次交学费，电汇手续费好贵，有没有便宜的方法？")
    await d.post("Cathy", "学费可以用 Flywire 交，汇率比银行好一点")

    await d.to("20:00")
    await d.wave(["新生阿远", "新生Lisa", "研一小吴"], inviter="群主Kevin")
    await d.post("新生阿远", "大家好，刚落地墨尔本，有没有一起拼车去宜家买家具的？")
    await d.post("新生Lisa", "我！明天可以吗")
    await d.join(d.advertiser("换汇U商", "kick"), inviter="研一小吴")
    await d.post("换汇U商", "专业换汇，澳币人民币互换，汇率优于银行，USDT 秒到账，24小时在线，"
                          "大额优惠，联系 TG：@aud_huanhui 微信 huanhui_au888")
    await d.post("研一小吴", "我不认识他，进群的时候他说是同校的")
    await d.join(d.advertiser("代写", "kick"), inviter="新生Lisa")
    await d.post("代写", "专业论文代写，Essay、Assignment、网课代上，保过不过退款，"
                       "加微信 daixie_au 咨询，新生首单八折")

    await d.to("21:00")
    await d.post("群主Kevin", "#cases")
    await d.post("群主Kevin", "#case 1")
    await d.post("群主Kevin", "#stats day")
    await d.post("墨尔本小林", "#rules")


async def test_an_evening_in_the_overseas_students_group(days) -> None:  # noqa: F811
    d = await days("2026澳洲留学生互助群", "群主Kevin", STUDENTS, SATURDAY)
    await live_the_overseas_day(d)
    await d.to("21:30")
    await d.end_of_day()
    # 汇率, 换汇 between two students, 代购 as a favour: their life, no case
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    # the wave of three got one message, the welcome with the nickname prompt under it, then the
    # reminder an hour later; the advertiser joining two minutes later was welcomed (and taken
    # back when removed) without the prompt being taken back and sent again around him. It was
    # a welcome and a prompt per wave, the prompt sent four times and taken back four times in
    # four minutes
    world = d.bot.world
    to_them = [a.text for a in world.bot_sends(d.room) if d.ids["新生阿远"] in a.mention_ids]
    assert len(to_them) == 2, to_them
    assert "欢迎 新生阿远、新生Lisa、研一小吴 加入" in to_them[0] and "\n请把你的群昵称改为" in to_them[0]
    assert "提醒：群昵称还不符合" in to_them[1]
    prompts = [a.text for a in world.bot_sends(d.room) if "请把你的群昵称改为" in a.text]
    assert prompts and all("欢迎" in t for t in prompts), prompts  # never a prompt on its own
    recalled = [world.message(a.target).text for a in world.bot_actions(ActionKind.RECALL, d.room) if a.target]
    assert all("欢迎 换汇U商 加入" in t or "欢迎 代写 加入" in t for t in recalled), recalled


FAMILIES = ["3床家属王姐", "肿瘤科小李", "化疗中的老张", "陪护阿强", "12床女儿", "病友老周", "抗癌三年刘阿姨",
            "小陈妈妈", "外地来的老孙", "护工大姐"]


async def live_the_patients_day(d: LoggedDay) -> None:
    await d.to("07:30")
    await d.post("志愿者小林", "早上好各位，今天周一，肿瘤内科王主任上午有门诊，需要加号的早点去排队")
    await d.post("3床家属王姐", "请问王主任的号怎么挂？网上一直约不到")
    await d.post("病友老周", "用医院公众号，早上7点放号，秒没。实在不行去现场加号，王主任人很好一般都给加")
    await d.post("12床女儿", "挂号链接在这 https://mp.weixin.qq.com/s/guahao_zhongliu 每天早上七点准时抢")
    await d.post("外地来的老孙", "我们从河北来的，医院附近有便宜的住处吗？")
    await d.post("陪护阿强", "医院北门那边有家庭旅馆，一天 80，能做饭，老板电话 13911223344，就说病友介绍的")
    await d.post("化疗中的老张", "第四次化疗结束了，白细胞又低了，升白针打了两针")
    await d.post("抗癌三年刘阿姨", "老张挺住，我当年也是这样过来的，多吃点鸡蛋和鱼")
    await d.post("小陈妈妈", "有没有人买过 PD-1 的慈善赠药？听说可以申请，不知道流程")
    await d.post("肿瘤科小李", "可以在中华慈善总会官网申请，需要医生开证明，具体问主治医生")
    await d.post("护工大姐", "需要护工的可以找我，一天 260，做了八年了，电话 15022334455")

    await d.to("10:00")
    await d.wave(["新确诊家属小赵", "9床儿子"], inviter="志愿者小林")
    await d.post("新确诊家属小赵", "大家好，我爸刚确诊肺癌，现在脑子一片空白，不知道该怎么办")
    await d.post("抗癌三年刘阿姨", "孩子别慌，先做基因检测，有靶点的话靶向药效果很好")
    await d.post("9床儿子", "基因检测哪家准？医院推荐的要一万多")
    await d.post("病友老周", "医院送检的最靠谱，别信网上那些便宜的")
    await d.join(d.advertiser("特效药代购", "kick"), inviter="9床儿子")
    await d.post("特效药代购", "印度仿制靶向药 奥希替尼 吉非替尼 正品保证 价格只要国内十分之一，"
                            "加微信 yindu_yao168 货到付款")
    await d.join(d.advertiser("偏方", "kick"), inviter="外地来的老孙")
    await d.post("偏方", "祖传秘方治癌症，已治愈上千例，不手术不化疗，三个疗程见效，咨询电话 18800001111 张神医")
    await d.post("陪护阿强", "这种骗子专门骗病人家属的钱，大家千万别信")

    await d.to("11:00")
    await d.post("志愿者小林", "#cases")
    await d.post("志愿者小林", "#case 2")
    await d.post("12床女儿", "谢谢群里的各位，我妈今天出院了🙏")
    await d.post("志愿者小林", "#stats day")
    await d.private("新确诊家属小赵", "请问群里有没有人能推荐一下好的胸外科医生")


async def test_a_day_in_the_patients_families_group(days) -> None:  # noqa: F811
    d = await days("肿瘤内科病友互助群", "志愿者小林", FAMILIES, MONDAY)
    await live_the_patients_day(d)
    await d.to("12:00")
    await d.end_of_day()
    # a doctor's appointment link, an inn keeper's phone, a carer offering herself at 260 a day:
    # what the families need, not ads
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()


PHOTOGRAPHERS = ["老法师老王", "索尼党小陈", "佳能大叔", "尼康阿杰", "胶片少女", "无人机阿飞", "人像摄影Amy",
                 "风光老李", "街拍小张", "富士小美", "后期达人"]


async def live_the_photo_day(d: LoggedDay) -> None:
    await d.to("18:00")
    await d.post("会长老赵", "周六早上五点半，颐和园十七孔桥拍日出，报名接龙\n1. 会长老赵")
    await d.post("老法师老王", "周六早上五点半，颐和园十七孔桥拍日出，报名接龙\n1. 会长老赵\n2. 老法师老王")
    for who in ["风光老李", "佳能大叔", "尼康阿杰"]:
        await d.post(who, kind=MessageKind.IMAGE, seconds=20)
    await d.post("风光老李", "昨天拍的晚霞，f/8 1/125 ISO100，没后期")
    await d.post("后期达人", "这色彩绝了，原片直出？")
    await d.post("索尼党小陈", "出一台 A7M3 单机，快门 1.2 万，箱说全，6800，不议价，同城当面交易")
    lens = await d.post("佳能大叔", "收一个 70-200 2.8 二代，有的私聊，价格合适直接转账")
    await d.post("胶片少女", "有人知道哪里冲胶片便宜吗？北京的")
    await d.post("街拍小张", "鼓楼那边有家，冲扫一卷 35 块，老板微信 chongxi_gulou，报我名字打九折")
    await d.post("人像摄影Amy", "本周日约拍，需要一个模特，互免，风格是森系，有意的私聊我看样片",
                 kind=MessageKind.TEXT)
    if (wrong := reminded(d, "佳能大叔")) is not None:
        await d.post("佳能大叔", "我是收镜头，不是打广告啊😂")
        await d.post("会长老赵", "#ham", quote=lens)
    if (film := reminded(d, "街拍小张")) is not None:
        await d.private("街拍小张", "为什么说我发广告？我只是推荐冲洗店")
        await d.private("街拍小张", f"申诉 {film} 我是给胶片少女推荐冲洗店，不是广告")
    await d.post("无人机阿飞", "颐和园能飞无人机吗？")
    await d.post("老法师老王", "不能，禁飞区，被抓到要罚款没收")
    await d.post("富士小美", "分享一篇调色教程 https://www.xiaohongshu.com/explore/6543210abcdef 挺实用的")

    await d.to("19:30")
    await d.wave(["摄影新手小吴", "退休老刘"], inviter="会长老赵")
    await d.post("摄影新手小吴", "大家好，刚买了第一台相机，富士 XS20，求指点")
    await d.post("富士小美", "同款！欢迎，先把说明书看一遍哈哈")
    await d.post("退休老刘", "大家好，退休了想学摄影，请多关照", kind=MessageKind.TEXT)
    await d.join(d.advertiser("约拍工作室", "kick"), inviter="人像摄影Amy")
    await d.post("约拍工作室", "专业写真约拍，古风汉服婚纱全包，原价 1999 现在 399，"
                            "加 v：yuepai_studio888 预约，前 10 名送相册", kind=MessageKind.TEXT)
    await d.post("人像摄影Amy", "我不认识他，他说是摄影爱好者😓")

    await d.to("20:30")
    await d.post("会长老赵", "#schedule add 周六 5:00 起床了！五点半十七孔桥集合拍日出，带好三脚架")
    await d.post("会长老赵", "#schedule list")
    await d.post("会长老赵", "#cases")
    for case in (wrong, film):
        if case is not None:
            await d.post("会长老赵", f"#case {case}")
    if film is not None:
        await d.post("会长老赵", f"#appeal accept {film}")
    await d.post("会长老赵", "#stats day")


async def test_an_evening_in_the_photography_club(days) -> None:  # noqa: F811
    d = await days("京城摄影爱好者协会", "会长老赵", PHOTOGRAPHERS, SATURDAY)
    await live_the_photo_day(d)
    await d.to("21:00")
    await d.end_of_day()
    # gear sold among members and a tutorial link pass. The shipped model read a member buying a
    # lens (收一个 70-200 2.8 二代，有的私聊，价格合适直接转账: 100%; no longer since spam22's
    # buyers are not sellers) and reads one passing on a film lab's WeChat (老板微信
    # chongxi_gulou，报我名字打九折: 98%) as ads: soft reminders to regulars (left to the anti-spam
    # model's owners), undone by the owner's #ham or an accepted appeal
    flagged = d.flagged_innocents()
    assert flagged <= {"佳能大叔", "街拍小张"} and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    # the owner's notice of each says how to undo it if it is wrong (it said only 警告 X：发广告)
    told = d.private_to("会长老赵")
    for name in flagged:
        notice = next(line for t in told for line in t.split("\n") if f"警告 {name}：" in line)
        case = notice.split("#")[1].split()[0]
        assert notice.endswith(f"如是误判，请在群里发送 #revoke {case} 撤销（或引用那条消息发送 #ham）"), notice
    if "街拍小张" in flagged:
        assert any("申诉已通过" in t for t in d.private_to("街拍小张"))
    # #stats counts neither reminder undone
    texts = d.bot.world.bot_texts(d.room)
    stats = next(t for t in texts if "本群统计" in t)
    assert "违规案件 1 个（移出 1）" in stats
    # #stats day names its one day once (it read 今天：2026-05-02 ～ 2026-05-02)
    assert "📊 本群统计（今天：2026-05-02）" in stats and "～" not in stats.split("\n")[0]


def reminded(d: LoggedDay, name: str) -> int | None:
    """The anti-spam case of a warning `name` just got, if any (what the shipped model misreads
    changes as it improves)."""
    cases = [c.id for c in d.outcome()[1].get(d.ids[name], []) if c.source == "antispam" and c.kind == "warn"]
    return cases[-1] if cases else None


BALLERS = ["控卫小马", "中锋大李", "三分王阿杰", "老胡", "学生小吴", "篮球宝贝", "阿东", "铁林", "飞哥", "小黑"]


async def live_the_basketball_day(d: LoggedDay) -> None:
    await d.to("12:00")
    await d.post("群主老K", "今晚七点朝阳公园篮球场，全场 5v5，AA 场地费每人 30，接龙\n1. 老K")
    await d.post("控卫小马", "今晚七点朝阳公园篮球场，全场 5v5，AA 场地费每人 30，接龙\n1. 老K\n2. 小马")
    await d.post("中锋大李", "今晚七点朝阳公园篮球场，全场 5v5，AA 场地费每人 30，接龙\n1. 老K\n2. 小马\n3. 大李")
    await d.post("三分王阿杰", "场地费转给谁？")
    await d.post("群主老K", "转我微信就行，或者到了现场给")
    await d.post("老胡", "出一双 AJ11 康扣 43 码，穿过两次，800，有要的私聊")
    rude = await d.post("铁林", "上次那个穿红衣服的打球真脏，下次别叫他了，什么垃圾")
    await d.post("学生小吴", "#report 人身攻击", quote=rude)
    await d.private("群主老K", "#use")
    await d.private("群主老K", "#use 1")
    await d.private("群主老K", "#cases")
    await d.private("群主老K", "#warn @铁林 别在群里骂人")

    await d.to("14:00")
    await d.wave(["新人阿豪"], inviter="控卫小马")
    await d.post("新人阿豪", "大家好，我打小前锋，今晚能加我一个吗")
    await d.post("群主老K", "可以，接龙就行")
    await d.join(d.advertiser("球鞋代购", "kick"), inviter="飞哥")
    await d.post("球鞋代购", "莆田纯原 AJ 椰子 全码现货，一比一细节，支持验货，加 V：xie_chunyuan888")
    await d.post("群主老K", "#ban @球鞋代购 卖假鞋", mentions=("球鞋代购",))
    await d.post("飞哥", "对不起，我以为他是打球的")
    await d.post("群主老K", "#whitelist add @老胡", mentions=("老胡",))
    await d.post("群主老K", "#nick list")
    await d.post("群主老K", "#tag @控卫小马", mentions=("控卫小马",))


async def test_a_day_in_the_basketball_group(days) -> None:  # noqa: F811
    d = await days("朝阳公园篮球约球群", "群主老K", BALLERS, SATURDAY)
    await live_the_basketball_day(d)
    await d.to("15:00")
    await d.end_of_day()
    # 接龙 with AA fees, sneakers sold among players: no case; a member's #report reaches the
    # owner, whose private #warn is answered once the group has it
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    told = d.private_to("群主老K")
    assert any("举报了「铁林」" in t for t in told) and any("已在群里警告「铁林」（案件 #2）" in t for t in told)


TRUCKERS = ["9米6老王", "4米2小李", "冷链老张", "河北大哥", "东北老刘", "配货站阿芳", "17米5强哥", "山东小伙", "老马",
            "川A司机"]


async def live_the_truckers_day(d: LoggedDay) -> None:
    await d.to("06:00")
    await d.post("车队长老赵", "早上好师傅们，今天京津塘高速有雾，封了两个口，走京沪的注意")
    await d.post("配货站阿芳", "有货：北京大兴到石家庄，建材 8 吨，要 9米6 高栏，运费 1800，今天装车，电话 13701112222")
    await d.post("9米6老王", "@配货站阿芳 我在大兴，空车，马上到", mentions=("配货站阿芳",))
    await d.post("冷链老张", "有没有回程货？我明天从天津空车回北京，冷藏车")
    await d.post("河北大哥", "京港澳高速保定段堵了 10 公里，别走了")
    await d.post("东北老刘", "油价又涨了，0号柴油 7 块 8，跑一趟挣不了几个钱")
    await d.post("17米5强哥", "求货：明天从北京回沈阳，17米5 平板，有货的师傅联系 18912345678")
    await d.post("山东小伙", "谁知道 ETC 货车卡哪个银行的优惠多？")
    await d.post("老马", "我用的是工行的，高速通行费打 95 折")
    await d.post("4米2小李", "出一个二手的北斗定位仪，用了半年，200 块，需要的私聊")

    await d.to("08:30")
    await d.wave(["新司机小孙", "6米8阿龙"], inviter="车队长老赵")
    await d.post("新司机小孙", "各位师傅好，刚跑车，以后请多关照")
    await d.post("6米8阿龙", "大家好，6米8 厢车，常跑京津冀，有货可以找我")
    await d.join(d.advertiser("挂靠公司", "kick"), inviter="川A司机")
    await d.post("挂靠公司", "货车挂靠、代办营运证、道路运输证、年审包过，黄牌蓝牌都能办，"
                           "微信 guakao_8866 电话 15566667777")
    await d.join(d.advertiser("卖油卡", "kick"), inviter="山东小伙")
    await d.post("卖油卡", "中石化加油卡八五折，充一千送一百五，量大从优，加微信 youka_zhekou 秒到账")

    await d.to("09:30")
    await d.post("车队长老赵", "#cases")
    await d.post("配货站阿芳", "石家庄的货已经走了，谢谢老王")
    await d.post("车队长老赵", "#stats day")


async def test_a_morning_in_the_truckers_group(days) -> None:  # noqa: F811
    d = await days("京津冀货运配货群", "车队长老赵", TRUCKERS, MONDAY_DAWN)
    await live_the_truckers_day(d)
    await d.to("10:00")
    await d.end_of_day()
    # 有货, 求货, 运费, phone numbers in every line: the drivers' work, not ads
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
