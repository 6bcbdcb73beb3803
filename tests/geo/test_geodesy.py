"""The engine frame against pyproj: ECEF formula, and the chord-frame distance bound."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest

from skypact.geo.geodesy import (
    R_MIN,
    chord_error_bound,
    ecef_ground,
    ecef_to_latlon,
    forward,
    piece_length_for,
)
from skypact.strategic.trajectory import build_trajectories
from tests.builders import KT, T0, straight

G = pyproj.Geod(ellps="WGS84")


def test_forward_in_chunks_is_pyproj_point_for_point_with_the_onward_track() -> None:
    rng = np.random.default_rng(5)
    n = 10_000  # above the size at which the work is split over the cores
    lat, lon = rng.uniform(-85, 85, n), rng.uniform(-180, 180, n)
    az, dist = rng.uniform(0, 360, n), rng.uniform(0, 300_000, n)
    lat1, lon1, onward = forward(lat, lon, az, dist)
    ref_lon, ref_lat, _ = G.fwd(lon, lat, az, dist)
    assert np.array_equal(lat1, ref_lat) and np.array_equal(lon1, ref_lon)
    # the onward track is the azimuth with which the same geodesic leaves the arrival point:
    # continuing along it for 1 km lands where the original geodesic goes 1 km further
    lat2, lon2, _ = forward(lat1, lon1, onward, 1000.0)
    far_lon, far_lat, _ = G.fwd(lon, lat, az, dist + 1000.0)
    _, _, gap = G.inv(lon2, lat2, far_lon, far_lat)
    assert np.max(gap) < 1e-6
    # a short batch (one thread) and zero distance keep the track
    small = forward(np.array([70.0]), np.array([179.9]), np.array([90.0]), np.array([0.0]))
    assert small[0][0] == 70.0 and small[2][0] == pytest.approx(90.0, abs=1e-9)


def test_ecef_matches_pyproj() -> None:
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-90, 90, 1000), rng.uniform(-180, 180, 1000)
    x, y, z = ecef_ground(lat, lon)
    tr = pyproj.Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    ex, ey, ez = tr.transform(lon, lat, np.zeros_like(lat))
    assert np.max(np.abs(np.stack([x - ex, y - ey, z - ez]))) < 1e-6
    back_lat, back_lon = ecef_to_latlon(x, y, z)
    assert np.allclose(back_lat, lat, atol=1e-9)
    assert np.allclose(((back_lon - lon + 180) % 360) - 180, 0, atol=1e-9)


def test_piece_length_keeps_bound_under_a_ten_thousandth() -> None:
    for h in (30.0, 50.0, 500.0, 3 * 1852.0, 5 * 1852.0, 10 * 1852.0):
        s = piece_length_for(h)
        assert chord_error_bound(s, h) <= 1e-4 * h
        assert s <= 40_000.0


def _frame_distance(tr, ts):  # type: ignore[no-untyped-def]
    pos = []
    for p in range(2):
        sl = slice(tr.offsets[p], tr.offsets[p + 1])
        pos.append(np.stack([np.interp(ts, tr.t[sl], v[sl]) for v in (tr.x, tr.y, tr.z)]))
    return np.linalg.norm(pos[0] - pos[1], axis=0)


@pytest.mark.parametrize("h", [5 * 1852.0, 3 * 1852.0, 50.0])
@pytest.mark.parametrize("where", [(45.0, 10.0), (75.0, 40.0), (84.0, -120.0), (10.0, 179.95), (-70.0, -179.99)])
def test_frame_distance_error_below_bound_for_500nm_legs(h: float, where: tuple[float, float]) -> None:
    """Two aircraft on 500 NM legs at various crossing angles: at every sampled time when they
    are between H/2 and 2H apart, the frame distance is within the documented bound of the
    geodesic distance, and the bound is below 0.1 % of the minimum."""
    lat, lon = where
    rng = np.random.default_rng(int(h) + abs(int(lat * 10)))
    s = piece_length_for(h)
    bound = chord_error_bound(s, h)
    assert bound < 1e-3 * h
    worst = 0.0
    for _ in range(12):
        az = rng.uniform(0, 360)
        cross = rng.uniform(0, 180)
        speed = 450 * KT if h > 1000 else 30.0
        leg = 500 * 1852.0 if h > 1000 else 20_000.0
        a = straight("A", "P1", lat, lon, az, speed, 5000.0, 10_000.0, 0.0, leg / 2, leg / 2)
        lon_b, lat_b, _ = G.fwd(lon, lat, az + 90, rng.uniform(0.5, 1.5) * h)
        b = straight("B", "P2", float(lat_b), float(lon_b), az + cross, speed, 5000.0, 10_000.0, 0.0, leg / 2,
                     leg / 2)
        tr = build_trajectories([a, b], s)
        ts = T0.timestamp() + 5000.0 + np.linspace(-300, 300, 2001)
        d_frame = _frame_distance(tr, ts)
        # exact model positions
        pos = []
        for p in (a, b):
            w = p.waypoints
            az12, _, dist = G.inv(w[0].lon, w[0].lat, w[1].lon, w[1].lat)
            t0, t1 = w[0].time.timestamp(), w[1].time.timestamp()
            f = (ts - t0) / (t1 - t0)
            lo, la, _ = G.fwd(np.full_like(ts, w[0].lon), np.full_like(ts, w[0].lat), np.full_like(ts, az12),
                              f * dist)
            pos.append((lo, la))
        _, _, d_true = G.inv(pos[0][0], pos[0][1], pos[1][0], pos[1][1])
        near = (d_true > 0.5 * h) & (d_true < 2 * h)
        if near.any():
            worst = max(worst, float(np.max(np.abs(d_frame[near] - d_true[near]))))
    assert worst <= bound, (worst, bound)


def test_radius_constant() -> None:
    assert pytest.approx(6_335_439.327, abs=0.01) == R_MIN
