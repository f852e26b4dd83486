"""A regular collecting what the group owes them (a 团购 they organise, a dinner's AA, the class
fund) is chat, not an ad (issue 11).

Played as a new owner would, in a simulated 宝妈群 day: the regular who ran the group's 草莓接龙
posted her payment code (ordinary from a regular) and 草莓钱转我这个码就行，68一份, and was told
这条消息看起来像在发广告 (the shipped char model 0.984, past the members' level)."""

from __future__ import annotations

import pytest

from plugins.antispam.checks import Facts
from plugins.antispam.classifier import SpamModel
from plugins.antispam.collecting import collects
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide
from plugins.antispam.normalize import normalise

CFG = AntispamConfig()
MODEL = SpamModel()

ASKS = ["草莓钱转我这个码就行，68一份", "昨晚聚餐AA，每人86，转我就行", "班费每人200，交给我就行",
        "接龙的宝妈们，樱桃到了，一份128，钱直接转我哈", "团购的钱转我，明天下午到货"]
# what pays out, launders, asks an advance or calls the reader elsewhere: never a collection
NOT_ASKS = ["兼职刷单，佣金日结，做完转我就行", "收U，承兑秒到，款转我就行", "激活需要保证金200，转我这个码",
            "想要的加我，钱转我就发货", "名额有限先到先得，定金转我", "返利群进群领红包，钱转我"]


@pytest.mark.parametrize("text", ASKS)
def test_a_regulars_ask_to_be_paid_is_read(text):
    assert collects(normalise(text).body)


@pytest.mark.parametrize("text", NOT_ASKS)
def test_what_pays_out_launders_or_calls_elsewhere_is_no_collection(text):
    assert collects(normalise(text).body) is None


def test_the_organisers_ask_is_not_an_ad_from_a_regular_and_judged_as_before_from_a_newcomer():
    regular = decide(Facts(text=ASKS[0]), CFG, MODEL, "room")
    assert not regular.spam, regular.evidence()
    [model] = [v for v, _ in regular.verdicts if v.name == "charmodel"]
    assert "老成员在收团购或平摊的钱（「钱转我」）" in model.why, model.why
    newcomer = decide(Facts(text=ASKS[0], newcomer=True), CFG, MODEL, "room")
    [model] = [v for v, _ in newcomer.verdicts if v.name == "charmodel"]
    assert model.spam and "团购" not in model.why, newcomer.evidence()


def test_a_scam_asking_to_be_paid_is_still_an_ad_from_a_regular():
    regular = decide(Facts(text=NOT_ASKS[0]), CFG, MODEL, "room")
    assert regular.spam, regular.evidence()
