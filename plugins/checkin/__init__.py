"""The checkin plugin (打卡): see plugins/checkin/plugin.py. Importing the package defines its
tables (plugins/checkin/models.py) on db.base.Base."""

from plugins.checkin import models as models
from plugins.checkin.plugin import CheckinPlugin

__all__ = ["CheckinPlugin"]
