"""Prepared Core statements run on the driver's own cursor, below SQLAlchemy's execution machinery.

On the per-message path SQLAlchemy Core spent ~75 µs building an execution context, its
parameters and its result around each statement that SQLite ran in ~15-20 µs (py-spy and
cProfile of bench.load and bench.pipeline, issue 13). A statement that is built once and run
for every message (db.repo.prepared, the inbox writer's inserts) is compiled here once per
dialect into its SQL text, the order of its positional parameters, their literal values and
bind processors, and the result processors of what it returns; each run is then one
`cursor.execute` on the connection the session's transaction holds, with the conversions
SQLAlchemy would apply (UTC datetimes, booleans) and its error handling (driver errors
wrapped into sqlalchemy.exc: storage faults are still OperationalError, a lost connection is
invalidated).

The engine's `before_cursor_execute` listeners still see every statement: NUL characters are
dropped from parameters in one place (db.nul) and the benchmarks' statement counts stay
true. A statement with something rendered or computed at execution (an expanding IN, a
Python-side default) is left to SQLAlchemy, and so is an executemany on PostgreSQL, where
SQLAlchemy folds the rows into multi-row INSERTs."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import exc as sa_exc


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    # the bind name of each positional parameter (a name may repeat); None: the driver takes
    # named parameters (psycopg)
    positions: tuple[str, ...] | None
    # each bind name once, with its bind processor (or None)
    binds: tuple[tuple[str, Callable[[Any], Any] | None], ...]
    fixed: dict[str, Any]  # the values of the statement's own literals (the caller gives the rest)
    required: frozenset[str]
    results: tuple[Callable[[Any], Any] | None, ...]  # per returned column; () when it returns nothing


log = logging.getLogger(__name__)

# statement -> its compiled form per dialect name (None: not runnable here); statements live
# as long as their owner (a prepared statement for the process, an inbox's for its engine)
_COMPILED: weakref.WeakKeyDictionary[Any, dict[str, _Compiled | None]] = weakref.WeakKeyDictionary()


def _compile(stmt: Any, dialect: Any, many: bool = False) -> _Compiled | None:
    # many: for an executemany, so without the RETURNING of a new row's id that a one-row
    # INSERT gets on PostgreSQL (nobody reads it, and in a pipeline nothing may be read)
    compiled = stmt.compile(dialect=dialect, for_executemany=many)
    if (compiled.literal_execute_params or compiled.post_compile_params or compiled.escaped_bind_names
            or compiled.insert_prefetch or compiled.update_prefetch
            or any(bind.callable is not None for bind in compiled.bind_names)):
        return None  # rendered or computed at execution: SQLAlchemy's own job
    processors = compiled._bind_processors
    names = tuple(dict.fromkeys(compiled.bind_names.values()))
    fixed = compiled.construct_params(_check=False)
    required = frozenset(name for bind, name in compiled.bind_names.items() if bind.required)
    results = tuple(column[3]._cached_result_processor(dialect, None) for column in compiled._result_columns)
    return _Compiled(str(compiled), tuple(compiled.positiontup) if compiled.positional else None,
                     tuple((name, processors.get(name)) for name in names),
                     {k: v for k, v in fixed.items() if k not in required}, required, results)


def _compiled(stmt: Any, dialect: Any, many: bool = False) -> _Compiled | None:
    by_dialect = _COMPILED.get(stmt)
    if by_dialect is None:
        by_dialect = _COMPILED[stmt] = {}
    key = f"{dialect.name}/many" if many else dialect.name
    try:
        return by_dialect[key]
    except KeyError:
        try:
            found = _compile(stmt, dialect, many)
        except Exception:  # SQLAlchemy's compiled internals differ (another 2.x): its own path
            log.warning("statement left to SQLAlchemy's execution: cannot compile it for the cursor",
                        exc_info=True)
            found = None
        by_dialect[key] = found
        return found


def runnable(connection: Connection, stmt: Any, *, many: bool = False, pipelined: bool = False) -> _Compiled | None:
    """`stmt` compiled for execute() on this connection, or None where SQLAlchemy runs it: a
    statement compiled with something rendered or computed at execution, and an executemany
    on PostgreSQL (SQLAlchemy folds its rows into multi-row INSERTs there), unless `pipelined`:
    in psycopg's pipeline mode (commit_pipelined) its rows are sent one by one without a
    round trip each, and nothing is read back."""
    if many and connection.dialect.name != "sqlite":
        return _compiled(stmt, connection.dialect, many=True) if pipelined else None
    return _compiled(stmt, connection.dialect)


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
    rows: Any = [_parameters(compiled, p) for p in params] if many else _parameters(compiled, params)  # type: ignore[arg-type, union-attr]
    sql = compiled.sql
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for listener in connection.dispatch.before_cursor_execute:
            sql, rows = listener(connection, cursor, sql, rows, None, many)
        if many:
            cursor.executemany(sql, rows)
            return Rows()
        cursor.execute(sql, rows)
        fetched = cursor.fetchall() if compiled.results else []
    except connection.dialect.loaded_dbapi.Error as err:
        # SQLAlchemy's own handling: wrapped into sqlalchemy.exc, a lost connection invalidated
        connection._handle_dbapi_exception(err, sql, rows, cursor, None)
    finally:
        cursor.close()
    return _processed(compiled, fetched)


def execute_together(connection: Connection, runs: Sequence[tuple[_Compiled, dict[str, Any]]]) -> list[Rows]:
    """Run several statements (as runnable() compiled them), each with one set of parameters,
    in the connection's transaction, and return what each returned. On PostgreSQL they go to
    the server together, in psycopg's pipeline mode: one round trip for all of them instead
    of one each (the loop waits on the server once). A statement that fails aborts the
    transaction there as anywhere, so what follows it does not run; the error is raised,
    wrapped as execute() wraps it. Elsewhere they run one by one."""
    if connection.dialect.name != "postgresql" or len(runs) < 2:
        return [execute(connection, compiled, params) for compiled, params in runs]
    driver = connection.connection.driver_connection
    cursors: list[tuple[Any, _Compiled]] = []
    sql, rows = "", None  # for the error report: the statement being sent or the last one sent
    try:
        try:
            with driver.pipeline():  # type: ignore[union-attr]
                for compiled, params in runs:
                    sql, rows = compiled.sql, _parameters(compiled, params)
                    cursor = driver.cursor()  # type: ignore[union-attr]
                    cursors.append((cursor, compiled))
                    for listener in connection.dispatch.before_cursor_execute:
                        sql, rows = listener(connection, cursor, sql, rows, None, False)
                    cursor.execute(sql, rows)
            # leaving the pipeline synced it: every result is in its cursor
            fetched = [cursor.fetchall() if compiled.results else [] for cursor, compiled in cursors]
        except connection.dialect.loaded_dbapi.Error as err:
            connection._handle_dbapi_exception(err, sql, rows, cursors[-1][0] if cursors else None, None)
    finally:
        for cursor, _ in cursors:
            cursor.close()
    return [_processed(compiled, got) for (_, compiled), got in zip(cursors, fetched, strict=True)]


def commit_pipelined(connection: Connection, write: Callable[[], None]) -> None:
    """PostgreSQL: run `write()` (statements whose results nobody reads) and COMMIT in one
    round trip (psycopg's pipeline mode: one Sync for all of them). A statement or the COMMIT
    failing raises as execute() raises (wrapped into sqlalchemy.exc; nothing committed, the
    caller rolls back). The driver's transaction has ended when this returns: the session's
    own commit after it only does its bookkeeping (psycopg sends nothing for an idle one)."""
    driver = connection.connection.driver_connection
    cursor = None
    try:
        with driver.pipeline():  # type: ignore[union-attr]
            write()
            cursor = driver.cursor()  # type: ignore[union-attr]
            cursor.execute("COMMIT")
    except connection.dialect.loaded_dbapi.Error as err:
        # what the server answered at the pipeline's end (its Sync): a statement's or the COMMIT's error
        connection._handle_dbapi_exception(err, "COMMIT", None, cursor, None)
    finally:
        if cursor is not None:
            cursor.close()


def _processed(compiled: _Compiled, fetched: list[Any]) -> Rows:
    results = compiled.results
    if not any(results):
        return Rows(fetched)
    return Rows(tuple(value if process is None else process(value) for value, process in zip(row, results, strict=True))
                for row in fetched)


def _parameters(compiled: _Compiled, params: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
    if not compiled.required <= params.keys():
        missing = ", ".join(sorted(compiled.required - params.keys()))
        raise sa_exc.InvalidRequestError(f"a value is required for bind parameter(s) {missing}")
    fixed = compiled.fixed
    values = {}
    for name, process in compiled.binds:
        value = params[name] if name in params else fixed[name]
        values[name] = value if process is None else process(value)
    positions = compiled.positions
    return values if positions is None else tuple([values[name] for name in positions])
