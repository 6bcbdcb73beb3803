"""The live picture inside the service (``POST /v1/tracks`` and each second's cycle): alerts told to
both parties in both languages, reserved-volume entries, lost feeds per party, silent tracks, and
conformance monitoring that turns a straying flight's plan Nonconforming."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from skypact.geo.geodesy import GEOD
from skypact.plans.model import Altitude, FlightPlan, ReservedVolume, Waypoint
from skypact.service.auth import Principal
from skypact.service.hub import PLAN
from skypact.store.tables import notifications
from tests.api.conftest import body

NOW = time.time()


def _at(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat()


def track(tid: str, t: float, lat: float, lon: float, trk: float, alt_ft: float = 30000, gs_kt: float = 450,
          **kw: Any) -> dict[str, Any]:
    return {"id": tid, "time": _at(t), "lat": lat, "lon": lon, "alt_ft": alt_ft, "gs_kt": gs_kt, "trk_deg": trk, **kw}


def told(env: dict[str, Any]) -> list[tuple[str, str, str]]:
    with env["hub"].engine.connect() as conn:
        return [(r.party, r.type, r.text["ru"]["short"]) for r in
                conn.execute(select(notifications).order_by(notifications.c.id))]


def test_converging_flights_warn_both_parties_then_clear(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    # head-on at one level, 34 NM apart, closing at 900 kt: loss of separation in 116 s
    lon_b, lat_b, _ = GEOD.fwd(10.0, 50.0, 90.0, 34 * 1852.0)
    assert c.post("/v1/tracks", json={"tracks": [track("AA1", NOW, 50.0, 10.0, 90.0, callsign="NRD101")]},
                  headers=h["A"]).status_code == 200
    c.post("/v1/tracks", json={"tracks": [track("BB1", NOW, lat_b, lon_b, 270.0, callsign="SAF201")]},
           headers=h["B"])
    hub.surveillance.cycle(NOW + 10)  # dead-reckoned 10 s: predicted in 106 s -> traffic information
    kinds = {(p, k) for p, k, _ in told(env)}
    assert {("A", "traffic-information"), ("B", "traffic-information")} <= kinds
    hub.surveillance.cycle(NOW + 90)  # no report since: checked at its time, 90 s on: within 60 s -> an alert
    warn = [(p, ru) for p, k, ru in told(env) if k == "tactical-warning"]
    assert {p for p, _ in warn} == {"A", "B"} and any("NRD101" in ru and "SAF201" in ru for _, ru in warn)
    # they turn away: reports now diverging, the alert ends and both are told they are clear
    lon_a2, lat_a2, _ = GEOD.fwd(10.0, 50.0, 90.0, 6 * 1852.0)
    c.post("/v1/tracks", json={"tracks": [track("AA1", NOW + 95, lat_a2, lon_a2, 0.0)]}, headers=h["A"])
    lon_b2, lat_b2, _ = GEOD.fwd(lon_b, lat_b, 270.0, 20 * 1852.0)
    c.post("/v1/tracks", json={"tracks": [track("BB1", NOW + 95, lat_b2, lon_b2, 180.0, alt_ft=34000)]},
           headers=h["B"])
    hub.surveillance.cycle(NOW + 96)
    assert {p for p, k, _ in told(env) if k == "clear-of-conflict"} == {"A", "B"}


def test_volume_entry_lost_feed_and_silent_tracks(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    vol = ReservedVolume.model_validate({
        "id": "TSA9", "party": "A", "outline": {"type": "Circle", "center": [20.0, 55.0], "radius_m": 20_000},
        "band": {"lower": {"value": 20000}, "upper": {"value": 40000}},
        "window": {"start": _at(NOW - 600), "end": _at(NOW + 3600)}})
    assert c.post("/v1/volumes", json=body(vol), headers=h["A"]).status_code == 201
    clock = [NOW]
    hub.surveillance.clock = lambda: clock[0]  # when reports arrive (the tests' own clock)
    c.post("/v1/tracks", json={"tracks": [track("BB2", NOW, 55.05, 20.0, 90.0, callsign="SAF202")]}, headers=h["B"])
    hub.surveillance.cycle(NOW + 1)
    hub.surveillance.cycle(NOW + 2)  # told once, not every second
    entries = [p for p, k, _ in told(env) if k == "volume-entry"]
    assert sorted(entries) == ["A", "B"]
    # B's feed stops: lost once, to every party; the silent track is dropped after 60 s
    hub.surveillance.cycle(NOW + 40)
    hub.surveillance.cycle(NOW + 41)
    lost = [p for p, k, _ in told(env) if k == "feed-lost"]
    assert sorted(lost) == ["A", "B", "C", "V"]
    assert "B/BB2" in hub.surveillance.picture.tracks
    hub.surveillance.cycle(NOW + 70)
    assert "B/BB2" not in hub.surveillance.picture.tracks
    # the feed comes back: a later outage is told again
    clock[0] = NOW + 80
    c.post("/v1/tracks", json={"tracks": [track("BB2", NOW + 80, 56.0, 21.0, 90.0)]}, headers=h["B"])
    hub.surveillance.cycle(NOW + 81)
    hub.surveillance.cycle(NOW + 120)
    assert len([p for p, k, _ in told(env) if k == "feed-lost"]) == 8


def _plan(pid: str, party: str, lat: float, lon0: float, lon1: float, t0: float, t1: float) -> FlightPlan:
    alt = Altitude(value=30000)
    return FlightPlan(id=pid, party=party, callsign=pid, waypoints=[
        Waypoint(lat=lat, lon=lon0, alt=alt, time=datetime.fromtimestamp(t0, UTC)),
        Waypoint(lat=lat, lon=lon1, alt=alt, time=datetime.fromtimestamp(t1, UTC))])


def test_a_straying_flight_turns_its_plan_nonconforming(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    t0, t1 = NOW - 300, NOW + 1300
    assert c.post("/v1/plans", json=body(_plan("AP1", "A", 50.0, 5.0, 8.0, t0, t1)), headers=h["A"]).status_code == 201
    for state in ("Accepted", "Activated"):
        assert c.post("/v1/plans/AP1/state", json={"state": state}, headers=h["A"]).status_code == 200
    az, _, length = GEOD.inv(5.0, 50.0, 8.0, 50.0)
    speed = length / (t1 - t0)
    lon_on, lat_on, trk = GEOD.fwd(5.0, 50.0, az, speed * (NOW - t0))
    # C's plan runs 5 NM north of A's route, level with A's flight now, where A's flight turns
    north = GEOD.fwd(5.0, 50.0, 0.0, 5 * 1852.0)[1]
    assert c.post("/v1/plans", json=body(_plan("CP1", "C", north, lon_on - 0.02, lon_on + 2.0, NOW - 10, NOW + 1500)),
                  headers=h["C"]).status_code == 201
    # on its route and time: nothing
    on = track("F1", NOW, lat_on, lon_on, trk, gs_kt=speed / 0.514444, plan="AP1")
    c.post("/v1/tracks", json={"tracks": [on]}, headers=h["A"])
    hub.surveillance.cycle(NOW)
    assert hub.get(Principal("A", "operator"), PLAN, "AP1")["state"] == "Activated"
    # 3 NM north of its route, heading north-east: Nonconforming, and C is told
    lon_off, lat_off, _ = GEOD.fwd(lon_on, lat_on, 0.0, 3 * 1852.0)
    off = {**on, "time": _at(NOW + 5), "lat": lat_off, "lon": lon_off, "trk_deg": 60.0}
    c.post("/v1/tracks", json={"tracks": [off]}, headers=h["A"])
    hub.surveillance.cycle(NOW + 5)
    assert hub.get(Principal("A", "operator"), PLAN, "AP1")["state"] == "Nonconforming"
    assert {p for p, k, _ in told(env) if k == "plan-nonconforming"} == {"A", "C"}


def test_ingest_reports_a_feed_to_the_service(server: tuple[str, Any], tmp_path: Any) -> None:
    import subprocess
    import sys
    from pathlib import Path

    from tests.surveillance.test_feeds import SBS_LINES

    url, hub = server
    kid, secret = hub.add_party("RADAR")
    feed = tmp_path / "feed.sbs"
    feed.write_text("\n".join(SBS_LINES) + "\n")
    exe = Path(sys.executable).with_name("skypact")
    r = subprocess.run([str(exe), "ingest", str(feed), "--url", url, "--token", hub.token(kid, secret)],
                       capture_output=True, text=True, check=True)
    assert "2 sent" in r.stdout  # two airborne positions; the one on the ground is not sent
    assert set(hub.surveillance.picture.tracks) == {"RADAR/4ca2d6"}


def test_a_party_reads_its_own_tracks_and_another_partys_only_while_in_an_alert(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    far_lon, _, _ = GEOD.fwd(10.0, 50.0, 90.0, 300 * 1852.0)
    c.post("/v1/tracks", json={"tracks": [track("AA1", NOW, 50.0, 10.0, 90.0, callsign="NRD101")]}, headers=h["A"])
    c.post("/v1/tracks", json={"tracks": [track("BB1", NOW, 50.0, far_lon, 90.0, callsign="SAF201")]}, headers=h["B"])
    hub.surveillance.cycle(NOW + 1)
    a = c.get("/v1/tracks", headers=h["A"]).json()
    assert [(t["id"], t["callsign"]) for t in a["tracks"]] == [("A/AA1", "NRD101")] and a["alerts"] == []
    assert abs(a["tracks"][0]["alt_m"] - 30000 * 0.3048) < 1e-6
    assert [t["party"] for t in c.get("/v1/tracks", headers=h["C"]).json()["tracks"]] == []
    # B's aircraft turns head-on, 20 NM away: now in an alert with A's, each party sees both
    lon_b, lat_b, _ = GEOD.fwd(10.0, 50.0, 90.0, 20 * 1852.0)
    c.post("/v1/tracks", json={"tracks": [track("BB1", NOW + 2, lat_b, lon_b, 270.0)]}, headers=h["B"])
    hub.surveillance.cycle(NOW + 3)
    for party in ("A", "B"):
        doc = c.get("/v1/tracks", headers=h[party]).json()
        assert sorted(t["id"] for t in doc["tracks"]) == ["A/AA1", "B/BB1"] and len(doc["alerts"]) == 1
    assert c.get("/v1/tracks", headers=h["C"]).json()["tracks"] == []  # a third party sees neither
    assert c.get("/v1/tracks").status_code == 401


def test_the_track_stream_sends_the_same_rows_each_second(env: dict[str, Any]) -> None:
    import asyncio
    import json

    from skypact.api.streams import track_events

    hub = env["hub"]
    hub.surveillance.report(Principal("A", "operator"), [{"id": "AA1", "time": NOW, "lat": 50.0, "lon": 10.0,
                                                          "alt_m": 9000.0, "gs_mps": 200.0, "trk_deg": 90.0,
                                                          "vs_mps": 0.0, "callsign": "NRD101"}])
    hub.surveillance.cycle(NOW + 1)
    calls = 0

    async def gone() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2

    async def read() -> list[str]:
        return [e async for e in track_events(hub.surveillance, "A", gone, every_s=0.01)]

    events = asyncio.run(read())
    assert len(events) == 2 and all(e.startswith("event: tracks\ndata: ") for e in events)
    doc = json.loads(events[0].split("data: ", 1)[1])
    row = dict(zip(doc["columns"], doc["tracks"][0], strict=True))
    assert row["id"] == "A/AA1" and row["callsign"] == "NRD101" and row["alt_m"] == 9000.0
