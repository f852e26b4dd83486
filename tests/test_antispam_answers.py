"""A regular answering another member's question is chat, not an ad (issue 11).

Played as a new owner would, in a simulated running club's day: alice asked 有人知道哪里买能量胶便宜吗
淘宝搜什么, and carol's answer 拼多多搜 GU能量胶 比淘宝便宜点 was put to the owner as a repeat
advertiser on the char model's word alone (0.992): a platform's search term and a price comparison,
the words of a referral ad, with the question they answered out of the model's sight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.events import Quote
from plugins.antispam import AntispamPlugin
from plugins.antispam.answers import ANSWER_WINDOW, Questions, asks
from plugins.antispam.checks import Facts
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import AntispamConfig
from plugins.antispam.engine import decide
from tests.harness import Harness, all_cases

CFG = AntispamConfig()
MODEL = SpamModel()
AT = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
QUESTION = "有人知道哪里买能量胶便宜吗 淘宝搜什么"
ANSWER = "拼多多搜 GU能量胶 比淘宝便宜点"


@pytest.mark.parametrize("text", [QUESTION, "附近哪家修鞋靠谱", "求推荐记账app", "周六约跑几点集合？",
                                  "谁有北马的训练计划", "这个手环准吗", "佳明265值不值 有没有用过的"])
def test_a_question_is_read(text):
    assert asks(text), text


@pytest.mark.parametrize("text", ["打卡 早上5公里", ANSWER, "明早奥森南门 我电话 138 1234 5678 找不到打我",
                                  "膝盖疼就歇两天 别硬跑"])
def test_a_statement_is_no_question(text):
    assert not asks(text), text


def test_an_answer_is_read_by_a_shared_topic_within_the_window_from_someone_else():
    questions = Questions()
    questions.note("room", "alice", "alice", QUESTION, AT)
    assert questions.answered("room", "carol", ANSWER, AT + timedelta(minutes=2)) == \
        "「alice」刚问的“有人知道哪里买能量胶便宜吗 淘宝搜什么”"
    # not one's own question, not another room's, not off topic, not once the window passed
    assert questions.answered("room", "alice", ANSWER, AT + timedelta(minutes=2)) == ""
    assert questions.answered("other", "carol", ANSWER, AT + timedelta(minutes=2)) == ""
    assert questions.answered("room", "carol", "出一双亚瑟士 42码 300包邮", AT + timedelta(minutes=2)) == ""
    assert questions.answered("room", "carol", ANSWER, AT + ANSWER_WINDOW + timedelta(seconds=1)) == ""
    # a quoted question is answered whatever its words
    quote = Quote(sender_name="bob", text="谁知道附近哪里修表", sender_id="bob")
    assert "引用了「bob」的提问" in questions.answered("room", "carol", "南门那个师傅 手艺好", AT, quote)


def test_a_regulars_answer_is_not_an_ad_alone_and_is_explained():
    answered = "「alice」刚问的“有人知道哪里买能量胶便宜吗…”"
    regular = decide(Facts(text=ANSWER, answering=answered), CFG, MODEL, "room")
    assert not regular.spam, regular.evidence()
    [model] = [v for v, _ in regular.verdicts if v.name == "charmodel"]
    assert "老成员在回答别人的提问（「alice」刚问的" in model.why, model.why
    assert decide(Facts(text=ANSWER), CFG, MODEL, "room").spam  # the model alone, as before
    # an answer that adds an ad's hook, or hides its contact, is judged as before
    for text in ("拼多多搜 GU能量胶 领红包 帮我助力一下", "拼多多搜 能量胶 比淘宝便宜 加v信 paobu668"):
        assert decide(Facts(text=text, answering=answered), CFG, MODEL, "room").spam, text


async def test_a_regular_answering_in_the_group_is_left_alone_and_the_same_words_unasked_are_not(
        tmp_path, database_url):
    bot = await Harness(tmp_path, [AntispamPlugin()], database_url=database_url, clock=FakeClock(AT)).start()
    try:
        room = bot.cast.admin
        bot.say(room, "alice", QUESTION)
        bot.say(room, "carol", ANSWER)
        await bot.settle()
        assert all_cases(bot) == []
        assert not any("@卡罗尔" in t or "carol" in t for t in bot.texts(room))
        # the same words with nothing asked: the model's verdict stands, as it did before
        bot.clock.advance(ANSWER_WINDOW.total_seconds() + 60)  # type: ignore[attr-defined]
        bot.say(room, "bob", ANSWER)
        await bot.settle()
        assert [(c.target_id, c.outcome) for c in all_cases(bot)] == [(bot.cast["bob"], "done")]
    finally:
        await bot.stop()
