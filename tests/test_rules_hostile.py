"""Hostile or broken rules files: a clear error with a line, never a crash, a hang or a silent
change; the running bot keeps its last good rules."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.rules import RulesInvalid, parse_rules
from bot.rules.guard import MAX_BYTES, MAX_DEPTH
from bot.rules.store import RulesStore

ROOT = Path(__file__).resolve().parents[1]
GOOD = "version: 1\nbot:\n  command_prefix: '#'\n"

ALIAS_BOMB = "\n".join([
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    *(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
      f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]" for i in range(8)),
])

HOSTILE = {
    "500 nested brackets": "bot: " + "[" * 500 + "]" * 500,
    "500 nested mappings": "".join(f"{' ' * i}k{i}:\n" for i in range(500)) + " " * 500 + "v: 1\n",
    "billion laughs": ALIAS_BOMB,
    "over the size limit": "# " + "x" * (MAX_BYTES + 10) + "\n" + GOOD,
    "not a mapping": "- just\n- a list\n",
    "tabs and garbage": "bot:\n\t- : : [\n",
}


def refusal(text: str) -> RulesInvalid:
    with pytest.raises(RulesInvalid) as info:
        parse_rules(text, "rules.yaml", [])
    return info.value


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_rules_are_refused_with_a_clear_error(text):
    exc = refusal(text)
    assert exc.errors and all(e.message and e.chinese for e in exc.errors)


def test_depth_error_names_the_line():
    text = "bot:\n  x:\n" + "".join(f"{'  ' * (i + 2)}k{i}:\n" for i in range(MAX_DEPTH + 5)) + "\n"
    exc = refusal(text)
    assert "嵌套过深" in exc.errors[0].chinese and "nested deeper" in exc.errors[0].message
    assert exc.errors[0].line is not None and exc.errors[0].line > 2


def test_a_few_anchors_are_still_fine():
    rules = parse_rules("bot:\n  operators: &ops [wxid_a, wxid_b]\n  manage: *ops\n", "rules.yaml", [])
    assert rules.bot.manage == ("wxid_a", "wxid_b")


@pytest.mark.parametrize("name", ["500 nested brackets", "billion laughs"])
def test_check_rules_prints_the_error_not_a_traceback(tmp_path, name):
    path = tmp_path / "rules.yaml"
    path.write_text(HOSTILE[name], "utf-8")
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "check-rules", str(path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "错误" in proc.stderr


async def test_a_hostile_reload_keeps_the_last_good_rules(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(GOOD, "utf-8")
    store = RulesStore(path, [], FakeClock())
    good = store.current
    path.write_text(HOSTILE["500 nested brackets"], "utf-8")
    with pytest.raises(RulesInvalid):
        await store.reload_async()
    assert store.current is good and store.last_error is not None


async def test_a_deleted_rules_file_is_reported_once_and_the_bot_keeps_its_rules(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(GOOD, "utf-8")
    store = RulesStore(path, [], FakeClock())
    good = store.current
    reported: list[RulesInvalid] = []
    came_back = asyncio.Event()
    store.on_change(lambda rules: came_back.set())
    reported_once = asyncio.Event()

    def on_error(exc: RulesInvalid) -> None:
        reported.append(exc)
        reported_once.set()

    watcher = asyncio.create_task(store.watch(interval=0.01, on_error=on_error))
    try:
        path.unlink()
        await asyncio.wait_for(reported_once.wait(), 60)
        assert store.current is good
        assert "file not found" in str(reported[0])
        path.write_text(GOOD.replace("'#'", "'!'"), "utf-8")
        await asyncio.wait_for(came_back.wait(), 60)
        assert store.current.bot.command_prefix == "!"
        assert len(reported) == 1  # said once, not every poll
    finally:
        watcher.cancel()
