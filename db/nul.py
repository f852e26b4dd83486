"""PostgreSQL refuses NUL characters in text ("A string literal cannot contain NUL (0x00)
characters") and in JSON ("unsupported Unicode escape sequence \\u0000"). Members control the
text, nicknames and group names the bot stores, so one NUL would fail the insert and with it
the whole event — anti-spam skipped for that message, and every later event of a member or
group whose name holds a NUL. NUL means nothing in chat: it is dropped from every string
parameter on its way to PostgreSQL, in one place."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

_JSON_NUL = "\\u0000"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value or _JSON_NUL in value
    if isinstance(value, dict):
        return any(_has_nul(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "").replace(_JSON_NUL, "")
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(item) for item in value)
    return value


def strip_nul_characters(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _strip(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        # every statement passes here: copy the parameters only when one holds a NUL
        return statement, (_clean(parameters) if _has_nul(parameters) else parameters)
