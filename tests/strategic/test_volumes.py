"""Plans against reserved volumes and volumes against volumes, against a geodesic oracle."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyproj
import shapely

from skypact.conflicts import ConflictKind
from skypact.plans.model import Altitude, AltitudeBand, AltRef, Circle, Polygon, ReservedVolume, TimeWindow
from skypact.strategic import Strategic
from tests.builders import FT, KT, T0, straight
from tests.oracle import bisect, golden

G = pyproj.Geod(ellps="WGS84")
H = 5 * 1852.0
RING = [(10.0, 50.0), (11.0, 50.0), (11.2, 50.6), (10.1, 50.7), (10.0, 50.0)]


def _volume(outline, lo_ft=5000.0, hi_ft=25000.0, start=0.0, end=7200.0, ref=AltRef.PRESSURE,  # type: ignore[no-untyped-def]
            vid="V1", party="B") -> ReservedVolume:
    return ReservedVolume(id=vid, party=party, outline=outline,
                          band=AltitudeBand(lower=Altitude(value=lo_ft, ref=ref), upper=Altitude(value=hi_ft, ref=ref)),
                          window=TimeWindow(start=T0 + timedelta(seconds=start), end=T0 + timedelta(seconds=end)))


def _edge_distance(lon: float, lat: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    az, _, d = G.inv(a[0], a[1], b[0], b[1])

    def f(s: float) -> float:
        x, y, _ = G.fwd(a[0], a[1], az, s * d)
        return float(G.inv(lon, lat, x, y)[2])

    return golden(f, 0.0, 1.0)[1]


def _oracle_polygon_times(p, ring):  # type: ignore[no-untyped-def]
    """Entry and exit of the plan in (polygon buffered by H), by bisection on geodesic distances."""
    w = p.waypoints
    az, _, dist = G.inv(w[0].lon, w[0].lat, w[1].lon, w[1].lat)
    t0, t1 = w[0].time.timestamp(), w[1].time.timestamp()
    poly = shapely.Polygon(ring)

    def inside(t: float) -> float:  # "< 1" means within H of the polygon
        lon, lat, _ = G.fwd(w[0].lon, w[0].lat, az, (t - t0) / (t1 - t0) * dist)
        if poly.contains(shapely.Point(lon, lat)):
            return 0.0
        d = min(_edge_distance(lon, lat, ring[i], ring[i + 1]) for i in range(len(ring) - 1))
        return d / H

    ts = np.linspace(t0, t1, 400)
    vals = np.array([inside(float(t)) for t in ts])
    k_in = np.flatnonzero(vals < 1)
    i, j = int(k_in[0]), int(k_in[-1])
    return bisect(inside, float(ts[i - 1]), float(ts[i]), 1e-4), bisect(inside, float(ts[j + 1]), float(ts[j]), 1e-4)


def test_plan_through_polygon_entry_exit_match_oracle() -> None:
    vol = _volume(Polygon(coordinates=[RING]))
    for az in (20.0, 75.0, 140.0):
        p = straight("A1", "A", 50.3, 10.5, az, 420 * KT, 3600.0, 15000 * FT, 0.0, 200_000, 200_000)
        [c] = Strategic([p], [vol]).sweep()
        assert c.kind is ConflictKind.PLAN_VOLUME and c.b == "V1"
        s, e = _oracle_polygon_times(p, RING)
        assert abs(c.start - s) < 0.1 and abs(c.end - e) < 0.1, (az, c.start - s, c.end - e)
        assert c.horizontal_m == 0.0 and c.vertical_m == 0.0


def test_circle_entry_exit_exact() -> None:
    center, r = (20.0, 60.0), 25_000.0
    vol = _volume(Circle(center=center, radius_m=r))
    p = straight("A1", "A", 60.1, 20.0, 80.0, 300 * KT, 3600.0, 15000 * FT, 0.0, 150_000, 150_000)
    [c] = Strategic([p], [vol]).sweep()
    w = p.waypoints
    az, _, dist = G.inv(w[0].lon, w[0].lat, w[1].lon, w[1].lat)
    t0, t1 = w[0].time.timestamp(), w[1].time.timestamp()

    def f(t: float) -> float:
        lon, lat, _ = G.fwd(w[0].lon, w[0].lat, az, (t - t0) / (t1 - t0) * dist)
        return float(G.inv(center[0], center[1], lon, lat)[2]) / (r + H)

    mid = c.closest_time
    assert abs(c.start - bisect(f, t0, mid, 1e-4)) < 0.1
    assert abs(c.end - bisect(f, t1, mid, 1e-4)) < 0.1


def test_band_time_window_and_reference() -> None:
    vol = _volume(Polygon(coordinates=[RING]), hi_ft=25000.0)
    over = straight("A1", "A", 50.3, 10.5, 90.0, 420 * KT, 3600.0, 26000 * FT, 0.0, 200_000, 200_000)
    assert Strategic([over], [vol]).sweep() == []  # exactly V above the top: separated
    just = straight("A1", "A", 50.3, 10.5, 90.0, 420 * KT, 3600.0, 25999 * FT, 0.0, 200_000, 200_000)
    assert len(Strategic([just], [vol]).sweep()) == 1
    msl = _volume(Polygon(coordinates=[RING]), hi_ft=25000.0, ref=AltRef.MSL)
    assert len(Strategic([over], [msl]).sweep()) == 1  # pressure vs MSL: 300 ft buffer
    early = _volume(Polygon(coordinates=[RING]), start=7200.0, end=9000.0)
    assert Strategic([just], [early]).sweep() == []


def test_window_cuts_the_interval() -> None:
    vol = _volume(Polygon(coordinates=[RING]), start=3600.0, end=3700.0)
    p = straight("A1", "A", 50.3, 10.5, 90.0, 420 * KT, 3600.0, 15000 * FT, 0.0, 200_000, 200_000)
    [c] = Strategic([p], [vol]).sweep()
    assert abs(c.start - (T0.timestamp() + 3600)) < 1e-6 and abs(c.end - (T0.timestamp() + 3700)) < 1e-6


def test_volume_against_volume() -> None:
    a = _volume(Polygon(coordinates=[RING]), vid="VA", party="A")
    b = _volume(Circle(center=(11.35, 50.3), radius_m=10_000.0), vid="VB", party="B", start=3600, end=10_000)
    [c] = Strategic([], [a, b]).sweep()
    assert c.kind is ConflictKind.VOLUME_VOLUME
    assert abs(c.start - (T0.timestamp() + 3600)) < 1e-6 and abs(c.end - (T0.timestamp() + 7200)) < 1e-6
    assert 0 < c.horizontal_m < H
    far = _volume(Circle(center=(13.0, 50.3), radius_m=10_000.0), vid="VC", party="B")
    assert Strategic([], [a, far]).sweep() == []
    high = _volume(Polygon(coordinates=[RING]), lo_ft=26000, hi_ft=30000, vid="VD", party="B")
    assert Strategic([], [a, high]).sweep() == []


def test_probe_sees_volumes() -> None:
    vol = _volume(Polygon(coordinates=[RING]))
    p = straight("A1", "A", 50.3, 10.5, 90.0, 420 * KT, 3600.0, 15000 * FT, 0.0, 200_000, 200_000)
    got = Strategic([], [vol]).probe(p)
    assert [c.b for c in got] == ["V1"]


def test_probe_volume_equals_the_sweep_restricted_to_that_volume() -> None:
    """Filing a volume sees exactly the sweep's conflicts that involve it (demo sample: plans
    crossing the volumes, and two volumes of different parties overlapping)."""
    from skypact.synth import demo_planset

    ps = demo_planset(1)
    swept = Strategic.of(ps).sweep()
    assert any(c.kind == ConflictKind.VOLUME_VOLUME for c in swept)
    for v in ps.volumes:
        others = [w for w in ps.volumes if w.id != v.id]
        probed = Strategic(ps.plans, others).probe_volume(v)
        def key(c):  # type: ignore[no-untyped-def]
            return c.kind, frozenset((c.a, c.b)), round(c.start, 3), round(c.end, 3)

        want = {key(c) for c in swept if v.id in (c.a, c.b)}
        got = {key(c) for c in probed}
        assert got == want and want
        assert all(c.a == v.id for c in probed if c.kind == ConflictKind.VOLUME_VOLUME)
        # excluding the only conflicting ids leaves nothing
        assert Strategic(ps.plans, others).probe_volume(v, exclude=[x for k in want for x in k[1]]) == []
