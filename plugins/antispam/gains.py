"""Gains promised on an investment, with no sum put in (issue 11): 跟着老师做短线 这周三个涨停 想上车的私我;
内部消息 下周有只票要连板 名额有限; 币圈带单 合约跟单胜率九成 想翻身的加我; 理财名额只剩三个 收益稳定.

returns.py reads the scam that names a sum and a rate (投一台三万 每月分红两千); most investment ads name
neither, only the promise (稳赚, 保本, 翻倍, 内部消息, 带单), and the char model reads them as members'
money talk (the eleventh blind probe's investment ads 0.42 from an established member). What they
say and members' money talk does not is three things at once: a venture (理财, 股票, 基金, 币, 合约,
期货, 项目 …), a gain promised to whoever follows (稳赚, 保本, 零风险, 翻倍, 涨停, 内部消息, 带单, 高收益,
比银行高 …) and a pitch to the reader (私我, 找我, 上车, 名额, 想赚钱的, 感兴趣 …). A member telling how
their own fund did (我的票翻倍了 请大家喝奶茶), asking for a safe product, or warning of 带单老师 (骗,
割韭菜, 亏惨) is no pitch. This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import every_part

# what the money goes into
_VENTURE = re.compile(r"理财|股票|炒股|股市|个股|牛股|票|基金|期货|外汇|黄金|白银|原油|合约|币圈|虚拟币|"
                      r"数字货币|比特币|原始股|新股|打新|配资|项目|短线|大盘|a股|港股|美股|盘|证券|"
                      # a way to money named as such, or following someone's trades (跟着我买就行)
                      r"路子|门路|渠道|赚钱|跟着(?:我|老师)?(?:买|做|操作)")
# a gain promised to the reader (the writer's own told, 我的票也翻倍了, is _TOLD's)
_PROMISE = re.compile(r"稳赚|稳赢|稳挣|只赚不赔|不赚不收|保本|保息|保底|零风险|无风险|不亏|亏了[^，,。\s]{0,3}赔|"
                      r"包赚|躺赚|"
                      r"翻倍|翻番|翻了?[一二两三四五六七八九十几0-9]+倍|多赚了?[一二两三四五六七八九十几百千万0-9]+|"
                      r"[一二两三四五六七八九十几0-9]+倍收益|涨停|连板|"
                      r"内部消息|内幕|内部名额|内部渠道|内部认购|带单|跟单|喊单|带你赚|带大家赚|带你们赚|带你翻身|"
                      r"胜率|诊股|解套|没亏过|从没亏|一次没亏")
# what a bank's or a fund's own staff say of a real product too (我们行新出的理财产品收益稳定 比定期高一点 需要的
# 可以找我了解: a newcomer's line of mine the char model reads 0.987, which this reading beside it would have made
# a removal at once): a gain only with a pitch that hurries or recruits (名额, 上车, 抓紧, 带你), not a plain call
_SOFT_PROMISE = re.compile(r"高收益|收益稳定|稳定收益|收益可观|比(?:银行|定期|定存|余额宝)[^，,。\s]{0,4}高")
_URGENT = re.compile(r"带你|带大家|拉你|进群|名额|上车|跟上|抓紧|错过|想赚钱的|想翻身|有闲钱|扣\s*1|想进")
# the reader asked to follow: not 了解 or 交流 alone (members share how they invest)
_PITCH = re.compile(r"私|找我|加我|滴我|戳我|带你|带大家|拉你|进群|名额|上车|跟上|抓紧|错过|想赚钱的|想翻身|想跟的?|"
                    r"有闲钱|感兴趣|有兴趣的?(?:私|找|滴|戳|联系)|需要的|要的|联系我|详聊|免费|扣\s*1|想进|想做的")
# told about, asked for or the writer's own: the scam named, a loss, a question, the writer's own holding
_TOLD = re.compile(r"骗|传销|跑路|爆雷|暴雷|割韭菜|韭菜|亏惨|亏了[^，,。\s赔]{0,6}(?:万|千|块|钱)|被套|套牢|别信|小心|"
                   r"不要信|千万别|坑|智商税|非法|哪有|不可能|天上掉|馅饼|有没有|我的(?:票|股票|基金)|请大家|请客|"
                   # a game's ranks and boosting (黄金铂金跟单 三元一星): 黄金 and 跟单 are the game's words there
                   r"白金|铂金|钻石|星耀|王者|一星|上分|段位|陪打|代打|单子号|"
                   # a job named 跟单 (a merchandiser's), the writer's own gain treated, asked about
                   r"跟单员|跟单文员|招(?!商)|回本了|请你们|吃烧烤|有人问我|国债|别学")


def promises_gains(body: str) -> tuple[str, ...] | None:
    """The words of an investment's gains promised to the reader (the venture, the promise, the
    pitch), or None."""
    return every_part(body, _TOLD, _VENTURE, _PROMISE, _PITCH) \
        or every_part(body, _TOLD, _VENTURE, _SOFT_PROMISE, _URGENT)
