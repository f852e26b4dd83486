"""Operator-written message templates: placeholders are checked when rules.yaml is loaded, so
a typo is a validation error with a line number, never a crash in a job at 3 a.m."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from string import Formatter
from typing import Any

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from bot.rules.errors import RulesValueError, unknown_placeholder_chinese, within


def check_template(text: str, allowed: Iterable[str]) -> str:
    allowed = frozenset(allowed)
    try:
        fields = [field for _, field, _, _ in Formatter().parse(text) if field is not None]
    except ValueError as exc:
        raise RulesValueError(f"broken braces in template: {exc}; write {{{{ and }}}} for literal braces",
                              "花括号 { } 没有配对；要显示花括号本身，请写成 {{ 和 }}") from exc
    for field in fields:
        if field not in allowed:
            # also refuses "{}", "{0}" and attribute access such as "{names.__class__}"
            names = "、".join(f"{{{name}}}" for name in sorted(allowed)) or "none"
            raise RulesValueError(f"unknown placeholder {{{field}}}; allowed here: {names}",
                                  unknown_placeholder_chinese([field], sorted(allowed)))
    return text


def placeholders(*names: str) -> AfterValidator:
    """Field metadata: `Annotated[str, placeholders("names", "group")]` accepts only these."""
    return AfterValidator(partial(check_template, allowed=frozenset(names)))


def former_defaults(**formers: str) -> Any:
    """A `mode="before"` validator for a texts model: a field whose value is a former shipped
    default reads as the current one. Most operators' rules.yaml files copy every text, so a
    default mended because it said something untrue (并重新邀请入群 before WeChat was asked) would
    otherwise live on in every file. Assign it in the class body: `_former = former_defaults(f=old)`."""

    def read(cls: type[BaseModel], data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        stale = {name: cls.model_fields[name].default for name, old in formers.items() if data.get(name) == old}
        return {**data, **stale} if stale else data

    return model_validator(mode="before")(classmethod(read))  # type: ignore[arg-type]


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


class Texts(BaseModel):
    """Base for a plugin's `texts` section: every template may use exactly the placeholders its
    built-in default uses, so an operator's typo is a load error with a line number instead of
    a KeyError when the bot first says it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _check_placeholders(self) -> Texts:
        for name, field in type(self).model_fields.items():
            value, default = getattr(self, name), field.default
            if isinstance(value, str) and isinstance(default, str) and value is not default:
                try:
                    check_template(value, _fields(default))
                except ValueError as exc:
                    raise within(name, exc) from exc
        return self
