"""Notifications through the API: written with the change, rendered per recipient in both
languages and its units, streamed with resume (across a restart too), acknowledged by the
recipient only, escalated on a fake clock when not."""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from typing import Any

from skypact.api.app import create_app
from skypact.service.auth import Principal
from skypact.service.hub import Hub
from tests.api.conftest import CYR, body, problem
from tests.api.test_volumes_api import A1, AV1, B1


def _notes(env: dict[str, Any], party: str) -> list[dict[str, Any]]:
    r = env["client"].get("/v1/notifications", params={"limit": 1000}, headers=env["h"][party])
    assert r.status_code == 200, r.text
    return list(r.json())


def _sse(text: str) -> list[tuple[int, str, dict[str, Any]]]:
    out = []
    for block in text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "id" in lines:
            out.append((int(lines["id"]), lines["event"], json.loads(lines["data"])))
    return out


def test_a_conflict_tells_both_parties_in_their_units_and_languages(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    kid, secret = hub.add_party("M", units="metric")
    h["M"] = {"Authorization": "Bearer " + hub.token(kid, secret)}
    c.post("/v1/plans", json=body(A1), headers=h["A"])
    m1 = B1.model_copy(update={"id": "M1", "party": "M", "callsign": "METRO1"})
    assert c.post("/v1/plans", json=body(m1), headers=h["M"]).status_code == 201
    [to_a] = _notes(env, "A")
    to_m = {n["type"]: n for n in _notes(env, "M")}
    assert to_a["type"] == "conflict-predicted" and to_a["severity"] == "warning" and to_a["ack"]["at"] is None
    assert to_a["fields"]["callsign"] == "A1" and to_a["fields"]["other"] == "M1"  # never the other's call sign
    assert "METRO1" not in json.dumps(to_a)
    assert to_a["text"]["en"]["short"].startswith("A1, CONFLICT PREDICTED WITH M1 AT ")
    assert " NM" in to_a["text"]["en"]["short"] and "М. МИЛЬ" in to_a["text"]["ru"]["short"]
    assert CYR.search(to_a["text"]["ru"]["full"])
    mine = to_m["conflict-predicted"]
    # a metric recipient: 254 m apart, 0 m vertically (the same crossing is 0.1 NM for A)
    assert mine["fields"]["callsign"] == "METRO1"
    assert "MINIMUM DISTANCE 254 M, VERTICAL 0 M" in mine["text"]["en"]["short"]
    assert "МИНИМАЛЬНОЕ РАССТОЯНИЕ 254 М, ПО ВЕРТИКАЛИ 0 М" in mine["text"]["ru"]["short"]
    assert "MINIMUM DISTANCE 0.1 NM, VERTICAL 0 FT" in to_a["text"]["en"]["short"]
    assert {"resolution-delay", "resolution-level"} <= set(to_m)  # the lower priority moves
    assert _notes(env, "C") == []
    # the change is cleared: both are told
    c.delete("/v1/plans/M1", headers=h["M"])
    assert _notes(env, "A")[-1]["type"] == "conflict-cleared"
    assert _notes(env, "M")[-1]["text"]["ru"]["short"] == "METRO1, КОНФЛИКТ С A1 УСТРАНЁН"


def test_stream_resumes_from_the_last_id_also_after_a_restart(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    c.post("/v1/plans", json=body(A1), headers=h["A"])
    c.post("/v1/plans", json=body(B1), headers=h["B"])
    c.post("/v1/plans/A1/state", json={"state": "Accepted"}, headers=h["A"])
    r = c.get("/v1/notifications/stream", params={"follow": "false"}, headers=h["A"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    got = _sse(r.text)
    assert [e for _, e, _ in got] == ["conflict-predicted", "plan-accepted"]
    assert [d["id"] for _, _, d in got] == [i for i, _, _ in got]
    first = got[0][0]
    again = c.get("/v1/notifications/stream", params={"follow": "false"},
                  headers={**h["A"], "Last-Event-ID": str(first)})
    assert [i for i, _, _ in _sse(again.text)] == [got[1][0]]
    # a new server process on the same store: the same history, the same resume point
    from fastapi.testclient import TestClient

    restarted = TestClient(create_app(hub=Hub(hub.engine, hub.token_key)))
    after = restarted.get("/v1/notifications/stream", params={"follow": "false"},
                          headers={**h["A"], "Last-Event-ID": str(first)})
    assert [i for i, _, _ in _sse(after.text)] == [got[1][0]]


def test_acknowledgement_by_the_recipient_only(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=body(A1), headers=h["A"])
    c.post("/v1/plans", json=body(B1), headers=h["B"])
    conflict = next(n for n in _notes(env, "B") if n["type"] == "conflict-predicted")
    advice = next(n for n in _notes(env, "B") if n["type"] == "resolution-delay")
    problem(c.post(f"/v1/notifications/{conflict['id']}/ack", headers=h["A"]), 403)
    problem(c.post(f"/v1/notifications/{advice['id']}/ack", headers=h["B"]), 409)  # none requested
    problem(c.post("/v1/notifications/999999/ack", headers=h["B"]), 404)
    r = c.post(f"/v1/notifications/{conflict['id']}/ack", headers=h["B"])
    assert r.status_code == 200 and r.json()["ack"]["at"] is not None and r.json()["ack"]["by"]
    again = c.post(f"/v1/notifications/{conflict['id']}/ack", headers=h["B"]).json()
    assert again["ack"] == r.json()["ack"]  # the first acknowledgement stands
    told = [n for n in _notes(env, "A") if n["type"] == "acknowledged"]
    assert len(told) == 1 and f"N-{conflict['id']}" in told[0]["text"]["en"]["short"]
    assert "ПОДТВЕРЖДЕНО" in told[0]["text"]["ru"]["short"]


def test_unacknowledged_notifications_escalate_on_time(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    hub.notices.configure("A", ack_timeout_s=60.0, contacts=["A duty chief", "+1 555 0100"])
    c.post("/v1/plans", json=body(A1), headers=h["A"])
    c.post("/v1/plans", json=body(B1), headers=h["B"])
    to_a = next(n for n in _notes(env, "A") if n["type"] == "conflict-predicted")
    to_b = next(n for n in _notes(env, "B") if n["type"] == "conflict-predicted")
    assert to_a["ack"]["due"] - to_a["at"] == 60.0 and to_b["ack"]["due"] - to_b["at"] == 300.0
    c.post(f"/v1/notifications/{to_b['id']}/ack", headers=h["B"])  # B acknowledges, A does not
    assert hub.notices.escalate_due(to_a["at"] + 59.0) == 0
    assert hub.notices.escalate_due(to_a["at"] + 61.0) == 1  # B's was acknowledged: no escalation
    assert hub.notices.escalate_due(to_a["at"] + 400.0) == 0  # once only
    esc_a = [n for n in _notes(env, "A") if n["type"] == "escalation"]
    esc_b = [n for n in _notes(env, "B") if n["type"] == "escalation"]
    assert len(esc_a) == len(esc_b) == 1 and esc_a[0]["severity"] == "alert"
    assert "A duty chief, +1 555 0100" in esc_a[0]["text"]["en"]["full"]
    assert esc_a[0]["text"]["en"]["short"] == f"NO ACKNOWLEDGEMENT FROM A FOR N-{to_a['id']} WITHIN 1 MINUTE"
    assert esc_a[0]["text"]["ru"]["short"] == f"НЕТ ПОДТВЕРЖДЕНИЯ ОТ A ПО N-{to_a['id']}, СРОК 1 МИНУТА"
    assert next(n for n in _notes(env, "A") if n["id"] == to_a["id"])["escalated"] is True


def test_state_changes_and_emergencies_reach_whom_they_concern(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=body(A1), headers=h["A"])
    c.post("/v1/volumes", json=body(AV1), headers=h["A"])
    c.post("/v1/plans/A1/state", json={"state": "Accepted"}, headers=h["A"])
    for s in ("Accepted", "Activated"):
        c.post("/v1/volumes/AV1/state", json={"state": s}, headers=h["A"])
    c.post("/v1/plans/A1/emergency", json={"reason": "medical"}, headers=h["A"])
    assert [n["type"] for n in _notes(env, "A")] == ["plan-accepted", "volume-activated", "emergency-declared"]
    for party in ("B", "C", "V"):
        notes = _notes(env, party)
        assert [n["type"] for n in notes] == ["volume-activated", "emergency-declared"]
        assert notes[0]["text"]["en"]["short"].startswith("AREA AV1 ACTIVE FL250 TO FL350, ")
        assert notes[1]["text"]["ru"]["short"] == "АВАРИЙНАЯ СИТУАЦИЯ, A1 (A), ПРИОРИТЕТ НАД ВСЕМИ ПЛАНАМИ"


def test_a_live_stream_receives_a_new_conflict(server: tuple[str, Hub]) -> None:
    url, hub = server
    kid_a, sec_a = hub.add_party("A", max_priority=3)
    hub.add_party("B")
    tok = hub.token(kid_a, sec_a)
    host, port = url.removeprefix("http://").split(":")
    got: list[tuple[str, float]] = []

    def listen() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=20)
        conn.request("GET", "/v1/notifications/stream", headers={"Authorization": f"Bearer {tok}"})
        resp = conn.getresponse()
        for raw in resp:
            line = raw.decode().strip()
            if line.startswith("event: "):
                got.append((line[7:], time.perf_counter()))
                break
        conn.close()

    th = threading.Thread(target=listen, daemon=True)
    th.start()
    time.sleep(0.5)  # connected and waiting
    hub.file_plan(Principal("A", "operator"), A1)
    t0 = time.perf_counter()
    hub.file_plan(Principal("B", "operator"), B1)
    th.join(timeout=20)
    assert got and got[0][0] == "conflict-predicted"
    print(f"stream delivery {1e3 * (got[0][1] - t0):.1f} ms after the filing began")


def test_a_silent_party_stays_checked_and_finds_its_notifications_on_return(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    c.post("/v1/plans", json=body(B1), headers=h["B"])
    t0 = time.time()
    hub.presence.seen("B", now=t0)
    assert hub.presence.check(t0 + 59.0) == []
    assert hub.presence.check(t0 + 61.0) == ["B"] and hub.presence.check(t0 + 90.0) == []  # told once
    for party in ("A", "C"):
        [silent] = [n for n in _notes(env, party) if n["type"] == "party-silent"]
        assert silent["text"]["en"]["short"].startswith("B SILENT SINCE ")
        assert silent["text"]["ru"]["short"].startswith("B НЕ НА СВЯЗИ С ")
    assert not [n for n in _notes(env, "B") if n["type"] == "party-silent"]
    # conflict detection goes on against B's last known plan; B's notification waits for it
    r = c.post("/v1/plans", json=body(A1), headers=h["A"])
    assert [(x["plan_a"], x["plan_b"]) for x in r.json()["conflicts"]] == [("A1", "B1")]
    hub.presence.seen("B", now=t0 + 120.0)
    assert [n["type"] for n in _notes(env, "A")][-1] == "party-back"
    stream = c.get("/v1/notifications/stream", params={"follow": "false"}, headers=h["B"])
    assert "conflict-predicted" in [e for _, e, _ in _sse(stream.text)]
    # a party may say itself that it stops taking part
    assert c.post("/v1/silence", headers=h["C"]).json() == {"party": "C", "silent": True}
    assert [n["text"]["ru"]["short"] for n in _notes(env, "A")][-1].startswith("C НЕ НА СВЯЗИ С ")
    assert c.post("/v1/heartbeat", headers=h["C"]).status_code == 200
    assert [n["type"] for n in _notes(env, "A")][-1] == "party-back"


def _soon(pid: str, party: str, start_in_s: float) -> Any:
    from datetime import UTC, datetime, timedelta

    from skypact.plans.model import Altitude, FlightPlan, Waypoint

    t = datetime.now(UTC) + timedelta(seconds=start_in_s)
    return FlightPlan(id=pid, party=party, callsign=pid, waypoints=[
        Waypoint(lat=40.0, lon=10.0, alt=Altitude(value=20000), time=t),
        Waypoint(lat=40.0, lon=11.0, alt=Altitude(value=20000), time=t + timedelta(seconds=600))])


def test_late_notice_is_told_to_both_with_the_exact_times(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    hub.notices.set_rule("B", "A", plan_notice_s=600.0, volume_notice_s=900.0)
    filed = time.time()
    assert c.post("/v1/plans", json=body(_soon("B7", "B", 300)), headers=h["B"]).status_code == 201
    assert c.post("/v1/plans", json=body(_soon("B8", "B", 1800)), headers=h["B"]).status_code == 201  # in time
    assert c.post("/v1/plans", json=body(_soon("C7", "C", 60)), headers=h["C"]).status_code == 201  # no rule
    late = [n for n in hub.notices.read("A") if n["type"] == "notice-late"]
    assert [n["subject"] for n in late] == ["B7"]
    assert [n["subject"] for n in hub.notices.read("B") if n["type"] == "notice-late"] == ["B7"]
    assert not [n for n in hub.notices.read("C") if n["type"] == "notice-late"]
    f = late[0]["fields"]
    assert f["required_s"] == 600.0 and 290.0 < f["given_s"] <= 300.0 and filed <= f["time"] <= time.time()
    short_en, short_ru = late[0]["text"]["en"]["short"], late[0]["text"]["ru"]["short"]
    # about five minutes' notice (4 min 5x s, or 5 min once rounded to the second)
    assert re.fullmatch(r"LATE NOTICE, B7 OF B, (4 MINUTES \d+ SECONDS?|5 MINUTES) BEFORE START, 10 MINUTES AGREED",
                        short_en), short_en
    assert re.fullmatch(r"ПОЗДНЕЕ УВЕДОМЛЕНИЕ, B7 СТОРОНЫ B, ДО НАЧАЛА (4 МИНУТЫ \d+ СЕКУНД[АЫ]?|5 МИНУТ), "
                        r"СОГЛАСОВАНО 10 МИНУТ", short_ru), short_ru
    assert late[0]["delivered_at"] is None and late[0]["ack"]["at"] is None
    # A reads its notifications (delivery), then acknowledges: the three times are kept, in order
    _notes(env, "A")
    c.post(f"/v1/notifications/{late[0]['id']}/ack", headers=h["A"])
    kept = next(n for n in hub.notices.read("A") if n["id"] == late[0]["id"])
    assert f["time"] <= kept["delivered_at"] <= kept["ack"]["at"]
    # a volume announced 10 minutes ahead, 15 agreed
    from datetime import timedelta

    from skypact.plans.model import Altitude, AltitudeBand, Circle, ReservedVolume, TimeWindow

    start = _soon("x", "A", 600).start
    vol = ReservedVolume(id="AV9", party="A", outline=Circle(center=(20.0, 40.0), radius_m=5000),
                         band=AltitudeBand(lower=Altitude(value=1000), upper=Altitude(value=5000)),
                         window=TimeWindow(start=start, end=start + timedelta(hours=1)))
    assert c.post("/v1/volumes", json=body(vol), headers=h["A"]).status_code == 201
    to_b = [n for n in hub.notices.read("B") if n["type"] == "notice-late" and n["subject"] == "AV9"]
    assert len(to_b) == 1 and to_b[0]["fields"]["required_s"] == 900.0


def test_a_refused_acceptance_tells_the_owner_why(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=body(A1), headers=h["A"])  # priority 3
    c.post("/v1/plans", json=body(B1), headers=h["B"])  # priority 0, conflicts with A1
    problem(c.post("/v1/plans/B1/state", json={"state": "Accepted"}, headers=h["B"]), 409)
    assert c.get("/v1/plans/B1", headers=h["B"]).json()["state"] == "Proposed"  # nothing changed
    [rej] = [n for n in _notes(env, "B") if n["type"] == "plan-rejected"]
    assert rej["severity"] == "warning" and rej["subject"] == "B1"
    assert rej["text"]["en"]["short"] == ("PLAN B1 REJECTED, PLAN B1 CONFLICTS WITH THE HIGHER-PRIORITY PLAN A1: "
                                          "RESOLVE IT BEFORE ACCEPTING")
    assert rej["text"]["ru"]["short"].startswith("ПЛАН B1 ОТКЛОНЁН, ") and "A1" in rej["text"]["ru"]["full"]
    assert not [n for n in _notes(env, "A") if n["type"] == "plan-rejected"]
