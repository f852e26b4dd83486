"""Load benchmark: one bot process against a simulated WeChat of N groups x M members.

    python -m bench.load [--groups 200] [--members 500] [--rates 25,50,100,200,400,800]
                         [--step 10] [--db sqlite|postgres|both] [--governor shipped|off]
    python -m bench.load --quick        # 20 x 50, rates 20,50, 5 s steps: a smoke run
    python -m bench.load --speakers zipf  # a few members say most, as in real groups
    python -m bench.load --warm --rates 100  # every member speaks once first: memory when warm
    python -m bench.load --warm --rates 1500 --step 60 --drain 600  # far past saturation: is anything lost?

The simulator (this process) serves the puppet-service gRPC API; the bot (bench/load/bot.py,
the real Runtime with the shipped rules.yaml and plugins, the real Wechaty SDK) runs in a
child process so its CPU time and RSS are read from /proc. A realistic Chinese mix (chat,
ads, check-ins, commands) is injected at increasing rates; per rate it prints handled msg/s,
backlog growth, injection -> decision latency p50/p99 (decision: the app finished handling
the message), bot CPU seconds per 1,000 messages, RSS, gateway RPCs per message, and an ad
-> the bot's action about it at the gateway (a warning reply or a removal) p50/p99; then
start-to-ready and the saturation rate (the first rate the bot cannot keep up with).

The machine may be shared: CPU per message is the figure to compare, not wall-clock rates
alone (the driver's own CPU is printed too, to show when the simulator is the bottleneck).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.clock import SystemClock
from bot.simulator import ActionKind, BotAction, SimConfig, SimError, SimServer, World

REPO = Path(__file__).resolve().parents[2]
CLK_TCK = os.sysconf("SC_CLK_TCK")

# The mix, written for this benchmark: ordinary group chat, grey-market ads, check-ins and
# member commands. Chat is assembled from parts so messages vary in length and content.
CHAT_OPENERS = ["", "哈哈", "嗯嗯", "我觉得", "说真的", "话说", "+1", "确实", "笑死", "有一说一", "刚看到", "请问"]
CHAT_BODIES = [
    "今天下班好早，准备去超市买点菜", "这个周末有人一起去爬山吗", "孩子作业写到十点还没写完",
    "楼下那家面馆又涨价了，一碗牛肉面二十八", "刚开完会，老板又改需求了", "明天降温，大家注意加衣服",
    "有没有推荐的降噪耳机，预算一千左右", "地铁二号线今天又晚点了", "周五团建去哪儿大家投个票",
    "这部剧结局也太仓促了吧", "我家猫今天把花瓶打碎了", "报名表我已经发群文件里了",
    "晚上八点线上读书会别忘了", "谁有上次分享的课件，麻烦发我一下", "今年年终奖估计悬了",
    "刚做了红烧肉，第一次做居然成功了", "物业说下周二停水，提前存点水", "公司楼下新开了家咖啡店，拿铁挺好喝",
    "这次考试重点是第三章和第五章", "小区门口的快递柜满了，只能放驿站", "跑步第30天，体重掉了四斤",
    "高铁票抢到了，初三回去", "有人知道社保转移怎么办吗", "下雨天最适合在家睡觉",
]
CHAT_TAILS = ["", "。", "！", "～", "😂", "👍", "？", "哈哈哈", "[捂脸]", "……"]
ADS = [
    "兼职日结，手机就能做，一天轻松300+，有意者加微信 {code}",
    "低价出售各类会员账号，需要的私聊，V信：{code}",
    "USDT承兑，高价收U，量大从优，联系 {code}",
    "宝妈在家也能赚钱，刷单返佣当天到账，加 V：{code}",
    "棋牌上分，稳定靠谱，详情咨询扣扣 {code}",
    "出售闲置会员卡，全网最低，➕微 {code} 了解一下",
    "免费领取红包封面，进群就送，加我 {code}",
]
CHECKINS = ["打卡", "签到", "打卡 今天背了50个单词", "打卡！跑步5公里"]
COMMANDS = ["#help", "#checkin me", "#checkin rank"]


@dataclass
class Mix:
    chat: float = 0.85
    ads: float = 0.03
    checkins: float = 0.10
    commands: float = 0.02
    mentions: float = 0.05  # of chat: "@someone ..." (a real mention, ids in the payload)
    # of ads: posted by someone who joins just before (a member invites them): a newcomer's ad is
    # removed at once, where a warmed world's established members are only warned, so without
    # these the "spam -> kick requested" was measured on warnings (core36)
    newcomer_ads: float = 0.0


def message_text(rng: random.Random, mix: Mix) -> tuple[str, bool]:
    """A message of the mix, and whether it is an ad."""
    roll = rng.random()
    if roll < mix.ads:
        code = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(3)) + str(rng.randint(1000, 99999))
        return rng.choice(ADS).format(code=code), True
    if roll < mix.ads + mix.checkins:
        return rng.choice(CHECKINS), False
    if roll < mix.ads + mix.checkins + mix.commands:
        return rng.choice(COMMANDS), False
    return rng.choice(CHAT_OPENERS) + rng.choice(CHAT_BODIES) + rng.choice(CHAT_TAILS), False


class AdResponses:
    """An ad injected → the bot's first action about its sender in that room reaching the
    gateway (a removal, or a reply mentioning them: a member's first offence is a warning).
    Outside deliberate pacing (--governor off) this is the issue's "spam → kick requested"."""

    def __init__(self) -> None:
        self.pending: dict[tuple[str, str], float] = {}
        self.latencies: list[float] = []

    def injected(self, room_id: str, sender: str) -> None:
        self.pending.setdefault((room_id, sender), time.monotonic())

    def on_action(self, action: BotAction) -> None:
        if action.kind is ActionKind.KICK and action.target:
            keys = [(action.room_id or "", action.target)]
        elif action.kind is ActionKind.SEND_TEXT:
            keys = [(action.room_id or "", m) for m in action.mention_ids]
        else:
            return
        for key in keys:
            at = self.pending.pop(key, None)
            if at is not None:
                self.latencies.append((time.monotonic() - at) * 1000)

    def take(self) -> list[float]:
        out, self.latencies = self.latencies, []
        return out


def build_world(groups: int, members: int) -> tuple[World, list[str]]:
    # no member cap: the groups start full (500), and --newcomer-ads has people join them
    config = SimConfig(send_limit=10**9, kick_limit=10**9, heartbeat_seconds=15.0, room_member_cap=10**6)
    world = World(SystemClock(), bot_id="wxid_bench_bot", bot_name="群管机器人", config=config)
    rooms = []
    for g in range(groups):
        owner = world.add_contact(f"群主{g}", id=f"wxid_owner_{g}")
        people = [world.add_contact(f"成员{g}-{m}", id=f"wxid_m_{g}_{m}") for m in range(max(members - 2, 1))]
        room = world.create_room(f"压测群{g}", owner=owner, admins=[world.bot_id], members=[world.bot_id, *people],
                                 id=f"{30_000_000_000 + g}@chatroom")
        for m in people[::5]:
            world.set_alias(room, m, f"昵称{m[-6:]}")
        rooms.append(room)
    return world, rooms


# local hours that sit well inside and well outside the shipped check-in window (05:00–23:59)
_CHECKIN_HOURS = {"open": 12, "closed": 2}


def checkin_zone(state: str, now: datetime | None = None) -> str | None:
    """A fixed-offset time zone in which it is now midday ("open") or 02:00 ("closed") for the
    groups, None for the shipped one: a 打卡 while check-in is closed takes another path (a
    claimed notice, no record), so a run's CPU per message depends on the hour in Shanghai
    unless this is pinned (core33's runs all fell at night there)."""
    if state == "shipped":
        return None
    hour = (now or datetime.now(UTC)).hour
    offset = (_CHECKIN_HOURS[state] - hour + 12) % 24 - 12  # in -12..11: Etc/GMT's range
    # Etc/GMT's sign is POSIX's: Etc/GMT-8 is UTC+8
    return "Etc/GMT" + (f"{-offset:+d}" if offset else "")


def write_rules(path: Path, governor: str, zone: str | None = None) -> Path:
    rules = yaml.safe_load((REPO / "rules.yaml").read_text("utf-8"))
    if zone is not None:
        rules.setdefault("defaults", {})["timezone"] = zone
    if governor == "off":
        rules.setdefault("bot", {})["governor"] = {
            "group_interval": "0s", "account_interval": "0s", "jitter": "0s", "daily_limit": 10**7,
            "kicks_per_hour": 10**6, "quiet_after_login": "0s", "throttle_pause": "1s",
        }
    path.write_text(yaml.safe_dump(rules, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def proc_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextlib.contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    url = os.environ.get("QUNGUAN_BENCH_PG_URL") or os.environ.get("QUNGUAN_TEST_PG_URL")
    if not url:
        raise SystemExit("--db postgres needs QUNGUAN_BENCH_PG_URL or QUNGUAN_TEST_PG_URL (source /work/pg.env)")
    name = f"qunguan_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT",
                          poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class BotProcess:
    def __init__(self, endpoint: str, db_url: str, rules: Path, trace_memory: bool = False,
                 fine: bool = False) -> None:
        self.started = time.monotonic()
        env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.load.bot", "--endpoint", endpoint, "--db", db_url, "--rules", str(rules),
             *(["--trace-memory"] if trace_memory else []), *(["--fine"] if fine else [])],
            cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.lines: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def start_reading(self) -> None:
        loop = asyncio.get_running_loop()
        assert self.proc.stdout is not None

        def read() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                with contextlib.suppress(ValueError):
                    loop.call_soon_threadsafe(self.lines.put_nowait, json.loads(line))
            loop.call_soon_threadsafe(self.lines.put_nowait, {"type": "exit"})

        loop.run_in_executor(None, read)

    async def expect(self, kind: str, timeout: float) -> dict[str, Any]:
        while True:
            line = await asyncio.wait_for(self.lines.get(), timeout)
            if line.get("type") == "exit":
                raise SystemExit(f"the bot exited with {self.proc.wait()}")
            if line.get("type") == kind:
                return line

    async def stats(self) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return await self.expect("stats", 60)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            assert self.proc.stdin is not None
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def pick_sender(rng: random.Random, people: list[str], speakers: str) -> str:
    """uniform: anyone (the worst case for caches); zipf: the k-th most talkative member speaks
    1/k as often as the first, as in real group chat where a few members say most."""
    if speakers == "uniform":
        return rng.choice(people)
    weights = _zipf_weights(len(people))
    return rng.choices(people, cum_weights=weights)[0]


_ZIPF: dict[int, list[float]] = {}


def _zipf_weights(n: int) -> list[float]:
    if n not in _ZIPF:
        total, out = 0.0, []
        for k in range(1, n + 1):
            total += 1 / k
            out.append(total)
        _ZIPF[n] = out
    return _ZIPF[n]


async def warm_up(world: World, rooms: list[str], senders: dict[str, list[str]], bot: BotProcess,
                  rng: random.Random, window: int = 2000) -> int:
    """Every member of every group says one chat line (in a shuffled order, at most `window`
    unhandled at a time), so the bot has met all of them: its memory is then what a process
    that has been up for a while holds (issue 13: RSS warm at 200 x 500). Returns how many."""
    order = [(room, sender) for room in rooms for sender in senders[room]]
    rng.shuffle(order)
    cpu0, began = proc_cpu(bot.proc.pid), time.monotonic()
    handled0 = (await bot.stats())["handled"]
    done = 0
    for i, (room, sender) in enumerate(order):
        while i - done >= window:  # ask the bot only when the window is full
            await asyncio.sleep(0.05)
            done = (await bot.stats())["handled"] - handled0
        # ordinary chat, varied as message_text's (one of 24 bodies made every group's 500
        # members say the same few lines: far more alike than real chat)
        world.say(room, sender, rng.choice(CHAT_OPENERS) + rng.choice(CHAT_BODIES) + rng.choice(CHAT_TAILS))
        if i % 200 == 0:
            await asyncio.sleep(0)
    while (await bot.stats())["handled"] - handled0 < len(order):
        await asyncio.sleep(0.1)
    cpu = proc_cpu(bot.proc.pid) - cpu0
    print(f"warm: all {len(order)} members spoke once in {time.monotonic() - began:.0f}s; bot CPU {cpu:.1f}s "
          f"({cpu / len(order) * 1000:.2f} s per 1,000); RSS now {proc_rss_mb(bot.proc.pid):.0f} MB", flush=True)
    return len(order)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_one(args: argparse.Namespace, db_kind: str) -> None:
    rng = random.Random(args.seed)
    built = time.monotonic()
    world, rooms = build_world(args.groups, args.members)
    print(f"\n== {db_kind}: {args.groups} groups x {args.members} members "
          f"(world built in {time.monotonic() - built:.1f}s), governor {args.governor}")
    server = SimServer(world)
    await server.start("127.0.0.1", 0)
    senders = {room: [m for m in world.members(room) if m.startswith("wxid_m_")] for room in rooms}
    with tempfile.TemporaryDirectory() as tmp, database(db_kind, Path(tmp)) as url:
        zone = checkin_zone(args.checkin)
        rules = write_rules(Path(tmp) / "rules.yaml", args.governor, zone)
        if zone is not None:
            local = datetime.now(ZoneInfo(zone)).strftime("%H:%M")
            print(f"check-in {args.checkin}: the groups' time zone {zone}, {local} there at the start")
        bot = BotProcess(server.endpoint, url, rules, trace_memory=args.trace_memory, fine=args.fine)
        await bot.start_reading()
        ready = await bot.expect("ready", 600)
        spawn_to_ready = time.monotonic() - bot.started
        print(f"start to ready: {ready['ready_after']:.2f}s after Runtime.start(), "
              f"{spawn_to_ready:.2f}s after the process was spawned (imports included); "
              f"RSS at ready {proc_rss_mb(bot.proc.pid):.0f} MB; timing hook: app.{ready['hook']}")
        # after login the bot records every group it is in: wait until the reads stop
        settle_start, last, still = time.monotonic(), -1, 0.0
        while still < 1.0 and time.monotonic() - settle_start < 300:
            await asyncio.sleep(0.25)
            now = sum(server.service.rpc_counts.values())
            still = still + 0.25 if now == last else 0.0
            last = now
        print(f"cold start: {last} RPCs until quiet, {time.monotonic() - settle_start - still:.1f}s after ready, "
              f"bot CPU so far {proc_cpu(bot.proc.pid):.1f}s ({dict(server.service.rpc_counts.most_common(4))})")
        injected_total = handled_total = 0
        newcomers = 0  # --newcomer-ads: people who joined to post an ad
        if args.warm:
            injected_total = handled_total = await warm_up(world, rooms, senders, bot, rng)
        await bot.stats()  # reset latencies
        saturation: int | None = None
        responses = AdResponses()
        world.on_action(responses.on_action)
        header = (f"{'rate':>6} {'handled/s':>10} {'backlog+':>9} {'p50 ms':>9} {'p99 ms':>9} "
                  f"{'CPU s/1k':>9} {'RSS MB':>7} {'RPC/msg':>8} {'sim CPU%':>9} {'ad→act p50/p99 ms (n)':>22}")
        print(header)
        loop = asyncio.get_running_loop()
        for rate in args.rates:
            cpu0, sim0 = proc_cpu(bot.proc.pid), time.process_time()
            rpc0 = sum(server.service.rpc_counts.values())
            backlog0 = injected_total - handled_total
            injected = 0
            start = loop.time()
            while (elapsed := loop.time() - start) < args.step:
                due = int(elapsed * rate) - injected
                for _ in range(max(due, 0)):
                    room = rng.choice(rooms)
                    for _attempt in range(5):
                        sender = pick_sender(rng, senders[room], args.speakers)
                        text, ad = message_text(rng, args.mix)
                        mentions = [rng.choice(senders[room])] if rng.random() < args.mix.mentions else []
                        if ad and rng.random() < args.mix.newcomer_ads:
                            newcomers += 1
                            sender = world.add_contact(f"新人{newcomers}", id=f"wxid_new_{newcomers}")
                            world.join(room, [sender], inviter=pick_sender(rng, senders[room], "uniform"))
                        try:
                            world.say(room, sender, text, mentions=mentions)
                            if ad:
                                responses.injected(room, sender)
                            break
                        except SimError:  # kicked for an ad: gone from the room
                            senders[room].remove(sender)
                    injected += 1
                await asyncio.sleep(0.005)
            wall = loop.time() - start
            injected_total += injected
            stats = await bot.stats()
            handled = stats["handled"] - handled_total
            handled_total = stats["handled"]
            cpu = proc_cpu(bot.proc.pid) - cpu0
            sim_cpu = time.process_time() - sim0
            rpcs = sum(server.service.rpc_counts.values()) - rpc0
            backlog_growth = (injected_total - handled_total) - backlog0
            lat = [x * 1000 for x in stats["latencies"]]
            stages = list(stats.get("stages", []))
            lags = [x * 1000 for x in stats.get("lags", [])]
            pauses = [x * 1000 for x in stats.get("gc_pauses", [])]
            # in flight is not behind: give the tail a grace period before judging
            grace_end = loop.time() + max(2.0, args.step / 5)
            while injected_total - handled_total > 0 and loop.time() < grace_end:
                await asyncio.sleep(0.1)
                more = await bot.stats()
                handled_total = more["handled"]
                lat.extend(x * 1000 for x in more["latencies"])
                stages.extend(more.get("stages", []))
            behind = injected_total - handled_total
            acted = responses.take()
            fine = stats.get("fine")
            print(f"{rate:>6} {handled / wall:>10.1f} {backlog_growth:>9} {percentile(lat, 0.5):>9.1f} "
                  f"{percentile(lat, 0.99):>9.1f} {cpu / max(handled, 1) * 1000:>9.2f} "
                  f"{proc_rss_mb(bot.proc.pid):>7.0f} {rpcs / max(injected, 1):>8.2f} {sim_cpu / wall * 100:>8.0f}% "
                  f"{percentile(acted, 0.5):>8.0f}/{percentile(acted, 0.99):.0f} ({len(acted)})",
                  flush=True)
            if stages:
                split = ", ".join(f"{name} {percentile([s[i] * 1000 for s in stages], 0.5):.1f}/"
                                  f"{percentile([s[i] * 1000 for s in stages], 0.99):.1f}"
                                  for i, name in enumerate(("to the app", "waiting", "handling")))
                print(f"       where the latency goes, p50/p99 ms: {split}; the event loop late by "
                      f"p99 {percentile(lags, 0.99):.0f} ms, at most {max(lags, default=0.0):.0f} ms; "
                      f"{len(pauses)} full garbage collections, the longest {max(pauses, default=0.0):.0f} ms",
                      flush=True)
            if fine:
                print_fine(fine)
            # behind at the step's end, not only after the grace: a run that handled 880 of 1,000
            # msg/s queued 12% of the step and drained it in the grace, and was reported as kept up
            if behind > 0.1 * injected or backlog_growth > 0.1 * injected:
                saturation = rate
                print(f"       {backlog_growth} messages queued at the step's end, {behind} still "
                      f"{max(2.0, args.step / 5):.0f}s after it")
                break
            # let stragglers finish so each rate starts without a backlog
            deadline = loop.time() + 30
            while injected_total - handled_total > 0 and loop.time() < deadline:
                await asyncio.sleep(0.2)
                handled_total = (await bot.stats())["handled"]
        if saturation is None:
            print(f"saturation: not reached up to {args.rates[-1]} msg/s")
        else:
            print(f"saturation: at {saturation} msg/s the bot fell behind (over 10% of the step queued at its end)")
        if args.drain and injected_total > handled_total:
            # with nothing more sent, is every message the bot was behind on handled (none shed)?
            began, left = loop.time(), injected_total - handled_total
            while injected_total > handled_total and loop.time() - began < args.drain:
                await asyncio.sleep(0.5)
                handled_total = (await bot.stats())["handled"]
            print(f"drain: {left} messages behind; {injected_total - handled_total} still not handled "
                  f"{loop.time() - began:.0f}s later")
        final = await bot.stats()
        print(f"adapter: {final.get('adapter')}")
        if final.get("batch"):
            print(f"event transactions: {final['batch']}")
        if final.get("inbox"):
            print(f"inbox writes: {final['inbox']}")
        if "reads_under_gate" in final:  # trees before the count have none
            print(f"platform reads under the database gate: {final['reads_under_gate'] or 'none'}")
        print(f"RPCs by kind: {dict(server.service.rpc_counts.most_common(8))}")
        if args.trace_memory:
            bot.proc.stdin.write("memory\n")
            bot.proc.stdin.flush()
            print((await bot.expect("memory", 600))["report"])
        bot.stop()
    await server.stop()


def print_fine(fine: dict[str, Any]) -> None:
    """--fine: the bot's own timing of the step's messages (bench/load/stages.py), p50/p90/p99 ms."""
    def row(values: list[float]) -> str:
        return "/".join(f"{v:.1f}" for v in values)

    print(f"       inside the bot, p50/p90/p99 ms over {fine['messages']} messages:")
    for name, values in fine["stages"].items():
        print(f"         {name:<20} {row(values)}")
    o = fine.get("ordinary")
    if o and o["n"]:
        split = ", ".join(f"{name} {row(values)}" for name, values in o.items() if name != "n")
        print(f"       ordinary messages (not a newcomer's first) ({o['n']}): {split}")
    b, i, k = fine["batch"], fine["inbox"], fine["kicks"]
    print(f"       event batches: {b['commits']} commits, events {row(b['events'])}, "
          f"open→commit {row(b['open→commit'])}, commit {row(b['commit'])}")
    print(f"       inbox writes: {i['writes']}, rows {row(i['rows'])}, lock wait {row(i['lock wait'])}, "
          f"write {row(i['write'])}")
    if k["n"]:
        split = ", ".join(f"{name} {row(values)}" for name, values in k.items() if name != "n")
        print(f"       removals and warnings ({k['n']}): {split}")
    for kind, path in (fine.get("ad_paths") or {}).items():
        if path["n"]:
            split = ", ".join(f"{name} {row(values)}" for name, values in path.items() if name != "n")
            print(f"       an ad's {kind} ({path['n']}): {split}")
    path = fine.get("newcomer_path")
    if path and path["ads"]["n"]:
        for what, label in (("joins", "the joins before them"), ("ads", "newcomers' ads (their first message)")):
            split = ", ".join(f"{name} {row(values)}" for name, values in path[what].items() if name != "n")
            print(f"       {label} ({path[what]['n']}): {split}")
        for what, s in path["other sessions"].items():
            print(f"       loop sessions of {what} ({s['n']}): wait for the turn and gate {row(s['wait'])}, "
                  f"held {row(s['hold'])}, {s['held s']:.2f} s held in all")
        declared = path.get("room jobs")
        if declared and declared["n"]:
            print(f"       a room's jobs declared in its own transaction ({declared['n']}): read "
                  f"{row(declared['read'])}, scheduled at the commit {row(declared['scheduled'])}, "
                  f"{declared['s in all']:.2f} s in all")
        if path.get("plugins"):
            print("       plugins' parts: " + ", ".join(f"{k} {row(v)}" for k, v in path["plugins"].items()))
        for owner, j in path["jobs"].items():
            print(f"       jobs of {owner} ({j['n']}): late {row(j['late'])}, run {row(j['run'])}")
    n = fine.get("sessions")
    if n:
        per = f"{n['lane'] / n['actions']:.2f}" if n["actions"] else "-"
        print(f"       loop sessions: lanes {n['lane']}, sender {n['sender']}, other {n['other']}; "
              f"actions {n['actions']}, platform sends {n['calls']}; lane sessions per action {per}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--rates", default="25,50,100,200,400,800", help="msg/s steps, comma-separated")
    parser.add_argument("--step", type=float, default=10.0, help="seconds per rate")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--governor", choices=["shipped", "off"], default="shipped",
                        help="shipped: rules.yaml pacing (replies wait 2 s per group); off: no pacing")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--speakers", choices=["uniform", "zipf"], default="uniform",
                        help="who speaks: anyone alike (default, worst case) or a few members most (real chat)")
    parser.add_argument("--quick", action="store_true", help="20 x 50, rates 20,50, 5 s steps")
    parser.add_argument("--warm", action="store_true",
                        help="first let every member speak once (the bot has met all of them), then the rates")
    parser.add_argument("--checkin", choices=["shipped", "open", "closed"], default="shipped",
                        help="the groups' time zone: the shipped one (check-in open or closed by the hour in "
                             "Shanghai), or one where check-in is open (midday) or closed (02:00) for the run")
    parser.add_argument("--fine", action="store_true",
                        help="the bot times each message's stages (inbox, batch, outbox; bench/load/stages.py) and "
                             "each step prints them (a few µs a message more: compare CPU only with --fine on both)")
    parser.add_argument("--newcomer-ads", type=float, default=0.0,
                        help="the share of ads posted by someone who joins just before (removed at once as a "
                             "newcomer's ad; 0: every ad is an established member's, warned)")
    parser.add_argument("--drain", type=float, default=0.0, metavar="SECONDS",
                        help="after the last step, wait up to this long for the bot to handle every message it "
                             "was behind on, and print how many it never did (shed: lost)")
    parser.add_argument("--trace-memory", action="store_true",
                        help="the bot traces its allocations (slower: compare RSS only between traced runs) and "
                             "prints at the end where its memory is, by module and by line")
    args = parser.parse_args(argv)
    if args.quick:
        args.groups, args.members, args.rates, args.step = 20, 50, "20,50", 5.0
    args.rates = [int(r) for r in str(args.rates).split(",") if r.strip()]
    args.mix = Mix(newcomer_ads=args.newcomer_ads)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for kind in kinds:
        asyncio.run(run_one(args, kind))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
