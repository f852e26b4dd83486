"""Read, validate and snapshot rules.yaml.

Errors come back as a list of RuleError, each naming a dotted path and the line it came
from, so an operator who is not a programmer can find the typo. Each is worded twice: English
for the log, Chinese for WeChat and the console (bot.rules.errors); `qunguan check-rules`
prints both. Nothing half-applies: a file is either a complete new immutable Rules snapshot
or a RulesInvalid.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.rules.errors import (
    either_chinese,
    pydantic_chinese,
    read_error_chinese,
    unknown_key_chinese,
    yaml_chinese,
    yaml_error_line,
)
from bot.rules.guard import check_size, check_text
from bot.rules.schema import BotRules, GroupRulesBase, HasConfig, RulesDocument, build_group_model

Loc = tuple[str | int, ...]



class RulesLoader(yaml.SafeLoader):
    """YAML with only true and false as booleans (YAML 1.2's core schema). YAML 1.1 also reads
    a bare on, off, yes and no as booleans, so `mode: off` (the word rules.yaml itself offers)
    reached the schema as False and was refused with 「只能写 enforce、shadow 或 off，不能写
    「false」」; a yes/no switch still works, pydantic reads the word."""


RulesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
RulesLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))

@dataclass(frozen=True, slots=True)
class RuleError:
    path: str
    line: int | None
    message: str  # English, for the log
    chinese: str  # the same for a person, in Chinese

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.path or '<file>'}{where}: {self.message}"

    def for_people(self) -> str:
        """The Chinese line: where first (the line number is what an operator looks for)."""
        where = "，".join(part for part in (f"第 {self.line} 行" if self.line else "", self.path) if part)
        return f"{where}：{self.chinese}" if where else self.chinese


class RulesInvalid(Exception):
    def __init__(self, source: str, errors: Sequence[RuleError]) -> None:
        self.source = source
        self.errors = list(errors)
        super().__init__(f"{source}: {len(self.errors)} error(s)\n" + "\n".join(f"  {e}" for e in self.errors))


@dataclass(frozen=True)
class Rules:
    """One validated, immutable version of rules.yaml."""

    bot: BotRules
    defaults: GroupRulesBase
    groups: Mapping[str, GroupRulesBase]
    digest: str
    source: str
    loaded_at: datetime
    plugin_names: tuple[str, ...] = field(default=())

    def for_room(self, room_id: str | None) -> GroupRulesBase:
        if room_id is None:
            return self.defaults
        return self.groups.get(room_id, self.defaults)

    def manages(self, room_id: str) -> bool:
        if room_id in self.bot.ignore:
            return False
        # "auto" needs what the bot sees (its role in the room, #manage on): the App's LiveRules
        # view (bot.core.live) decides it; a bare snapshot fails closed
        return self.bot.manage == "all" or (isinstance(self.bot.manage, tuple) and room_id in self.bot.manage)

    def unmanaged_for_want_of_a_role(self, room_id: str) -> bool:
        """Whether the bot would manage the group once made its admin: only the App's LiveRules
        view knows its role; a bare snapshot says no."""
        return False

    def chat_settings(self, room_id: str | None) -> dict[str, dict[str, Any]]:
        """What a group's owner or admins changed in chat, by section: only the App's LiveRules
        view (bot.core.live) knows; a bare snapshot has none."""
        return {}

    def dry_run(self, room_id: str | None) -> bool:
        group = self.for_room(room_id).dry_run
        return self.bot.dry_run if group is None else group

    def plugin_config(self, room_id: str | None, plugin: str) -> Any:
        return getattr(self.for_room(room_id), plugin)


def _line_map(text: str) -> tuple[dict[Loc, int], list[RuleError]]:
    """Dotted path -> 1-based line of the key (or item) that introduced it; and a key written
    twice in one mapping, as an error: YAML keeps the last one silently, so an operator who
    added a second `antispam:` block would see half their settings ignored without a word."""
    lines: dict[Loc, int] = {}
    twice: list[RuleError] = []
    try:
        root = yaml.compose(text, Loader=RulesLoader)
    except yaml.YAMLError:
        return lines, twice

    def walk(node: yaml.Node, loc: Loc, report: bool = True) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*loc, str(key_node.value))
                line = key_node.start_mark.line + 1
                again = child in lines
                if again and report:
                    key, first = str(key_node.value), lines[child]
                    twice.append(RuleError(
                        _format_path(child), line, f"'{key}' is written twice (first on line {first}); "
                        "only the last one would count", f"「{key}」写了两次（第一次在第 {first} 行），"
                        "只有后写的会生效；请合并成一处"))
                lines[child] = line
                walk(value_node, child, report and not again)  # a section written twice is one error
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*loc, index)
                lines[child] = item.start_mark.line + 1
                walk(item, child, report)

    if root is not None:
        walk(root, ())
    return lines, twice


def _lookup_line(lines: Mapping[Loc, int], loc: Loc) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


# pydantic names the branch of a union it tried ("literal['all']", "tuple[str, ...]", "int");
# an operator needs the key, not the branch
_UNION_TAG = re.compile(r"^(?:[a-z_]+\[.*\]|str|int|float|bool|dict|list|tuple|none|function-.*)$")


def _clean_loc(loc: Loc) -> Loc:
    return tuple(part for part in loc if not (isinstance(part, str) and _UNION_TAG.match(part)))


def _format_path(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def _message(error: Mapping[str, Any], model: type[BaseModel] | None) -> tuple[str, str]:
    """(English, Chinese) for one pydantic error."""
    if error["type"] == "extra_forbidden":
        key = str(error["loc"][-1])
        allowed = _allowed_keys(model, error["loc"][:-1]) if model else []
        close = next(iter(difflib.get_close_matches(key, allowed, n=1)), None)
        hint = f"; did you mean '{close}'?" if close else (f"; allowed: {', '.join(allowed)}" if allowed else "")
        return f"unknown key '{key}'{hint}", unknown_key_chinese(key, close, allowed)
    return str(error["msg"]).removeprefix("Value error, "), pydantic_chinese(error)


def _allowed_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    current: Any = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            return []
        current = info.annotation
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _in_mapping(data: Any, loc: Loc) -> bool:
    for part in loc:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return False
    return True


def parse_rules(text: str, source: str, plugins: Sequence[HasConfig], *, now: datetime | None = None) -> Rules:
    """Validate rules text; raise RulesInvalid listing every error found."""
    refusal = check_text(text)
    if refusal is not None:
        raise RulesInvalid(source, [RuleError("", refusal.line, refusal.message, refusal.chinese)])
    try:
        return _parse_checked(text, source, plugins, now=now)
    except RecursionError:  # the guard bounds nesting; this is the last line of defence
        raise RulesInvalid(source, [RuleError("", None, "nested too deeply", "嵌套过深")]) from None


def _parse_checked(text: str, source: str, plugins: Sequence[HasConfig], *, now: datetime | None) -> Rules:
    lines, twice = _line_map(text)
    try:
        data = yaml.load(text, Loader=RulesLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulesInvalid(source, [RuleError("", yaml_error_line(exc), f"not valid YAML: {problem}",
                                              yaml_chinese(problem))]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RulesInvalid(source, [RuleError("", 1, "the file must be a mapping with keys bot, defaults, groups",
                                              "文件最外层应是 bot:、defaults:、groups: 这样的设置，不是列表或单个值")])

    errors: list[RuleError] = list(twice)

    def collect(exc: ValidationError, prefix: Loc, model: type[BaseModel], raw: Any = None) -> None:
        for err in exc.errors():
            loc: Loc = _clean_loc(tuple(err["loc"]))
            if raw is not None and not _in_mapping(raw, loc) and err["type"] != "missing":
                continue  # inherited from defaults: already reported there
            full = (*prefix, *loc)
            error = RuleError(_format_path(full), _lookup_line(lines, full), *_message(err, model))
            same = next((i for i, e in enumerate(errors) if e.path == error.path), None)
            if same is None:
                errors.append(error)
            else:  # the branches of one union: one error, both reasons
                first = errors[same]
                errors[same] = RuleError(error.path, error.line, f"{first.message}; or {error.message}",
                                         either_chinese(first.chinese, error.chinese))

    document: RulesDocument | None = None
    try:
        document = RulesDocument.model_validate(data)
    except ValidationError as exc:
        collect(exc, (), RulesDocument)

    group_model = build_group_model(plugins)
    defaults_raw = data.get("defaults") or {}
    defaults: GroupRulesBase | None = None
    if isinstance(defaults_raw, dict):
        try:
            defaults = group_model.model_validate(defaults_raw)
        except ValidationError as exc:
            collect(exc, ("defaults",), group_model)

    groups: dict[str, GroupRulesBase] = {}
    groups_raw = data.get("groups") or {}
    if isinstance(groups_raw, dict) and isinstance(defaults_raw, dict):
        for room_id, override in groups_raw.items():
            override = override or {}
            if not isinstance(override, dict):
                continue  # reported by RulesDocument
            try:
                groups[str(room_id)] = group_model.model_validate(_deep_merge(defaults_raw, override))
            except ValidationError as exc:
                collect(exc, ("groups", str(room_id)), group_model, raw=override)

    errors.sort(key=lambda e: (e.line or 0, e.path))
    if errors or document is None or defaults is None:
        raise RulesInvalid(source, errors or [RuleError("", None, "invalid rules", "规则无效")])
    return Rules(
        bot=document.bot,
        defaults=defaults,
        groups=groups,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
        source=source,
        loaded_at=now or datetime.now(UTC),
        plugin_names=tuple(p.name for p in plugins),
    )


def load_rules(path: str | Path, plugins: Sequence[HasConfig], *, now: datetime | None = None) -> Rules:
    path = Path(path)
    try:
        refusal = check_size(path.stat().st_size)
        if refusal is not None:
            raise RulesInvalid(str(path), [RuleError("", None, refusal.message, refusal.chinese)])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesInvalid(str(path), [RuleError("", None, f"file not found: {path}", f"找不到文件：{path}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesInvalid(str(path), [RuleError("", None, f"cannot read file: {exc}", read_error_chinese(exc))]) \
            from None
    return parse_rules(text, str(path), plugins, now=now)
