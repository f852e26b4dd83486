"""A fixed return offered on money put in (issue 11): 新能源充电桩项目 投一台三万 每月分红两千 政府扶持; 养老公寓
认购 一次交五万 每年返八千; 我们这个每天千分之八 带了好多宝妈.

Investment scams were the second weakest kind of spam33's and spam34's blind probes from an
established member (0.54, 0.46): told as a neighbour's tip, with no contact word, the char model
reads them as money talk. What they say and members' money talk does not is three things at once:
a sum put in (投, 交, 存, 认购, 入股 + an amount), a return promised per day, month or year (每月分红
两千, 每年返八千, 每天千分之八, 年化十二), and a pitch (名额, 政府扶持, 稳赚, 带你, 私我, 赶紧 …). A member
telling what their bank deposit or fund earns says the first two at most. Over the corpus, its
candidates, every probe and the shared train/test sets, the rows with all three are ads; checks
leaves out questions and warnings (非法集资, 骗, 跑路). This module only reads words; nothing here
is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import every_part

_NUM = r"[0-9一二两三四五六七八九十百千万几]+"
# money put in: not 月入 / 收入 (what someone earns)
# not 存: a bank deposit's rate is the commonest money talk between members (我在招行存五万定期，年化2.6，
# 推荐大家了解一下 was reminded as an ad from a regular, the lead's hard lines after spam34)
_PUT_IN = re.compile(r"(?:投|交|(?<![月日年收])入|认购|买一份|入股|投资)(?:一台|一份|一股|一亩|进去)?\s*" + _NUM
                     + r"\s*(?:万|千|块|元|w|k)?")
_RETURN = re.compile(r"(?:每个?月|每年|每天|每日|月|年|日)\s*(?:分红|返息?|收益|领|给你|利息|稳拿|稳赚|回报)\s*"
                     r"(?:百分之|千分之)?\s*" + _NUM + r"|(?:月|年|日)?收益(?:率)?\s*(?:百分之|千分之)\s*" + _NUM
                     + r"|年化\s*" + _NUM + r"|(?:每天|每日|日)\s*(?:千分之|百分之)\s*" + _NUM)
# not 了解, 推荐的, 机会, 优先: what a member passing on a tip says too (推荐大家了解一下)
_PITCH = re.compile(r"名额|私|加我|找我|带你|拉你|扶持|政府|稳赚|稳拿|零风险|无风险|早进|先到|咨询|签合同|考察"
                    r"|上车|赶紧|囤|本金全退|返本|还本")
# told about: the scam named for what it is
_TOLD = re.compile(r"非法集资|骗|传销|跑路|爆雷|暴雷")


def promises_returns(body: str) -> tuple[str, ...] | None:
    """The words of a fixed return offered on money put in (the sum, the return, the pitch), or None."""
    return every_part(body, _TOLD, _PUT_IN, _RETURN, _PITCH)
