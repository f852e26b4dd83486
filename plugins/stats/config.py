"""The stats plugin's rules.yaml section (`stats:`): every key has a default."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field

from bot.rules.schema import PluginConfig, Strict
from bot.rules.templates import Texts as TemplateTexts
from bot.rules.types import Duration


class TagRules(Strict):
    """C (new / not yet active), A (active), S (core), from the last `window` of activity.
    A member is S when established (in the group at least `core_min_age`) and meets either
    core threshold; A when meeting either active threshold; C otherwise."""

    window: Duration = timedelta(days=30)
    active_messages: int = Field(default=10, ge=0)
    active_checkins: int = Field(default=5, ge=0)
    core_messages: int = Field(default=100, ge=0)
    core_checkins: int = Field(default=20, ge=0)
    core_min_age: Duration = timedelta(days=30)


class StatsTexts(TemplateTexts):
    header: str = "📊 本群统计（{period}：{start} ～ {end}）"
    # #stats day: one date, not 「今天：2026-05-02 ～ 2026-05-02」
    header_day: str = "📊 本群统计（{period}：{start}）"
    totals: str = "消息 {messages} 条，{speakers} 人发言；入群 {joins} 人，退群 {leaves} 人，被移出 {removals} 人"
    violations: str = "违规案件 {count} 个{detail}"
    checkins: str = "打卡 {total} 人次（{people} 人）"
    top_header: str = "🏆 话痨榜："
    top_line: str = "{rank}. {name} — {count} 条"
    no_talkers: str = "这段时间还没有人发言。"
    lurkers: str = "🤿 潜水（超过 {days} 天未发言）{count} 人{names}"
    lurkers_too_soon: str = "🤿 潜水：机器人在本群只记录了{watched}，满 {days} 天后才知道谁超过 {days} 天没发言"
    partial_record: str = "（机器人在本群只记录了{watched}，更早的发言不在统计里）"
    usage: str = "用法：#stats [day|week|month]"
    tag_line: str = "「{name}」：{tag}（{label}）— 近 {days} 天发言 {messages} 条，打卡 {checkins} 天，入群 {age}"
    tag_summary: str = "成员标签（近 {days} 天）：S 核心 {S} 人，A 活跃 {A} 人，C 新人/待激活 {C} 人"
    period_day: str = "今天"
    period_week: str = "近 7 天"
    period_month: str = "近 30 天"


class StatsConfig(PluginConfig):
    default_period: Literal["day", "week", "month"] = "week"
    top_talkers: int = Field(default=10, ge=0, le=50)
    lurker_days: int = Field(default=14, ge=1)
    lurkers_named: int = Field(default=10, ge=0, le=50)  # how many lurkers #stats names
    tags: TagRules = TagRules()
    texts: StatsTexts = StatsTexts()
