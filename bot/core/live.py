"""What rules.yaml says, completed by what was decided in chat and what the bot observes.

Operators bound in chat (the first-run code) join `bot.operators`; whether a group is managed
under `manage: auto` (the shipped default) depends on the bot's role there and on `#manage
on|off`. The App hands every context a `LiveRules` view, so every place that computes roles
(bot.core.roles reads `rules.bot.operators`) or asks `rules.manages(room)` sees the union
without knowing where it came from.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from bot.rules.loader import Rules

MANAGING_ROLES = frozenset({"owner", "admin"})


@dataclass
class LiveFacts:
    """Mutable, owned by the App; LiveRules views read it."""

    operators: frozenset[str] = frozenset()  # bound in chat, stored in core_setting
    manage_on: set[str] = field(default_factory=set)  # #manage on
    manage_off: set[str] = field(default_factory=set)  # #manage off
    bot_roles: dict[str, str] = field(default_factory=dict)  # room id → owner, admin, member


@dataclass(frozen=True)
class LiveRules(Rules):
    live: LiveFacts = field(default_factory=LiveFacts)

    def manages(self, room_id: str) -> bool:
        if room_id in self.bot.ignore:
            return False
        if self.bot.manage == "all":
            return True
        if isinstance(self.bot.manage, tuple):
            return room_id in self.bot.manage
        # auto: where the bot can act, or where a person in charge asked for it
        if room_id in self.live.manage_off:
            return False
        return room_id in self.live.manage_on or self.live.bot_roles.get(room_id) in MANAGING_ROLES

    def manage_is_auto(self) -> bool:
        return self.bot.manage == "auto"


class LiveView:
    """Builds (and caches) the LiveRules view of the current rules."""

    def __init__(self, facts: LiveFacts) -> None:
        self.facts = facts
        self._cache: tuple[Rules, frozenset[str], LiveRules] | None = None

    def __call__(self, rules: Rules) -> LiveRules:
        if isinstance(rules, LiveRules):
            return rules
        ops = self.facts.operators
        if self._cache is not None and self._cache[0] is rules and self._cache[1] == ops:
            return self._cache[2]
        bot = rules.bot
        extra = tuple(o for o in sorted(ops) if o not in bot.operators)
        if extra:
            bot = bot.model_copy(update={"operators": (*bot.operators, *extra)})
        values = {f.name: getattr(rules, f.name) for f in dataclasses.fields(rules)}
        view = LiveRules(**{**values, "bot": bot}, live=self.facts)
        self._cache = (rules, ops, view)
        return view
