"""A member turning contact or trade away: 不收U不出U 别私我 谢谢, 我不卖号 别私聊我问了, 不用加我微信
群里说就行 (issue 11).

Such a line carries an ad's words with a denial in front (私我, 不收, 不出) and the char model reads
the words: a regular's 不收U不出U 别私我 谢谢 in a 币圈 group was reminded 这条消息看起来像在发广告
(0.989, past the members' level, the model alone). It is the opposite of an ad: it asks nobody to
act and sends people away from the writer.

Sellers turn people away too, though: 私聊不回 直接加v (DMs unanswered: add the id instead), 要先货的
别私聊, 验号的别加我 — each with an id, a price or a call of its own beside it. So the refusal is
read only where nothing else is promoted: no contact data, no link off the ordinary list, no price
(model_checks joins those), and no call left standing here (私我, 加我, 进群 … said without a
denial). 私聊不回 is the sellers' idiom and is not a refusal at all. This module only reads words;
nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

# contact turned away: 别私我, 不要私聊我, 不用加我微信, 请勿加好友, 不用找我
_TURNS_AWAY = re.compile(r"(?:别|不要|勿|请勿|莫|不用|不必)(?:再|都)?(?:私我|私聊我?|私信我?|加我|加好友|找我)")
# trade turned away: 不收U不出U, 不买不卖, 不卖不换, 不带单, 不做代理
# (not 不收费: 不卖软件不收费 is a free offer)
_NO_TRADE = re.compile(r"不收.{0,4}不出|不出.{0,4}不收|不买.{0,3}不卖|不卖.{0,3}不[换买收](?!费)|不带单|不做代理")
# a call that still stands: a contact word not right after the denial that turned it away
_CALL = re.compile(r"私我|私聊|私信|加我|加好友|找我|进群|加群|扫码|滴滴|联系|详聊|咨询|看朋友圈|主页|的加|直接加")
# the sellers' idiom (DMs unanswered: add the id instead) and a sale beside the refusal (出货…
# 低于这个比例的不要私聊我, 出矿油…出完不要私我)
_SELLERS = re.compile(r"私(?:聊|信)不回|不回私(?:聊|信)|出货|出售|出完|甩卖|批发|货源|先货|包你")


def refuses(body: str) -> str | None:
    """The refusal (别私我, 不收U不出U …) when `body` (the normalised body) turns contact or trade
    away and leaves no call standing, else None."""
    found = _TURNS_AWAY.search(body) or _NO_TRADE.search(body)
    if found is None or _SELLERS.search(body):
        return None
    if _CALL.search(_TURNS_AWAY.sub(" ", body)):  # every call turned away taken out first
        return None
    return found.group(0)
