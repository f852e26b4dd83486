"""Goods sold on their effect on the body (issue 11's fake goods; the weakest kind of every blind
probe since the eighth): 远红外护腰带 戴上一个礼拜 腰疼就轻多了 要的找我; 降压鞋垫 垫上就不头晕了
两双一百二; 护眼贴 贴一个月视力能回升 需要的私.

No contact word, often no claim cures.py reads (停药, 疗程, 祖传秘方): a neighbour's tip to the char
model. What makes one an ad is three things at once:

- a thing used on the body: worn, drunk, stuck on, slept on (护膝, 手环, 鞋垫, 贴, 枕头, 杯, 茶, 口服液,
  精华, 仪 …);
- a complaint it is said to change, with the change (腰疼就轻多了, 血糖稳, 视力回升, 长出新头发, 失眠好
  了大半, 再也不疼);
- an offer: a price, the writer has or sells it, a call (要的私我, 需要的找我, 群里八折) — cures.py's.

Some say no complaint and no change but a result only a seller guarantees (增高鞋垫 三个月长高五厘米
不长退钱; 男士保健品 效果显著 隐私发货; 瘦身咖啡 月瘦十五斤 不运动不节食): with the goods and an offer,
that is guarantees_a_result's reading.

Members talk of the same things as patients and sceptics (我爸戴了那个磁疗护膝 一点用没有; 医生说膝盖疼
别乱买护膝; 我用了这个眼贴 感觉眼睛舒服点 九块九买的): a question, what the writer bought, a doctor's
word, a warning or a quote (checks.py) is no offer. This module only reads words; nothing here is a
feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.cures import ASKING, DOCTOR, NUM, OFFER
from plugins.antispam.parts import unspaced
from plugins.antispam.replica import BOUGHT

# worn, drunk, eaten, stuck on, slept on, used on the body: the goods
_THING = re.compile(r"护[膝腰腕颈眼]|腰带|手环|手链|鞋垫|眼[贴镜]|[膏药热敷艾灸足脾脐颈腰膝肩暖]贴|贴[片布]|"
                    r"枕头?|床垫|拔罐|水杯|[能量氢]+杯|茶|口服液|原浆|精华|精油|液|膏|丸|胶囊|粉|酵素|仪|按摩|理疗|磁疗|远红外|"
                    r"负离子|石墨烯|纳米|量子|玉米|蜂[蜜胶]|鞋|袖套|喷雾|"
                    # a pet's or a fish tank's (鱼药 一泡就好, 化毛膏 不吐毛球)
                    r"[鱼猫狗宠]药|驱虫|化毛")
# a complaint of the body, and its change within a few characters: 腰疼就轻多了, 血糖稳, 视力能回升,
# 长出新头发, 失眠好了大半, 再也不疼, 白两个度
_COMPLAINT = (r"疼|痛|酸|僵|麻|凉|失眠|睡眠|睡不着|头晕|血压|血糖|血脂|尿酸|三高|视力|近视|度数|头发|发际线|脱发|"
              r"便秘|肠胃|胃口|颈椎|腰|膝盖|关节|老寒腿|骨刺|湿疹|湿气|高反|高原反应|手抖|手|脚|腿|肩|脖子|皮肤|斑|"
              r"皱纹|个子|长个|免疫力|感冒|体质|气色|精神|眼睛|药|咳嗽|咳|嗓子|肺|肚子|腰围|犯困")
_CHANGE = (r"好了|好多了|轻多了|轻了|不疼了?|不痛了?|不酸了?|不麻了?|不僵了?|不凉了?|不晕了?|不抖了?|稳了?|降了?|"
           r"下来了?|回升|长出|回来了|正常了|开了|没了|消失|变好|好转|改善|调理好|调回来|软化|减量|"
           r"白了?[0-9一两二三四五六七八九十]{1,12}个?度|一点事没有|再也不|(?<!不)舒服(?:多)?了|干净了|小了?一圈")
# or the effect named as what the goods do (降尿酸, 调节血压, 提高免疫力, 排毒, 专治): the sellers' words, seldom
# a patient's (a medicine is 降压药, and a doctor's word or 医保 beside it is no offer: cures.DOCTOR)
_DOES = (r"(?:降|调节|调理|调|提高|增强|改善|促进)(?:血压|血糖|血脂|尿酸|三高|体质|免疫力|睡眠|血液循环|视力)|"
         # a pet's, a fish's, a camper's (不吐毛球, 白点烂尾全治, 一个夏天都不被咬), a tired head's (头脑清醒)
         r"不吐毛球|毛色发亮|全治|不被(?:蚊子)?咬|头脑清醒|不犯困|"
         r"排毒|祛湿|排湿气|抗衰老|抗氧化|补肾|明目|生发|不感冒|能睡整觉|都说好|反馈(?:很|都)?好|见效快|专治|"
         r"治(?:失眠|腰疼|腰痛|颈椎|三高|百病|脱发|便秘)|(?:抹|贴|吃|喝|戴|垫|泡)[^，,。！!\s]{0,4}就好|"
         r"长[0-9一二两三四五六七八九十]{1,12}(?:厘米|公分)")
_EFFECT = re.compile(rf"(?:{_COMPLAINT}).{{0,8}}?(?:{_CHANGE})|(?:再也不|就不)(?:疼|痛|怕|晕|失眠|便秘|感冒)|{_DOES}")
# a price as sellers write it beside cures.OFFER's: 一百二一条, 两双一百二, 一套99, 原价六百九 今天战友价三百
_UNIT = r"(?:条|双|对|盒|瓶|套|个|贴|箱|斤|包|副|只|罐|袋)"
_PRICED = re.compile(rf"(?:原价|特价|活动价|出厂价|厂价|[战群亲老]友价|群里价|群内价|优惠价|团购价|批发价|内部价|"
                     rf"拿货价|半价)|"
                     rf"(?:{NUM})[元块]?(?:一|每){_UNIT}|(?:一|每|两|三){_UNIT}(?:{NUM})|拿货|出厂")
# the call as sellers chat it, beside cures.OFFER's (要的说一声, 老哥们要的吱一声)
_CHATTED_CALL = re.compile(r"要的(?:说|吱|扣|滴|戳|留言)")
# a hospital's care told, or a doctor passed on (颈椎舒服了好多 多亏了康复科的理疗 要的说一声我把医生电话给你):
# a patient's thanks, not goods
_CARED = re.compile(r"(?:康复|理疗|针灸|推拿|骨伤|中医|疼痛)科|(?:医生|大夫)的?(?:电话|微信|号)")
# cures.py's questions, and those asked of a gadget (有没有用, 管用不)
_ASKING = re.compile(ASKING.pattern + r"|有没有用|管用不")
# a member's own doubt or report of no use (一点用没有, 没啥效果, 智商税)
_DOUBT = re.compile(r"没用|没啥用|没什么用|用没有|没效果|没啥效果|智商税|交智商|心理作用|心理安慰|不信|别买|不要买|"
                    r"没[降好变]|不[降管]用?|白花|浪费钱|有点贵|太贵")
# the writer's own or family's use told (我老公用了这个生发液 头发真长出来了 一瓶一百五): a testimony,
# an ad only with a call to the reader as well, not with its price alone
_USED = re.compile(r"(?:我|我家|我们家|家里|老公|老婆|我妈|我爸|孩子|儿子|女儿)[^，,。！!\s]{0,4}"
                   r"(?:用了|吃了|喝了|戴了|贴了|用过|吃过|喝过)|"
                   r"(?:单位|厂里|公司|学校|医院)发的|送的|挺值|很值|值了")
_CALL = re.compile(r"有需要|需要的|想要的|要的|私聊|私我|私信|联系我|找我|下单|订购|拿货|加我|滴我|扣我|戳我")


def sells_an_effect(body: str) -> tuple[str, str, str] | None:
    """The goods', the effect's and the offer's words in one message that asks nothing and was
    not bought by the writer or told by a doctor (body: the normaliser's body form)."""
    effect = _EFFECT.search(body)
    if effect is None:
        return None
    if _ASKING.search(body) or BOUGHT.search(body) or DOCTOR.search(body) or _CARED.search(body) \
            or _DOUBT.search(body):
        return None
    thing = _THING.search(body)
    if thing is None:
        return None
    rest = body[:effect.start()] + "，" + body[effect.end():]
    offer = _CALL.search(rest) if _USED.search(body) \
        else OFFER.search(rest) or _PRICED.search(rest) or _CHATTED_CALL.search(rest)
    return (thing.group(0), effect.group(0), offer.group(0)) if offer else None


# a result guaranteed, as only a seller words it (效果显著, 七天见效, 一晚见效, 不灵退钱, 永久不复发,
# 月瘦二十斤, 一个月长高5公分, 打一针白一个度, 打哪瘦哪): a patient tells how they felt, a seller how sure it is
_SURE = re.compile(r"效果(?:显著|明显|保证|杠杠)|保证效果|见效快|"
                   r"(?:[0-9一二两三四五六七八九十]{1,12}|一)(?:天|周|个月|晚|次)"
                   r"(?:就)?见效|永久不复发|不复发|一次根治|(?:不灵|不长|不好|无效|没效果)(?:就)?(?:退钱|退款|全退)|"
                   r"打哪瘦哪|月瘦[0-9一二两三四五六七八九十]{1,12}斤|瘦[0-9一二两三四五六七八九十]{1,12}斤|"
                   r"长(?:高)?[0-9一二两三四五六七八九十]{1,12}(?:公分|厘米|cm)|白[0-9一二两三四五六七八九十]{1,12}个度|"
                   r"增大增粗|壮阳|延时|强肾|一抹就好|一贴就[好灵]|贴一贴就好|抹[一二两三四五六七八九十0-9]{1,12}天就好|"
                   r"胰岛素(?:都)?停|停了胰岛素|都稳住了|想要男孩|生双胞胎|去除癌|不运动不节食|吃了都说好|"
                   r"停药(?:都|也)没事|(?:医院|医生)都没(?:这|这个)?效果|祖传|祖上传下来|男人必备")
# what is sold: a medicine, an injection, a plaster, a drink, a supplement, a device
_GOODS = re.compile(_THING.pattern + r"|药|针|贴|片|方子|配方|秘方|疫苗|燕窝|叶酸|营养素|保健品|产品|器|丸|"
                    r"增高|减肥|瘦身")
# the offer as such sellers chat it: cures.OFFER's, a price, 拿货, discreet shipping, a buy-two deal, a
# crowd said to be buying, the parents or mothers called
_SURE_OFFER = re.compile(OFFER.pattern + r"|" + _PRICED.pattern + r"|拿货|加我|扣我|滴我|私|(?:保密|隐私)发货|"
                         r"买[一二两三四五六七八九十]送[一二两三四五六七八九十]|了解一下|家长们|宝妈们|阿姨们|抓紧|抢|"
                         r"(?:很多|好多|不少|都)[^，,。\s]{0,3}(?:在|都)?(?:用|吃|喝|买)(?:过|了)?|比[^，,。\s]{1,4}便宜|"
                         r"工厂直[发销]|要的|加\s*v?$")
# a seller's promise told of as someone else's (那个增高鞋垫 三个月长五厘米不长退钱 退的时候就找各种理由)
_TOLD_OF = re.compile(r"那个|那种|说什么|号称|说是|说能|吹得|忽悠|理由|结果|广告")
# a verb of use standing for the goods (练什么练 吃这个 月瘦二十斤)
_USE = re.compile(r"吃这个|喝这个|抹这个|贴这个|用这个|戴这个")
# a doctor's word compared against, not told (比医院开的激素药管用, 保胎药不用去医院开)
_NOT_THE_DOCTOR = re.compile(r"比(?:医院|医生)[^，,。\s]{0,2}开|不用去医院开?|医院都没")


def guarantees_a_result(body: str) -> tuple[str, str, str] | None:
    """The goods', the guaranteed result's and the offer's words in one message that asks nothing and
    was not bought by the writer or told by a doctor (body: the normaliser's body form)."""
    body = unspaced(body)  # spaced-out words (长 8 公分) read as one
    sure = _SURE.search(body)
    if sure is None:
        return None
    if _ASKING.search(body) or BOUGHT.search(body) or DOCTOR.search(_NOT_THE_DOCTOR.sub("，", body)) \
            or _CARED.search(body) or _DOUBT.search(body) or _USED.search(body) or _TOLD_OF.search(body):
        return None
    rest = body[:sure.start()] + "，" + body[sure.end():]
    # a second guarantee stands for the goods or for the offer (增大增粗 效果显著 扣我; 永久不复发 特效药), not both
    second = _SURE.search(rest)
    goods = _GOODS.search(rest) or _GOODS.search(body) or _USE.search(body)
    offer = _SURE_OFFER.search(rest)
    if goods and offer:
        return (goods.group(0), sure.group(0), offer.group(0))
    if second and (goods or offer):
        return (sure.group(0), second.group(0), (goods or offer).group(0))  # type: ignore[union-attr]
    return None
