"""Hostile text in commands is clipped. Who a command is about and the name to show for an id
come from bot.core.targets (one resolver for every plugin)."""

from __future__ import annotations

MAX_REASON = 500


def clip(text: str, limit: int = MAX_REASON) -> str:
    """Hostile input can be huge: stored reasons and quoted texts are clipped."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
