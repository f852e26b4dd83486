"""A replica offered for sale (issue 11's fake goods): 莆田纯原 AJ 全码 一双三百五; 原单lv包 专柜同料
看不出来 闲置价出 要的私; 爱马仕同款 一比一 皮料一样 五折都不到 有图.

offers_grey_goods reads the genuine article sold by another road (官换机 全新未激活, 海关罚没, 工厂尾单 和超市
的一样), far below its price (比官网便宜两千, 便宜一半), with the writer's sale (一台四千, 我这还有, 私).

A replica ad names no contact word and no platform, and reads like a member's second-hand sale
to the char model: spam33's blind probe had 31 of its 42 fake goods through from an established
member, the replicas among them at 0.2-0.9. What makes it an ad is two things at once:

- the goods said to be a copy: 高仿, 精仿, 一比一 / 1:1, 复刻, 莆田, 纯原, 原单, 原厂尾单, 超A, A货,
  专柜同料, and how a copy is sold (看不出来, 没人看得出, 对比正品没区别);
- an offer: a price against the counter's (五折, 专柜要八千, 平过专柜), a sale's words (出, 全码, 现货,
  包邮, 保真, 支持验货, 厂家直发) or a call (要的私, 私聊, 有图, 需要的) — not a bare price, which tells
  what someone paid as often (孩子的鞋都是莆田的 一双一百多).

Members' talk has the first alone: 高仿的东西 海关查到要罚款的 别买, 你们怎么分辨高仿鞋, 现在莆田鞋
都能过得物了, 我买过一个包 是高仿. A question (…吗, 是不是高仿) and a warning or a quoted ad
(checks.py reads them) are no offer. This module only reads words; nothing here is a feature of
the char model.
"""

from __future__ import annotations

import re

# the goods said to be a copy (not 一比一点四, a game currency's rate: 一比一 then a digit word)
# (复刻 alone is a brand's own re-release too, 官方复刻 发售价一千二: only as the copy's grade or with
# what it copies)
_COPY = re.compile(r"高仿|精仿|(?:顶级|高端|一比一|1比1)复刻|复刻(?:大牌|名表|名牌|包包|奢侈)|莆田(?:鞋|货|纯原|版)?|"
                   r"纯原|原单|原厂尾单|超a|a货|"
                   r"专柜同料|"
                   r"(?:看|认|分辨|戴出去|背出去|穿出去)?(?:都)?(?:看不出来?|没人看得出来?|看不出区别)|"
                   r"(?:对比|和|跟)正品(?:没|无|一样|一模一样)")
# 一比一 / 1:1 is a copy only beside the goods copied: in game chat it is a currency's rate (1比1收点银子,
# 支持1:1), and a guild's member trading gold at it is no replica ad
_ONE_TO_ONE = re.compile(r"(?:一比一|1比1|1:1)(?![点.0-9一二三四五六七八九十百千万亿个w])")
_GOODS = re.compile(r"包包|[名大]牌|奢侈品|皮包|女包|手提包|lv|gucci|古驰|香奈儿|爱马仕|劳力士|欧米茄|卡地亚|"
                    r"手表|名表|腕表|"
                    r"鞋|耐克|阿迪|aj|椰子|羽绒服|香水|口红|皮带|墨镜|首饰|项链|手镯")
# an offer: a price with its unit or per piece, a discount on the counter's, a sale's words
# (a bare price is no offer: 孩子的鞋都是莆田的 一双一百多, 我老婆那个包是高仿 八百块 tell what was paid;
# a price against the counter's, a sale's words or a call make one)
_OFFER = re.compile(r"[一二三四五六七八九]折|折都不到|专柜(?:要|价|卖)|平过专柜|比专柜|"
                    r"(?<![卖支新推])出(?![去来门差国发现的了口生租])|要的私|私我|私聊|有图|看图|全码|现货|包邮|保真|"
                    r"货到付款|支持验货|厂家直|工厂直|有需要|需要的|闲置价|我这")
# the writer's own calls among the offer's words: the rest (a price, 五折, 包邮) are an offer only
# when the goods are not someone else's (那家店卖的一比一手表 … 五百块; 原单尾货 市场上一堆 三十块一件)
_OWN_CALL = re.compile(r"(?<![卖支新推])出(?![去来门差国发现的了口生租])|要的私|私我|私聊|有图|看图|有需要|需要的|"
                       r"闲置价|我这")
_ELSEWHERE = re.compile(r"那家|这家店|市场上|店里卖|网上|淘宝上|拼多多上|他们家|别人家|同事|朋友说|听说|官方|发售|"
                        r"旗舰店")
# what the writer or someone they know bought, not what they sell (我这双是莆田的 三百块买的 穿着挺舒服;
# 我妈买了十盒 一盒三百 说能停药): a price paid is no offer. Not 都买了: the ads' own social proof
# (好几个群友都买了). Shared with cures.py
BOUGHT = re.compile(r"(?<![都在])买了|买的|买过|花了|入手(?!价)|淘的|被坑|被骗|收到货")
# asking, not offering: 是不是高仿, …吗, 怎么分辨
_ASKING = re.compile(r"吗|是不是|怎么|咋|有啥|啥区别|什么区别|区别在|为什么|为啥|哪里(?:买|有)|谁知道|有没有人|"
                     r"靠谱不|能买不|\?|？")


def offers_a_replica(body: str) -> tuple[str, str] | None:
    """The copy's words and the offer's in one message that asks nothing (body: the normaliser's
    body form, lower case, simplified, punctuation kept), for the case to quote."""
    copy = _COPY.search(body) or (_ONE_TO_ONE.search(body) if _GOODS.search(body) else None)
    if copy is None or _ASKING.search(body) or BOUGHT.search(body):
        return None
    # the offer's words outside the copy's own (一比一 is no price)
    rest = body[:copy.start()] + "，" + body[copy.end():]
    if _ELSEWHERE.search(body):
        own = _OWN_CALL.search(rest)
        return (copy.group(0), own.group(0)) if own else None
    offer = _OFFER.search(rest)
    if offer is None:
        # two of a copy's words (高仿劳力士 … 戴出去没人看得出): sold as one
        second = _COPY.search(rest) or _ONE_TO_ONE.search(rest)
        if second is None:
            return None
        return (copy.group(0), second.group(0))
    return (copy.group(0), offer.group(0))


# goods said to be the genuine article by another road: a refurbished or unactivated phone, a customs seizure,
# duty-free, a factory's or an export order's leftovers, the same batch or material as the counter's, a
# foreign or Indian version (官换机 全新未激活; 海关罚没的; 免税店拿的; 原厂尾货 和正品一样; 同款同料; 印度仿制)
_GREY = re.compile(r"官换机|未激活|海关罚没|罚没|免税|原厂尾[货单]|工厂尾[货单]|外贸尾[货单]|尾单|"
                   r"同一批料|同款同料|同一个厂|一个厂|渠道机|海外版|印度(?:版|仿制)|仿制|分装|原装进口|"
                   r"(?:和|跟)(?:正品|国行|官方|专柜|超市)[^，,。\s]{0,4}(?:一样|一模一样|同款)")
# much cheaper than where it is sold (比官网便宜两千, 价格只要三分之一, 便宜一半, 一半价钱, 行货价格的一半)
_CHEAPER = re.compile(r"比[^，,。\s]{1,5}便宜|便宜一半|便宜一大截|一半价钱?|价格的一半|三分之一|半价|"
                      r"市场价|原价|专柜价|官网价|外面[^，,。\s]{0,4}要")
# the writer's own sale: a price, a call, 我这有, 出
_SELLING = re.compile(r"私|要的|需要的|有需要|我这|出(?![去来门差国发现的了口生租])|"
                      r"[0-9一二两三四五六七八九十百千]{1,12}\s*(?:元|块)?\s*(?:一|每)(?:台|条|瓶|罐|桶|盒|个|双|只|件|串|把)|"
                      r"(?:一|每)(?:台|条|瓶|罐|桶|盒|个|双|只|件|串|把)\s*(?:只要)?[0-9一二两三四五六七八九十百千]{1,12}|"
                      r"[0-9]{2,6}\s*(?:元|块)?|包邮|量大|数量有限|冲")


def offers_grey_goods(body: str) -> tuple[str, str, str] | None:
    """The grey road's, the saving's and the sale's words in one message that asks nothing and was
    not bought by the writer (body: the normaliser's body form), or None."""
    grey = _GREY.search(body)
    if grey is None or _ASKING.search(body) or BOUGHT.search(body) or _ELSEWHERE.search(body):
        return None
    cheaper = _CHEAPER.search(body)
    if cheaper is None:
        return None
    rest = body[:grey.start()] + "，" + body[grey.end():]
    rest = rest.replace(cheaper.group(0), "，")
    sale = _SELLING.search(rest)
    return (grey.group(0), cheaper.group(0), sale.group(0)) if sale else None
