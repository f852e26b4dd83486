"""When to prompt a member whose group nickname does not follow the pattern. Pure: the
nickname plugin stores the stage and the next due time; this decides both.

Steps: the prompt (shortly after joining, so a burst of joins gets one message), a reminder
after T1, a last notice at T2, then the configured action at T3 (all measured from `since`).
If the bot was down and several steps are overdue, only the latest message step is sent
(a reminder right before a last notice is noise), and the step after it keeps its usual gap,
so a member always gets the full grace period after the last notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum


class Stage(IntEnum):
    NEW = 0  # tracked, nothing sent yet
    PROMPTED = 1
    REMINDED = 2
    FINAL_NOTICE = 3
    ACTED = 4  # admins told, or removal attempted

    @property
    def label(self) -> str:
        return {0: "待提示", 1: "已提示", 2: "已提醒", 3: "已最后通知", 4: "已处理"}[self.value]


@dataclass(frozen=True, slots=True)
class Timings:
    prompt_delay: timedelta
    remind_after: timedelta
    final_after: timedelta
    action_after: timedelta
    acts: bool  # False when the final action is "none"

    def offset(self, stage: Stage) -> timedelta:
        return {
            Stage.PROMPTED: self.prompt_delay, Stage.REMINDED: self.remind_after,
            Stage.FINAL_NOTICE: self.final_after, Stage.ACTED: self.action_after,
        }[stage]


def first_due(since: datetime, timings: Timings) -> datetime:
    return since + timings.prompt_delay


def step_now(stage: Stage, since: datetime, now: datetime, timings: Timings) -> Stage | None:
    """The step to take at `now` for a member at `stage` whose due time has come."""
    if stage >= Stage.ACTED:
        return None
    if stage == Stage.FINAL_NOTICE:
        return Stage.ACTED if timings.acts else None
    step = Stage(stage + 1)
    for later in (Stage.REMINDED, Stage.FINAL_NOTICE):  # skip message steps that are already stale
        if later > step and since + timings.offset(later) <= now:
            step = later
    return step


def due_after(step: Stage, since: datetime, now: datetime, timings: Timings) -> datetime | None:
    """When the step after `step` (taken at `now`) is due; None when nothing follows."""
    if step >= Stage.ACTED or (step == Stage.FINAL_NOTICE and not timings.acts):
        return None
    following = Stage(step + 1)
    gap = timings.offset(following) - timings.offset(step)
    return max(since + timings.offset(following), now + gap)


# steps due this close together go out as one message: members who joined a moment apart (one
# merged welcome) were prompted one by one, a message each (seen in a simulated day)
TOGETHER = timedelta(seconds=10)

# a reminder or last notice going out takes along those whose same step falls due this soon
GATHER = timedelta(minutes=30)


def goes_along(stage: Stage, due_at: datetime, now: datetime, timings: Timings, going_out: set[Stage]) -> bool:
    """Whether a member whose next step is due at `due_at` is told now, with the others whose
    same step is due: a group filling in waves minutes apart (a class reunion, fifty
    classmates in ten waves over an hour) got a reminder per wave, ten in a row an hour later
    (seen in a simulated day). Only message steps go early, by at most GATHER and at most half
    the usual gap since the member's previous step; never the action."""
    if stage not in (Stage.PROMPTED, Stage.REMINDED):
        return False
    step = Stage(stage + 1)
    if step not in going_out:
        return False
    return due_at - now <= min(GATHER, (timings.offset(step) - timings.offset(stage)) / 2)


class OnceEach:
    """A welcome or prompt is sent again without an advertiser the bot removed once per
    standing greeting (per room, keyed by when that greeting was written): a wave of
    advertisers removed one by one would otherwise take it back and send it again for each of
    them. Kept in memory: after a restart, one more at worst."""

    def __init__(self) -> None:
        self._done: dict[str, datetime] = {}

    def due(self, room_id: str, written_at: datetime) -> bool:
        if self._done.get(room_id) == written_at:
            return False
        if len(self._done) > 10_000:
            self._done.clear()
        self._done[room_id] = written_at
        return True
