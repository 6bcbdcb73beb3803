"""Every documented bound of :mod:`skypact.limits`, refused over HTTP with a bilingual
problem+json that names the bound (and the F3548 interface with a 400 ErrorResponse)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from skypact.limits import MAX_PLAN_S, MAX_TRACKS, MAX_VERTICES, MAX_WAYPOINTS, MAX_WINDOW_S
from skypact.plans.model import Altitude, AltitudeBand, Polygon, ReservedVolume, TimeWindow
from tests.api.conftest import body, problem
from tests.builders import T0, plan, wp

SQLITE = pytest.mark.parametrize("env", ["sqlite"], indirect=True)


def _ring(n: int, lat: float = 50.0, lon: float = 10.0, r: float = 0.5) -> list[tuple[float, float]]:
    """A closed ring of ``n`` positions on a small circle."""
    import math

    pts = [(lon + r * math.cos(2 * math.pi * k / (n - 1)), lat + r * math.sin(2 * math.pi * k / (n - 1)))
           for k in range(n - 1)]
    return [*pts, pts[0]]


def _poly_volume(n: int, days: float = 1.0) -> dict[str, Any]:
    v = ReservedVolume(id="P", party="A", outline=Polygon(coordinates=[_ring(n)]),
                       band=AltitudeBand(lower=Altitude(value=0.0), upper=Altitude(value=5000.0)),
                       window=TimeWindow(start=T0, end=T0 + timedelta(days=days)))
    return body(v)


@SQLITE
def test_waypoints_over_the_bound(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    step = 60.0
    many = body(plan("W", "A", [wp(50.0, 0.0 + k * 0.001, 30000, k * step) for k in range(MAX_WAYPOINTS)]))
    many["waypoints"].append({**many["waypoints"][-1], "time": (T0 + timedelta(seconds=MAX_WAYPOINTS * step))
                              .isoformat()})
    d = problem(c.post("/v1/plans", json=many, headers=h["A"]), 422)
    assert str(MAX_WAYPOINTS) in d["detail"]["en"] and str(MAX_WAYPOINTS) in d["detail"]["ru"]
    ok = body(plan("W", "A", [wp(50.0, 0.0 + k * 0.001, 30000, k * step) for k in range(MAX_WAYPOINTS)]))
    assert c.post("/v1/plans", json=ok, headers=h["A"]).status_code == 201


@SQLITE
def test_a_plan_longer_than_the_bound(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    hours = MAX_PLAN_S / 3600
    long = body(plan("L", "A", [wp(50, 0, 30000, 0), wp(50, 2, 30000, MAX_PLAN_S + 60)]))
    d = problem(c.post("/v1/plans", json=long, headers=h["A"]), 422)
    assert f"{hours:.0f} h" in d["detail"]["en"] and f"{hours:.0f} ч" in d["detail"]["ru"]


@SQLITE
def test_outline_vertices_and_volume_window_over_the_bound(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    d = problem(c.post("/v1/volumes", json=_poly_volume(MAX_VERTICES + 1), headers=h["A"]), 422)
    assert str(MAX_VERTICES) in d["detail"]["en"] and str(MAX_VERTICES) in d["detail"]["ru"]
    days = MAX_WINDOW_S / 86400
    d = problem(c.post("/v1/volumes", json=_poly_volume(8, days=3650), headers=h["A"]), 422)
    assert f"{days:.0f} days" in d["detail"]["en"] and f"{days:.0f} сут." in d["detail"]["ru"]
    assert c.post("/v1/volumes", json=_poly_volume(MAX_VERTICES, days=days), headers=h["A"]).status_code == 201


@SQLITE
def test_tracks_per_request_over_the_bound(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    t = {"id": "X1", "lat": 50.0, "lon": 1.0, "alt_ft": 3000.0, "trk_deg": 90.0, "gs_kt": 100.0, "vs_fpm": 0.0,
         "time": T0.isoformat()}
    d = problem(c.post("/v1/tracks", json={"tracks": [t] * (MAX_TRACKS + 1)}, headers=h["A"]), 422)
    assert str(MAX_TRACKS) in d["detail"]["en"]

