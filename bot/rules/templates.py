"""Operator-written message templates: placeholders are checked when rules.yaml is loaded, so
a typo is a validation error with a line number, never a crash in a job at 3 a.m."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from string import Formatter

from pydantic import AfterValidator


def check_template(text: str, allowed: Iterable[str]) -> str:
    allowed = frozenset(allowed)
    try:
        fields = [field for _, field, _, _ in Formatter().parse(text) if field is not None]
    except ValueError as exc:
        raise ValueError(f"broken braces in template: {exc}; write {{{{ and }}}} for literal braces") from exc
    for field in fields:
        if field not in allowed:
            # also refuses "{}", "{0}" and attribute access such as "{names.__class__}"
            names = "、".join(f"{{{name}}}" for name in sorted(allowed)) or "none"
            raise ValueError(f"unknown placeholder {{{field}}}; allowed here: {names}")
    return text


def placeholders(*names: str) -> AfterValidator:
    """Field metadata: `Annotated[str, placeholders("names", "group")]` accepts only these."""
    return AfterValidator(partial(check_template, allowed=frozenset(names)))
