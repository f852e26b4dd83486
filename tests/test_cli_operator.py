"""What an operator meets at the command line: one clear line for a wrong setup, a clean stop
on SIGTERM (Docker, systemd), no tracebacks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def qunguan(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
            prelude: str = "") -> subprocess.CompletedProcess[str]:
    code = f"{prelude}\nfrom bot.cli import main\nmain()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300, env={**os.environ, **(env or {})})


def test_run_without_rules_says_where_it_looked_and_how_to_pass_rules(tmp_path):
    proc = qunguan("run", "--no-console", cwd=tmp_path)
    assert proc.returncode == 2
    assert str(tmp_path / "rules.yaml") in proc.stderr and "--rules" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_postgresql_without_psycopg_is_one_clear_line(tmp_path):
    proc = qunguan("db", "upgrade", "--db", "postgresql://u@127.0.0.1:1/x", cwd=tmp_path,
                   prelude="import sys; sys.modules['psycopg'] = None")
    assert proc.returncode == 2
    assert "psycopg" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_sim_on_a_busy_port_is_one_clear_line():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = qunguan("sim", "--no-console", "--port", str(port))
    assert proc.returncode == 2
    assert f"127.0.0.1:{port}" in proc.stderr and "--port" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_sigterm_stops_the_bot_cleanly(tmp_path):
    (tmp_path / "rules.yaml").write_text((ROOT / "rules.yaml").read_text("utf-8"), "utf-8")
    env = {**os.environ, "QUNGUAN_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
           "QUNGUAN_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    env.pop("WECHATY_PUPPET_SERVICE_ENDPOINT", None)
    env.pop("WECHATY_PUPPET_SERVICE_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "run", "--no-console"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    seen: list[str] = []
    try:
        for line in proc.stdout:  # wait for the login, however long a busy machine takes
            seen.append(line)
            if "logged in as" in line:
                break
        else:
            raise AssertionError("the bot ended before logging in:\n" + "".join(seen))
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    output = "".join(seen) + rest
    assert proc.returncode == 0, output
    assert "Traceback" not in output
