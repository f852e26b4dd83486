"""Credit offered to those the banks refuse (issue 11's loans and credit ads): 手头紧的兄弟 黑户花户都能下
今天申请今天到 带个身份证就行; 不看征信 秒下款; 大数据花了也能下. A read probe file's first passed an
established member: no contact word, and the char model reads money talk.

What the ad says and money talk does not is both at once: the borrower no bank will lend to (黑户, 白户, 花户,
征信花了, 逾期, 负债高, 不看征信) and the loan granted anyway (都能下, 秒批, 当天放款, 包下款). Members name the
same words to ask (信用卡逾期了一天 会影响征信吗), to tell their own troubles (我老公背着我借了网贷), and above
all to warn (那种说 征信花了 也能贷的 都是 套路贷 先收你手续费; 黑户都能贷，那就是骗你的手续费): a question,
a warning and a quote are checks.py's to leave out, and what the trap does (套路, 高利贷, 利滚利, 先让你交) is
this module's. This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import every_part, unspaced

# the borrower the banks refuse, or the check the lender says it skips
_REFUSED = re.compile(r"黑户|白户|花户|黑白户|征信(?:花|差|不好|有问题|黑)|大数据(?:花|差)|逾期|负债(?:高|重|多)|"
                      r"网贷多|无视(?:征信|黑白|负债)|(?:不看|不查|不上|免)征信|查询(?:次数)?多")
# the loan granted anyway (not 额度 alone: the bank's own word, 柜台说额度一开始不高)
_GRANTED = re.compile(r"(?<![不没别])(?:都|也|照样|一样|均)?(?:能|可|可以|秒|必|包|好)(?:下款?|贷|借|批|放款)"
                      r"(?![来去])|下款|放款|秒批|秒到|当天到|今天到|当天放|都能做|可做")
# how it ends, or the writer's own trouble told: talk about it, not the offer
_TOLD = re.compile(r"骗|套路|高利贷|利滚利|手续费|先让你|先收|先交|保证金|解冻费|会员费|别|不要|千万|小心|当心|"
                   r"其实|那种|这种|催收|暴力|违法|判|我老公|我老婆|我(?:之前|以前|当时|自己)|后来|结果|被|"
                   r"影响征信|会不会|怎么|如何|自动消除")


def offers_credit(body: str) -> tuple[str, ...] | None:
    """The words of credit offered to the refused (the borrower, the grant), or None. Spaced-out words
    (黑 户 秒 下) read as one."""
    return every_part(unspaced(body), _TOLD, _REFUSED, _GRANTED)
