"""A terminal console over a World: the operator plays the group members, and sees what the
bot does as it happens. `Console.handle_line` holds all the logic so it is testable without
a terminal; `run_console` only wires stdin and stdout."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from collections.abc import AsyncIterator, Callable

from bot.events import MessageKind
from bot.simulator.images import qr_png
from bot.simulator.model import ActionKind, BotAction, SimError, SimErrorKind
from bot.simulator.render import AT_SEPARATOR, preview
from bot.simulator.world import World

HELP = """\
在当前群里以某人身份发言:  名字> 内容      例: alice> 加我微信 abc123   （@名字 会成为 @提及）
                           内容里的 \\n 表示换行，例: bob> #接龙\\n1. alice\\n2. bob
/help                      显示帮助
/rooms                     列出所有群
/room 序号|群名             切换当前群
/members                   当前群成员（含身份与群昵称）
/recent                    最近的消息（/quote 用的序号）
/join 名字 [by 邀请人]       有人入群（新名字会自动创建联系人）
/leave 名字                 有人退群
/nick 名字 群昵称            修改群昵称（留空则清除）
/admin 名字 on|off          设置或取消管理员
/topic 新群名 [by 名字]      修改群名（默认以群主身份；by 名字：由这个成员改）
/link 名字 网址 标题         发送链接卡片
/mini 名字 标题              发送小程序
/card 名字 名片名            发送名片
/image 名字                 发送图片
/qr 名字 内容               发送一张二维码图片（内容如 https://u.wechat.com/abc 个人名片、
                           https://weixin.qq.com/g/abc 群二维码、wxp://abc 收款码）
/file 名字 文件名            发送文件
/private 名字 内容           私聊机器人
/quote 名字 序号 内容         引用最近第 N 条消息回复
/quit                      退出"""


def _refuse(message: str) -> SimError:
    # Operator mistakes reuse SimError so handle_line reports them like platform refusals.
    return SimError(SimErrorKind.INVALID, message)


class Console:
    def __init__(self, world: World, room_id: str | None = None) -> None:
        self.world = world
        rooms = world.bot_rooms() or list(world.rooms)
        self.room_id: str | None = room_id or (rooms[0] if rooms else None)
        self.quit_requested = False

    # ------------------------------------------------------------------ bot output

    def describe_action(self, action: BotAction) -> str:
        """One line for something the bot did (or was refused)."""
        world = self.world
        bot = world.bot_name
        if not action.ok:
            return f"[拒绝: {action.error}]"
        where = world.rooms[action.room_id].topic if action.room_id in world.rooms else None
        target = world.display_name(action.target, action.room_id) if action.target else ""
        match action.kind:
            case ActionKind.SEND_TEXT:
                return f"[{bot} → {where or target}] {action.text}"
            case (
                ActionKind.SEND_CONTACT
                | ActionKind.SEND_URL
                | ActionKind.SEND_MINI_PROGRAM
                | ActionKind.SEND_FILE
            ):
                kind = {
                    ActionKind.SEND_CONTACT: MessageKind.CONTACT_CARD,
                    ActionKind.SEND_URL: MessageKind.LINK,
                    ActionKind.SEND_MINI_PROGRAM: MessageKind.MINI_PROGRAM,
                }.get(action.kind, MessageKind.FILE)
                return f"[{bot} → {where or target}] {preview(kind, action.text)}"
            case ActionKind.KICK:
                return f"[{bot} 移出了 {target}]"
            case ActionKind.ADD:
                return f"[{bot} 邀请 {target} 加入了群聊]"
            case ActionKind.ANNOUNCE:
                return f"[{bot} 修改了「{where}」的群公告] {action.text}"
            case ActionKind.TOPIC:
                return f"[{bot} 把群名改为「{action.text}」]"
            case ActionKind.RECALL:
                return f"[{bot} 撤回了一条消息]"
            case ActionKind.QUIT:
                return f"[{bot} 退出了「{where}」]"
            case ActionKind.CREATE_ROOM:
                return f"[{bot} 创建了群聊「{action.text}」]"
            case ActionKind.SELF_NAME:
                return f"[机器人改名为 {action.text}]"
            case _:
                return f"[{bot} {action.kind}]"

    # ------------------------------------------------------------------ input

    async def handle_line(self, line: str) -> list[str]:
        line = line.strip()
        if not line:
            return []
        try:
            if line.startswith("/"):
                return self._command(line)
            if ">" in line:
                name, _, text = line.partition(">")
                # a terminal line is one line: \n stands for a line break, as in a 接龙 list
                # that each member reposts with their name added
                return self._say(name.strip(), text.strip().replace("\\n", "\n"))
            return ["看不懂这行。用「名字> 内容」发言，/help 查看命令。"]
        except SimError as error:
            return [f"[失败: {error.message}]"]

    def _room(self) -> str:
        if self.room_id is None or self.room_id not in self.world.rooms:
            raise _refuse("当前没有选中的群，先用 /rooms 和 /room 选择")
        return self.room_id

    def _member(self, name: str) -> str:
        contact = self.world.find_contact(name, self._room())
        if contact is None or not self.world.is_member(self._room(), contact.id):
            raise _refuse(f"群里没有「{name}」，可用 /join {name} 让其入群")
        return contact.id

    def _contact(self, name: str) -> str:
        contact = self.world.find_contact(name, self.room_id)
        return contact.id if contact else self.world.add_contact(name)

    def _topic(self) -> str:
        return self.world.rooms[self._room()].topic

    def _say(self, name: str, text: str) -> list[str]:
        room = self._room()
        sender = self._member(name)
        mentions = self._mentions_in(text, room)
        self.world.say(room, sender, text, mentions=mentions)
        return []

    def _mentions_in(self, text: str, room: str) -> list[str]:
        """Members written as @名字 in the text (by group nickname or name), longest first so
        "@alice2" is not taken for "@alice"."""
        candidates: list[tuple[str, str]] = []
        for member_id in self.world.members(room):
            for label in {self.world.display_name(member_id, room), self.world.contacts[member_id].name}:
                candidates.append((label, member_id))
        found: list[str] = []
        for label, member_id in sorted(candidates, key=lambda c: -len(c[0])):
            tag = f"@{label}"
            at = text.find(tag)
            end = at + len(tag)
            if at >= 0 and (end == len(text) or text[end] in (" ", AT_SEPARATOR)) and member_id not in found:
                found.append(member_id)
        return found

    def _command(self, line: str) -> list[str]:
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        handlers: dict[str, Callable[[str], list[str]]] = {
            "/help": lambda _: HELP.splitlines(),
            "/rooms": self._cmd_rooms,
            "/room": self._cmd_room,
            "/members": self._cmd_members,
            "/recent": self._cmd_recent,
            "/join": self._cmd_join,
            "/leave": self._cmd_leave,
            "/nick": self._cmd_nick,
            "/admin": self._cmd_admin,
            "/topic": self._cmd_topic,
            "/link": self._cmd_link,
            "/mini": self._cmd_mini,
            "/card": self._cmd_card,
            "/image": self._cmd_image,
            "/qr": self._cmd_qr,
            "/file": self._cmd_file,
            "/private": self._cmd_private,
            "/quote": self._cmd_quote,
            "/quit": self._cmd_quit,
        }
        handler = handlers.get(command)
        if handler is None:
            return [f"未知命令 {command}，/help 查看命令。"]
        return handler(rest)

    def _cmd_rooms(self, _: str) -> list[str]:
        lines = []
        for index, room in enumerate(self.world.rooms.values(), start=1):
            bot = self.world.bot_id
            role = "群主" if room.owner_id == bot else "管理员" if bot in room.admin_ids else "成员"
            role = role if room.has(bot) else "不在群内"
            mark = "*" if room.id == self.room_id else " "
            lines.append(f"{mark}{index}. {room.topic}（{len(room.member_ids)}人，机器人: {role}）")
        return lines or ["还没有群。"]

    def _cmd_room(self, arg: str) -> list[str]:
        rooms = list(self.world.rooms.values())
        target = None
        if arg.isdigit() and 1 <= int(arg) <= len(rooms):
            target = rooms[int(arg) - 1]
        elif arg:
            target = self.world.find_room(arg)
        if target is None:
            return [f"找不到群「{arg}」，/rooms 查看列表。"]
        self.room_id = target.id
        return [f"当前群: {target.topic}"]

    def _cmd_members(self, _: str) -> list[str]:
        room = self.world.room(self._room())
        lines = [f"{room.topic}（{len(room.member_ids)}人）"]
        for member_id in room.member_ids:
            role = "群主" if member_id == room.owner_id else "管理员" if member_id in room.admin_ids else ""
            nick = room.nicknames.get(member_id)
            parts = [self.world.contacts[member_id].name]
            if nick:
                parts.append(f"群昵称: {nick}")
            if role:
                parts.append(role)
            if member_id == self.world.bot_id:
                parts.append("机器人")
            lines.append("  " + " · ".join(parts))
        return lines

    def _cmd_recent(self, _: str) -> list[str]:
        recent = self.world.recent_messages(self._room())
        if not recent:
            return ["还没有消息。"]
        lines = []
        for index, msg in enumerate(recent, start=1):
            who = self.world.display_name(msg.sender_id, msg.room_id)
            flag = "（已撤回）" if msg.recalled else ""
            text = preview(msg.kind, msg.text).replace("\n", " ⏎ ")
            lines.append(f"{index}. {who}: {text}{flag}")
        return lines

    def _cmd_join(self, arg: str) -> list[str]:
        name, _, inviter_name = arg.partition(" by ")
        name, inviter_name = name.strip(), inviter_name.strip()
        if not name:
            return ["用法: /join 名字 [by 邀请人]"]
        room = self._room()
        inviter = self._member(inviter_name) if inviter_name else None
        joined = self.world.join(room, [self._contact(name)], inviter=inviter)
        if not joined:
            return [f"{name} 已经在群里了。"]
        who = self.world.display_name(self.world.room(room).inviters[joined[0]], room)
        return [f"{name} 加入了群聊（邀请人: {who}）"]

    def _cmd_leave(self, arg: str) -> list[str]:
        self.world.leave(self._room(), self._member(arg))
        return [f"{arg} 退出了群聊"]

    def _cmd_nick(self, arg: str) -> list[str]:
        name, _, nick = arg.partition(" ")
        self.world.set_alias(self._room(), self._member(name), nick.strip())
        return [f"{name} 的群昵称改为「{nick.strip()}」" if nick.strip() else f"已清除 {name} 的群昵称"]

    def _cmd_admin(self, arg: str) -> list[str]:
        name, _, flag = arg.partition(" ")
        if flag.strip() not in ("on", "off"):
            return ["用法: /admin 名字 on|off"]
        on = flag.strip() == "on"
        self.world.set_admin(self._room(), self._member(name), on)
        return [f"{name} {'成为管理员' if on else '不再是管理员'}"]

    def _cmd_topic(self, arg: str) -> list[str]:
        topic, _, changer_name = arg.rpartition(" by ") if " by " in arg else (arg, "", "")
        topic, changer_name = topic.strip(), changer_name.strip()
        if not topic:
            return ["用法: /topic 新群名 [by 名字]"]
        room = self._room()
        # a member may rename a group too, unless its owner restricted it (spammers do: the
        # bot sets an ad back, plugins/antispam/renamed.py)
        changer = self._member(changer_name) if changer_name else self.world.room(room).owner_id
        self.world.set_topic(room, topic, changer)
        return [f"群名改为「{topic}」" + (f"（{changer_name} 修改）" if changer_name else "")]

    def _post_as(self, arg: str, usage: str, parts: int) -> tuple[str, list[str]]:
        pieces = arg.split(" ", parts)
        if len(pieces) < parts + 1 or not all(pieces):
            raise _refuse(f"用法: {usage}")
        return self._member(pieces[0]), pieces[1:]

    def _cmd_link(self, arg: str) -> list[str]:
        sender, (url, title) = self._post_as(arg, "/link 名字 网址 标题", 2)
        self.world.say(self._room(), sender, title, kind=MessageKind.LINK, url=url)
        return []

    def _cmd_mini(self, arg: str) -> list[str]:
        sender, (title,) = self._post_as(arg, "/mini 名字 标题", 1)
        self.world.say(self._room(), sender, title, kind=MessageKind.MINI_PROGRAM, url="pages/index/index")
        return []

    def _cmd_card(self, arg: str) -> list[str]:
        sender, (card_name,) = self._post_as(arg, "/card 名字 名片名", 1)
        self.world.say(self._room(), sender, card_name, kind=MessageKind.CONTACT_CARD)
        return []

    def _cmd_image(self, arg: str) -> list[str]:
        if not arg:
            return ["用法: /image 名字"]
        self.world.say(self._room(), self._member(arg), kind=MessageKind.IMAGE)
        return []

    def _cmd_qr(self, arg: str) -> list[str]:
        """A picture of a QR code, as spammers post them with no text at all: the demo shows
        anti-spam reading it (plugins/antispam/qr.py) without a real phone."""
        sender, (payload,) = self._post_as(arg, "/qr 名字 内容", 1)
        self.world.say(self._room(), sender, kind=MessageKind.IMAGE, data=qr_png(payload))
        return []

    def _cmd_file(self, arg: str) -> list[str]:
        sender, (filename,) = self._post_as(arg, "/file 名字 文件名", 1)
        self.world.say(self._room(), sender, filename, kind=MessageKind.FILE)
        return []

    def _cmd_private(self, arg: str) -> list[str]:
        name, _, text = arg.partition(" ")
        if not name or not text.strip():
            return ["用法: /private 名字 内容"]
        contact = self.world.find_contact(name, self.room_id)
        if contact is None:
            return [f"没有叫「{name}」的联系人。"]
        self.world.say_private(contact.id, text.strip())
        return []

    def _cmd_quote(self, arg: str) -> list[str]:
        pieces = arg.split(" ", 2)
        if len(pieces) < 3 or not pieces[1].isdigit():
            return ["用法: /quote 名字 序号 内容（序号见 /recent，1 为最新）"]
        sender = self._member(pieces[0])
        recent = self.world.recent_messages(self._room())
        index = int(pieces[1])
        if not 1 <= index <= len(recent):
            return [f"没有第 {index} 条消息，/recent 查看。"]
        self.world.say(self._room(), sender, pieces[2], quote=recent[index - 1].id)
        return []

    def _cmd_quit(self, _: str) -> list[str]:
        self.quit_requested = True
        return ["再见。"]


def _valid_text(line: str) -> str:
    """A terminal line as valid text: a line longer than the terminal's buffer (4 KB) is cut
    mid-character and Python hands the stray bytes over as surrogates, which no gateway can
    send (the simulator failed to serve that message's payload); they become U+FFFD."""
    return line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


async def _stdin_lines() -> AsyncIterator[str]:
    """Lines from stdin without blocking the event loop.

    A terminal is watched with add_reader and read a line at a time (canonical mode hands
    over whole lines); connect_read_pipe would make the terminal non-blocking, which it
    shares with stdout. Pipes and sockets go through connect_read_pipe. Regular files and
    /dev/null cannot be watched (epoll refuses them) but never block, so a thread reads them."""
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError):
        return
    loop = asyncio.get_running_loop()
    if sys.stdin.isatty():
        queue: asyncio.Queue[str] = asyncio.Queue()
        fd = sys.stdin.fileno()
        loop.add_reader(fd, lambda: queue.put_nowait(sys.stdin.readline()))
        try:
            while line := await queue.get():
                yield _valid_text(line)
        finally:
            loop.remove_reader(fd)
    elif stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        reader = asyncio.StreamReader()
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        try:
            while raw := await reader.readline():
                yield raw.decode("utf-8", errors="replace")
        finally:
            transport.close()
    else:
        while line := await asyncio.to_thread(sys.stdin.readline):
            yield _valid_text(line)


async def run_console(
    world: World,
    room_id: str | None = None,
    lines: AsyncIterator[str] | None = None,
    out: Callable[[str], None] = print,
) -> None:
    """Read operator lines until /quit or EOF, printing the bot's actions as they happen."""
    console = Console(world, room_id)
    unsubscribe = world.on_action(lambda action: out(console.describe_action(action)))
    current = world.rooms[console.room_id].topic if console.room_id else "无"
    out(f"模拟微信控制台。当前群: {current}。/help 查看命令。")
    try:
        async for line in lines or _stdin_lines():
            for reply in await console.handle_line(line):
                out(reply)
            if console.quit_requested:
                break
    finally:
        unsubscribe()
