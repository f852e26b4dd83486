"""What rules.yaml says, completed by what was decided in chat and what the bot observes.

Operators bound in chat (the first-run code) join `bot.operators`; whether a group is managed
under `manage: auto` (the shipped default) depends on the bot's role there and on `#manage
on|off`; a group's settings changed in chat by its owner or admins (`#nick 格式 …`: a class
teacher's group wants 孩子姓名-家长, not the shipped 城市-行业-昵称, and its owner does not edit
rules.yaml) lie over the group's rules.yaml section. The App hands every context a `LiveRules`
view, so every place that computes roles (bot.core.roles reads `rules.bot.operators`), asks
`rules.manages(room)` or reads `rules.for_room(room)` sees the union without knowing where it
came from.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from bot.rules.errors import chinese_of
from bot.rules.loader import Rules
from bot.rules.schema import GroupRulesBase

log = logging.getLogger(__name__)

MANAGING_ROLES = frozenset({"owner", "admin"})
# in a `drop` of BotControl.set_chat_settings: every field chat set in the section (… 恢复)
ALL_FIELDS = "*"


@dataclass
class LiveFacts:
    """Mutable, owned by the App; LiveRules views read it."""

    operators: frozenset[str] = frozenset()  # bound in chat, stored in core_setting
    manage_on: set[str] = field(default_factory=set)  # #manage on
    manage_off: set[str] = field(default_factory=set)  # #manage off
    bot_roles: dict[str, str] = field(default_factory=dict)  # room id → owner, admin, member
    # room id → plugin section → the fields set in chat (stored in core_setting, validated
    # against the section's model when set; see BotControl.set_chat_settings)
    chat_settings: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # room id → (the rules' group, its chat settings, the two merged): built once per change
    _merged: dict[str, tuple[object, object, GroupRulesBase]] = field(default_factory=dict)

    def merged(self, room_id: str, group: GroupRulesBase) -> GroupRulesBase:
        settings = self.chat_settings.get(room_id)
        if not settings:
            return group
        cached = self._merged.get(room_id)
        if cached is not None and cached[0] is group and cached[1] is settings:
            return cached[2]
        try:
            view = with_settings(group, settings)
        except ValueError as exc:
            # valid when set, but rules.yaml changed since (say a regex the chat's example does
            # not follow): rules.yaml wins until someone sets it again in the group
            log.warning("the settings made in chat for %s no longer fit rules.yaml, not used: %s", room_id, exc)
            view = group
        self._merged[room_id] = (group, settings, view)
        return view


def with_settings(group: GroupRulesBase, settings: dict[str, dict[str, Any]]) -> GroupRulesBase:
    """The group's rules with sections' fields replaced, each section validated again (a pattern
    and its example must agree whichever of the two came from chat). Raises pydantic's
    ValidationError, whose RulesValueError says in Chinese what is wrong."""
    update = {}
    for section, values in settings.items():
        current = getattr(group, section, None)
        if current is not None:
            update[section] = type(current).model_validate(_over(current.model_dump(), values))
    return group.model_copy(update=update)


def _over(base: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`values` laid over `base`, a sub-section's fields one by one (#卖货 允许 sets
    antispam.charmodel.mode alone: the rest of charmodel stays rules.yaml's, even as it changes)."""
    merged = dict(base)
    for name, value in values.items():
        inner = merged.get(name)
        merged[name] = _over(inner, value) if isinstance(inner, dict) and isinstance(value, dict) else value
    return merged


def settings_problem(rules: Rules, room_id: str, settings: dict[str, dict[str, Any]],
                     too_long: str = "写得太长了") -> str:
    """What is wrong with these settings made in chat for a group's rules.yaml sections, in
    Chinese for whoever typed them ('' if nothing; `too_long` for a value past its length)."""
    group = Rules.for_room(rules, room_id)  # rules.yaml's own, what chat's lie over
    try:
        with_settings(group, settings)
    except ValidationError as exc:
        error = exc.errors()[0]
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, Exception):
            return chinese_of(cause)
        if error.get("type") == "string_too_long":
            return too_long
        return str(error.get("msg", exc))
    return ""


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

    def unmanaged_for_want_of_a_role(self, room_id: str) -> bool:
        """Not managed only because the bot is no owner or admin there (manage: auto, the group
        not ignored, nobody said #manage off): made one, it manages."""
        return (self.bot.manage == "auto" and room_id not in self.bot.ignore and room_id not in self.live.manage_off
                and not self.manages(room_id))

    def for_room(self, room_id: str | None) -> GroupRulesBase:
        group = super().for_room(room_id)
        return group if room_id is None else self.live.merged(room_id, group)

    def chat_settings(self, room_id: str | None) -> dict[str, dict[str, Any]]:
        """What chat changed in this group's sections (empty where nothing was)."""
        return self.live.chat_settings.get(room_id, {}) if room_id else {}


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
