"""Storage checks that need no database server: the migration history's shape, URL handling,
SQLite connection settings, model loading."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from db import load_all_models
from db.migrate import alembic_config, head, script_location
from db.session import DEFAULT_URL, make_engine, normalise_url


def test_one_linear_history_with_numbered_ids():
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1, "two heads: renumber the newer migration onto the other"
    revisions = list(script.walk_revisions())  # newest first
    assert [r.revision for r in revisions] == [f"{n:04d}" for n in range(len(revisions), 0, -1)]
    for rev in revisions:
        assert rev.path is not None and re.match(rf".*/{rev.revision}_\w+\.py$", rev.path), rev.path
        assert rev.down_revision == (f"{int(rev.revision) - 1:04d}" if rev.revision != "0001" else None)
    assert head() == revisions[0].revision


def test_migrations_ship_as_a_package():
    where = script_location()
    assert (where / "__init__.py").is_file() and (where / "versions" / "__init__.py").is_file()
    assert (where / "env.py").is_file() and (where / "script.py.mako").is_file()


@pytest.mark.parametrize(("given", "expected"), [
    ("postgresql://u@127.0.0.1:5432/q", "postgresql+psycopg://u@127.0.0.1:5432/q"),
    ("postgres://u:p%40ss@h/q", "postgresql+psycopg://u:p%40ss@h/q"),
    ("postgresql+psycopg://u@h/q", "postgresql+psycopg://u@h/q"),
    ("sqlite:////var/lib/qunguan/q.db", "sqlite:////var/lib/qunguan/q.db"),
], ids=["postgresql", "postgres-alias", "already-psycopg", "sqlite"])
def test_postgres_urls_use_psycopg3(given, expected):
    assert normalise_url(given) == expected


def test_default_url_and_env_override(monkeypatch):
    monkeypatch.delenv("QUNGUAN_DATABASE_URL", raising=False)
    assert normalise_url(None) == DEFAULT_URL == "sqlite:///qunguan.db"
    monkeypatch.setenv("QUNGUAN_DATABASE_URL", "postgresql://bot@db/qunguan")
    assert normalise_url(None) == "postgresql+psycopg://bot@db/qunguan"
    assert normalise_url("sqlite:///other.db") == "sqlite:///other.db"  # an explicit URL wins


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    finally:
        engine.dispose()


def test_core_tables_are_prefixed_and_constraints_named():
    metadata = load_all_models()
    for name, table in metadata.tables.items():
        assert "_" in name, name  # core_* or <plugin>_*
        for constraint in table.constraints:
            assert constraint.name, f"{name}: unnamed {type(constraint).__name__}"
    assert {"core_seen_event", "core_audit", "core_setting", "core_room", "core_name_history",
            "core_sent_message"} <= set(metadata.tables)


def test_load_all_models_without_a_plugins_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "plugins", None)  # makes `import plugins` raise ModuleNotFoundError
    assert "core_audit" in load_all_models().tables


@pytest.fixture
def failing_start_script(tmp_path, monkeypatch):
    """tests/pg.py with no server given and a start script that fails as on a machine without
    PostgreSQL."""
    from tests import pg

    script = tmp_path / "postgres.sh"
    script.write_text("echo 'postgres.sh: no PostgreSQL under /usr/lib/postgresql/*/bin' >&2; exit 3\n")
    monkeypatch.delenv("QUNGUAN_TEST_PG_URL", raising=False)
    monkeypatch.setattr(pg, "SCRIPT", script)
    monkeypatch.setattr(pg, "_started", {})
    monkeypatch.setattr(pg, "_failure", [])
    return pg


def test_no_postgres_skips_with_the_reason(failing_start_script, monkeypatch):
    monkeypatch.delenv("QUNGUAN_REQUIRE_PG", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no PostgreSQL under"):
        failing_start_script.pg_url_or_skip()
    with pytest.raises(pytest.skip.Exception):  # remembered: not started again for every test
        failing_start_script.pg_url_or_skip()


def test_no_postgres_fails_when_required(failing_start_script, monkeypatch):
    monkeypatch.setenv("QUNGUAN_REQUIRE_PG", "1")
    with pytest.raises(pytest.fail.Exception, match="QUNGUAN_REQUIRE_PG=1"):
        failing_start_script.pg_url_or_skip()


def test_postgres_sh_stop_refuses_foreign_directories(tmp_path):
    from tests import pg

    victim = tmp_path / "keep"
    victim.mkdir()
    proc = subprocess.run(["bash", str(pg.SCRIPT), "stop", str(victim)], capture_output=True, text=True)
    assert proc.returncode == 2 and victim.is_dir()
