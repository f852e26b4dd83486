"""Moderation: admin commands (#warn #kick #ban #unban #whitelist), the moderation log
(#case #cases #reason), #rules, #report and appeals. Importing the package defines its table."""

from plugins.moderation import models as _models  # noqa: F401  (defines moderation_appeal)
from plugins.moderation.plugin import ModerationPlugin

__all__ = ["ModerationPlugin"]
