"""The app's cold start on the database side: the bot logs in and meets N groups × M members
for the first time (each group recorded, everyone already there seeded as established, the
plugins' jobs reconciled).

    python -m bench.coldstart [--groups 200] [--members 500] [--url URL ...]

The real app and shipped plugins with bench.pipeline's in-memory platform (no gRPC, no RPCs:
bench.load measures those). Prints, per database: process CPU seconds from the login until
every group is recorded and the jobs reconciled, the CPU spent inside seeding established
members (repo.seed_established) per 100,000 members, SQL statements, and the rows it left
(so a before/after pair shows the same work). By default a fresh SQLite file and, when
QUNGUAN_TEST_PG_URL is set, a fresh PostgreSQL database. Written to run against older trees
too (the "before" figure).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, cast, func, select

from bench.pipeline.__main__ import Statements, databases, shipped_app
from bot.events import LoggedIn
from db import repo
from db.migrate import upgrade
from db.models import Member
from db.session import make_engine


async def run_one(url: str, groups: int, members: int, workdir: Path) -> dict[str, float]:

    upgrade(url)
    engine = make_engine(url)
    app, _, _ = shipped_app(engine, workdir, groups, members)
    statements = Statements()
    statements.attach(engine)
    seeding = {"cpu": 0.0}
    seed = repo.seed_established

    def timed_seed(session: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            # flushed here, or an ORM seeding's INSERTs would run in the caller's commit, untimed
            seeded = seed(session, *args, **kwargs)
            session.flush()
            return seeded
        finally:
            seeding["cpu"] += time.process_time() - start

    repo.seed_established = timed_seed  # type: ignore[assignment]
    try:
        await app.start()
        await app.idle()
        statements.count = 0
        cpu, wall = time.process_time(), time.perf_counter()
        await app.on_event(LoggedIn("wxid_bot", "群管机器人", app.clock.now()))
        while app._background:  # the groups recorded after login, then the jobs reconciled
            await asyncio.wait(list(app._background))
        await app.idle()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        await app.stop()
    finally:
        repo.seed_established = seed  # type: ignore[assignment]
    with engine.connect() as conn:
        rows = conn.execute(select(func.count(), func.sum(cast(Member.established, Integer))))
        seeded, established = rows.one()
    engine.dispose()
    per = 100_000 / (groups * members)
    return {"cpu": cpu, "wall": wall, "seed_cpu_per_100k": seeding["cpu"] * per, "statements": statements.count,
            "rows": seeded, "established": established or 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--url", action="append", help="database URL (repeatable); default SQLite (+ PostgreSQL)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qunguan-coldstart-") as tmp:
        print(f"cold start: {args.groups} groups x {args.members} members met at login, shipped plugins")
        for label, url in databases(args.url, Path(tmp)):
            r = asyncio.run(run_one(url, args.groups, args.members, Path(tmp)))
            print(f"{label:<11} login -> groups recorded: CPU {r['cpu']:.2f} s (wall {r['wall']:.2f} s), "
                  f"{r['statements']:.0f} statements; seeding established members: "
                  f"CPU {r['seed_cpu_per_100k']:.2f} s per 100,000; core_member rows {r['rows']:.0f} "
                  f"({r['established']:.0f} established)")


if __name__ == "__main__":
    main()
