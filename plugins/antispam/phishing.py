"""A gift for an account's password (issue 11's coupons and red-packet bait, the game groups' kind):
奥比岛新活动 填账号密码送限定坐骑; 任天堂 官方周年 活动 免费送 会员 输入账号密码即可领取; Steam夏促礼包免费领
填账号密码就行. The read probe files' first passed an established member and a newcomer alike: no contact
word, and the char model reads a game's event.

No real event asks for a password in a group: an official one logs the player in on its own site. What
the lure says and members do not is both at once: the account's password to type in or hand over
(填账号密码, 输入账号和密码, 发我账号密码), and the gift it brings, right beside it (送, 领, 白嫖, 到账).
Members name the same things to warn (账号密码永远不要给别人; 有人说填账号密码送坐骑的都是骗人的) or to
tell what happened to them (有人私聊说能刷满级精灵 要我账号密码 还好没给; 全是盗号的): a warning and a
quote are checks.py's to leave out, and a password with no gift (新系统的账号密码已经发到各位邮箱了; 学校的 WiFi
每次都要输账号密码) offers nothing. This module only reads words; nothing here is a feature of the char
model.
"""

from __future__ import annotations

import re

# the password asked for: typed in (填, 输入), or handed over (发我, 给我, 提供); not 登录账号密码, which says
# what a login is (路由器后台登录账号密码都是admin)
_ASKED = re.compile(r"(?:填|填写|输入|输|提供|发我|给我|告诉我)\s*(?:你的|一下)?\s*"
                    r"(?:游戏|qq|支付宝|steam|psn|微信)?\s*(?:账号|帐号|账户|号)\s*(?:和|跟|与|及|\+|、|/)?\s*密码")
# the gift it brings, said right beside it (填账号密码送, 免费领 填账号密码, 输入账号密码即可领取, 自动到账): a
# gift further off is something else (公司OA 输入账号密码后 在福利页面领电影票; 填账号密码就能开门 物业免费装的)
_GIFT = re.compile(r"送|领|白嫖|到账")
_BESIDE = 6
_SPACE = re.compile(r"\s+")


def asks_a_password_for_a_gift(body: str) -> tuple[str, ...] | None:
    """The words of a password asked for with a gift beside it (填账号密码, 送), or None."""
    for asked in _ASKED.finditer(body):
        # the characters beside it, spaces not counted (发我账号和密码 皮肤自动到账)
        before = _SPACE.sub("", body[max(0, asked.start() - 3 * _BESIDE):asked.start()])[-_BESIDE:]
        after = _SPACE.sub("", body[asked.end():asked.end() + 3 * _BESIDE])[:_BESIDE]
        if gift := _GIFT.search(before + "，" + after):
            return asked.group(0).replace(" ", ""), gift.group(0)
    return None
