"""Anti-spam evidence as owners read it (the #case card, the console): every check by its own
name, what it saw in Chinese, and no raw English keys or details."""

from __future__ import annotations

import re

import pytest

from plugins.antispam.explain import CHECK_NAMES, check_name, reading, situation

ENGLISH = re.compile(r"[A-Za-z]{4,}")


@pytest.mark.parametrize(("name", "details", "expected"), [
    ("charmodel", "1.000 (要的, 找我, 优惠, 需要) ≥ 0.921",
     "像广告的程度 100%，超过界线 92%（依据：要的、找我、优惠、需要）"),
    ("charmodel", "0.934 (找我, 需要) ≥ 0.921, with contact data (phone 13900001111)",
     "像广告的程度 93%，超过界线 92%（依据：找我、需要），且留了手机号「13900001111」"),
    ("bayes", "0.990 (需要, 找我); still learning (60 spam / 82 ham samples)",
     "广告可能性 99%（依据：需要、找我），模型样本还不够，仅供参考"),
    ("similar", "0.18 to spam sample 10", "与已知广告（样本 10）相似度 18%"),
    ("contact", "wechat-id mei5201314", "微信号「mei5201314」"),
    ("contact", "qq 2849301234 (obfuscated: variant characters)", "QQ 号「2849301234」（有变形遮掩）"),
    ("content", "link http://hb.cn-pay.vip/x from a member on probation", "新成员发链接 http://hb.cn-pay.vip/x"),
    ("flood", "12 messages within 10s", "10 秒内发了 12 条消息"),
    ("admin", "#spam by wxid_laowang", "管理员用 #spam 标记"),
    ("mystery", "some internal English detail", ""),  # no faithful reading: left out, never raw
], ids=["model", "model-contact", "bayes-learning", "similar", "contact", "contact-hidden", "link", "flood",
        "admin", "unknown"])
def test_recorded_english_details_read_in_chinese(name, details, expected):
    assert reading({"name": name, "details": details}) == expected


def test_a_verdicts_own_chinese_reading_comes_first():
    assert reading({"name": "charmodel", "details": "0.99 ≥ 0.92", "why": "很像广告"}) == "很像广告"


def test_every_check_has_its_own_name_and_the_groups_labels_name_only_unknown_ones():
    assert len(set(CHECK_NAMES.values())) == len(CHECK_NAMES)  # members' 发广告 × 4 told owners nothing
    labels = {"charmodel": "发广告", "bayes": "发广告", "custom": "自定义检查"}
    assert check_name("charmodel", labels) == "内置广告模型" and check_name("custom", labels) == "自定义检查"
    assert check_name("other") == "other"


def test_the_decisions_facts_read_as_one_chinese_line():
    line = situation({"message_id": "m1", "kind": "content", "score": 0.9904, "trusted": False, "newcomer": False,
                      "established": True, "severity": "high", "label": "发广告", "obvious": True, "step": "warn",
                      "strikes_before": 0, "strict_mode": False})
    assert line == ("广告可能性很高（99%）；明显的广告；发送者是老成员（机器人进群前就在）；此前没有违规；"
                    "按阶梯处理：警告")
    assert not ENGLISH.search(line)
