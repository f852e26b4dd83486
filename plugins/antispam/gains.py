"""Gains promised on an investment, with no sum put in (issue 11): 跟着老师做短线 这周三个涨停 想上车的私我;
内部消息 下周有只票要连板 名额有限; 币圈带单 合约跟单胜率九成 想翻身的加我; 理财名额只剩三个 收益稳定.

returns.py reads the scam that names a sum and a rate (投一台三万 每月分红两千); most investment ads name
neither, only the promise (稳赚, 保本, 翻倍, 内部消息, 带单), and the char model reads them as members'
money talk (the eleventh blind probe's investment ads 0.42 from an established member). What they
say and members' money talk does not is three things at once: a venture (理财, 股票, 基金, 币, 合约,
期货, 项目 …), a gain promised to whoever follows (稳赚, 保本, 零风险, 翻倍, 涨停, 内部消息, 带单, 高收益,
比银行高 …) and a pitch to the reader (私我, 找我, 上车, 名额, 想赚钱的, 感兴趣 …). A member telling how
their own fund did (我的票翻倍了 请大家喝奶茶), asking for a safe product, or warning of 带单老师 (骗,
割韭菜, 亏惨) is no pitch. The schemes sold to the old and to neighbours name a stake rather than a fund
(入股 a 合作社, 矿机, 养老公寓, 老茶, 原石) and what it grows to (一年变十万, 每月分红, 三年翻三倍, 回本):
the third reading. This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import every_part, unspaced

# what the money goes into
_VENTURE = re.compile(r"理财|股票|炒股|股市|个股|牛股|票|基金|期货|外汇|黄金|白银|原油|合约|币圈|虚拟币|"
                      # (gold and coins by their tickers, trading coins: lead54)
                      r"(?<![a-z])(?:btc|eth|xau(?:usd)?)(?![a-z])|做币|炒币|"
                      r"数字货币|比特币|原始股|新股|打新|配资|项目|短线|大盘|a股|港股|美股|盘|证券|"
                      # a way to money named as such, or following someone's trades (跟着我买就行)
                      r"路子|门路|渠道|赚钱|跟着(?:我|老师)?(?:买|做|操作)")
# a gain promised to the reader (the writer's own told, 我的票也翻倍了, is _TOLD's)
_PROMISE = re.compile(r"稳赚|稳赢|稳挣|只赚不赔|不赚不收|保本|保息|保底|零风险|无风险|不亏|亏了[^，,。\s]{0,3}赔|"
                      r"包赚|躺赚|"
                      r"翻倍|翻番|翻了?[一二两三四五六七八九十几0-9]{1,12}倍|多赚了?[一二两三四五六七八九十几百千万0-9]{1,12}|"
                      r"[一二两三四五六七八九十几0-9]{1,12}倍收益|涨停|连板|"
                      r"内部消息|内幕|内部名额|内部渠道|内部认购|带单|跟单|喊单|带你赚|带大家赚|带你们赚|带你翻身|"
                      r"胜率|诊股|解套|没亏过|从没亏|一次没亏|"
                      # a caller's record: take-profits counted, points eaten, the record pinned (lead54)
                      r"[一二两三四五六七八九十0-9]{1,12}次止盈|吃了?[0-9一二两三四五六七八九十几百]{1,12}个?点|吃肉|战绩|"
                      # a pump told ahead (手上有个票 庄家下周拉: a read probe file's line that passed everyone)
                      r"庄家[^，,。\s]{0,4}拉")
# what a bank's or a fund's own staff say of a real product too (我们行新出的理财产品收益稳定 比定期高一点 需要的
# 可以找我了解: a newcomer's line of mine the char model reads 0.987, which this reading beside it would have made
# a removal at once): a gain only with a pitch that hurries or recruits (名额, 上车, 抓紧, 带你), not a plain call
_SOFT_PROMISE = re.compile(r"高收益|收益稳定|稳定收益|收益可观|比(?:银行|定期|定存|余额宝)[^，,。\s]{0,4}高")
_URGENT = re.compile(r"带你|带大家|拉你|进群|名额|上车|跟上|抓紧|错过|想赚钱的|想翻身|有闲钱|扣\s*1|想进")
# the reader asked to follow: not 了解 or 交流 alone (members share how they invest)
_PITCH = re.compile(r"私|找我|加我|滴我|戳我|带你|带大家|拉你|进群|名额|上车|跟上|抓紧|错过|想赚钱的|想翻身|想跟的?|"
                    r"有闲钱|感兴趣|有兴趣的?(?:私|找|滴|戳|联系)|需要的|要的|联系我|详聊|免费|[扣回]\s*1|想进|想做的|"
                    r"想吃肉|(?:来|私|找我)?(?:问|要)代码")
# told about, asked for or the writer's own: the scam named, a loss, a question, the writer's own holding
_TOLD = re.compile(r"骗|传销|跑路|爆雷|暴雷|割韭菜|韭菜|亏惨|亏了[^，,。\s赔]{0,6}(?:万|千|块|钱)|被套|套牢|别信|小心|"
                   r"不要信|千万别|坑|智商税|非法|哪有|不可能|天上掉|馅饼|有没有|我的(?:票|股票|基金)|请大家|请客|"
                   # a game's ranks and boosting (黄金铂金跟单 三元一星): 黄金 and 跟单 are the game's words there
                   r"白金|铂金|钻石|星耀|王者|一星|上分|段位|陪打|代打|单子号|"
                   # a job named 跟单 (a merchandiser's), the writer's own gain treated, asked about
                   r"跟单员|跟单文员|招(?!商)|回本了|请你们|吃烧烤|有人问我|国债|别学")


# a stake bought into: the schemes sold to the old and to neighbours name what the money buys, not
# a fund (入股 a 合作社, a 股东 of a shop, a 养老 or 康养 plan, a coin, a miner, land in a 元宇宙, 收藏 that
# only rises) and what it grows to (一万变三万, 一年回本, 每月分红, 三年翻三倍, 早进早赚) with a call to come in
_STAKE = re.compile(r"入股|股东|股份|原始股|认购|合伙|合作社|投资|投[一二两三四五六七八九十0-9几]|投个|投一点|"
                    r"项目|基金|理财|(?<![台港民日韩美欧外游金])币|矿机|挖矿|元宇宙|数字藏品|区块链|外汇|期货|期权|股票|收藏|"
                    r"资产配置|金融|新债|打新|荐股|(?:有只|内部)票|板块|主力|建仓|黄金(?!周|时间|档|搭档|比例)|白银|"
                    r"康养|养老(?:公寓|项目|基金|币|基地)|养殖|种植|苗木|大棚|土地|床位|"
                    # goods sold as a store of value (这批老茶三年翻三倍, 紫砂壶每年涨百分之三十)
                    r"老茶|普洱|白茶|红木|紫砂|玉石|原石|邮票|钱币|银币|金币|字画|藏品|越放越值钱")
_GROWTH = re.compile(r"翻(?:了)?[一二两三四五六七八九十百几0-9]{1,12}[倍番]|[一二两三四五六七八九十百几0-9]{1,12}倍|"
                     r"翻(?:几)?番|翻倍|"
                     r"(?:马上|明年|即将|就要)上市|(?:马上|下周|明天|就)要(?:涨|拉)|每年涨|亏了算|"
                     r"(?:每天|每日|日|月|年)(?:千分之|百分之)|月回[一二两三四五六七八九十0-9]|"
                     r"[一二两三四五六七八九十0-9]{1,12}万变[一二两三四五六七八九十0-9]{1,12}万|变[一二两三四五六七八九十0-9]{1,12}万|"
                     r"回本|分红|返息|每[个月年天亩股份]+(?:返|给你|分)|年化|保本|保底|日息|月息|随存随取|"
                     r"升值|准涨|必涨|拉升|起飞|赚麻|发财|早进早赚|早买早赚|稳赚|不亏|收益(?:很)?可观|"
                     r"一年(?:分|能拿)|每天(?:有|都有)收益|[一二两三四五六七八九十0-9]{1,12}万不是梦|小投入大回报")
_COME_IN = re.compile(r"私|找我|加我|滴滴|dd|带你|带大家|拉你|跟我|跟着|名额|优先|限额|机会|早期|正是时候|"
                      r"现在(?:买|进|入|换)|入场|进场|进去|入手|了解一下|咨询|感兴趣|有兴趣|有意|想跟|想要|想学|"
                      r"进群|囤|抓紧|错过|拉人|签合同|可以参观|别外传|欢迎来问|一起上车|上车|聊聊|要的|要进|"
                      # the authority and the crowd the schemes claim (政府背书, 公司回购, 镇上领导都投了, 我自己也投了)
                      r"政府|国家(?:支持|项目|背书)|有文件|回购|先投先得|先到先得|(?:好多|很多|不少)人(?:在做|在投|都)|"
                      r"都在投|都投了|我(?:自己)?也投|有闲钱|放我这|我手[里上](?:还)?有|拿货|我们这(?:个|有|里)")
# told about or the writer's own: the gains' _TOLD (but 有没有…想 and 招股东 recruit), and the news or a
# member's own stake told (我去年买的基金 今年翻倍了; 村里合作社分红了 去村委会领)
_STAKE_TOLD = re.compile(_TOLD.pattern.replace("有没有|", "有没有(?![^，,。\\s]{0,3}想)|")
                         .replace("招(?!商)", "招(?!商|股东|合伙)")
                         + r"|我(?:去年|之前|以前)?买的|村委|新闻|报道|听说|据说|"
                         r"分红了|回本了|不建议|谨慎|风险|"
                         # a bank's or a broker's own notice, the market's news, a job's pay (年终加分红)
                         r"尊敬的|我行|【|证监会|指数|内推|起薪|年终|工资")


# the schemes' own reassurance (不是骗人) is no warning; spaced-out words (投 一点 每天 有 收益) read as one
_REASSURED = re.compile(r"不是(?:骗子?人?|传销|割韭菜)")


def promises_gains(body: str) -> tuple[str, ...] | None:
    """The words of an investment's gains promised to the reader (the venture, the promise, the
    pitch), or None."""
    return every_part(body, _TOLD, _VENTURE, _PROMISE, _PITCH) \
        or every_part(body, _TOLD, _VENTURE, _SOFT_PROMISE, _URGENT) \
        or every_part(_REASSURED.sub("，", unspaced(body)), _STAKE_TOLD, _STAKE, _GROWTH, _COME_IN)
