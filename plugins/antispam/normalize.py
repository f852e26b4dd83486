"""Text normalisation against the tricks 引流 ads use to dodge keyword filters.

Ads write 加V, 薇信, 威心, ＶＸ, ➕V, 扣扣, traditional characters, split a phone number with
spaces, dots or emoji, or sprinkle zero-width characters between letters. Everything here is
pure and bounded: input is capped first, so a 100 KB message costs the same as a 4 KB one.

Two rules keep ordinary chat clean: URLs and @mentions are taken out before anything is
mapped (a link to github.com/wechaty or mp.weixin.qq.com is not a WeChat id), and a mapping
that is ordinary Chinese in other places (扣 in 扣分, W in 100+W, 一 in 一样) only applies where
the surrounding text makes it a contact trick.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_CHARS = 4000  # longer messages are judged on their head: ads put the hook up front

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064"
                                     "\ufeff\u00ad\u034f\u180e\u2028\u2029\u202a\u202b\u202c\u202d\u202e"))

# Variant spellings of WeChat / QQ / Telegram that mean the platform wherever they appear
# (none of them is an ordinary word). Longest first in the alternation.
_VARIANTS: dict[str, str] = {
    **dict.fromkeys(("威信", "薇信", "徽信", "维信", "微芯", "薇芯", "威芯", "徾信", "溦信", "嶶信", "微心",
                     "威心", "魏信", "危信", "胃信", "卫信", "位信", "薇心", "v信", "v芯", "威x", "薇x",
                     "薇辛", "微辛", "威辛", "魏辛", "维辛",
                     "绿泡泡", "vx号", "wx号"), "微信"),
    # 信 split into its parts (亻言): no ordinary text writes it so
    **dict.fromkeys(("微亻言", "威亻言", "薇亻言", "v亻言", "魏亻言"), "微信"),
    # (not "qq号": that is how QQ numbers are asked for, 孩子班主任的 QQ 号是…, and read as a
    # variant it made a teacher's number look hidden; it becomes qq below, as no trick)
    # (鹅号: a goose has no number; 鹅号是 三九七… is a QQ number spelled out, which read as nothing)
    **dict.fromkeys(("扣扣", "抠抠", "叩叩", "寇寇", "蔻蔻", "企鹅号", "扣号", "鹅号"), "qq"),
    **dict.fromkeys(("纸飞机", "飞机号", "电报号", "小飞机"), "telegram"),
    "裙号": "群号", "进裙": "进群", "加裙": "加群", "入裙": "入群",
}
# 佳薇 / 加薇 / 伽v: "add WeChat" in one go, unless the word goes on (加薇信 is 加 + 薇信)
_ADD_WEI = re.compile(r"[佳加家伽珈]薇(?![信芯心])|[佳伽珈]v(?![a-z])(?!\s*信)")
# Homophones and symbols ads put in or after a contact word: 加威❤ abc_123, +维：abc_123, 加V❤ abc_123,
# w❤x, wei❤xin, wei信, Q❤Q 12345678, 加我✈️ abc_88. A lone 威/维/卫/徽 is ordinary Chinese (威海, 权威,
# 维修, 卫生, 安徽), and so are initials with a heart (W❤X), so each is read as the contact word
# only with 加/+ before it and an id right after it, or with a symbol inside the word and an id
# after it, or with a symbol and a colon before the id (v❤：ab_6789). A lone 威❤/V❤/✈ before an
# id is left alone: warnings paste the ad they warn about without quote marks (…上下分秒到
# v❤abc01106 这种就是骗子), and a newcomer would be warned for it.
_DECOR = "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u25a0-\u25ff*~·•\ufe0f]"
_GAP = rf"(?:\s|[:：]|{_DECOR})*+"
# an id: letters first with a digit or _ in it, a number (not an amount), or typed one by one
_ID = (r"(?:(?=[a-z0-9_-]*[0-9_])[a-z][a-z0-9_-]{3,19}(?![a-z0-9_-])"
       r"|[1-9][0-9]{5,10}(?![0-9])(?!\s*[元块圆毛角万千百亿w个人次天年月号日岁分秒米斤件张条瓶套级%倍期])"
       r"|(?=[a-z\s]*[0-9])(?:[a-z0-9]\s){3,}[a-z0-9](?![a-z0-9]))")
_QQ_NO = r"[1-9][0-9]{4,10}(?![0-9])"
_ADD = rf"(?<![0-9])[加+➕＋]\s*+{_DECOR}*+\s*+"
_DECORATED: tuple[tuple[re.Pattern[str], str], ...] = (
    # 加威 abc_123, +维：abc_123, ➕威❤ abc_123, 加V❤ abc_123 (not 增加威力, 加维修费, 加卫生纸, 加V: no
    # id follows, or no symbol: 加V abc_123 is how people write it); 加我威 zhou_888 and 加我薇 too,
    # which had been read as a plain code id after 加我, not as a WeChat id hidden by a homophone
    (re.compile(rf"{_ADD}(我\s*+)?(?:[威维卫徽危薇]{_DECOR}*+|v{_DECOR}++)(?={_GAP}{_ID})"), r"加\1微信 "),
    # 加Q❤ 12345678, Q❤Q 12345678, q❤q：12345678
    (re.compile(rf"{_ADD}q{_DECOR}++q?(?={_GAP}{_QQ_NO})"), "加qq "),
    (re.compile(rf"(?<![a-z0-9])q{_DECOR}++q(?={_GAP}{_QQ_NO})"), "qq "),
    # wei信, wei❤信, wei❤xin: WeChat in pinyin half written, or with a symbol inside
    (re.compile(rf"(?<![a-z0-9])wei(?:\s|{_DECOR})*+信|(?<![a-z0-9])wei{_DECOR}++xin(?![a-z])"), "微信"),
    # v❤x abc_123, w.x abc_123 (W❤X alone is a couple's initials, and so is W❤X 520520)
    (re.compile(rf"(?<![a-z0-9])[vw](?:{_DECOR}|\.)++x(?![a-z])(?={_GAP}(?=[a-z]){_ID})"), "微信 "),
    # v❤：ab_6789, 威❤: abc_123: a lone V or 威 dressed with a symbol and then a colon labels the id
    # after it, the way a card lists its fields (without the colon it is left alone, above)
    (re.compile(rf"(?<![a-z0-9])(?:v|[威薇]){_DECOR}++\s*+[:：](?={_GAP}{_ID})"), "微信 "),
    # 加我✈️ abc_88, ➕🛰 abc_88: the Telegram handle's plane and satellite (not a flight: ✈️ CA1234)
    (re.compile(r"(?:(?<=加)|(?<=加我)|(?<=[+➕＋]))\s*+[✈🛰]\ufe0f?(?=(?:\s|[:：@])*+"
                r"(?![a-z]{2}[0-9]{3,4}(?![a-z0-9_-]))(?=[a-z0-9_-]*[0-9_])[a-z][a-z0-9_-]{3,31}(?![a-z0-9_-]))"),
     "telegram "),
)
_VARIANT_RE = re.compile("|".join(sorted(map(re.escape, _VARIANTS), key=len, reverse=True)))
# Variants that are ordinary words next to certain characters: 抠抠搜搜 / 扣扣索索 (stingy), 扣扣子
# (doing up a button), 叩叩叩 (a knock), and a child's 纸飞机 being folded or thrown. Read as QQ or
# Telegram there, a mother's 这人抠抠搜搜的 had counted as a hidden contact word and the next phone
# number in it as disguised. An id right after the word still makes it the platform's.
_ORDINARY_AFTER: dict[str, re.Pattern[str]] = {
    **dict.fromkeys(("扣扣", "抠抠"), re.compile(r"[搜索嗖子]")),
    "叩叩": re.compile(r"叩"),
    **dict.fromkeys(("纸飞机", "小飞机"), re.compile(r"(?:折|叠|飞(?!机)|扔|丢|模型|玩具|比赛|大赛|手工)")),
    "鹅号": re.compile(r"(?!)"),  # only what comes before makes it a bird's: 天鹅号 is a ship's name
}
_ORDINARY_BEFORE: dict[str, str] = {"叩叩": "叩", **dict.fromkeys(("纸飞机", "小飞机"), "折叠扔丢玩只架张"),
                                    "鹅号": "天白大家灰小"}
# what makes a toy plane the Telegram one after all: a handle, an id or a link right after it
_CONTACT_AFTER = re.compile(r"(?:\s|[:：])*+(?:搜索?\s*+)?"
                            r"(?:@|号|群|频道|id|t\s*+[.。点]\s*+me|(?=[a-z0-9_-]*[0-9_])[a-z][a-z0-9_-]{3,})")


# 蔻蔻 and 寇寇 are girls' and pets' names as often as QQ (我家蔻蔻又拆家了; 蔻蔻 13812345678 这是她妈妈
# 电话 was read as a hidden QQ word, and the mother's number as disguised). They stand for QQ only
# with a QQ number right after them (not a mobile number: that is the person's phone), 号 or 群
# after them, or 加 before them.
_NAME_LIKE = frozenset({"蔻蔻", "寇寇"})
_QQ_AFTER = re.compile(r"(?:\s|[:：])*+(?:号|群|id|(?!1[3-9][0-9]{9}(?![0-9]))[1-9][0-9]{4,10}(?![0-9]))")


# 扣扣 right after 我 / 我的 and before a number written plainly or in groups (我的 扣扣 是 2847193650,
# 我扣扣 3018 2746 59, 你加我 扣扣 973 268 415): the writer's own QQ by the name people say it by, not
# a homophone put in to dodge a filter. Read as a trick, a newcomer's own number for the guild's
# files was disguised contact data and removed them at once (5 lines over the probe files).
# Digits one by one (扣扣 9 8 7 6 …) and 扣扣 without 我 stay a variant. A friend's number passed on the
# same way (你找赵哥 他扣扣 1028865437 我跟他说过了: a newcomer removed at once for it, the thirteenth
# probe) is said by that name too: 他 / 她 count as 我 does.
_OWN_KOUKOU = re.compile(r"(?<=[我他她])(?=(?:\s?的)?\s?扣扣\s?(?:号码?)?\s?(?:是|为|[:：])?\s?"
                         r"[1-9](?:\d{4,10}|\d{2,3}(?: \d{3,4})+(?: \d{1,2})?)(?!\d))(\s?的)?(\s?)扣扣")


def _variant(m: re.Match[str]) -> str:
    """The platform a variant spelling stands for, or the word itself where it is ordinary."""
    word, text = m.group(0), m.string
    if word in _NAME_LIKE and not _QQ_AFTER.match(text, m.end()) \
            and not (m.start() > 0 and text[m.start() - 1] in "加+➕＋"):
        return word
    after, before = _ORDINARY_AFTER.get(word), _ORDINARY_BEFORE.get(word, "")
    if after is not None:
        ordinary = bool(after.match(text, m.end())) or (m.start() > 0 and text[m.start() - 1] in before)
        if ordinary and not _CONTACT_AFTER.match(text, m.end()):
            return word
    return _VARIANTS[word]
# Game-currency look-alikes that game-chat sellers write for 银子/元宝/储备 (垠子 1.4, 园宝4毛,
# 蓄备出). None is an ordinary word, so they are mapped wherever they appear, but they are not
# recorded as a trick: a player's typo must not count as obfuscation. Names (袁宝, 圆宝), 垠 alone
# (一望无垠) and 砖石 (a brick wall) are left alone.
_GOODS: dict[str, str] = {"垠子": "银子", "银孒": "银子", "垠两": "银两", "碎垠": "碎银", "园宝": "元宝",
                          "原宝": "元宝", "蓄备": "储备"}
_GOODS_RE = re.compile("|".join(map(re.escape, _GOODS)))
# Latin shorthands: only as a word of their own, so "new xbox" or "vxe" stay what they are.
_LATIN = re.compile(r"(?<![a-z0-9])(?:wechat|weixin|v\s?x|w\s?x)(?![a-z])")
# ➕ and + mean 加 ("add") before a contact word; after a digit they are "plus": 100+W, 1000➕.
# (nor in a link's path: t点me/+QZp… is a Telegram invite, not 加q)
_PLUS = re.compile(r"(?<![0-9/])[+➕＋]\s*(?=[微薇威vVqQ扣口鹅我])")
# Single letters and characters that mean a platform only right after 加 / 私 / 联系:
# 加v, 加微, +扣, +口, 加鹅. "W" is not among them: 加W is a price in 万 or a key.
_ADD_SHORT = re.compile(r"(加|私|联系)(我)?[\s:：,，.。_\-]*(?:(v)(?![a-z])(?!\s*信)|(微)(?![信博笑小妙弱型量调波软])|"
                        r"(扣|口|鹅)(?=[\s:：]*[0-9]))")
# Dressed-up letters and digits: full-width, circled, mathematical, keycaps. A full-width colon
# is ordinary Chinese typing; a full-width "ＶＸ" is not.
_DRESSED = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u2460-\u24ff\u2776-\u2793\u20e3"
                      "\U0001d400-\U0001d7ff\U0001f100-\U0001f1ff]")
# Numerals ads spell out or dress up so a digit filter misses them.
_CN_DIGITS = "零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖幺两拐洞"
_NUMERALS = str.maketrans({
    **dict(zip("零〇一二三四五六七八九", "00123456789", strict=True)),
    **dict(zip("壹贰叁肆伍陆柒捌玖", "123456789", strict=True)),
    "幺": "1", "两": "2", "拐": "7", "洞": "0",
})
_NUMERAL_RUN = re.compile(f"[0-9{_CN_DIGITS}]{{6,}}")
_KEEP = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\U0001f1e6-\U0001f1ff]")
_TLDS = ("com|cn|net|cc|top|xyz|vip|me|io|co|app|info|org|link|shop|club|site|online|ly|gg|tv|im|"
         "ink|fun|live|pro|work|ltd|wang|icu|xin|biz|asia|tk|ml|ga|cf|gq|pw|ws|la|so|to")
# (NFKC makes a Chinese comma an ASCII one: a comma followed by Chinese ends the link, or
# "www.12306.cn，别在第三方买票" was one link to a host nobody knows)
_URL = re.compile(r"(?:https?://|www\.)(?:[^\s<>\"'，。！？、）)】,]|,(?![^\x00-\x7f]))+|(?<![@a-z0-9.-])[a-z0-9][a-z0-9-]*"
                  rf"(?:\.[a-z0-9-]+)*\.(?:{_TLDS})(?![a-z0-9])(?:/(?:[^\s<>\"'，。！？、）)】,]|,(?![^\x00-\x7f]))*)?",
                  re.IGNORECASE)
# A mention as WeChat writes it: @名字 + U+2005. A space or the end of the message ends one too,
# but only a short one: typed by hand, "@所有人加微信abc888领福利" or "兼职日结@所有人加我微信…" had lost
# the whole ad. @所有人 is a fixed token, never longer. A closing quote right after a quoted
# handle ("…TG: @abc_bot" 我查了) stays, or the quote a warning shows an ad in would never close.
# An @ right after a letter or digit is an email's (hr@example.cn, 简历发 hr@…): not a mention; the
# address and everything after it had been taken out with the "name".
_MENTION = re.compile(r"(?<![a-z0-9._-])(?:@所有人|@[^\s\u2005@]{1,40}?([\"”」』’]?)\u2005|"
                      r"@[^\s\u2005@]{1,20}?([\"”」』’]?)(?: |$))")
# Light obfuscation is how ordinary people write too (加V, vx, a phone number in 3-4-4
# groups); heavy obfuscation is what only someone dodging a filter does.
LIGHT_TRICKS = frozenset({"加V", "latin shorthand"})


@dataclass(frozen=True, slots=True)
class Normalised:
    """The forms of one message the checks read."""

    light: str  # NFKC, lower case, zero-width removed, traditional → simplified; spacing and punctuation kept
    dense: str  # URLs and @names out, variants mapped, only letters, digits and CJK: "加 V 信：ab-c8" → "加微信abc8"
    obfuscated: tuple[str, ...]  # which tricks were undone, for the explanation
    emoji: int  # how many emoji the message carried
    urls: tuple[str, ...]  # URLs as written (light form), in order
    body: str = ""  # light without URLs and @names, variants mapped: punctuation kept for context rules

    @property
    def heavy(self) -> tuple[str, ...]:
        """Tricks nobody uses by accident (homophones, zero-width, spelled-out or dressed digits)."""
        return tuple(t for t in self.obfuscated if t not in LIGHT_TRICKS)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    """OpenCC's traditional → simplified converter (the official wheel: a native library with its
    dictionaries inside, ~1 µs per short message, no download)."""
    import opencc

    return opencc.OpenCC("t2s")


def _drop_mention(m: re.Match[str]) -> str:
    return (m.group(1) or m.group(2) or "") + " "


def light_form(text: str) -> str:
    # U+2005 ends a WeChat @mention; NFKC would turn it into a plain space, so it is kept
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS].replace("\u2005", "\ue005"))
    text = text.translate(_ZERO_WIDTH).lower().replace("\ue005", "\u2005")
    return _t2s().convert(text) if _CJK.search(text) else text


# What follows a numeral when the two make an ordinary word (一样, 一起, 两个, 三点, 五块): only
# then does a numeral right after a digit run belong to the next word. Any CJK character was
# taken as one before, so the last digit of a phone number spelled out in full went to the
# word after it (一八八 零零零零 一二三四 微信同号: 四微 is no word) and the number was lost.
# (群, 栋, 班, 队, 组: 338 一群满了 was read as the number 3381 in a blind probe's notice)
_NUMERAL_WORD_NEXT = frozenset("样起个些下次点直定切共般天块位月号年岁名半边种分时人件条只张遍口家周倍成层群栋班队组"
                               "楼套斤元角毛双对批把步道段期届处声眼手脚笔部辆台首场份排门股片间串会向旦度"
                               "路再早同律致概并齐箱盒包瓶杯碗袋桶罐支根颗粒盘本封页行列轮圈")


# Digits spelled in pinyin, one syllable each: yi er san si wu liu, ling yao ba … (vx：yi er san si
# wu liu, 微 信：yi wu ba liu er san qi had read as a latin word, no id at all). Six or more in a
# row: no ordinary pinyin, name or English word is a run of digit syllables that long.
_PINYIN_DIGIT = {"ling": "0", "yao": "1", "yi": "1", "er": "2", "san": "3", "si": "4", "wu": "5", "liu": "6",
                 "qi": "7", "ba": "8", "jiu": "9"}
_PINYIN_SYLLABLE = "(?:ling|yao|yi|er|san|si|wu|liu|qi|ba|jiu)"
_PINYIN_RUN = re.compile(rf"(?<![a-z]){_PINYIN_SYLLABLE}{{6,}}(?![a-z])")
_PINYIN_ONE = re.compile(_PINYIN_SYLLABLE)


def _pinyin_digits(dense: str) -> str:
    return _PINYIN_RUN.sub(lambda m: _PINYIN_ONE.sub(lambda s: _PINYIN_DIGIT[s.group(0)], m.group(0)), dense)


def _spell_digits(dense: str) -> str:
    """Spelled-out numerals inside a long digit run become digits, but a numeral that starts
    an ordinary word right after the run (一样, 一起, 两个) stays a word: "1381234567 一样" is
    not an 11-digit phone number."""
    def one(m: re.Match[str]) -> str:
        run, end = m.group(0), m.end()
        tail = ""
        if run[-1] in _CN_DIGITS and end < len(dense) and dense[end] in _NUMERAL_WORD_NEXT:
            tail, run = run[-1], run[:-1]  # the numeral belongs to the word that follows
        head = ""
        if run and run[0] in _CN_DIGITS and m.start() > 0 and _CJK.match(dense[m.start() - 1]) \
                and any(c.isdigit() for c in run):
            head, run = run[0], run[1:]  # 第一 13812345678: the 一 belongs before
        if len(run) < 6 or sum(c in _CN_DIGITS for c in run) == 0:
            return m.group(0)
        return head + run.translate(_NUMERALS) + tail
    return _NUMERAL_RUN.sub(one, dense)


@lru_cache(maxsize=4096)
def normalise(text: str) -> Normalised:
    """Cached: a message goes through several checks, and floods repeat the same text."""
    raw = text[:MAX_CHARS]
    tricks: list[str] = []
    if any(ord(c) in _ZERO_WIDTH for c in raw):
        tricks.append("zero-width characters")
    light = light_form(raw)
    if _DRESSED.search(raw):
        tricks.append("full-width or dressed-up letters")
    emoji = len(_EMOJI.findall(light))
    urls = tuple(m.group(0) for m in _URL.finditer(light))[:20]
    body = _URL.sub(" ", light) if urls else light  # no word inside a URL is read as an id
    body = _MENTION.sub(_drop_mention, body)  # @names are chosen by members, not content
    if "扣扣" in body:
        body = _OWN_KOUKOU.sub(lambda m: (m.group(1) or "") + m.group(2) + "qq", body)
    decorated = body
    for pattern, word in _DECORATED:
        decorated = pattern.sub(word, decorated)
    if decorated != body:
        tricks.append("variant characters")
    body = _PLUS.sub("加", decorated)
    mapped = _VARIANT_RE.sub(_variant, _ADD_WEI.sub("加微信", body))
    if mapped != body and "variant characters" not in tricks:
        tricks.append("variant characters")
    latin = _LATIN.sub("微信", mapped)
    if latin != mapped:
        tricks.append("latin shorthand")
    short = _ADD_SHORT.sub(lambda m: m.group(1) + (m.group(2) or "") + ("qq" if m.group(5) else "微信"), latin)
    if short != latin:
        tricks.append("加V")
    dense = "".join(_KEEP.findall(short))
    # again, now that spacing and punctuation are gone: "扣 扣", "薇.信" are variants too
    respaced = _VARIANT_RE.sub(_variant, dense)
    if respaced != dense and "variant characters" not in tricks:
        tricks.append("variant characters")
    respaced = respaced.replace("微信信", "微信")  # belt and braces: two spellings of one word met
    respaced = respaced.replace("qq号", "qq")  # the plain word, no trick: one form for the features
    respaced = _GOODS_RE.sub(lambda m: _GOODS[m.group(0)], respaced)
    spelled = _spell_digits(_pinyin_digits(respaced))
    if spelled != respaced:
        tricks.append("spelled-out digits")
    return Normalised(light, spelled, tuple(tricks), emoji, urls, short)


_SPLIT_DIGITS = re.compile(r"\d[\s\-_.·,，。、|/\\*~]+\d(?:[\s\-_.·,，。、|/\\*~]*\d){5,}")
_PLAIN_GROUPS = re.compile(r"(?<!\d)1\d{2}[\s-]\d{4}[\s-]\d{4}(?!\d)")
# A mobile number read out in two or three groups of three to five digits, however the writer
# groups its eleven (1590 2718 364, 13926 048 517, 1376-8805-412): how it is read aloud, not only
# 3-4-4. Read as split to hide it, a newcomer's own number for a lost cat or a parcel removed them
# at once (spam32's and spam33's blind probes: 7 such lines). Digits one by one or in pairs, or
# broken by dots and stars, stay split.
_GROUPED_MOBILE = re.compile(r"(?<![\d.])1[3-9]\d{1,3}(?:[ -]\d{3,5}){1,2}(?![\d.])")


def _plain_mobile(m: re.Match[str]) -> str:
    return " " if sum(c.isdigit() for c in m.group(0)) == 11 else m.group(0)


# A QQ number right after the word, in groups of three or four the way people read it out (我的 QQ
# 是 2846 1039 57, QQ号 1739 0046 52): a classmate's own number, written as a phone number is. Read
# as split to hide it, a newcomer's number given for the homework files counted as disguised
# (spam31's blind probe). Digits one by one (Q 3 9 8 0 …) or broken by dots and stars stay split.
# (after 扣扣 and a lone q too, the names people say QQ by: 我扣扣 3018 2746 59, 我 q 3829 4017 62)
# Not after 群号: a group's number read out in threes (群号 824 513 907) was a guild officer's in two
# blind-probe lines and a group promotion's in 21 labelled ads (measured 2026-12-06): it stays split
_PLAIN_QQ = re.compile(r"(?:(?<=qq)|(?<=扣扣)|(?<=(?<![a-z0-9])q))"
                       r"(\s?(?:号码?)?\s?(?:是|为|[:：])?\s?)[1-9]\d{2,3}(?: \d{3,4})+(?: \d{1,2})?(?!\d)")
# Ranges a job post or a price list writes side by side: 综合工资7000-9000 20-50岁, 200-500/天 3-5年.
# Read as one run they were a number split to hide it, and a newcomer's real job post with the
# manager's phone counted as disguised contact data. A range is two amounts with a unit after
# them, or two round amounts (hundreds and more) rising.
_UNIT_RANGE = re.compile(r"(?<![\d.])\d{1,6}(?:\.\d+)?\s*[-~～]\s*\d{1,6}(?:\.\d+)?"
                         r"(?=\s*(?:[元块万千百kw岁个人天号米%/]|小时|周|月|年|平|公里))")
_ROUND_RANGE = re.compile(r"(?<![\d.])([1-9]\d{0,3}00)\s*[-~～]\s*([1-9]\d{0,3}00)(?![\d.])")


def _without_ranges(light: str) -> str:
    light = _UNIT_RANGE.sub(" ", light)
    return _ROUND_RANGE.sub(lambda m: " " if int(m.group(1)) < int(m.group(2)) else m.group(0), light)


# Service numbers as they are printed, which people copy to help each other: a 400/800 line
# (400-820-8820, 4008-200-588), a bank's or a utility's 95xxx/96xxx line (955-88), a 1xxxx
# public line (12345, 10086), a landline with its area code (0571-8723 5519). Written with their
# dashes they had counted as a number split to hide it, and made every other number of the
# message read as disguised: a newcomer's own phone number beside a hotline removed at once.
_PRINTED_SERVICE = re.compile(r"(?:400|800)[0-9]{7}|9[56][0-9]{3,4}|1[0-9]{4}|0[0-9]{9,11}")
_PRINTED_SEPARATORS = re.compile(r"[0-9]+(?:[\s-][0-9]+)*")


def digit_runs_split(light: str) -> bool:
    """True when a long number is broken up by separators (1-3-8…, 138.1234.5678, 1 3 8…).
    The way people write a phone number by hand (138 1234 5678) or print a service line
    (400-820-8820, 0571-8723 5519) is not a trick."""
    plain = _GROUPED_MOBILE.sub(_plain_mobile, _PLAIN_GROUPS.sub("", _without_ranges(light)))
    if "q" in plain or "扣扣" in plain:
        plain = _PLAIN_QQ.sub(r"\1", plain)
    for m in _SPLIT_DIGITS.finditer(plain):
        start, text = m.start(), m.string
        while start and text[start - 1].isdigit():  # the whole run, from its first digit
            start -= 1
        run = text[start:m.end()]
        if not (_PRINTED_SEPARATORS.fullmatch(run) and _PRINTED_SERVICE.fullmatch(re.sub(r"\D", "", run))):
            return True
    return False
