"""The moderation plugin's rules.yaml section (`moderation:`). Every key has a default, so an
empty section works; user-facing Chinese lives here as templates ({placeholders})."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator

from bot.rules.schema import PluginConfig
from bot.rules.templates import Texts as TemplateTexts
from bot.rules.templates import former_defaults
from bot.rules.types import Duration


class ModerationTexts(TemplateTexts):
    usage_target: str = ("用法：{prefix}{command} @成员 [原因]，或引用该成员的消息回复 {prefix}{command} [原因]"
                         "（私聊时写成员的微信 id 或群昵称）")
    choose_group: str = "请先发送 #use 选择要管理的群。"
    target_unknown: str = "没有找到「{target}」。请 @ 该成员，或写出其微信 id。"
    # a written name several members share: which one is meant cannot be told from it
    target_shared: str = "有 {count} 位成员叫「{target}」，看不出是哪一位。请 @ 该成员，或引用其消息。"
    # a command quoting a message of the bot's that names no one member (a welcome, a digest)
    target_bot_quoted: str = "引用的是机器人的消息，看不出要处理谁。请引用该成员自己的消息，或 @ 该成员。"
    protected: str = "「{member}」是群主、管理员或白名单成员，不能对其操作。"
    warned: str = "⚠️ 警告（案件 #{case}）：{reason}。再犯将被移出本群。如有异议，可私聊机器人发送「申诉 {case} 理由」。"
    kicked: str = "已移出「{member}」（案件 #{case}）：{reason}"
    banned: str = "已将「{member}」加入{scope}黑名单并移出（案件 #{case}）：{reason}"
    listed: str = "已将「{member}」加入{scope}黑名单（案件 #{case}）：{reason}。对方不在本群，重新入群时会被移出。"
    # to an admin who typed #warn in a private chat: once the group has the warning, or why not
    warn_sent: str = "已在群里警告「{member}」（案件 #{case}）：{reason}"
    warn_not_sent: str = "对「{member}」的警告（案件 #{case}）{why}。"
    warn_absent: str = "「{member}」不在本群，警告发不到对方，没有记录。需要的话可以用 #ban 拉黑。"
    kick_absent: str = "「{member}」已不在本群，不用移出，没有记录。需要防止其再次入群，可以用 #ban 拉黑。"
    unbanned: str = "已将「{member}」移出{scope}黑名单（案件 #{case}）。"
    not_banned: str = "「{member}」不在本群黑名单中。"
    ban_withdrawn: str = "案件 {cases} 中尚未执行的处理已撤销。"
    scope_room: str = "本群"
    scope_all: str = "所有群"
    global_needs_operator: str = "只有运营可以在所有群拉黑。"
    rejoin_kicked: str = "「{member}」在黑名单中，已再次移出（案件 #{case}）。"
    default_reason: str = "违反群规"
    case_missing: str = "没有案件 #{case}。"
    case_other_group: str = "案件 #{case} 不属于本群。"
    reason_updated: str = "案件 #{case} 的原因已改为：{reason}"
    no_cases: str = "「{member}」没有案件记录。"
    recent_cases: str = "本群最近 {count} 个案件（查看详情：#case 案件号）："
    no_cases_here: str = "本群还没有案件记录。"
    whitelist_added: str = "已将「{member}」加入{scope}白名单：机器人不会对其操作。"
    whitelist_removed: str = "已将「{member}」移出{scope}白名单。"
    whitelist_not_found: str = "「{member}」不在白名单中。"
    whitelist_empty: str = "白名单为空。"
    whitelist_usage: str = "用法：#whitelist add @成员 | #whitelist remove @成员 | #whitelist list"
    no_rules: str = "本群还没有设置群规。"
    rules_header: str = "📌 本群群规"
    # #rules 设置 … / #rules 恢复 (plugins/moderation/chat_rules.py)
    rules_set: str = "已设置本群群规，新成员的欢迎语和 #rules 都会用这几条：\n{rules}"
    rules_set_usage: str = ("用法：{prefix}rules 设置 第一条；第二条；第三条（最多三条，也可以每行一条），"
                            "{prefix}rules 恢复 改回默认的群规。")
    rules_set_bad: str = "没有改：{problem}。发送 {prefix}rules 设置 第一条；第二条；第三条 重新设置。"
    rules_reset: str = "已恢复默认的群规：\n{rules}"
    # an ordinary member whose invitees keep being removed for ads (plugins/moderation/inviters.py)
    inviter_notice: str = ("「{inviter}」邀请进群的人里，{window}内已有 {count} 人因发广告被移出（{cases}）。"
                           "可能是 TA 的微信被盗、被人用来拉广告号进群，建议私下问问 TA；"
                           "也可以在群设置里打开「群聊邀请确认」，以后成员邀请人要群主或管理员同意。")
    report_usage: str = "请长按要举报的消息，选择「引用」，再发送 #report 原因。"
    report_own: str = "这是机器人自己发的消息，不用举报。请引用要举报的那条成员消息。"
    report_self: str = "你引用的是自己发的消息。请长按要举报的那条消息，选择「引用」，再发送 #report 原因。"
    report_received: str = "已收到举报（案件 #{case}），已转告群主和管理员，谢谢！"
    # an admin's own report: they are not sent a copy, and with no other admin nobody is
    report_recorded: str = "已记录举报（案件 #{case}）。"
    report_notice: str = "成员「{reporter}」举报了「{target}」的消息（案件 #{case}）：\n「{text}」\n原因：{reason}"
    # the quoted message is not in the bot's records (typed by hand, or too old): never shown
    # as the reported member's words
    report_notice_unverified: str = (
        "成员「{reporter}」举报了「{target}」（案件 #{case}），但所引用的消息在机器人的记录中找不到，内容无法核实。"
        "举报人引用的文字：\n「{text}」\n原因：{reason}")
    case_notice: str = "新案件 {summary}"
    # an anti-spam warning: how the owner undoes it if it is wrong. The member warned hears
    # 如果不是，可以请管理员撤销; the owner's notice said only 警告 X：发广告（已执行）, and the
    # owners of a simulated photography club did not know how (two regulars reminded in an evening)
    # (#revoke N since 2026-12-05: a card or a picture is hard to quote on a phone)
    case_notice_warned: str = ("新案件 {summary}。如是误判，请在群里发送 {prefix}revoke {case} 撤销"
                               "（或引用那条消息发送 {prefix}ham）")
    # the same for a warning about no message (a newcomer named as the owner, impersonation.py;
    # a name that is an ad): there is nothing to quote for #ham
    case_notice_warned_name: str = "新案件 {summary}。如是误判，请在群里发送 {prefix}revoke {case} 撤销"
    appeal_usage: str = "申诉请发送：申诉 案件号 理由，例如「申诉 12 我没有发广告」。"
    appeal_not_yours: str = "没有找到你可以申诉的案件 #{case}。"
    # an appeal without a number, or "为什么踢我", from someone with open cases
    appeal_pick: str = ("你有以下可以申诉的处理：\n{cases}\n"
                        "请发送「申诉 案件号 理由」，例如「申诉 {example} 我没有发广告」。")
    appeal_nothing_open: str = "没有找到对你的、还可以申诉的处理记录。"
    # a private message that is neither a command nor an appeal (你好, 在吗, a question): one
    # answer a day per member; private_hint_case when they have a case they may still appeal
    private_hint: str = ("你好，我是群管理机器人，不会聊天哦。群里的事请直接问群主或管理员；"
                         "发送 {prefix}help 可以看我能做什么。")
    private_hint_case: str = ("你好，我是群管理机器人，不会聊天哦。你在群里有这些处理记录：\n{cases}\n"
                              "如有异议，请发送「申诉 案件号 理由」，例如「申诉 {example} 我没有发广告」，"
                              "群主和管理员会看到。")
    appeal_not_by_bot: str = "机器人没有对你做过处理。如果是群主或管理员操作的，请直接联系他们。"
    appeal_too_late: str = "案件 #{case} 已超过申诉期限。"
    appeal_duplicate: str = "案件 #{case} 的申诉已提交，请等待管理员处理。"
    appeal_received: str = "已收到你对案件 #{case} 的申诉，管理员处理后会通知你。"
    appeal_notice: str = ("「{member}」对案件 #{case}（{summary}）提出申诉：{text}\n"
                          "处理：#appeal accept {case} 或 #appeal reject {case}")
    # the member wrote again about an appeal still waiting (申诉 1 我是开玩笑的): the new words go on
    appeal_added: str = "已把你的补充说明转给管理员（案件 #{case}），处理后会通知你。"
    appeal_added_notice: str = ("「{member}」补充了对案件 #{case}（{summary}）的申诉：{text}\n"
                                "处理：#appeal accept {case} 或 #appeal reject {case}")
    appeal_admin_usage: str = "用法：#appeal accept 案件号 或 #appeal reject 案件号 [说明]"
    appeal_none: str = "案件 #{case} 没有待处理的申诉。"
    # #appeal alone: the group's appeals still waiting
    appeals_none_waiting: str = "本群没有待处理的申诉。"
    appeals_waiting: str = ("本群待处理的申诉：\n{lines}{more}\n"
                            "处理：#appeal accept 案件号 或 #appeal reject 案件号 [说明]")
    appeals_line: str = "#{case} {member}（{summary}）：{text}"
    appeals_more: str = "\n……还有更多，先处理上面这些"
    appeal_accepted: str = "已接受案件 #{case} 的申诉：已解除处罚（案件 #{unban_case}）{reinvite}。"
    appeal_reinvite: str = "，正在重新邀请入群"
    # what became of that invitation, once WeChat answered
    reinvited: str = "已重新邀请「{member}」入群（案件 #{case}）。"
    reinvite_failed: str = "没能重新邀请「{member}」入群（案件 #{case}）：{why}。"
    appeal_rejected: str = "已驳回案件 #{case} 的申诉。"
    appeal_accepted_member: str = "你对案件 #{case} 的申诉已通过，处罚已解除。"
    appeal_rejected_member: str = "你对案件 #{case} 的申诉未通过。{note}"
    # #revoke: an admin takes back a case (theirs or the bot's) without an appeal
    revoke_usage: str = ("用法：#revoke 案件号 [说明]（也可以写 #撤销），撤销一个警告、移出或拉黑："
                         "解除处罚，移出的重新邀请入群。")
    revoked: str = "已撤销案件 #{case}：处罚已解除（案件 #{unban_case}）{reinvite}。"
    revoked_member: str = "案件 #{case} 已被管理员撤销，处罚已解除。"
    # a warning the group heard, revoked in a private chat with the bot: said in the group too
    # {kind}: 警告, or 提醒 for one that threatened nothing (a regular's, on the models' word)
    revoked_in_group: str = "管理员撤销了对「{member}」的{kind}（案件 #{case}）。"
    revoke_already: str = "案件 #{case} 之前已撤销，不用再处理。"
    revoke_not_penalty: str = "案件 #{case} 不是警告、移出或拉黑，没有可撤销的处罚。"

    # former defaults: the warning's notice before #revoke; an invitation said as done before
    # WeChat had been asked (never say something happened that did not); a reminder's revoking
    # said in the group as a 警告's (a 宝妈群 owner's private #revoke of a regular's 提醒)
    _former = former_defaults(
        case_notice_warned="新案件 {summary}。如是误判，请在群里引用那条消息发送 {prefix}ham 撤销",
        appeal_reinvite="，并重新邀请入群",
        revoked_in_group="管理员撤销了对「{member}」的警告（案件 #{case}）。")


class ModerationConfig(PluginConfig):
    # the group's core rules for #rules (at most three: 群规最多三条); empty: use greeting.rules
    rules: tuple[str, ...] = Field(default=(), max_length=3)
    # tell the admins (bot.admin_group, else operators privately) about every new case
    notify_cases: bool = True
    # how often cases opened by other plugins (anti-spam) are collected for that notice
    notify_every: Duration = timedelta(minutes=1)
    # removed members may appeal within this long after their case
    appeal_window: Duration = timedelta(days=30)
    # case kinds a member may appeal
    appealable: tuple[str, ...] = ("warn", "kick", "ban", "spam")
    # an accepted appeal on a removal invites the member back (WeChat adds directly only
    # under 40 members; larger groups get an invitation to accept)
    reinvite: bool = True
    # remove a blacklisted member again when they re-join
    kick_blacklisted_on_join: bool = True
    # tell the admins when this many members one ordinary member invited were removed as
    # advertisers within inviter_window (a stolen account pulling advertisers in); 0: never
    inviter_notice_after: int = Field(default=2, ge=0)
    inviter_window: Duration = timedelta(hours=24)
    texts: ModerationTexts = ModerationTexts()

    @field_validator("rules")
    @classmethod
    def _non_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(r.strip() for r in value if r.strip())
