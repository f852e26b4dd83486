"""A newcomer collecting money as someone the group trusts (issue 11): a role claimed (我是新任会长,
群主让我来收) and a fee asked of the group, at once. The group is told to check before paying; nobody
is punished for the words, and a regular collecting the 班费 is not read so at all. Every line here
was written for this test."""

from __future__ import annotations

import pytest

from plugins.antispam.checks import Facts
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import PAY_CHECKS, AntispamConfig
from plugins.antispam.engine import decide
from plugins.antispam.fees import fee_claim
from plugins.antispam.ladder import Offence, first_offence
from plugins.antispam.normalize import normalise
from plugins.antispam.plugin import offence_terms
from tests.shipped import shipped_section

CFG = AntispamConfig.model_validate(shipped_section("antispam"))
LABELS = CFG.texts.check_labels

CLAIMS = [
    "大家好 我是新任会长 今年会费每人二百 扫码交一下",
    "各位家长好，我是新来的班主任李老师，本学期资料费每人一百八，请扫码缴纳",
    "大家好 我是物业的 这个月的物业费直接转我微信就行",
    "群主让我来收一下活动费 每人五十 转给我就行",
    "我是家委会的 校服费每人两百 今天之内转到我支付宝",
]
# asking, paying, splitting, warnings, a role with no fee, a fee with no role
OTHERS = [
    "我是新来的 请问会费交给谁呀",
    "我是新来的班主任 明天开家长会 请大家准时参加",
    "我是新任会长 下周六聚餐 费用AA 到时候现场付",
    "我是班长 班费我已经交给老师了",
    "我是新来的 会费已经交了 谢谢会长",
    "有人自称新任会长让大家交会费，大家别信",
    "我是楼长 这周末大扫除 每户出一个人",
    "我是财务 报销的单子周五前交给我",
    "这学期资料费每人一百八，家长们记得交",
]


@pytest.mark.parametrize("text", CLAIMS)
def test_a_newcomers_fee_tells_the_group_to_check_and_punishes_nobody(text):
    decision = decide(Facts(text=text, newcomer=True), CFG, SpamModel(), "room")
    assert decision.spam and decision.pay_check == "fee_claim", decision.evidence()
    # never an obvious ad (removed at once): a real new teacher writes the same
    assert not decision.obvious, decision.evidence()
    assert decision.label(LABELS) == "新成员自称身份收钱"
    [claim] = [v for v in decision.fired if v.label == "fee_claim"]
    assert claim.why.startswith("新成员自称身份并向大家收钱")
    offence = Offence("m", "老周", "新成员自称身份收钱", {}, **offence_terms(decision, True))
    assert first_offence(CFG, offence) == "reminded"


@pytest.mark.parametrize("text", CLAIMS)
def test_a_regular_collecting_is_not_read_as_a_fee_claim(text):
    decision = decide(Facts(text=text), CFG, SpamModel(), "room")
    assert decision.pay_check != "fee_claim", decision.evidence()


@pytest.mark.parametrize("text", OTHERS)
def test_asking_paying_and_warning_are_no_fee_claim(text):
    assert fee_claim(normalise(text).body) is None
    decision = decide(Facts(text=text, newcomer=True), CFG, SpamModel(), "room")
    assert decision.pay_check != "fee_claim", decision.evidence()


def test_an_operator_turns_the_fee_rule_off_and_an_old_rules_file_keeps_its_label():
    off = AntispamConfig.model_validate({"keywords": {"fee_claim": False}})
    assert decide(Facts(text=CLAIMS[0], newcomer=True), off, SpamModel(), "room").pay_check != "fee_claim"
    old = AntispamConfig.model_validate({"texts": {"check_labels": {"keywords": "发广告"}}})
    assert old.texts.check_labels["fee_claim"] == "新成员自称身份收钱"


def test_each_offence_to_check_before_paying_has_a_label_and_a_text_of_its_own():
    """config.PAY_CHECKS names a Texts field per label: a misspelt one would fail only when a group
    first met such a message."""
    for label, text in PAY_CHECKS.items():
        assert label in LABELS and "{case}" in getattr(CFG.texts, text), (label, text)
