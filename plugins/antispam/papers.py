"""Fake papers offered (issue 11): a licence, certificate, diploma, report or test result got without
the exam or the check it stands for (年审不用上线 … 三天出合格标; 学信网可查的本科 不用考试 一年拿证;
考公体检 血压高的 … 有办法过 不成功不收费; 体检报告 孕检单子也能出 医院章都是真的).

The char model reads these as a member's talk about exams and paperwork (0.66–0.86 in spam34's blind
probe, under the members' level) and no contact word is needed to sell them. Members talk about the
same papers, but to ask (包过吗, 你们信吗) or to warn (都是假证, 别信): a message that only names a
paper and a promise to get it without the exam, and offers nothing, is neither. A promise beside an
offer (找我, 私聊, 需要的, 资料给我, 价格, 全国都能办 …) is the ad. Over the corpus, its candidates,
every probe and the shared train/test sets, the normal rows with a paper and such a promise are
warnings and questions (checks leaves those out) and one joke (跟你一天拿证哦，历时两年) with no offer.
A thesis or an essay written for the student (代写 论文 保过, spam47: the four read probe files' one fake)
is the same offer: 代写 is a promise of getting the paper without the work, and with a second promise
(保过, 包过) it sells. Students and parents talk about theses all day (论文查重率要低于百分之十五 … 别问我能不能
保过; 导师说论文代写一经发现取消学位; 毕设代写闲鱼上到处都是 学校查得严): one promise and no offer is talk
(tests/test_antispam_members_lines.py PAPERS).
This module only reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re

_PAPER = re.compile(r"证|驾照|驾考|科目[一二三四]|学历|文凭|合格标|报告|证明|单子|成绩|体检|考试|面试|年审|答案|"
                    r"论文|essay|毕业设计|毕设")
# getting it without the exam or the check, or for sure, or in days
_PROMISE = re.compile(r"代办|代开|代写|替考"
                      r"|不用考试?|免考|免学|不用体检|免体检|不用上线|不用去医院|包过|保过|不过(?:全)?退"
                      r"|有办法过"
                      r"|上网(?:能)?查|网上能查|章都有"
                      r"|都能办|都能搞定|也能出|都能出|可查"
                      # a paper in so many days (三天出合格标, 一年拿证), not a report's or a test's
                      # turnaround said as a fact (体检报告三天出，医院说的 was reminded as an ad from a
                      # regular, the lead's hard lines after spam34)
                      r"|章都是真的|[一二两三四五六七八九十0-9]{1,12}\s*(?:个工作日|天|周|个月|年)\s*(?:就能)?(?:拿证|出证|下证|出标|出合格)"
                      r"|(?:当天|加急)(?:拿证?|出证?)"
                      r"|[一二两三四五六七八九十0-9]{1,12}\s*(?:个工作日|天|周|个月)\s*(?:就能)?拿(?:到|证)?")
# what makes it an offer: a call, a price, the service's own words
_OFFER = re.compile(r"私|找我|加我|联系|需要的|有需要|了解|咨询|价格|价钱"
                    r"|[0-9一二两三四五六七八九十百千]{1,12}\s*[元块]|资料给我"
                    r"|名额|办理|专业|团队|全国|加急|速度快|不成功|退款|退一半|包邮")


# what it ends in, told (代写论文 查重包过的 都是 收了钱就拉黑: a trained probe's scam talk, spam47); not 都是
# alone (医院章都是真的 is the ad's)
_TOLD = re.compile(r"的\s*都是|拉黑|收了?钱就|跑路|谁信|被骗|骗子")


# a promise asked about is none: 别问我能不能保过 (a member's thesis talk beside 导师说代写一经发现取消学位 was
# warned as two promises in lead47's owner day, once 代写 was one)
_ASKED_BEFORE = re.compile(r"(?:能不能|能否|可不可以|会不会|是不是|有没有)\s*$")


def _promises(body: str) -> list[re.Match[str]]:
    """The promises `body` makes: each of _PROMISE's finds not asked about."""
    return [m for m in _PROMISE.finditer(body) if not _ASKED_BEFORE.search(body[max(0, m.start() - 5):m.start()])]


def offers_papers(body: str) -> tuple[str, ...] | None:
    """The words of a fake paper offered in `body` (the normalised body: the paper, the promise, the
    offer), or None."""
    if _TOLD.search(body):
        return None
    made = _promises(body)
    if not made:
        return None
    promise = made[0]
    paper = _PAPER.search(body)
    if paper is None:
        return None
    if offer := _OFFER.search(body):
        return tuple(dict.fromkeys((paper.group(0), promise.group(0), offer.group(0))))
    # 代办 offers the service by itself beside another promise (职称证代办不用考试, 学信网可查学历代办);
    # alone it may be a story (网上说帮代办居住证的那种我找过 交了钱没消息了)
    # two promises sell it too (驾照 不用考试 包过; 各种证件 不用考 一周拿): a story or a warning tells one
    promises = list(dict.fromkeys(m.group(0) for m in made))
    if len(promises) > 1:
        return tuple(dict.fromkeys((paper.group(0), *promises[:2])))
    return None
