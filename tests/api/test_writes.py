"""How the server runs writes: on the event loop when their locks are free, in a worker thread
when another writer holds one; answered once durable."""

from __future__ import annotations

import threading
import time
from typing import Any

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
    with hub.hold(hub.live.lock_keys([hub.live.entry(held)])):  # another writer, in area X, for a while
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
