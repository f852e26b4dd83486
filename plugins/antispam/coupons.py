"""A promo or invite code pushed with what it gets the reader (issue 11's coupons and red-packet bait):
Uber Eats 新人码 $20 off 下单输入 ABCX22; 首单立减 用我的码 eats-xyz999 你省我也赚; 美团外卖天天神券 满30减15
复制整段 6fX9k 去app里就能领.

Their code is no contact data and names no platform to search, so neither the contact check nor the
referral reading sees them, and the char model reads many as a member's tip. What the ad must say is
the code itself (letters and digits), the word that tells the reader to use it (输入, 填, 用我的码,
新人码, 邀请码, 复制整段, 口令) and what it gets them (立减, 减, off, 领, 送, 返, 红包, 神券, 首单).

A member's code passed on for a group order, a Wi-Fi password or a meeting's number carries no gift,
and a game's official 兑换码 passed on (兑换码：GENSHIN2026 官方直播间发的 大家快去领) is not the writer's to push;
a warning (这种邀请码都是拉人头的) or a member's own use told (我用了她的码 确实减了) is no offer;
checks.py leaves questions, quotes and warnings out. This module only reads words; nothing here is a
feature of the char model.
"""

from __future__ import annotations

import re

# the code: letters and digits together (the normaliser's body form is lower case), at most 16
_CODE = re.compile(r"(?<![a-z0-9])(?=[a-z_-]{0,15}[0-9])(?=[0-9_-]{0,15}[a-z])[a-z0-9][a-z0-9_-]{3,15}(?![a-z0-9])")
# the word that tells the reader to use it
_USE = re.compile(r"输入|填(?:写|上|我的)?|用我的(?:码|邀请码|链接)?|新人码|邀请码|推荐码|优惠码|口令|"
                  r"复制(?:整段|这段|口令)?|下单(?:时)?(?:输|填|备注)")
# what it gets the reader
_GIFT = re.compile(r"立减|满\s*[0-9]{1,5}\s*减|减\s*[0-9]{1,5}|[0-9]{1,5}\s*off|(?<![a-z])off(?![a-z])|"
                   r"领(?!导|域|队|先)|"
                   # 送 with what is given (送水的师傅 is no gift: a Wi-Fi password passed on was pushed, lead43)
                   r"送(?=\s*[0-9一二两三四五六七八九十]|券|红包|会员|礼|你)|返(?:现|利|[0-9])|红包|神券|首单|"
                   r"新人(?:券|礼|价)|免单|你省我也赚|都有奖励")
# told, not pushed: the writer's own use, a warning or a discussion
_TOLD = re.compile(r"我(?:刚|也|之前)?用了|用过|用了[^，,。]{0,4}(?:的码|码)|骗|拉人头|别(?:填|用|信|点)|小心|举报|"
                   r"钓鱼|盗号|有人.{0,16}说|过期|失效|不能用|没用")


def pushes_a_code(body: str) -> tuple[str, ...] | None:
    """The words of a code pushed with a gift (the use word, the gift, the code), or None. The spaced
    body is read: a code is a run of letters and digits of its own."""
    if _TOLD.search(body):
        return None
    use = _USE.search(body)
    if use is None:
        return None
    gift = _GIFT.search(body)
    if gift is None:
        return None
    code = _CODE.search(body)
    return (use.group(0), gift.group(0).strip(), code.group(0)) if code else None
