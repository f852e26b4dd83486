"""Recruitment spam: what a job ad that fishes for people looks like in its words.

A headhunter's or a 'part-time job' ad (猎头急招……简历发 someone@163.com; 宝妈在家可做，日结，
加QQ …) reads like a member's referral to the char model and gives no stop phrase. What sets it
apart is two things together: easy-money or hype words (日结, 无需经验, 在家可做, 宝妈/学生优先,
高薪急招, 待遇面议 …) and a personal address to send the CV to (a free mail box, a QQ number, a
WeChat id), not the company's own domain or careers page. A member's referral has the second
at most: 内推 with xx@bytedance.com, our team's opening with a careers link, someone asking
有人知道…招人吗.

This module only reads words (no contact data, no model): the check in checks.py joins them to
the contact data. Nothing here is a feature of the char model, so the shipped model is untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# a job is on offer: 招聘, 急招 …, 招 + a role, 聘, 猎头, a CV, a salary. Not 招呼/招待/招牌/招生/
# 招商/招领/绝招/花招: greetings, signs, school places, franchises and lost property are no job
_JOB = re.compile(r"招聘|招人|招募|招工|(?<![绝花高损妙新])招(?![呼待惹手牌财标生商数式供认摇致来引架股降安魂领行])"
                  r"|聘|猎头|岗位|职位|简历|兼职|全职|(?:当天|马上|即可|立即)上岗|入职|底薪|月薪|年薪|薪资|工资|打字员|暑假工|寒假工|(?<![a-z])hr(?![a-z])")

# words a genuine opening never needs: pay by the day, no experience, at home, on a phone,
# mothers and students as the target. Each is one of the scam job's promises
# how a job pays, the one promise a genuine labour job makes too (装卸工 日结工资260一天 当天结):
# engine._job_by_phone lets a regular's job whose only bait is this through on a phone number
PAY_TERMS = r"日结|周结|一单一结|当天结|秒结|现结"
PAY = re.compile(PAY_TERMS)
_BAIT = re.compile(
    PAY_TERMS + r"|日入|日赚|月入(?:过万|上万|[0-9一二三四五六七八九十两几]{1,12}\s*[千万kw])"
    r"|宝妈|全职妈妈|手机(?:就能|即可|也能|就可以|上)?(?:操作|做)|一部手机|动动手指|打字员|抄写员|录入员"
    r"|在家(?:可做|就能做|就可以做|也能做|即可|做|赚|兼职|上班|就能)|足不出户|不收任何费用|零门槛|零投入|零成本"
    r"|多劳多得|躺赚|轻松赚|无需经验|零经验|零基础|不需要经验|无经验要求|无经验可|无门槛|有手就行|会打字就行|会拼音就行"
    r"|学生(?:党|均可|可做|宝妈)")
# what a genuine piece-rate or labour job says about its pay too (急招派件员 按件算 多劳多得 月入过万不难
# 电话 … 徐站长; 装卸工 日结工资260一天 当天结): how it pays and how much it comes to. Two of these
# are no scam job's promises: a regular's courier post was convicted on 多劳多得 + 月入过万 + a phone
HONEST_PAY = re.compile(PAY_TERMS + r"|多劳多得|月入(?:过万|上万|[0-9一二三四五六七八九十两几]{1,12}\s*[千万kw])")
# the hype of an unknown company's or a headhunter's ad: urgency, big pay, vague pay, big names.
# A genuine opening may use one of these (我们部门招数据分析，薪资面议): framed as the writer's
# own team or a friend's, they count only beside the bait above. Not 大量招: a game raid's
# 大量招酱油 (in game chat a player's call, not a job)
_HYPE = re.compile(
    r"猎头|急招|急聘|急需|诚聘|诚招|直招|直聘|高薪|(?:待遇|薪资|工资|薪酬)?面议|待遇从优|待遇优厚|薪资优厚|薪资丰厚|高提成|高额提成|底薪加?提成"
    r"|年薪(?:百万|过百万|[0-9]{1,12}\s*[万w]|[0-9]{1,12}[-~到至][0-9]{1,12}\s*[万w])|月薪(?:过万|上万)|名额有限|名企|知名企业|知名公司"
    r"|500强|五百强|上市公司|大厂|多家|多个岗位|不限学历|学生优先|时间自由"
    r"|居家办公|在家办公|远程办公|包机票|包签证|工作轻松|轻松月入|上手快|当天上岗|速来|速发|速投"
    r"|先到先得")
# the writer's own team or a friend's opening, or a referral they pass on: how members share jobs
# (我们组在招, 内推, 帮朋友发一下, 我帮你递). 我司 is not here: it is the ads' own word (我司诚聘)
_OWN = re.compile(
    r"我们(?:组|部门|团队|公司|这边|单位|项目组|实验室|店|厂|学校|医院|门店|工作室|科室|这里|院|所|系|中心)|他们(?:组|部门|团队|公司)"
    r"|本部门|组里|部门里|内推|帮(?:朋友|亲戚|同学|同事|老板|家里|我们|他们)|朋友(?:的)?(?:公司|店|厂|单位|那边|家)"
    r"|我(?:表|堂)(?:哥|姐|弟|妹)|我(?:的)?(?:同学|同事|亲戚|老板|朋友)|我帮你|我帮忙|我可以帮|我转给|我推给|帮你(?:递|推|问|转|投)"
    r"|找我内推|我来内推|说是我介绍")
# someone asking for work or about an employer (有人知道…招人吗, 求推荐, 我在找工作): a job-seeker's
# own address is not a place to send CVs to
_ASKING = re.compile(r"有人知道|谁知道|有谁知道|有没有人知道|求推荐|求介绍|求内推|请问有人|打听|哪里有|哪有|哪儿有"
                     r"|哪里招|哪家|有没有(?:人|谁)(?:在招|招人|推荐|认识|知道)|我在找工作|麻烦推荐|帮忙推荐")
# a rate per piece of work (一个三毛, 一条五元, 一千字十五, 一天两三百, 5元一单): beside the scam job's promises
# (JobPitch.promises) the task scam's pitch even with no address to apply to (checks.recruiting). Over
# the corpus, its candidates, every probe and the shared sets, the rows with both are ads (and 3
# warnings, which checks leaves out), spam34
_PIECE_RATE = re.compile(r"(?:一|每)(?:条|单|个|件|千字|小时|组|首|天|晚上?|把|篇|张)\s*(?:给你?|能?赚|拿)?\s*"
                         r"[0-9一二两三四五六七八九十百千几]{1,12}\s*(?:元|块|毛|角)?|[0-9]{1,12}\s*[元块](?:一|每)(?:条|单|个|件|天)")


def piece_rate(body: str) -> str | None:
    """The rate per piece a message names (一个三毛, 一天两三百), or None."""
    m = _PIECE_RATE.search(body)
    return m.group(0).strip() if m else None


@dataclass(frozen=True, slots=True)
class JobPitch:
    """The recruitment words a message says, by kind."""

    bait: tuple[str, ...]  # easy-money promises (日结, 宝妈, 在家可做)
    hype: tuple[str, ...]  # a headhunter's or an unknown company's hype (急招, 高薪, 待遇面议)
    own: bool  # framed as the writer's own team's or a friend's opening, or a referral passed on
    asking: bool  # someone asking for work or about an employer

    @property
    def words(self) -> tuple[str, ...]:
        return (*self.bait, *self.hype)

    @property
    def promises(self) -> bool:
        """Two of the bait words, not all of them about pay (HONEST_PAY): a scam job's promises,
        whoever it claims to be from."""
        return len(self.bait) >= 2 and not all(HONEST_PAY.fullmatch(b) for b in self.bait)

    @property
    def fishing(self) -> bool:
        """Words enough to make a personal address beside them a recruitment ad's: the promises,
        or any bait or hype word said neither as a member's own team's or a friend's opening nor
        as a question."""
        return self.promises or (bool(self.words) and not self.own and not self.asking)


@lru_cache(maxsize=1024)
def job_pitch(dense: str) -> JobPitch | None:
    """The recruitment words of a message's dense form (plugins.antispam.normalize), or None
    when it offers no job at all. Cached: floods repeat the same text."""
    if not _JOB.search(dense):
        return None

    def found(pattern: re.Pattern[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.group(0) for m in pattern.finditer(dense)))[:4]

    return JobPitch(found(_BAIT), found(_HYPE), bool(_OWN.search(dense)), bool(_ASKING.search(dense)))
