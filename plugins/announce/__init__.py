"""Scheduled announcements (issue 6): cron and one-off schedules, event series, the 群公告,
exactly-once delivery. Importing the package defines its tables (plugins.announce.models)."""

from plugins.announce import models as models
from plugins.announce.plugin import AnnouncePlugin

__all__ = ["AnnouncePlugin"]
