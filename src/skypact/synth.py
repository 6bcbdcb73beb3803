"""Reproducible synthetic traffic: the demo sample and the benchmark's European day.

Pure functions of a seed; nothing here reads or writes files.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import numpy as np

from skypact.geo.geodesy import GEOD
from skypact.plans.model import (
    Altitude,
    AltitudeBand,
    AltRef,
    Circle,
    FlightPlan,
    PlanSet,
    Polygon,
    ReservedVolume,
    TimeWindow,
    Uncertainty,
    Waypoint,
)
from skypact.units import KT, NM

__all__ = ["DAY0", "demo_planset", "european_day", "flown", "random_plan", "shifted"]

DAY0 = datetime(2026, 6, 1, tzinfo=UTC)
BOX = (35.0, 70.0, -10.0, 30.0)  # lat min, lat max, lon min, lon max


def _route(rng: np.random.Generator, lat0: float, lon0: float, lat1: float, lon1: float,
           n_wp: int, cruise_ft: float, speed_kt: float, t0: datetime, lateral_m: float) -> list[Waypoint]:
    """Waypoints along the geodesic with small lateral offsets, climb/cruise/descent, constant speed."""
    az, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
    if n_wp == 3:
        fr = np.array([0.0, 0.5, 1.0])
    else:
        toc = min(0.3, 120_000.0 / dist)
        tod = max(0.7, 1.0 - 150_000.0 / dist)
        inner = np.sort(rng.uniform(toc, tod, n_wp - 4))
        fr = np.concatenate(([0.0, toc], inner, [tod, 1.0]))
    lon, lat, _ = GEOD.fwd(np.full(n_wp, lon0), np.full(n_wp, lat0), np.full(n_wp, az), fr * dist)
    off = rng.uniform(-lateral_m, lateral_m, n_wp)
    off[0] = off[-1] = 0.0
    lon, lat, _ = GEOD.fwd(lon, lat, np.full(n_wp, az + 90.0), off)
    alts = np.full(n_wp, cruise_ft)
    alts[0] = alts[-1] = 0.0
    # times from the distance actually flown (constant ground speed)
    _, _, legs = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    secs = np.concatenate(([0.0], np.cumsum(np.asarray(legs) / (speed_kt * KT))))
    return [Waypoint(lat=float(la), lon=float(lo), alt=Altitude(value=float(a)),
                     time=t0 + timedelta(seconds=round(float(s), 3)))
            for la, lo, a, s in zip(lat, lon, alts, secs, strict=True)]


def random_plan(rng: np.random.Generator, pid: str, party: str, t_start: datetime, t_span_s: float = 86400.0,
                box: tuple[float, float, float, float] = BOX) -> FlightPlan:
    """One synthetic flight: O/D uniform in ``box`` and 200-1500 NM apart, 3-10 waypoints,
    cruise FL290-FL410 (1000 ft steps), 250-480 kt, departure uniform over ``t_span_s``."""
    la0, la1, lo0, lo1 = box
    while True:
        lat0, lon0 = rng.uniform(la0, la1), rng.uniform(lo0, lo1)
        lon1, lat1, _ = GEOD.fwd(lon0, lat0, rng.uniform(0, 360), rng.uniform(200, 1500) * NM)
        if la0 <= lat1 <= la1 and lo0 <= lon1 <= lo1:
            break
    n_wp = int(rng.integers(3, 11))
    cruise = float(rng.integers(290, 411) // 10 * 1000)
    speed = float(rng.uniform(250, 480))
    t0 = t_start + timedelta(seconds=float(rng.uniform(0, t_span_s)))
    wps = _route(rng, lat0, lon0, lat1, lon1, n_wp, cruise, speed, t0, 20_000.0)
    return FlightPlan(id=pid, party=party, callsign=f"{party[:3].upper()}{pid[-4:]}", waypoints=wps)


def european_day(flights: int, seed: int = 1, parties: int = 4) -> PlanSet:
    """A synthetic European day: ``flights`` random plans over 24 h (see :func:`random_plan`)."""
    rng = np.random.default_rng(seed)
    names = [f"P{i + 1}" for i in range(parties)]
    plans = [random_plan(rng, f"F{i:06d}", names[i % parties], DAY0) for i in range(flights)]
    return PlanSet(plans=plans)


def _wp(lat: float, lon: float, ft: float, minute: float, ref: AltRef = AltRef.PRESSURE) -> Waypoint:
    return Waypoint(lat=lat, lon=lon, alt=Altitude(value=ft, ref=ref),
                    time=DAY0 + timedelta(hours=9, minutes=minute))


def demo_planset(seed: int = 1) -> PlanSet:
    """Two parties' plans and volumes over the Baltic region with known conflicts.

    Built in: a crossing at the same level (ATC-N 'NRD101' × AF-S 'SAF201'), a flight through
    the other party's reserved area ('NRD102' × 'AF-S-TSA1'), two overlapping reservations
    ('AF-S-TSA1' × 'ATC-N-R1'), a pair exactly 1000 ft apart (separated), and random traffic.
    """
    rng = np.random.default_rng(seed)
    plans = [
        FlightPlan(id="NRD101", party="ATC-N", callsign="NRD101", priority=2, waypoints=[
            _wp(57.0, 18.0, 35000, 0), _wp(57.0, 22.0, 35000, 30)]),
        FlightPlan(id="SAF201", party="AF-S", callsign="SAF201", priority=3, waypoints=[
            _wp(55.5, 20.0, 35000, 0), _wp(58.5, 20.0, 35000, 30)]),
        FlightPlan(id="NRD102", party="ATC-N", callsign="NRD102", waypoints=[
            _wp(54.0, 14.0, 24000, 0), _wp(54.5, 19.0, 24000, 40), _wp(55.0, 23.0, 24000, 70)],
            uncertainty=Uncertainty(time_s=60, lateral_m=1852)),
        FlightPlan(id="NRD103", party="ATC-N", callsign="NRD103", waypoints=[
            _wp(59.0, 16.0, 31000, 10), _wp(59.0, 24.0, 31000, 70)]),
        FlightPlan(id="SAF202", party="AF-S", callsign="SAF202", waypoints=[
            _wp(59.0, 24.0, 30000, 10), _wp(59.0, 16.0, 30000, 70)]),
    ]
    box = (53.0, 60.0, 12.0, 26.0)
    for i in range(16):
        party = "ATC-N" if i % 2 == 0 else "AF-S"
        p = random_plan(rng, f"{'NRD' if i % 2 == 0 else 'SAF'}{300 + i}", party,
                        DAY0 + timedelta(hours=8), 6 * 3600.0, box=box)
        plans.append(p)
    hours = TimeWindow(start=DAY0 + timedelta(hours=9), end=DAY0 + timedelta(hours=12))
    volumes = [
        ReservedVolume(id="AF-S-TSA1", party="AF-S", name="TSA 1 exercise area",
                       outline=Polygon(coordinates=[[(18.0, 54.2), (20.0, 54.2), (20.0, 55.2), (18.0, 55.2),
                                                     (18.0, 54.2)]]),
                       band=AltitudeBand(lower=Altitude(value=10000), upper=Altitude(value=300, unit="FL")),
                       window=hours),
        ReservedVolume(id="ATC-N-R1", party="ATC-N", name="R1 drone corridor",
                       outline=Circle(center=(20.5, 55.0), radius_m=30_000.0),
                       band=AltitudeBand(lower=Altitude(value=0, ref=AltRef.MSL),
                                         upper=Altitude(value=12000, ref=AltRef.MSL)),
                       window=TimeWindow(start=DAY0 + timedelta(hours=10), end=DAY0 + timedelta(hours=14))),
    ]
    return PlanSet(plans=plans, volumes=volumes)



def shifted(ps: PlanSet, by: timedelta) -> PlanSet:
    """The same plans and volumes, every time moved by ``by`` (the demo brought to the present)."""
    plans = [p.model_copy(update={"waypoints": [w.model_copy(update={"time": w.time + by}) for w in p.waypoints]})
             for p in ps.plans]
    volumes = [v.model_copy(update={"window": TimeWindow(start=v.window.start + by, end=v.window.end + by)})
               for v in ps.volumes]
    return PlanSet(plans=plans, volumes=volumes)


def flown(plans: list[FlightPlan], at: float) -> dict[str, list[dict[str, float | str]]]:
    """Where each plan's aircraft is at epoch second ``at`` if it flies its plan exactly, by party:
    a track report (SI: ``id``, ``callsign``, ``time``, ``lat``, ``lon``, ``alt_m``, ``gs_mps``,
    ``trk_deg``, ``vs_mps``) for every plan under way, along the geodesic of its current leg."""
    out: dict[str, list[dict[str, float | str]]] = {}
    for p in plans:
        w = p.waypoints
        for a, b in pairwise(w):
            t0, t1 = a.time.timestamp(), b.time.timestamp()
            if not t0 <= at < t1:
                continue
            az, _, dist = GEOD.inv(a.lon, a.lat, b.lon, b.lat)
            f = (at - t0) / (t1 - t0)
            lon, lat, back = GEOD.fwd(a.lon, a.lat, az, dist * f)
            alt = a.alt.metres + f * (b.alt.metres - a.alt.metres)
            out.setdefault(p.party, []).append({
                "id": p.id, "callsign": p.callsign or p.id, "time": at, "lat": float(lat), "lon": float(lon),
                "alt_m": alt, "gs_mps": dist / (t1 - t0), "trk_deg": (float(back) + 180.0) % 360.0,
                "vs_mps": (b.alt.metres - a.alt.metres) / (t1 - t0)})
            break
    return out
