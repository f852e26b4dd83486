"""rules.yaml for runs against the simulator that should not wait out WeChat's pacing: tests,
benchmarks, fault drills. The governor's own behaviour is tested with a fake clock."""

from __future__ import annotations

import textwrap
from pathlib import Path

FAST_RULES = """\
version: 1
bot:
  operators: [wxid_operator]
  governor:
    group_interval: 0s
    account_interval: 0s
    jitter: 0s
    quiet_after_login: 0s
{extra_bot}
defaults:
  timezone: Asia/Shanghai
{extra_defaults}
groups: {{}}
"""


def fast_rules(extra_bot: str = "", extra_defaults: str = "") -> str:
    """FAST_RULES with extra lines under `bot:` and `defaults:` (written unindented)."""
    return FAST_RULES.format(extra_bot=textwrap.indent(extra_bot, "  "),
                             extra_defaults=textwrap.indent(extra_defaults, "  "))


def write_fast_rules(path: Path, extra_bot: str = "", extra_defaults: str = "") -> Path:
    path.write_text(fast_rules(extra_bot, extra_defaults), "utf-8")
    return path
