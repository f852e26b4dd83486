"""Anti-spam decision latency and memory, on one core.

    python -m bench.antispam [--train FILE] [--messages N] [--plugin-only RUNS [--corpus]]

Prints p50/p99/max latency and CPU seconds per 1,000 messages for (1) the pure decision
(normalise + every check + the classifier), in full and as the plugin makes it (a draft
without the models' evidence words, decided in full only when something fired), (2) the
models' scoring alone on the corpus's first 3,000 rows, and (3) the plugin's whole
per-message path on an in-memory SQLite database (store the message, behaviour queries, the
member lookup, the decision, the case when spam),
the memory the loaded model takes, and the behaviour windows' CPU and memory per kept
message. The plugin's path is measured twice: on the generated messages and on 2,000 rows of
the corpus (`--corpus` with `--plugin-only`). Messages are generated here: ordinary chat,
obfuscated ads, and hostile input (100 KB texts, emoji-only, zero-width runs). The shipped
char model is loaded (it judges from the first message); QR decoding of images is measured
separately, on generated QR codes, QR codes pasted into photo-like pictures, and plain photos.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import time
from datetime import UTC, datetime

CHAT = ["大家早上好", "这周日晚上的分享会还开吗？", "收到，谢谢群主", "有人知道上海哪里有好吃的本帮菜吗",
        "我刚看完那本书，第三章写得特别好", "明天下雨，出门记得带伞", "打卡第{n}天", "周五团建，大家投票选地方",
        "这个问题我也遇到过，重启一下就好了", "小区团购的水果明天到，记得去取"]
ADS = ["加V：ab{n}c8888 领取资料", "兼职日结，宝妈学生都可以，薇信 mm{n}", "扣扣 9 8 7 {n} 5 4 3 进群领福利",
       "低息贷款当天放款，联系一三八{n}二三四五六七八",
       "🔥🔥加v领福利🔥🔥 v：meinv{n}", "刷单返利，日赚三百，看我朋友圈"]
# the last three are long runs a contact word's optional gaps could backtrack over (half a second
# each before those quantifiers were made possessive)
HOSTILE = ["广告" * 50_000, "😀" * 3000, "\u200b" * 20_000, "Ｖ\u200bＸ：ａｂｃ８８８８ ⓐⓑⓒ 𝟏𝟑𝟖 " * 300,
           "加威" + "❤" * 5000, "加" + " " * 5000 + "x", "加" + " " * 2000 + "✈" + " " * 2000,
           # a platform word before spaces and no id: three optional space runs had tried every split
           # of the run (cubic: 64 s for 纸飞机 + 4,000 spaces); and the ordinary-word readings of 扣扣/纸飞机
           "纸飞机" + " " * 4000 + "x", "uid" + " " * 4000 + "x", "抖音搜" + " " * 4000 + "x",
           "抠抠" + "搜" * 4000, "纸飞机" + "😀" * 4000, "扣扣" * 2000]


ON_CORPUS = "plugin handle(), corpus rows"


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def messages(n: int) -> list[str]:
    rng = random.Random(7)
    out = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.005:
            out.append(HOSTILE[i % len(HOSTILE)])
        elif roll < 0.1:
            out.append(rng.choice(ADS).format(n=i))
        else:
            out.append(rng.choice(CHAT).format(n=i) + ("" if rng.random() < 0.5 else f" {i}"))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def report(name: str, times: list[float], cpu: float | None = None) -> None:
    """Latency percentiles; with cpu (process CPU seconds spent in the measured calls), CPU
    seconds per 1,000 messages, the figure that decides the bot's throughput on one core."""
    ms = [t * 1000 for t in times]
    print(f"{name:34} n={len(ms):6}  p50={pct(ms, 0.5):6.3f} ms  p99={pct(ms, 0.99):6.3f} ms  "
          f"max={max(ms):7.2f} ms  mean={statistics.fmean(ms):6.3f} ms"
          + (f"  cpu={cpu / len(ms) * 1000:6.3f} s/1k" if cpu is not None else ""))


def bench_decide(model, texts: list[str]) -> None:
    from plugins.antispam.checks import Facts
    from plugins.antispam.config import AntispamConfig
    from plugins.antispam.contact import find_contacts, promoted_links
    from plugins.antispam.engine import decide
    from plugins.antispam.normalize import normalise

    cfg = AntispamConfig()
    for name, draft in (("decide() (checks + classifier)", False), ("decide() as the plugin (draft)", True)):
        times, cpu = [], 0.0
        for i, text in enumerate(texts):
            normalise.cache_clear()  # every message pays for its own normalisation
            find_contacts.cache_clear(), promoted_links.cache_clear()  # and its own contact scan
            facts = Facts(text=text, newcomer=i % 4 == 0)
            c0, t0 = time.process_time(), time.perf_counter()
            # the plugin's way: a draft (no evidence words), in full only when it fired
            decision = decide(facts, cfg, model, "room", explain=False) if draft else None
            if decision is None or decision.spam or decision.shadow_fired:
                decide(facts, cfg, model, "room")
            times.append(time.perf_counter() - t0)
            cpu += time.process_time() - c0
        report(name, times, cpu)


def bench_score(model, rows: int = 3000) -> None:
    """SpamModel.score alone (the Bayes, the shingles, the char model and its evidence) on the
    corpus's first rows, real chat and ads of every kind: each message pays for its own
    normalisation, contact scan and word cut, as a new message does."""
    from plugins.antispam.charmodel import words_of
    from plugins.antispam.contact import find_contacts, promoted_links
    from plugins.antispam.dataset import corpus_dir, read_many
    from plugins.antispam.normalize import normalise

    texts = [r.text for r in read_many([corpus_dir()])][:rows]
    times, cpu = [], 0.0
    for text in texts:
        normalise.cache_clear(), words_of.cache_clear()
        find_contacts.cache_clear(), promoted_links.cache_clear()
        c0, t0 = time.process_time(), time.perf_counter()
        model.score(text, "room")
        times.append(time.perf_counter() - t0)
        cpu += time.process_time() - c0
    report("SpamModel.score() on the corpus", times, cpu)


def corpus_texts(n: int) -> list[str]:
    """n rows of the project's corpus in a fixed shuffled order: varied chat and ads of every kind,
    so the caches (the char model's feature codes, jieba's cut) miss as they do on a live group's
    text, where the generated messages above repeat a few templates and always hit."""
    from plugins.antispam.dataset import corpus_dir, read_many

    rows = random.Random(7).sample(read_many([corpus_dir()]), n)
    print(f"corpus rows: {n}, {sum(r.label for r in rows) / n:.0%} of them ads")
    return [r.text for r in rows]


async def bench_plugin(texts: list[str], name: str = "plugin handle() incl. SQLite") -> None:
    from bot.clock import FakeClock
    from bot.core import members as member_facts
    from bot.core.context import Context
    from bot.events import MessageKind, MessageReceived
    from bot.platform import RoomInfo
    from bot.rules.loader import parse_rules
    from db.base import Base
    from db.session import make_engine, make_sessionmaker
    from plugins.antispam import AntispamPlugin
    from plugins.antispam.contact import find_contacts, promoted_links
    from plugins.antispam.normalize import normalise

    plugin = AntispamPlugin()
    rules = parse_rules("version: 1\n", "bench", [plugin])
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    sessions = make_sessionmaker(engine)
    clock = FakeClock(datetime(2026, 5, 1, tzinfo=UTC))
    members = [f"wxid_m{i}" for i in range(500)]  # a full WeChat group
    room = RoomInfo(id="r1@chatroom", topic="bench", owner_id="wxid_owner", admin_ids=frozenset({"wxid_bot"}),
                    member_ids=frozenset([*members, "wxid_owner", "wxid_bot"]))
    times, cpu = [], 0.0
    with sessions() as db:  # warm up: seed the samples, load jieba and the model
        ctx = Context(rules=rules, clock=clock, db=db, room_id=room.id, room=room, self_id="wxid_bot")
        plugin.learner.model(db, clock.now())
        db.commit()
    for i, text in enumerate(texts):
        normalise.cache_clear()
        find_contacts.cache_clear(), promoted_links.cache_clear()
        sender = members[i % len(members)]
        clock.advance(0.5)
        msg = MessageReceived(event_id=f"m{i}", room_id=room.id, sender_id=sender, sender_name=sender,
                              sender_alias="", kind=MessageKind.TEXT, text=text, timestamp=clock.now())
        with sessions() as db:
            facts = member_facts.touch(db, room.id, sender, clock.now(), message=True)
            ctx = Context(rules=rules, clock=clock, db=db, room_id=room.id, room=room, self_id="wxid_bot",
                          event=msg, source="antispam", member=facts)
            c0, t0 = time.process_time(), time.perf_counter()
            if plugin.wants(ctx):
                await plugin.handle(ctx)
            times.append(time.perf_counter() - t0)
            cpu += time.process_time() - c0
            db.commit()
    report(name, times, cpu)
    engine.dispose()


def bench_qr(n: int) -> None:
    """QR decode time per image (Pillow open + zxing-cpp), by kind of image."""
    import io

    import qrcode
    from PIL import Image

    from plugins.antispam import qr

    def picture(size: tuple[int, int], payload: str | None, fmt: str) -> bytes:
        img = Image.blend(Image.linear_gradient("L").resize(size).convert("RGB"),
                          Image.effect_noise(size, 60).convert("RGB"), 0.4)
        if payload:
            code = qrcode.make(payload, box_size=6).get_image().convert("RGB")
            img.paste(code, (size[0] // 3, size[1] // 3))
        buf = io.BytesIO()
        img.save(buf, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
        return buf.getvalue()

    plain_qr = io.BytesIO()
    qrcode.make("https://u.wechat.com/EG7xYz1AbCdE").save(plain_qr)
    kinds = {
        "QR code alone (PNG)": plain_qr.getvalue(),
        "QR in a 1080x1440 photo (JPEG)": picture((1080, 1440), "https://weixin.qq.com/g/AQYAAJxk9f3Lq", "JPEG"),
        "plain 1080x1440 photo (JPEG)": picture((1080, 1440), None, "JPEG"),
        "plain 3000x4000 photo (JPEG)": picture((3000, 4000), None, "JPEG"),
    }
    for name, data in kinds.items():
        times, found = [], None
        for _ in range(n):
            t0 = time.perf_counter()
            found = qr.decode(data, max_bytes=20_000_000, max_pixels=20_000_000)
            times.append(time.perf_counter() - t0)
        report(f"QR decode: {name} ({len(data) // 1024} KB)", times)
        print(f"{'':34} found {found}")


def bench_windows(texts: list[str], n: int = 60_000, busy: int = 300_000) -> None:
    """The behaviour windows (flood and repeat counts) hold every message of the last ten
    minutes: their memory per kept message, times the message rate, is what they cost. n
    messages from 200 groups x 500 members, 10 ms apart (100 msg/s: all of them inside the
    window, most members with one), each recorded and counted as the plugin does, each with its
    own id strings as an event brings them; then `busy` messages 2 ms apart (ten minutes at
    500 msg/s: about three per member), as recorded."""
    import tracemalloc
    from datetime import timedelta

    from plugins.antispam.checks import Facts, promotion
    from plugins.antispam.config import AntispamConfig
    from plugins.antispam.normalize import normalise
    from plugins.antispam.store import fingerprint
    from plugins.antispam.windows import Windows

    rng = random.Random(5)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    picks = [(rng.randrange(200), rng.randrange(500), rng.choice(texts), rng.getrandbits(63)) for _ in range(n)]
    prints = {text: fingerprint(text) for text in texts}
    within = {"flood_within": timedelta(seconds=15), "repeat_within": timedelta(minutes=10), "similarity": 0.8}
    # as the plugin records them: what promotes nothing is kept as its time alone
    cfg = AntispamConfig()
    promotes = {text: promotion(Facts(text=text), normalise(text), cfg) is not None for text in texts}
    print(f"{'':34} {sum(promotes[p[2]] for p in picks) / n:.0%} of the messages promote something")

    def run(windows: Windows, rows: list[tuple[int, int, str, int]], times: list[float] | None = None,
            everything: bool = False, gap_ms: float = 10) -> None:
        for i, (group, member, text, mid) in enumerate(rows):
            row = (f"{30_000_000_000 + group}@chatroom", f"wxid_m_{group}_{member}", str(mid), text, prints[text],
                   start + timedelta(milliseconds=gap_ms * i))
            t0 = time.perf_counter()
            windows.record(*row, promotes=everything or promotes[text])
            windows.counts(*row, **within)
            if times is not None:
                times.append(time.perf_counter() - t0)

    times: list[float] = []
    run(Windows(), picks[: n // 2], times)  # timed untraced (tracemalloc slows every allocation)
    report("windows: record + counts", times)
    for label, everything in (("as recorded", False), ("every message kept whole", True)):
        gc.collect()
        tracemalloc.start()
        windows = Windows()
        run(windows, picks, everything=everything)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del windows
        print(f"{'':34} memory, {label}: {kept / n:.0f} B per kept message ({kept / 1e6:.1f} MB for {n}; "
              f"10 minutes at 1,000 msg/s: {kept / n * 600_000 / 1e6:.0f} MB)")
    more = [(rng.randrange(200), rng.randrange(500), rng.choice(texts), rng.getrandbits(63)) for _ in range(busy)]
    gc.collect()
    tracemalloc.start()
    windows = Windows()
    run(windows, more, gap_ms=2)
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"{'':34} memory, ten minutes at 500 msg/s ({busy} messages from {len(windows._members)} members): "
          f"{kept / busy:.0f} B per kept message, {kept / 1e6:.1f} MB")
    del windows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.antispam", description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", help="also train on this labelled TSV (label, text) before measuring")
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--images", type=int, default=20, help="decodes per kind of image")
    parser.add_argument("--plugin-only", type=int, metavar="RUNS", default=0,
                        help="only the plugin's whole path, RUNS times (each on a fresh database): the "
                             "figure to compare two trees by, alternating, in a minute")
    parser.add_argument("--corpus", action="store_true",
                        help="with --plugin-only: the plugin's path on 2,000 corpus rows, not the generated mix")
    args = parser.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass

    from plugins.antispam.charmodel import shipped
    from plugins.antispam.classifier import features
    from plugins.antispam.config import AntispamConfig
    from plugins.antispam.dataset import read_tsv, seed_rows
    from plugins.antispam.training import build_model

    features("预热")  # load jieba's dictionary outside the model's memory figure
    if args.plugin_only:
        shipped()
        texts = corpus_texts(2000) if args.corpus else messages(args.messages)[:2000]
        for _ in range(args.plugin_only):
            asyncio.run(bench_plugin(texts, ON_CORPUS if args.corpus else "plugin handle() incl. SQLite"))
        return
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    char = shipped()
    print(f"shipped char model: {'loaded' if char else 'MISSING'} in {time.perf_counter() - t0:.2f}s, "
          f"memory +{rss_mb() - before:.1f} MB" + (f", threshold {char.threshold:.3f}" if char else ""))
    before = rss_mb()
    t0 = time.perf_counter()
    rows = seed_rows() + (list(read_tsv(args.train)) if args.train else [])
    model, _ = build_model(rows, AntispamConfig())
    gc.collect()
    print(f"model: {len(rows)} samples, {model.bayes.vocab} features, built in {time.perf_counter() - t0:.1f}s, "
          f"memory +{rss_mb() - before:.1f} MB (process RSS {rss_mb():.1f} MB, jieba included)")
    texts = messages(args.messages)
    bench_decide(model, texts)
    bench_score(model)
    if not args.train:
        asyncio.run(bench_plugin(texts[:2000]))
        asyncio.run(bench_plugin(corpus_texts(2000), ON_CORPUS))
    bench_windows(texts)
    gc.collect()
    print(f"process RSS after the message benchmarks: {rss_mb():.1f} MB")
    bench_qr(args.images)
    print(f"process RSS at the end (Pillow and zxing-cpp loaded): {rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
