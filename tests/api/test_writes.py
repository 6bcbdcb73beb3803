"""How the server runs writes: on the event loop when their locks are free, in a worker thread
when another writer holds one; answered once durable."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from skypact.service.auth import Principal
from tests.api.conftest import body
from tests.builders import plan, wp


def test_a_held_area_sends_its_writes_to_a_thread_and_never_stalls_others(env: dict[str, Any]) -> None:
    c, h, hub, app = env["client"], env["h"], env["hub"], env["app"]
    writes = app.state.writes
    held = plan("X1", "A", [wp(50, 0, 30000, 0), wp(50, 2, 30000, 1200)])
    overlapping = plan("O1", "B", [wp(49, 1, 30000, 0), wp(51, 1, 30000, 1200)])
    disjoint = plan("D1", "B", [wp(30, 100, 30000, 0), wp(30, 102, 30000, 1200)])
    answers: dict[str, int] = {}

    def file(p: Any) -> None:
        answers[p.id] = c.post("/v1/plans", json=body(p), headers=h["B"]).status_code

    inline0, thread0 = writes.inline, writes.in_thread
    with hub.hold(hub.live.lock_region([hub.live.entry(held)])):  # another writer, in area X, for a while
        t = threading.Thread(target=file, args=(overlapping,))
        t.start()
        time.sleep(0.3)  # longer than the loop's patience: the write went to a worker thread
        file(disjoint)  # served at once, on the loop, while O1 waits
        assert answers == {"D1": 201}
        assert writes.in_thread == thread0 + 1 and writes.inline == inline0 + 1
    t.join(timeout=20)
    assert answers["O1"] == 201  # and it went through once the area was free
    listed = {p["id"] for p in c.get("/v1/plans", headers=h["B"]).json()}
    assert {"O1", "D1"} <= listed


def test_an_answer_waits_for_the_disk(env: dict[str, Any]) -> None:
    """On SQLite each answered write was flushed by a group commit covering it."""
    hub = env["hub"]
    c, h = env["client"], env["h"]
    r = c.post("/v1/plans", json=body(plan("F1", "A", [wp(10, 10, 30000, 0), wp(10, 11, 30000, 600)])),
               headers=h["A"])
    assert r.status_code == 201
    if hub.durable is None:  # PostgreSQL: its commit is durable by itself
        assert hub.engine.dialect.name == "postgresql"
        return
    assert hub.durable.synced == hub.durable.committed and hub.durable.flushes >= 1


def test_writes_on_the_loop_share_flushes_and_answer_only_once_synced(env: dict[str, Any]) -> None:
    """Eight writes on the loop at once, with a slow disk: each answers only after a flush that
    covers its commit, and they share flushes (one thread hop per flush, not per write)."""
    hub, writes = env["hub"], env["app"].state.writes
    gc = hub.durable
    if gc is None:  # PostgreSQL: its commit is durable by itself
        assert hub.engine.dialect.name == "postgresql"
        return
    fsync = gc._fsync
    gc._fsync = lambda fd: (time.sleep(0.02), fsync(fd))[1]
    who = Principal("A", "operator")
    tickets: dict[int, int] = {}
    synced: dict[int, int] = {}

    def file(k: int) -> Any:
        out = hub.file_plan(who, plan(f"G{k}", "A", [wp(-40 + 5 * k, 10, 30000, 0), wp(-40 + 5 * k, 11, 30000, 600)]))
        tickets[k] = gc.committed  # its ticket: the loop runs one write at a time
        return out

    async def one(k: int) -> None:
        await writes(file, k)
        synced[k] = gc.synced

    async def together() -> None:
        await asyncio.gather(*(one(k) for k in range(8)))

    flushes = gc.flushes
    asyncio.run(together())
    assert len(synced) == 8 and all(synced[k] >= tickets[k] for k in range(8))
    assert 1 <= gc.flushes - flushes < 8


def test_a_flush_finished_before_a_later_commit_is_not_awaited_again(env: dict[str, Any]) -> None:
    """A write that committed after the last flush began, finding that flush already finished
    (its callbacks not yet run), starts a new one instead of awaiting the finished one forever."""
    hub, writes = env["hub"], env["app"].state.writes
    gc = hub.durable
    if gc is None:  # PostgreSQL: no flushes
        assert hub.engine.dialect.name == "postgresql"
        return
    with hub.inline() as unflushed:  # committed as on the loop: left for the caller to flush
        hub.file_plan(Principal("A", "operator"), plan("H1", "A", [wp(12, 10, 30000, 0), wp(12, 11, 30000, 600)]))
    ticket = unflushed()
    assert ticket and gc.synced < ticket

    async def late_commit() -> None:
        finished = asyncio.get_running_loop().create_future()
        finished.set_result(None)
        writes._flushing = finished  # the flush that began before this commit
        await writes._synced(ticket)

    t = threading.Thread(target=asyncio.run, args=(late_commit(),), daemon=True)
    t.start()
    t.join(timeout=10)
    assert not t.is_alive() and gc.synced >= ticket


@pytest.mark.parametrize("env", ["sqlite"], indirect=True)
def test_a_heavy_write_leaves_the_event_loop(env: dict[str, Any]) -> None:
    """A write that weighs more than the loop may carry (a big outline, or a plan next to one)
    runs in a worker thread, so other parties' requests are answered meanwhile; a light one
    beside nothing stays on the loop."""
    import math
    from datetime import timedelta

    from skypact.plans.model import Altitude, AltitudeBand, Polygon, ReservedVolume, TimeWindow
    from skypact.service.areas import HEAVY_WEIGHT
    from tests.builders import T0

    c, h, writes = env["client"], env["h"], env["app"].state.writes
    n = HEAVY_WEIGHT + 1
    ring = [(1.0 + 0.5 * math.cos(2 * math.pi * k / (n - 1)), 50.0 + 0.5 * math.sin(2 * math.pi * k / (n - 1)))
            for k in range(n - 1)]
    big = ReservedVolume(id="BIG", party="A", outline=Polygon(coordinates=[[*ring, ring[0]]]),
                         band=AltitudeBand(lower=Altitude(value=0.0), upper=Altitude(value=40_000.0)),
                         window=TimeWindow(start=T0, end=T0 + timedelta(hours=6)))
    inline0, thread0 = writes.inline, writes.in_thread
    assert c.post("/v1/volumes", json=body(big), headers=h["A"]).status_code == 201
    assert (writes.inline, writes.in_thread) == (inline0, thread0 + 1)
    near = plan("N1", "B", [wp(49, 1, 30000, 600), wp(51, 1, 30000, 1800)])  # through the big outline
    r = c.post("/v1/plans", json=body(near), headers=h["B"])
    assert r.status_code == 201 and [x["plan_b"] for x in r.json()["conflicts"]] == ["BIG"]
    assert (writes.inline, writes.in_thread) == (inline0, thread0 + 2)
    far = plan("F1", "B", [wp(10, 100, 30000, 0), wp(10, 101, 30000, 600)])
    assert c.post("/v1/plans", json=body(far), headers=h["B"]).status_code == 201
    assert (writes.inline, writes.in_thread) == (inline0 + 1, thread0 + 2)
