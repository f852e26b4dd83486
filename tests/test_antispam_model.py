"""The shipped char model (training, thresholds, artifact, online learning, a second process
catching up) and QR codes in images (real PNG/JPEG images made here with qrcode and Pillow)."""

from __future__ import annotations

import dataclasses
import io
import random
import re
from datetime import UTC, datetime, timedelta

import pytest
import qrcode
from PIL import Image
from sqlalchemy.orm import Session

from bot.clock import FakeClock
from bot.core import members
from bot.core.context import Context
from bot.events import MessageKind, MessageReceived
from bot.platform import RoomInfo
from bot.rules.loader import parse_rules
from bot.simulator.images import qr_png
from db.base import Base
from db.models import Case
from db.session import make_engine, make_sessionmaker
from plugins.antispam import AntispamPlugin, charmodel, qr, store
from plugins.antispam.charmodel import CharModel, shipped, threshold_at_fpr, threshold_max_f1, train
from plugins.antispam.checks import Facts
from plugins.antispam.classifier import ModelScore, SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.dataset import Row, split_of
from plugins.antispam.engine import decide
from plugins.antispam.learner import Learner
from plugins.antispam.model_checks import check_charmodel
from plugins.antispam.models import SHARED
from plugins.antispam.normalize import normalise

CFG = AntispamConfig()


class _ReadAt(SpamModel):
    """The shipped models with the char model's reading of every text fixed at `prob` (its levels
    and evidence words stay the artifact's): a test about what a check does to a high reading
    states that reading, rather than assuming the shipped model still gives it after a rebuild."""

    def __init__(self, prob: float) -> None:
        super().__init__()
        self._prob = prob

    def score(self, text: str, room: str | None, **kw) -> ModelScore:
        return dataclasses.replace(super().score(text, room, **kw), char=self._prob)
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)

# A small fixture written here: two families of ads and two kinds of chat, a few voices each.
SPAM = ["兼职打字员日结三百，宝妈学生都可以，私聊", "日结兼职，在家动动手指一天两百", "招兼职刷好评，日结不拖欠",
        "想赚零花钱的来，日结工资当天到账", "手机兼职，一单一结，日入过百", "兼职日结，不收押金，名额有限",
        "出USDT，承兑大额，需要的私", "高价收U，承兑商直营，安全快速", "USDT兑换，汇率优惠，量大可谈",
        "收银行卡，对公账户也收，价格高", "承兑USDT，秒到账，老板私聊", "专业承兑，U商靠谱，欢迎咨询"]
HAM = ["今晚几点开会来着", "我刚到家，路上堵死了", "周末去哪里爬山比较好", "这道题我也不会，等老师讲吧",
       "孩子发烧了，今天请假一天", "楼下快递放门卫了吗", "刚才那个视频太好笑了", "明天早上八点门口集合",
       "谁有空帮我带杯咖啡", "群里有人去过青岛吗", "这个周末天气不错啊", "晚饭吃了没，一起去吃面"]


def fixture_model(epochs: int = 8) -> CharModel:
    rows = [(t, 1, 1.0) for t in SPAM] + [(t, 0, 1.0) for t in HAM]
    model = train(rows, epochs=epochs, rate=0.5)
    model.meta.update(threshold=0.7, obvious=0.95)
    return model


def test_a_model_trained_on_a_small_fixture_learns():
    untrained = CharModel()
    assert untrained.score("日结兼职，宝妈学生都可以").prob == pytest.approx(0.5)
    model = fixture_model()
    spam_unseen = ["宝妈兼职，日结工资三百", "高价承兑USDT，私聊", "收对公账户和银行卡"]
    ham_unseen = ["今晚一起去吃面吗", "明天几点集合来着", "孩子今天发烧请假了"]
    spam_scores = [model.score(t).prob for t in spam_unseen]
    ham_scores = [model.score(t).prob for t in ham_unseen]
    assert min(spam_scores) > max(ham_scores)
    assert min(spam_scores) > 0.6 and max(ham_scores) < 0.4
    # the explanation names character runs of the message, not hash buckets
    assert any(w in "宝妈兼职日结工资三百" for w, _ in model.score("宝妈兼职，日结工资三百").pushes)


def test_the_threshold_is_applied_and_rules_yaml_can_override_it():
    n = normalise("出USDT承兑，需要的私聊")

    def verdict(prob: float, cfg: AntispamConfig = CFG):
        score = ModelScore(0.0, 0, [], 0.0, None, 0.0, (0, 0), prob, [("承兑", 1.0)], 0.8, 0.95)
        return check_charmodel(score, n, cfg)

    assert not verdict(0.79).spam
    hit = verdict(0.81)
    assert hit.spam and not hit.strong and "承兑" in hit.details
    assert verdict(0.96).strong
    stricter = AntispamConfig.model_validate({"charmodel": {"threshold": 0.9}})
    assert not verdict(0.85, stricter).spam and verdict(0.91, stricter).spam
    short = check_charmodel(ModelScore(0.0, 0, [], 0.0, None, 0.0, (0, 0), 0.99, [], 0.8, 0.95),
                            normalise("收U"), CFG)
    assert not short.spam and "too short" in short.details


def test_an_established_member_is_convicted_by_a_score_past_the_member_level_unless_it_is_a_warning():
    """threshold < member < obvious: a newcomer counts from the threshold; an established member
    from the member level alone (a first offence is a warning), or from the threshold when
    another check agrees; a message framed as a warning or a quote needs that other check."""
    def decision(text: str, prob: float, newcomer: bool = False, cfg: AntispamConfig = CFG):
        class Fixed(SpamModel):
            def score(self, text: str, room: str | None, *, similar: bool = True) -> ModelScore:
                return ModelScore(0.0, 0, [], 0.0, None, 0.0, (0, 0), prob, [("承兑", 1.0)], 0.8, 0.97, 0.9, 0.75)
        return decide(Facts(text=text, newcomer=newcomer), cfg, Fixed(use_shipped=False), "room")

    ad = "出USDT承兑，量大从优"
    assert decision(ad, 0.85, newcomer=True).spam
    below = decision(ad, 0.85)
    assert not below.spam and [v.name for v in below.held_back] == ["charmodel"]
    member = decision(ad, 0.92)
    assert member.spam and not member.obvious and member.severity == "medium"
    assert "≥ 0.900" in member.reason()
    assert decision(ad, 0.98).obvious
    # the same score on a warning that shows the ad: not enough alone against an established member
    warning = decision("大家小心，有人在群里发：出USDT承兑，量大从优", 0.92)
    assert not warning.spam and [v.name for v in warning.held_back] == ["charmodel"]
    # rules.yaml can move the member level (up to obvious: the old behaviour)
    strict = AntispamConfig.model_validate({"charmodel": {"member": 0.97}})
    assert not decision(ad, 0.92, cfg=strict).spam
    # between the agreement level and the threshold: never for a newcomer, and for an established
    # member only when another check agrees (刷单 with nothing promoted is a weak keyword hit)
    assert not decision(ad, 0.77, newcomer=True).spam
    assert not decision(ad, 0.77).spam
    agreed = decision("刷单返利，一单一结", 0.77)
    assert agreed.spam and {v.name for v in agreed.fired} == {"keywords", "charmodel"}
    assert not decision("刷单返利，一单一结", 0.70).spam
    own = AntispamConfig.model_validate({"charmodel": {"threshold": 0.8}})  # an operator's threshold: no band
    assert not decision("刷单返利，一单一结", 0.77, cfg=own).spam
    # an artifact without the levels falls back to obvious and the threshold
    old = fixture_model()
    assert old.member == old.obvious and old.agree == old.threshold


def test_a_score_short_of_the_member_level_convicts_an_established_member_when_the_ad_has_what_ads_need():
    """Past the threshold, or past the agreement level below it, a score convicts an established
    member alone when the message also carries contact data, a link off the ordinary list or a
    price or payout, and is not framed as a warning or a quote; never a newcomer from the
    agreement band (their own checks are stricter), never a message with none of these."""
    def decision(text: str, prob: float, newcomer: bool = False):
        class Fixed(SpamModel):
            def score(self, text: str, room: str | None, *, similar: bool = True) -> ModelScore:
                return ModelScore(0.0, 0, [], 0.0, None, 0.0, (0, 0), prob, [("兼职", 1.0)], 0.8, 0.97, 0.9, 0.75)
        return decide(Facts(text=text, newcomer=newcomer), CFG, Fixed(use_shipped=False), "room")

    # (no easy-money promise beside the pay: with 手机上就能做 it is tasks.py's reading, a keyword check)
    payout = "这个兼职，一单结一单，日入两三百不是梦"
    below = decision(payout, 0.77)
    assert below.spam and [v.name for v in below.fired] == ["charmodel"], below.evidence()
    assert "a price or payout (日入)" in below.reason() and not below.obvious
    assert not decision(payout, 0.74).spam  # below the agreement level
    assert not decision(payout, 0.77, newcomer=True).spam  # the agreement band is not a newcomer's
    linked = decision("手机上就能做的兼职，详情看 jianzhi-tuan.top 里面有介绍", 0.85)
    assert linked.spam and "a link" in linked.reason()
    assert "contact data (wechat-id" in decision("手机上就能做的兼职，薇信 jz_lily88 问我", 0.77).reason()
    # a member's own id, not hidden, is how friends meet: it is not what makes an ad (a regular's
    # "加我 vx: xiaowen_dev 拉你们进 QCon 的交流群" was warned in a developers' group day)
    friends = decision("加我 vx: xiaowen_dev 拉你们进 QCon 的交流群", 0.85)
    assert not friends.spam and [v.name for v in friends.held_back] == ["charmodel"]
    assert not decision("手机上就能做的兼职，微信 jz_lily88 问我", 0.77).spam
    assert decision("手机上就能做的兼职，日入两三百，微信 jz_lily88 问我", 0.77).spam  # with a payout it is an ad
    # the same words with nothing an ad needs: another check must agree (as before)
    bare = decision("手机上就能做的兼职，一单结一单，不难", 0.85)
    assert not bare.spam and [v.name for v in bare.held_back] == ["charmodel"]
    # a warning that quotes the payout is framed: never convicted by the score alone
    assert not decision("大家注意，有人发“手机上就能做的兼职，日入两三百”，是骗子", 0.85).spam
    # the price forms of game-chat sellers: 毛, a price per piece in words, a 1:N rate
    for price, shown in (("喇叭5毛，要的滴滴", "5毛"), ("改名卡三毛一个，要的滴滴", "三毛一个"),
                         ("出银，1比1.4，要的滴滴", "1比1.4"), ("出银 1:12000 要的滴滴", "1:12000")):
        sold = decision(price, 0.77)
        assert sold.spam and f"a price or payout ({shown})" in sold.reason(), price
    # the price is quoted as written (降到3.5W had been quoted to the owner as 「5w」)
    assert "a price or payout (3.5w)" in decision("红木家具降到3.5W了，诚心要的来", 0.77).reason()
    # a score, a time or a small ratio is not a price
    for chat in ("要的滴滴，比分1:0", "要的滴滴，11:30见", "要的滴滴，我1比3输了"):
        assert not decision(chat, 0.77).spam, chat


def test_warning_words_frame_a_message_only_when_its_own_words_promote_nothing():
    """An ad dressed as a warning (群内禁止广告, 不骗人, （请勿屏蔽）) is not framed; a member's
    warning, a quote of the ad or 原文如下 still is."""
    from plugins.antispam.checks import framed

    assert framed(normalise("大家小心，最近有人冒充快递员打电话"))
    assert framed(normalise("有人发“加我微信 fuli_88 领红包”，别信，是骗子"))
    assert framed(normalise("群里又来了，原文如下：日结兼职，微信 jz_lily88"))
    assert not framed(normalise("新人福利群，群内禁止广告，想进的加我 vx：fuli_qun88"))
    assert not framed(normalise("本人做代购十年，不骗人，诚信为本，需要的私我"))
    assert not framed(normalise("注意啦，姐妹们，护肤品一件代发，VX：momo_kiki78（请勿屏蔽）"))


def test_a_quoted_search_term_or_account_name_is_the_ad_naming_itself_not_a_quote():
    """淘宝搜"隐藏券", 关注"桃子的省钱日记", 回复"券": the quote marks hold the ad's own search term,
    account or keyword, so they do not frame it; someone else's words in quotes still do."""
    from plugins.antispam.checks import framed, shows_an_ad

    for ad in ("淘宝搜 \" 隐藏券 \" 三个字", "小红书 关注 \"桃子的省钱日记\" 置顶笔记有方法",
               "公众号 \" 省钱攻略 \" 回复 \" 券 \"", "UP 主“小钱钱成长记”，关注后私信领资料"):
        assert not shows_an_ad(normalise(ad)), ad
        assert not framed(normalise(ad)), ad
    assert shows_an_ad(normalise("他发的是“日结兼职 手机就能做”，别信"))
    assert shows_an_ad(normalise("有人发“加我微信 fuli_88 领红包”"))
    # a long quote after 搜 is still someone's words, not a search term
    assert shows_an_ad(normalise("他让我搜“某某官网注册就送三十八元彩金还能天天领红包”"))


def test_the_model_reads_what_the_checks_see():
    """Contact data by kind, hidden or not, links off the ordinary list, digit-run lengths and
    the warning frame are features of the model, beside the characters and words."""
    from plugins.antispam.charmodel import grams

    def shape(text: str) -> set[str]:
        return {g.text for g in grams(normalise(text)) if g.text.startswith("#") and not g.text.startswith("#w")}

    ad = shape("兼职日结，加微信 jz_lily88 或者打 13812345678，详情 jianzhi-tuan.top")
    assert {"#c:wechat-id", "#c:phone", "#d11", "#plink", "#url"} <= ad and "#framed" not in ad
    assert "#chid" in shape("兼职日结，加薇 1 3 8 1 2 3 4 5 6 7 8")
    warning = shape("大家小心，最近有人冒充快递员打电话")
    assert "#framed" in warning and not any(g.startswith(("#c:", "#d")) for g in warning)


def test_threshold_at_fpr_allows_at_most_that_share_of_ham():
    ham = [i / 1000 for i in range(1000)]
    t = threshold_at_fpr(ham, 0.005)
    assert sum(1 for s in ham if s >= t) == 5


def test_threshold_max_f1_is_where_held_back_rows_separate_best():
    spam = [0.9, 0.8, 0.7, 0.6, 0.3]
    ham = [0.65, 0.2, 0.1, 0.1]
    # at 0.6: tp 4, fp 1, fn 1 -> F1 0.8; at 0.7: tp 3, fp 0, fn 2 -> F1 0.75; at 0.3: tp 5, fp 1 -> 0.909
    assert threshold_max_f1(spam, ham, floor=0.0) == 0.3
    assert threshold_max_f1(spam, ham) == 0.5  # never below the floor
    assert threshold_max_f1([0.9, 0.95], [0.1, 0.92, 0.93, 0.94]) == 0.95
    assert threshold_max_f1([], [0.1]) == 0.9


def test_a_labelled_files_rows_are_trained_as_in_domain():
    """eval-spam --train: the file is the domain. Its rows are trained at the corpus's step size
    (they were at a twentieth of it, and the model underfit), and the threshold is where its
    held-back rows separate best, not a fixed 0.5% FPR on news-like "normal" rows."""
    from plugins.antispam import build_model as bm

    seen: list[float] = []

    def spy(rows, **kw):
        rows = list(rows)
        seen.extend(w for _t, _l, w in rows)
        return train(rows, **kw)

    rows = [Row(1, t, "dev_x", "", f"s{i}") for i, t in enumerate(SPAM * 3)] + \
           [Row(0, t, "dev_x", "", f"h{i}") for i, t in enumerate(HAM * 3)]
    original = bm.train
    bm.train = spy
    try:
        model = bm.build(rows, epochs=2, log=lambda _m: None, chat_only=False)
    finally:
        bm.train = original
    assert seen and set(seen) == {bm.IN_DOMAIN_WEIGHT}
    assert 0.5 <= model.threshold <= model.obvious


def test_the_shipped_build_calibrates_three_levels_on_out_of_fold_chat():
    """Every chat row is scored by a model that did not train on its campaign; the member level
    leaves out rows framed as a warning (a score never convicts those alone)."""
    from plugins.antispam import build_model as bm

    rows = [Row(1, t, "corpus", "ad", f"s{i % 6}") for i, t in enumerate(SPAM * 4)] + \
           [Row(0, t, "corpus", "chat", f"h{i % 6}") for i, t in enumerate(HAM * 4)]
    model = bm.build(rows, epochs=2, log=lambda _m: None)
    assert model.meta["calibration_rows"] == len(HAM) * 4
    assert 0.5 <= model.threshold <= model.member <= model.obvious
    scored = [(Row(0, "大家小心，有人发：出USDT承兑"), 0.99), (Row(0, "今晚吃面吗"), 0.9)] + \
             [(Row(0, f"普通聊天{i}"), 0.1) for i in range(198)]
    # 0.5% of 200 rows may be convicted: one row, and the warning does not count
    assert bm.member_level(scored, 0.005) == pytest.approx(0.1 + 1e-6)
    assert bm.member_level(scored, 0.0) == pytest.approx(0.9 + 1e-6)


def test_the_levels_are_set_on_hard_chat_that_easy_chat_does_not_dilute():
    """More easy chat (greetings, everyday talk) in the corpus must not move the levels: they are
    set on the named hard categories alone, and on all the project's chat only while those are
    too few to set a level on."""
    from plugins.antispam import build_model as bm

    hard = [Row(0, f"这个月工资到账{i}万", "corpus", "money_talk", f"m{i}") for i in range(5)]
    easy = [Row(0, f"早上好{i}", "corpus", "greetings_chorus", f"g{i}") for i in range(40)]
    others = [Row(0, "早", "seed", "seed", "seed:早"), Row(1, "加微信领红包", "corpus", "contact_lure", "s1")]
    for rows in (hard + easy + others, hard + easy * 3 + others):
        picked = bm.calibration_set(rows, least=5)
        assert picked is not None and [r for r in rows if picked(r)] == hard
    few = bm.calibration_set(hard + easy + others, least=6)
    assert few is not None and [r for r in hard + easy + others if few(r)] == hard + easy + others[:1]
    assert bm.calibration_set(others[1:], least=1) is None


def test_plain_hard_chat_added_below_the_levels_does_not_lower_them():
    """The levels let a fixed number of hard-chat rows score over them (a share of
    REFERENCE_ROWS), not a share of however many the corpus holds: spam33's and spam35's plainly
    written money, job and class talk scored far below every level and, as a share, only grew the
    denominator, so each level fell to a softer row (threshold 0.9123 -> 0.9033). A row added
    above a level (a hard line the model confuses) raises it; a corpus smaller than the reference
    takes the share of what it has."""
    from plugins.antispam import build_model as bm

    scored = [(Row(0, f"这个月工资到账{i}万", "corpus", "money_talk", f"m{i}"), 1 - i / 2000) for i in range(1000)]
    plain = [(Row(0, f"基金我分批买的{i}", "corpus", "money_talk", f"p{i}"), 0.05) for i in range(300)]
    before = bm.levels(scored, 1000)
    assert before == bm.levels(scored, None)  # at the reference count: the shares as they were
    assert bm.levels(scored + plain, 1000) == before
    assert bm.levels(scored + plain, None)[0] < before[0]  # a share of all the rows falls
    hard = [(Row(0, f"我自己做的腊肠{i}", "corpus", "member_offers", f"o{i}"), 0.999) for i in range(5)]
    assert all(after >= was for after, was in zip(bm.levels(scored + plain + hard, 1000), before, strict=True))
    assert bm.levels(scored + plain + hard, 1000)[0] > before[0]
    # a smaller corpus: its own share, as before
    assert bm.levels(scored[:500], 1000) == bm.levels(scored[:500], None)
    assert bm.levels(scored[:500], 1000)[0] > before[0]  # half the rows, half as many allowed


def test_the_reference_counts_are_the_calibration_rows_main_s_corpus_held():
    """The reference is a fixed count, not the corpus of the day: it must stay at or below what
    the corpus holds (a corpus cut below it would take a share of fewer rows, not fail)."""
    from plugins.antispam import build_model as bm
    from plugins.antispam.charmodel import shipped

    char = shipped()
    assert char is not None and not char.meta.get("holdout")
    assert bm.REFERENCE_ROWS <= char.meta["calibration_rows"]
    assert bm.HOLDOUT_REFERENCE_ROWS < bm.REFERENCE_ROWS


def test_the_shipped_model_was_trained_with_todays_decay():
    """The artifact records the weight decay it was trained with (build_model.L2): a decay changed
    in the code without a rebuild would leave the figures quoted for it unmeasured."""
    from plugins.antispam import build_model as bm
    from plugins.antispam.charmodel import shipped

    char = shipped()
    assert char is not None
    assert char.meta.get("l2") == bm.L2, f"the shipped model was trained at {char.meta.get('l2')}; rebuild it"
    assert char.meta.get("averaged") == bm.AVERAGE, "the shipped model's weights were not averaged as built"


def test_an_averaged_model_is_the_mean_of_its_last_epochs_weights():
    """train(average=k): the mean of the weights at the ends of the last k epochs. A shorter run
    in the same seeded order is where a longer one stood at that epoch's end, so the mean of the
    runs of 1, 2 and 3 epochs is the 3-epoch run averaged over 3."""
    from plugins.antispam.charmodel import train

    rows = [("加微信领福利 日结三百", 1, 1.0), ("兼职刷单 一单一结", 1, 1.0), ("明天几点集合", 0, 1.0),
            ("晚上一起吃饭吗", 0, 1.0), ("扫码进群领红包", 1, 1.0), ("作业发群里了", 0, 1.0)]
    runs = [train(rows, epochs=k) for k in (1, 2, 3)]
    averaged = train(rows, epochs=3, average=3)
    assert averaged.meta["averaged"] == 3
    touched = [i for i, v in enumerate(runs[-1].w) if v]
    assert touched
    for i in touched:
        assert averaged.w[i] == pytest.approx((runs[0].w[i] + runs[1].w[i] + runs[2].w[i]) / 3, rel=1e-6)
    assert averaged.b == pytest.approx(sum(r.b for r in runs) / 3)
    assert train(rows, epochs=3, average=1).w == runs[-1].w  # the last epoch's own weights


def test_the_build_trains_on_the_probe_files_listed_and_no_other():
    """The shipped build reads the probe files that have been measured blind (TRAINED_PROBES) as
    training rows of their own source, each row once; a file in the folder that is not listed (a
    fresh blind probe) is never read, so it stays blind until it is measured and added."""
    from plugins.antispam import build_model as bm
    from plugins.antispam.dataset import read_tsv

    captured: dict = {}

    def spy(rows, **kw):
        captured["rows"] = rows
        captured["hard_sources"] = kw.get("hard_sources")
        raise SystemExit(0)

    original = bm.build
    bm.build = spy
    try:
        with pytest.raises(SystemExit):
            bm.main(["--out", "/nonexistent/never-written.bin"])
    finally:
        bm.build = original
    rows = captured["rows"]
    probe_rows = [r for r in rows if r.source == bm.PROBE_SOURCE]
    listed = [r for name in bm.TRAINED_PROBES for r in read_tsv(bm.probes_dir() / name)]
    assert len(bm.TRAINED_PROBES) == 38 and len(listed) > 10000
    # the files measured blind (the probes README) are never training rows
    blind = {"lighthouses.tsv", "crests.tsv", "moorings.tsv", "anchors.tsv", "jetties.tsv", "buoys.tsv",
             "quays.tsv", "reefs.tsv", "inlets.tsv", "straits.tsv", "coves.tsv", "atolls.tsv"}
    assert not blind & set(bm.TRAINED_PROBES)
    kept = [r for r in listed if not bm.conflicts_with_rules(r)]
    assert 0 < len(listed) - len(kept) < 200  # the rows whose label the product's rules contradict
    assert sorted((r.campaign, r.text, r.label) for r in probe_rows) == \
        sorted((r.campaign, r.text, r.label) for r in kept)
    assert set(captured["hard_sources"]) == {"corpus", bm.PROBE_SOURCE}
    # --no-probes builds the corpus alone (main's model before spam40)
    assert not [r for r in bm.gather([bm.corpus_dir()], None, False, []) if r.source == bm.PROBE_SOURCE]


def test_no_probe_row_lands_in_the_corpus_s_held_out_split():
    """A --holdout build trains on every probe row the full build does (none is dropped as a test
    campaign; only those whose label the product's rules contradict are left out, as always), the
    split's test side stays the corpus's own rows, and no probe campaign shares an id with a corpus
    campaign (one that did would put a held-out campaign's twin in training)."""
    from plugins.antispam import build_model as bm
    from plugins.antispam.dataset import corpus_dir, read_many

    probes = bm.trained_probes()
    held = bm.gather([corpus_dir()], None, True, probes)
    probe_rows = [r for r in held if r.source == bm.PROBE_SOURCE]
    assert len(probe_rows) == len([r for r in read_many(probes) if not bm.conflicts_with_rules(r)])
    assert any(split_of(r) == "test" for r in probe_rows)  # kept although their hash says test
    corpus = read_many([corpus_dir()])
    assert not {r.campaign for r in probe_rows} & {r.campaign for r in corpus}
    kept = {(r.text, r.campaign) for r in held if r.source == "corpus"}
    assert kept and not any((r.text, r.campaign) in kept for r in corpus if split_of(r) == "test")
    # the held-out evaluation reads the corpus folder alone: no probe text among its test rows
    test_texts = {r.text for r in corpus if split_of(r) == "test"}
    assert not test_texts & {r.text for r in probe_rows}


def test_the_probe_files_hard_chat_is_calibrated_on_with_the_corpus_s():
    """The probes' normal lines in the hard categories are calibration rows, counted against the
    same fixed reference: a probe line the fold models confuse raises a level."""
    from plugins.antispam import build_model as bm

    hard = [Row(0, f"这个月工资到账{i}万", "corpus", "money_talk", f"m{i}") for i in range(5)]
    probe = [Row(0, f"收u的都是骗子{i}", bm.PROBE_SOURCE, "scam_discussion", f"pz{i}") for i in range(3)]
    other = [Row(0, f"你好{i}", bm.PROBE_SOURCE, "newcomer_intro", f"pn{i}") for i in range(3)]
    picked = bm.calibration_set(hard + probe + other, least=5)
    assert picked is not None and [r for r in hard + probe + other if picked(r)] == hard + probe
    alone = bm.calibration_set(hard + probe + other, least=5, hard_sources=("corpus",))
    assert alone is not None and [r for r in hard + probe + other if alone(r)] == hard


def test_the_shipped_model_was_built_with_the_probe_files():
    """charmodel.bin records its rows by source: the listed probe files' rows are among them."""
    from plugins.antispam import build_model as bm
    from plugins.antispam.dataset import read_many

    char = shipped()
    assert char is not None
    rows = [r for r in read_many(bm.trained_probes()) if not bm.conflicts_with_rules(r)]
    ham = sum(1 for r in rows if r.label == 0)
    assert char.meta["sources"][bm.PROBE_SOURCE] == {"ham": ham, "spam": len(rows) - ham}


def test_a_probe_line_offering_the_writer_s_trade_with_a_contact_call_is_not_trained_as_normal(tmp_path):
    """The probe writers labelled a newcomer's or a member's own trade with 私聊我 normal, where the
    product reminds a newcomer who does that and warns a member's sale unless selling is allowed:
    the build leaves those rows out (the file stays as written) and trains on the rest as labelled:
    the same kinds without a contact call, a warning quoting a call, and every ad."""
    from plugins.antispam import build_model as bm

    probe = tmp_path / "fresh.tsv"
    probe.write_text(
        "label\tcategory\tcampaign\ttext\n"
        "0\tnewcomer_intro\tx1\t大家好 新来的 我是做代购的 需要的可以私聊\n"
        "0\tmember_offers\tx2\t我做外卖配送的 附近有需要跑腿的可以找我\n"
        "0\tbuying_selling_members\tx3\t旧钢琴五千出 有要的家长私聊\n"
        "0\tnewcomer_intro\tx4\t大家好 我是三班的家长 以后多多关照\n"
        "0\tmember_offers\tx5\t刚装修完剩了一些踢脚线免费送自己来拿\n"
        "0\tscam_warning\tx6\t有人在群里发 加我领红包 大家别信\n"
        "1\tcontact_lure\tx7\t兼职日结 有意私聊我\n", encoding="utf-8")
    rows = [r for r in bm.gather([], None, False, [probe]) if r.source == bm.PROBE_SOURCE]
    assert sorted(r.campaign for r in rows) == ["x4", "x5", "x6", "x7"]


def test_the_hard_chat_categories_are_the_corpus_s():
    """A category renamed in the corpus would silently leave the calibration set."""
    from plugins.antispam import build_model as bm
    from plugins.antispam.dataset import corpus_dir, read_many

    ham = {r.category for r in read_many(sorted(corpus_dir().glob("*.tsv"))) if r.label == 0}
    assert bm.HARD_CHAT <= ham, bm.HARD_CHAT - ham


def test_the_artifact_round_trips(tmp_path):
    model = fixture_model()
    size = model.dump(tmp_path / "m.bin")
    assert size < 2_000_000
    loaded = CharModel.load(tmp_path / "m.bin")
    assert loaded.threshold == 0.7 and loaded.obvious == 0.95
    for text in SPAM[:3] + HAM[:3]:
        assert loaded.score(text).prob == pytest.approx(model.score(text).prob, abs=0.01)
    with pytest.raises(ValueError):
        CharModel.loads(b"not a model")
    # an artifact built for other features (before the word features) would score nonsense: refused
    import json
    import struct

    from plugins.antispam.charmodel import MAGIC

    data = (tmp_path / "m.bin").read_bytes()
    (length,) = struct.unpack_from("<I", data, len(MAGIC))
    start = len(MAGIC) + 4
    header = json.loads(data[start:start + length])
    assert header["features"] == "char1-4+words+structure"
    head = json.dumps({**header, "features": "char1-4+words"}).encode()
    stale = MAGIC + struct.pack("<I", len(head)) + head + data[start + length:]
    with pytest.raises(ValueError, match="rebuild"):
        CharModel.loads(stale)


def test_the_shipped_model_acts_from_the_first_message():
    """No samples taught, an ordinary member past probation: the shipped model alone judges."""
    char = shipped()
    assert char is not None and char.trained, "plugins/antispam/data/charmodel.bin is missing"
    model = SpamModel()
    text = "出USDT，大额承兑，汇率全网最低，秒到账，需要的老板私聊"
    ad = decide(Facts(text=text), CFG, model, "room")
    assert "charmodel" in {v.name for v in ad.fired}, ad.evidence()
    chat = decide(Facts(text="今天晚上谁去打球，七点老地方见"), CFG, model, "room")
    assert "charmodel" not in {v.name for v in chat.fired}, chat.evidence()
    off = AntispamConfig.model_validate({"charmodel": {"mode": "off"}})
    assert "charmodel" not in {v.name for v, _ in decide(Facts(text=text), off, model, "room").verdicts}


def test_a_newcomers_adoption_post_is_not_removed_at_once():
    """Seen in a simulated pet group: a weak newcomer phrase and the shipped model's score just past
    its line removed a rescue's post at once. A warning at most, and a sure ad still goes at once."""
    model = SpamModel()
    post = decide(Facts(text="救助的小橘猫找领养，三个月大，已驱虫打疫苗，只限同城，需要签领养协议，有意的朋友私聊我",
                        newcomer=True), CFG, model, "room")
    assert not post.obvious, post.evidence()
    ad = decide(Facts(text="宝妈在家兼职，一单一结，日入200+，不收任何费用，有意扣 3352781946", newcomer=True),
                CFG, model, "room")
    assert ad.obvious, ad.evidence()


# issue 11: a newcomer telling the group, once, what she does and asking to be messaged, with no
# contact data, link, QR code, bait or price (a relative in a family group: 我在做护肤品代理，有需要
# 私聊我 was removed at once; 私聊我 and the model reading the same words counted as two checks)
OWN_BUSINESS = ["我在做护肤品代理，有需要私聊我",
                # spam41's model read this telling 0.395 and spam42's 0.495, under charmodel.clears: her
                # phrase was cleared and she was not reminded at all (a strict xfail in spam41). A trade
                # of her own named with a call to message her is reminded whatever the model reads
                # (engine._offers_own_trade; test_her_own_trade_is_reminded_at_any_reading)
                "我最近在做护肤品代理，效果还不错，有需要的私聊我",
                "表姐在做护肤品代理，有需要私聊我", "本人做家政保洁的，有需要私聊我", "我是做保险的，有需要私聊我"]
# the same business with what reaches outside the group or hooks the reader: judged as before
OWN_BUSINESS_AND_MORE = ["我在做护肤品代理，有需要加我微信 hufu_8899", "我在做护肤品代理，免费试用装，有需要私聊我",
                         "我在做护肤品代理，有需要私聊我 https://shop.weidian.com/abc"]


@pytest.mark.parametrize("text", OWN_BUSINESS)
def test_a_newcomer_mentioning_her_own_business_once_is_reminded_not_removed(text):
    decision = decide(Facts(text=text, newcomer=True), CFG, SpamModel(), "room")
    assert not decision.obvious and decision.says_only, decision.evidence()
    assert decision.severity != "high"
    assert any("只提醒，不移出" in v.why for v in decision.fired), decision.evidence()


@pytest.mark.parametrize("text", ["我最近在做护肤品代理，效果还不错，有需要的私聊我", "本人做家政保洁的，有需要私聊我",
                                  "我是做保险的，有需要私聊我"])
def test_her_own_trade_is_reminded_at_any_reading(text):
    """A newcomer's own trade offered with a call to message her is the newcomers' rule's reminder
    whatever the char model reads: read below charmodel.clears (as the probe-trained models read the
    first line, 0.395 and 0.495), it was cleared and she was not reminded at all. A carpool's free
    seats name no trade of the writer's: there the model's low reading still clears the phrase."""
    low = decide(Facts(text=text, newcomer=True), CFG, _ReadAt(0.1), "room")
    assert low.says_only and not low.obvious and low.severity != "high", low.evidence()
    assert any("只提醒，不移出" in v.why for v in low.fired), low.evidence()
    seats = decide(Facts(text="车上还有3个位置，有需要的私聊我", newcomer=True), CFG, _ReadAt(0.1), "room")
    assert not seats.spam, seats.evidence()


# a reading club's and a class's notices, each with a free thing and a call to message the writer: the
# corpus's such notices warned a newcomer 警告：发广告 on the phrase and the bait (a giveaway of what the
# writer has no more use for is no bait at all: checks._GIVEAWAY; nor is what a game short of players
# shares, 周日羽毛球还差两个人…球免费提供: checks._SHORT_OF_PEOPLE)
NOTICES_WITH_A_FREEBIE = ["社区读书会周六下午在图书馆，茶水免费，想来的私聊我报名",
                          "周末亲子手工课在社区活动室，材料免费提供，想来的私聊我"]


@pytest.mark.parametrize("text", NOTICES_WITH_A_FREEBIE)
def test_a_freebie_among_words_read_as_chat_is_a_reminder_not_an_ad(text):
    """The bait is a word of an ordinary message where the char model reads the whole as chat
    (below the level where it may agree with another check, engine._says_only); read past that
    level, the same words are judged as before (a warning)."""
    chat = decide(Facts(text=text, newcomer=True), CFG, _ReadAt(0.05), "room")
    assert chat.says_only and not chat.obvious, chat.evidence()
    assert any("其余的话读来是聊天：只提醒，不移出" in v.why for v in chat.fired), chat.evidence()
    near = decide(Facts(text=text, newcomer=True), CFG, _ReadAt(0.91), "room")
    assert near.spam and not near.says_only, near.evidence()


@pytest.mark.parametrize("text", OWN_BUSINESS_AND_MORE)
def test_her_business_with_an_id_a_link_or_bait_is_an_obvious_ad_as_before(text):
    decision = decide(Facts(text=text, newcomer=True), CFG, SpamModel(), "room")
    assert decision.obvious and not decision.says_only, decision.evidence()


# issue 11: a newcomer who says what she does and asks to be messaged (有意私), with no contact
# data, link, QR code, stop phrase, bait or price, was removed at once where the text models read
# it past the obvious level (我在做护肤品代理，有意私: 0.996): the phrase makes it a reminder at any score
MODELS_ONLY = ["我在做护肤品代理，有意私", "本人专业做美甲美睫，有意私", "本人做代购的，日韩欧美都能带，有意私"]
# without the phrase, the text models' word on a newcomer stands: reminding on it took 451 of the
# held-out split's 2,242 ads off removal to spare 1 of its 2,933 normal rows (2026-12-04)
MODELS_ALONE = ["专业代练王者荣耀，包上星耀，安全不封号", "收U，量大从优，长期合作"]


@pytest.mark.parametrize("text", MODELS_ALONE)
def test_a_newcomer_convicted_by_the_text_models_alone_is_still_an_obvious_ad(text):
    decision = decide(Facts(text=text, newcomer=True), CFG, SpamModel(), "room")
    assert decision.obvious and not decision.says_only, decision.evidence()


@pytest.mark.parametrize("text", MODELS_ONLY)
def test_a_newcomer_saying_what_she_does_is_reminded_at_any_score(text):
    decision = decide(Facts(text=text, newcomer=True), CFG, SpamModel(), "room")
    assert decision.spam and decision.says_only and not decision.obvious, decision.evidence()
    assert decision.severity != "high"
    # at any score: read past the obvious level alone (the models before spam41 read these lines
    # 0.99+; the spam41 model reads the first 0.95), it is still a reminder, not a removal
    past = decide(Facts(text=text, newcomer=True), CFG, _ReadAt(0.999), "room")
    assert past.spam and past.says_only and not past.obvious, past.evidence()
    assert past.severity != "high"


def test_a_newcomers_ad_with_a_hotline_is_no_models_only_reminder():
    """A hotline reaches the writer outside the group as an id does (the square-dance group's
    深海鱼油 seller, removed at once in its simulated day, would have been only reminded)."""
    text = "深海鱼油买二送一，专治三高，不好不要钱，货到付款，咨询热线 400-888-6666"
    decision = decide(Facts(text=text, newcomer=True), CFG, SpamModel(), "room")
    assert decision.obvious and not decision.says_only, decision.evidence()


# issue 11: regulars recommending a blogger or a shop they use were reminded on the shipped model
# (0.94 and 1.00): ordinary chat between members who know each other
RECOMMENDING = ["推荐一个辅食博主，小红书搜 小树辅食日记", "冲扫一卷 35 块，老板微信 chongxi_gulou，报我名字打九折",
                "强烈推荐这个做手工的博主，抖音搜 阿朵的布艺 教程很细"]


@pytest.mark.parametrize("text", RECOMMENDING)
def test_a_regular_recommending_a_blogger_or_a_shop_is_not_reminded(text):
    regular = decide(Facts(text=text), CFG, SpamModel(), "room")
    assert not regular.spam, regular.evidence()
    # read past the members' level (as the models before spam41 read them; spam41's reads them
    # 0.1-0.2), the regular's recommendation is still spared, and the reason says why
    high = decide(Facts(text=text), CFG, _ReadAt(0.999), "room")
    assert not high.spam, high.evidence()
    [model] = [v for v, _ in high.verdicts if v.name == "charmodel"]
    assert "推荐自己常用的店或博主" in model.why
    # from a newcomer the same line is judged as before: a referral is how ads bring people elsewhere,
    # so the char model's reading stands, with the referral beside it, and no exemption is made.
    # (Whether that convicts is the model's and the newcomer level's call.)
    newcomer = decide(Facts(text=text, newcomer=True), CFG, _ReadAt(0.999), "room")
    [model] = [v for v, _ in newcomer.verdicts if v.name == "charmodel"]
    assert model.spam and "推荐自己常用的店或博主" not in model.why, newcomer.evidence()
    assert any(v.name == "contact" and v.spam for v, _ in newcomer.verdicts), newcomer.evidence()


@pytest.mark.parametrize(("text", "recommended"), [
    # the estate's or the group's name gets its members the shop's price: the same tip as 报我名字
    # (the spam30 model read a regular's tiles line 0.965, past the members' level)
    ("建材城马可波罗专卖店，报小区名有团购价，8折", True),
    ("东门那家理发店 报群名打九折 剪得还行", True),
    # with the writer's own call or a hook it stays a referral ad
    ("报群名享优惠 加我微信 tuan_8866", False),
    ("专卖店开业 报小区名 进群领红包", False),
    # a shop named as one among many, or an old brand, is someone else's (spam31: a village group's
    # tip for a county shop selling on 抖音 was read as a referral ad)
    ("推荐一家做卤味的老字号 我们镇上的 抖音搜 镇口老李卤味 我每次回家都买", True),
    ("推荐一家面馆 在火车站对面 牛肉面很正宗", True),
    # the writer's own shop is no third party, and a platform with a payout stays an ad
    ("推荐一下 我开了一家奶茶店 抖音搜 阿珍奶茶", False),
    ("推荐一家靠谱的平台 抖音搜 财富自由 每天都有收益", False),
])
def test_a_tip_for_a_third_partys_shop_is_a_recommendation(text, recommended):
    from plugins.antispam.recommend import recommends
    assert (recommends(normalise(text).body) is not None) is recommended


def test_the_models_evidence_names_whole_words_not_runs_across_them():
    """The second line above was explained to its owner with 「u报我名」 and 「ong」: a run from the
    end of a latin id into Chinese, and a piece of a latin word. (A strict xfail from spam27 to
    spam28: those models' strongest runs hid 老板 as 块老板 or 老板微; the spam29 model names it.)"""
    shown = [w for w, _ in SpamModel().score(RECOMMENDING[1], "room").char_pushes]
    assert shown and "老板" in shown
    # jieba cuts 微信 in two (微|信): the pair 老板|微 is no word either (the spam31 rebuild showed it)
    n = normalise(RECOMMENDING[1])
    skeleton = charmodel._DIGIT.sub("0", n.dense)
    cuts, breaks = charmodel._cuts(skeleton), charmodel.breaks_of(n.body, n.dense)
    assert charmodel._shown("b:老板|微", skeleton, cuts, breaks) == ""
    assert charmodel._shown("b:报|我", skeleton, cuts, breaks) == "报我"
    for word in shown:
        assert not (re.search(r"[a-z]", word) and re.search(r"[\u4e00-\u9fff]", word)), shown
        assert not re.fullmatch(r"[a-z]+", word) or word in ("chongxigulou",), shown
    # shown parts of one run are said once, by the run (小红书, not 小红、红书、小红书)
    tips = [w for w, _ in SpamModel().score(RECOMMENDING[0], "room").char_pushes]
    assert "小红书" in tips and "小红" not in tips and "红书" not in tips, tips


def test_the_models_evidence_glues_no_particles_and_crosses_no_punctuation():
    """的有 and 好我是 were shown to an owner for a newcomer's 大家好 我是做外贸的 有需要代购… (pairs and
    runs glued on a particle), and 块老板 for 35 块，老板微信 (a run across the comma)."""
    trader = "大家好 我是做外贸的 有需要代购欧洲奢侈品的可以加我微信 dave_eu888 正品保证"
    shown = [w for w, _ in SpamModel().score(trader, "room").char_pushes]
    assert shown and not {"的有", "好我是", "好我"} & set(shown), shown
    shown = [w for w, _ in SpamModel().score(RECOMMENDING[1], "room").char_pushes]
    assert shown and not any(w.startswith("块") for w in shown), shown


# members helping each other (issue 11): the shipped model had warned a regular for the second and
# removed a newcomer at once for it in a simulated day; the corpus has such advice now, not these lines
ADVICE = ["支付宝搜一下社保那个小程序，线上就能办", "拼多多搜一下，比超市便宜", "小红书搜xx攻略挺全的",
          "小红书搜一下 成都美食攻略 挺全的", "b站搜一下 win10开机慢 有详细教程"]
# the same platforms and search words for the sender's own shop, with a kickback or a hook
REFERRALS = ["抖音搜：好物小铺123 下单返利 私信领券 加我拉你进福利群", "小红书搜 省钱姐 领佣金 加我",
             "拼多多搜 晨晨百货 下单后截图私信我 返五块 加我进群"]


# the model trained on the probe files (spam41) read a newcomer's 拼多多搜一下，比超市便宜 0.923, just past
# the threshold (0.913; main's model 0.858): the probes' referral ads pushed it up, and it was a strict
# xfail from spam41 to lead55 (docs/MEASUREMENTS.md "spam41", "lead40"). lead56's model (thirty-eight probe
# files, weights averaged over the last five epochs) reads it under its threshold: every case passes
_ADVICE_CASES = [pytest.param(text, newcomer, id=f"{'newcomer' if newcomer else 'member'}-{i}")
                 for i, text in enumerate(ADVICE) for newcomer in (False, True)]


@pytest.mark.parametrize(("text", "newcomer"), _ADVICE_CASES)
def test_a_members_advice_on_where_to_search_is_not_an_ad(text, newcomer):
    decision = decide(Facts(text=text, newcomer=newcomer), CFG, SpamModel(), "room")
    assert not decision.spam, (newcomer, decision.evidence())


@pytest.mark.parametrize("text", REFERRALS)
def test_a_referral_with_a_kickback_is_still_an_ad(text):
    model = SpamModel()
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, model, "room")
        assert decision.spam, (newcomer, decision.evidence())


# issue 11, the char model's innocent flags: a runner asking to BUY a place (a regular reminded in a
# simulated running club), a neighbour's restaurant hiring by phone and a shop's job (0.95 and
# 0.93–0.97), and more such lines written for this test: buyers' requests (收/求/想买), places and
# tickets passed on among friends, small shops hiring among neighbours, people asking about jobs.
# The model reads a buyer's 私我 and 价格好说 as a seller's (0.97-1.00); the hand-written rows that
# would teach it otherwise (data/corpus_candidates/*_asks_*.tsv) raised the held-out false-positive
# rate (DATASHEET_asks.md), so the char model's verdict on a buyer's ask is not enough alone
# (buying.asks_to_buy, model_checks.check_charmodel)
ASKING = [
    "有人要转让名额吗？我收一个，私聊我，价格好商量",
    "饭店招服务员两名，包吃住，工资四千起，联系电话 13905718842",
    "我们店招兼职服务员，日结，加我微信详聊",
    "我们店招兼职，日结，加我微信",  # the stop phrase 兼职日结 was read across the commas
    "收一张下周日杭马的号码布，我报名没抽中，价格好说，私我",
    "求一辆二手儿童自行车，16寸的就行，有闲置的私我",
    "收一台二手的iPad，能上网课就行，预算一千左右，有的私聊",
    "求购周六周杰伦演唱会的票两张，原价收，不要黄牛",
    "周六的马拉松我去不了了，名额有人要吗？原价转，私我",
    "多一张明晚话剧的票，第五排，原价给群里朋友，要的私聊",
    "健身房年卡还剩八个月，搬家了用不上，低价转，有需要的找我",
    "楼下水果店找个帮忙的阿姨，上午半天，有兴趣的直接去店里问老板",
    "我家面馆缺个洗碗的，中午忙那三个小时，一小时二十，电话 15867203391 找老周",
    "小区门口超市招夜班收银，有人想做吗，我帮你问问",
    "有人知道附近哪家店招暑假工吗，我家孩子想去锻炼一下",
    "请问咱们群里有做人事的吗，想打听下兼职日结靠谱不靠谱",
    "有没有在招人的，我老婆想找个离家近的活，会开车会记账",
    # a game guild's gold buyer (收 = buying; 1.000 to the model, an obvious ad for anyone before)
    "收金，1:150，量大可谈，私我",
    "收两张周六音乐节的票，价格好说，有的私我",
    "蹲一个二手的switch，带卡带更好，价格好商量，私聊",
    "有人出闲置的婴儿推车吗？我收一个，价格好说，私我",
]
# buying what only the grey market buys, or buying for a living, is still an ad (payment
# laundering, account farming, the recycling shop), written for this test
BUYING_ADS = [
    "收银行卡，一张五百，当天结，私聊",
    "收一个实名微信号，价格好说，私我",
    "急收二类卡，网银能用就行，今晚就要，一张八百，有的私我",
    "长期收游戏账号，量大可谈，私我",
    "高价收金，上门回收黄金首饰，私我",
]


@pytest.mark.parametrize("text", BUYING_ADS)
def test_buying_what_the_grey_market_buys_is_still_an_ad(text):
    model = SpamModel()
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, model, "room")
        assert decision.spam, (newcomer, decision.evidence())
        assert not any("asking to buy" in v.details for v, _ in decision.verdicts)


# ads of the held-out split's weakest kinds (contact and adult lures, fakes, referrals to an
# account elsewhere), written for this test in other words than the corpus's
LURES = [
    "寂寞的哥哥看过来，同城可约，照片真人，加我看相册",
    "晚上睡不着的来找我聊，地址私发，先付定金",
    "一手货源高仿包包，专柜品质，图册加我微信 bag_886 看",
    "莆田鞋厂直发，质量对标正品，拿货找我，v：shoe3391",
    "跟着老师操作，每天稳赚3个点，想进群学习的加我",
    "内部消息，明天这只票必涨，老师带你翻倍，私我进群",
    "抖音关注我，每天分享赚钱项目，主页有联系方式",
    "小红书搜我名字，有惊喜，还送你新人福利",
    "有没有单身的哥哥，加我Q 3391028476 聊聊",
    "代办各种证件，学历可查，加我微信详谈 zb_6677",
    "网上兼职打字员，在家就能做，日赚三百，加我Q 2298371640",
]


@pytest.mark.parametrize("text", ASKING)
def test_asking_to_buy_hiring_among_neighbours_and_asking_about_jobs_are_not_ads(text):
    """No reminder for a regular, and a newcomer is never removed at once for it (a newcomer's
    phone number may still be the newcomers' rule, 新成员暂不能在群里发联系方式)."""
    model = SpamModel()
    member = decide(Facts(text=text), CFG, model, "room")
    assert not member.spam, member.evidence()
    newcomer = decide(Facts(text=text, newcomer=True), CFG, model, "room")
    assert not newcomer.obvious, newcomer.evidence()


@pytest.mark.parametrize("text", LURES)
def test_ads_of_the_weakest_kinds_are_still_caught(text):
    model = SpamModel()
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, model, "room")
        assert decision.spam, (newcomer, decision.evidence())


REBUILD = "python -m plugins.antispam.build_model --shared ../shared/data/spam"


def test_the_shipped_model_was_built_with_todays_feature_code():
    """The weights are indexed by features that normalize.py, contact.py, the checks' frame test,
    the word cutter and charmodel.grams compute: the artifact must come from today's code."""
    from plugins.antispam import feature_code

    char = shipped()
    assert char is not None
    recorded = char.meta.get("feature_code")
    assert recorded, f"plugins/antispam/data/charmodel.bin records no feature code: rebuild it with `{REBUILD}`"
    changed = feature_code.changed(recorded)
    assert not changed, (f"the char model's feature code changed since plugins/antispam/data/charmodel.bin was "
                         f"built ({', '.join(changed[:8])}): rebuild it with `{REBUILD}` (see docs/QUALITY.md)")


def test_the_shipped_model_was_built_with_todays_features():
    """What our code leans on (OpenCC's tables, jieba's dictionary) must read the texts as it did."""
    from plugins.antispam.charmodel import features_probe
    from plugins.antispam.dataset import seed_rows

    char = shipped()
    assert char is not None
    assert char.meta.get("features_probe") == features_probe(r.text for r in seed_rows()), (
        f"the seed texts' features differ from the build's: rebuild it with `{REBUILD}`")


def test_the_feature_fingerprint_sees_code_not_comments(monkeypatch):
    """Editing a regex the frame test uses asks for a rebuild and names it; a comment, a
    docstring, or code of checks.py off the feature path does not."""
    from plugins.antispam import checks, feature_code

    today = feature_code.feature_code()
    assert {"plugins.antispam.normalize.normalise", "plugins.antispam.contact.find_contacts",
            "plugins.antispam.checks.framed", "plugins.antispam.charmodel.grams",
            "data/ordinary_domains.txt"} <= today.keys()
    original = feature_code.source(checks)

    def edited(old: str, new: str) -> list[str]:
        assert old in original
        text = original.replace(old, new, 1)
        monkeypatch.setattr(feature_code, "source", lambda m: text if m is checks else original_source(m))
        feature_code._module.cache_clear()
        try:
            return feature_code.changed(today)
        finally:
            monkeypatch.undo()
            feature_code._module.cache_clear()

    original_source = feature_code.source
    assert edited("def framed(n: Normalised) -> bool:\n", "def framed(n: Normalised) -> bool:  # why\n") == []
    assert edited('"""A quote or a shown ad anywhere', '"""Any quote or shown ad anywhere') == []
    assert edited("def discussing(n: Normalised) -> bool:\n",
                  "def discussing(n: Normalised) -> bool:\n    n = n\n") == []
    warning = edited('_WARNING = re.compile(r"骗|', '_WARNING = re.compile(r"诈|骗|')
    assert warning == ["plugins.antispam.checks._WARNING"]


def test_online_learning_moves_the_model_the_same_way_in_every_process():
    a, b = fixture_model(), fixture_model()
    text = "本群福利，代购大牌包包，一手货源，朋友圈天天更新"
    before = a.score(text).prob
    assert before < a.threshold
    assert a.learn(text, 1) > 0
    assert a.score(text).prob >= a.threshold
    b.learn(text, 1)
    assert list(a.w) == list(b.w) and a.b == b.b  # deterministic: processes converge
    a.learn(text, 0)
    assert a.score(text).prob < a.threshold


def test_split_is_by_campaign():
    rows = [Row(1, f"变体{i}", campaign="camp_7") for i in range(20)]
    assert len({split_of(r) for r in rows}) == 1
    sides = {split_of(Row(1, "x", campaign=f"c{i}")) for i in range(200)}
    assert sides == {"train", "test"}
    share = sum(split_of(Row(1, "x", campaign=f"c{i}")) == "test" for i in range(2000)) / 2000
    assert 0.15 < share < 0.25


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


def test_a_second_process_picks_up_new_labels_within_a_minute(sessions):
    clock = FakeClock(NOW)
    ours, theirs = Learner(), Learner()  # two processes sharing one database
    text = "明天下午三点小区门口集合，记得带水和帽子"  # ordinary-looking, so the lesson shows
    with sessions() as db:
        before = theirs.model(db, clock.now()).score(text, SHARED).char
        assert before is not None and before < 0.5
        ours.model(db, clock.now())
        db.commit()
    with sessions() as db:
        store.add_sample(db, SHARED, 1, text, source="spam_command", by="admin", at=clock.now())
        assert ours.model(db, clock.now(), refresh=True).score(text, SHARED).char > before  # at once here
        db.commit()
    clock.advance(10)
    with sessions() as db:
        assert theirs.model(db, clock.now()).score(text, SHARED).char == before  # not polled yet
    clock.advance(25)
    with sessions() as db:
        after = theirs.model(db, clock.now())
        assert after.score(text, SHARED).char > before
        assert after.score(text, SHARED).char == pytest.approx(ours.model(db, clock.now()).score(text, SHARED).char)


# ---------------------------------------------------------------------- QR codes
def photo(width: int = 640, height: int = 480, fmt: str = "JPEG", *, qr_payload: str | None = None) -> bytes:
    """A photo-like picture (smooth gradients and noise), optionally with a QR code pasted in."""
    rng = random.Random(3)
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    img = Image.blend(img, Image.effect_noise((width, height), 60).convert("RGB"), 0.4)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        img.paste((rng.randrange(256), rng.randrange(256), rng.randrange(256)), (x, y, x + 60, y + 40))
    if qr_payload:
        code = qrcode.make(qr_payload, box_size=5).get_image().convert("RGB")
        img.paste(code, (width - code.size[0] - 20, 20))
    buf = io.BytesIO()
    img.save(buf, fmt, quality=90) if fmt == "JPEG" else img.save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize(("payload", "kind"), [
    ("https://u.wechat.com/EG7xYz1AbCdE", "wechat_contact"),
    ("https://weixin.qq.com/g/AQYAAJxk9f3Lq", "wechat_group"),
    ("https://work.weixin.qq.com/u/vc7f3e2a1b", "wecom"),
    ("wxp://f2f0Xy3Rq9LmN", "payment"),
    ("https://qr.alipay.com/fkx19533abcdef", "payment"),
    ("https://t.me/+AbCdEfGh123", "other_platform"),
    ("https://qm.qq.com/cgi-bin/qm/qr?k=abc", "qq"),
])
def test_ad_qr_codes_are_decoded_and_recognised(payload, kind):
    [text] = qr.decode(qr_png(payload))
    assert text == payload
    target = qr.classify(text)
    assert target.kind == kind and target.ad


def test_a_qr_code_inside_a_photo_is_found_and_a_plain_photo_has_none():
    assert qr.decode(photo(qr_payload="https://u.wechat.com/EG7xYz1AbCdE")) == ["https://u.wechat.com/EG7xYz1AbCdE"]
    assert qr.decode(photo()) == []
    assert qr.decode(photo(fmt="PNG")) == []


def test_ordinary_qr_codes_are_not_ads():
    for payload in ("https://www.example.com/menu", "WIFI:S:home;T:WPA;P:12345678;;", "你好"):
        assert not qr.classify(qr.decode(qr_png(payload))[0]).ad


def test_decoding_is_bounded():
    with pytest.raises(qr.TooLarge):
        qr.decode(qr_png("https://u.wechat.com/x"), max_bytes=100)
    with pytest.raises(qr.TooLarge):
        qr.decode(photo(2000, 2000, "PNG"), max_pixels=1_000_000)
    with pytest.raises(ValueError):
        qr.decode(b"GIF89a not really")


class ImageLookup:
    """The platform side of the contract: an image message's bytes by message id."""

    def __init__(self, images: dict[str, bytes]) -> None:
        self.images = images
        self.asked: list[str] = []

    async def message_image(self, message_id: str) -> bytes | None:
        self.asked.append(message_id)
        return self.images.get(message_id)


async def test_the_plugin_flags_a_contact_qr_image_and_not_a_photo(sessions):
    plugin = AntispamPlugin()
    rules = parse_rules("version: 1\ndefaults:\n  antispam:\n    probation:\n      messages: 0\n", "test", [plugin])
    clock = FakeClock(NOW)
    room = RoomInfo(id="r1@chatroom", topic="t", owner_id="wxid_owner", admin_ids=frozenset({"wxid_bot"}),
                    member_ids=frozenset({"wxid_a", "wxid_b", "wxid_owner", "wxid_bot"}))
    lookup = ImageLookup({"m-qr": photo(qr_payload="https://weixin.qq.com/g/AQYAAJxk9f3Lq"),
                          "m-photo": photo()})

    async def post(event_id: str, sender: str) -> Session:
        msg = MessageReceived(event_id=event_id, room_id=room.id, sender_id=sender, sender_name=sender,
                              sender_alias="", kind=MessageKind.IMAGE, text="", timestamp=clock.now())
        with sessions() as db:
            facts = members.touch(db, room.id, sender, clock.now() - timedelta(days=30), message=True)
            ctx = Context(rules=rules, clock=clock, db=db, room_id=room.id, room=room, self_id="wxid_bot",
                          event=msg, source="antispam", lookup=lookup, member=facts)
            await plugin.handle(ctx)
            db.commit()
        return db

    await post("m-photo", "wxid_a")
    await post("m-qr", "wxid_b")
    assert lookup.asked == ["m-photo", "m-qr"]
    with sessions() as db:
        cases = db.query(Case).all()
        assert [c.target_id for c in cases] == ["wxid_b"]
        checks = {c["name"]: c for c in cases[0].evidence["checks"]}
        assert checks["qrcode"]["spam"] and "微信群二维码" in checks["qrcode"]["details"]


def test_grams_from_the_cache_are_the_hashed_features(monkeypatch):
    """codes() keeps each feature's hash (index and sign as one int) across messages: what comes
    from the cache is what hashing the feature gives, and the cache stays bounded."""
    import zlib

    from plugins.antispam import charmodel

    monkeypatch.setattr(charmodel, "_CODES", {})
    monkeypatch.setattr(charmodel, "_CODES_KEPT", 50)
    text = normalise("兼职日结，加微信 jz_lily88 详情私聊")
    first = sorted(charmodel.grams(text), key=lambda g: g.text)
    again = sorted(charmodel.grams(text), key=lambda g: g.text)  # from the cache (or refilled)
    assert first == again
    for g in again:
        h = zlib.crc32(g.text.encode("utf-8"))
        assert (g.index, g.sign) == (h & charmodel.MASK, 1.0 if h >> 31 else -1.0)
    assert len(charmodel._CODES) <= 50 + len(first)  # cleared when over the bound
    index, signs = charmodel.indices(text)  # the training's arrays: the same features
    assert sorted(zip(index, signs, strict=True)) == sorted((g.index, int(g.sign)) for g in first)


def test_a_newcomers_lone_call_the_model_reads_as_no_ad_does_not_count():
    """Seen in a simulated class-reunion group: a classmate just added offered the free seats of
    a carpool home (有需要的私聊我) and was warned 发广告, the model at 3%. The phrase alone, no
    contact data, counts no more than a newcomer's own id does; with an ad's words it still does."""
    model = SpamModel()
    carpool = "在外地的同学要不要一起拼车回去？我从杭州开车回，车上还有3个位置，有需要的私聊我"
    decision = decide(Facts(text=carpool, newcomer=True), CFG, model, "room")
    assert not decision.spam, decision.evidence()
    keywords = next(e for e in decision.evidence() if e["name"] == "keywords")
    assert "不像广告" in keywords["why"] and "私下联系" in keywords["why"], keywords
    ad = decide(Facts(text="宝妈在家兼职，有需要的私聊我", newcomer=True), CFG, model, "room")
    assert ad.spam, ad.evidence()
    strict = AntispamConfig.model_validate({"charmodel": {"clears": None}})
    assert decide(Facts(text=carpool, newcomer=True), strict, model, "room").spam


@pytest.mark.parametrize("text", [
    # seen in a simulated developers' group and on the held-out split (12 of the 32 innocents a
    # newcomer was warned for): an organiser's, a recruiter's or a parent's own plain id
    "下周六组织去爬香山，早上七点地铁站集合，想去的加我微信 pashan_laoli 我拉个小群",
    "我们组在招前端，base 深圳，感兴趣的加我微信 hr_zhou2025 发简历",
    "孩子们运动会的照片我拍了好多，要原图的家长加我QQ 1839204756 发你",
    # seen in a simulated class reunion, answering 大家有没有在合肥的 (the model at 45%: past 0.2,
    # the level before)
    "我在合肥！加我微信 chenjing_hf 聊",
])
def test_a_newcomers_own_contact_the_model_reads_as_no_ad_does_not_count(text):
    model = SpamModel()
    decision = decide(Facts(text=text, newcomer=True), CFG, model, "room")
    assert not decision.spam, decision.evidence()
    contact = next(e for e in decision.evidence() if e["name"] == "contact")
    assert "不像广告" in contact["why"], contact  # the record says why it was let go
    assert "评分 0%" not in contact["why"], contact  # a tiny score is not "0%", as if the model had not run
    charmodel = next(e for e in decision.evidence() if e["name"] == "charmodel")
    assert "程度 0%" not in charmodel["why"], charmodel  # nor in the model's own line
    # the level is the operator's: null counts a newcomer's contact data as before
    strict = AntispamConfig.model_validate({"charmodel": {"clears": None}})
    assert "contact" in {v.name for v in decide(Facts(text=text, newcomer=True), strict, model, "room").fired}


@pytest.mark.parametrize("text", [
    "在家就能做的兼职，日结两百，需要的加我微信 jz_8866",  # something offered: the model agrees
    "下周六组织去爬香山，早上七点地铁站集合，想去的加我薇信 pashan_laoli 我拉个小群",  # hidden: strong
])
def test_an_offered_or_hidden_contact_still_counts_for_a_newcomer(text):
    decision = decide(Facts(text=text, newcomer=True), CFG, SpamModel(), "room")
    assert "contact" in {v.name for v in decision.fired}, decision.evidence()


@pytest.mark.parametrize("text", [
    # a neighbour's used desk from a newcomer was removed at once (the model 0.998: ads end 需要的私聊
    # too, and the corpus had few sales of one's own things)
    "出闲置书桌，宜家的，五十，需要的私聊",
    "出闲置的婴儿床，八成新，一百块，需要的私聊",
    "出全新未拆封的电动牙刷，买多了，一百五，需要的私",
])
def test_a_neighbours_own_used_things_for_sale_are_not_an_ad(text):
    model = SpamModel()
    assert not decide(Facts(text=text), CFG, model, "room").spam
    newcomer = decide(Facts(text=text, newcomer=True), CFG, model, "room")
    assert not newcomer.obvious, newcomer.evidence()



# members' real referrals with a company address stay clean (a recruiter's 加V详聊 with an id is
# contact data now, tests/test_antispam_judgement.py); the hand-written recruitment-spam rows that
# would catch 猎头…简历发 a free-mail address are kept out of the build (DATASHEET_simdays.md)
@pytest.mark.parametrize("text", [
    "我们部门招后端，内推发我邮箱 chen.hao@xiaomi.com",
    "内推京东物流，运营岗，简历发 zhao.min@jd.com，写上群名",
    "我司在招会计，本科两年经验，简历发我 li.na@pingan.com.cn 我帮你递",
    "有猎头打电话问我要不要跳槽，给的年薪挺高",
])
def test_a_members_referral_with_a_company_address_is_not_an_ad(text):
    model = SpamModel()
    for newcomer in (False, True):
        decision = decide(Facts(text=text, newcomer=newcomer), CFG, model, "room")
        assert not decision.spam, (newcomer, decision.evidence())


def test_a_newcomers_lone_hidden_id_is_not_an_obvious_ad_even_when_the_model_is_sure():
    """Seen in a simulated day: 加我威 zhou_888 from a newcomer was removed at once, the char model
    at 1.000 and the homophone making the id hidden. Their own id and nothing else is the
    newcomers' rule broken: a warning first; with an offer it is still removed at once."""
    model = SpamModel()
    for text in ("加我威 zhou_888", "加我薇 zhou_888 谢谢"):
        lone = decide(Facts(text=text, newcomer=True), CFG, model, "room")
        assert lone.spam and not lone.obvious, lone.evidence()
        assert lone.label(CFG.texts.check_labels) == "新成员暂不能在群里发联系方式"
    for text in ("加我威 zhou_888 免费领资料", "薇信 zhou_888 有需要的私聊", "加我威 zhou_888 兼职日结"):
        offered = decide(Facts(text=text, newcomer=True), CFG, model, "room")
        assert offered.obvious, offered.evidence()
