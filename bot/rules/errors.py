"""rules.yaml errors in two languages: English for the log and `qunguan check-rules`, Simplified
Chinese for the operator who reads them in WeChat (they edit a rules.yaml commented in Chinese).

Our own validators raise RulesValueError, which carries both wordings; pydantic keeps the
exception in the error's ctx["error"]. Pydantic's built-in error types get a Chinese template
by type, filled from the error's ctx and input. Anything unmapped gets a Chinese lead-in with
the English detail, never nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# what each of the five cron fields may hold, for every "not a valid cron" message
CRON_FIELDS_ZH = "五段依次是 分（0–59）、时（0–23）、日（1–31）、月（1–12）、周（0–7，0 和 7 都是周日）"


class RulesValueError(ValueError):
    """A validation failure worded twice. str() is the English (pydantic puts it in the log);
    `chinese` is what a person reads in WeChat."""

    def __init__(self, english: str, chinese: str) -> None:
        super().__init__(english)
        self.chinese = chinese


def chinese_of(exc: BaseException) -> str:
    """The Chinese wording of a validator's exception: its own, or (a regular expression that
    does not compile) one made from the re.error, or a lead-in with the English."""
    if isinstance(exc, RulesValueError):
        return exc.chinese
    cause = exc.__cause__
    if isinstance(cause, re.error):
        return regex_chinese(cause)
    return f"设置有误：{exc}"


def within(where: str, exc: BaseException) -> RulesValueError:
    """An inner error raised again with where it happened (e.g. which text of a `texts` section)."""
    return RulesValueError(f"{where}: {exc}", f"{where}：{chinese_of(exc)}")


_REGEX_REASONS = (
    ("missing ), unterminated subpattern", "左括号「(」没有对应的「)」"),
    ("unbalanced parenthesis", "多了一个「)」，括号没有配对"),
    ("unterminated character set", "方括号「[」没有闭合"),
    ("nothing to repeat", "「*」「+」「?」前面缺少要重复的内容"),
    ("multiple repeat", "「*」「+」「?」连用了"),
    ("bad escape", "反斜杠「\\」后面的写法不对"),
    ("bad character range", "方括号里的范围写反了（应从小到大，例如 a-z）"),
)


def unknown_placeholder_chinese(unknown: Sequence[str], allowed: Sequence[str]) -> str:
    names = "、".join(f"{{{name}}}" for name in unknown)
    usable = "、".join(f"{{{name}}}" for name in sorted(allowed))
    return f"没有 {names} 这个占位符，" + (f"这里可以用：{usable}" if usable else "这里不能用占位符")


def regex_chinese(error: re.error) -> str:
    reason = next((zh for en, zh in _REGEX_REASONS if error.msg.startswith(en)), error.msg)
    pattern = error.pattern if isinstance(error.pattern, str) else ""
    where = f"（第 {error.pos + 1} 个字符处）" if error.pos is not None else ""
    return f"「{_clip(pattern)}」不是有效的正则表达式：{reason}{where}"


def regex_error(error: re.error) -> RulesValueError:
    return RulesValueError(f"not a valid regular expression: {error}", regex_chinese(error))


# ------------------------------------------------------------------ pydantic's own error types

def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _scalar(value: Any) -> str | None:
    """A YAML scalar as the operator wrote it (roughly); None for a list, a mapping or nothing."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return _clip(str(value))
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "空的"
    if isinstance(value, list | tuple):
        return "一个列表"
    if isinstance(value, Mapping):
        return "一组设置"
    return "别的内容"


def _not_a(value: Any, what: str, example: str) -> str:
    shown = _scalar(value)
    if shown is None:
        return f"这里应写{what}（例如 {example}），现在是{_kind(value)}"
    return f"「{shown}」不是{what}，请写成 {example} 这样的{what}"


def _choices(expected: str) -> str:
    """"'none', 'notify' or 'remove'" -> "none、notify 或 remove"."""
    parts = [part.strip().strip("'\"") for part in re.split(r",\s*|\s+or\s+", expected) if part.strip()]
    if len(parts) < 2:
        return "".join(parts)
    return "、".join(parts[:-1]) + f" 或 {parts[-1]}"


def _now(value: Any) -> str:
    shown = _scalar(value)
    return f"（现在是 {shown}）" if shown is not None else ""


def _string_type(value: Any) -> str:
    shown = _scalar(value)
    if shown is None:
        return f"这里应写文字，现在是{_kind(value)}"
    what = "开关值" if isinstance(value, bool) else "数字"
    return f"这里应写文字，{shown} 会被当作{what}；请加上引号，例如 '{shown}'"


def _list_type(value: Any) -> str:
    shown = _scalar(value)
    if shown is None:
        return f"这里应写一个列表（例如 [a, b]），现在是{_kind(value)}"
    return f"这里应写一个列表（只有一项也要写成列表，例如 [{shown}]）"


def _mapping_type(value: Any) -> str:
    if value is None:
        return "这里应写一组设置（在下面缩进写「名称: 值」），不能空着；不需要的话整段删掉即可"
    shown = _scalar(value)
    now = f"「{shown}」" if shown is not None else _kind(value)
    return f"这里应写一组设置（在下面缩进写「名称: 值」），现在是{now}"


def _missing(loc: Sequence[str | int]) -> str:
    key = loc[-1] if loc else ""
    return f"缺少必填的「{key}」，请补上" if isinstance(key, str) and key else "缺少必填的一项，请补上"


def _too_long_text(value: Any, limit: Any) -> str:
    size = f"（现在 {len(value)} 个）" if isinstance(value, str) else ""
    return f"太长了：最多 {limit} 个字{size}"


def pydantic_chinese(error: Mapping[str, Any]) -> str:
    """A pydantic error (one item of ValidationError.errors()) in Chinese. unknown keys
    (extra_forbidden) need the model to suggest a key: see unknown_key_chinese."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    match kind:
        case "value_error" | "assertion_error" if isinstance(ctx.get("error"), BaseException):
            return chinese_of(ctx["error"])
        case "missing":
            return _missing(tuple(error.get("loc", ())))
        case "int_parsing" | "int_type" | "int_from_float" | "int_parsing_size":
            return _not_a(value, "整数", "10")
        case "float_parsing" | "float_type" | "finite_number":
            return _not_a(value, "数字", "0.8")
        case "bool_parsing" | "bool_type":
            shown = _scalar(value)
            now = f"「{shown}」" if shown is not None else _kind(value)
            return f"这里只能写 true 或 false，现在是{now}"
        case "string_type":
            return _string_type(value)
        case "list_type" | "tuple_type" | "set_type" | "frozen_set_type" | "iterable_type":
            return _list_type(value)
        case "dict_type" | "model_type" | "model_attributes_type" | "dataclass_type" | "mapping_type":
            return _mapping_type(value)
        case "literal_error" | "enum":
            shown = _scalar(value)
            now = f"，不能写「{shown}」" if shown is not None else ""
            return f"只能写 {_choices(str(ctx.get('expected', '')))}{now}"
        case "greater_than":
            return f"必须大于 {ctx.get('gt')}{_now(value)}"
        case "greater_than_equal":
            return f"不能小于 {ctx.get('ge')}{_now(value)}"
        case "less_than":
            return f"必须小于 {ctx.get('lt')}{_now(value)}"
        case "less_than_equal":
            return f"不能大于 {ctx.get('le')}{_now(value)}"
        case "string_too_short":
            minimum = ctx.get("min_length")
            return "不能为空" if minimum == 1 else f"至少要写 {minimum} 个字"
        case "string_too_long":
            return _too_long_text(value, ctx.get("max_length"))
        case "too_short":
            return f"至少要有 {ctx.get('min_length')} 项（现在 {ctx.get('actual_length')} 项）"
        case "too_long":
            return f"最多 {ctx.get('max_length')} 项（现在 {ctx.get('actual_length')} 项）"
        case "string_pattern_mismatch":
            return f"「{_scalar(value) or ''}」的写法不对，应符合格式 {ctx.get('pattern')}"
        case "date_parsing" | "date_type" | "date_from_datetime_parsing" | "date_from_datetime_inexact":
            return _not_a(value, "日期", "2026-02-01")
        case "datetime_parsing" | "datetime_type" | "datetime_from_date_parsing":
            return _not_a(value, "时间", "2026-02-01 20:00")
        case "union_tag_invalid" | "union_tag_not_found":
            return f"这一项的类型不对：{error.get('msg', '')}"
    return f"设置有误：{str(error.get('msg', '')).removeprefix('Value error, ')}"


def unknown_key_chinese(key: str, close: str | None, allowed: Sequence[str]) -> str:
    if close:
        return f"没有「{key}」这个设置，是不是想写「{close}」？"
    if allowed:
        return f"没有「{key}」这个设置（这里可以写：{'、'.join(allowed)}）"
    return f"没有「{key}」这个设置"


def either_chinese(first: str, second: str) -> str:
    """Two branches of a union, one error: either form would do."""
    return f"{first}；或者{second.removeprefix('这里应')}"


# ------------------------------------------------------------------ the file as a whole

_YAML_PROBLEMS = (
    ("found character '\\t' that cannot start any token", "用了 Tab 键缩进；YAML 只能用空格缩进"),
    ("mapping values are not allowed here",
     "这里不能出现「:」（常见原因：缩进没对齐，或值里有「: 」却没加引号）"),
    ("could not find expected ':'", "缺少冒号：每个设置应写成「名称: 值」"),
    ("expected ',' or ']'", "这一行的方括号「[」没有闭合"),
    ("expected ',' or '}'", "这一行的花括号「{」没有闭合"),
    ("expected <block end>", "缩进没对齐：同一层的设置要用相同数量的空格缩进"),
    ("found unexpected end of stream", "这一行的引号没有闭合"),
    ("found undefined alias", "用了没有定义的别名（*名称）"),
    ("found duplicate anchor", "同一个锚点（&名称）定义了两次"),
    ("did not find expected key", "缩进没对齐，或上一行的引号、括号没有闭合"),
    ("did not find expected '-' indicator", "列表的缩进没对齐（每项以「- 」开头，缩进一致）"),
    ("found a tab character", "用了 Tab 键缩进；YAML 只能用空格缩进"),
)


# an unclosed bracket or quote is noticed where the file ends or the next key starts; the
# operator has to fix the line that opened it
_AT_OPENING = ("expected ',' or ']'", "expected ',' or '}'", "found unexpected end of stream")


def yaml_chinese(problem: str) -> str:
    reason = next((zh for en, zh in _YAML_PROBLEMS if problem.startswith(en)), None)
    return f"不是有效的 YAML：{reason}" if reason else f"不是有效的 YAML（{problem}）"


def yaml_error_line(exc: BaseException) -> int | None:
    """The 1-based line to show for a YAML syntax error."""
    problem = str(getattr(exc, "problem", "") or "")
    mark = getattr(exc, "problem_mark", None)
    if problem.startswith(_AT_OPENING) and getattr(exc, "context_mark", None) is not None:
        mark = exc.context_mark  # type: ignore[attr-defined]
    return mark.line + 1 if mark is not None else None


def read_error_chinese(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "文件不是 UTF-8 编码，请用 UTF-8 另存一次"
    if isinstance(exc, PermissionError):
        return "没有权限读取这个文件"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是规则文件"
    return f"无法读取文件（{exc}）"
