"""Copies of the template database for PostgreSQL tests, reused within a test process.

A `CREATE DATABASE ... TEMPLATE` and its `DROP DATABASE` cost the server ~0.1 CPU-s and a
test ~0.17 s of wall time (2026-12-04: 248 PostgreSQL tests, ~45 s of one suite run). Tests of
one process run one at a time, so one spare copy is enough: when a test is done its copy is
put back at the template's state and handed to the next test.

What the next test gets is indistinguishable from a new copy:
- under a name never handed out before: the copy is renamed when it comes back, after every
  connection to it was ended, so an engine the test leaked cannot reach it under its old name
  (a fresh copy per test had the same property: its database was dropped);
- with every table that has a row emptied (TRUNCATE; tables are not deleted from, so the
  pages are as new) and every sequence where the template has it;
- with the template's schema, database settings and seeded rows (alembic_version). A copy
  that differs in any of these (a test ran DDL, took the database away, stamped another
  revision) is dropped and the next test gets a new copy from the template.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

# Everything a test could change in a database besides its rows, as one text: any DDL, a
# sequence's definition, an extension, a privilege. System schemas are left out, and so are
# the temporary ones (a session's temp schema outlives the session, empty).
_USER_SCHEMAS = ("n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
                 "AND n.nspname NOT LIKE 'pg\\_temp\\_%'")
SCHEMA_FINGERPRINT = f"""
SELECT md5(coalesce(string_agg(item, E'\\n' ORDER BY item), '')) FROM (
    SELECT format('schema %s %s', n.nspname, n.nspacl) AS item FROM pg_namespace n WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT format('relation %s.%s %s %s %s', n.nspname, c.relname, c.relkind, c.relacl, c.reloptions)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT format('column %s.%s %s %s %s %s %s %s', n.nspname, c.relname, a.attnum, a.attname,
                  format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                  pg_get_expr(d.adbin, d.adrelid))
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attnum > 0 AND NOT a.attisdropped AND {_USER_SCHEMAS}
    UNION ALL
    SELECT format('constraint %s %s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT format('view %s.%s %s', n.nspname, c.relname, pg_get_viewdef(c.oid))
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND {_USER_SCHEMAS}
    UNION ALL
    SELECT format('sequence %s %s %s %s %s %s %s', s.seqrelid::regclass, s.seqtypid, s.seqstart, s.seqincrement,
                  s.seqmax, s.seqmin, s.seqcycle)
      FROM pg_sequence s
    UNION ALL
    SELECT format('type %s.%s %s', n.nspname, t.typname, t.typtype)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT format('enum %s %s %s', e.enumtypid::regtype, e.enumsortorder, e.enumlabel) FROM pg_enum e
    UNION ALL
    SELECT format('function %s %s', p.oid::regprocedure, md5(p.prosrc))
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {_USER_SCHEMAS}
    UNION ALL
    SELECT format('trigger %s %s %s', t.tgrelid::regclass, t.tgname, t.tgenabled)
      FROM pg_trigger t WHERE NOT t.tgisinternal
    UNION ALL
    SELECT format('event trigger %s', evtname) FROM pg_event_trigger
    UNION ALL
    SELECT format('rule %s %s', r.ev_class::regclass, r.rulename) FROM pg_rewrite r
      JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind NOT IN ('v', 'm') AND {_USER_SCHEMAS}
    UNION ALL
    SELECT format('policy %s %s', polrelid::regclass, polname) FROM pg_policy
    UNION ALL
    SELECT format('extension %s %s', extname, extversion) FROM pg_extension
    UNION ALL
    SELECT format('large objects %s', count(*)) FROM pg_largeobject_metadata
    UNION ALL
    SELECT format('publication %s', pubname) FROM pg_publication
) AS catalog
"""

# the database's own settings, read from any database of the server
DATABASE_SETTINGS = """
SELECT d.datallowconn, d.datconnlimit, d.datistemplate,
       (SELECT array_agg(s.setconfig::text ORDER BY s.setrole) FROM pg_db_role_setting s WHERE s.setdatabase = d.oid)
  FROM pg_database d WHERE d.datname = :name
"""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class TemplateState:
    """What a copy of the template must look like, read once from a fresh copy."""

    schema: str  # SCHEMA_FINGERPRINT
    settings: tuple[object, ...]  # DATABASE_SETTINGS
    tables: tuple[str, ...]  # every table of the public schema, quoted
    seeded: dict[str, str]  # quoted table -> md5 of its rows, for the tables the template has rows in
    sequences: dict[str, int | None]  # quoted sequence -> last_value (None: never called)

    def rows_query(self) -> str:
        """One statement: the schema fingerprint, the tables that have a row and the seeded
        tables' checksums, the sequences (each a row: kind, name, value)."""
        parts = ["SELECT 'schema', NULL, (" + SCHEMA_FINGERPRINT + ")"]
        parts += [f"SELECT 'rows', '{t}', NULL WHERE EXISTS (SELECT 1 FROM {t})"
                  for t in self.tables if t not in self.seeded]
        parts += [f"SELECT 'seeded', '{t}', ({_checksum(t)})" for t in self.seeded]
        parts.append("SELECT 'sequence', quote_ident(schemaname) || '.' || quote_ident(sequencename), "
                     "last_value::text FROM pg_sequences")
        return "\nUNION ALL\n".join(parts)


def _checksum(table: str) -> str:
    return f"SELECT md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM {table} AS r"


def read_state(conn: Connection, name: str, admin: Connection) -> TemplateState:
    tables = tuple(f"public.{_quote(t)}" for t in conn.scalars(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")))
    seeded = {t: str(conn.scalar(text(_checksum(t)))) for t in tables
              if conn.scalar(text(f"SELECT EXISTS (SELECT 1 FROM {t})"))}
    sequences = {str(n): (None if v is None else int(v)) for n, v in conn.execute(text(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value FROM pg_sequences"))}
    return TemplateState(schema=str(conn.scalar(text(SCHEMA_FINGERPRINT))),
                         settings=tuple(admin.execute(text(DATABASE_SETTINGS), {"name": name}).one()),
                         tables=tables, seeded=seeded, sequences=sequences)


class TemplateCopies:
    """Databases at the state of the template `template` on the server of `url`, one test
    at a time (see the module docstring). `copy()` gives one; close() drops the spare."""

    def __init__(self, url: str, template: str) -> None:
        self._url = make_url(url).set(drivername="postgresql+psycopg")
        self._template = template
        # the server's own database, kept connected: every copy is renamed, checked, created
        # and dropped from here (pre-ping: a test may have ended every connection to the server)
        self._admin: Engine = create_engine(self._url, isolation_level="AUTOCOMMIT", pool_size=1,
                                            pool_pre_ping=True)
        self._prefix = f"qunguan_c_{uuid.uuid4().hex[:8]}_"
        self._serial = itertools.count(1)
        self._spare: str | None = None
        self.created = 0  # copies made from the template, for the tests of this module
        name = self._new_copy()
        with self._connect(name) as conn, self._admin.connect() as admin:
            self._state = read_state(conn, name, admin)
        self._spare = name

    def _next_name(self) -> str:
        return f"{self._prefix}{next(self._serial)}"

    def url_of(self, name: str) -> str:
        return self._url.set(database=name).render_as_string(hide_password=False)

    def _connect(self, name: str) -> Connection:
        return create_engine(self._url.set(database=name), poolclass=NullPool).connect()

    def _new_copy(self) -> str:
        name = self._next_name()
        with self._admin.connect() as admin:
            admin.execute(text(f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(self._template)}"))
        self.created += 1
        return name

    def _drop(self, name: str) -> None:
        with self._admin.connect() as admin:
            admin.execute(text(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)"))

    @contextmanager
    def copy(self) -> Iterator[str]:
        """The URL of a database at the template's state, this test's alone until it ends."""
        name, self._spare = self._spare, None
        if name is None:
            name = self._new_copy()
        try:
            yield self.url_of(name)
        finally:
            self._spare = self._restored(name)

    def _restored(self, name: str) -> str | None:
        """The copy `name` under a new name at the template's state, or None (dropped)."""
        try:
            renamed = self._rename(name)
        except DBAPIError:
            self._drop(name)  # still in use, or gone: not for another test
            return None
        try:
            if self._reset(renamed):
                return renamed
        except DBAPIError:
            pass  # taken away (ALLOW_CONNECTIONS false), or broken: a new copy instead
        self._drop(renamed)
        return None

    def _rename(self, name: str) -> str:
        """End every connection to `name`, then rename it: a connection the test leaked, or
        one a leaked engine opens again, can no longer reach what the next test is given."""
        renamed = self._next_name()
        with self._admin.connect() as admin:
            for attempt in itertools.count():
                # with a timeout, pg_terminate_backend waits until the backend has exited
                admin.execute(text("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                                   "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
                try:
                    admin.execute(text(f"ALTER DATABASE {_quote(name)} RENAME TO {_quote(renamed)}"))
                    return renamed
                except DBAPIError as exc:  # someone connected in between: end them again
                    if attempt == 4 or getattr(exc.orig, "sqlstate", None) != "55006":  # object_in_use
                        raise
        raise AssertionError("unreachable")

    def _reset(self, name: str) -> bool:
        """Put the copy `name` back at the template's state; False if it cannot be (its schema
        or settings or seeded rows differ)."""
        state = self._state
        with self._admin.connect() as admin:
            if tuple(admin.execute(text(DATABASE_SETTINGS), {"name": name}).one()) != state.settings:
                return False
        with self._connect(name) as conn:
            found = conn.execute(text(state.rows_query())).all()
            schema = next(value for kind, _, value in found if kind == "schema")
            seeded = {table: value for kind, table, value in found if kind == "seeded"}
            sequences = {seq: (None if value is None else int(value)) for kind, seq, value in found
                         if kind == "sequence"}
            if schema != state.schema or seeded != state.seeded or sequences.keys() != state.sequences.keys():
                conn.rollback()
                return False
            conn.commit()  # the reads above are one transaction, the reset another
            with conn.begin():
                used = [table for kind, table, _ in found if kind == "rows"]
                if used:
                    # CASCADE: a table that refers to one of these is truncated with it (it is
                    # empty, or in the list); the sequences are set below, used or not
                    conn.execute(text(f"TRUNCATE {', '.join(used)} CASCADE"))
                for seq, value in sequences.items():
                    wanted = state.sequences[seq]
                    if value == wanted:
                        continue
                    if wanted is None:  # never called: the next nextval() is its start
                        conn.execute(text("SELECT setval(seqrelid, seqstart, false) FROM pg_sequence "
                                          "WHERE seqrelid = CAST(:seq AS regclass)"), {"seq": seq})
                    else:
                        conn.execute(text("SELECT setval(CAST(:seq AS regclass), :value, true)"),
                                     {"seq": seq, "value": wanted})
        return True

    def close(self) -> None:
        spare, self._spare = self._spare, None
        with suppress(DBAPIError):
            if spare is not None:
                self._drop(spare)
        self._admin.dispose()
