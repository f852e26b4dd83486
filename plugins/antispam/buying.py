"""A member asking to BUY something (issue 11): 有人要转让名额吗？我收一个, 收一张杭马的号码布，价格好说,
求购两张演唱会的票, 收金，1:150，量大可谈，私我 in a game guild.

The char model has no notion of who sells: a buyer writes the seller's words (私我, 价格好商量,
量大可谈, 原价) and it reads them as an ad (0.97-1.00). 收 here is buying: 收一个, 收一张, 收金, 求购,
想买, 蹲一张, 有人出…吗. A buyer offers nothing to the group and fishes for nobody: the one who
answers is a member who has the thing.

What is not a buyer, whatever the words: buying what only the grey market buys (bank cards,
company accounts, phone cards, WeChat or QQ accounts, USDT, ids and licences: payment laundering
and account farming are bought, not sold), a business that buys for a living (回收, 收购, 高价收,
长期收, 大量收, 上门收: the recycling shop's ad), and a message that sells too (出, 卖, 代理, 批发,
货源 …). This module only reads words; the check that uses it (model_checks.check_charmodel)
joins it to the contact data. Nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

_END = r"[，,。.！!？?；;、\s~～]"
# the ask, at the start of a clause: 收 + how many or a game's currency, 求购, 求 + how many,
# 想买/想收, 蹲, 有人出/转…吗
_ASK = re.compile(
    rf"(?:^|{_END})(?:我|想|先|急|诚心)?(?:"
    r"收(?:[一两二三四五六七八九十几1-9][个张台辆本套件只份双部把块条位]|个|张|台|辆|本|套|件|只|份|双|部|点|些|金|金币|钻石?|点券)"
    r"|求购|求(?:[一两二三四五六七八九十几1-9][个张台辆本套件只份双部把块条位]|个|张|台|辆|本|套|票|转|带)"
    r"|想买|想收|想入|蹲(?:[一两二三1-9][个张台辆本套件只份双部]|个|张)"
    r")"
    rf"|(?:有人|有没有人?|谁)(?:要|想)?(?:转让?|出|卖)[^，,。！!？?；;]{{0,14}}(?:吗|么|嘛|没|不)"
    rf"|有(?:没有)?(?:出|转)[^，,。！!？?；;]{{0,12}}的(?:吗|么|嘛|没)")
# what only the grey market buys: bank cards and accounts (laundering), phone cards, IM accounts,
# crypto, identity papers, followers and data; and people (求个哥哥, 扩列 求个cp: contact lures),
# cheats and carries
_GREY = re.compile(r"银行卡|储蓄卡|信用卡|类卡|收[个张一两]*卡|网银|收个?款|代收|对公|公户|私户|账户|账号|帐号|户头|"
                   r"手机卡|电话卡|流量卡|物联卡|实名|身份证|"
                   r"哥哥|姐姐|妹妹|女孩|男孩|小哥|对象|男友|女友|男朋友|女朋友|cp|扩列|陪|聊天|认领|带带|辅助|外挂|挂|"
                   r"营业执照|执照|微信号|vx号|qq号|企业号|抖音号|快手号|支付宝|收款码|(?<![a-z])u(?![a-z])|usdt|"
                   r"承兑|跑分|流水|数据|粉丝?(?![丝条])|贷|黑户|白户|征信|车辆|二手车|房|[三四五六]件套|人脸|u盾|k宝")
# buying as a trade: the shop that buys for a living advertises so
_TRADE = re.compile(r"回收|收购|高价|长期收|大量收|常年收|上门|专业收|诚信收|现金收|秒收|秒结|日结|出售|代理|批发|货源|"
                    r"厂家|加盟|招|兼职|赚|返利|佣金|工作室|(?:原价|低价|便宜|半价|亏本|打折)(?:转|出|卖|给)|"
                    r"价高|价格公道|诚信|天天在线|长期|有多少收多少|所有区|全区|全服|可以找我|可以联系我|咨询|"
                    r"想买[^，,。！!？?]{0,10}的|出金|卖金|"
                    rf"(?:^|{_END})(?:出|卖|转)(?![门去来发现差了国院生租])")


def asks_to_buy(body: str) -> str | None:
    """The ask (收一个, 求购, 有人出…吗) when the message is a member asking to buy something
    ordinary, else None. `body` is the normalised body (lower case, simplified script)."""
    m = _ASK.search(body)
    if m is None or _GREY.search(body) or _TRADE.search(body):
        return None
    asks = _ASK.findall(body)
    if (len(asks) > 1 and len(set(asks)) == 1) or body.count("收") >= 3:
        return None  # 收金 收金 收金, 收金 收砖 收yb: a dealer's cry, not a member's ask
    return m.group(0).strip("，,。.！!？?；;、 ~～")
