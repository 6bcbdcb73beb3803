"""Reserved volumes, area and time queries, the emergency override, events, the live airspace
(ended plans leave it, a restart reloads it) and a real dropped-connection retry."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from skypact.plans.model import Altitude, AltitudeBand, Circle, ReservedVolume, TimeWindow
from skypact.service.auth import Principal
from skypact.service.hub import PLAN, Hub
from skypact.store.tables import conflicts, events, plans
from tests.api.conftest import CYR, body, problem
from tests.builders import T0, plan, wp


def volume(vid: str, party: str, lat: float, lon: float, radius_m: float, lo_ft: float, hi_ft: float,
           start_s: float = 0.0, end_s: float = 3600.0) -> ReservedVolume:
    return ReservedVolume(id=vid, party=party, outline=Circle(center=(lon, lat), radius_m=radius_m),
                          band=AltitudeBand(lower=Altitude(value=lo_ft), upper=Altitude(value=hi_ft)),
                          window=TimeWindow(start=T0 + timedelta(seconds=start_s), end=T0 + timedelta(seconds=end_s)))


A1 = plan("A1", "A", [wp(50, 0, 30000, 0), wp(50, 2, 30000, 1200)], priority=3)
B1 = plan("B1", "B", [wp(49, 1, 30000, 0), wp(51, 1, 30000, 1200)])  # crosses A1 at (50, 1), FL300
C1 = plan("C1", "C", [wp(40, 0, 30000, 0), wp(40, 2, 30000, 1200)])
AV1 = volume("AV1", "A", 50.0, 1.0, 20_000.0, 25_000.0, 35_000.0)  # around the crossing, FL250-FL350
BV1 = volume("BV1", "B", 50.2, 1.2, 15_000.0, 20_000.0, 26_000.0)  # overlaps AV1 in area and band


def _pairs(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((c["kind"], c["plan_a"], c["plan_b"]) for c in doc["conflicts"])


def _events(env: dict[str, Any], party: str) -> list[dict[str, Any]]:
    r = env["client"].get("/v1/events", params={"limit": 1000}, headers=env["h"][party])
    assert r.status_code == 200
    return list(r.json())


def test_volumes_are_checked_against_plans_and_volumes(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    r = c.post("/v1/volumes", json=body(AV1), headers=h["A"])
    assert r.status_code == 201 and r.json()["conflicts"] == [] and r.json()["volume"]["version"] == 1
    r = c.post("/v1/plans", json=body(B1), headers=h["B"])
    assert _pairs(r.json()) == [("plan-volume", "B1", "AV1")]
    assert r.json()["resolutions"][0]["plan"] == "B1"  # the plan moves
    r = c.post("/v1/check/volume", json=body(BV1), headers=h["B"])  # dry run
    assert r.status_code == 200 and _pairs(r.json()) == [("volume-volume", "BV1", "AV1")]
    problem(c.get("/v1/volumes/BV1", headers=h["B"]), 404)
    r = c.post("/v1/volumes", json=body(BV1), headers=h["B"])
    assert _pairs(r.json()) == [("volume-volume", "BV1", "AV1")]  # B1 is B's own: not checked
    # A plan filed later sees both volumes it meets
    # (FL240: 6000 ft below B1, exactly 1000 ft below AV1's floor - separated from both)
    a2 = plan("A2", "A", [wp(50.2, 0.5, 24000, 0), wp(50.2, 2.0, 24000, 1200)])
    r = c.post("/v1/plans", json=body(a2), headers=h["A"])
    assert _pairs(r.json()) == [("plan-volume", "A2", "BV1")]
    # minimisation: B sees AV1's outline (it conflicts with B's items); C sees the reference only
    seen_b = c.get("/v1/volumes/AV1", headers=h["B"]).json()
    assert seen_b["conflicting_volume"]["outline"]["type"] == "Circle" and "name" not in json.dumps(seen_b)
    seen_c = c.get("/v1/volumes/AV1", headers=h["C"]).json()
    assert set(seen_c) == {"id", "party", "state", "version", "extents"}
    ext = seen_c["extents"][0]
    assert 49.8 < ext["lat_min"] < 49.85 and 50.15 < ext["lat_max"] < 50.2 and ext["alt_max_m"] == 35000 * 0.3048
    # update with version, states, delete; plan and volume ids share one namespace
    moved = body(BV1)
    moved["band"]["upper"]["value"] = 20_500.0
    moved["band"]["lower"]["value"] = 10_000.0
    r = c.put("/v1/volumes/BV1", json=moved, headers={**h["B"], "If-Match": "1"})
    assert r.status_code == 200 and r.json()["volume"]["version"] == 2 and r.json()["conflicts"] == []
    problem(c.put("/v1/volumes/BV1", json=moved, headers={**h["B"], "If-Match": "1"}), 409)
    for s in ("Accepted", "Activated"):
        assert c.post("/v1/volumes/BV1/state", json={"state": s}, headers=h["B"]).json()["state"] == s
    problem(c.post("/v1/volumes/BV1/state", json={"state": "Contingent"}, headers=h["B"]), 422)
    taken = body(BV1)
    taken["id"] = "B1"
    problem(c.post("/v1/volumes", json=taken, headers=h["B"]), 409)
    assert c.delete("/v1/volumes/BV1", headers=h["B"]).status_code == 204
    problem(c.get("/v1/volumes/BV1", headers=h["B"]), 404)
    bad = body(BV1)
    bad["band"]["lower"]["value"] = 30_000.0  # empty band
    assert "empty" in problem(c.post("/v1/volumes", json=bad, headers=h["B"]), 422)["detail"]["en"]


def test_query_by_area_altitude_and_time(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    for p, who in ((A1, "A"), (B1, "B"), (C1, "C")):
        assert c.post("/v1/plans", json=body(p), headers=h[who]).status_code == 201
    far_east = plan("C2", "C", [wp(60, 179.5, 20000, 0), wp(60, -179.5, 20000, 600)])  # across 180°
    assert c.post("/v1/plans", json=body(far_east), headers=h["C"]).status_code == 201

    def ids(**q: Any) -> list[str]:
        r = c.get("/v1/plans", params=q, headers=h["C"])
        assert r.status_code == 200, r.text
        return [p["id"] for p in r.json()]

    assert ids() == ["A1", "B1", "C1", "C2"]
    assert ids(lat_min=45, lat_max=55) == ["A1", "B1"]
    assert ids(lat_min=45, lat_max=55, lon_min=1.5, lon_max=3) == ["A1"]
    assert ids(lon_min=179, lon_max=-179) == ["C2"]  # a box across the antimeridian
    assert ids(alt_min=31000) == []
    assert ids(alt_min=9000, alt_max=9200, alt_unit="m") == ["A1", "B1", "C1"]  # FL300 is 9144 m
    assert ids(alt_max=250, alt_unit="FL") == ["C2"]
    t = (T0 + timedelta(seconds=1300)).isoformat()
    assert ids(start=t) == []
    assert ids(start=T0.isoformat(), end=(T0 + timedelta(seconds=10)).isoformat()) == ["A1", "B1", "C1", "C2"]
    assert c.get("/v1/plans", params={"lat_min": 91}, headers=h["C"]).status_code == 422
    # other parties' plans found by area stay references
    found = c.get("/v1/plans", params={"lat_min": 45, "lat_max": 55}, headers=h["C"]).json()
    assert found and all("plan" not in p for p in found)
    assert c.post("/v1/volumes", json=body(AV1), headers=h["A"]).status_code == 201
    r = c.get("/v1/volumes", params={"lat_min": 49.9, "lat_max": 50.1, "lon_min": 0.9, "lon_max": 1.1},
              headers=h["C"])
    assert [v["id"] for v in r.json()] == ["AV1"]
    assert c.get("/v1/volumes", params={"lat_min": 51}, headers=h["C"]).json() == []


def test_emergency_override_is_recorded_and_told_to_everyone(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=body(A1), headers=h["A"])  # priority 3
    c.post("/v1/plans", json=body(B1), headers=h["B"])  # priority 0 (B's maximum), conflicts with A1
    problem(c.post("/v1/plans/B1/state", json={"state": "Accepted"}, headers=h["B"]), 409)
    r = c.post("/v1/plans/B1/emergency", json={"reason": "engine failure"}, headers=h["B"])
    assert r.status_code == 200 and r.json()["emergency"] is True
    problem(c.post("/v1/plans/B1/emergency", json={"reason": "again"}, headers=h["B"]), 409)
    for party in ("A", "B", "C", "V"):  # every party is told, in both languages
        [ev] = [e for e in _events(env, party) if e["kind"] == "emergency-declared"]
        assert ev["data"]["plan"] == "B1" and ev["data"]["reason"] == "engine failure"
        assert "EMERGENCY" in ev["text"]["en"] and "АВАРИЙНАЯ" in ev["text"]["ru"] and "B1" in ev["text"]["ru"]
        assert "waypoints" not in json.dumps(ev)  # extents only
    # B1 now outranks A1: it may be Accepted, A1 may not
    assert c.post("/v1/plans/B1/state", json={"state": "Accepted"}, headers=h["B"]).status_code == 200
    d = problem(c.post("/v1/plans/A1/state", json={"state": "Accepted"}, headers=h["A"]), 409)
    assert "B1" in d["detail"]["en"]
    # a new plan of A conflicting with B1 is told to move
    a3 = plan("A3", "A", [wp(49.5, 0.5, 30000, 0), wp(50.5, 1.5, 30000, 1200)], priority=5)
    r = c.post("/v1/plans", json=body(a3), headers=h["A"])
    assert ("plan-plan", "A3", "B1") in _pairs(r.json()) and r.json()["resolutions"][0]["plan"] == "A3"
    assert c.delete("/v1/plans/B1/emergency", headers=h["B"]).status_code == 200
    problem(c.delete("/v1/plans/B1/emergency", headers=h["B"]), 409)
    assert [e["data"]["plan"] for e in _events(env, "C") if e["kind"] == "emergency-ended"] == ["B1"]
    assert c.post("/v1/plans/A1/state", json={"state": "Accepted"}, headers=h["A"]).status_code == 200


def test_one_event_per_change_addressed_to_whom_it_concerns(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    base = {p: len(_events(env, p)) for p in "ABC"}  # party and credential creation
    c.post("/v1/plans", json=body(A1), headers=h["A"])
    c.post("/v1/plans", json=body(B1), headers=h["B"])  # conflicts with A1
    c.post("/v1/plans", json=body(C1), headers=h["C"])
    c.post("/v1/check", json=body(B1), headers=h["B"])  # a dry run records nothing
    c.post("/v1/plans/A1/state", json={"state": "Ended"}, headers=h["A"])  # clears the conflict
    def changes(p: str) -> list[tuple[str, str]]:  # notifications sent are events too, counted below
        return [(e["kind"], e["subject"]) for e in _events(env, p)[base[p]:] if e["kind"] != "notification-sent"]

    kinds = {p: changes(p) for p in "ABC"}
    assert kinds["A"] == [("plan-filed", "A1"), ("conflict-found", "B1"), ("plan-state", "A1"),
                          ("conflict-cleared", "A1")]
    assert kinds["B"] == [("plan-filed", "B1"), ("conflict-found", "B1"), ("conflict-cleared", "A1")]
    assert kinds["C"] == [("plan-filed", "C1")]
    evs = _events(env, "B")
    assert all(CYR.search(e["text"]["ru"]) and e["text"]["en"] for e in evs)
    found = next(e for e in evs if e["kind"] == "conflict-found")
    assert found["data"]["a"] == "B1" and found["data"]["b"] == "A1" and found["data"]["horizontal_m"] < 9260
    after = evs[-2]["seq"]
    assert [e["seq"] for e in c.get("/v1/events", params={"after": after}, headers=h["B"]).json()] == [evs[-1]["seq"]]
    from skypact.store.tables import notifications

    with env["hub"].engine.connect() as conn:  # exactly the changes above, nothing for the dry run
        sent = conn.execute(select(func.count()).select_from(notifications)).scalar_one()
        n = conn.execute(select(func.count()).select_from(events).where(
            (events.c.subject != "") & (events.c.kind != "notification-sent"))).scalar_one()
        n_sent = conn.execute(select(func.count()).select_from(events).where(
            events.c.kind == "notification-sent")).scalar_one()
    assert n == 6  # 3 filings, 1 conflict found, 1 state change, 1 conflict cleared
    assert n_sent == sent > 0  # and one event for every notification sent


def test_ended_plans_leave_the_live_airspace_and_cannot_change(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=body(A1), headers=h["A"])
    assert c.post("/v1/plans/A1/state", json={"state": "Ended"}, headers=h["A"]).status_code == 200
    r = c.post("/v1/plans", json=body(B1), headers=h["B"])
    assert r.json()["conflicts"] == []  # an ended plan is no longer checked
    problem(c.put("/v1/plans/A1", json=body(A1), headers={**h["A"], "If-Match": "2"}), 409)
    problem(c.post("/v1/plans/A1/emergency", json={}, headers=h["A"]), 409)
    assert len(env["hub"].live) == 1


def test_a_restarted_hub_reloads_the_live_airspace(env: dict[str, Any]) -> None:
    hub: Hub = env["hub"]
    a, b = Principal("A", "operator"), Principal("B", "operator")
    hub.file_plan(a, A1)
    hub.file_volume(a, AV1)
    hub.file_plan(b, C1.model_copy(update={"id": "B9", "party": "B"}))
    hub.set_state(b, PLAN, "B9", "Ended")
    hub.emergency(a, "A1", "test")
    again = Hub(hub.engine, hub.token_key)
    assert len(again.live) == 2 and again.live.get("A1").priority == 10_000  # type: ignore[union-attr]
    r = again.file_plan(b, B1)
    assert sorted((x["plan_a"], x["plan_b"]) for x in r.conflicts) == [("B1", "A1"), ("B1", "AV1")]


def test_a_retry_after_the_connection_dropped_stores_one_row(server: tuple[str, Hub]) -> None:
    """The client sends a filing and drops the connection before the answer; the write commits;
    the retry with the same Idempotency-Key and body gets the first answer, and one row exists."""
    url, hub = server
    kid, secret = hub.add_party("B")
    hub.add_party("A", max_priority=3)
    hub.file_plan(Principal("A", "operator"), A1)
    tok = hub.token(kid, secret)
    payload = json.dumps(body(B1)).encode()
    host, port = url.removeprefix("http://").split(":")
    request = (f"POST /v1/plans HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {tok}\r\n"
               f"Content-Type: application/json\r\nIdempotency-Key: drop-1\r\nContent-Length: {len(payload)}\r\n"
               "\r\n").encode() + payload
    with socket.create_connection((host, int(port))) as s:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)  # gone before any answer is read
    with hub.engine.connect() as conn:
        for _ in range(200):  # the server finishes the write on its own
            if conn.execute(select(func.count()).select_from(plans).where(plans.c.id == "B1")).scalar_one():
                break
            time.sleep(0.05)
            conn.rollback()
    req = urllib.request.Request(f"{url}/v1/plans", data=payload, method="POST",
                                 headers={"Authorization": f"Bearer {tok}", "Content-Type": "application/json",
                                          "Idempotency-Key": "drop-1"})
    with urllib.request.urlopen(req, timeout=30) as retry:
        assert retry.status == 201
        answer = json.loads(retry.read())
    assert [(x["plan_a"], x["plan_b"]) for x in answer["conflicts"]] == [("B1", "A1")]
    with hub.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(plans).where(plans.c.id == "B1")).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(conflicts)).scalar_one() == 1
