"""Samples and word lists, a group's effective rules, and the backup, on the real bot."""

from __future__ import annotations

import re
import sqlite3

from sqlalchemy import select

from bot.clock import SystemClock
from bot.console.service import CONSOLE_ACTOR, parse_samples_tsv
from bot.core import lists
from db.models import ListEntry
from plugins.antispam.models import Sample
from tests.console.conftest import Console
from tests.harness import wait_until


def samples(console: Console, *where) -> list[Sample]:
    with console.bot.app.sessions() as db:
        found = list(db.scalars(select(Sample).where(*where).order_by(Sample.id)))
        db.expunge_all()
        return found


def learning(text: str) -> tuple[int, int]:
    found = re.search(r"still learning \((\d+) spam / (\d+) ham samples\)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def test_tsv_parsing_names_the_bad_lines():
    rows, errors = parse_samples_tsv("label\ttext\n1\t加我领券\n0\t今晚开会\n\n2\t坏标签\n1\t\n只有一列\n"
                                     "1\tcontact_lure\tc01\t扫码进群领红包\n")
    assert rows == [(1, "加我领券"), (0, "今晚开会"), (1, "扫码进群领红包")]
    assert [e.split("：")[0] for e in errors] == ["第 5 行", "第 6 行", "第 7 行"]


async def test_samples_add_search_import_remove_take_effect_at_once(console):
    client, csrf = await console.logged_in()
    room = console.bot.cast.admin
    judge = {"room": room, "text": "周末一起去爬山吗", "as": "member"}
    before = learning((await client.post("/checker", data=judge, headers={"X-CSRF-Token": csrf})).text)

    added = await client.post("/samples/add", data={"text": "扫码进群领取内部资料", "label": "1"},
                              headers={"X-CSRF-Token": csrf})
    assert added.status_code == 200 and "已加入广告样本" in added.text
    [sample] = samples(console, Sample.source == "console")
    assert sample.label == 1 and sample.added_by == CONSOLE_ACTOR and sample.room_id == "*"
    again = await client.post("/samples/add", data={"text": "扫码进群领取内部资料", "label": "1"},
                              headers={"X-CSRF-Token": csrf})
    assert "已有相同样本" in again.text
    # the running model learned it: the checker's sample count moved by one
    after = learning((await client.post("/checker", data=judge, headers={"X-CSRF-Token": csrf})).text)
    assert after == (before[0] + 1, before[1])

    page = (await client.get("/samples", params={"q": "内部资料"})).text
    assert f'data-sample="{sample.id}"' in page and page.count("data-sample=") == 1
    assert "禁用短语" in page and "刷单" in page  # the word lists, read from the rules

    bad = await client.post("/samples/import", data={"tsv": "1\t好的\n3\t坏\n"}, headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 400 and "第 2 行" in bad.text and "没有导入任何样本" in bad.text
    assert not samples(console, Sample.text == "好的")
    tsv = "label\ttext\n0\t明天早上八点集合\n1\t兼职日结点我头像\n0\t明天早上八点集合\n"
    upload = {"file": ("s.tsv", tsv.encode(), "text/tab-separated-values")}
    imported = await client.post("/samples/import", files=upload, headers={"X-CSRF-Token": csrf})
    assert imported.status_code == 200 and "新增 2 条，重复 1 条" in imported.text
    assert learning((await client.post("/checker", data=judge, headers={"X-CSRF-Token": csrf})).text) == (
        before[0] + 2, before[1] + 1)

    removed = await client.post(f"/samples/{sample.id}/delete", headers={"X-CSRF-Token": csrf})
    assert removed.status_code == 200 and "已删除样本" in removed.text
    assert not samples(console, Sample.id == sample.id)
    # forgotten too: the model is rebuilt from what remains
    assert learning((await client.post("/checker", data=judge, headers={"X-CSRF-Token": csrf})).text) == (
        before[0] + 1, before[1] + 1)
    assert (await client.post(f"/samples/{sample.id}/delete", headers={"X-CSRF-Token": csrf})).status_code == 400


async def test_group_page_shows_effective_rules_with_origin_nicknames_and_lists(console):
    bot = console.bot
    room = bot.cast.admin
    path = bot.rules_path
    override = f'groups:\n  "{room}":\n    name: 读书会一群\n    antispam:\n      flood:\n        messages: 9\n'
    path.write_text(path.read_text("utf-8").replace("groups: {}", override), "utf-8")
    ok, message = await bot.app.control.reload_rules()
    assert ok, message
    bot.say(room, "laowang", "#ban @bob 广告", mentions=[bot.cast["bob"]])
    await wait_until(lambda: _listed(console, bot.cast["bob"]))
    bot.say(room, "laowang", "#nick 格式 孩子姓名-家长 例 王小明-妈妈")
    await bot.wait_text(room, "本群的群昵称格式改为")
    client, _ = await console.logged_in()
    assert f"/groups?room={room.replace('@', '%40')}" in (await client.get("/groups")).text
    page = (await client.get("/groups", params={"room": room})).text

    def origin(key: str) -> str:
        row = re.search(rf'data-key="{re.escape(key)}">.*?</tr>', page, re.S)
        assert row, key
        return row.group(0)

    assert "本群覆盖" in origin("antispam.flood.messages") and ">9<" in origin("antispam.flood.messages")
    assert "本群覆盖" in origin("name")
    assert "内置默认" in origin("antispam.flood.within")
    assert "群里设置" in origin("nickname.pattern") and "孩子姓名-家长" in origin("nickname.pattern")
    assert "rules.yaml 默认" in origin("antispam.ladder.newcomer_obvious_ad")  # the harness's defaults
    assert "黑名单（1）" in page and bot.cast["bob"] in page
    other = (await client.get("/groups", params={"room": bot.cast.plain})).text
    assert "全部沿用默认规则" in other and "本群覆盖</td>" not in other


def _listed(console: Console, member: str) -> bool:
    with console.bot.app.sessions() as db:
        return db.scalar(select(ListEntry).where(ListEntry.kind == lists.BLACKLIST,
                                                 ListEntry.member_id == member)) is not None


async def test_backup(console, tmp_path):
    client, _ = await console.logged_in()
    page = await client.get("/backup")
    assert page.status_code == 200
    if console.bot.runtime.engine.dialect.name != "sqlite":
        assert "pg_dump" in page.text and "password" not in page.text.lower()
        assert "pg_dump" in (await client.get("/backup", params={"download": "1"})).text
        return
    response = await client.get("/backup", params={"download": "1"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    copy = tmp_path / "copy.db"
    copy.write_bytes(response.content)
    with sqlite3.connect(copy) as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
        assert {"core_case", "antispam_sample", "core_room"} <= tables
        assert db.execute("select count(*) from core_room").fetchone()[0] == 3


async def test_schedules_list_pause_resume_remove_through_the_command(console):
    from plugins.announce.models import ChatSchedule, PauseState

    bot = console.bot
    room = bot.cast.admin
    bot.say(room, "laowang", "#schedule add 公告 0 9 * * 1 周一例会")
    await wait_until(lambda: _rows(console, ChatSchedule))
    [row] = _rows(console, ChatSchedule)
    client, csrf = await console.logged_in()
    page = (await client.get("/schedules", params={"room": room})).text
    assert f'data-schedule="{row.id}"' in page and "周一例会" in page and "运行中" in page
    assert "5月4日 周一 09:00" in page and "5月11日 周一 09:00" in page  # the next occurrences (clock: 1 May 2026)

    async def change(verb: str):
        response = await client.post("/schedules/change", data={"room": room, "verb": verb, "id": str(row.id)},
                                     headers={"X-CSRF-Token": csrf})
        assert response.status_code == 200, response.text
        return response.text

    paused = await change("pause")
    assert "已暂停" in paused and [p.paused for p in _rows(console, PauseState)] == [True]
    assert _rows(console, PauseState)[0].changed_by == "console"
    assert "运行中" in _schedule_row(await change("resume"), str(row.id))
    assert [p.paused for p in _rows(console, PauseState)] == [False]
    await change("remove")
    assert _rows(console, ChatSchedule)[0].status == "removed"
    bad = await client.post("/schedules/change", data={"room": room, "verb": "drop", "id": "1"},
                            headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 400


async def test_schedules_show_the_checkin_reminder_and_summary_with_their_next_times(console):
    """The owner sees when the check-in reminder and the weekly summary go (rules.yaml's
    checkin.remind and checkin.summary), read-only: no pause that would not hold."""
    bot = console.bot
    room = bot.cast.admin
    bot.say(room, "bob", "打卡")  # a group's check-in jobs start with its first check-in
    await bot.wait_text(room, "打卡成功")
    client, _ = await console.logged_in()
    page = (await client.get("/schedules", params={"room": room})).text
    remind, summary = _schedule_row(page, "checkin.remind"), _schedule_row(page, "checkin.summary")
    assert "打卡提醒" in remind and "0 21 * * *" in remind and "rules.yaml（打卡）" in remind
    assert "5月1日 周五 21:00" in remind and "5月2日 周六 21:00" in remind  # clock: 1 May 2026, a Friday
    assert "打卡周报" in summary and "5月3日 周日 20:00" in summary
    assert "<button" not in remind + summary and "编辑 rules.yaml" in remind
    # the bot's own housekeeping (the check-in batch's flush, pruning) is not the owner's schedule
    assert "checkin.flush" not in page and "prune" not in page


def _schedule_row(page: str, schedule_id: str) -> str:
    found = re.search(rf'<tr data-schedule="{re.escape(schedule_id)}">.*?</tr>', page, re.S)
    assert found, page
    return found.group(0)


def _rows(console: Console, model) -> list:
    with console.bot.app.sessions() as db:
        found = list(db.scalars(select(model)))
        db.expunge_all()
        return found


async def test_rules_check_lists_errors_with_lines_and_backtests_a_candidate(make_console):
    # the backtest replays "the last N days" by the wall clock (plugins/antispam/replay.py)
    console = await make_console(clock=SystemClock())
    bot = console.bot
    member = bot.world.add_contact("小明")
    bot.cast.people["小明"] = member
    bot.world.join(bot.cast.admin, [member], inviter=bot.cast["bob"])  # the owner's invitee is vouched for
    bot.say(bot.cast.admin, "小明", "加我薇信 abc12345 领取免费资料")
    await wait_until(lambda: any("案件 #" in t for t in bot.texts(bot.cast.admin)))
    client, csrf = await console.logged_in()
    page = (await client.get("/rules")).text
    current = bot.rules_path.read_text("utf-8")
    assert "quiet_after_login" in page and bot.app.rules.digest in page
    broken = current.replace("timezone: Asia/Shanghai", "timezone: Asia/Shanghai\n  greetng: {}")
    bad = await client.post("/rules", data={"text": broken}, headers={"X-CSRF-Token": csrf})
    assert 'data-ok="no"' in bad.text and "greetng" in bad.text and "行" in bad.text
    # a candidate that turns the contact check off: the backtest names the message it would let through
    candidate = current.replace("  antispam:\n", "  antispam:\n    contact:\n      mode: \"off\"\n    keywords:\n"
                                                "      mode: \"off\"\n", 1)
    good = await client.post("/rules", data={"text": candidate, "backtest": "1", "days": "7"},
                             headers={"X-CSRF-Token": csrf})
    assert 'data-ok="yes"' in good.text, good.text
    assert "replayed" in good.text and "abc12345" in good.text
    assert bot.rules_path.read_text("utf-8") == current  # never written
