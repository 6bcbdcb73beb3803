"""Playing a drill through the whole service on a virtual clock.

A fresh service (SQLite in a temporary directory, its HTTP app in process) gets the drill's
parties.  Each virtual second: every aircraft due to report does so (``POST /v1/tracks`` with its
party's token), unless a fault drops or delays it; the live picture runs its cycle at that second;
overdue acknowledgements escalate; every party reads its notification stream
(``GET /v1/notifications/stream``) and acknowledges what asks for it after its set delay (or never).
The truth - where the aircraft really are - gives the losses of separation (H and V strict, one
event per pair until apart for more than 60 s).

**Score.**  For each loss and each party the expectations name that has an aircraft in it: the
first traffic information or alert about that pair *delivered on the party's stream* decides -
``on_time`` when it came at least ``at_least_s`` before the loss began, ``late`` when it came
later (up to the end of the loss), ``missed`` when none came.  An alert delivered for a pair with
no loss of separation beginning within the look-ahead + 60 s after it is ``false``.  The score is
the share of expected warnings on time.  Acknowledgement times and escalations are reported too.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from skypact.drills.model import Drill
from skypact.geo.geodesy import GEOD, ecef_ground
from skypact.tactical.region import RegionSettings
from skypact.units import FPM, FT, KT, NM

__all__ = ["Delivery", "DrillResult", "run_drill"]

WARNINGS = ("traffic-information", "tactical-warning")


@dataclass
class Delivery:
    t: float
    party: str
    id: int
    type: str
    subject: str
    fields: dict[str, Any]
    ack: bool
    text: dict[str, Any]
    acked_t: float | None = None


@dataclass
class DrillResult:
    drill: Drill
    deliveries: list[Delivery]
    losses: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    false_alerts: list[dict[str, Any]]
    tracks: dict[str, list[tuple[float, float, float, float]]]  #: aircraft -> (t, lat, lon, alt_m)
    separations: dict[str, list[tuple[float, float, float]]]  #: "a|b" -> (t, horizontal m, vertical m)
    score: float
    passed: bool
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        acks = [d.acked_t - d.t for d in self.deliveries if d.ack and d.acked_t is not None]
        return {"drill": self.drill.drill, "title": self.drill.title, "score": round(self.score, 1),
                "passed": self.passed, **self.counts,
                "losses": self.losses, "warnings": self.warnings, "false_alerts": self.false_alerts,
                "acknowledgements": {"asked": sum(1 for d in self.deliveries if d.ack), "given": len(acks),
                                     "median_s": float(np.median(acks)) if acks else None},
                "escalations": sum(1 for d in self.deliveries if d.type == "escalation")}


class _Truth:
    """Where each aircraft really is, each second."""

    def __init__(self, d: Drill) -> None:
        self.d = d
        self.ids: list[str] = []
        self.party: dict[str, str] = {}
        self.callsign: dict[str, str] = {}
        self.every: dict[str, float] = {}
        self._rec: dict[str, tuple[np.ndarray, ...]] = {}
        for a in d.aircraft:
            self.ids.append(a.id)
            self.party[a.id], self.callsign[a.id], self.every[a.id] = a.party, a.callsign or a.id, a.report_every_s
        if d.recording is not None:
            self._load_recording(d)

    def _load_recording(self, d: Drill) -> None:
        from skypact.surveillance.recording import read_recording

        w = d.recording
        assert w is not None
        rec = read_recording(Path(d.base_dir) / w.file).window(w.start.timestamp(), w.start.timestamp() + d.duration_s)
        shift = d.t0 - w.start.timestamp()
        for k in np.unique(rec.ac):
            m = rec.ac == k
            icao = rec.icao24[int(k)]
            party = w.parties_by_icao.get(icao, w.party or d.parties[0].name)
            self.ids.append(icao)
            self.party[icao], self.callsign[icao], self.every[icao] = party, rec.callsign[int(k)] or icao, 1.0
            self._rec[icao] = (rec.t[m] + shift, rec.lat[m], rec.lon[m], rec.alt[m])

    def state(self, ident: str, t: float) -> tuple[float, float, float, float, float, float] | None:
        """lat, lon, alt (m), ground speed (m/s), track, vertical speed (m/s) at ``t``, or None."""
        if ident in self._rec:
            ts, la, lo, al = self._rec[ident]
            if not (ts[0] <= t <= ts[-1]):
                return None
            k = int(np.clip(np.searchsorted(ts, t) - 1, 0, len(ts) - 2))
            if ts[k + 1] - ts[k] > 30.0:
                return None
            az, _, dist = GEOD.inv(lo[k], la[k], lo[k + 1], la[k + 1])
            dt = ts[k + 1] - ts[k]
            f = (t - ts[k]) / dt
            return (float(la[k] + f * (la[k + 1] - la[k])), float(lo[k] + f * (lo[k + 1] - lo[k])),
                    float(al[k] + f * (al[k + 1] - al[k])), float(dist / dt), float(az) % 360.0,
                    float((al[k + 1] - al[k]) / dt))
        a = next(x for x in self.d.aircraft if x.id == ident)
        s = t - self.d.t0 - a.start_s
        if s < 0:
            return None
        lon, lat, back = GEOD.fwd(a.lon, a.lat, a.track_deg, a.speed_kt * KT * s)
        return float(lat), float(lon), a.alt_ft * FT + a.vs_fpm * FPM * s, a.speed_kt * KT, (float(back) + 180) % 360, \
            a.vs_fpm * FPM


def _sse(text: str) -> list[dict[str, Any]]:
    out = []
    for block in text.split("\n\n"):
        data = [line[6:] for line in block.splitlines() if line.startswith("data: ")]
        if data:
            out.append(json.loads("\n".join(data)))
    return out


def run_drill(d: Drill, progress: Callable[[float, float], None] | None = None) -> DrillResult:
    """Play ``d``; see the module doc."""
    from skypact.api.app import create_app
    from skypact.service.hub import Hub
    from skypact.store.db import connect

    truth = _Truth(d)
    with tempfile.TemporaryDirectory(prefix="skypact-drill-") as tmp:
        hub = Hub(connect(f"sqlite:///{Path(tmp) / 'drill.db'}"), b"drill-key-" + bytes(22))
        hub.surveillance.picture.settings = RegionSettings(h_m=d.h_nm * NM, v_m=d.v_ft * FT,
                                                           lookahead_s=d.lookahead_s)
        client = TestClient(create_app(hub=hub))
        heads = {}
        for p in d.parties:
            kid, secret = hub.add_party(p.name, lang=p.lang, units=p.units)
            hub.notices.configure(p.name, ack_timeout_s=d.ack_timeout_s)
            heads[p.name] = {"Authorization": f"Bearer {hub.token(kid, secret, ttl_s=24 * 3600)}"}
        with hub._transaction() as conn:
            hub.notices.to_all(conn, "drill-started", d.drill, drill=d.drill, time=d.t0)
        faults = {f.party: f for f in d.faults}
        queue: list[tuple[float, str, dict[str, Any]]] = []
        last_id = {p.name: 0 for p in d.parties}
        acks: list[tuple[float, Delivery]] = []
        deliveries: list[Delivery] = []
        tracks: dict[str, list[tuple[float, float, float, float]]] = {i: [] for i in truth.ids}
        seps: dict[str, list[tuple[float, float, float]]] = {}
        open_loss: dict[tuple[str, str], dict[str, Any]] = {}
        losses: list[dict[str, Any]] = []
        n = int(d.duration_s)
        clock = [d.t0]
        hub.surveillance.clock = lambda: clock[0]  # reports arrive on the drill's virtual clock
        for step in range(n + 1):
            t = d.t0 + step
            clock[0] = t
            now_states = {}
            for ident in truth.ids:
                st = truth.state(ident, t)
                if st is None:
                    continue
                now_states[ident] = st
                tracks[ident].append((t, st[0], st[1], st[2]))
                party = truth.party[ident]
                f = faults.get(party)
                if step % max(1, round(truth.every[ident])) != 0:
                    continue
                if f is not None and f.drop_from_s is not None and f.drop_to_s is not None \
                        and f.drop_from_s <= step < f.drop_to_s:
                    continue
                report = {"id": ident, "time": _iso(t), "lat": st[0], "lon": st[1], "alt_ft": st[2] / FT,
                          "gs_kt": st[3] / KT, "trk_deg": st[4], "vs_fpm": st[5] / FPM,
                          "callsign": truth.callsign[ident]}
                queue.append((t + (f.feed_delay_s if f else 0.0), party, report))
            due = [q for q in queue if q[0] <= t]
            queue = [q for q in queue if q[0] > t]
            for party in sorted({q[1] for q in due}):
                r = client.post("/v1/tracks", json={"tracks": [q[2] for q in due if q[1] == party]},
                                headers=heads[party])
                assert r.status_code == 200, r.text
            hub.surveillance.cycle(t)
            hub.notices.escalate_due(t)
            for p in d.parties:
                r = client.get(f"/v1/notifications/stream?follow=false&after={last_id[p.name]}", headers=heads[p.name])
                for note in _sse(r.text):
                    last_id[p.name] = note["id"]
                    dv = Delivery(t, p.name, note["id"], note["type"], note["subject"], note["fields"],
                                  note["ack"]["due"] is not None if isinstance(note.get("ack"), dict) else False,
                                  note["text"])
                    deliveries.append(dv)
                    if dv.ack and p.ack_after_s is not None:
                        acks.append((t + p.ack_after_s, dv))
            for due_t, dv in [a for a in acks if a[0] <= t]:
                client.post(f"/v1/notifications/{dv.id}/ack", json={"by": f"{dv.party} duty officer"},
                            headers=heads[dv.party])
                dv.acked_t = due_t
            acks = [a for a in acks if a[0] > t]
            _losses(d, truth, now_states, t, open_loss, losses, seps)
            if progress is not None:
                progress(step, n)
        losses += open_loss.values()
        result = _score(d, truth, deliveries, losses, tracks, seps)
        with hub._transaction() as conn:
            hub.notices.to_all(conn, "drill-ended", d.drill, drill=d.drill, time=d.t0 + n, score=result.score,
                               warned=result.counts["on_time"], total=result.counts["expected"])
        client.close()
        hub.engine.dispose()
    return result


def _iso(t: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t, UTC).isoformat()


def _losses(d: Drill, truth: _Truth, states: dict[str, tuple[float, float, float, float, float, float]], t: float,
            open_loss: dict[tuple[str, str], dict[str, Any]], losses: list[dict[str, Any]],
            seps: dict[str, list[tuple[float, float, float]]]) -> None:
    ids = sorted(states)
    if len(ids) >= 2:
        lat = np.array([states[i][0] for i in ids])
        lon = np.array([states[i][1] for i in ids])
        alt = np.array([states[i][2] for i in ids])
        x, y, z = ecef_ground(lat, lon)
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                h = float(np.sqrt((x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2 + (z[i] - z[j]) ** 2))
                v = float(abs(alt[i] - alt[j]))
                key = f"{ids[i]}|{ids[j]}"
                if h < 3 * d.h_nm * NM or key in seps:
                    seps.setdefault(key, []).append((t, h, v))
                if h < d.h_nm * NM and v < d.v_ft * FT - 1e-6:
                    ev = open_loss.get((ids[i], ids[j]))
                    if ev is not None and t - ev["end"] > 60.0:
                        losses.append(open_loss.pop((ids[i], ids[j])))
                        ev = None
                    if ev is None:
                        ev = open_loss[(ids[i], ids[j])] = {"a": ids[i], "b": ids[j], "start": t, "end": t,
                                                            "min_h_nm": h / NM, "min_v_ft": v / FT}
                    ev["end"] = t
                    ev["min_h_nm"], ev["min_v_ft"] = min(ev["min_h_nm"], h / NM), min(ev["min_v_ft"], v / FT)
    for pair in [k for k, e in open_loss.items() if t - e["end"] > 60.0]:
        losses.append(open_loss.pop(pair))


def _score(d: Drill, truth: _Truth, deliveries: list[Delivery], losses: list[dict[str, Any]],
           tracks: dict[str, list[tuple[float, float, float, float]]],
           seps: dict[str, list[tuple[float, float, float]]]) -> DrillResult:
    def about(dv: Delivery, own: str, other: str) -> bool:
        return dv.type in WARNINGS and dv.subject == f"{truth.party[own]}/{own}" \
            and dv.fields.get("other") == truth.callsign[other]

    warnings = []
    for e in sorted(losses, key=lambda x: x["start"]):
        for ex in d.expect:
            for own, other in ((e["a"], e["b"]), (e["b"], e["a"])):
                party = truth.party[own]
                if party not in ex.warned:
                    continue
                first = next((dv for dv in deliveries if dv.party == party and about(dv, own, other)), None)
                lead = None if first is None else e["start"] - first.t
                if first is None or first.t > e["end"]:
                    verdict = "missed"
                elif lead is not None and lead >= ex.at_least_s:
                    verdict = "on_time"
                else:
                    verdict = "late"
                warnings.append({"party": party, "aircraft": own, "other": other, "loss_start": e["start"] - d.t0,
                                 "delivered": None if first is None else first.t - d.t0,
                                 "lead_s": lead if first is not None and first.t <= e["end"] else None,
                                 "required_s": ex.at_least_s, "verdict": verdict})
    false = []
    seen: set[tuple[str, str, str]] = set()
    for dv in deliveries:
        if dv.type not in WARNINGS or "/" not in dv.subject:
            continue
        own = dv.subject.split("/", 1)[1]
        other = next((i for i in truth.ids if truth.callsign[i] == dv.fields.get("other")), None)
        if other is None or (dv.party, own, other) in seen:
            continue
        seen.add((dv.party, own, other))
        pair = tuple(sorted((own, other)))
        if not any(((e["a"], e["b"]) == pair and dv.t <= e["start"] + 0 <= dv.t + d.lookahead_s + 60.0)
                   or ((e["a"], e["b"]) == pair and e["start"] <= dv.t <= e["end"]) for e in losses):
            false.append({"party": dv.party, "aircraft": own, "other": other, "delivered": dv.t - d.t0})
    counts = {k: sum(1 for w in warnings if w["verdict"] == k) for k in ("on_time", "late", "missed")}
    counts["expected"] = len(warnings)
    counts["false"] = len(false)
    score = 100.0 * counts["on_time"] / counts["expected"] if warnings else 100.0
    passed = counts["on_time"] == counts["expected"]
    for e in losses:
        e["start"], e["end"] = e["start"] - d.t0, e["end"] - d.t0
    return DrillResult(d, deliveries, losses, warnings, false, tracks, seps, score, passed, counts)
