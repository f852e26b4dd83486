"""A regular turning contact or trade away is chat, not an ad (issue 11).

Played as a new owner would, in a simulated 币圈 group's day: the regular bob's 不收U不出U 别私我 谢谢
was reminded 这条消息看起来像在发广告 (the shipped char model 0.989, past the members' level alone):
the ad's words (不收, 私我) with a denial in front."""

from __future__ import annotations

import dataclasses

import pytest

from plugins.antispam.checks import Facts
from plugins.antispam.classifier import ModelScore, SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide
from plugins.antispam.normalize import normalise
from plugins.antispam.refusal import refuses

CFG = AntispamConfig()
MODEL = SpamModel()

REFUSALS = ["不收U不出U 别私我 谢谢", "我不卖号 别私聊我问了 谢谢", "不用加我微信 群里说就行",
            "不用私聊我了 球衣已经送人了", "不带单 也不做代理 别私我了"]
# sellers and bait that turn people away too: each leaves a call, an id, a price or a sale standing
SELLERS = ["私聊不回 就加 v", "仅聊天的别加我要看朋友圈的加", "出矿油0.03金0.3土2要的看联盟出完不要私我",
           "出货别拿老区的价格衡量新区 低于这个比例的不要私聊我了", "不卖软件不收费 建群随时公布好股",
           "别私我 直接进群 群里有福利", "别私聊 加我vx abc_8899 秒回", "不收定金不出押金 日结300 滴滴我"]


@pytest.mark.parametrize("text", REFUSALS)
def test_a_regulars_refusal_is_read(text):
    assert refuses(normalise(text).body), text


@pytest.mark.parametrize("text", SELLERS)
def test_a_seller_turning_people_away_is_no_refusal(text):
    assert refuses(normalise(text).body) is None


class _ReadAt(SpamModel):
    """The shipped models with the char model's reading fixed at `prob` (the artifact's levels)."""

    def __init__(self, prob: float) -> None:
        super().__init__()
        self._prob = prob

    def score(self, text: str, room: str | None, **kw) -> ModelScore:
        return dataclasses.replace(super().score(text, room, **kw), char=self._prob)


def test_the_regulars_refusal_in_the_coin_group_is_not_an_ad_and_is_explained():
    regular = decide(Facts(text=REFUSALS[0]), CFG, MODEL, "room")
    assert not regular.spam, regular.evidence()
    # read past the members' level (as the models before spam41 read it; spam41's, trained on the
    # probe files where this line's kind is normal, reads it 0.13), it is still spared, and says why
    high = decide(Facts(text=REFUSALS[0]), CFG, _ReadAt(0.999), "room")
    assert not high.spam, high.evidence()
    [model] = [v for v, _ in high.verdicts if v.name == "charmodel"]
    assert "老成员在拒绝私聊或交易（「别私我」）" in model.why, model.why
    # from a newcomer the model's word stands as before
    newcomer = decide(Facts(text=REFUSALS[0], newcomer=True), CFG, _ReadAt(0.999), "room")
    [model] = [v for v, _ in newcomer.verdicts if v.name == "charmodel"]
    assert "拒绝" not in model.why, newcomer.evidence()
