"""What everyone saw in a simulated group day, in order: members' messages, joins and leaves,
and every thing the bot did (in the group, privately, removals, recalls), Shanghai time. The
group-day tests print it with `-s` and assert over it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.simulator import ActionKind, World
from bot.simulator.model import BotAction, EventName, SimEvent

SHANGHAI = timedelta(hours=8)


@dataclass
class DayLog:
    world: World
    lines: list[str] = field(default_factory=list)

    def attach(self) -> DayLog:
        self.world.on_event(self._event)
        self.world.on_action(self._action)
        return self

    def _name(self, contact_id: str | None, room_id: str | None = None) -> str:
        return self.world.display_name(contact_id, room_id) if contact_id else "?"

    def _event(self, event: SimEvent) -> None:
        at = (event.at + SHANGHAI).strftime("%H:%M")
        p = event.payload
        if event.name == EventName.MESSAGE:
            msg = self.world.message(str(p["messageId"]))
            if msg.sender_id == self.world.bot_id:
                return  # the bot's own sends are logged as actions
            where = "" if msg.room_id else "（私聊机器人）"
            body = msg.text or (msg.title or "") + (f" {msg.url}" if msg.url else "")
            kind = "" if msg.kind.value == "text" else f"[{msg.kind.value}] "
            self.lines.append(f"{at} {where}{self._name(msg.sender_id, msg.room_id)}：{kind}{body}")
        elif event.name == EventName.ROOM_JOIN:
            names = "、".join(self._name(m) for m in p["inviteeIdList"])
            self.lines.append(f"{at} —— {self._name(str(p['inviterId']))} 邀请 {names} 入群")
        elif event.name == EventName.ROOM_LEAVE:
            names = "、".join(self._name(m) for m in p["removeeIdList"])
            self.lines.append(f"{at} —— {names} 离开/被移出（{self._name(str(p['removerId']))}）")

    def _action(self, action: BotAction) -> None:
        at = (action.at + SHANGHAI).strftime("%H:%M")
        status = "" if action.ok else f"（失败：{action.error}）"
        if action.kind == ActionKind.SEND_TEXT:
            where = "群里" if action.room_id else f"私聊{self._name(action.target)}"
            self.lines.append(f"{at}   【机器人·{where}】{action.text}{status}")
        elif action.kind == ActionKind.KICK:
            self.lines.append(f"{at}   【机器人·移出】{self._name(action.target)}{status}")
        elif action.kind == ActionKind.RECALL and action.target:
            msg = self.world.messages.get(action.target)
            what = (msg.text.split("\n")[0][:30] + f"（{(msg.timestamp + SHANGHAI).strftime('%H:%M')}）") if msg else ""
            self.lines.append(f"{at}   【机器人·撤回】{what}{status}")
        else:
            self.lines.append(f"{at}   【机器人·{action.kind.value}】{action.text[:80]}{status}")

    def bot_lines(self) -> list[str]:
        return [line for line in self.lines if "【机器人" in line]

    def print(self) -> None:
        print("\n" + "\n".join(self.lines))
