"""A pitch to rent, borrow or buy the reader's bank card or account for a payout (issue 11):
有闲置的卡吗 租给我 一天200; 有没有不用的支付宝账号 借我过个账 一次给100; 对公户 租出来 月入5000+.

Money launderers need other people's cards and accounts to move money through (租卡, 借卡, 过账,
走账, 跑分); renting one out is a crime for the owner (帮信罪). The pitch is short, names no
contact word and no product, and reads like a neighbour's ask: the char model scored the blind
probes' rented-card pitches 0.24-0.89 and nothing else fired. What makes it a pitch is three
things at once:

- a card or an account: 卡 (银行卡, 一类卡, 工资卡, 手机卡), 账户/账号/对公户/企业户, U盾, 三件套;
- the use asked of it: rented, lent or sold to the writer (租给我, 借我, 出租, 租出来, 收卡, 回收),
  or money run through it (过账, 走账, 过流水, 代收);
- a payout to the reader: a sum per day, per time, per month or per card (一天200, 一次给100,
  月入5000, 一张80), a cut (百分之五, 2个点, 抽成, 提成, 辛苦费), 高价.

Members' talk has one or two of them: 我卡被冻了, 银行卡闲置了要不要去注销, 健身房年卡转让, 借我
个号玩一下, 房子出租 2500一个月. A warning that quotes the pitch (他说一天给两百让我把卡借他用，
我说不行犯法的) is told apart by the warning words checks.py reads; the pitch's own reassurance
(不违法, 不查, 放心) is no warning. This module only reads words; nothing here is a feature of the
char model.

spam47 (the four read probe files' misses): a buyer lists the banks whose cards he takes (工行建行农行 带网银
一张给 3k) or pays per account (Chase BOA 一个账户 500 刀); a bank's name alone, twice in a row, is the
card, and a sum per account the payout. A member listing her own banks (工行建行农行的卡我都有) or a
company's account fee (一个账户一年管理费三百多) asks nothing of the reader's card.

Money exchanged off the books (exchanges_off_the_books, spam47) is the other half of the same trade:
收U 汇率高于市场 现金交易; RMB 换 GBP 不走swift 比银行多三百 微信转我就行; 海外换汇 不占额度 安全. An
exchange at a rate better than a bank's or the market's, with the official road avoided (不走swift,
不占额度) or the money handed over in person or to the writer (当面, 见面, 现金交易, 转我就行); the
quota dodged (不占额度) says it with a reassurance alone (安全, 当天到). Members talk about the same
exchange every week (招行app换汇 汇率比柜台好一点; Wise 汇率比银行好; 人民币换英镑给同学 按中间价 微信转我就行;
有人说换汇不占额度 那都是地下钱庄): a bank's or a licensed service's rate passed on, a friend's exchange at
the middle rate with no better rate claimed, or the underground road named as such is no offer
(tests/test_antispam_members_lines.py MONEY_EXCHANGE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plugins.antispam.parts import unspaced

# a bank card or an account that moves money, named as such. A bare 卡 only as someone's own
# (闲置的卡, 你的卡, 有卡的) or as what is bought or rented (收卡, 租个卡): a 业主群's 车位出租 800一个月
# 门禁卡一起给, a 充电卡 or a 健身卡 are rented out too, for the reader's money, not to the reader's gain
_ASSET = re.compile(r"银行卡|储蓄卡|借记卡|信用卡|工资卡|银联卡|手机卡|电话卡|[一二三]类(?:卡|户)|[工建农中招交]行卡|"
                    r"对公(?:账户|帐户|户)?|对私(?:账户|帐户|户)?|企业(?:账户|帐户|户)|户头|u盾|[三四五]件套|营业执照|"
                    r"(?:微信|vx|wx|支付宝|qq|抖音|快手|花呗|银行|收款|实名)(?:号|账号|帐号|账户|帐户)|支付宝|paypal|"
                    # a bank account as Hong Kong, Malaysia and Singapore say it (银行户口, maybank 户口); not
                    # 户口 alone, a household registration on the mainland
                    r"银行户口|(?<![a-z])[a-z]{2,12}户口|"
                    r"(?:闲置的?|不用的|没用的|多余的|名下的?|你的?|手上的?|手里的?|有|几张|张)(?:卡|账户|帐户)|"
                    r"(?:收|租|借|卖|买)(?:个|张|几张)?卡|^卡(?=借|租)|"
                    # the banks a buyer takes, listed (工行建行农行 带网银): one bank's name is anyone's
                    r"(?:工行|建行|农行|中行|招行|交行|邮储|浦发|中信|光大|民生|兴业){2,}")
# what the writer wants done with it: rented, lent or sold to them, or money run through it
_USE = re.compile(r"租给我|租我|租出[来去]?|出租|租用|日租|月租|借给?我|借用|借一下|出卡的|卖卡的|"
                  r"[过走](?:个|一下|一笔|下|点|些|几笔)?(?:账|帐|流水)|"
                  # money in and out again (钱进你卡再转出去), or the card mailed to the buyer (快递就行)
                  r"转出去|(?:快递|顺丰|寄)(?:过来|给我|就行)|"
                  r"(?:高价|长期|大量|急)?收(?:购)?(?!到|藏|拾|入|益|款码|费|货|快递|银(?!行)|据|尾|割|听|看)|回收|代收|帮收|跑分")
# a payout to the reader: a sum per day, time, month or card, a cut, a fee for the trouble
_NUM = r"(?:[0-9]+(?:\.[0-9]+)?\s*[kw千万]?|[一二两三四五六七八九十百千万几]+)"
# a sum read from where its run of digits or numerals begins: tried at every digit of a run, 6,000
# digits (「½」 × 3,000, hostile input found by the fuzz test) cost a second of CPU, quadratic in the run
_NUM_FROM_ITS_START = r"(?<![0-9.一二两三四五六七八九十百千万几])" + _NUM
# the currency before a sum, where the reader is overseas (一个户口给 RM1500)
_CUR = r"(?:rm|usd|sgd|hkd|nt|us)?"
_PAYOUT = re.compile(r"(?:一|每)(?:天|日|次|单|笔|张|套|个|月|个月|周)(?:给你?|给|能拿|就)?" + _CUR + _NUM + r"|"
                     r"[日月]入|日结|月结|给你?" + _CUR + _NUM + r"|"
                     # a sum per account bought (一个账户500刀)
                     r"(?:一|每)(?:个|张)(?:账户|帐户|户头|户口|账号|帐号)(?:给你?)?" + _CUR + _NUM + r"|"
                     + _NUM_FROM_ITS_START + r"(?:块|元)?一(?:天|张|套|个|次|月)|"
                     r"百分之[0-9一二两三四五六七八九十]+|[0-9一二两三四五]个点|抽成|提成|佣金|辛苦费|好处费|"
                     # the reader's cut (给你抽5%: the dense form has no %); not a platform's fee (一笔抽0.6%)
                     r"给你抽[0-9一二两三四五六七八九十]+|"
                     r"给(?:点|些)?(?:费用|报酬|钱)|高价|价格好|价格你定|价钱好|价(?:钱|格)你?满意")
# the pitch's own reassurance is no warning: 不违法, 不犯法, 不查, 不影响, 放心
_REASSURANCE = re.compile(r"不违法|不犯法|不查|合法|不影响|放心|安全")


@dataclass(frozen=True, slots=True)
class Rental:
    asset: str
    use: str
    payout: str

    @property
    def words(self) -> tuple[str, str, str]:
        return self.asset, self.use, self.payout


def rents_an_account(dense: str) -> Rental | None:
    """The card or account, the use asked of it and the payout of a rental pitch in `dense` (the
    normalised dense form: letters, digits and CJK only), or None."""
    asset, use, payout = _ASSET.search(dense), _USE.search(dense), _PAYOUT.search(dense)
    if asset is None or use is None or payout is None:
        return None
    return Rental(asset.group(0), use.group(0), payout.group(0))


def without_reassurance(body: str) -> str:
    """`body` without the pitch's own reassurance (不违法, 放心 …), for reading warning words in:
    a pitch saying 不违法 warns nobody."""
    return _REASSURANCE.sub("，", body)


# told about, not pitched: someone reported asking the writer (有人找我借卡走账, 他说一天给两百让我
# 把卡借他用, 之前说高价收微信号的), or what the writer did about it (拒绝, 拉黑, 报警). The pitch never
# reports itself
_TOLD = re.compile(r"(?:有人|有个人|一个人|陌生人|骗子|对方|他们?|她们?|那人|这人|群友|朋友|同事|之前|刚才|刚刚)"
                   r"(?:私聊|私信|加|找|联系|问|让|叫)了?我|(?:有人|有个人|一个人|骗子|对方|他|她|那人|之前|刚才|刚刚|朋友|同事|同学|邻居|"
                   r"我妈|我爸|老婆|老公|亲戚|网上|新闻)说|"
                   r"(?:这些|那些|这帮|那帮|这种)人|拒绝|拉黑|报警|截图|洗钱|帮信|冻结|被冻|坐牢|判了")


def told_about(dense: str) -> bool:
    """Whether the pitch is reported or answered, not made (有人找我借卡走账……我直接拒绝了)."""
    return bool(_TOLD.search(dense))


# money exchanged off the books (spam47): the exchange, the better rate, the road avoided or the hand-over
_MONEYS = (r"(?:人民币|rmb|美金|美元|英镑|港币|港元|欧元|日元|澳币|澳元|加币|新币|台币|"
           r"gbp|usd|hkd|eur|jpy|aud|cad|sgd|usdt|u)")
_EXCHANGE = re.compile(rf"换汇|{_MONEYS}(?:换|兑)(?:成)?{_MONEYS}|(?<![a-z])[收出](?:u|usdt)(?![a-z])")
# a rate better than a bank's or the market's (not a bank's counter against its app: 比柜台好)
_BETTER = re.compile(r"比(?:银行|市场|市价|牌价|中间价)(?:的)?(?:汇率)?(?:多|好|高|低|划算|优惠)|"
                     r"(?:高|低)于(?:市场|市价|银行|牌价)")
# the official road avoided, or the money handed over in person or to the writer
_ROAD = re.compile(r"不走(?:swift|银行|电汇|官方)|现金交易|当面|见面|担保交易|转我就行|转过来|直接转我|转给我就行")
# the quota dodged: says it with a reassurance alone
_QUOTA = re.compile(r"不占(?:用)?(?:外汇)?额度|不用额度|不限额度|无视额度|不受额度")
_EASE = re.compile(r"安全|秒到|当[日天]到|免手续费|量大")
# a bank's or a licensed service's own rate passed on, the underground road named, the writer's own exchange
_EXCHANGE_TOLD = re.compile(r"wise|西联|revolut|paypal|[招中工建农交]行(?:app|柜台|网点)?|汇丰|花旗|手机银行|app|"
                            r"地下钱庄|黑钱|黑u|洗钱|冻卡|被冻|冻结|骗|违法|犯法|有人说|听说|朋友|同学|室友|家里人|亲戚|"
                            r"我(?:也|上次|之前|昨天)?(?:换|收|出|卖|买)(?:了|的|过)")


def exchanges_off_the_books(body: str) -> tuple[str, ...] | None:
    """The words of money exchanged off the books in `body` (the normalised body): the exchange, the
    better rate or the quota dodged, and the road avoided or a reassurance; or None."""
    body = unspaced(body)
    exchange = _EXCHANGE.search(body)
    if exchange is None or _EXCHANGE_TOLD.search(body):
        return None
    better, road, quota = _BETTER.search(body), _ROAD.search(body), _QUOTA.search(body)
    if better and road:
        return exchange.group(0), better.group(0), road.group(0)
    if quota and (found := better or road or _EASE.search(body)):
        return exchange.group(0), quota.group(0), found.group(0)
    return None
