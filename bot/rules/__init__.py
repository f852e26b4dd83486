"""rules.yaml: schema, loading with line-numbered errors, and the live store with hot reload."""

from bot.rules.errors import RulesValueError
from bot.rules.loader import RuleError, Rules, RulesInvalid, load_rules, parse_rules
from bot.rules.schema import PluginConfig

__all__ = ["PluginConfig", "RuleError", "Rules", "RulesInvalid", "RulesValueError", "load_rules", "parse_rules"]
