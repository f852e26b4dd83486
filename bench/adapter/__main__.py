"""Adapter benchmark: the Wechaty adapter and the SDK's gRPC stack alone, per group message.

    python -m bench.adapter [--messages 3000] [--rate 300] [--rounds 3] [--warm]

The simulator (200 groups x 500 members, the bench.load mix) runs in a child process; this
process runs only the WechatyAdapter with a sink that counts what it delivers (no app, no
database), so its CPU per message is what the SDK's gRPC stack, the adapter's reads and its
ordering cost: the part of bench.load that bench.pipeline leaves out. The first round warms
up (every sender is new to it then as later); each round prints CPU-s per 1,000 messages and
RPCs per message. With --warm every member first speaks once (as to a bot that has been up
a while, which has met its members): the rounds then show what a sender the adapter already
read costs.

    python -m bench.adapter --compare-calls 2000 [--rounds 3] [--at-once 16]

instead times one RPC alone in this process, both ways in turn on the same connection:
RoomMemberPayload through grpclib's client Stream (betterproto's stub call, the hand decoder)
and through bot.wechaty_rpc's lean call; CPU µs per call for each, and their ratio per round.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench.load.__main__ import Mix, build_world, message_text
from bot.clock import SystemClock
from bot.events import Event, LoggedIn, MessageReceived


async def simulate(groups: int, members: int) -> None:
    """The child: serve the world, and on each "N RATE" line on stdin inject N messages at
    RATE per second ("warm RATE": one from each member, in a random order), then answer with
    the RPC counts so far."""
    from bot.simulator import SimServer

    world, rooms = build_world(groups, members)
    server = SimServer(world)
    await server.start("127.0.0.1", 0)
    senders = {room: [m for m in world.members(room) if m.startswith("wxid_m_")] for room in rooms}
    print(json.dumps({"endpoint": server.endpoint}), flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    rng, mix = random.Random(7), Mix()
    while line := (await reader.readline()).decode().strip():
        what, rate = line.split()
        everyone = [(room, member) for room in rooms for member in senders[room]] if what == "warm" else []
        rng.shuffle(everyone)
        count = len(everyone) or int(what)
        start, injected = loop.time(), 0
        while injected < count:
            due = min(count, int((loop.time() - start) * int(rate))) - injected
            for _ in range(max(due, 0)):
                room, sender = everyone[injected] if everyone else (rng.choice(rooms), "")
                text, _ad = message_text(rng, mix)
                mentions = [rng.choice(senders[room])] if rng.random() < mix.mentions else []
                world.say(room, sender or rng.choice(senders[room]), text, mentions=mentions)
                injected += 1
            await asyncio.sleep(0.005)
        print(json.dumps({"rpcs": sum(server.service.rpc_counts.values())}), flush=True)
    await server.stop()


def rss_mb() -> float:
    """This process's resident memory: the SDK's caches grow with the members it has seen."""
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kb / 1024


async def measure(args: argparse.Namespace) -> None:
    from bot.wechaty_adapter import WechatyAdapter

    child = subprocess.Popen([sys.executable, "-m", "bench.adapter", "--simulate", "--groups", str(args.groups),
                              "--members", str(args.members)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdin is not None and child.stdout is not None
    endpoint = json.loads(child.stdout.readline())["endpoint"]
    delivered, wanted = 0, 0
    logged_in, reached = asyncio.Event(), asyncio.Event()

    async def sink(event: Event) -> None:
        nonlocal delivered
        if isinstance(event, LoggedIn):
            logged_in.set()
        elif isinstance(event, MessageReceived) and not event.is_self:
            delivered += 1
            if delivered >= wanted:
                reached.set()

    def ask(line: str) -> dict[str, Any]:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(line + "\n")
        child.stdin.flush()
        answer: dict[str, Any] = json.loads(child.stdout.readline())
        return answer

    loop = asyncio.get_running_loop()
    with tempfile.TemporaryDirectory() as cache:
        adapter = WechatyAdapter(endpoint, "insecure_bench", sink, clock=SystemClock(), cache_dir=cache)
        task = asyncio.create_task(adapter.run())
        await logged_in.wait()
        rpcs_before: int | None = None
        if args.warm:  # every member once (build_world: all but the owner and the bot)
            wanted = delivered + args.groups * max(args.members - 2, 1)
            reached.clear()
            cpu, wall = time.process_time(), loop.time()
            await loop.run_in_executor(None, ask, f"warm {args.warm_rate}")
            # faster than the adapter keeps up with, events beyond max_outstanding are shed
            while not reached.is_set() and delivered + adapter.stats["shed"] + adapter.stats["dropped"] < wanted:
                await asyncio.sleep(0.1)  # a benchmark's wait, not a test's
            print(f"warm: {wanted} messages, every member once, in {loop.time() - wall:.1f}s, "
                  f"{(time.process_time() - cpu) / wanted * 1000:.3f} CPU-s per 1,000, RSS {rss_mb():.0f} MB "
                  f"({adapter.stats['shed']} shed)", flush=True)
        if args.compare_calls:
            await compare_calls(adapter, args)
        for round_ in range(0 if args.compare_calls else args.rounds):
            wanted = delivered + args.messages
            reached.clear()
            cpu, wall = time.process_time(), loop.time()
            answer = loop.run_in_executor(None, ask, f"{args.messages} {args.rate}")
            await reached.wait()
            cpu, wall = time.process_time() - cpu, loop.time() - wall
            rpcs = (await answer)["rpcs"]
            label = "warm-up" if rpcs_before is None else f"RPCs per message {(rpcs - rpcs_before) / args.messages:.2f}"
            print(f"round {round_}: {args.messages} messages in {wall:.1f}s, "
                  f"{cpu / args.messages * 1000:.3f} CPU-s per 1,000 ({label}), RSS {rss_mb():.0f} MB", flush=True)
            rpcs_before = rpcs
        await adapter.stop()
        await task
    child.stdin.close()
    child.wait()


async def compare_calls(adapter: Any, args: argparse.Namespace) -> None:
    """RoomMemberPayload through grpclib's Stream and through the lean call, alternating."""
    from wechaty_grpc.wechaty import puppet as pb

    from bot import wechaty_compat
    from bot.wechaty_rpc import unary_call

    puppet = adapter._session.puppet
    request, response = wechaty_compat.flat_message(pb.RoomMemberPayloadRequest), \
        wechaty_compat.flat_message(pb.RoomMemberPayloadResponse)
    path = "/wechaty.Puppet/RoomMemberPayload"
    rooms = [f"{30_000_000_000 + g}@chatroom" for g in range(args.groups)]  # build_world's ids

    async def grpclib_stream(room: str, member: str) -> Any:
        return await puppet.puppet_stub._unary_unary(path, request(id=room, member_id=member), response)

    async def lean(room: str, member: str) -> Any:
        return await unary_call(puppet.puppet_stub.channel, path, request(id=room, member_id=member), response)

    async def timed(call: Any) -> float:
        cpu, at_once = time.process_time(), args.at_once
        for start in range(0, args.compare_calls, at_once):  # 16 at once by default, as the adapter reads a roster
            await asyncio.gather(*(call(rooms[i % len(rooms)], f"wxid_m_{i % len(rooms)}_{i % (args.members - 2)}")
                                   for i in range(start, min(start + at_once, args.compare_calls))))
        return (time.process_time() - cpu) / args.compare_calls * 1e6

    for round_ in range(args.rounds):
        old, new = await timed(grpclib_stream), await timed(lean)
        print(f"round {round_}: RoomMemberPayload, {args.at_once} at once, CPU µs per call: grpclib's Stream "
              f"{old:.0f}, lean call {new:.0f} (×{new / old:.2f})", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.adapter", description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=3000, help="messages per round")
    parser.add_argument("--rate", type=int, default=300, help="msg/s the simulator injects")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--warm", action="store_true", help="every member speaks once before the rounds")
    parser.add_argument("--warm-rate", type=int, default=500, help="msg/s of the warm-up")
    parser.add_argument("--compare-calls", type=int, default=0, metavar="N",
                        help="time N RoomMemberPayload calls each way per round instead")
    parser.add_argument("--at-once", type=int, default=16, help="--compare-calls: calls in flight together")
    parser.add_argument("--simulate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    asyncio.run(simulate(args.groups, args.members) if args.simulate else measure(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
