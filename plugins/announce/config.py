"""The announce section of rules.yaml. Every key has a default, so an empty section works; the
user-facing Chinese text lives here as templates with {placeholders}, checked at load."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from bot.rules.errors import RulesValueError, within
from bot.rules.schema import PluginConfig, Strict
from bot.rules.templates import former_defaults
from bot.rules.types import Duration
from plugins.announce.templates import SCHEDULE_FIELDS, SERIES_FIELDS, check_placeholders
from plugins.announce.timing import check_cron, shift_at, shift_cron

Target = Literal["message", "announce"]  # a normal message, or the 群公告
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise RulesValueError(f"{value!r} is not an id: a letter, then letters, digits, _ or -, at most 40",
                              f"「{value}」不能作 id：请以英文字母开头，只用英文字母、数字、_ 和 -，最多 40 个字符")
    return value


ScheduleId = Annotated[str, AfterValidator(_check_id)]
MAX_TEXT = 2000  # WeChat cuts long 群公告; a schedule is a notice, not an article


def _local_iso(value: Any) -> Any:
    """`at: 2026-02-01 20:00` (a string to YAML) or a YAML datetime -> "2026-02-01T20:00"."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).isoformat(timespec="minutes")
        except ValueError as exc:
            raise RulesValueError(f"{value!r} is not a time; write e.g. 2026-02-01 20:00",
                                  f"「{value}」不是时间，请写成 2026-02-01 20:00 这样的格式") from exc
    raise RulesValueError("expected a time such as 2026-02-01 20:00", "这里应写时间，例如 2026-02-01 20:00")


LocalTime = Annotated[str, BeforeValidator(_local_iso)]


class _Timed(Strict):
    """When something happens: a cron (repeating) or `at` (once), limited to a date range."""

    cron: str | None = None
    at: LocalTime | None = None
    start_date: date | None = None  # first day it may run (in the group's timezone)
    end_date: date | None = None  # last day it may run: a temporary group ends
    rooms: tuple[str, ...] = ()  # only these groups (room ids); empty: every group this section applies to

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        return None if value is None else check_cron(value)

    @model_validator(mode="after")
    def _one_trigger(self) -> Any:
        if (self.cron is None) == (self.at is None):
            raise RulesValueError("give exactly one of cron (repeating) or at (once)",
                                  "cron（重复发送）和 at（只发一次）要写其中一个，且只能写一个")
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise RulesValueError("start_date is after end_date", "开始日期 start_date 晚于结束日期 end_date")
        return self

    @property
    def trigger(self) -> str:
        return self.cron or self.at or ""


class Schedule(_Timed):
    id: ScheduleId
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    target: Target = "message"

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return check_placeholders(value, SCHEDULE_FIELDS)


class _Notice(Strict):
    enabled: bool = True
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    target: Target = "message"

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return check_placeholders(value, SERIES_FIELDS)


class Preview(_Notice):
    before: Duration = timedelta(days=2)
    text: str = Field(default="📢 预告：「{title}」将于{date}（{weekday}）{start}–{end}举行，欢迎准时参加！",
                      min_length=1, max_length=MAX_TEXT)
    target: Target = "announce"


class Reminder(_Notice):
    before: Duration = timedelta(hours=1)
    text: str = Field(default="⏰ 提醒：今天{start}「{title}」就要开始了，记得准时来哦～", min_length=1,
                      max_length=MAX_TEXT)


class Opening(_Notice):
    text: str = Field(default="🎤「{title}」现在开始（{start}–{end}），欢迎大家参与互动！", min_length=1,
                      max_length=MAX_TEXT)


class Summary(_Notice):
    after: Duration = timedelta(0)  # after the event's end
    text: str = Field(default=("🙏「{title}」到此结束，感谢参与！"
                               "欢迎在群里分享你的收获和总结，也可以提出下次想聊的话题。"),
                      min_length=1, max_length=MAX_TEXT)


SERIES_PARTS = ("preview", "reminder", "start_message", "summary")


class Series(_Timed):
    """One recurring event (e.g. a weekly sharing session): its cron or `at` is the event's
    start; the preview, reminder, start message and after-event summary follow from it."""

    id: ScheduleId
    title: str = Field(min_length=1, max_length=100)
    duration: Duration = timedelta(minutes=90)
    preview: Preview = Preview()
    reminder: Reminder = Reminder()
    start_message: Opening = Opening()
    summary: Summary = Summary()

    def offset(self, part: str) -> timedelta:
        """Where a part sits relative to the event's start."""
        match part:
            case "preview":
                return -self.preview.before
            case "reminder":
                return -self.reminder.before
            case "start_message":
                return timedelta(0)
            case "summary":
                return self.duration + self.summary.after
        raise KeyError(part)

    def notice(self, part: str) -> _Notice:
        notice: _Notice = getattr(self, part)
        return notice

    def part_triggers(self) -> list[tuple[str, str]]:
        """(part, trigger) for every enabled part."""
        found = []
        for part in SERIES_PARTS:
            if not self.notice(part).enabled:
                continue
            offset = self.offset(part)
            trigger = shift_cron(self.cron, offset) if self.cron else shift_at(self.at or "", offset)
            found.append((part, trigger))
        return found

    @model_validator(mode="after")
    def _parts(self) -> Series:
        self.part_triggers()  # a shift that cannot be expressed is an error at load, with the reason
        return self


class Texts(Strict):
    """Answers to #schedule. Placeholders in {braces}."""

    usage: str = ("用法：\n#schedule add [公告] <时间> <内容>\n"
                  "  例：#schedule add 每天 9:00 今日干货：…\n"
                  "  例：#schedule add 每周一 晚上8点 本周分享会报名开始\n"
                  "  例：#schedule add {example} 今晚分享会开始啦\n"
                  "  例：#schedule add 公告 20:00 本周日分享会预告（发为群公告）\n"
                  "  时间还可以写：工作日 8:30、周末 10:00、每月1号 10:00、明天 20:00、周六 6:00、下周一 9:00，"
                  "或 5 段 cron（分 时 日 月 周）\n"
                  "#schedule list\n#schedule pause|resume|remove <编号>")
    added: str = "已添加定时消息 {id}：{trigger}，下次发送：{next}"
    # a one-off: its time is its next sending, said once (…12月11日 周五 17:00，下次发送：12月11日
    # 周五 17:00 read as if it would repeat, seen in a simulated day)
    added_once: str = "已添加定时消息 {id}：{trigger} 发送一次"
    bad_time: str = ("没看懂时间「{given}」。可以写：每天 21:00、工作日 8:30、每周一 晚上8点、每月1号 10:00、"
                     "{example}、明天 20:00、周六 6:00、下周一 9:00、20:00，或 5 段 cron（分 时 日 月 周，0=周日）。")
    past_time: str = "时间「{given}」已经过去了，请写一个将来的时间。"
    no_text: str = "请在时间后面写上要发送的内容。"
    too_long: str = "内容太长了（{length} 字），最多 {limit} 字。"
    too_many: str = "本群的群内定时消息已达上限（{limit} 条），请先删除不用的。"
    disabled: str = "本群没有开启定时消息（announce.enabled）。"
    list_title: str = "本群的定时消息："
    list_empty: str = "本群还没有定时消息。"
    list_line: str = "· {id}［{source}］{trigger} → {target}{state}\n  下次：{next}｜{text}"
    source_rules: str = "rules.yaml"
    source_series: str = "活动「{title}」"
    # who added it ({by}: their name); the row does not record where it was typed
    source_chat: str = "{by}添加"
    target_message: str = "消息"
    target_announce: str = "群公告"
    state_paused: str = "（已暂停）"
    state_done: str = "（已发送）"
    next_none: str = "无"
    not_found: str = "没有编号为「{id}」的定时消息。发送 #schedule list 查看。"
    paused: str = "已暂停定时消息 {id}。"
    resumed: str = "已恢复定时消息 {id}，下次发送：{next}"
    already_paused: str = "定时消息 {id} 已经是暂停状态。"
    not_paused: str = "定时消息 {id} 没有暂停。"
    removed: str = "已删除定时消息 {id}。"
    cannot_remove_rules: str = "{id} 写在 rules.yaml 里，请运营修改 rules.yaml 删除；也可以先 #schedule pause {id}。"
    private_needs_group: str = "请在群里使用，或先私聊发送 #use 选择要管理的群。"
    # #公告 <内容>: the 群公告 set now
    announce_usage: str = ("用法：#公告 <内容>，马上把内容设为本群的群公告（机器人不是群主或管理员时改为在群里发出）。"
                           "要定时发送，请用 #schedule add 公告 <时间> <内容>。")

    # the former default said where rather than who, untrue of a schedule added privately
    _former = former_defaults(source_chat="群内添加")

    @model_validator(mode="after")
    def _placeholders(self) -> Texts:
        allowed = {
            "usage": {"example"}, "added": {"id", "trigger", "next"}, "added_once": {"id", "trigger"},
            "bad_time": {"given", "example"},
            "past_time": {"given"},
            "too_long": {"length", "limit"}, "too_many": {"limit"},
            "list_line": {"id", "source", "trigger", "target", "state", "next", "text"},
            "source_series": {"title"}, "source_chat": {"by"},
            "not_found": {"id"}, "paused": {"id"}, "resumed": {"id", "next"},
            "already_paused": {"id"}, "not_paused": {"id"}, "removed": {"id"}, "cannot_remove_rules": {"id"},
        }
        for key in type(self).model_fields:
            try:
                check_placeholders(getattr(self, key), allowed.get(key, ()))
            except ValueError as exc:
                raise within(f"texts.{key}", exc) from exc
        return self


class AnnounceConfig(PluginConfig):
    # an occurrence missed by less than this (the bot was down or restarting) is sent once, late;
    # older ones are skipped and logged
    grace: Duration = timedelta(minutes=30)
    schedules: tuple[Schedule, ...] = ()
    series: tuple[Series, ...] = ()
    max_chat_schedules: int = Field(default=20, ge=0, le=200)  # per group, added with #schedule add
    max_text: int = Field(default=1000, ge=1, le=MAX_TEXT)  # characters, for #schedule add
    texts: Texts = Texts()

    @model_validator(mode="after")
    def _unique_ids(self) -> AnnounceConfig:
        ids = [s.id for s in self.schedules] + [s.id for s in self.series]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise RulesValueError(f"schedule and series ids must be unique in a group: {', '.join(dupes)} repeated",
                                  f"同一个群的定时消息和活动不能用相同的 id：{'、'.join(dupes)} 重复了")
        return self

    def schedule(self, schedule_id: str) -> Schedule | None:
        return next((s for s in self.schedules if s.id == schedule_id), None)

    def find_series(self, series_id: str) -> Series | None:
        return next((s for s in self.series if s.id == series_id), None)
