"""A newcomer's first offence against a rule for newcomers alone (a card, a link off the list,
their own contact data, nothing obvious) is said as the rule and when it ends: which decisions
that is, and how the end of probation reads (engine.Decision.newcomers_rule, ladder.probation_ends)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plugins.antispam.checks import Facts
from plugins.antispam.config import AntispamConfig, ProbationRules
from plugins.antispam.engine import decide
from plugins.antispam.ladder import probation_ends

CFG = AntispamConfig()


@pytest.mark.parametrize(("facts", "rule"), [
    (Facts("王师傅家电维修", kind="contact_card", newcomer=True), True),  # a card, nothing else
    (Facts("有没有人拼车去机场，明早6点出发，加我微信 xiaofang_88", newcomer=True), True),  # their own id
    (Facts("加我威 zhou_888", newcomer=True), True),
    # an ad: the words stay 警告
    (Facts("兼职日结，加我微信 xiaofang_88", newcomer=True), False),
    (Facts("资料免费送，加V：abc8888", newcomer=True), False),
    # an established member broke no newcomers' rule
    (Facts("兼职刷单日结，一单一结，加V：abc8888 免费带你"), False),
])
def test_which_decisions_are_the_newcomers_rule_alone(facts, rule):
    decision = decide(facts, CFG, None, "room")
    assert decision.spam, decision.evidence()
    assert decision.newcomers_rule is rule, decision.evidence()


def test_a_flood_of_cards_is_not_the_rule_alone():
    decision = decide(Facts("王师傅家电维修", kind="contact_card", newcomer=True, recent_messages=9), CFG, None, "room")
    assert "flood" in {v.name for v in decision.fired} and not decision.newcomers_rule


@pytest.mark.parametrize(("probation", "said"), [
    (ProbationRules(), "入群满 3 天、发言满 5 条后"),
    (ProbationRules(days=timedelta(hours=12), messages=10), "入群满 12 小时、发言满 10 条后"),
    (ProbationRules(days=timedelta(0)), "发言满 5 条后"),
    (ProbationRules(messages=0), "入群满 3 天后"),
    (ProbationRules(days=timedelta(minutes=90), messages=0), "入群满 90 分钟后"),
])
def test_when_probation_ends_reads_as_members_would_say_it(probation, said):
    assert probation_ends(AntispamConfig(probation=probation)) == said
