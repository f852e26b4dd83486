"""A replica or a quack cure offered for sale is an ad from any member; members talking about
replicas and cures, asking about them and warning against them are not (issue 11's fake goods).

spam33's blind probe (data/probes/daily.tsv) let 31 of its 42 fake goods through from an established
member, most with no contact word and no platform: a replica with a price, a cure that lets the old
stop their medicine. Every line here was written for this test, none taken from a probe."""

from __future__ import annotations

import pytest

from plugins.antispam.checks import Facts, Verdict, selling_a_replica
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide
from plugins.antispam.normalize import normalise
from tests.shipped import shipped_section

CFG = AntispamConfig.model_validate(shipped_section("antispam"))
NOT_FIRED = Verdict("keywords", False)
MODEL = SpamModel()

OFFERS = [
    "莆田 纯原 椰子350 一双四百二 全码有货",
    "古驰腰包 原单 做工看不出来 六百出 要的私",
    "卡地亚手镯 一比一 专柜卖三万多 我这八百",
    "复刻迪奥香水 和正品一模一样 两瓶包邮",
    "高仿名表 戴出去没人看得出来 也没人问你要发票",
    "治关节痛的膏药 贴三天见效 不好不要钱",
    "我这有种降压茶 喝两个月能停药 一盒九十八",
    "老寒腿 祖传秘方 根治 不复发 有需要的找我",
]
TALK = [
    "高仿包你自己背也就算了 拿去卖是违法的",
    "这双鞋是不是莆田的 帮我看看鞋标",
    "我老公戴的那块表是高仿 被同事看出来了 好尴尬",
    "医生说降压药千万不能自己停药",
    "那个卖祖传秘方的 说能根治糖尿病 全是骗人的 大家别买",
    "金币 和 点券 是 1比1 换 的 公会 里 按 这个 算",
    "这药要吃三个疗程 医生说的 我先吃着看",
    "原单 和 高仿 有啥区别啊",
    "群里有人发 高仿 包 一比一 六百 别信 是骗子",
    "我这双是莆田的 三百块买的 穿着挺舒服",
    "一盒三百 我妈买了十盒 说吃了能停药 拦都拦不住",
    "幽门螺杆菌是可以根治的 四联疗法吃两周 有不懂的可以找我",
    "血压稳定了 医生说可以慢慢停药 有问题私聊我",
    "这药七天见效 医生开的 一盒三十多 医保能报",
    "这款是经典复刻 官方出的 旗舰店三百九",
    "原单 尾货 市场上一堆 三十块一件 质量还行",
    "那家店卖的一比一手表 我同事说看不出来 五百块",
    "孩子的鞋都是莆田的 一双一百多 穿坏了就扔",
    "我老婆那个包是高仿 她自己说的 八百块",
]


@pytest.mark.parametrize("text", OFFERS)
def test_a_replica_or_a_cure_offered_for_sale_is_an_ad_from_anyone(text):
    """A copy's words with an offer (a price, 出, 要的私, 包邮), or a claim no medicine may make with an
    offer or a second claim: enough alone against an established member."""
    assert selling_a_replica(normalise(text)) is not None, text
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, MODEL, "room")
        assert decision.spam, decision.evidence()


@pytest.mark.parametrize("text", TALK)
def test_talk_questions_and_warnings_about_replicas_and_cures_are_not(text):
    """The copy's or the claim's words alone, a question, a warning, a game currency's 1比1 rate, a
    price the writer or their mother paid (买的, 买了: no offer)."""
    assert selling_a_replica(normalise(text)) is None, text
    decision = decide(Facts(text=text), CFG, MODEL, "room")
    assert not decision.spam, decision.evidence()


def test_an_operator_turns_the_reading_off_where_replicas_are_the_trade():
    """keywords.fake_goods: false (a 代购 or 外贸尾单 group, where 原单 is how members name what they
    sell): the reading no longer fires, from a regular or a newcomer."""
    section = shipped_section("antispam")
    off = AntispamConfig.model_validate({**section, "keywords": {**section["keywords"], "fake_goods": False}})
    text = "古驰腰包 原单 做工看不出来 六百出 要的私"
    for newcomer in (False, True):
        verdicts = {v.name: v for v in decide(Facts(text=text, newcomer=newcomer), off, MODEL, "room").fired}
        assert "replica" not in verdicts.get("keywords", NOT_FIRED).details
    assert "replica" in {v.name: v for v in decide(Facts(text=text), CFG, MODEL, "room").fired}["keywords"].details
