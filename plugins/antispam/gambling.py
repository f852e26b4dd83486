"""Gambling offered to the group (issue 11's gambling: the real target's Telegram and QQ groups):
麻将斗地主上分群 一元一分 24小时有人 拉你; 牛牛 炸金花 房卡群 拉你上分; 足球 世界杯 竞猜 赔率高 一百起
结算快; 赛车 飞艇 计划群 带你回血; 网上斗牛 现金局 充多少提多少 秒到.

No contact word, and the char model reads many as game chat (the thirteen probes' gambling 28 missed
from an established member). Members talk about the same games all day (上分上分 今天必须上王者; 三缺一
来个人斗地主 欢乐豆的; 今晚湖人赔率多少), so a game's name is nothing alone. What an ad says and game
chat does not is three things at once:

- a game of chance played for money, or a bet: 百家乐, 炸金花, 牛牛, 推筒子, 押大小, 飞艇, PC28, 红包
  扫雷, 下注, 押注, 坐庄, 赔率, 竞猜, 计划群, 真钱局; a friends' game (麻将, 斗地主, 打牌) only played in a
  group or online (麻将群, 网上, 线上, 房卡) or for money (能赚钱的麻将);
- the money: a stake (一元一分, 一局五块, 一千起押, 五十起上), odds (一赔二, 赔1.8倍, 赔率高), the cash
  flowing (充多少提多少, 出金快, 秒到, 首存100送100, 先赢后付), the win promised (稳赚, 回血, 翻倍, 胜率
  90%, 中了十期);
- the call: 拉你, 带你, 来玩, 想玩的私聊, 想跟的, 找群主上分, 进, 24小时有人, 天天有局 (the house open)
  — or a second money word or a second game word standing for it (竞猜 赔率高 一百起 结算快).

Three shapes say the money without 上下分 or a call (spam47, from the four read probe files' misses): a
stake per point or a buy-in (元一分 随上随下, 带入 200 刀, 10U就能玩), a tipster's record beside a line or
in-play bets (让一球 … 已连红8场, 滚球 … 三中二 稳赚), and a hash game's fairness (哈希竞猜 链上可查 谁也做不了假);
each still needs the game of chance and a second money word or the call. The members' side they must
leave alone (tests/test_antispam_members_lines.py GAMBLING): a family's 麻将 at New Year (元一分 随上随下 with
no game of chance), a line argued over (曼城让一球 这盘口真不好说: no money), a tipster laughed at (天天晒已连红8场
笑死: no line), a developer's on-chain randomness (链上可查 谁也做不了假: no hash game), a company's 竞猜 that
says 公平透明 (fairness counts only beside a hash game or a stake), a class's 三中二班.

A member's own bet told (我押的湖人赢了), a game for beans or points (欢乐豆, 积分, 不玩钱), a warning or a
discussion (上分下分是赌博的黑话, 别进, 举报) is no offer; checks.py leaves quotes and warnings out. A
question is no offer, unless the call comes after it (有人一起玩吗 拉你上分: the question is the hook).
This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import NUMBER, unspaced

# a hash game: fairness words (链上可查) count as its money only beside it
_HASH = r"哈希(?:竞猜|单双|大小|尾数|游戏|彩|转账)|尾数定输赢"
# a game of chance or a bet, as such (not a friends' game)
_CHANCE = re.compile(r"百家乐|炸金花|牛牛|斗牛|推筒子|押大小|买大小|大小单双|骰子|色子|[Pp][Cc]\s*28|加拿大\s*28|"
                     r"玩[两几]?把\s*28|飞艇|时时彩|快三|六合彩|彩票计划|计划群|扫雷|踩雷|真钱局|现金局|真钱|"
                     r"下注|押注|[押压](?:大|小|[0-9一二两三四五六七八九十百千万]{1,8}|湖人|主队|客队)|坐庄|做庄|庄家|"
                     r"赔率|竞猜|棋牌|赌|博彩|菠菜|娱乐城|搏一搏|斗[鸡狗]|拿到结果|内部消息.{0,6}[场赛]|假球|稳胆|"
                     # a hash game (its result read off a block), in-play bets, a handicap line: a gambler's
                     # words, where 哈希值 and 让球 alone are a developer's and a fan's
                     rf"{_HASH}|滚球|骰宝|让[一半两二0-9.]{{1,3}}球|"
                     # a lottery drawn every few minutes (北京赛车, PK10, 分分彩), not a race; slots; the house's
                     # points bought and cashed (上下分: 上分 alone, or 上分下分 apart, is a player's rank)
                     r"北京赛车|幸运赛车|[Pp][Kk]\s*10|[Pp][Kk]拾|分分彩|[0-9一二三五]分彩|老虎机|电子游艺|上下分")
# a friends' game, a gamble only in a group, online or for money
# (and the fish game, 捕鱼: an arcade's for coins, a gamble online or for cash)
_GAME = re.compile(r"麻将|斗地主|打牌|掼蛋|跑得快|德州|梭哈|三公|牌局|捕鱼")
_ONLINE = re.compile(r"(?:麻将|斗地主|牌|掼蛋|棋牌|上分)(?:馆)?群|微信群|网上|线上|房卡|平台|app|上分|下分|"
                     r"能赚|赚钱|真钱|现金")
# the money: a stake, odds, the cash flowing, the win promised
_MONEY = re.compile(
    rf"(?:一|每)(?:元|块|分|局|注|把|手|炮)\s*{NUMBER}?\s*(?:元|块|分|局|注)?|{NUMBER}\s*[元块](?:钱)?(?:一局|一分|一把|起)|"
    rf"[一两二三四五六七八九十百千万0-9]{{1,8}}[元块]?\s*起\s*(?:押|上|下|玩)?|[一两]块两块|一块起|"
    rf"赔\s*[0-9.一二两三四五六七八九十]{{1,6}}\s*倍?|一赔[一二两三四五六七八九十0-9.]{{1,6}}|赔率(?:最)?高|赔三|"
    rf"充多少提多少|出金|提现|秒到|秒结|结算快|首[存充]|第一次充|[存充]\s*[0-9]{{1,8}}\s*送|返点|回血|稳赚|包赚|翻倍|"
    rf"胜率|准确率|中了|都赚了|很好赚|能赚钱|带你们?赚|一天{NUMBER}|先赢后付|彩头|上分|下分|真钱|现金|"
    # a stake per point with 一 left out (元一分: a yuan a point), points taken in and out at will (上下分's
    # other name), a buy-in, a stake in U to play
    rf"(?<![0-9一二两三四五六七八九十百千万几])[元块]一分|随上随下|带入\s*{NUMBER}|{NUMBER}\s*u\s*(?:就能|就可以|即可)?玩|"
    # a tipster's record (已连红8场, 三中二; not a school's 三中二班)
    # (or in a lottery's periods, 十期中八期; a rebate on losses, 返水: the house's word)
    rf"连红\s*{NUMBER}\s*场?|[0-9一二两三四五六七八九十]{{1,3}}期(?:能|就|里)?中了?[0-9一二两三四五六七八九十]{{1,3}}期?|返水|"
    # (a run of periods won, money back and ashore: the tipster's; a first deposit's bonus by the tenth)
    rf"连中\s*[0-9一二两三四五六七八九十]{{1,3}}\s*期|回本|上岸|(?:加)?送[一二三四五六七八九十0-9]成|"
    rf"(?<![0-9一二两三四五六七八九十第初高])[三四五六七八九十]中[一二三四五六七八九](?![班年级楼号届中层栋])")
# a hash game's fairness: its money beside a hash game or a stake (a quiz's 公平透明 and a chain's 链上可查 are
# no stake)
_FAIR = re.compile(r"链上可查|区块链?可查|公平透明|公平公正|做不了假|自动派奖|自动开奖|即玩")
# the call, or the house open: a stranger's invitation, not a friend's 谁来
_CALL = re.compile(r"拉你|拉人|带你|来玩|想玩|要玩|想跟|跟的|跟着|跟上|来的来|想来的|有意|私信|私聊|私我|找群主|加我|"
                   r"找我|进群|进来|点我|主页|介绍你|抓紧|(?:24|二十四)小时(?:有|在线)|天天有局?|随时有局|有局|"
                   r"在线[0-9几]{1,6}|客服(?:一直|全天)?在|"
                   r"老板都在|拉房|懂(?:规矩)?的(?:来|进)")
# told, not offered: the writer's own bet or loss, play for beans or points, a warning or a discussion
# (输了有返水 is the house's rebate, not a loss told)
_TOLD = re.compile(r"我(?:也|昨天|今天|上次)?(?:押|买|赌|输|赢|投)(?:了|的|过)|输了(?!有?返)|亏了|输光|能输|会输|输几|"
                   r"赌博|就是赌|欢乐豆|积分|金币|"
                   r"不玩钱|不赌钱|不带钱|不来钱|骗|别(?:玩|进|信|碰|去|加)|举报|戒赌|违法|犯法|坑|托|黑话|广告|"
                   r"踢|移出|报警|警察|抓|被拉进|退了|"
                   # disbelief (哈希竞猜 区块链可查 查个锤子 庄家想让你输就让你输: a trained probe's scam talk, spam47)
                   r"个锤子|个屁|个鬼|扯淡|谁信|让你输")
_ASKED = re.compile(r"吗|\?|？")


def offers_gambling(body: str) -> tuple[str, ...] | None:
    """The words of gambling offered (the game, the money, the call or a second money or game word),
    or None. Spaced-out words (押 大 小 一 块 起 押) read as one."""
    body = unspaced(body)
    if _TOLD.search(body):
        return None
    marks = list(_ASKED.finditer(body))
    asked = marks[-1] if marks else None
    # a question is the hook only when the call follows it (有人玩网上百家乐吗 我这边有个稳的平台带你们赚)
    tail = body[asked.end():] if asked else body
    chances = list(_CHANCE.finditer(body))
    games = [m.group(0) for m in chances]
    game = _GAME.search(body)
    if game and _ONLINE.search(body):
        games.append(game.group(0))
    if not games:
        return None
    game_words = set(games)
    # (not the money words inside a game's: 上分 and 下分 of 上下分)
    money = [m.group(0) for m in _MONEY.finditer(body) if m.group(0) not in game_words
             and not any(c.start() <= m.start() and m.end() <= c.end() for c in chances)]
    # fairness promised is the money beside a hash game, or the second money word beside a stake (骰宝 5u就能玩
    # 区块链可查); a quiz's 公平透明 with no stake is nothing
    if money or any(re.fullmatch(_HASH, g) for g in game_words):
        money += [m.group(0) for m in _FAIR.finditer(body)]
    if not money:
        return None
    call = _CALL.search(tail)
    if call:
        return (games[0], money[0], call.group(0))
    if asked:
        return None
    if len(set(money)) >= 2:
        return (games[0], money[0], money[1])
    if len(game_words) >= 2:
        others = [g for g in dict.fromkeys(games) if g != games[0]]
        return (games[0], others[0], money[0])
    return None
