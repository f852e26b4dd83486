"""#卖货 允许 / 禁止: a group's owner or admins let members sell there, in chat.

The shipped anti-spam is for groups where an ad is unwelcome. In a 宝妈群 whose owner lets
members share what they sell (可以偶尔分享自己在卖的东西), a 代购, 闲置 or 租房 group, or a game
guild where members trade gold, a sales post reads like an ad because it is one: a regular's
益生菌 需要的姐妹私我 was reminded 这条消息看起来像在发广告 in a simulated 宝妈群's day, and its owner
could only ask an operator to edit rules.yaml (README, "Groups where selling, listings and contact
details are normal"). This sets the same override for the group from chat: the char model in
shadow (its detections kept as cases, nobody told or punished), a newcomer's plain phone or id
allowed (a hidden one still counts), and the newcomers' phrases (加我微信, 私聊我), the id regexes
and the fake-goods words (原单, 一比一) off. The ad words (刷单, 兼职日结, 网赌, 低息贷款 …), hidden
contact data, links off the ordinary list from newcomers, cards, QR codes, floods and repeats stay.
What is set here lies over the group's rules.yaml section (bot.core.live) and is kept in the
database across restarts and reloads; 禁止 takes back what chat set."""

from __future__ import annotations

from typing import Any

from bot.core.context import Context
from bot.core.live import settings_problem
from plugins.antispam.config import AntispamConfig

SECTION = "antispam"
ALLOW_WORDS = ("允许", "开启", "开", "on", "allow", "yes")
FORBID_WORDS = ("禁止", "不允许", "关闭", "关", "off", "no", "恢复")
# the fields it sets, each within its sub-section (what the README's override sets)
_SELLING: dict[str, dict[str, Any]] = {
    "charmodel": {"mode": "shadow"},
    "contact": {"newcomer": "obfuscated"},
    "keywords": {"newcomer_phrases": (), "regexes": (), "fake_goods": False},
}


def allows_selling(cfg: AntispamConfig) -> bool:
    """Whether the group's anti-spam, as it stands, leaves members' sales posts alone (set here or
    in rules.yaml): the char model not enforced and a newcomer's plain contact data allowed."""
    return cfg.charmodel.mode != "enforce" and cfg.contact.newcomer != "any"


def handle(ctx: Context, cfg: AntispamConfig, args: str) -> None:
    texts, prefix = cfg.texts, ctx.rules.bot.command_prefix
    assert ctx.room_id is not None and ctx.message is not None and ctx.control is not None
    word = args.strip().split(" ")[0].lower() if args.strip() else ""
    if word in ALLOW_WORDS:
        chat = dict(ctx.rules.chat_settings(ctx.room_id).get(SECTION, {}))
        problem = settings_problem(ctx.rules, ctx.room_id, {SECTION: {**chat, **_SELLING}})
        if problem:  # rules.yaml's own section no longer validates with it: say so, change nothing
            ctx.reply(texts.selling_bad.format(problem=problem))
            return
        ctx.control.set_chat_settings(ctx.db, ctx.room_id, SECTION, ctx.message.sender_id, values=_SELLING)
        ctx.reply(texts.selling_allowed.format(prefix=prefix))
    elif word in FORBID_WORDS:
        ctx.control.set_chat_settings(ctx.db, ctx.room_id, SECTION, ctx.message.sender_id, drop=tuple(_SELLING))
        after: AntispamConfig = ctx.config(SECTION)  # with what was just stored: rules.yaml's own
        ctx.reply((texts.selling_still_allowed if allows_selling(after) else texts.selling_forbidden)
                  .format(prefix=prefix))
    else:
        ctx.reply((texts.selling_state_allowed if allows_selling(cfg) else texts.selling_state_forbidden)
                  .format(prefix=prefix))
