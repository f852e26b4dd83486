"""The demo world `qunguan sim` and `qunguan run` start with."""

from __future__ import annotations

from bot.clock import Clock
from bot.simulator.model import SimConfig
from bot.simulator.world import World

DEMO_ROOM_TOPIC = "群管演示群"
PLAIN_ROOM_TOPIC = "吃瓜闲聊群"


def default_world(clock: Clock, config: SimConfig | None = None) -> World:
    """One group the bot manages (admin; the owner is a human) and one where the bot is a
    plain member, so "ask the owner" shows up."""
    world = World(clock, bot_id="wxid_qunguan_bot", bot_name="群管机器人", config=config)
    owner = world.add_contact("群主老王", id="wxid_laowang")
    alice = world.add_contact("alice")
    bob = world.add_contact("bob")
    carol = world.add_contact("carol")
    demo = world.create_room(
        DEMO_ROOM_TOPIC,
        owner=owner,
        admins=[world.bot_id],
        members=[world.bot_id, alice, bob, carol],
        id="20000000001@chatroom",
    )
    world.set_alias(demo, alice, "上海-电商-小A")
    world.set_alias(demo, carol, "卡罗尔")
    sister = world.add_contact("李姐", id="wxid_lijie")
    world.create_room(
        PLAIN_ROOM_TOPIC,
        owner=sister,
        members=[world.bot_id, alice, bob],
        id="20000000002@chatroom",
    )
    return world
