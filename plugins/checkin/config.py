"""The checkin section of rules.yaml. Every key has a default, so an empty section works; the
user-facing Chinese text lives in `texts` as templates with {placeholders}."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from pydantic import Field, field_validator, model_validator

from bot.core.plugin import JobSpec
from bot.core.scheduler import make_trigger
from bot.rules.errors import CRON_FIELDS_ZH, RulesValueError, within
from bot.rules.schema import PluginConfig, Strict
from bot.rules.templates import check_template
from bot.rules.types import ClockTime, Duration


def _check_cron(value: str) -> str:
    if len(value.split()) != 5:
        raise RulesValueError(f"{value!r} is not a cron string; write e.g. \"0 21 * * *\" "
                              "(minute hour day month weekday)",
                              f"「{value}」不是 cron 表达式：请写 5 段，例如 \"0 21 * * *\"（{CRON_FIELDS_ZH}）")
    try:
        # any fixed instant will do: this only checks that the fields parse
        make_trigger(JobSpec(id="check", trigger=value), datetime(2026, 1, 1, tzinfo=UTC))
    except (ValueError, TypeError) as exc:
        raise RulesValueError(f"{value!r} is not a valid cron string: {exc}",
                              f"「{value}」不是有效的 cron 表达式：{CRON_FIELDS_ZH}") from exc
    return value


class Level(Strict):
    days: int = Field(ge=0)  # reached at this many check-in days in total
    name: str = Field(min_length=1, max_length=40)


class MakeupConfig(Strict):
    """补卡: fill a missed day, a few times a month."""

    enabled: bool = True
    keywords: tuple[str, ...] = ("补卡",)
    per_month: int = Field(default=2, ge=0)  # make-ups per calendar month (the month they are made in)
    lookback_days: int = Field(default=3, ge=1, le=31)  # how many days back a missed day may be filled


class RemindConfig(Strict):
    enabled: bool = True
    cron: str = "0 21 * * *"  # in the group's timezone
    max_mentions: int = Field(default=20, ge=1, le=100)  # the rest are counted, not named
    # remind only members who checked in within this many days (the group's regulars); 0: everyone
    recent_days: int = Field(default=30, ge=0)

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        return _check_cron(value)


class SummaryConfig(Strict):
    enabled: bool = True
    cron: str = "0 20 * * 0"  # Sunday 20:00: the week Monday..Sunday
    days: int = Field(default=7, ge=1, le=31)  # the period the summary covers, ending on its day
    top: int = Field(default=10, ge=1, le=50)

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        return _check_cron(value)


class PointsConfig(Strict):
    per_checkin: int = Field(default=10, ge=0)
    streak_bonus: int = Field(default=1, ge=0)  # extra per consecutive day beyond the first ...
    streak_bonus_max: int = Field(default=10, ge=0)  # ... up to this much
    makeup: int = Field(default=5, ge=0)  # a make-up earns this instead (no bonus)
    # deducted per anti-spam case against the member, by case kind (computed from the cases)
    deduct: dict[str, int] = Field(default_factory=lambda: {"warn": 5, "kick": 20, "ban": 50})


class BatchConfig(Strict):
    """In a busy group, individual confirmations stop after max_replies within `window`; the rest
    are merged into one message per window."""

    max_replies: int = Field(default=5, ge=0)  # 0: never merge
    window: Duration = timedelta(minutes=2)
    max_names: int = Field(default=15, ge=1, le=100)

    @field_validator("window")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value < timedelta(seconds=30):
            raise RulesValueError("window must be at least 30s", "合并时间 window 至少要 30s")
        return value


# the placeholders each template may use: a typo in rules.yaml is an error at load, not a crash
_PLACEHOLDERS: dict[str, set[str]] = {
    "ok": {"rank", "streak", "total", "points"}, "level_up": {"old", "new"}, "already": {"time", "streak"},
    "outside_window": {"start", "end"}, "makeup_ok": {"day", "streak", "total", "left"},
    "makeup_ok_apart": {"day", "run", "gap", "streak", "total", "left"},
    "makeup_none": {"days"}, "makeup_bad_day": {"days"}, "makeup_done_already": {"day"},
    "makeup_before_join": {"day"}, "makeup_limit": {"limit"}, "batch": {"names", "more"},
    "batch_item": {"name", "streak", "level"}, "batch_level": {"level"}, "batch_more": {"count"},
    "me": {"name", "streak", "total", "month", "level", "next", "points", "earned", "deducted", "makeup_left"},
    "me_next": {"days", "level"}, "rank_title": {"period"}, "rank_line": {"rank", "name", "days"},
    "rank_self": {"rank", "days"}, "rank_empty": {"period"},
    "stats": {"done", "members", "rate", "missing", "names", "more"}, "stats_all_done": {"done", "members"},
    "remind": {"more"}, "remind_more": {"count"},
    "summary": {"start", "end", "people", "checkins", "perfect", "lines"},
    "summary_line": {"rank", "name", "days"}, "help_note": {"keyword", "others"}, "help_makeup": {"keyword"},
}


class Texts(Strict):
    ok: str = "打卡成功✅ 今日第{rank}位｜连续{streak}天｜累计{total}天｜积分+{points}"
    level_up: str = "🎉 升级啦：「{old}」→「{new}」"
    already: str = "今天已经打过卡啦（{time}），明天再来～ 已连续{streak}天"
    outside_window: str = "现在不是打卡时间哦，打卡时间为每天 {start}–{end}"
    makeup_ok: str = "补卡成功✅ 已补上 {day} 的打卡｜连续{streak}天｜累计{total}天｜本月还可补卡{left}次"
    # the made-up day's run does not reach yesterday or today: {run} days together then, {gap}
    # days missed since, {streak} the streak now
    makeup_ok_apart: str = ("补卡成功✅ 已补上 {day} 的打卡（那几天连续{run}天）｜之后还有{gap}天没打卡，没能连到今天，"
                            "现在连续{streak}天｜累计{total}天｜本月还可补卡{left}次")
    makeup_disabled: str = "本群没有开启补卡"
    makeup_none: str = "最近 {days} 天没有需要补的打卡～"
    makeup_bad_day: str = "只能补最近 {days} 天内（不含今天）漏掉的打卡，例如：补卡 昨天"
    makeup_done_already: str = "{day} 已经打过卡了，不用补～"
    makeup_before_join: str = "{day} 你还没有入群，不能补卡"
    makeup_limit: str = "本月补卡次数已用完（每月{limit}次），下个月再来吧"
    batch: str = "✅ 刚刚打卡的小伙伴：{names}{more}"
    batch_item: str = "{name}（连续{streak}天{level}）"
    batch_level: str = "，升级「{level}」"
    batch_more: str = " 等{count}人"
    me: str = ("「{name}」的打卡：连续{streak}天｜累计{total}天｜本月{month}天\n"
               "等级「{level}」{next}\n积分 {points}（打卡 +{earned}，违规 -{deducted}）｜本月还可补卡{makeup_left}次")
    me_next: str = "，再打卡{days}天升级「{level}」"
    me_none: str = "你还没有打过卡，发送「打卡」开始吧！"
    rank_title: str = "🏆 打卡排行榜（{period}）"
    rank_line: str = "{rank}. {name}  {days}天"
    rank_self: str = "……\n你：第{rank}名，{days}天"
    rank_empty: str = "{period}还没有人打卡～"
    period_week: str = "本周"
    period_month: str = "本月"
    period_all: str = "总榜"
    stats: str = "📋 今日打卡 {done}/{members}（{rate}%）\n未打卡（{missing}人）：{names}{more}"
    stats_all_done: str = "📋 今日打卡 {done}/{members}（100%），全员已打卡 👏"
    stats_more: str = " 等"
    remind: str = "⏰ 今天还没打卡哦，别断了连续记录～ 发送「打卡」即可{more}"
    remind_more: str = "（另有{count}人未打卡）"
    summary: str = "📊 打卡周报（{start}～{end}）\n{people}人共打卡{checkins}次，全勤{perfect}人\n{lines}"
    summary_line: str = "{rank}. {name}  {days}天"
    usage: str = "用法：#checkin rank [week|month|all]｜#checkin me｜#checkin stats（管理员）"
    # in #help, after the commands: checking in is a plain message, not a command
    help_note: str = "打卡：直接发送「{keyword}」{others}，后面可以写上今天做了什么，例如「{keyword} 背单词50个」"
    help_makeup: str = "补卡：漏了哪天，发送「{keyword}」或「{keyword} 昨天」"
    private_only_group: str = "请在群里使用，或先私聊发送 #use 选择群"

    @model_validator(mode="after")
    def _placeholders(self) -> Texts:
        for key, allowed in (*_PLACEHOLDERS.items(), *((k, set()) for k in type(self).model_fields
                                                       if k not in _PLACEHOLDERS)):
            try:
                check_template(getattr(self, key), allowed)
            except ValueError as exc:
                raise within(f"texts.{key}", exc) from exc
        return self


class CheckinConfig(PluginConfig):
    keywords: tuple[str, ...] = ("签到", "打卡")
    window_start: ClockTime = time(5, 0)
    window_end: ClockTime = time(23, 59)  # inclusive of this minute
    note_max_chars: int = Field(default=200, ge=0, le=2000)
    credit_per_day: int = Field(default=1, ge=0)  # core_member.credit per check-in day (anti-spam trust)
    rank_size: int = Field(default=10, ge=1, le=50)
    stats_max_names: int = Field(default=50, ge=1, le=200)
    levels: tuple[Level, ...] = (
        Level(days=0, name="新手村"),
        Level(days=3, name="青铜"),
        Level(days=7, name="白银"),
        Level(days=15, name="黄金"),
        Level(days=30, name="铂金"),
        Level(days=60, name="钻石"),
        Level(days=100, name="星耀"),
        Level(days=200, name="王者"),
        Level(days=365, name="传说"),
    )
    makeup: MakeupConfig = MakeupConfig()
    remind: RemindConfig = RemindConfig()
    summary: SummaryConfig = SummaryConfig()
    points: PointsConfig = PointsConfig()
    batch: BatchConfig = BatchConfig()
    texts: Texts = Texts()

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(k.strip() for k in value if k.strip())
        if not cleaned:
            raise RulesValueError("at least one keyword is needed", "至少要有一个打卡关键词")
        return cleaned

    @model_validator(mode="after")
    def _consistent(self) -> CheckinConfig:
        if self.window_end <= self.window_start:
            raise RulesValueError("window_end must be later than window_start (the window cannot cross midnight)",
                                  "打卡结束时间 window_end 要晚于开始时间 window_start（打卡时段不能跨过午夜）")
        days = [level.days for level in self.levels]
        if not days or days != sorted(set(days)):
            raise RulesValueError("levels must be at least one level, listed by strictly increasing days",
                                  "levels 至少要有一级，并按 days 从小到大排列，days 不能重复")
        return self
