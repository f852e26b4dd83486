"""The antispam section of rules.yaml: which checks run, in what order, with what words,
thresholds and mode, the ladder, and everything the bot says. Every key has a default, so an
empty section works."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator

from bot.rules.schema import PluginConfig, Strict
from bot.rules.templates import Texts as TemplateTexts
from bot.rules.types import Duration

CheckName = Literal["keywords", "contact", "content", "flood", "repeat", "mentions", "emoji", "charmodel", "bayes",
                    "similar", "qrcode"]
ALL_CHECKS: tuple[CheckName, ...] = ("keywords", "contact", "content", "flood", "repeat", "mentions", "emoji",
                                     "charmodel", "bayes", "similar", "qrcode")
# checks on what a message says; members with approved history skip them (behaviour still applies)
CONTENT_CHECKS = frozenset({"keywords", "contact", "content", "charmodel", "bayes", "similar", "qrcode"})
Mode = Literal["enforce", "shadow", "off"]
Step = Literal["warn", "kick", "ban"]


class CheckRule(Strict):
    # enforce: counts; shadow: evaluated and recorded, never acted on; off: not run
    mode: Mode = "enforce"


class KeywordRules(CheckRule):
    # matched on normalised text (full-width, case, spacing, punctuation, emoji and 加V/薇信-style
    # variants undone): a hit from anyone not yet trusted is spam
    stop_phrases: tuple[str, ...] = (
        "刷单", "兼职日结", "日结工资", "日赚", "躺赚", "稳赚不赔", "高额返利", "零投资", "无抵押", "低息贷款",
        "黑户可贷", "秒下款", "信用卡套现", "代开发票", "办证", "网赌", "博彩", "上分下分", "彩票计划",
        "裸聊", "约炮", "一夜情", "招代理", "免费领取", "扫码领", "加群领", "进群领", "带你赚钱", "引流", "涨粉",
        "私信我领", "加微信领", "加微信免费", "加我微信领", "vx领", "看我朋友圈", "看朋友圈", "点我头像",
    )
    # only for members on probation: ordinary members say these to friends
    newcomer_phrases: tuple[str, ...] = ("加微信", "加我微信", "加qq", "加我qq", "私聊我", "有意私", "telegram",
                                         "进群", "拉群", "点击链接", "复制链接", "打开淘宝", "优惠券")
    # whole jieba words (so 代理 does not hit 代理人 in a sentence about lawyers)
    stop_words: tuple[str, ...] = ("博彩", "赌场", "色情", "裸照", "刷单", "套现")
    # regular expressions on the normalised text (letters, digits and CJK only, lower case)
    regexes: tuple[str, ...] = (r"(?:加|找)微信[a-z0-9_-]{5,}",)
    # a job that fishes for people (日结, 宝妈, 在家可做, 高薪急招, 待遇面议 …) with a free mail box,
    # QQ or WeChat id to send the CV to (checks.recruiting); off for a job board group, where
    # recruiters' posts are what members come for
    recruitment: bool = True
    # a stolen account's loan plea: borrow + urgency + an account to pay into (checks.loan_plea)
    loan_plea: bool = True
    # a newcomer collecting money as someone the group trusts: a role claimed (我是新任会长, 群主让我来收)
    # and a fee asked of the group (checks.collecting_a_fee)
    fee_claim: bool = True
    # a pitch to rent, borrow or buy the reader's bank card or account for a payout (租给我 一天200:
    # checks.renting_an_account)
    card_rental: bool = True
    # a replica (高仿, 一比一 beside the goods, 莆田, 原单) or a quack cure (停药, 祖传秘方, N个疗程见效)
    # offered for sale (checks.selling_a_replica); off for a 代购 or 外贸尾单 group, where 原单 is
    # how members name what they sell
    fake_goods: bool = True

    @field_validator("regexes")
    @classmethod
    def _compiles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
        return value


class ContactRules(CheckRule):
    # phone numbers, WeChat ids, QQ numbers. any: plain or obfuscated; obfuscated: only when the
    # message tried to hide it (split digits, 薇信, 扣扣 …); off
    newcomer: Literal["any", "obfuscated", "off"] = "any"
    member: Literal["any", "obfuscated", "off"] = "obfuscated"


class ContentRules(CheckRule):
    # message kinds not allowed from members on probation. Links to the ordinary sites in
    # data/ordinary_domains.txt are always allowed; a photo or file is judged by its content
    # (a QR code in it), not by being a photo, so image and file are not in the default
    probation_kinds: tuple[Literal["link", "mini_program", "contact_card", "image", "file", "video"], ...] = (
        "link", "mini_program", "contact_card")
    text_links: bool = True  # a URL typed into a text counts as a link too


class FloodRules(CheckRule):
    messages: int = Field(default=8, ge=2)  # members on probation
    member_messages: int = Field(default=16, ge=2)  # established members: friends chatting type fast
    within: Duration = timedelta(seconds=15)


class RepeatRules(CheckRule):
    within: Duration = timedelta(minutes=10)
    times: int = Field(default=3, ge=2)  # the same member, same or near-same text
    members: int = Field(default=3, ge=2)  # several members, same text, in this group
    groups: int = Field(default=2, ge=2)  # the same member, same text, in several groups
    min_chars: int = Field(default=6, ge=1)  # "好的" said three times is not spam
    similarity: float = Field(default=0.8, gt=0, le=1)


class MentionRules(CheckRule):
    max_mentions: int = Field(default=5, ge=1)  # more @s than this from a member on probation
    # an established member @-ing friends is not harassment: more than this many, or more than
    # max_mentions together with something promoted (contact data, a link, ad words)
    member_max_mentions: int = Field(default=20, ge=1)


class EmojiRules(CheckRule):
    max_emoji: int = Field(default=20, ge=1)  # emoji in one message …
    messages: int = Field(default=3, ge=1)  # … in a burst of this many messages (flood.within): one message is fine


class BayesRules(CheckRule):
    threshold: float = Field(default=0.95, gt=0.5, lt=1)
    obvious: float = Field(default=0.997, gt=0.5, le=1)  # above this, an ad is obvious
    min_features: int = Field(default=4, ge=1)
    # a model that has seen few samples of either kind guesses: its verdict is recorded, not used,
    # until it has learned this many spam and this many normal samples
    min_samples: int = Field(default=300, ge=0)


class CharModelRules(CheckRule):
    # the shipped char n-gram model: acts from the first message (it was trained at build time)
    # null = the levels calibrated at build time on the corpus's hard normal chat: threshold
    # (counts for a newcomer; for an established member only with another check, which a score a
    # little below it, at the build's agreement level, may join; a threshold set here is both), member (enough
    # alone against an established member, whose first offence is a warning) and obvious
    threshold: float | None = Field(default=None, gt=0.5, lt=1)
    member: float | None = Field(default=None, gt=0.5, le=1)
    obvious: float | None = Field(default=None, gt=0.5, le=1)
    min_chars: int = Field(default=4, ge=1)  # "好的" is too short to judge
    # below this score a newcomer's own contact data (not hidden, at most with 加我微信), or only
    # the phrase asking to be contacted (有需要的私聊我, nothing dangled), and nothing else does not
    # count: the model reads the message as a member's own post; null: it counts
    clears: float | None = Field(default=0.5, ge=0, le=0.5)


class QRCodeRules(CheckRule):
    # QR codes in images from members not yet established: a WeChat contact or group code, an
    # invite to another platform, or a payment code is an ad
    max_bytes: int = Field(default=4_000_000, ge=10_000)  # larger images are not decoded
    max_pixels: int = Field(default=16_000_000, ge=10_000)
    timeout: Duration = timedelta(seconds=2)


class SimilarRules(CheckRule):
    threshold: float = Field(default=0.7, gt=0, le=1)
    min_chars: int = Field(default=8, ge=1)


class ProbationRules(Strict):
    messages: int = Field(default=5, ge=0)  # a member's first N messages …
    days: Duration = timedelta(days=3)  # … or first D days after joining
    # members who joined after the bot met the group without the bot seeing the join event:
    # probation by message count. Members already there when the bot met the group are
    # established members and never on probation.
    unseen_join: bool = True
    trusted_credit: int = Field(default=7, ge=1)  # credit (e.g. check-in days) that counts as approved history


class LadderRules(Strict):
    steps: tuple[Step, ...] = Field(default=("warn", "kick", "ban"), min_length=1)
    window: Duration = timedelta(hours=24)  # strikes older than this no longer count
    newcomer_obvious_ad: Literal["ladder", "kick", "ban"] = "kick"
    ban_all_groups: bool = False
    # a burst is one offence: what the same member does within this time after an offence is
    # added to that case, not counted as a new strike (unless it is worse: a newcomer's obvious ad)
    one_offence_within: Duration = timedelta(minutes=2)


class LearningRules(Strict):
    share_samples: bool = True  # samples taught in one group help every group
    keep_messages: Duration = timedelta(days=14)  # the store #spam quotes and backtest read


# offences the group is told to check before paying, not accused of an ad: a check's label (Verdict.label)
# and the text that tells it (a field of Texts). Never an obvious ad; a first offence is a reminder, a
# second is put to the owner and admins (ladder.rung, plugin.offence_terms)
PAY_CHECKS: dict[str, str] = {"loan_plea": "warn_loan", "fee_claim": "warn_fee"}

# how each check is named to members in {reason} (texts.check_labels)
_CHECK_LABELS: dict[str, str] = {
    "keywords": "发广告", "contact": "广告引流", "content": "新成员暂不能发推广链接、名片或小程序", "flood": "刷屏",
    "repeat": "重复刷消息", "mentions": "大量@他人", "emoji": "表情刷屏", "bayes": "发广告",
    "similar": "发广告", "charmodel": "发广告", "qrcode": "发引流二维码", "admin": "发广告（管理员判定）",
    # a newcomer's own id or number asking to be added, nothing offered: the rule, not an accusation
    "newcomer_contact": "新成员暂不能在群里发联系方式",
    # borrow + urgency + an account to pay into: what a stolen account writes (checks.loan_plea)
    "loan_plea": "疑似被盗号借钱",
    # a newcomer collecting money as a role the group trusts (checks.collecting_a_fee)
    "fee_claim": "新成员自称身份收钱",
    # a newcomer's payment code: money asked for by someone the group does not know yet (check_qrcode)
    "payment_qr": "新成员发收款码",
    # a newcomer who only says what they do and asks to be messaged (Decision.says_only): soliciting,
    # not 发广告 (a rescue volunteer's 免费领养 有意的私聊我 was told 看起来像在发广告 in a 养宠群 day)
    "newcomer_pitch": "招揽生意"}


class Texts(TemplateTexts):
    warn: str = "⚠️ 警告：{reason}，再犯将被移出本群。案件 #{case}"
    # a first offence on the text models' word alone: for a regular the bot will not remove
    # them for it (a second time the admins are asked), so the warning threatens no removal;
    # a newcomer hears the same (the score is no proof), though a second time removes them
    warn_models: str = "⚠️ 提醒：这条消息看起来像在{reason}，本群禁止广告。如果不是，可以请管理员撤销。案件 #{case}"
    # a newcomer's first offence against a rule for newcomers only (a card, a link, a mini
    # program, their own contact data; nothing obvious): the rule and when it ends, then the ladder
    warn_rule: str = "⚠️ 提醒：{reason}（{when}就可以了）。这次先提醒，再发将被移出本群。案件 #{case}"
    kick: str = "「{member}」已被移出本群，原因：{reason}。案件 #{case}"
    ban: str = "「{member}」已被移出本群并拉黑，原因：{reason}。案件 #{case}"
    spam_learned: str = "已记为广告样本，并按群规处理「{member}」。案件 #{case}"
    # #spam quoting an ad whose sender the bot already removed for it
    spam_learned_removed: str = "已记为广告样本。「{member}」已因这条消息被移出（案件 #{case}）。"
    # #spam on an ad (or on the bot's notice about it) whose case already stands: it is not a
    # second case. The member is out (removed by the bot or by hand) ...
    spam_learned_already_removed: str = "已记为广告样本。「{member}」已在案件 #{case} 中被移出，不用再处理。"
    # ... left before anyone removed them ...
    spam_learned_gone: str = "已记为广告样本。「{member}」已不在本群（案件 #{case}），不用再处理。"
    # ... is being removed (the removal waits its turn or the hourly cap) ...
    spam_learned_removing: str = "已记为广告样本。案件 #{case} 正在移出「{member}」，不用再处理。"
    # ... or the bot could not remove them and asked the owner and admins, who still must
    spam_learned_asked: str = "已记为广告样本，记入案件 #{case}。机器人无法移出「{member}」，仍请群主或管理员移出。"
    # #spam on an ad the bot already warned about (or on that warning): the warning stands, the
    # lesson goes into its case, and the member is not punished twice for one message. An
    # owner's #spam on a warned ad opened a second case and removed a regular (the ladder's
    # second rung) for the message he had been warned for
    spam_learned_warned: str = ("已记为广告样本，记入案件 #{case}。「{member}」已因这条消息被警告过，不重复处罚；"
                                "如需移出，请发送 #kick @{member}")
    # a newcomer the owner or an admin invited (roles.vouched_by), convicted again or of an obvious
    # ad: the bot does not remove them, it asks the owner and admins (where cases are told)
    ask_vouched: str = ("「{member}」是{inviter}（{role}）邀请入群的新成员，被判定为{reason}（案件 #{case}）。"
                        "因为是{role}邀请的，机器人没有直接移出。请核实：是广告请在群里发 {prefix}kick @{member}；"
                        "不是广告请在群里引用那条消息回复 {prefix}ham。")
    # a loan plea (checks.loan_plea): to the group, not an accusation; the account may be stolen
    warn_loan: str = ("⚠️ 提醒：这条消息像是账号被盗后常见的借钱说法（借钱、很急、转到某个账户）。"
                      "转账前请先打电话或当面跟本人确认。如果确是本人，可以请管理员撤销。案件 #{case}")
    # a newcomer collecting money as someone the group trusts (checks.collecting_a_fee): to the
    # group, not an accusation; it may really be the new teacher
    warn_fee: str = ("⚠️ 提醒：「{member}」是新进群的成员，在群里向大家收钱。付款前请先向群主或你认识的负责人"
                     "当面或打电话核实，别直接转账或扫码。如果确是本人，可以请管理员撤销。案件 #{case}")
    # {reason} of a member who renamed the group into an ad (renamed.py): the name is set back
    renamed: str = "把群名改成广告（{reason}）"
    # {reason} of a newcomer whose name is an ad (adname.py: 兼职日结加V:abc8888)
    ad_name: str = "昵称是广告（{reason}）"
    # a newcomer named as the owner or an admin (impersonation.py): the group told before any
    # money moves, the member asked to rename; nobody punished for a name
    impersonation: str = ("⚠️ 请大家注意：新成员「{member}」和{role}同名，但不是{role}本人。"
                          "涉及转账、收款、加好友的消息，请先向{role}本人核实。也请这位新成员修改群昵称。案件 #{case}")
    # a newcomer named as the bot itself (its notices are trusted as the group's own)
    impersonation_bot: str = ("⚠️ 请大家注意：新成员「{member}」和本群机器人同名，但不是机器人，"
                              "发的消息不代表本群。涉及转账、收款、扫码的消息，请先向群主或管理员核实。"
                              "也请这位新成员修改群昵称。案件 #{case}")
    impersonation_reason: str = "和{role}同名"
    impersonation_shown: str = "（新成员，不是{role}）"  # after such a member's name in the bot's words
    ham_learned: str = "已记为正常消息，案件 #{case} 已撤销。"
    # #ham on the message a member was removed for: the removal is taken back as #撤销 would
    ham_learned_removal: str = "已记为正常消息，案件 #{case} 已撤销：处罚已解除（案件 #{unban_case}）{reinvite}。"
    # a second #ham on the same message: nothing left to undo
    ham_already_reversed: str = "这条消息已记为正常消息，案件 #{case} 之前已撤销，不用再处理。"
    ham_learned_no_case: str = "已记为正常消息样本。"
    # #卖货 (plugins/antispam/selling.py): whether members may sell in the group
    selling_allowed: str = ("已设为允许成员在本群卖货：成员发商品、价格和自己的微信号、电话，不再当作广告。"
                            "刷单、兼职日结、网赌、贷款这类广告词，故意遮掩的联系方式（加薇、一三八…），新成员发的外部链接、"
                            "名片和二维码，以及刷屏，仍会处理。发送 {prefix}卖货 禁止 可以改回来。")
    selling_forbidden: str = "已改回：本群不允许成员卖货，成员的卖货消息会按广告处理。"
    # 禁止 took back what chat set, but rules.yaml itself lets members sell in this group
    selling_still_allowed: str = "在群里设置的已撤销，但运营在配置文件里为本群设了允许卖货，要改请联系运营。"
    selling_state_allowed: str = "本群目前允许成员卖货。发送 {prefix}卖货 禁止 可以改为不允许。"
    selling_state_forbidden: str = ("本群目前不允许成员卖货：成员发商品、价格和联系方式会被当作广告。"
                                    "本群允许成员卖货的话，发送 {prefix}卖货 允许。")
    selling_bad: str = "没有改：{problem}"
    need_quote: str = "请引用（回复）要标记的那条消息，再发送 {command}。"
    own_message: str = ("这是机器人自己发的消息，不能作为样本。请引用成员发的那条消息，"
                        "或引用机器人关于那个案件、带「案件 #编号」的提醒。")
    # an owner's own command quoted (#spam on their earlier "#spam"): "#spam" became a spam sample
    quoted_command: str = "这是一条管理命令，不能作为样本。请引用成员发的那条消息。"
    own_message_cases: str = "这条消息提到了好几个案件（{cases}），请引用成员发的那条消息，或只提到一个案件的提醒。"
    not_found: str = "找不到被引用的消息（可能太久之前），已按引用内容学习。"
    protected: str = "「{member}」是群主、管理员或白名单成员，只记录样本，不处理。"
    # how each check is named to members in {reason}
    check_labels: dict[str, str] = Field(default_factory=lambda: dict(_CHECK_LABELS))

    @field_validator("check_labels")
    @classmethod
    def _keep_default_labels(cls, labels: dict[str, str]) -> dict[str, str]:
        """Labels a rules.yaml written before a label existed does not name keep their default (an
        operator's file listing the labels of then would otherwise name a loan plea 'loan_plea')."""
        return {**_CHECK_LABELS, **labels}


class AntispamConfig(PluginConfig):
    order: tuple[CheckName, ...] = ALL_CHECKS  # checks run in this order; leave one out to drop it
    keywords: KeywordRules = KeywordRules()
    contact: ContactRules = ContactRules()
    content: ContentRules = ContentRules()
    flood: FloodRules = FloodRules()
    repeat: RepeatRules = RepeatRules()
    mentions: MentionRules = MentionRules()
    emoji: EmojiRules = EmojiRules()
    bayes: BayesRules = BayesRules()
    similar: SimilarRules = SimilarRules()
    charmodel: CharModelRules = CharModelRules()
    qrcode: QRCodeRules = QRCodeRules()
    probation: ProbationRules = ProbationRules()
    ladder: LadderRules = LadderRules()
    learning: LearningRules = LearningRules()
    texts: Texts = Texts()

    def mode(self, check: str) -> Mode:
        return getattr(self, check).mode
