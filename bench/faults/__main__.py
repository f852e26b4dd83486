"""Kill the bot with SIGKILL at random points during mixed bursts; count what was lost or doubled.

    python -m bench.faults [--kills 20] [--url sqlite:///... | postgresql://...] [--seed 1]
                           [--slow 0.2] [--slow-seconds 1.5]

The simulator (the real puppet-service protocol over gRPC) runs in this process; the bot runs
as a subprocess (`python -m bot.cli run`, the shipped plugins, fast pacing) connected to it.
While bursts of group chat, check-ins, commands, ads and joins are injected, the bot is killed
with SIGKILL after a random 0.3–2.5 s, restarted, and so on; a last run drains everything.

A share of the messages (--slow) has a slow payload RPC (--slow-seconds): the simulator
answers MessagePayload late, so kills also land between an event's receipt and its
conversion (the raw event is journaled as it arrives and converted again after the restart).

What counts, for group messages (their ids are known on both sides):
- delivered: written to the bot's event stream by the simulator;
- kept at a kill: what the killed bot had made durable (a core_inbox or core_seen_event row,
  read once the process is dead). Gateways wait for no acknowledgement, so what was still in
  the socket or in the journal's unwritten batch when the process died never reached the bot:
  the stream's tail after the last kept message is counted apart, "not yet kept at a kill".
  Which messages that is depends on how far a busy bot had read, never on a wall-clock grace;
- delivered to a live bot: written to a killed bot's stream up to its last kept message, or to
  the stream of the last bot (which is not killed and drains everything);
- dropped: not kept at a kill although a later message of the same stream was (the bot reads
  and journals its stream in order, so it had received it and let it go);
- received, not converted at a kill: kept at a kill, its payload not yet asked for (the raw
  journal's case);
- lost: delivered to a live bot and neither handled (no core_seen_event row at the end) nor
  kept in the durable inbox (a row in core_inbox, raw or converted, handled at the next start);
- doubled: handled more than once (core_member.messages above the member's handled messages);
- replayed: handled after a restart from the durable inbox (figures from the bot's log).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.pool import NullPool

from bot.clock import SystemClock
from bot.simulator import SimServer, World
from bot.simulator.model import SimConfig
from bot.simulator.pacing import fast_rules
from db.models import InboxEvent, Member, SeenEvent
from db.session import normalise_url

STALL = 60.0  # seconds without a message handled after which a drain gives up waiting

# every group, also the one where the bot is a plain member: under the default (auto) its chat
# is ignored unread, leaving no handled mark to count
RULES = fast_rules(extra_bot="manage: all")

CHAT = ["早上好", "今天天气不错", "有人去吃饭吗", "这个周末有活动吗？", "收到，谢谢", "哈哈哈哈",
        "明天几点集合", "我到了", "文件已经发群里了", "大家辛苦了"]
ADS = ["加微信 wx8866 免费领取资料，名额有限", "兼职日结300，扫码进群了解详情", "低价代购名牌包包，私聊我"]
COMMANDS = ["#help", "#签到", "签到", "#checkin rank"]


@dataclass
class Report:
    kills: int = 0
    starts: int = 0
    delivered: int = 0
    delivered_live: int = 0
    in_flight_at_kill: int = 0
    in_flight_age: float = 0.0  # the longest a message not yet kept at a kill had been written
    in_flight_read: int = 0  # of those, payload asked for before the kill: read, not yet journaled
    dropped: list[str] = field(default_factory=list)
    slowed: int = 0
    unconverted_at_kill: int = 0
    unconverted_lost: int = 0
    lost: list[str] = field(default_factory=list)
    waiting: int = 0
    lost_in_flight: int = 0
    doubled: list[tuple[str, str, int, int]] = field(default_factory=list)
    replayed: int = 0
    redelivered: int = 0
    seconds: float = 0.0
    start_seconds: float = 0.0  # spawn to first message handled, summed over starts
    drain_seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"kills (SIGKILL)                 {self.kills}",
            f"bot starts                      {self.starts}",
            f"group messages delivered        {self.delivered}",
            f"  to a live bot                 {self.delivered_live}",
            f"  not yet kept at a kill        {self.in_flight_at_kill} "
            f"(of which not handled: {self.lost_in_flight}; written up to {self.in_flight_age:.1f}s before; "
            f"read by the bot, not yet journaled: {self.in_flight_read})",
            f"dropped (a later one was kept)  {len(self.dropped)}",
            f"  slow payload RPC              {self.slowed}",
            f"  received, not converted at a kill {self.unconverted_at_kill} "
            f"(of which lost: {self.unconverted_lost})",
            f"lost (live, never handled)      {len(self.lost)}",
            f"kept in the inbox, not yet done {self.waiting}",
            f"doubled (handled twice)         {len(self.doubled)}",
            f"replayed from the inbox         {self.replayed}",
            f"redelivered by the gateway      {self.redelivered}",
            f"wall time                       {self.seconds:.1f}s (bot start-ups {self.start_seconds:.1f}s, "
            f"final drain {self.drain_seconds:.1f}s)",
        ]


@dataclass
class Intake:
    received: set[str] = field(default_factory=set)  # delivered to a live bot
    tail: set[str] = field(default_factory=set)  # not yet kept at a kill
    tail_read: int = 0  # of the tail, payload asked for before the kill: read, not yet journaled
    tail_age: float = 0.0  # the longest the tail's messages had been written at their kill
    unconverted: set[str] = field(default_factory=set)  # kept at a kill, payload not yet asked for
    dropped: set[str] = field(default_factory=set)  # not kept at a kill though a later one was


def build_world() -> tuple[World, list[str], list[str]]:
    # the platform's send throttle is not under test here (it would only pause the replies)
    config = SimConfig(send_limit=1_000_000, kick_limit=1_000_000)
    world = World(SystemClock(), bot_id="wxid_bot", bot_name="群管机器人", config=config)
    world.add_contact("运营小周", id="wxid_operator")
    people = [world.add_contact(f"m{i:03d}") for i in range(60)]
    bot = world.bot_id
    rooms = [
        world.create_room("机器人自己的群", owner=bot, members=[bot, *people[:20]]),
        world.create_room("读书会", owner=people[20], admins=[bot], members=[bot, *people[20:40]]),
        world.create_room("吃瓜群", owner=people[40], members=[bot, *people[40:60]]),
    ]
    return world, rooms, people


class Faults:
    def __init__(self, url: str, workdir: Path, seed: int, log: Path, slow: float = 0.2,
                 slow_seconds: float = 1.5) -> None:
        self.url = url
        self.workdir = workdir
        self.rng = random.Random(seed)
        self.world, self.rooms, self.people = build_world()
        self.server = SimServer(self.world)
        self.sent: list[tuple[float, str]] = []  # (monotonic time written to the stream, message id)
        self.taken: dict[str, float] = {}  # message id -> when the gateway first answered its payload
        self.slow = slow
        self.slow_seconds = slow_seconds
        self.slowed: set[str] = set()
        self.kill_times: list[float] = []
        self.kept_at_kill: list[set[str]] = []  # per kill: the ids the dead bot had made durable
        self.start_times: list[float] = []
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = log
        self.report = Report()
        self._newcomer = 0

    # ------------------------------------------------------------------ the bot process
    def _on_delivered(self, payload: dict) -> None:
        message_id = payload.get("messageId")
        if message_id:
            self.sent.append((time.monotonic(), message_id))

    async def start_bot(self) -> None:
        rules = self.workdir / "rules.yaml"
        rules.write_text(RULES, "utf-8")
        env = {**os.environ, "WECHATY_PUPPET_SERVICE_ENDPOINT": self.server.endpoint,
               "WECHATY_PUPPET_SERVICE_TOKEN": "insecure_faults", "QUNGUAN_DATABASE_URL": self.url,
               "QUNGUAN_CACHE_DIR": str(self.workdir / "cache"), "QUNGUAN_LOG_LEVEL": "WARNING"}
        with self.log_path.open("ab") as log:
            command = [sys.executable, "-m", "bot.cli", "run", "--no-console", "--rules", str(rules)]
            self.start_times.append(time.monotonic())
            self.proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        self.report.starts += 1
        deadline = time.monotonic() + 120
        while not self.server.service.streaming:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.proc.returncode}; see {self.log_path}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the bot did not connect within 120s; see {self.log_path}")
            await asyncio.sleep(0.05)

    async def kill_bot(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.kill_times.append(time.monotonic())
        self.report.kills += 1
        await asyncio.to_thread(self.proc.wait)
        seen, kept = self._durable()
        self.kept_at_kill.append(seen | kept)
        while self.server.service.streaming:  # the simulator notices the dead transport
            await asyncio.sleep(0.01)

    async def stop_bot(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.to_thread(self.proc.wait), 30)
        except TimeoutError:
            self.proc.kill()

    # ------------------------------------------------------------------ traffic
    def _inject_one(self) -> None:
        world, rng = self.world, self.rng
        room = rng.choice(self.rooms)
        members = [m for m in world.rooms[room].member_ids if m != world.bot_id]
        roll = rng.random()
        if roll < 0.04:
            self._newcomer += 1
            new = world.add_contact(f"new{self._newcomer:04d}")
            world.join(room, [new], inviter=rng.choice(members))
            return
        if roll < 0.10:
            newcomers = [m for m in members if world.contacts[m].name.startswith("new")]
            if newcomers:
                world.say(room, rng.choice(newcomers), rng.choice(ADS))
                return
        text = rng.choice(COMMANDS) if roll < 0.25 else rng.choice(CHAT) + "，" + str(rng.randrange(10_000))
        world.say(room, rng.choice(members), text)

    async def burst(self, seconds: float, rate: float = 80.0) -> None:
        """Inject at about `rate` events/s for `seconds` (wall clock: this is load, not a wait)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for _ in range(self.rng.randint(1, 8)):
                self._inject_one()
            await asyncio.sleep(self.rng.uniform(0.5, 1.5) * 4 / rate)

    # ------------------------------------------------------------------ the run
    def _watch_fetches(self) -> None:
        service = self.server.service
        fetch = service.message_payload
        slow_rng = random.Random(self.rng.random())

        def slowed(request) -> bool:  # type: ignore[no-untyped-def]
            # decided once per message (its first fetch): a kill then lands while it is pending
            if request.id in self.taken or (request.id in self.slowed) or slow_rng.random() >= self.slow:
                return False
            self.slowed.add(request.id)
            return True

        if self.slow > 0:
            service.faults.delay("MessagePayload", self.slow_seconds, when=slowed)

        def message_payload(request):  # type: ignore[no-untyped-def]
            self.taken.setdefault(request.id, time.monotonic())
            return fetch(request)

        service.message_payload = message_payload  # type: ignore[method-assign]

    async def run(self, kills: int) -> Report:
        started = time.monotonic()
        self._watch_fetches()  # before start: the gRPC handlers are bound then
        await self.server.start("127.0.0.1", 0)
        self.server.service.on_delivered = self._on_delivered
        try:
            for _ in range(kills):
                spawned = time.monotonic()
                await self.start_bot()
                await self.warm_up()
                self.report.start_seconds += time.monotonic() - spawned
                self.redeliver()
                await self.burst(self.rng.uniform(0.3, 2.5))
                await self.kill_bot()
            await self.start_bot()
            await self.burst(1.0)
            drain = time.monotonic()
            await self.drain()
            self.report.drain_seconds = time.monotonic() - drain
            await self.stop_bot()
        finally:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.kill()
            await self.server.stop()
        self.report.seconds = time.monotonic() - started
        self.check()
        return self.report

    def redeliver(self, count: int = 5) -> None:
        """Gateways push recent messages again after a reconnect: each must be handled once."""
        sent = [mid for _, mid in self.sent]
        for mid in self.rng.sample(sent, min(count, len(sent))):
            self.world.redeliver(mid)
            self.report.redelivered += 1

    async def warm_up(self, timeout: float = 120.0) -> None:
        """One message handled end to end before the burst: kills then land while the bot is
        working through traffic, not while it is still importing (figures stay comparable)."""
        room = self.rooms[0]
        speaker = next(m for m in self.world.rooms[room].member_ids if m != self.world.bot_id)
        probe = self.world.say(room, speaker, f"热身 {self.report.starts}")
        await self._wait_handled({probe}, timeout)

    @contextlib.contextmanager
    def _engine(self) -> Iterator[Engine]:
        """An engine on the bot's database without a pool (the bot is killed and restarted)."""
        engine = create_engine(normalise_url(self.url), poolclass=NullPool)
        try:
            yield engine
        finally:
            engine.dispose()

    def _durable(self) -> tuple[set[str], set[str]]:
        """The event ids handled (core_seen_event) and those kept in the inbox, not handled."""
        with self._engine() as engine, engine.connect() as conn:
            # the inbox first: a row deleted meanwhile (a commit the killed bot sent last)
            # was deleted because its event was handled, which the second read then sees
            inbox = set(conn.scalars(select(InboxEvent.event_id)))
            seen = set(conn.scalars(select(SeenEvent.event_id)))
        return seen, inbox - seen

    async def _wait_handled(self, want: set[str], stall: float) -> None:
        """Poll the database until every id in `want` is handled; give up only once `stall`
        seconds pass without one more of them handled (a busy bot is slow, not stuck)."""
        done = 0
        deadline = time.monotonic() + stall
        with self._engine() as engine:
            while time.monotonic() < deadline:
                with engine.connect() as conn:
                    seen = set(conn.scalars(select(SeenEvent.event_id).where(SeenEvent.event_id.in_(want))))
                if want <= seen:
                    return
                if len(seen) > done:
                    done, deadline = len(seen), time.monotonic() + stall
                await asyncio.sleep(0.1)

    def _streams(self) -> list[list[tuple[float, str]]]:
        """What was written to each bot's stream, in order (the last one: the bot that drains).
        Writes after a kill, before the next start, went into a dead socket: in none."""
        streams: list[list[tuple[float, str]]] = [[] for _ in self.start_times]
        for at, mid in self.sent:
            run = sum(1 for s in self.start_times if s <= at) - 1
            if run >= 0 and (run >= len(self.kill_times) or at < self.kill_times[run]):
                streams[run].append((at, mid))
        return streams

    def _intake(self) -> Intake:
        """What the bots took from their streams. A killed bot had received its stream up to
        the last message it kept (it reads and journals in order); the rest was still in the
        socket or in the journal's unwritten batch."""
        streams = self._streams()
        intake = Intake()
        if len(streams) > len(self.kill_times):  # the bot that drains
            intake.received.update(mid for _, mid in streams[-1])
        before: set[str] = set()
        for run, kept in enumerate(self.kept_at_kill):
            kill = self.kill_times[run]
            stream = [mid for _, mid in streams[run]]
            # only what this bot kept shows how far it read: a redelivered message handled by an
            # earlier one is kept whether or not this one ever read it
            new, before = kept - before, kept
            last = max((i for i, mid in enumerate(stream) if mid in new), default=-1)
            got = stream[:last + 1]
            intake.received.update(got)
            intake.dropped.update(mid for mid in got if mid not in kept)
            intake.unconverted.update(mid for mid in got if self.taken.get(mid, kill + 1) > kill)
            rest = {mid for mid in stream[last + 1:] if mid not in kept}
            intake.tail |= rest
            intake.tail_read += sum(1 for mid in rest if self.taken.get(mid, kill + 1) <= kill)
            ages = [kill - at for at, mid in streams[run] if mid in rest]
            intake.tail_age = max([intake.tail_age, *ages])
        intake.tail -= intake.received  # sent again later and received then
        return intake

    async def drain(self, stall: float = STALL) -> None:
        """Wait (polling the database) until every message delivered to a live bot is handled."""
        # not the bot's own echoes (never delivered as room events)
        await self._wait_handled(self._intake().received, stall)

    def check(self) -> None:
        seen, kept = self._durable()
        with self._engine() as engine, engine.connect() as conn:
            counters = {(r.room_id, r.member_id): r.messages for r in conn.execute(select(Member))}
        report = self.report
        delivered = {mid for _, mid in self.sent}
        intake = self._intake()
        live = intake.received
        report.delivered = len(delivered)
        report.delivered_live = len(live)
        report.in_flight_at_kill = len(intake.tail)
        report.in_flight_age = intake.tail_age
        report.in_flight_read = intake.tail_read
        report.dropped = sorted(intake.dropped)
        report.lost = sorted(live - seen - kept)
        report.waiting = len(live & kept)
        report.lost_in_flight = len(intake.tail - seen)
        report.slowed = len(self.slowed & delivered)
        report.unconverted_at_kill = len(intake.unconverted)
        report.unconverted_lost = len(intake.unconverted - seen - kept)
        handled = Counter()
        for mid in seen:
            message = self.world.messages.get(mid)
            if message is not None and message.room_id and message.sender_id != self.world.bot_id:
                handled[(message.room_id, message.sender_id)] += 1
        for key, count in counters.items():
            if (count or 0) > handled[key]:
                report.doubled.append((key[0], key[1], count, handled[key]))
        text = self.log_path.read_text("utf-8", errors="replace")
        report.replayed = sum(int(line.split("replaying ")[1].split()[0])
                              for line in text.splitlines() if "replaying " in line and " events left" in line)


async def run_faults(kills: int, url: str | None, seed: int, workdir: Path, slow: float = 0.2,
                     slow_seconds: float = 1.5) -> Report:
    url = url or f"sqlite:///{workdir / 'faults.db'}"
    faults = Faults(url, workdir, seed, workdir / "bot.log", slow, slow_seconds)
    return await faults.run(kills)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--url", default=None, help="database (default: a fresh SQLite file)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--slow", type=float, default=0.2, help="share of messages with a slow payload RPC")
    parser.add_argument("--slow-seconds", type=float, default=1.5, help="how late the simulator answers those")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qunguan-faults-") as tmp:
        report = asyncio.run(run_faults(args.kills, args.url, args.seed, Path(tmp), args.slow, args.slow_seconds))
        for line in report.lines():
            print(line)
        if report.lost:
            print("lost ids:", ", ".join(report.lost[:20]))
        if report.dropped:
            print("dropped ids:", ", ".join(report.dropped[:20]))
        if report.doubled:
            print("doubled:", report.doubled[:20])
        sys.exit(1 if report.lost or report.doubled or report.dropped else 0)


if __name__ == "__main__":
    main()
