"""Another group promoted by what joining it brings (issue 11's promotion of other groups, with red-packet
bait): 每天十点群里发大红包 进群就有; 福利群每天发红包抢不完，进群就送五元; 外卖红包群每天整点发大额券，进群就能领.
A read probe file's first passed everyone: no group number or contact word, and the char model reads a
group's own red-packet chatter.

A member of this group has no reason to say what joining brings: they are in it. What the promotion says
is both at once: joining rewarded (进群就有, 进群就送, 进群即领) and the reward (红包, 券, 福利, 资料,
五元). Members say 进群就 of themselves (刚进群就看到大家在抢红包), of spammers (很多广告号都是进群就发;
有个号进群就发什么 新人红包 … 典型盗号) and of the newcomers' custom here (新人进群就发红包: the newcomer pays):
none is a promotion. This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import every_part, unspaced

# joining rewarded: not the writer's own joining (刚进群就, 一进群就), nor a newcomer's custom here (新人进群就发
# 红包, 新朋友进群就发个红包: the newcomer pays, a group's old rule)
_JOINING_PAYS = re.compile(r"(?<![刚一才新人友员])进(?:群|裙)(?:就|即)(?:有|送|能领|能拿|可领|领|抢|能抢|发)")
# the reward
_REWARD = re.compile(r"红包|券|福利|资料|资源|[0-9一二两三四五六七八九十]{1,12}元|礼")
# a spammer's way told
_TOLD = re.compile(r"骗|广告号|(?:这|那|有)个号|典型|盗号|踢|别|不要|小心|看到|都是|规矩|惯例")


def promotes_a_group(body: str) -> tuple[str, ...] | None:
    """The words of another group promoted by what joining it brings (the joining rewarded, the reward), or
    None. Spaced-out words read as one."""
    return every_part(unspaced(body), _TOLD, _JOINING_PAYS, _REWARD)
