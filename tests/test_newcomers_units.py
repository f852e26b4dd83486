"""Pure logic of the newcomers plugins, table-driven: the nickname policy, the staging of
prompts, templates and the rules.yaml sections."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from bot.clock import FakeClock
from bot.rules.loader import RulesInvalid
from bot.rules.store import RulesStore
from plugins.newcomers import GreetingPlugin, NicknamePlugin, NicknamePolicy, core_rules, render_rules
from plugins.newcomers.config import GreetingConfig, NicknameConfig
from plugins.newcomers.staging import Stage, Timings, due_after, first_due, goes_along, step_now
from plugins.newcomers.templates import check_template, clip, join_names
from tests.shipped import shipped_block

TEMPLATE = NicknamePolicy("城市-行业-昵称")


@pytest.mark.parametrize(("alias", "ok"), [
    ("上海-电商-小王", True),
    ("上海 电商 小王", True),
    ("上海｜电商｜小王", True),  # full-width bar folds to "|"
    ("上海－电商－小王", True),  # full-width hyphen
    ("上海—电商—小王", True),
    ("上海-电商-Jean-Luc", True),  # the last field may contain a separator
    ("  上海 - 电商 - 小王  ", True),
    ("上海--电商-小王", True),  # doubled separators are one
    ("", False),
    ("小王", False),
    ("上海-小王", False),
    ("上海电商小王", False),
    ("-上海-电商", False),
    ("上海-电商-", False),
    ("\u200b-\u200b-\u200b", False),  # invisible fields
    ("上海-\u200d-小王", False),
    ("\u202e上海-电商-小王", True),  # a bidi override is stripped, the fields remain
    ("上海-电商-" + "王" * 200, False),  # absurdly long
    ("🐱-🐶-🐭", True),
    ("上海\n电商\n小王", True),
], ids=lambda v: repr(v)[:20] if isinstance(v, str) else str(v))
def test_template_policy(alias, ok):
    assert TEMPLATE.complies(alias) is ok


@pytest.mark.parametrize(("regex", "alias", "ok"), [
    (r"\d{4}届-.+", "2019届-小王", True),
    (r"\d{4}届-.+", "19届-小王", False),
    (r"[A-Z]{2}-.+", "ＳＨ-小王", True),  # full-width letters fold before matching
    (r".+", "", False),  # an empty nickname never complies
], ids=["year-ok", "year-short", "nfkc", "empty"])
def test_regex_policy(regex, alias, ok):
    assert NicknamePolicy("届别-昵称", regex).complies(alias) is ok


@pytest.mark.parametrize(("pattern", "fields"), [
    ("孩子名字-爸爸/妈妈", ("孩子名字", "爸爸或妈妈")),  # a choice within a field, as owners write it
    ("孩子名字 - 爸爸 / 妈妈", ("孩子名字", "爸爸或妈妈")),
    ("城市/行业/昵称", ("城市", "行业", "昵称")),  # slashes alone separate
    ("城市-行业-昵称", ("城市", "行业", "昵称")),
])
def test_a_slash_in_a_template_otherwise_separated_is_a_choice(pattern, fields):
    assert NicknamePolicy(pattern).fields == fields
    assert NicknamePolicy("孩子名字-爸爸/妈妈").complies("王小明-妈妈")


def test_single_field_pattern_only_asks_for_a_nickname():
    policy = NicknamePolicy("真实姓名")
    assert policy.complies("王小明") and not policy.complies("  ")


T = Timings(timedelta(seconds=5), timedelta(hours=1), timedelta(hours=24), timedelta(hours=48), acts=True)
QUIET = Timings(T.prompt_delay, T.remind_after, T.final_after, T.action_after, acts=False)
SINCE = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


def at(**delta: float) -> datetime:
    return SINCE + timedelta(**delta)


@pytest.mark.parametrize(("stage", "now", "timings", "step", "next_due"), [
    (Stage.NEW, at(seconds=5), T, Stage.PROMPTED, at(hours=1)),
    (Stage.PROMPTED, at(hours=1), T, Stage.REMINDED, at(hours=24)),
    (Stage.REMINDED, at(hours=24), T, Stage.FINAL_NOTICE, at(hours=48)),
    (Stage.FINAL_NOTICE, at(hours=48), T, Stage.ACTED, None),
    (Stage.REMINDED, at(hours=24), QUIET, Stage.FINAL_NOTICE, None),  # action "none": nothing after
    (Stage.FINAL_NOTICE, at(hours=48), QUIET, None, None),
    (Stage.ACTED, at(hours=99), T, None, None),
    # down for a while: the stale reminder is skipped, the last notice keeps its full day before the action
    (Stage.PROMPTED, at(hours=30), T, Stage.FINAL_NOTICE, at(hours=54)),
    # the join prompt came late: the reminder keeps its gap after it
    (Stage.NEW, at(minutes=50), T, Stage.PROMPTED, at(minutes=50, hours=1, seconds=-5)),
    # never straight from a prompt to the action
    (Stage.PROMPTED, at(hours=100), T, Stage.FINAL_NOTICE, at(hours=124)),
], ids=["prompt", "remind", "final", "act", "final-none", "after-final-none", "done", "catch-up",
        "late-prompt", "no-skip-to-action"])
def test_staging(stage, now, timings, step, next_due):
    assert step_now(stage, SINCE, now, timings) == step
    if step is not None:
        assert due_after(step, SINCE, now, timings) == next_due


@pytest.mark.parametrize(("stage", "due_in", "going_out", "along"), [
    (Stage.PROMPTED, timedelta(minutes=25), {Stage.REMINDED}, True),  # a later wave's reminder, 25 min early
    (Stage.PROMPTED, timedelta(minutes=31), {Stage.REMINDED}, False),  # not more than 30 minutes early
    (Stage.PROMPTED, timedelta(minutes=10), {Stage.PROMPTED}, False),  # a new wave's prompt takes no reminder
    (Stage.REMINDED, timedelta(minutes=30), {Stage.FINAL_NOTICE}, True),
    (Stage.FINAL_NOTICE, timedelta(minutes=1), {Stage.ACTED}, False),  # the action never goes early
    (Stage.NEW, timedelta(seconds=30), {Stage.PROMPTED}, False),  # prompts: TOGETHER, not this
], ids=["reminder", "too-early", "other-step", "final", "never-the-action", "prompt"])
def test_a_reminder_takes_along_the_ones_due_soon(stage, due_in, going_out, along):
    now = at(hours=1)
    assert goes_along(stage, now + due_in, now, T, going_out) is along


def test_a_reminder_goes_at_most_half_its_usual_gap_early():
    short = Timings(timedelta(seconds=5), timedelta(minutes=20), timedelta(hours=24), timedelta(hours=48), acts=True)
    now = at(minutes=20)
    assert goes_along(Stage.PROMPTED, now + timedelta(minutes=9), now, short, {Stage.REMINDED})
    assert not goes_along(Stage.PROMPTED, now + timedelta(minutes=11), now, short, {Stage.REMINDED})


def test_first_due_is_the_prompt_delay():
    assert first_due(SINCE, T) == at(seconds=5)


@pytest.mark.parametrize(("text", "error"), [
    ("欢迎 {names}", None),
    ("{{literal}} {names}", None),
    ("欢迎 {nam}", "unknown placeholder {nam}"),
    ("{names.__class__}", "unknown placeholder"),
    ("{0}", "unknown placeholder"),
    ("{}", "unknown placeholder"),
    ("欢迎 {names", "broken braces"),
], ids=["ok", "literal", "typo", "attribute", "positional", "empty", "unbalanced"])
def test_template_check(text, error):
    if error is None:
        assert check_template(text, frozenset({"names"})) == text
    else:
        with pytest.raises(ValueError, match=error):
            check_template(text, frozenset({"names"}))


def test_names_are_clipped_and_long_lists_summarised():
    assert clip("a\nb\tc") == "a b c"
    assert clip("王" * 100).endswith("…") and len(clip("王" * 100)) == 24
    assert join_names(["a", "", "b"]) == "a、b"
    assert join_names([f"n{i}" for i in range(25)]).endswith("n19 等 25 人")


@pytest.mark.parametrize(("model", "values", "error"), [
    (GreetingConfig, {"rules": ["a", "b", "c", "d"]}, "at most 3 core rules"),
    (GreetingConfig, {"rules": ["a", " "]}, "a rule is empty"),
    (GreetingConfig, {"window": "5m"}, "at most 2m"),
    (GreetingConfig, {"template": "{nam}"}, "unknown placeholder"),
    (GreetingConfig, {"raid": {"notice": "{who}"}}, "unknown placeholder"),
    (NicknameConfig, {"remind_after": "1s"}, "prompt_delay < remind_after"),
    (NicknameConfig, {"final_after": "72h"}, "final_after < action_after"),
    (NicknameConfig, {"example": "小王"}, "does not follow the pattern"),
    (NicknameConfig, {"regex": "("}, "not a valid regular expression"),
    (NicknameConfig, {"action": "ban"}, "none"),
    (NicknameConfig, {"texts": {"final": "{deadline}{when}"}}, "unknown placeholder {when}"),
    (NicknameConfig, {"remind_afer": "1h"}, "Extra inputs"),
], ids=["4-rules", "empty-rule", "long-window", "greeting-typo", "raid-typo", "order", "order-end", "bad-example",
        "bad-regex", "bad-action", "text-typo", "key-typo"])
def test_config_errors(model, values, error):
    with pytest.raises(ValidationError, match=error):
        model(**values)


def test_sections_load_through_the_rules_loader_with_per_group_overrides(tmp_path):
    path = tmp_path / "rules.yaml"
    documented = textwrap.indent(shipped_block("greeting") + shipped_block("nickname"), "  ")
    path.write_text("version: 1\ndefaults:\n" + documented + textwrap.dedent("""\
        groups:
          "1@chatroom":
            greeting:
              rules: [只聊读书]
            nickname:
              action: remove
        """), "utf-8")
    rules = RulesStore(path, [GreetingPlugin(), NicknamePlugin()], FakeClock()).current
    assert core_rules(rules, "1@chatroom") == ("只聊读书",)
    assert core_rules(rules, "2@chatroom") == GreetingConfig().rules
    assert rules.plugin_config("1@chatroom", "nickname").action == "remove"
    assert render_rules(rules.plugin_config("1@chatroom", "greeting")) == "本群群规：\n1. 只聊读书"


def test_a_fourth_rule_is_an_error_with_its_line(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("defaults:\n  greeting:\n    rules: [一, 二, 三, 四]\n", "utf-8")
    with pytest.raises(RulesInvalid) as info:
        RulesStore(path, [GreetingPlugin(), NicknamePlugin()], FakeClock())
    (error,) = info.value.errors
    assert error.path == "defaults.greeting.rules" and error.line == 3


@pytest.mark.parametrize(("local", "until"), [
    ("2026-05-01 21:59", None),
    ("2026-05-01 22:00", "2026-05-02 08:00"),
    ("2026-05-01 23:03", "2026-05-02 08:00"),
    ("2026-05-02 00:30", "2026-05-02 08:00"),
    ("2026-05-02 07:59", "2026-05-02 08:00"),
    ("2026-05-02 08:00", None),
])
def test_nickname_quiet_hours_cross_midnight_in_the_groups_timezone(local: str, until: str | None) -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    now = datetime.fromisoformat(local).replace(tzinfo=tz).astimezone(UTC)
    end = NicknameConfig().quiet_until(now, "Asia/Shanghai")
    assert (end.astimezone(tz).strftime("%Y-%m-%d %H:%M") if end else None) == until


def test_nickname_quiet_hours_within_a_day_or_none() -> None:
    day = NicknameConfig(quiet_start="13:00", quiet_end="14:00")
    assert day.quiet_until(datetime(2026, 5, 1, 5, 30, tzinfo=UTC), "Asia/Shanghai") is not None  # 13:30
    assert day.quiet_until(datetime(2026, 5, 1, 14, 30, tzinfo=UTC), "Asia/Shanghai") is None  # 22:30
    never = NicknameConfig(quiet_start="00:00", quiet_end="00:00")
    assert never.quiet_until(datetime(2026, 5, 1, 15, 0, tzinfo=UTC), "Asia/Shanghai") is None  # 23:00
    with pytest.raises(ValidationError, match="not a time of day"):
        NicknameConfig(quiet_start="晚上十点")
