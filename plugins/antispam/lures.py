"""Company or sex offered to the group (issue 11's adult lures): 附近的小姐姐想认识你 照片都在相册里
code：mm3377; 寂寞了嘛 晚上十点后在线 找【婷】暗号ting77; 会所新到几个妹子 全套 联系阿芳; 考研压力大吗
小姐姐陪你解压 晴 v x q1ng77.

Their contact data is plain (an established member's plain WeChat id is no evidence) or none at all,
and the char model reads half of them as a member's chat. What they say and chat does not is two of
the lure's words at once — the women offered (小姐姐, 妹子, 学生妹, 空姐, 嫩模, 00后 …) and what is
offered with them (陪你, 寂寞, 放松一下, 特殊服务, 全套, 会所, 上门按摩, 尺度, 真实照片, 有惊喜, 懂的来,
想认识你) — and the way to them: a call (私信, 私聊, 加, 找, 暗号, 认准, 看我空间, 位置发你) or contact data.

Members say 小姐姐 and 放松 all day (小姐姐们晚上好; 周末去泡温泉放松一下 有一起的私我): one word of the
lure is chat, and 放松 or 约 alone count as one only beside a woman offered. A warning or a discussion
(这种陪聊的都是骗子) is no offer (checks.py), nor a member's own massage or spa visit told (我昨天去按摩).
This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import unspaced

# the women offered, or the men the lure speaks to
_WOMAN = re.compile(r"小姐姐|妹子|学生妹|小妹|小妹妹|美女|少妇|空姐|嫩模|外围|良家|舞蹈生|女大学生|大学生|女教练|"
                    r"温柔阿姨|阿姨陪|00后|新来的妹妹|隔壁小妹")
# what is offered with them: the lure's own words
_OFFERED = re.compile(r"陪你(?:解压|聊天?|放松|过夜|睡)|陪(?:你|聊|玩|睡|夜)|寂寞|解压|特殊服务|会所|上门按摩|按摩上门|"
                      r"尺度|私房(?!菜|钱|课|蛋糕|烘焙|甜品)|"
                      r"真实照片|照片真实|照片都在|看照片|身材好|新到|均可安排|可安排|想认识你|有惊喜|惊喜哦|懂的来|好去处|"
                      r"18\+|什么都能看|约炮|包夜|过夜|快餐|一夜情|憋坏|晚上睡不着|今晚有空|晚上[^，,。\s]{0,4}在线|"
                      r"带我玩|哥哥们?|叔叔们|欧巴们?|放松(?:一下)?")
# weak alone: chat says them too, so they count only beside a woman offered
_WEAK = frozenset({"放松", "放松一下", "今晚有空", "带我玩", "哥哥", "哥哥们", "叔叔们", "欧巴", "欧巴们", "陪你",
                   "陪玩", "解压", "新到"})
# the way to them
_CALL = re.compile(r"私信|私聊|私我|加我|加主管|加个?好友|找|暗号|密码|认准|看我|空间|相册|主页|频道|位置发你|联系|"
                   r"vx|v\s*x|微信|威心|薇|扣|qq|q\s*[0-9]|code|id|tg|wechat|下载|搜|进")
# told, not offered: a warning or discussion, the writer's own visit
_TOLD = re.compile(r"骗|诈骗|小心|别加|别信|举报|报警|广告|托|套路|我(?:昨天|上次|今天)?去(?:按摩|做|了)|"
                   r"我老婆|我老公|我女朋友|我男朋友")


_ASKED = re.compile(r"吗|\?|？")
# the lure's own signature: a name of one or two characters and a code id of letters and digits (芸
# yunA31, 倩 qq5210, 柒 联系码 Q7q520), or a code said as one (code: hk66a); the code opens with a letter
# (a game trader's 1200w or 150z is a price), and the name is no contact word (微信, 网址, 加, 薇 …: an
# id after those is contact data, not a lure's name) nor a word of a sentence (我的游戏名是 sun123; a
# game's id, 游戏id sun123, is not the lure's either), and a room (二楼 a201) is no name and code: a code
# has five characters at least. With it one of the lure's words is enough: the
# name and the code are the way in, and chat seldom writes a name that way.
_NAME_CODE = re.compile(
    r"(?:(?<![\u4e00-\u9fff])(?!微|网|地|官|客|备|加|信|薇|威|围|卫|扣|群|是|的|我|你|他|她|在|叫|号|[一二三四五六七八九十两几])"
    r"[\u4e00-\u9fff]{1,2}\s*(?:联系码|暗号)?|code|联系码|暗号)"
    r"\s*[:：]?\s*(?!id[\s:：])([a-z](?:[a-z0-9_]\s?){4,13})(?![a-z0-9_])")
# the lure's words that need no second one beside its signature
# (not 私密, 快餐 or 包夜: a game's traders say 私密我 for 私聊, sell 快餐 runs and rent accounts 包夜; nor
# 会所 in a game's 集会所, 全套 alone (资料全套) or 真人 alone (真人百家乐))
_LURE = re.compile(r"裸聊|全套服务|(?<!集)会所|技师|外围|上门服务|过夜|熟客|寂寞|有惊喜|"
                   r"真人(?:验证|照片|视频|上门)|约炮|"
                   r"一夜情|空降|楼凤|特殊服务|陪睡|尺度")


def lures_with_company(body: str) -> tuple[str, ...] | None:
    """The words of company or sex offered (a woman and a strong lure word, or two lure words with one
    strong, and the call; or one lure word and its signature, a short name with a code id), or None."""
    spaced, body = body, unspaced(body)
    if _TOLD.search(body):
        return None
    marks = list(_ASKED.finditer(body))
    asked = marks[-1] if marks else None
    woman = _WOMAN.search(body)
    offered = list(dict.fromkeys(m.group(0) for m in _OFFERED.finditer(body)))
    strong = [w for w in offered if w not in _WEAK]
    words: list[str] = []
    if woman and strong:
        words = [woman.group(0), strong[0]]
    elif len(strong) >= 2 or (strong and len(offered) >= 2):
        words = offered[:2]
    # a question is the hook when the way in follows it (今晚有空吗 私信「夏」)
    call = _CALL.search(body[asked.end():] if asked else body) if words else None
    if call:
        return (*words, call.group(0))
    # else one lure word and the lure's signature after any question (自驾路上寂寞吗 柒 联系码 Q7q520)
    return _signed(spaced, after_question=asked is not None)


def _signed(spaced: str, after_question: bool) -> tuple[str, ...] | None:
    """One of the lure's words and its signature, a short name with a code id (找 芸 yunA31 真人裸聊), or
    None. The spaced body is read, where the name stands alone (芸 yun 5 2 0 a: the code's spaces go)."""
    lure = _LURE.search(spaced.replace(" ", ""))
    if lure is None:
        return None
    tail = spaced[[m.end() for m in _ASKED.finditer(spaced)][-1]:] if after_question else spaced
    for m in _NAME_CODE.finditer(tail):
        code = m.group(1).replace(" ", "")
        if re.search(r"[a-z]", code) and re.search(r"[0-9]", code):
            return (lure.group(0), m.group(0).strip())
    return None
