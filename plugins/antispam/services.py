"""A service pitched to the group with no contact data (issue 11): 专业代办营业执照 代理记账 价格优惠
有需要的私聊我; 老房翻新 水电改造 免费上门量房 群友打折 有需要的联系我; 陪诊陪护 挂号取药全程陪同 需要的私我.

The eleventh blind probe's service pitches with no contact data were read 0.50 from an established
member: no contact word, a neighbour's words, and the char model reads them as a member saying
what they do. What a pitch says and a member's own talk does not is three things at once: a service
(代办, 代写, 装修, 维修, 上门, 陪诊, 保洁 …), the trade's selling words (专业, 价格优惠, 免费上门, 包过,
多年经验, 随叫随到, 不满意不收 …) and a call to the writer (有需要的私聊, 找我, 联系我 …). A member saying
who they are (我是做装修的 以后有事可以找我) has no selling words; one passing on a craftsman they used
(我家装修找的那个师傅很靠谱 需要的找我要电话), asking for one (有推荐的装修队吗), telling of their own
renovation with its price, or warning of such pitches (乱收费, 骗) is no pitch either. Read for
established members only: a newcomer naming their trade is the newcomers' rule's (engine._says_only),
not a conviction. This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import every_part

_SERVICE = re.compile(r"代办|代写|代做|代跑|代缴|代理记账|记账报税|工商注册|注册公司|营业执照|装修|翻新|刷墙|水电改造|"
                      r"防水|补漏|维修|修理|上门|保洁|家政|开锁|换锁|搬家|疏通|陪诊|陪护|陪检|跑腿|月嫂|育儿嫂|护工|"
                      r"论文|降重|文书|简历|润色|修图|翻译|跟拍|婚庆|档期|清洗|除甲醛|甲醛|除螨|安装|改衣|落户|签证|"
                      r"过户|年审|验车|挂号|调剂|留学申请|选校|一对一指导")
# what the trade says to sell itself, as listings say it: a member offering friends a hand or their
# own trade says none of it (not 优惠, 价格好说, 当天, 一对一, nor a price: the corpus's member_offers has a
# music student's 钢琴陪练 … 一小时80 有需要的家长私我 and a brother's swimming lessons at 一节150). 专业 only as
# the listing's 专业代办, 专业团队: 我是陪诊师 专业陪老人看病 says who one is
_SELLING = re.compile(r"专业(?:团队|承接|代办|代写|维修|疏通|开锁|搬家|保洁|装修|施工)|承接|接单|可接|"
                      r"价格(?:优惠|实惠|美丽|透明|低)|收费低|全网最低|"
                      r"免费量房|"
                      r"包过|包满意|不满意(?:不收|退|全额)|不修好不|不成功不|多年经验|经验丰富|[一二两三四五六七八九十0-9]{1,12}年经验|"
                      r"随叫随到|一条龙|全包|半包|档期不多|档期有限|做了[一二两三四五六七八九十0-9几]{1,12}户|[0-9一二两三四五六七八九]折|"
                      r"群友(?:价|优惠|打折)|全程陪|"
                      # a result promised (包录取, 成功率高), as admissions agents sell themselves
                      r"包录取|包上岸|成功率高|录取率高|通过率高|藤校|名校导师|[一二两三四五六七八九十半0-9]{1,12}小时(?:内)?上门|当天上门")
# the call to the writer
_CALL = re.compile(r"私聊|私我|私信我?|找我|联系我|滴我|戳我|有意私|有需要|需要的|要的私|咨询我")
# told about: the writer's own or family's job done by someone (我家装修, 找的那个师傅), a question or a
# search (有没有, 求推荐, 想找), a third party passed on, a warning, a giveaway, not a charge (不收钱)
_TOLD = re.compile(r"我家|我们家|我妈|我爸|家里(?:刚|的)|上次|之前|去年|花了|找的|请的|请了|找了|用过|那个师傅|那家|"
                   r"有没有|求推荐|推荐个|推荐一|想找|找个|谁知道|哪里有|哪家|请问|"
                   r"骗|坑|乱收费|小心|别找|不靠谱|禁止|群规|不要钱|(?<![好过成])不收钱|免费送|自提|招聘|招个|招人|报修|"
                   # a friend's trade passed on (我朋友在做家电清洗 … 需要的我把电话给你们), a member's own
                   # goods sold second-hand (群友价出空调挂机 能用 装修换中央空调), a game's boosting (代跑 黄金三元)
                   r"我(?:的|一个|有个)?(?:朋友|亲戚|同学|同事)|(?:朋友|亲戚|同学|同事)(?:在|做|开|是)|电话给你|闲置|二手|转让|能用|成新|自用|"
                   # a family member's trade passed on, someone hired or looked for, a hand given
                   r"老公|老婆|爱人|我哥|我弟|我姐|我妹|表弟|表哥|表姐|表妹|婆婆|儿子|女儿|那口子|叫他|找他|问他|叫她|找她|问她|"
                   r"招(?!商|生)|求|在找|要找|寻|帮忙|义务|顺便|顺手|有空|电话|也行|好几年了|说一声|"
                   r"黄金|铂金|钻石|一星|上分|段位|代练|刷图|装备|元宝|区服")


def pitches_a_service(body: str) -> tuple[str, ...] | None:
    """The words of a service pitched to the group (the service, its selling words, the call), or None."""
    return every_part(body, _TOLD, _SERVICE, _SELLING, _CALL)
