"""The live picture inside the service: tracks reported by the parties (``POST /v1/tracks``) or
fed from surveillance, projected ahead each second by the tactical engine.

Each cycle (:meth:`Surveillance.cycle`, once a second on the server's clock, or on a drill's
virtual clock) does, in order:

* **alerts** - a pair newly predicted in loss of separation within the look-ahead (120 s by
  default) tells both parties: tier 1 as traffic information, tiers 2-3 (within 60 s, or lost now)
  as a traffic alert that must be acknowledged; a tier going up tells them again; an alert that
  ends tells them the flights are clear of conflict;
* **reserved volumes** - a flight inside another party's live reserved volume (outline, band and
  window) tells both parties once;
* **lost feeds** - a party whose newest report is older than ``feed_timeout_s`` (30 s: its reports
  stopped, or arrive that late) is reported lost to every party, once per outage (per party feed,
  not per aircraft);
* **silent tracks** - a track not heard from for ``track_timeout_s`` (60 s) is dropped quietly,
  unless it is in an alert: it is then dead-reckoned until the alert ends (at most three times as
  long);
* **late feeds** - a report is dead-reckoned to the present for at most ``coast_s`` (15 s); an older
  one (a delayed feed) is checked at its own time against where the others were then, so a late
  feed gives late alerts rather than extrapolated ones (:class:`skypact.tactical.picture.TacticalPicture`);
* **conformance** - a track that names its own Activated plan and strays from it by more than
  the tolerances (lateral 2 NM, vertical 500 ft, time 120 s: documented defaults) turns the plan
  Nonconforming; its party and every party whose plans its flight now threatens (a dry-run check
  of its next ten minutes, dead-reckoned) are told.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import shapely

from skypact.errors import SkypactError
from skypact.geo.geodesy import GEOD
from skypact.notify.catalogue import advisory_turn
from skypact.plans.model import Circle, FlightPlan, ReservedVolume
from skypact.service.auth import Principal
from skypact.tactical.picture import AlertChange, Change, PositionReport, TacticalPicture
from skypact.tactical.region import RegionSettings
from skypact.units import FT, NM

__all__ = ["Surveillance", "Tolerances"]


@dataclass(frozen=True)
class Tolerances:
    """How far a track may stray from its plan before the plan is Nonconforming."""

    lateral_m: float = 2 * NM
    vertical_m: float = 500 * FT
    time_s: float = 120.0


@dataclass
class _Feed:
    last: float
    lost: bool = False


@dataclass
class Surveillance:
    """Tracks in, notifications out; one per service (see the module doc)."""

    hub: Any
    settings: RegionSettings = field(default_factory=lambda: RegionSettings(lookahead_s=120.0))
    track_timeout_s: float = 60.0
    feed_timeout_s: float = 30.0
    coast_s: float = 15.0
    tolerances: Tolerances = field(default_factory=Tolerances)

    def __post_init__(self) -> None:
        self.picture = TacticalPicture(self.settings, stale_after_s=float("inf"), coast_s=self.coast_s)
        self.clock: Callable[[], float] = time.time  #: arrival times (a drill sets its virtual clock)
        self.heard: dict[str, float] = {}  #: track key -> when its last report arrived
        self.callsigns: dict[str, str] = {}
        self.plans: dict[str, str] = {}  #: track key -> the plan it flies
        self.feeds: dict[str, _Feed] = {}
        self.inside: set[tuple[str, str]] = set()
        self.nonconforming: set[str] = set()
        self._guard = threading.Lock()
        self._now: float | None = None
        self.warmed = False  #: the tactical kernels are compiled (:meth:`warm_up`)

    def warm_up(self) -> None:
        """Compile the tactical kernels now (numba; from its cache after the first run), so that
        the first real cycle does not hold every request up while they compile."""
        probe = TacticalPicture(self.settings)
        probe.ingest([PositionReport("w1", "", 0.0, 0.0, 0.0, 9000.0, 200.0, 90.0, 0.0),
                      PositionReport("w2", "", 0.0, 0.0, 0.1, 9000.0, 200.0, 270.0, 0.0)])
        probe.update(0.0)
        self.warmed = True

    # -- in ------------------------------------------------------------------------------
    def report(self, who: Principal, tracks: list[dict[str, Any]], now: float | None = None) -> int:
        """Take a party's batch of its own aircraft (SI, epoch seconds; ``id``, ``time``, ``lat``,
        ``lon``, ``alt_m``, ``gs_mps``, ``trk_deg``, ``vs_mps``, optional ``callsign`` and ``plan``)."""
        at = self.clock() if now is None else now
        reps = []
        with self._guard:
            for t in tracks:
                key = f"{who.party}/{t['id']}"
                self.heard[key] = at
                self.callsigns[key] = t.get("callsign") or t["id"]
                if t.get("plan"):
                    self.plans[key] = t["plan"]
                reps.append(PositionReport(key, who.party, t["time"], t["lat"], t["lon"], t["alt_m"], t["gs_mps"],
                                           t["trk_deg"], t["vs_mps"]))
            self.picture.ingest(reps)
            newest = max((r.time for r in reps), default=at)
            feed = self.feeds.get(who.party)
            if feed is None:
                self.feeds[who.party] = _Feed(newest)
            else:
                feed.last = max(feed.last, newest)
        return len(reps)

    # -- each second -----------------------------------------------------------------------
    def cycle(self, now: float | None = None) -> int:
        """One cycle at ``now``; returns the notifications sent."""
        at = time.time() if now is None else now
        self._now = at  # notifications are stamped with the cycle's time (a drill's virtual clock)
        with self._guard:
            in_alert = {k for pair in self.picture.alerts for k in pair}
            for key, r in list(self.picture.tracks.items()):
                limit = self.track_timeout_s * (3.0 if key in in_alert else 1.0)
                if at - self.heard.get(key, r.time) > limit:  # not heard from (a late feed is still heard)
                    del self.picture.tracks[key]
            changes = self.picture.update(at)
            tracks = dict(self.picture.tracks)
            feeds = {p: f for p, f in self.feeds.items() if not f.lost and at - f.last > self.feed_timeout_s}
            for f in feeds.values():
                f.lost = True
            for f in self.feeds.values():  # a feed is back once its reports are fresh again
                if f.lost and at - f.last <= self.feed_timeout_s:
                    f.lost = False
        sent = self._tell_alerts(changes, tracks, at)
        sent += self._volumes(tracks, at)
        for party, f in feeds.items():
            sent += self._send_all("feed-lost", party, party=party, time=f.last)
        sent += self._conformance(tracks, at)
        return sent

    def _send(self, kind: str, to: str, subject: str, /, **fields: Any) -> int:
        with self.hub._transaction() as conn:
            self.hub.notices.send(conn, kind, to, subject, self._now, **fields)
        return 1

    def _send_all(self, kind: str, subject: str, /, **fields: Any) -> int:
        with self.hub._transaction() as conn:
            return int(self.hub.notices.to_all(conn, kind, subject, self._now, **fields))

    def alerts_of(self, party: str) -> list[dict[str, Any]]:
        """The live tactical alerts that involve one of ``party``'s tracks (as of the last cycle)."""
        with self._guard:
            alerts = [a for a in self.picture.alerts.values() if party in (a.party_a, a.party_b)]
            at = self._now or 0.0
            names = dict(self.callsigns)
        return [{"layer": "tactical", "kind": "track-track", "a": a.a, "b": a.b, "party_a": a.party_a,
                 "party_b": a.party_b,
                 "callsign_a": names.get(a.a, a.a), "callsign_b": names.get(a.b, a.b), "tier": a.tier,
                 "time": at, "time_to_los_s": round(a.time_to_los, 1), "t_out_s": round(a.t_out, 1),
                 "min_horizontal_m": round(a.min_horizontal_m, 1), "tcpa_s": round(a.tcpa, 1)} for a in alerts]

    def tracks_of(self, party: str) -> list[dict[str, Any]]:
        """The live tracks ``party`` may see: its own, and another party's only while it is in a
        tactical alert with one of them (what the alert's traffic information already tells)."""
        with self._guard:
            shown = {k for a in self.picture.alerts.values() if party in (a.party_a, a.party_b) for k in (a.a, a.b)}
            rows = [(k, r) for k, r in self.picture.tracks.items() if r.party == party or k in shown]
            names = dict(self.callsigns)
        return [{"id": k, "party": r.party, "callsign": names.get(k, k), "time": r.time, "lat": r.lat, "lon": r.lon,
                 "alt_m": r.alt, "gs_mps": r.gs, "trk_deg": r.trk, "vs_mps": r.vs} for k, r in rows]

    def _tell_alerts(self, changes: list[AlertChange], tracks: dict[str, PositionReport], at: float) -> int:
        sent = 0
        for ch in changes:
            al = ch.alert
            for own, other in ((al.a, al.b), (al.b, al.a)):
                me, it = tracks.get(own), tracks.get(other)
                party = own.split("/", 1)[0]
                other_party = other.split("/", 1)[0]
                base = {"callsign": self.callsigns.get(own, own), "party": party,
                        "other": self.callsigns.get(other, other), "other_party": other_party}
                if ch.change is Change.ENDED:
                    sent += self._send("clear-of-conflict", party, own, **base)
                    continue
                if ch.change is Change.CHANGED and al.tier < ch.previous_tier:
                    continue  # a tier going down is told when the alert ends
                if me is None or it is None:
                    continue
                az, _, dist = GEOD.inv(me.lon, me.lat, it.lon, it.lat)
                rel = (float(az) - me.trk) % 360.0
                geo = {"relative_bearing_deg": rel, "distance_m": float(dist), "dz_m": it.alt - me.alt,
                       "other_vs_mps": it.vs}
                if al.tier == 1:
                    sent += self._send("traffic-information", party, own, **base, **geo)
                else:
                    sent += self._send("tactical-warning", party, own, **base, **geo, tier=al.tier,
                                       time_to_s=max(0.0, al.time_to_los), h_m=al.min_horizontal_m,
                                       v_m=abs(it.alt - me.alt), turn=advisory_turn(rel))
        return sent

    def _volumes(self, tracks: dict[str, PositionReport], at: float) -> int:
        sent = 0
        vols = self.hub.live.volumes()
        for key, r in tracks.items():
            for v in vols:
                if v.party == r.party or (key, v.id) in self.inside or not _inside(v, r, at):
                    continue
                self.inside.add((key, v.id))
                fields = {"callsign": self.callsigns.get(key, key), "party": r.party, "volume": v.id,
                          "other_party": v.party, "time": at, "lat": r.lat, "lon": r.lon}
                sent += self._send("volume-entry", r.party, key, **fields)
                sent += self._send("volume-entry", v.party, v.id, **fields)
        return sent

    def _conformance(self, tracks: dict[str, PositionReport], at: float) -> int:
        sent = 0
        for key, plan_id in list(self.plans.items()):
            r = tracks.get(key)
            if r is None or plan_id in self.nonconforming:
                continue
            e = self.hub.live.get(plan_id)
            if e is None or not isinstance(e.item, FlightPlan) or e.item.party != r.party:
                continue
            dev = deviation(e.item, r)
            if dev is None:
                continue
            lateral, vertical, late = dev
            tol = self.tolerances
            if lateral <= tol.lateral_m and vertical <= tol.vertical_m and abs(late) <= tol.time_s:
                continue
            who = Principal(r.party, "operator", "surveillance")
            try:
                if self.hub.get(who, _plan_kind(), plan_id)["state"] != "Activated":
                    continue
                self.hub.set_state(who, _plan_kind(), plan_id, "Nonconforming")
            except SkypactError:
                continue
            self.nonconforming.add(plan_id)
            fields = {"callsign": e.item.callsign, "party": r.party, "plan": plan_id, "time": at, "h_m": lateral,
                      "v_m": vertical, "delay_s": abs(late)}
            told = {r.party} | self._threatened(who, e.item, r, at)
            for party in sorted(told):
                sent += self._send("plan-nonconforming", party, plan_id, **fields)
        return sent

    def _threatened(self, who: Principal, plan: FlightPlan, r: PositionReport, at: float) -> set[str]:
        """Parties whose live plans the flight meets in its next ten minutes, dead-reckoned."""
        lon1, lat1, _ = GEOD.fwd(r.lon, r.lat, r.trk, max(r.gs, 1.0) * 600.0)
        t0 = datetime.fromtimestamp(at, UTC)
        alt = {"value": r.alt, "unit": "m", "ref": "pressure"}
        probe = FlightPlan.model_validate({
            "id": f"{plan.id}.now", "party": r.party, "callsign": plan.callsign, "waypoints": [
                {"lat": r.lat, "lon": r.lon, "alt": alt, "time": t0.isoformat()},
                {"lat": float(lat1), "lon": float(lon1), "alt": alt,
                 "time": (t0 + timedelta(minutes=10)).isoformat()}]})
        try:
            res = self.hub.file_plan(who, probe, dry_run=True)
        except SkypactError:
            return set()
        return {c["party_b"] if c["party_a"] == r.party else c["party_a"] for c in res.conflicts
                if plan.id not in (c["plan_a"], c["plan_b"])} - {r.party}


def _plan_kind() -> Any:
    from skypact.service.hub import PLAN

    return PLAN


def _inside(v: ReservedVolume, r: PositionReport, at: float) -> bool:
    if not (v.window.start.timestamp() <= at <= v.window.end.timestamp()):
        return False
    if not (v.band.lower.metres <= r.alt <= v.band.upper.metres):
        return False
    if isinstance(v.outline, Circle):
        _, _, d = GEOD.inv(v.outline.center[0], v.outline.center[1], r.lon, r.lat)
        return bool(d <= v.outline.radius_m)
    return bool(shapely.Polygon(v.outline.coordinates[0]).contains(shapely.Point(r.lon, r.lat)))


def deviation(plan: FlightPlan, r: PositionReport) -> tuple[float, float, float] | None:
    """How far a report is from its plan: lateral (m, from the planned route), vertical (m, from
    the planned altitude at the report's time) and time (s: positive when late, from the planned
    time at the nearest point of the route); None outside the plan's times."""
    w = plan.waypoints
    times = np.array([p.time.timestamp() for p in w])
    if not (times[0] - 600.0 <= r.time <= times[-1] + 600.0):
        return None
    best: tuple[float, float, float] | None = None
    for i in range(len(w) - 1):
        a, b = w[i], w[i + 1]
        az12, _, d12 = GEOD.inv(a.lon, a.lat, b.lon, b.lat)
        az13, _, d13 = GEOD.inv(a.lon, a.lat, r.lon, r.lat)
        ang = np.radians(float(az13) - float(az12))
        along = float(np.clip(d13 * np.cos(ang), 0.0, d12))
        lon_p, lat_p, _ = GEOD.fwd(a.lon, a.lat, az12, along)
        _, _, lateral = GEOD.inv(lon_p, lat_p, r.lon, r.lat)
        f = along / d12 if d12 > 0 else 0.0
        t_planned = times[i] + f * (times[i + 1] - times[i])
        if best is None or lateral < best[0]:
            best = (float(lateral), float(t_planned), float(i))
    assert best is not None
    lateral, t_planned, _ = best
    k = int(np.clip(np.searchsorted(times, r.time) - 1, 0, len(w) - 2))
    span = times[k + 1] - times[k]
    g = float(np.clip((r.time - times[k]) / span, 0.0, 1.0)) if span > 0 else 0.0
    alt = w[k].alt.metres + g * (w[k + 1].alt.metres - w[k].alt.metres)
    return lateral, abs(r.alt - alt), r.time - t_planned
