"""`python -m bot.smoke`: import the SDK through our compat layer, connect to an in-process
simulator over real gRPC, log in, exchange one message. Used to check other Python versions."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from bot.clock import SystemClock
from bot.events import Event, LoggedIn, MessageReceived
from bot.simulator import SimServer, default_world
from bot.wechaty_adapter import WechatyAdapter


async def main() -> int:
    clock = SystemClock()
    world = default_world(clock)
    server = SimServer(world)
    await server.start("127.0.0.1", 0)
    events: list[Event] = []

    async def sink(event: Event) -> None:
        events.append(event)

    with tempfile.TemporaryDirectory() as cache:
        adapter = WechatyAdapter(server.endpoint, "insecure_smoke", sink, clock=clock, cache_dir=Path(cache),
                                 backoff_initial=0.1, backoff_max=0.5)
        task = asyncio.create_task(adapter.run())
        try:
            await world.wait_for(lambda: any(isinstance(e, LoggedIn) for e in events), timeout=20)
            room = "20000000001@chatroom"
            alice = world.find_contact("alice")
            assert alice is not None
            world.say(room, alice.id, "你好")
            await world.wait_for(lambda: any(isinstance(e, MessageReceived) for e in events), timeout=20)
            await adapter.send_text(room, "收到", (alice.id,))
            await world.wait_for(lambda: any("收到" in t for t in world.bot_texts(room)), timeout=20)
        finally:
            await adapter.stop()
            task.cancel()
            await server.stop()
    print(f"smoke ok on Python {sys.version.split()[0]}: login, message in, reply with mention out")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
