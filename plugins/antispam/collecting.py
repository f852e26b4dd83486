"""A regular collecting money the group owes them: the 团购 they organise (草莓钱转我这个码就行，68一份),
a dinner's AA (昨晚聚餐AA，每人86，转我就行), the class fund (班费每人200，交给我) (issue 11).

The char model reads the organiser's words as a seller's (a price, 转我, 码, 一份: 0.98 in a
simulated mothers' group, past the members' level), and the regular who ran the group's 草莓接龙
was told 这条消息看起来像在发广告 right after posting her payment code, which check_qrcode already
takes as ordinary from a regular (AA、班费、团购收钱常见). Asking to be paid back for what the group
bought together reaches nobody outside it.

What a collector does not write, and an ad or a scam does: a payout or a way to earn (返利, 佣金,
日结, 收益, 赚), the grey market's money (USDT, 承兑, 跑分, bank cards), the scam's advance (垫付,
保证金, 押金, 解冻, 激活), a call to reach the writer elsewhere (加我, 私聊, 进群) and the flyer's
frame (先到先得, 限时, 名额有限). Those stay ads whoever writes them; a newcomer's message is judged
as before: this reading is for established members only (model_checks.check_charmodel). Nothing
here is a feature of the char model.
"""

from __future__ import annotations

import re

# the ask to be paid: the money (草莓钱, 饭钱, 车费, 班费, 团费, 款) sent to the writer, the writer's
# own code to pay into, or the sharing of a bill
_COLLECT = re.compile(
    r"(?:钱|款|费|账)\s*(?:直接)?(?:转|付|打|给|交)(?:给|到)?\s*我"
    r"|(?:转|付|打)(?:账|款)?(?:给|到)?我(?:这个?|的)?(?:码|微信|支付宝)?\s*(?:就行|就可以|就好|即可|哈|吧|哦)"
    r"|扫我的?(?:收款)?码|(?:转|付)到我(?:这个?|的)(?:收款)?码|我的收款码|付款码在上面|码在上面"
    r"|(?<![a-z])aa(?![a-z])|平摊|均摊|班费|团费|份子钱|交给我")
# what a collector does not write: a payout or a way to earn, the grey market's money, a scam's
# advance, a call to reach the writer elsewhere, the flyer's frame
_HOOK = re.compile(
    r"返利|返现|佣金|提成|日结|日入|月入|收益|利息|赚|兼职|刷单|做单|任务|"
    r"usdt|(?<![a-z])u(?![a-z])|承兑|跑分|银行卡|对公|代收|洗|"
    r"垫付|保证金|押金|解冻|激活|手续费|充值|代充|会员|上分|下分|"
    r"加我|加v|加微|私聊|私我|私信|找我|进群|加群|拉你|关注|下载|注册|"
    r"先到先得|限时|名额有限|数量有限|仅限|秒杀|代理|加盟|招")


def collects(body: str) -> str | None:
    """The ask to be paid (草莓钱转我, 转我就行, AA, 班费 …) when `body` (the normalised body) is a
    member collecting what the group owes them with nothing offered or promoted, else None."""
    m = _COLLECT.search(body)
    if m is None or _HOOK.search(body):
        return None
    return m.group(0)
