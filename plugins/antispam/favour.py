"""A regular asking the group a small favour for themselves: 谁能帮我砍一刀吗, 帮我砍一刀吧姐妹们，就差
一点了, 帮忙投个票，3号是我家娃, 谁有空帮我点个赞 (issue 11).

The corpus labels a bare 砍一刀 plea as an ad, rightly for a stranger: coupon and red-packet
bait writes exactly that. The char model reads a regular's own plea the same (谁能帮我砍一刀吗 0.99,
a regular reminded 这条消息看起来像在发广告 in a simulated 业主群 day), while other regulars' pleas
score just under the members' level and pass: which regular is reminded depended on wording the
model happened to weigh. Between members who know each other the plea is chat: it asks a click
for the writer's own order or child, and brings nobody anywhere.

What the bait has and the plea does not: something for the reader (红包, 免费领, 返现, 发五毛),
the ring (互砍, 互助群, 加了一起砍), the writer's contact (加我, 私我, 进群), a link off the ordinary
list or hidden contact data, and the flyer's frame (先到先得, 数量有限, 包邮). Those stay ads
whoever writes them, and a newcomer's plea is judged as before: this reading is for established
members only (model_checks.check_charmodel). Nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

# the favour asked: a 砍一刀 on the writer's order, a boost, a vote, a like
_FAVOUR = re.compile(r"砍一?刀|帮我?砍|砍一下|助力一?下?|投(?:个|一)?票|帮我?投|点个?赞|帮忙点一?下")
# asked of the group by the writer, for themselves
_ASKS = re.compile(r"帮我|帮忙|谁能|谁有空|谁帮|有没有人|有人能|求|拜托|麻烦|家人们|姐妹们|兄弟们|大家")
# what bait adds: something for the reader, the ring, the writer's call or contact word, the
# flyer's frame
_HOOK = re.compile(r"红包|福利|领取?|免费|返利|返现|提现|现金|佣金|赚|"
                   r"(?:发|给[你您]?)\s*[0-9.一二两三四五六七八九十几]+\s*[毛块元]|"
                   r"互砍|互助|互赞|互投|一起砍|加我|加v|加微|私我|私聊|私信|找我|进群|加群|拉你|扫码|"
                   r"先到先得|数量有限|限量|包邮|邀请码|下载|注册|新人|新用户|送|red ?packet|"
                   # a channel of the writer's own to follow, another ring: 求关注, 助力群进来互相帮忙
                   r"关注|搜|互相|进来|你也砍|帮你砍|给你砍|微信|wx|vx|qq|"
                   # the vote that steals an account: 把收到的验证码发我
                   r"验证码|手机号")


def asks_a_favour(body: str) -> str | None:
    """The favour asked (砍一刀, 投票, 点赞 …) when `body` (the normalised body) is a member's
    plea for themselves with nothing offered or promoted, else None."""
    favour, asks = _FAVOUR.search(body), _ASKS.search(body)
    if favour is None or asks is None or _HOOK.search(body):
        return None
    return favour.group(0)
