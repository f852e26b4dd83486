"""What can be checked here of packaging and deployment (no Docker engine on these machines):
the wheel carries everything `qunguan` needs at run time, and the Dockerfile and compose file
refer to things that exist."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                    str(ROOT)], check=True, timeout=300)
    return zipfile.ZipFile(next(out.glob("qunguan-*.whl")))


def test_wheel_ships_migrations_and_entry_point(wheel):
    names = set(wheel.namelist())
    for needed in ("migrations/env.py", "migrations/script.py.mako", "migrations/versions/0001_core_tables.py",
                   "bot/cli.py", "bot/simulator/service.py", "plugins/__init__.py", "db/models.py",
                   "bot/console/templates/base.html", "bot/console/static/htmx.min.js",
                   "bot/console/static/echarts.min.js", "bot/console/static/LICENSE.echarts"):
        assert needed in names, needed
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "qunguan = bot.cli:main" in wheel.read(entry).decode()
    assert not any("tests/" in n or n.endswith(".db") for n in names)


def test_dockerfile_copies_what_exists_and_runs_as_non_root():
    lines = (ROOT / "Dockerfile").read_text("utf-8").splitlines()
    for line in lines:
        if line.startswith("COPY ") and "--from" not in line:
            sources = [p for p in line.split()[1:-1] if not p.startswith("--")]
            for src in sources:
                assert (ROOT / src).exists(), f"Dockerfile copies missing {src}"
    assert any(line.startswith("USER ") and "root" not in line for line in lines)
    cmd = next(line for line in lines if line.startswith("CMD"))
    assert "qunguan db upgrade" in cmd and "qunguan run" in cmd and "--no-console" in cmd


def test_compose_wires_bot_gateway_and_postgres():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
    services = compose["services"]
    assert set(services) == {"gateway", "db", "bot"}
    gateway_env = services["gateway"]["environment"]
    assert gateway_env["WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_SERVER"] == "true"
    bot_env = services["bot"]["environment"]
    settings_env = {f.validation_alias for f in Settings.model_fields.values()}
    assert set(bot_env) <= settings_env, "the compose file sets variables the bot does not read"
    assert bot_env["WECHATY_PUPPET_SERVICE_ENDPOINT"] == "gateway:8788"
    assert bot_env["QUNGUAN_DATABASE_URL"].startswith("postgresql://")
    image = services["gateway"]["image"]
    assert not image.endswith(":latest") and ":" in image, "pin the gateway image"
    # the login session survives a recreated container (no new QR scan)
    assert any(str(v).endswith(":/bot") for v in services["gateway"]["volumes"])
    assert "gateway-session" in compose["volumes"]


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "bash .ci/run" in readme
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "pytest" in ci


def test_one_constraints_file_pins_every_dependency_and_every_install_uses_it():
    import re
    import tomllib

    pins = {}
    for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["test"],
                *project["optional-dependencies"]["postgres"]]
    for requirement in declared:
        name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0)).lower()
        assert name in pins, f"{name} is not pinned in constraints.txt"
    for path in (".ci/run", "Dockerfile", "README.md", ".ci/other-pythons.sh"):
        assert "-c constraints.txt" in (ROOT / path).read_text("utf-8"), path
