"""Fault injection, fast version (the long one: `python -m bench.faults --kills 20`): the bot
runs as a subprocess against the simulator over gRPC and is killed with SIGKILL during mixed
bursts (a share of the payload RPCs slowed, so kills land between receipt and conversion);
against what the simulator delivered to the live bot, nothing is lost or doubled."""

from __future__ import annotations

from bench.faults.__main__ import run_faults


async def test_sigkill_during_bursts_loses_nothing_and_handles_nothing_twice(tmp_path, database_url):
    report = await run_faults(kills=2, url=database_url, seed=7, workdir=tmp_path)
    print("\n".join(report.lines()))
    assert report.kills == 2 and report.delivered_live > 0
    assert report.lost == [], f"taken by a live bot, never handled: {report.lost[:10]}"
    assert report.dropped == [], f"received (a later message was kept), never kept: {report.dropped[:10]}"
    assert report.doubled == [], f"handled twice: {report.doubled[:10]}"
    assert report.waiting == 0
    # kills also land between an event's receipt and its (slowed) payload read: kept as raw events
    assert report.slowed > 0 and report.unconverted_lost == 0
