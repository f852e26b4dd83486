"""Web console page load with a year of history (SQLite by default).

    python -m bench.console [--url sqlite:///path.db] [--groups 20] [--members 500] [--days 365]

Builds the database through the real migrations (so the real indexes), fills it with a year of
20 groups of 500 members (daily stats, cases with evidence, samples, audit rows, appeals), then
serves each console page in-process (the real Starlette app on a real, unstarted Runtime: no
gateway) and prints the median time per page, the worst one against the target (200 ms), the
longest the page holds the database gate (what a message waiting behind it would wait), and
the resident memory the console adds. Targets: page <= 200 ms, console <= 30 MB RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
CHECKS = ("keywords", "contact", "content", "flood", "repeat", "mentions", "emoji", "bayes", "similar")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def build(url: str, groups: int, members: int, days: int, seed: int = 11) -> list[str]:
    from db.migrate import upgrade
    from db.models import AuditEntry, Case, KnownRoom, Member
    from db.session import make_engine
    from plugins.antispam.models import Sample
    from plugins.moderation.models import Appeal
    from plugins.stats.models import MemberDay, RoomDay

    rng = random.Random(seed)
    upgrade(url)
    engine = make_engine(url)
    rooms = [f"{40000000000 + g}@chatroom" for g in range(groups)]
    ids = [f"wxid_{i:04d}" for i in range(members)]
    weights = [0.0 if i % 10 < 3 else 1.0 / (1 + i % 97) for i in range(members)]
    with engine.begin() as conn:
        conn.execute(insert(KnownRoom), [{"room_id": r, "topic": f"测试群{g + 1:02d}", "first_seen": NOW,
                                          "last_seen": NOW, "bot_role": "admin", "managed": True}
                                         for g, r in enumerate(rooms)])
        for room in rooms:
            day_rows, room_rows = [], []
            for d in range(days):
                day = TODAY - timedelta(days=d)
                total = 0
                for m, w in zip(ids, weights, strict=True):
                    if w and rng.random() < min(0.9, 0.3 + w * 3):
                        n = rng.randint(1, 40)
                        total += n
                        day_rows.append({"room_id": room, "day": day, "member_id": m, "messages": n})
                room_rows.append({"room_id": room, "day": day, "messages": total, "joins": rng.randint(0, 5),
                                  "leaves": rng.randint(0, 3), "removals": rng.randint(0, 1)})
            for start in range(0, len(day_rows), 10000):
                conn.execute(insert(MemberDay), day_rows[start:start + 10000])
            conn.execute(insert(RoomDay), room_rows)
            conn.execute(insert(Member), [
                {"room_id": room, "member_id": m, "first_seen": NOW - timedelta(days=400), "joined_at": None,
                 "inviter_id": None, "left_at": None, "last_message_at": NOW, "messages": rng.randint(0, 5000),
                 "credit": 0} for m in ids])
            cases = []
            for _ in range(3000):
                fired = rng.sample(CHECKS, 2)
                cases.append({
                    "room_id": room, "kind": rng.choice(("warn", "kick", "ban", "spam", "report")),
                    "target_id": rng.choice(ids), "target_name": "某成员", "actor_id": None, "source": "antispam",
                    "reason": "广告词、联系方式引流", "outcome": "done", "status": "open",
                    "evidence": {"message_id": f"m{rng.random()}", "text": "加我薇信 abc12345 领取免费资料" * 2,
                                 "checks": [{"name": c, "spam": c in fired, "details": "x" * 40, "mode": "enforce"}
                                            for c in CHECKS], "score": 0.9, "step": "warn"},
                    "created_at": NOW - timedelta(minutes=rng.randint(0, days * 1440)), "updated_at": NOW,
                    "updated_by": None})
            conn.execute(insert(Case), cases)
            conn.execute(insert(AuditEntry), [
                {"at": NOW - timedelta(minutes=rng.randint(0, days * 1440)), "room_id": room, "action": "Reply",
                 "target_id": rng.choice(ids), "text": "欢迎新朋友" * 5, "reason": "", "source": "greeting",
                 "outcome": "done", "error": None, "case_id": None} for _ in range(5000)])
            conn.execute(insert(Appeal), [
                {"room_id": room, "case_id": rng.randint(1, 3000 * groups), "member_id": rng.choice(ids),
                 "text": "我不是广告", "status": rng.choice(("pending", "accepted", "rejected")), "created_at": NOW,
                 "decided_at": None, "decided_by": None, "note": ""} for _ in range(20)])
        conn.execute(insert(Sample), [
            {"room_id": "*", "label": i % 2, "text": f"样本文本 {i} 加我领取" if i % 2 else f"今天天气不错 {i}",
             "fingerprint": f"{i:040d}", "source": "console", "added_by": "bench", "case_id": None,
             "created_at": NOW} for i in range(3000)])
    engine.dispose()
    return rooms


async def measure(url: str, rooms: list[str], runs: int) -> None:
    before_import = rss_mb()
    import httpx

    from bot.clock import FakeClock
    from bot.console.auth import COOKIE
    from bot.console.server import ConsoleServer, ConsoleSettings
    from bot.runtime import Runtime

    runtime = Runtime(rules_path=ROOT / "rules.yaml", database_url=url, endpoint="127.0.0.1:9",
                      token="insecure_bench", clock=FakeClock(NOW), cache_dir=Path(tempfile.gettempdir()))
    base = rss_mb()  # the bot without the console (its imports, rules, engine)
    server = ConsoleServer(runtime, ConsoleSettings("127.0.0.1", 0, "bench-token-0123456789"))
    cookie, _ = server.auth.new_session()
    gate = runtime.app._db_gate
    held: list[float] = []
    real_session = runtime.app._session

    def timed_session():  # how long a request keeps the event path's database gate
        class Held:
            async def __aenter__(self):
                self.inner = real_session()
                db = await self.inner.__aenter__()
                self.t0 = time.perf_counter()
                return db

            async def __aexit__(self, *exc):
                held.append((time.perf_counter() - self.t0) * 1000)
                return await self.inner.__aexit__(*exc)
        return Held()

    runtime.app._session = timed_session  # type: ignore[method-assign]
    # the event loop's longest stall while a page is served: what a message arriving then waits
    stalls: list[float] = []

    async def ticker() -> None:
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(0.001)
            stalls.append((time.perf_counter() - t0 - 0.001) * 1000)

    tick = asyncio.create_task(ticker())
    pages = [("overview", "/"), ("cases", "/cases"), ("cases by group", f"/cases?room={rooms[-1]}"),
             ("cases by check", "/cases?check=contact"), ("cases by date", "/cases?from=2026-06-01&to=2026-06-30"),
             ("appeals", "/appeals"), ("samples", "/samples"), ("samples search", "/samples?q=加我"),
             ("group rules", f"/groups?room={rooms[0]}"), ("schedules", f"/schedules?room={rooms[0]}"),
             ("stats all 30 d", "/stats"), ("stats group 365 d", f"/stats?room={rooms[-1]}&days=365"),
             ("stats all 365 d", "/stats?days=365"), ("stats csv 365 d", "/stats.csv?days=365"),
             ("audit", "/audit")]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server.asgi), base_url="http://bench",
                                 cookies={COOKIE: cookie}) as client:
        worst = ("", 0.0)
        print(f"{'page':22s} {'median ms':>10s} {'loop stall ms':>14s} {'gate ms':>8s} {'bytes':>9s}")
        worst_stall = 0.0
        for name, path in pages:
            samples, gate_max, stall_max, size = [], 0.0, 0.0, 0
            for _ in range(runs):
                held.clear()
                stalls.clear()
                t0 = time.perf_counter()
                response = await client.get(path)
                samples.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (path, response.status_code, response.text[:300])
                gate_max, size = max([gate_max, *held]), len(response.content)
                stall_max = max([stall_max, *stalls])
            ms = statistics.median(samples)
            worst_stall = max(worst_stall, stall_max)
            if ms > worst[1]:
                worst = (name, ms)
            print(f"{name:22s} {ms:10.1f} {stall_max:14.1f} {gate_max:8.1f} {size:9d}")
        rows = len(re.findall(r'data-case="', (await client.get("/cases")).text))
    after = rss_mb()
    tick.cancel()
    print(f"worst page: {worst[0]} {worst[1]:.1f} ms (target <= 200 ms); cases per page {rows}")
    print(f"longest event-loop stall while serving a page: {worst_stall:.1f} ms (pages read in a worker thread, "
          "without the database gate)")
    print(f"RSS: process before the bot {before_import:.1f} MB, bot without console {base:.1f} MB, "
          f"after serving every page {after:.1f} MB: the console adds {after - base:.1f} MB (target <= 30 MB)")
    assert not gate.locked()
    runtime.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="")
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        started = time.perf_counter()
        rooms = build(url, args.groups, args.members, args.days)
        print(f"built {url.split(':')[0]}: {args.groups} groups x {args.members} members x {args.days} days, "
              f"{3000 * args.groups} cases, {5000 * args.groups} audit rows in {time.perf_counter() - started:.0f} s")
        asyncio.run(measure(url, rooms, args.runs))


if __name__ == "__main__":
    main()
