"""Table-driven cases for the judgement of issue 10 (proportionate, context-aware) and the
normalisation and contact data of issue 11: every case both ways, an ad caught and ordinary
chat left alone."""

from __future__ import annotations

import pytest

from plugins.antispam.charmodel import shipped
from plugins.antispam.checks import Facts, Verdict
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.contact import find_contacts, is_ordinary, promoted_links
from plugins.antispam.engine import Decision, decide
from plugins.antispam.normalize import normalise

CFG = AntispamConfig()


def fired(facts: Facts) -> dict[str, str]:
    return {v.name: v.details for v in decide(facts, CFG, None, "room").fired}


@pytest.fixture(scope="module")
def shipped_model() -> SpamModel:
    """The models as the bot starts with them: the shipped char model, the Bayes untaught."""
    return SpamModel(shipped())


# ---------------------------------------------------------------- normalisation
@pytest.mark.parametrize(("text", "dense"), [
    pytest.param("加 V 信：abc8888", "加微信abc8888", id="add-v-xin-spaced-keeps-the-id"),
    pytest.param("加V信abc8888", "加微信abc8888", id="add-v-xin"),
    pytest.param("加薇信 abc8888", "加微信abc8888", id="add-wei-xin-not-doubled"),
    pytest.param("佳薇 abc888", "加微信abc888", id="jia-wei"),
    pytest.param("威心 lee520520", "微信lee520520", id="wei-xin-homophone"),
    pytest.param("魏信：lee520520", "微信lee520520", id="wei-surname-xin"),
    pytest.param("危信 lee520520", "微信lee520520", id="wei-danger-xin"),
    pytest.param("➕微 abc888", "加微信abc888", id="plus-wei"),
    pytest.param("+口 12345678", "加qq12345678", id="plus-kou"),
    pytest.param("加鹅 12345678", "加qq12345678", id="add-goose"),
    pytest.param("V信 abc888", "微信abc888", id="v-xin"),
    pytest.param("vx：abc888", "微信abc888", id="vx"),
    pytest.param("資料免費送，請聯繫", "资料免费送请联系", id="traditional-to-simplified"),
    pytest.param("一三八一二三四五六七八", "13812345678", id="spelled-digits"),
    pytest.param("100+W 起", "100w起", id="price-plus-w-stays"),
    pytest.param("加W", "加w", id="add-w-is-not-wechat"),
    pytest.param("按W键加速", "按w键加速", id="w-key"),
    pytest.param("1381234567 一样", "1381234567一样", id="yiyang-keeps-its-yi"),
    pytest.param("房号 2301 一起走", "房号2301一起走", id="yiqi-keeps-its-yi"),
    # a numeral before a character it makes no word with is the number's last digit (四微 is no word)
    pytest.param("一三九 零零零零 五六七四 微信同号", "13900005674微信同号", id="spelled-last-digit-stays"),
    pytest.param("编号 一三八一二三四五六七 一起报", "编号1381234567一起报", id="spelled-run-yiqi-keeps-its-yi"),
    pytest.param("https://github.com/wechaty/wechaty", "", id="url-words-are-not-text"),
    pytest.param("new xbox 到了", "newxbox到了", id="latin-inside-words-untouched"),
    pytest.param("扣分了", "扣分了", id="kou-alone-is-a-word"),
    pytest.param("薇辛：mm5201314", "微信mm5201314", id="wei-xin-homophone"),
    # 蔻蔻 / 寇寇 are names (a girl's, a dog's): QQ only with a QQ number, 号 or 群 after, or 加 before
    pytest.param("我家蔻蔻又拆家了", "我家蔻蔻又拆家了", id="koukou-a-dogs-name"),
    pytest.param("寇寇放学了吗", "寇寇放学了吗", id="koukou-a-childs-name"),
    pytest.param("蔻蔻 13812345678 这是她妈妈电话", "蔻蔻13812345678这是她妈妈电话", id="koukou-then-a-phone"),
    pytest.param("蔻蔻号 2849301234", "qq2849301234", id="koukou-hao-is-qq"),
    pytest.param("寇寇：2849301234", "qq2849301234", id="koukou-number-is-qq"),
    pytest.param("加蔻蔻 2849301234", "加qq2849301234", id="add-koukou-is-qq"),
    pytest.param("扣扣 2849301234", "qq2849301234", id="koukou-homophone-still-qq"),
    pytest.param("加我威 zhou_888", "加我微信zhou888", id="add-me-wei-is-wechat"),
    pytest.param("加我薇 zhou_888", "加我微信zhou888", id="add-me-wei-flower-is-wechat"),
])
def test_normalise(text, dense):
    assert normalise(text).dense == dense


# ---------------------------------------------------------------- contact data
@pytest.mark.parametrize(("text", "kind", "value"), [
    pytest.param("加 V 信：abc8888", "wechat-id", "abc8888", id="spaced-v-xin"),
    pytest.param("威心 lee520520", "wechat-id", "lee520520", id="homophone"),
    pytest.param("➕微 abc888", "wechat-id", "abc888", id="plus-wei"),
    pytest.param("+口 12345678", "qq", "12345678", id="plus-kou"),
    pytest.param("扣：123456789", "qq", "123456789", id="kou-colon"),
    pytest.param("一三八一二三四五六七八", "phone", "13812345678", id="spelled-phone"),
    pytest.param("1-3-8-1-2-3-4-5-6-7-8", "phone", "13812345678", id="split-phone"),
    pytest.param("进群戳 t.me/joinchat/abcdef", "im-link", "t.me/joinchat/abcdef", id="telegram-link"),
    pytest.param("纸飞机联系 tg:@fast_usdt ", "handle", "@fast_usdt", id="telegram-handle"),
    pytest.param("私聊 ab1234", "code-id", "ab1234", id="code-id"),
    pytest.param("认准：xy520", "code-id", "xy520", id="code-id-renzhun"),
    pytest.param("官网 abc点com", "domain", "abc.com", id="domain-dian"),
    pytest.param("网址 vip8888。cn 注册", "domain", "vip8888.cn", id="domain-fullstop"),
    pytest.param("打开 good dot top", "domain", "good.top", id="domain-dot"),
    pytest.param("注册 lele88・top 就送", "domain", "lele88.top", id="domain-middle-dot"),
    pytest.param("复制 abc88【点】club 打开", "domain", "abc88.club", id="domain-bracketed-dian"),
    pytest.param("网址 xyz66 (点) vip", "domain", "xyz66.vip", id="domain-parenthesised-dian"),
    pytest.param("打开 qq77zz .top 就行", "domain", "qq77zz.top", id="domain-spaced-dot"),
    pytest.param("搬家找师傅 一三九 零零零零 五六七四 微信同号", "phone", "13900005674",
                 id="spelled-phone-before-a-word"),
    pytest.param("抖音搜：小王美食", "referral", "抖音 小王美食", id="douyin-search"),
    pytest.param("小红书搜索「省钱小妙招」", "referral", "小红书 省钱小妙招", id="xhs-search"),
    pytest.param("拼多多搜 ab123", "referral", "拼多多 ab123", id="pdd-search"),
    pytest.param("扫码加 https://qm.qq.com/q/abc", "im-link", "https://qm.qq.com/q/abc", id="qq-contact-link"),
    pytest.param("新群号 4 8 1 9 2 7 3 6 5 速来", "group-number", "481927365", id="group-number-split"),
    pytest.param("进裙领红包 裙号 736182905", "group-number", "736182905", id="qun-as-skirt"),
    pytest.param("要资料 扣 ②⑤⑧ ⑦⑦ ①③⑥", "qq", "25877136", id="kou-dressed-split-digits"),
    pytest.param("扩列 q 5 2 8 1 3 6 6 9", "qq", "52813669", id="q-split-digits"),
    pytest.param("带单 飞机 trade_king9", "code-id", "trade_king9", id="telegram-word-id"),
    pytest.param("找人干活 卫星 job_hunt66", "code-id", "job_hunt66", id="satellite-id"),
    pytest.param("晚上无聊 加我line：momo_1314", "code-id", "momo_1314", id="line-id"),
    pytest.param("小红书号 7 3 1 9 5 5 2 0 关注我", "code-id", "73195520", id="xhs-number"),
    pytest.param("下载填邀请码 ab777 得现金", "code-id", "ab777", id="invite-code"),
    pytest.param("查快递 👉 @ parcel_bot_9", "handle", "@parcel_bot_9", id="spaced-handle"),
    pytest.param("寂寞 找我 k k 5 2 0 9", "code-id", "kk5209", id="letters-typed-apart"),
    pytest.param("群 t me / + xYz9AbC 速进", "im-link", "t.me/xyz9abc", id="telegram-link-spaced"),
    pytest.param("网址 h t t p : / / w i n 7 7 7 . t o p", "domain", "win777.top", id="url-typed-apart"),
    # a lone variant of 微 / QQ right before an id, as game-chat currency ads write it
    pytest.param("便宜出金 要的求微528019374", "wechat-id", "528019374", id="lone-wei-number"),
    pytest.param("元宝现货 找薇61820937755102", "wechat-id", "61820937755102", id="lone-wei-long-number"),
    pytest.param("银两秒到 威093316", "wechat-id", "093316", id="lone-wei-leading-zero"),
    pytest.param("微加HQZB52即可", "wechat-id", "hqzb52", id="wei-jia-code"),
    pytest.param("元宝便宜出 魏 lc6688 来", "wechat-id", "lc6688", id="lone-wei-letters-digits"),
    pytest.param("出金 危：xy20231", "wechat-id", "xy20231", id="lone-wei-colon"),
    pytest.param("薇辛：mm5201314", "wechat-id", "mm5201314", id="wei-xin-variant"),
    pytest.param("➕威 8848123 拿货", "wechat-id", "8848123", id="plus-lone-wei"),
    pytest.param("点券半价鹅837160245", "qq", "837160245", id="lone-e-number"),
    # ids with - and _ are read whole (seen in a simulated day: 抖音号 lintt-9562 read as a hidden
    # lintt9562, wxid_… as id_…)
    pytest.param("抖音号 lintt-9562", "code-id", "lintt-9562", id="hyphen-id-after-platform-no"),
    pytest.param("数字 lin_tt9562", "code-id", "lin_tt9562", id="underscore-id-after-platform-no"),
    pytest.param("我的微信 lintt-9562", "wechat-id", "lintt-9562", id="hyphen-wechat-id"),
    pytest.param("wxid_k2j3h4m5", "wechat-id", "wxid_k2j3h4m5", id="wxid"),
    pytest.param("加我威 zhou_888", "wechat-id", "zhou_888", id="add-me-wei-homophone"),
    # a recruiter's id after what to add it for (a 猎头 ad's 加V详聊 had no contact data at all)
    pytest.param("高薪急招运营主管，加V详聊 yy_hr2026", "wechat-id", "yy_hr2026", id="add-v-to-talk-then-id"),
    pytest.param("有意加微信咨询 ck_job66", "wechat-id", "ck_job66", id="add-wechat-to-ask-then-id"),
    pytest.param("请加客服微信办理 kuaidi_lipei01", "wechat-id", "kuaidi_lipei01", id="add-wechat-to-claim-then-id"),
    # an id the dense form lost after a homophone of 加微信: letters and _ (too short once the _ is
    # gone), digits then pinyin after +v我
    pytest.param("加薇 qp_kz", "wechat-id", "qp_kz", id="jiawei-underscore-id"),
    pytest.param("+v我 660jia", "wechat-id", "660jia", id="plus-v-me-digits-pinyin"),
    pytest.param("想看的加薇 kk_rou 私发", "wechat-id", "kk_rou", id="jiawei-letters-underscore"),
    # a shop's sign-off after 微信 and a space: five letters with an _ were too short for the dense
    # form's reading (a guild day's 上分工作室 代打 保段位 包赢 微信 sf_gzs had no contact data)
    pytest.param("上分工作室 代打 保段位 包赢 微信 sf_gzs", "wechat-id", "sf_gzs", id="wechat-space-underscore-id"),
    pytest.param("代练 微信：dl_kk", "wechat-id", "dl_kk", id="wechat-colon-underscore-id"),
    # another messaging app's number is contact data (platform-neutral), and so is a phone number
    # written with its country code
    pytest.param("WhatsApp +852 6123 4567 带你稳赚", "im-number", "+85261234567", id="whatsapp-hk-number"),
    pytest.param("whatsapp me 85261234567", "im-number", "85261234567", id="whatsapp-me"),
    pytest.param("详情 WA: +852 9876-5432", "im-number", "+85298765432", id="wa-colon"),
    pytest.param("Telegram 号码 +60 12 345 6789", "im-number", "+60123456789", id="telegram-number"),
    pytest.param("line 0912345678 找我", "im-number", "0912345678", id="line-number"),
    pytest.param("香港客服 +852 6123 4567", "phone", "+85261234567", id="hk-phone-with-code"),
    pytest.param("有事打 +86 138 1234 5678", "phone", "+8613812345678", id="cn-phone-with-code"),
    # misses of the probe set (data/probes): a QQ number in circled digits after 扣我, an id typed
    # in pieces after a lone 微, 信 written as its parts (亻言)
    pytest.param("湿身诱惑 完整版视频 需要的扣我 ③⑤⑦②②⑧⑨⑥①", "qq", "357228961", id="kou-me-circled-digits"),
    pytest.param("有兴趣的dd我 微：hh 9 6 8 8 0", "wechat-id", "hh96880", id="lone-wei-spaced-id"),
    pytest.param("新群已建好 想进的+我 微亻言：hz2025a", "wechat-id", "hz2025a", id="xin-in-parts"),
    # held-out ads a newcomer is now only reminded for unless the contact data is read (Decision.says_only):
    # an id typed in pieces after v, digits then a name after a platform word, a Telegram invite whose
    # + was read as 加, a QQ number spelled out after 鹅
    pytest.param("需要的滴我 v: qm 7 7 2 1", "code-id", "qm7721", id="v-spaced-id"),
    pytest.param("送配置 Ⓥ028feirui 🙏", "code-id", "028feirui", id="v-digits-then-name"),
    pytest.param("tg 520meimei", "code-id", "520meimei", id="tg-digits-then-name"),
    pytest.param("不封号 电报 t点me/+QZpErcwNeBkY DM", "im-link", "t.me/qzpercwnebky", id="tme-invite-plus"),
    pytest.param("新群 鹅 三三 四四 五五 六", "qq", "3344556", id="e-spelled-digits"),
    # a referral that names the account (spam24's blind probe set)
    pytest.param("小红书搜我名字“搞钱小鹿”全是干货", "referral", "小红书 搞钱小鹿", id="search-my-name"),
    pytest.param("抖音搜我的昵称 阿强带你搞副业", "referral", "抖音 阿强带你搞副业", id="search-my-nickname"),
    # an id typed apart where something stands between the WeChat word and it: an underscore, a heart,
    # a 搜 (contact._DENSE_ID); lines of ours in the shapes of the fresh probe files' misses
    pytest.param("想要资源的 V ： ks_ 6 6 0 2 1 8 秒通过", "wechat-id", "ks660218", id="v-underscore-spaced-id"),
    pytest.param("晚上无聊的 薇 ❤ ：mm 3 3 7 7 1 备注群名", "wechat-id", "mm33771", id="wei-heart-spaced-id"),
    pytest.param("威 信 搜 lyx 5 2 0 8 8 有你要的", "wechat-id", "lyx52088", id="weixin-search-spaced-id"),
    # a handle that opens with digits after a messenger's name (a bot's name; the corpus's 飞机 @888_dreambot)
    pytest.param("老客户免费领取大米十斤，飞机 @888_dreambot", "handle", "@888_dreambot", id="plane-digit-handle"),
    pytest.param("TG：@888_ok256", "handle", "@888_ok256", id="tg-digit-handle"),
    # a handle after a channel's or a new group's word, or a pointing hand, and a Telegram bot's
    # handle anywhere (its name ends in bot): lines of ours in the shapes of read probe files' misses
    pytest.param("每日福利 直接找 @fuli_daily_bot 领", "handle", "@fuli_daily_bot", id="telegram-bot-handle"),
    pytest.param("装机软件 电报找 @zhuangji_bot", "handle", "@zhuangji_bot", id="telegram-find-bot"),
    pytest.param("日服攻略 电报频道 @ff_guide_jp", "handle", "@ff_guide_jp", id="channel-handle"),
    pytest.param("老群要解散了 新群 @laoxiang_home 大家快来", "handle", "@laoxiang_home", id="new-group-handle"),
    pytest.param("租房 工作 二手 一个群全搞定 👉 @bkk_huaren", "handle", "@bkk_huaren", id="pointing-hand-handle"),
    # a group's number spelled out after the group, in plain or financial numerals
    pytest.param("钓鱼交流群 二零二 三零一 五六 七 欢迎", "group-number", "202301567", id="group-number-spelled"),
    pytest.param("开黑群 捌贰柒 陆叁伍 零壹", "group-number", "82763501", id="group-number-in-capitals"),
])
def test_contact_data_found(text, kind, value):
    assert (kind, value) in [(c.kind, c.value) for c in find_contacts(normalise(text))]


@pytest.mark.parametrize(("text", "value", "hidden"), [
    # a service hotline printed with its dashes (400-820-8820, 4008-200-588) is no split number, and
    # made the member's own plain number beside it read as disguised: a newcomer removed at once
    ("我电话13812345678，找不到我就打物业 400-820-8820", "13812345678", False),
    ("卡被盗刷了，我打了 4008-200-588 冻结了，有事打我 13800001111", "13800001111", False),
    ("维修找王师傅 13912345678，燃气报修 400 882 6100", "13912345678", False),
    ("我手机 13812345678，银行那边你打 955-88 问", "13812345678", False),
    ("0571-8723 5519，或者加店里微信 dangao_xiaowu", "dangao_xiaowu", False),  # a landline as printed
    ("蔻蔻 13812345678 这是她妈妈电话", "13812345678", False),  # a name, not a QQ word
    # a pay range beside an age range is no number split to hide it (a newcomer's real job post,
    # spam24): the manager's plain phone had counted as disguised
    ("招聘：冷链仓库拣货员15名 综合工资7000-9000 20-50岁 联系王经理 13621098877", "13621098877", False),
    ("日结200-500/天 3-5年经验优先 电话 13912345678", "13912345678", False),
    # numbers broken up to hide them still are
    ("加我 1 3 8 1 2 3 4 5 6 7 8，客服 400-820-8820", "13812345678", True),
    ("工资8000-6000 加我 1 3 8 1 2 3 4 5 6 7 8", "13812345678", True),
    ("138.1234.5678 加我", "13812345678", True),
    ("加我 13 81 23 45 678", "13812345678", True),
    ("dy号 7-7-8-8-9-9", "778899", True),
    ("抖音号 lintt-9562", "lintt-9562", False),  # an id's own hyphen hides nothing
    # QQ 号 is how a QQ number is given (a teacher's, to the parents): read as a variant spelling it
    # had made the number hidden, and a newcomer relaying it was convicted
    ("孩子班主任的 QQ 号是 3456789，家长可以加一下", "3456789", False),
    # a lone 微 before an id stands for WeChat and hides it (it was read as a plain code id)
    ("高仿手表 机芯一比一 看不出来 微：watch_king8", "watch_king8", True),
    # a mobile number spelled out after the word for it is how voice input writes one (spam29: a
    # newcomer's 打我电话 一五八… was warned as a hidden number); not after a contact word or a
    # variant, nor beside another trick
    ("我到小区门口了 手机号是一三九零七七一二二四八 出来接一下", "13907712248", False),
    ("快递放驿站了 有事打我电话 一八六 五五二一 三零四七", "18655213047", False),
    ("加我 一三九零七七一二二四八 日结", "13907712248", True),
    ("薇 一三九零七七一二二四八", "13907712248", True),
    ("电话 一三九零七七一二二四八 加薇信", "13907712248", True),
    # voice input spaces its words, and a changed number is said with 换了新的/改成 (spam30's blind
    # probe: a newcomer's new number was read as hidden and removed at once)
    ("各位 我 电话 改 成 一五八 三三二一 零九七六 了 存一下", "15833210976", False),
    ("手机 号码 换了 是 一三七 六六八二 五五一零 以后打这个", "13766825510", False),
    ("换了新号 加我 一三七 六六八二 五五一零 领资料", "13766825510", True),
    # another country's number is grouped its way, not split to hide a Chinese mobile (spam30: a
    # client's +1 number passed on in a trade group removed a newcomer at once)
    ("美国那个买家的电话 +1 646 555 0139 你白天打", "+16465550139", False),
    ("加我 1 4 1 5 5 5 5 0 1 3 9 日结", "14155550139", True),
])
def test_a_printed_service_line_makes_no_other_number_hidden(text, value, hidden):
    found = {c.value: c.hidden for c in find_contacts(normalise(text))}
    assert found.get(value) is hidden, found


@pytest.mark.parametrize("text", [
    "信用卡被盗刷了赶紧打95588挂失", "这种事直接打12345投诉，市长热线很管用", "你打400-820-8820问问，那是官方客服",
    "我打了800-810-8888，客服说三个工作日退款", "我家狗叫蔻蔻，两岁了",
])
def test_a_hotline_or_a_name_is_no_contact_data(text):
    assert find_contacts(normalise(text)) == ()
    for newcomer in (False, True):
        assert not decide(Facts(text, newcomer=newcomer), CFG, None, "room").spam


def test_a_newcomers_own_number_beside_a_hotline_is_not_an_obvious_ad():
    text = "我电话13812345678，找不到我就打物业 400-820-8820"
    decision = decide(Facts(text, newcomer=True), CFG, None, "room")
    assert not decision.obvious, decision.evidence()


@pytest.mark.parametrize("text", [
    pytest.param("公众号文章 https://mp.weixin.qq.com/s/Ab3dEf_weixin123", id="wechat-article"),
    pytest.param("代码在 https://github.com/wechaty/wechaty-puppet-service", id="github"),
    pytest.param("这个价格 100+W 起步", id="price-w"),
    pytest.param("工资被扣了两千", id="kou-money"),
    pytest.param("订单号 1381234567 一样的", id="yiyang"),
    pytest.param("我在抖音搜了一下这个菜谱", id="douyin-talk"),
    pytest.param("有事联系@alice\u2005", id="wechat-mention-not-a-handle"),
    pytest.param("明天下午三点开会", id="time"),
    pytest.param("一二三四五六七，大家一起来", id="counting"),
    pytest.param("第一名 2023 年一起跑", id="ranking"),
    pytest.param("工资被扣 300000 元，离谱", id="kou-salary"),
    pytest.param("版本 v1.2.3 修了个 bug，用 python3 跑", id="version-numbers"),
    pytest.param("我们群 2019 年建的", id="group-year"),
    # a lone 微/威/薇/扣 that is part of a word, or a number that is an amount, a date or a decimal
    pytest.param("稍微123456 的差价而已", id="shaowei-number"),
    pytest.param("威海 2023年去过", id="weihai-year"),
    pytest.param("薇薇 13岁了", id="weiwei-age"),
    pytest.param("薇薇 20231201 生日", id="weiwei-date"),
    pytest.param("权威 100000 人认证", id="quanwei-count"),
    pytest.param("折扣 888888 起", id="zhekou-number"),
    pytest.param("威 500000 块一个月也不去", id="wei-amount-kuai"),
    pytest.param("薇 123456元 太贵", id="wei-amount-yuan"),
    pytest.param("微 1234567.5 万", id="wei-decimal"),
    pytest.param("微调了 1234567 次", id="weitiao"),
    pytest.param("1比1.4的比例还行，一块八万钻是骗子", id="ratio-talk"),
    pytest.param("订单号 2023112345678 还没到", id="order-number"),
    pytest.param("编号 一三八一二三四五六七 一起报", id="spelled-number-then-yiqi"),
    pytest.param("大卫·贝克汉姆 退役了", id="middle-dot-in-a-name"),
    # an amount after 加微信, an app named with no number, a sum with a plus
    pytest.param("这单再加微信 2000w 的流水也不够", id="amount-after-wechat"),
    pytest.param("这个app在line上很火，whatsapp 国外用的多", id="apps-named-no-number"),
    pytest.param("预算100+1000000 都不够", id="plus-after-a-digit"),
    pytest.param("他扣我 200 块工资", id="kou-me-an-amount"),
    pytest.param("加我微信 kefu_…… 哦不对，是另一个", id="an-id-broken-off"),
    pytest.param("充电宝 v 5000mah 的够用", id="v-then-a-capacity"),
    pytest.param("天鹅 一二三四五六七 只", id="tiane-spelled-number"),
    # a site on the ordinary list said as voice input writes it: no address dressed up
    pytest.param("这个网站可以查快递 www点kuaidi100点com", id="ordinary-domain-with-dian"),
    pytest.param("买票上 12306。cn 别找黄牛", id="ordinary-domain-with-full-stop"),
    # a name too short for the dense form's id after 微信 and a space, with no _ or digit in it
    pytest.param("用微信 ok 了吗", id="wechat-space-word"),
    # a messenger's host alone leads to nobody: a warning about a link, not a link of the writer's
    pytest.param("上次 那个 t.me 链接 我点进去是个假的钱包网站 大家别点", id="bare-telegram-host"),
    pytest.param("群里发 t.me/+ 邀请链接的新号 一律先封", id="telegram-invite-with-no-code"),
    pytest.param("他们发t.me/+开头的那种链接 都是假的", id="telegram-invite-then-words"),
    # digits typed one by one near a letter and a character that can stand for WeChat: no id after a
    # WeChat word (contact._DENSE_ID)
    pytest.param("稍微 ab 1 2 3 4 一下就好", id="shaowei-then-spaced-digits"),
    pytest.param("我家门牌号 v 区 3 2 0 1", id="a-block-letter-then-a-number"),
    # a licence plate typed apart: its letter follows the province's one-character name, which no id
    # does (contact._PLATE_PROVINCES); a newcomer asking a neighbour to move a car was told the rule
    pytest.param("苏A 1 2 3 4 5 的车主在吗 挡着我车了", id="a-plate-typed-apart"),
    pytest.param("谁的车 浙B 7 8 9 6 2 堵在车库出口了", id="another-plate-typed-apart"),
    pytest.param("新能源车牌 川A D 1 2 3 4 5 谁的 压线了", id="a-green-plate-typed-apart"),
    # a WeChat mention after a word that names a handle elsewhere: a member, not a handle (WeChat
    # ends a mention with U+2005)
    pytest.param("有问题直接找 @tom_li\u2005 他管这个", id="a-mention-after-find"),
    pytest.param("频道的事问 @群主老王 就行", id="a-chinese-mention-after-channel"),
    # a year or a time after the group's name, spelled out, is no number of a group
    pytest.param("我们群二零二四年成立的 一共五十个人", id="a-groups-year-spelled"),
    pytest.param("家长群 一二三 点开会", id="a-groups-meeting-time-spelled"),
])

def test_no_contact_data(text):
    assert find_contacts(normalise(text)) == ()


def test_a_chinese_comma_ends_a_link():
    """NFKC makes ， a comma: 网址是 www.12306.cn，别在第三方买票 was one link to a host nobody knows
    (www.12306.cn,别在第三方买票), a newcomer's link off the ordinary list."""
    n = normalise("网址是 www.12306.cn，别在第三方买票")
    assert n.urls == ("www.12306.cn",) and promoted_links(n) == ()
    assert not decide(Facts("网址是 www.12306.cn，别在第三方买票", newcomer=True), CFG, None, "room").spam
    assert normalise("https://example.com/a?x=1,2 看看").urls == ("https://example.com/a?x=1,2",)


@pytest.mark.parametrize(("url", "ordinary"), [
    pytest.param("https://mp.weixin.qq.com/s/abc", True, id="wechat-article"),
    pytest.param("https://zhuanlan.zhihu.com/p/123", True, id="zhihu"),
    pytest.param("https://www.bilibili.com/video/BV1", True, id="bilibili"),
    pytest.param("https://book.douban.com/subject/1", True, id="douban"),
    pytest.param("https://www.huodongxing.com/event/5729913208300", True, id="event-sign-up"),
    pytest.param("https://careers.tencent.com/jobdesc.html?postId=1861294", True, id="careers-page"),
    pytest.param("https://jobs.bytedance.com/experienced/position/7301928", True, id="careers-page-bytedance"),
    pytest.param("https://www.zhipin.com/job_detail/a1b2c3.html", True, id="job-board"),
    pytest.param("https://careers.tencent.com.job-apply.top/x", False, id="careers-lookalike"),
    pytest.param("github.com/a/b", True, id="github-no-scheme"),
    pytest.param("https://www.gov.cn/x", True, id="gov"),
    pytest.param("https://qm.qq.com/q/abc", False, id="qq-contact"),
    pytest.param("https://weixin.qq.com/g/abc", False, id="wechat-group-qr"),
    pytest.param("https://github.com.evil.top/x", False, id="lookalike"),
    pytest.param("https://t.me/abc", False, id="telegram"),
    # gaming and crypto/tech groups' everyday references (spam24's blind probe set: a newcomer's
    # link to the game's own notice page or a block explorer counted as a promotion link)
    pytest.param("pvp.qq.com", True, id="game-publisher"),
    pytest.param("https://store.steampowered.com/app/1245620", True, id="steam-store"),
    pytest.param("https://etherscan.io/tx/0xabc", True, id="block-explorer"),
    pytest.param("https://vercel.com/docs", True, id="hosting-docs"),
    pytest.param("https://www.binance.com/register?ref=ABC123", False, id="exchange-referral"),
    pytest.param("https://steam-key.shop/x", False, id="key-shop"),
    # a city's metro operator and a shared photo album (spam29: a newcomer's link to one counted
    # as a probation link); a bare goo.gl short link is still no ordinary site
    pytest.param("https://www.shmetro.com/node49/", True, id="metro-operator"),
    pytest.param("https://photos.app.goo.gl/aB3dE", True, id="photo-album"),
    # work, class, trade and outdoor groups (spam30's blind probe: a newcomer's link to one was a
    # probation link): a seller platform's back office and help, a bank's rate table, a MOOC, a
    # trail map; a shop on the platform (myshopify.com) and a store page are no such site
    pytest.param("https://sellercentral.amazon.com/home", True, id="seller-back-office"),
    pytest.param("https://help.shopify.com/zh-CN/manual", True, id="shop-platform-help"),
    pytest.param("https://cheap-bags.myshopify.com/products/x", False, id="a-shop-on-the-platform"),
    pytest.param("https://www.amazon.com/dp/B0C1234567", False, id="a-store-page"),
    pytest.param("https://www.boc.cn/sourcedb/whpj/", True, id="bank-rates"),
    pytest.param("https://www.icourse163.org/course/ZJU-1001", True, id="mooc"),
    pytest.param("https://www.2bulu.com/track/t-8Xk2.htm", True, id="trail-map"),
    pytest.param("https://goo.gl/aB3dE", False, id="short-link"),
    # owners', parents', driving-school, car and insurance groups (spam32's blind probe: a
    # newcomer's link to one was a probation link): an organisation's .org.cn (the marathon
    # registry was listed by name before), a health site, a question bank, a car valuation, the
    # insurance association's registry, a photo album share; a look-alike under .cn is none
    pytest.param("https://www.cpanet.org.cn/detail_news_1.html", True, id="organisation-org-cn"),
    pytest.param("https://www.runchina.org.cn/#/home", True, id="marathon-registry"),
    pytest.param("https://www.dxy.com/article/1234", True, id="health-site"),
    pytest.param("https://www.jiakaobaodian.com/mnks/kemu1/car.html", True, id="driving-question-bank"),
    pytest.param("https://www.che300.com/pinggu", True, id="used-car-valuation"),
    pytest.param("https://www.iachina.cn/col/col41/index.html", True, id="insurance-registry"),
    pytest.param("https://photo.baidu.com/photo/web/share?id=8kz3", True, id="baidu-photo-share"),
    pytest.param("https://org-cn.vip/x", False, id="org-cn-lookalike"),
    pytest.param("https://baidu.com.photo-share.top/x", False, id="baidu-lookalike"),
    # parents', students', programmers' and civic groups (spam35's tenth probe: a newcomer's link
    # to the national school platform or to a 力扣 problem was a probation link; spam36)
    pytest.param("https://basic.smartedu.cn/syncClassroom", True, id="national-school-platform"),
    pytest.param("https://www.smartedu.cn", True, id="smart-education"),
    pytest.param("leetcode.cn/problems/two-sum", True, id="leetcode-cn"),
    pytest.param("https://leetcode.com/problems/lru-cache/", True, id="leetcode"),
    pytest.param("https://www.xuexi.cn/lgpage/detail/index.html", True, id="xuexi-qiangguo"),
    pytest.param("https://mooc1.chaoxing.com/course/2158.html", True, id="xuexitong-course"),
    pytest.param("https://www.neea.cn/", True, id="exam-authority"),
    # the real target's interest groups' references: match data, esports fixtures, anime calendars,
    # a marketplace's official seller site (a newcomer's link to each was a probation link; spam39)
    pytest.param("https://www.whoscored.com", True, id="football-data"),
    pytest.param("hltv.org/matches", True, id="esports-fixtures"),
    pytest.param("bangumi.tv", True, id="anime-calendar"),
    pytest.param("https://www.dongqiudi.com/news/1", True, id="football-news"),
    pytest.param("gs.amazon.cn", True, id="marketplace-seller-site"),
    pytest.param("https://hltv.org.bet-vip.top/x", False, id="esports-lookalike"),
    pytest.param("https://smartedu.cn.kecheng-vip.top/x", False, id="smartedu-lookalike"),
    pytest.param("https://leetcode-vip.cn/x", False, id="leetcode-lookalike"),
    # public bodies by their top-level domain (a listed gov, edu or mil takes every host under it),
    # parcel and flight trackers, AI assistants, games' stores and mods (lead49)
    pytest.param("https://www.irs.gov/forms-pubs", True, id="a-us-government-site"),
    pytest.param("https://web.mit.edu/admissions", True, id="a-us-university"),
    pytest.param("https://www.canada.ca/en/services.html", True, id="canadas-government"),
    pytest.param("https://www.cainiao.com", True, id="cainiao-tracking"),
    pytest.param("17track.net/zh-cn", True, id="parcel-tracker"),
    pytest.param("https://openai.com/api/pricing/", True, id="an-ai-assistants-site"),
    pytest.param("https://www.nexusmods.com/skyrimspecialedition/mods/266", True, id="game-mods"),
    pytest.param("https://irs-gov.top/refund", False, id="government-lookalike"),
    pytest.param("https://www.gov.refund-cn.top/x", False, id="gov-as-a-subdomain-of-a-lookalike"),
    pytest.param("http://localhost:8080/gov", False, id="a-one-label-host"),
])
def test_ordinary_domains(url, ordinary):
    assert is_ordinary(url) is ordinary


@pytest.mark.parametrize("text", [
    "孩子寒假作业在这上面看 https://basic.smartedu.cn/syncClassroom",
    "今天的每日一题 https://leetcode.cn/problems/lru-cache/ 有人做了吗",
    "学习强国今天的答题 https://www.xuexi.cn/lgpage/detail/index.html",
])
def test_a_newcomers_link_to_a_public_learning_site_is_no_probation_link(text, shipped_model):
    """A parent's link to the national school platform or a programmer's to a 力扣 problem was
    judged a newcomer's promotion link (spam35's tenth probe): these sites are ordinary."""
    decision = decide(Facts(text, newcomer=True), CFG, shipped_model, "room")
    assert not decision.spam, decision.evidence()


def test_a_newcomers_link_beside_a_reassurance_is_no_link_among_chat(shipped_model):
    """A newcomer's plain link among words the char model reads as chat is not enough alone
    (engine._link_among_chat), but an ad dressed as a warning reads as chat too: 正规平台 beside
    the link is the ad vouching for itself, so the newcomers' link rule applies to it."""
    ad = decide(Facts("防骗提醒：正规平台只有这个 zhengui-pt.com", newcomer=True), CFG, shipped_model, "room")
    assert ad.spam and not any(v.weak for v in ad.fired), ad.evidence()
    chat = decide(Facts("农业农村部的价格行情 www.agri.cn 每天更新 大家可以看看", newcomer=True), CFG,
                  shipped_model, "room")
    assert not chat.spam, chat.evidence()


@pytest.mark.parametrize("text", ["读书会的通知都发在频道 t.me/dushu_notice 里，这周六下午两点在图书馆见",
                                  "我们乐队排练时间都在频道 t.me/band_rehearsal_sh 里更新，新人先看一下"])
def test_a_newcomers_channel_link_among_chat_is_a_warning_first(text, shipped_model):
    """A chat app's link is contact data and a link from a member on probation at once: two checks
    from one link removed newcomers at once in lead57's fresh blind files (a group's FAQ channel, a
    fansub team's release channel) and in older probe files (官方频道 … 发公告了).
    Among words the char model reads as chat, with nothing offered, it is the newcomers' rule, told
    first (engine._im_link_among_chat); a channel that dangles something or promotes a group stays
    an obvious ad."""
    decision = decide(Facts(text, newcomer=True), CFG, shipped_model, "room")
    assert decision.spam and not decision.obvious, decision.evidence()
    assert decision.label(CFG.texts.check_labels) == CFG.texts.check_labels["newcomer_contact"]
    for ad in ("读书会的通知都发在频道 t.me/dushu_notice 里，免费领电子书", "进群领红包 t.me/hongbao_qun 每天发",
               "我们的电报频道 t.me/fuli_daily 每天更新 免费资源"):
        decision = decide(Facts(ad, newcomer=True), CFG, shipped_model, "room")
        assert decision.obvious, (ad, decision.evidence())


@pytest.mark.parametrize("char", [0.3, 0.53, 0.69])
def test_a_link_among_words_the_model_reads_well_under_its_levels_is_among_chat(char):
    """"Reads as chat" is a score far under the char model's levels (engine._CHAT_BELOW), not only
    under a half: a build on eight more probe files read a newcomer's 找阵型用这个 <a layout site>
    复制链接直接用 0.53, the guard let go, and the phrase with the link removed them at once (lead56's
    blind probe). A live-stream lure's 0.81 is still no chat."""
    from plugins.antispam.engine import _link_among_chat

    facts = Facts("部落冲突的阵型在这个网站 https://coc-layouts.example.net 打开就能复制 挺全的", newcomer=True)
    n = normalise(facts.text)
    link = Verdict("content", True, "link https://coc-layouts.example.net from a member on probation")
    chat = Verdict("charmodel", False, f"{char}")
    assert _link_among_chat(facts, [(link, "enforce"), (chat, "enforce")], n, char)
    assert not _link_among_chat(facts, [(link, "enforce"), (chat, "enforce")], n, 0.81)


@pytest.mark.parametrize("text", ["帮我看看这个：日赚五百 在家就能做 靠谱吗",
                                  "我收到的：兼职日结 一单一结 私聊我 大家说这是骗子吗"])
def test_a_newcomer_asking_about_an_ad_shown_after_an_intro_is_not_judged_on_the_model_alone(text, shipped_model):
    """帮我看看这个： / 我收到的： shows someone else's post (checks.shows_a_post): the model scores it
    like the ad, and a newcomer asking about it was reminded on the score alone (lead50). An id or a
    link in the post still reads as the newcomer's own unless the words denounce it (靠谱 is what an
    ad says of itself as much as what a member asks), so the ad below stays caught."""
    assert not decide(Facts(text, newcomer=True), CFG, shipped_model, "room").spam
    ad = decide(Facts("大家看看这个：高薪招聘 月入三万 加V abc12345 靠谱吗", newcomer=True), CFG, shipped_model, "room")
    assert ad.spam and {"contact", "keywords"} <= {v.name for v in ad.fired}, ad.evidence()


# ---------------------------------------------------------------- judgement: ads caught
@pytest.mark.parametrize(("facts", "check"), [
    pytest.param(Facts("兼职刷单，日结300，有意私聊", newcomer=True), "keywords", id="shuadan-ad-newcomer"),
    pytest.param(Facts("刷单返利，一单一结，不是骗子", newcomer=True), "keywords", id="shuadan-ad-reassuring"),
    pytest.param(Facts("想进群的私我，进群领红包", newcomer=True), "keywords", id="join-group-ad"),
    pytest.param(Facts("免费送鸡蛋，到店自提，名额有限，想要的私聊我", newcomer=True), "keywords",
                 id="free-eggs-with-a-pitch"),
    # an offer to whoever needs it is a pitch: the newcomer phrase counts alone beside it
    pytest.param(Facts("您好，我是银行的理财经理，有需要了解大额存单和理财产品的可以私聊我", newcomer=True), "keywords",
                 id="offer-with-dm-me"),
    pytest.param(Facts("资料免费送 威心 lee520520", newcomer=True), "contact", id="homophone-newcomer"),
    pytest.param(Facts("U商承兑 飞机 @fast_usdt ", newcomer=True), "contact", id="handle-newcomer"),
    pytest.param(Facts("需要资料的联系我 13812345678", newcomer=True), "contact", id="phone-with-call-to-action"),
    pytest.param(Facts("高清资源 进 t.me/joinchat/abc", newcomer=True), "contact", id="telegram-newcomer"),
    pytest.param(Facts("官网 vip8888点com 注册就送", newcomer=True), "contact", id="written-domain"),
    pytest.param(Facts("看看", kind="link", url="https://shop.example.top/x", newcomer=True), "content",
                 id="shop-link-newcomer"),
    # a mini program alone is not enough: its title must read like an ad too (免费领取)
    pytest.param(Facts("帮我砍一刀，免费领取手机", kind="mini_program", newcomer=True), "content",
                 id="mini-program-newcomer"),
    pytest.param(Facts("这款面膜超好用 vx:mask8888", same_members=3), "repeat", id="promoting-chorus"),
    pytest.param(Facts("@a @b @c @d @e @f 加vx：abc888 领资料", mentions=6), "mentions",
                 id="mentions-with-promotion"),
    pytest.param(Facts("看这里", mentions=25), "mentions", id="mass-mention"),
    pytest.param(Facts("兼职日结，宝妈在家手机操作，有意私聊"), "keywords", id="job-ad-with-a-call"),
    # spaces and dots between a stop phrase's words hide it on purpose: still the phrase
    pytest.param(Facts("兼 职 日 结，加我微信"), "keywords", id="stop-phrase-spaced-out"),
    pytest.param(Facts("兼职•日结 加我"), "keywords", id="stop-phrase-dotted"),
    pytest.param(Facts("進群領紅包 群號 七三六一八二九零五", newcomer=True), "keywords",
                 id="traditional-red-packet-group"),
    pytest.param(Facts("免费领取资料，加我", newcomer=True), "keywords", id="free-with-a-call"),
    pytest.param(Facts("有需要的小红书搜 桃子省钱日记 私信领", newcomer=True), "contact", id="referral-with-an-offer"),
    # an ad dressed as a report: the reassurance after the warning is the writer's own words
    pytest.param(Facts("有人私聊我说这是骗局，其实不是，加V：xxx888 稳赚不赔"), "keywords",
                 id="report-then-reassurance"),
    # telling some readers not to add is the ad's own dress when its words still call (加我)
    pytest.param(Facts("只想聊天的别加 要资料的加我微信领 yx_8899", newcomer=True), "keywords",
                 id="dont-add-then-a-call"),
    # an ad's own words about its job (工作内容是：) or a copy call (这段话复制好) do not show someone
    # else's post, and its 注意 / 千万别 does not warn (checks._SHOWN_INTRO)
    pytest.param(Facts("工作内容是：点赞 日结三百 加V abc12345 注意：不收任何费用", newcomer=True), "contact",
                 id="job-contents-then-a-note"),
    pytest.param(Facts("这段话复制好：兼职日结 加微信 kk_5566 千万别错过", newcomer=True), "keywords",
                 id="copy-this-then-dont-miss-it"),
    # an ad's 【】 header or 这种 with its own reassurance or urging after it is no denunciation
    # (checks._unpointed)
    pytest.param(Facts("【兼职日结】日结三百 加微信 abc12345 不是骗子", newcomer=True), "contact",
                 id="bracketed-ad-then-not-a-scam"),
    pytest.param(Facts("兼职日结 加V abc12345 这种好事 骗你干嘛", newcomer=True), "contact",
                 id="ad-then-why-would-i-lie"),
    pytest.param(Facts("【高薪兼职】一天五百 加V abc12345 千万别错过", newcomer=True), "contact",
                 id="bracketed-ad-then-dont-miss-it"),
    pytest.param(Facts("大家看看这个：兼职日结 加V abc12345 绝对不是骗子", newcomer=True), "contact",
                 id="look-at-this-then-not-a-scam"),
    # others called scams, the writer vouched for: an ad's contrast (checks._VOUCHES)
    pytest.param(Facts("兼职日结 加V abc12345 这个群里的都是骗子 只有我靠谱", newcomer=True), "contact",
                 id="ad-then-everyone-else-is-a-scam"),
    pytest.param(Facts("日结三百 加微信 abc12345 上面那些都是骗人的 我这个是真的", newcomer=True), "contact",
                 id="ad-then-mine-is-the-real-one"),
    pytest.param(Facts("这个号 zz_7788 私聊我 有兼职日结 想做的加我"), "keywords", id="an-account-then-its-own-call"),
    # a link of the writer's own beside warning words: the body the discussion rule reads has its
    # links taken out, so it is read again with them (checks.discussing); 非广告 is the ad's dress
    pytest.param(Facts("网赚项目 t.me/abc_money 遇到问题可以报警 我们不怕", newcomer=True), "contact",
                 id="own-link-then-call-the-police"),
    pytest.param(Facts("高薪日结 t.me/jobs_daily 小心别被骗 我们是真的", newcomer=True), "contact",
                 id="own-link-then-beware-of-scams"),
    pytest.param(Facts("注意！新群 t.me/+abcdEFGH1234（非广告） 进群领红包", newcomer=True), "contact",
                 id="own-link-marked-not-an-ad"),
    pytest.param(Facts("私域引流 一对一带你 日赚三百 私我", newcomer=True), "keywords", id="private-traffic-course-ad"),
    # 闲置资金 is a money ad's, not a thing given away
    pytest.param(Facts("闲置资金 免费送理财课 有需要的私聊我", newcomer=True), "keywords", id="idle-money-freebie"),
    # an ad's own promise that it costs nothing is no telling of what it costs (checks._EXPOSES)
    pytest.param(Facts("刷好评 一单两块 这种不会被平台查到 私聊我", newcomer=True), "keywords",
                 id="pitch-says-it-is-never-caught"),
    # a warning word before a newcomer's own link is the ad's dress: the link is the newcomers' rule
    # as without it (the content check read any warning word with no call as a warning)
    pytest.param(Facts("注意！新店开业 www.shop-xyz.com 全场五折", newcomer=True), "content",
                 id="newcomer-own-link-after-a-warning-word"),
    pytest.param(Facts("大家注意 最新福利网站 fuli88.top 每天更新", newcomer=True), "content",
                 id="newcomer-own-link-after-take-care"),
    # places short of takers are an ad's (还差两个名额), not a game's players
    pytest.param(Facts("瑜伽馆免费体验课 还差两个名额 想来的私聊我", newcomer=True), "keywords",
                 id="newcomer-free-class-short-of-places"),
    # a gambling ad that marvels too still calls (checks._EXPOSES' 什么都能 reads the writer's own words)
    pytest.param(Facts("现在什么都能赌 足球篮球电竞 真钱局 秒提现 加V qp8899", newcomer=True), "contact",
                 id="gambling-ad-that-marvels"),
    pytest.param(Facts("真是什么都能赌 真钱斗地主 一局五十 秒到账 私聊我拉你进群", newcomer=True), "keywords",
                 id="gambling-ad-that-marvels-without-contact"),
    # an ad's brand set against its copies is no warning (checks._BRANDED): 别的都是假的 hid the offer
    pytest.param(Facts("私人影院 全套服务 认准 梦 代号 M520m 别的都是假的"), "keywords", id="brand-against-its-copies"),
    # an ad that promises no throttling is still one (not 被限流's telling)
    pytest.param(Facts("专业引流 不会被限流 日加500精准粉 私聊我", newcomer=True), "keywords",
                 id="traffic-never-throttled"),
    # an ad's own 这些都不行 is no rule (its call stays its own)
    pytest.param(Facts("刷单 日结 一单一结 这些都不行的话就别来了 想赚钱的私聊我", newcomer=True), "keywords",
                 id="pitch-that-says-these-wont-do"),
    # a rule beside the pitch reports nothing: 看到私我 is how the ad asks (checks._REPORT_ASKED)
    pytest.param(Facts("本群禁止刷屏，想刷单日结的看到私我"), "keywords", id="pitch-beside-a-rule-says-dm-me"),
    # a pitch that says what happens to slackers is no rule (checks._KICKED_FOR needs "those who post")
    pytest.param(Facts("兼职刷单 日结三百 发现偷懒直接踢", newcomer=True), "keywords",
                 id="pitch-says-slackers-get-kicked"),
    # a denied newcomer phrase with a bait beside it still counts (checks._denied_call)
    pytest.param(Facts("不拉群 送红包 想要的来", newcomer=True), "keywords", id="denied-call-beside-a-bait"),
    pytest.param(Facts("😂" * 30, recent_messages=4), "emoji", id="emoji-burst"),
    pytest.param(Facts("来了", recent_messages=8, newcomer=True), "flood", id="newcomer-flood"),
])
def test_ads_are_caught(facts, check):
    assert check in fired(facts)


# ---------------------------------------------------------------- judgement: ordinary chat clean
@pytest.mark.parametrize("facts", [
    pytest.param(Facts("大家注意，最近群里有人私聊拉刷单，都是骗子，千万别信"), id="shuadan-warning"),
    pytest.param(Facts("刷单诈骗的新闻看了吗，太离谱了", newcomer=True), id="shuadan-news-newcomer"),
    pytest.param(Facts("谢谢@老王 拉我进群，大家好", newcomer=True), id="thanks-for-inviting-me"),
    pytest.param(Facts("刚进群，请多关照", newcomer=True), id="just-joined"),
    pytest.param(Facts("", kind="image", newcomer=True), id="newcomer-photo"),
    pytest.param(Facts("猫片.jpg", kind="file", newcomer=True), id="newcomer-file"),
    pytest.param(Facts("好文", kind="link", url="https://mp.weixin.qq.com/s/x_weixin", newcomer=True),
                 id="newcomer-wechat-article"),
    pytest.param(Facts("这篇讲得好 https://zhuanlan.zhihu.com/p/1", newcomer=True), id="newcomer-zhihu"),
    # seen in a simulated day of a developers' group: a free talk's sign-up link was warned
    pytest.param(Facts("周六园区有个技术沙龙，讲大模型落地的，免费的，报名链接：https://www.huodongxing.com/event/5729913208300",
                       newcomer=True), id="newcomer-shares-a-free-talk"),
    # issue 11: a newcomer's link to a company's own careers page was restricted as a promotion link
    pytest.param(Facts("我们组在招后端，社招，岗位详情看这里 https://careers.tencent.com/jobdesc.html?postId=1861294 "
                       "感兴趣的可以投", newcomer=True), id="newcomer-careers-page"),
    # issue 11: a regular's shop hiring was warned 含禁用语「兼职日结」: a comma between the words
    # lists the job and its pay, it is not the ad's phrase
    pytest.param(Facts("我们店招兼职，日结，加我微信"), id="shop-job-and-its-pay"),
    pytest.param(Facts("项目地址 https://github.com/wechaty/wechaty"), id="github-wechaty"),
    pytest.param(Facts("我电话 138 1234 5678，到了打给我"), id="phone-between-friends"),
    pytest.param(Facts("我的手机 13812345678，有活动可以叫我", newcomer=True), id="newcomer-own-phone"),
    pytest.param(Facts("老师好，我是小宇的妈妈，电话 13812345678，有事随时联系我", newcomer=True),
                 id="newcomer-parent-phone-contact-me"),
    pytest.param(Facts("跑团的加我微信 runclub2024，周六早上见"), id="running-club-wechat"),
    pytest.param(Facts("想进跑团的加 vx：runclub2024"), id="running-club-vx"),
    pytest.param(Facts("祝老王生日快乐！🎂🎉", same_members=6), id="birthday-chorus"),
    pytest.param(Facts("有人周末去爬山吗？有人吗", same_by_member=3), id="asking-again"),
    pytest.param(Facts("😂" * 25), id="one-enthusiastic-message"),
    pytest.param(Facts("@a @b @c @d @e @f 今晚吃火锅去不去", mentions=6), id="dinner-mentions"),
    pytest.param(Facts("哈哈", recent_messages=9), id="fast-burst-established"),
    pytest.param(Facts("这套房子 300+W，太贵了"), id="price-in-wan"),
    pytest.param(Facts("新车落地 25W 左右，加W 的话能上顶配"), id="price-add-w"),
    pytest.param(Facts("接龙：1. 老王 2. 小李 3. 阿强"), id="jielong"),
    pytest.param(Facts("[红包] 恭喜发财，大吉大利"), id="red-packet"),
    pytest.param(Facts("我们一起 13 号 走，和上次一样"), id="dates-with-yiqi"),
    pytest.param(Facts("我爸术后插了根引流管，过两天拔", newcomer=True), id="drainage-tube"),
    pytest.param(Facts("明天要去派出所办证，请半天假"), id="id-card-office"),
    pytest.param(Facts("公积金就是最好的低息贷款了"), id="cheap-loan-talk"),
    pytest.param(Facts("他们说\"扫码领鸡蛋\"，大爷大妈都扫了，大家别去"), id="quoting-an-ad-in-a-warning"),
    pytest.param(Facts("那个网站 binance-hk-login.top 是假的，千万别登录", newcomer=True),
                 id="phishing-domain-warning"),
    # an ad quoted whole, called unlike a real business, the anti-fraud hotline named: a newcomer
    # was removed at once on the t.me link in the quote (the corpus's own warning, lead50)
    pytest.param(Facts("我把原文贴出来大家认一下：“扩列 需要的留个联系方式 秒通过 电报 t.me/pybkSNda7qYE "
                       "备用 158-0000 0468”，正规的东西不会这么说话的！遇到可疑的可以打96110咨询。", newcomer=True),
                 id="quoted-ad-called-suspicious"),
    # Cantonese 带你哋 ("take you all") is a friend's outing, not the ad's 带你 (lead50)
    pytest.param(Facts("有人喺群組度賣嘢啊？小心啲，頭先有個新入嚟嘅講咩日賺幾千，一睇就知係呃人，"
                       "嗰間茶餐廳嘅菠蘿油真係好好食，下次帶你哋去哈哈", newcomer=True), id="cantonese-take-you-all"),
    pytest.param(Facts("下面这段话是假的：【通知】港股打新内部额度 飞机 https://t.me/+a7c1mgZbyY（非广告），"
                       "发这种的统统踢", newcomer=True), id="shown-ad-marked-not-an-ad-then-kicked"),
    pytest.param(Facts("新人进群，先发个红包🧧", newcomer=True), id="newcomer-red-packet"),
    pytest.param(Facts("我是昨天进群的老张，喜欢下棋", newcomer=True), id="joined-yesterday"),
    # seen in a simulated day: a newcomer's travel tip was warned 新成员暂不能在群里发联系方式
    pytest.param(Facts('小红书上搜"上海周末去哪"有很多攻略，推荐给大家', newcomer=True), id="newcomer-search-tip"),
    pytest.param(Facts("抖音搜 李子柒 ，她的视频看着特别解压", newcomer=True), id="newcomer-recommends-a-creator"),
    # seen in a simulated day of a residents' group: a newcomer phrase beside an ordinary word of
    # contact (微信, 链接, 有意) was warned 发广告
    pytest.param(Facts("本人5号楼两室一厅出租，拎包入住，3200/月，有意的私聊我", newcomer=True),
                 id="newcomer-lets-her-own-flat"),
    pytest.param(Facts("点击链接没反应啊，是不是要更新微信", newcomer=True), id="newcomer-asks-about-a-link"),
    pytest.param(Facts("麻烦谁把我们家老人拉进群，他的微信是我的手机号", newcomer=True),
                 id="newcomer-asks-to-add-grandpa"),
    # giving away, not selling: 免费送 is no bait beside 自提 or 送养
    pytest.param(Facts("家里的小猫生了五只，都两个月了，免费送养，要求科学喂养，不关笼，有意私我", newcomer=True),
                 id="newcomer-rehomes-kittens"),
    pytest.param(Facts("闲置婴儿床免费送，自提，要的私聊我", newcomer=True), id="newcomer-gives-away-a-cot"),
    # what she has no more use for, to whoever can use it (有需要的 is no pitch in a giveaway): each was
    # warned 发广告 (lead49, a simulated 闲置群 day)
    pytest.param(Facts("宝宝的衣服穿不下了 免费送 有需要的私聊我", newcomer=True),
                 id="newcomer-gives-away-outgrown-clothes"),
    pytest.param(Facts("搬家 书架免费送 需要的私聊我 周六前自提", newcomer=True), id="newcomer-gives-away-when-moving"),
    # a warning that reports what a scammer told people to do (让家长加微信扫码转账): not the writer's call
    pytest.param(Facts("提醒各位家长：有人冒充班主任发通知，说要交资料费，让家长加微信扫码转账，学校从来不在群里收费，大家注意",
                       newcomer=True), id="newcomer-warns-of-a-fake-teacher"),
    pytest.param(Facts("注意了！最近有骗子打电话冒充快递客服，说包裹丢了要理赔，叫你先加微信再扫码，千万别信",
                       newcomer=True), id="newcomer-warns-of-a-fake-courier"),
    # a warning that reports the scammer's own id as he gave it (说加他威心 …): seen in a simulated
    # day of a second-hand group, where the regular who wrote it was warned 再犯将被移出本群
    pytest.param(Facts("刚才有个人私聊我，说加他威心 fanli888 刷单返利，一单赚50，大家千万别信"),
                 id="member-reports-a-scammers-id"),
    pytest.param(Facts("有人在别的群里说加微信 shuadan66 做任务返佣金，都是骗子，大家小心", newcomer=True),
                 id="newcomer-reports-a-scammers-id"),
    # the scammer's words reported as their own clauses, the warning after them or before them:
    # seen in a simulated day, where a regular who warned so would have been warned 发广告
    pytest.param(Facts("大家注意，刚才有人私聊我说兼职刷单日结，加V：sd_8899，这是骗子别信"),
                 id="member-reports-a-scam-in-clauses"),
    pytest.param(Facts("大家注意！刚才有人私聊我说：兼职刷单日结，加V：sd_8899", newcomer=True),
                 id="newcomer-warns-then-reports-a-scam"),
    # telling people to ignore what someone sent, with no warning word (spam30's blind probe: a
    # newcomer who wrote so was removed at once for the ad's own 加微信领)
    pytest.param(Facts("群里那个说加vx领教材的，领了就让你交押金，都别加", newcomer=True),
                 id="newcomer-tells-people-not-to-add"),
    pytest.param(Facts("刚才私信大家的那个号 说加v领话费 一律不要理"), id="member-tells-people-to-ignore-it"),
    # how a scam goes, told by someone who saw through it, with no warning word: what it makes its
    # victims do, how it turns, what it really is (checks._EXPOSES). The fresh probe files held a
    # dozen such lines, each warned from a newcomer, some reminded from a regular; these are ours
    pytest.param(Facts("那种说日结三百的打字员，最后都是让你先交押金"), id="member-tells-how-a-typing-job-ends"),
    pytest.param(Facts("那种说日结三百的打字员，最后都是让你先交押金", newcomer=True),
                 id="newcomer-tells-how-a-typing-job-ends"),
    pytest.param(Facts("这种高薪日结的 就是刷单的前奏", newcomer=True), id="newcomer-names-a-prelude"),
    pytest.param(Facts("网上说日赚五百的兼职 其实就是刷单", newcomer=True), id="newcomer-says-what-it-really-is"),
    pytest.param(Facts("那种扫码领鸡蛋的 进去就让你下载app"), id="member-tells-where-a-bait-leads"),
    pytest.param(Facts("前几单都给你返 后面就不返了 我同学被坑过一次", newcomer=True),
                 id="newcomer-tells-how-the-payouts-stop"),
    # an ad shown whole in a warning, the warning after it or before it (checks._unshown); the
    # corpus's own such warnings removed a newcomer at once. These are ours
    pytest.param(Facts("刚刚有人在群里发了：【招代理 一天赚五百 加微信 xyz_8866】，大家千万别加，我已经告诉群主了",
                       newcomer=True), id="newcomer-shows-an-ad-then-warns"),
    pytest.param(Facts("刚刚有人在群里发了：【招代理 一天赚五百 加微信 xyz_8866】，大家千万别加，我已经告诉群主了"),
                 id="member-shows-an-ad-then-warns"),
    pytest.param(Facts("有人发：兼职打字员 在家就能做 扣扣 2839117 ，这种都别理 是骗押金的", newcomer=True),
                 id="newcomer-shows-an-ad-then-says-ignore-it"),
    pytest.param(Facts("下面这段话是假的：【原文】养老公寓预售 每年返一万二 名额有限 加V：lm-2277", newcomer=True),
                 id="newcomer-calls-it-false-then-shows-it"),
    pytest.param(Facts("这段话是假的，别转了：【原文】社保卡升级 扫码激活 过期作废 加微信 sb_2024a", newcomer=True),
                 id="newcomer-says-dont-forward-then-shows-it"),
    # the call a warning says nobody needs (不需要扫码领), the bait a 都别理 tells about, a task scam's
    # pitch told with how it goes
    pytest.param(Facts('提醒一下 最近有人发"扫码领取取暖补贴"，是假的，补贴都是直接发到卡上的，不需要扫码领',
                       newcomer=True), id="newcomer-says-no-scan-is-needed"),
    pytest.param(Facts("地铁口有人让你扫码加群领纸巾的都别理"), id="member-says-ignore-the-bait"),
    pytest.param(Facts("地铁口有人让你扫码加群领纸巾的都别理", newcomer=True), id="newcomer-says-ignore-the-bait"),
    pytest.param(Facts("在家打字员 日结一天两百 这种都是先让你交会员费的", newcomer=True),
                 id="newcomer-tells-how-a-piece-rate-ends"),
    # an ad shown with no intro, denounced after it: in 【】, or pointed back at (checks._unpointed);
    # or after 我收到的：, with the warning after a space (checks._SEGMENTS)
    pytest.param(Facts("【兼职刷单 日结三百 加微信 abc12345】千万别加 是骗子", newcomer=True),
                 id="newcomer-brackets-an-ad-then-denounces-it"),
    pytest.param(Facts("兼职打字 日结三百 加V abc12345 这种千万别加 都是骗押金的", newcomer=True),
                 id="newcomer-points-back-at-an-ad"),
    pytest.param(Facts("我收到的：兼职打字 日结三百 加V abc12345 大家别信", newcomer=True),
                 id="newcomer-shows-what-she-got-then-warns"),
    pytest.param(Facts("大家看看这个：兼职刷单 日结三百 加微信 abc12345 是不是骗子？", newcomer=True),
                 id="newcomer-shows-an-ad-and-asks-if-it-is-a-scam"),
    # an account reported with its id: the id is the account warned about (checks._ACCOUNT_REPORTED)
    pytest.param(Facts("这个号 zz_7788 一直私聊我说兼职日结 大家别加"), id="member-reports-an-account-by-its-id"),
    pytest.param(Facts("有个微信 lj_8899 天天加我说刷单返利 大家小心", newcomer=True),
                 id="newcomer-reports-an-account-by-its-id"),
    # 私域 is a marketing job's field, not the 私 of 私我 (a simulated office day)
    pytest.param(Facts("我们部门在招人 做私域引流的 有经验的可以内推 简历发我邮箱 liu@company.com", newcomer=True),
                 id="newcomer-refers-a-private-traffic-job"),
    # the bait an exposé tells the turn of, named bare (checks._BAIT_TOLD)
    pytest.param(Facts("提醒一下 楼下扫码进群领大米的 进去就让你买保健品", newcomer=True),
                 id="newcomer-names-a-bait-as-a-thing"),
    pytest.param(Facts("扫码领洗衣液然后让你下载个app 后面就推荐你买理财"), id="member-names-a-bait-before-its-turn"),
    # a messenger's address talked about, the words after it no handle (contact._names_someone):
    # each was read as a newcomer's Telegram invite (two removed at once, one told the newcomers' rule)
    pytest.param(Facts("那些发t.me/+后面跟一串乱码的链接 别点 都是博彩", newcomer=True),
                 id="newcomer-warns-of-invite-links"),
    pytest.param(Facts("群里说的t.me/加群链接是哪个啊 我找不到", newcomer=True), id="newcomer-asks-for-the-invite"),
    pytest.param(Facts("看到有人转t.me/频道的链接 说能领U 我没敢点", newcomer=True),
                 id="newcomer-did-not-click-a-channel-link"),
    # what someone said to the writer, a space before its 说 (checks._REPORTED_SAID), and what the offer
    # costs whoever takes it up (checks._EXPOSES): the corpus's line warned a newcomer 发广告
    pytest.param(Facts("刚有人私聊我 说能帮外卖店刷好评 一单两块 这种被平台查到要封店的吧", newcomer=True),
                 id="newcomer-reports-a-pitch-and-what-it-costs"),
    pytest.param(Facts("有人私聊我 说刷好评一单两块 问我做不做 这是骗子吧", newcomer=True),
                 id="newcomer-reports-a-pitch-then-calls-it-a-scam"),
    pytest.param(Facts("帮人刷好评一单两块那种 会被平台抓的", newcomer=True), id="newcomer-says-what-a-pitch-costs"),
    # a game or a ride short of people shares what it offers free: no bait (checks._SHORT_OF_PEOPLE; a
    # newcomer reminded 招揽生意 in a simulated day)
    pytest.param(Facts("周日羽毛球还差两个人，场地费我出，球免费提供，想来的私聊我", newcomer=True),
                 id="newcomer-game-short-of-players"),
    pytest.param(Facts("周六拼车去机场 还差一个人 油费我出 免费搭 想来的私聊我", newcomer=True),
                 id="newcomer-ride-short-of-one"),
    # an ad shown after 原文贴出来 with its written domain, then warned about (the corpus's line)
    pytest.param(Facts("我把原文贴出来大家认一下: 跟了三天已经回本了。赛车飞艇计划群，跟计划稳赚 官网 yingnavip．xyz "
                       "不玩就看看 。尤其是宝妈们注意，专挑你们下手。", newcomer=True),
                 id="newcomer-pastes-an-ad-with-its-site-then-warns"),
    # marvelling at what is gambled on now (checks._EXPOSES): the read probe file's line warned a newcomer
    pytest.param(Facts("又有人说 三国杀 真钱场 一局五十 真是什么都能赌", newcomer=True),
                 id="newcomer-marvels-at-what-is-gambled-on"),
    pytest.param(Facts("这年头什么都敢赌 三国杀都有真钱场了 一局五十"), id="member-marvels-at-what-is-gambled-on"),
    # what a platform does to a post that traffics (checks._EXPOSES): talking shop about 引流 warned a
    # newcomer and reminded a regular (read probe rows)
    pytest.param(Facts("引流这块 我觉得内容做好了粉丝自己会来 天天想着挂微信号 反而被限流", newcomer=True),
                 id="newcomer-says-traffic-gets-throttled"),
    pytest.param(Facts("小红书引流现在很严 笔记里留微信直接限流 要靠私信慢慢加"),
                 id="member-says-traffic-gets-throttled"),
    # a group rule's list of what may not be posted (checks._TOLD_NOT): the corpus's notice reminded a regular
    pytest.param(Facts("群规补充：自家做的吃的可以卖，每周一次，私聊解决。"
                       "代购、微商、保险、理财、刷单这些一律不行，看到请 @ 我。"),
                 id="member-posts-what-the-rules-forbid"),
    pytest.param(Facts("本群只聊育儿 招代理 刷单 拉人头 统统不允许", newcomer=True),
                 id="newcomer-repeats-what-is-forbidden"),
    # ... and asks to be told who breaks it (checks._REPORT_ASKED): an owner's notice posted by a
    # regular was warned for its 刷单 (lead57's fresh blind file)
    pytest.param(Facts("本群只聊羽毛球，禁止发刷单、代购、贷款广告，看到请截图私我处理"),
                 id="member-posts-the-rule-and-asks-for-reports"),
    pytest.param(Facts("本群只聊羽毛球，禁止发刷单、代购、贷款广告，看到请截图私我处理", newcomer=True),
                 id="newcomer-posts-the-rule-and-asks-for-reports"),
    # ... or says what posting it costs: a trade group's notice warned a regular beside the char model
    # (these rule-only cases pass on older trees too; the rule itself: test_antispam_checks's
    # test_a_group_rule_that_names_the_banned_ads_is_no_ad_word, which fails without checks._KICKED_FOR)
    pytest.param(Facts("群规：本群只聊钓鱼，发贷款、刷单、收卡的，一律移出，不再提醒"),
                 id="member-posts-what-posting-ads-costs"),
    pytest.param(Facts("本群只聊车，发刷单广告的直接踢", newcomer=True), id="newcomer-says-ads-get-you-removed"),
    # a newcomer phrase denied, nothing dangled: a newcomer warned for 拉群 beside the char model (the
    # phrase's own verdict: test_antispam_checks's test_a_newcomer_phrase_the_writer_denies_is_no_call)
    pytest.param(Facts("我建了个读书打卡群 不拉群 不卖课 只是一起读书", newcomer=True),
                 id="newcomer-says-they-pull-nobody-into-groups"),
    # told to ignore what someone offers (checks._TOLD_NOT's 请直接无视): the corpus's notice warned a newcomer
    pytest.param(Facts("新人必看：进群请改备注。有人自称是群主朋友要拉你进“福利群”，请直接无视。", newcomer=True),
                 id="newcomer-says-ignore-the-welfare-group"),
    # a rescue rehoming kittens for free (checks._GIVEAWAY's 领养): reminded 招揽生意 in a simulated pet group
    pytest.param(Facts("我们是小区流浪猫救助小组，现在有三只小猫找领养，已驱虫，免费领养，需要签领养协议，有意的私聊我",
                       newcomer=True), id="newcomer-rescue-rehomes-kittens"),
    # a warning names the official thing to look for (认准官方), and what the rest are
    pytest.param(Facts("认准官方客服电话95588 其他都是骗子", newcomer=True), id="newcomer-names-the-official-line"),
    pytest.param(Facts("请家长们认准学校官方通知 其他渠道收费的都是假的", newcomer=True),
                 id="newcomer-names-the-official-notice"),
    pytest.param(Facts("最近有人冒充客服 送会员 陪聊 都是骗子 认准官方APP 别的都是假的", newcomer=True),
                 id="newcomer-names-the-official-app"),
])
def test_ordinary_chat_is_left_alone(facts):
    assert fired(facts) == {}


def test_a_weak_signal_makes_nothing_obvious():
    # a rescue's adoption post from a newcomer (有意的朋友私聊我, nothing pitched) and a model score
    # just past its line were two checks agreeing: removed at once in a simulated pet group
    weak, model = Verdict("keywords", True, "newcomer phrase: 私聊我", weak=True), Verdict("charmodel", True, "0.970")
    decision = Decision(verdicts=[(weak, "enforce"), (model, "enforce")], newcomer=True)
    assert decision.spam and not decision.obvious
    sure = Verdict("contact", True, "qq 3352781946")
    assert Decision(verdicts=[(sure, "enforce"), (model, "enforce")], newcomer=True).obvious


def test_only_a_rule_makes_an_ad_obvious_by_rule():
    # a newcomer the owner invited is asked about at once only for an ad a rule calls obvious
    # (a contact QR code): a score's distance past the obvious level moves from build to build
    contact = Verdict("contact", True, "wechat jiazheng_wang")
    sure_model = Verdict("charmodel", True, "0.994", strong=True)
    by_model = Decision(verdicts=[(contact, "enforce"), (sure_model, "enforce")], newcomer=False)
    assert by_model.obvious and not by_model.obvious_by_rule
    code = Verdict("qrcode", True, "微信个人二维码", strong=True)
    assert Decision(verdicts=[(code, "enforce")], newcomer=False).obvious_by_rule


def test_established_member_needs_more_than_one_weak_signal():
    decision = decide(Facts("薇信 love520520"), CFG, None, "room")
    assert not decision.spam and [v.name for v in decision.held_back] == ["contact"]
    assert decide(Facts("薇信 love520520", newcomer=True), CFG, None, "room").spam


@pytest.mark.parametrize(("text", "obvious"), [
    # seen in a simulated day: removed at once for a carpool with their WeChat id
    ("有没有人拼车去机场，明早6点出发，加我微信 xiaofang_88", False),
    ("有问题私聊我，我QQ 123456789", False),
    ("兼职日结，加我微信 xiaofang_88", True),  # something offered: an obvious ad
    ("加我微信 xiaofang_88 免费领取会员", True),
])
def test_a_newcomers_get_in_touch_and_its_id_are_one_piece_of_evidence(text, obvious):
    decision = decide(Facts(text, newcomer=True), CFG, None, "room")
    assert decision.spam and {"keywords", "contact"} <= {v.name for v in decision.fired}
    assert decision.obvious is obvious
    # the reason they read: the rule they broke for their own id, an accusation only for an ad
    # (the carpool newcomer was told 广告引流)
    label = decision.label(CFG.texts.check_labels)
    assert label == ("广告引流" if obvious else "新成员暂不能在群里发联系方式")


@pytest.mark.parametrize(("text", "obvious"), [
    # seen in a simulated 宠物群 day: removed at once on 看我朋友圈 alone, where 有需要私聊我 in its
    # place drew a warning: a call to open the writer's own profile is that kind of call
    ("我是做宠物摄影的，给大家的毛孩子拍写真，第一次免费，作品可以看我朋友圈", False),
    ("给大家的毛孩子拍写真，第一次免费，点我头像", False),
    # with a way out of the group beside it, or a model that reads an ad, it stays obvious
    ("我是做宠物摄影的，第一次免费，看我朋友圈，微信 pet_photo88", True),
    ("想进内部群的点我头像", True),
])
def test_a_newcomers_call_to_her_own_profile_is_not_obvious_alone(text, obvious, shipped_model):
    decision = decide(Facts(text, newcomer=True), CFG, shipped_model, "room")
    assert decision.spam and "keywords" in {v.name for v in decision.fired}
    assert decision.obvious is obvious


@pytest.mark.parametrize(("text", "obvious"), [
    # seen in a simulated day: a newcomer who only wrote their own id, hidden by a homophone, was
    # removed at once; nothing offered, it is the newcomers' rule broken, a warning first
    ("加我威 zhou_888", False),
    ("加我薇 zhou_888 谢谢", False),
    ("我的威心 zhou_888", False),
    ("蔻蔻号 2849301234", False),
    # with something offered it is an obvious ad
    ("加我威 zhou_888 免费领资料", True),
    ("薇信 zhou_888 有需要的私聊", True),
    ("加我威 zhou_888 兼职日结", True),
    ("加我威 zhou_888 资源对接", True),
    ("威心 zhou_888，私聊 13812345678", True),  # two ways to reach them: not one id of their own
])
def test_a_newcomers_lone_hidden_id_is_a_warning_first(text, obvious):
    from plugins.antispam.ladder import Offence, choose_step

    decision = decide(Facts(text, newcomer=True), CFG, None, "room")
    assert decision.spam and "contact" in {v.name for v in decision.fired}, decision.evidence()
    assert decision.obvious is obvious, decision.evidence()
    step = choose_step(CFG, 0, Offence("m", "m", "", {}, obvious=decision.obvious, newcomer=True))
    assert step == ("kick" if obvious else "warn")
    if not obvious:
        assert decision.label(CFG.texts.check_labels) == "新成员暂不能在群里发联系方式"
        contact = next(e for e in decision.evidence() if e["name"] == "contact")
        assert "先警告" in contact["why"], contact


@pytest.mark.parametrize(("facts", "obvious"), [
    # seen in a simulated day: a parent sharing the teacher's card was removed at once
    (Facts("数学张老师", kind="contact_card", newcomer=True), False),
    (Facts("刷单兼职客服 加我微信领红包", kind="contact_card", newcomer=True), True),  # the card's name is an ad
    (Facts("刷单兼职客服 加我微信领红包", kind="mini_program", newcomer=True), True),  # so is the program's title
])
def test_a_newcomers_card_or_program_is_not_obvious_by_its_kind(facts, obvious):
    decision = decide(facts, CFG, None, "room")
    assert decision.spam and "content" in {v.name for v in decision.fired}
    assert decision.obvious is obvious


@pytest.mark.parametrize("title", ["班级接龙", "三年二班春游报名\n群接龙", "周会 会议号 839 274 945\n腾讯会议"])
def test_a_newcomers_mini_program_is_judged_by_what_it_says(title):
    # seen in a simulated day of a class group: the new class teacher's 接龙 was warned
    decision = decide(Facts(title, kind="mini_program", newcomer=True), CFG, None, "room")
    assert not decision.spam
    assert [v.name for v in decision.held_back] == ["content"]


@pytest.mark.parametrize(("title", "spam"), [
    # seen in a simulated 社区团购 day: a rival 团长 who had just joined posted her group-buy card
    # and nothing was said (its title 0.57 to the char model, the card alone weak)
    ("快团团｜王姐果园 赣南脐橙 9.9元5斤 点击参团", True),
    ("拼多多 百亿补贴 空气炸锅 ¥89 立即购买", True),
    ("群接龙｜周六羽毛球 每人30元 报名", False),  # a price, nothing bought: the AA of an outing
    ("快团团｜跟团说明", False),  # a buying word, no price
])
def test_a_newcomers_card_selling_at_a_price_is_an_offer_alone(title, spam):
    decision = decide(Facts(title, kind="mini_program", newcomer=True), CFG, None, "room")
    assert decision.spam is spam, decision.evidence()
    if spam:
        content = next(e for e in decision.evidence() if e["name"] == "content")
        assert content["why"] == "考察期内的新成员发带价格的商品或团购小程序"
        assert not decision.obvious  # a warning first: removed only if she posts again
    regular = decide(Facts(title, kind="mini_program"), CFG, None, "room")
    assert "content" not in {v.name for v in regular.fired}  # a regular's card is theirs to share


def test_decision_exposes_what_the_ladder_needs():
    ad = decide(Facts("兼职刷单日结，威心 lee520520", newcomer=True), CFG, None, "room")
    assert ad.facts(CFG.texts.check_labels) == {"newcomer": True, "established": False, "severity": "high",
                                                "kind": "content", "label": "广告引流", "obvious": True}
    flood = decide(Facts("来了", recent_messages=20), CFG, None, "room")
    assert (flood.established, flood.severity, flood.kind, flood.label(CFG.texts.check_labels)) == \
        (True, "low", "behaviour", "刷屏")


@pytest.mark.parametrize(("text", "spam"), [
    # spam33's blind probe: removed at once on 招代理, the newcomer's own 刚进群 read as the call
    ("刚进 群 我 不 是 招 代理 的 我 是 来 找 代购 帮 带 奶粉 的", False),
    ("刚进群，诚招代理，有意私", True),  # a call of its own beside the joining: an ad as before
])
@pytest.mark.parametrize("newcomer", [True, False])
def test_a_newcomers_own_joining_is_no_call_beside_an_ad_word(text, spam, newcomer):
    # the writer's joining is theirs whether or not the bot counts them as new yet (a member it had
    # met before was still reminded until lead52: a regular of another group, or an old id rejoining)
    decision = decide(Facts(text, newcomer=newcomer), CFG, None, "room")
    verdict = next(v for v, _ in decision.verdicts if v.name == "keywords")
    assert verdict.spam is spam and (verdict.strong or not spam)
    assert decision.spam is spam


@pytest.mark.parametrize(("text", "strong"), [
    # the corpus's ordinary lines: the stop phrase's own 免费 said again is no second hook
    ("我们社区在发免费的垃圾分类袋，免费领取，一户两卷，在物业那", False),
    ("免费领取的都不免费", False),
    # bait of another kind beside it still makes the phrase an ad
    ("免费领取，红包多多", True),
    ("免费领取 日结三百", True),
])
def test_a_stop_phrases_own_bait_said_again_is_no_second_hook(text, strong):
    decision = decide(Facts(text, newcomer=True), CFG, None, "room")
    verdict = next(v for v, _ in decision.verdicts if v.name == "keywords")
    assert verdict.spam and verdict.strong is strong, verdict.details


def test_digits_opening_a_handle_do_not_hide_it(shipped_model):
    decision = decide(Facts("嗨～年终感恩回馈，老客户免.费领取大米十斤，已有三万人领取～，飞机 @888_dreambot😊",
                            newcomer=True), CFG, shipped_model, "room")
    assert "contact" in {v.name for v in decision.fired} and decision.obvious, decision.evidence()
