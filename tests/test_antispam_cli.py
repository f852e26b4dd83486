"""`qunguan eval-spam` and `qunguan backtest` on small files the project wrote itself."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from bot.clock import FakeClock
from plugins.antispam import AntispamPlugin
from plugins.antispam.models import StoredMessage
from tests.harness import Harness, write_rules

LAST_LINE = re.compile(r"^precision=(\d\.\d{4}) recall=(\d\.\d{4}) f1=(\d\.\d{4}) fpr=(\d\.\d{4})$")

TRAIN = """label\ttext\tsource
1\t加V看朋友圈领福利\tmine
1\t招聘打字员，在家兼职日结\tmine
1\t薇信 abc123 领取资料\tmine
1\t低息贷款当天放款\tmine
0\t大家早上好\tmine
0\t明天的会议改到下午\tmine
0\t这本书真好看\tmine
0\t周末一起去爬山吧\tmine
"""

TEST = """source\tlabel\tcategory\ttext
a\t1\tx\t加 V ：xyz999 免费领取资料
a\t1\tx\t兼职日结，宝妈学生都可以做
a\t0\tx\t今天天气不错，适合出去走走
b\t0\tx\t周末一起去爬山的举个手
b\t1\tx\t扣扣 1 2 3 4 5 6 7 进群领福利
"""


def test_eval_spam_prints_metrics_and_contributions(tmp_path):
    (tmp_path / "train.tsv").write_text(TRAIN, "utf-8")
    (tmp_path / "test.tsv").write_text(TEST, "utf-8")
    result = CliRunner().invoke(main, ["eval-spam", str(tmp_path / "test.tsv"), "--train",
                                       str(tmp_path / "train.tsv")])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    precision, recall, f1, fpr = map(float, LAST_LINE.match(lines[-1]).groups())
    assert (precision, recall, f1, fpr) == (1.0, 1.0, 1.0, 0.0)
    assert any(line.strip().startswith("a ") for line in lines) and any(line.strip().startswith("b ") for line in lines)
    contact = next(line for line in lines if line.strip().startswith("contact"))
    assert "spam=     1" in contact  # 扣扣 1 2 3…; 加 V ：xyz999 is how people write an id (caught by its words)

    newcomer = CliRunner().invoke(main, ["eval-spam", str(tmp_path / "test.tsv"), "--newcomer"])
    assert newcomer.exit_code == 0 and "as a newcomer" in newcomer.output


# normal rows the shipped rules convict (mislabelled on purpose here: what each would bring on an
# innocent member is the point): an obvious ad, a newcomer's own id, a card-less sales pitch
INNOCENT = """label\ttext
0\t兼职日结加V:abc8888
0\t有问题加我微信 zhou_888
0\t我在做护肤品代理，有需要的私聊我
0\t周末一起去爬山吧
"""


def test_eval_spam_says_what_a_false_positive_would_bring_on_the_member(tmp_path):
    """A newcomer wrongly removed and one reminded are both false positives; the product's first
    promise is about the first, so the report counts them apart, as the ladder would act."""
    (tmp_path / "ham.tsv").write_text(INNOCENT, "utf-8")
    newcomer = CliRunner().invoke(main, ["eval-spam", str(tmp_path / "ham.tsv"), "--newcomer"])
    assert newcomer.exit_code == 0, newcomer.output
    [line] = [x for x in newcomer.output.splitlines() if x.startswith("false positives, by")]
    assert "removed 1 (25.00% of normal rows)" in line and "told the rule 1" in line and "reminded 1" in line
    member = CliRunner().invoke(main, ["eval-spam", str(tmp_path / "ham.tsv")])
    [line] = [x for x in member.output.splitlines() if x.startswith("false positives, by")]
    assert "removed" not in line  # an established member's first offence is never a removal


ADS = """label\ttext
1\t兼职刷单日结，一单一结，手机就能做，加V：sd8888a
1\t寒假硬笔书法班开始报名啦 包教包会 不练好字不收费 联系电话 139 8888 7766
1\t今天天气不错
"""


def test_eval_spam_says_what_an_ad_caught_would_bring_on_its_sender(tmp_path):
    """A bot cannot recall a member's message: a newcomer's ad only warned stays up, so the report
    says how many of the ads caught a first offence would remove, and how many it would not."""
    (tmp_path / "ads.tsv").write_text(ADS, "utf-8")
    newcomer = CliRunner().invoke(main, ["eval-spam", str(tmp_path / "ads.tsv"), "--newcomer"])
    assert newcomer.exit_code == 0, newcomer.output
    [line] = [x for x in newcomer.output.splitlines() if x.startswith("ads caught, by")]
    assert "removed 1 (33.33% of ads)" in line and "warned 1 (33.33% of ads)" in line, line
    member = CliRunner().invoke(main, ["eval-spam", str(tmp_path / "ads.tsv")])
    [line] = [x for x in member.output.splitlines() if x.startswith("ads caught, by")]
    assert "removed" not in line  # an established member's first offence is never a removal


CORPUS = """label\tcategory\tcampaign\ttext
0\tjobs_talk\tham_1\t我们厂招普工 日结工资 一天两百二 包午饭 找线长老刘 138 7305 2291
0\tdaily\tham_2\t今天晚上谁去打球，七点老地方见
1\tpayment\tspam_1\t出USDT，大额承兑，汇率全网最低，秒到账，需要的老板私聊
1\tpayment\tspam_2\t好的
"""


def test_eval_spam_breaks_down_by_category_and_prints_errors_with_each_checks_verdict(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "c.tsv").write_text(CORPUS, "utf-8")
    result = CliRunner().invoke(main, ["eval-spam", str(tmp_path / "corpus"), "--by", "category", "--errors", "5"])
    assert result.exit_code == 0, result.output
    out = result.output
    for category in ("jobs_talk", "daily", "payment"):
        assert f"  {category} " in out
    assert "@FPR 1.0%: recall=" in out and "@FPR 0.5%: recall=" in out
    errors = out.split("misclassified rows")[1]
    fp = errors.split("\n")[1]
    # marked by what it would bring, as the summary counts it: a member's opening at her own factory with
    # the stop phrase 日结工资 and a phone is reminded (a warning that quotes an ad, a job opening in 私域引流,
    # then shop talk of 引流 被限流 were the example until checks._unpointed, the 私域 fix and lead52's 限流
    # told them apart)
    assert fp.startswith("FP (reminded) [jobs_talk/ham_1] 我们厂招普工"), fp
    assert "would bring on the member (no strikes before): reminded 1 " in out
    assert "keywords  SPAM stop phrase: 日结工资" in errors
    assert "FN [payment/spam_2] 好的" in errors
    assert "[daily/ham_2]" not in errors and "[payment/spam_1]" not in errors  # right ones are not listed

    held_out = CliRunner().invoke(main, ["eval-spam", str(tmp_path / "corpus"), "--split", "test"])
    from plugins.antispam.dataset import read_tsv, split_of

    expected = sum(split_of(r) == "test" for r in read_tsv(tmp_path / "corpus" / "c.tsv"))
    assert f"scored {expected} rows" in held_out.output


def test_eval_spam_help_says_labels_are_0_and_1():
    out = CliRunner().invoke(main, ["eval-spam", "--help"]).output
    assert "label is 1 for spam or an ad and 0 for a normal message" in " ".join(out.split())


def test_eval_spam_rejects_a_file_without_the_columns(tmp_path):
    (tmp_path / "bad.tsv").write_text("foo\tbar\n1\tx\n", "utf-8")
    result = CliRunner().invoke(main, ["eval-spam", str(tmp_path / "bad.tsv")])
    assert result.exit_code != 0 and "label and text" in result.output


async def test_backtest_shows_what_a_candidate_rules_file_would_change(tmp_path):
    clock = FakeClock(datetime.now(UTC))
    bot = Harness(tmp_path, [AntispamPlugin()], clock=clock)
    await bot.start()
    try:
        room = bot.cast.admin
        chat = [("alice", "小区团购水果，今晚截单，需要的私聊我"), ("bob", "收到，谢谢"), ("carol", "我也要一份")]
        for who, text in chat:
            bot.say(room, who, text)
        await bot.settle()
        with bot.app.sessions() as db:
            assert len(list(db.scalars(select(StoredMessage)))) == 3
    finally:
        await bot.stop()
    candidate = write_rules(tmp_path / "candidate.yaml",
                            extra_defaults="antispam:\n  keywords:\n    stop_phrases: [团购]\n")
    result = CliRunner().invoke(main, ["backtest", "--since", "1d", "--current", str(bot.rules_path),
                                       "--rules", str(candidate), "--db", bot.database_url])
    assert result.exit_code == 0, result.output
    assert "replayed 3 messages" in result.output and "1 decision(s) change" in result.output
    assert "+ " in result.output and "小区团购水果" in result.output and "stop phrase: 团购" in result.output
