"""A day in a group, end to end: the real app with every shipped plugin, the SHIPPED rules.yaml
(only the governor's pacing made instant, because the FakeClock drives the day), the real
Wechaty SDK over gRPC, and the simulator.

「读书会」: the bot is an admin; 18 long-time members were there before the bot arrived; new
members join through the day. 「吃瓜群」: the bot is a plain member. The script below is the
day, in order. It asserts what a group owner needs on day one:

- no innocent member is warned or removed;
- every advertiser is handled: a case opened and the right action (a newcomer's obvious ad:
  removed at once; a long-time member's ad: a warning first; a burst: one case);
- (needs helper "truth"'s branch) no removal is claimed that the gateway did not perform,
  every case notice reaches a human, and the bot stays silent in a group it does not manage.

Run with `-s` for a summary of the day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.events import MessageKind
from bot.simulator import ActionKind
from db.models import Case, SeenEvent
from plugins import default_plugins
from tests.harness import Harness, all_cases, wait_until
from tests.shipped import RULES_YAML

START = datetime(2026, 5, 2, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai, a Saturday

OLD_MEMBERS = ["王姐", "小林", "阿强", "老周", "陈老师", "李医生", "小美", "大刘", "豆豆妈", "张工", "孙哥", "晓雯",
               "阿杰", "老马", "Coco", "小胖", "莉莉", "杨哥"]


def shipped_rules_with_instant_pacing() -> str:
    """The shipped rules.yaml, unchanged except the governor's waits: the day runs on a
    FakeClock, and a governor sleeping on it would wait for a clock nobody advances."""
    text = RULES_YAML.read_text("utf-8")
    for key in ("group_interval", "account_interval", "jitter", "quiet_after_login"):
        text, n = re.subn(rf"^(\s+{key}:)\s*\S+", r"\1 0s", text, count=1, flags=re.M)
        assert n == 1, key
    return text


@dataclass
class Day:
    bot: Harness
    room: str  # 读书会, the bot is an admin
    plain: str  # 吃瓜群, the bot is a plain member
    ids: dict[str, str] = field(default_factory=dict)
    advertisers: dict[str, str] = field(default_factory=dict)  # name → the action they should get
    posted: int = 0
    speakers: set[str] = field(default_factory=set)

    @property
    def clock(self) -> FakeClock:
        return self.bot.clock  # type: ignore[return-value]

    def at(self, hhmm: str) -> None:
        """Move the day on to hh:mm Shanghai time."""
        hours, minutes = map(int, hhmm.split(":"))
        target = START.replace(hour=hours - 8, minute=minutes)
        assert target >= self.clock.now(), f"the day runs forwards: {hhmm}"
        self.clock.advance((target - self.clock.now()).total_seconds())

    def person(self, name: str) -> str:
        if name not in self.ids:
            self.ids[name] = self.bot.world.add_contact(name)
        return self.ids[name]

    async def handled(self, message_id: str, room: str) -> None:
        if room == self.plain:
            await self.bot.settle()  # an unmanaged group records nothing to wait on
            return

        def seen() -> bool:
            with self.bot.app.sessions() as db:
                return db.get(SeenEvent, message_id) is not None
        await wait_until(seen, timeout=20)
        await self.bot.app.idle()

    async def say(self, who: str, text: str = "", *, room: str | None = None, seconds: float = 40,
                  mentions: tuple[str, ...] = (), kind: MessageKind = MessageKind.TEXT, url: str | None = None) -> None:
        """`who` posts, then the day moves on `seconds` (a lively group: a message every ~40 s)."""
        where = room or self.room
        message_id = self.bot.world.say(where, self.person(who), text, kind=kind, url=url,
                                        mentions=[self.person(m) for m in mentions])
        self.posted += 1
        self.speakers.add(who)
        await self.handled(message_id, where)
        self.clock.advance(seconds)

    async def chorus(self, people: list[str], text: str, seconds: float = 8) -> None:
        for who in people:
            await self.say(who, text, seconds=seconds)

    async def join(self, name: str, inviter: str = "小林", room: str | None = None) -> None:
        # a member's invitation by default: a newcomer the owner invites is vouched for
        # (roles.vouched_by), judged as a regular and never removed by the bot on its own
        self.bot.world.join(room or self.room, [self.person(name)], inviter=self.person(inviter))
        await self.bot.settle()
        self.clock.advance(30)

    def advertiser(self, name: str, action: str) -> str:
        self.advertisers[name] = action
        return name

    def outcome(self) -> tuple[list[Case], dict[str, list[Case]], dict[str, str], dict[str, list[str]]]:
        """What the day came to: every case, the cases by target, the innocents (name → id) and
        the anti-spam's actions on each advertiser."""
        opened = all_cases(self.bot)
        by_target: dict[str, list[Case]] = {}
        for case in opened:
            by_target.setdefault(case.target_id, []).append(case)
        bad = {self.ids[name] for name in self.advertisers}
        innocents = {name: member for name, member in self.ids.items() if member not in bad and name != "operator"}
        handled = {name: [c.kind for c in by_target.get(self.ids[name], []) if c.source == "antispam"]
                   for name in self.advertisers}
        return opened, by_target, innocents, handled

    def acted_on(self) -> dict[str, list[tuple[str, str]]]:
        """The innocents with a warning, removal or ban case, and those cases (kind, reason);
        prints the day's outcome for whoever reads the test's output."""
        opened, by_target, innocents, handled = self.outcome()
        acted = {name: [(c.kind, c.reason) for c in by_target.get(member, [])] for name, member in innocents.items()
                 if any(c.kind in ("warn", "kick", "ban") for c in by_target.get(member, []))}
        print(f"\n一天：{self.posted} 条消息，{len(self.speakers)} 人发言；{len(opened)} 个案件")
        print(f"无辜成员被处理：{acted}")
        for name, kinds in handled.items():
            print(f"  广告 {name}: 期望 {self.advertisers[name]}，实际 {kinds}")
        return acted

    def removed_innocents(self) -> set[str]:
        """The innocents the simulator saw removed from any group of the day."""
        innocents = self.outcome()[2]
        return {name for name, member in innocents.items()
                if any(self.bot.world.saw_kick(room, member) for room in (self.room, self.plain))}

    def assert_advertisers_handled(self) -> None:
        """Each advertiser's first case is the action they should get, and only a removal
        removed them from the group."""
        handled = self.outcome()[3]
        for name, expected in self.advertisers.items():
            if expected == "-":
                continue  # not the bot's to handle (a group it does not manage)
            assert handled[name], f"{name} was not handled"
            assert handled[name][0] == expected, (name, handled[name])
            assert self.bot.world.saw_kick(self.room, self.ids[name]) == (expected == "kick"), name


@pytest.fixture
async def day(tmp_path):
    bot = Harness(tmp_path, default_plugins(), clock=FakeClock(START))
    bot.rules_path.write_text(shipped_rules_with_instant_pacing(), "utf-8")
    world = bot.world
    room, plain = bot.cast.admin, bot.cast.plain
    the_day = Day(bot, room, plain, ids=dict(bot.cast.people))
    the_day.ids["王姐"] = bot.cast["laowang"]  # the owner of 读书会
    world.rename_contact(bot.cast["laowang"], "王姐")
    for name in OLD_MEMBERS[1:]:  # in the group long before the bot arrived
        member = the_day.person(name)
        world.room(room).member_ids.append(member)
        world.room(room).inviters[member] = bot.cast["laowang"]
    for name in ("老马", "杨哥"):
        world.room(plain).member_ids.append(the_day.person(name))
    await bot.start()
    yield the_day
    late = dict(bot.app.reads_under_gate)
    await bot.stop()
    # every platform read was made before its event or job held the database (issue 13)
    assert late == {}, f"platform reads under the database gate: {late}"


async def live_the_day(d: Day) -> None:
    """The script of the day. Every line is something real groups see."""
    d.at("08:00")
    await d.say("王姐", "早上好各位☀️ 今天读书会线下活动，下午两点老地方")
    await d.chorus(["小林", "阿强", "老周", "小美", "大刘", "晓雯"], "早上好！")
    await d.chorus(["陈老师", "李医生", "豆豆妈", "Coco"], "大家早上好呀☀️")
    await d.say("张工", "打卡 早起跑步5公里")
    await d.say("小林", "打卡 读完《额尔古纳河右岸》第三章")
    await d.say("老周", "打卡")
    await d.say("小林", "补卡 昨天")  # there before the bot: present yesterday too
    await d.say("王姐", "本周共读书目的导读，大家可以先看看", kind=MessageKind.LINK,
                url="https://mp.weixin.qq.com/s/Xk9_weixin_Qa7")
    await d.say("陈老师", "这篇写得好，尤其是关于鄂温克族那段")
    await d.say("张工", "顺便安利一下我们的读书笔记工具 https://github.com/wechaty/wechaty 开源的，欢迎 star")
    await d.say("晓雯", "知乎上也有个不错的解读 https://zhuanlan.zhihu.com/p/623456789")
    await d.say("大刘", "B站有作者访谈 https://www.bilibili.com/video/BV1xK4y1C7Yx")
    await d.say("小美", "豆瓣评分 8.7 https://book.douban.com/subject/30175598/")

    d.at("09:10")
    await d.join("小新", inviter="小美")  # an ordinary newcomer
    await d.say("小新", "谢谢@小美 拉我进群，大家好～我是做平面设计的", mentions=("小美",))
    await d.say("小美", "欢迎欢迎！")
    await d.say("小新", kind=MessageKind.IMAGE)  # a photo of her cat
    await d.say("小新", "我家猫主子，镇楼🐱")
    await d.chorus(["阿强", "豆豆妈", "莉莉"], "好可爱！！")
    await d.say("小新", "顺便分享一篇刚看到的", kind=MessageKind.LINK, url="https://mp.weixin.qq.com/s/AbCd_wechat_Ef")
    await d.say("小新", "刚进群，请多关照🙏")

    d.at("09:40")
    await d.join(d.advertiser("小雨", "kick"))
    await d.say("小雨", "资料免费送，威心 lee520520 备注读书")

    d.at("10:00")
    await d.say("李医生", "提醒大家：最近有人私聊拉刷单返利，都是骗子，千万别信！")
    await d.say("老周", "对，我同事就被刷单骗了两万多")
    await d.say("陈老师", "刷单诈骗的新闻天天有，还是有人信，太离谱了")
    await d.say("大刘", "周六早上跑团的朋友们，加我微信 runclub2024，我拉你们进跑团群")
    await d.say("老周", "我电话 139 1234 5678，明天到楼下打给我")
    await d.say("阿强", "好嘞，存了")
    await d.say("陈老师", "书店的电话是 010-6234 5678，订座可以打这个")

    d.at("10:30")
    await d.join(d.advertiser("财富自由", "kick"), inviter="老马")
    await d.say("财富自由", "兼职刷单日结，宝妈学生都可以，加V：money888")

    d.at("11:00")
    await d.say("晓雯", "@小林 @阿强 @老周 @小美 @大刘 @莉莉 中午一起吃火锅吗？我订位",
                mentions=("小林", "阿强", "老周", "小美", "大刘", "莉莉"))
    await d.chorus(["小林", "阿强", "老周"], "去！", seconds=15)
    await d.say("晓雯", "我晚点到")
    await d.say("阿杰", "😂" * 25)  # one very amused member
    await d.say("阿杰", "这个梗我能笑一天")
    for text in ["哈哈哈", "笑死", "太真实了", "我也是", "救命", "哈哈哈哈", "绝了", "真的", "hhh"]:
        await d.say("阿杰", text, seconds=1)  # a fast burst of short messages
    await d.say("小胖", "阿杰你冷静一下哈哈")

    d.at("11:30")
    await d.join(d.advertiser("USDT哥", "kick"))
    await d.say("USDT哥", "U商承兑，高价收U，纸飞机联系 tg:@fast_usdt ")
    await d.join(d.advertiser("电报群主", "kick"))
    await d.say("电报群主", "高清资源群，进 t.me/joinchat/AAAAExyz123")

    d.at("12:00")
    await d.say("豆豆妈", "[红包] 恭喜发财，大吉大利")
    await d.chorus(["小美", "Coco", "莉莉", "阿强", "小胖"], "谢谢豆豆妈！🧧", seconds=5)
    await d.say("杨哥", "这房子 300+W，首付要 90 个，太难了", room=d.plain)
    await d.say("老马", "车落地 25W 左右，加W 的话能上顶配", room=d.plain)
    await d.say("张工", "我们公司的服务器放在阿里云，一年 99 挺划算")
    await d.say("小林", "房号 2301 一样的户型，我们一起去看吧")

    d.at("12:30")
    # a mini program is suspect, not enough alone, and adds nothing to how sure the model is:
    # a first 砍一刀 card is a warning (a rescue's adoption post was removed at once on a weak
    # rule and a model score just past its line, in a simulated pet group)
    await d.join(d.advertiser("拼团小妹", "warn"))
    await d.say("拼团小妹", "帮我砍一刀吧", kind=MessageKind.MINI_PROGRAM, url="https://mobile.pinduoduo.com/x")
    # a newcomer's card is not an obvious ad by its kind: a parent sharing the teacher's card
    # must not be removed at once; a first card is a warning, a second a removal
    await d.join(d.advertiser("名片哥", "warn"))
    await d.say("名片哥", "推荐一个靠谱的朋友", kind=MessageKind.CONTACT_CARD)
    await d.join(d.advertiser("网址哥", "kick"))
    await d.say("网址哥", "注册就送88元，官网 vip8888点com")

    d.at("13:00")
    await d.say("莉莉", "#接龙 下午读书会\n1. 王姐\n2. 小林")
    await d.say("阿强", "#接龙 下午读书会\n1. 王姐\n2. 小林\n3. 阿强")
    await d.say("小美", "#接龙 下午读书会\n1. 王姐\n2. 小林\n3. 阿强\n4. 小美")
    await d.say("老周", "#接龙 下午读书会\n1. 王姐\n2. 小林\n3. 阿强\n4. 小美\n5. 老周")
    await d.join(d.advertiser("抖音号", "kick"))  # a newcomer's referral: one weak rule, the model agrees
    await d.say("抖音号", "抖音搜：小王美食 每天分享")
    await d.join(d.advertiser("繁体哥", "kick"))
    await d.say("繁体哥", "兼職日結，日賺500，詳情加薇：abc999")

    d.at("14:00")
    await d.say("孙哥", "朋友公司招兼职刷单，日结 300，有意私聊我")  # a long-time member turned advertiser
    d.advertiser("孙哥", "warn")  # first offence of an established member: a warning, never a removal
    await d.say("晓雯", "孙哥这是被盗号了吗？")
    await d.chorus(["陈老师", "李医生", "小美", "晓雯", "豆豆妈", "Coco"], "祝陈老师生日快乐！🎂🎉", seconds=12)
    await d.say("陈老师", "谢谢大家！！感动😭")

    d.at("15:00")
    await d.join(d.advertiser("刷屏新人", "warn"))
    for line in ("冲冲冲", "在吗在吗", "有人吗", "冲冲冲", "？？？", "在吗", "冲啊", "哈哈哈哈", "有人吗"):
        await d.say("刷屏新人", line, seconds=1)  # a flood, not an ad: one burst, one offence, one warning
    await d.join(d.advertiser("QQ群推", "kick"))
    await d.say("QQ群推", "游戏代练上分，扣：123456789")
    await d.say("阿强", "这群最近广告好多啊")
    await d.say("王姐", "机器人在管，大家放心聊")

    d.at("15:20")  # the afternoon reading session
    for who, text in [
        ("王姐", "好，今天聊第三章，谁先说说？"), ("陈老师", "我先来，伊芙琳这个人物写得特别立体"),
        ("小林", "同意，她的命运让我想到《活着》"), ("晓雯", "我更喜欢写驯鹿的那几段，很有画面感"),
        ("阿强", "第一次读这种题材，有点慢热"), ("李医生", "慢慢读，后面越来越好"),
        ("小美", "书里说的萨满文化，有没有推荐的纪录片？"), ("大刘", "有一部《犴达罕》可以看看"),
        ("豆豆妈", "我在读电子版，字太小了😅"), ("张工", "微信读书可以调字号"),
        ("Coco", "下周读哪本？"), ("王姐", "下周《乡土中国》，大家提前准备"),
        ("莉莉", "好的，我去图书馆借"), ("小胖", "我有纸质版，可以借给大家传着看"),
        ("杨哥", "记得还哈哈"), ("老马", "今天学到了，谢谢各位"),
    ]:
        await d.say(who, text, seconds=50)

    d.at("16:00")
    await d.join("小周", inviter="老周")  # another ordinary newcomer
    await d.say("小周", "大家好，我是老周的侄子，刚毕业")
    await d.say("小周", "请问大家有推荐的入门书吗？")
    await d.say("陈老师", "推荐《乡土中国》，薄薄一本")
    await d.say("小周", "好的谢谢老师！我的手机 13812345678，读书会有活动可以叫我")
    await d.say("小周", "知乎上看到这个书单 https://www.zhihu.com/question/19550225")
    await d.say("老周", "我们 13 号一起出发去书展")

    d.at("17:00")
    await d.join(d.advertiser("吃瓜广告", "-"), room=d.plain)
    await d.say("吃瓜广告", "兼职刷单日结，加V：eat888", room=d.plain)
    await d.say("杨哥", "又是广告", room=d.plain)
    for who, text in [("老马", "今晚吃什么"), ("杨哥", "火锅吧"), ("老马", "又火锅"), ("杨哥", "哈哈哈")]:
        await d.say(who, text, room=d.plain, seconds=20)

    d.at("19:00")
    for who in ["小林", "阿强", "老周", "小美", "大刘", "晓雯", "豆豆妈", "张工", "Coco", "小胖", "莉莉"]:
        await d.say(who, "今天的读书会太棒了，感谢王姐组织👏", seconds=30)
    await d.say("王姐", "#tag @老周", mentions=("老周",))
    await d.say("杨哥", "晚安各位🌙", room=d.plain)
    await d.say("晓雯", "晚安～")
    await d.say("阿杰", "晚安晚安")
    for who in OLD_MEMBERS[1:12]:
        await d.say(who, "晚安🌙", seconds=20)




async def test_a_day_in_the_reading_group(day: Day) -> None:
    d = day
    await live_the_day(d)
    await d.bot.settle()
    world, room = d.bot.world, d.room
    warned = set(d.acted_on())
    opened, by_target, _, handled = d.outcome()
    removed = d.removed_innocents()
    print(f"无辜成员被移出 {len(removed)} 人 {sorted(removed)}")

    # the day is the size the issue asks for
    assert d.posted >= 150 and len(d.speakers) >= 15
    managed_ads = [name for name in d.advertisers if d.advertisers[name] != "-"]
    assert len(managed_ads) >= 10 and "孙哥" in managed_ads

    # ---------------------------------------------------------------- judgement (this slice)
    assert warned == set() and removed == set()
    d.assert_advertisers_handled()
    assert len(handled["刷屏新人"]) == 1  # a burst is one offence …
    flooder = d.ids["刷屏新人"]
    flood_case = by_target[flooder][0].id
    warnings = [a for a in world.bot_sends(room)
                if flooder in a.mention_ids and re.search(rf"#{flood_case}(?!\d)", a.text)]
    assert len(warnings) == 1  # … one warning
    sun = by_target[d.ids["孙哥"]][0]
    assert sun.evidence["established"] is True and not world.saw_kick(room, d.ids["孙哥"])
    assert any("补卡成功" in t for t in world.bot_texts(room))  # 小林 was there yesterday
    assert any("入群 时间未知" in t for t in world.bot_texts(room))  # not "0 天"

    # ---------------------------------------------------------------- the bot's words are true
    pending: list[str] = []

    def truth(ok: bool, what: str) -> None:
        if not ok:
            pending.append(what)

    # no removal claimed that the gateway did not perform
    for action in world.bot_sends():
        for number in re.findall(r"#(\d+)", action.text or "") if "移出" in (action.text or "") else []:
            case = next((c for c in opened if c.id == int(number)), None)
            if case is not None and case.kind in ("kick", "ban"):
                truth(world.saw_kick(case.room_id, case.target_id),
                      f"claimed a removal that did not happen: {action.text!r}")
    # every case notice reaches a human (the owner or a WeChat admin, with nothing configured)
    owner_ids = {room: d.ids["王姐"], d.plain: d.bot.cast["lijie"]}
    for case in opened:
        told = [a for a in world.bot_sends() if re.search(rf"#{case.id}(?!\d)", a.text or "")
                and (a.target == owner_ids.get(case.room_id) or owner_ids.get(case.room_id) in a.mention_ids)]
        truth(bool(told), f"case #{case.id} ({case.kind} {case.target_name}) reached no human")
    # silence in the group the bot does not manage
    truth(not world.bot_texts(d.plain), f"spoke in an unmanaged group: {world.bot_texts(d.plain)[:2]}")
    truth(not world.bot_actions(ActionKind.KICK, d.plain), "tried to remove someone in an unmanaged group")

    for text in world.bot_texts(room):
        print("  机器人：" + text.replace("\n", " ")[:90])
    print(f"untrue or untold: {len(pending)} finding(s)" + "".join(f"\n  - {p}" for p in pending[:8]))
    assert pending == []
