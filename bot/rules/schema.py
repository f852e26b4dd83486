"""The shape of rules.yaml.

Account-wide settings live under `bot`; group policy under `defaults` (applies to every
managed group) and `groups.<room id>` (per-group overrides, merged onto the defaults key
by key). Each plugin owns one section of group policy, keyed by its name and described by
its own `Config` model, so the group model is assembled from the plugin list at start.
Every model forbids unknown keys: a typo is an error, never a silent default.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, create_model

from bot.rules.templates import placeholders
from bot.rules.types import Duration, TimeZoneName


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PluginConfig(Strict):
    """Base of every plugin's section. `enabled: false` turns the plugin off for a group."""

    enabled: bool = True


class GovernorRules(Strict):
    """Outbound pacing. WeChat limits accounts that burst (WECHAT.md: ~1 message/second is
    safe, bursts of ~60 trip "操作过于频繁"), so every send, kick and announcement waits here."""

    group_interval: Duration = timedelta(seconds=2)
    account_interval: Duration = timedelta(seconds=1)
    jitter: Duration = timedelta(seconds=1)
    daily_limit: int = Field(default=1500, ge=1)
    kicks_per_hour: int = Field(default=20, ge=0)
    quiet_after_login: Duration = timedelta(seconds=15)
    throttle_pause: Duration = timedelta(minutes=5)


class CoreTexts(Strict):
    """What the core itself says in chat. Placeholders in {braces}, checked at load. Mentions
    are added by the platform in front of the text (WeChat renders them as @名字), so texts
    never contain them."""

    ask_owner_kick: Annotated[str, placeholders("member", "reason")] = (
        "机器人不是本群群主或管理员，无法移出「{member}」（原因：{reason}）。请群主或管理员处理。")
    ask_owner_announce: Annotated[str, placeholders()] = (
        "机器人不是本群群主或管理员，无法设置群公告，已改为普通消息发送。")
    announce_fallback: Annotated[str, placeholders("text")] = "【群公告】\n{text}"
    unknown_command: Annotated[str, placeholders("command", "prefix")] = (
        "没有「{command}」这个命令。发送 {prefix}help 查看可用命令。")
    command_failed: Annotated[str, placeholders("command")] = "命令「{command}」执行失败，已记录日志，请稍后再试。"
    protected_member: Annotated[str, placeholders("member")] = (
        "「{member}」是群主、管理员或白名单成员，机器人不会对其操作。")
    reload_ok: Annotated[str, placeholders("digest")] = "规则已重新加载（版本 {digest}）。"
    reload_failed: Annotated[str, placeholders("count", "digest", "errors")] = (
        "rules.yaml 有 {count} 处错误，继续使用上一版规则（版本 {digest}）：\n{errors}")
    dryrun_on: Annotated[str, placeholders()] = "已开启演习模式：机器人只记录将要执行的操作，不会真正执行。"
    dryrun_off: Annotated[str, placeholders()] = "已关闭演习模式：机器人将正常执行操作。"
    storage_down: Annotated[str, placeholders("error")] = (
        "机器人的数据库暂时无法写入（{error}）。收到的消息先保存在内存中，数据库恢复后会依次处理，不会丢失。")
    storage_back: Annotated[str, placeholders("duration")] = (
        "数据库已恢复（中断约 {duration}），积压的消息正在依次处理。")


class BotRules(Strict):
    command_prefix: str = Field(default="#", min_length=1, max_length=3)
    # WeChat contact ids (wxid) of operators; display names are never trusted for permissions
    operators: tuple[str, ...] = ()
    # "all": every group the account is in; or a list of room ids
    manage: Literal["all"] | tuple[str, ...] = "all"
    ignore: tuple[str, ...] = ()
    dry_run: bool = False
    # a room id where admins hear about cases and notices; empty: private messages to operators
    admin_group: str = ""
    governor: GovernorRules = GovernorRules()
    texts: CoreTexts = CoreTexts()


class GroupRulesBase(Strict):
    """Settings every group has, whatever plugins run."""

    name: str = ""  # the operator's own label for the group, shown in logs and #status
    timezone: TimeZoneName = "Asia/Shanghai"
    moderators: tuple[str, ...] = ()  # contact ids with admin rights in the bot, per group
    whitelist: tuple[str, ...] = ()  # contact ids the bot never acts on
    dry_run: bool | None = None  # None: follow bot.dry_run


class RulesDocument(Strict):
    """Top level. defaults/groups are validated against the group model separately so that
    errors can name the group and the line they come from."""

    version: Literal[1] = 1
    bot: BotRules = BotRules()
    defaults: dict[str, Any] = Field(default_factory=dict)
    groups: dict[str, dict[str, Any] | None] = Field(default_factory=dict)


class HasConfig(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def Config(self) -> type[PluginConfig]: ...  # the plugin contract names it like a class


def build_group_model(plugins: Sequence[HasConfig]) -> type[GroupRulesBase]:
    """GroupRules = the base settings plus one section per plugin, keyed by plugin name."""
    fields: dict[str, Any] = {}
    for plugin in plugins:
        fields[plugin.name] = (plugin.Config, Field(default_factory=plugin.Config))
    return create_model("GroupRules", __base__=GroupRulesBase, **fields)
