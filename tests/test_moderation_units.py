"""Pure parts of moderation and stats, table-driven: target parsing, appeal parsing, case
rendering (which checks fired and why), C/A/S tags, config defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.targets import split_target
from db.models import Case
from plugins.moderation import render
from plugins.moderation.appeals import asks_why, parse_appeal, reason_of, teach_ham
from plugins.moderation.config import ModerationConfig, ModerationTexts
from plugins.moderation.targets import clip
from plugins.stats.config import StatsConfig, TagRules
from plugins.stats.tags import member_tag

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("args", "mentions", "expected"), [
    ("@bob\u2005发广告", ("wxid_bob",), ("wxid_bob", "", "发广告")),
    ("@机器人\u2005@bob\u2005刷屏", ("wxid_bot", "wxid_bob"), ("wxid_bob", "", "刷屏")),
    ("wxid_bob 私聊处理", (), (None, "wxid_bob", "私聊处理")),
    ("bob", (), (None, "bob", "")),
    ("", (), (None, "", "")),
    ("   ", (), (None, "", "")),
], ids=["mention", "bot-mention-skipped", "written-id", "name-only", "empty", "blank"])
def test_split_target(args, mentions, expected):
    assert split_target(args, mentions, "wxid_bot") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("申诉 12 我没有发广告", (12, "我没有发广告", True)),
    ("#appeal 7", (7, "", True)),
    ("12：误判了", (12, "误判了", True)),
    ("申诉#3,冤枉", (3, "冤枉", True)),
    ("我要申诉", (None, "", True)),
    ("你好", (None, "", False)),
    ("", (None, "", False)),
    ("申诉 99999999999999999999", (None, "", True)),
], ids=["keyword", "command", "bare-number", "hash-comma", "no-number", "chat", "empty", "huge-number"])
def test_parse_appeal(text, expected):
    assert parse_appeal(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("为什么踢我", True), ("凭什么把我移出群？", True), ("我被误判了", True), ("为啥警告我", True),
    ("怎么把我删了", True), ("你好，在吗", False), ("为什么今天不打卡", False), ("群里怎么这么多人", False),
    ("怎么踢人", False),
])
def test_asks_why(text, expected):
    assert asks_why(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("申诉 我没发广告啊", "我没发广告啊"), ("#申诉：冤枉", "冤枉"), ("appeal, not me", "not me"), ("申诉", ""),
])
def test_reason_of(text, expected):
    assert reason_of(text) == expected


def test_clip_bounds_hostile_input():
    assert clip("字" * 100_000) == "字" * 499 + "…"
    assert clip("  短  ") == "短"


def _case(**kw) -> Case:
    base = {"id": 5, "room_id": "r", "kind": "spam", "target_id": "u", "target_name": "u", "actor_id": None,
            "source": "antispam", "reason": "广告", "evidence": {}, "outcome": "done", "status": "open",
            "created_at": T0, "updated_at": T0, "updated_by": None}
    return Case(**{**base, **kw})


def test_a_members_own_case_says_when_its_action_did_not_happen():
    """A member still in the group, where the bot could not remove and asked the owner, was
    listed 「#1「考研互助群」移出：发广告」 as if removed (seen in a simulated day)."""
    assert render.case_line(_case(kind="kick", outcome="done"), "读书会") == "#5「读书会」移出：广告"
    asked = render.case_line(_case(kind="kick", outcome="asked_owner"), "读书会")
    assert asked == "#5「读书会」移出（已请群主处理）：广告"
    assert render.case_line(_case(kind="warn", outcome="pending"), "读书会") == "#5「读书会」警告：广告"


@pytest.mark.parametrize(("evidence", "present", "absent"), [
    ({"text": "加V", "checks": [{"name": "kw", "spam": True, "details": "加V", "mode": "enforce"}]},
     ["命中的检查", "✔ kw：加V", "原消息：「加V」"], ["✘"]),
    ({"checks": [{"name": "bayes", "spam": False, "details": "p=0.1"}]}, ["检查：", "其余 1 项检查未发现问题"],
     ["命中", "bayes", "p=0.1"]),
    ({"checks": [{"name": "flood", "spam": True, "details": "12 messages within 10s"},
                 {"name": "contact", "spam": True, "details": "wechat-id abc8888 (obfuscated)"},
                 {"name": "mystery", "spam": True, "details": "some internal English detail"}], "score": 0.93},
     ["✔ 刷屏：10 秒内发了 12 条消息", "✔ 联系方式引流：", "abc8888", "✔ mystery", "广告可能性很高（93%）"],
     ["messages", "internal", "0.93"]),
    ({"checks": "not a list"}, ["原因：广告"], ["检查"]),
    ({"checks": [None, 3, {"spam": True}]}, ["✔ ?"], []),
    ({"scope": "*", "blacklist_case": 2}, ["范围：所有群", "黑名单（案件 #2）"], []),
], ids=["fired", "quiet", "in-chinese", "malformed", "junk-items", "ban-scope"])
def test_card_explains_the_evidence(evidence, present, absent):
    text = render.card(_case(evidence=evidence), "小明", "机器人", "Asia/Shanghai")
    assert text.startswith("案件 #5 · 广告/刷屏 · 有效")
    assert "时间：2026-03-01 20:00" in text
    for needle in present:
        assert needle in text
    for needle in absent:
        assert needle not in text


def test_an_appeal_notice_names_the_case_once():
    """The notice says 「大头」对案件 #3（…）提出申诉: inside the brackets, what was done and why,
    not the number and the name again (对案件 #3（#3 警告 大头：发广告（已执行））, a simulated day)."""
    assert render.what(_case(kind="warn", reason="发广告")) == "警告：发广告"
    assert render.what(_case(kind="kick", outcome="asked_owner")) == "移出（已请群主处理）：广告"
    assert render.what(_case(kind="kick", outcome="pending", reason=None)) == "移出"


def test_a_shadow_cases_summary_has_no_brackets_inside_brackets():
    """#cases read 「#1 广告/刷屏 小美：发广告（影子模式（未执行））」 in a simulated 代购 group."""
    assert render.summary(_case(outcome="shadow"), "小明") == "#5 广告/刷屏 小明：广告（影子模式，未执行）"


def test_a_removal_put_to_the_admins_for_want_of_evidence_is_theirs_to_verify():
    """#cases said 已请群主处理 of a regular the bot (an admin) put to the owner and admins on a
    model's word, as if it could not remove them (seen in a simulated day)."""
    asked = _case(kind="kick", outcome="asked_owner", evidence={"ask_first": True})
    # a proposal, not a removal: 「#5 移出 小明（…核实，已撤销）」 read as if someone had been removed
    assert render.summary(asked, "小明") == "#5 建议移出 小明：广告（已请群主和管理员核实）"
    card = render.card(asked, "小明", "机器人", "Asia/Shanghai")
    assert "结果：已请群主和管理员核实" in card and card.startswith("案件 #5 · 建议移出 ·")
    assert render.what(asked) == "建议移出（已请群主和管理员核实）：广告"
    assert render.case_line(asked, "读书会") == "#5「读书会」建议移出（已请群主和管理员核实）：广告"
    asked.status = "reversed"
    assert render.summary(asked, "小明") == "#5 建议移出 小明：广告（已请群主和管理员核实，已撤销）"
    by_hand = _case(kind="kick", outcome="removed_by_owner", evidence={"ask_first": True})
    assert render.summary(by_hand, "小明") == "#5 移出 小明：广告（群主已手动移出）"
    cannot = _case(kind="kick", outcome="asked_owner")  # the bot is no admin there
    assert render.summary(cannot, "小明") == "#5 移出 小明：广告（已请群主处理）"
    # while the question still waits in the outbox it is a proposal too: 「#1 移出 大伟（待执行）」
    # stood beside the owner's private 机器人没有直接移出 (a simulated join wave)
    waiting = _case(kind="kick", outcome="pending", evidence={"ask_first": True})
    assert render.summary(waiting, "小明") == "#5 建议移出 小明：广告（正在请群主和管理员核实）"
    failed = _case(kind="kick", outcome="failed", evidence={"ask_first": True})
    assert render.summary(failed, "小明") == "#5 建议移出 小明：广告（未能通知到群主和管理员）"


def test_summary_is_one_line():
    assert render.summary(_case(reason="很长\n的原因"), "小明") == "#5 广告/刷屏 小明：很长 的原因（已执行）"


RULES = TagRules(active_messages=10, active_checkins=5, core_messages=100, core_checkins=20,
                 core_min_age=timedelta(days=30))


@pytest.mark.parametrize(("messages", "checkins", "age_days", "tag"), [
    (0, 0, 1, "C"),
    (9, 4, 100, "C"),
    (10, 0, 2, "A"),
    (0, 5, 2, "A"),
    (500, 0, 2, "A"),  # very chatty but new: not core yet
    (100, 0, 30, "S"),
    (0, 20, 60, "S"),
    (100, 0, None, "S"),  # there before the bot: established
], ids=["silent-new", "below", "active-msgs", "active-checkins", "new-chatty", "core-msgs", "core-checkins",
        "unknown-age"])
def test_member_tag(messages, checkins, age_days, tag):
    age = None if age_days is None else timedelta(days=age_days)
    assert member_tag(RULES, messages=messages, checkins=checkins, age=age) == tag


def test_configs_have_defaults_and_forbid_typos():
    assert ModerationConfig().reinvite and StatsConfig().default_period == "week"
    with pytest.raises(ValueError, match="notify_cases"):
        ModerationConfig.model_validate({"notify_case": True, "notify_cases": "maybe"})
    with pytest.raises(ValueError):
        ModerationConfig.model_validate({"rules": ["一", "二", "三", "四"]})


def test_teach_ham_only_for_antispam_cases():
    assert teach_ham(None, _case(source="command:kick"), T0) is False  # type: ignore[arg-type]


@pytest.mark.parametrize(("source", "shown"), [
    ("antispam", "（自动反广告）"), ("nickname", "（群昵称检查）"), ("command:kick", "（命令 #kick）"),
], ids=["antispam", "nickname", "command"])
def test_card_names_who_opened_the_case_by_the_plugins_title(source, shown):
    # one naming for the #case card and the console's audit log; the card's own table had
    # missed the nickname plugin (its cases read "（nickname）")
    import plugins.newcomers  # noqa: F401  (defines the plugin classes, and so their titles)

    assert f"处理人：机器人{shown}" in render.card(_case(source=source), "小明", "机器人", "Asia/Shanghai")


def test_a_case_an_admin_opened_with_spam_is_not_called_automatic():
    """An admin's #spam read 「处理人：HR小王（自动反广告）」 on the #case card (a simulated
    department group): a person, and "automatic", at once."""
    text = render.card(_case(source="antispam", actor_id="hr"), "小美", "HR小王", "Asia/Shanghai")
    assert "处理人：HR小王（用 #spam 标记为广告）" in text and "自动" not in text


@pytest.mark.parametrize(("field", "former"), [
    ("case_notice_warned", "新案件 {summary}。如是误判，请在群里引用那条消息发送 {prefix}ham 撤销"),
    ("appeal_reinvite", "，并重新邀请入群"),
])
def test_a_former_default_copied_into_rules_yaml_reads_as_the_new_one(field, former):
    """Most operators' rules.yaml copy every text: the former defaults (an appeal's 并重新邀请入群,
    said before WeChat was asked; a warning's notice without #revoke) read as the new ones."""
    assert getattr(ModerationTexts(**{field: former}), field) == ModerationTexts.model_fields[field].default
    assert getattr(ModerationTexts(**{field: "自己写的"}), field) == "自己写的"


def test_the_bots_former_question_to_the_admins_reads_as_the_new_one():
    """bot.texts.ask_admins_kick once said 依据只有模型的判断, untrue of a regular's ad word the
    model reads as chat; copied into operators' rules.yaml, it reads as the new default."""
    from bot.rules.schema import CoreTexts

    former = ("「{member}」是老成员，又被判定为{reason}{case}，但依据只有模型的判断，机器人没有移出。请核实："
              "是广告请在群里发 {prefix}kick @{member}；不是广告请在群里引用那条消息回复 {prefix}ham。")
    assert CoreTexts(ask_admins_kick=former).ask_admins_kick == CoreTexts.model_fields["ask_admins_kick"].default
    assert "依据只有模型" not in CoreTexts(ask_admins_kick=former).ask_admins_kick
