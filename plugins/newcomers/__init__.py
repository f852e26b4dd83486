"""Newcomers: the `greeting` plugin (merged welcomes, the group's core rules, join-raid alerts)
and the `nickname` plugin (staged prompts until a member's group nickname follows the group's
pattern). Importing this package defines their tables on db.base.Base."""

from plugins.newcomers import models  # noqa: F401  (tables)
from plugins.newcomers.greeting import GreetingPlugin, core_rules, render_rules
from plugins.newcomers.nickname import NicknamePlugin, pending_since
from plugins.newcomers.policy import NicknamePolicy

__all__ = ["GreetingPlugin", "NicknamePlugin", "NicknamePolicy", "core_rules", "pending_since", "render_rules"]
