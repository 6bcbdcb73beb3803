"""Small builders of plans for tests (geometry from pyproj only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyproj

from skypact.plans.model import Altitude, AltRef, FlightPlan, Uncertainty, Waypoint

G = pyproj.Geod(ellps="WGS84")
T0 = datetime(2026, 6, 1, 12, tzinfo=UTC)
KT = 1852.0 / 3600.0
FT = 0.3048


def wp(lat: float, lon: float, alt_ft: float, sec: float, ref: AltRef = AltRef.PRESSURE) -> Waypoint:
    return Waypoint(lat=lat, lon=lon, alt=Altitude(value=alt_ft, ref=ref), time=T0 + timedelta(seconds=sec))


def plan(pid: str, party: str, wps: list[Waypoint], **kw: object) -> FlightPlan:
    return FlightPlan(id=pid, party=party, callsign=pid[:8], waypoints=wps, **kw)  # type: ignore[arg-type]


def straight(pid: str, party: str, lat: float, lon: float, az: float, speed_mps: float, t_c: float,
             alt_c_m: float, vs_mps: float, before_m: float, after_m: float,
             uncertainty: Uncertainty | None = None) -> FlightPlan:
    """A one-leg plan through (lat, lon) at time ``t_c`` on azimuth ``az`` (deg), altitude linear in time."""
    lon0, lat0, _ = G.fwd(lon, lat, az + 180.0, before_m)
    lon1, lat1, _ = G.fwd(lon, lat, az, after_m)
    ta = t_c - before_m / speed_mps
    tb = t_c + after_m / speed_mps
    a0 = alt_c_m + vs_mps * (ta - t_c)
    a1 = alt_c_m + vs_mps * (tb - t_c)
    wps = [Waypoint(lat=float(lat0), lon=float(lon0), alt=Altitude(value=a0, unit="m"),
                    time=T0 + timedelta(seconds=ta)),
           Waypoint(lat=float(lat1), lon=float(lon1), alt=Altitude(value=a1, unit="m"),
                    time=T0 + timedelta(seconds=tb))]
    return FlightPlan(id=pid, party=party, callsign=pid[:8], waypoints=wps,
                      uncertainty=uncertainty or Uncertainty())


def encounter(lat: float, lon: float, az_a: float, cross_deg: float, sa: float, sb: float, miss_m: float,
              dv_m: float, wa: float, wb: float, la: float, lb: float, fa: float, fb: float
              ) -> tuple[FlightPlan, FlightPlan]:
    """Two plans whose (flat-earth) closest approach is ``miss_m`` apart at t = 1000 s, ``dv_m`` apart vertically."""
    az_b = az_a + cross_deg
    va = sa * np.array([np.sin(np.radians(az_a)), np.cos(np.radians(az_a))])
    vb = sb * np.array([np.sin(np.radians(az_b)), np.cos(np.radians(az_b))])
    vr = vb - va
    perp = np.degrees(np.arctan2(vr[0], vr[1])) + 90.0 if np.hypot(*vr) > 1e-9 else az_a + 90.0
    lon_b, lat_b, back = G.fwd(lon, lat, perp, miss_m)
    # azimuth of B at its own position: carry the direction across (meridian convergence)
    az_b_there = az_b + (back + 180.0 - perp)
    t_c = 1000.0
    alt_a = 12000.0
    # keep every altitude within 12 km ± 7 km: cap the vertical rates for long, slow legs
    longest = max(la / sa, lb / sb)
    cap = 7000.0 / longest
    wa, wb = float(np.clip(wa, -cap, cap)), float(np.clip(wb, -cap, cap))
    a = straight("A", "PA", lat, lon, az_a, sa, t_c, alt_a, wa, fa * la, (1 - fa) * la)
    b = straight("B", "PB", float(lat_b), float(lon_b), az_b_there, sb, t_c, alt_a + dv_m, wb, fb * lb,
                 (1 - fb) * lb)
    return a, b
