"""The plugin boundary (issue 13): plugins reach the core through bot.core's APIs (members,
cases, lists, targets, flags, the context), never through the core's tables, and each other
only through a plugin's api.py. Checked on the source, so a new import that crosses it fails
here rather than in a schema change months later."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


SOURCES = sorted(p for p in PLUGINS.rglob("*.py") if "data" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PLUGINS)))
def test_plugins_import_neither_core_tables_nor_other_plugins_internals(path):
    own = path.relative_to(PLUGINS).parts[0]
    crossing = []
    for module in _imports(path):
        if module == "db.models" or module.startswith("db.models."):
            crossing.append(module)
        parts = module.split(".")
        if parts[0] == "plugins" and len(parts) > 1 and parts[1] != own and own != "__init__.py" \
                and parts[2:] != ["api"]:
            crossing.append(module)
    assert crossing == [], f"{path.name} crosses the plugin boundary: {crossing}"


def test_the_check_sees_the_plugins():
    assert len(SOURCES) > 30
    assert any(m == "plugins.checkin.api" for m in _imports(PLUGINS / "stats" / "queries.py"))
