"""rules.yaml: the shipped file validates; typos give dotted paths with line numbers; a bad
reload keeps the old rules."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.rules import PluginConfig, RulesInvalid, parse_rules
from bot.rules.store import RulesStore
from bot.rules.types import parse_duration
from plugins import default_plugins
from tests.shipped import shipped_section

ROOT = Path(__file__).resolve().parents[1]


class Greeting:
    """A stand-in plugin section, so group-level plugin config is exercised."""

    name = "greeting"

    class Config(PluginConfig):
        template: str = "欢迎 {name}"
        merge_window: int = 5


PLUGINS = [Greeting]


def errors_of(text: str) -> list[tuple[str, int | None]]:
    with pytest.raises(RulesInvalid) as info:
        parse_rules(text, "rules.yaml", PLUGINS)
    return [(e.path, e.line) for e in info.value.errors]


def test_shipped_rules_validate_with_every_plugin():
    rules = parse_rules((ROOT / "rules.yaml").read_text("utf-8"), "rules.yaml", default_plugins())
    assert rules.bot.command_prefix == "#"
    for plugin in default_plugins():  # the shipped file turns every plugin on
        assert getattr(rules.defaults, plugin.name).enabled


def test_check_rules_cli_exit_codes(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "bot.cli", "check-rules", str(ROOT / "rules.yaml")],
                        capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
    bad = tmp_path / "rules.yaml"
    bad.write_text("bot:\n  command_prefx: '!'\ndefaults:\n  timezone: Mars/Olympus\n", "utf-8")
    res = subprocess.run([sys.executable, "-m", "bot.cli", "check-rules", str(bad)],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 1
    assert "bot.command_prefx" in res.stderr and "line 2" in res.stderr
    assert "command_prefix" in res.stderr  # the did-you-mean hint
    assert "defaults.timezone" in res.stderr and "line 4" in res.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("bot:\n  oprators: [a]\n", [("bot.oprators", 2)], id="unknown-bot-key"),
        pytest.param("bot:\n  governor:\n    jitter: fast\n", [("bot.governor.jitter", 3)], id="bad-duration"),
        pytest.param("defaults:\n  greeting:\n    merge_window: soon\n", [("defaults.greeting.merge_window", 3)],
                     id="plugin-section-type"),
        pytest.param("groups:\n  '1@chatroom':\n    greeting:\n      templat: x\n",
                     [("groups.1@chatroom.greeting.templat", 4)], id="group-override-typo"),
        pytest.param("bot: [1, 2]\n", [("bot", 1)], id="wrong-shape"),
        pytest.param("bot:\n  manage: some\n", [("bot.manage", 2)], id="manage-literal"),
        pytest.param("defaults:\n  x: 1\ngroups:\n  r: {}\n", [("defaults.x", 2)], id="inherited-error-once"),
        pytest.param("bot:\n  texts:\n    reload_ok: '好了 {digets}'\n", [("bot.texts.reload_ok", 3)],
                     id="template-placeholder-typo"),
    ],
)
def test_errors_name_path_and_line(text, expected):
    found = errors_of(text)
    assert found[: len(expected)] == expected


def test_yaml_syntax_error_has_a_line():
    found = errors_of("bot:\n  operators: [a, b\ndefaults: {}\n")
    assert found[0][0] == "" and found[0][1] is not None


def test_group_overrides_merge_onto_defaults():
    rules = parse_rules(
        "defaults:\n  moderators: [m1]\n  greeting:\n    merge_window: 9\n"
        "groups:\n  g1@chatroom:\n    greeting:\n      template: hi\n",
        "rules.yaml", PLUGINS,
    )
    g1 = rules.for_room("g1@chatroom")
    assert g1.greeting.template == "hi" and g1.greeting.merge_window == 9 and g1.moderators == ("m1",)
    assert rules.for_room("other@chatroom").greeting.template == "欢迎 {name}"


def test_off_written_plainly_is_the_word_off():
    """rules.yaml says a check's mode is enforce, shadow or off; YAML 1.1 reads a bare off (and
    on, yes, no) as a boolean, so `charmodel: {mode: off}` was refused with 只能写 enforce、shadow
    或 off，不能写「false」 (an operator setting up a group where members sell, simulated)."""
    rules = parse_rules(
        "bot:\n  dry_run: on\ndefaults:\n  antispam:\n    contact: {member: off}\n  greeting: {enabled: no}\n"
        "groups:\n  g1@chatroom:\n    antispam:\n      charmodel: {mode: off}\n",
        "rules.yaml", default_plugins(),
    )
    g1 = rules.for_room("g1@chatroom")
    assert g1.antispam.charmodel.mode == "off" and g1.antispam.contact.member == "off"
    assert rules.defaults.antispam.charmodel.mode == "enforce"
    # a yes/no or on/off switch is still one
    assert rules.defaults.greeting.enabled is False and rules.bot.dry_run is True


def test_manage_list_and_ignore():
    rules = parse_rules("bot:\n  manage: [a@chatroom, b@chatroom]\n  ignore: [b@chatroom]\n", "r", PLUGINS)
    assert rules.manages("a@chatroom") and not rules.manages("b@chatroom") and not rules.manages("c@chatroom")


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("10m", 600), ("1h30m", 5400), ("2d", 172800),
                                                ("1.5s", 1.5), (45, 45)])
def test_durations(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


# a bare number *string* is refused: the operator should say the unit
@pytest.mark.parametrize("text", ["", "5", "10 minutes", "-3s", "3x", True])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_bad_reload_keeps_last_good_rules(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("bot:\n  operators: [op1]\n", "utf-8")
    store = RulesStore(path, PLUGINS, FakeClock())
    seen = []
    store.on_change(seen.append)
    good = store.current
    path.write_text("bot:\n  operators: [op1\n", "utf-8")
    with pytest.raises(RulesInvalid):
        store.reload()
    assert store.current is good and store.last_error is not None and seen == []
    path.write_text("bot:\n  operators: [op2]\n", "utf-8")
    assert store.reload().bot.operators == ("op2",)
    assert seen and store.last_error is None


def test_invalid_rules_at_start_raise_with_every_error(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("bot:\n  a: 1\n  b: 2\n", "utf-8")
    with pytest.raises(RulesInvalid) as info:
        RulesStore(path, PLUGINS, FakeClock())
    assert [e.path for e in info.value.errors] == ["bot.a", "bot.b"]


def test_run_refuses_invalid_rules_with_the_error_list(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("bot:\n  governer: {}\n", "utf-8")
    res = subprocess.run([sys.executable, "-m", "bot.cli", "run", "--rules", str(bad), "--no-console"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert res.returncode == 1
    assert "bot.governer" in res.stderr and "line 2" in res.stderr and "governor" in res.stderr
    assert not (tmp_path / "qunguan.db").exists()  # nothing started


@pytest.mark.parametrize(("section", "field"), [("moderation", "kicked"), ("antispam", "warn"), ("stats", "header")])
def test_a_plugin_text_with_an_unknown_placeholder_fails_at_load(section, field):
    text = f"defaults:\n  {section}:\n    texts:\n      {field}: '看这里 {{membr}}'\n"
    with pytest.raises(RulesInvalid) as info:
        parse_rules(text, "rules.yaml", default_plugins())
    (error,) = info.value.errors
    assert error.path == f"defaults.{section}.texts" and error.line == 3
    assert field in error.message and "{membr}" in error.message


@pytest.mark.parametrize("plugin", default_plugins(), ids=lambda p: p.name)
def test_the_shipped_rules_yaml_says_what_the_code_defaults_say(plugin):
    """rules.yaml spells out every default for operators; a value YAML reads differently from
    what it looks like (an unquoted " #strict off" starts a comment) would make the shipped bot
    differ from its own documentation."""
    assert plugin.Config.model_validate(shipped_section(plugin.name)) == plugin.Config()
