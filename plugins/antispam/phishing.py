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

from plugins.antispam.parts import every_part

# the password asked for: typed in (填, 输入), or handed over (发我, 给我, 提供, 私发 … 给管理); not 登录账号密码,
# which says what a login is (路由器后台登录账号密码都是admin). The account may carry its publisher's name
# (输入鹰角账号密码, 私发QQ号和密码: lead54, a fresh blind file's two), never a phone's or a mailbox's (填写手机号
# 和密码 is a sign-up's form)
# (私发, not 发: 朋友发了个号和密码给我 送我玩几天 is an account lent, told; the name is a name, not 了个 or 过来)
_ASKED = re.compile(r"(?:填|填写|输入|输|提供|发我|给我|告诉我|私发)\s*(?:你的|一下)?\s*"
                    r"(?:游戏|qq|支付宝|steam|psn|微信|(?!手机|电话|邮箱|学号|工号)[^\s了个过来的给把，,。！!？?]{1,4}?)?\s*"
                    r"(?:账号|帐号|账户|号)\s*(?:和|跟|与|及|\+|、|/)?\s*密码"
                    # and whom it goes to (私发 … 密码给管理员 统一发放): the gift is read after them
                    r"(?:\s*(?:给|发给)\s*(?:管理员?|客服|群主|工作人员|我))?")
# the gift it brings, said right beside it (填账号密码送, 免费领 填账号密码, 输入账号密码即可领取, 自动到账): a
# gift further off is something else (公司OA 输入账号密码后 在福利页面领电影票; 填账号密码就能开门 物业免费装的)
_GIFT = re.compile(r"送|领|白嫖|到账|发放")
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


# A verification code for a prize (lead54: a fresh blind file's 您本周抽中毕业斗篷 请提供绑定手机收到的验证码用于
# 发放): a code asked for (提供, 发给客服, 告诉我) and a prize or its delivery said in the same message (抽中, 中奖,
# 幸运, 发放). A code takes over the account it is sent for, and no prize needs one. A relative's 你把验证码发我
# 我帮你把话费券领了 names no prize (领 alone is not one), and a told 银行让我提供验证码 … 幸好我没给 is checks.py's
# warning to leave out.
_CODE = re.compile(r"(?:提供|告诉我|报一下|报给|私发|发给|发我)[^，,。！!？?；;\n]{0,10}?验证码|"
                   r"验证码[^，,。！!？?；;\n]{0,4}?(?:发给|发到|私发|告诉|提供给)(?:我|客服|管理|工作人员|官方)")
# the winner told, which the code's lure and the fee's share
_WINNER = r"抽中|中奖|中了奖|获奖|幸运(?:玩家|用户|观众|群|儿)"
_PRIZE = re.compile(_WINNER + r"|大奖|奖品|发放")


# a prize's code or fee told, not asked: asked of the writer (银行打电话让我提供验证码 幸好我没给; 让我把验证码
# 发给客服 我直接挂了), said by someone (商家说需要付邮费 我就不要了; 说 as said, not 传说), the writer's own win
# (恭喜我自己 … 也值了)
_TOLD = re.compile(r"(?:让|要|叫|问|找)我把?|说(?:我|是|要|让|需|你)|骗|挂了|报警|不要了|值了|没给|没理|"
                   r"我(?:自己|就|直接|没|也|差点|还以为)")


def asks_a_code_for_a_prize(body: str) -> tuple[str, ...] | None:
    """The words of a verification code asked for with a prize (提供 … 验证码, 抽中), or None."""
    return every_part(body, _TOLD, _CODE, _PRIZE)


# A fee before a prize comes (lead54: a fresh blind file's 幸运玩家请查收英雄级武器 领取需缴纳5元手续费): the
# winner told (中奖, 抽中, 幸运玩家, 恭喜 … 获得) and a fee to pay first (需缴纳, 请先支付 … 手续费, 运费). A
# member who won and paid the postage tells it (自己付了十块运费: no 需 or 请 before it), and the scam told of
# (领取要先交手续费 这种百分百是骗人的) is a warning.
_WON = re.compile(_WINNER + r"|恭喜[^，,。！!？?；;\n]{0,12}?获得|您已获得|被选中")
_FEE = re.compile(r"(?:需|须|需要|请先|请|先)\s*(?:缴纳|缴|支付|交|付)[^，,。！!？?；;\n]{0,8}?"
                  r"(?:手续费|邮费|运费|快递费|保证金|激活费|解冻费|税费|个税|工本费|认证费)")


def charges_for_a_prize(body: str) -> tuple[str, ...] | None:
    """The words of a fee asked before a prize comes and the prize (需缴纳 … 手续费, 中奖), or None."""
    return every_part(body, _TOLD, _FEE, _WON)


# A login for a free gift (lead54: a read file's 鹅鸭杀全皮肤免费送 qq登录一下就到账): the page behind it takes the
# account it is logged into. Something free (免费送, 免费领, 白嫖) and a login that alone brings it (qq登录一下就到账,
# 登录即送). A member passing on a real event says where it is (活动页面qq登录一下就能领: 能 there, not 就到账),
# and one told (我登录了一下 号就没了) is checks.py's warning or the told words below.
_FREE = re.compile(r"免费(?:送|领|拿)|白嫖|零元(?:领|拿|购)")
# told, or the official place named (官网登录就送新手礼包, 游戏里登录就领): a real event passed on
_LOGIN_TOLD = re.compile(_TOLD.pattern + r"|官网|游戏(?:内|里)|商城|活动页")
_LOGIN = re.compile(r"(?:qq|微信|游戏|账号|扫码)?\s{0,3}登录\s{0,3}(?:一下)?\s{0,3}(?:就|即|立即|马上)\s{0,3}"
                    r"(?:到账|送|领|发)")


def asks_a_login_for_a_gift(body: str) -> tuple[str, ...] | None:
    """The words of a login that alone brings something free (qq登录一下就到账, 免费送), or None."""
    return every_part(body, _LOGIN_TOLD, _LOGIN, _FREE)
