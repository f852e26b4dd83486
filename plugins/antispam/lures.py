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
                      r"带我玩|哥哥们?|叔叔们|欧巴们?|放松(?:一下)?|"
                      # (a sight promised, a video chat, a massage by its style: lead54, the read files')
                      r"可以看的那种|视频聊天|(?:日式|泰式|中式)?按摩|全套(?!餐|装|设备|家具|流程|手续|资料|教材|衣服)")
# weak alone: chat says them too, so they count only beside a woman offered
_WEAK = frozenset({"放松", "放松一下", "今晚有空", "带我玩", "哥哥", "哥哥们", "叔叔们", "欧巴", "欧巴们", "陪你",
                   "陪玩", "解压", "新到", "视频聊天", "按摩", "日式按摩", "泰式按摩", "中式按摩"})
# the way to them
_CALL = re.compile(r"私信|私聊|私我|加我|加主管|加个?好友|找|暗号|密码|认准|看我|空间|相册|主页|位置发你|联系|"
                   # (by voice or video, booked, checked before paying: lead54)
                   r"语音|视频(?!聊天)|预约|可先验|先验|"
                   r"vx|v\s*x|微信|威心|薇|扣|qq|q\s*[0-9]|code|id|tg|wechat|下载|搜|进")
# told, not offered: a warning or discussion, the writer's own visit
_TOLD = re.compile(r"骗|诈骗|小心|别加|别信|举报|报警|广告|托|套路|我(?:昨天|上次|今天)?去(?:按摩|做|了)|"
                   r"(?:去|刚)做了个?|"
                   r"我老婆|我老公|我女朋友|我男朋友")


_ASKED = re.compile(r"吗|\?|？")

# the lure's signature (issue 11: a one-character name and a short letters+digits code): a name of one
# character standing apart, then its code (找 柔 code：rr2299, 雪 ID qs1314, 认准 梦 代号 M520m, 来找 娜 na886).
# Read on the text with its spaces: one character standing alone is what marks the name; a surname is a
# friend's (加 王 wang1990), a pronoun nobody's. With one word of the lure's night and loneliness beside
# it, it is an offer: 一个人在家 无聊 and 在线等 are a member's own
_NAME_AND_CODE = re.compile(r"(?<![\u3400-\u9fff])([\u3400-\u9fff])\s+(?:code|id|代号|暗号|口令|编号)?\s*[:：]?\s*"
                            r"([a-z]{1,4}[0-9]{2,6}[a-z0-9]{0,2})(?![a-z0-9])")
_NOT_A_NAME = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
                      "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
                      "万钱严覃武戴莫孔向汤老小"
                      # and the words that stand alone before an id without naming anyone (我 id abc123)
                      "我你他她它的是在有和就都也还号")
_MOOD = re.compile(r"晚上(?:一个人|无聊|寂寞)|一个人的?(?:夜|晚上)|寂寞|漫漫长夜|一直在线|全套|私人影院|失眠|男士|"
                   r"什么都可以|陪你")


def lures_with_company(body: str) -> tuple[str, ...] | None:
    """The words of company or sex offered (a woman and a strong lure word, or two lure words with one
    strong, and the call), or None."""
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
    if not words:
        # the mood first: nearly every message has none, and then its text need not be scanned for a name
        mood = _MOOD.search(body)
        if mood is None:
            return None
        named = next((m for m in _NAME_AND_CODE.finditer(spaced) if m.group(1) not in _NOT_A_NAME), None)
        return (named.group(0).strip(), mood.group(0)) if named else None
    # a question is the hook when the way in follows it (今晚有空吗 私信「夏」)
    call = _CALL.search(body[asked.end():] if asked else body)
    return (*words, call.group(0)) if call else None
