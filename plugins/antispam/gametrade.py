"""Game goods and services sold to the group (issue 11's game cheats, accounts and cards: the real
target's QQ gaming and Telegram groups): 原神代充 648 创世结晶 官方直充 比游戏内便宜三成; 星铁 648 只要398
官方渠道 不黑号; 永劫无间代练 包上无间 打手都是职业的 不满意退; 绝地求生 内部科技 锁头+透视 日卡10 周卡50.

They carry no contact word (a handle at most, which from an established member is no evidence), and
the char model reads many as game chat: left out of training, the six newest probe files' game trade
was the weakest kind an established member's ads had (24 of 87 through). Gaming groups talk all day
about the same goods (代练被封了, 这皮肤五折 冲不冲, 648 又歪了), so a good's name is nothing alone. What
a seller must say and game chat does not is a service or a cheat with one of the seller's words, or a
good with two:

- a service only a seller offers (代充, 代练, 代打, 代肝, 代刷, 代装) or a cheat (科技, 透视, 自瞄, 锁头); or a
  good members trade too: an account by what makes it worth buying (自抽号, 初始号, 高段号, 正版账号), a
  code or card (激活码, cdk, 兑换码, 点卡, 卡密), the game's currency (648, 结晶, 点券, 金币), a console
  cracked (破解, 大气层, 拷机);
- the deal: below the official price (比官方便宜一半, 五折, 半价, 只要398, 闲鱼价一半), or a price per piece
  or term (一个三十五, 日卡10, 周包30, 批发);
- the seller's promise or call: 秒到, 官方渠道, 直充, 不黑号, 没封, 包上, 不满意退, 随时验号, 可换绑, 手法干净,
  纯手工, 工作室, 打手, 量大, 要的戳, 私我.

spam47 (the four read probe files' misses): a service's refund or floor is the seller's promise too (不出全退,
不上榜退, 保底前十, 下单就开 beside 代抽/代刷/代练), and an account is named by what it holds (满英雄, 满级精灵号,
满命号) with a price to sell at (一百出, 三百出) and the seller's 带邮箱 or 先到先得. Gacha pity is every player's
word (九十抽保底, 大保底), so only a floor of a rank (保底前十) is a promise; a guild's ranking goal names no
service, an account given to a nephew no price, the shop's own 低价甩卖 … 先到先得 is the shop's
(tests/test_antispam_members_lines.py GAME_PROMISES).

A member's own buy told (我充的, 我买的号被找回了), a warning (代练都是骗子, 小心黑号), what it ends in or
disbelief (低价代充都是黑卡 充完号就封; 不封号 这种话你也信), what someone else said (有人私我说 代充只要29,
会长说), a friend's trade passed on (我朋友做代练的 一把80 我帮你问问), a denial (不是破解, 我不做这个), a
question (有人代练吗) is no offer; checks.py leaves questions,
quotes and warnings out. This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import NUMBER, unspaced

# a service or a cheat: what only a seller offers (members do not do each other's 代练 for a price, and a
# cheat has no honest market), so one of the seller's words beside it is enough
# (科技 only as a cheat's: 青禾科技 and 科技园 are companies and places)
_SERVICE = re.compile(r"代(?:充|练|打|肝|刷|抽|上分|开会员|装)|(?:内部|稳定|独家|锁头|透视|自瞄|吃鸡|高)科技|"
                      r"外挂|透视|自瞄|锁头|无后座|"
                      # a macro that plays for the player (压枪宏, 自动振刀: lead54, a fresh blind file's), a cheat
                      # by what it shows or does (开局就显示身份, 加速穿墙, 透视版), a rank boosted by its arrow
                      # (钻石→星耀)
                      r"压枪宏|自动压枪|自动振刀|透视版|无敌版|加速穿墙|穿墙|开局就?显示身份|自动瞄准|"
                      r"(?:青铜|白银|黄金|铂金|钻石|星耀|超凡|大师|宗师)\s*(?:→|->|➡️?)\s*"
                      r"(?:黄金|铂金|钻石|星耀|王者|超凡|神话|大师|宗师|传奇|荣耀)")
# a good: members trade and talk of these too (这皮肤五折了, 648 又歪了), so it takes two of the seller's words
_GOOD = re.compile(
    r"(?:自抽|初始|高段|成品|毕业|满级|满命|不死|白|独立|正版|微软|港服|日服|美服|国际服|外服|全角色|全英雄|"
    r"steam|psn|epic|忍)(?:账?号)|账号|"
    # an account by what it holds (满英雄 国际服号 above; 满级精灵号, 满忍者号)
    r"满(?:级|英雄|神宠|命|图鉴|皮肤?|忍者?)[\u4e00-\u9fff]{0,3}号|"
    # (or by its rare skins, 金皮号, 限定号; a key, steam key: lead54)
    r"(?:金皮|限定|绝版|全皮)[\u4e00-\u9fff]{0,2}号|(?:steam|正版|游戏)\s*key|"
    # (a top-up, the game's gold as bars or ingots, a server's gold written g: 怀旧服g)
    r"充值(?!卡)|金条|元宝|(?:正式服|怀旧服|国服|台服|美服|欧服)\s*g(?![a-z])|"
    r"激活码|cdk|兑换码|点卡|卡密|礼品卡|eshop卡|充值卡|"
    r"创世结晶|结晶|(?<![0-9])648(?![0-9])|点券|q币|金币|(?<![a-z])g(?:团|币)|皮肤|战令|通行证|"
    r"破解|大气层|拷机")
# the deal: under the official price, or a price per piece or term
_DEAL = re.compile(
    rf"(?:比|低于)(?:官方|官网|游戏内|商城|拍卖行|闲鱼|市场|原价|店里|buff|悠悠|c5)[^，,。！!]{{0,4}}(?:便宜|划算|低|少|实惠)|"
    rf"便宜(?:一半|[一二两三四五六七八九几]成)|(?:闲鱼|官方|官网|原)价(?:的)?一半|半价|"
    rf"(?<![0-9])[1-9一二三四五六七八九](?:\.[0-9])?折|"
    rf"只要\s*{NUMBER}|{NUMBER}\s*就能?(?:冲|充|买|拿|上)|"
    rf"(?:一|每)(?:个|张|件|套|号|把|局|星|段|小时)\s*{NUMBER}\s*(?:元|块|u|刀)?|"
    # (or after the price, 10r一个; sold cheap or in a hurry, 便宜出, 急出: a sale's word like 三百出, lead54)
    rf"{NUMBER}\s*(?:r|元|块|rmb)\s*(?:一|每)(?:个|张|套|号)|便宜出|急出|低价出|{NUMBER}\s*(?:元|块|r)?\s*包[月周年]|"
    rf"[日周月年季](?:卡|包)\s*{NUMBER}|团购价|批发|价格美丽|低价|白菜价|{NUMBER}\s*(?:元|块|u)\s*起|"
    # a price to sell at (一百出, 300出): a price's size (十, 百, 千 or two digits), not 一出戏 or 一百出头
    r"(?<![0-9一二两三四五六七八九十百千万几])(?:[0-9]{2,6}|[一二两三四五六七八九]?[十百千][一二两三四五六七八九十百千]{0,4})"
    r"\s*(?:元|块)?\s*出(?![去来门发现了头差国院生租手])")
# the seller's promise, or a call to buy
_SELLER = re.compile(
    r"秒(?:到|发|冲|充|出)|官方(?:渠道|直充)|直充|不黑号|不封号?|没封|防封|包(?:上|赢|过|赔|售后|退)|"
    r"不满意退|随时验号|验号|可换绑|换绑|可改(?:名|绑)|手法干净|纯手工|工作室|打手|职业的|量大|走u|支持换|"
    r"不用给账号|上门|售后|信誉|要的(?:戳|私|来|滴|找)|私我|私聊|滴滴|"
    # (a cheat used long unbanned, every run taken, played by hand, a video to check, a deposit or escrow, gold in
    # stock sent by mail within minutes, a top-up through a foreign channel, a rental's login tool: lead54)
    r"用了?[一两三几0-9]{1,12}个?(?:月|周|年|天)(?:都)?没(?:事|封)|都接|均可接|手打|录屏|押金交易|担保交易|现货|"
    r"邮件发货|[0-9一二三四五六七八九十几]{1,12}分钟(?:内)?到|海外渠道|不掉单|上号器|打完再付|"
    r"加我|找我|三天搞定|随便挑|"
    # a service's refund or floor (不出全退, 不上榜退, 保底前十: not gacha pity's 保底 alone), an order's start,
    # an account sold with its mail box, first come
    r"不(?:出|上榜|成功)(?:全|包)?退|保底前[0-9一二三四五六七八九十百]{1,12}|下单(?:就|即)开|带(?:原|绑定)?邮箱|先到先得|"
    # a batch to sell (出一批), a good for life (终身版, 永久包售后), the trade's channel (走pp交易, 走u)
    r"出一批|一批出|(?:终身|永久)(?:版|会员|使用|包)|走\s*(?:pp|平台|担保|中介)(?:交易)?|"
    # a console cracked for a fee: sent in, games loaded by the hundred, paid once it works
    r"寄修|(?:送|加|装)[0-9一二两三四五六七八九十百千几]{1,6}个?游戏|ok就付|好了再付|先刷后付|满意再付|刷好再付|"
    # every server taken, sent once ordered, the key sent before it is paid for (lead54)
    r"全(?:区|服)(?:全服)?(?:可接|都接)|全服务器(?:可接|都接|通用)|拍下(?:秒发|即发|就发)|先发(?:key|码|货)|激活了?再付")
# the game's own shop or event: members pass on its sales with a deal and a cheer (商城这皮肤五折了 放心冲;
# 活动期间点券半价 官方活动), and 放心, 有需要 and 联系 are a member's words as much as a seller's; a service or a
# cheat is no shop's, so this spares only goods
_SHOP = re.compile(r"商城|官方(?:的)?(?:活动|商城|福利|公告)|活动(?:期间|价|时间)|限时|周年庆|返场|首充|新赛季|"
                   r"版本(?:活动|福利)|礼包打")
# the writer's own account, spoken of as such (这个号, 我的, 退坑, 不玩了, 自己玩的)
_OWN = re.compile(r"这个|我的|我这|本人|退坑|不玩了|自己")
# told, not sold: the writer's own buy or loss, a warning, a discussion
_TOLD = re.compile(r"我(?:也|之前|上次|昨天|今天)?(?:充|买|找|用|代|开)(?:了|的|过)|我的号|被(?:封|骗|盗|找回|黑)|"
                   r"骗|别(?:买|信|找|用|碰|私聊|私我|加我)|举报|小心|后悔|不要买|坑|封号了|黑号了|找回|违规|风险|盗刷|"
                   r"不是(?:破解|外挂|盗版|代)|有人.{0,16}说|(?:那个|会长|群主|他|她|朋友|同学)说|"
                   # what it ends in, or disbelief: talk about the trade (低价代充都是黑卡 充完号就封)
                   r"黑卡|就封|封了|会封|追回|号就没|谁信|你也信|我才?不信|必是|十有八九|"
                   # the writer's own sale gone wrong (我在闲鱼卖了个正版key 先发key … 结果跑了: lead54's own line)
                   r"结果|跑路|跑了|我(?:之前|上次)?(?:在[^，,。\s]{0,4})?卖(?:了|过)|"
                   # (or the service the writer does not do, 我不代打 也不接单 … 别私聊我价格: a fresh blind file's
                   # guild member warned as a newcomer, lead54)
                   r"我不(?:做|卖|接|代|帮)|不要找我|别讨论|能挣|能赚|挣几|赚几|怎么运作|"
                   # the service denied as the writer's (我们不是代打工作室 above, 不接代练 我们做周边设计)
                   r"不(?:接|做|搞|干)代|"
                   # someone else's trade passed on (我朋友做代练的 一把80 我可以帮你问问): not the writer's sale
                   r"我的?(?:朋友|室友|同学|表[哥弟姐妹]|堂[哥弟姐妹]|亲戚|老公|老婆|兄弟|哥们)|帮你们?问|"
                   # given away, not sold (多了一个季卡兑换码送群友 先到先得 私我给你: a trained probe's member, spam47)
                   r"送(?:给)?(?:群友|群里|大家|你们)|免费送|白送")


def sells_game_goods(body: str) -> tuple[str, ...] | None:
    """The words of a game good or service sold (a service or a cheat and one of the seller's words, a
    good and two: a deal, a promise or a call), or None. Spaced-out words (原神 代充 六折) read as one."""
    body = unspaced(body)
    # the good first: most messages name none, and the told words are the longer search
    service = _SERVICE.search(body)
    good = service or _GOOD.search(body)
    if good is None or _TOLD.search(body) or (service is None and _SHOP.search(body)):
        return None
    words = [m.group(0) for m in _DEAL.finditer(body)][:1]
    words += [m.group(0) for m in _SELLER.finditer(body) if m.group(0) != good.group(0)]
    words = list(dict.fromkeys(words))
    # first come is a giveaway's word as much as a seller's (我多了两个兑换码 谁要私我 先到先得): with no price,
    # not the seller's
    if "先到先得" in words and not _DEAL.search(body):
        words.remove("先到先得")
    # a member's own account sold in her words (退坑了 这个满级号三百出 先到先得) is the selling rule's to remind
    # (or the owner's #卖货 允许 to allow), not an ad: spam47's plain sale words (a price to sell at, 先到先得,
    # 带邮箱) count only in a listing that speaks of no account of the writer's own
    if _OWN.search(body):
        words = [w for w in words if not (w.endswith("出") or w == "先到先得" or w.endswith("邮箱"))]
    enough = 1 if service else 2
    return (good.group(0), *words[:2]) if len(words) >= enough else None
