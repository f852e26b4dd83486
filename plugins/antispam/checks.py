"""The checks: small pure functions, each returning a named verdict with its reason.

A check reads the message's normalised forms, the facts about its sender that the plugin
looked up (probation, recent behaviour), the group's rules, and for the statistical checks the
model's score. Nothing here touches the database or the clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from plugins.antispam import (
    abroad,
    contact,
    courses,
    credit,
    cures,
    effects,
    fees,
    gains,
    gambling,
    gametrade,
    giveaways,
    grey,
    groups,
    loan,
    lures,
    negation,
    papers,
    phishing,
    recruit,
    referral,
    rental,
    replica,
    returns,
    services,
    tasks,
)
from plugins.antispam.classifier import ModelScore, _tokenizer
from plugins.antispam.config import AntispamConfig, KeywordRules
from plugins.antispam.explain import contact_kind, contact_said, message_kind
from plugins.antispam.normalize import Normalised, digit_runs_split, normalise


@dataclass(frozen=True, slots=True)
class Facts:
    """One message and what is known about its sender at that moment."""

    text: str
    kind: str = "text"  # a bot.events.MessageKind value
    url: str | None = None
    mentions: int = 0
    newcomer: bool = False
    # a newcomer the owner or an admin invited, judged as an established member (newcomer False)
    # but not one yet: their WeChat card as a QR code is still put to the humans (check_qrcode)
    vouched: bool = False
    trusted: bool = False
    recent_messages: int = 1  # by this member within flood.within, this one included
    same_by_member: int = 1  # same or near-same text by this member within repeat.within
    same_members: int = 1  # distinct members who sent this text here within repeat.within
    same_groups: int = 1  # distinct groups this member sent this text to within repeat.within
    qr_codes: tuple[str, ...] = ()  # texts of QR codes decoded from the message's image (plugins.antispam.qr)
    # an image's sender asked to borrow, urgently, within loan.QR_WITHIN before it (loan.borrow_ask):
    # that text, which a payment code in the image completes into a loan plea
    borrowed_before: str = ""
    # an established member's answer to another member's recent question (answers.Questions):
    # what it answers, in Chinese; the char model's verdict alone is not enough then
    answering: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    name: str
    spam: bool
    details: str = ""
    strong: bool = False  # an obvious ad: probation rules may skip the ladder's first steps
    # not enough on its own, even from a newcomer (a plain phone number); with another check it
    # counts, but never makes the ad obvious (removed at once)
    weak: bool = False
    # enough on its own against an established member without being obvious (a model score
    # past the established members' level): a first offence is a warning, never a removal
    conclusive: bool = False
    # spam only where another content check agrees, for an established member (a model score
    # between the agreement level and the threshold); never counted for a newcomer
    agrees: bool = False
    # what the check saw, in Chinese, for owners (the #case card, the console): `details` is
    # the log's English
    why: str = ""
    # only an invitation to get in touch or go elsewhere (a newcomer phrase: 加我微信, 私聊我):
    # with the contact data it points at, that is one piece of evidence, not two checks agreeing
    lure: bool = False
    # the verdict already reads the contact data it names (a recruitment pitch and the address it
    # sends applicants to): beside the contact check's verdict on that address, one piece of
    # evidence, not two checks agreeing. Unlike a lure it offers something (a job)
    with_contact: bool = False
    # the offence has a name of its own in texts.check_labels, not the check's (a loan plea found
    # by the keywords check is no ad: "loan_plea")
    label: str = ""
    # the newcomer phrase a keywords verdict fired on (私聊我, 进群 …): the ad ladder asks what it
    # was, and reading it back out of `details` broke whenever a check appended to them
    newcomer_phrase: str = ""
    # the ad word a keywords verdict fired on (a stop phrase or stop word: 兼职日结, 日赚), not an
    # operator's regex (often contact-shaped: 加微信 + id) nor a newcomer phrase: what is offered
    ad_word: str = ""


# A check that found nothing says so without details: one shared verdict per check (verdicts are
# frozen), not a new one per message (about a microsecond each, six or so per message; issue 13)
NOTHING = {name: Verdict(name, False) for name in
           ("keywords", "contact", "content", "flood", "repeat", "mentions", "emoji", "similar")}


def said(c: contact.Contact) -> str:
    return contact_said(c.kind, c.value)


def find_contacts(n: Normalised, url: str | None = None) -> list[tuple[str, str, bool]]:
    """(kind, value, hidden) for each piece of contact data found (see plugins.antispam.contact)."""
    return [(c.kind, c.value, c.hidden) for c in contact.find_contacts(n, url)]


@lru_cache(maxsize=64)
def keyword_tables(rules: KeywordRules) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...],
                                                   frozenset[str], tuple[re.Pattern[str], ...]]:
    """Phrases are normalised like messages, so an operator may write 加V or ＶＸ in rules.yaml."""
    def table(phrases: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        return tuple((p, dense) for p in phrases if (dense := normalise(p).dense))
    return (table(rules.stop_phrases), table(rules.newcomer_phrases), frozenset(rules.stop_words),
            tuple(re.compile(p) for p in rules.regexes))


# Talking about ads is not advertising: a member warning the others about 刷单 scams, or
# sharing the news about one. Ads reassure instead (不是骗子, 正规) and ask to be contacted.
_WARNING = re.compile(r"骗|小心|注意|警惕|禁止|请勿|严禁|不得|不允许|"
                      r"谨防|别信|不要信|千万别|千万不要|别上当|上当|举报|曝光|新闻|报道|违法|犯法|"
                      r"套路|离谱|反诈|提醒|别碰|不要碰|别去|坑人|被坑|踩雷|假的|是真的吗|靠谱吗|有人信|话术|传销|"
                      r"钓鱼|广告|不要随便|不要随意|别随便|有人发|又来了|转了一段|转给我|收到一条|收到一个短信|收到短信|私聊我发|原话|撤回|截个图|"
                      r"私信我的|私聊我的|看到的|"
                      # a report of an approach the writer ignored (有个群外的人加我 说有特效药 我没理):
                      # the patients' probe read one 0.971, past the members' level (spam31); not 没理由
                      r"没理(?!由)|没搭理|没回他|直接删了|拉黑了|"
                      # one the writer tried and gave up on (我扫了 要填身份证 我就没弄了): the
                      # community probe's 扫码领大米 report read as the stop phrase (spam32)
                      r"就没弄|就不弄了|就没填|就没扫|就关了|扭头就走")
# what someone else said, in quotes: a warning quoting an ad ("扫码领鸡蛋") is not the ad
_QUOTE_SPAN = re.compile(r"[\"“「『‘][^\"”」』’]{0,400}[\"”」』’]")
# "原文如下👇 …": everything after such a marker in a warning is the ad being shown, not said
_QUOTE_INTRO = re.compile(r"原文|原话|如下|下面这段话?|这段话|发的是|内容是|截图如下|转了一段|转给我一条|有人发[:：]|"
                          r"私信我的|私聊我的|看到的[，,:：]|👇")
_REASSURING = re.compile(r"(?<!是)不是骗|非诈骗|绝不骗|不骗人|拒绝骗|零风险|无风险|保证收益|保证赚|包赚|稳赚|"
                         r"正规平台|正规公司")
# reported speech: 有人私聊我, 骗子加我 — what happened to the writer, not a call to contact them
_REPORTED = re.compile(r"(?:有人|有个人|陌生人|骗子|对方|他们?|她们?|一个号|新人|那个人|这个人|那人|这人|群友|"
                       r"(?:群)?外面?的人|不认识的人|陌生的人)"
                       r"(?:私聊|私信|加|找|联系)了?我")
# (not Cantonese 带你哋, "take you all": 下次带你哋去 is a friend's outing)
_CALL_TO_ACTION = re.compile(r"私聊我|私信我|私我|有意者|有意私|联系我|加我|找我|咨询我|详聊|带你(?!哋)|"
                             r"扫码|点击|名额有限")
# a newcomer talking about joining (谢谢拉我进群, 刚进群) is not inviting anyone anywhere
_SELF_JOIN = re.compile(r"(?:拉我|邀请我?|带我|介绍|我|新人|刚刚?|才|新|初来|昨天|今天|前天|晚上|早上|上午|下午)进群|"
                        r"进群的|进群要不要|进群验证|进群报[道到]|拉我进来")
# a call to act that the writer tells people NOT to follow: 不要随便扫码, 别加微信
_NEGATED_CALL = re.compile(r"(?:不要|别|千万别|千万不要|不能|不会|禁止|请勿|严禁|不得)(?:随便|随意|轻易|乱)?"
                           r"(?:扫码|扫|点击|点|加|私聊|联系)")
# a call the writer reports someone making them or others follow (冒充物业……让加微信扫码缴费, 让我扫码
# 解冻): a scam told about, not the writer's own call. It runs to the end of its clause (让加微信扫码
# 缴费 is one instruction) and is taken out only in a message with warning words
_INSTRUCTED_CALL = re.compile(r"(?:叫|让|诱导|骗)(?:你|您|大家|我|人|老人|家长|业主)?先?(?:加|扫码|扫|点击|点|转账)"
                              r"[^，,。！!？?；;\n]*")


# a warning that reproduces what someone else sent: a quote, or "原文 / 发的是 / 这种消息"
_SHOWN_AD = re.compile(r"原文|原话|发的是|内容是|这种消息|这条消息|这样的消息|收到一条|收到一个短信|"
                       r"转了一段|有人发[:：]")


# a short name in quotes right after what it is the name of (淘宝搜"隐藏券", 关注"桃子的省钱日记",
# 回复"券"): the ad naming its own search term, account or keyword, not someone else's words. In
# the whole corpus this takes the quote frame from 156 ads and 5 normal rows (a friend's 搜"…"
# tip among them); with the model of the tree before, platform_referral recall on the held-out
# campaigns rose from 0.59 to 0.70 for an established member (15 of its 57 misses), FPR unchanged
_NAMES_IT = re.compile(r"(?:搜索?|搜一搜|搜一下|关注|回复|输入|口令|认准|up\s*主|店铺|店名|账号|公众号|视频号|抖音|"
                       r"快手|小红书|小红薯|b站|微博|知乎|闲鱼)\s*[:：]?\s*$")


def _quotes_someone(body: str) -> bool:
    for m in _QUOTE_SPAN.finditer(body):
        if len(m.group(0)) <= 18 and _NAMES_IT.search(body[max(0, m.start() - 8):m.start()]):
            continue
        return True
    return False


def shows_an_ad(n: Normalised) -> bool:
    """The message quotes an ad (in quote marks, or after 原文/发的是): its words are not the writer's."""
    return bool(_quotes_someone(n.body) or _SHOWN_AD.search(n.body))


def shows_a_post(n: Normalised) -> bool:
    """shows_an_ad, or someone else's post shown after an intro the discussion rule reads (帮我看看这个：,
    有人发：, 收到一条…：): for the checks only, as _SHOWN_INTRO (shows_an_ad is a feature of the shipped
    model). A newcomer asking 帮我看看这个：日赚五百 在家就能做 靠谱吗 was reminded on the model's score alone."""
    return shows_an_ad(n) or bool(_SHOWN_INTRO.search(n.body))


def framed(n: Normalised) -> bool:
    """A quote or a shown ad anywhere in the message, or warning words: a model score alone does
    not convict an established member for it (it may be a warning that quotes the ad). Warning
    words without a quote frame nothing when the writer's own words still promote something (a
    call to act, a reassurance, contact data, a link): there they are the ad's own dress (群内禁止
    广告, 不骗人, （请勿屏蔽）). On out-of-fold corpus scores past the agreement level that took the
    exemption from 62 ads and from 1 of 8,816 hard chat rows."""
    return shows_an_ad(n) or (bool(_WARNING.search(n.body)) and not _promotes_itself(n.body))


@lru_cache(maxsize=4096)
def _promotes_itself(body: str) -> bool:
    own = _own_words(body)
    mine = normalise(own)
    return bool(_REASSURING.search(own) or _CALL_TO_ACTION.search(own) or contact.find_contacts(mine)
                or contact.promoted_links(mine))


def _own_words(body: str) -> str:
    """The writer's own words: quotes of others, what follows 原文如下👇 in a warning, the calls
    they tell people not to follow (不要扫码) and the calls they report a scammer making (让加微信
    扫码) taken out."""
    marker = _QUOTE_INTRO.search(body)
    if marker and _WARNING.search(body[:marker.start()]):
        body = body[:marker.start()]
    body = _NEGATED_CALL.sub("，", _QUOTE_SPAN.sub("，", body))
    if _WARNING.search(body):
        body = _told_calls_out(body)
    return _REPORTED.sub("，", body)


# how a group's rule asks members to report what they see (禁止卖货刷单……看到请截图私我处理,
# 看到了直接告诉群主): the writer collects reports, nobody is offered anything. A regular who posted
# the owner's rule was warned for its 刷单 (lead57, a fresh blind file). Only beside a prohibition
# (an ad's 小心错过 is a warning word too), and only with 处理 or the group's owner or admins named:
# a bare 看到的私我, or 截图私我 (领红包), is how an ad asks. For the checks' discussion rule only
# (_discussing); framed() is a feature of the shipped char model and does not read them
_PROHIBITS = re.compile(r"禁止|严禁|不得|不允许|不准|请勿|谢绝|一律不")
# a group rule told as what posting it costs those who do (发贷款、刷单、收卡收U的，一次直接踢: a trade
# group's notice, posted by a regular, warned for its 刷单 in lead57's fresh blind file), never what
# the writer does to a reader ("踢你"). For the checks' discussion rule only, as _TOLD_NOT
_KICKED_FOR = re.compile(r"的[，,]?\s*(?:一律|直接|一次|立即|立刻|马上|一经发现|发现)(?:就|直接)?"
                         r"(?:踢|踢出|移出|请出|清出)(?![你我])")
_REPORT_ASKED = re.compile(r"(?:看到|发现|遇到|碰到)[^，,。！!？?；;\n]{0,4}?(?:请|麻烦|可以|直接|就)?\s*"
                           r"(?:(?:截图|截个图|拍照|拍个照)?\s*(?:私我|私聊我|私信我|告诉我|发我|给我|@我|艾特我)\s*处理"
                           r"|(?:截图|截个图)?\s*(?:告诉|联系|私聊|私信|通知|@|艾特|发给)\s*(?:群主|管理员?)(?:处理)?)")


def _told_calls_out(body: str) -> str:
    """The body without what a warning tells about rather than says: what someone posted (有人在群里发
    扫码领鸡蛋), a call a scammer made (让加微信扫码缴费), a bait named as a thing (那个扫码领大米的)."""
    return _NAMED_BAIT.sub("，", _INSTRUCTED_CALL.sub("，", _POSTED.sub("，", body)))


def discussing(n: Normalised) -> bool:
    """A warning or a discussion about ads: warning words, and in the writer's own words no
    call to act, no reassurance, no contact data, no link of their own."""
    # the body has its links taken out, so it cannot tell a link the writer shares from one in the ad
    # they show: a message with links is read again on its light form, links in place
    return _discussing(n.body) and (not contact.promoted_links(n) or _discussing(n.light))


# a bait named as a thing in a warning (群里那个扫码领大米的, 这种点链接领红包的): what the writer
# talks about, not a call of theirs (spam32's probe: 那个扫码领大米的 我扫了…我就没弄了)
_NAMED_BAIT = re.compile(r"(?:那个|这个|那种|这种|那些|这些)\s*(?:扫码|扫|点击|点|加)[^，,。！!？?；;\n的]{0,12}的")


# what someone posts or says in the group, named after 有人在群里发 / 好多人在群里说 in a warning (注意 有人在群里发
# 扫码领鸡蛋 别扫 是骗个人信息的; 好多人在群里说 抖音搜 啥啥啥 其实就是引流 群主注意点): the bait or the
# hook is the thing warned about, not the writer's call. spam33's blind probe read the first as the
# stop phrase 扫码领 and removed a newcomer for it. To the end of its clause, at most 12 characters,
# so an ad's own call further on stays its own. Taken out in a message with warning words only.
_POSTED = re.compile(r"(?:有人|有个人|好多人|很多人|不少人|骗子|陌生人|有个号)(?:在|往)?"
                     r"(?:群里|群|朋友圈|小区群|业主群)?(?:发|发了|在发|说)\s*[^，,。！!？?；;\n]{0,12}")


# a call reported as someone's words (有个人私聊我，说加他威心 fanli888 刷单返利……大家千万别信: the
# scammer's id as he gave it). A regular who warned so was warned himself in a simulated day.
# Taken out for the checks' discussion rule only: framed() is a feature of the shipped char
# model, which was built with it as it is (plugins/antispam/feature_code.py)
_SAID_CALL = re.compile(r"说(?:你|您|大家|我|人)?先?(?:加|扫码|扫|点击|点|转账)[^，,。！!？?；;\n]*")


# what someone reportedly said to the writer, as its own clauses (有人私聊我说兼职刷单日结，加V：sd_8899，
# 这是骗子别信): seen in a simulated day, where the regular who warned so was warned 发广告 himself.
_REPORTED_SAID = re.compile(_REPORTED.pattern + r"\s*说[:：]?")
_CLAUSES = re.compile(r"[^，,。！!？?；;\n]*[，,。！!？?；;\n]?")


def _unsaid(body: str) -> str:
    """The body without the words reported as said to the writer: after 有人私聊我说, the clauses
    up to the warning that follows them (这是骗子别信); or, when the warning came first (大家注意，
    有人私聊我说……), every clause after it. The writer's own words keep the warning and anything
    after it (其实不是骗子，加V… still promotes)."""
    said = _REPORTED_SAID.search(body)
    if said is None:
        return body
    rest = [c for c in _CLAUSES.findall(body[said.end():]) if c]
    warned = [i for i, clause in enumerate(rest) if _WARNING.search(clause)]
    if warned and warned[-1] > 0:
        return body[:said.end()] + "，" + "".join(rest[warned[-1]:])
    if not warned and _WARNING.search(body[:said.start()]):
        return body[:said.end()]
    return body


# an ad shown whole in a warning: after 有人发： / 【原文】 / 下面这段话 with the warning following it
# (刚才群里有人发: 【原文】…威 jun-368 诚信经营，千万别加，已经踢了: a newcomer removed at once, a regular
# warned) or said first (辟谣一下，下面这段话是假的：【原文】…想赚钱的私聊: a newcomer removed). Only
# intros that report someone else's post: 如下 and 👇 open ads' own details too (联系方式如下👇), as
# do 内容是 (工作内容是：…) and 这段话 (复制这段话打开淘宝). For the checks' discussion rule only, as
# _TOLD_NOT: _QUOTE_INTRO is a feature of the shipped model
_SHOWN_INTRO = re.compile(r"有人(?:在群里)?发了?[:：]|【原文】|原文[:：]|原文如下|原话[:：]|发的是|原文贴出来|"
                          r"下面这段话|这段话是假的|转了一段|收到一条[^，,。！!？?；;\n]{0,6}[:：]|"
                          r"(?:我|刚)收到的[:：]|收到这条[:：]|(?:大家|帮我|帮忙)?看看这个[:：]|这个是真的吗[:：]")
# the intro's own words up to its colon (下面这段话是假的：): they frame what follows
_INTRO_TAIL = re.compile(r"[^，,。！!？?；;\n:：]{0,8}[:：]")


def _unshown(body: str) -> str:
    """The body without an ad it shows: from the intro (有人发：, 【原文】) up to the warning that
    follows it, or, when the intro itself came after a warning (这段话是假的：), everything after it."""
    intro = _SHOWN_INTRO.search(body)
    if intro is None:
        return body
    head, tail = body[:intro.end()], body[intro.end():]
    # the writer's words up to the shown ad, but not 有人发: that is one of the _WARNING words itself
    framing = head if not intro.group(0).startswith("有人") else body[:intro.start()]
    if colon := _INTRO_TAIL.match(tail):
        head, tail, framing = head + colon.group(0), tail[colon.end():], framing + "，" + colon.group(0)
    shown = [c for c in _SEGMENTS.findall(tail) if c]
    warned = [i for i, clause in enumerate(shown) if _warns(clause)]
    if warned and warned[-1] > 0 and not _undercut("".join(shown[warned[-1]:])):
        return head + "，" + "".join(shown[warned[-1]:])
    if _WARNING.search(framing):
        return head
    return body


# a clause or a run between spaces: chat breaks its clauses with spaces as often as with commas
# (有人发：兼职打字 日结三百 加V abc123 大家别信)
_SEGMENTS = re.compile(r"[^，,。！!？?；;\n\s]*[，,。！!？?；;\n\s]*")
# an ad's own urging or reassurance, not a warning: 千万别错过, 请勿打扰, 请勿举报, 假一赔十, 骗你干嘛
_URGES = re.compile(r"别错过|不要错过|别犹豫|不要犹豫|请勿打扰|请勿屏蔽|勿扰|别举报|不要举报|勿举报|不用举报|"
                    r"假一赔|假的包赔|骗你干|不会骗你|骗你是|不骗|没骗|非广告")


def _warns(clause: str) -> bool:
    return bool(_WARNING.search(clause) or _TOLD_NOT.search(clause)) and not _undercut(clause)


def _undercut(words: str) -> bool:
    """Words that turn a warning word into an ad's own: its urging (千万别错过), its reassurance
    (不是骗子), the writer vouching for themselves (只有我靠谱)."""
    return bool(_URGES.search(words) or _REASSURING.search(words) or _VOUCHES.search(words))


# an ad shown with no intro, denounced after it: in 【】 (【兼职刷单 日结300 加微信abc12345】千万别加 是骗子)
# or pointed back at (兼职刷单 日结300 加微信abc12345 这种千万别加 是骗子). Only words that call it a
# scam or say not to follow it count: an ad's own 注意：名额有限 or 千万别错过 does not, nor 不是骗子
_DENOUNCES = re.compile(r"骗|别信|不要信|别加|不要加|别理|不要理|别扫|不要扫|别点|不要点|别转|不要转|"
                        r"举报|拉黑|报警|是假的")
# the writer vouching for themselves after calling others scams: 这个群里的都是骗子 只有我靠谱, 上面那些都是
# 骗人的 我这个是真的 — an ad's contrast, not a warning
_VOUCHES = re.compile(r"只有我|我[^，,。！!？?；;\s]{0,4}(?:真的|是真|正规|靠谱|不一样|放心)|靠谱|放心|保真|认准")
_POINTED_BACK = re.compile(r"(?:^|[，,。！!？?；;\s])\s{0,8}(?:这种|这个|这些|这类|此类|以上|上面)")


def _unpointed(body: str) -> str:
    """The body without an ad it shows before denouncing it: a leading 【…】 span, or everything
    before a 这种 / 以上 that points back at it, when what follows is a denunciation."""
    if body.startswith("【") and (end := body.find("】")) > 0 and _denounces(rest := body[end + 1:]):
        return "，" + rest
    for back in _POINTED_BACK.finditer(body):
        if back.start() > 0 and _denounces(rest := body[back.start():]):
            return "，" + rest
    return body


def _denounces(words: str) -> bool:
    return bool(_DENOUNCES.search(words)) and not _undercut(words)


# telling people to ignore or not to follow what someone sent (那个加 vx 领资料的……别加, 陌生人说加 v
# 领红包的一律不要理): a warning too, though it names no scam. A newcomer who wrote so was removed at
# once for the ad's own stop phrase (加微信领), a regular warned (the spam30 blind probe). Not one of
# the _WARNING words: those are part of the char model's features (framed), and this is for the
# checks' discussion rule only. 别加我 is the ad's own (仅聊天的别加我，要看朋友圈的加: a lure's corpus row)
_TOLD_NOT = re.compile(r"(?:别|不要|千万别|千万不要|一律不要|都不要|都别)(?:加|理|回|信|点|扫|私聊|联系|搭理)(?!我)"
                       # the police or the anti-fraud hotline named, a post called suspicious or unlike a
                       # real business (我把原文贴出来大家认一下：“…”，正规的东西不会这么说话的！遇到可疑的可以打96110:
                       # the corpus's own warning, a newcomer removed at once on the t.me link it quotes)
                       r"|可疑|96110|打110|报警|正规的?[^，,。！!？?；;\s]{0,6}(?:不会|哪会|哪有)"
                       # a group rule's list of what may not be posted (代购、微商、保险、理财、刷单这些一律不行: a
                       # regular who posted the rule reminded for its 刷单, a read probe row)
                       r"|(?:这些|这类|这几种|以上)(?:都|一律|统统|全部)?(?:不行|不可以|不允许|不准|不能发)"
                       r"|(?:一律|统统)(?:不行|不可以|不允许|不准|不能发)"
                       # told to ignore it (有人自称是群主朋友要拉你进"福利群"，请直接无视), where a loan ad's
                       # 无视 is what it overlooks (无视征信)
                       r"|(?:请|直接)无视(?=[\s，,。！!？?；;]|$)")


# a bait named as a thing someone had (前两天有个扫码领充电券的 扫了要填银行卡): _NAMED_BAIT's kind after 有个,
# which a warning says of what it saw. spam34's blind probe removed a newcomer for it on 扫码领. For
# the checks' discussion rule only, as _SAID_CALL: _NAMED_BAIT is a feature of the shipped char model
_HAD_BAIT = re.compile(r"有(?:一)?(?:个|种|条)\s*(?:扫码|扫|点击|点|加)[^，,。！!？?；;\n的]{0,12}的")


# how a scam goes, told by someone who saw through it: what it makes its victims do (让你先交298入门费,
# 进去就让你买保健品), how it turns (前两单给你返 第三单就不返了, 后面就是拉你进群), what it really is
# (其实是拉你去刷单, 一看就是引流的, 就是刷单的前奏). An ad promises; it never tells how the promise
# ends. For the checks' discussion rule only, as _TOLD_NOT: _WARNING is a feature of the shipped model
_EXPOSES = re.compile(r"一看就是|其实(?:就)?是|就是[^，,。！!？?；;\n]{0,8}前奏|伪装成|"
                      r"让你(?:先)?(?:交|充|买|下载|垫付|转账|转钱)|(?:后面|然后|最后|到最后|进去)就?(?:让你|拉你|不返|推荐你)|"
                      r"就不返|提不出|(?:这|那)种[^，,。！!？?；;\n]{0,14}(?:都是|就是)|"
                      # what it costs whoever takes it up (这种被平台查到要封店的吧, 那种会被抓的)
                      r"(?:这|那)种[^，,。！!？?；;\n不没别]{0,8}(?:被|会被|要被)[^，,。！!？?；;\n]{0,6}(?:查|封|抓|罚|判)|"
                      # marvelling at it (又有人说 三国杀 真钱场 一局五十 真是什么都能赌: a newcomer warned
                      # for the gambling it named, in lead52's replay of the read probe files)
                      r"(?:真是|真的是|现在|这年头)什么都(?:能|敢)|"
                      # what a platform does to it (天天想着挂微信号 反而被限流; 笔记里留微信直接限流: a newcomer
                      # talking shop warned for 引流); an ad's is 不限流量, 不会被限流
                      r"(?<![不防怕会])(?:被|直接|容易|就)限流|(?<![不防怕])会被?限流|"
                      # how it steals, asked (扫码领皮肤那种到底咋盗的号啊), or the writer's own refusal
                      # (网上那些刷单的我都不敢碰): a fresh blind file's two members reminded for the stop phrase they
                      # named (lead54)
                      r"(?:咋|怎么|如何)(?:盗|骗)|(?:不敢|没敢|从不|从来不)(?:碰|做|信|点|扫|加|试|买)")


# a warning word that is the ad's own boast or its game's rule, not a warning: 便宜到离谱, 提现快到离谱 (a boast), 踩雷
# beside 扫雷 (红包扫雷 … 踩雷翻倍赔: the game's loss). lead54: a fresh blind file's two passed an established member
# as warnings. For the checks only: the _WARNING words are a feature of the shipped char model (framed)
_BOAST = re.compile(r"(?:便宜|划算|实惠|低|爽|好用|香|快|高|多)(?:到|得)离谱")
_MINE_STEPPED = re.compile(r"踩雷")


def _unboasted(body: str) -> str:
    if "离谱" in body:
        body = _BOAST.sub("，", body)
    if "扫雷" in body:
        body = _MINE_STEPPED.sub("，", body)
    return body


def _warning_word(body: str) -> bool:
    """A warning word as the checks read one: _WARNING's, but not the ad's own boast (_unboasted). framed() and
    what feeds it read _WARNING raw: they are the shipped model's feature."""
    return bool(_WARNING.search(_unboasted(body)))


@lru_cache(maxsize=4096)
def _discussing(body: str) -> bool:
    # asked by several checks for the same message: worked out once per body
    body = _unboasted(body)
    warned = bool(_WARNING.search(body) or _TOLD_NOT.search(body) or _KICKED_FOR.search(body))
    exposed = bool(_EXPOSES.search(body))
    if not (warned or exposed):
        return False
    # the writer's own words: without what was said to them, the ad they show, the calls they report
    # or say nobody needs, and the account they report
    said = _unpointed(_unshown(_unsaid(body)))
    for told in (_SAID_CALL, _HAD_BAIT, _NEEDLESS_CALL, _ACCOUNT_REPORTED, *((_BAIT_TOLD,) if exposed else ())):
        said = told.sub("，", said)
    if _PROHIBITS.search(said):
        said = _REPORT_ASKED.sub("，", said)
    if not _WARNING.search(said):
        # what an exposé names (那种扫码领鸡蛋的 进去就让你下载app) or a warning told as 别理 (路上任何人让你
        # 扫码加群领油卡的都别理) is the bait it tells about, as under a warning word (_own_words takes
        # these out only there)
        said = _told_calls_out(said)
    return not _promotes_itself(said) and not _BRANDED.search(said)


# the bait an exposé tells the turn of, named bare: as a thing (扫码进群领鸡蛋的 进去就让你买保健品) or
# right before the turn (扫码领鸡蛋然后让你下载个app): a regular was reminded, a newcomer warned for
# the stop phrase in it. Only in a message with _EXPOSES words, where an ad never tells how it ends
_BAIT_TOLD = re.compile(r"(?:扫码|扫|点击|点|加)[^，,。！!？?；;\n]{0,12}?(?:的(?=[\s，,。！!？?；;]|$)|"
                        r"(?=\s*(?:然后|进去|后面|最后|到最后)就?(?:让你|拉你|推荐你|不返))|"
                        # or named before 那种 (扫码领红包那种到底咋骗的钱: lead54)
                        r"(?=(?:那种|那个|这种|这个)))")


# an account reported with its id (这个号 abc12345 一直私聊我说兼职日结 大家别加: a regular was warned for
# the stop phrase in what it said): the id is the account warned about, not the writer's. For the
# checks' discussion rule only, as _TOLD_NOT: _REPORTED is a feature of the shipped model
_ACCOUNT_REPORTED = re.compile(r"(?:这个|那个|有个|一个|有一个)(?:号|人|账号|微信号|微信|qq号?|q号)\s*[:：]?\s*"
                               r"[a-z0-9_-]{0,24}\s*(?:一直|老是|总是|总|天天|刚刚?|又|也|昨天|今天)?"
                               r"(?:私聊|私信|加|找|骚扰|联系)了?我")


# a call the writer says nobody needs to follow (养老金都是直接打卡的，不需要扫码领): a warning's
# answer to the bait, not a call. For the checks' discussion rule only, as _TOLD_NOT: _NEGATED_CALL is
# a feature of the shipped model
_NEEDLESS_CALL = re.compile(r"(?:不需要|不用|无需|没必要|用不着|不必)(?:再|去|另外)?(?:扫码|扫|点击|点|加|转账)")


# a clause break between the words of a stop phrase: 我们店招兼职，日结，加我微信 (a regular's shop
# hiring, warned 含禁用语「兼职日结」) lists a job and how it pays, not the ad's 兼职日结. Spaces, dots
# and emoji between the words still join them: 兼 职 日 结 and 兼职•日结 hide the phrase on purpose
_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?]")


def _stop_phrase_said(dense: str, n: Normalised) -> bool:
    if dense not in n.dense:
        return False
    if not _CLAUSE_BREAK.search(n.body):
        return True
    return any(dense in normalise(part).dense for part in _CLAUSE_BREAK.split(n.body))


def keyword_hit(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    """The keyword verdict, before the discussion rule."""
    stop, newcomer, words, regexes = keyword_tables(cfg.keywords)
    text = n.dense
    for shown, dense in stop:
        # (the phrase's presence first, inline: a call per phrase per message was most of this)
        if dense in text and _stop_phrase_said(dense, n):
            return Verdict("keywords", True, f"stop phrase: {shown}", strong=True, why=f"含禁用语「{shown}」",
                           ad_word=shown)
    for pattern in regexes:
        m = pattern.search(n.dense)
        if m:
            # an operator's pattern is often contact-shaped (加微信 + id): conclusive for a newcomer,
            # one signal among others for an established member giving a friend his id. Where
            # what it matched is the phrase and the id the contact check reads (the shipped
            # 加微信 + id), it is a lure as 加我微信 is: with that id, one piece of evidence
            # (engine.Decision._one_rule_against_the_models)
            matched = m.group(0)
            gives = any(contact.bare(c.value) in matched for c in contact.find_contacts(n, f.url))
            return Verdict("keywords", True, f"regex {pattern.pattern}: {matched[:40]}", strong=f.newcomer,
                           lure=gives, why=f"匹配规则里的正则，命中「{matched[:40]}」")
    head = n.dense[:300]
    # a word jieba cuts is a substring of the text: when no stop word is one, no cut can hit
    # one, and the message (nearly every message) skips a segmentation (issue 13)
    if words and any(w in head for w in words):
        hit = next((w for w in _tokenizer().lcut(head, HMM=False) if w in words), None)
        if hit:
            return Verdict("keywords", True, f"stop word: {hit}", strong=True, why=f"含禁用词「{hit}」", ad_word=hit)
    if f.newcomer:
        # what happened to the writer (那个新人私聊我) and their own joining (刚进群) invite nobody
        own = normalise(_REPORTED.sub("，", _SELF_JOIN.sub("，", n.body))).dense \
            if _SELF_JOIN.search(n.body) or _REPORTED.search(n.body) else n.dense
        for shown, dense in newcomer:
            if dense in own and not _denied_call(dense, own):
                return Verdict("keywords", True, f"newcomer phrase: {shown}", why=f"新成员发了常见广告语「{shown}」",
                               newcomer_phrase=shown)
    return NOTHING["keywords"]


def _denied_call(dense: str, own: str) -> bool:
    """A newcomer phrase the writer denies, with nothing dangled or paid (免费的，不收费不拉群: a
    newcomer warned for 拉群 beside the char model, lead57's fresh blind file). The phrase stands
    for a call to act; 不拉群 makes none. 不进群就领不到红包 keeps it: the red packet is the bait."""
    return negation.denied(dense, own) is not None and not negation.pays(own) and not _BAIT.search(own)


# what turns an ad word into an ad: someone asked to get in touch, click, scan or join (not the 私 of 私域,
# private traffic, a marketing job's field: 做私域引流的 有经验的可以内推 warned a newcomer 发广告)
_PROMOTING = re.compile(r"私聊|私信|私我|滴滴|有意|感兴趣|联系|加我|找我|咨询|详聊|详情|带你|扫码|扫一扫|点击|戳|名额|"
                        r"先到先得|速来|速度|进群|加群|免费送|注册|下载|微信|qq|telegram|主页|群号|拉你|想进|想来|"
                        r"想要|需要的|复制|口令|领券|链接|打开|私(?!域)|宝妈|无需经验|手机操作|在家操作|一部手机|轻松月入")
# bait that makes an ad word an ad when a member on probation writes it
_BAIT = re.compile(r"红包|福利|免费|领取|赚|日结|返利|优惠|折|秒杀|限时|手慢")


# a game or a ride short of people: 还差两个人, 缺一个人, 再凑两个 (not 三缺一, a mahjong parlour's ad too)
_SHORT_OF_PEOPLE = re.compile(r"(?:还|就)?差[一二两三四五几0-9]个?人|缺[一二两三几0-9]个?人|"
                              r"(?:再)?凑[一二两三四五几0-9]个?人?")


def _baits_beyond(word: str, rest: str) -> bool:
    """Whether the text left beside an ad word dangles bait the word does not already name: a
    stop phrase's own bait said again is the same offer, not a second hook (我们社区在发免费的垃圾
    分类袋，免费领取，在物业那 and 免费领取的都不免费 warned a newcomer 发广告 on 免费领取's 免费)."""
    own = set(_BAIT.findall(word))
    return any(b not in own for b in _BAIT.findall(rest))


def baits(n: Normalised) -> bool:
    """Whether the text dangles something (免费, 红包, 日结, 优惠 …): what turns a call to get in
    touch into an ad's hook."""
    return bool(_BAIT.search(n.dense))


# giving away, not selling: what is picked up (自提) or rehomed (送养), what the writer has no more use
# for (闲置, 用不上, 穿不下, 不要了, 搬家); not 闲置资金, a money ad's
_GIVEAWAY = re.compile(r"自提|送养|领养|闲置(?!资金|资源)|用不上|用不到|穿不下|不穿了|不用了|不要了|搬家")
# an offer to whoever needs it (需要资料的, 有需要): read on text with its punctuation, where a
# clause ends the 需要…的 it can span
_TO_WHOEVER_NEEDS = r"需要[^，,。!！?？\s]{0,8}的|有需要"
_NEEDS = re.compile(_TO_WHOEVER_NEEDS)
# the pitch of an ad, past a bare call: what a newcomer phrase (私聊我, 进群) needs beside it to
# count alone. An ordinary word of contact (微信, 链接, 有意) is no pitch: 点击链接没反应，是不是要更新
# 微信 and 本人5号楼两室一厅出租……有意的私聊我 are a newcomer's question and a neighbour's own flat
_PITCH = re.compile(_TO_WHOEVER_NEEDS + r"|带你|名额有限|先到先得|速来|免费送|无需经验|"
                    r"手机操作|在家操作|一部手机|轻松月入|扫码|扫一扫|领券|口令|注册|下载")


def reassures(n: Normalised) -> bool:
    """A reassurance (正规平台, 不是骗子, 零风险, 稳赚): an ad's own, never a warning's."""
    return bool(_REASSURING.search(n.body))


def _pays_or_reassures(n: Normalised) -> bool:
    """A payout, a pay term or a reassurance (一天八百, 一单一结, 正规平台, 不是骗子): what keeps a denied or
    named ad word a pitch (不是刷单 正规平台 一单一结 想做的私我; 刷单返利，一单一结，不是骗子)."""
    return negation.pays(n.dense) or bool(recruit.PAY.search(n.dense)) or reassures(n)


# ad words whose scam is named with its payout (刷单返利, 返利刷单): the payout fused to the word, left
# where the word was taken out, is part of the name
_NAMED_WITH_PAYOUT = frozenset({"刷单"})
_FUSED_PAYOUT = re.compile(r"，(?:返利|返现)|(?:返利|返现)，")


# a stop phrase that only asks the reader to open the writer's own WeChat profile (看我朋友圈,
# 点我头像): from a newcomer, with no contact data or link beside it, that is 私聊我's kind of call,
# made where the owner sees it, not a way out of the group. A newcomer introducing her trade
# (我是做宠物摄影的……第一次免费，作品可以看我朋友圈) was removed at once on the phrase alone, while
# the same message ending 有需要私聊我 drew a warning (seen in a simulated 宠物群 day). Not made a
# newcomer phrase: then a lure the char model reads at 1.000 (想进内部群的点我头像) would pass for a
# newcomer saying what she does (engine._says_only) and be reminded, not removed
_OWN_PROFILE = re.compile(r"朋友圈|头像")


def check_keywords(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    """Ad words, and the recruitment ad (recruiting): a stop phrase stands, else a job that
    fishes for people with an address to send the CV to is the verdict."""
    verdict = _ad_words(f, n, cfg)
    if verdict.strong:
        return verdict
    job = recruiting(f, n) if cfg.keywords.recruitment else None
    if job is not None:
        return job
    plea = loan_plea(n) if cfg.keywords.loan_plea and not verdict.spam else None
    if plea is None and cfg.keywords.fee_claim and f.newcomer and not verdict.spam:
        plea = collecting_a_fee(n)
    if plea is None and cfg.keywords.card_rental and not (verdict.spam and not verdict.weak):
        plea = renting_an_account(n) or exchanging_off_the_books(n)
    if plea is None and cfg.keywords.fake_goods and not (verdict.spam and not verdict.weak):
        plea = selling_a_replica(n)
    if plea is None and not (verdict.spam and not verdict.weak):
        plea = referring_with_a_gift(f, n) or offered(f, n)
    return plea if plea is not None else verdict


def quoted(words: Iterable[str]) -> str:
    """A reading's words as owners read them in a case: 「租给我」「一天200」."""
    return "".join(f"「{w}」" for w in words)


def renting_an_account(n: Normalised) -> Verdict | None:
    """A pitch to rent, borrow or buy the reader's bank card or account for a payout (rental.py:
    有闲置的卡吗 租给我 一天200), not told about in a warning, a quote or reported speech. Enough
    alone against any member (conclusive), never obvious by itself."""
    if shows_an_ad(n) or _warning_word(rental.without_reassurance(n.body)) or rental.told_about(n.dense):
        return None
    pitch = rental.rents_an_account(n.dense)
    if pitch is None:
        return None
    words = quoted(pitch.words)
    return Verdict("keywords", True, f"card or account rental ({', '.join(pitch.words)})", conclusive=True,
                   why=f"像收购、租借银行卡或账户的广告：{words}（卡或账户、租借或过账、给钱，三样同时出现；"
                       "出租出借银行卡和账户是违法的）")


def exchanging_off_the_books(n: Normalised) -> Verdict | None:
    """Money exchanged off the books (rental.exchanges_off_the_books: RMB 换 GBP 不走swift 比银行多三百; 收U 汇率
    高于市场 当面交易), not asked about, told about in a warning or a quote. Enough alone against any member
    (conclusive), never obvious by itself."""
    return _offered(n, rental.exchanges_off_the_books, "money exchanged off the books",
                    "像地下换汇、私下收U出U的广告",
                    "换汇或收U出U、比银行或市场更好的汇率或不占额度、绕开银行或当面交易")


# what fake goods are offered as: the reading, the log's word, what owners read in the case
_FAKE_GOODS = ((replica.offers_a_replica, "replica", "像卖假货、高仿的广告：{}（说是仿品，又报价或招揽购买）"),
               (replica.offers_grey_goods, "grey goods",
                "像卖来路不明的水货、尾货的广告：{}（说是正品走别的渠道、比正价便宜很多，又在卖）"),
               (cures.offers_a_cure, "cure", "像卖假药、神药的广告：{}（说能治好、能停药，又在卖）"),
               (effects.sells_an_effect, "effect", "像卖保健品、理疗用品的广告：{}（说用了身体就好转，又在卖）"),
               (effects.guarantees_a_result, "guaranteed result",
                "像卖保健品、偏方、针剂的广告：{}（保证见效的说法只有卖家会说，又在卖）"))


def selling_a_replica(n: Normalised) -> Verdict | None:
    """A replica (replica.py: 莆田纯原 AJ 全码 一双三百五) or a quack cure (cures.py: 磁疗手环 戴上就不用
    吃药 厂家直销) offered for sale, not told about in a warning or a quote. Enough alone against any
    member (conclusive), never obvious by itself."""
    if discussing(n) or _warned_about(n):
        return None
    for offers, kind, why in _FAKE_GOODS:
        words = offers(n.body)
        if words is not None:
            return Verdict("keywords", True, f"{kind} for sale ({', '.join(words)})", conclusive=True,
                           why=why.format(quoted(words)))
    return None


def referring_with_a_gift(f: Facts, n: Normalised) -> Verdict | None:
    """A search term on another platform with a gift for following it (referral.py: 抖音搜 阿狸讲本 …
    进直播间送拼场券), not told about in a warning or a quote. Enough alone against any member
    (conclusive), never obvious by itself."""
    if "搜" not in n.body and "关注" not in n.body and "号" not in n.body and "id" not in n.body:
        return None  # (a referral needs one of these: most messages stop here)
    if (words := referral.gift(n.body)) is None:
        return None
    found = [c.value for c in contact.find_contacts(n, f.url) if c.kind == "referral"]
    # the light form keeps a handle the body form takes out as contact data (知乎关注我@留学规划师Amy)
    term = found[0] if found else referral.search_term(n.body) or referral.search_term(n.light)
    if term is None or discussing(n) or _warned_about(n) or referral.used_it(n.body):
        return None
    return Verdict("keywords", True, f"search referral ({term}) with a gift ({words})", conclusive=True,
                   why=f"像引流到其他平台的广告：让人去搜「{term}」，又用「{words}」吸引人关注")


@dataclass(frozen=True, slots=True)
class _Offer:
    """One reading of an ad kind's offer, as checks._offered makes it a conclusive verdict: never obvious,
    enough alone against any member. `read` returns the offer's words or None; `questions`: its ads open
    with a question as their hook, so the reading reads questions itself; `established_only`: a newcomer's
    is left to the newcomers' rule (engine._says_only), where a conviction would make the char model's
    agreement a removal at once."""

    read: Callable[[str], tuple[str, ...] | None]
    what: str
    zh: str
    parts: str
    questions: bool = False
    established_only: bool = False


# the readings after a referral's gift (referring_with_a_gift), in the order they are asked: the first that
# finds an offer is the verdict. Each module only reads words; none is a feature of the char model
_OFFERS = (
    # a paper without the exam or check it stands for (年审不用上线 … 三天出合格标 外地车也能办)
    _Offer(papers.offers_papers, "fake papers for sale",
           "像办假证、代考代检、代写论文的广告", "证件、报告或论文、不用考试检查或自己写就能拿、又在招揽"),
    # a fixed return on money put in, with a pitch (投一台三万 每月分红两千 政府扶持)
    _Offer(returns.promises_returns, "fixed returns offered",
           "像非法集资、投资骗局的广告", "投入一笔钱、承诺固定回报、又在招揽"),
    # a class promoted with a deal and a call to sign up (暑期班报名 前十名八折 私聊我)
    _Offer(courses.promotes_a_course, "class promoted with a deal",
           "像课程、培训班的招生广告", "课程或培训班、优惠或名额、又让人私聊报名"),
    # gains promised on an investment with no sum (内部消息 下周有只票要连板 名额有限 想跟的私)
    _Offer(gains.promises_gains, "investment gains promised",
           "像荐股、带单、理财骗局的广告", "投资品种、承诺赚钱或内部消息、又在招揽"),
    # easy money as a job with no workplace (在家打打字 一千字十块 名额不多了; 淘宝补单 垫付的本金秒返 佣金…)
    _Offer(tasks.offers_easy_money, "easy money offered as a job",
           "像刷单、做任务、先交钱的兼职骗局广告", "报酬、在家轻松做或先交费、又在招人"),
    # a service pitched with no contact data by an established member (老房翻新 免费上门量房 有需要的联系我)
    _Offer(services.pitches_a_service, "service pitched",
           "像上门服务、代办代写的推销广告", "某项服务、推销的说法、又让人私聊", established_only=True),
    # a referral to the writer's own shop with a sale (闲鱼搜 老周数码 是我的店 群里的朋友买更便宜)
    _Offer(referral.own_outlet, "referral to the writer's own shop",
           "像引流到自己网店、账号的广告", "自己的店或账号、去哪里搜、又在卖货招揽", established_only=True),
    # gambling offered (麻将斗地主上分群 一元一分 24小时有人 拉你); its hook may be a question (有人一起玩吗 拉你上分)
    _Offer(gambling.offers_gambling, "gambling offered",
           "像赌博拉人的广告", "赌博玩法或下注、钱的输赢、又在拉人", questions=True),
    # company or sex offered, contact data plain or none (附近的小姐姐想认识你 … code：mm3377; 今晚有空吗 私信「夏」)
    _Offer(lures.lures_with_company, "company or sex offered",
           "像色情、陪聊引流的广告", "女性或陪伴的说法、暗示、又让人私聊或加联系方式", questions=True),
    # a grey service pitched (各地发票可代开 税点低 上网能查; 翻墙梯子 稳定不掉线 一个月15 要的私)
    _Offer(grey.offers_a_grey_service, "grey service pitched",
           "像代开发票、查人、翻墙、刷量等灰色服务的广告", "灰色服务、卖家的保证或报价、又在招揽"),
    # free gifts that draw the elderly to a sales talk (叔叔阿姨们 凭身份证免费领鸡蛋 还有健康讲座 名额有限)
    _Offer(giveaways.lures_with_gifts, "free gifts for a sales talk",
           "像用免费礼品拉老人听讲座、推销保健品的广告（会销）", "免费领礼品、讲座或体验、又招呼老人去"),
    # a game good or service sold (原神代充 六折 官方直充; 永劫无间代练 包上无间 不满意退)
    _Offer(gametrade.sells_game_goods, "game goods sold",
           "像游戏代充、代练、卖号、卖外挂的广告", "游戏代充代练、账号或外挂、低价或卖家的保证、又在招揽"),
    # a seat on a shared subscription sold (Claude Pro 车位 还剩两个 月付二十五)
    _Offer(grey.sells_a_shared_seat, "subscription seat sold",
           "像倒卖会员共享号（车位）的广告", "会员或订阅、车位或拼车、还剩几个名额、按月或按年报价"),
    # an account's password asked for with a gift right beside it (奥比岛新活动 填账号密码送限定坐骑)
    _Offer(phishing.asks_a_password_for_a_gift, "password asked for a gift",
           "像以送礼为名骗账号密码的盗号广告", "让人填或交出账号密码、又说会送东西"),
    # a login that alone brings a free gift (全皮肤免费送 qq登录一下就到账)
    _Offer(phishing.asks_a_login_for_a_gift, "login asked for a gift",
           "像以免费送东西为名骗登录的盗号广告", "说免费送、又说登录一下就到账"),
    # a verification code asked for a prize (您本周抽中毕业斗篷 请提供绑定手机收到的验证码用于发放)
    _Offer(phishing.asks_a_code_for_a_prize, "code asked for a prize",
           "像以中奖为名骗验证码的盗号诈骗", "让人提供或发出验证码、又说中了奖或要发奖品"),
    # a fee before a prize comes (幸运玩家请查收英雄级武器 领取需缴纳5元手续费)
    _Offer(phishing.charges_for_a_prize, "fee asked for a prize",
           "像中奖先交钱的诈骗", "说中了奖、又要先交手续费或运费才能领"),
    # work abroad with the journey paid (急招 曼谷 客服 包吃包住 机票报销)
    _Offer(abroad.lures_abroad, "work abroad with the journey paid",
           "像招人去境外（电诈园区常用）的招聘", "境外的地方、包机票或代办护照签证、又在招人"),
    # credit offered to those the banks refuse (黑户花户都能下 今天申请今天到)
    _Offer(credit.offers_credit, "credit offered to the refused",
           "像网贷、黑户贷款的广告", "说征信不好、黑户也能借、又说能下款"),
    # another group promoted by what joining it brings (每天十点群里发大红包 进群就有)
    _Offer(groups.promotes_a_group, "group promoted with a reward for joining",
           "像拉人进别的群的广告", "说进群就有红包、券或资料"),
)


def offered(f: Facts, n: Normalised) -> Verdict | None:
    """The first of _OFFERS that finds an offer in the message, not asked about, warned about or quoted."""
    for offer in _OFFERS:
        if offer.established_only and f.newcomer:
            continue
        if (verdict := _offered(n, offer.read, offer.what, offer.zh, offer.parts, offer.questions)) is not None:
            return verdict
    return None


def _offered(n: Normalised, read: Callable[[str], tuple[str, ...] | None], what: str, zh: str,
             parts: str, questions: bool = False) -> Verdict | None:
    """A reading's offer (its words) as a conclusive verdict, unless the message asks (吗, ?) or is
    told about in a warning or a quote. A reading whose ads open with a question as their hook
    (今晚有空吗 私信我; 有人一起玩吗 拉你上分) reads questions itself (questions=True). The reading before
    the warning tests: asked of every message the ad words did not convict, it is a few regex searches
    that almost always find nothing, where the warning tests are more."""
    if not questions and ("吗" in n.body or "?" in n.body or "？" in n.body):
        return None
    words = read(n.body)
    if words is None or discussing(n) or _warned_about(n):
        return None
    return Verdict("keywords", True, f"{what} ({', '.join(words)})", conclusive=True,
                   why=f"{zh}：{quoted(words)}（{parts}）")


def _warned_about(n: Normalised) -> bool:
    """The message shows someone else's ad (原文如下…) or warns with no reassurance of its own
    (大家别信 / 小心; 都是盗号的) and no brand of its own (认准…别的都是假的): what a reading of a pitch told
    about must not convict."""
    return shows_an_ad(n) or bool((_warning_word(n.body) or _STOLEN.search(n.body)) and not reassures(n)
                                  and not _BRANDED.search(n.body))


# what the thing told of takes, the account (说是 … 要输账号密码领合成玉的 全是盗号的; 结果号被盗了): a warning
# for the readings, not the lure's own denial (不会盗号, 防盗号认证). Not a _WARNING word: those are a feature
# of the shipped char model (framed), and this was added without a rebuild (lead53)
_STOLEN = re.compile(r"(?<![不防])(?<!不会)(?<!不是)(?:盗号|骗号|号被盗|被盗号|号被偷)")


# an ad's brand set against its copies: 认准 (look for) the writer's own name, code or account, and
# everything else is fake (私人影院 全套服务 认准 梦 代号 M520m 别的都是假的; 唯一微信 认准 onlyone77 其他都是
# 假的). A warning names the official one (认准官方APP 别的都是假的, 认准学校官方通知) or says what the
# others want (其他的都是代购加价的), not that they are fakes of the writer. For the checks only: the
# 假的 in it is a _WARNING word, a feature of the shipped model
_BRANDED = re.compile(r"认准(?!官方|正规|学校|群主|银行|国家|政府|老师)[^，,。！!？?；;\n]{0,14}"
                      r"(?:其他|其它|别的|别家|其余)的?[^，,。！!？?；;\n]{0,2}?(?:都|全)(?:是)?(?:假|骗|冒|山寨|高仿)")


def loan_plea(n: Normalised) -> Verdict | None:
    """A loan plea of the kind stolen accounts send (loan.loan_plea: borrow, urgency and an account
    to pay into, at once), not told about in a warning or a quote. Enough alone against any member
    (conclusive), never obvious: a real friend may write it, so the bot reminds the group to check
    with the person first (texts.warn_loan) and a second time asks the owner and admins."""
    # told about, not made: 有人盗号说借我两千急用……大家别信 names the scammer's account too, so
    # discussing() (no contact data in the writer's words) would not see it as a warning
    if _warned_about(n):
        return None
    plea = loan.loan_plea(n.body)
    if plea is None:
        return None
    words = quoted(plea.words)
    return Verdict("keywords", True, f"loan plea ({', '.join(plea.words)})", conclusive=True, label="loan_plea",
                   why=f"像账号被盗后常见的借钱说法：{words}（借钱、很急、转到某个账户，三样同时出现）")


def collecting_a_fee(n: Normalised) -> Verdict | None:
    """A newcomer collecting money as someone the group trusts (fees.fee_claim: a role claimed, or
    given by one, and a fee asked of the group, at once), not shown from someone else's post. Read
    only from a newcomer (the caller's part); enough alone (conclusive), never obvious: a real new
    teacher writes the same, so the group is told to check with the owner or someone they know
    before paying (texts.warn_fee), and a second time the owner and admins decide."""
    if shows_an_ad(n):
        return None
    claim = fees.fee_claim(n.body)
    if claim is None:
        return None
    return Verdict("keywords", True, f"fee collected by a newcomer ({', '.join(claim.words)})", conclusive=True,
                   label="fee_claim",
                   why=f"新成员自称身份并向大家收钱：{quoted(claim.words)}（冒充老师、会长、物业收费的常见说法）")


# contact data that is no place to send a CV or to sign up: a search tip on another platform
_NO_ADDRESS = frozenset({"referral"})


def recruiting(f: Facts, n: Normalised) -> Verdict | None:
    """A recruitment ad (issue 11): job words that fish for people (recruit.job_pitch: 日结, 宝妈,
    在家可做, 高薪急招, 待遇面议 …) and a personal address to send the CV or sign up to (a free mail
    box, a QQ number, a WeChat id; a phone number only beside two promises), together. Either
    alone is how members talk: a referral with the company's address (内推……简历发
    xx@bytedance.com), a team's opening with its careers page, a friend's CV sent to a QQ mail
    box, a member asking 有人知道…招人吗. Told about or warned about (收到一个猎头的邮件……是不是
    骗子) it is no ad either.

    Enough alone against an established member (conclusive: a first offence is a warning), one
    check for a newcomer that the char model may join; never obvious by itself."""
    # words in quotes are someone else's (群规：不接受"日结""高薪"类模糊招聘)
    pitch = recruit.job_pitch(normalise(_QUOTE_SPAN.sub("，", n.body)).dense if _QUOTE_SPAN.search(n.body) else n.dense)
    if pitch is None or not pitch.fishing:
        return None
    if (_warning_word(n.body) and not reassures(n)) or discussing(n):
        # warned about, or a scam's pitch told with how it goes (打字员日结一天300 这种都是先让你交会员费的)
        return None
    free = [m.group(0) for m in contact.FREE_MAIL.finditer(n.light)] if "@" in n.light else []
    # a phone number is how a shop down the road is reached too (超市招收银员，无需经验，电话 …): with
    # it, only the scam job's promises count
    found = [c for c in contact.find_contacts(n, f.url)
             if c.kind not in _NO_ADDRESS and (c.kind != "phone" or pitch.promises)]
    addresses = [("email", a) for a in free] + [(c.kind, c.value) for c in found if c.value not in free]
    if not addresses:
        # no address, but the scam job's promises with a rate per piece (招兼职 给视频点赞 一个三毛 当天结
        # 学生宝妈都能做; 招打字员 在家做 按件算 一天两三百): the task scam's own pitch (spam34)
        rate = recruit.piece_rate(n.body) if pitch.promises and not pitch.own and not pitch.asking \
            and "吗" not in n.body else None
        if rate is None:
            return None
        return Verdict("keywords", True, f"recruitment pitch ({', '.join(pitch.words)}) with a piece rate ({rate})",
                       conclusive=True,
                       why=f"招聘引流：{quoted(pitch.words)}，又按件报价「{rate}」（做任务类骗局的常见说法）")
    kind, value = addresses[0]
    words = quoted(pitch.words)
    where = "免费邮箱，不是公司邮箱" if kind == "email" else "个人联系方式，不是公司的招聘渠道"
    return Verdict("keywords", True, f"recruitment pitch ({', '.join(pitch.words)}) with {kind} {value} to apply to",
                   conclusive=True, with_contact=True,
                   why=f"招聘引流：{words}，让人把简历或报名发到{contact_said(kind, value)}（{where}）")


def _ad_words(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    """Ad words. On their own they are how people talk too (医生说引流管, 派出所办证, 公积金是最好的
    低息贷款): without anything that asks the reader to act (get in touch, click, scan, join) or
    any contact data or link, a hit is a weak signal that needs another check to agree."""
    verdict = keyword_hit(f, n, cfg)
    if not verdict.spam:
        return verdict
    if discussing(n):
        return Verdict("keywords", False, f"{verdict.details}, but in a warning or discussion, not an ad",
                       why=f"{verdict.why}，但这是在提醒或讨论，不是广告")
    if _QUOTE_SPAN.search(n.body) or _QUOTE_INTRO.search(n.body):
        own = normalise(_own_words(n.body))
        if not keyword_hit(f, own, cfg).spam and not contact.find_contacts(own) and not contact.promoted_links(n):
            return Verdict("keywords", False, f"{verdict.details}, but only inside quotes: someone else's words",
                           why=f"{verdict.why}，但只出现在引号里，是在转述别人的话")
    phrase = verdict.details.split(": ", 1)[-1]
    word = normalise(phrase).dense
    newcomer_phrase = bool(verdict.newcomer_phrase)
    rest = n.dense.replace(word, "，") if phrase else n.dense  # the ad word itself is no call
    if "进" in rest:
        # nor is the writer's own joining (刚进群 我不是招代理的 我是来找代购帮带奶粉的: removed a newcomer at
        # once on 招代理 with 进群 read as the call, spam33's blind probe; still a reminder for a member the
        # bot counts as established until lead52), as for a newcomer phrase
        rest = _SELF_JOIN.sub("，", rest)
    if word in _NAMED_WITH_PAYOUT and not _pays_or_reassures(n):
        # the scam's own name said whole (刷单返利第一单都会返 第二单就让你做连单: removed a newcomer at once,
        # spam33's count) is the ad word, not a payout dangled beside it: 返利 counted as both
        rest = _FUSED_PAYOUT.sub("，", rest)
    pitched = False
    if newcomer_phrase:
        body = n.body
        free = next((w for w in ("免费送", "免费领养") if w in body), None)
        if free and _GIVEAWAY.search(body):
            # a neighbour giving away what they do not need (闲置婴儿床免费送，自提; 小猫免费送养，有意私我;
            # 宝宝的衣服穿不下了 免费送 有需要的私聊我), or a rescue rehoming (三只小猫找领养，已驱虫，免费领养，
            # 有意的私聊我: reminded 招揽生意 in a simulated pet group), offers no bait: 免费送 there is no hook,
            # and 有需要的 is whoever can use it, not a pitch (a newcomer's 免费送 … 有需要的私聊我 was warned 发广告)
            rest, body = rest.replace(free, "，"), _NEEDS.sub("，", body.replace(free, "，"))
        # the pitch on the text with its punctuation: in the dense one 需要…的 spans clauses. A game or an
        # outing short of players (周日羽毛球还差两个人，场地费我出，球免费提供，想来的私聊我: a newcomer
        # reminded 招揽生意 in a simulated day) shares what it offers free: that is no bait
        shared = bool(_SHORT_OF_PEOPLE.search(body))
        pitched = bool(_PITCH.search(body) or (_PROMOTING.search(rest) and not shared and _BAIT.search(rest)))
    bait = _baits_beyond(word, rest)
    if newcomer_phrase and not pitched \
            and not contact.find_contacts(n, f.url) and not contact.promoted_links(n, f.url):
        # 私聊我 / 进群 from someone new is how a newcomer asks or an organiser answers too (不会的可以
        # 私聊我, 进群请改备注): with no pitch (nor a call with bait), no contact data and no link, it
        # takes another check to agree
        return Verdict("keywords", True, f"{verdict.details} (nothing else promoted: not enough alone)",
                       weak=True, why=f"{verdict.why}，但没有推广别的东西，单独不算",
                       newcomer_phrase=verdict.newcomer_phrase)
    own_call = not newcomer_phrase and _PROMOTING.search(word)
    calls = own_call or _PROMOTING.search(rest) or pitched
    if calls and not own_call and not newcomer_phrase and not bait and not _pays_or_reassures(n) \
            and negation.asks_here_only(_PROMOTING.findall(rest)) and (no := negation.denied(word, n.dense)) \
            and not contact.find_contacts(n, f.url) and not contact.promoted_links(n, f.url):
        # 不是招代理 …… 有意的可以私聊: the denied ad word beside a call to message the writer here is
        # one signal that another check must agree with (negation.asks_here_only)
        return Verdict("keywords", True, f"{verdict.details}, but denied ({no}{phrase}) and only a call to message "
                                         "the writer: not enough alone", weak=True,
                       why=f"{verdict.why}，但说的是「{no}{phrase}」，只请人私聊，单独不算")
    if calls or (f.newcomer and bait) or contact.find_contacts(n) or contact.promoted_links(n):
        if newcomer_phrase:
            return replace(verdict, lure=True)
        if f.newcomer and _OWN_PROFILE.search(word) and not contact.find_contacts(n, f.url) \
                and not contact.promoted_links(n, f.url):
            # a call to open the writer's own profile is 私聊我's kind: one check, which another must
            # agree with (the char model) to make the ad obvious
            return replace(verdict, strong=False, lure=True)
        return verdict
    if not bait and not negation.pays(n.dense) and (no := negation.denied(word, n.dense)):
        # 不是招代理 就是聊聊: denied, nothing promoted and no bait (ads deny too: negation.py)
        return Verdict("keywords", False, f"{verdict.details}, but denied ({no}{phrase}) and nothing promoted",
                       why=f"{verdict.why}，但说的是「{no}{phrase}」，也没有推广任何东西，不算")
    return Verdict("keywords", True, f"{verdict.details} (nothing promoted: not enough alone)", weak=True,
                   why=f"{verdict.why}，但没有推广任何东西，单独不算")


def check_contact(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    policy = cfg.contact.newcomer if f.newcomer else cfg.contact.member
    if policy == "off":
        return Verdict("contact", False, "not checked for this member", why="这位成员不查联系方式（规则设置）")
    contacts = contact.find_contacts(n, f.url)
    if contacts and (discussing(n) or _shows_a_removed_ad(n)):
        return Verdict("contact", False, f"{contacts[0].kind} {contacts[0].value} only quoted in a warning",
                       why=f"{said(contacts[0])}只是在提醒里引用")
    for c in contacts:
        if policy == "any":
            # say which tricks were undone (加V too), even where they are too common to count as hiding
            how = f" (obfuscated: {_hiding(n, n.obfuscated)})" if c.hidden or n.obfuscated else ""
            # a newcomer leaving a plain phone number or id is not an ad by itself, not even with
            # 有事联系我 (a parent to the class group, a new colleague): an ad offers something to
            # whoever wants it (需要资料的, 有意者, 详聊), or another check (the char model) agrees
            # and a search tip (小红书上搜"上海周末去哪"有很多攻略) is how members share where to look
            weak = not c.hidden and c.kind in PERSONAL | TIPS and not _OFFER.search(n.body)
            return Verdict("contact", True, f"{c.kind} {c.value}{how}", strong=c.hidden or c.kind in _ALWAYS_AD,
                           # hidden only where the finder says so: 加V and vx are too common to be
                           # hiding, and a card reading 「（有变形遮掩）…单独不算」 contradicted itself
                           # what a weak one lacks is said as the check's scope, not as a fact of
                           # the text: "没有招揽" beside the keywords' 命中「加微信…」 on the same card
                           # contradicted it (the check knows offer words, not what the text offers)
                           weak=weak, why=said(c) + ("（有变形遮掩）" if c.hidden else "")
                           + (f"，单看{'搜索词' if c.kind in TIPS else '联系方式'}不算引流，要别的检查也命中"
                              if weak else ""))
        if c.hidden:
            # an established member: only what nobody writes by accident (薇信, 1-3-8…, 点com)
            return Verdict("contact", True, f"{c.kind} {c.value} (obfuscated: "
                                            f"{_hiding(n, n.heavy)})", why=f"{said(c)}（有变形遮掩）")
    if contacts:
        return Verdict("contact", False, f"plain {contacts[0].kind} from an established member",
                       why=f"老成员留的{contact_kind(contacts[0].kind)}，没有遮掩，不算引流")
    return NOTHING["contact"]


def _hiding(n: Normalised, tricks: tuple[str, ...]) -> str:
    """How a contact was hidden, for the log: the tricks the normaliser undid, else what the
    contact finder saw (微：watch_king8 behind a lone 微, abc点com, had been logged as "split digits")."""
    # "加V" is the normaliser's name for any shorthand after 加 (加扣 3 8 7… too): a guild's day
    # logged a split QQ number as "obfuscated: 加V" alone
    named = [_TRICK_NAMES.get(t, t) for t in tricks]
    if digit_runs_split(n.light):
        named.append("split digits")
    return ", ".join(named) or "written in a form filters miss"


_TRICK_NAMES = {"加V": "shorthand after 加 (加V, 加扣)"}


# the ad of a member just removed, shown to the others (刚才踢掉的那个号发的是“…群号…”): the contact
# data is in someone else's words. Not among the warning words, which the char model reads too.
_REMOVED = re.compile(r"踢掉|踢了|被踢|踢出去|移出了|被移出")


def _shows_a_removed_ad(n: Normalised) -> bool:
    return bool(_REMOVED.search(n.body)) and shows_an_ad(n) and not _promotes_itself(n.body)


# a call to act that offers something: 需要资料的联系我, 有意者, 详聊 (not 有事联系我, 找不到打我手机)
_OFFER = re.compile(_TO_WHOEVER_NEEDS + r"|私聊我|私信我|私我|有意|咨询|详聊|加我|带你|扫码|点击|"
                    r"名额有限|私信(?:领|送|拿|获取)|免费领")
_ALWAYS_AD = frozenset({"domain", "im-link"})

# what people give friends to reach them (a handle or an invite elsewhere is the whole point of
# an ad): a newcomer's plain one alone is weak, a member's own is no ad evidence beside a score
PERSONAL = frozenset({"phone", "qq", "wechat-id", "email"})
# what to search for elsewhere: a tip between members as often as an ad's hook, so from a newcomer
# it needs something offered or another check agreeing
TIPS = frozenset({"referral"})


# a mini program's title that sells (赣南脐橙 9.9元5斤 点击参团, 限时秒杀 ¥39): a price and a way to
# buy, both. A group-buy card from a newcomer is a rival 团长's or a shop's, where a 群接龙 or a
# 腾讯问卷 sells nothing
_CARD_PRICE = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,12})?(?:元|块)|[¥￥][0-9]")
_CARD_BUY = re.compile(r"参团|拼团|开团|跟团|下单|抢购|秒杀|立即购买|马上抢|去购买|购买|团购|包邮|特价|券后")


def _sells(title: str) -> bool:
    """A card's title (the raw text: a price's decimal point kept) that sells at a price."""
    return bool(_CARD_PRICE.search(title) and _CARD_BUY.search(title))


def check_content(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    """What a member on probation may not post yet: cards, mini programs, links to sites outside
    the ordinary list. Photos and files are judged by their content, not their kind."""
    if not f.newcomer:
        return NOTHING["content"]
    if f.kind in cfg.content.probation_kinds:
        if f.kind == "link" and f.url and contact.is_ordinary(f.url):
            return Verdict("content", False, f"link to an ordinary site {contact.host_of(f.url)}",
                           why=f"常见网站的链接（{contact.host_of(f.url)}），不算推广")
        target = f" {f.url[:80]}" if f.url else ""
        if f.kind == "mini_program":
            if _sells(f.text):
                # a card selling at a price: an offer by itself, whatever else reads it
                return Verdict("content", True, f"{f.kind}{target} selling at a price from a member on probation",
                               why=f"考察期内的新成员发带价格的商品或团购{message_kind(f.kind)}")
            # a mini program is mostly a tool (群接龙, 腾讯问卷, 腾讯会议: a new class teacher's 接龙
            # was warned in a simulated day): suspect, not enough alone. Its title and name are
            # read by the other checks, and a 砍一刀 or shop card there makes two checks agree
            return Verdict("content", True, f"{f.kind}{target} from a member on probation (not enough alone)",
                           weak=True, why=f"考察期内的新成员发{message_kind(f.kind)}，单独不算")
        # never obvious by its kind alone: a parent sharing the maths teacher's card in a new class
        # group was removed at once (simulated day); what a card says is read by the other checks
        # (its name), and an ad there makes two checks agree
        return Verdict("content", True, f"{f.kind}{target} from a member on probation",
                       why=f"考察期内的新成员发{message_kind(f.kind)}{target}")
    if cfg.content.text_links and "link" in cfg.content.probation_kinds:
        links = contact.promoted_links(n)
        # a warning or a discussion, as the contact check reads one (遇到可疑的可以打96110), or a
        # warning that denounces what it names with no call of its own (那个网站 … 是假的，千万别登录:
        # the link named is the one warned about). Not a warning word alone, which an ad puts before
        # its own link (注意！新店开业 www.shop-xyz.com 全场五折 passed a newcomer)
        if links and (discussing(n) or (_warning_word(n.body) and _denounces(n.body)
                                        and not _CALL_TO_ACTION.search(_own_words(n.body)))):
            return Verdict("content", False, f"link {links[0][:80]} named in a warning, not shared",
                           why=f"链接 {links[0][:80]} 只是在提醒里提到，不是分享")
        if links:
            return Verdict("content", True, f"link {links[0][:80]} from a member on probation",
                           why=f"考察期内的新成员发链接 {links[0][:80]}")
    return NOTHING["content"]


def promotion(f: Facts, n: Normalised, cfg: AntispamConfig) -> tuple[str, str] | None:
    """What the message promotes, if anything (English, Chinese): contact data, a link off the
    ordinary list, a card or mini program, ad words. A chorus of 生日快乐 promotes nothing."""
    found = contact.find_contacts(n, f.url)
    if found:
        return f"{found[0].kind} {found[0].value}", said(found[0])
    links = contact.promoted_links(n, f.url)
    if links:
        return f"link {links[0][:60]}", f"链接 {links[0][:60]}"
    if f.kind in ("mini_program", "contact_card"):
        return f.kind, message_kind(f.kind)
    hit = keyword_hit(f, n, cfg)
    if hit.spam and not discussing(n):
        return hit.details, hit.why
    return None


def check_flood(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    """Many messages in a short time. Friends in a lively chat type fast, so an established
    member needs a burst no human types by hand."""
    rule = cfg.flood
    limit = rule.messages if f.newcomer else rule.member_messages
    if f.recent_messages >= limit:
        seconds = int(rule.within.total_seconds())
        return Verdict("flood", True, f"{f.recent_messages} messages within {seconds}s",
                       why=f"{seconds} 秒内发了 {f.recent_messages} 条消息")
    return NOTHING["flood"]


def check_repeat(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    """The same text again: spam only when it promotes something. Six members wishing 生日快乐
    or a member asking twice whether anyone is free is ordinary group life."""
    rule = cfg.repeat
    if len(n.dense) < rule.min_chars:
        return NOTHING["repeat"]
    if f.same_by_member >= rule.times:
        what, zh = f"same text {f.same_by_member} times by this member", f"同一内容发了 {f.same_by_member} 次"
    elif f.same_members >= rule.members:
        what, zh = f"same text from {f.same_members} members", f"{f.same_members} 位成员发了相同内容"
    elif f.same_groups >= rule.groups:
        what, zh = f"same text in {f.same_groups} groups", f"在 {f.same_groups} 个群发了相同内容"
    else:
        return NOTHING["repeat"]
    promoted = promotion(f, n, cfg)
    if promoted is None:
        return Verdict("repeat", False, f"{what}, but it promotes nothing", why=f"{zh}，但没有推广任何东西")
    return Verdict("repeat", True, f"{what}, promoting {promoted[0]}", why=f"{zh}，推广的是{promoted[1]}")


def check_mentions(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    """Many @s in one message. An established member asking six friends about dinner is not
    harassment: for them it takes a mass mention, or many @s with something promoted."""
    count = max(f.mentions, n.light.count("@"))
    rule = cfg.mentions
    if count <= rule.max_mentions:
        return NOTHING["mentions"]
    if count > rule.member_max_mentions:
        return Verdict("mentions", True, f"{count} mentions", why=f"一条消息@了 {count} 人")
    promoted = promotion(f, n, cfg)
    if promoted is not None:
        return Verdict("mentions", True, f"{count} mentions, promoting {promoted[0]}",
                       why=f"一条消息@了 {count} 人，推广的是{promoted[1]}")
    return Verdict("mentions", False, f"{count} mentions from an established member, promoting nothing",
                   why=f"老成员一条消息@了 {count} 人，但没有推广任何东西")


def check_emoji(f: Facts, n: Normalised, cfg: AntispamConfig) -> Verdict:
    """An emoji flood is a burst of emoji-heavy messages; one enthusiastic message
    (25 😂 for a good joke) is not."""
    rule = cfg.emoji
    if n.emoji > rule.max_emoji and f.recent_messages >= rule.messages:
        return Verdict("emoji", True, f"{n.emoji} emoji, {f.recent_messages} messages in a burst",
                       why=f"连发 {f.recent_messages} 条消息，共 {n.emoji} 个表情")
    return NOTHING["emoji"]


def score_pct(p: float) -> str:
    """A model's score as members and owners read it: under half a percent is 不到 1%, not a
    "0%" that reads as if the model had not run."""
    return f"{p:.0%}" if p >= 0.005 else "不到 1%"


def check_bayes(score: ModelScore, cfg: AntispamConfig) -> Verdict:
    rule = cfg.bayes
    words = list(dict.fromkeys(w.lstrip("_#~") for w, _ in score.pushes))
    details = f"{score.bayes:.3f}" + (f" ({', '.join(words)})" if words else "")
    zh = f"广告可能性 {score_pct(score.bayes)}" + (f"（依据：{'、'.join(words)}）" if words else "")
    if min(score.docs) < rule.min_samples:
        learned = f"{score.docs[1]} spam / {score.docs[0]} ham samples"
        return Verdict("bayes", False, f"{details}; still learning ({learned})",
                       why=f"{zh}；样本还不够（广告 {score.docs[1]} 条、正常 {score.docs[0]} 条），只作参考")
    if score.known < rule.min_features:
        return Verdict("bayes", False, f"{details}; too few known features", why=f"{zh}；认识的词太少，只作参考")
    spam = score.bayes >= rule.threshold
    return Verdict("bayes", spam, details, strong=spam and score.bayes >= rule.obvious,
                   why=zh + (f"，超过界线 {rule.threshold:.0%}" if spam else ""))


def check_similar(f: Facts, n: Normalised, score: ModelScore, cfg: AntispamConfig) -> Verdict:
    if len(n.dense) < cfg.similar.min_chars or score.similar_id is None:
        return NOTHING["similar"]
    details = f"{score.similar:.2f} to spam sample {score.similar_id}"
    # seed samples (shipped with the bot) have negative ids; the others are this database's
    sample = "内置广告样本" if score.similar_id < 0 else f"广告样本 #{score.similar_id} "
    zh = f"与{sample}相似度 {score_pct(score.similar)}"
    if score.ham_similar >= score.similar:
        return Verdict("similar", False, f"{details}, but as close to a ham sample", why=f"{zh}，但与正常消息同样相似")
    spam = score.similar >= cfg.similar.threshold
    return Verdict("similar", spam, details, strong=spam, why=zh)


TEXT_CHECKS = {
    "keywords": check_keywords, "contact": check_contact, "content": check_content, "flood": check_flood,
    "repeat": check_repeat, "mentions": check_mentions, "emoji": check_emoji,
}
