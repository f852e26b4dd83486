"""The console is on in the demo (`qunguan run` on the built-in simulator prints its address and
a fresh token) and off by default against a real gateway."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import httpx

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_on_in_the_demo_off_with_a_gateway_unless_asked():
    demo = Settings(WECHATY_PUPPET_SERVICE_ENDPOINT="", WECHATY_PUPPET_SERVICE_TOKEN="", QUNGUAN_CONSOLE="auto")
    assert demo.console_enabled(None) is True
    gateway = Settings(WECHATY_PUPPET_SERVICE_ENDPOINT="127.0.0.1:8788", QUNGUAN_CONSOLE="auto")
    assert gateway.console_enabled(None) is False
    assert gateway.console_enabled(True) is True
    assert Settings(WECHATY_PUPPET_SERVICE_ENDPOINT="x:1", QUNGUAN_CONSOLE="on").console_enabled(None) is True
    assert Settings(QUNGUAN_CONSOLE="off").console_enabled(None) is False


async def test_qunguan_run_prints_the_console_address_and_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHATY_", "QUNGUAN_"))}
    env.update(QUNGUAN_DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}", QUNGUAN_CONSOLE_PORT="0",
               QUNGUAN_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--no-console", "--rules", str(ROOT / "rules.yaml"),
        cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None
    url = token = None
    try:
        while url is None or token is None:
            line = (await asyncio.wait_for(proc.stderr.readline(), 60)).decode()
            assert line, "qunguan run ended before printing the console address"
            if found := re.search(r"网页控制台：(http://127\.0\.0\.1:\d+/)", line):
                url = found.group(1)
            if found := re.search(r"运营令牌.*：(\S+)$", line.strip()):
                token = found.group(1)
        async with httpx.AsyncClient(base_url=url) as client:
            assert (await client.get("/")).status_code == 303  # nothing without the token
            page = await client.get("/login")
            pre = re.search(r'name="pre" value="([^"]+)"', page.text).group(1)
            login = await client.post("/login", data={"pre": pre, "token": token})
            assert login.status_code == 303
            overview = await client.get("/")
            assert overview.status_code == 200 and "概览" in overview.text
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            await proc.wait()
