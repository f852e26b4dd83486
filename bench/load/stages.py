"""Finer timing of a message's way through the bot, for `python -m bench.load --fine`.

Installed from outside on a running Runtime's objects (instance attributes wrapping the
inbox's writer, the event batch, the outbox and the platform), so the same timing runs on a
tree from before a change. What it adds per message (a few dict operations) is CPU charged to
the bot: compare CPU per 1,000 only between runs that both used --fine, or both did not.

Per group message, wall-clock instants (time.time(), the injection's clock):
came (the app has the converted event) → written (the inbox's thread begins the write; the
linger and the inbox's write turn before it) → locked (its BEGIN IMMEDIATE returned: SQLite's
write lock) → committed → dispatched (back on the loop) → began (the room worker runs it) →
gate (its claim: the event holds the database gate) → part (its part ended: outbox.stage) →
done (its batch committed, the worker resumed).

Per removal or mention (a warning) an event staged: staged → committed (its event done) →
run (the outbox's lane has claimed the row and the executor starts) → marked (the in-flight
mark, waited for the governor's slot and a write turn) → sent (the platform call began).

The loop's transactions other than events (App._session: each takes the inbox's write turn and
the database gate), counted by who opened them: the outbox's lanes (claims, marks, outcomes,
and what the executor reads on their way: a removal's whitelist check), its sender's passes,
and the rest (jobs, start-up); against the actions the lanes carried out (Executor.run) and
the platform calls that changed something (send_text, kick). Deterministic for a given run of
actions: "lane sessions per action" is the outbox's cost in write turns per send.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import threading
import time
from typing import Any

from sqlalchemy import event as sa_event

STAGES = ("to the app", "inbox linger+turn", "inbox lock wait", "inbox write", "to the loop", "room queue",
          "to the gate", "its part", "batch close+commit")
KICK_STAGES = ("staged→committed", "committed→lane runs", "lane→mark begins", "mark (slot, write)", "mark→RPC")
# An ad's action from the injection to the gateway's answer (per removal and per warning): the
# decision (the ad's batch committed); the lane's own queue until it asks for the session that
# claims the row (the rows ahead of it in its room, the sender's wake); that session's wait for
# the inbox's write turn, then for the database gate (the open event batch, every ready room
# worker); the claim's transaction; in the executor, up to the removal's room read, the read
# (an RPC), and up to the platform call (the governor's slot, a mark of its own); the call
# itself (the RPC to the gateway and back).
# A newcomer's ad (--newcomer-ads) and the join just before it, each event split as STAGES with
# the room worker's part before the gate taken apart: the room read and record (App._handle's
# rooms.get: a join invalidates the room, so its handling reads the room again), the gather
# (App._gather: the join's inviter read) and the wait for the gate after it. For the ad, its
# adapter part (injection → the app) split into the join's conversion before it (its lane waits
# for the join's delivery) and the sender's own member read, and its room queue into the time
# behind its join, behind a job of that room (a welcome) and behind anything else.
NEWCOMER_STAGES = ("to the app", "inbox linger+turn", "inbox lock wait", "inbox write", "to the loop",
                   "room queue", "room read+record", "gather", "gather→gate", "its part", "batch close+commit")
NEWCOMER_AD_EXTRA = ("app: sender's member read", "app: after its join's read", "queue: behind its join",
                     "queue: behind a job", "queue: behind others", "join injected→ad began")
AD_STAGES = ("injection→decision", "decision→claim asked", "claim: write turn", "claim: gate", "claim→run",
             "run→room read", "room read", "read→call", "RPC")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(values: list[float]) -> list[float]:
    ms = [v * 1000 for v in values]
    return [round(_pct(ms, 0.5), 2), round(_pct(ms, 0.9), 2), round(_pct(ms, 0.99), 2)]


class FineStages:
    def __init__(self, app: Any, adapter: Any = None) -> None:
        self.app = app
        self.rows: list[list[float]] = []  # per message: the stages above, seconds
        self.ordinary: list[bool] = []  # per row: not a newcomer's first message
        self.commits: list[tuple[float, float, int]] = []  # batch: open→commit start, commit, events
        self.inbox_writes: list[tuple[float, float, int]] = []  # lock wait, write, rows
        self.kicks: list[list[float]] = []
        self.ad_paths: dict[str, list[list[float]]] = {"removal": [], "warning": []}
        self._turn_got: dict[asyncio.Task[Any], float] = {}
        self._lane_session: dict[asyncio.Task[Any], tuple[float, float, float]] = {}
        self.sessions = {"lane": 0, "sender": 0, "other": 0}
        self.actions = 0
        self.calls = 0
        self._written: dict[str, tuple[float, float, float]] = {}
        self._dispatched: dict[str, float] = {}
        self._gate: dict[asyncio.Task[Any], float] = {}
        self._part: dict[asyncio.Task[Any], float] = {}
        self._staged: dict[asyncio.Task[Any], list[tuple[str, str]]] = {}
        self._trace: dict[tuple[str, str], dict[str, float]] = {}
        self._key: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("fine_key", default=None)
        self._local = threading.local()
        self._opened = 0.0
        # the newcomer's path (--newcomer-ads): joins, their members' first messages, jobs,
        # reconciles, the adapter's member reads
        self.join_rows: list[list[float]] = []
        self.newcomer_rows: list[list[float]] = []
        self.jobs: list[tuple[str, float, float]] = []  # job id's plugin, wait for its run, its run
        self.other_sessions: list[tuple[str, float, float]] = []  # kind, wait (turn+gate), hold
        # a room's jobs declared in its event's or job's transaction (App._room_jobs, where the
        # tree has it): the read in the transaction, and the scheduling at its commit
        self.room_jobs: list[float] = []
        self.room_jobs_scheduled: list[float] = []
        self._came: dict[str, float] = {}
        self._gathered: dict[asyncio.Task[Any], tuple[float, float]] = {}
        self._entered: dict[asyncio.Task[Any], float] = {}
        self.plugin_parts: dict[tuple[str, str], list[float]] = {}
        self._joined: dict[tuple[str, str], tuple[float, float, float]] = {}  # injected, began, done
        self._busy: dict[str, list[tuple[float, float, str]]] = {}  # room -> recent worker items
        self._reads: dict[tuple[str, str], list[tuple[float, float]]] = {}  # adapter member reads
        self._kind: contextvars.ContextVar[str] = contextvars.ContextVar("fine_kind", default="other")
        self._install()
        if adapter is not None:
            self._install_adapter(adapter)

    # ------------------------------------------------------------------ hooks
    def _install(self) -> None:
        app, inbox, batch, outbox = self.app, self.app.inbox, self.app.batch, self.app.outbox
        local = self._local

        @sa_event.listens_for(inbox.engine, "begin")
        def _begun(_conn: Any) -> None:  # after the engine's own listener ran BEGIN IMMEDIATE
            local.begun = time.time()

        write = inbox._write

        def timed_write(items: Any, done: Any, dropped: Any) -> None:
            started = time.time()
            local.begun = None
            try:
                write(items, done, dropped)
            finally:
                ended = time.time()
                begun = local.begun or started
                self.inbox_writes.append((begun - started, ended - begun, len(items)))
                for item in items:
                    if item.event is not None:
                        self._written[item.event.event_id] = (started, begun, ended)

        inbox._write = timed_write
        dispatch = inbox._dispatch

        def timed_dispatch(key: str, event: Any) -> None:
            self._dispatched[event.event_id] = time.time()
            dispatch(key, event)

        inbox._dispatch = timed_dispatch

        sessions = batch._sessions

        def opening() -> Any:
            self._opened = time.time()
            return sessions()

        batch._sessions = opening
        commit = batch._commit

        def timed_commit() -> None:
            events = batch._open.events if batch._open is not None else 0
            started = time.time()
            commit()
            self.commits.append((started - self._opened, time.time() - started, events))

        batch._commit = timed_commit
        claim = batch.claim

        def timed_claim(*args: Any, **kw: Any) -> Any:
            task = asyncio.current_task()
            if task is not None:
                self._gate[task] = time.time()
            return claim(*args, **kw)

        batch.claim = timed_claim
        event_cm = batch.event
        entered = self._entered

        @contextlib.asynccontextmanager
        async def timed_event(*args: Any, **kw: Any) -> Any:
            async with event_cm(*args, **kw) as db:
                task = asyncio.current_task()
                if task is not None:  # a join has no claim: its gate is its part's start
                    entered[task] = time.time()
                yield db

        batch.event = timed_event
        stage = outbox.stage

        def timed_stage(db: Any, planned: Any, *args: Any, **kw: Any) -> None:
            now = time.time()
            task = asyncio.current_task()
            if task is not None:
                self._part[task] = now
                keys = [k for item in planned for k in _keys(item.action)]
                if keys:
                    self._staged[task] = keys
                    ads = {k for item in planned if item.source == "antispam" for k in _keys(item.action)}
                    for key in keys:
                        self._trace[key] = {"staged": now, "ad": float(key in ads)}
            stage(db, planned, *args, **kw)

        outbox.stage = timed_stage
        executor = app.executor
        run = executor.run

        async def timed_run(planned: Any, rules: Any, **kw: Any) -> Any:
            self.actions += 1
            keys = _keys(planned.action)
            token = self._key.set(keys[0] if keys else None)
            now = time.time()
            task = asyncio.current_task()
            claimed = self._lane_session.pop(task, None) if task is not None else None
            for key in keys:
                if key in self._trace:
                    self._trace[key]["run"] = now
                    if claimed is not None:
                        self._trace[key].update(asked=claimed[0], turned=claimed[1], gated=claimed[2])
            try:
                return await run(planned, rules, **kw)
            finally:
                self._key.reset(token)

        executor.run = timed_run
        counts = self.sessions

        turn_got, lane_session = self._turn_got, self._lane_session
        other_sessions, kind = self.other_sessions, self._kind

        class TimedTurn:
            """The inbox's write turn as App._session takes it: when each task got it."""

            def __init__(self, turn: Any) -> None:
                self.turn = turn

            async def __aenter__(self) -> Any:
                got = await self.turn.__aenter__()
                task = asyncio.current_task()
                if task is not None:
                    turn_got[task] = time.time()
                return got

            async def __aexit__(self, *exc: Any) -> Any:
                return await self.turn.__aexit__(*exc)

        if hasattr(app, "_inbox_turn"):
            app._inbox_turn = TimedTurn(app._inbox_turn)

        def counted(real: Any) -> Any:
            @contextlib.asynccontextmanager
            async def timed_lane_session() -> Any:
                task = asyncio.current_task()
                asked = time.time()
                turn_got.pop(task, None)  # type: ignore[arg-type]
                async with real() as db:
                    gated = time.time()
                    lane_session[task] = (asked, turn_got.pop(task, asked), gated)  # type: ignore[index]
                    yield db

            @contextlib.asynccontextmanager
            async def timed_other_session() -> Any:
                asked = time.time()
                async with real() as db:
                    got = time.time()
                    try:
                        yield db
                    finally:
                        other_sessions.append((kind.get(), got - asked, time.time() - got))

            def session() -> Any:
                task = asyncio.current_task()
                name = task.get_name() if task is not None else ""
                lane = name.startswith("outbox-")
                counts["lane" if lane else "sender" if name == "outbox" else "other"] += 1
                if lane:
                    return timed_lane_session()
                return real() if name == "outbox" else timed_other_session()
            return session

        outbox._session = counted(outbox._session)  # the outbox's own reference to App._session
        app._session = counted(app._session)  # the executor's reads (App._whitelisted), jobs
        write_outbox = outbox._write

        async def timed_outbox_write(what: str, work: Any) -> Any:
            key = self._key.get()
            trace = self._trace.get(key) if key is not None else None
            if trace is not None and what == "mark an action in flight":
                trace["mark"] = time.time()
                try:
                    return await write_outbox(what, work)
                finally:
                    trace["marked"] = time.time()
            return await write_outbox(what, work)

        outbox._write = timed_outbox_write
        rooms = executor._rooms
        get_room = rooms.get

        async def timed_get(room_id: str, *args: Any, **kw: Any) -> Any:
            key = self._key.get()
            trace = self._trace.get(key) if key is not None else None
            if trace is None or "read" in trace:
                return await get_room(room_id, *args, **kw)
            trace["read"] = time.time()
            try:
                return await get_room(room_id, *args, **kw)
            finally:
                trace["read_done"] = time.time()

        rooms.get = timed_get
        platform = executor._platform
        for name in ("kick", "send_text"):
            call = getattr(platform, name)
            setattr(platform, name, self._wrap_call(call, name))
        self._install_newcomers()

    def _install_newcomers(self) -> None:
        app = self.app
        on_event = app.on_event

        async def arrival(event: Any) -> Any:
            if type(event).__name__ == "MemberJoined":
                self._came[event.event_id] = time.time()
            return await on_event(event)

        app.on_event = arrival
        gather = app._gather

        async def timed_gather(*args: Any, **kw: Any) -> Any:
            started = time.time()
            try:
                return await gather(*args, **kw)
            finally:
                task = asyncio.current_task()
                if task is not None:
                    self._gathered[task] = (started, time.time())

        app._gather = timed_gather
        reconcile = app._reconcile_jobs

        async def timed_reconcile(*args: Any, **kw: Any) -> Any:
            token = self._kind.set("reconcile")
            try:
                return await reconcile(*args, **kw)
            finally:
                self._kind.reset(token)

        app._reconcile_jobs = timed_reconcile
        run_job = app._run_job

        async def timed_job(due: Any) -> Any:
            began = time.time()
            token = self._kind.set("job")
            try:
                return await run_job(due)
            finally:
                self._kind.reset(token)
                done = time.time()
                owner = due.spec.id.split(".", 1)[0].split(":", 1)[0]
                self.jobs.append((owner, began - due.scheduled.timestamp(), done - began))
                if due.spec.room_id:
                    self._note_busy(due.spec.room_id, began, done, "job")

        app._run_job = timed_job
        room_jobs = getattr(app, "_room_jobs", None)
        if room_jobs is not None:
            read_times, scheduled_times = self.room_jobs, self.room_jobs_scheduled

            def timed_room_jobs(ctx: Any, db: Any) -> Any:
                began = time.time()
                step = room_jobs(ctx, db)
                if step is None:
                    return None
                read_times.append(time.time() - began)

                def timed_step() -> None:
                    at = time.time()
                    try:
                        step()
                    finally:
                        scheduled_times.append(time.time() - at)
                return timed_step

            app._room_jobs = timed_room_jobs
        for plugin in app.plugins:
            plugin.handle = self._timed_handle(plugin.name, plugin.handle)

    def _timed_handle(self, name: str, handle: Any) -> Any:
        """A plugin's handling of a join or of a newcomer's first message, timed (its part)."""
        async def timed(ctx: Any) -> Any:
            event = ctx.event
            kind = type(event).__name__
            if kind == "MemberJoined":
                what = "join"
            elif kind == "MessageReceived" and (event.room_id, event.sender_id) in self._joined:
                what = "newcomer's ad"
            else:
                return await handle(ctx)
            started = time.time()
            try:
                return await handle(ctx)
            finally:
                self.plugin_parts.setdefault((what, name), []).append(time.time() - started)
        return timed

    def _install_adapter(self, adapter: Any) -> None:
        lookup = adapter._lookup
        reads = self._reads

        async def timed_lookup(what: str, call: Any) -> Any:
            if not what.startswith("group nickname of "):
                return await lookup(what, call)
            started = time.time()
            try:
                return await lookup(what, call)
            finally:
                member, _, room = what[len("group nickname of "):].partition(" in ")
                if len(reads) > 20_000:
                    reads.clear()
                seen = reads.setdefault((room, member), [])
                seen.append((started, time.time()))
                del seen[:-2]

        adapter._lookup = timed_lookup

    def _note_busy(self, room: str, began: float, done: float, what: str) -> None:
        busy = self._busy.setdefault(room, [])
        busy.append((began, done, what))
        if len(busy) > 16:
            del busy[:-8]

    def _wrap_call(self, call: Any, name: str) -> Any:
        async def timed(room_id: str, *args: Any, **kw: Any) -> Any:
            self.calls += 1
            if name == "kick":
                keys = [(room_id, args[0])]
            else:
                keys = [(room_id, m) for m in (args[1] if len(args) > 1 else kw.get("mentions", ()))]
            now = time.time()
            paths = []
            for key in keys:
                trace = self._trace.pop(key, None)
                if trace is not None and "committed" in trace and "run" in trace:
                    staged, committed, run = trace["staged"], trace["committed"], trace["run"]
                    mark, marked = trace.get("mark", run), trace.get("marked", run)
                    self.kicks.append([committed - staged, run - committed, mark - run, marked - mark, now - marked])
                    if "injected" in trace and trace.get("ad"):
                        paths.append(trace)  # anti-spam's: the ads' (not a check-in's reply)
            try:
                return await call(room_id, *args, **kw)
            finally:
                returned = time.time()
                for trace in paths:
                    self.ad_paths["removal" if name == "kick" else "warning"].append(_ad_path(trace, now, returned))
        return timed

    # ------------------------------------------------------------------ per message
    def handled(self, event: Any, injected: float, came: float | None, began: float, done: float) -> None:
        task = asyncio.current_task()
        gate = self._gate.pop(task, None) if task is not None else None
        part = self._part.pop(task, None) if task is not None else None
        gathered = self._gathered.pop(task, None) if task is not None else None
        entered = self._entered.pop(task, None) if task is not None else None
        room = getattr(event, "room_id", None)
        joined = type(event).__name__ == "MemberJoined"
        if joined and gate is None:
            gate = entered
        newcomer = None
        if room and not joined:
            newcomer = self._joined.pop((room, getattr(event, "sender_id", "")), None)
        if room:
            behind = self._busy.get(room, ())
            if newcomer is not None and event.event_id in self._dispatched:
                self._newcomer(event, injected, came, began, done, gate, part, gathered, newcomer, list(behind))
            self._note_busy(room, began, done, "join" if joined else "event")
        if joined:
            self._join(event, began, done, gate, part, gathered)
        for key in self._staged.pop(task, ()) if task is not None else ():
            if key in self._trace:
                self._trace[key]["committed"] = done
                self._trace[key]["injected"] = injected
        written = self._written.pop(event.event_id, None)
        dispatched = self._dispatched.pop(event.event_id, None)
        if joined:
            return
        if came is None or gate is None or part is None or written is None or dispatched is None:
            return
        started, locked, committed = written
        self.rows.append([came - injected, started - came, locked - started, committed - locked,
                          dispatched - committed, began - dispatched, gate - began, part - gate, done - part])
        self.ordinary.append(newcomer is None)

    def _split(self, event: Any, injected: float, came: float, began: float, done: float, gate: float,
               part: float, gathered: tuple[float, float]) -> list[float] | None:
        written = self._written.get(event.event_id)
        dispatched = self._dispatched.get(event.event_id)
        if written is None or dispatched is None:
            return None
        started, locked, committed = written
        g0, g1 = gathered
        points = [injected, came, started, locked, committed, dispatched, began, g0, g1, gate, part, done]
        return [max(b - a, 0.0) for a, b in itertools.pairwise(points)]

    def _join(self, event: Any, began: float, done: float, gate: float | None, part: float | None,
              gathered: tuple[float, float] | None) -> None:
        came = self._came.pop(event.event_id, None)
        injected = event.timestamp.timestamp()
        for member in event.member_ids:
            self._joined[(event.room_id, member)] = (injected, began, done)
        if len(self._joined) > 10_000:
            self._joined.clear()
        if came is None or gate is None or part is None or gathered is None:
            return
        row = self._split(event, injected, came, began, done, gate, part, gathered)
        if row is not None:
            self.join_rows.append(row)

    def _newcomer(self, event: Any, injected: float, came: float | None, began: float, done: float,
                  gate: float | None, part: float | None, gathered: tuple[float, float] | None,
                  join: tuple[float, float, float], behind: list[tuple[float, float, str]]) -> None:
        if came is None or gate is None or part is None or gathered is None:
            return
        row = self._split(event, injected, came, began, done, gate, part, gathered)
        if row is None:
            return
        reads = self._reads.pop((event.room_id, event.sender_id), [])
        # the message's own read is the last one before it came; the join's, the one before
        own = [r for r in reads if r[1] <= came]
        sender_read = own[-1][1] - own[-1][0] if len(own) >= 2 else 0.0
        after_join = (came - own[-2][1]) if len(own) >= 2 else 0.0
        dispatched = self._dispatched[event.event_id]

        def overlap(what: str | None) -> float:
            total = 0.0
            for b, d, w in behind:
                if what is None and w in ("join", "job"):
                    continue
                if what is not None and w != what:
                    continue
                total += max(0.0, min(d, began) - max(b, dispatched))
            return total

        j_injected, _j_began, _j_done = join
        row += [sender_read, after_join, overlap("join"), overlap("job"), overlap(None), began - j_injected]
        self.newcomer_rows.append(row)

    def take(self) -> dict[str, Any]:
        rows, self.rows = self.rows, []
        ordinary_flags, self.ordinary = self.ordinary, []
        ordinary = [r for r, flag in zip(rows, ordinary_flags, strict=True) if flag]
        commits, self.commits = self.commits, []
        writes, self.inbox_writes = self.inbox_writes, []
        kicks, self.kicks = self.kicks, []
        paths = {kind: rows for kind, rows in self.ad_paths.items()}
        self.ad_paths = {kind: [] for kind in paths}
        self._turn_got.clear()
        self._lane_session.clear()
        sessions = dict(self.sessions)
        self.sessions.update(dict.fromkeys(sessions, 0))  # in place: the wrappers hold this dict
        actions, calls, self.actions, self.calls = self.actions, self.calls, 0, 0
        if len(self._trace) > 10_000:
            self._trace.clear()
        joins, self.join_rows = self.join_rows, []
        newcomers, self.newcomer_rows = self.newcomer_rows, []
        jobs, self.jobs = self.jobs, []
        others = list(self.other_sessions)
        self.other_sessions.clear()  # in place: the session wrappers hold this list
        declared, scheduled = list(self.room_jobs), list(self.room_jobs_scheduled)
        self.room_jobs.clear()  # in place: the wrappers hold these lists
        self.room_jobs_scheduled.clear()
        if len(self._came) > 10_000:
            self._came.clear()
        newcomer_names = NEWCOMER_STAGES + NEWCOMER_AD_EXTRA
        sessions_by_kind: dict[str, Any] = {}
        for what in sorted({o[0] for o in others}):
            mine = [o for o in others if o[0] == what]
            sessions_by_kind[what] = {"n": len(mine), "wait": summary([o[1] for o in mine]),
                                      "hold": summary([o[2] for o in mine]),
                                      "held s": round(sum(o[2] for o in mine), 3)}
        jobs_by_owner: dict[str, Any] = {}
        for owner in sorted({j[0] for j in jobs}):
            mine = [j for j in jobs if j[0] == owner]
            jobs_by_owner[owner] = {"n": len(mine), "late": summary([j[1] for j in mine]),
                                    "run": summary([j[2] for j in mine])}
        parts, self.plugin_parts = self.plugin_parts, {}
        newcomer_path = {
            "plugins": {f"{what}: {name}": summary(values) for (what, name), values in sorted(parts.items())},
            "joins": {"n": len(joins),
                      **{name: summary([r[i] for r in joins]) for i, name in enumerate(NEWCOMER_STAGES)},
                      "injection→done": summary([sum(r) for r in joins])},
            "ads": {"n": len(newcomers),
                    **{name: summary([r[i] for r in newcomers]) for i, name in enumerate(newcomer_names)},
                    "injection→decision": summary([sum(r[:len(NEWCOMER_STAGES)]) for r in newcomers])},
            "other sessions": sessions_by_kind,
            "jobs": jobs_by_owner,
            "room jobs": {"n": len(declared), "read": summary(declared), "scheduled": summary(scheduled),
                          "s in all": round(sum(declared) + sum(scheduled), 3)},
        }
        return {
            "newcomer_path": newcomer_path,
            "messages": len(rows),
            "stages": {name: summary([r[i] for r in rows]) for i, name in enumerate(STAGES)},
            # every message but a newcomer's first one (their p99 is a few percent of the rows: it
            # would be the newcomers' at the all-messages p99), with its injection → decision
            "ordinary": {"n": len(ordinary),
                         **{name: summary([r[i] for r in ordinary]) for i, name in enumerate(STAGES)},
                         "injection→decision": summary([sum(r) for r in ordinary])},
            "batch": {"commits": len(commits), "events": summary([c[2] / 1000 for c in commits]),
                      "open→commit": summary([c[0] for c in commits]), "commit": summary([c[1] for c in commits])},
            "inbox": {"writes": len(writes), "rows": summary([w[2] / 1000 for w in writes]),
                      "lock wait": summary([w[0] for w in writes]), "write": summary([w[1] for w in writes])},
            "kicks": {"n": len(kicks), **{name: summary([k[i] for k in kicks]) for i, name in enumerate(KICK_STAGES)},
                      "staged→RPC": summary([sum(k) for k in kicks])},
            "sessions": {**sessions, "actions": actions, "calls": calls},
            "ad_paths": {kind: {"n": len(rows),
                                **{name: summary([r[i] for r in rows]) for i, name in enumerate(AD_STAGES)},
                                "injection→call": summary([sum(r[:-1]) for r in rows]),
                                "injection→answer": summary([sum(r) for r in rows])}
                         for kind, rows in paths.items()},
        }


def _ad_path(trace: dict[str, float], called: float, returned: float) -> list[float]:
    """AD_STAGES of one action, from its instants; one not passed (no room read for a warning,
    a claim made with the last row's outcome before the decision's worker resumed) counts 0."""
    points = [trace["injected"], trace["committed"]]
    run = trace["run"]
    asked, turned, gated = trace.get("asked", run), trace.get("turned", run), trace.get("gated", run)
    read = trace.get("read", run)
    points += [asked, turned, gated, run, read, trace.get("read_done", read), called, returned]
    out = []
    last = points[0]
    for point in points[1:]:
        point = max(point, last)
        out.append(point - last)
        last = point
    return out


def _keys(action: Any) -> list[tuple[str, str]]:
    """The (room, member) a removal or a warning's mention is about."""
    room = getattr(action, "room_id", None)
    if not room:
        return []
    if type(action).__name__ == "Kick":
        return [(room, action.member_id)]
    return [(room, m) for m in getattr(action, "mention_ids", ()) or ()]
