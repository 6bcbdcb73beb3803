"""The HTTP API on the embedded store: filing with the conflict check, access control, minimisation,
bad input as bilingual problem+json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from skypact.store.db import connect
from tests.api.conftest import body as _body
from tests.api.conftest import problem as _problem
from tests.builders import plan, wp

A1 = plan("A1", "A", [wp(50, 0, 30000, 0), wp(50, 2, 30000, 1200)], priority=3)
B1 = plan("B1", "B", [wp(49, 1, 30000, 0), wp(51, 1, 30000, 1200)])
C1 = plan("C1", "C", [wp(40, 0, 30000, 0), wp(40, 2, 30000, 1200)])


def test_filing_checks_conflicts_in_the_same_write(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    r = c.post("/v1/plans", json=_body(A1), headers=h["A"])
    assert r.status_code == 201 and r.json()["conflicts"] == []
    r = c.post("/v1/plans", json=_body(B1), headers=h["B"])
    assert r.status_code == 201
    doc = r.json()
    assert [(x["plan_a"], x["plan_b"]) for x in doc["conflicts"]] == [("B1", "A1")]
    assert doc["resolutions"][0]["plan"] == "B1"  # lower priority moves
    assert doc["plan"]["state"] == "Proposed" and doc["plan"]["version"] == 1


def test_minimisation_and_cross_party_access(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=_body(A1), headers=h["A"])
    c.post("/v1/plans", json=_body(B1), headers=h["B"])
    c.post("/v1/plans", json=_body(C1), headers=h["C"])
    own = c.get("/v1/plans/A1", headers=h["A"]).json()
    assert own["plan"]["callsign"] == "A1"
    seen_by_c = c.get("/v1/plans/A1", headers=h["C"]).json()
    assert set(seen_by_c) == {"id", "party", "state", "version", "extents"}
    assert "waypoints" not in json.dumps(seen_by_c) and "priority" not in json.dumps(seen_by_c)
    seen_by_b = c.get("/v1/plans/A1", headers=h["B"]).json()  # conflicts with B1: conflicting legs shown
    assert seen_by_b["conflicting_legs"] and "callsign" not in json.dumps(seen_by_b)
    listing = {p["id"]: p for p in c.get("/v1/plans", headers=h["C"]).json()}
    assert "plan" in listing["C1"] and "plan" not in listing["A1"]
    _problem(c.delete("/v1/plans/A1", headers=h["B"]), 403)
    assert c.get("/v1/plans/A1", headers=h["A"]).status_code == 200
    assert c.delete("/v1/plans/A1", headers=h["A"]).status_code == 204
    _problem(c.get("/v1/plans/A1", headers=h["A"]), 404)


def test_dry_run_stores_nothing(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=_body(A1), headers=h["A"])
    r = c.post("/v1/check", json=_body(B1), headers=h["B"])
    assert r.status_code == 200 and len(r.json()["conflicts"]) == 1
    _problem(c.get("/v1/plans/B1", headers=h["B"]), 404)


def test_bad_input_is_bilingual_problem_json_and_stores_nothing(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    d = _problem(c.post("/v1/plans", json={**_body(A1), "target": "x"}, headers=h["A"]), 422)
    assert "unknown field" in d["detail"]["en"]
    rev = _body(A1)
    rev["waypoints"][1]["time"] = "2026-06-01T11:00:00Z"
    assert "times must increase" in _problem(c.post("/v1/plans", json=rev, headers=h["A"]), 422)["detail"]["en"]
    _problem(c.post("/v1/plans", content=b'{"id": ', headers={**h["A"], "content-type": "application/json"}), 400)
    _problem(c.post("/v1/plans", content=b"x" * 1_000_001, headers={**h["A"], "content-type": "application/json"}),
             413)
    chunks = iter([b"[" + b" " * 600_000, b" " * 600_000 + b"]"])  # streamed, no Content-Length
    _problem(c.post("/v1/plans", content=chunks, headers={**h["A"], "content-type": "application/json"}), 413)
    _problem(c.get("/v1/nowhere", headers=h["A"]), 404)  # the framework's own refusals are bilingual too
    _problem(c.patch("/v1/plans/A1", json={}, headers=h["A"]), 405)
    _problem(c.post("/v1/plans", json=_body(A1)), 401)
    _problem(c.post("/v1/plans", json=_body(A1), headers={"Authorization": "Bearer nope"}), 401)
    _problem(c.post("/v1/plans", json=_body(A1), headers=h["B"]), 403)  # B files a plan of A
    too_high = _body(B1)
    too_high["priority"] = 9
    _problem(c.post("/v1/plans", json=too_high, headers=h["B"]), 403)
    _problem(c.post("/v1/plans", json=_body(A1), headers=h["V"]), 403)  # viewer cannot file
    assert c.get("/v1/plans", headers=h["A"]).json() == []
    assert c.post("/v1/plans", json=_body(A1), headers=h["A"]).status_code == 201
    _problem(c.post("/v1/plans", json=_body(A1), headers=h["A"]), 409)  # reused id


def test_suspended_party_loses_access(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    env["hub"].suspend("C")
    _problem(c.get("/v1/plans", headers=h["C"]), 401)


# every route with its cross-party case: B acting on A's plan A1 / volume AV1 -> expected status
CROSS_PARTY: dict[tuple[str, str], tuple[int, Any] | None] = {
    ("POST", "/v1/token"): None,  # no party yet: exchanging credentials
    ("GET", "/healthz"): None,  # no party's data: the process answers
    ("GET", "/readyz"): None,  # no party's data: store, chain and kernels checked
    ("GET", "/metrics"): None,  # no party's data: aggregate figures only (monitoring network)
    ("GET", "/docs"): None,  # no party's data: the API documentation page
    ("POST", "/v1/plans"): (403, "plan"),  # B cannot file A's plan
    ("POST", "/v1/check"): (403, "plan"),
    ("GET", "/v1/plans"): (200, None),  # references only
    ("GET", "/v1/plans/{plan_id}"): (200, None),
    ("DELETE", "/v1/plans/{plan_id}"): (403, None),
    ("PUT", "/v1/plans/{plan_id}"): (403, "plan"),  # B cannot replace A's plan
    ("POST", "/v1/plans/{plan_id}/state"): (403, {"state": "Accepted"}),  # nor change its state
    ("POST", "/v1/plans/{plan_id}/emergency"): (403, {"reason": "not mine"}),  # nor declare its emergency
    ("DELETE", "/v1/plans/{plan_id}/emergency"): (403, None),
    ("POST", "/v1/volumes"): (403, "volume"),
    ("PUT", "/v1/volumes/{volume_id}"): (403, "volume"),
    ("POST", "/v1/check/volume"): (403, "volume"),
    ("GET", "/v1/volumes"): (200, None),
    ("GET", "/v1/conflicts"): (200, None),  # only the caller's own conflicts
    ("GET", "/v1/volumes/{volume_id}"): (200, None),
    ("POST", "/v1/volumes/{volume_id}/state"): (403, {"state": "Accepted"}),
    ("DELETE", "/v1/volumes/{volume_id}"): (403, None),
    ("GET", "/v1/events"): (200, None),  # only events addressed to B
    ("GET", "/v1/notifications"): (200, None),  # only B's own
    ("GET", "/v1/notifications/stream"): (200, None),
    ("POST", "/v1/notifications/{notification_id}/ack"): (403, None),  # B cannot acknowledge A's
    ("POST", "/v1/heartbeat"): (200, None),  # a party speaks only for itself
    ("POST", "/v1/tracks"): (200, {"tracks": [{"id": "A1", "time": "2026-06-01T08:00:00Z", "lat": 50.0, "lon": 1.0,
                                               "alt_ft": 30000, "gs_kt": 450, "trk_deg": 0}]}),  # B's own A1
    ("POST", "/tracks"): (200, {"tracks": [{"id": "A1", "time": "2026-06-01T08:00:00Z", "lat": 50.0, "lon": 1.0,
                                            "alt_ft": 30000, "gs_kt": 450, "trk_deg": 0}]}),
    ("GET", "/v1/tracks"): (200, None),  # B's own aircraft only (none of A's is in an alert with B's)
    ("GET", "/v1/tracks/stream"): (200, None),
    ("GET", "/"): None,  # the web page, its texts and settings: no party's data
    ("GET", "/ui/strings.json"): None,
    ("GET", "/ui/config.json"): None,
    ("POST", "/v1/silence"): (200, None),
    ("GET", "/v1/audit"): (200, None),  # others' events redacted
    ("GET", "/audit"): (200, None),  # the same, at the address the audit issue names
    ("GET", "/v1/audit/head"): (200, None),
    ("GET", "/.well-known/skypact-audit-key"): None,  # public
}


def test_every_route_has_a_cross_party_case(env: dict[str, Any]) -> None:
    from tests.api.test_volumes_api import AV1

    c, h = env["client"], env["h"]
    assert c.post("/v1/plans", json=_body(A1), headers=h["A"]).status_code == 201
    assert c.post("/v1/volumes", json=_body(AV1), headers=h["A"]).status_code == 201
    crossing = plan("CX", "C", [wp(49, 1, 30000, 0), wp(51, 1, 30000, 1200)])  # A is told of a conflict
    assert c.post("/v1/plans", json=_body(crossing), headers=h["C"]).status_code == 201
    note_a = c.get("/v1/notifications", headers=h["A"]).json()[0]["id"]
    assert c.post("/v1/tracks", headers=h["A"], json={"tracks": [  # A's aircraft, far from any of B's
        {"id": "A9", "time": "2026-06-01T08:00:00Z", "lat": 10.0, "lon": 10.0, "alt_ft": 30000, "gs_kt": 450,
         "trk_deg": 0}]}).status_code == 200
    from tests.dss.test_cross_manager import CROSS_MANAGER  # the F3548 routes: one manager on another's

    routes = {(m, r.path) for r in env["app"].routes if isinstance(r, APIRoute) for m in r.methods}
    missing = routes - set(CROSS_PARTY) - set(CROSS_MANAGER)
    assert not missing, f"routes without a cross-party case: {sorted(missing)}"
    for (method, path), case in CROSS_PARTY.items():
        if case is None:
            continue
        status, payload = case
        url = path.replace("{plan_id}", "A1").replace("{volume_id}", "AV1").replace("{notification_id}", str(note_a))
        if path.endswith("/stream"):
            url += "?follow=false"
        body = {"plan": _body(A1), "volume": _body(AV1)}.get(payload, payload) if isinstance(payload, str) \
            else payload
        extra = {"If-Match": "1"} if method == "PUT" else {}
        r = env["client"].request(method, url, json=body, headers={**h["B"], **extra})
        assert r.status_code == status, (method, path, r.text)
        if status != 200:
            continue
        if path in ("/v1/audit", "/audit"):
            env["hub"].audit.append_pending()
            r = c.get(path, headers=h["B"])
            about_a = [e for e in r.json() if e.get("event", {}).get("subject") in ("A1", "AV1")]
            assert r.json() and not about_a and all("digest" in e for e in r.json())
            continue
        if path == "/v1/audit/head":
            continue
        if path == "/v1/tracks/stream":
            assert r.text.startswith("event: tracks") and '"B/A1"' in r.text and '"A/' not in r.text
            continue
        if path.endswith("/stream"):
            assert "CX" not in r.text and all(f"N-{note_a}" not in x for x in r.text.splitlines())
            continue
        if method == "GET" and path == "/v1/tracks":
            assert [t["id"] for t in r.json()["tracks"]] == ["B/A1"]
            continue
        if path in ("/v1/tracks", "/tracks"):  # a report is always of the caller's own aircraft
            assert r.json() == {"accepted": 1} and set(env["hub"].surveillance.picture.tracks) == {"A/A9", "B/A1"}
            continue
        seen = r.json() if isinstance(r.json(), list) else [r.json()]
        if path == "/v1/notifications":
            assert all(n["party"] == "B" for n in seen)
        elif path == "/v1/conflicts":
            assert all("B" in (x["party_a"], x["party_b"]) for x in seen), seen  # not A's with C
        elif path == "/v1/events":
            assert all(e["subject"] not in ("A1", "AV1") for e in seen), seen
        else:
            assert seen and all("plan" not in x and "volume" not in x for x in seen if x["party"] == "A"), seen
    # nothing of A's changed
    for url in ("/v1/plans/A1", "/v1/volumes/AV1"):
        got = c.get(url, headers=h["A"]).json()
        assert got["version"] == 1 and got["state"] == "Proposed"


def test_update_with_version_token(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=_body(B1), headers=h["B"])
    c.post("/v1/plans", json=_body(A1), headers=h["A"])
    moved = _body(A1)
    for w in moved["waypoints"]:
        w["alt"]["value"] = 35000  # climb clear of B1
    r = c.put("/v1/plans/A1", json=moved, headers={**h["A"], "If-Match": "1"})
    assert r.status_code == 200, r.text
    assert r.json()["plan"]["version"] == 2 and r.json()["conflicts"] == []
    _problem(c.put("/v1/plans/A1", json=moved, headers={**h["A"], "If-Match": "1"}), 409)  # stale version
    _problem(c.put("/v1/plans/B1", json=moved, headers={**h["A"], "If-Match": "2"}), 409)  # path and body differ
    # the stored conflicts follow the new version: B no longer sees A1's legs
    assert "conflicting_legs" not in c.get("/v1/plans/A1", headers=h["B"]).json()


def test_idempotent_retry_stores_one_row(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=_body(A1), headers=h["A"])
    head = {**h["B"], "Idempotency-Key": "req-42"}
    first = c.post("/v1/plans", json=_body(B1), headers=head)
    # the connection dropped after the commit: the client retries with the same key and body
    again = c.post("/v1/plans", json=_body(B1), headers=head)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert [p["id"] for p in c.get("/v1/plans", headers=h["B"]).json()] == ["A1", "B1"]
    from sqlalchemy import func, select

    from skypact.store.tables import conflicts

    with env["hub"].engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(conflicts)).scalar_one() == 1
    other = _body(B1)
    other["callsign"] = "OTHER"
    _problem(c.post("/v1/plans", json=other, headers=head), 409)


def test_schema_migrates_from_version_1(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, insert, inspect

    from skypact.store.tables import VERSIONS, metadata, schema_version

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = create_engine(url)
    with old.begin() as conn:
        metadata.create_all(conn, tables=list(VERSIONS[1]))
        conn.execute(insert(schema_version).values(version=1))
    engine = connect(url)
    assert inspect(engine).has_table("requests")


def test_states_and_the_acceptance_rule(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=_body(A1), headers=h["A"])  # priority 3
    c.post("/v1/plans", json=_body(B1), headers=h["B"])  # priority 0, conflicts with A1
    d = _problem(c.post("/v1/plans/B1/state", json={"state": "Accepted"}, headers=h["B"]), 409)
    assert "A1" in d["detail"]["en"]
    r = c.post("/v1/plans/A1/state", json={"state": "Accepted"}, headers=h["A"])  # the higher one may
    assert r.status_code == 200 and r.json()["state"] == "Accepted" and r.json()["version"] == 2
    _problem(c.post("/v1/plans/A1/state", json={"state": "Contingent"}, headers=h["A"]), 409)  # not from Accepted
    for s in ("Activated", "Nonconforming", "Contingent", "Ended"):
        assert c.post("/v1/plans/A1/state", json={"state": s}, headers=h["A"]).json()["state"] == s
    _problem(c.post("/v1/plans/A1/state", json={"state": "Bogus"}, headers=h["A"]), 422)


def test_only_overlapping_writes_wait(env: dict[str, Any]) -> None:
    """While a write in area X is held, a disjoint write commits and an overlapping one waits."""
    import threading

    hub = env["hub"]
    from skypact.service.auth import Principal


    held_area = plan("X1", "A", [wp(50, 0, 30000, 0), wp(50, 2, 30000, 1200)])
    disjoint = plan("D1", "B", [wp(30, 100, 30000, 0), wp(30, 102, 30000, 1200)])  # far away
    overlapping = plan("O1", "B", [wp(49, 1, 30000, 0), wp(51, 1, 30000, 1200)])  # crosses X1's area
    done: dict[str, float] = {}
    b = Principal("B", "operator")

    def file(p: Any) -> None:
        hub.file_plan(b, p)
        done[p.id] = 1.0

    with hub.areas.hold(hub.live.lock_region([hub.live.entry(held_area)])):  # a write in area X, held open
        t1 = threading.Thread(target=file, args=(disjoint,))
        t2 = threading.Thread(target=file, args=(overlapping,))
        t1.start()
        t2.start()
        t1.join(timeout=20)
        t2.join(timeout=1.0)
        assert "D1" in done, "the disjoint write should have committed"
        assert "O1" not in done, "the overlapping write should wait"
    t2.join(timeout=20)
    assert "O1" in done



def test_sequence_numbers_beyond_64_bits_are_refused_not_crashed(env: dict[str, Any]) -> None:
    """Found by the schemathesis run: ``after=2**63`` reached the store and overflowed (500).
    Ids and sequence numbers stop at 2**31 - 1 (PostgreSQL's INTEGER; SQLite's go further)."""
    c, h = env["client"], env["h"]
    for path in ("/v1/events", "/v1/notifications", "/v1/audit"):
        for big in (2**31, 2**63):
            _problem(c.get(f"{path}?after={big}", headers=h["A"]), 422)
        assert c.get(f"{path}?after={2**31 - 1}", headers=h["A"]).json() == []
    _problem(c.post(f"/v1/notifications/{2**63}/ack", headers=h["A"]), 422)
    r = c.get("/v1/notifications/stream?follow=false", headers={**h["A"], "Last-Event-ID": "9" * 20})
    assert r.status_code == 200 and r.text == ""
