"""The core's own commands: #help, #status, #reload, #dryrun, #use, #whoami, #manage. Their
docstrings are the #help text, so they are written in Chinese."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core import outbox
from bot.core.plugin import JobSpec, Plugin, command
from bot.core.privacy import prune_audit, prune_name_history
from bot.core.roles import Role
from db import repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.core.context import Context
    from bot.rules.loader import Rules

log = logging.getLogger(__name__)


# commands that work in a group the bot does not manage (it stays silent there otherwise)
UNMANAGED_COMMANDS = frozenset({"manage", "whoami"})

# Gateways redeliver messages around reconnects, minutes apart, not days: three days of
# message ids is plenty to dedupe and keeps the table small.
SEEN_EVENTS_KEPT = timedelta(days=3)
# the bot's sent-message ids serve recalls (2 minutes); a day leaves them for a look after an incident
SENT_KEPT = timedelta(days=1)


class BuiltinCommands(Plugin):
    name = "core"
    title = "机器人"

    def jobs(self, rules: Rules, db: Session) -> list[JobSpec]:
        return [JobSpec("core.prune_seen", "every 6h", timezone="UTC")]

    async def run_job(self, ctx: Context, job: JobSpec) -> None:
        if job.id == "core.prune_seen":
            removed = repo.prune_seen(ctx.db, ctx.now() - SEEN_EVENTS_KEPT)
            names = prune_name_history(ctx.db, ctx.now() - ctx.rules.bot.keep_name_history)
            audit = prune_audit(ctx.db, ctx.now() - ctx.rules.bot.keep_audit)
            sent = outbox.prune(ctx.db, ctx.now() - outbox.FINISHED_KEPT)
            recallable = repo.prune_sent(ctx.db, ctx.now() - SENT_KEPT)
            log.info("pruned %d old event ids, %d old names, %d old audit rows, %d finished outbox rows, "
                     "%d sent-message ids past recall", removed, names, audit, sent, recallable)

    @command("help", min_role=Role.MEMBER, aliases=("帮助",), usage="[命令名]", allow_private=True)
    async def help(self, ctx: Context, args: str) -> None:
        """查看你可以使用的命令；写上命令名查看它的用法"""
        assert ctx.control is not None
        msg = ctx.message
        one = ctx.control.help_for(args.split()[0], ctx.sender_role, ctx.room_id) if args.split() else None
        if one is not None:
            ctx.reply(one)
            return
        # no name, or one the sender may not use here: the list of what they may
        lines = ctx.control.help_lines(ctx.sender_role, ctx.room_id,
                                       in_group=msg is not None and msg.room_id is not None)
        if msg is not None and msg.room_id is None and ctx.room_id is None \
                and await ctx.owned_groups(msg.sender_id):
            # an owner who has not chosen a group yet: the private list showed member commands
            # only, and #use, the way to the rest, was not among them
            lines.append(ctx.rules.bot.texts.choose_group_first.format(prefix=ctx.rules.bot.command_prefix))
        ctx.reply("\n".join(lines))

    @command("status", min_role=Role.ADMIN, aliases=("状态",), allow_private=True)
    async def status(self, ctx: Context, args: str) -> None:
        """查看机器人状态：规则版本、加载时间、所在群及机器人在群里的身份"""
        assert ctx.control is not None
        if ctx.message is not None and ctx.control.answered_early(ctx.message.event_id):
            return  # answered from memory while the database was down: not twice
        ctx.reply("\n".join(await ctx.control.status_lines(ctx.room_id)))

    @command("reload", min_role=Role.OWNER, aliases=("重载规则",), allow_private=True)
    async def reload(self, ctx: Context, args: str) -> None:
        """重新加载 rules.yaml（有错误时保留上一版规则）"""
        assert ctx.control is not None
        private = ctx.message is None or ctx.message.room_id is None
        _, text = await ctx.control.reload_rules(private=private)
        ctx.reply(text)

    @command("dryrun", min_role=Role.OWNER, aliases=("演习",), usage="on|off", allow_private=True)
    async def dryrun(self, ctx: Context, args: str) -> None:
        """开启或关闭演习模式：只记录将要执行的操作，不真正执行"""
        assert ctx.control is not None
        word = args.strip().lower()
        if word not in ("on", "off", "开", "关"):
            ctx.reply("用法：#dryrun on 或 #dryrun off")
            return
        on = word in ("on", "开")
        # in a group: that group; in a private chat (operators): every group
        scope = ctx.room_id if ctx.room_id else None
        sender = ctx.message.sender_id if ctx.message else ""
        ctx.control.set_dry_run(ctx.db, scope, on, sender)
        texts = ctx.rules.bot.texts
        ctx.reply(texts.dryrun_on if on else texts.dryrun_off)

    @command("use", min_role=Role.MEMBER, aliases=("管理",), usage="[群序号|群名]", allow_private=True,
             listed_from=Role.OWNER)
    async def use(self, ctx: Context, args: str) -> None:
        """私聊中选择要管理的群，之后的命令都作用于该群（仅群主和运营）"""
        assert ctx.control is not None
        msg = ctx.message
        if msg is None or msg.room_id is not None:
            ctx.reply("请在与机器人的私聊中使用：#use 群序号")
            return
        groups = await ctx.owned_groups(msg.sender_id)
        if not groups:
            # the owner of a group the bot sits in unmanaged heard no way to start (a simulated
            # owner's day); nothing is read to say it, so it is said as an if
            prefix = ctx.rules.bot.command_prefix
            start = (f"把机器人设为群管理员，或由群主在群里发送 {prefix}manage on。" if ctx.rules.bot.manage == "auto"
                     else "机器人管理哪些群由运营在 rules.yaml 的 bot.manage 里设置。")
            ctx.reply(f"你不是机器人所管理的任何群的群主或运营。如果你是群主、想让机器人管理你的群：{start}")
            return
        choice = args.strip()
        if not choice:
            current = dict(groups).get(ctx.room_id or "", "")
            lines = [f"{i}. {topic}" for i, (_, topic) in enumerate(groups, 1)]
            head = f"当前管理：{current}" if current else "尚未选择群"
            ctx.reply("\n".join([head, *lines, "发送 #use 序号 选择"]))
            return
        picked = None
        if choice.isdigit() and 1 <= int(choice) <= len(groups):
            picked = groups[int(choice) - 1]
        else:
            picked = next((g for g in groups if choice in (g[0], g[1])), None) or next(
                (g for g in groups if choice in g[1]), None)
        if picked is None:
            ctx.reply(f"没有找到「{choice}」，发送 #use 查看可选的群。")
            return
        ctx.control.select_group(ctx.db, msg.sender_id, picked[0])
        ctx.reply(f"已选择「{picked[1]}」：接下来的命令都作用于这个群。")

    @command("whoami", min_role=Role.MEMBER, aliases=("我是谁",), allow_private=True)
    async def whoami(self, ctx: Context, args: str) -> None:
        """查看你的微信 id 和你在这里的身份（配置运营、管理员时要用 id）"""
        msg = ctx.message
        if msg is None:
            return
        ctx.reply(ctx.rules.bot.texts.whoami.format(id=msg.sender_id, role=ctx.sender_role.label))

    @command("manage", min_role=Role.OWNER, aliases=("托管",), usage="on|off")
    async def manage(self, ctx: Context, args: str) -> None:
        """让机器人开始（on）或停止（off）管理本群；机器人不是群主或管理员的群默认不管理"""
        assert ctx.control is not None
        texts = ctx.rules.bot.texts
        msg = ctx.message
        if msg is None or msg.room_id is None:
            return
        word = args.strip().lower()
        if word not in ("on", "off", "开", "关"):
            ctx.reply(texts.manage_usage)
            return
        if ctx.rules.bot.manage != "auto":
            ctx.reply(texts.manage_fixed)
            return
        on = word in ("on", "开")
        ctx.control.set_manage(ctx.db, msg.room_id, on, msg.sender_id)
        ctx.reply(texts.manage_on if on else texts.manage_off)
