"""A class or course promoted with a deal and a call to sign up (issue 11): 暑假数学思维班开始报名了 小班六人
前十名报名打八折 想了解的私聊我; 钢琴考级辅导 一对一上门 先试课不满意不收费 私聊我.

Course and training promotions were the tenth blind probe's third-weakest kind from an established
member (0.56, spam35): a parents' or a hobby group's own words (报名, 试听, 暑假班), no contact word, so
the char model reads them as parents comparing classes. What a promotion says and parents' talk does
not is three things at once: a class or course (班, 课, 营, 培训, 辅导, 招生 …), a deal (N折, 立减, 早鸟,
前N名, 名额只剩, 截止, 不满意退, 包过, 试听 for a price …) and a call to the writer (私聊, 私我, 戳我, 找我,
扣1 …). A parent telling what a class cost or offered (我们报的那个暑假班八折, 续班优惠今天截止 我还没想好)
says the first two and no call; a newcomer teacher says the first and the call with no deal. Left out:
questions, a class the writer or their child took (报的, 上过, 学过, 报了), and warnings about such
offers (骗, 忽悠, 智商税, 坑). This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

from plugins.antispam.parts import every_part

_NUM = r"[0-9一二两三四五六七八九十]{1,12}"
# not 上班, 加班, 值班, 班级, 班主任, 班长: work shifts and a school's own class
_COURSE = re.compile(r"[^\s，。,]{0,6}(?:(?<![上加值下早晚夜])班(?![级主长会])|课程?|营|培训|辅导|集训|特训|招生"
                     r"|考级|一对一|家教)")
_DEAL = re.compile(
    r"(?:" + _NUM + r"(?:\.\d)?|半)\s*折|立减|(?:报|连报|同报|团报)[^\s，。]{0,6}减|早鸟"
    r"|前\s*" + _NUM + r"\s*(?:名|位|个)|名额(?:有限|不多|只剩|紧张)|只剩|仅剩|最后\s*" + _NUM + r"\s*(?:天|个|名|位)"
    r"|不满意(?:全额)?(?:退|不收)|不过(?:全额)?退|不提(?:分)?不收|包过|包会|包教包会|包就业"
    r"|试听\s*(?:只要|仅|" + _NUM + r")|(?:首课|试课|体验课)\s*(?:只要|仅|一块|" + _NUM + r"|免费)"
    r"|免费(?:试听|试课|体验|测评)|报名(?:就)?送|送[^\s，。]{0,6}(?:课时|绘本|教材|道服|茶具|礼品|礼包)")
# to the writer: not 私聊老师 / 私聊班主任 (a member passing on whom to ask)
_CALL = re.compile(r"私聊(?!老师|班主任|教练|他|她|群主|机构)|私我|私信(?!老师|班主任|教练|他|她)|私戳|私发"
                   r"|滴我|滴滴我|戳我|找我|联系我|扣\s*1|加我|@我|咨询")
# told about: a class the writer's family took, or the offer warned about
# (想报的 is the ad's own call: the writer or their child must be the one who took it)
_TOLD = re.compile(r"(?:我|我们|我家|孩子|娃|女儿|儿子)[^\s，。]{0,4}(?:报的|报了|上过|学过|上了|试听了)"
                   # 退费 complained about (要不回退费), not promised as the deal (不过全额退费, 不满意退费)
                   r"|去年|骗|忽悠|智商税|坑|别信|小心|(?<!全额)(?<!不过)(?<!满意)退费|扯皮|值不值"
                   # a member passing on someone else's class or organising a group's sign-up: what the
                   # teacher said, what they asked or got, a child already there, a school's or a
                   # community's own class (members' lines written to try the reading)
                   r"|老师说|教练说|问了|问过|孩子在|抢到|一起报|帮你报|带你们去|试了|公益|课后服务|班主任"
                   # a member gathering the group for a shared class (拼班, 团购, 还差两个): a deal
                   # and 私我 from a regular, who organises it, not a school selling it (lead35's lines)
                   r"|团购|拼班|拼团|拼课|凑够|凑齐|凑个|组织|还差|名单|报过去|咱们群|我们群|帮大家")


def promotes_a_course(body: str) -> tuple[str, ...] | None:
    """The words of a class promoted with a deal and a call (the class, the deal, the call), or None."""
    return every_part(body, _TOLD, _COURSE, _DEAL, _CALL)
