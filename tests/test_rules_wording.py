"""rules.yaml errors in two languages: each common mistake gives a short Chinese message naming
the line and saying what to write instead (what operators read in WeChat), next to the English
the log keeps; every validator that can refuse a rules file words its refusal in both."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import Field, field_validator

from bot.rules import PluginConfig, RulesInvalid, parse_rules
from bot.rules.errors import pydantic_chinese
from plugins import default_plugins

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def first_error(text: str, plugins=None):
    with pytest.raises(RulesInvalid) as info:
        parse_rules(text, "rules.yaml", default_plugins() if plugins is None else plugins)
    return info.value.errors[0]


# (rules.yaml, the error's path, its line, what the Chinese must say)
MISTAKES = {
    "duration with a Chinese unit": (
        "defaults:\n  greeting:\n    window: 5 秒\n", "defaults.greeting.window", 3,
        "「5 秒」不是时长，请写成 30s、10m、24h、7d 或 1h30m 这样的格式"),
    "negative duration": ("bot:\n  notify_every: -5\n", "bot.notify_every", 2, "时长不能是负数"),
    "unknown key": ("bot:\n  oprators: [a]\n", "bot.oprators", 2,
                    "没有「oprators」这个设置，是不是想写「operators」？"),
    "unknown key, nothing close": ("bot:\n  governor:\n    zzz: 1\n", "bot.governor.zzz", 3,
                                   "没有「zzz」这个设置（这里可以写：group_interval、"),
    "missing key": ("defaults:\n  announce:\n    schedules:\n      - cron: '0 9 * * *'\n        text: 早\n",
                    "defaults.announce.schedules.0.id", 4, "缺少必填的「id」，请补上"),
    "word for a number": ("bot:\n  governor:\n    daily_limit: ten\n", "bot.governor.daily_limit", 3,
                          "「ten」不是整数，请写成 10 这样的整数"),
    "fraction for a whole number": ("bot:\n  governor:\n    daily_limit: 1.5\n", "bot.governor.daily_limit", 3,
                                    "「1.5」不是整数"),
    "word for a decimal": ("defaults:\n  antispam:\n    bayes:\n      threshold: high\n",
                           "defaults.antispam.bayes.threshold", 4, "「high」不是数字"),
    "word for a switch": ("bot:\n  dry_run: maybe\n", "bot.dry_run", 2, "这里只能写 true 或 false，现在是「maybe」"),
    "number for text": ("defaults:\n  name: 123\n", "defaults.name", 2, "这里应写文字，123 会被当作数字；请加上引号"),
    "one item for a list": ("bot:\n  operators: wxid_a\n", "bot.operators", 2,
                            "这里应写一个列表（只有一项也要写成列表，例如 [wxid_a]）"),
    "list for a section": ("groups:\n  r1: [1]\n", "groups.r1", 2,
                           "这里应写一组设置（在下面缩进写「名称: 值」），现在是一个列表"),
    "empty section": ("defaults:\n  greeting:\n", "defaults.greeting", 2, "这里应写一组设置"),
    "choice not offered": ("defaults:\n  nickname:\n    action: kick\n", "defaults.nickname.action", 3,
                           "只能写 none、notify 或 remove，不能写「kick」"),
    "either a word or a list": ("bot:\n  manage: some\n", "bot.manage", 2,
                                "只能写 auto 或 all，不能写「some」；或者写一个列表"),
    "below the minimum": ("bot:\n  governor:\n    kicks_per_hour: -1\n", "bot.governor.kicks_per_hour", 3,
                          "不能小于 0（现在是 -1）"),
    "above the maximum": ("defaults:\n  checkin:\n    makeup:\n      lookback_days: 40\n",
                          "defaults.checkin.makeup.lookback_days", 4, "不能大于 31（现在是 40）"),
    "empty text": ("bot:\n  command_prefix: ''\n", "bot.command_prefix", 2, "不能为空"),
    "text too long": ("bot:\n  command_prefix: '####'\n", "bot.command_prefix", 2, "太长了：最多 3 个字（现在 4 个）"),
    "bad date": ("defaults:\n  announce:\n    schedules:\n      - id: a\n        text: 早\n        cron: '0 9 * * *'\n"
                 "        start_date: someday\n", "defaults.announce.schedules.0.start_date", 7,
                 "「someday」不是日期，请写成 2026-02-01 这样的日期"),
    "unknown timezone": ("defaults:\n  timezone: Beijing\n", "defaults.timezone", 2,
                         "没有「Beijing」这个时区，请写 Asia/Shanghai 这样的时区名称"),
    "placeholder typo": ("bot:\n  texts:\n    reload_ok: '好了 {digets}'\n", "bot.texts.reload_ok", 3,
                         "没有 {digets} 这个占位符，这里可以用：{digest}"),
    "unpaired brace": ("bot:\n  texts:\n    reload_ok: '好了 {digest'\n", "bot.texts.reload_ok", 3,
                       "花括号 { } 没有配对；要显示花括号本身，请写成 {{ 和 }}"),
    "plugin text placeholder typo": ("defaults:\n  checkin:\n    texts:\n      ok: '打卡成功 {rnk}'\n",
                                     "defaults.checkin.texts", 3,
                                     "texts.ok：没有 {rnk} 这个占位符，这里可以用：{points}"),
    "time of day": ("defaults:\n  checkin:\n    window_start: '25:00'\n", "defaults.checkin.window_start", 3,
                    "「25:00」不是时刻，请写成 05:00 或 23:59 这样的格式"),
    "cron with four fields": ("defaults:\n  checkin:\n    remind:\n      cron: '0 21 * *'\n",
                              "defaults.checkin.remind.cron", 4, "「0 21 * *」不是 cron 表达式：请写 5 段"),
    "cron out of range": ("defaults:\n  checkin:\n    remind:\n      cron: '0 25 * * *'\n",
                          "defaults.checkin.remind.cron", 4,
                          "「0 25 * * *」不是有效的 cron 表达式：五段依次是 分（0–59）"),
    "check-in window backwards": ("defaults:\n  checkin:\n    window_start: '20:00'\n    window_end: '08:00'\n",
                                  "defaults.checkin", 2, "打卡结束时间 window_end 要晚于开始时间 window_start"),
    "schedule id": ("defaults:\n  announce:\n    schedules:\n      - id: 1st\n        text: 早\n"
                    "        cron: '0 9 * * *'\n",
                    "defaults.announce.schedules.0.id", 4, "「1st」不能作 id：请以英文字母开头"),
    "schedule time": ("defaults:\n  announce:\n    schedules:\n      - id: a\n        text: 早\n"
                      "        at: tomorrow\n", "defaults.announce.schedules.0.at", 6,
                      "「tomorrow」不是时间，请写成 2026-02-01 20:00 这样的格式"),
    "schedule with both triggers": ("defaults:\n  announce:\n    schedules:\n      - id: a\n        text: 早\n"
                                    "        cron: '0 9 * * *'\n        at: 2026-02-01 09:00\n",
                                    "defaults.announce.schedules.0", 4,
                                    "cron（重复发送）和 at（只发一次）要写其中一个，且只能写一个"),
    "duplicate schedule ids": ("defaults:\n  announce:\n    schedules:\n"
                               "      - {id: a, text: 早, cron: '0 9 * * *'}\n"
                               "      - {id: a, text: 晚, cron: '0 21 * * *'}\n",
                               "defaults.announce", 2, "同一个群的定时消息和活动不能用相同的 id：a 重复了"),
    "too many core rules": ("defaults:\n  greeting:\n    rules: [a, b, c, d]\n", "defaults.greeting.rules", 3,
                            "群规最多 3 条（现在 4 条），其余的请写到 full_rules 里"),
    "welcome window too long": ("defaults:\n  greeting:\n    window: 5m\n", "defaults.greeting.window", 3,
                                "合并欢迎的等待时间 window 最长 2m"),
    "nickname regex": ("defaults:\n  nickname:\n    regex: '(abc'\n", "defaults.nickname.regex", 3,
                       "「(abc」不是有效的正则表达式：左括号「(」没有对应的「)」（第 1 个字符处）"),
    # antispam's own validator raises a plain ValueError from re.error: worded from the re.error
    "anti-spam regex": ("defaults:\n  antispam:\n    keywords:\n      regexes: ['加[微v']\n",
                        "defaults.antispam.keywords.regexes", 4, "「加[微v」不是有效的正则表达式：方括号「[」没有闭合"),
    "nickname example": ("defaults:\n  nickname:\n    example: 张三\n    regex: '^\\d+$'\n", "defaults.nickname", 2,
                         "示例「张三」本身不符合昵称格式"),
    # an unclosed bracket or quote is found later on; the line that opened it is the one to fix
    "unclosed bracket": ("bot:\n  operators: [a, b\ndefaults: {}\n", "", 2,
                         "不是有效的 YAML：这一行的方括号「[」没有闭合"),
    "unclosed brace": ("bot:\n  governor: {jitter: 0s\n", "", 2, "这一行的花括号「{」没有闭合"),
    "tab indent": ("bot:\n\tx: 1\n", "", 2, "用了 Tab 键缩进；YAML 只能用空格缩进"),
    "colon in a value": ("bot:\n  name: a: b\n", "", 2, "这里不能出现「:」"),
    "misaligned keys": ("bot:\n  dry_run: true\n command_prefix: '#'\n", "", 3, "缩进没对齐"),
    "unclosed quote": ("bot:\n  command_prefix: '#\n  dry_run: true\n", "", 2, "这一行的引号没有闭合"),
    "a list, not a mapping": ("- bot\n- defaults\n", "", 1, "文件最外层应是 bot:、defaults:、groups: 这样的设置"),
    # YAML keeps the last of two equal keys without a word: half the settings silently ignored
    "a section written twice": ("defaults:\n  greeting:\n    enabled: true\n  timezone: Asia/Shanghai\n"
                                "  greeting:\n    window: 10s\n", "defaults.greeting", 5,
                                "「greeting」写了两次（第一次在第 2 行），只有后写的会生效；请合并成一处"),
}


@pytest.mark.parametrize(("text", "path", "line", "chinese"), MISTAKES.values(), ids=MISTAKES.keys())
def test_each_common_mistake_reads_in_chinese_with_its_line(text, path, line, chinese):
    error = first_error(text)
    assert (error.path, error.line) == (path, line)
    assert chinese in error.chinese, error.chinese
    shown = error.for_people()
    assert shown.startswith(f"第 {line} 行，{path}：" if path else f"第 {line} 行：")
    # no English left in what a person reads, beyond keys, values and examples
    assert not re.search(r"Input should|Value error|is not a|expected|must be|unknown", error.chinese)
    # and the English (the log) quotes no Chinese but the operator's own
    assert not [char for char in CJK.findall(error.message) if char not in text], error.message


def test_the_log_and_the_exception_stay_english():
    with pytest.raises(RulesInvalid) as info:
        parse_rules("defaults:\n  greeting:\n    window: 5 秒\n", "rules.yaml", default_plugins())
    assert str(info.value) == ("rules.yaml: 1 error(s)\n  defaults.greeting.window (line 3): '5 秒' is not a "
                               "duration; write e.g. 30s, 10m, 24h, 7d or 1h30m")


class Odd:
    """A stand-in plugin whose validators the rules code knows nothing about."""

    name = "odd"

    class Config(PluginConfig):
        step: int = Field(default=5, multiple_of=5)
        word: str = "x"

        @field_validator("word")
        @classmethod
        def _word(cls, value: str) -> str:
            if value == "bad":
                raise ValueError("this word is refused")
            return value


@pytest.mark.parametrize(("text", "english"), [
    pytest.param("defaults:\n  odd:\n    step: 7\n", "Input should be a multiple of 5", id="unmapped-pydantic-type"),
    pytest.param("defaults:\n  odd:\n    word: bad\n", "this word is refused", id="plain-value-error"),
])
def test_anything_unmapped_gets_a_chinese_lead_in_and_the_english(text, english):
    error = first_error(text, [Odd])
    assert error.chinese == f"设置有误：{english}"
    assert error.for_people() == f"第 3 行，{error.path}：设置有误：{english}"


def test_an_unknown_error_type_is_never_worded_as_nothing():
    error = {"type": "something_new", "loc": ("x",), "msg": "Something new"}
    assert pydantic_chinese(error) == "设置有误：Something new"


def test_check_rules_prints_chinese_with_the_english_beneath(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("bot:\n  command_prefx: '!'\ndefaults:\n  greeting:\n    window: 5 秒\n", "utf-8")
    res = subprocess.run([sys.executable, "-m", "bot.cli", "check-rules", str(bad)],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 1
    lines = res.stderr.splitlines()
    assert lines[0] == f"{bad}: 2 处错误 / 2 error(s):"
    assert lines[1:] == [
        "  第 2 行，bot.command_prefx：没有「command_prefx」这个设置，是不是想写「command_prefix」？",
        "    bot.command_prefx (line 2): unknown key 'command_prefx'; did you mean 'command_prefix'?",
        "  第 5 行，defaults.greeting.window：「5 秒」不是时长，请写成 30s、10m、24h、7d 或 1h30m 这样的格式",
        "    defaults.greeting.window (line 5): '5 秒' is not a duration; write e.g. 30s, 10m, 24h, 7d or 1h30m",
    ]


def test_file_level_errors_are_worded_in_both(tmp_path):
    from bot.rules import load_rules

    missing = tmp_path / "none.yaml"
    with pytest.raises(RulesInvalid) as info:
        load_rules(missing, [])
    (error,) = info.value.errors
    assert error.message == f"file not found: {missing}" and error.chinese == f"找不到文件：{missing}"
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("bot:\n  name: 'caf\u00e9'\n".encode("latin-1"))
    with pytest.raises(RulesInvalid) as info:
        load_rules(latin1, [])
    assert info.value.errors[0].chinese == "文件不是 UTF-8 编码，请用 UTF-8 另存一次"


# ------------------------------------------------------------------ every refusal is bilingual

# Where rules.yaml is validated: all of bot/rules, each plugin's config.py, and the helpers those
# validators call (whole files, or only the named functions of a file that also serves chat).
# plugins/antispam belongs to its own owner; its one refusal is worded from the re.error above.
VALIDATORS: dict[Path, frozenset[str] | None] = {
    **{path: None for path in sorted((ROOT / "bot" / "rules").glob("*.py"))},
    **{path: None for path in sorted((ROOT / "plugins").glob("*/config.py")) if path.parent.name != "antispam"},
    ROOT / "plugins" / "announce" / "templates.py": None,
    ROOT / "plugins" / "announce" / "timing.py": frozenset({"check_cron", "expand_dow", "_dow_number", "shift_cron"}),
}


def _raises(path: Path, functions: frozenset[str] | None) -> list[ast.Raise]:
    tree = ast.parse(path.read_text("utf-8"))
    roots: list[ast.AST] = [tree] if functions is None else [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name in functions]
    assert functions is None or len(roots) == len(functions), f"{path.name}: a named function is gone"
    return [node for root in roots for node in ast.walk(root) if isinstance(node, ast.Raise)]


def _called(node: ast.expr | None) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    return ast.unparse(node) if node is not None else ""


def _chinese_text(node: ast.expr) -> str:
    """The literal parts of a string expression (constants, f-string pieces, concatenations)."""
    return "".join(part.value for part in ast.walk(node)
                   if isinstance(part, ast.Constant) and isinstance(part.value, str))


@pytest.mark.parametrize("path", VALIDATORS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_refusal_in_rules_validation_is_bilingual(path):
    english_only = []
    for node in _raises(path, VALIDATORS[path]):
        name = _called(node.exc)
        if name == "ValueError":
            english_only.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif name == "RulesValueError":
            assert isinstance(node.exc, ast.Call) and len(node.exc.args) == 2, f"line {node.lineno}"
            english, chinese = node.exc.args
            assert not CJK.search(_chinese_text(english)), f"line {node.lineno}: the English has Chinese in it"
            # the Chinese may be built by a helper (bot.rules.errors); a literal one must be Chinese
            if _chinese_text(chinese):
                assert CJK.search(_chinese_text(chinese)), f"line {node.lineno}: the Chinese is not Chinese"
    assert english_only == [], f"raise RulesValueError(english, chinese) instead: {english_only}"


def test_the_bilingual_check_sees_the_validators():
    found = sum(_called(node.exc) == "RulesValueError" for path, functions in VALIDATORS.items()
                for node in _raises(path, functions))
    assert found >= 35
    assert ROOT / "plugins" / "checkin" / "config.py" in VALIDATORS


def test_a_section_written_twice_is_one_error_not_one_per_key_inside_it():
    text = "bot:\n  governor:\n    jitter: 0s\n    group_interval: 0s\n  governor:\n    jitter: 1s\n" \
           "    group_interval: 2s\n"
    with pytest.raises(RulesInvalid) as info:
        parse_rules(text, "rules.yaml", default_plugins())
    assert [(e.path, e.line) for e in info.value.errors] == [("bot.governor", 5)]
