"""Check-in costs in a full 500-member group with a year of history.

    python -m bench.checkin [--days 365] [--members 500] [--url sqlite:///...]

Seeds one room (every member checks in on ~70% of days), then times the plugin's own work as
the pipeline runs it (handle() on a real session, commit included): a morning of 500 check-ins,
repeats, #checkin rank/me/stats, the reminder, the weekly summary and checkin_counts.
Prints one figure per line. The send path (governor, platform) is not included.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bot.clock import FakeClock
from bot.core.context import Context
from bot.core.plugin import JobSpec
from bot.core.roles import Role
from bot.events import MessageKind, MessageReceived
from bot.platform import RoomInfo
from bot.rules.loader import parse_rules
from db.migrate import upgrade
from db.models import Member
from db.session import make_engine, make_sessionmaker
from plugins.checkin import CheckinPlugin
from plugins.checkin.api import checkin_counts
from plugins.checkin.models import CheckinRecord

ROOM = "bench@chatroom"
SH = ZoneInfo("Asia/Shanghai")


def seed(sessions, members: list[str], today: date, days: int, rng: random.Random) -> int:
    rows, members_rows = [], []
    start = datetime.combine(today - timedelta(days=days), datetime.min.time(), tzinfo=SH).astimezone(UTC)
    for member in members:
        members_rows.append({"room_id": ROOM, "member_id": member, "first_seen": start, "messages": 10, "credit": 0})
        streak = total = 0
        for back in range(days, 0, -1):
            day = today - timedelta(days=back)
            if rng.random() < 0.7:
                streak, total = streak + 1, total + 1
                at = datetime.combine(day, datetime.min.time(), tzinfo=SH).astimezone(UTC) + timedelta(hours=8)
                rows.append({"room_id": ROOM, "member_id": member, "day": day, "at": at, "name": member,
                             "note": "", "makeup": False, "points": 10, "streak": streak, "total": total,
                             "announced": True, "repeat_answered": False})
            else:
                streak = 0
    with sessions() as db:
        db.execute(insert(Member), members_rows)
        for i in range(0, len(rows), 5000):
            db.execute(insert(CheckinRecord), rows[i:i + 5000])
        db.commit()
    return len(rows)


def ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"median {statistics.median(samples) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, n={len(samples)}"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    url = args.url or f"sqlite:///{Path(scratch.name) / 'bench.db'}"
    upgrade(url)
    sessions = make_sessionmaker(make_engine(url))
    plugin = CheckinPlugin()
    rules = parse_rules("version: 1\ndefaults: {timezone: Asia/Shanghai}\n", "bench", [plugin])
    clock = FakeClock(datetime(2026, 6, 1, 0, 0, tzinfo=UTC))  # 08:00 in Shanghai
    today = clock.now().astimezone(SH).date()
    rng = random.Random(7)
    members = [f"wxid_member_{i:03d}" for i in range(args.members)]
    started = time.perf_counter()
    rows = seed(sessions, members, today, args.days, rng)
    print(f"seeded {rows} check-in rows ({args.members} members x {args.days} days) "
          f"in {time.perf_counter() - started:.1f} s on {url.split(':')[0]}")
    room = RoomInfo(ROOM, "bench", "wxid_owner", frozenset({"wxid_bot"}), ("wxid_bot", "wxid_owner", *members))

    def context(sender: str | None, text: str = "", role: Role = Role.MEMBER) -> Context:
        event = None
        if sender is not None:
            event = MessageReceived(event_id=f"m{rng.random()}", room_id=ROOM, sender_id=sender, sender_name=sender,
                                    sender_alias="", kind=MessageKind.TEXT, text=text, timestamp=clock.now())
        return Context(rules=rules, clock=clock, db=sessions(), room_id=ROOM, room=room, self_id="wxid_bot",
                       event=event, sender_role=role)

    async def timed(ctx: Context, run) -> float:
        t0 = time.perf_counter()
        await run(ctx)
        ctx.db.commit()
        elapsed = time.perf_counter() - t0
        ctx.db.close()
        return elapsed

    checkins = []
    for member in members:
        clock.advance(2)
        checkins.append(await timed(context(member, "打卡 今天也要加油"), plugin.handle))
    print(f"check-in (handle + commit): {ms(checkins)}")
    repeats = [await timed(context(m, "打卡"), plugin.handle) for m in members[:100]]
    print(f"repeat check-in: {ms(repeats)}")
    command = plugin.checkin_command
    for label, text, role in (("#checkin rank week", "rank week", Role.MEMBER),
                              ("#checkin rank all", "rank all", Role.MEMBER),
                              ("#checkin me", "me", Role.MEMBER),
                              ("#checkin stats", "stats", Role.ADMIN)):
        samples = [await timed(context(members[7], "", role), lambda c, t=text: command(c, t)) for _ in range(20)]
        print(f"{label}: {ms(samples)}")
    remind = JobSpec(f"checkin.remind:{ROOM}", "0 21 * * *", room_id=ROOM, data=(("kind", "remind"),))
    summary = JobSpec(f"checkin.summary:{ROOM}", "0 20 * * 0", room_id=ROOM, data=(("kind", "summary"),))
    for label, job in (("reminder job", remind), ("weekly summary job", summary)):
        samples = []
        for i in range(10):
            ctx = context(None)
            ctx.job, ctx.scheduled = job, clock.now() + timedelta(days=i)
            samples.append(await timed(ctx, lambda c, j=job: plugin.run_job(c, j)))
        print(f"{label}: {ms(samples)}")
    samples = []
    for _ in range(20):
        with sessions() as db:
            t0 = time.perf_counter()
            checkin_counts(db, ROOM, today - timedelta(days=30), today)
            samples.append(time.perf_counter() - t0)
    print(f"api.checkin_counts over 30 days: {ms(samples)}")
    scratch.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
