"""The core pipeline's cost per message: intake, queues, sessions, the shipped plugins, commits.

    python -m bench.pipeline [--messages 3000] [--rooms 20] [--members 200] [--url URL ...] [--answered]

Drives N group messages (chat, check-ins, commands, a few ads) through App.on_event — the
real app, the shipped plugins and rules defaults (fast pacing), a real database — with an
in-memory platform (no gRPC: bench.load measures the adapter). Prints, per database:
CPU seconds per 1,000 messages (process CPU, worker threads included), SQL statements per
message on the event loop and in the inbox writer, and commits per message. By default it
runs on a fresh SQLite file and, when QUNGUAN_TEST_PG_URL is set, on a fresh PostgreSQL
database. Written to run against older trees too (the "before" figure). --answered makes every
message a #help the bot answers: one outbox action per message (the sender's cost per action).
It also prints the loop's CPU in the database's own COMMIT per message and, on SQLite, the pages
written to the WAL per message (every table and index page a commit changed is one WAL frame).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from bot.clock import SystemClock
from bot.events import LoggedIn, MessageKind, MessageReceived
from bot.platform import Member, RoomInfo
from bot.rules.store import RulesStore
from bot.simulator.pacing import fast_rules
from db.migrate import upgrade
from db.session import make_engine, make_sessionmaker, normalise_url

RULES = fast_rules()

CHAT = ["早上好", "今天天气不错", "有人去吃饭吗", "这个周末有活动吗？", "收到，谢谢", "哈哈哈哈", "明天几点集合",
        "我到了", "文件已经发群里了", "大家辛苦了", "这本书第三章讲得真好", "谁有上次分享的链接"]
ADS = ["加微信 wx8866 免费领取资料，名额有限", "兼职日结300，扫码进群了解详情", "低价代购名牌包包，私聊我"]


class MemoryPlatform:
    """The Platform protocol over plain dicts: instant answers, no RPCs."""

    def __init__(self, rooms: dict[str, RoomInfo], names: dict[str, str]) -> None:
        self.rooms = rooms
        self.names = names
        self.sent = 0
        self._ids = 0

    @property
    def self_id(self) -> str | None:
        return "wxid_bot"

    async def send_text(self, conversation_id: str, text: str, mention_ids: tuple[str, ...] = ()) -> str | None:
        self.sent += 1
        self._ids += 1
        return f"sent{self._ids}"

    async def kick(self, room_id: str, member_id: str) -> None:
        room = self.rooms[room_id]
        self.rooms[room_id] = RoomInfo(room.id, room.topic, room.owner_id, room.admin_ids,
                                       tuple(m for m in room.member_ids if m != member_id))

    async def invite(self, room_id: str, member_id: str) -> None:
        return None

    async def set_topic(self, room_id: str, topic: str) -> None:
        return None

    async def set_announcement(self, room_id: str, text: str) -> None:
        return None

    async def recall(self, message_id: str) -> bool:
        return True

    async def room_info(self, room_id: str, refresh: bool = False) -> RoomInfo:
        return self.rooms[room_id]

    async def member_list(self, room_id: str) -> list[Member]:
        return [Member(m, self.names.get(m, m)) for m in self.rooms[room_id].member_ids]

    async def member_alias(self, room_id: str, member_id: str) -> str:
        return ""

    async def contact_name(self, contact_id: str) -> str:
        return self.names.get(contact_id, contact_id)

    async def room_ids(self) -> list[str]:
        return list(self.rooms)


def build(rooms: int, members: int) -> tuple[MemoryPlatform, dict[str, list[str]]]:
    infos, names, people = {}, {"wxid_bot": "群管机器人"}, {}
    for r in range(rooms):
        room_id = f"{30000000000 + r}@chatroom"
        ids = [f"wxid_r{r}m{m}" for m in range(members)]
        for i, m in enumerate(ids):
            names[m] = f"成员{r}-{i}"
        infos[room_id] = RoomInfo(room_id, f"测试群{r}", "wxid_bot", frozenset(), ("wxid_bot", *ids))
        people[room_id] = ids
    return MemoryPlatform(infos, names), people


class Statements:
    def __init__(self, wal: WalFrames | None = None) -> None:
        self.count = 0
        self.commits = 0
        self._wal = wal

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._execute)
        event.listen(engine, "commit", self._commit)
        if self._wal is not None:
            event.listen(engine, "begin", self._wal.poll)

    def _execute(self, *_args: object) -> None:
        self.count += 1

    def _commit(self, *_args: object) -> None:
        self.commits += 1
        if self._wal is not None:
            self._wal.poll()


class CommitClock:
    """The CPU the loop's thread spends in the database's own COMMIT (the driver's commit():
    on SQLite the WAL frames written; on PostgreSQL the round trip), by the thread's CPU clock."""

    def __init__(self, engine: Engine) -> None:
        self.seconds = 0.0
        dialect = engine.dialect
        commit = dialect.do_commit

        def timed(dbapi_connection: Any) -> None:
            start = time.thread_time()
            try:
                commit(dbapi_connection)
            finally:
                self.seconds += time.thread_time() - start

        dialect.do_commit = timed  # type: ignore[method-assign]


class WalFrames:
    """Pages written to an SQLite database's WAL, read from the WAL index's header (mxFrame, the
    frames in the WAL: bytes 16-19 of the -shm file, native byte order), polled at every
    transaction's begin and commit of the engines watched: frames are appended only by commits,
    and a restart of the WAL (a fully checkpointed WAL is written from its start again) shows as
    a count lower than the last one read."""

    def __init__(self, database: Path) -> None:
        self._shm = Path(f"{database}-shm")
        self._last = 0
        self.frames = 0

    def read(self) -> int:
        try:
            with self._shm.open("rb") as f:
                header = f.read(20)
        except FileNotFoundError:
            return 0
        return int.from_bytes(header[16:20], sys.byteorder) if len(header) == 20 else 0

    def poll(self, *_args: object) -> None:
        now = self.read()
        self.frames += now - self._last if now >= self._last else now
        self._last = now


def messages(people: dict[str, list[str]], n: int, seed: int, start: int,
             answered: bool = False) -> list[MessageReceived]:
    rng = random.Random(seed)
    out = []
    now = datetime.now(UTC)
    for i in range(n):
        room = rng.choice(list(people))
        sender = rng.choice(people[room])
        roll = rng.random()
        text = (rng.choice(ADS) if roll < 0.01 else "签到" if roll < 0.06 else "#help" if roll < 0.07
                else rng.choice(CHAT) + f"（{rng.randrange(1000)}）")
        text = "#help" if answered else text
        out.append(MessageReceived(event_id=f"bench{start + i}", room_id=room, sender_id=sender,
                                   sender_name=sender, sender_alias="", kind=MessageKind.TEXT, text=text,
                                   timestamp=now))
    return out


async def run_one(url: str, n: int, rooms: int, members: int, workdir: Path,
                  answered: bool = False) -> dict[str, float]:

    upgrade(url)
    try:
        engine = make_engine(url, busy_timeout=0.05)  # type: ignore[call-arg]
    except TypeError:  # an older tree: one engine setting for everything
        engine = make_engine(url)
    app, platform, people = shipped_app(engine, workdir, rooms, members)
    database = make_url(url).database if make_url(url).get_backend_name() == "sqlite" else None
    wal = WalFrames(Path(database)) if database else None
    loop_stmts, inbox_stmts = Statements(wal), Statements(wal)
    loop_stmts.attach(engine)
    commit_clock = CommitClock(engine)
    inbox_engine = getattr(getattr(app, "inbox", None), "engine", engine)  # an older tree: none of its own
    if inbox_engine is not engine:
        inbox_stmts.attach(inbox_engine)
    await app.start()
    await app.on_event(LoggedIn("wxid_bot", "群管机器人", app.clock.now()))
    warm = messages(people, 300, seed=1, start=0, answered=answered)  # jieba, the model, caches
    for msg in warm:
        await app.on_event(msg)
    await app.idle()
    batch = messages(people, n, seed=2, start=len(warm), answered=answered)
    loop_stmts.count = inbox_stmts.count = loop_stmts.commits = inbox_stmts.commits = 0
    if wal is not None:
        wal.poll()
        wal.frames = 0
    commit_clock.seconds = 0.0
    cpu, wall = time.process_time(), time.perf_counter()
    for i, msg in enumerate(batch):
        await app.on_event(msg)
        if i % 50 == 49:
            await asyncio.sleep(0)  # let workers run as they would between gateway reads
    await app.idle()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if wal is not None:
        wal.poll()
    await app.stop()
    engine.dispose()
    return {"cpu_per_1000": cpu / n * 1000, "wall_per_1000": wall / n * 1000,
            "loop_statements": loop_stmts.count / n, "inbox_statements": inbox_stmts.count / n,
            "commits": (loop_stmts.commits + inbox_stmts.commits) / n, "handled": app.events_handled,
            "sent": platform.sent, "commit_cpu": commit_clock.seconds / n * 1000,
            "wal_pages": wal.frames / n if wal is not None else None}


def _fresh_pg(server: str) -> tuple[str, Engine]:
    admin = create_engine(make_url(normalise_url(server)).set(database="postgres"), poolclass=NullPool,
                          isolation_level="AUTOCOMMIT")
    name = f"qunguan_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(normalise_url(server)).set(database=name).render_as_string(hide_password=False), admin


def shipped_app(engine: Engine, workdir: Path, rooms: int, members: int):
    """The app with the shipped plugins and the benches' rules on an in-memory platform of
    rooms x members: (app, platform, people)."""
    from bot.core.app import App
    from plugins import default_plugins

    rules_path = workdir / "rules.yaml"
    rules_path.write_text(RULES, "utf-8")
    plugins = default_plugins()
    clock = SystemClock()
    platform, people = build(rooms, members)
    app = App(platform=platform, rules=RulesStore(rules_path, plugins, clock), plugins=plugins,  # type: ignore[arg-type]
              sessions=make_sessionmaker(engine), clock=clock)
    return app, platform, people


def databases(urls: list[str] | None, tmp: Path) -> Iterator[tuple[str, str]]:
    """(backend, url) of each database to measure: the given URLs, else a fresh SQLite file and,
    with QUNGUAN_TEST_PG_URL set, a fresh PostgreSQL database dropped after its run."""
    if urls:
        yield from ((make_url(normalise_url(u)).get_backend_name(), u) for u in urls)
        return
    yield "sqlite", f"sqlite:///{tmp / 'bench.db'}"
    if os.environ.get("QUNGUAN_TEST_PG_URL"):
        url, admin = _fresh_pg(os.environ["QUNGUAN_TEST_PG_URL"])
        try:
            yield "postgresql", url
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--url", action="append", help="database URL (repeatable); default SQLite (+ PostgreSQL)")
    parser.add_argument("--answered", action="store_true", help="every message a #help the bot answers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qunguan-pipeline-") as tmp:
        print(f"{args.messages} messages, {args.rooms} groups x {args.members} members, shipped plugins")
        for label, url in databases(args.url, Path(tmp)):
            r = asyncio.run(run_one(url, args.messages, args.rooms, args.members, Path(tmp), args.answered))
            print(f"{label:<11} CPU {r['cpu_per_1000']:.2f} s/1000 msg (wall {r['wall_per_1000']:.2f} s)  "
                  f"statements/msg: loop {r['loop_statements']:.1f} + inbox {r['inbox_statements']:.2f}  "
                  f"commits/msg {r['commits']:.2f} (COMMIT {r['commit_cpu'] * 1000:.0f} CPU-µs/msg)  "
                  f"handled {r['handled']:.0f}  sent {r['sent']:.0f}"
                  + (f"  WAL pages/msg {r['wal_pages']:.2f}" if r["wal_pages"] is not None else ""))


if __name__ == "__main__":
    main()
