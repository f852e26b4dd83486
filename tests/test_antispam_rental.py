"""A pitch to rent, borrow or buy the reader's bank card or account for a payout is an ad from any
member; members talking about their own cards, and warnings that quote the pitch, are not
(issue 11). Also a stop phrase the writer denies in plain chat (不是招代理).

The blind probe of interest groups (data/probes/circles.tsv) missed 12 of its 35 laundering ads
as an established member, most of them this kind: no contact word, no product, a neighbour's
voice. Every line here was written for this test."""

from __future__ import annotations

import pytest

from plugins.antispam import negation
from plugins.antispam.checks import Facts
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide
from plugins.antispam.normalize import normalise
from plugins.antispam.rental import rents_an_account
from tests.shipped import shipped_section

CFG = AntispamConfig.model_validate(shipped_section("antispam"))
MODEL = SpamModel()

PITCHES = [
    "谁手上有不用的银行卡 租我半个月 一天给一百五 卡还是你的",
    "借你支付宝账号用两天 走点流水 每笔给你百分之三",
    "老板们 对公户闲着的 出租给我们 一个月六千 合同都有",
    "收一类卡 带U盾 一套一千二 当面交易",
    "你的微信号借我过一下账 完事给你两百辛苦费",
]
# members' own cards and accounts, lending and renting that is not a pitch, and warnings
MEMBERS = [
    "我的工资卡被冻了 说是收到一笔来路不明的转账 有人知道怎么解冻吗",
    "银行卡闲置好几年了 一直扣年费 周末去注销",
    "健身房年卡还剩半年 转让 一千出",
    "我房子出租 两室一厅 一个月两千八 押一付三",
    "哥们你那个账号借我玩一下 我的被封了",
    "有人找我借卡走账 说一天给三百 我直接拉黑了",
    "提醒一下 凡是说租你银行卡一天两百的 都是洗钱 租出去人要坐牢的",
    "他们专门收学生的卡 一张给几百 然后拿去跑分 大家小心",
    "我朋友说有人要租她的对公账户 一个月三千",
    # things rented out for the reader's money, with an access card: a 业主群's everyday lines
    "车位出租 800一个月 门禁卡一起给",
    "房子出租 两室一厅 2500一个月 钥匙和门禁卡都在物业",
    "停车卡月租300 物业那边办",
    "我们店招收银员一天200 有人做吗 工资卡要农行的",
]


@pytest.mark.parametrize("text", PITCHES)
def test_a_rental_pitch_is_caught_from_a_regular_and_a_newcomer(text):
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, MODEL, "room")
        assert decision.spam, (newcomer, decision.evidence())
    regular = decide(Facts(text=text), CFG, MODEL, "room")
    [rental] = [v for v, _ in regular.verdicts if v.details.startswith("card or account rental")]
    # enough alone against a regular (a warning first), never an obvious ad by itself
    assert rental.conclusive and not rental.strong
    assert rental.why.startswith("像收购、租借银行卡或账户的广告"), rental.why


@pytest.mark.parametrize("text", MEMBERS)
def test_members_talking_about_cards_and_warnings_are_no_rental_pitch(text):
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, MODEL, "room")
        assert not any(v.details.startswith("card or account rental") for v in decision.fired), decision.evidence()
    regular = decide(Facts(text=text), CFG, MODEL, "room")
    assert not regular.spam, regular.evidence()


def test_the_reading_needs_all_three_a_card_a_use_and_a_payout():
    assert rents_an_account(normalise("有闲置的卡吗 租给我 一天两百").dense) is not None
    assert rents_an_account(normalise("有闲置的卡吗 租给我").dense) is None  # no payout
    assert rents_an_account(normalise("有闲置的卡吗 一天两百").dense) is None  # no use asked
    assert rents_an_account(normalise("有闲置的车位吗 租给我 一天二十").dense) is None  # no card


def test_the_pitch_can_be_turned_off():
    section = shipped_section("antispam")
    cfg = AntispamConfig.model_validate({**section, "keywords": {**section["keywords"], "card_rental": False}})
    decision = decide(Facts(text=PITCHES[0]), cfg, MODEL, "room")
    assert not any(v.details.startswith("card or account rental") for v in decision.fired)


# ------------------------------------------------------------------ a stop phrase denied
# (the first was flagged from a regular before: 招代理 as one check, the char model agreeing at 0.95)
DENIALS = ["不是招代理 也不卖货 纯聊天", "不是招代理哈 就是问问大家周末去不去爬山",
           "我又不是刷单的 就是觉得那家面馆确实好吃"]
# ads deny too, and then promote: the phrase stands
DENYING_ADS = ["不是刷单 正规平台 一单一结 想做的私我", "我们不是招代理 是招合伙人 加我微信 hehuo_2233 了解"]


@pytest.mark.parametrize("text", DENIALS)
def test_a_denied_stop_phrase_in_plain_chat_is_no_ad_words(text):
    regular = decide(Facts(text=text), CFG, MODEL, "room")
    assert not regular.spam, regular.evidence()
    [kw] = [v for v, _ in regular.verdicts if v.name == "keywords"]
    assert not kw.spam and "不算" in kw.why


@pytest.mark.parametrize("text", DENYING_ADS)
def test_an_ad_that_denies_and_promotes_keeps_its_stop_phrase(text):
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, MODEL, "room")
        assert decision.spam, (newcomer, decision.evidence())
        assert any(v.name == "keywords" and v.spam and not v.weak for v in decision.fired), decision.evidence()


def test_a_denial_beside_a_payout_keeps_the_phrase_as_one_check():
    # the blind probe's 我不是招代理 就是找几个人帮忙 一天一千+ 轻松 was caught with it (the model agreeing)
    regular = decide(Facts(text="我不是招代理 就是找几个人帮帮忙 一天八百+ 很轻松"), CFG, MODEL, "room")
    [kw] = [v for v, _ in regular.verdicts if v.name == "keywords"]
    assert kw.spam and kw.weak, regular.evidence()


def test_a_denial_must_stand_before_every_occurrence():
    assert negation.denied("刷单", "不是刷单") == "不是"
    assert negation.denied("刷单", "不是刷单是真刷单") is None
    assert negation.denied("刷单", "刷单返利") is None


# spam45 (issue 11): what a card buyer says where the reading had no word for it, in words of our own —
# a bank account as Hong Kong, Malaysia and Singapore say it (银行户口, maybank 户口), a PayPal account,
# the card mailed to the buyer (快递就行), the money in and out again (进你卡 再转出去), the reader's cut
# (给你抽3%), a price the reader names (价钱你满意), a sum in another currency (给你 RM800)
@pytest.mark.parametrize("text", ["收香港银行户口 汇丰中银都要 一个给 HKD3000",
                                  "收你的PayPal账户 老号优先 价格好说",
                                  "要二类卡 带盾带手机号 一套一千八 不用本人来 快递就行",
                                  "帮朋友周转 钱打进你卡 你再转出去 给你抽3%",
                                  "整套一类户 打包收 价钱你满意 外地的寄过来"])
def test_a_card_buyer_s_other_words_are_a_rental_pitch(text):
    assert rents_an_account(normalise(text).dense) is not None, text
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, MODEL, "room")
        assert any(v.details.startswith("card or account rental") for v in decision.fired), decision.evidence()


@pytest.mark.parametrize("text", ["我在吉隆坡开了maybank户口 月费RM8 还行",
                                  "paypal收款要手续费 一笔抽4.4% 太黑了",
                                  "香港银行户口怎么开 听说要存一万港币",
                                  "户口迁到上海了 落户补贴给了两万",
                                  "公司月租3000的写字楼 对公账户付款",
                                  "银行卡丢了 补办的卡银行说快递过来 一张收十块工本费",
                                  "班费收款码发群里了 每个月50 大家收到回个1"])
def test_the_card_buyer_s_words_in_members_talk_are_no_pitch(text):
    """户口 alone is a household registration; a platform's own cut (一笔抽4.4%) is a fee, not the reader's;
    a rent paid is no payout to the reader; a card the bank mails is no card bought."""
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, MODEL, "room")
        assert not any(v.details.startswith("card or account rental") for v in decision.fired), decision.evidence()
