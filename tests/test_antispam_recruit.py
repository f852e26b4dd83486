"""Recruitment spam (issue 11): a job that fishes for people (日结, 宝妈, 在家可做, 高薪急招, 待遇面议 …)
with a personal address to send the CV to (a free mail box, QQ, a WeChat id) is an ad; either
alone, a referral with the company's address, a team's own opening, a careers page, a question
about who is hiring or a warning is not."""

from __future__ import annotations

import pytest

from plugins.antispam.checks import Facts
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide
from plugins.antispam.normalize import normalise
from plugins.antispam.recruit import job_pitch

CFG = AntispamConfig()

# ads: each passed for an established member before, and most for a newcomer too (the shipped char
# model read the headhunters' at 0.13-0.86, under its line, and a plain address is weak alone)
RECRUITMENT_ADS = [
    "猎头急招Java开发，年薪50-80万，简历发 zhang_hr@163.com",
    "猎头急招产品经理，待遇面议，简历发 3382910@qq.com",
    "猎头推荐：多家上市公司急招财务经理，年薪30-60W，简历请发 headhunter_wang@foxmail.com 注明岗位",
    "深圳某500强企业高薪急招销售精英，底薪8000+提成，不限经验，简历发 job_sz888@163.com",
    "【猎头】急聘高级前端，年薪60W+股票，名额有限，简历速发 lietou_chen@gmail.com",
    "高薪急招海外客服，包机票包食宿，月薪两万起，简历发 overseas_hr@outlook.com",
    "高薪急招客服，無需經驗，簡歷發 kf_job@163.com",
    "各位群友打扰了，帮忙扩散：某上市公司急招行政前台，双休，待遇面议，简历发 xingzheng_hr@139.com",
    "名企直聘｜产品经理/算法工程师，年薪35-70万，简历请投 hr.offer2026@gmail.com，合适的当天安排面试",
    "招聘：外贸跟单文员，在家办公，薪资面议，有意者将简历发至 waimao_hr@163.com",
    "宝妈专属岗位：在家可做的客服工作，不压钱，月入四五千，简历请发 baoma_job@qq.com",
    "急招！！！无需经验，在家可做，日结，+QQ 2839475610",
    "招线上配音兼职，会说普通话就行，一条几十到几百，学生宝妈优先，简历和试音发 peiyin_jz@qq.com",
    "宝妈在家兼职，手机操作，一单一结，电话 13812345678 联系",
    "招聘兼职数据录入员，学生优先，在家可做，待遇面议，联系微信 zp_hr2026",
]
# members: referrals with the company's address, a team's own opening, a friend's, a question,
# a job-seeker's own address, a CV sent to a friend, warnings and group rules that name the words
REFERRALS = [
    "内推字节，后端岗，简历发我 wang.lei@bytedance.com",
    "我们部门招数据分析，三年以上经验，薪资面议，简历发 zhaopin@yuanfandata.com",
    "内推阿里，P6 Java，年薪40W左右，简历发 zhao.lei@alibaba-inc.com，写上群名",
    "有人知道附近有没有招人的吗？我表妹想找个兼职",
    "有人知道华为今年还招人吗",
    "我们组急招一个测试，有兴趣加我微信 zhou_qa2025，简历发我",
    "朋友公司在招前台，双休，五险一金，简历可以发我 345678912@qq.com 我转给她",
    "字节海外在招前端，我帮你递，简历发我 xiaoyu_dev@gmail.com",
    "你把简历发我QQ邮箱 28475610@qq.com，我帮你看看哪里要改",
    "我在找工作，做了五年会计，有合适的岗位麻烦推荐一下，我的邮箱 kuaiji_lin@163.com",
    "请问有人认识做猎头的吗？我想换工作，邮箱 job_seek2026@163.com 谢谢",
    "有没有人在招实习生的？我弟弟计算机大三，简历可以发你们，邮箱 liu_xiaodi@126.com",
    "我同学在猎头公司，靠谱的，要换工作的可以加她微信 liu_hunter88 说是我介绍的",
    "我们组还有两个HC，后端和前端，简历发我 chen.yu@xiaomi.com 或者加我微信 chenyu_mi 聊",
    "楼下超市招收银员，无需经验，有人带，电话 13812345678 找王姐",
    "刚收到一个猎头的邮件 hunter_xx@163.com，说年薪五十万急招，这种是不是骗子啊",
    '提醒大家：最近有人发"高薪急招，在家可做，简历发 xxx@qq.com"，其实是诈骗，别信',
    '群规：欢迎分享正规招聘信息，请写明公司和岗位，不接受"日结""高薪"类模糊招聘，有问题联系群主微信 qunzhu_2020',
    "HR 说简历发到 hr@163.com 就行，我发了一周都没回",
]


@pytest.mark.parametrize("text", RECRUITMENT_ADS)
def test_a_recruitment_ad_with_a_personal_address_is_caught_by_the_rules(text):
    for newcomer in (False, True):
        decision = decide(Facts(text, newcomer=newcomer), CFG, None, "room")
        assert decision.spam, (newcomer, decision.evidence())
        keywords = next(v for v in decision.fired if v.name == "keywords")
        assert keywords.why.startswith("招聘引流：") and "不是公司" in keywords.why, keywords


@pytest.mark.parametrize("text", REFERRALS)
def test_a_members_referral_or_question_about_jobs_is_not_an_ad(text):
    model = SpamModel()
    for newcomer in (False, True):
        decision = decide(Facts(text, newcomer=newcomer), CFG, model, "room")
        assert not decision.spam, (newcomer, decision.evidence())


def test_the_issues_headhunter_ads_with_the_shipped_model():
    """The issue's two ads scored 0.12 / 0.42 on the char model then (0.36 / 0.37 now) and passed
    for everyone. An established member is warned (never removed for a first offence); a newcomer
    too, not removed at once: the pitch and the address it names are one piece of evidence, and
    the model does not agree. The owner reads which words and which address."""
    model = SpamModel()
    for text, address in (("猎头急招Java开发，年薪50-80万，简历发 zhang_hr@163.com", "zhang_hr@163.com"),
                          ("猎头急招产品经理，待遇面议，简历发 3382910@qq.com", "3382910@qq.com")):
        regular = decide(Facts(text), CFG, model, "room")
        assert regular.spam and not regular.models_only, regular.evidence()
        assert regular.label(CFG.texts.check_labels) == "发广告"
        why = next(e["why"] for e in regular.evidence() if e["name"] == "keywords")
        assert "「猎头」" in why and "「急招」" in why and f"邮箱「{address}」" in why and "免费邮箱" in why, why
        newcomer = decide(Facts(text, newcomer=True), CFG, model, "room")
        assert newcomer.spam and not newcomer.obvious, newcomer.evidence()


def test_a_newcomers_recruitment_ad_is_obvious_only_when_something_else_agrees():
    # 有意者 makes the address an offer for the contact check too: still the same evidence
    text = "招聘：外贸跟单文员，在家办公，薪资面议，有意者将简历发至 waimao_hr@163.com"
    decision = decide(Facts(text, newcomer=True), CFG, None, "room")
    assert {v.name for v in decision.fired} == {"keywords", "contact"} and not decision.obvious
    # the char model agreeing with the easy-money words: removed at once, as before
    sure = decide(Facts("诚聘打字员，无需经验，手机就能做，日结，个人信息发送至 typing_job88@163.com", newcomer=True),
                  CFG, SpamModel(), "room")
    assert sure.obvious, sure.evidence()


@pytest.mark.parametrize(("dense", "fishing"), [
    ("猎头急招简历发", True),
    ("我们组急招简历发我", False),  # the writer's own team's opening
    ("我们店招兼职宝妈在家可做日结", True),  # two promises, whoever it claims to be from
    ("有人知道哪里招兼职吗学生优先", False),  # a question
    ("招呼一下大家日结", None),  # 招呼 is a greeting, no job
    ("失物招领宝妈", None),
])
def test_job_words(dense, fishing):
    pitch = job_pitch(dense)
    assert (pitch.fishing if pitch is not None else None) is fishing


def test_a_job_board_group_turns_the_recruitment_rule_off():
    board = AntispamConfig.model_validate({"keywords": {"recruitment": False}})
    text = "猎头急招产品经理，待遇面议，简历发 3382910@qq.com"
    assert decide(Facts(text), CFG, None, "room").spam
    assert not decide(Facts(text), board, None, "room").spam
    # the ad words stay on there
    assert decide(Facts("兼职日结，加我微信 jz_8866"), board, None, "room").spam


# a courier's or a rider's real opening says how much it comes to (按件算, 多劳多得, 月入过万) and
# whom to call: two pay words and a phone were read as a scam job's promises (bench.judgement:
# a regular's 急招派件员 … 多劳多得 月入过万不难 电话 … was convicted by the recruitment rule)
@pytest.mark.parametrize("text", [
    "顺丰城东网点招派件员 按件计费 多劳多得 月入过万不难 有电动车优先 电话 17705169987 找王站长",
    "本站招外卖骑手 多劳多得 旺季月入八千以上 车我们配 联系站长 18551673320",
])
def test_a_regular_s_piece_rate_job_post_with_a_phone_is_no_recruitment_pitch(text):
    assert not job_pitch(normalise(text).dense).promises
    decision = decide(Facts(text, newcomer=False), CFG, None, "room")
    assert not any(v.name == "keywords" for v in decision.fired), decision.evidence()


@pytest.mark.parametrize("text", [
    "兼职日结 多劳多得 宝妈在家就能做 电话 13800001111",
    "招打字员 日结 月入过万 手机操作 打 15900002222 咨询",
])
def test_pay_words_beside_a_scam_job_s_promise_still_count(text):
    assert job_pitch(normalise(text).dense).promises
    assert decide(Facts(text, newcomer=False), CFG, None, "room").spam
