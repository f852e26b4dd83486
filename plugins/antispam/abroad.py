"""Work abroad with the journey paid (issue 11's jobs and easy money, the scam compounds' recruiting): 急招
曼谷 客服 包吃包住 月薪三万泰铢起 机票报销 要求会打字; 高薪诚聘 西港 迪拜 菲律宾 业务员 底薪加提成 护照我们办.
The read probe files' two passed an established member: no contact word, and the char model reads an
expat group's job talk.

People taken to the compounds in Cambodia, Myanmar or Laos were hired like this: a place abroad, an
easy job (客服, 打字, 业务员) and the journey paid or the papers done for them (包机票, 机票报销, 护照我们办). An
honest opening abroad names its company and leaves the ticket to the contract; expat groups talk all day
about the same places, rents and jobs (曼谷中资公司的工作 一般工资多少; 马尼拉这边有个中资公司招会计 有朋友需要
我帮问), and about the trap itself (柬埔寨客服月薪两万包机票 懂的都懂 去了护照就被收了). What the lure says and
they do not is the three at once, with no word of how it ends. This module only reads words; nothing
here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import every_part, unspaced

# a place abroad: the compounds' countries and cities first, then the generic
_ABROAD = re.compile(r"柬埔寨|西港|西哈努克|金边|缅甸|妙瓦底|老挝|金三角|菲律宾|马尼拉|迪拜|泰国|曼谷|越南|"
                     r"马来西亚|东南亚|海外|境外|出国")
# the journey paid, or the papers done for the hire
_JOURNEY = re.compile(r"包机票|机票(?:全|可|公司)?(?:报销|包|报)|报销机票|护照(?:我们|公司|这边)?(?:办|代办|帮办)|"
                      r"包签证|签证(?:我们|公司|这边)?(?:办|包)|落地(?:就|即)?上班|接机")
# the job or its pay
_JOB = re.compile(r"招|聘|客服|业务员|打字|翻译|岗位|上班|月薪|底薪|高薪|提成")
# how it ends, or the trap told of: talk about it, not the offer
_TOLD = re.compile(r"骗|诈|园区|被收|回不来|赎|懂的都懂|谁信|还有人信|敢去|头皮|不用想|别去|小心|踢了|转告|"
                   r"传销|被卖|噶腰子|嘎腰子|联系不上|失联|(?:那|这)种")


def lures_abroad(body: str) -> tuple[str, ...] | None:
    """The words of work abroad offered with the journey paid (the place, the journey, the job), or None.
    Spaced-out words (曼 谷 客 服 机 票 报 销) read as one."""
    return every_part(unspaced(body), _TOLD, _ABROAD, _JOURNEY, _JOB)
