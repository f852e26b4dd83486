"""The shipped rules.yaml, read by the tests that check a plugin's documented section."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import yaml

RULES_YAML = Path(__file__).resolve().parents[1] / "rules.yaml"


def shipped_section(name: str) -> dict[str, Any]:
    """defaults.<name> as the shipped file has it."""
    return yaml.safe_load(RULES_YAML.read_text("utf-8"))["defaults"][name]


def shipped_block(name: str) -> str:
    """The raw text of defaults.<name> (comments included), dedented to the top level."""
    lines = RULES_YAML.read_text("utf-8").splitlines()
    start = lines.index(f"  {name}:")
    end = start + 1
    while end < len(lines) and not (lines[end].startswith("  ") and lines[end][2:3] not in (" ", "#", "")) \
            and not (lines[end] and not lines[end].startswith(" ")):
        end += 1
    while end > start and (not lines[end - 1].strip() or lines[end - 1].startswith("  #")):
        end -= 1  # the next section's heading comments
    return textwrap.dedent("\n".join(lines[start:end])) + "\n"
