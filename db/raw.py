"""Prepared Core statements run on SQLite's own cursor, below SQLAlchemy's execution machinery.

On the per-message path SQLAlchemy Core spent ~75 µs building an execution context, its
parameters and its result around each statement that SQLite ran in ~15-20 µs (py-spy and
cProfile of bench.load and bench.pipeline, issue 13). A statement that is built once and run
for every message (db.repo.prepared, the inbox writer's inserts) is compiled here once per
dialect into its SQL text, the order of its positional parameters, their literal values and
bind processors, and the result processors of what it returns; each run is then one
`cursor.execute` on the connection the session's transaction holds, with the same
conversions SQLAlchemy would apply (UTC datetimes, booleans) and the same errors
(sqlite3's wrapped into sqlalchemy.exc: storage faults are still OperationalError).

The engine's `before_cursor_execute` listeners still see every statement: NUL characters are
dropped from parameters in one place (db.nul) and the benchmarks' statement counts stay
true. Only SQLite takes this path: on PostgreSQL the hot statements are already few (one per
group message) and psycopg's own adaptation is what they cost. A statement this module cannot
run the same way (an expanding IN, a parameter rendered into the SQL) is left to SQLAlchemy.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import exc as sa_exc


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the bind name of each positional parameter (a name may repeat)
    # each bind name once, with its bind processor (or None)
    binds: tuple[tuple[str, Callable[[Any], Any] | None], ...]
    fixed: dict[str, Any]  # the values of the statement's own literals (the caller gives the rest)
    required: frozenset[str]
    results: tuple[Callable[[Any], Any] | None, ...]  # per returned column; () when it returns nothing


# statement -> its compiled form (None: not runnable here); statements live as long as their
# owner (a prepared statement for the process, an inbox's for its engine)
_COMPILED: weakref.WeakKeyDictionary[Any, _Compiled | None] = weakref.WeakKeyDictionary()


def _compile(stmt: Any, dialect: Any) -> _Compiled | None:
    compiled = stmt.compile(dialect=dialect)
    if (compiled.positiontup is None or compiled.literal_execute_params or compiled.post_compile_params
            or compiled.escaped_bind_names):
        return None
    names = tuple(compiled.positiontup)
    processors = compiled._bind_processors
    binds = compiled.binds
    fixed = compiled.construct_params(_check=False)
    required = frozenset(name for name in names if binds[name].required)
    results = tuple(column[3]._cached_result_processor(dialect, None) for column in compiled._result_columns)
    return _Compiled(str(compiled), names, tuple((name, processors.get(name)) for name in dict.fromkeys(names)),
                     {k: v for k, v in fixed.items() if k not in required}, required, results)


def _compiled(stmt: Any, dialect: Any) -> _Compiled | None:
    try:
        return _COMPILED[stmt]
    except KeyError:
        found = _COMPILED[stmt] = _compile(stmt, dialect)
        return found


def runnable(connection: Connection, stmt: Any) -> _Compiled | None:
    """`stmt` compiled for execute(), if it runs here on this connection (SQLite, and a
    statement it can compile), else None."""
    return _compiled(stmt, connection.dialect) if connection.dialect.name == "sqlite" else None


class Rows(list[tuple[Any, ...]]):
    """What a statement returned, fetched whole (a RETURNING statement is finished before the
    next one runs): the parts of SQLAlchemy's Result the callers use."""

    def first(self) -> tuple[Any, ...] | None:
        return self[0] if self else None

    def all(self) -> list[tuple[Any, ...]]:
        return list(self)

    def scalar(self) -> Any:
        return self[0][0] if self else None


def execute(connection: Connection, compiled: _Compiled, params: dict[str, Any] | Sequence[dict[str, Any]]) -> Rows:
    """Run a statement (as runnable() compiled it for this connection) with one set of
    parameters, or many (executemany: nothing returned), in the connection's transaction."""
    many = not isinstance(params, dict)
    rows = [_positional(compiled, p) for p in params] if many else _positional(compiled, params)  # type: ignore[arg-type, union-attr]
    sql = compiled.sql
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for listener in connection.dispatch.before_cursor_execute:
            sql, rows = listener(connection, cursor, sql, rows, None, many)
        try:
            if many:
                cursor.executemany(sql, rows)
                return Rows()
            cursor.execute(sql, rows)
            fetched = cursor.fetchall() if compiled.results else []
        except connection.dialect.loaded_dbapi.Error as err:
            raise sa_exc.DBAPIError.instance(sql, rows, err, connection.dialect.loaded_dbapi.Error,
                                             dialect=connection.dialect) from err
    finally:
        cursor.close()
    results = compiled.results
    if not any(results):
        return Rows(fetched)
    return Rows(tuple(value if process is None else process(value) for value, process in zip(row, results, strict=True))
                for row in fetched)


def _positional(compiled: _Compiled, params: dict[str, Any]) -> tuple[Any, ...]:
    if not compiled.required <= params.keys():
        missing = ", ".join(sorted(compiled.required - params.keys()))
        raise sa_exc.InvalidRequestError(f"a value is required for bind parameter(s) {missing}")
    fixed = compiled.fixed
    values = {}
    for name, process in compiled.binds:
        value = params[name] if name in params else fixed[name]
        values[name] = value if process is None else process(value)
    return tuple([values[name] for name in compiled.names])
