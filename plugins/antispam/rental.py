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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
                    r"(?:收|租|借|卖|买)(?:个|张|几张)?卡|^卡(?=借|租)")
# what the writer wants done with it: rented, lent or sold to them, or money run through it
_USE = re.compile(r"租给我|租我|租出[来去]?|出租|租用|日租|月租|借给?我|借用|借一下|"
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
