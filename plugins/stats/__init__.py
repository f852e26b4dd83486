"""Group statistics per room and day, #stats and C/A/S member tags. Importing the package
defines its tables."""

from plugins.stats import models as _models  # noqa: F401  (defines stats_member_day, stats_room_day)
from plugins.stats.plugin import StatsPlugin

__all__ = ["StatsPlugin"]
