"""A stolen account's loan plea (issue 11): 借我两千块，急用，明天还你，转我支付宝 138…

Whoever takes over a member's account writes to the groups it is in as that member: borrow, now,
to this account. Friends who know the name send money. None of it is an ad, so the ad checks and
the char model pass it (0.84 for a regular). The clear form has all three at once:

- borrowing for the writer: 借我, 借点钱, 借 + a sum, 周转一下, 江湖救急, 帮我垫;
- urgency: 急, 马上, 赶紧, 尽快, 今天就要 …;
- where to pay: an account named as the place to send it (转我支付宝, 打到这张卡, 卡号, 收款码,
  开户行, 支付宝账号 …). A plain 微信转我 is how friends settle a bill and does not count.

Friends talking money have one or two of them, rarely all three, and never while paying back or
splitting: 还你了, 已还, AA, 红包, 转给你了 and lending to others (借你, 借给他) are not a plea. A
warning that quotes the plea (有人盗号说借我两千急用……大家别信) is told apart by checks.py's
discussion rule. The account may come as a payment QR code in an image right after the words
(borrow_ask, QR_WITHIN). This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

# A plea whose account is a picture: 借我两千，急用，明天还 and then a payment QR code as an image.
# The two from one member this close together are one plea (checks: model_checks.check_qrcode)
QR_WITHIN = timedelta(minutes=5)

# a sum of money: 5000, 两千, 3k (not 借3本书)
_SUM = r"(?:[0-9]{3,}|[0-9]+\s*[kw千万]|[一二两三四五六七八九十几]+[百千万])"
_BORROW = re.compile(r"借(?:给)?我(?!的|用一?下|用[一两三几]?[天周])|借(?:点|些)钱?|借\s*" + _SUM + "|"
                     r"周转一?下|江湖救急|救个急|帮我垫|先垫|帮忙垫")
_URGENT = re.compile(r"急|马上|赶紧|尽快|立刻|立马|现在就要|今天就要|今天之内|今晚之前|救命|火烧眉毛")
# an account named as where to send it
_ACCOUNT = re.compile(r"(?:转|打|汇|充|发)(?:到|进|给)?(?:我的?|这个|这张|这|下面的?){0,2}"
                      r"(?:支付宝|银行卡|卡上|卡里|卡|账户|账号|帐号|户头|收款码)|"
                      r"支付宝(?:账号|帐号|号)?\s*[:：是]?\s*[0-9a-z]|卡号|开户行|户名|收款码|收款账户")
# paying back, splitting, lending to others, gifts: friends settling up
# (a promise to pay back, 明天还你, is part of the plea); and a plea told about (盗号, 冒充)
_SETTLING = re.compile(r"还你了|还给你了|还清|已还|还了|归还|aa|红包|转给你了|转你了|已转|转过去了|借你|"
                       r"借给(?:你|他|她)|收到了|礼金|份子|盗号|被盗|冒充")


@dataclass(frozen=True, slots=True)
class LoanPlea:
    borrow: str
    urgent: str
    account: str

    @property
    def words(self) -> tuple[str, str, str]:
        return self.borrow, self.urgent, self.account


def borrow_ask(body: str) -> tuple[str, str] | None:
    """The borrow and urgency words of a plea that names no account yet (借我两千，急用，明天还),
    or None: what a payment QR code posted right after it completes."""
    if _SETTLING.search(body):
        return None
    borrow, urgent = _BORROW.search(body), _URGENT.search(body)
    return (borrow.group(0), urgent.group(0)) if borrow and urgent else None


def loan_plea(body: str) -> LoanPlea | None:
    """The borrow, urgency and account words of a loan plea in `body` (the normalised body: lower
    case, simplified script, punctuation kept), or None."""
    if _SETTLING.search(body):
        return None
    borrow, urgent, account = _BORROW.search(body), _URGENT.search(body), _ACCOUNT.search(body)
    if borrow is None or urgent is None or account is None:
        return None
    return LoanPlea(borrow.group(0), urgent.group(0), account.group(0).rstrip("0123456789abcdefghijklmnopqrstuvwxyz"
                                                                                  ":：是 "))
