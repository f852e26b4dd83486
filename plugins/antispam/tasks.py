"""Easy money offered as a job with no workplace (issue 11's jobs and easy money): 在家打打字 一千字十块
手机电脑都行 名额不多了; 每天花十分钟 点点手机 月入三千; 招游戏试玩员 每天玩两小时 一天一百 不用经验;
快递分拣 日结 四百 先交体检费.

recruit.py convicts a job ad by its address to apply to (a free mail box, a QQ number) or by two of
the scam job's promises beside a rate per piece. Most easy-money ads name no address and one promise
at most, and the char model reads them as a member passing on work (the twelve probes' jobs and easy
money 80 of 299 through from an established member). What they say and an honest opening does not is
three things at once:

- pay with a figure: per piece, hour, day or month (一条五元, 一小时五十, 一天两三百, 月入三千, 每月给你
  八百, 一单返八块);
- an easy-money promise: at home or on a phone (在家, 不用出门, 动动手指, 手机就能做), no skill (会打字就
  行, 不用经验, 新手包教), spare time (下班两小时, 每天花十分钟, 闲着也是闲着), a task (点赞, 好评, 挂着
  就行), or a fee first (先交培训费, 押金, 入驻费): the task scam's and the fee scam's words;
- the job or the call: 招, 兼职, 接单, 任务, 私我, 带你, 感兴趣扣1, 名额.

An honest opening says where the work is (我们厂招普工 日结工资 一天两百二 包午饭 找线长老刘; 超市招收银员;
打印店招人 一小时十五);
a member tells their own side job (我妈在家做手工 一天也就三十块), asks for one (有没有在家能做的兼职), or
warns of one (在家动动手指一天三百的都是骗子): none is an offer (checks._offered leaves questions,
warnings and quotes out). This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import NUMBER, every_part, unspaced

# bounded: no pay runs past eight digits, and a run thousands long (a flood of 0s) must not make every
# start position scan to its end (0.5 CPU-s a message, the bounded-time test's failure)
# an amount of money, not of time, size or things (每天两小时, 一张1.5米的床, 收一个二手的, 一单一结; digits then
# 个 count things: 利用碎片时间 一天50个单词)
_PAID = (r"(?![0-9.]|(?<=[0-9])个|个?(?:小时|分钟|天|周|月|年|点|号|楼|层|手|米|寸|岁|人|次|遍|趟|公里|结))"
         r"\s*(?:元|块|毛|角|刀|美金|\+)?")
# pay with a figure: a rate per piece or time, or what a day, a week or a month brings
_PAY = re.compile(
    rf"(?:一|每)(?:条|单|个|件|小时|天|晚上?|篇|张|组|集|串|束|斤|千字|百个|首|人|笔|次|周|台|场)\s*"
    rf"(?:给你?|能?赚|拿|返|提成|就有)?\s*{NUMBER}{_PAID}|"
    rf"(?:一天|每天|日薪|时薪|日入|日赚|月入|月多|一个月(?:多挣|多赚|能拿)?|每个?月(?:给你?|补|能拿)?|"
    rf"多赚|多挣|提成|佣金|一周|轻松|日结|当天结算?|当日结算?|拿|给你|就有)\s*{NUMBER}{_PAID}|(?:给|还给|就有)钱|"
    rf"[0-9]{{1,8}}\s*[元块]?\s*(?:一|每)(?:单|条|个|件|天|小时)|[0-9]{{1,8}}\s*(?:起|到手)")
# the easy-money promise: at home or on a phone, no skill, spare time, a task, or a fee paid first
_EASY = re.compile(
    r"在家\s?(?:做|就能|就可以|也能|可以|录|打|剪|包|分拣|赚|兼职|可做|手工|转发|没事|就行|办公|上班|的活)|"
    r"居家(?:办公|手工|兼职)|不用出门|足不出户|手机(?:就能|即可|也能|就可以|上|有网|接单|电脑都)|一部手机|动动手指|点点手机|刷刷手机|"
    r"会打字|打字就行|碎片化?时间|会拼音|会说普通话|会用[^，,。\s]{1,4}就行|有手就行|挂着就行|无需经验|不用经验|不需要经验|零经验|没经验也|"
    # (any language you speak, no degree asked, start today: lead54)
    r"会说[\u4e00-\u9fff]{1,3}就行|不看学历|当天上岗|"
    r"学生党|(?:学生|宝妈|老人)[^，,。\s]{0,3}(?:都|也)能做|无经验|新手(?:包教|带教|有人带|也能|可做)|手把手教|教会为止|"
    r"下班|副业|空闲|闲着|没事干|在家没事|有空的|不影响(?:学习|上班|工作|开|带娃|主业)|不露脸|不用证|不用交钱|"
    r"每天[^，,。\s]{0,2}(?:一|两|三|半|十|二十|[1-3])个?(?:小时|分钟)|电脑手机都|简单的任务|"
    # (a like with 个 in it, 点个赞; copying paid by the character, 抄写 按字数: lead54)
    r"挂着|点个?赞|好评|转发|试玩|做任务|抄写|抄小说|按字数|小任务|做完就给|结算快|秒结|做一单结一单|做多少收多少|多[贴拍写]多得|"
    # a fee first: the fee scam's (not 先交钱 alone: a game's trade asks to be paid first)
    r"(?:先交|先付)[^，,。]{0,8}(?:费|押金)|押金|培训费|体检费|服装费|入驻费|平台费|保证金")
# a job on offer or the reader called to it
_OFFER = re.compile(r"招|兼职|接单|派单|任务|活儿?|项目|"
                    r"(?:试玩|测评|录入|抄写|好评|推广|配音|录音|试药|听书|打字|点赞|审核|标注)员|私|联系我|滴我|戳我|扣\s*1|带你|带教|跟我做|来我这|"
                    r"有意|名额|想做|想赚|感兴趣|报名|加我|截图(?:发|给)我|(?:找|需要|要)[几0-9一二两三四五六七八九十]+个人|有没有[^，,。\s]{0,3}想")
# told about, not offered: a workplace named (an honest opening), the writer's own or a relative's
# side job, a search for work, a warning
# (a shop by its kind hiring or located: 奶茶店招兼职, 打印店招人, 店在万达一楼; not an online shop's, 网店 淘宝店
# 微店, whose 客服 is the task scam's)
_TOLD = re.compile(r"厂|车间|工地|门店|店里|店面|(?<![网宝微])店(?:在|招)|超市|商场|饭店|餐厅|食堂|酒店|"
                   r"公司地址|地址|地点|面试|社保|五险|"
                   r"村委|居委|志愿|站长|校招|我们[^，,。\s]{0,2}(?:公司|单位|学校|医院|村|馆|店|诊所)|"
                   r"我妈|我爸|我家|我老|我婆婆|我在家|我自己(?:也)?在做|我之前|以前|听说|有人说|打发时间|"
                   r"说的那个|那个说|我去问|我去了|才知道|放弃|"
                   # (求 a search, not 要求 a requirement: 要求年满18岁 is the opening's own)
                   r"找工作|找兼职|找个活|(?<!要)求|想找|哪里有|骗|传销|报警|别信|小心|举报|"
                   # the pay called low (但工资很低 一个月一千多): a job told, not offered; an ad never runs its pay
                   # down (不嫌钱少 is its own coaxing)
                   r"(?<!嫌)(?:工资|钱|收入|薪水|赚的|挣的)(?:很|太|特别|好|超|真|也|就|比较)?(?:低|少)(?!不了|不得)")


# the ads' own reassurance (不是骗子, 不是传销, 这不是刷单) is no warning
_REASSURED = re.compile(r"不是(?:骗子?人?|传销|刷单)")


def offers_easy_money(body: str) -> tuple[str, ...] | None:
    """The words of easy money offered as a job (the pay, the promise, the job or call), or None.
    Spaced-out words (手 机 就 能 做 一 天 赚 3 0 0) read as one; two promises stand for the call."""
    body = _REASSURED.sub("，", unspaced(body))
    return every_part(body, _TOLD, _PAY, _EASY, _OFFER) or _two_promises(body) or _advanced(body)


# the order scam's own steps (淘宝补单 垫付的本金秒返 佣金按单价5%-15%: a read probe file's line that passed an
# established member): orders placed for a shop, the buyer's money paid first, and it coming back with a
# cut. Members name the steps to warn (垫付那一步就是收网; 刷单的话术又升级了 现在叫"网店补单")
_ORDERS = re.compile(r"补单|刷单|做单|刷好评|好评员|刷销量|冲销量|垫付任务")
_ADVANCE = re.compile(r"垫付|垫资|本金")
_CUT = re.compile(r"佣金|提成|返(?:本|款|还|现)?")
# (and how it turns, 前两单真的返 第三单让你做连单 就再也不返了; a shop's own replacement order refunded to
# its customer, 我们店今天补单 顾客垫付的运费 返给人家了)
_ADVANCE_TOLD = re.compile(r"骗|收网|话术|套路|别|不要|小心|提醒|跑|就是|升级|后来|结果|被|让你|不返|没了|连单|"
                           r"顾客|客人|人家")


def _advanced(body: str) -> tuple[str, ...] | None:
    """The order scam's steps (补单, 垫付, 佣金) offered, none told of as a trap, or None."""
    return every_part(body, _ADVANCE_TOLD, _ORDERS, _ADVANCE, _CUT)


_MINE = re.compile(r"我(?!们|带|这)")


def _two_promises(body: str) -> tuple[str, ...] | None:
    """The pay and two easy-money promises with no call (每天花十分钟 点点手机 月入三千), or None."""
    # the writer's own work told (我下班在家剪视频 一条能拿五十) is no offer without a call
    if _TOLD.search(body) or _MINE.search(body) or (pay := _PAY.search(body)) is None:
        return None
    easy = list(dict.fromkeys(m.group(0) for m in _EASY.finditer(body)))
    return (pay.group(0).strip(), *easy[:2]) if len(easy) >= 2 else None
