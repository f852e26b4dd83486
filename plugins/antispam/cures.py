"""A cure offered for sale (issue 11's fake goods, fake medicine for the old and the ill): 老乡们 家里
有老人的 降压的 磁疗手环 戴上就不用吃药 厂家直销; 祖传秘方 治脱发 三个疗程长满 不好不要钱.

Quack cures name no contact word and read like a neighbour's tip to the char model: spam31's and
spam33's blind probes had most of them through from an established member. What makes one an ad is
two things at once:

- a claim no medicine may make: 停药 / 不用吃药 (you can stop your medicine), 包治, 药到病除, 祖传
  秘方, a cure in so many 疗程 or days (三个疗程长满, 七天见效), 不好不要钱, 效果保证 (根治 and 断根
  only beside another claim: doctors say them too);
- an offer: the writer has it (我这有, 我这边有), sells it (厂家直销, 渠道, 代购), a price (一盒两百,
  300一支), or a call (有需要的, 私聊, 想要的).

Patients' and the old's talk has the claim alone, most often doubted or warned about (医生说降压药
不能随便停药; 那个说能根治的都是骗人的; 我妈信了祖传秘方): a warning, a question or a quote (checks.py
reads them) is no offer. This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.replica import BOUGHT

_NUMERAL = r"[0-9一二两三四五六七八九十几]"
_CLAIM = re.compile(rf"(?<!不能)(?<!不要)(?<!别)(?<!不可以)"
                    rf"(?:停药|不用(?:再)?吃药|不吃药也|包治|药到病除|祖传秘方|"
                    rf"{_NUMERAL}{{1,12}}个?疗程(?:就|见效|长满|治好|痊愈|断根)|{_NUMERAL}{{1,12}}天(?:就)?见效|"
                    r"不好不要钱|无效(?:全额)?退款|效果保证|保证(?:有效|效果)|百分百有效)")
_CURED = re.compile(r"根治|断根")
# a doctor's word told on (医生说可以慢慢停药; 这药七天见效 医生开的): a patient's report, not a sale.
# 老中医 is the quack's own dress, not a doctor's word
DOCTOR = re.compile(r"医生(?:说|让|讲|开|建议)|医嘱|医院开|大夫(?:说|让|开)|医保")
# a count or a price as written: 99, 一百二, 三万
NUM = r"[0-9]{1,12}|[一二两三四五六七八九十百千万]{1,12}"
OFFER = re.compile(rf"我这(?:边|里)?有|我家有|厂家直销|厂家直发|直销|渠道|代购|批发|"
                    rf"(?:一|每)(?:盒|瓶|支|贴|疗程|个|克|条|套)\s*(?:{NUM})|"
                    rf"(?:{NUM})\s*(?:元|块)|[0-9]{{2,5}}\s*(?:一|每)(?:盒|瓶|支|贴|疗程|个|克|条|套)|"
                    r"有需要|需要的|想要的|要的私|私聊|私我|私信|联系我|找我|上门|包邮|下单|订购|购买")
ASKING = re.compile(r"吗|是不是|真的假的|能信|靠谱不|有用没|\?|？")


def offers_a_cure(body: str) -> tuple[str, str] | None:
    """The claim's words and the offer's in one message that asks nothing (body: the normaliser's
    body form, lower case, simplified, punctuation kept), for the case to quote."""
    claim = _CLAIM.search(body)
    if claim is None or ASKING.search(body) or BOUGHT.search(body) or DOCTOR.search(body):
        return None
    rest = body[:claim.start()] + "，" + body[claim.end():]
    # an offer, or a second claim (祖传秘方 治脱发 三个疗程长满 不好不要钱): sold on its promises.
    # 根治 and 断根 only as that second claim: a doctor in a patients' group says 幽门螺杆菌可以根治
    # 有不懂的可以找我, and a claim with 找我 beside it would read as a sale
    offer = OFFER.search(rest) or _CLAIM.search(rest) or _CURED.search(rest)
    return (claim.group(0), offer.group(0)) if offer else None
