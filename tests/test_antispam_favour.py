"""A regular asking the group a small favour (砍一刀, a vote, a like) is chat, not an ad (issue 11).

Played as a new owner would, in a simulated 业主群 day: the regular 卡罗尔's 谁能帮我砍一刀吗😂 开玩笑的
was reminded 这条消息看起来像在发广告 (the shipped char model 0.99), while the 宝妈群 day's
帮我砍一刀吧姐妹们，就差一点了🙏 passes under the members' level. Which regular was reminded
depended on wording the model happened to weigh."""

from __future__ import annotations

import pytest

from plugins.antispam.checks import Facts
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide
from plugins.antispam.favour import asks_a_favour
from plugins.antispam.normalize import normalise

CFG = AntispamConfig()
MODEL = SpamModel()

PLEAS = ["谁能帮我砍一刀吗😂 开玩笑的", "谁能帮我砍一刀", "亲帮我砍一刀好吗", "家人们 帮砍一刀 就剩一点点 谢谢啦",
         "帮我砍一刀吧 就差0.1元了 拼多多 谢谢亲", "帮忙投个票三号谢谢链接点开"]
# bait and scams that plead the same way: still ads from a regular
BAIT = ["各位亲朋好友帮我家孩子投一票 第23号 投票需要手机号验证 把收到的验证码发我就行 谢谢🙏",
        "同问，我也想知道这个，顺便说一句 另外，帮我砍一刀吧，就差一点了，砍完我也帮你砍，有兴趣的 +wx 613ddniu",
        "集赞送礼品帮我点个赞", "朋友们，我开始做视频号了，搜\"阿亮的日常\"，求关注求点赞",
        "有没有新用户 帮我助力一下 新用户助力效果最好", "助力群进来了互相帮忙",
        "帮我砍一刀 砍到免费领洗衣液 加我拉你进砍价群"]


@pytest.mark.parametrize("text", PLEAS)
def test_a_regulars_plea_for_a_favour_is_not_an_ad(text):
    regular = decide(Facts(text=text), CFG, MODEL, "room")
    assert not regular.spam, regular.evidence()


def test_the_plea_is_explained_where_the_model_read_it_as_an_ad():
    regular = decide(Facts(text=PLEAS[0]), CFG, MODEL, "room")
    [model] = [v for v, _ in regular.verdicts if v.name == "charmodel"]
    assert "老成员请大家帮自己一个小忙（「帮我砍」）" in model.why, model.why
    # from a newcomer the same plea is judged as before: coupon bait writes exactly that
    newcomer = decide(Facts(text=PLEAS[0], newcomer=True), CFG, MODEL, "room")
    [model] = [v for v, _ in newcomer.verdicts if v.name == "charmodel"]
    assert model.spam and "小忙" not in model.why, newcomer.evidence()


@pytest.mark.parametrize("text", BAIT)
def test_bait_that_pleads_is_no_favour(text):
    assert asks_a_favour(normalise(text).body) is None


@pytest.mark.parametrize("text", [BAIT[1], BAIT[-1]])
def test_bait_that_pleads_is_still_an_ad_from_a_regular(text):
    regular = decide(Facts(text=text), CFG, MODEL, "room")
    assert regular.spam, regular.evidence()
