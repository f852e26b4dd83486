"""A grey service sold to the group (issue 11's grey services: the real target's tech, crypto and seller
groups): 各地发票可代开 专票普票都有 税点低; 查开房记录 查手机定位 专业调查 保密; 翻墙梯子 稳定不掉线 一个月15
要的私; iOS 企业签 超级签 掉签包赔; 公众号阅读量 点赞 粉丝 刷量 价格最低; 外卖差评删除 50一条 店家老板找我; a
driving licence's points taken for money (代扣分 一分两百 全国可办 私聊我, lead50).

No contact word, or a plain handle, and the char model reads a third of them as tech talk (the thirteen
probes' grey services 37 missed from an established member). Members talk about the same tools (公司的
VPN 又不稳定了; 差评太多 别去那家; 网课还没看完), so the tool is nothing alone. What a pitch says is the
service and the seller's promise or price at once — 包过, 保密, 包赔, 稳定, 不掉线, 价格最低, 按条收费,
50一条, 一个月15, 日卡 周卡 月卡, 税点低, 上网能查, 专业团队 — and a call (私, 找我, 联系我, 要的, 需要的,
加) or a second promise standing for it.

A seat on a shared subscription (sells_a_shared_seat, spam47: the four read probe files' misses) is sold
the same way with no grey service named: Claude Pro 车位 还剩两个 月付二十五; AI会员车位 还剩两个座 … 月付二十五
稳的; Notion 团队版 … 官方正版拼车 一年只要 68 名额有限. The seller resells one account's seats, and what
says so is four things at once: the subscription (会员, plus, pro, a service's name), the seat (车位, 拼车,
合租, 家庭组), what is left (还剩两个, 名额有限) and a price by the month or year (月付二十五, 一年只要68).
Members share plans among themselves and say the same words (netflix家庭版我和室友合租的 一人一个月二十五;
office家庭版 … 我和老公爸妈妹妹 还剩一个名额给表弟了), and a car park, a flat and a lift are 车位, 合租 and 拼车
too (小区地下车位还剩两个 月付三百; 合租房还剩两间 月付一千五; 拼车去机场还剩两个座 每人五十): the
subscription must be named, and the writer's own people (我和, 室友, 家里人, 不对外) or a shared account
warned about (封了, 骗) make it no sale (tests/test_antispam_members_lines.py SHARED_SEATS).

A member's own use told (我买的梯子 一个月十五 挺稳定), a complaint (不稳定, 又掉线), a question, a warning or
a report (被骗, 违法, 抓了, 举报) is no pitch; checks.py leaves quotes and warnings out. This module only
reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import NUMBER, every_part, unspaced

# the grey service itself
_SERVICE = re.compile(r"代开|发票|专票|开房记录|查开房|(?:手机|号|虚拟|实时)定位|查人|查车主|"
                      r"(?:查|手机号)机主|行车轨迹|聊天记录|翻墙|梯子|vpn|"
                      r"机场[^，,。\s]{0,4}(?:加速|节点|外网)|外网|企业签|超级签|掉签|群发|群控|协议号|刷量|刷人气|"
                      r"阅读量|刷粉|差评(?:删除|处理)|删差评|代缴|征信(?:修复|洗白)|逾期记录|洗白|刷课|帮刷|帮挂|"
                      r"网课挂机|作弊器|透视|自瞄|抢单神器|伪原创|洗稿|病历|诊断证明|住院证明|刷步数|刷跑步|"
                      # a driving licence's points taken by someone else (lead50's 车友群: 代扣分 一分两百)
                      r"代扣分|代消分|消分|买分|卖分|代学(?:减分|消分)|"
                      # a banned account's unban by strangers' help, data on people sold by the row, notes
                      # seeded on a shopping app by the hundred (lead52, the read probe files' misses)
                      r"好友辅助|辅助解封|解封|(?:全国|精准)数据|铺笔记|素人(?:号|笔记)|铺量|"
                      # a minor's play limit lifted, a game's credit score repaired (lead54, a read file's)
                      r"防沉迷(?:一键)?(?:解除|破解)|(?:解除|破解|绕过)防沉迷|信誉分修复|修复信誉分|信用分修复")
# the seller's promise or price
_PROMISE = re.compile(rf"包过|保过|保密|包赔|(?<!不)稳定|不卡|不掉线|价格最低|全网最低|按条收费|税点低|上网能查|"
                      # an invoice seller's (税点面谈, 点数低)
                      rf"税点面谈|(?:点数|点位)低|"
                      rf"能查到|有保证|全能查|专业团队|专业调查|有偿|一键搞定|不限制|节点多|收费合理|演示可看|"
                      rf"{NUMBER}\s*[元块]?\s*一(?:条|篇|门|单|个|次|分)|一(?:条|篇|门|单|个|次|分|年|个月)\s*{NUMBER}|"
                      # a licence's points: by the point, anywhere, without the driver
                      rf"全国(?:可办|都能办|通办)|(?:不用|无需|不需要)本人|"
                      rf"包月|日卡|周卡|月卡|{NUMBER}\s*[元块]?\s*起|"
                      rf"按条算|精准到|{NUMBER}\s*分钟(?:解|搞定|到账|出)|收录不了补|包收录|打底|"
                      # (for good, at a click, past the parents, to full marks: the play limit's and the score's)
                      rf"一次永久|一键解除|家长看不出|未成年也能|恢复到(?:满分|100)|不影响排位")
_CALL = re.compile(r"私|找我|联系我|要的|需要的|加我|加\s*v|@|来找|店家老板|扣\s*1|踢我|要做的")
_CHECKABLE = re.compile(r"(?<!不)可查(?:验|询)?|可验真")
# the lawful 代开: a tax office issues a sole trader's invoice (个体户去税务局代开发票 税点是百分之一 可查验)
_BY_THE_TAX_OFFICE = re.compile(r"(?:税务局|税局|税务大厅|办税大厅|大厅|窗口)[^，,。！!？?；;]{0,6}代开")
# told, not offered: the writer's own use, a complaint, a report, a warning
_TOLD = re.compile(r"我(?:也|之前|上次|自己)?(?:买|用|找|办)(?:了|的|过)|不稳定|又掉|掉线了|被骗|骗子|违法|犯法|"
                   r"抓了|举报|警察|判了|别买|别信|千万别|小心|有没有|哪里|求推荐|有推荐|求")


def offers_a_grey_service(body: str) -> tuple[str, ...] | None:
    """The words of a grey service pitched (the service, the promise or price, the call or a second
    promise), or None. Spaced-out words read as one."""
    body = unspaced(body)
    service = _SERVICE.search(body)
    if service is None or _TOLD.search(body):  # the service first: nearly every message has none
        return None
    promises = list(dict.fromkeys(m.group(0) for m in _PROMISE.finditer(body)))
    # invoices issued for someone else's trade: the service is the offence, and one promise beside it sells
    # it, its being checkable too (各地正规票据代开 … 税务局网站可查 税点面谈, the order 代开发票's stop phrase does
    # not read); a company's own invoices 可查 are no promise
    invoices = service.group(0) == "代开" and not _BY_THE_TAX_OFFICE.search(body)
    if invoices:
        promises += [m.group(0) for m in _CHECKABLE.finditer(body)]
    if not promises:
        return None
    call = _CALL.search(body)
    if call:
        return (service.group(0), promises[0], call.group(0))
    if invoices:
        return (service.group(0), promises[0])
    return (service.group(0), *promises[:2]) if len(promises) >= 2 else None


# a shared subscription's seat sold (spam47): the subscription, the seat, what is left, a price by the term
_SUBSCRIPTION = re.compile(r"会员|(?<![a-z])(?:plus|pro|premium)(?![a-z])|netflix|奈飞|网飞|spotify|youtube|油管|"
                           r"chatgpt|gpt|claude|gemini|notion|obsidian|office|microsoft\s*365|icloud|迪士尼|disney|"
                           r"hbo|apple\s*(?:music|one|tv)|网盘|(?<![a-z])ai(?![a-z])")
_SEAT = re.compile(r"车位|拼车|合租|上车|家庭组|家庭版|共享号")
_LEFT_RE = re.compile(rf"还(?:剩|有|差)\s*{NUMBER}\s*(?:个|位|人)?|仅剩|只剩|名额有限|最后\s*{NUMBER}\s*个|"
                      rf"缺\s*{NUMBER}\s*(?:个|位|人)")
_TERM_PRICE = re.compile(rf"[月年季]付\s*{NUMBER}|(?:一|每)(?:个月|月|年|季)(?:只要|才|仅)?\s*{NUMBER}|"
                         rf"{NUMBER}\s*(?:元|块|刀|u)?\s*(?:一|每|/)(?:个月|月|年)|[月年]卡\s*{NUMBER}")
_SEAT_TOLD = re.compile(r"我和|我们家|家里人|家人|室友|宿舍|同学|朋友|老公|老婆|不对外|封了|封号|骗|别找|别买|"
                        r"我(?:也|自己)?(?:买|开|拼|上车)(?:了|的|过)|我自己开")


def sells_a_shared_seat(body: str) -> tuple[str, ...] | None:
    """The words of a shared subscription's seat sold (the subscription and the seat, what is left, a price
    by the term), or None. Spaced-out words read as one."""
    body = unspaced(body)
    # the seat first: every message asks, and few name one
    if _SEAT.search(body) is None:
        return None
    return every_part(body, _SEAT_TOLD, _SUBSCRIPTION, _SEAT, _LEFT_RE, _TERM_PRICE)
