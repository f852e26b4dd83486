"""Contact data and where links go: what 引流 ads want a reader to do next.

Platform-neutral: phone numbers, WeChat ids, QQ numbers, Telegram and other IM links and
@handles, letters+digits code ids next to a contact word, domains written with 。/点/dot,
e-mail addresses, and referrals to a search on another platform (抖音搜：…). Links to the
ordinary sites in data/ordinary_domains.txt are never contact data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import SplitResult, urlsplit

from plugins.antispam.normalize import Normalised, digit_runs_split

_DOMAINS_FILE = "ordinary_domains.txt"


@dataclass(frozen=True, slots=True)
class Contact:
    kind: str  # phone, qq, wechat-id, group-number, code-id, im-link, im-number, handle, domain, email, referral
    value: str
    hidden: bool  # the message tried to hide it (split digits, 薇信, 点com …)


@lru_cache(maxsize=1)
def ordinary_domains() -> frozenset[str]:
    text = resources.files("plugins.antispam").joinpath("data", _DOMAINS_FILE).read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _split(url: str) -> SplitResult | None:
    """The link's parts, or None for one no parser takes: www.x.com[浩森车贷] reads as a host in
    brackets, which Python checks as an IP address and raises on (a ValueError that took the
    whole check down, and the ad with it, in a member's message)."""
    try:
        return urlsplit(url if "://" in url else "http://" + url)
    except ValueError:
        return None


def host_of(url: str) -> str:
    return _host(_split(url))


def _host(parts: SplitResult | None) -> str:
    return (parts.hostname or "").lower().rstrip(".") if parts is not None else ""


def is_ordinary(url: str) -> bool:
    """A link to a site in the maintained list (the host or any subdomain of a listed host). A
    listed top-level domain (gov, edu, mil: registries that admit only public bodies) takes every
    host under it; a bare host of one label (localhost) is no site of the list."""
    host = host_of(url)
    if not host:
        return False
    domains = ordinary_domains()
    parts = host.split(".")
    return len(parts) > 1 and any(".".join(parts[i:]) in domains for i in range(len(parts)))


# IM invites and contact links: a link here IS contact data, whoever posts it.
_IM_HOSTS = ("t.me", "telegram.me", "telegram.dog", "wa.me", "chat.whatsapp.com", "line.me", "discord.gg",
             "discord.com", "qm.qq.com", "jq.qq.com", "work.weixin.qq.com", "u.wechat.com", "weixin.qq.com",
             "signal.me", "join.skype.com", "m.me", "qr.alipay.com")


def is_im_link(url: str) -> bool:
    parts = _split(url)  # once: the host and the path from one parse
    host, path = _host(parts), parts.path if parts is not None else ""
    if host == "weixin.qq.com":  # weixin.qq.com/g/… and /r/… are group and contact QR links
        return path.startswith(("/g/", "/r/", "/q/"))
    # the host alone leads to nobody: 上次那个 t.me 链接 我点进去是个假的钱包网站 大家别点, a
    # newcomer's warning, was read as a Telegram link of theirs and removed them at once (the
    # seven probes' count of what a false positive brings, lead32); nor does an invite with no
    # code: 群里发 t.me/+ 邀请链接的新号 一律先封 (a moderator's rule, lead43)
    return _names_someone(path) and _is_im_host(host)


def _is_im_host(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in _IM_HOSTS if h != "weixin.qq.com")


def _names_someone(path: str) -> bool:
    """A messenger link's path holds a handle or an invite code (a Latin letter or a digit), not
    only the / or + every such link starts with, nor the words written after it: 他们发t.me/+开头的
    那种链接 点进去就是菠菜群 (a newcomer telling of such links) read as a Telegram invite of theirs, its
    code 开头的那种链接 (str.isalnum is true of Chinese characters), and removed them at once."""
    return any(ch.isascii() and ch.isalnum() for ch in path)


def _leads_nowhere(url: str) -> bool:
    """A messenger's address with no one in it (t.me, t.me/+): a word in talk about such links,
    not a link anyone can follow to the writer: 新号 bio 写着 t.me 链接 一看就是机器人 removed a
    newcomer at once as a link and a stop phrase (lead43, a blind probe)."""
    parts = _split(url)
    return parts is not None and _is_im_host(_host(parts)) and not _names_someone(parts.path)


def promoted_links(n: Normalised, url: str | None = None) -> tuple[str, ...]:
    """Links in the message (and the card's target) that go to neither an ordinary site nor
    nowhere: what a newcomer's link rule and the 'promotes something' rule look at."""
    return _promoted_links(n, url)  # one cache key, whether url was passed or not (find_contacts)


@lru_cache(maxsize=1024)
def _promoted_links(n: Normalised, url: str | None) -> tuple[str, ...]:
    return tuple(u for u in _links(n, url) if not is_ordinary(u) and not _leads_nowhere(u))


def _links(n: Normalised, url: str | None) -> list[str]:
    """The URLs written in the message, then the card's or link message's target."""
    return [*n.urls, *([url] if url else [])]


_SPACING = re.compile(r"[\s\-_]")
_PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
# a mobile number spelled out in full right after the word for it: how voice input writes one
# (那个我手机号是一三八零零……, 打我电话 一五八 六六七二 ……), not a trick. A newcomer telling the
# group where to call was warned as if the number were hidden (the circles probe). Voice input
# spaces its words (手机 号 换 了 新的 是 一八六 …: a newcomer's new number, removed at once as a
# hidden one in spam30's blind probe), and a changed number is said with 换了新的/改成
_SPOKEN = "一二三四五六七八九零〇幺"
_SAID_PHONE = re.compile(rf"(?:手机|电话|号码)\s*(?:号码?)?\s*(?:(?:换|改)\s*了?\s*(?:新的|成)?\s*)?(?:是|为|[:：])?\s*"
                         rf"([{_SPOKEN}](?:\s?[{_SPOKEN}]){{10}})(?![{_SPOKEN}])")
_QQ = re.compile(r"(?:qq|企鹅)(?:号|群|号码)?(?:是|为)?([1-9][0-9]{4,10})(?![0-9])")
_QQ_SHORT = re.compile(r"(?<![a-z\u4e00-\u9fff])(?:扣|鹅)\s*[:：]\s*([1-9][0-9]{4,10})(?![0-9])")
# 有事扣我 378265901, 鹅号 …: the number right after 扣我/鹅号 (read on the dense form, so spelled
# digits count); six digits at least and no money after it: 老板扣我3000 is a pay cut
_QQ_ME = re.compile(r"(?:扣|鹅)(?:我|号)([1-9][0-9]{5,10})(?![0-9]|元|块|万|w|k|rmb)")
# (加V详聊 yy_hr2026, 加微信咨询 ck_job66: a recruiter's or a seller's id after what to add it for)
_WECHAT = re.compile(r"微信(?:号|id)?(?:是|为|详聊|详谈|咨询|了解|报名|办理)?"
                     r"([a-z][a-z0-9_-]{5,19}|[0-9]{6,11})(?![a-z0-9])")
# the id WeChat gives an account that never chose one (wxid_k2j3h4…; #whoami shows it): the
# whole of it, not an "id_k2j3h4" read after the latin word id
_WXID = re.compile(r"(?<![a-z0-9_-])wxid_[a-z0-9_-]{4,24}(?![a-z0-9_-])")
# an id after WeChat as a homophone or shorthand wrote it and the normaliser mapped it (加薇 qp_kz,
# +v我 660jia): letters with an _ in them, or digits then pinyin, which the dense form (no _, ids of
# six or more starting with a letter) lost. Not an amount with its unit (加微信 2000w)
# (or after 微信 and a space or colon, the way a shop signs off: 代打 保段位 微信 sf_gzs, whose five
# letters are too short for _WECHAT once the dense form drops its _)
# (加个微信吧 dushu_7788, 加下微信 xm2020: what is said between 加 and the id)
_WECHAT_ADDED = re.compile(r"(?:加(?:我|个|下|一下)?微信(?:吧|呗|哈|哦|呀)?|微信(?:号|id)|微信(?=[\s:：]))"
                           r"(?:\s*+我)?[\s:：]*+"
                           r"((?=[a-z0-9_-]*[a-z])(?=[a-z0-9_-]*[0-9_])"
                           r"(?![0-9]+(?:w|k|kw|kg|g|km|m|cm|mm|ml|mb|gb|t|h|min|rmb|u|pm|am)(?![a-z0-9_-]))"
                           r"[a-z0-9][a-z0-9_-]{2,18}[a-z0-9])(?![a-z0-9_-])")  # whole: not kefu_……
# A number on a messaging app other than WeChat (issue 11: platform-neutral contact data):
# WhatsApp +852 6123 4567, whatsapp me 85261234567, WA: 9876 5432, Line/Telegram/Signal 号码 ….
# In a WeChat group nobody needs another app's number to reach a friend: like a handle, never a
# person's plain phone number
_IM_APPS = r"whats\s*app|whatsapp|wts\s*app|wsapp|wa|signal|line|telegram|tg|viber|zalo|kakao(?:\s*talk)?|飞机|电报"
_IM_NUMBER = re.compile(rf"(?<![a-z0-9])(?:{_IM_APPS})(?![a-z])(?:\s*+(?:me|号码|号|number|no\.?|id|[:：]))*+"
                        r"\s*+(\+?\s*[0-9](?:[\s-]?[0-9]){6,14})(?![0-9])")
# a phone number with a country calling code: +852 6123 4567, +86 138 1234 5678, +1 415 555 0133
# (not a sum: a + after a digit is "plus", 100+1000)
_INTL_PHONE = re.compile(r"(?<![0-9a-z+])\+\s?(852|853|886|86|60|65|66|84|855|856|95|63|62|81|82|44|61|971|"
                         r"49|33|7|1)[\s-]?\(?([0-9](?:[\s-]?[0-9]){6,11})(?![0-9])")
_WECHAT_LIGHT = re.compile(r"(?:微信|wechat)\s*+(?:号|id)?\s*+[:：]\s*+([a-z][a-z0-9_-]{5,19})")
# a letters+digits code id right after a contact word: 私聊 abc123, 认准 ab520, 搜 id：xy888
_GROUP_NO = re.compile(r"(?:群号|qq群|群号码|新群|二群|分群)(?:是|为)?([1-9][0-9]{5,10})(?![0-9])")
# (我的新号 laoli_vip888: the whole id after 新号 / 我的号, which only a _v inside it had found, as ip888)
_CODE_ID = re.compile(r"(?:联系|私聊|私信|私我|找我|加我|认准|搜索|搜一下|搜|(?<![a-z0-9_-])id|账号|号码|新号|我的号)"
                      r"(?:[\s:：是为]|[\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f?)*"  # 加我❤ abc_123, 私聊💬 abc_123
                      r"((?=[a-z0-9_-]*[a-z])(?=[a-z0-9_-]*[0-9])[a-z0-9][a-z0-9_-]{3,19})(?![a-z0-9])")
# an @handle next to a word that says it is one (a WeChat @mention is a member's name, not this)
# (not the plane emoji alone, ✈ @abc_vip: warnings paste the ad they warn about without quote
# marks, and a newcomer's warning read so had its handle counted as the newcomer's contact data).
# A handle may open with digits after such a word (飞机 @888_dreambot: a bot's or another app's
# name, which Telegram's own rule of a first letter does not bound) but holds a letter. A channel,
# a new group or a pointing hand names one too (电报频道 @ff14_jp_guoji, 新群 @lianxi_new, 👉 @hcm_huaren:
# six of the read probe files' misses)
_HANDLE = re.compile(r"(?:telegram|tg|电报|飞机|ins|instagram|推特|twitter|联系|私聊|私信|"
                     r"频道|直接找|电报找|新群|👉)[\s:：]*"
                     r"@((?=[0-9_]*[a-z])[a-z0-9][a-z0-9_]{3,31})(?![a-z0-9_\u2005])")
# domains written so a link filter misses them: abc点com, abc。cn, abc dot net, abc (.) top
# (a middle dot, a bracketed 点 or a dot typed with a space before it are dots too: abc・com,
# abc【点】me, abc (点) top, abc .top; a bare "." is a URL, read as one)
_WRITTEN_DOMAIN = re.compile(r"([a-z0-9][a-z0-9-]{1,30})\s*(?:。|点|dot|[·・•]|"
                             r"[(（\[【]\s*(?:\.|。|点|dot)\s*[)）\]】]|(?<=\s)\.|,|，)\s*"
                             r"(com|cn|net|cc|top|xyz|vip|me|io|app|shop|club|site|online|fun|live|xin|icu)"
                             r"(?![a-z])")
# an address at a free mail provider: a person's, not a company's (a company's own domain is never
# one of these, so 内推……xx@bytedance.com is no contact data). The one list of free mail boxes:
# recruitment ads (checks.recruiting) read the same addresses as a place to send a CV to
FREE_MAIL = re.compile(r"[a-z0-9._-]{3,}@(?:vip\.)?(?:qq|163|126|188|yeah|139|189|wo|sina|sohu|tom|aliyun|21cn|foxmail|"
                       r"gmail|outlook|hotmail|live|msn|yahoo|icloud|me|proton|protonmail)\.(?:com|cn|net|com\.cn|me)"
                       r"(?![a-z0-9-]|\.[a-z0-9])")  # not inside a longer domain; a full stop may end it
# other platforms: 抖音搜：…, 小红书搜索「…」, 拼多多搜 abc, 淘宝搜…, 闲鱼搜…
# (a general search engine is not here: 百度搜一下 is how people say "look it up")
_REFERRAL = re.compile(r"(抖音|dy|小红书|红书|小红薯|xhs|拼多多|pdd|淘宝|某宝|tb|闲鱼|快手|视频号|公众号|b站|微博|"
                       r"简书|知乎|好看视频|微视|某音|某书|某手|陡音|斗音|美团|京东|转转|得物|夸克|蝙蝠)"
                       r"(?:上|里)?(?:(?:搜索?|搜一搜|搜一下)(?:我的?(?:名字|昵称|账号|店名))?|关注|id|号)"
                       r"(?:\s*+(?:[:：]|[「“\"【『])|\s)[\s「“\"【『]*+"
                       r"([^\s,，。!！?？」”\"】』]{2,16})")


# Grown from the spam corpus (spam_*.tsv): contact shapes its messages use that the hand lists missed.
# a number after a QQ word, split or dressed up: 扣 ③③⑥ ⑥⑨, q 3 4 5 1 2, 🐧群：368215974
_QQ_SPLIT = re.compile(r"(?<![a-z0-9_-])(?:扣|q|鹅|企鹅|🐧|群|裙|(?:扣|鹅|企鹅|🐧)\s*+我)\s*+(?:号|群)?\s*+[:：]?\s*+"
                       r"((?:[1-9][\s-]*)(?:\d[\s-]*){5,10})(?!\s*[\d元块分万kw人个次天年月号岁])")
# a group's number spelled out after the group (斗地主比赛群 二零二 三零一 五六 七: the read probe files'
# group promotions), read on the dense form where the spelled digits are digits again
_GROUP_SPELLED = re.compile(r"[群裙]([1-9][0-9]{5,10})(?![0-9])")
# an id right after a platform word: 飞机 heyue_daidan8, 卫星 zhaoren_77, line：rou_0520, v zl_stock88
# (not inside an id: the v of tsl_vip2026 is no WeChat word, and ip2026 no id of its own)
# (or digits then a name, Ⓥ028feirui, tg 520meimei, but not a quantity with its unit, 5000mah;
# or letters and then digits typed one by one, v: qm 7 7 2 1)
_PLATFORM_ID = re.compile(r"(?<![a-z0-9_-])(?:telegram|tg|飞机|电报|卫星|line|dy|ins|ig|推特|v|vx|wx|微|威|薇|me)"
                          r"\s*+(?:号|id)?\s*+[:：]?\s*+@?((?=[a-z0-9_-]*[0-9_])[a-z][a-z0-9_-]{3,19}(?![a-z0-9_])"
                          r"|(?![0-9]+(?:mah|rmb|kbps|mbps|fps|min|usdt?|cny|hkd)(?![a-z]))[0-9]{2,8}[a-z]{3,12}[0-9]{0,4}"
                          r"(?![a-z0-9_])|[a-z]{1,4}(?:\s[0-9]){4,10}(?![a-z0-9_]))")
# vip and digits alone (vip2026), after the name of a code to type in (优惠码, 邀请码, 兑换码, 口令)
_PROMO_CODE_VIP = re.compile(r"vip[0-9]{1,8}(?![a-z0-9_-])")
_CODE_NAMED = re.compile(r"(?:优惠|邀请|兑换|推荐|折扣|券)码[\s:：是为]*$|口令[\s:：是为]*$")
# a flight number of an airline flying in China (CA1234, MU5101, 3U8888), not a Telegram id after 飞机
_FLIGHT = re.compile(r"(?:ca|mu|cz|hu|3u|zh|mf|sc|fm|ho|9c|kn|gs|jd|8l|pn|eu|g5|tv|bk|ns|dr|ky|qw|y8|gj|a6|uq|gx|"
                     r"cx|ke|oz|jl|nh|sq|ek)[0-9]{3,4}")
# a number id on another platform: 小红书号 8 9 7 6…, b站 uid 3 4 9…, 抖音 搜 数字 7788991, 邀请码 ks666
_PLATFORM_NO = re.compile(r"(?:(?<![a-z0-9_-])u?id|抖音号|红书号|快手号|视频号|互关号|dy号|数字|邀请码|推荐码|口令)"
                          r"\s*+(?:是|为)?\s*+[:：]?\s*+"
                          r"((?:[a-z0-9][\s_-]?){4,12})(?![a-z0-9])")
# a game the message names: a uid beside it is the player's number in that game (开黑的拉我, 来我世界),
# which finds them nowhere outside it; a newcomer's was read as a code id to contact (spam30, spam31)
# or by what only players do with a uid (借助战, 好友位, 联机, 组队, 副本, 舰长: a fresh blind file's 舰长UID
# 1 2 3 … 加我好友 借你助战 removed a newcomer at once, the spaced uid read as a hidden code id)
_GAME = re.compile(r"游戏|原神|崩坏|星穹|王者|蛋仔|和平精英|明日方舟|鸣潮|绝区零|区服|开黑|世界等级|冒险等级|"
                   r"助战|好友位|联机|组队|副本|舰长|舰团|公会|战队")
# a hand-typed handle: "@ usdt_mm88" (a WeChat @mention has no space after @ and ends with U+2005)
# A Telegram bot's handle ends in bot (@hongbao_daily_bot, @chaxun_sgk_bot: Telegram's rule for a bot's
# name), wherever it stands
_LOOSE_HANDLE = re.compile(r"@\s+([a-z][a-z0-9_]{3,31})|@([a-z][a-z0-9]*_[a-z0-9_]*[0-9][a-z0-9_]*)(?![a-z0-9_\u2005])|"
                           r"@([a-z][a-z0-9_]{1,28}_bot)(?![a-z0-9_\u2005])")
# letters and digits typed one by one: h h 5 2 0 1, 薇 l l 9 6 6 6, m a n ⑤ ② ⑧, t me / + ab3x
_SPACED_ID = re.compile(r"(?<![a-z0-9])((?:[a-z]\s+){1,4}(?:\d\s*){3,8})(?![a-z0-9])")
# a couple's initials and a love number (L❤Y 1314, W❤X 520520, z❤h 5201314): the letter before the
# number is the second initial, not a spaced-out id (a regular's anniversary line was warned
# 广告引流，再犯将被移出本群 in a simulated day). Only where the letters stand apart from the number:
# after a contact word (加我 ly1314) it is an id whatever its digits
_COUPLES_NUMBER = re.compile(r"[a-z]{1,2}(?:5201314|1314520|1314521|520520|1314|520|521|3344|9420)")
# a licence plate typed apart (苏A 1 2 3 4 5 的车主在吗, 川A D 1 2 3 4 5): its letter follows the
# province's one-character name, which no id does. A newcomer asking a neighbour to move a car was
# told the newcomers' rule for a hidden id
_PLATE_PROVINCES = frozenset("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
_SPACED_TME = re.compile(r"t\s*(?:\.|点|。|dot)?\s*me\s*/\s*\+?\s*([a-z0-9_]{4,})")
# letters typed one by one, then digits: k e x i n _ 2 0, x i a o x i a o 9 (an id nobody types so by accident)
_SPACED_LETTERS_ID = re.compile(r"(?<![a-z0-9])((?:[a-z][\s_]+){4,12}(?:[0-9][\s_]*){1,8})(?![a-z0-9])"
                                r"(?!\s*[个人元块分万次天年月号岁题项道])")
# WeChat in pinyin before an id: wei xin hao: x i a o…, weixin：abc_123
_PINYIN_WECHAT = re.compile(r"(?<![a-z./])wei\s*xin\s*(?:hao|id)?\s*[:：]\s*((?:[a-z0-9_-]\s?){6,20})(?![a-z0-9])")
# A lone variant of 微/微信 or QQ (薇, 威, 魏, 危, 卫, 扣, 鹅 …) right before an id: 求微528019374,
# 威093316, 微加hqzb52, 魏 lc6688 (game-chat currency ads). Ordinary words that end in the
# character (稍微, 权威, 折扣, 天鹅 …, _WORDS_BEFORE) or go on with another character (微博, 威海,
# 扣款) never reach the id; a number that is an amount, a date or a decimal is not an id.
_LONE_VARIANT = re.compile(r"([微薇威魏危卫扣蔻鹅])[\s:：\-_.,，、~]{0,2}(?:号码?|加|id)?[\s:：\-_.,，、~]{0,2}"
                           r"([0-9]{6,14}|(?=[a-z0-9_-]*[0-9])[a-z][a-z0-9_-]{4,19}|[a-z]{1,4}(?:\s[0-9]){4,10})"
                           r"(?![a-z0-9])(?![.,][0-9])(?!\s*(?:[元块圆毛角万千百亿w个人次天年月号日岁分秒米斤件张条瓶套级%倍期]|"
                           r"rmb|kg|km|cm|mm|ml|mb|gb|k(?![a-z])))")
# an id typed apart after a WeChat word, read where the dense text joins it again: V ： mh_ 7 7 3 1 0 9,
# 薇 ❤ ：abc 2 2 5 5 9, 魏 信 搜 zzq 7 7 5 2 0 (the spaces, the dressing and a 搜 between the word and the id
# kept every pass on the text as typed from it). Letters and then four or more digits, in a message
# whose digits are typed one by one (_TYPED_APART): over the corpus and every probe file it reads
# 15 ads and no normal line
_DENSE_ID = re.compile(r"(?<![a-z0-9_-])(?:vx|wx|v|微信|微|薇|威|魏|危|卫星|卫)(?:号|id|搜)?"
                       r"((?!ip)(?=[a-z_]*[0-9])[a-z][a-z_]{0,7}[0-9]{4,10})(?![a-z0-9_])")
_TYPED_APART = re.compile(r"(?:[0-9]\s+){3,}[0-9]")
_WORDS_BEFORE = frozenset((
    "稍微", "轻微", "细微", "卑微", "式微", "精微", "显微", "微微", "略微", "些微", "衰微", "入微", "隐微", "极微",
    "蔷薇", "薇薇", "紫薇", "权威", "示威", "声威", "国威", "淫威", "立威", "助威", "发威", "军威", "天威", "神威",
    "虎威", "余威", "雄威", "威威", "曹魏", "北魏", "东魏", "西魏", "南魏", "元魏", "魏魏", "安危", "病危", "垂危",
    "濒危", "临危", "高危", "危危", "保卫", "守卫", "后卫", "前卫", "门卫", "自卫", "警卫", "护卫", "侍卫", "环卫",
    "捍卫", "防卫", "中卫", "近卫", "禁卫", "卫卫", "克扣", "折扣", "纽扣", "回扣", "暗扣", "环扣", "衣扣", "袖扣",
    "搭扣", "死扣", "倒扣", "实扣", "预扣", "代扣", "天鹅", "白鹅", "大鹅", "家鹅", "鹅鹅", "企鹅"))
_LONE_KIND = dict.fromkeys("扣蔻鹅", "qq")
_DATE_LIKE = re.compile(r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:[0-2][0-9]|3[01])?")
_COMPACT_URL = re.compile(r"(?:https?://|www\.)?([a-z0-9-]{3,}\.(?:com|cn|net|top|xyz|vip|cc|me))(?![a-z])")
_LETTERS_SPACED = re.compile(r"(?:[a-z0-9]\s+){5,}[a-z0-9]")
# the spaces inside an address typed letter by letter, taken out to read it back
_SPACE_IN_ADDRESS = re.compile(r"(?<=[a-z0-9:/.])\s+(?=[a-z0-9:/.点])|(?<=点)\s+(?=[a-z])")


_WHITESPACE = re.compile(r"\s+")
# a number to call that is no person's mobile: a 400/800 line or a landline with its area code
# (咨询热线 400-888-6666, 0571-8723 5519). Printed so, it is no hidden contact (find_contacts leaves
# it out: people pass hotlines on to help), but it still reaches outside the group
_PHONE_LINE = re.compile(r"(?<![0-9])(?:[48]00[\s-]?[0-9]{3}[\s-]?[0-9]{4}|"
                         r"0[1-9][0-9]{1,2}[\s-]?[0-9]{3,4}[\s-]?[0-9]{4})(?![0-9])")


def phone_lines(n: Normalised) -> tuple[str, ...]:
    """The hotlines and landlines written in the message (see _PHONE_LINE)."""
    return tuple(m.group(0) for m in _PHONE_LINE.finditer(n.body))


def bare(value: str) -> str:
    """An id without its _ and -: how two readings of one id (dense and as written) compare."""
    return value.replace("_", "").replace("-", "")


def _as_written(value: str, light: str) -> str:
    """An id read on the dense form (where _ and - are gone) as the message wrote it, so the
    explanation names the whole id (tsl_vip2026, not tslvip2026); the dense value when the
    message never wrote it in one piece (薇.信 a b c 8 8 8)."""
    if not value or value.isdigit():
        return value
    pattern = "[_-]?".join(map(re.escape, value))  # bounded: an id is at most 20 characters
    m = re.search(rf"(?<![a-z0-9_-]){pattern}(?![a-z0-9_-])", light)
    return m.group(0) if m else value


def _ends(text: str, head: int = 1500, tail: int = 500) -> str:
    return text if len(text) <= head + tail else f"{text[:head]} {text[-tail:]}"


def find_contacts(n: Normalised, url: str | None = None) -> tuple[Contact, ...]:
    """Each piece of contact data in the message, at most 5. Cached: several checks ask.

    The cache sits behind this call so that find_contacts(n), find_contacts(n, None) and
    find_contacts(n, url=None) are one key: lru_cache keys them apart, and the char model's
    features (no url) and the checks (facts.url, mostly None) scanned every message twice."""
    return _find_contacts(n, url)


@lru_cache(maxsize=1024)
def _find_contacts(n: Normalised, url: str | None) -> tuple[Contact, ...]:
    # a long message is scanned at its head and its tail: where ads put the hook and the contact
    light, body, dense = _ends(n.light), _ends(n.body), _ends(n.dense)
    split = digit_runs_split(light)
    tricks = bool(n.heavy)
    written = _SPACING.sub("", light)  # 138 1234 5678 is how people write a number: not hidden
    found: list[Contact] = []
    seen: set[str] = set()

    def add(kind: str, value: str, hidden: bool) -> None:
        if bare(value) not in seen:  # one id read twice (dense and as written) is one contact
            seen.add(bare(value))
            found.append(Contact(kind, value, hidden))

    def disguised(value: str) -> bool:  # tricks undone, digits split, or not in the text as written
        return tricks or split or value not in written

    for link in _links(n, url):
        if is_im_link(link):
            add("im-link", link[:80], False)
    for m in _IM_NUMBER.finditer(body):  # before the phone numbers: tg 13512345678 is a Telegram number
        number = _SPACING.sub("", m.group(1))
        add("im-number", number, False)
    said = _said_phones(n)
    # a number with another country's calling code is that country's, grouped its way: +1 415 555
    # 0182 (a client's WhatsApp in a trade group) reads as a Chinese mobile 141…, its digits "split"
    # (hidden), and a newcomer who passed it on was removed at once (spam30's blind probe)
    # (one scan serves both uses: this one, and the numbers added after the ids below)
    intl = [(m.group(1), _SPACING.sub("", m.group(2))) for m in _INTL_PHONE.finditer(body)] if "+" in body else []
    abroad = {code + digits for code, digits in intl if code != "86"}
    for m in _PHONE.finditer(dense):
        if m.group(0) not in abroad:
            add("phone", m.group(0), m.group(0) not in said and disguised(m.group(0)))
    for m in _QQ.finditer(dense):
        add("qq", m.group(1), disguised(m.group(1)))
    for m in _QQ_SHORT.finditer(body):
        add("qq", m.group(1), True)
    for m in _QQ_ME.finditer(dense):
        add("qq", m.group(1), True)  # 扣 for QQ is itself the disguise
    for m in _GROUP_NO.finditer(dense):
        add("group-number", m.group(1), disguised(m.group(1)))
    for m in _WECHAT.finditer(dense):
        add("wechat-id", _as_written(m.group(1), light), disguised(m.group(1)))
    for m in _WECHAT_LIGHT.finditer(body):
        add("wechat-id", m.group(1), tricks)
    for m in _WXID.finditer(body):
        add("wechat-id", m.group(0), False)
    for m in _WECHAT_ADDED.finditer(body):
        if not any(bare(m.group(1)) in bare(c.value) for c in found):
            add("wechat-id", m.group(1), tricks)
    for code, digits in intl:
        number = "+" + code + digits
        if not any(bare(number.lstrip("+")) in bare(c.value) or bare(c.value.lstrip("+")) in number for c in found):
            add("phone", number, False)
    # what to search for on a named platform (b站搜一下 win10开机慢) is a search tip, read below as a
    # referral: the letters+digits in it (win10, mate60) are a product, not an id to contact
    searched = [m.span(2) for m in _REFERRAL.finditer(body)]
    for m in _CODE_ID.finditer(body):
        if m.group(0).startswith("搜") and any(a <= m.start(1) < b for a, b in searched):
            continue
        if not any(bare(m.group(1)) in bare(c.value) for c in found):
            add("code-id", m.group(1), tricks)
    for m in _HANDLE.finditer(light):  # WeChat ends a mention with U+2005: that is a member, not a handle
        add("handle", "@" + m.group(1), False)
    for domain in _written_domains(body):
        add("domain", domain, True)
    for m in (FREE_MAIL.finditer(light) if "@" in light else ()):
        add("email", m.group(0), False)
    for m in _REFERRAL.finditer(body):
        add("referral", f"{m.group(1)} {m.group(2)}", False)
    for m in _QQ_SPLIT.finditer(body):
        if body[max(0, m.start() - 1):m.start() + 1] in _WORDS_BEFORE:  # 折扣 888888 起 is a price
            continue
        # as written, without the space or dash that ends it (加我q 1937284056 发你: the space before 发你
        # had made the number read as split, and a newcomer's own QQ removed them at once); after a
        # lone q, grouped in threes and fours as people read a QQ out (我 q 3829 4017 62), which
        # digit_runs_split knows as plain. 扣 and 鹅 alone are homophones: hidden as before
        digits = _SPACING.sub("", m.group(1))
        written_as = m.group(1).rstrip(" \t-")
        grouped = m.group(0).lstrip()[:1] == "q" and not digit_runs_split(m.group(0))
        add("qq", digits, tricks or digits not in written or (digits != written_as and not grouped))
    for m in _PLATFORM_ID.finditer(body):
        value = _WHITESPACE.sub("", m.group(1))
        if m.group(0).startswith("飞机") and _FLIGHT.fullmatch(value):  # 小王的飞机 CA1234 is a flight
            continue
        if body[max(0, m.start() - 1):m.start() + 1] in _WORDS_BEFORE:  # 稍微 abc123
            continue
        if _PROMO_CODE_VIP.match(m.group(0)) and _CODE_NAMED.search(body[max(0, m.start() - 6):m.start()]):
            # 输入优惠码 vip2026 is the code a shop gives out to type in: its v is vip's, not WeChat's
            continue
        if not any(bare(value) in bare(c.value) for c in found):
            # a lone 微/威/薇 before an id stands for WeChat, and hides it (微：watch_king8), as below
            lone = m.group(0)[:1] in "微威薇"
            add("wechat-id" if lone else "code-id", value, tricks or lone or value != m.group(1))
    for m in _PLATFORM_NO.finditer(body):
        if m.group(0).startswith("uid") and _GAME.search(body):  # 原神 uid 185336027: a player, in the game
            continue
        written_as = m.group(1).strip()
        # an id that starts with a letter keeps its - and _ (抖音号 lintt-9562 is one id, as written);
        # a number broken up by them (7-7-8-8-9-9) was split to hide it
        value = _WHITESPACE.sub("", written_as) if written_as[:1].isalpha() else _SPACING.sub("", written_as)
        if any(ch.isdigit() for ch in value) and len(value) >= 4:
            add("code-id", value, value != written_as)
    for m in _LOOSE_HANDLE.finditer(light):
        add("handle", "@" + (m.group(1) or m.group(2) or m.group(3)), False)
    for m in _SPACED_TME.finditer(body):
        add("im-link", "t.me/" + m.group(1), True)
    for m in _SPACED_ID.finditer(body):
        value = _SPACING.sub("", m.group(1))
        if body[m.start() - 1:m.start()] in _PLATE_PROVINCES and 6 <= len(value) <= 8:
            continue
        # (q 3829 4017 62 is the QQ number found above, its q no letter of an id typed one by one)
        if not _COUPLES_NUMBER.fullmatch(value) and not (
                value[:1] == "q" and any(c.kind == "qq" and value[1:] in c.value for c in found)):
            add("code-id", value, True)
    for m in _SPACED_LETTERS_ID.finditer(body):
        value = _WHITESPACE.sub("", m.group(1)).strip("_")  # k e x i n _ 2 0 is kexin_20
        if not any(bare(value) in bare(c.value) or bare(c.value) in bare(value) for c in found):
            add("code-id", value, True)
    for m in _LONE_VARIANT.finditer(body):
        value = _WHITESPACE.sub("", m.group(2))  # 微：hh 9 6 8 8 0 is hh96880
        if body[max(0, m.start() - 1):m.start() + 1] in _WORDS_BEFORE or _DATE_LIKE.fullmatch(value):
            continue
        if not any(bare(value) in bare(c.value) for c in found):
            add(_LONE_KIND.get(m.group(1), "wechat-id"), value, True)
    if _TYPED_APART.search(body):
        for m in _DENSE_ID.finditer(dense):
            value = m.group(1)
            if value in body or dense[max(0, m.start() - 1):m.start() + 1] in _WORDS_BEFORE:
                continue  # typed whole, the passes above read it; 稍微 is no WeChat word
            if not any(bare(value) in bare(c.value) or bare(c.value) in bare(value) for c in found):
                add("wechat-id", value, True)
    if "spelled-out digits" in n.obfuscated:  # 鹅 三三 四四 五五 六: the number exists only in digits
        for m in _GROUP_SPELLED.finditer(dense):  # 斗地主比赛群 二零二 三零一 五六 七, 交流群 捌贰柒 陆叁伍 零壹
            if not any(m.group(1) in c.value for c in found):
                add("group-number", m.group(1), True)
        for m in _LONE_VARIANT.finditer(dense):
            value = m.group(2)
            if value.isdigit() and dense[max(0, m.start() - 1):m.start() + 1] not in _WORDS_BEFORE \
                    and not _DATE_LIKE.fullmatch(value) and not any(value in c.value for c in found):
                add(_LONE_KIND.get(m.group(1), "wechat-id"), value, True)
    for m in _PINYIN_WECHAT.finditer(body):
        add("wechat-id", _SPACING.sub("", m.group(1)), True)
    if _LETTERS_SPACED.search(light):  # h t t p s : / / f u l i … . n e t, 8 8 8 y l q x 点 c o m
        compact = _SPACE_IN_ADDRESS.sub("", light)
        for domain in _written_domains(compact):
            add("domain", domain, True)
        for m in _COMPACT_URL.finditer(compact):
            if m.group(0) not in light:
                add("domain", m.group(1), True)
    return tuple(found[:5])


def _said_phones(n: Normalised) -> frozenset[str]:
    """The mobile numbers voice input spelled out after the word for them (_SAID_PHONE), as
    digits, when spelling digits out is the message's only trick."""
    if n.heavy != ("spelled-out digits",):
        return frozenset()
    spelled = (_WHITESPACE.sub("", m.group(1)) for m in _SAID_PHONE.finditer(n.body))
    return frozenset(s.translate(_SPOKEN_DIGITS) for s in spelled)


_SPOKEN_DIGITS = str.maketrans(_SPOKEN, "1234567890" + "01")


def _written_domains(text: str) -> list[str]:
    """Domains written with 点/。/dot in `text`, less the sites on the ordinary list: one said the
    way voice input writes it (快递一百的网站 www点kuaidi100点com) hides nothing, a neighbour's tip
    and not an address dressed up."""
    domains = (f"{m.group(1)}.{m.group(2)}" for m in _WRITTEN_DOMAIN.finditer(text))
    return [d for d in domains if not is_ordinary(d)]


# the caches behind the two entry points, as lru_cache exposes them (bench.antispam clears them
# so that every message pays for its own scan; tests count the scans)
find_contacts.cache_clear = _find_contacts.cache_clear  # type: ignore[attr-defined]
find_contacts.cache_info = _find_contacts.cache_info  # type: ignore[attr-defined]
promoted_links.cache_clear = _promoted_links.cache_clear  # type: ignore[attr-defined]
promoted_links.cache_info = _promoted_links.cache_info  # type: ignore[attr-defined]
