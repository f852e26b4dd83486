"""The simulated WeChat's rules, without gRPC: roles, the 500 cap, the recall window, the
send throttle, and the events a gateway would push."""

from __future__ import annotations

import asyncio

import pytest

from bot.clock import FakeClock
from bot.events import MessageKind
from bot.simulator import ActionKind, SimConfig, SimError, SimErrorKind, World, default_world
from bot.simulator.model import THROTTLE_TEXT, EventName
from bot.simulator.render import AT_SEPARATOR, QUOTE_RULE


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def world(clock: FakeClock) -> World:
    return default_world(clock)


@pytest.fixture
def demo(world: World) -> str:
    room = world.find_room("群管演示群")
    assert room is not None
    return room.id


@pytest.fixture
def plain(world: World) -> str:
    room = world.find_room("吃瓜闲聊群")
    assert room is not None
    return room.id


def test_default_world_roles(world: World, demo: str, plain: str) -> None:
    room = world.room(demo)
    assert world.contact(room.owner_id).name == "群主老王"
    assert world.bot_id in room.admin_ids
    assert [world.contact(m).name for m in room.member_ids] == [
        "群主老王",
        "群管机器人",
        "alice",
        "bob",
        "carol",
    ]
    assert world.display_name("wxid_alice", demo) == "上海-电商-小A"
    other = world.room(plain)
    assert world.bot_id in other.member_ids and not other.can_manage(world.bot_id)
    assert room.id.endswith("@chatroom") and room.id.split("@")[0].isdigit()


def test_say_renders_mentions_and_emits_message(world: World, demo: str) -> None:
    msg_id = world.say(demo, "wxid_bob", "看群公告", mentions=["wxid_alice", world.bot_id])
    msg = world.message(msg_id)
    assert msg.text == f"@上海-电商-小A{AT_SEPARATOR}@群管机器人{AT_SEPARATOR}看群公告"
    assert msg.mention_ids == ("wxid_alice", world.bot_id)
    assert world.events[-1].name == EventName.MESSAGE
    assert world.events[-1].payload == {"messageId": msg_id}


def test_inline_mention_keeps_its_place(world: World, demo: str) -> None:
    msg_id = world.say(demo, "wxid_bob", "你好 @bob 在吗", mentions=["wxid_bob"])
    assert world.message(msg_id).text == f"你好 @bob{AT_SEPARATOR}在吗"


def test_quote_is_rendered_like_puppets_deliver_it(world: World, demo: str) -> None:
    original = world.say(demo, "wxid_alice", "原文")
    reply = world.say(demo, "wxid_bob", "回复内容", quote=original)
    assert world.message(reply).text == f"「上海-电商-小A：原文」\n{QUOTE_RULE}\n回复内容"
    assert world.message(reply).quote_id == original


def test_quoting_a_quote_reply_shows_only_its_own_words_as_wechat_does(world: World, demo: str) -> None:
    """WeChat quotes a message's own text: quoting a reply that itself quotes does not nest
    the first quote (the simulator did, and a #ham quoting an owner's #ham read 「老王：「…」…」)."""
    original = world.say(demo, "wxid_alice", "原文")
    reply = world.say(demo, "wxid_bob", "回复内容", quote=original)
    again = world.say(demo, "wxid_alice", "再回复", quote=reply)
    assert world.message(again).text == f"「bob：回复内容」\n{QUOTE_RULE}\n再回复"


def test_non_text_kinds(world: World, demo: str) -> None:
    link = world.message(world.say(demo, "wxid_bob", "震惊", kind=MessageKind.LINK, url="http://x.example"))
    assert (link.kind, link.title, link.url) == (MessageKind.LINK, "震惊", "http://x.example")
    card = world.message(world.say(demo, "wxid_bob", "微商小王", kind=MessageKind.CONTACT_CARD))
    assert world.contact(card.card_contact_id or "").name == "微商小王"
    file = world.message(world.say(demo, "wxid_bob", "报价.xlsx", kind=MessageKind.FILE))
    assert file.filename == "报价.xlsx"


def test_non_member_cannot_speak(world: World, demo: str) -> None:
    dave = world.add_contact("dave")
    with pytest.raises(SimError) as err:
        world.say(demo, dave, "hi")
    assert err.value.kind == SimErrorKind.INVALID


def test_join_leave_topic_events(world: World, demo: str) -> None:
    dave = world.add_contact("dave")
    assert world.join(demo, [dave], inviter="wxid_bob") == [dave]
    join = world.events[-1]
    assert join.name == EventName.ROOM_JOIN
    assert join.payload["inviteeIdList"] == [dave] and join.payload["inviterId"] == "wxid_bob"
    assert world.members(demo)[-1] == dave
    world.leave(demo, dave)
    leave = world.events[-1]
    assert leave.name == EventName.ROOM_LEAVE
    assert leave.payload == {**leave.payload, "removeeIdList": [dave], "removerId": dave}
    world.set_topic(demo, "新群名", "wxid_carol")
    topic = world.events[-1]
    assert topic.name == EventName.ROOM_TOPIC
    assert (topic.payload["newTopic"], topic.payload["oldTopic"], topic.payload["changerId"]) == (
        "新群名",
        "群管演示群",
        "wxid_carol",
    )


def test_silent_join_models_a_missed_event(world: World, demo: str) -> None:
    dave = world.add_contact("dave")
    before = len(world.events)
    world.join(demo, [dave], silent=True)
    assert world.is_member(demo, dave) and len(world.events) == before


def test_room_cap_is_500(clock: FakeClock) -> None:
    world = World(clock)
    owner = world.add_contact("owner")
    people = [world.add_contact(f"u{i}") for i in range(499)]
    room = world.create_room("大群", owner, members=people)
    assert len(world.members(room)) == 500
    extra = world.add_contact("extra")
    with pytest.raises(SimError) as err:
        world.join(room, [extra])
    assert err.value.kind == SimErrorKind.ROOM_FULL
    assert not world.is_member(room, extra)
    with pytest.raises(SimError):
        world.create_room("太大", owner, members=[*people, extra])


def test_kick_needs_owner_or_admin(world: World, demo: str, plain: str) -> None:
    world.bot_kick(demo, "wxid_bob")
    assert world.saw_kick(demo, "wxid_bob") and not world.is_member(demo, "wxid_bob")
    leave = world.events[-1]
    assert leave.payload["removerId"] == world.bot_id and leave.payload["removeeIdList"] == ["wxid_bob"]

    with pytest.raises(SimError) as err:
        world.bot_kick(plain, "wxid_bob")
    assert err.value.kind == SimErrorKind.PERMISSION
    assert world.is_member(plain, "wxid_bob")
    refused = world.refusals(ActionKind.KICK)
    assert len(refused) == 1 and refused[0].room_id == plain and "群主或管理员" in (refused[0].error or "")


def test_kick_rules_owner_admin_absent(world: World, demo: str) -> None:
    with pytest.raises(SimError) as err:
        world.bot_kick(demo, world.room(demo).owner_id)
    assert err.value.kind == SimErrorKind.PERMISSION
    world.set_admin(demo, "wxid_carol", True)
    with pytest.raises(SimError) as err:
        world.bot_kick(demo, "wxid_carol")  # an admin cannot remove another admin
    assert err.value.kind == SimErrorKind.PERMISSION
    dave = world.add_contact("dave")
    with pytest.raises(SimError) as err:
        world.bot_kick(demo, dave)
    assert err.value.kind == SimErrorKind.NOT_FOUND


def test_admin_demotion_takes_effect(world: World, demo: str) -> None:
    world.set_admin(demo, world.bot_id, False)
    with pytest.raises(SimError):
        world.bot_kick(demo, "wxid_bob")
    with pytest.raises(SimError):
        world.bot_set_announcement(demo, "x")


def test_announcement_owner_admin_only(world: World, demo: str, plain: str) -> None:
    world.bot_set_announcement(demo, "禁止广告")
    assert world.announcement(demo) == "禁止广告"
    with pytest.raises(SimError) as err:
        world.bot_set_announcement(plain, "禁止广告")
    assert err.value.kind == SimErrorKind.PERMISSION
    assert world.announcement(plain) == ""


def test_bot_send_is_echoed_and_recorded(world: World, demo: str) -> None:
    msg_id = world.bot_send_text(demo, "@alice 请勿发广告", ["wxid_alice"])
    assert world.message(msg_id).sender_id == world.bot_id
    assert world.events[-1].payload == {"messageId": msg_id}
    assert world.bot_texts(demo) == ["@alice 请勿发广告"]
    assert world.bot_sends(demo)[0].mention_ids == ("wxid_alice",)
    private = world.bot_send_text("wxid_alice", "你好")
    assert world.message(private).to_id == "wxid_alice" and world.bot_texts("wxid_alice") == ["你好"]


def test_private_send_needs_friendship(world: World) -> None:
    stranger = world.add_contact("路人", friend=False)
    with pytest.raises(SimError) as err:
        world.bot_send_text(stranger, "你好")
    assert err.value.kind == SimErrorKind.PERMISSION


def test_send_to_unknown_or_left_room(world: World, demo: str) -> None:
    with pytest.raises(SimError) as err:
        world.bot_send_text("999@chatroom", "x")
    assert err.value.kind == SimErrorKind.NOT_FOUND
    world.remove(demo, world.bot_id, world.room(demo).owner_id)
    with pytest.raises(SimError) as err:
        world.bot_send_text(demo, "x")
    assert err.value.kind == SimErrorKind.PERMISSION


def test_recall_window(world: World, demo: str, clock: FakeClock) -> None:
    first = world.bot_send_text(demo, "欢迎")
    clock.advance(119)
    assert world.bot_recall(first) is True
    assert world.message(first).recalled
    notice = world.last_message(demo)
    assert notice is not None and notice.kind == MessageKind.RECALLED and notice.text == first
    assert world.bot_recall(first) is False  # already recalled

    late = world.bot_send_text(demo, "警告")
    clock.advance(121)
    assert world.bot_recall(late) is False
    assert "2分钟" in (world.refusals(ActionKind.RECALL)[-1].error or "")

    theirs = world.say(demo, "wxid_bob", "广告")
    assert world.bot_recall(theirs) is False
    with pytest.raises(SimError) as err:
        world.bot_recall("nope")
    assert err.value.kind == SimErrorKind.NOT_FOUND


def test_send_throttle_sliding_window(clock: FakeClock) -> None:
    world = default_world(clock, SimConfig(send_limit=3, send_window_seconds=10))
    room = "20000000001@chatroom"
    for i in range(3):
        world.bot_send_text(room, f"m{i}")
        clock.advance(1)
    with pytest.raises(SimError) as err:
        world.bot_send_text(room, "burst")
    assert err.value.kind == SimErrorKind.THROTTLED and "操作过于频繁" in err.value.message
    refused = world.refusals(ActionKind.SEND_TEXT)
    assert refused[-1].error == THROTTLE_TEXT and refused[-1].text == "burst"
    clock.advance(7)  # the first send (t=0) leaves the 10 s window at t=10
    world.bot_send_text(room, "again")
    assert world.bot_texts(room) == ["m0", "m1", "m2", "again"]


def test_default_throttle_allows_normal_traffic_but_not_bursts(world: World, demo: str) -> None:
    for i in range(20):
        world.bot_send_text(demo, f"m{i}")
    with pytest.raises(SimError):
        world.bot_send_text(demo, "21st")


def test_bot_add_direct_limit(world: World, demo: str) -> None:
    dave = world.add_contact("dave")
    world.bot_add(demo, dave)
    assert world.is_member(demo, dave) and world.events[-1].payload["inviterId"] == world.bot_id
    people = [world.add_contact(f"p{i}") for i in range(40)]
    world.join(demo, people)
    eve = world.add_contact("eve")
    with pytest.raises(SimError) as err:
        world.bot_add(demo, eve)
    assert err.value.kind == SimErrorKind.UNSUPPORTED


async def test_wait_for_wakes_on_bot_action(world: World, demo: str) -> None:
    async def later() -> None:
        await asyncio.sleep(0)
        world.bot_send_text(demo, "hello")

    task = asyncio.create_task(later())
    assert await world.wait_for(lambda: world.bot_texts(demo), timeout=2) == ["hello"]
    await task


async def test_wait_for_times_out_with_context(world: World, demo: str) -> None:
    world.bot_send_text(demo, "something")
    with pytest.raises(TimeoutError, match="something"):
        await world.wait_for(lambda: world.saw_kick(demo, "wxid_bob"), timeout=0.05)


def test_listeners_and_unsubscribe(world: World, demo: str) -> None:
    seen: list[str] = []
    stop = world.on_action(lambda a: seen.append(a.kind))
    world.bot_send_text(demo, "x")
    stop()
    world.bot_send_text(demo, "y")
    assert seen == [ActionKind.SEND_TEXT]
