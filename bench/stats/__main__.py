"""Stats query speed on a 500-member group with a year of history (SQLite by default).

    python -m bench.stats [--url sqlite:///path.db] [--members 500] [--days 365]

Builds the database through the real migrations (so the real indexes), fills it, then prints
the median time of each query #stats and #tag run, for day, week and month. Target: < 200 ms
each on SQLite.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from db.migrate import upgrade
from db.models import Case, Member
from db.session import make_engine, make_sessionmaker
from plugins.stats import queries
from plugins.stats.models import MemberDay, RoomDay

ROOM = "bench@chatroom"
OTHER_ROOMS = ("other1@chatroom", "other2@chatroom")  # noise the indexes must skip


def build(url: str, members: int, days: int, seed: int = 7) -> date:
    rng = random.Random(seed)
    upgrade(url)
    engine = make_engine(url)
    today = date(2026, 11, 23)
    ids = [f"wxid_{i:04d}" for i in range(members)]
    # a few heavy talkers, a long tail (~130 speakers a day), ~30% who never speak
    weights = [0.0 if i % 10 < 3 else 1.0 / (1 + i % 97) for i in range(members)]
    with engine.begin() as conn:
        for room in (ROOM, *OTHER_ROOMS):
            member_rows, day_rows, room_rows = [], [], []
            for d in range(days):
                day = today - timedelta(days=d)
                talkers = [m for m, w in zip(ids, weights, strict=True) if w and rng.random() < min(0.9, 0.3 + w * 3)]
                total = 0
                for m in talkers:
                    n = rng.randint(1, 40)
                    total += n
                    day_rows.append({"room_id": room, "day": day, "member_id": m, "messages": n})
                room_rows.append({"room_id": room, "day": day, "messages": total, "joins": rng.randint(0, 5),
                                  "leaves": rng.randint(0, 3), "removals": rng.randint(0, 1)})
            for i, m in enumerate(ids):
                joined = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=i)
                last = None if weights[i] == 0 else datetime(2026, 11, 23, tzinfo=UTC) - timedelta(days=i % 40)
                member_rows.append({"room_id": room, "member_id": m, "first_seen": joined, "joined_at": joined,
                                    "inviter_id": None, "left_at": None, "last_message_at": last,
                                    "messages": rng.randint(0, 5000), "credit": 0})
            for start in range(0, len(day_rows), 5000):
                conn.execute(insert(MemberDay), day_rows[start:start + 5000])
            conn.execute(insert(RoomDay), room_rows)
            conn.execute(insert(Member), member_rows)
            now = datetime(2026, 11, 23, tzinfo=UTC)
            conn.execute(insert(Case), [
                {"room_id": room, "kind": rng.choice(("warn", "kick", "ban", "spam", "report")),
                 "target_id": rng.choice(ids), "target_name": "", "actor_id": None, "source": "antispam",
                 "reason": "广告", "evidence": {}, "outcome": "done", "status": "open",
                 "created_at": now - timedelta(minutes=rng.randint(0, days * 1440)),
                 "updated_at": now, "updated_by": None} for _ in range(3000)])
    engine.dispose()
    return today


def timed(fn: Callable[[], object], runs: int = 7) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="")
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        started = time.perf_counter()
        today = build(url, args.members, args.days)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        with sessions() as db:
            rows = db.query(MemberDay).filter(MemberDay.room_id == ROOM).count()
            print(f"built {url.split(':')[0]}: {args.members} members, {args.days} days, "
                  f"{rows} member-day rows in the group (3 groups stored) in {time.perf_counter() - started:.1f} s")
            members = [f"wxid_{i:04d}" for i in range(args.members)]
            now = datetime(2026, 11, 23, 12, tzinfo=UTC)
            worst = 0.0
            for label, days in (("day", 1), ("week", 7), ("month", 30)):
                start = today - timedelta(days=days - 1)
                t0 = datetime.combine(start, datetime.min.time(), UTC)
                t1 = datetime.combine(today + timedelta(days=1), datetime.min.time(), UTC)
                figures = {
                    "totals": timed(lambda s=start: queries.totals(db, ROOM, s, today)),
                    "top_talkers": timed(lambda s=start: queries.top_talkers(db, ROOM, s, today, 10)),
                    "violations": timed(lambda a=t0, b=t1: queries.violations(db, ROOM, a, b)),
                    "lurkers": timed(lambda: queries.lurkers(db, ROOM, members, now - timedelta(days=14))),
                    "tag_all(messages_by_member)": timed(
                        lambda s=start: queries.messages_by_member(db, ROOM, s, today)),
                    "tag_one(member_messages)": timed(
                        lambda s=start: queries.member_messages(db, ROOM, "wxid_0005", s, today)),
                }
                for name, ms in figures.items():
                    worst = max(worst, ms)
                    print(f"{label:5s} {name:30s} {ms:8.2f} ms")
            print(f"worst query: {worst:.2f} ms (target < 200 ms)")
        engine.dispose()


if __name__ == "__main__":
    main()
