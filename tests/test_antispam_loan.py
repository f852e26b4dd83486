"""A stolen account's loan plea (issue 11): borrow + urgency + an account to pay into, from any
member, is caught and named for what it is; friends settling money among themselves are not.
Every line here was written for this test."""

from __future__ import annotations

import pytest

from plugins.antispam.checks import Facts
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide
from plugins.antispam.loan import loan_plea
from plugins.antispam.normalize import normalise
from tests.shipped import shipped_section

CFG = AntispamConfig.model_validate(shipped_section("antispam"))
LABELS = CFG.texts.check_labels

PLEAS = [
    "在吗？借我两千块，急用，明天就还你，转我支付宝 13905718842",
    "兄弟急用钱，借5000，支付宝账号 13905718842，下周一还",
    "能不能先借我三千，急着交房租，打到我这张卡 6222021234567890123 户名张伟",
    "江湖救急！借我一千周转一下，马上要，转我支付宝就行，号是手机号",
    "姐，借我八百，急需，转到我银行卡，卡号我私发你，晚上就还",
]
# friends talking money: one or two of the three at most, settling up, splitting, gifts, warnings
FRIENDS = [
    "这顿AA，一人八十六，转我支付宝就行",
    "上次借你的两千我转你支付宝了，查收一下",
    "谁借我一万金币 急用 买药",
    "急！谁有充电宝借我用一下，手机快没电了",
    "我借你的钱已还了哈，转到你卡上了，你看看",
    "红包发了，大家快抢，手慢无",
    "你借我的钱什么时候还啊，我这边也急用，转我支付宝就行",
    "有人盗号冒充老王借钱，说借我两千急用转他支付宝，大家千万别转",
    "提醒大家：骗子盗号后会说“借我点钱，急用，转我支付宝”，一定先打电话确认",
    "份子钱转给你了，收到回一下",
    "房租急着交，工资还没发，这个月又要吃土了",
    "转账给你了，两百，上次的电影票钱",
]


@pytest.mark.parametrize("text", PLEAS)
def test_a_loan_plea_is_caught_from_a_regular_and_a_newcomer(text):
    model = SpamModel()
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, model, "room")
        assert decision.spam and decision.pay_check == "loan_plea", (newcomer, decision.evidence())
        # never an obvious ad (removed at once): a real friend may write it
        assert not decision.obvious, decision.evidence()
        # named for what it is, not 发广告 nor 广告引流 for the account it gives
        assert decision.label(LABELS) == "疑似被盗号借钱"
        [plea] = [v for v in decision.fired if v.label == "loan_plea"]
        assert plea.why.startswith("像账号被盗后常见的借钱说法")


@pytest.mark.parametrize("text", FRIENDS)
def test_friends_talking_money_are_no_loan_plea(text):
    assert loan_plea(normalise(text).body) is None
    model = SpamModel()
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, model, "room")
        assert decision.pay_check != "loan_plea", (newcomer, decision.evidence())


def test_an_operator_turns_the_loan_rule_off_and_an_old_rules_file_keeps_its_label():
    off = AntispamConfig.model_validate({"keywords": {"loan_plea": False}})
    assert not decide(Facts(text=PLEAS[0]), off, SpamModel(), "room").spam
    # a rules.yaml that lists the labels of before (no loan_plea) still names it in Chinese
    old = AntispamConfig.model_validate({"texts": {"check_labels": {"keywords": "发广告"}}})
    assert old.texts.check_labels["loan_plea"] == "疑似被盗号借钱"
