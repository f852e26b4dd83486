"""The members' side of the weakest kinds (issue 11, spam45): ordinary lines an established member
writes that share an ad kind's words, and must draw nothing — no warning, no reminder.

spam44 wrote readings for game trade, adult lures, jobs and coupons from the misses of six probe
files; they caught more ads and warned members for lines no probe file held (the lead's: an in-game
shop sale passed on, a cleaner recommended by name and id, a milk-tea shop's part-time job; lead43).
So every reading of these kinds is held to these lines before it is written. They are written for
the project by hand, the way a member of a QQ gaming group, a Telegram tech or crypto group, or an
owners' or parents' WeChat group talks about the kind: passing it on, warning about it, asking about
it, giving it away, organising the group's own. None is copied from a probe file or any labelled set.

An established member's lines only: a newcomer's first line is judged on other terms (a newcomer who
names her trade and asks to be messaged is reminded by rule), and the group's ordinary chat is
mostly its regulars'.
"""

from __future__ import annotations

import pytest

from plugins.antispam.checks import Facts
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide

CFG = AntispamConfig()

# A QQ gaming group: the game's own shop and events passed on, accounts given away or lost, 代练 and
# 代充 argued about, guild business, the in-game market.
GAME_TRADE = (
    # the service denied as the writer's own, the call told off (lead54)
    "退坑了 我的金皮号便宜出 有兴趣的可以看看",
    "steam key 我自己买重了 激活了才发现 谁要送你",
    "这个代刷的说全服务器可接 一看就是工作室 别找",
    "压枪宏被检测到直接封号 别用",
    "拍下秒发的那种初始号 多半是黑号 买了就封",
    "皮肤商城这周五折 便宜到离谱 赶紧冲",
    "代充便宜到离谱的 充完号就封 别贪便宜",
    "便宜到离谱的代充 要的私 反正我不信",
    "我在闲鱼卖了个正版key 先发key给买家 对方激活了再付 结果跑了",
    # a guild's own runs, a rank climbed, an account kept, a rental warned of (lead54, wharves and pennants read)
    "wow大秘+15我们公会周末一起打 带拾取的别找我 我没装备",
    "钻石到超凡我打了一个月 累死了",
    "租号玩王者被封过 别租",
    "尘白全角色号我练了半年 不卖",
    "魔兽的G现在多少钱一万 拍卖行看了下涨了",
    "我不代练 也不卖号 大家别私聊我问价了 自己的号自己打",
    "说了多少遍 我不代肝 日常都是自己上线做的 别加我",
    "商城新出的皮肤打七折 官方活动 到周日 想要的别错过",
    "我那个旧号不玩了 送给表弟了 里面还有两个传说皮肤",
    "代练真的别找 上次朋友找代练 号直接被封了十天",
    "648首充双倍今天最后一天 官方的 充之前看清楚档位",
    "点券在官方渠道充就行 别信群里说的低价代充",
    "谁有多的兑换码 官方直播间发的那种 我想要个头像框",
    "我大号王者五十星 小号才钻石 周末谁带我小号上分",
    "账号借给室友玩了两天 回来段位掉了 心累",
    "战令半价了 128那档的 我买了 奖励还行",
    "公会仓库还有五十个强化石 谁需要找会长领 免费的",
    "有人出价一百收我的号 我说这号至少值五百 没卖",
    "交易行金币价格崩了 一万金才换两块钱 搬砖的哭了",
    "外挂举报了三次才封 官方效率太低",
    "新手礼包兑换码在公众号回复礼包就能领 官方发的",
    "我在闲鱼买过一次点卡 便宜了十块 以后还是官方充吧",
    "高段号被盗了 客服说要提供首充记录才能找回",
    "这赛季通行证我用游戏币换的 一分钱没花",
    "周年庆返场皮肤 商城限时五折 到下周三 冲就完事了",
    "648礼包今天五折 官方商城的 要的赶紧 明天就恢复原价",
    "我不玩了 这个高段号免费送给群里需要的 带三个限定皮肤 先到先得",
    "官方直充就是商城 秒到 别找那些代充",
    "我表哥以前开代练工作室 后来号被封了一半 现在不做了",
    "这皮肤商城打六折 只要398 比上次返场便宜一半",
    "月卡八折 官方活动 我刚买了 真香",
    "激活码我多了一个 朋友送的 谁要送谁 不要钱",
    # a service the writer says is not theirs (the game-goods reading took 不是代练 … 工作室 for a sale)
    "声明一下 我们公会不是代打工作室 就是一群上班族周末一起玩",
    "不接代练啊 我们工作室做游戏周边设计 招个兼职美工 按件算钱 要会PS",
)

# A Telegram tech or crypto group: USDT, 承兑, 跑分 and rented cards talked about and warned about.
PAYMENT_LAUNDERING = (
    "最近好多人私聊说高价收U 都是骗子 别理",
    "承兑这种事别碰 卡被冻了找谁哭去",
    "我朋友帮人跑分 结果银行卡被冻结 还被叫去派出所问话",
    "USDT场外价现在7.2左右 交易所C2C买就行 别找私人",
    "出金的时候选有认证的商家 收到黑U会被冻卡",
    "有人问我要不要出租银行卡 一个月给两千 我直接拉黑了",
    "公司的对公账户借给别人走账是违法的 我们财务说的",
    "我在币安C2C卖了500U 到账很快 没遇到问题",
    "看新闻又一个帮信罪判了三年 就是出借银行卡的",
    "冷钱包和热钱包的区别谁能讲讲 我的U都放交易所里",
    "TRC20转账手续费现在多少 上次转账扣了1U",
    "群里说高价收U的 一律当骗子 管理员已经踢了几个",
    "跑分平台都是洗钱的 别贪那点佣金",
    "承兑商冻卡的案例太多了 只用自己的卡跟平台交易",
    "我爸问我什么是USDT 解释了半天他还以为是股票",
    "卡被冻了要去开户行说明资金来源 带好流水",
    "收U的私聊你的都别回 我上次回了一句 天天骚扰",
    "承兑 跑分 代收款 这三个词看到就拉黑",
    "USDT换人民币我一般在交易所C2C 1000U以内秒到",
    "出租银行卡一个月三千 这种广告我见一次举报一次",
)

# Group promotion by number or link, the group's own: an admin's second group, a class's group, a
# guild's, a trip's temporary group, and members warning about other groups' numbers.
GROUP_PROMOTION = (
    "本群快满五百了 管理员建了二群 群号在群公告里 新朋友可以去二群",
    "公会的QQ群号在群公告里 新来的自己看一下",
    "官方群满了 开了三群 群号见置顶",
    "二年级三班的家长群满员了 班主任让新家长进另一个群 群号在班级通知里",
    "我们小区业主群的二维码过期了 谁有新的 发群里一下",
    "有人在别的群发我们的群号拉人 管理员注意一下",
    "攻略组有个专门的讨论群 想进的跟会长说一声",
    "开黑群的群号我忘了 谁记得 是不是8开头的",
    "群主说了 别的群的群号不要往这里发",
    "周六爬山的临时群我建好了 群名叫周六爬山 报了名的我拉你们进",
    "学校官方的新生群只有一个 其他的都是骗子建的 别进",
    "本群是二群 一群已经满五百了 有事找一群的管理员也行",
    "把群号发到贴吧了 会不会招来广告号啊",
    "下周换新群 旧群不用了 群主会把大家拉过去 不用自己搜",
    "我们项目的官方频道只有一个 别的同名频道都是冒充的",
    "楼下团购群是物业的小李建的 我进去了 东西还行",
    "新群号 628193047 老群下周停用 群主让我转发一下",
    "二群群号 726381945 本群满了就去这个 是群主建的",
)

# Jobs and easy money: real part-time work at a shop, a cleaner or repairman recommended by name and
# id, jobs asked about, scams warned about.
JOBS = (
    # a requirement, a like asked of friends, copying set as homework, a labour market's day rate (lead54)
    "要求年满十八岁的兼职 我家孩子都不能做 太可惜了",
    "帮我的视频点个赞吧 截图发我 我请你喝奶茶",
    "孩子的作业要求抄写课文 按字数算也得写一小时",
    "当天结算的活我只信楼下的劳务市场 一天两百多 包午饭",
    "商场招兼职 当天结算 两百一天 要求会说普通话",
    "我们学校招网课助教 会说中文就行 时薪八十 要交简历",
    "我们楼下奶茶店招周末兼职 时薪20 店长人挺好 需要的话我帮你问问",
    "推荐个保洁阿姨 姓刘 做事很仔细 她微信 liuayi2023 就说是三号楼介绍的",
    "超市在招收银员 要会用电脑 我表姐在那上班",
    "刷单就是诈骗 我同事被骗了八千 大家别信在家躺赚",
    "有没有人做过拉新兼职 靠谱吗 我觉得挺坑的",
    "我们公司招实习生 一天150 包午饭 在软件园 有兴趣的可以把简历给我",
    "小区门口的家政公司在招钟点工 一小时35 我妈去问过",
    "孩子寒假想去打工 有没有正规一点的 钱多钱少无所谓",
    "日结的活基本都是工地 辛苦但钱给得准时",
    "那种一天赚几百 手机就能做的 百分百是骗子",
    "学校食堂招临时工 每天中午两小时 只招本校学生 报名找辅导员",
    "兼职翻译按字数算 千字一百 我接过两单 钱到得慢",
    "家教一小时一百五 我带过三年 现在家长都要名校的",
    "暑假工我去过电子厂 包吃住 一个月四千 累但是真的",
    "修空调找老张 上门很快 价格公道 他微信 zhangshifu88 说是群里的就行",
    "我们店周末缺人手 想来帮忙的学生 一小时二十五 管一顿饭 地址在步行街",
    "推荐个上门做饭的阿姨 王阿姨 wangayi66 手艺很好 我家请了半年",
    "超市招兼职理货员 周末两天 一小时22 想做的可以私我 我帮你跟店长说",
    "宿舍楼下打印店招人 一小时十五 不用经验 学生都能做",
    "熟客都找这个师傅修电脑 上门服务 老陈 chen1990 报我名字打九折",
    # the order scam's steps told as a trap or as a shop's own refund (tasks._advanced, lead52)
    "刷单 垫付秒返 前两单真的返 第三单让你做连单 就再也不返了",
    "我们店今天补单 顾客垫付的运费 返给人家了",
    "垫付那一步就是收网 本金佣金都拿不回来",
)

# Gambling (spam47): games of chance and odds talked about in a QQ gaming, a Telegram crypto and an
# owners' group: a family's mahjong at New Year, a football line argued over, hash games and tipsters
# laughed at or warned about, a club's game for no money, provable randomness as a developer's topic.
GAMBLING = (
    "哈希竞猜又有人发了 说什么链上可查公平透明 群主赶紧踢了吧",
    "我表弟天天看滚球 上个月输了两万 他妈都急哭了",
    "过年回老家打麻将 元一分 随上随下 亲戚之间图个乐",
    "曼城让一球 这盘口真不好说 德布劳内还伤着呢",
    "朋友圈那个卖茶叶的现在改推球了 天天晒已连红8场 笑死",
    "今晚欧冠谁跟我下楼撸串看球 皇马让半球 我赌五毛他赢不了",
    "德州扑克俱乐部周六线下局 带入两百筹码 不玩钱 输了请喝奶茶",
    "链上游戏的好处就是开奖结果链上可查 谁也做不了假 这个合约我写过",
    "有个群在发10U就能玩的哈希游戏 大家别点 都是骗U的",
    "三中二班的家长看一下 明天春游 每人交五十 交给班长",
    "游戏里的竞猜活动用金币押 不是真钱 猜中了送限定皮肤",
    "今晚跑得快三缺一 就我们几个老同学 输了的请宵夜",
    "公司世界杯竞猜活动开始了 猜中比分送球衣 公平透明 人人有份",
    "体彩我就玩过一次 三中二 中了十几块 哈哈",
    "区块链课上老师说 交易记录链上可查 谁也改不了 期末要考",
    # rebates, fish games and a tipster's periods (lead54)
    "输了有返水这种话一听就是黑台子 千万别碰",
    "小区门口游戏厅的捕鱼机 一次一块 孩子玩了一下午",
    "我爸天天在手机上玩捕鱼 说能换现金 我看就是赌博",
    "彩票站老板吹他的号十期中三期 笑死 还不如我瞎买",
    "捕鱼达人是我小时候的回忆 一炮一个金币 那时候玩一下午",
    "今天上分下分来回折腾 烦死 段位一直掉",
    "老虎机那种东西千万别碰 我叔输了一套房",
    "pk10是啥 群里有人问 我也不知道",
    "分分彩这种一听就是骗局 连中几期都是托",
)

# Money exchanged and bank cards (spam47): a bank's own rate passed on, a wire's fee, an overseas
# student's Wise transfer, a friend's pounds at the middle rate, a company's accounts, underground
# exchange warned about.
MONEY_EXCHANGE = (
    "招行app换汇 汇率比柜台好一点 每人每年五万美元额度",
    "交学费就走swift电汇 手续费一百多 比西联便宜",
    "有人说换汇不占额度 那都是地下钱庄 钱被冻了没处说理",
    "我在伦敦 英镑换人民币一般用wise 汇率接近中间价 到账也快",
    "今天美金汇率又涨了 比上周多换三百块 早知道上周就换了",
    "不走swift的渠道我是不敢用的 老老实实去银行排队",
    "中行的现钞汇率比现汇低 换现金之前先看牌价",
    "担保交易就是平台先扣着钱 确认收货才放款 闲鱼也是这样",
    "工行建行农行的卡我都有 就是网银密码老忘",
    "公司对公账户开在建行 一个账户一年管理费三百多 有点贵",
    "同学毕业回国 人民币换英镑给她 按中间价算 微信转我就行",
    "场外比市价低两个点的U基本都是黑U 贪便宜的等着冻卡吧",
    "去银行换汇比机场划算多了 机场那个汇率太黑",
    "香港开户要本人去 当面签字 汇丰一个账户最低存款一万",
    "港币现在比银行牌价好的只有找换店 旺角那几家 当面点清",
)

# Papers written for others (spam47): theses and essays talked about by students and parents, the
# school's rules on ghost-writing, a plagiarism check's figures.
PAPERS = (
    "论文查重率要低于百分之十五 学校的规定 别问我能不能保过",
    "导师说论文代写一经发现取消学位 大家别动歪心思",
    "毕业论文终于过了 查重率才百分之六 感谢导师",
    "论文保过这种话谁说谁就是骗子",
    "essay deadline 明天 我还没写完 保佑我过吧",
    "论文格式模板在群文件 查重用知网 学校给每人两次免费机会",
    "代写作业的广告群里太多了 管理员能不能清一下",
    "这学期论文答辩保过是不可能的 老师说了至少刷掉三个",
    "毕设代写闲鱼上到处都是 学校现在查得严 还要现场答辩",
    "论文降重靠同义词替换没用了 现在查的是语义",
    "孩子的读书报告我帮着改了两句 老师说原创性不够",
    "我女儿硕士论文外审过了 一家人终于松了口气",
    # two of the above in one breath, as a member said them in lead47's owner day (warned before)
    "论文查重率要低于百分之十五，别问我能不能保过，导师说代写一经发现取消学位",
)

# A game service's promises and accounts by what they hold (spam47): gacha pity talked about, a
# guild's ranking goal, an old account given to a nephew, the shop's own sale, a refund laughed at.
GAME_PROMISES = (
    "这期卡池九十抽保底 我八十多抽就出了 运气还行",
    "代抽的说不出全退 你也信啊 抽完号就被找回了",
    "新区冲榜太累了 我们公会目标保底前十 大家每天记得上线",
    "活动规则写着不上榜退还一半钻石 官方的 看公告",
    "我那个满级精灵号送给侄子了 六只神宠 他高兴坏了",
    "斗罗新区开了 公会招人 冲榜保底前十 不上榜大家也别灰心",
    "代抽这种事风险太大 不出全退是真的 可号也没了",
    "商城这周旧皮肤低价甩卖 官方活动 先到先得",
    "CS2皮肤比buff便宜的都有问题 小心被回滚",
    "炫舞新出的婚戒太好看了 下单就开那个礼盒 我抽了三次",
    "这个号满英雄了 带邮箱绑定的 我玩了三年 舍不得卖",
    "洛克王国怀旧服开了 满级精灵号我有两个 谁想一起玩",
    "大保底一百八十抽 这游戏真的肝",
    "公会打本多出来三个头像框兑换码 谁要私我 先到先得",
    "我这个满级号送我徒弟了 他说先到先得的东西都抢不到",
    # a member's own account sold in her own words: the selling rule's (a reminder, or #卖货 允许), not a reading's
    "我的国际服号带邮箱 两百出 不玩了",
    # a channel, a batch, a good for life in a member's talk (gametrade's seller words, lead52)
    "皮肤我都是走平台交易的 贵一点但是安全",
    "我买的终身版 结果第二年就停服了 亏麻了",
    "公会仓库出一批强化石 谁要找会长领 免费的",
    "我的switch是破解的 装了两百个游戏 孩子天天玩",
)

# A subscription shared (spam47): a family plan among roommates, a car park's space, a shared flat,
# a lift to the airport, a member's own subscription and the official sale.
SHARED_SEATS = (
    "小区地下车位还剩两个 物业说月付三百 要的找物业登记",
    "netflix家庭版我和室友合租的 一人一个月二十五 挺划算",
    "chatgpt plus是我自己开的 一个月二十美金 公司报销",
    "那种AI会员车位 月付二十五还剩两个的 基本都是共享号 封了没人管",
    "网盘会员我是官方买的 一年只要一百多 活动价",
    "小区充电桩车位还剩两个 物业说一个月两百 先到先得",
    "我们家庭组还剩两个位置 不过只给家里人 不对外",
    "office家庭版六个人共用 我和老公爸妈妹妹 还剩一个名额给表弟了",
    "B站大会员年卡活动 一年只要一百四十八 官方的 别找那些车位",
    "拼车去机场还剩两个座 每人五十 明早六点出发 要的接龙",
    "claude pro 一个月二十刀 写代码我觉得比gpt好用",
    "合租房还剩两间 月付一千五 就在小区门口 要的私我",
    "spotify学生版一个月才七块多 比拼车还便宜 还稳",
)

# Passwords talked about (phishing.py, lead52): a login's defaults, a school's or a company's system, a
# warning, an approach turned down, a gift a little further off than the password.
PASSWORDS = (
    "新系统的账号密码已经发到各位邮箱了 初始密码登录后改一下",
    "学校的WiFi要认证 每次都要输账号密码 太麻烦了",
    "有人私聊说能刷满级精灵 要我账号密码 还好没给",
    "会员账号密码我发你邮箱了 周末家里电视上登录一下",
    "路由器后台登录账号密码都是admin 送的那个路由器就是这样",
    "公司OA 输入账号密码后 在福利页面领电影票",
    "小区门禁app 填账号密码就能开门 物业免费装的",
    "单位邮箱要输入账号和密码登录 兑换码在邮件里",
    "steam账号密码填好了 送的游戏在库里了 谢谢群主",
    "孩子的平板我设了账号密码 免费的游戏也要输密码才能下",
    "游戏里有人说帮我刷金币 让我给他账号密码 我没给",
    "账号密码永远不要给别人 说送皮肤的都是骗子",
    # what the lure takes, told (lead53)
    "那个说官方联动送皮肤 要填账号密码领的 都是盗号的",
    "说是周年福利 输入账号密码就送限定皮肤 结果号被盗了",
    # an account lent by a friend, told (lead54's first draft of the publisher's name read these)
    "朋友发了个号和密码给我 送我玩几天",
    "表哥发过来账号和密码 说送我了 他不玩了",
)

# Prizes and verification codes talked about (phishing.py, lead54): a code asked for by family helping an
# elder, a prize that really came, a scam told of, a parcel's postage paid for a real win.
PRIZES = (
    "妈 你把验证码发我一下 我帮你把话费券领了",
    "验证码千万别告诉任何人 客服也不会问你要",
    "我抽中了一等奖 然后银行打电话让我提供验证码 幸好我没给",
    "游戏里抽中了毕业斗篷 开心 直接到账 什么都不用填",
    "快递员让我报一下取件码 我说放驿站就行",
    "注册的时候要输入手机号和密码 新人礼包自动就领了",
    "中奖的短信说领取要先交手续费 这种百分百是骗人的",
    "公司年会我抽中了个扫地机器人 行政说下周发放",
    "抽奖抽中了一个台灯 自己付了十块运费 还挺值",
    "登录的时候要短信验证码 输入后奖励才到账 官方app里领的",
    "幸运观众的奖品寄到了 邮费也是节目组出的",
    "有人冒充客服说我中奖了 要我提供验证码 已经报警了",
    # told: a call hung up on, a fee turned down, the writer's own win (lead54's first draft read these)
    "快递说我中奖了 让我把验证码发给客服 我直接挂了",
    "抽中了一个耳机 商家说需要付邮费 我就不要了",
    "恭喜我自己 抽中了电影票 需要付两块手续费 也值了",
    # how the scam steals, asked, and the writer's own refusal to touch one (lead54: crests' two members)
    "扫码领红包那种到底咋骗的钱啊 扫一下就能转走我的钱？",
    "扫码领皮肤那个是怎么盗号的 我同学点了号就没了",
    "宝妈们有没有在家能做的正规兼职 娃太小走不开 网上刷单那种我可不敢碰",
    # a login for a gift passed on from the official place, or told (lead54)
    "官网登录就送新手礼包 免费领的 大家去拿",
    "活动页面qq登录一下就能领 官方的",
    "我登录了一下 号就没了 说是免费送皮肤",
)


# An expat group's and a family's talk of work abroad (abroad.py, lead52): a company's opening passed on,
# the trap told of, a ticket a company paid for a relative, a visa done by an agency the writer chose.
ABROAD = (
    "马尼拉这边有个中资公司招会计 要会英语 有朋友需要我帮问",
    "曼谷中资公司的工作 一般工资多少 翻译岗",
    "柬埔寨客服月薪两万包机票 懂的都懂 去了护照就被收了",
    "我表哥公司外派迪拜 机票公司报销 一去就是两年 嫂子不太愿意",
    "刚落地迪拜 在JLT租了房子 做外贸的 接机的朋友人很好",
    "泰国落地签现在要预约了 护照有效期半年以上 自己办就行",
    "出国读研的签证我们找的中介办的 一万二 不包机票",
    "女儿在马来西亚留学 暑假回来机票三千多 贵死了",
    "金边新来的 做餐饮的 月薪不高 但是自己开店自在",
    "海外客服包机票月薪三万那种 我同学去了到现在联系不上",
    "越南工厂招中方管理 月薪两万五 我们公司的 正规合同 社保国内交 机票不包",
    "去菲律宾旅游要办签证吗 机票我已经订好了",
)

# Invoices talked about (grey.offers_a_grey_service's 代开, lead52): a company's own, the tax office's lawful
# 代开 for a sole trader, a parcel's or a report's number that can be checked, a question.
INVOICES = (
    "电子发票在税务局网站上可查 大家报销的时候自己核一下",
    "公司的发票都是正规的 税务局可查 需要的找财务",
    "发票抬头写错了 财务让重开 可查验的那种才能报销",
    "代开发票是违法的 我们公司不做这个",
    "税务局可以代开发票 个人去大厅办就行 带身份证",
    "个体户去税务局代开发票 税点是百分之一 可查验",
    "快递单号可查 明天就到",
    "医院的检查报告网上可查 不用去拿",
    "代开会员是什么意思 是不是要给账号",
    "京东自营都能开专票 可查验 放心买",
    "公司年会发票我来开 大家别自己找人代开 查到要罚",
    "物业费发票可以在公众号上开 电子的 可查验",
)

# Money talk of credit (credit.py, lead52): a member's own trouble or loan told, a question, a warning, the
# bank's own terms.
CREDIT = (
    "我逾期过一次 后来也能贷款 就是利息高点",
    "额度高征信好看",
    "信用卡逾期了一天 会影响征信吗",
    "我老公背着我借了网贷 现在要还二十多万 我该怎么办",
    "那种说 征信花了 也能贷的 都是 套路贷 先收你手续费",
    "黑户都能贷 那就是骗你的手续费",
    "征信逾期的记录五年后自动消除",
    "房贷批下来了 银行说我们负债不高 利率还给打了折",
    "白户办信用卡要先在银行存点钱 柜台说额度一开始不高",
    "网贷逾期的话去跟平台协商 别找什么代理停催",
    "公积金贷款额度能到八十万 征信好的话当天就能审",
    "大数据花了的话 银行直接拒 我表弟就是",
)

# Grey services' words in members' talk (grey.offers_a_grey_service, lead52): an unban asked of friends, a
# company's data, notes seeded or not, statistics.
GREY_TALK = (
    "我微信被封了 找了个好友辅助解封 成功了",
    "公司的客户数据要保密 按条导出要审批",
    "小红书现在铺笔记的太多了 素人号都被限流",
    "行业数据我们部门每季度出一份报告 需要的找我要",
    "用户数据都加密存储 十分钟出一次备份",
    "我们店的笔记都是自己拍的 不找素人铺量",
    "被封号了别找什么解封工作室 都是骗钱的",
    "防沉迷是国家规定 孩子玩不了就别想办法解除了",
    "信誉分被扣了 打几把人机就恢复了",
    "精准数据这个词一听就是卖个人信息的 犯法",
    "群里谁的号注册满一年了 帮我辅助解封一下 谢谢",
    "全国数据显示今年出生人口又降了",
    "这篇笔记打底三千字 写了一整天",
    "客户数据精准到每个区 按条算提成的话销售都抢着录",
)

# Trading talk in a crypto, a gold and a stock-options group (gains.py, lead54): the writer's own trades, a
# signal caller laughed at, a record doubted, the market's moves.
INVESTING = (
    "今天BTC吃了20个点 爽 晚上请自己喝奶茶",
    "XAUUSD 今晚非农 波动会很大 大家仓位轻一点",
    "我这周做了七次 六次止盈 一次止损 还算可以",
    "那种每晚直播喊单的 跟上的都是韭菜",
    "合约别碰 我一个朋友跟单亏了十几万",
    "看置顶的战绩都是P的图 别信",
    "炒币三年 最大的教训就是别上杠杆",
    "ETH今天又跌了 我在2000附近补了点",
    "止盈止损一定要设 不然一夜回到解放前",
    "黄金最近涨得离谱 我妈都想去买金条了",
    "美股期权做了半年 还是亏的 交学费了",
    "做币的朋友推荐我看链上数据 确实有用",
)

# Company and massage in members' talk (lures.py, lead54): a spa told of, a hike short of people, a mother's
# video call, a hotel's own service, a guide's prices, a film to see.
COMPANY = (
    "昨天去做了个日式按摩 全套下来两百多 手法不错",
    "泰式按摩那家店搬走了 有人知道新地址吗",
    "周末有小姐姐一起去爬山吗 我们五个人 还差一个",
    "我妈天天跟我视频聊天 问我吃了没",
    "这家酒店有上门按摩服务 前台可以约 正规的",
    "导游说迪拜的商务陪同都很贵 一天要好几千",
    "想看的那部电影上映了 周五一起去吗",
    "睡不着 有人陪我聊到天亮吗 明天要考试了 好紧张",
    "小姐姐们晚上好 今天的直播回放在群文件",
    "上门服务的保洁阿姨很靠谱 照片真实 评价也好 需要的话找我要电话",
    "伴游这个词现在都被用坏了 正常导游也不敢这么叫",
    "可以看的那种纪录片推荐一下 周末想在家看",
)


KINDS = {"game trade": GAME_TRADE, "payment laundering": PAYMENT_LAUNDERING,
         "group promotion": GROUP_PROMOTION, "jobs": JOBS, "gambling": GAMBLING,
         "money exchange": MONEY_EXCHANGE, "papers": PAPERS, "game promises": GAME_PROMISES,
         "shared seats": SHARED_SEATS, "passwords": PASSWORDS, "prizes": PRIZES,
         "abroad": ABROAD, "invoices": INVOICES,
         "credit": CREDIT, "grey talk": GREY_TALK, "investing": INVESTING, "company": COMPANY}


def test_each_kind_has_its_fifteen_lines():
    assert all(len(lines) >= 12 for lines in KINDS.values())
    every = [t for lines in KINDS.values() for t in lines]
    assert len(every) == len(set(every))


# Lines the tree still acts on, kept in the list so that a fix shows (strict: one that passes fails the
# run until its mark is taken off). spam47: a member listing the banks she has cards with is reminded on
# the char model alone (0.973 against the member level 0.971: 工行建行农行 and 网银 are a card buyer's
# words); no reading fires on it, and the model's features are not this round's to change.
MAIN_ACTS_ON: dict[str, str] = {
    "工行建行农行的卡我都有 就是网银密码老忘": ("char model 0.973 ≥ member level 0.971 (spam47); "
                                         "0.976 ≥ 0.9725 on thirty files (lead53)"),
    "京东自营都能开专票 可查验 放心买": "char model 0.994 (放心, 京东, 票可查验) ≥ member level 0.971 (lead52); "
                                "0.986 on thirty files (lead53); no reading fires on it",
}


def _param(kind: str, i: int, text: str):
    marks = [pytest.mark.xfail(strict=True, reason=MAIN_ACTS_ON[text])] if text in MAIN_ACTS_ON else []
    return pytest.param(text, id=f"{kind}-{i}", marks=marks)


@pytest.mark.parametrize("text", [_param(kind, i, t) for kind, lines in KINDS.items() for i, t in enumerate(lines)])
def test_an_established_member_is_neither_warned_nor_reminded(text):
    """An established member's ordinary line of an ad kind's words draws nothing: not a warning, not a
    reminder, not a question to the owner (decide's spam is False: no verdict the ladder acts on)."""
    decision = decide(Facts(text=text, newcomer=False), CFG, SpamModel(), "room")
    assert not decision.spam, (text, [(v.name, v.details) for v in decision.fired])


@pytest.mark.parametrize("text", ["会员日满减 输入优惠码 vip2026 就能用", "超市的兑换码：VIP88 前台可以换鸡蛋"])
def test_a_shop_s_vip_code_is_no_contact_data(text):
    """vip and digits after the name of a code to type in (优惠码, 兑换码) is the shop's code: its v is
    vip's, not WeChat's V before an id (a newcomer passing on a shop's member-day code was removed at once:
    the code read as a WeChat id, and the char model agreed)."""
    from plugins.antispam import contact
    from plugins.antispam.normalize import normalise

    assert not contact.find_contacts(normalise(text)), text
    for ad in ("v我 vip5007 日本药妆代购", "加V：vip5007 私聊"):
        assert contact.find_contacts(normalise(ad)), ad
