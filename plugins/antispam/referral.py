"""A search referral with a gift (issue 11): 小红书搜 配速阿坤 … 免费领; 抖音搜 阿狸讲本 每晚八点直播 进直播间送
拼场券; b站搜 上岸小刘老师 … 关注私信领资料包.

A search term on another platform (contact.py's `referral`) is how members share where to look
too (新手摄影推荐b站搜 影视飓风; 想学修图的可以去小红书搜 LR调色教程): alone it is a tip, and from an
established member no evidence at all. What the referral ads add is a gift for following them
there: something to collect (免费领, 领取, 送…券), a 福利, a reward for following or commenting
(关注私信领, 评论区留言送), a live room's offer (进直播间, 直播间有专属福利). spam33's and spam34's blind
probes missed such ads most from an established member (referrals 0.486 and 0.543): the char model
reads them as a member's tip. Over the corpus, its candidates, every probe and the shared
train/test sets, the referrals with such a gift beside them are ads, or warnings that quote one
(checks leaves those out). A shop's discount for naming the group (报群名, 报我名字, 暗号, 下单备注) is
not here: neighbours pass that on too (recommend.py). This module only reads words; nothing here
is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import every_part

_GIFT = re.compile(r"免费领|领取|免费送|送[^，,。！!？?\s]{0,6}(?:券|卷|礼|资料|食谱|试用)|福利"
                   r"|私信[^，,。！!？?\s]{0,6}领|转发抽|抽奖|点(?:进去|开|击)[^，,。！!？?\s]{0,4}领"
                   r"|评论区?[^，,。！!？?\s]{0,4}(?:领|送|发)|留言[^，,。！!？?\s]{0,4}(?:送|领)|扣\s*1(?![0-9])"
                   r"|直播间[^，,。！!？?\s]{0,4}(?:送|领|下单|福利)|进直播间|关注(?:后|了)?[^，,。！!？?\s]{0,4}(?:领|送|私信)"
                   # what is given away there for following (全套免费, 课程免费看, 免费回答申请问题, 回复666获取): the
                   # free sample the account's owner hands out, not a member's praise of a channel (讲得很好)
                   r"|全套免费|(?:课程?|教程|资料)[^，,。！!？?\s]{0,2}(?:全部|都|全)?免费|免费(?:回答|答疑|咨询|问诊|领|送|拿)"
                   r"|回复\s*[0-9a-z一-龥]{1,6}\s*(?:获取|领|拿|即可|就送)|有小礼物")


# a search term on a platform contact.py's finder does not list (喜马拉雅搜 申论范文朗读, 百度搜 考公资料,
# 大众点评上搜 …), or with 搜 before the platform (搜一下 小红书 上岸学姐慧慧): read here for the gift reading
# only, as the finder is a feature of the shipped char model (a change there needs a rebuild)
_PLATFORMS = (r"抖音|小红书|快手|视频号|公众号|b站|微博|知乎|闲鱼|淘宝|拼多多|京东|美团|大众点评|点评|得物"
              r"|喜马拉雅|百度|饿了么|携程|高德|唯品会|小程序")
_SEARCH = r"(?:搜一搜|搜一下|搜索|搜)"
_SEARCHED = re.compile(r"(?:喜马拉雅|百度|大众点评|点评|饿了么|携程|高德|唯品会|小程序)(?:上|里)?" + _SEARCH
                       + r"\s*[:：]?\s*([^\s,，。!！?？]{2,16})"
                       r"|" + _SEARCH + r"\s*(?:" + _PLATFORMS + r")(?:上|里)?\s+([^\s,，。!！?？]{2,16})"
                       # an account named in quote marks or as a handle after the platform (公众号「外贸获客笔记」,
                       # 知乎关注我@留学规划师Amy)
                       r"|(?:" + _PLATFORMS + r")(?:上|里)?(?:关注(?:我|一下)?)?\s*[@「“\"]"
                       r"\s*([^\s,，。!！?？」”\"]{2,16})")


def search_term(body: str) -> str | None:
    """A search term on a platform the contact finder does not read (see _SEARCHED), or None."""
    m = _SEARCHED.search(body)
    return (m.group(1) or m.group(2) or m.group(3)) if m else None


# the writer's own purchase or meal told (我刚买的, 今天吃了挺划算, 我买过两次): a member passing on a shop's
# coupon they used, not a referral ad (抖音搜一下 老乡鸡 关注后有优惠券领，今天吃了挺划算 was warned from a
# regular, the lead's hard lines after spam34)
_OWN_USE = re.compile(r"我(?:刚|也|之前|昨天|今天|上次|前天)?(?:刚)?(?:买|吃|用|领|点|试)(?:了|过|的)|今天吃了|刚买的")


def used_it(body: str) -> bool:
    """Whether the writer tells of buying, eating or using it themselves."""
    return _OWN_USE.search(body) is not None


def gift(body: str) -> str | None:
    """The gift a message dangles for following a referral (免费领, 进直播间, 关注私信领 …), or None."""
    m = _GIFT.search(body)
    return m.group(0) if m else None


# The writer's own shop or account on another platform, sent to with a sale (the eleventh blind probe's
# referrals with no gift, 0.31 from an established member): 我在抖音开了个店 … 搜 秦岭山货阿强 群友下单找我改价;
# 闲鱼搜 老周数码 是我的店 群里的朋友买更便宜. Three things at once: the writer's own outlet (我的店, 我家拼多多
# 店铺, 是我的店, 来我直播间, 我在淘宝开了), where to find it (搜, 店铺, 直播间, 开播) and a sale or a call (下单,
# 便宜, 群友价, 报群名, 同款, 私我 …). A member's own account shown for likes (我家孩子在小红书发画 搜 小米画画
# 大家帮忙点个赞) sells nothing; a tip about someone else's shop is recommend.py's.
_SHOPS_ON = r"抖音|淘宝|拼多多|快手|小红书|闲鱼|京东|视频号"
_OWN_OUTLET = re.compile(r"我(?:的|家|们|们家|自己)?的?(?:" + _SHOPS_ON + r")?"
                         r"(?:店|小店|店铺|网店|淘宝店|抖音店|橱窗|直播间)"
                         r"|是我(?:的|家的?)|就是我(?:的|家)|来我的?(?:店|直播间)"
                         r"|我在(?:" + _SHOPS_ON + r")上?(?:开了|直播|卖)"
                         r"|我(?:自己)?开了(?:个|一家|家)?小?(?:店|网店|店铺)|自家|我自己家")
_FIND = re.compile(r"搜|店铺|直播间|开播|橱窗")
_SALE = re.compile(r"下单|改价|优惠|便宜|折扣|打折|[0-9一二两三四五六七八九]折|群友价|报群名|报暗号|暗号|同款|包邮|"
                   r"想买|要买|想要|要的|私我|私聊|找我|卖")
_OUTLET_TOLD = re.compile(r"被骗|坑|别买|不要买|点赞|投票|捧场|路过")


def own_outlet(body: str) -> tuple[str, ...] | None:
    """The words of a referral to the writer's own shop or account with a sale (the outlet, where to
    find it, the sale), or None."""
    return every_part(body, _OUTLET_TOLD, _OWN_OUTLET, _FIND, _SALE)
