"""rules.yaml for runs against the simulator that should not wait out WeChat's pacing: tests,
benchmarks, fault drills. The governor's own behaviour is tested with a fake clock."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

FAST_RULES = """\
version: 1
bot:
  operators: [wxid_operator]
{governor}{extra_bot}
defaults:
  timezone: Asia/Shanghai
{extra_defaults}
groups: {{}}
"""
FAST_GOVERNOR = """\
  governor:
    group_interval: 0s
    account_interval: 0s
    jitter: 0s
    quiet_after_login: 0s
"""


def fast_rules(extra_bot: str = "", extra_defaults: str = "") -> str:
    """FAST_RULES with extra lines under `bot:` and `defaults:` (written unindented). Extra
    lines indented by two more continue the fast governor ("  kicks_per_hour: 1"); a `governor:`
    of their own replaces it (a key written twice is an error in rules.yaml)."""
    own_governor = re.search(r"^governor:", extra_bot, re.MULTILINE) is not None
    return FAST_RULES.format(governor="" if own_governor else FAST_GOVERNOR,
                             extra_bot=textwrap.indent(extra_bot, "  ").rstrip("\n"),
                             extra_defaults=textwrap.indent(extra_defaults, "  "))


def write_fast_rules(path: Path, extra_bot: str = "", extra_defaults: str = "") -> Path:
    path.write_text(fast_rules(extra_bot, extra_defaults), "utf-8")
    return path
