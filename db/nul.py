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


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        if _JSON_NUL in value:
            value = value.replace(_JSON_NUL, "")
        return value
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(item) for item in value)
    return value


def strip_nul_characters(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _strip(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        return statement, _clean(parameters)
