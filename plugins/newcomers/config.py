"""The greeting and nickname sections of rules.yaml. Every key has a default, so an empty
section works; every template's placeholders are checked at load time."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from bot.rules.errors import RulesValueError, regex_error
from bot.rules.schema import PluginConfig, Strict
from bot.rules.types import ClockTime, Duration
from plugins.newcomers.policy import NicknamePolicy, policy_for
from plugins.newcomers.staging import Timings
from plugins.newcomers.templates import placeholders

MAX_CORE_RULES = 3  # 群规最多三条: the domain's rule of thumb, enforced


class RaidConfig(Strict):
    """More than `joins` joins within `window` is a join raid (进群潮): the admins are told and
    the group can switch to strict mode, where anti-spam handles newcomers' links and cards at
    the first offence."""

    joins: int = Field(default=15, ge=0)  # 0: raid detection off
    window: Duration = timedelta(minutes=2)
    strict_mode: bool = True
    strict_for: Duration = timedelta(hours=1)
    notice: Annotated[str, placeholders("count", "window", "limit", "strict", "case")] = (
        "检测到入群潮：{window}内有 {count} 人入群（超过 {limit} 人）{strict}。案件 #{case}"
    )
    strict_text: Annotated[str, placeholders("until")] = (
        "，已开启严格模式至 {until}：新成员第一次发推广链接、名片或小程序就会被移出。"
        "如果是正常的集中入群（如新建班级群），请在群里发送 #strict off 关闭"
    )
    # in {strict} when most of them were invited by the owner or an admin (strict mode stays off)
    strict_vouched: str = "，大多是群主或管理员邀请的，没有开启严格模式"
    # the #strict command (admins): status, on, off
    strict_on: Annotated[str, placeholders("until")] = (
        "已开启严格模式至 {until}：新成员第一次发推广链接、名片或小程序就会被移出。")
    strict_off: str = "已关闭严格模式：新成员发推广链接、名片或小程序按平常的规则处理（先警告）。"
    strict_none: str = "本群现在没有开启严格模式。发送 #strict on 可开启。"
    strict_usage: str = "用法：#strict on | off（入群潮时会自动开启严格模式）"


class GreetingConfig(PluginConfig):
    window: Duration = timedelta(seconds=5)
    template: Annotated[str, placeholders("names", "group", "count", "inviter", "rules", "newcomers")] = (
        "欢迎 {names} 加入「{group}」🎉 现在群里共有 {count} 人。\n{rules}"
    )
    mention: bool = True
    max_mentions: int = Field(default=20, ge=0, le=50)
    rules: tuple[str, ...] = ("禁止发广告、拉人、刷屏", "友善交流，不人身攻击", "进群请按要求修改群昵称")
    rules_title: Annotated[str, placeholders()] = "本群群规："
    recall_previous: bool = True
    private: bool = False
    private_template: Annotated[str, placeholders("name", "group", "rules", "full_rules")] = (
        "你好 {name}，欢迎加入「{group}」！\n{full_rules}\n有问题可以在群里问群主或管理员。"
    )
    full_rules: str = ""  # the long version for the private message; empty: the core rules
    raid: RaidConfig = RaidConfig()

    @field_validator("window")
    @classmethod
    def _window(cls, value: timedelta) -> timedelta:
        if value > timedelta(minutes=2):
            raise RulesValueError("the merge window is at most 2m (newcomers should not wait long for a welcome)",
                                  "合并欢迎的等待时间 window 最长 2m（新成员不该等太久才看到欢迎）")
        return value

    @field_validator("rules")
    @classmethod
    def _rules(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        rules = tuple(r.strip() for r in value)
        if len(rules) > MAX_CORE_RULES:
            raise RulesValueError(f"at most {MAX_CORE_RULES} core rules; put the rest in full_rules",
                                  f"群规最多 {MAX_CORE_RULES} 条（现在 {len(rules)} 条），其余的请写到 full_rules 里")
        if any(not r for r in rules):
            raise RulesValueError("a rule is empty", "有一条群规是空的")
        if any(len(r) > 100 for r in rules):
            raise RulesValueError("a core rule is longer than 100 characters; keep it to one line",
                                  "有一条群规超过 100 个字，请精简到一行")
        return rules


class Consequences(Strict):
    """How the last notice names what happens next, per action."""

    none: str = "群主或管理员可能会联系你"
    notify: str = "将通知管理员处理"
    remove: str = "将被移出本群"


class NicknameTexts(Strict):
    prompt: Annotated[str, placeholders("names", "pattern", "example")] = (
        "请把你的群昵称改为「{pattern}」格式，方便大家认识你，例如：{example}\n"
        "修改方法：群聊右上角「…」→「我在群里的昵称」。"
    )
    # before a prompt that replaces the one a moment ago (a group filling in waves): the members
    # that one named, who are not mentioned again (unused when the prompt itself has {names})
    prompt_also: Annotated[str, placeholders("names")] = "{names}，"
    remind: Annotated[str, placeholders("names", "pattern", "example")] = (
        "提醒：群昵称还不符合「{pattern}」格式，请尽快修改，例如：{example}"
    )
    final: Annotated[str, placeholders("names", "pattern", "example", "deadline", "consequence")] = (
        "最后提醒：请在 {deadline} 前把群昵称改为「{pattern}」格式（例如：{example}），否则{consequence}。"
    )
    thanks: Annotated[str, placeholders("names")] = ""  # after a member complies; empty: say nothing
    notify: Annotated[str, placeholders("names", "pattern", "count")] = (
        "以下 {count} 位成员经过多次提醒仍未按「{pattern}」修改群昵称：{names}"
    )
    kick_reason: Annotated[str, placeholders("pattern")] = "群昵称多次提醒后仍不符合「{pattern}」格式"
    consequence: Consequences = Consequences()
    list_header: Annotated[str, placeholders("count")] = "群昵称不符合要求的成员（{count} 人）："
    list_line: Annotated[str, placeholders("index", "name", "alias", "since", "stage")] = (
        "{index}. {name}（当前昵称：{alias}）{since} 起，{stage}"
    )
    list_more: Annotated[str, placeholders("count")] = "……另有 {count} 人"
    list_empty: str = "目前没有群昵称不符合要求的成员。"
    check_ok: Annotated[str, placeholders("name", "alias")] = "「{name}」的群昵称「{alias}」符合要求。"
    check_bad: Annotated[str, placeholders("name", "alias", "pattern", "example")] = (
        "「{name}」的群昵称「{alias}」不符合「{pattern}」格式（例如：{example}），已开始提醒。"
    )
    check_exempt: Annotated[str, placeholders("name")] = "「{name}」是群主、管理员或白名单成员，不需要检查群昵称。"
    # #nick check with no one named: every current member (owners, admins, whitelisted not counted)
    check_all_bad: Annotated[str, placeholders("checked", "ok", "bad", "names", "pattern", "prefix")] = (
        "已检查本群 {checked} 位成员的群昵称：{ok} 人符合，{bad} 人不符合「{pattern}」格式（{names}），"
        "稍后会统一提醒他们修改。发送 {prefix}nick list 查看名单。"
    )
    check_all_ok: Annotated[str, placeholders("checked", "pattern")] = (
        "已检查本群 {checked} 位成员的群昵称，都符合「{pattern}」格式。"
    )
    check_all_off: Annotated[str, placeholders("prefix")] = (
        "本群的群昵称检查已关闭，没有检查。发送 {prefix}nick 开启 可重新开启。"
    )
    check_all_unread: str = "暂时读不到本群的成员名单，请稍后再试。"
    check_usage: Annotated[str, placeholders("prefix")] = (
        "用法：{prefix}nick check @成员（不写成员：检查全群）、{prefix}nick list，"
        "或改本群的昵称格式：{prefix}nick 格式 孩子姓名-家长 例 王小明-妈妈"
    )
    check_unknown: str = "没找到这位成员，请 @ 对方或写出其群昵称。"
    # #nick 格式 / 关闭 / 开启 / 恢复: the group's pattern set in chat (chat_format.py)
    format_show: Annotated[str, placeholders("pattern", "example", "prefix")] = (
        "本群的群昵称格式：「{pattern}」，例如：{example}\n"
        "想换成别的格式，发送：{prefix}nick 格式 孩子姓名-家长 例 王小明-妈妈"
    )
    format_show_chat: Annotated[str, placeholders("pattern", "example", "prefix")] = (
        "本群的群昵称格式：「{pattern}」，例如：{example}（在群里设置的；发送 {prefix}nick 恢复 可改回默认）"
    )
    format_set: Annotated[str, placeholders("pattern", "example", "prefix")] = (
        "好的，本群的群昵称格式改为「{pattern}」，例如：{example}。之后的新成员提示和提醒都按这个格式；"
        "已经按新格式改好的不会再被提醒。要让现有成员也按新格式改，发送 {prefix}nick check 检查全群；"
        "发送 {prefix}nick 恢复 可改回默认。"
    )
    format_usage: Annotated[str, placeholders("pattern", "prefix")] = (
        "还缺一个示例：请按「{pattern}」写一个，和格式一起发，例如：{prefix}nick 格式 孩子姓名-家长 例 王小明-妈妈"
    )
    format_bad: Annotated[str, placeholders("problem", "prefix")] = "没有改：{problem}"
    format_reset: Annotated[str, placeholders("pattern", "example")] = (
        "好的，本群的群昵称设置已恢复默认：格式「{pattern}」，例如：{example}。"
    )
    turned_off: Annotated[str, placeholders("prefix")] = (
        "好的，本群不再检查群昵称，新成员也不会再收到改群昵称的提示。发送 {prefix}nick 开启 可重新开启。"
    )
    turned_on: Annotated[str, placeholders("pattern", "example")] = (
        "好的，本群重新开始检查群昵称：格式「{pattern}」，例如：{example}。"
    )
    no_alias: str = "（未设置）"


class NicknameConfig(PluginConfig):
    pattern: str = Field(default="城市-行业-昵称", max_length=100)
    regex: str = Field(default="", max_length=300)
    example: str = Field(default="上海-电商-小王", max_length=64)
    scope: Literal["newcomers", "all"] = "newcomers"
    prompt_delay: Duration = timedelta(seconds=5)
    remind_after: Duration = timedelta(hours=1)
    final_after: Duration = timedelta(hours=24)
    action_after: Duration = timedelta(hours=48)
    action: Literal["none", "notify", "remove"] = "none"
    # reminders and last notices due between these local times wait until quiet_end: in a
    # simulated day a newcomer was @-mentioned with a reminder at 23:03. The prompt right after
    # joining is an answer to the member's own act and goes out whenever that was. Equal: no
    # quiet hours
    quiet_start: ClockTime = time(22, 0)
    quiet_end: ClockTime = time(8, 0)
    # a prompt, reminder or last notice @-mentions at most this many; the rest are named
    max_mentions: int = Field(default=20, ge=1, le=50)
    texts: NicknameTexts = NicknameTexts()

    @field_validator("regex")
    @classmethod
    def _regex(cls, value: str) -> str:
        if value:
            try:
                re.compile(value)
            except re.error as exc:
                raise regex_error(exc) from exc
        return value

    @model_validator(mode="after")
    def _coherent(self) -> NicknameConfig:
        if not self.prompt_delay < self.remind_after < self.final_after < self.action_after:
            raise RulesValueError("need prompt_delay < remind_after < final_after < action_after",
                                  "四个时间要一个比一个长：prompt_delay < remind_after < final_after < action_after")
        if self.prompt_delay > timedelta(minutes=10):
            raise RulesValueError("prompt_delay is at most 10m (the first prompt belongs right after the join)",
                                  "prompt_delay 最长 10m（第一次提醒应在入群后不久发出）")
        if self.example and not self.policy.complies(self.example):
            raise RulesValueError(f"the example {self.example!r} does not follow the pattern itself",
                                  f"示例「{self.example}」本身不符合昵称格式，请修改示例或格式")
        return self

    @property
    def policy(self) -> NicknamePolicy:
        return policy_for(self.pattern, self.regex)

    def quiet_until(self, now: datetime, timezone: str) -> datetime | None:
        """The end of the quiet hours `now` falls in (an aware datetime), or None."""
        if self.quiet_start == self.quiet_end:
            return None
        local = now.astimezone(ZoneInfo(timezone))
        at = local.time()
        if self.quiet_start < self.quiet_end:
            quiet = self.quiet_start <= at < self.quiet_end
        else:  # across midnight (22:00-08:00)
            quiet = at >= self.quiet_start or at < self.quiet_end
        if not quiet:
            return None
        end = datetime.combine(local.date(), self.quiet_end, local.tzinfo)
        return end if end > local else datetime.combine(local.date() + timedelta(days=1), self.quiet_end, local.tzinfo)

    @property
    def timings(self) -> Timings:
        return Timings(self.prompt_delay, self.remind_after, self.final_after, self.action_after,
                       acts=self.action != "none")
