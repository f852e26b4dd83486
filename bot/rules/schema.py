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

from bot.rules.templates import former_defaults, placeholders
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

    # {case}: the case's number, so an admin's #ham / #spam quoting this notice finds the ad
    ask_owner_kick: Annotated[str, placeholders("member", "reason", "case")] = (
        "机器人不是本群群主或管理员，无法移出「{member}」{case}（原因：{reason}）。请群主或管理员处理。")
    ask_owner_announce: Annotated[str, placeholders()] = (
        "机器人不是本群群主或管理员，无法设置群公告，已改为普通消息发送。")
    # a removal the bot leaves to a human: the evidence alone is not enough (Kick.ask_first)
    ask_admins_kick: Annotated[str, placeholders("member", "reason", "case", "prefix")] = (
        "「{member}」是老成员，又被判定为{reason}{case}，但只凭文字判断不直接移出老成员，机器人没有移出。请核实："
        "是广告请在群里发 {prefix}kick @{member}；不是广告请在群里引用那条消息回复 {prefix}ham。")

    # the former default said 依据只有模型的判断, untrue of a regular's ad word the model reads as
    # chat (put to the admins too)
    _former = former_defaults(ask_admins_kick=(
        "「{member}」是老成员，又被判定为{reason}{case}，但依据只有模型的判断，机器人没有移出。请核实："
        "是广告请在群里发 {prefix}kick @{member}；不是广告请在群里引用那条消息回复 {prefix}ham。"))

    # the gateway (the puppet behind it) cannot do it at all, whatever the bot's role
    ask_owner_kick_unsupported: Annotated[str, placeholders("member", "reason", "case")] = (
        "机器人所用的微信接口不支持移出群成员，无法移出「{member}」{case}（原因：{reason}）。请群主或管理员处理。")
    ask_owner_announce_unsupported: Annotated[str, placeholders()] = (
        "机器人所用的微信接口不支持设置群公告，已改为普通消息发送。")
    announce_fallback: Annotated[str, placeholders("text")] = "【群公告】\n{text}"
    unknown_command: Annotated[str, placeholders("command", "prefix")] = (
        "没有「{command}」这个命令。发送 {prefix}help 查看可用命令。")
    unknown_command_near: Annotated[str, placeholders("command", "near", "prefix")] = (
        "没有「{command}」这个命令，你是不是想用 {prefix}{near}？发送 {prefix}help 查看可用命令。")
    # what admins type that WeChat does not let anyone do (WECHAT.md): 禁言 and recalling a
    # member's message. An owner's #禁言 @bob 10分钟 met silence (a simulated owner's first hour)
    cannot_mute: Annotated[str, placeholders("prefix")] = (
        "微信群没有禁言功能，机器人也做不到。可以发 {prefix}warn @成员 警告，或 {prefix}kick @成员 移出。")
    cannot_recall: Annotated[str, placeholders("prefix")] = (
        "微信只允许发消息的人自己在 2 分钟内撤回，机器人撤回不了别人的消息。"
        "如果是广告，请引用那条消息发送 {prefix}spam，机器人会按群规处理发的人。")
    command_failed: Annotated[str, placeholders("command")] = "命令「{command}」执行失败，已记录日志，请稍后再试。"
    protected_member: Annotated[str, placeholders("member")] = (
        "「{member}」是群主、管理员或白名单成员，机器人不会对其操作。")
    reload_ok: Annotated[str, placeholders("digest")] = "规则已重新加载（版本 {digest}）。"
    reload_failed: Annotated[str, placeholders("count", "digest", "errors")] = (
        "rules.yaml 有 {count} 处错误，继续使用上一版规则（版本 {digest}）：\n{errors}")
    reload_failed_group: Annotated[str, placeholders("count", "digest")] = (
        "rules.yaml 有 {count} 处错误，继续使用上一版规则（版本 {digest}）。错误详情已私聊发给运营。")
    # the same with no operator bound: nobody was sent the details, so say where they are
    reload_failed_group_no_operator: Annotated[str, placeholders("count", "digest", "prefix")] = (
        "rules.yaml 有 {count} 处错误，继续使用上一版规则（版本 {digest}）。还没有绑定运营，错误详情没有发给任何人："
        "可在服务器上运行 qunguan check-rules 查看，或私聊机器人发送 {prefix}use 选择本群后再发 {prefix}reload。")
    # an owner's command in a private chat before choosing a group with #use
    choose_group_first: Annotated[str, placeholders("prefix")] = (
        "私聊中的管理命令作用于你选择的群：请先发送 {prefix}use 查看你管理的群，再发送 {prefix}use 序号 选择。")
    # a command that needs the group itself (#spam, #ham, #report quote a message there) sent privately
    group_only: Annotated[str, placeholders("command", "prefix")] = "「{prefix}{command}」只能在群里使用。"
    binding_wrong: Annotated[str, placeholders()] = "绑定码不对。请核对 qunguan run 启动时显示的 8 位数字。"
    binding_expired: Annotated[str, placeholders()] = "绑定码已失效。请重新启动 qunguan run 获取新的绑定码。"
    dryrun_on: Annotated[str, placeholders()] = "已开启演习模式：机器人只记录将要执行的操作，不会真正执行。"
    dryrun_off: Annotated[str, placeholders()] = "已关闭演习模式：机器人将正常执行操作。"
    # what happened to a removal, for the admin who asked for it
    kick_not_done: Annotated[str, placeholders("member", "case", "why")] = "未能移出「{member}」{case}：{why}。"
    why_asked_owner: Annotated[str, placeholders()] = "机器人不是本群群主或管理员，已在群里请群主或管理员处理"
    why_unsupported: Annotated[str, placeholders()] = "机器人所用的微信接口不支持移出，已在群里请群主或管理员处理"
    why_asked_first: Annotated[str, placeholders()] = "依据不足以自动移出，已请管理员核实"
    why_protected: Annotated[str, placeholders()] = "对方是群主、管理员或白名单成员"
    why_gone: Annotated[str, placeholders()] = "对方已不在群里"
    why_dry_run: Annotated[str, placeholders()] = "演习模式，只做了记录，没有真正移出"
    why_failed: Annotated[str, placeholders()] = "微信操作失败，请手动处理"
    why_cap: Annotated[str, placeholders("time")] = "已达到每小时移出人数上限，将在 {time} 后自动移出"
    # what became of an invitation back into the group (an accepted appeal, a #revoke)
    invite_why_dry_run: Annotated[str, placeholders()] = "演习模式，只做了记录，没有真正邀请"
    invite_why_failed: Annotated[str, placeholders()] = "微信操作失败，请手动邀请"
    # what became of a text asked for in a private chat (a #warn) that did not surely reach the group
    text_dry_run: Annotated[str, placeholders()] = "没有真正发出：演习模式，只做了记录"
    text_expired: Annotated[str, placeholders()] = "没有发出：排队太久，已不再发送"
    text_cap: Annotated[str, placeholders()] = "没有发出：今天的发送次数已达上限"
    text_uncertain: Annotated[str, placeholders()] = "不确定是否已发到群里：机器人重启时它正在发送，请到群里看一下"
    text_failed: Annotated[str, placeholders()] = "没有发出：微信发送失败，请手动处理"
    # what the admins hear about removals that did not happen (yet)
    kick_failed_admins: Annotated[str, placeholders("member", "reason", "case", "detail")] = (
        "未能移出「{member}」{case}（原因：{reason}）：微信操作失败，请手动处理。")
    kick_deferred_admins: Annotated[str, placeholders("member", "reason", "case", "time", "limit")] = (
        "已达到每小时最多移出 {limit} 人的上限，「{member}」{case}（原因：{reason}）暂未移出，"
        "将在 {time} 后自动移出。")
    daily_cap_admins: Annotated[str, placeholders("member", "reason", "case", "time", "limit")] = (
        "今天的操作次数已达上限（{limit} 次），「{member}」{case}（原因：{reason}）暂未移出，将在 {time} 后自动移出。")
    # a notice for the owner and admins, said in the group where the bot cannot message them
    # privately (WeChat lets a bot message only its friends); the mention comes first
    admins_in_group: Annotated[str, placeholders("text")] = "请群主/管理员留意：\n{text}"
    expired_admins: Annotated[str, placeholders("text")] = (
        "机器人离线太久，这条消息没能及时发出，已不再补发：「{text}」")
    # the first-run operator binding and #whoami
    bound_operator: Annotated[str, placeholders("id")] = (
        "绑定成功：你（{id}）现在是机器人的运营，会私聊收到各群的通知。发送 #help 查看命令。")
    whoami: Annotated[str, placeholders("id", "role")] = "你的微信 id：{id}\n你在这里的身份：{role}"
    # a member @-mentions the bot with no command (once a day per member and group)
    mention_hint: Annotated[str, placeholders("prefix")] = (
        "我是本群的管理机器人，不会聊天哦。发送 {prefix}help 查看可用命令，{prefix}rules 查看群规。")
    # #manage on|off
    manage_on: Annotated[str, placeholders()] = "好的，机器人开始管理本群。"
    manage_off: Annotated[str, placeholders()] = "好的，机器人不再管理本群。群主或运营发送 #manage on 可以重新开启。"
    manage_fixed: Annotated[str, placeholders()] = "本群是否管理由 rules.yaml 的 bot.manage 决定，请修改该文件。"
    manage_usage: Annotated[str, placeholders()] = "用法：#manage on（开始管理本群）或 #manage off（停止管理）"
    # a command from the group's owner (or an operator) where the bot does not manage the group:
    # said at most every 10 minutes to each, instead of the silence an owner who had just pulled
    # the bot in met at their first #help (a simulated day); members' commands stay unanswered
    not_managed: Annotated[str, placeholders("prefix")] = (
        "机器人还没有管理本群（它在本群不是群主或管理员），所以没有执行这条命令。想让它管理：把它设为管理员；"
        "或由群主在群里发送 {prefix}manage on（之后发现广告会请群主和管理员来移出）。")
    not_managed_fixed: Annotated[str, placeholders()] = (
        "本群不在机器人管理的群里（由 rules.yaml 的 bot.manage 和 bot.ignore 决定），所以没有执行这条命令。")
    # manage: auto, the bot was 群主 or 管理员 and is a plain member now: it stopped managing
    manage_lost: Annotated[str, placeholders()] = (
        "机器人已不是本群的群主或管理员，所以停止了管理：不再欢迎新成员，不再检查广告和刷屏。"
        "想让它继续管理：把它重新设为管理员；或由群主在群里发送 #manage on（之后发现广告会请群主和管理员来移出）。")
    # manage: auto, the bot was a plain member of a group it knew and is 群主 or 管理员 now: an owner
    # who followed manage_lost or not_managed hears that it worked
    manage_started: Annotated[str, placeholders()] = (
        "机器人现在是本群的管理员，已开始管理本群：欢迎新成员，检查广告和刷屏。")
    storage_down: Annotated[str, placeholders("error")] = (
        "机器人的数据库暂时无法写入（{error}）。收到的消息先保存在内存中，数据库恢复后会依次处理，不会丢失。")
    storage_back: Annotated[str, placeholders("duration")] = (
        "数据库已恢复（中断约 {duration}），积压的消息正在依次处理。")
    # #status: the storage line (also answered while the database cannot be written)
    status_storage_ok: Annotated[str, placeholders()] = "数据库：正常"
    status_storage_last: Annotated[str, placeholders("at", "duration")] = (
        "数据库：正常（上次中断于 {at}，持续约 {duration} 秒）")
    status_storage_down: Annotated[str, placeholders("seconds", "error", "held")] = (
        "⚠ 数据库无法写入已约 {seconds} 秒（{error}）。{held} 条事件暂存在内存中，"
        "数据库恢复后依次处理，不会丢失；在此期间机器人不处理新消息。")
    status_storage_shed: Annotated[str, placeholders("count")] = (
        "⚠ 内存中暂存的事件已达上限，有 {count} 条新事件未能保存（已记录在日志中）。")
    status_while_down: Annotated[str, placeholders()] = (
        "（数据库故障期间的简要状态；其他命令会在数据库恢复后处理。）")


class BotRules(Strict):
    command_prefix: str = Field(default="#", min_length=1, max_length=3)
    # WeChat contact ids (wxid) of operators; display names are never trusted for permissions
    operators: tuple[str, ...] = ()
    # "auto" (the safe default): only groups where the bot is owner or admin, or where an
    # owner/operator said #manage on; "all": every group the account is in; or a list of room ids
    manage: Literal["auto", "all"] | tuple[str, ...] = "auto"
    ignore: tuple[str, ...] = ()
    dry_run: bool = False
    # a room id where admins hear about cases and notices; empty: private messages to operators,
    # or (no operators either) the group's owner and admins
    admin_group: str = ""
    # with neither admin_group nor operators, notices to a group's owner and admins are
    # gathered into one digest per group at most this often
    notify_every: Duration = timedelta(minutes=5)
    # a queued text older than this when the bot gets to it (after an outage) is not sent late
    # but recorded as expired; removals never expire
    send_within: Duration = timedelta(hours=1)
    # names members went by (nicknames, contact names, group topics); each one's latest is kept
    keep_name_history: Duration = timedelta(days=180)
    keep_audit: Duration = timedelta(days=365)  # the log of every outbound action
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
