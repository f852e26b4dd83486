"""More group days, end to end (the rig of test_group_day: the real app, the SHIPPED rules.yaml
with instant pacing, the real SDK over gRPC, the simulator), each printed in full with `-s`:
what every member, the owner and the admins saw, in order. The clock stops at every scheduled
job on the way (reminders, announcements, summaries), so they run when they would have.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import FakeClock
from bot.events import MessageKind
from bot.simulator import ActionKind
from bot.simulator.images import qr_png
from plugins import default_plugins
from tests.daylog import SHANGHAI, DayLog
from tests.harness import Harness
from tests.test_group_day import Day, shipped_rules_with_instant_pacing

RECALLABLE = timedelta(minutes=2)  # how long WeChat lets the bot take back its own message


class LoggedDay(Day):
    start: datetime
    log: DayLog

    async def to(self, hhmm: str) -> None:
        """Move the day on to hh:mm Shanghai time, stopping at each scheduled job on the way
        (a reminder, an announcement) so that it runs on time, as it would have, not late."""
        hours, minutes = map(int, hhmm.split(":"))
        midnight = (self.start + SHANGHAI).replace(hour=0, minute=0) - SHANGHAI  # the day's 00:00 in Shanghai
        target = midnight + timedelta(hours=hours, minutes=minutes)
        assert target >= self.clock.now(), f"the day runs forwards: {hhmm}"
        await self.bot.settle()  # what is due now runs now
        # a few minutes first, in steps of a minute: the housekeeping on an interval (batched
        # check-in confirmations, the owner's digest) runs after what was just said
        settle_until = min(target, self.clock.now() + timedelta(minutes=6))
        while (now := self.clock.now()) < settle_until:
            self.clock.advance(min(60.0, (settle_until - now).total_seconds()))
            await self.bot.settle()
        while (now := self.clock.now()) < target:
            dated = [job.next_run_time for job in self.bot.app.scheduler._aps.get_jobs()
                     if job.next_run_time and not isinstance(job.trigger, IntervalTrigger)]
            due = min(dated, default=None)
            step = min(target, due) if due is not None and due > now else target
            self.clock.advance((step - now).total_seconds())
            await self.bot.settle()

    async def end_of_day(self) -> None:
        """What every day asserts once it is over: no welcome or prompt left naming someone
        removed, no recall WeChat refused, no platform read under the database gate; prints
        the day with -s."""
        await self.bot.settle()
        self.log.print()
        self.acted_on()
        assert self.greetings_naming_the_removed() == [] and self.refused_recalls() == []
        # every platform read was made before its event or job held the database (issue 13)
        assert dict(self.bot.app.reads_under_gate) == {}

    def next_day(self) -> None:
        self.start += timedelta(days=1)

    async def post(self, who: str, text: str = "", *, seconds: float = 40, quote: str | None = None,
                   mentions: tuple[str, ...] = (), kind: MessageKind = MessageKind.TEXT,
                   url: str | None = None, data: bytes | None = None) -> str:
        """`who` posts (optionally quoting a message; `data`: an image's picture); returns the
        message id."""
        message_id = self.bot.world.say(self.room, self.person(who), text, kind=kind, url=url, quote=quote,
                                        mentions=[self.person(m) for m in mentions], data=data)
        self.posted += 1
        self.speakers.add(who)
        await self.handled(message_id, self.room)
        await self.bot.settle()  # and what it led to: a removal's leave event, before the clock moves
        self.clock.advance(seconds)
        return message_id

    def flagged_innocents(self) -> set[str]:
        """The innocents the bot itself opened a case on (anti-spam, newcomers), not an admin's
        own #warn or #kick."""
        _, by_target, innocents, _ = self.outcome()
        return {name for name, member in innocents.items()
                if any(not c.source.startswith("command:") for c in by_target.get(member, []))}

    def greetings_naming_the_removed(self) -> list[str]:
        """Welcomes and nickname prompts still in the chat (not taken back) that mention or name
        someone the bot removed, sent after the removal or when it could still take them back
        (WeChat allows two minutes): a reminder of the morning naming a scammer removed in the
        afternoon is history, not a greeting left standing."""
        world = self.bot.world
        removed_at = {a.target: a.at for a in world.bot_actions(ActionKind.KICK, self.room) if a.ok and a.target}
        removed = {name: removed_at[member] for name, member in self.ids.items() if member in removed_at}
        return [a.text for a in world.bot_sends(self.room)
                if a.message_id and not world.message(a.message_id).recalled
                and ("加入「" in a.text or "群昵称" in a.text)
                and any((self.ids[name] in a.mention_ids or name in a.text) and a.at >= at - RECALLABLE
                        for name, at in removed.items())]

    def refused_recalls(self) -> list[str]:
        """What the bot asked WeChat to take back and WeChat refused (past two minutes)."""
        return [f"{a.target}: {a.error}" for a in self.bot.world.refusals(ActionKind.RECALL)]

    def private_to(self, who: str) -> list[str]:
        return self.bot.private_texts(self.ids[who])

    async def private(self, who: str, text: str) -> None:
        self.bot.world.say_private(self.person(who), text)
        await self.bot.settle()
        self.clock.advance(20)

    async def wave(self, names: list[str], inviter: str) -> None:
        """Several people join at once (a parent forwarding the group's QR code to a class)."""
        self.bot.world.join(self.room, [self.person(n) for n in names], inviter=self.person(inviter))
        await self.bot.settle()
        self.clock.advance(30)


async def make_day(tmp_path, topic: str, owner: str, regulars: list[str], start: datetime,
                   admins: tuple[str, ...] = (), groups: str = "") -> LoggedDay:
    """`groups`: the operator's per-group overrides (YAML under `groups:`, the day's room is
    {room}); the shipped rules are otherwise unchanged."""
    bot = Harness(tmp_path, default_plugins(), clock=FakeClock(start))
    rules = shipped_rules_with_instant_pacing()
    if groups:
        assert rules.count("\ngroups: {}\n") == 1
        rules = rules.replace("\ngroups: {}\n", "\ngroups:\n" + groups.format(room=bot.cast.admin) + "\n")
    bot.rules_path.write_text(rules, "utf-8")
    world = bot.world
    room = bot.cast.admin
    world.room(room).topic = topic
    d = LoggedDay(bot, room, bot.cast.plain, ids=dict(bot.cast.people))
    d.start = start
    d.ids[owner] = bot.cast["laowang"]
    d.ids["群管机器人"] = world.bot_id
    world.rename_contact(bot.cast["laowang"], owner)
    for name in regulars:  # in the group long before the bot arrived
        member = d.person(name)
        world.room(room).member_ids.append(member)
        world.room(room).inviters[member] = bot.cast["laowang"]
    for name in admins:
        world.room(room).admin_ids.add(d.person(name))
    d.log = DayLog(world).attach()
    await bot.start()
    return d


@pytest.fixture
async def days(tmp_path):
    made: list[LoggedDay] = []

    async def factory(*args, **kwargs) -> LoggedDay:
        d = await make_day(tmp_path, *args, **kwargs)
        made.append(d)
        return d
    yield factory
    for d in made:
        await d.bot.stop()


SATURDAY = datetime(2026, 5, 2, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
MONDAY = datetime(2026, 5, 3, 23, 0, tzinfo=UTC)  # 07:00 in Shanghai
MONDAY_DAWN = datetime(2026, 5, 3, 22, 0, tzinfo=UTC)  # 06:00 in Shanghai

FANS = ["老K", "阿飞", "大鹏", "小马哥", "国安永远争第一", "胖虎", "Leo", "七号", "老崔", "球球", "阿May",
        "北京老炮", "小李飞刀", "铁蛋", "二哥"]


async def live_the_match(d: LoggedDay) -> None:
    await d.to("19:00")
    await d.post("老王", "今晚八点国安主场对申花，还有一个小时，大家准备好！")
    await d.post("老K", "啤酒已备好🍺")
    await d.post("阿飞", "我在工体门口了，人山人海")
    await d.post("大鹏", "有人多一张票吗？原价收，北看台都行，13910086688 打我")
    await d.post("胖虎", "没票了，二手平台上都炒到800了，黄牛太黑")
    await d.post("Leo", "直播链接 https://v.qq.com/live/p/topic/123456/preview.html")
    await d.post("七号", "今晚首发出来了吗")
    await d.post("老崔", "出来了，张稀哲首发", kind=MessageKind.IMAGE)
    await d.wave(["东北虎", "国安小迷妹", "工体少年"], inviter="阿飞")
    await d.post("东北虎", "大家好，阿飞拉我进来的，一起看球")
    await d.post("国安小迷妹", "第一次进群，国安加油💚")
    await d.join(d.advertiser("足球推荐", "kick"), inviter="二哥")
    await d.post("足球推荐", "今晚国安申花稳胆推荐，连红18场，跟单进群，加V：zq8888 带你上岸")

    await d.to("20:00")
    await d.post("老王", "开球了！！")
    for who in FANS[:10]:  # the kick-off: the same cheer from many
        await d.post(who, "国安加油！！！", seconds=3)
    await d.post("阿飞", "这球怎么不射啊", seconds=20)
    await d.post("胖虎", "裁判眼瞎了吧", seconds=20)

    await d.to("20:23")
    for who in FANS:  # a goal: everyone at once
        await d.post(who, "进了！！！！", seconds=2)
    for text in ["牛逼", "牛逼牛逼", "啊啊啊啊", "进了进了", "太帅了", "世界波", "牛逼！！", "哈哈哈哈哈"]:
        await d.post("阿飞", text, seconds=1)  # one fan beside himself
    await d.post("小马哥", "⚽️⚽️⚽️⚽️⚽️⚽️⚽️⚽️⚽️⚽️", seconds=3)
    await d.post("球球", "回放看了吗，这脚太漂亮了", seconds=20)

    await d.to("20:50")
    await d.post("老K", "中场休息，上个厕所")
    await d.join(d.advertiser("体育直播", "kick"), inviter="国安小迷妹")
    await d.post("体育直播", "高清无插件直播，所有比赛免费看，进 t.me/sportlive_cn")
    await d.post("北京老炮", "申花的球迷别在这儿嚣张啊，滚回上海去")
    await d.post("老王", "#warn @北京老炮 别搞地域攻击", mentions=("北京老炮",))
    await d.post("北京老炮", "好好好，我错了")
    # a regular's stolen account, in the half-time lull
    await d.post(d.advertiser("铁蛋", "warn"), "兄弟们 下半场买国安赢 我这有内部盘口 赔率1.95 私聊我拿链接")
    await d.post("二哥", "铁蛋你号被盗了吧？")
    await d.post("老王", "#kick @铁蛋 号被盗了，发赌球广告", mentions=("铁蛋",))

    await d.to("21:40")
    for who in FANS[3:13]:  # the final whistle
        await d.post(who, "赢了！！！💚💚💚", seconds=2)
    await d.post("老王", "#stats day")
    await d.post("老王", "#cases")
    await d.post("阿May", "今晚太爽了，明天继续", seconds=30)
    await d.post("老王", "下周客场，大家一起去的接龙\n1. 老王\n2. 阿飞")
    await d.post("阿飞", "下周客场，大家一起去的接龙\n1. 老王\n2. 阿飞\n3. 大鹏")


async def test_a_match_night_in_the_fans_group(days) -> None:
    d = await days("国安球迷群", "老王", FANS, SATURDAY)
    await live_the_match(d)
    await d.end_of_day()
    # fifteen fans shouting the same cheer, one of them beside himself: no flood, no repeat
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    handled = d.outcome()[3]
    assert handled["足球推荐"] == ["kick"] and handled["体育直播"] == ["kick"]
    assert handled["铁蛋"][0] == "warn"  # a regular's stolen account: warned; the owner removed him


PARENTS = ["朵朵妈妈", "小宇爸爸", "乐乐妈", "糖糖妈妈", "浩浩爸", "果果妈", "天天奶奶", "一一妈妈", "安安爸爸",
           "豆包妈妈", "小鱼妈", "睿睿爸爸"]


async def live_the_parents_day(d: LoggedDay) -> None:
    await d.to("07:50")
    await d.post("王老师", "各位家长早上好！今天降温，请给孩子多穿一件外套。今天下午有体检，请不要请假哦。")
    await d.chorus(PARENTS[:8], "收到，谢谢王老师", seconds=6)
    await d.post("朵朵妈妈", "王老师，朵朵今天有点咳嗽，麻烦您多留意一下，药放在书包侧袋，午饭后吃一包")
    await d.post("王老师", "好的朵朵妈妈，放心")
    await d.post("乐乐妈", "请问今天需要带水杯吗")
    await d.post("王老师", "每天都要带哦，记得写上名字")

    await d.to("09:30")
    await d.post("王老师", "#schedule add 工作日 16:10 各位家长，16:20 开始接孩子，请排队有序入园，不要挤在门口")
    await d.post("王老师", "#schedule list")
    await d.post("王老师", "六一亲子活动报名接龙\n1. 朵朵妈妈 2人")
    await d.post("糖糖妈妈", "六一亲子活动报名接龙\n1. 朵朵妈妈 2人\n2. 糖糖妈妈 3人")
    await d.post("浩浩爸", "六一亲子活动报名接龙\n1. 朵朵妈妈 2人\n2. 糖糖妈妈 3人\n3. 浩浩爸 2人")
    await d.post("果果妈", "六一亲子活动报名接龙\n1. 朵朵妈妈 2人\n2. 糖糖妈妈 3人\n3. 浩浩爸 2人\n4. 果果妈 2人")

    await d.to("10:00")  # the new term's transfer pupils' parents, in waves
    await d.wave(["诺诺妈妈", "可乐爸爸"], inviter="王老师")
    await d.post("诺诺妈妈", "老师好，各位家长好，我是新转来的诺诺的妈妈，请多关照")
    await d.wave(["米粒妈妈"], inviter="王老师")
    await d.wave(["皮皮爸爸", "甜甜妈"], inviter="王老师")
    await d.post("可乐爸爸", "大家好，可乐爸爸，以后请多关照🙏")
    await d.post("米粒妈妈", "各位好，我家米粒比较内向，麻烦老师多关照～我电话 13671234567，有事随时联系")
    await d.post("王老师", "欢迎新家长们！请大家把群昵称改成 孩子名字+妈妈/爸爸，方便老师认识")
    await d.post("可乐爸爸", "@群管机器人 群昵称到底按哪个改？", mentions=("群管机器人",))

    await d.to("11:00")
    await d.join(d.advertiser("早教顾问", "kick"), inviter="甜甜妈")
    await d.post("早教顾问", "各位家长好，我们是金宝贝早教，本周六免费体验课，0-6岁宝宝都可以来，"
                           "报名加微信 jinbaobei_2026 送精美礼品")
    await d.post("天天奶奶", "[语音转文字] 王老师你好我是天天奶奶今天下午我来接天天他爸爸出差了")
    await d.post("王老师", "好的天天奶奶")

    await d.to("12:30")
    await d.post("一一妈妈", "有没有家长知道附近哪里有好的游泳班？想给孩子报一个")
    await d.post("安安爸爸", "我们在奥体中心游泳馆学的，教练姓李 18601112233，你说是安安爸爸介绍的")
    await d.post("豆包妈妈", "我家在新东方学英语，感觉还不错，有需要的可以私聊我，我把老师微信推给你")
    await d.post("小鱼妈", "闲置儿童自行车，九成新，50块，有要的私聊")
    await d.join(d.advertiser("保险小刘", "kick"), inviter="可乐爸爸")
    await d.post("保险小刘", "少儿重疾险，一年几百块保障几十万，给孩子多一份保障，"
                           "有需要的宝妈宝爸加我 vx：bx_liu666 免费咨询")

    await d.to("14:00")
    await d.post("睿睿爸爸", "王老师，体检几点开始？我想去看看")
    await d.post("王老师", "两点半开始，家长不用来园哦")
    await d.post("王老师", "#checkin stats")
    await d.post("王老师", "#stats")


async def test_a_school_day_in_the_kindergarten_parents_group(days) -> None:
    d = await days("小二班家长群", "王老师", PARENTS, MONDAY)
    await live_the_parents_day(d)
    await d.to("16:15")
    await d.end_of_day()
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    # five parents joining in three waves a minute apart got one prompt, and get one reminder
    # (three in a row before)
    texts = d.bot.world.bot_sends(d.room)
    reminders = [a for a in texts if "提醒：群昵称还不符合" in a.text]
    newcomers = {d.ids[n] for n in ("诺诺妈妈", "可乐爸爸", "米粒妈妈", "皮皮爸爸", "甜甜妈")}
    assert len(reminders) == 1 and set(reminders[0].mention_ids) == newcomers, [a.text for a in reminders]
    assert sum(a.text.startswith("各位家长，16:20 开始接孩子") for a in texts) == 1  # the teacher's schedule


STAFF = ["张经理", "小刘", "阿杰", "小陈", "王姐", "老赵", "Amy", "小孙", "李工", "小何", "Kevin", "周周"]


async def live_the_department_day(d: LoggedDay) -> None:
    await d.to("08:45")
    await d.post("陈总", "各位早，今天上午十点部门周会，腾讯会议号 829-335-104，远程的同事准时上线")
    await d.chorus(STAFF, "收到", seconds=4)
    await d.post("陈总", "#schedule add 工作日 9:55 周会五分钟后开始，请准备好本周进展")
    await d.post("陈总", "#schedule add 每周五 17:30 周五下班前请提交本周周报")
    await d.post("陈总", "#schedule list")

    await d.to("10:00")
    await d.post("小刘", "会议链接 https://meeting.tencent.com/dm/Ab3dE5fGh")
    await d.post("李工", "网络卡，我晚两分钟")
    await d.post("Amy", "报销单下周一前交到财务，发票抬头：北京星辰科技有限公司，税号 91110105MA01XYZ123")
    await d.post("老赵", "客户那边的对接人电话 13801234567，王总，有事找他")
    await d.post("Kevin", "PPT 我放共享盘了 \\\\fileserver\\部门\\周会\\2026-05-04.pptx")

    await d.to("11:30")
    await d.wave(["实习生小吴", "实习生小郑"], inviter="陈总")
    await d.post("陈总", "欢迎两位实习生，大家多带带他们")
    await d.chorus(["小刘", "阿杰", "王姐", "周周", "小何"], "欢迎欢迎👏", seconds=5)
    await d.post("实习生小吴", "各位前辈好，我是北邮研二的小吴，做后端，请多指教")
    await d.post("实习生小郑", "大家好，我叫郑一鸣，做测试的，微信同号 13366667777，有事随时找我")

    await d.to("12:00")
    await d.post("王姐", "中午订外卖的接龙，今天吃老乡鸡\n1. 王姐 宫保鸡丁\n2. 小孙 红烧肉")
    await d.post("小孙", "中午订外卖的接龙，今天吃老乡鸡\n1. 王姐 宫保鸡丁\n2. 小孙 红烧肉\n3. 小陈 土豆牛腩")
    await d.post("小孙", "一共 3 份 75 元，我先垫上了，转我就行，收款码发群里了")
    # his 收款码 itself: a regular (no admin) collecting lunch money, no ad; it was warned 发广告
    # as one, and his next collection would have removed him
    await d.post("小孙", kind=MessageKind.IMAGE, data=qr_png("wxp://f2f0Wj7pLunchAA2026x"))

    await d.to("14:00")
    # a regular's account stolen, then the owner and admins at work
    d.advertiser("周周", "warn")
    spam = await d.post("周周", "本人急用钱，低价转让京东E卡，面值1000的850出，要的加我微信 zz_card88")
    await d.post("小何", "周周你号被盗了吧？快改密码")
    await d.post("陈总", "#spam", quote=spam)
    await d.post("陈总", "#cases")
    await d.post("Kevin", "有人要团建的照片吗，我传相册了", kind=MessageKind.LINK,
                 url="https://photo.baidu.com/photo/web/share?id=1234")
    await d.post("阿杰", "下午三点的评审改到三点半了，会议室 B305")
    await d.post("陈总", "#stats week")


async def test_a_workday_in_the_department_group(days) -> None:
    d = await days("产品研发部", "陈总", STAFF, MONDAY, admins=("王姐",))
    await live_the_department_day(d)
    await d.to("17:40")
    await d.end_of_day()
    # twelve 收到 in a row, a meeting number, a tax id, a client's phone, an intern's own number
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    assert d.outcome()[3]["周周"] == ["warn"]  # the stolen account, on the manager's #spam
    texts = d.bot.world.bot_texts(d.room)
    assert not any(t.startswith("周五下班前请提交本周周报") for t in texts)  # a Monday: not yet


RUNNERS = ["跑跑", "老猫", "风一样的男子", "Linda", "阿诚", "小鹿", "大熊", "橙子", "老胡", "飞飞", "木木", "阿豪"]


async def live_the_running_day(d: LoggedDay) -> None:
    await d.to("06:10")
    await d.post("跑跑", "打卡 晨跑10公里 配速5'32\" 心率148")
    await d.post("跑跑", kind=MessageKind.IMAGE)  # the watch's screenshot
    await d.post("老猫", "打卡 奥森两圈 8.6km 配速6'05\"")
    await d.post("老猫", kind=MessageKind.IMAGE)
    await d.post("Linda", "早安打卡☀️ 5公里轻松跑")
    await d.post("风一样的男子", "打卡第56天 间歇跑 400米×10")
    await d.post("阿诚", "今天膝盖疼，休息一天，不打卡了")
    await d.post("小鹿", "补卡 昨天跑了6公里忘了打")
    await d.post("大熊", "打卡了吗各位，我刚起😂")

    await d.to("07:30")
    await d.post("老胡", "@跑跑 你这配速太猛了，是在备赛吗", mentions=("跑跑",))
    await d.post("跑跑", "对，下个月无锡马拉松，目标破三")
    await d.post("橙子", "无锡马拉松的报名链接谁有？ https://www.wuximarathon.com/ 是这个吗")
    await d.post("飞飞", "是的，今年中签率好低，我没中")
    await d.post("木木", "有人要转让名额吗？我收一个，私聊我，价格好商量")
    await d.post("阿豪", "跑鞋推荐一下？想换双碳板")
    await d.post("老猫", "Nike Vaporfly 3，得物上 1299，比专柜便宜")
    await d.post("风一样的男子", "我穿的特步160X，国产碳板性价比高，淘宝旗舰店搜特步就有")

    await d.to("08:30")
    await d.wave(["新手小白"], inviter="Linda")
    await d.post("新手小白", "大家好，刚开始跑步，目前只能跑3公里，求带")
    await d.post("新手小白", "打卡 3公里 配速7'10\" 好累")
    await d.post("Linda", "慢慢来，先跑够一个月再加量")
    await d.join(d.advertiser("莆田鞋", "kick"), inviter="木木")
    await d.post("莆田鞋", "工厂直销各大品牌跑鞋，1:1原版，支持验货，加V看图：xie_1688，跑团兄弟优惠")
    await d.join(d.advertiser("健身卡", "kick"), inviter="阿豪")
    await d.post("健身卡", "全市连锁健身房年卡只要999，私教课买十送五，扫码咨询", kind=MessageKind.IMAGE)
    await d.post("健身卡", "点击领取优惠 http://t.cn/A6xYz9Qb 前50名送蛋白粉")

    await d.to("12:00")
    await d.post("跑跑", "#checkin rank")
    await d.post("老猫", "#checkin me")
    await d.post("新手小白", "#help")
    await d.post("小鹿", "打卡打卡，午休跑了5公里")
    await d.post("老王", "#checkin stats")

    await d.to("20:00")
    await d.post("老王", "周六早上7点奥森南门集合，团跑15公里，配速6分，报名接龙\n1. 老王")
    await d.post("跑跑", "周六早上7点奥森南门集合，团跑15公里，配速6分，报名接龙\n1. 老王\n2. 跑跑")
    await d.post("老猫", "周六早上7点奥森南门集合，团跑15公里，配速6分，报名接龙\n1. 老王\n2. 跑跑\n3. 老猫")
    await d.post("阿诚", "打卡 晚上补了4公里，膝盖好多了")


async def test_a_day_in_the_running_club(days) -> None:
    d = await days("奥森跑团", "老王", RUNNERS, MONDAY_DAWN)
    await live_the_running_day(d)
    await d.end_of_day()
    # a runner asking to BUY a bib (有人要转让名额吗？我收一个，私聊我，价格好商量) was reminded as an ad
    # (the shipped model 97%), appealed, and the owner undid it with #ham (tests/test_moderation_e2e.py
    # has that path); a buyer's ask is no conviction on the model's word now (buying.py, issue 11)
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    texts = d.bot.world.bot_texts(d.room)
    # 补卡 with the day and what the member adds (told the rule before)
    assert any("补卡成功" in t for t in texts) and not any("只能补最近" in t for t in texts)
    assert not any("提出申诉" in t for t in d.private_to("老王") + texts)


TOURISTS = ["张阿姨", "李叔", "小周一家", "王大姐", "赵老师", "刘哥", "孙姐", "钱叔叔", "吴妈妈", "郑先生"]


async def live_the_travel_day(d: LoggedDay) -> None:
    await d.to("07:00")
    await d.post("导游小杨", "各位团友早上好！今天行程：丽江古城→玉龙雪山→蓝月谷。"
                           "7:40 酒店大堂集合，请带好身份证和防寒衣物")
    await d.post("导游小杨", "我的电话 18787654321，走散了直接打我，我全天开机")
    await d.post("导游小杨", "司机王师傅电话 13988776655，车牌云P·A1234，白色大巴")
    await d.chorus(["张阿姨", "李叔", "王大姐", "钱叔叔", "吴妈妈"], "收到", seconds=5)
    await d.post("张阿姨", "[语音转文字] 小杨我们房间的热水不热能不能跟前台说一下谢谢")
    await d.post("导游小杨", "好的张阿姨，我马上联系前台")

    await d.to("09:30")
    await d.post("小周一家", kind=MessageKind.IMAGE)
    await d.post("小周一家", "雪山太美了！！")
    await d.post("刘哥", "有高反的注意，氧气瓶在车上，每人一瓶，不够找导游")
    await d.post("孙姐", "我头有点晕，是高反吗")
    await d.post("导游小杨", "@孙姐 先别走动，吸点氧，我过来找你", mentions=("孙姐",))

    await d.to("12:30")
    await d.post("导游小杨", "午餐在雪山脚下的纳西餐厅，十人一桌，餐标 50 元/人已含在团费里")
    await d.post("郑先生", "这家的腊排骨火锅不错，有想加菜的可以自费，微信扫码点")
    await d.join("地接小和", inviter="导游小杨")
    await d.post("地接小和", "大家好，我是明天泸沽湖的地接小和，电话 15912345678，微信同号，明早 8 点酒店门口接大家")
    await d.post("地接小和", "泸沽湖那边冷，请大家带好羽绒服，另外摩梭人家访的自费项目 180 元/人，想去的明天跟我报名")
    await d.join(d.advertiser("特产代购", "kick"), inviter="小周一家")
    await d.post("特产代购", "云南特产鲜花饼、普洱茶、野生菌，全国包邮，比景区便宜一半，加V：yn_techan888 下单")

    await d.to("18:00")
    await d.post("导游小杨", "今天辛苦大家了！晚上自由活动，古城里注意保管财物，十点前回酒店")
    await d.post("赵老师", "我拍的照片传到相册了 https://photos.app.goo.gl/AbCdEfGh123")
    await d.post("吴妈妈", "谢谢赵老师！拍得真好")
    await d.post("李叔", "古城里有个酒吧拉客的，说进去免费喝，千万别去，是宰客的")
    await d.post("钱叔叔", "明天几点起床？")
    await d.post("导游小杨", "明早 7 点叫早，7:30 早餐，8 点出发")


async def test_a_day_of_the_tour_group(days) -> None:
    d = await days("丽江6日游 5月4日团", "导游小杨", TOURISTS, MONDAY)
    await live_the_travel_day(d)
    await d.end_of_day()
    # the guide's, the driver's and the new local guide's phone numbers, 微信同号, 自费项目 prices
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()


SENIORS = ["刘阿姨", "张大爷", "王奶奶", "李阿姨", "赵叔", "陈姐", "周阿姨", "孙大妈", "吴老师", "郑阿姨", "马大爷",
           "何姐"]


async def live_the_dance_day(d: LoggedDay) -> None:
    await d.to("06:30")
    await d.post("刘阿姨", "早上好🌹🌹🌹")
    await d.chorus(["张大爷", "王奶奶", "李阿姨", "赵叔", "周阿姨", "孙大妈", "郑阿姨"], "早上好🌹", seconds=20)
    await d.post("王奶奶", "[语音转文字] 今天早上在公园东门跳舞啊还是老地方不要走错了")
    await d.post("陈姐", "今天跳新学的《最炫民族风》，音乐我发群里了", kind=MessageKind.FILE)
    await d.post("马大爷", "转发：《医生提醒：这5种食物千万不要空腹吃》", kind=MessageKind.LINK,
                 url="https://mp.weixin.qq.com/s/h3alTh_Art1c1e")
    await d.post("孙大妈", "转发：《震惊！隔夜茶能致癌？》赶紧告诉家人", kind=MessageKind.LINK,
                 url="https://mp.weixin.qq.com/s/ZhenJing_gc8")
    await d.post("吴老师", "这种文章大家别信哈，都是标题党")
    await d.post("刘阿姨", "早上好早上好早上好🌹🌹🌹🌹🌹🌹")
    await d.post("刘阿姨", "早上好🌹")  # her thumb, again

    await d.to("09:00")
    await d.wave(["老姐妹桂芳"], inviter="李阿姨")
    await d.post("老姐妹桂芳", "大家好我是李阿姨的老姐妹，以后跟大家一起跳舞")
    await d.post("老姐妹桂芳", "我电话 13501234567 大家存一下")
    await d.join(d.advertiser("养生堂", "kick"), inviter="孙大妈")
    await d.post("养生堂", "中老年人福利！免费领取鸡蛋，明天上午九点社区活动中心，听健康讲座送礼品，"
                          "名额有限，加微信 ysdt2026 报名")
    await d.join(d.advertiser("保健品", "kick"), inviter="马大爷")
    await d.post("保健品", "深海鱼油买二送一，专治三高，不好不要钱，货到付款，咨询热线 400-888-6666")

    await d.to("10:00")
    await d.post("赵叔", "@刘阿姨 你家孙子考上大学了吧？恭喜恭喜", mentions=("刘阿姨",))
    await d.post("刘阿姨", "谢谢谢谢，考上了浙大🎉")
    await d.chorus(["张大爷", "王奶奶", "周阿姨", "郑阿姨", "何姐"], "恭喜恭喜🎉", seconds=15)
    await d.post("何姐", "[语音转文字] 那个谁知道社区医院打疫苗要预约吗要带什么东西")
    await d.post("吴老师", "要预约，在健康云小程序上约，带身份证和医保卡")
    await d.post("周阿姨", "我家有多的广场舞音箱，八成新，谁要一百块拿走，私聊我")
    await d.post("何姐", "#help")
    await d.post("刘阿姨", "#stats")


async def test_a_morning_in_the_square_dance_group(days) -> None:
    d = await days("幸福广场舞队", "刘阿姨", SENIORS[1:], MONDAY_DAWN)
    await live_the_dance_day(d)
    await d.end_of_day()
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()


NEIGHBOURS = ["团长小梅", "3栋李姐", "5栋王哥", "7栋张阿姨", "1栋小刘", "2栋陈姐", "6栋赵哥", "4栋孙姐", "8栋周叔",
              "9栋吴妈", "10栋郑姐"]


async def live_the_group_buying_day(d: LoggedDay) -> None:
    await d.to("08:00")
    await d.post("团长小梅", "【今日团购】海南贵妃芒 5斤装 29.9元，明天下午到货，小区门口自提\n接龙格式：楼栋+数量")
    await d.post("3栋李姐", "【今日团购】海南贵妃芒 5斤装 29.9元\n1. 3栋李姐 2箱")
    await d.post("5栋王哥", "【今日团购】海南贵妃芒 5斤装 29.9元\n1. 3栋李姐 2箱\n2. 5栋王哥 1箱")
    await d.post("7栋张阿姨", "【今日团购】海南贵妃芒 5斤装 29.9元\n1. 3栋李姐 2箱\n2. 5栋王哥 1箱\n3. 7栋张阿姨 1箱")
    await d.post("团长小梅", "付款扫这个码，备注楼栋号", kind=MessageKind.IMAGE)
    await d.post("1栋小刘", "已付 29.9，1栋小刘")
    await d.post("2栋陈姐", "已转账 59.8 两箱")
    await d.post("团长小梅", "明天还有东北大米 10斤 39元，有需要的提前说，我统计一下")
    await d.post("6栋赵哥", "上次的车厘子有点坏，团长能退吗")
    await d.post("团长小梅", "@6栋赵哥 可以的，拍个照片私聊我，我给你退", mentions=("6栋赵哥",))

    await d.to("11:00")
    await d.wave(["11栋新邻居", "12栋小何"], inviter="团长小梅")
    await d.post("11栋新邻居", "大家好，刚搬来11栋，请问团购怎么参加？")
    await d.post("团长小梅", "@11栋新邻居 直接在群里接龙就行，到了我通知", mentions=("11栋新邻居",))
    await d.post("12栋小何", "我家做的手工辣椒酱，邻居们要尝尝的话 15 元一瓶，要的私聊我，送货上门")
    await d.join(d.advertiser("社区团购平台", "kick"), inviter="8栋周叔")
    await d.post("社区团购平台", "XX优选新人首单1分钱！扫码下载APP领50元无门槛券，邀请好友再得20元 http://yx-app.cc/dl")
    await d.post("9栋吴妈", "这种平台的都是割韭菜的")

    await d.to("15:00")
    # a regular's account stolen: the kind of ad 团购 groups see, from someone they know
    d.advertiser("10栋郑姐", "warn")
    await d.post("10栋郑姐", "姐妹们，我在做一个兼职，每天手机上点点赞就有钱，日结不压钱，想了解的加我微信 zj_dianzan")
    await d.post("4栋孙姐", "郑姐这是被盗号了吧")
    await d.post("团长小梅", "#cases")


async def test_a_day_in_the_group_buying_group(days) -> None:
    d = await days("阳光花园团购群", "团长小梅", NEIGHBOURS[1:], MONDAY)
    await live_the_group_buying_day(d)
    await d.end_of_day()
    assert d.removed_innocents() == set()
    d.assert_advertisers_handled()


STUDENTS = ["上岸学姐", "数学渣", "英语一", "政治小白", "408选手", "二战人", "早起鸟", "夜猫子", "小葵", "阿泽", "莫莫",
            "一只考研狗", "北北", "Gavin"]
FRIDAY = datetime(2026, 5, 7, 21, 0, tzinfo=UTC)  # 05:00 on Friday 8 May in Shanghai


async def live_the_study_days(d: LoggedDay) -> None:
    await d.to("05:20")
    await d.post("早起鸟", "早安打卡 5:20 起床，今天背单词 Unit 12")
    await d.post("上岸学姐", "打卡 数学一 第三章 真题 2015-2017")
    await d.post("数学渣", "打卡")
    await d.post("英语一", "Day87 打卡 阅读两篇")
    await d.post("二战人", "打卡第200天，二战加油")
    await d.to("08:00")
    await d.chorus(["政治小白", "408选手", "小葵", "阿泽", "莫莫", "北北"], "打卡", seconds=10)
    await d.post("一只考研狗", "打卡了吗大家")
    await d.post("Gavin", "#checkin rank")
    await d.post("群主阿猫", "#schedule add 每天 22:30 今天的任务完成了吗？记得复盘，早点休息")
    await d.to("21:05")
    await d.post("夜猫子", "打卡 刚从图书馆回来，肝了10小时")
    await d.post("一只考研狗", "打卡 今天状态不好，只学了4小时")
    await d.to("23:58")
    await d.post("Gavin", "打卡 差点忘了")

    d.next_day()  # Saturday
    await d.to("00:10")
    await d.post("夜猫子", "打卡 零点打卡")
    await d.post("夜猫子", "打卡")  # once more: it did not say anything?
    await d.to("06:00")
    for who in ["早起鸟", "上岸学姐", "数学渣", "英语一", "二战人", "政治小白", "408选手", "小葵"]:
        await d.post(who, "打卡 周六也不休息", seconds=20)
    await d.post("阿泽", "补卡")  # he did on Friday: nothing to make up
    await d.post("北北", "补卡 昨天")  # likewise
    await d.post("Gavin", "#checkin me")
    await d.post("莫莫", "请假一天，回家")
    await d.join(d.advertiser("考研资料", "kick"), inviter="二战人")
    await d.post("考研资料", "2027考研全套资料，名师课程+真题解析，网盘永久有效，只要9.9，加V：ky_ziliao666")
    await d.join(d.advertiser("押题", "kick"), inviter="阿泽")
    await d.post("押题", "考研政治押题卷 内部渠道 必中 考前三天发 需要的 +q 2839471625")
    await d.to("10:00")
    await d.post("上岸学姐", "分享一个我当年用的单词 App：不背单词，还有 B 站的汤家凤讲数学 https://www.bilibili.com/video/BV1Gx411x7nM")
    await d.post("数学渣", "谢谢学姐！学姐当年考了多少分？")
    await d.post("上岸学姐", "总分 398，数学 132，有问题可以私聊我，免费答疑")

    d.next_day()  # Sunday
    await d.to("06:30")
    for who in ["早起鸟", "上岸学姐", "英语一", "二战人", "408选手", "小葵", "夜猫子"]:
        await d.post(who, "打卡", seconds=20)
    await d.post("莫莫", "补卡 昨天")  # home yesterday
    await d.to("20:05")
    await d.post("群主阿猫", "#checkin rank week")


async def test_three_days_in_the_study_group(days) -> None:
    d = await days("2027考研互助打卡群", "群主阿猫", STUDENTS, FRIDAY)
    await live_the_study_days(d)
    await d.to("21:10")
    await d.end_of_day()
    assert d.flagged_innocents() == set() and d.removed_innocents() == set()
    d.assert_advertisers_handled()
    texts = d.bot.world.bot_texts(d.room)
    assert sum(t.startswith("今天的任务完成了吗") for t in texts) == 2  # Friday and Saturday 22:30
    # the first week's summary counts from the group's first check-in (Friday): the six who
    # checked in on each of the three days are 全勤 (全勤0人 before, over 5月4日～5月10日)
    summary = [t for t in texts if t.startswith("📊 打卡周报")]
    assert len(summary) == 1 and "（5月8日～5月10日）" in summary[0] and "全勤6人" in summary[0], summary


RENTERS = ["房东王姐", "中介小李", "找房的阿明", "合租小雨", "程序员大鹏", "刚毕业小周", "租客老陈", "设计师Mia",
           "北漂阿杰", "小艾"]


async def live_the_renting_day(d: LoggedDay) -> None:
    await d.to("09:00")
    await d.post("房东王姐", "【出租】望京SOHO附近 两室一厅 精装 6500/月 押一付三 随时看房 13701234567")
    await d.post("中介小李", "【整租】酒仙桥 一居室 4200 近地铁 有钥匙随时看 微信同号 13911112222")
    await d.post("找房的阿明", "求租：望京附近单间，预算3000以内，8月入住，有的私聊我")
    await d.post("合租小雨", "找室友！三元桥两居室的次卧，2800，限女生，不养宠物，有意私聊")
    await d.post("程序员大鹏", "提醒大家，看房别先交定金，上次遇到个二房东卷钱跑了")
    await d.post("刚毕业小周", "请问押一付三的话，押金一般退得回来吗")
    await d.post("租客老陈", "正规的都退，签合同时写清楚，拍好入住时的照片")

    await d.to("10:00")
    await d.post("群主老赵", "#whitelist add @中介小李", mentions=("中介小李",))
    await d.post("群主老赵", "#schedule add 每周一 9:00 本群规则：房源信息请注明位置、价格、联系方式，"
                           "同一房源一天最多发一次")
    await d.post("群主老赵", "#schedule add 明天 20:00 今晚八点群里有租房避坑分享，欢迎参加")
    await d.post("群主老赵", "#schedule list")
    await d.post("群主老赵", "#schedule pause 1")
    await d.post("群主老赵", "#schedule remove 2")

    await d.to("11:00")
    await d.wave(["新人小吴", "新人阿花"], inviter="找房的阿明")
    await d.post("新人小吴", "大家好，求租国贸附近一居室，预算5000")
    await d.post("新人阿花", "有没有人转租？我急需下周入住，短租三个月也行")
    await d.join(d.advertiser("公寓顾问", "kick"), inviter="刚毕业小周")
    await d.post("公寓顾问", "自如、蛋壳品牌公寓，免中介费，首月半价！扫码领取租房优惠券，加V：gongyu_888 看更多房源")
    await d.join(d.advertiser("贷款租房", "kick"), inviter="小艾")
    await d.post("贷款租房", "租房分期，押金0元，月付无压力，芝麻分600以上秒批，详情私聊")

    await d.to("14:00")
    spam = await d.post("北漂阿杰", "出一张健身卡，还剩8个月，1200转，需要的私聊，顺便推荐一个兼职群，日结，加我拉你")
    await d.post("群主老赵", "#report", quote=spam)
    await d.post("设计师Mia", "#report", quote=spam)  # a member's report
    await d.post("群主老赵", "#warn @北漂阿杰 别在群里拉兼职群", mentions=("北漂阿杰",))
    await d.post("北漂阿杰", "好的好的，不拉了")
    await d.post("群主老赵", "#tag @北漂阿杰", mentions=("北漂阿杰",))
    await d.post("群主老赵", "#nick list")
    await d.post("群主老赵", "#case 99")
    await d.post("群主老赵", "#warn 这个人又在发广告")  # forgot the @
    await d.post("小艾", "#warn @北漂阿杰", mentions=("北漂阿杰",))  # a member cannot


async def test_a_day_in_the_renting_group(days) -> None:
    d = await days("望京租房互助群", "群主老赵", RENTERS, MONDAY)
    await live_the_renting_day(d)
    await d.to("21:00")
    await d.end_of_day()
    assert d.removed_innocents() == set()
    d.assert_advertisers_handled()
