"""Reads that scale: plans and volumes a page at a time (``limit``, ``after``, ``Link: rel=next``),
the conflict windows of a whole page in one query, and ``GET /v1/conflicts``."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import event

from tests.api.conftest import body, problem
from tests.api.test_tracks_api import track
from tests.api.test_volumes_api import AV1
from tests.builders import plan, wp

SQLITE = pytest.mark.parametrize("env", ["sqlite"], indirect=True)


def _walk(c: Any, path: str, head: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
    """Every item by following ``rel="next"``; and the number of pages."""
    items, pages = [], 0
    while path:
        r = c.get(path, headers=head)
        assert r.status_code == 200, r.text
        items += r.json()
        pages += 1
        link = r.headers.get("link", "")
        path = link[1:link.index(">")].replace("http://testserver", "") if 'rel="next"' in link else ""
    return items, pages


def test_plans_come_a_page_at_a_time(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    ids = []
    for k in range(7):
        p = plan(f"P{k}", "A" if k % 2 else "B", [wp(50 + k, 0, 30000, 0), wp(50 + k, 1, 30000, 600)])
        assert c.post("/v1/plans", json=body(p), headers=h[p.party]).status_code == 201
        ids.append(p.id)
    items, pages = _walk(c, "/v1/plans?limit=3", h["A"])
    assert [i["id"] for i in items] == sorted(ids) and pages == 3
    assert [i["id"] for i in c.get("/v1/plans", headers=h["A"]).json()] == sorted(ids)  # one page by default
    area, _ = _walk(c, "/v1/plans?limit=2&lat_min=52.5&lat_max=55.5", h["A"])  # the cursor keeps the area
    assert [i["id"] for i in area] == ["P3", "P4", "P5"]
    problem(c.get("/v1/plans?limit=0", headers=h["A"]), 422)
    problem(c.get("/v1/plans?limit=100000", headers=h["A"]), 422)


@SQLITE
def test_a_page_costs_the_same_queries_however_many_items_it_holds(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    statements: list[str] = []
    event.listen(hub.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def count(n: int) -> int:
        for k in range(n):  # B's plans across A's volume: each conflicts with it (A sees their legs)
            p = plan(f"B{n}-{k}", "B", [wp(49.8, 0.9 + 0.004 * k, 30000, 0), wp(50.2, 0.9 + 0.004 * k, 30000, 1200)])
            c.post("/v1/plans", json=body(p), headers=h["B"])
        statements.clear()
        got = c.get("/v1/plans", headers=h["A"]).json()
        assert sum("conflicting_legs" in i for i in got) >= n
        tables = ("FROM plans", "FROM volumes", "FROM dss_entities", "FROM conflicts")
        return len([s for s in statements if any(t in s for t in tables)])  # not the credential re-check

    c.post("/v1/volumes", json=body(AV1), headers=h["A"])
    few, many = count(3), count(30)
    assert few == many <= 3  # plans, F3548 entities, conflict windows


def test_conflicts_of_the_caller_strategic_and_tactical(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    c.post("/v1/volumes", json=body(AV1), headers=h["A"])
    for k in range(3):
        p = plan(f"X{k}", "B", [wp(49.8, 0.95 + 0.05 * k, 30000, 0), wp(50.2, 0.95 + 0.05 * k, 30000, 1200)])
        c.post("/v1/plans", json=body(p), headers=h["B"])
    mine, pages = _walk(c, "/v1/conflicts?limit=2", h["A"])
    assert pages == 2 and sorted(x["plan_a"] for x in mine) == ["X0", "X1", "X2"]
    assert all(x["layer"] == "strategic" and x["kind"] == "plan-volume" and x["plan_b"] == "AV1" and x["text"]["ru"]
               for x in mine)
    assert c.get("/v1/conflicts", headers=h["C"]).json() == []  # none of C's
    assert len(c.get("/v1/conflicts?state=past", headers=h["A"]).json()) == 3  # 2026-06-01 is behind us
    assert c.get("/v1/conflicts?state=upcoming", headers=h["A"]).json() == []
    assert c.get("/v1/conflicts?end=2026-05-01T00:00:00Z", headers=h["A"]).json() == []
    # tactical: two live tracks closing head-on
    from skypact.geo.geodesy import GEOD

    now = time.time()
    lon_b, lat_b, _ = GEOD.fwd(10.0, 50.0, 90.0, 12 * 1852.0)
    c.post("/v1/tracks", json={"tracks": [track("AA1", now, 50.0, 10.0, 90.0, callsign="NRD101")]}, headers=h["A"])
    c.post("/v1/tracks", json={"tracks": [track("BB1", now, lat_b, lon_b, 270.0)]}, headers=h["B"])
    hub.surveillance.cycle(now + 1)
    tac = c.get("/v1/conflicts?layer=tactical", headers=h["A"]).json()
    assert len(tac) == 1 and tac[0]["layer"] == "tactical" and tac[0]["tier"] >= 1
    assert {tac[0]["party_a"], tac[0]["party_b"]} == {"A", "B"} and "NRD101" in (tac[0]["callsign_a"],
                                                                                tac[0]["callsign_b"])
    assert c.get("/v1/conflicts?layer=tactical", headers=h["C"]).json() == []
    problem(c.get("/v1/conflicts?state=soon", headers=h["A"]), 422)
