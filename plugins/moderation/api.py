"""What other plugins may call. Stable: the stats plugin names case kinds in #stats with
kind_label (警告, 移出, 拉黑 …)."""

from __future__ import annotations

from plugins.moderation.render import kind_label

__all__ = ["kind_label"]
