"""Cross-slice wiring, end to end through the real SDK and the simulator over gRPC: images
fetched from the gateway for the QR check, private notices to friends, capabilities up front,
contact renames."""

from __future__ import annotations

import asyncio
import io
import logging
import random
from datetime import UTC, datetime

import pytest
from grpclib.const import Status
from PIL import Image

from bot.clock import FakeClock
from bot.events import MessageKind
from bot.simulator.images import qr_png
from bot.simulator.render import render_quote
from plugins.antispam import AntispamPlugin
from plugins.moderation.plugin import ModerationPlugin
from tests.harness import Harness, Probe, all_cases, wait_until

START = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


def photo() -> bytes:
    """A photo-like JPEG: gradients, noise and blocks, no code in it."""
    rng = random.Random(5)
    img = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    img = Image.blend(img, Image.effect_noise((640, 480), 60).convert("RGB"), 0.4)
    for _ in range(12):
        x, y = rng.randrange(640), rng.randrange(480)
        img.paste((rng.randrange(256), rng.randrange(256), rng.randrange(256)), (x, y, x + 60, y + 40))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()




@pytest.fixture
async def antispam_bot(tmp_path, database_url):
    bot = Harness(tmp_path, [AntispamPlugin()], database_url=database_url, clock=FakeClock(START))
    await bot.start()
    yield bot
    await bot.stop()


def newcomer(bot: Harness, name: str) -> str:
    member = bot.world.add_contact(name)
    bot.cast.people[name] = member
    bot.world.join(bot.cast.admin, [member], inviter=bot.cast["bob"])  # the owner's invitee is vouched for
    return member


# ---------------------------------------------------------------------- 1. QR codes live
async def test_adapter_fetches_the_real_image_bytes(antispam_bot: Harness) -> None:
    bot = antispam_bot
    png = qr_png("https://weixin.qq.com/g/AQYAAJxk9f3Lq")
    mid = bot.say(bot.cast.admin, "alice", "", kind=MessageKind.IMAGE, data=png)
    assert await bot.runtime.adapter.message_image(mid) == png  # type: ignore[union-attr]


async def test_newcomer_group_qr_image_is_removed_an_ordinary_photo_is_not(antispam_bot: Harness) -> None:
    bot = antispam_bot
    room = bot.cast.admin
    innocent = newcomer(bot, "小红")
    spammer = newcomer(bot, "小明")
    await bot.settle()
    bot.say(room, "小红", "", kind=MessageKind.IMAGE, data=photo())
    await bot.settle()
    assert all_cases(bot) == []
    bot.say(room, "小明", "", kind=MessageKind.IMAGE, data=qr_png("https://weixin.qq.com/g/AQYAAJxk9f3Lq"))
    await bot.world.wait_for(lambda: bot.world.saw_kick(room, spammer), timeout=60)
    await wait_until(lambda: all_cases(bot) and all_cases(bot)[-1].outcome == "done")
    [case] = all_cases(bot)
    assert (case.kind, case.target_id) == ("kick", spammer)
    qr_check = next(c for c in case.evidence["checks"] if c["name"] == "qrcode")
    assert qr_check["spam"] and "微信群二维码" in qr_check["details"]
    assert not bot.world.saw_kick(room, innocent)


async def test_an_image_fetched_slowly_holds_up_no_other_group(tmp_path, database_url) -> None:
    """A newcomer's picture is fetched and its QR codes decoded before the message takes the
    database gate (AntispamPlugin.gather): another group's messages are handled while the
    gateway is still sending it. Under the gate, every group waited for the whole download
    and the decode (up to qrcode.timeout)."""
    bot = Harness(tmp_path, [AntispamPlugin(), Probe()], database_url=database_url, clock=FakeClock(START))
    await bot.start()
    entered, release = asyncio.Event(), asyncio.Event()
    try:
        room = bot.cast.admin
        spammer = newcomer(bot, "小明")
        await bot.settle()
        adapter = bot.runtime.adapter
        real = adapter.message_image  # type: ignore[union-attr]

        async def slow_image(message_id: str) -> bytes:
            entered.set()
            await release.wait()  # the gateway sends the picture only when the test says so
            return await real(message_id)

        adapter.message_image = slow_image  # type: ignore[union-attr]
        bot.say(room, "小明", "", kind=MessageKind.IMAGE, data=qr_png("https://weixin.qq.com/g/AQYAAJxk9f3Lq"))
        await asyncio.wait_for(entered.wait(), 30)
        bot.say(bot.cast.owned, "alice", "ping")  # another group, while the picture is on its way
        await bot.wait_text(bot.cast.owned, "pong", timeout=30)
        assert not bot.world.saw_kick(room, spammer)
        release.set()
        await bot.world.wait_for(lambda: bot.world.saw_kick(room, spammer), timeout=60)
        await bot.settle()
    finally:
        release.set()
        await bot.stop()


# ---------------------------------------------------------------------- 2. private notices to friends
def no_operators(bot: Harness) -> Harness:
    text = bot.rules_path.read_text("utf-8")
    bot.rules_path.write_text(text.replace("operators: [wxid_operator]", "operators: []"), "utf-8")
    return bot


@pytest.mark.parametrize("friend", [True, False])
async def test_owner_notice_goes_privately_to_a_friend_else_into_the_group(tmp_path, database_url, friend):
    bot = no_operators(Harness(tmp_path, [AntispamPlugin(), ModerationPlugin()], database_url=database_url,
                               clock=FakeClock(START)))
    owner = bot.cast["laowang"]
    bot.world.contact(owner).friend = friend
    await bot.start()
    try:
        room = bot.cast.admin
        ad = bot.say(room, "bob", "免费领取会员 加V abc")
        bot.say(room, "carol", "#report 广告", quote=ad)
        if friend:
            notice = await bot.world.wait_for(lambda: next(iter(bot.private_texts(owner)), None))
            assert notice.startswith("【读书会】") and "免费领取会员" in notice
            await bot.settle()
            assert not [a for a in bot.sends(room) if "请群主/管理员留意" in a.text]
        else:
            await bot.wait_text(room, "请群主/管理员留意")
            sent = next(a for a in bot.sends(room) if "请群主/管理员留意" in a.text)
            assert owner in sent.mention_ids
            await bot.settle()  # a barrier before the negative check: nothing private in flight
            assert bot.private_texts(owner) == []
    finally:
        await bot.stop()


# ---------------------------------------------------------------------- 3. capabilities up front
async def test_status_shows_capabilities_and_an_unsupported_kick_asks_the_owner_up_front(tmp_path, database_url):
    bot = Harness(tmp_path, [Probe()], database_url=database_url, clock=FakeClock(START))
    await bot.start()
    try:
        room = bot.cast.admin
        bot.world.say_private(bot.cast["operator"], "#status")
        status = await bot.world.wait_for(lambda: next(
            (t for t in bot.private_texts(bot.cast["operator"]) if "加载于" in t), None))
        assert "读书会" in status and "可移出成员、设群公告" in status
        assert "吃瓜群" in status and "不能移出成员（不是群主或管理员）" in status

        # this gateway's puppet cannot remove members: the first attempt learns it and asks the owner
        bot.server.service.faults.fail("RoomDel", Status.UNIMPLEMENTED, "not implemented", times=None)
        bot.say(room, "laowang", "踢 wxid_bob")
        ask = await bot.wait_text(room, "不支持移出群成员")
        assert "bob" in ask and not bot.world.saw_kick(room, bot.cast["bob"])
        tries = bot.server.service.rpc_counts["RoomDel"]
        assert tries == 1
        # now the capability is known: the next removal asks up front, no RoomDel attempted
        bot.say(room, "laowang", "踢 wxid_carol")
        await bot.world.wait_for(lambda: sum("不支持移出群成员" in t for t in bot.texts(room)) == 2)
        assert bot.server.service.rpc_counts["RoomDel"] == tries

        bot.world.say_private(bot.cast["operator"], "#status")
        await bot.world.wait_for(lambda: any("不能移出成员（微信接口不支持）" in t
                                             for t in bot.private_texts(bot.cast["operator"])))
    finally:
        await bot.stop()


# ---------------------------------------------------------------------- 4. warm-up
def test_antispam_warm_up_loads_the_char_model_jieba_and_opencc() -> None:
    from plugins.antispam import charmodel, classifier, normalize

    charmodel._shipped = None  # as in a fresh process
    classifier._jieba = None
    normalize._t2s.cache_clear()
    AntispamPlugin().warm_up()
    assert charmodel._shipped is not None
    assert classifier._jieba is not None
    assert normalize._t2s.cache_info().currsize == 1


# ---------------------------------------------------------------------- 6. renames during a session
async def test_a_contact_renamed_during_the_session_is_known_by_the_new_name(tmp_path, database_url):
    probe = Probe()
    bot = Harness(tmp_path, [probe], database_url=database_url, clock=FakeClock(START))
    await bot.start()
    try:
        room, bob = bot.cast.admin, bot.cast["bob"]
        adapter = bot.runtime.adapter  # type: ignore[union-attr]
        assert ("bob" in {m.name for m in await adapter.member_list(room)})  # the roster is loaded
        bot.world.rename_contact(bob, "Bob 陈")  # WeChat pushes no event for this
        said = bot.say(room, "bob", "大家好，我改名了")
        await wait_until(lambda: any(m.event_id == said for m in probe.messages()))
        assert next(m for m in probe.messages() if m.event_id == said).sender_name == "Bob 陈"
        names = {m.id: m.name for m in await adapter.member_list(room)}
        assert names[bob] == "Bob 陈"
        reply = bot.say(room, "carol", "欢迎", quote=said)  # the quote names him by his new name
        await wait_until(lambda: any(m.event_id == reply for m in probe.messages()))
        quote = next(m for m in probe.messages() if m.event_id == reply).quote
        assert quote is not None and quote.sender_name == "Bob 陈" and quote.sender_id == bob
    finally:
        await bot.stop()


# ---------------------------------------------------------------------- 5. forged quotes in #report
@pytest.fixture
async def report_bot(tmp_path, database_url):
    bot = Harness(tmp_path, [AntispamPlugin(), ModerationPlugin()], database_url=database_url,
                  clock=FakeClock(START))
    await bot.start()
    yield bot
    await bot.stop()


async def test_a_report_quotes_the_stored_message_and_a_forged_quote_stays_unverified(report_bot: Harness):
    bot = report_bot
    room, bob, carol = bot.cast.admin, bot.cast["bob"], bot.cast["carol"]
    operator = bot.cast["operator"]
    real = bot.say(room, "bob", "周末有人一起去爬山吗")
    bot.say(room, "carol", "#report 刷屏", quote=real)
    await bot.wait_text(room, "已收到举报（案件 #1）")
    genuine = await bot.world.wait_for(lambda: next((t for t in bot.private_texts(operator) if "#1" in t), None))
    assert "周末有人一起去爬山吗" in genuine and "无法核实" not in genuine
    [case] = all_cases(bot)
    assert case.target_id == bob and case.evidence["verified"] is True
    assert case.evidence["text"] == "周末有人一起去爬山吗" and case.evidence["message_id"] == real

    # carol types a "quote" of something bob never said
    invented = "出售微信号 加我V abc8888"
    bot.world.say(room, carol, render_quote("bob", invented, "#report 卖号"))
    await bot.wait_text(room, "已收到举报（案件 #2）")
    forged = await bot.world.wait_for(lambda: next((t for t in bot.private_texts(operator) if "#2" in t), None))
    assert "无法核实" in forged and "举报人引用的文字" in forged
    assert "举报了「bob」的消息" not in forged  # the invented words are never given as his
    case = all_cases(bot)[-1]
    assert case.evidence["verified"] is False and "text" not in case.evidence
    assert case.evidence["reporter_text"] == invented and case.actor_id == carol
    bot.say(room, "laowang", f"#case {case.id}")
    shown = await bot.wait_text(room, "未核实")
    assert "原消息" not in shown


# ---------------------------------------------------------------------- 5. the gateway token in logs
async def test_the_gateway_token_is_never_logged_even_at_debug(tmp_path, database_url, caplog):
    caplog.set_level(logging.DEBUG)  # every logger: the SDK's, grpclib's, h2's, ours
    bot = Harness(tmp_path, [Probe()], database_url=database_url, clock=FakeClock(START))
    await bot.start()
    try:
        bot.say(bot.cast.admin, "alice", "ping")
        await bot.wait_text(bot.cast.admin, "pong")
    finally:
        await bot.stop()
    assert len(caplog.records) > 50  # DEBUG really was on
    leaked = [r.name + ": " + r.getMessage()[:200] for r in caplog.records if "insecure_test" in r.getMessage()]
    assert leaked == []


async def test_an_oversized_image_is_refused_not_loaded(antispam_bot: Harness, monkeypatch) -> None:
    from bot import wechaty_compat
    from bot.platform import PlatformError

    monkeypatch.setattr(wechaty_compat, "MAX_DOWNLOAD_BYTES", 64 * 1024)
    bot = antispam_bot
    big = qr_png("https://weixin.qq.com/g/AQYAAJxk9f3Lq") + b"\0" * (100 * 1024)
    mid = bot.say(bot.cast.admin, "alice", "", kind=MessageKind.IMAGE, data=big)
    with pytest.raises(PlatformError, match="over"):
        await bot.runtime.adapter.message_image(mid)  # type: ignore[union-attr]
