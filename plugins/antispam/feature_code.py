"""A fingerprint of the code that decides the char model's features, for the shipped artifact.

The model's weights are indexed by its features (charmodel.grams over normalize.normalise), and
those are computed by code spread over several modules: the normaliser, the contact finder, the
checks' frame test, the word cutter. A change to any of them silently scores every message with
weights learned for other features, so the artifact records this fingerprint at build time and
the tests compare it with today's code (tests/test_antispam_model.py).

What is hashed: starting from the feature functions, every function, class and module-level
constant of this package that they name, transitively (the names resolved through each module's
imports, including imports inside a function), each as its syntax tree without docstrings. A
syntax tree has no comments, blank lines or line numbers, so a comment-only edit or a moved
function does not ask for a rebuild; a renamed local variable or any other change to code does
(the tree cannot tell a harmless rename from a real change, and a rebuild is cheap next to a
model that reads other features). Data files of the package named by that code (the ordinary
domains list) are hashed by content. Code outside the package (jieba's cutter and dictionary,
OpenCC's tables) is not code of ours; the artifact's features probe covers it by what it does.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import inspect
from functools import cache
from importlib import resources
from types import ModuleType

PACKAGE = "plugins.antispam"
# where the features start: the normaliser's reading of a text, then the features of that reading
ROOTS = (("plugins.antispam.normalize", "normalise"), ("plugins.antispam.charmodel", "grams"))
# code the walk reaches that does not change what a text's features are: where the word
# cutter's dictionary is cached on disk (its content is jieba's dict.txt, whoever loads it)
BOUNDARY = frozenset({("plugins.antispam.segment", "load_dictionary")})
_DOC_OWNERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _canon(node: object, skip_doc: bool = False) -> str:
    """A syntax tree as text that does not depend on the Python version's ast.dump defaults:
    node names and their non-empty fields, no positions, no docstrings."""
    if isinstance(node, ast.AST):
        parts = []
        for name, value in ast.iter_fields(node):
            if name == "body" and isinstance(node, _DOC_OWNERS) and value and _is_doc(value[0]):
                value = value[1:]
            if value is None or value == []:
                continue
            parts.append(f"{name}={_canon(value)}")
        return f"{type(node).__name__}({','.join(parts)})"
    if isinstance(node, list):
        return "[" + ",".join(_canon(v) for v in node) + "]"
    return repr(node)


def _is_doc(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def source(module: ModuleType) -> str:
    return inspect.getsource(module)


@cache
def _module(name: str) -> tuple[ModuleType, dict[str, ast.stmt], dict[str, tuple[str, str | None]]]:
    """The module, its top-level definitions by name, and what its top-level imports bring in
    from this package (local name -> (module, name in it; None for a module))."""
    module = importlib.import_module(name)
    tree = ast.parse(source(module))
    defs: dict[str, ast.stmt] = {}
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs[stmt.name] = stmt
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                for n in ast.walk(target):
                    if isinstance(n, ast.Name):
                        defs.setdefault(n.id, stmt)
    return module, defs, _imports(tree.body, name)


def _imports(stmts: list[ast.stmt], module: str) -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}
    for stmt in stmts:
        if isinstance(stmt, ast.ImportFrom) and stmt.module:
            base = stmt.module if not stmt.level else importlib.util.resolve_name(
                "." * stmt.level + stmt.module, module.rpartition(".")[0])
            for alias in stmt.names:
                full = f"{base}.{alias.name}"
                if full.startswith(PACKAGE + "."):
                    target: tuple[str, str | None] = (full, None) if _is_module(full) else (base, alias.name)
                    out[alias.asname or alias.name] = target
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name.startswith(PACKAGE + ".") and alias.asname:
                    out[alias.asname] = (alias.name, None)
    return out


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _references(node: ast.stmt, module: str) -> set[tuple[str, str]]:
    """The package's definitions this one names: its own module's, and other modules' through
    the module's imports or imports inside the definition (`contact.find_contacts` included)."""
    _mod, defs, imported = _module(module)
    local = dict(imported)
    local.update(_imports([n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))], module))
    out: set[tuple[str, str]] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name):
            target = local.get(n.value.id)
            if target and target[1] is None:
                out.add((target[0], n.attr))
        if isinstance(n, ast.Name):
            if n.id in local and local[n.id][1] is not None:
                out.add((local[n.id][0], local[n.id][1]))  # type: ignore[arg-type]
            elif n.id in defs:
                out.add((module, n.id))
    return out


def _data_files() -> set[str]:
    folder = resources.files(PACKAGE) / "data"
    return {p.name for p in folder.iterdir() if p.is_file() and not p.name.endswith(".bin")}


def feature_code() -> dict[str, str]:
    """Every definition the features depend on, by qualified name, with a short digest of its
    syntax tree (and the package's data files that code names, by content)."""
    data = _data_files()
    seen: dict[str, str] = {}
    todo = list(ROOTS)
    while todo:
        module, name = todo.pop()
        key = f"{module}.{name}"
        if key in seen or (module, name) in BOUNDARY:
            continue
        defs = _module(module)[1]
        if name not in defs:  # a name that is neither defined nor imported at the top (a local)
            continue
        node = defs[name]
        seen[key] = hashlib.sha1(_canon(node).encode("utf-8")).hexdigest()[:12]
        for n in ast.walk(node):
            if isinstance(n, ast.Constant) and n.value in data:
                body = (resources.files(PACKAGE) / "data" / str(n.value)).read_bytes()
                seen[f"data/{n.value}"] = hashlib.sha1(body).hexdigest()[:12]
        todo.extend(_references(node, module))
    return dict(sorted(seen.items()))


def fingerprint(parts: dict[str, str] | None = None) -> str:
    parts = feature_code() if parts is None else parts
    return hashlib.sha1("\n".join(f"{k} {v}" for k, v in sorted(parts.items())).encode("utf-8")).hexdigest()


def changed(recorded: dict[str, str], today: dict[str, str] | None = None) -> list[str]:
    """The definitions whose code differs between a build's record and today (added, gone or
    edited), for a message that says where to look."""
    today = feature_code() if today is None else today
    return sorted(k for k in recorded.keys() | today.keys() if recorded.get(k) != today.get(k))
