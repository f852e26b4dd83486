"""Anti-spam pure logic: normalisation, each check, the ladder's choice, probation, the model,
the shipped rules section, and bad input (a hypothesis property test)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.models import Member
from plugins.antispam import charmodel, contact
from plugins.antispam.checks import Facts, find_contacts
from plugins.antispam.classifier import SpamModel, fit
from plugins.antispam.config import AntispamConfig
from plugins.antispam.dataset import seed_rows
from plugins.antispam.engine import decide
from plugins.antispam.ladder import Offence, choose_step
from plugins.antispam.normalize import normalise
from plugins.antispam.plugin import probation
from plugins.antispam.training import build_model

CFG = AntispamConfig()
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def seed_model() -> SpamModel:
    model, _ = build_model(seed_rows(), CFG)
    return model


@pytest.mark.parametrize(("text", "dense", "trick"), [
    ("加V：abc8888", "加微信abc8888", "加V"),
    ("➕v mm1314mm", "加微信mm1314mm", "加V"),
    ("薇信 abc_8888", "微信abc8888", "variant characters"),
    ("ＶＸ：ｈｅｌｌｏ１２３", "微信hello123", "full-width or dressed-up letters"),
    ("加\u200b微\u200b信", "加微信", "zero-width characters"),
    ("扣扣 1 2 3 4 5", "qq12345", "variant characters"),
    ("一三八一二三四五六七八", "13812345678", "spelled-out digits"),
    ("加🔥微🔥信", "加微信", None),
    ("今天天气不错！", "今天天气不错", None),
    ("增加威力", "增加威力", None),
    # homophones of 加微信 before an id (a stolen regular's 加威❤ tsl_vip2026, seen in a simulated day)
    ("加威❤ tsl_vip2026", "加微信tslvip2026", "variant characters"),
    ("加威 tsl_vip2026", "加微信tslvip2026", "variant characters"),
    ("加威：13812345678", "加微信13812345678", "variant characters"),
    ("加维❤:baodd5611拉你", "加微信baodd5611拉你", "variant characters"),
    ("加卫： y y 2 3 3", "加微信yy233", "variant characters"),
    ("加徽 tsl_vip2026", "加微信tslvip2026", "variant characters"),
    ("+威 yb66688", "加微信yb66688", "variant characters"),
    ("➕威❤ tsl_vip2026", "加微信tslvip2026", "variant characters"),
    ("加🌹威 tsl_vip2026", "加微信tslvip2026", "variant characters"),
    ("加V❤ tsl_vip2026", "加微信tslvip2026", "variant characters"),
    ("+v❤ jun-9611", "加微信jun9611", "variant characters"),
    ("加Q❤ 123456789", "加qq123456789", "variant characters"),
    ("Q❤Q 123456789", "qq123456789", "variant characters"),
    ("wei信 tsl_vip2026", "微信tslvip2026", "variant characters"),
    ("wei信结算", "微信结算", "variant characters"),
    ("wei❤xin tsl_vip2026", "微信tslvip2026", "variant characters"),
    ("w❤x tsl_vip2026", "微信tslvip2026", "variant characters"),
    ("V.X tsl_vip2026", "微信tslvip2026", "variant characters"),
    ("加我🛰️ tsl_vip2026", "加我telegramtslvip2026", "variant characters"),
    ("➕🛰 xiaoyu_66 备注 群", "telegramxiaoyu66备注群", "variant characters"),
    # ordinary Chinese with the same characters: no id after them, or nothing that makes them one
    ("去威海玩了三天", "去威海玩了三天", None),
    ("+威海 3晚", "加威海3晚", None),
    ("他说话很有权威", "他说话很有权威", None),
    ("专家加威望", "专家加威望", None),
    ("空调要加维修费吗", "空调要加维修费吗", None),
    ("这个加维生素C", "这个加维生素c", None),
    ("加卫生纸", "加卫生纸", None),
    ("加徽章", "加徽章", None),
    ("权威+维护", "权威维护", None),
    ("加维 加维 冲", "加维加维冲", None),
    ("有事加魏 13912345678", "有事加魏13912345678", None),  # 魏 is a surname
    ("W❤X 永远在一起", "wx永远在一起", None),  # a couple's initials
    ("W❤X 520520", "wx520520", None),
    ("V❤我50", "v我50", None),
    ("Q❤Q 好可爱", "qq好可爱", None),
    ("一路顺风✈️ 明天 CA1234 到", "一路顺风明天ca1234到", None),
    ("威❤武", "威武", None),
], ids=lambda v: str(v)[:12])
def test_normalise_undoes_obfuscation(text, dense, trick):
    n = normalise(text)
    assert n.dense == dense
    if trick is None:
        assert "variant characters" not in n.obfuscated
    else:
        assert trick in n.obfuscated


@pytest.mark.parametrize(("text", "dense"), [
    ("出垠子 1比1.4 d", "出银子1比14d"),  # a seller's look-alike reads as the goods
    ("园 宝4毛一个", "元宝4毛一个"),
    ("蓄备出", "储备出"),
    ("我女儿打成园宝了", "我女儿打成元宝了"),  # a player's typo reads the same, and is no trick below
    ("一望无垠的草原", "一望无垠的草原"),  # 垠 alone is ordinary Chinese
    ("砖石结构的老房子", "砖石结构的老房子"),
    ("袁宝来一下 帮战缺人", "袁宝来一下帮战缺人"),  # a name stays a name
])
def test_normalise_maps_game_currency_look_alikes_without_calling_them_a_trick(text, dense):
    n = normalise(text)
    assert n.dense == dense
    assert n.obfuscated == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("加V：abc8888", [("wechat-id", "abc8888", False)]),  # 加V is how people write it: not hidden
    ("薇信 love520520", [("wechat-id", "love520520", True)]),
    ("电话 138 1234 5678", [("phone", "13812345678", False)]),  # how a phone number is written
    ("电话 1-3-8-1-2-3-4-5-6-7-8", [("phone", "13812345678", True)]),
    ("一三八一二三四五六七八", [("phone", "13812345678", True)]),
    ("1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣", [("phone", "13812345678", True)]),
    ("扣扣 9 8 7 6 5 4 3 2 1", [("qq", "987654321", True)]),
    # a twelfth blind probe's contact lures a regular wrote, read as nothing: 扣我 and a number
    # (spelled), and an id after 加个微信吧
    ("有事扣我 三七八二六五九零一", [("qq", "378265901", True)]),
    ("加个徽信吧 dushu_7788 互相交流", [("wechat-id", "dushu_7788", True)]),
    ("加个微信吧 dushu_7788", [("wechat-id", "dushu_7788", False)]),
    ("老板这个月扣我3000", []),  # a pay cut, not a QQ number
    ("扣我100000元工资", []),
    ("加个微信吧 明天聊", []),
    ("我的电话13812345678", [("phone", "13812345678", False)]),
    ("我的微信：abc12345", [("wechat-id", "abc12345", False)]),
    ("订单号 20260501123456789", []),
    ("明天下午三点开会", []),
    ("有兴趣的主动加我吧 k e x i n _ 2 0", [("code-id", "kexin_20", True)]),  # the id as typed, _ and all
    ("wei xin hao: x i a o x i a o 9", [("code-id", "xiaoxiao9", True)]),
    ("简书搜 \" 自由职业者日记 \"", [("referral", "简书 自由职业者日记", False)]),
    ("美团搜 \" 神券 \" 领取", [("referral", "美团 神券", False)]),
    ("转转搜 二手机小王 价格最低", [("referral", "转转 二手机小王", False)]),
    ("百度搜一下 就知道了", []),  # a search engine: how people say "look it up"
    # what to search for on a platform is a tip: the product in it (win10) is no id to contact
    ("b站搜一下 win10开机慢 有详细教程", [("referral", "b站 win10开机慢", False)]),
    ("搜 kefu888 加我", [("code-id", "kefu888", False)]),
    ("选 a b c d 4个选项里哪个对", []),
    ("打开 https://weixin.qq.com/cgi-bin/readtemplate 看说明", []),
    ("加威❤ tsl_vip2026", [("wechat-id", "tsl_vip2026", True)]),  # the whole id: not "ip2026" after the _v
    # nor "ip2026" after the _v when 我的号 is what says it is an id (the v had been read as WeChat's)
    ("我的号是tsl_vip2026", [("code-id", "tsl_vip2026", False)]),
    ("我的新号 laoli_vip888 之前的号被封了", [("code-id", "laoli_vip888", False)]),
    ("我的微信 tsl_vip2026", [("wechat-id", "tsl_vip2026", False)]),  # not tslvip2026, read on the dense form
    ("微信号：tsl-vip2026", [("wechat-id", "tsl-vip2026", False)]),
    ("v：tsl_vip2026", [("code-id", "tsl_vip2026", False)]),
    ("加我❤ tsl_vip2026", [("code-id", "tsl_vip2026", False)]),  # an emoji between 加我 and the id
    ("私聊💬 kefu_8899", [("code-id", "kefu_8899", False)]),
    ("电报 tsl_vip2026", [("code-id", "tsl_vip2026", False)]),
    ("加我✈️ tsl_vip2026", [("code-id", "tsl_vip2026", True)]),
    ("详情 飞机 bj5566", [("code-id", "bj5566", False)]),
    ("小王的飞机 CA1234 晚点了", []),  # a flight, not a Telegram id
    ("明天的飞机 MU5101，下午到", []),
    ("我是威海的 13812345678", [("phone", "13812345678", False)]),
    ("卫生间在哪", []),
    # every free mail box is one list (contact.FREE_MAIL), the one recruitment ads are read with:
    # sohu, icloud and aliyun addresses were a CV's address there and no contact data here
    ("简历发 hr_wang@sohu.com", [("email", "hr_wang@sohu.com", False)]),
    ("我的邮箱 li.ming@icloud.com 有事发我", [("email", "li.ming@icloud.com", False)]),
    ("邮箱 abc@163.com.", [("email", "abc@163.com", False)]),  # a full stop after it
    ("我邮箱 zhang@bytedance.com", []),  # a company's own address is no free mail box
    ("多吃维生素", []),
], ids=lambda v: str(v)[:12])
def test_find_contacts(text, expected):
    assert find_contacts(normalise(text)) == expected


def fired(facts: Facts, model: SpamModel | None = None, cfg: AntispamConfig = CFG) -> dict[str, str]:
    return {v.name: v.details for v in decide(facts, cfg, model, "room").fired}


@pytest.mark.parametrize(("facts", "check", "needle"), [
    (Facts("兼职日结，有意者联系"), "keywords", "stop phrase: 兼职日结"),
    (Facts("兼 职 日 结！！有意私聊"), "keywords", "兼职日结"),
    (Facts("需要的加我微信", newcomer=True), "keywords", "newcomer phrase: 加我微信"),
    (Facts("薇信 love520520", newcomer=True), "contact", "wechat-id love520520 (obfuscated"),
    (Facts("薇信 love520520 免费领取"), "contact", "wechat-id love520520 (obfuscated"),
    (Facts("有意者联系我，电话13812345678", newcomer=True), "contact", "phone 13812345678"),
    (Facts("看看这个", kind="link", url="https://x.example/a", newcomer=True), "content", "link https://x.example"),
    (Facts("名片", kind="contact_card", newcomer=True), "content", "contact_card"),
    (Facts("去 www.example.com 看看", newcomer=True), "content", "link www.example.com"),
    (Facts("我又来了", recent_messages=9, newcomer=True), "flood", "9 messages within 15s"),
    (Facts("我又来了", recent_messages=16), "flood", "16 messages within 15s"),
    (Facts("这款面膜超好用 vx:mask8888", same_by_member=3), "repeat", "3 times by this member, promoting"),
    (Facts("这款面膜超好用 vx:mask8888", same_members=3), "repeat", "from 3 members, promoting"),
    (Facts("这款面膜超好用 vx:mask8888", same_groups=2), "repeat", "in 2 groups, promoting"),
    (Facts("@a @b @c @d @e @f 看这里 vx:abc888", mentions=6, newcomer=True), "mentions", "6 mentions"),
    (Facts("😀" * 30, recent_messages=3), "emoji", "30 emoji"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_each_check_fires_with_its_reason(facts, check, needle):
    result = fired(facts)
    assert check in result, result
    assert needle in result[check]


@pytest.mark.parametrize("facts", [
    Facts("大家早上好"),
    Facts("有事打我电话13812345678"),  # an established member's plain phone number
    Facts("看看这个", kind="link", url="https://x.example/a"),  # established members may share links
    Facts("好的", same_by_member=5),  # too short to be a repeat
    Facts("我又来了", recent_messages=3),
    Facts("增加威力"),
], ids=lambda f: f.text[:8])
def test_ordinary_messages_pass(facts, seed_model):
    assert fired(facts, seed_model) == {}


@pytest.mark.parametrize("text", [
    "加威❤ tsl_vip2026",  # a stolen regular's account in a simulated day: only the model had fired
    "加威 tsl_vip2026",
    "加维：tsl_vip2026",
    "加卫 tsl_vip2026",
    "加徽 tsl_vip2026",
    "➕威 tsl_vip2026",
    "+威cq5522 点卷五折",
    "加V❤ tsl_vip2026",
    "加wei信 tsl_vip2026",
])
def test_a_homophone_of_add_wechat_before_an_id_is_caught_by_the_rules_from_anyone(text):
    for newcomer in (False, True):
        result = fired(Facts(text, newcomer=newcomer))
        assert {"keywords", "contact"} <= set(result), (newcomer, result)
        assert "obfuscated: variant characters" in result["contact"]


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("扣扣：12345678", "qq", "12345678"),
    ("加扣 12345678", "qq", "12345678"),
    ("他扣扣搜搜的 有事扣扣12345678", "qq", "12345678"),
    ("纸飞机 @abc_vip88", "handle", "@abc_vip88"),
    ("纸飞机搜 @lucky_88", "handle", "@lucky_88"),
    ("飞机号 abc_vip88", "code-id", "abc_vip88"),
    ("纸飞机折好了 t.me/+abcdEF", "im-link", "t.me/+abcdef"),
    # digits spelled in pinyin, a syllable each (a blind probe set's contact lures, spam24)
    ("加我 VX：yi er san si wu liu 懂的来", "wechat-id", "123456"),
    ("微 信：yi wu ba liu er san qi 备注 群", "wechat-id", "1586237"),
    ("vx：yao san ba wu liu qi si", "wechat-id", "1385674"),
    # 鹅号: a QQ number, here spelled out in Chinese numerals with a space between each
    ("dd 我 也 行 我 的 鹅 号 是 三 九 七 六 二 零 八 五 一", "qq", "397620851"),
    ("鹅号：2837461905", "qq", "2837461905"),
])
def test_qq_and_telegram_spellings_with_a_contact_are_still_read(text, kind, value):
    """The ordinary readings above give way where a number, a handle or a link follows; digits
    in pinyin and a goose's number are read as what they hide."""
    assert (kind, value) in [(k, v) for k, v, _ in find_contacts(normalise(text))]
    assert "contact" in fired(Facts(text, newcomer=True))


@pytest.mark.parametrize("text", [
    "我叫 wu yi fan 叫我小吴就行",  # a name in pinyin: three syllables that are digits, not six
    "yi er san 走 跳舞去",
    "坐天鹅号游轮去看冰川 12月出发",  # a ship, not a QQ word
])
def test_pinyin_and_goose_words_that_are_no_contact_stay_so(text):
    assert not find_contacts(normalise(text))
    assert "spelled-out digits" not in normalise(text).obfuscated


@pytest.mark.parametrize("text", [
    "wei信 tsl_vip2026", "w❤x tsl_vip2026", "V.X tsl_vip2026", "wei❤xin tsl_vip2026", "Q❤Q 123456789",
    "加Q❤ 123456789", "加我🛰️ tsl_vip2026", "加我✈️ tsl_vip2026",
])
def test_a_decorated_contact_word_from_a_newcomer_counts_as_hidden(text):
    result = fired(Facts(text, newcomer=True))
    assert "contact" in result, result
    assert "obfuscated: variant characters" in result["contact"]


@pytest.mark.parametrize("text", [
    "威海的海鲜真便宜", "去威海玩了三天", "他说话很有权威", "权威专家说的", "他的威望很高", "这狗真威风", "别威胁我",
    "加威海的朋友", "+威海 3晚", "我是威海的 13812345678", "空调要加维修费吗", "电脑维修 加维护", "这个加维生素C",
    "加卫生纸", "卫生间在哪", "打扫卫生", "加徽章", "安徽人", "权威+维护", "❤威武❤", "W❤X 永远在一起",
    "V❤我50", "Q❤Q 好可爱", "企鹅馆几点开门", "今天坐飞机去上海", "小王的飞机 CA1234", "明天的飞机 MU5101 到",
    "一路顺风✈️", "卫星发射成功", "加维 加维 冲", "有事加魏 13912345678",
    # stingy, buttons, a knock and a child's paper plane: not QQ nor Telegram (issue 11)
    "这人太抠抠搜搜了", "他这人扣扣索索的", "买个菜都扣扣搜搜", "宝宝在学扣扣子", "扣子缝好了", "叩叩叩 有人吗",
    "纸飞机折好了", "我家娃纸飞机折好了，飞得老远", "周末带娃去参加纸飞机比赛", "教他叠纸飞机",
    "抠抠搜搜的，有事打我电话13812345678",  # the variant had made the plain number "hidden"
])
def test_ordinary_words_with_the_same_characters_are_left_alone(text):
    for newcomer in (False, True):
        assert fired(Facts(text, newcomer=newcomer)) == {}, (text, newcomer)
    assert "variant characters" not in normalise(text).obfuscated


@pytest.mark.parametrize("text", [
    # a newcomer showing the others the ad of a member just removed: its 群号 is not theirs
    "@所有人 刚才踢掉的那个号发的是“本群福利：扫码进 VIP 群，每天发五十元红包，裙号 ⑤⑧⑦ ②③① ⓪⑨⑥”。"
    "我们群没有任何 VIP 群！！还有人私聊我说已经进去了，进去就让你充值“会员费”，赶紧退出来。",
])
def test_a_removed_members_ad_shown_to_the_group_is_not_contact_data(text):
    assert "contact" not in fired(Facts(text, newcomer=True))


@pytest.mark.parametrize(("text", "body"), [
    ("@张三\u2005你好", "你好"),  # as WeChat writes a mention
    ("@张三 你好", "你好"),
    ("谢谢@张三", "谢谢"),
    ("@所有人\u2005今晚聚餐", "今晚聚餐"),
    # typed by hand, with nothing after the name: the ad is not the "name"
    ("@所有人加微信abc888领福利", "加微信abc888领福利"),
    ("兼职日结@所有人加我微信abc888", "兼职日结 加我微信abc888"),
    # an email's @ starts no mention: the address and what follows stay
    ("简历发我邮箱 liuyang@yuanfandata.com，标题写内推", "简历发我邮箱 liuyang@yuanfandata.com,标题写内推"),
], ids=lambda v: v[:12])
def test_mentions_are_taken_out_and_only_mentions(text, body):
    assert " ".join(normalise(text).body.split()) == body


@pytest.mark.parametrize("text", ["@所有人加微信abc888领福利", "兼职日结@所有人加我微信abc888"])
def test_an_ad_written_right_after_an_at_is_read(text):
    assert {"keywords", "contact"} & set(fired(Facts(text, newcomer=True)))


def test_a_handle_at_the_end_of_a_quoted_ad_keeps_the_quote_closed():
    """The @handle used to take the closing quote with it, so the ad a warning shows ran on to
    the end of the message and its handle read as the writer's own."""
    text = '提醒一下，这两天好几个群有人发"代开各类发票，正规渠道，联系飞机 @fapiao_daikai" 千万别信，都是骗子'
    assert normalise(text).body.count('"') == 2
    assert "contact" not in fired(Facts(text, newcomer=True))


def test_trusted_members_skip_content_checks_but_not_behaviour():
    assert fired(Facts("兼职日结", trusted=True)) == {}
    assert "flood" in fired(Facts("兼职日结", trusted=True, recent_messages=20))


def test_shadow_mode_records_but_does_not_decide():
    cfg = AntispamConfig.model_validate({"keywords": {"mode": "shadow"}})
    decision = decide(Facts("兼职日结，有意私聊"), cfg, None, "room")
    assert not decision.spam
    assert [v.name for v in decision.shadow_fired] == ["keywords"]
    assert {"name": "keywords", "spam": True, "details": "stop phrase: 兼职日结", "mode": "shadow",
            "why": "含禁用语「兼职日结」"} in decision.evidence()


def test_off_and_order_come_from_rules():
    cfg = AntispamConfig.model_validate({"order": ["contact"], "contact": {"member": "any"}})
    decision = decide(Facts("兼职日结 13812345678"), cfg, None, "room")
    assert [v.name for v, _ in decision.verdicts] == ["contact"]
    cfg = AntispamConfig.model_validate({"keywords": {"mode": "off"}})
    assert "keywords" not in fired(Facts("兼职日结"), cfg=cfg)


def test_operator_phrases_are_normalised_like_messages():
    cfg = AntispamConfig.model_validate({"keywords": {"stop_phrases": ["ＶＸ领红包"]}})
    assert "keywords" in fired(Facts("v x 领 红 包"), cfg=cfg)


def test_bad_regex_is_a_rules_error():
    with pytest.raises(ValueError, match="bad regular expression"):
        AntispamConfig.model_validate({"keywords": {"regexes": ["(unclosed"]}})


@pytest.mark.parametrize(("strikes", "newcomer", "obvious", "strict", "cfg", "step"), [
    (0, False, False, False, {}, "warn"),
    (1, False, False, False, {}, "kick"),
    (2, False, False, False, {}, "ban"),
    (7, False, False, False, {}, "ban"),
    (0, True, True, False, {}, "kick"),  # a newcomer's obvious ad skips the warning
    (0, True, True, False, {"newcomer_obvious_ad": "ladder"}, "warn"),
    (0, True, True, False, {"newcomer_obvious_ad": "ban"}, "ban"),
    (0, True, False, True, {}, "kick"),  # strict mode: newcomers at the first offence
    (0, False, False, True, {}, "warn"),  # strict mode is about newcomers only
    (0, True, False, False, {"steps": ["kick"]}, "kick"),
    (0, False, False, False, {"steps": ["kick"]}, "warn"),  # an established member's first offence: never removed
    (1, False, False, False, {"steps": ["kick"]}, "kick"),
], ids=str)
def test_choose_step(strikes, newcomer, obvious, strict, cfg, step):
    config = AntispamConfig.model_validate({"ladder": cfg})
    offence = Offence("m", "m", "r", {}, obvious=obvious, newcomer=newcomer, strict=strict)
    assert choose_step(config, strikes, offence) == step


def member(messages: int, joined: timedelta | None, credit: int = 0, *, first: timedelta | None = None,
           established: bool = False) -> Member:
    """A member who joined `joined` ago (None: not seen), first seen `first` ago (else at the join)."""
    first = first if first is not None else (joined if joined is not None else timedelta(days=30))
    return Member(room_id="r", member_id="m", first_seen=NOW - first, messages=messages, credit=credit,
                  joined_at=NOW - joined if joined is not None else None, established=established)


@pytest.mark.parametrize(("row", "expected"), [
    (None, (True, False)),
    (member(1, None), (True, False)),  # join not seen: the first messages still count
    (Member(room_id="r", member_id="m", first_seen=NOW, messages=0, credit=0, established=True),
     (False, False)),  # there before the bot: established from the first message
    (member(6, None), (False, False)),
    (member(50, timedelta(days=1)), (True, False)),  # joined yesterday
    (member(50, timedelta(days=4)), (False, False)),
    (member(1, timedelta(hours=1), credit=7), (False, True)),  # approved history
    # left by mistake and invited back a minute later (simulated day: a regular's next message
    # was removed as a newcomer's obvious ad): their history stands
    (member(3, timedelta(minutes=1), first=timedelta(days=60), established=True), (False, False)),
    (member(80, timedelta(minutes=1), first=timedelta(days=20)), (False, False)),
    (member(2, timedelta(minutes=1), first=timedelta(days=20)), (True, False)),  # said almost nothing
    (member(80, timedelta(minutes=1), first=timedelta(days=1)), (True, False)),  # first came yesterday
], ids=lambda v: None if isinstance(v, Member) else str(v))  # stable ids (pytest-xdist compares them)
def test_probation(row, expected):
    assert probation(CFG, row, NOW) == expected


def test_model_learns_online_and_similarity_finds_near_copies(seed_model):
    model, _ = build_model(seed_rows(), CFG)
    ad = "本店新到一批进口奶粉和纸尿裤，价格优惠，量大从优，欢迎各位宝妈咨询选购"
    near = "本店新到一批进口奶粉和纸尿裤，价格特别优惠，欢迎各位宝妈咨询选购！"
    assert "similar" not in fired(Facts(near), model)
    model.learn(ad, 1, "*", 10_000)
    result = fired(Facts(near), model)
    assert "similar" in result and "spam sample 10000" in result["similar"]
    model.learn(near, 0, "*", 10_001)  # an admin's #ham outweighs the spam twin
    assert "similar" not in fired(Facts(near), model)


def test_room_scoped_samples_stay_in_their_room():
    model = SpamModel()
    fit(model, [(r.text, r.label, "*", i) for i, r in enumerate(seed_rows(), 1)])
    ad = "本群专属：周末特价牛排套餐只要九十九元，名额有限先到先得"
    model.learn(ad, 1, "room-a", 5000)
    assert decide(Facts(ad), CFG, model, "room-a").spam
    assert "similar" not in {v.name for v in decide(Facts(ad), CFG, model, "room-b").fired}


def test_an_empty_rules_section_is_the_defaults():
    assert AntispamConfig.model_validate({}) == AntispamConfig()


HOSTILE = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list("\u200b\u200d\ufeff😀🔥➕ＶＸ薇信扣0123456789一二三 .:-@\u2005")),
            max_size=400),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=20), st.integers(1, 6000)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HOSTILE, newcomer=st.booleans(), kind=st.sampled_from(["text", "link", "image", "other"]))
def test_any_input_is_decided_in_bounded_time(seed_model, text, newcomer, kind):
    started = time.thread_time()  # CPU time: a busy machine must not fail it, a runaway regex must
    decision = decide(Facts(text, kind=kind, newcomer=newcomer), CFG, seed_model, "room")
    assert time.thread_time() - started < 1.0
    assert all(isinstance(v["details"], str) for v in decision.evidence())


def test_huge_message_is_decided_quickly(seed_model):
    text = ("广告" * 20_000) + "加V：abc8888" + ("\u200b😀" * 20_000)
    assert len(text.encode()) > 100_000
    started = time.thread_time()  # CPU time: a busy machine must not fail it, a runaway regex must
    decide(Facts(text, newcomer=True), CFG, seed_model, "room")
    assert time.thread_time() - started < 1.0


@pytest.mark.parametrize("text", ["1" * 4000, "一" * 4000, "几" * 4000, "1" * 3990 + "分钟", " " * 4000 + "登录"])
def test_a_flood_of_digits_or_spaces_is_decided_in_linear_time(seed_model, text):
    """The readings' digit classes repeated without bound ([0-9一二…]+天见效, [0-9]+元) tried every digit of a run
    as a start, and a few spaces (\\s*) every space: a member's 4,000 digits cost 0.55-0.75 s of the event loop's
    CPU (lead54, more than 1,000 ordinary messages). Each is bounded now; the decision takes ~20-80 ms."""
    decide(Facts("热身", newcomer=True), CFG, seed_model, "room")
    started = time.thread_time()  # CPU time: a busy machine must not fail it, a quadratic regex must
    decide(Facts(text, newcomer=True), CFG, seed_model, "room")
    assert time.thread_time() - started < 0.3


def test_a_long_run_of_digits_is_read_for_a_price_in_linear_time():
    """The price pattern tried every digit of a run as a start: 4,000 digits (the most a message
    keeps) cost 0.9 s of CPU per message, quadratic in the run; now ~1 ms."""
    from plugins.antispam.model_checks import structure

    started = time.thread_time()
    for text in ("1" * 4000, "8" * 3999 + "毛", "1.5" * 1300):
        structure(normalise(text))
    assert time.thread_time() - started < 0.3


@pytest.mark.parametrize("head", ["纸飞机", "v", "tg", "uid", "扣", "抖音搜", "微信", "扣扣", "抠抠"])
def test_a_contact_word_before_a_long_run_of_spaces_is_read_in_linear_time(head):
    """A platform word, then three optional runs of spaces before an id: the runs tried every split
    of 4,000 spaces, cubic in the run (纸飞机 + 4,000 spaces + x: 64 s of CPU for one message)."""
    from plugins.antispam.contact import find_contacts as contacts

    for fill in (" ", "：", "😀"):
        text = head + fill * 4000 + "x"
        normalise.cache_clear(), contacts.cache_clear()
        started = time.thread_time()
        contacts(normalise(text))
        assert time.thread_time() - started < 0.1, (head, fill)


def test_bayes_waits_until_it_has_learned_enough(seed_model):
    ad = "兼职招聘，在家手机操作，日结工资，宝妈学生都可以，私聊"
    [(verdict, _)] = [(v, m) for v, m in decide(Facts(ad), CFG, seed_model, "r").verdicts if v.name == "bayes"]
    assert not verdict.spam and "still learning (60 spam / 8" in verdict.details
    eager = AntispamConfig.model_validate({"bayes": {"min_samples": 0}})
    assert "bayes" in fired(Facts(ad), seed_model, eager)
    assert "bayes" not in fired(Facts("周末一起去爬山吧，天气很好"), seed_model, eager)


@pytest.mark.parametrize(("text", "hit"), [
    ("我们招代理，欢迎加入", "代理"),  # a whole word
    ("他是我们公司的代理人", None),  # inside a longer word: not the stop word
    ("这个周末去赌场玩吗", "赌场"),
    ("大家早上好", None),  # no stop word anywhere (the segmentation is skipped)
])
def test_stop_words_hit_whole_words_only(text: str, hit: str | None) -> None:
    from plugins.antispam.checks import keyword_hit

    cfg = CFG.model_copy(update={"keywords": CFG.keywords.model_copy(update={
        "stop_phrases": (), "newcomer_phrases": (), "regexes": (), "stop_words": ("代理", "赌场")})})
    verdict = keyword_hit(Facts(text), normalise(text), cfg)
    assert verdict.spam == (hit is not None)
    if hit is not None:
        assert verdict.details == f"stop word: {hit}"


@pytest.mark.parametrize("text", ["加我微信 kx_2026 详聊，名额有限", "周末一起去爬山吗，早上七点东门集合"])
def test_a_message_is_scanned_for_contact_data_once(text, seed_model):
    """The char model's features ask find_contacts(n), the checks find_contacts(n, facts.url) with
    url None: lru_cache keyed the two apart, and every message was scanned twice (a third of the
    contact finder's CPU)."""
    normalise.cache_clear(), contact.find_contacts.cache_clear(), contact.promoted_links.cache_clear()
    decide(Facts(text, newcomer=True), CFG, seed_model, "r")
    n = normalise(text)
    assert contact.find_contacts(n) == contact.find_contacts(n, None) == contact.find_contacts(n, url=None)
    assert contact.find_contacts.cache_info().misses == 1
    assert contact.promoted_links(n) == contact.promoted_links(n, None)
    assert contact.promoted_links.cache_info().misses == 1


@pytest.mark.parametrize(("text", "needs"), [
    # a group's number written out plainly is swapped between members (群号多少来着 — 群号 …)
    ("群号 738291045 直接搜就行", False),
    # hidden, it is still what a group ad needs, and so is another platform's handle
    ("新群 7 3 8 2 9 1 0 4 5 速来", True),
    ("进群 ⑦③⑧②⑨①⓪④⑤", True),
    ("tg @wgkj888 联系", True),
])
def test_what_an_ad_needs_besides_its_words(text, needs):
    from plugins.antispam.model_checks import structure

    assert (structure(normalise(text)) is not None) is needs, structure(normalise(text))


@pytest.mark.parametrize("text", ["W❤X 520520 我们在一起三年啦", "L❤Y 1314 永远爱你", "今天纪念日 z❤h 5201314"])
def test_a_couples_initials_and_love_number_are_no_hidden_id(text):
    """A regular's anniversary line L❤Y 1314 was warned 广告引流，再犯将被移出本群: the finder read
    Y 1314 as a spaced-out code id, hidden. The finder itself reads no id there (since spam29; the
    checks filtered it before), so the char model's features carry no hidden code id either; an id
    that only looks alike still counts, and so does one after a contact word."""
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, None, "room")
        assert not any(v.name == "contact" for v in decision.fired), decision.evidence()
    assert not find_contacts(normalise(text))
    assert "#chid" not in {g.text for g in charmodel.grams(normalise(text))}
    assert find_contacts(normalise("加我 y 13145 有惊喜")), "a letter and a number that is no love number"
    for ad in ("私聊 y1314 有惊喜", "加我 ly520 看更多"):  # an id to add, whatever its digits
        decision = decide(Facts(text=ad, newcomer=True), CFG, None, "room")
        assert any(v.name == "contact" for v in decision.fired), decision.evidence()


@pytest.mark.parametrize("text", ["我到小区门口了 手机号是一三九零七七一二二四八 出来接一下",
                                  "快递放驿站了 有事打我电话 一八六 五五二一 三零四七"])
def test_a_newcomers_phone_number_spelled_out_by_voice_input_is_not_hidden(text):
    """Voice input writes a phone number in words (一三九…). A newcomer telling the group where to
    call read as hiding a number and was flagged (spam29, a probe's newcomer false positive); a
    plain number of their own, with nothing offered, does not count."""
    for model in (None, SpamModel()):
        decision = decide(Facts(text=text, newcomer=True), CFG, model, "room")
        assert not decision.spam, decision.evidence()
    spelled_ad = decide(Facts(text="兼职日结 手机就能做 加我 一三九零七七一二二四八", newcomer=True), CFG, None, "room")
    assert spelled_ad.spam, spelled_ad.evidence()


@pytest.mark.parametrize("text", ["我的 QQ 是 2846 1039 57 作业群里找不到我的可以加 我把资料发你",
                                  "群里有要跟我练口语的 我 QQ 1739 0046 52 周末有空",
                                  "QQ号：3069 2751 4 周三的笔记我拍好了"])
def test_a_qq_number_written_in_groups_after_the_word_is_not_hidden(text):
    """People read a QQ number out in groups of four as they do a phone number (我 QQ 1739 0046 52).
    The finder read the groups as digits split to hide it, so a newcomer's own number given for
    the homework files was disguised contact data (spam31's blind probe). Digits one by one, or
    groups broken by dots, are still split on purpose."""
    found = contact.find_contacts(normalise(text))
    assert [(c.kind, c.hidden) for c in found] == [("qq", False)], found
    for ad in ("加她 Q 3 9 8 0 2 7 1 5 6 报我名字有优惠", "qq号 2846.1039.57 私聊福利"):
        assert any(c.kind == "qq" and c.hidden for c in contact.find_contacts(normalise(ad))), ad


@pytest.mark.parametrize("text", ["我在这个群的id就是我的游戏id 叫 夜雨听风 uid 803127754 来加",
                                  "原神 uid 185336027 世界等级 8 缺材料的来我世界拿",
                                  # a gacha game's friend support: the game named by its own words, not its title
                                  "新来的舰长 UID 2 0 7 5 3 1 9 8 求个好友位 互借助战",
                                  "周末副本缺人 我uid 58 3300 172 联机组队的加我好友"])
def test_a_players_uid_in_a_games_talk_is_no_code_id(text):
    """A uid beside the game it belongs to is the player's number in that game: it finds them
    nowhere else. A newcomer's was read as a code id to contact (spam30, spam31 probes); a uid on a
    video platform (b站 uid …) is still one."""
    assert not contact.find_contacts(normalise(text))
    assert any(c.kind == "code-id" for c in contact.find_contacts(normalise("b站 uid 3 4 9 8 8 7 1 2 关注我")))


def test_a_number_with_a_calling_code_is_scanned_for_once(monkeypatch):
    """The +1 646 … number's pattern was scanned twice per message (once to know which numbers are
    another country's, once to add them after the ids): one scan serves both."""
    calls = []
    pattern = contact._INTL_PHONE

    class Counting:
        def finditer(self, text):
            calls.append(text)
            return pattern.finditer(text)

    monkeypatch.setattr(contact, "_INTL_PHONE", Counting())
    normalise.cache_clear(), contact.find_contacts.cache_clear()
    found = contact.find_contacts(normalise("客户的电话 +1 646 555 0139 你跟他说一下"))
    assert [(c.kind, c.value, c.hidden) for c in found] == [("phone", "+16465550139", False)], found
    assert len(calls) == 1, calls
    normalise.cache_clear(), contact.find_contacts.cache_clear()


@pytest.mark.parametrize("url", ["https://immi.homeaffairs.gov.au", "https://my.unimelb.edu.au/courses",
                                 "https://www.gov.uk/student-visa", "https://www.xe.com/currencyconverter",
                                 "https://school.jinritemai.com", "https://www.runchina.org.cn"])
def test_public_sites_abroad_and_sellers_references_are_ordinary(url):
    """An overseas students' group links a visa checklist or a course system, an online sellers'
    group a platform's academy: a newcomer's link to one was a probation link (spam31's probe).
    Only a government or a university can hold a name under gov.au, edu.au, gov.uk, ac.uk …"""
    from plugins.antispam.contact import is_ordinary

    assert is_ordinary(url)
    for other in ("https://gov.au.example.com", "https://xgov.au", "https://haohuo.jinritemai.com/views/product"):
        assert not is_ordinary(other), other


@pytest.mark.parametrize("text", ["有个不认识的人加我 说能搞到进口的特效药 我没理",
                                  "群外面的人加我推荐什么降糖神药 我直接删了"])
def test_a_report_of_an_approach_the_writer_ignored_is_a_warning(text):
    """A patient telling the group that someone outside it offered a miracle drug and was ignored
    (我没理, 直接删了) was read 0.971 from an established member, past the members' level (spam31's
    blind probe): it reports an ad, as 有人私聊我说… does. 没理由 is no report, and 想赚钱的人加我 is the
    writer's own call."""
    from plugins.antispam.checks import discussing, framed

    n = normalise(text)
    assert framed(n) and discussing(n)
    regular = decide(Facts(text=text), CFG, SpamModel(), "room")
    assert not regular.spam, regular.evidence()
    for ad in ("没理由不赚 加我 vx abc123", "想赚钱的人加我 日结 手机就能做"):
        assert not framed(normalise(ad)), ad


@pytest.mark.parametrize("text", ["群里那个 扫码领大米 的 我扫了 要填身份证 我就没弄了",
                                  "门口那个扫码领鸡蛋的 要填银行卡号 我就没填"])
def test_a_report_of_a_bait_the_writer_tried_and_gave_up_on_is_a_warning(text):
    """A neighbour telling the group she scanned the 扫码领大米 code, was asked for her ID and gave up
    (我就没弄了) was read as the stop phrase 扫码领 from anyone (spam32's blind probe): it reports the
    bait, as 我没理 does. An ad that tells people to scan is still one."""
    from plugins.antispam.checks import discussing

    assert discussing(normalise(text))
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, SpamModel(), "room")
        assert not decision.spam, decision.evidence()
    ad = decide(Facts(text="扫码领大米 每户一袋 先到先得"), CFG, SpamModel(), "room")
    assert ad.spam, ad.evidence()


def test_a_long_run_of_digits_is_read_for_a_rental_payout_in_linear_time():
    """The rental reading's payout (200一天) tried every digit of a run as a start: 「½」 × 3,010 (a
    hostile line the fuzz test above found: 6,020 digits once normalised) cost ~0.9 s of CPU, past
    the bound; now a few ms."""
    from plugins.antispam.rental import rents_an_account

    started = time.thread_time()
    for dense in ("12" * 3010, "8" * 6000 + "块", "两" * 6000 + "元", normalise("½" * 3010).dense):
        rents_an_account("收卡" + dense)
    assert time.thread_time() - started < 0.3


@pytest.mark.parametrize(("text", "number"), [
    ("新人 我是开锁的 电话 1590 2718 364 邻居们钥匙丢了可以找我", "15902718364"),
    ("刚进群 我 的 微信 就是 手机号 13926 048 517 有事找我", "13926048517"),
    ("她说你直接打她电话 1376-8805-412", "13768805412")])
def test_a_mobile_number_read_out_in_other_groups_than_3_4_4_is_not_hidden(text, number):
    """People group a mobile number's eleven digits as they read it aloud: 4-4-3 and 5-3-3 as well
    as 3-4-4. Read as split to hide it, a newcomer's own number for a lost cat or a parcel was
    disguised contact data and removed them at once (7 lines over spam32's and spam33's blind
    probes). Digits one by one, in pairs, or broken by dots stay split."""
    assert [(c.kind, c.value, c.hidden) for c in contact.find_contacts(normalise(text))] == [("phone", number, False)]
    decision = decide(Facts(text=text, newcomer=True), CFG, SpamModel(), "room")
    assert not any(v.name == "contact" and v.strong for v in decision.fired), decision.evidence()
    for ad in ("电话 1 3 8 1 2 3 4 5 6 7 8 日结", "电话 13 81 23 45 678 日结", "电话 1381.2345.678 日结"):
        assert [c.hidden for c in contact.find_contacts(normalise(ad)) if c.kind == "phone"] == [True], ad


@pytest.mark.parametrize(("text", "number"), [("新来的 我的 扣扣 是 2847193650 游戏里加不上的话加这个", "2847193650"),
                                              ("我扣扣 3018 2746 59 游戏里叫不动我就q我", "3018274659"),
                                              ("要那个表格的同学 你加我 扣扣 973 268 415 我发你邮箱也行", "973268415"),
                                              ("新来的 加我q 1937284056 发你公会的攻略文档", "1937284056"),
                                              ("我 q 3829 4017 62 拼车 的 加 一下 方便 联系", "3829401762"),
                                              # a friend's passed on the same way (a newcomer removed at once,
                                              # the thirteenth probe; spam39)
                                              ("你找赵哥 他扣扣1028865437 我跟他说过了", "1028865437"),
                                              ("她的扣扣 2847 1936 50 你直接加她 说是我介绍的", "2847193650")])
def test_an_own_qq_by_the_names_people_say_it_by_is_not_hidden(text, number):
    """扣扣 after 我 / 我的 and a lone q are how people name their own QQ, and a number after them
    is written as typed or read out in groups. The finder read 扣扣 as a homophone, the space after
    加我q 1937284056 and the groups after q as digits split, so a newcomer's own QQ for the guild's
    files removed them at once (9 lines over spam31-33's blind probes). 扣扣 without 我, digits
    one by one and a lone 扣 stay a disguise."""
    n = normalise(text)
    assert n.heavy == (), n.obfuscated
    assert [(c.kind, c.value, c.hidden) for c in contact.find_contacts(n)] == [("qq", number, False)]
    decision = decide(Facts(text=text, newcomer=True), CFG, SpamModel(), "room")
    assert not any(v.name == "contact" and v.strong for v in decision.fired), decision.evidence()
    for ad in ("扣扣 9 8 7 6 5 4 3 2 1 进群领福利", "加她 Q 3 9 8 0 2 7 1 5 6 报我名字有优惠", "扣扣 2849301234 领福利",
               "我扣扣 2 8 4 9 3 0 1 2 3 4 领福利"):
        assert any(c.kind == "qq" and c.hidden for c in contact.find_contacts(normalise(ad))), ad


@pytest.mark.parametrize("text", ["注意 有人在群里发 扫码领鸡蛋 别扫 是骗个人信息的",
                                  "现在好多人在群里说 抖音搜 啥啥啥 其实就是引流 群主注意点"])
def test_a_bait_someone_posted_named_in_a_warning_is_not_the_writers_call(text):
    """A warning that names what someone posts in the group (有人在群里发 扫码领鸡蛋 别扫) was read as the
    stop phrase 扫码领, and the referral someone says (好多人在群里说 抖音搜 …) as the writer's own:
    spam33's blind probe removed a newcomer for each. An ad's own call after the named one stays."""
    from plugins.antispam.checks import discussing

    assert discussing(normalise(text))
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, SpamModel(), "room")
        assert not decision.spam, decision.evidence()
    ad = "注意 有人在群里发 假的 我们这才是正规的 扫码领鸡蛋 加我微信 abc888 名额有限"
    assert not discussing(normalise(ad))
    assert decide(Facts(text=ad), CFG, SpamModel(), "room").spam


def _first_offence(text: str, newcomer: bool) -> str:
    from plugins.antispam.ladder import first_offence
    from plugins.antispam.plugin import offence_terms

    decision = decide(Facts(text=text, newcomer=newcomer), CFG, SpamModel(), "room")
    assert decision.spam, decision.evidence()
    return first_offence(CFG, Offence("", "", "", {}, **offence_terms(decision, newcomer)))


def test_a_messengers_address_with_no_one_in_it_is_no_link_of_a_newcomers():
    """A newcomer describing spam bots names t.me (or t.me/+) as a word: read as a link of hers, the
    newcomers' link rule agreed with a stop phrase and removed her at once (a blind probe, lead43)."""
    described = "新号名字就叫兼职日结 简介里挂个 t.me 链接 明显是机器人"
    assert contact.promoted_links(normalise(described)) == ()
    assert _first_offence(described, newcomer=True) == "warned"  # the stop phrase alone, not removed
    rule = "有人在群里发 t.me/+ 这种邀请链接的 一律先封号"
    assert contact.find_contacts(normalise(rule)) == () and contact.promoted_links(normalise(rule)) == ()
    # with a handle or an invite code it is a link again
    assert [c.kind for c in contact.find_contacts(normalise("进群 t.me/+AbCdEf123"))] == ["im-link"]
    assert contact.promoted_links(normalise("进群 t.me/+AbCdEf123")) != ()


@pytest.mark.parametrize("text", ["我们厂招普工 日结工资 一天两百二 包午饭 找线长老刘 138 7305 2291",
                                  "物流园缺夜班分拣 日结工资 联系王队长 158 2047 9361 包车接送",
                                  "装修队缺个小工 日结工资三百 找老刘 136 2750 8914"])
def test_a_newcomers_job_paid_by_the_day_with_a_phone_to_call_is_a_reminder(text):
    """A newcomer's real labour job (日结工资, a stop phrase, and the foreman's phone to call) was
    removed at once: 5 normal lines over spam33's and spam34's blind probes. engine._job_by_phone
    spared only an established member's. A newcomer's is a reminder too; the scam job's promises,
    the number as an account to add, or hidden, still remove."""
    assert _first_offence(text, newcomer=True) == "reminded"
    assert _first_offence(text, newcomer=False) == "reminded"
    for ad in ("兼职日结 在家手机就能做 宝妈学生都可以 电话 138 7305 2291",
               "日结工资 一天两百 加我 V 13873052291",
               "日结工资 一天两百 电话 1 3 8 7 3 0 5 2 2 9 1"):
        assert _first_offence(ad, newcomer=True) == "removed", ad


@pytest.mark.parametrize("text", ["我不是招代理的 就是想问问大家这个面膜好不好用 可以私聊我说",
                                  "不是招代理 我们店是真的要招店员 有意的可以私聊",
                                  "我们这边在做跨境电商 有感兴趣交流的可以私聊 不是招代理 就是聊聊"])
def test_a_denied_ad_word_beside_a_call_to_message_the_writer_is_not_enough_alone(text):
    """不是招代理 with 可以私聊 removed newcomers at once on the stop phrase (招代理 is one; the call
    made it promoted): 3 normal lines over spam27's and spam34's blind probes. Denied, with only a
    call to message the writer here and nothing dangled, paid, linked or to add, it is one signal
    that another check must agree with. A denial with a payout, bait or an id still stands."""
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, SpamModel(), "room")
        assert not decision.spam, decision.evidence()
    for ad in ("不是招代理 宝妈在家就能做 私聊", "我不是招代理 一天三百 有意私聊", "不是招代理 加我微信 abc_8888 详聊",
               "不是招代理 免费领资料 私我"):
        assert decide(Facts(text=ad, newcomer=True), CFG, SpamModel(), "room").spam, ad


@pytest.mark.parametrize("text", ["我建了个读书打卡群 不拉群 不卖课 只是一起读书",
                                  "我们是小区夜跑的 不拉群不推销 周末一起跑", "我这号不加微信的 有事群里说"])
def test_a_newcomer_phrase_the_writer_denies_is_no_call(text):
    """A newcomer phrase stands for a call to act (拉群, 加微信); 不拉群 makes none. One beside the
    char model warned a newcomer in lead57's fresh blind file. With a bait or a payout beside the
    denial (不进群就领不到红包) the phrase still counts."""
    from plugins.antispam.checks import keyword_hit
    assert not keyword_hit(Facts(text=text, newcomer=True), normalise(text), CFG).spam
    for ad in ("不拉群 送红包 想要的来", "不拉群 一天三百 手机就能做"):
        verdict = keyword_hit(Facts(text=ad, newcomer=True), normalise(ad), CFG)
        assert verdict.spam and verdict.details.startswith("newcomer phrase"), ad


@pytest.mark.parametrize("text", ["本群只聊宠物 发刷单 贷款 收卡 棋牌的 一次直接踢 别怪我",
                                  "本群只聊羽毛球，禁止发刷单、代购、贷款广告，看到请截图私我处理",
                                  "群规：只聊房源，发刷单、收U、网赌、贷款的，一经发现直接移出"])
def test_a_group_rule_that_names_the_banned_ads_is_no_ad_word(text):
    """Owners' notices list the ads they ban, and regulars repost them. Two in lead57's fresh blind
    files warned a regular for their 刷单: one told what posting them costs (……的，一次直接踢), one
    asked for reports (看到请截图私我处理), a call the stop phrase's discussion rule read as the
    writer's own. Both are a rule (checks._KICKED_FOR, checks._REPORT_ASKED)."""
    from plugins.antispam.checks import check_keywords
    for newcomer in (False, True):
        assert not check_keywords(Facts(text=text, newcomer=newcomer), normalise(text), CFG).spam
    for ad in ("兼职刷单 日结三百 发现偷懒直接踢", "刷单日结 禁止未成年 看到私我",
               "禁止刷屏 转发截图私我领红包 刷单日结"):
        assert check_keywords(Facts(text=ad, newcomer=True), normalise(ad), CFG).spam, ad


def test_the_scams_name_with_its_payout_is_no_bait_beside_the_ad_word():
    """刷单返利第一单都会返 … 然后就不返了 (a member telling how the scam works) removed a newcomer at once:
    the stop phrase 刷单, and 返利 of the scam's own name read as a bait beside it. The name said whole
    is one signal; a real bait or a call beside it still makes the ad."""
    text = "刷单返利第一单都会返 第二单就让你做连单 然后就不返了"
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, SpamModel(), "room")
        assert not decision.spam, decision.evidence()
    for ad in ("刷单返利 一单一结 加我", "刷单返利 免费教 一天赚两百", "刷单 做一单返利一单 红包拿到手软"):
        assert decide(Facts(text=ad, newcomer=True), CFG, SpamModel(), "room").spam, ad


def test_a_bait_someone_had_named_in_a_warning_is_not_the_writers_call():
    """群里不要随便扫码领东西 前两天有个扫码领充电券的 扫了要填银行卡 removed a newcomer at once on 扫码领
    (spam34's blind probe): 有个…的 names the bait as a thing seen, as 那个…的 does. An ad's own call
    beside it stays its own."""
    text = "群里不要随便扫码领东西 前两天有个扫码领充电券的 扫了要填银行卡"
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, SpamModel(), "room")
        assert not decision.spam, decision.evidence()
    ad = "注意 有个扫码领充电券的活动 我们这是正规的 扫码领 加我微信 abc888"
    assert decide(Facts(text=ad, newcomer=True), CFG, SpamModel(), "room").spam


def _reading(text: str, newcomer: bool = False) -> list[str]:
    decision = decide(Facts(text=text, newcomer=newcomer), CFG, SpamModel(), "room")
    return [v.details for v in decision.fired if v.name == "keywords" and v.conclusive]


def _reads(text: str, what: str | tuple[str, ...], newcomer: bool = False) -> bool:
    """A reading named `what` (its details' opening words) convicts the text."""
    return any(d.startswith(what) for d in _reading(text, newcomer))


@pytest.mark.parametrize("text", ["车友们 年审不用上线 不用去检测站 资料给我 三天出合格标 外地车也能办",
                                  "学信网可查的本科 不用考试 一年拿证 考公报名学历不够的可以了解下",
                                  "考公体检 血压高的 转氨酶高的 有办法过 专业团队 不成功不收费",
                                  # 代办 a paper: not getting it yourself (the lead's, after spam34)
                                  "代办健康证 免体检 加急当天拿 全市都能办"])
def test_fake_papers_offered_are_an_ad_from_anyone(text):
    """A licence, diploma or test result offered without the exam or check (三天出合格标, 不用考试 一年拿证,
    有办法过 不成功不收费): spam34's blind probe missed them from an established member, the char model
    at 0.66–0.95 with nothing else. Asked about or warned about, the same words are no ad."""
    assert _reads(text, "fake papers for sale"), text
    for member in ("考驾照有人说能包过 你们信吗", "那个说不用考试就拿网约车证的 都是假证 查到了车要扣",
                   "千万别相信办证的小广告 什么驾照学历都能办的 都是假证", "跟你一天拿证哦，历时两年",
                   "我考驾照科目二一次就过了 教练说我三天就能学会倒库",
                   # a report's turnaround said as a fact, a story of a 代办 that took the money (the
                   # lead's hard lines after spam34: the first was reminded as an ad from a regular)
                   "体检报告三天出，医院说的，有需要的去社区医院做", "网上说帮代办居住证的那种我找过交了钱没消息了"):
        assert not decide(Facts(text=member), CFG, SpamModel(), "room").spam, member


@pytest.mark.parametrize("text", ["跑步的朋友可以去小红书搜 配速阿坤 他的训练计划跟着练 半马进了两小时 免费领",
                                  "剧本杀爱好者 抖音搜 阿狸讲本 每晚八点直播 进直播间送拼场券",
                                  "考公的同学 b站搜 上岸小刘老师 申论课全部免费 关注私信领资料包",
                                  # a platform the contact finder does not list, 搜 before the platform
                                  "百度搜 驾考秘籍 第一个就是 点进去领题库",
                                  "搜一下 小红书 跑步阿强 置顶笔记评论就发计划"])
def test_a_search_referral_with_a_gift_for_following_it_is_an_ad_from_anyone(text):
    """A search term on another platform with a gift for following it (免费领, 进直播间送…券, 关注私信领):
    the referral ads spam33's and spam34's blind probes read weakest (0.49, 0.54 from an established
    member), caught at most on the char model's word. The search term alone, a recommendation, or the
    same ad quoted in a warning is no ad."""
    assert _reads(text, "search referral"), text
    for member in ("新手摄影推荐b站搜 影视飓风 讲得很清楚", "想学修图的可以去小红书搜 LR调色教程 很多免费的",
                   "百度搜一下就知道了 不用问我", "大众点评上搜 那家火锅 评分挺高的",
                   # a coupon the writer used (warned from a regular: the lead's hard lines after spam34)
                   "抖音搜一下 老乡鸡 关注后有优惠券领，今天吃了挺划算", "淘宝搜 xx旗舰店 关注店铺领5元券，我刚买的",
                   '截个图给大家看看 有人私聊我发"抖音搜 XX 关注私信领优惠券" 我搜了 主页全是让加微信的 别上当'):
        assert not _reading(member), member


@pytest.mark.parametrize("text", ["车友们 新能源充电桩项目 投一台三万 每月分红两千 两年回本 政府扶持",
                                  "阿姨们 养老公寓认购 一次交五万 每年返八千 到期本金全退 街道推荐的",
                                  "储能电站认购 一度电分你五毛 投一万 一年稳拿百分之二十 老车主都在投 名额不多"])
def test_a_fixed_return_offered_on_money_put_in_is_an_ad_from_anyone(text):
    """A sum put in, a return promised per month or year and a pitch (投一台三万 每月分红两千 政府扶持):
    spam34's blind probe read investment scams 0.457 from an established member, told as a
    neighbour's tip with no contact word. A member's own deposit or fund, a question, or the scheme
    told about as 非法集资 is no ad."""
    assert _reads(text, "fixed returns offered"), text
    for member in ("我在银行存了五万定期 每年利息一千二 比余额宝强点",
                   "养老项目一次交五万每年返八千 这种就是非法集资 社区都贴通知了",
                   # a deposit's rate passed on as a tip (reminded as an ad from a regular, the lead's
                   # hard lines after spam34)
                   "我在招行存五万定期，年化2.6，比余额宝强，推荐大家了解一下",
                   "有人说投一台充电桩每月分红两千 靠谱吗", "我买的基金今年收益百分之五 还行吧"):
        assert not _reading(member), member


@pytest.mark.parametrize("text", ["大家好新来的 我这边招打字员 在家做 按件算 一天两三百没问题 要的私我",
                                  "招兼职 给好评截图 一条五块 当天结 学生宝妈都能做",
                                  "诚招录入员 零基础 在家就能做 一千字十五 日结"])
def test_the_task_scams_promises_with_a_piece_rate_are_a_recruitment_pitch_without_an_address(text):
    """The scam job's promises (打字员, 在家做, 宝妈, 当天结 …) with a rate per piece (一天两三百, 一条五块) and
    no address to apply to but 私我: recruiting() wanted a free mail box, a QQ or an id, and spam34's
    blind probe missed such jobs from an established member. A member's own shop's job, a question,
    or a job with one honest pay term is no pitch."""
    assert any(d.startswith("recruitment pitch") and "piece rate" in d for d in _reading(text)), text
    for member in ("我们店招收银 周末兼职 一小时二十 学生可以 离地铁站近",
                   "招打字员在家做 一天两三百 这种是骗人的吧 有人信吗", "物流园招装卸 日结 一天三百 包午饭"):
        assert not _reading(member), member


@pytest.mark.parametrize("text", ["少儿口才班秋季招生 每周日下午 前八名报名打九折 有兴趣的家长私我",
                                  "暑期美术集训营 国美老师带 现在报名送一整套颜料 名额只剩六个 想报的戳我",
                                  "初中物理一对一 上门辅导 不满意全额退 家长们需要的找我约时间",
                                  # the refund promised as the deal is no refund complained about (lead50's 考研群)
                                  "考研集训营 封闭式管理 包住宿 不过全额退费 咨询电话 400-888-9999 前50名报名立减2000",
                                  "钢琴一对一 考级辅导 不满意退费 想学的找我"])
def test_a_class_promoted_with_a_deal_and_a_call_is_an_ad_from_anyone(text):
    """A class or course (班, 营, 辅导 …), a deal (前N名 N折, 报名送, 名额只剩, 不满意退) and a call to the
    writer (私我, 戳我, 找我): the tenth blind probe (spam35) read course promotions 0.56 from an
    established member, in a parents' group's own words with no contact word. Parents telling what a
    class cost, a teacher saying who she is, a question, or the offer warned about is no ad."""
    assert _reads(text, "class promoted"), text
    for member in ("我们报的那个暑假班八折 算下来一节课一百出头 不知道贵不贵",
                   "学而思的续班优惠今天截止 我还没想好续不续",
                   "大家好 我是新来的钢琴老师 家里有孩子想学的可以私聊我",
                   "那个口才班前十名打九折 私我报名 这种靠谱吗",
                   "提醒各位家长 有人在群里发什么集训营八折私聊 交了定金就拉黑 大家别信",
                   "@所有人 烘焙体验课周六下午 材料费AA 报名截止周四 不会的可以私聊我",
                   # a member gathering the group for a shared class: the deal is the group's (lead35)
                   "游泳班团购，5人以上打八折，想报的私聊我", "我在组织拼班学画画，凑够6个娃老师给打8折，有兴趣的找我",
                   "上次说的那个跆拳道班，前十名八折，我已经把咱们群的名单报过去了，还有要加的私我",
                   "瑜伽课团报打七折，已经有4个姐妹了，还差两个，戳我",
                   # a refund complained about, its deal quoted
                   "那个集训营说不过全额退费 前十名八折 结果退费扯皮半年 谁报了找我一起维权",
                   "考研班报名的时候说不过全额退费 现在要退费找我要各种材料 有人遇到过吗"):
        assert not _reading(member), member


@pytest.mark.parametrize("text", ["远红外护肩 晚上戴着睡 肩膀就不酸了 老同事们要的找我 一副八十",
                                  "这个艾草足贴 贴一晚上 失眠好了一大半 叔叔阿姨们需要的私聊 一盒三十片",
                                  "富氢水杯 每天喝它泡的水 血脂降了 原价四百八 今天群友价两百",
                                  # lead37's: a pet's, a camper's, a smoker's, a tired head's goods
                                  "宠物化毛膏 每天挤一点 猫咪不吐毛球 一支三十五 要的私我",
                                  "驱蚊手环 戴上一夏天不被咬 十块一个 需要的找我",
                                  "润肺茶 喝半个月咳嗽没了 一盒六十 要的吱一声",
                                  "负离子手链 戴着开车头脑清醒 群里价八十八"])
def test_goods_sold_on_their_effect_on_the_body_are_an_ad_from_anyone(text):
    """A thing worn, drunk or stuck on (护肩, 足贴, 水杯), a complaint it changes (肩膀就不酸了, 失眠好了,
    血脂降了) and an offer (要的找我, 一副八十, 群友价): goods sold on their effect were the weakest kind of
    the tenth and eleventh blind probes from an established member (0.36, 0.08), no contact word in
    them. A member's own use told with its price, what someone bought or was given, a doctor's word,
    a doubt, a question or a warning is no ad (lead36's lines)."""
    assert _reads(text, "effect for sale"), text
    for member in ("我给我爸买了个护膝 戴了一个月 膝盖好多了 一百多块",
                   "医生让我贴的膏药 贴了三天腰就不疼了 一盒二十",
                   "我妈天天喝那个降压茶 血压也没降 一盒一百多 白花钱",
                   "这个枕头我睡了半年 颈椎好多了 推荐给大家 京东两百多",
                   "我老公用了这个生发液 头发真长出来了 一瓶一百五",
                   "我们厂里发的护腰 腰疼好了不少 一条一百多 挺值",
                   "那个手环戴了睡眠好了一点 可能是心理作用 一百二买的",
                   "那个说戴上膝盖就不疼的护膝 一套99 专门骗老人的 大家别买",
                   "这个护眼贴贴一个月视力能回升 一盒五十 真的假的",
                   # lead37's, for the pets', campers' and tired heads' goods read since
                   "我家猫吃了化毛膏 不吐毛球了 三十多块买的",
                   "这个驱蚊手环戴上照样不被咬才怪 一身包 别买",
                   "医生说这个茶对咳嗽好 喝到咳嗽没了再停 一盒三十",
                   "鱼药泡就好了吗 白点全治吗 要的话哪里买",
                   "我爸戴了磁疗手链说头脑清醒了 我看是心理作用 要的说一声我发你链接",
                   "颈椎舒服了好多 多亏了康复科的理疗 要的说一声我把医生电话给你"):
        assert not _reading(member), member


@pytest.mark.parametrize("text", ["跟着王老师做短线 这周已经三个涨停了 想上车的私我拉你",
                                  "内部消息 下周有只票要连板 名额有限 想跟的私",
                                  "币圈老哥带单 合约跟单胜率九成 想翻身的加我",
                                  "保本保息的项目 我们单位好多人都在做 想了解的私聊我",
                                  "理财名额只剩三个 收益稳定 随存随取 要的抓紧私我",
                                  "最近有个稳赚的路子 每天花十分钟 想了解的姐妹私我",
                                  "跟着老师做了三个月 一次没亏过 想上车的抓紧"])
def test_gains_promised_on_an_investment_with_no_sum_are_an_ad_from_anyone(text):
    """A venture (理财, 票, 合约, 项目), a gain promised to whoever follows (涨停, 内部消息, 带单, 保本, 收益稳定)
    and a pitch (上车, 名额, 想翻身的加我): investment ads that name no sum were the eleventh blind probe's
    second-weakest kind from an established member (0.42); returns.py needs a sum and a rate. A member's
    own fund told, a question, a loss or a warning about 带单老师 is no ad (spam37's hard lines)."""
    assert _reads(text, "investment gains promised"), text
    assert _reads(text, "investment gains promised", newcomer=True), text
    for member in ("我这个月基金收益还行 比余额宝高一点 有兴趣的可以一起交流",
                   "今天大盘好多涨停的 我的票也翻倍了哈哈 请大家喝奶茶",
                   "跟着老师炒股稳赚的都是骗子 我同事亏了二十万 大家别信",
                   "有没有人知道现在有什么稳赚的理财 银行定期太低了",
                   "我在招行买的理财 保本的 收益两个多点 不高但是稳",
                   "又有人在群里发带单跟单的 大家注意 全是割韭菜的",
                   "基金定投坚持三年 收益稳定在百分之六左右 分享给大家参考",
                   "招跟单员 外贸公司 会英语优先 有意私我",
                   "哪有什么稳赚的路子 踏踏实实上班吧",
                   "我们公司内部消息 年后要涨工资 想跳槽的再等等",
                   "这个渠道买的机票便宜 需要的找我拿链接",
                   # a bank's own staff on a real product: a soft gain needs a pitch that hurries (名额, 上车)
                   "新人报到 我们行新出的理财产品收益稳定 比定期高一点 需要的可以找我了解",
                   # a game's ranks and boosting: the shared set's game chat
                   "黄金铂金钻石带打跟单需要的老板滴滴稳定上分"):
        assert not _reading(member) and not _reading(member, newcomer=True), member


@pytest.mark.parametrize("text", ["专业代办营业执照 个体户注册 代理记账 价格优惠 有需要的私聊我",
                                  "老房翻新 水电改造 免费上门量房 群友打折 有需要的联系我",
                                  "家电维修 随叫随到 不修好不收钱 有需要私聊",
                                  "论文代写 降重 毕业设计 包过 多年经验 需要的同学找我",
                                  "疏通下水道 马桶 地漏 半小时上门 需要的直接找我"])
def test_a_service_pitched_to_the_group_with_no_contact_data_is_an_ad_from_a_regular(text):
    """A service (代办, 翻新, 维修, 代写, 疏通), the trade's selling words (专业, 免费上门量房, 随叫随到, 包过)
    and a call (有需要的私聊我): the eleventh blind probe read such pitches 0.50 from an established member.
    A member saying who they are, passing on a craftsman they used or a relative's trade, asking for one,
    telling of their own renovation, hiring, or warning of such pitches is no ad; nor is a newcomer naming
    their trade a conviction here (the newcomers' rule reminds them: engine._says_only). 论文代写 … 包过 is fake
    papers since spam47 (代写 a thesis with a pass promised), read before the service: from anyone."""
    assert _reads(text, ("service pitched", "fake papers for sale")), text
    assert not _reads(text, "service pitched", newcomer=True), text
    for member in ("我家装修的时候找的那个师傅很靠谱 价格也实惠 需要的找我要电话",
                   "我家刚装修完 水电改造花了两万多 师傅人挺好",
                   "有没有靠谱的陪诊 我妈下周要去协和复查 求推荐",
                   "小区群里有人发上门疏通下水道的 结果来了乱收费 大家小心",
                   "@所有人 本群禁止发代办、装修类广告 有需要的请私下联系 谢谢配合",
                   "大家好 我是做装修的 以后有事可以找我 多多关照",
                   "我老公是做水电维修的 十几年经验 谁家有活可以找他 需要的私我",
                   "我们公司招个会计 会代理记账的优先 专业对口 有意的私我",
                   "我朋友在做家电清洗 专业的 价格实惠 需要的我把电话给你们",
                   "群友价出空调挂机一匹半，能用，装修换中央空调，专业拆装，需要的群里吱一声",
                   "我干了二十年装修 谁家装修有不懂的可以问我 不收钱",
                   "大家好 我是陪诊师 专业陪老人看病 有需要的可以私聊我",
                   # a member's own trade with its price, no selling words (the corpus's member_offers)
                   "钢琴陪练：我是音乐学院大三的，暑假在家，可以给小区小朋友陪练，一小时80，有需要的家长私我"):
        assert not _reading(member), member


@pytest.mark.parametrize("text", ["我在抖音开了个店 卖家乡的土特产 搜 秦岭山货阿强 群友下单找我改价",
                                  "闲鱼搜 老周数码 是我的店 群里的朋友买更便宜 找我",
                                  "来我直播间看看 抖音搜 梅姐家纺 今晚八点开播 群友价更低"])
def test_a_referral_to_the_writer_s_own_shop_with_a_sale_is_an_ad_from_a_regular(text):
    """The writer's own shop or account on another platform (我在抖音开了个店, 是我的店, 来我直播间), where to
    find it (搜, 开播) and a sale (下单找我改价, 买更便宜, 群友价): the eleventh blind probe read referrals with
    no gift 0.31 from an established member. A member's child's drawings shown for likes, a tip about
    someone else's shop, or the writer's own shop's opening hours is no ad (spam37's hard lines)."""
    assert _reads(text, "referral to the writer's own shop"), text
    for member in ("我在抖音开了个账号 记录带娃日常 大家有空去看看",
                   "推荐一家淘宝店 搜 南风小铺 我买过好几次 质量不错",
                   "我家孩子在小红书发画 搜 小米画画 大家帮忙点个赞",
                   "我们家店周末休息 需要取货的周五前找我",
                   "我的淘宝店被人骗了 有人搜我的店名冒充卖假货 大家别买",
                   "我开了个小店 就在菜市场门口 卖自己做的辣椒酱 大家路过来尝尝",
                   "我在快手直播唱歌 搜 小王爱唱歌 大家有空来捧场"):
        assert not _reading(member), member


def test_a_split_qq_number_after_jia_kou_is_logged_as_what_it_was():
    """A guild's day logged 稳定科技… 加扣 3 8 7 2 2 9 1 0 4 as "obfuscated: 加V" alone."""
    result = fired(Facts("稳定科技 不封号 需要的加扣 3 8 7 2 2 9 1 0 4", newcomer=True))
    assert "qq 387229104" in result["contact"]
    assert "shorthand after 加 (加V, 加扣)" in result["contact"] and "split digits" in result["contact"]


@pytest.mark.parametrize("text", ["宝妈们在家没事可以接点活 帮商家点评 一条三块 手机就能做 想做的私",
                                  "下班后两小时 一天多挣两三百 不用经验 有兴趣的滴我",
                                  "招手工外发 在家缝纽扣 一个五毛 先交二百押金拿料",
                                  "需要几个人帮忙关注公众号 一个给你三块 秒结 做完就给钱",
                                  "招网络客服 在家上班 月入五千 新手包教 入职先交三百培训费",
                                  "每天花半小时 刷刷手机 一个月多赚两千 感兴趣的扣1",
                                  "兼职听书员 听完写个感想 一篇三十 学生党也能做",
                                  "闲着也是闲着 手机挂着就行 一天给你六十 名额不多 不是骗子",
                                  # spare time and no skill as the read probe files' misses say them
                                  "找几个人 打字就行 日结一百二 有时间的私我",
                                  "利用碎片时间 宝妈学生都行 月入四千 私聊了解",
                                  # coaxing about the pay is no running it down
                                  "在家就能做 手机接单 一天一百五 不嫌钱少的私我",
                                  "在家就能做 手机接单 一天三百 赚钱少不了 想做的私我"])
def test_easy_money_offered_as_a_job_with_no_workplace_is_an_ad_from_anyone(text):
    """Pay with a figure (一条三块, 月入五千), an easy-money promise (在家, 手机就能做, 不用经验, 每天花半小时,
    先交培训费) and the job or a call (招, 接点活, 扣1): the twelve probes' jobs and easy money were 80 of 299
    through from an established member, no address to apply to for recruit.py. An honest opening with its
    workplace, a member's or a relative's side job told, a question about pay, a warning quoting the scam or
    an owner's notice is no ad (spam38's hard lines), from a regular or a newcomer."""
    assert _reads(text, "easy money offered as a job"), text
    assert _reads(text, "easy money offered as a job", newcomer=True), text
    for member in ("我们厂招普工 日结工资 一天两百二 包午饭 找线长老刘",
                   "我们店招个洗碗阿姨 一小时二十 下午三点到九点 地址在菜市场东门",
                   "我们球馆要招个周末的前台 学生也行 时薪二十",
                   "快递站招分拣 晚上六点到十点 一小时二十五 在物流园三号库 找站长",
                   "我们公司招前台 不用经验 五险一金 一个月五千 简历发我",
                   "有没有在家能做的兼职啊 一天五十也行 带娃走不开",
                   "提醒大家 在家动动手指一天三百的都是骗子 先交培训费的更别信",
                   "群里有人发那种一单返八块的好评兼职 别碰 是刷单诈骗",
                   "我妈退休了在家做手工 一个月也就几百块 图个打发时间",
                   "我在家做手工活 串珠子 一个几毛钱 纯粹打发时间 挣不了几个钱",
                   "刚问了 那个试玩游戏的兼职要先交押金 果断放弃了",
                   "副业做家教一小时两百 一个月多赚三千 累是累点",
                   "每天两小时 坚持跑了一个月 瘦了五斤",
                   "利用碎片时间 一天50个单词 想一起打卡的私我",  # digits then 个 count things, not pay
                   "车位出租 地下二层 一个月四百 押一付三 白天上班 留言就行 需要的邻居私聊我",
                   "群公告：禁止发刷单、兼职、投资理财类广告 违者移出",
                   "钢琴陪练 我是音乐学院的 暑假在家 一小时八十 有需要的家长私我",
                   "大家好 我是做保洁的 一小时五十 有需要可以私我",
                   "大家好 新人报到 我是做家教的 一小时一百 周末有空 有需要的家长私我",
                   "我们小区超市招理货员 一个月三千五 不用经验 有意的去店里找王姐",
                   # the writer's own side job with its pay run down (lead53)
                   "我现在做电商客服兼职 在家就行 就是钱太少 一个月也就一千出头",
                   "在家接配音兼职半年了 收入很低 一条才几块 不推荐大家做",
                   "下班后接点翻译的活 手机上就能做 工资比较低 一千字六十"):
        assert not _reading(member) and not _reading(member, newcomer=True), member


@pytest.mark.parametrize("text", ["叔叔阿姨们 我们这个养生基地入股一万 一年分四千 国家支持 感兴趣的来参观",
                                  "新出的一个币 现在两毛 下个月上线 最少翻二十倍 想进的私",
                                  "矿机托管 买一台每天产币 八个月回本 有意了解的私聊",
                                  "有个好项目 投两万 一年变十万 早进早赚 私我",
                                  "和田玉原石 收藏级的 五年翻五倍 公司回购 有兴趣的聊聊",
                                  "普洱茶是越放越值钱的 这批老茶三年翻三倍 我手上还有 要的找我",
                                  "村里的土鸡养殖合作 入股五千 每月分红 老乡们抓紧",
                                  "咱们这个农业合作项目 一亩投三千 年底每亩分一千二 政府有补贴 想参与的私聊"])
def test_a_stake_sold_on_what_it_grows_to_is_an_ad_from_anyone(text):
    """A stake bought into (入股, 币, 矿机, 项目, 收藏, 老茶), what it grows to (一年分四千, 翻二十倍, 回本,
    一年变十万) and a call to come in (感兴趣, 想进的私, 抓紧): the twelve probes' investment scams were 70 of
    238 through from an established member, most naming no fund and no fixed rate on a sum. A member's own
    fund told, a village's dividend paid, a scheme warned about, the market's news or a question is no ad."""
    assert _reads(text, "investment gains promised"), text
    assert _reads(text, "investment gains promised", newcomer=True), text
    for member in ("我去年买的基金今年翻倍了 运气好 请大家喝奶茶",
                   "村里合作社年底分红了 每户两千 去村委会领",
                   "那个养老项目说每月分红 结果老板跑路了 大家别信",
                   "有人拉我入股他的奶茶店 说一年回本 我没敢投",
                   "提醒叔叔阿姨 说什么养老公寓认购每月返钱的 都是非法集资",
                   "收藏邮票的老爷子说 这套生肖票翻了好几倍 他舍不得卖",
                   "元宇宙土地那种东西早就凉了 当初谁买谁亏",
                   "我们单位年终有分红 今年效益不错",
                   "存银行利息太低了 有什么稳一点的理财推荐吗",
                   "新人报到 我在银行上班 做基金的 有需要可以找我了解",
                   "分享一下我们公司的内推 做半导体的 年终加分红 有兴趣的朋友可以把简历发我",
                   "年化百分之三的大额存单 银行今天还有额度 需要的赶紧去",
                   "今年合作社种的香菇收成好 年底分红能多一些 大家辛苦了"):
        assert not _reading(member) and not _reading(member, newcomer=True), member


@pytest.mark.parametrize("text", ["增高鞋垫 孩子穿三个月长高四厘米 不长退钱 家长们私我",
                                  "瘦身咖啡 一个月瘦十五斤 不运动不节食 要的加我",
                                  "男士保健品 效果显著 隐私发货 私聊",
                                  "美白丸 吃一个月白两个度 宝妈们抢 买二送一",
                                  "降糖茶 老人喝了胰岛素都停了 很多人在喝 私信拿货",
                                  "护肝片 效果明显 一盒九十九 需要的私我",
                                  # a second guarantee stands for the goods or the offer
                                  "男士专用 增大增粗 效果显著 扣我",
                                  "练什么 喝这个 月瘦十斤 加我拿货"])
def test_goods_sold_with_a_guaranteed_result_are_an_ad_from_anyone(text):
    """Goods (鞋垫, 咖啡, 保健品, 丸, 茶, 片), a result only a seller guarantees (长高四厘米, 月瘦十五斤, 效果显著,
    白两个度, 胰岛素都停了) and an offer (私我, 隐私发货, 买二送一): the twelve probes' fake goods were 84 of 242
    through from an established member. A patient's or a relative's story, a doctor's word, a doubt, a
    warning or an owner's notice is no ad."""
    assert _reads(text, "guaranteed result for sale"), text
    for member in ("孩子长个子主要靠睡觉和运动 别信什么增高药一个月长高5公分",
                   "我老公吃了那个减肥茶 一个月瘦了十斤 不过反弹了",
                   "那个效果显著的壮阳药广告 大家千万别买 都是骗钱的",
                   "我表姐家用的这个偏方 说七天见效 我是不太信",
                   "@所有人 本群禁止发保健品、增高药、减肥药广告 发现直接踢",
                   "我妈的降压药是医生开的 吃了一个月血压稳住了",
                   "这个护肝片效果明显吗 一盒九十九 有人吃过吗",
                   "那个增高鞋垫 三个月长五厘米不长退钱 退的时候就找各种理由",
                   "减肥产品月瘦二十斤的都是骗人的 不运动不节食怎么可能",
                   "我妈吃了那个降糖胶囊 说停了胰岛素都没事 结果住院了",
                   "这个降压药效果明显 医生开的 我爸吃了半年"):
        assert not _reading(member) and not _reading(member, newcomer=True), member


@pytest.mark.parametrize("text", ["苹果官换机 全新未激活 比官网便宜一千五 一台四千 要的私",
                                  "海关罚没的平板 九成新 比京东便宜一半 我这还有五台",
                                  "某牌奶粉 工厂尾单 和超市卖的一样 便宜一半 一罐八十 宝妈冲"])
def test_grey_goods_sold_far_below_their_price_are_an_ad_from_anyone(text):
    """Goods said to be genuine by another road (官换机 未激活, 海关罚没, 工厂尾单 和超市一样), far cheaper than
    where they are sold (比官网便宜, 便宜一半) and the writer's sale (一台四千, 我这还有, 私): the twelve probes'
    fake goods had them through from an established member. What the writer bought, a question, a warning, a
    court's auction passed on or a group buy's price is no ad."""
    assert _reads(text, "grey goods for sale"), text
    for member in ("iPhone官换机我去年买的 比官网便宜两千 用着挺好",
                   "免税店的烟比外面便宜 下次出国帮你们带吗",
                   "群里有人卖海关罚没的iPhone 比官网便宜两千 都是骗子 别信",
                   "海关罚没的东西法院会拍卖 比市场价便宜 可以去网上看看",
                   "外贸尾单的衣服质量其实不错 我在批发市场淘的 三十一件",
                   "团购的车厘子比超市便宜一半 一箱两百 明天截单",
                   "免税店的化妆品比专柜便宜一半 去海南可以带",
                   "新人 做二手手机回收的 官换机翻新机都能帮大家看 不收钱",
                   "我爸的降压药换成了国产的 效果一样 便宜一半 医保能报"):
        assert not _reading(member) and not _reading(member, newcomer=True), member


@pytest.mark.parametrize("text", ["驾照 不用考试 包过 一个月拿证", "各类证件 电工证 焊工证 不用考 两周拿到",
                                  "入职体检报告代开 不用去医院 当天出"])
def test_a_paper_with_two_promises_is_offered_without_a_call(text):
    """Two of a fake paper's promises (不用考试 包过; 不用考 两周拿到; 代开 不用去医院) sell it with no call or
    price beside them, as 代办 and another did; one promise told, a question or a warning is no ad."""
    assert _reads(text, "fake papers for sale"), text
    for member in ("驾照考试科目二挂了两次 教练说包过的都是骗人的",
                   "考驾照不用考试包过的那种 是不是都是假的",
                   "体检报告当天出 医院说的 不用来回跑",
                   "四六级答案考前拿到的都是骗子 别交钱",
                   "孩子入园体检报告在社区医院做的 三天就拿到了"):
        assert not _reading(member) and not _reading(member, newcomer=True), member


def test_a_numeral_starting_a_group_word_is_not_read_into_the_number_before_it():
    """A blind probe's notice 二群的群号是 901 572 338 一群满了: the 一 of 一群 was read into the
    number (9015723381), as the 一 of 一样 had been."""
    result = fired(Facts("韩国留学群 二群的群号是 901 572 338 一群满了 同学们去二群", newcomer=True))
    assert "901572338" in result.get("contact", "") and "9015723381" not in result.get("contact", ""), result


# spam39 (issue 11): the real target's kinds the thirteenth probe read weakest. Written from what the
# missed ads of each kind share over the thirteen files, not from one file's rows.
@pytest.mark.parametrize("text", ["麻将群 一块两块的 晚上八点开 缺人的话我拉你",
                                  "线上炸金花 五十起 老板坐庄 想玩的私聊",
                                  "欧冠竞猜 赔率高 结算快 一百起押",
                                  "幸运飞艇 计划群 跟着下 稳赚 带你回血",
                                  "有人玩百家乐吗 我这有个平台 带你们赚",
                                  "红包扫雷群 五包一百 赔1.8倍 二十四小时有人 进群找群主",
                                  "押 大 小 一 块 起 押 很 好 赚 我 带 你"])
def test_gambling_offered_is_an_ad_from_anyone(text):
    """A game of chance or a bet (炸金花, 竞猜, 飞艇, 百家乐, 扫雷, a 麻将 group), the money (一块两块, 赔率高,
    稳赚, 赔1.8倍) and the call (拉你, 想玩的私聊, 带你) or a second money word: the thirteen probes'
    gambling was 28 missed from an established member, with no contact word. Game chat, a friends'
    game for beans, a bet told, a warning or a question with no call after it is no ad."""
    assert _reads(text, "gambling offered"), text
    assert _reads(text, "gambling offered", newcomer=True), text
    for member in ("上分上分 今天必须上王者 谁来带我",
                   "三缺一 来个人斗地主 欢乐豆的",
                   "周六晚上我们几个打麻将 雀魂上 谁来",
                   "来 我带你上分 今晚双排",
                   "今晚湖人赔率多少 有人知道吗",
                   "我押的湖人赢了 一赔二 请大家喝奶茶",
                   "上分群就是赌博 别看一块钱一分 一晚上能输几万",
                   "群里那个红包扫雷的别进 都是赌 已经踢了",
                   "过年回家打麻将 一块两块的 图个乐",
                   "世界杯竞猜活动 送皮肤碎片 不花钱 大家记得去点",
                   "谁要二手的麻将桌 全自动的 五百 私我 自己来搬",
                   "庄家在出货 明天可能要跌 大家注意仓位",
                   "钓鱼比赛周六开始 报名费五十 前三名有奖品 想参加的私我"):
        assert not _reading(member) and not _reading(member, newcomer=True), member


@pytest.mark.parametrize("text", ["附近的小姐姐想认识你 照片都在相册里 code：mm2288",
                                  "寂寞了吗 晚上十点后在线 找【雪】暗号xue66",
                                  "新到几个学生妹 照片真实 私信 甜",
                                  "工作累了吧 会所新开 男士专享 懂的来 找红姐",
                                  "压力大吗 小姐姐陪你解压 私信 晴"])
def test_company_or_sex_offered_is_an_ad_from_anyone(text):
    """The women offered or the lure's own words (小姐姐, 学生妹, 寂寞, 会所, 照片真实, 陪你解压, 懂的来), two
    at once with a strong one, and the way to them (私信, 暗号, 找, 相册, a plain id): the thirteen probes'
    adult lures were 27 missed from an established member, half with a plain WeChat id. 小姐姐, 放松 and
    a social invitation alone, a spa visit told, a warning or a discussion is no ad."""
    assert _reads(text, "company or sex offered"), text
    assert _reads(text, "company or sex offered", newcomer=True), text
    for member in ("小姐姐们晚上好 今晚有空吗 一起去吃火锅 私我",
                   "周末去泡温泉放松一下 有一起的私我",
                   "兄弟们 晚上放松一下 来打球 私我",
                   "这种陪聊小姐姐的都是骗子 加了就让你充值 大家别加",
                   "我昨天去按摩了 那家会所环境不错 就是有点贵",
                   "私房菜馆新开了 小姐姐做的菜很好吃 地址找我要",
                   "新来的妹妹 大家多关照 我是做幼师的",
                   "群里有人发那种寂寞少妇的广告 管理员踢一下",
                   "有没有小姐姐一起跑步 周末早上七点 滨江公园"):
        assert not _reading(member) and not _reading(member, newcomer=True), member


@pytest.mark.parametrize("text", ["晚上无聊吗 找 甜 code：tt6677 聊什么都可以",
                                  "下班寂寞了 来找 薇 wei520 一直在线",
                                  "一个人的夜晚 陪你聊天 暗号 柔 rou1314"])
def test_a_one_character_name_and_its_code_with_the_lures_mood_are_an_offer(text):
    """The lure's signature (a name of one character standing apart, then a short letters+digits code)
    beside one word of its night and loneliness: the read probe files' lures with a plain code id were
    missed from an established member. A surname or a pronoun before an id is a friend's or the writer's,
    and 一个人在家 无聊 or 在线等 is a member's own."""
    assert _reads(text, "company or sex offered"), text
    for member in ("我一个人在家 无聊 加 王 wang1990 一起打游戏",
                   "在线等 急 李 li2020 是你吗",
                   "晚上一个人在家 谁来开黑 我 id abc123",
                   "明天一个人去医院 车牌 浙 a12345 停在门口"):
        assert not _reading(member) and not _reading(member, newcomer=True), member


@pytest.mark.parametrize("text", ["想学剪辑的b站搜 小鹿剪辑课 全套免费",
                                  "公众号「跨境获客笔记」回复888获取海关数据",
                                  "知乎关注我@申请规划师Lily 免费回答选校问题"])
def test_a_referral_with_a_free_sample_is_a_referral_with_a_gift(text):
    """A free course, an answer or data handed out for following (全套免费, 回复888获取, 免费回答) is the
    referral's gift; an account named in quote marks or as a handle after the platform is its search term.
    A member's praise of a channel (讲得很好) or a question is no gift."""
    assert _reads(text, "search referral"), text
    for member in ("b站搜 影视飓风 讲得很好 我天天看",
                   "小红书搜 上海周末去哪 有很多攻略",
                   "公众号「人民日报」今天那篇文章大家看了吗"):
        assert not _reading(member), member


@pytest.mark.parametrize("text", ["需要代写留学文书的找我 名校学姐团队 包录取",
                                  "考研调剂一对一指导 成功率高 有需要的同学私聊"])
def test_an_admissions_service_with_a_promised_result_is_pitched(text):
    """An admissions agent's service (文书, 调剂, 一对一指导) sold on its result (包录取, 成功率高) with a call;
    a member asking for one or telling of their own is no pitch."""
    assert _reads(text, "service pitched"), text
    for member in ("有没有人知道考研调剂怎么弄 成功率高吗",
                   "我去年找的那个文书老师很靠谱 包录取是不可能的 但改得认真"):
        assert not _reading(member), member


@pytest.mark.parametrize("text", ["各地发票可代开 专票普票都有 税点低 上网能查",
                                  "查人 查开房记录 查手机定位 专业团队 保密",
                                  "翻墙梯子 稳定不掉线 一个月15 要的私",
                                  "iOS企业签 超级签 掉签包赔 需要的来",
                                  "公众号阅读量 刷粉 点赞 价格最低 一千阅读十块 需要私",
                                  "外卖差评删除 美团饿了么都行 30一条 店家老板找我",
                                  # a licence's points taken for money (lead50's 车友群 day: only reminded)
                                  "违章代处理 驾照分不够 代扣分 一分两百 全国可办 私聊我",
                                  "专业消分 12分 当天处理 不用本人到场 加我"])
def test_a_grey_service_pitched_is_an_ad_from_anyone(text):
    """A grey service (代开发票, 查开房, 手机定位, 梯子, 企业签, 刷粉, 差评删除) with the seller's promise or price
    (税点低, 保密, 稳定不掉线, 掉签包赔, 价格最低, 30一条) and a call or a second promise: the thirteen probes' grey
    services were 37 missed from an established member. A member's VPN complaint, own use told, a question
    or a warning is no pitch."""
    assert _reads(text, "grey service pitched"), text
    assert _reads(text, "grey service pitched", newcomer=True), text
    for member in ("公司的vpn又不稳定了 一个月还要一百 垃圾",
                   "我买的梯子 一个月十五 挺稳定的 就是晚上慢",
                   "有没有好用的机场推荐 要稳定的",
                   "那种查开房记录的都是骗子 还违法 别信",
                   "报销要发票 找财务开 一张一张贴好",
                   "这家店差评太多 别去了",
                   "网课还没看完 期末要挂了 谁来救救我",
                   "这局对面开透视了 举报了",
                   "稳定位置不多了 周六的球场 要来的私我",
                   "驾照消分怎么弄 不用本人去吗 要的话我也去",
                   "交警说学法减分可以在app上学 不用本人到场 需要的可以问我",
                   "朋友让我帮他代扣分 给我两百一分 我没答应 这是违法的",
                   "代扣分一分两百 全国可办 这种都是骗子 别信"):
        assert not _reading(member) and not _reading(member, newcomer=True), member


@pytest.mark.parametrize("text", [
    "叔叔阿姨们好 我们公司搞活动 凭身份证免费领鸡蛋 还有健康讲座 地址在幸福路88号 每天上午9点 名额有限",
    "中老年朋友们 新店开业 到店免费领大米 专家现场讲养生 先到先得",
    "大爷大妈们 明天上午来听健康课 来就送食用油 带上身份证"])
def test_free_gifts_for_a_sales_talk_to_the_elderly_are_an_ad_from_anyone(text):
    """会销: the eggs or rice for coming, the talk or the experts, the elders called. Seen in a
    simulated 老年活动中心 group: only the char model read it, and a newcomer was only reminded."""
    for newcomer in (False, True):
        result = fired(Facts(text, newcomer=newcomer))
        assert "free gifts for a sales talk" in result.get("keywords", ""), (newcomer, result)
    for member in ("社区居委会重阳节慰问 凭老年证免费领鸡蛋 周六上午在活动室 叔叔阿姨们别忘了",
                   "别去 那个免费领鸡蛋的健康讲座都是卖保健品的 叔叔阿姨们千万别信",
                   "我妈上次去领了鸡蛋 听了一上午讲座 回来买了三千块的保健品",
                   "有没有人知道那个送鸡蛋的讲座在哪 叔叔阿姨们说的"):
        result = fired(Facts(member))
        assert "free gifts" not in result.get("keywords", ""), (member, result)


# spam44's game-goods reading (issue 11), taken out at lead43 and brought back by spam45 once the members'
# lines of tests/test_antispam_members_lines.py (game trade passed on, given away, warned about) held.
# Written from what the missed ads of the kind must say, in words of our own, not from the files' rows.
@pytest.mark.parametrize("text", ["王者代练 星耀到王者 纯手工 两天上 要的私我",
                                  "原神月卡代充 八折 uid直充 秒到",
                                  "吃鸡锁头科技 用了一个月没封 团购价 要的戳",
                                  "蛋仔高段号 带限定皮肤 可换绑 一个一百二 闲鱼价一半",
                                  "王者 648 只要四百 官方渠道 不黑号",
                                  # its own denial of the theft it is (checks._STOLEN reads no warning there)
                                  "梦幻代练 包满级 不会盗号 放心 下单即开"])
def test_game_goods_sold_are_an_ad_from_anyone(text):
    """A service only a seller offers (代练, 代充) or a cheat (锁头科技) with one of the seller's words (a
    deal, a promise, a call), or a good members trade too (an account, 648) with two: left out of
    training, the six newest probes' game trade was 22 of 82 missed from an established member. Game
    chat, a buy told, a warning, what it ends in, a denial, a question or the game's own shop's sale
    passed on is no ad."""
    assert _reads(text, "game goods sold"), text
    assert _reads(text, "game goods sold", newcomer=True), text
    for member in ("代练被封了 以后再也不找代练了",
                   "这皮肤五折了 冲不冲",
                   "648又歪了 心态崩了",
                   "我充的648 官方渠道 就是贵",
                   "有人代练吗 我想上王者",
                   "五折代充必是黑卡 充完号就封",
                   "会长说代充的事别在群里聊",
                   "我室友做代练的 一把六十 要的话我帮你们问问",
                   "不要找我要代充 我不做这个",
                   "正版账号 一个三十五 我是在官网买的",
                   "我们是做科技的 有需要可以找我们 青禾科技",
                   "商城这皮肤五折了 放心冲 不亏",
                   "活动期间点券半价 大家放心充 官方活动",
                   "648礼包打五折 有需要的赶紧",
                   # told by what it takes (checks._STOLEN, shared by every reading: lead53)
                   "那种代练 说三天包上王者 不上全退 其实全是盗号的"):
        assert not _reads(member, "game goods sold"), member
        assert not _reads(member, "game goods sold", newcomer=True), member



# spam47 (issue 11): the shapes four read probe files' established misses share (docs/MEASUREMENTS.md, spam46
# §2), in ads written here, not copied from the files; each reading held to tests/test_antispam_members_lines.py
# before it was written.
@pytest.mark.parametrize("text", ["网上斗地主 块一分 随上随下 天天有局",
                                  "牛牛 三公 两元一分 随上随下 通宵有人",
                                  "骰宝 5u就能玩 结果区块链可查 谁也做不了假",
                                  "哈希单双 公平公正 链上可查 机器人自动开奖",
                                  "今晚西甲 巴萨让半球 已连红6场 跟的私",
                                  "篮球滚球 每晚推荐 五中四 稳赚 看置顶",
                                  "德州扑克 网上局 带入100刀 懂的来"])
def test_a_stake_a_tipster_or_provable_fairness_offers_gambling(text):
    """A stake per point or a buy-in with no 上下分 (块一分 随上随下, 带入100刀, 5u就能玩), a tipster's record
    (已连红6场, 五中四) beside a line or in-play bets (让半球, 滚球), a hash game's fairness (链上可查, 做不了假):
    the four read files' gambling was 7 of 53 missed from an established member. A family's game, a
    line argued over, a developer's on-chain randomness, a tipster laughed at is no ad
    (tests/test_antispam_members_lines.py GAMBLING)."""
    assert _reads(text, "gambling offered"), text
    assert _reads(text, "gambling offered", newcomer=True), text


@pytest.mark.parametrize("text", ["欧元换人民币 汇率比银行高 不走银行 当天到账 找我",
                                  "收U 汇率高于市场 当面交易 多伦多温哥华都可以",
                                  "出USDT 比市价低一个点 见面交易 量大优惠",
                                  "澳币换汇 不占额度 当天到 安全放心",
                                  "人民币换港币 汇率比银行划算 不走swift 支付宝转我就行"])
def test_money_exchanged_off_the_books_is_an_ad_from_anyone(text):
    """An exchange (换汇, 欧元换人民币, 收U, 出USDT) at a rate better than a bank's or the market's, with the
    official road avoided (不走银行, 不走swift, 不占额度) or the money handed over in person or to the writer
    (当面, 见面, 转我就行): the four read files' laundering ads of this shape were 5 missed from an
    established member. A bank's or Wise's rate passed on, a friend's pounds at the middle rate, a
    warning is no ad (MONEY_EXCHANGE)."""
    assert _reads(text, "money exchanged off the books"), text
    assert _reads(text, "money exchanged off the books", newcomer=True), text
    for member in ("wise的汇率比银行好 到账也快 留学生都用这个",
                   "中行app换汇 比柜台划算 当天到账"):
        assert not _reading(member), member


@pytest.mark.parametrize("text", ["出卡的来 招行交行都收 带网银 一张三千",
                                  "收闲置的加拿大银行账户 TD RBC 一个账户800刀 什么都不用做"])
def test_bank_cards_bought_by_their_banks_names_with_a_price_each_are_card_rental(text):
    """Cards bought by the banks' names (招行交行) or accounts at a price each (一个账户800刀): the card
    rental reading knew a card named 工行卡 and a payout per card, not a list of banks or a sum per account."""
    assert _reads(text, "card or account rental"), text


@pytest.mark.parametrize("text", ["代写毕业论文 保过 查重包过 不过全退",
                                  "essay 代写 保过 原创 不满意改到满意"])
def test_ghost_written_papers_with_a_pass_promised_are_fake_papers(text):
    """代写 论文 保过: the papers reading knew 包过 and no thesis (the four read files' fakes, 1 missed)."""
    assert _reads(text, "fake papers for sale"), text


@pytest.mark.parametrize("text", ["手头紧的兄弟 黑户花户都能下 今天申请今天到 带个身份证就行",
                                  "无视 黑白 秒下",
                                  "黑白户都是秒批 当天放款 私我",
                                  "大数据花了也能下"])
def test_credit_offered_to_those_the_banks_refuse_is_a_loan_ad(text):
    """The borrower no bank lends to and the loan granted anyway (credit.py): a read probe file's line passed
    an established member. Money talk (a member's own loan, a question, a warning) stays clean
    (tests/test_antispam_members_lines.py CREDIT)."""
    assert _reads(text, "credit offered to the refused"), text


def test_another_group_promoted_by_what_joining_brings():
    """每天十点群里发大红包 进群就有 (a read probe file's line that passed everyone): joining rewarded and the reward.
    A member's own joining, a spammer's way told, a question, and the newcomers' custom here (新人进群就发红包: the
    newcomer pays) are not."""
    assert _reads("每天十点群里发大红包 进群就有", "group promoted with a reward for joining")
    assert _reads("外卖红包群每天整点发大额券，进群就能领", "group promoted with a reward for joining", newcomer=True)
    for member in ("刚进群就看到大家在抢红包哈哈哈，好热闹", "很多广告号都是进群就发 红包链接",
                   "群主说进群就有红包 是真的吗", "咱们群老规矩 新人进群就发红包", "新朋友进群就发个红包 热闹一下"):
        assert not _reading(member), member


def test_a_pump_told_ahead_with_a_call_is_gains_promised():
    """手上有个票 庄家下周拉 … 想吃肉的来问代码 (a read probe file's line that passed everyone): a pump told
    ahead is a gain promised, 想吃肉 and 问代码 the pitch. A member's own watching of the same pump is not."""
    assert _reads("兄弟们 手上有个票 庄家下周拉 我自己也上了 想吃肉的来问代码", "investment gains promised")
    for member in ("庄家又在拉 我没上车 气死", "这只票庄家在拉 明天估计还有 我拿着不动"):
        assert not _reading(member), member


@pytest.mark.parametrize("text", ["vx被封的别急 好友辅助我来 十分钟解 扣1留言",
                                  "全国数据 精准到行业 宝妈 学生 游戏玩家 按条算",
                                  "小红薯素人号铺笔记 一百篇打底 收录不了补发 要做的老板后台踢我"])
def test_an_unban_data_by_the_row_and_seeded_notes_are_grey_services(text):
    """The read probe files' three grey services that passed everyone: a banned account's unban (好友辅助 …
    十分钟解 扣1), data on people by the row (全国数据 … 按条算), notes seeded by the hundred (素人号铺笔记 …
    收录不了补发). Members' talk of the same (tests/test_antispam_members_lines.py GREY_TALK) stays clean."""
    assert _reads(text, "grey service pitched"), text


@pytest.mark.parametrize("text", ["各地正规票据代开 会议费 咨询费 办公用品 税务局网站可查 税点面谈",
                                  "代开各类发票 税点优惠 可验真"])
def test_invoices_issued_for_others_with_one_promise_are_a_grey_service(text):
    """代开 is the offence itself: one promise beside it (税点面谈, 可查) sells it, in whatever order the words
    come (the stop phrase 代开发票 reads one). A company's own invoices that can be checked, or the tax
    office's lawful 代开, stay clean (tests/test_antispam_members_lines.py INVOICES)."""
    assert _reads(text, "grey service pitched"), text


@pytest.mark.parametrize("text", ["淘宝补单 垫付的本金秒返 佣金按单价5%-15% 今天还剩8个位置",
                                  "京东淘宝拼单员 帮商家冲销量 本金佣金秒返"])
def test_the_order_scam_s_steps_offered_are_easy_money(text):
    """Orders for a shop, the buyer's money paid first, and it back with a cut (tasks._advanced): the read
    probe file's 淘宝补单 line passed a newcomer and only reminded an established member. The steps told as
    a trap, or a shop's own refund, stay clean (tests/test_antispam_members_lines.py JOBS)."""
    assert _reads(text, "easy money offered as a job"), text


@pytest.mark.parametrize("text", ["急招 曼谷 客服 包吃包住 月薪三万泰铢起 机票报销 要求会打字",
                                  "高薪诚聘 西港 迪拜 菲律宾 业务员 底薪加提成 护照我们办",
                                  "柬 埔 寨 招 客 服 包 机 票 月 薪 两 万"])
def test_work_abroad_with_the_journey_paid_is_a_compound_s_hire(text):
    """A place abroad, the journey paid or the papers done, and an easy job, with no word of how it ends
    (abroad.py): the read probe files' two passed an established member. An expat group's job talk and the
    trap told of stay clean (tests/test_antispam_members_lines.py ABROAD)."""
    assert _reads(text, "work abroad with the journey paid"), text
    assert _reads(text, "work abroad with the journey paid", newcomer=True), text


# lead54 (issue 11): two fresh blind files' established misses read after measuring (docs/MEASUREMENTS.md
# "lead54"); the ads here are written for the project, not copied from the files.
# The first round: shoals' and banners' misses, read once those files had been measured.
_ROUND1 = [
    ("gambling offered", "老平台棋牌 上下分秒到 输了有返水 想玩的戳我"),
    ("gambling offered", "网上捕鱼 打到的鱼直接换现金 一炮五分 提现秒到"),
    ("gambling offered", "北京赛车 十期中八期 这周跟的都翻倍了"),
    ("password asked for a gift", "本周活跃玩家福利 私发游戏账号和密码给管理员 统一发放限定坐骑"),
    ("password asked for a gift", "周年庆福利 输入网易账号密码 领取永久皮肤"),
    ("code asked for a prize", "中奖名单已出 请把手机收到的验证码发给客服 奖品当天发放"),
    ("code asked for a prize", "恭喜你被抽中年度大奖 提供一下短信验证码 马上给你发放"),
    ("fee asked for a prize", "恭喜幸运玩家获得传说武器一把 领取需缴纳8元手续费"),
    ("fee asked for a prize", "您已中奖 获得扫地机器人一台 请先支付39元运费 今天内有效"),
    ("easy money offered as a job", "诚聘 日结八百+ 无需经验 要求年满18周岁 名额有限"),
    ("easy money offered as a job", "招抄写员 抄小说 按字数算钱 日结两百"),
    ("easy money offered as a job", "抖音点个赞 一个三块 截图发我就结"),
    ("easy money offered as a job", "招网络兼职 每天两小时 当天结算 两百左右"),
    ("game goods sold", "王者代充 便宜到离谱 点券七折 要的戳"),
    ("game goods sold", "梦幻 金币 代刷副本 全服务器可接"),
    ("game goods sold", "和平精英 压枪宏 自动压枪 稳定不封 要的私"),
    ("game goods sold", "正版steam key 半价出 先发key 激活了再付"),
    ("game goods sold", "原神初始号 自选开局 10r一个 拍下秒发"),
    ("game goods sold", "金皮号急出 六个金皮 便宜出 要的来"),
]


@pytest.mark.parametrize("what,text", _ROUND1)
def test_the_first_fresh_pair_s_shapes_are_read(what, text):
    """A rebate on losses (输了有返水: 输了 there is the offer's, not the writer's loss), a fish game paid in cash
    by the shot, a tipster's periods; a password sent privately or typed under the publisher's name, a
    verification code or a fee asked before a prize; a job's requirement (要求 is no search for work), copying
    by the character, a like paid on a screenshot, pay the same day; a deal boasted (便宜到离谱: 离谱 there is the
    ad's, not a warning), every server taken, a recoil macro, a key sent before it is paid for, a price a piece
    after the number, an account by its rare skins sold cheap. Each passed an established member in shoals or
    banners; the members' side of each is tests/test_antispam_members_lines.py (GAMBLING, PASSWORDS, PRIZES,
    JOBS, GAME_TRADE)."""
    assert _reads(text, what), text
    assert _reads(text, what, newcomer=True), text


# The second round: wharves' and pennants' misses, read once those files had been measured.
_ROUND2 = [
    ("gambling offered", "分分彩计划 导师每期发号 跟上就回本 已经上岸好多人了"),
    ("gambling offered", "北京pk10 连中九期 跟着我的计划买"),
    ("gambling offered", "上下分秒到 返点高 熟客优先 找我"),
    ("gambling offered", "老虎机首充送五成 电子游艺 二十四小时在线"),
    ("gambling offered", "牌局上下分 提现快到离谱 客服一直在"),
    ("game goods sold", "鹅鸭杀透视版 开局就显示身份 用了一个月没事 29包月"),
    ("game goods sold", "大秘境+20代打 带拾取 全天都接 团长手打"),
    ("game goods sold", "钻石→星耀 全区都接 打完再付尾款"),
    ("game goods sold", "魔兽怀旧服G 大量现货 邮件发货 十分钟到"),
    ("game goods sold", "原神充值7折 走海外渠道 不掉单"),
    ("game goods sold", "全角色号 满级专武 带原邮箱 可换绑 便宜出"),
    ("game goods sold", "天刀代练 手打不挂机 可录屏验证 押金交易"),
    ("game goods sold", "租号 王者全皮肤号 一小时三块 上号器直接登"),
    ("grey service pitched", "防沉迷一键解除 未成年也能随便玩 一次永久"),
    ("grey service pitched", "信誉分修复 直接恢复到满分 不影响排位 价格私"),
    ("investment gains promised", "XAUUSD 每晚直播喊单 昨晚吃了80个点 想上车的跟上"),
    ("investment gains promised", "做币跟单 本周九次止盈 战绩看置顶 想进的回1"),
    ("company or sex offered", "失眠吗 有小姐姐陪你聊到天亮 语音视频都可以"),
    ("company or sex offered", "可以看的那种视频聊天 想要的加我"),
    ("company or sex offered", "日式按摩 全套 中文服务 预约私信"),
    ("company or sex offered", "上门服务 学生妹 照片真实 可先验"),
    ("easy money offered as a job", "招网课兼职 会说中文就行 不看学历 时薪两百 当天上岗"),
    ("login asked for a gift", "全皮肤免费送 qq登录一下就到账 限今天"),
]


@pytest.mark.parametrize("what,text", _ROUND2)
def test_the_second_fresh_pair_s_shapes_are_read(what, text):
    """A lottery every minute with a tutor's numbers, 上下分 with a rebate, slots with a first-deposit bonus;
    a cheat by what it shows, a run 都接 and 手打, a rank boosted by its arrow, gold in stock sent by mail, a top-up
    through a foreign channel, an account by its roster with its mail box, a deposit trade, accounts rented by
    the hour; 防沉迷 lifted, a credit score repaired; signals called nightly with points eaten, a record of
    止盈; company by voice or video, a massage 全套, a visit with photos 可先验; a tutoring job asking no degree;
    a free skin for a QQ login. Each passed an established member in wharves or pennants; the members' side
    of each is tests/test_antispam_members_lines.py (GAMBLING, GAME_TRADE, GREY_TALK, JOBS, INVESTING, COMPANY)."""
    assert _reads(text, what), text
    assert _reads(text, what, newcomer=True), text


@pytest.mark.parametrize("text", ["奥比岛新活动 填账号密码送限定坐骑",
                                  "Steam夏促礼包免费领 填账号密码就行",
                                  "王者新赛季福利 发我账号和密码 皮肤自动到账",
                                  # the lure's own denial of the theft it is (lead53)
                                  "官方周年庆 输入账号密码领限定皮肤 防盗号认证 安全放心",
                                  "不会盗号 放心 填账号密码领648礼包 限时三天"])
def test_a_password_asked_for_with_a_gift_beside_it_is_phishing(text):
    """An account's password to type in or hand over with a gift right beside it: the read probe file's
    first passed an established member and a newcomer alike (phishing.py). Passwords talked about are
    left alone (tests/test_antispam_members_lines.py PASSWORDS)."""
    assert _reads(text, "password asked for a gift"), text
    assert _reads(text, "password asked for a gift", newcomer=True), text


@pytest.mark.parametrize("text", ["CS2 皮肤 低价出 比 buff 便宜 百分之十 走 pp 交易",
                                  "PS5共享账号 双人成行/艾尔登法环 终身版 一个15",
                                  "Minecraft 正版账号 Java 基岩 双版本 25 元 永久包售后",
                                  "Switch 破解 大气层 双系统 加 500 游戏 上门服务 洛杉矶地区",
                                  "NS 大气层 上门 刷 或 寄修 送 两百 个 游戏 ok 就 付"])
def test_a_good_for_life_a_batch_or_a_trading_channel_is_a_seller_s_word(text):
    """A good sold for life (终身版, 永久包售后), below a skin market's price (比 buff 便宜) or through a trade's
    channel (走 pp 交易): the read probe files' three game listings passed an established member and a
    newcomer alike. A member's own habit of trading through the platform names no deal (GAME_PROMISES)."""
    assert _reads(text, "game goods sold"), text
    assert _reads(text, "game goods sold", newcomer=True), text


@pytest.mark.parametrize("text", ["原神代抽 不出全退 当天完成",
                                  "王者代打上榜 保底前五十 不上榜退款",
                                  "梦幻西游代练 下单即开 三天满级",
                                  "火影手游 满忍者号 带邮箱 三百出 先到先得",
                                  "原神满命号 八个五星 两百出 可换绑"])
def test_a_service_s_refund_or_an_account_by_its_holdings_sells_game_goods(text):
    """A service's refund or floor (不出全退, 保底前五十, 不上榜退, 下单即开) beside 代抽/代打/代练, or an account
    described by what it holds (满忍者号, 满命号) with a price to sell at (三百出) and a seller's word (带邮箱,
    先到先得, 可换绑): the four read files' game trade was 12 of 55 missed from an established member. Gacha
    pity, a guild's ranking goal, an account given away is no ad (GAME_PROMISES); nor is a member's own account
    sold in her words a conviction (the char model may remind her, as it did on main: the selling rule's)."""
    assert _reads(text, "game goods sold"), text
    assert _reads(text, "game goods sold", newcomer=True), text
    for member in ("退坑了 这个满级号三百出 先到先得", "本人不玩了 满命号带邮箱 五百出"):
        assert not _reads(member, "game goods sold"), member


@pytest.mark.parametrize("text", ["ChatGPT Plus 车位 还剩三个 月付三十 稳定不封",
                                  "YouTube会员 家庭组拼车 名额有限 一年只要九十",
                                  "Netflix 合租 还剩一个位 一个月二十 独享另议"])
def test_a_subscription_seat_with_seats_left_and_a_price_is_sold(text):
    """A seat on a subscription (车位, 拼车, 合租) with what is left (还剩三个, 名额有限) and a price by the
    month or year: the four read files' grey services of this shape were 3 missed from an established
    member. A car park's space, a flat or a lift shared, a family plan among roommates is no ad
    (SHARED_SEATS)."""
    assert _reads(text, "subscription seat sold"), text
    assert _reads(text, "subscription seat sold", newcomer=True), text
