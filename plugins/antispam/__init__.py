"""Anti-spam: Chinese-native, explainable ad and spam detection that learns from admins."""

from plugins.antispam import models as models  # defines the antispam_* tables on db.base.Base
from plugins.antispam.plugin import AntispamPlugin

__all__ = ["AntispamPlugin"]
