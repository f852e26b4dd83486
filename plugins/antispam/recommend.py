"""A regular recommending someone else's shop or blogger to friends (issue 11): 推荐一个辅食博主，
小红书搜 小树辅食日记; 冲扫一卷 35 块，老板微信 chongxi_gulou，报我名字打九折; or relaying a
friend's offer (朋友在日本做代购……要的话我帮你们问).

The char model reads a platform's search term or a shop owner's WeChat id beside 推荐 and 打九折
as a referral ad (0.94-1.00), and established members were reminded for telling friends where
they buy. Between members who know each other it is ordinary chat: the writer points at a third
party (a blogger, a shop's owner) they use themselves, and asks nothing of the reader for
themselves. What a referral ad has and a recommendation does not: a hook (红包, 返利, 佣金, 日结,
免费领 …), the writer's own call (加我, 私我, 进群, 拉你), a hidden contact or a link off the
ordinary list. Those stay ads, whoever writes them, and a newcomer's or a stranger's referral is
judged as before: this reading is for established members only (model_checks.check_charmodel).
This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

# the writer recommends from their own use: 推荐, 安利, 种草, 报我名字, 我常去, 回购, 亲测 …
# A neighbour's 报小区名有团购价 (the estate's name gets its members the shop's group price) is the
# same tip as 报我名字: the spam30 rebuild read a regular's 建材城马可波罗专卖店，报小区名有团购价，8折
# 0.965, just past the members' level (spam24's 1.00, 0.96 since)
_RECOMMENDS = re.compile(r"推荐|安利|种草|强推|报我(?:的)?名字?|报(?:我们)?(?:小区|群|单位|学校)的?名字?|"
                         r"说是?我介绍|我介绍的|我常去|我经常(?:去|买|在)|"
                         r"我一直(?:在)?(?:买|用|吃|去|看|找)|回购|亲测|我买过|我用过|我吃过|我家(?:娃|孩子|宝宝)一直")
# someone else: a blogger, a shop and its owner, a craftsman
# (and a shop named as one among many, 推荐一家做腊味的店, or an old brand, 老字号: the village
# group's tip where a county shop sells on 抖音 was read as a referral ad, spam31's blind probe)
_THIRD_PARTY = re.compile(r"博主|up主|主播|作者|老板|老板娘|店主|店家|商家|师傅|阿姨|这家|那家|他家|她家|小店|店里|"
                          r"门店|专卖店|工作室|老字号|一家[^\s，,。！!？?]{0,8}(?:店|馆|铺)")
# the writer's own shop is no third party: 我开了一家奶茶店, 我们自己开的一家小馆子
_OWN_SHOP = re.compile(r"我(?:们|家)?(?:自己)?开(?:了|的)|自家")
# relaying a friend's offer: the writer will ask the friend for you (朋友在日本做代购，有要奶粉的吗……
# 要的话我帮你们问; the model read it 0.98 in a simulated 宝妈群). Only with the asking: a friend
# beside 推荐 or 报我名字 is what referral ads say (我朋友做软件的，群发很好用……报我名字便宜)
_FRIEND = re.compile(r"朋友|同学|闺蜜|亲戚|表姐|表妹")
_ASKS_FOR_YOU = re.compile(r"帮(?:你|你们|大家)问")
# what a referral ad adds: a hook, or the writer's own call to contact or join them
_HOOK = re.compile(r"红包|福利|领取|免费领|返利|返现|佣金|提成|赚|日结|兼职|躺|带单|收益|代理|招募|招人|"
                   r"加我|私我|私聊|私信我|找我|进群|加群|拉你|扫码|下单返|截图|邀请码|助力|砍一刀|"
                   r"包过|贷|usdt|承兑|上分")


def recommends(body: str) -> str | None:
    """The words of a recommendation of a third party's shop or account in `body` (the normalised
    body), or None when it is none, or carries a hook or the writer's own call."""
    said, whom = _RECOMMENDS.search(body), _THIRD_PARTY.search(body)
    if said is None or whom is None:
        said, whom = _ASKS_FOR_YOU.search(body), _FRIEND.search(body)
    if said is None or whom is None or _HOOK.search(body) or _OWN_SHOP.search(body):
        return None
    return f"{said.group(0)}…{whom.group(0)}"
