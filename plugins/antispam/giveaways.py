"""Free gifts that draw the elderly to a sales talk (会销): 叔叔阿姨们好 我们公司搞活动 凭身份证免费领鸡蛋
还有健康讲座 地址在幸福路88号 每天上午9点 名额有限 (a simulated 老年活动中心 group's day: reminded as a
newcomer's ad on the char model's word alone, 0.979).

The eggs, rice or oil are the bait; the talk, the "experts" and the free check-up sell 保健品 or
理疗 devices worth thousands. What the lure says and a community's own notice does not is three
things at once: the gift for coming (免费领鸡蛋, 来就送食用油, 凭身份证领大米), what it is for (讲座,
健康课, 专家, 体验, 理疗, 会员, 公司搞活动, 新店开业) and the elders called (叔叔阿姨, 老年朋友, 名额有限,
先到先得, 每天上午, 带上身份证). A 社区, 居委会, 街道 or hospital giving eggs for 重阳节 is named as
such, and a member warning of the trick (别去, 都是卖保健品的, 上当) is told about it: neither is an
offer. This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import every_part, unspaced

# the gift for coming: eggs, rice, oil, a basin, for nothing
_GIFT = re.compile(
    r"(?:免费|白|凭身份证|凭老年证|扫码|到场|到店|来就|来了就|进店)\s*(?:领|送|拿)\s*取?\s*"
    r"(?:鸡蛋|大米|挂面|面条|食用油|花生油|油|礼品|礼物|脸盆|毛巾|牙膏|洗衣液|保温杯|雨伞|米|蛋)|"
    r"(?:领|送)\s*(?:鸡蛋|大米|挂面|食用油|花生油|脸盆|毛巾|牙膏|洗衣液|保温杯)")
# what it is for: a talk, a trial, "experts", a member's card, a company's or a shop's event
_TALK = re.compile(r"讲座|健康课|养生课|知识课|专家|教授|体验|理疗|检测|会员|会场|听课|课堂|公司搞活动|我们公司|"
                   r"新店开业|开业")
# the elders called, or the pitch's frame
_CALL = re.compile(r"叔叔阿姨|大爷大妈|老年朋友|中老年|老人家|爷爷奶奶|老哥老姐|名额有限|先到先得|每天上午|每天早上|"
                   r"地址|带上身份证|凭身份证|凭老年证|来就送|来了就送")
# a community's or a hospital's own event, or the trick told about or warned of
_TOLD = re.compile(r"社区|居委|街道|村委|村里|物业|老年协会|老干部|卫生院|医院|党员|志愿|"
                   r"骗|别去|别信|小心|千万|套路|传销|保健品|卖药|报警|上当|听说|我妈|我爸|我婆婆|我家老|去年|上次|"
                   r"有没有人|谁知道|在哪|哪里|是不是|靠谱")


def lures_with_gifts(body: str) -> tuple[str, ...] | None:
    """The gift, the talk and the call of a 会销 lure (see the module), or None."""
    return every_part(unspaced(body), _TOLD, _GIFT, _TALK, _CALL)
