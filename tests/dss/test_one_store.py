"""F3548 entities and skypact's own plans and volumes are one store: a natively filed plan is an
operational intent reference once Accepted (not while Proposed) and counts in key validation; an
F3548 reference is a plan reference on skypact's API; both go through the same conflict engine,
whose conflicts (with minima) are stored and told and never block an F3548 write."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from uas_standards.astm.f3548.v21.api import (
    AirspaceConflictResponse,
    ChangeOperationalIntentReferenceResponse,
    GetOperationalIntentReferenceResponse,
)

from tests.dss.conftest import BERN, New, oir_body, parsed

OIRS = "/dss/v1/operational_intent_references"


def native_plan(pid: str, t0: float, minutes: float = 20.0, alt_ft: float = 500.0) -> dict[str, Any]:
    """A native plan of party N across the Bern test square at ``alt_ft``."""
    start = datetime.fromtimestamp(t0, UTC)
    lat = BERN[0] + 0.005
    return {"id": pid, "party": "N", "callsign": "NAT1",
            "waypoints": [{"lat": lat, "lon": BERN[1] - 0.05, "alt": {"value": alt_ft}, "time": start.isoformat()},
                          {"lat": lat, "lon": BERN[1] + 0.06, "alt": {"value": alt_ft},
                           "time": (start + timedelta(minutes=minutes)).isoformat()}]}


def test_native_plans_and_f3548_references_are_one_store(dss: dict[str, Any], new_id: New) -> None:
    c, n, h1, h2 = dss["client"], dss["native"], dss["h"]("uss1"), dss["h"]("uss2")
    now = time.time()
    pid = new_id()
    filed = c.post("/v1/plans", json=native_plan(pid, now + 60), headers=n)
    assert filed.status_code == 201, filed.text
    assert c.get(f"{OIRS}/{pid}", headers=h1).status_code == 404  # Proposed: no reference yet
    assert c.post(f"/v1/plans/{pid}/state", json={"state": "Accepted"}, headers=n).status_code == 200
    seen = parsed(c.get(f"{OIRS}/{pid}", headers=h1), 200, GetOperationalIntentReferenceResponse)
    ref = seen.operational_intent_reference
    assert (ref.manager, ref.state, ref.ovn) == ("N", "Accepted", "Available from USS")
    # an F3548 write over the native plan must quote its OVN; without it: 409 naming the plan
    oid = new_id()
    r = c.put(f"{OIRS}/{oid}", json=oir_body(now, now + 1200), headers=h1)
    assert [o.id for o in parsed(r, 409, AirspaceConflictResponse).missing_operational_intents] == [pid]
    # the OVN is known to the plan's own party (through a subject mapped to it)
    dss["hub"].map_subject("nat-uss", "N")
    own = parsed(c.get(f"{OIRS}/{pid}", headers=dss["h"]("nat-uss")), 200, GetOperationalIntentReferenceResponse)
    made = parsed(c.put(f"{OIRS}/{oid}", json=oir_body(now, now + 1200, key=[own.operational_intent_reference.ovn]),
                        headers=h1), 201, ChangeOperationalIntentReferenceResponse)
    # ... and the engine (with minima) found the conflict, stored it and told both parties: never blocking
    with dss["hub"].engine.connect() as conn:
        from sqlalchemy import select

        from skypact.store.tables import conflicts, notifications

        pairs = {(r.plan_a, r.plan_b) for r in conn.execute(select(conflicts))}
        told = {(r.party, r.type) for r in conn.execute(select(notifications))}
    assert (pid, f"{oid}/0") in pairs
    assert {("N", "conflict-predicted"), ("U1", "conflict-predicted")} <= told
    # the F3548 reference is a plan reference on skypact's own API (extents only for others)
    listed = {p["id"]: p for p in c.get("/v1/plans", headers=n).json()}
    assert listed[oid]["party"] == "U1" and "f3548" not in listed[oid] and listed[oid]["extents"]
    assert c.get(f"/v1/plans/{oid}", headers=n).json()["source"] == "f3548"
    # a native filing is now checked against the F3548 reference too
    again = c.post("/v1/plans", json=native_plan(new_id(), now + 120), headers=n).json()
    assert f"{oid}/0" in {x["plan_b"] for x in again["conflicts"]}
    # a native id cannot take a piece's id (no '/' in native ids); an F3548 id cannot take a native one
    clash = c.post("/v1/plans", json=native_plan(f"{oid}/0", now + 120), headers=n)
    assert clash.status_code == 422
    assert c.put(f"{OIRS}/{pid}", json=oir_body(now + 7200, now + 7800), headers=h2).status_code == 409
    # deleting the reference clears its conflicts
    c.delete(f"{OIRS}/{oid}/{made.operational_intent_reference.ovn}", headers=h1)
    with dss["hub"].engine.connect() as conn:
        left = {(r.plan_a, r.plan_b) for r in conn.execute(select(conflicts))}
    assert not any(f"{oid}/0" in p for p in left)


def test_an_f3548_write_never_captures_another_partys_plan(dss: dict[str, Any], new_id: New) -> None:
    """Party N files a native plan named ``U:7``; another party's USS then writes and deletes the
    F3548 entity ``U``.  N's plan stays live: a later conflicting filing still finds it, and N is
    never told the conflict cleared."""
    from sqlalchemy import select

    from skypact.store.tables import conflicts, notifications

    c, n, h1 = dss["client"], dss["native"], dss["h"]("uss1")
    kid, secret = dss["hub"].add_party("M")
    tok = c.post("/v1/token", json={"key_id": kid, "secret": secret}).json()["access_token"]
    m = {"Authorization": f"Bearer {tok}"}

    def rival_plan(t0: float) -> dict[str, Any]:
        return {**native_plan(new_id(), t0), "party": "M", "callsign": "RIV1"}

    now = time.time()
    u = new_id()
    victim = f"{u}:7"
    assert c.post("/v1/plans", json=native_plan(victim, now + 60), headers=n).status_code == 201
    assert c.post(f"/v1/plans/{victim}/state", json={"state": "Accepted"}, headers=n).status_code == 200
    rival = c.post("/v1/plans", json=rival_plan(now + 90), headers=m).json()
    assert victim in {x["plan_b"] for x in rival["conflicts"]}
    # uss1 (party U1) writes U far away (no key needed there), then moves it and deletes it
    far = oir_body(now + 7200, now + 7800)
    far["extents"][0]["volume"]["outline_polygon"]["vertices"] = [
        {"lat": 10.0 + a, "lng": 20.0 + b} for a, b in ((0, 0), (0, 0.01), (0.01, 0.01), (0.01, 0))]
    made = parsed(c.put(f"{OIRS}/{u}", json=far, headers=h1), 201, ChangeOperationalIntentReferenceResponse)
    moved = parsed(c.put(f"{OIRS}/{u}/{made.operational_intent_reference.ovn}", json=far, headers=h1), 200,
                   ChangeOperationalIntentReferenceResponse)
    gone = c.delete(f"{OIRS}/{u}/{moved.operational_intent_reference.ovn}", headers=h1)
    assert gone.status_code == 200, gone.text
    assert dss["hub"].live.get(victim) is not None
    again = c.post("/v1/plans", json=rival_plan(now + 120), headers=m).json()
    assert victim in {x["plan_b"] for x in again["conflicts"]}
    with dss["hub"].engine.connect() as conn:
        kept = {(r.plan_a, r.plan_b) for r in conn.execute(select(conflicts))}
        told = [(r.party, r.type) for r in conn.execute(select(notifications))]
    assert any(victim in pair for pair in kept)
    assert ("N", "conflict-cleared") not in told


def test_stored_piece_ids_migrate_to_the_slash_namespace(tmp_path: Any) -> None:
    """A store of schema 7 named pieces ``{id}:{k}``; version 8 renames them in stored conflicts,
    but not a native plan that happens to be called ``{id}:{k}`` by another party."""
    from sqlalchemy import create_engine, insert, select

    from skypact.store.db import connect
    from skypact.store.tables import VERSIONS, conflicts, dss_entities, metadata, schema_version

    url = f"sqlite:///{tmp_path / 'v7.sqlite'}"
    old = create_engine(url)
    u = "6f1b2c3d-0000-4000-8000-000000000001"
    with old.begin() as conn:
        for v in range(1, 8):
            metadata.create_all(conn, tables=list(VERSIONS[v]))
            conn.execute(insert(schema_version).values(version=v))
        conn.execute(insert(dss_entities).values(
            id=u, kind="oir", manager="uss1", party="U1", state="Accepted", version=1, ovn="x", uss_base_url="u",
            subscription_id=None, extents=[{}, {}], boxes=[], t_start=0.0, t_end=1.0))
        for a, pa, b, pb in ((f"{u}:1", "U1", "P1", "N"), ("P2", "N", f"{u}:0", "U1"), (f"{u}:0", "N", "P3", "U1")):
            conn.execute(insert(conflicts).values(plan_a=a, plan_b=b, note="",
                                                  record={"plan_a": a, "plan_b": b, "party_a": pa, "party_b": pb}))
    old.dispose()
    engine = connect(url)
    with engine.connect() as conn:
        rows = {(r.plan_a, r.plan_b, r.record["plan_a"], r.record["plan_b"]) for r in conn.execute(select(conflicts))}
    assert rows == {(f"{u}/1", "P1", f"{u}/1", "P1"), ("P2", f"{u}/0", "P2", f"{u}/0"),
                    (f"{u}:0", "P3", f"{u}:0", "P3")}
