"""Whole-region detection against independent oracles.

* a numpy brute force over all pairs (same straight-chord model, own code): 0 misses, and no
  extra pair unless it comes within the frame's error bound of the minima;
* an exact per-pair computation on the geodesic model (pyproj positions and distances, dense
  sampling and bisection): t_in/t_out within 0.5 s, DCPA within 0.1 % of H.

Scenes put pairs exactly on cell boundaries (the cell size is chosen so that a boundary plane
passes through an aircraft) in space and altitude.
"""

from __future__ import annotations

import math

import numpy as np
import pyproj
from hypothesis import event, given, settings
from hypothesis import strategies as st

from skypact.tactical.region import RegionSettings, States, detect

G = pyproj.Geod(ellps="WGS84")
NM, FT, KT, FPM = 1852.0, 0.3048, 1852.0 / 3600.0, 0.3048 / 60.0
H, V, T = 5 * NM, 1000 * FT, 300.0
ORIGIN, ALT_ORIGIN = -6_500_000.0, -20_000.0


def _ecef(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    p, lam = np.radians(lat), np.radians(lon)
    n = a / np.sqrt(1 - e2 * np.sin(p) ** 2)
    return np.stack([n * np.cos(p) * np.cos(lam), n * np.cos(p) * np.sin(lam), n * (1 - e2) * np.sin(p)])


def brute(s: States, h: float = H, v: float = V) -> dict[tuple[int, int], tuple[float, float]]:
    """All pairs whose chords come within h and v inside [0, T] (open intervals)."""
    lon1, lat1, _ = G.fwd(s.lon, s.lat, s.trk, s.gs * T)
    p0, p1 = _ecef(s.lat, s.lon), _ecef(np.asarray(lat1), np.asarray(lon1))
    out = {}
    n = len(s)
    for i in range(n):
        for j in range(i + 1, n):
            r = p0[:, i] - p0[:, j]
            w = ((p1[:, i] - p0[:, i]) - (p1[:, j] - p0[:, j])) / T
            lo, hi = 0.0, T
            dz, vz = s.alt[i] - s.alt[j], s.vs[i] - s.vs[j]
            if abs(vz) < 1e-12:
                if abs(dz) >= v:
                    continue
            else:
                t1, t2 = sorted(((-v - dz) / vz, (v - dz) / vz))
                lo, hi = max(lo, t1), min(hi, t2)
            a, b, c = w @ w, r @ w, r @ r - h * h
            if a < 1e-18:
                if c >= 0:
                    continue
            else:
                d = b * b - a * c
                if d <= 0:
                    continue
                lo, hi = max(lo, (-b - math.sqrt(d)) / a), min(hi, (-b + math.sqrt(d)) / a)
            if hi > lo:
                out[(i, j)] = (lo, hi)
    return out


@st.composite
def scenes(draw: st.DrawFn) -> tuple[States, RegionSettings]:
    lat0 = draw(st.floats(-80, 80))
    lon0 = draw(st.floats(-180, 180))
    x0, y0, _ = (float(c) for c in _ecef(np.array([lat0]), np.array([lon0]))[:, 0])
    k = draw(st.integers(60, 600))
    cell = (x0 - ORIGIN) / k  # a cell boundary passes exactly through the first aircraft
    if draw(st.booleans()):
        # a cell corner: move the first aircraft to where an x and a y boundary meet on the surface
        ky = round((y0 - ORIGIN) / cell)
        yb = ORIGIN + ky * cell
        a_, f_ = 6378137.0, 1 / 298.257223563
        b_ = a_ * (1 - f_)
        rho2 = x0 * x0 + yb * yb
        if rho2 < a_ * a_:
            zb = math.copysign(b_ * math.sqrt(1 - rho2 / (a_ * a_)), lat0)
            lon0, lat0, _ = pyproj.Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True).transform(
                x0, yb, zb)
            event("first aircraft on a cell corner")
    alt0 = draw(st.sampled_from([3000.0, 6000.0, 9000.0]))
    acell = (alt0 - ALT_ORIGIN) / draw(st.integers(10, 60))
    n = draw(st.integers(2, 25))
    lat, lon, alt, gs, trk, vs = [lat0], [lon0], [alt0], [], [], []
    for _ in range(n - 1):
        d = draw(st.floats(0, 3 * H)) if draw(st.booleans()) else draw(st.floats(0, 60_000))
        lo, la, _ = G.fwd(lon0, lat0, draw(st.floats(0, 360)), d)
        lat.append(float(la))
        lon.append(float(lo))
        alt.append(alt0 + draw(st.sampled_from([0.0, V, -V, 0.5 * V, 2 * V, -1e-3, 1e-3])))
    for _ in range(n):
        gs.append(draw(st.floats(60, 260)))
        trk.append(draw(st.floats(0, 360)))
        vs.append(draw(st.sampled_from([0.0, 0.0, 7.62, -7.62])))
    s = States([f"A{i}" for i in range(n)], np.array(lat), np.array(lon), np.array(alt), np.array(gs),
               np.array(trk), np.array(vs))
    return s, RegionSettings(cell_m=cell, cell_alt_m=acell)


@settings(max_examples=300)
@given(scenes())
def test_no_pair_missed_against_brute_force(scene) -> None:  # type: ignore[no-untyped-def]
    s, rs = scene
    got = detect(s, rs)
    found = {(int(a), int(b)): (t0, t1) for a, b, t0, t1 in zip(got.a, got.b, got.t_in, got.t_out, strict=True)}
    # within 1e-6 m of the vertical minimum counts as at it, hence separated (floating noise)
    truth = brute(s, H, V - 1e-6)
    loose = brute(s, H + 2.0, V + 1e-6)
    event(f"pairs: {min(len(truth), 6)}{'+' if len(truth) >= 6 else ''}")
    for pair, (t0, t1) in truth.items():
        assert pair in found, f"missed {pair}"
        assert found[pair][0] <= t0 + 1e-6 and found[pair][1] >= t1 - 1e-6
    for pair in found:
        assert pair in loose, f"false pair {pair}"


def _geodesic_truth(s: States, i: int, j: int) -> tuple[float, float, float]:
    """t_in, t_out and DCPA on the geodesic model (positions and distances by pyproj)."""
    ts = np.arange(0.0, T + 1e-9, 0.25)

    def hdist(t: np.ndarray) -> np.ndarray:
        lo_i, la_i, _ = G.fwd(np.full_like(t, s.lon[i]), np.full_like(t, s.lat[i]), np.full_like(t, s.trk[i]),
                              s.gs[i] * t)
        lo_j, la_j, _ = G.fwd(np.full_like(t, s.lon[j]), np.full_like(t, s.lat[j]), np.full_like(t, s.trk[j]),
                              s.gs[j] * t)
        return np.asarray(G.inv(lo_i, la_i, lo_j, la_j)[2])

    h = hdist(ts)
    inside = np.flatnonzero(h < H)

    def edge(a: float, b: float) -> float:  # a outside, b inside
        for _ in range(50):
            m = 0.5 * (a + b)
            if hdist(np.array([m]))[0] < H:
                b = m
            else:
                a = m
        return 0.5 * (a + b)

    k0, k1 = int(inside[0]), int(inside[-1])
    t_in = 0.0 if k0 == 0 else edge(float(ts[k0 - 1]), float(ts[k0]))
    t_out = T if k1 == len(ts) - 1 else edge(float(ts[k1 + 1]), float(ts[k1]))
    return t_in, t_out, float(np.min(hdist(np.linspace(0, T, 12001))))


def test_times_and_dcpa_match_the_geodesic_model() -> None:
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(60):
        lat0, lon0 = rng.uniform(-70, 75), rng.uniform(-180, 180)
        d = rng.uniform(20_000, 60_000)
        brg = rng.uniform(0, 360)
        lo, la, _ = G.fwd(lon0, lat0, brg, d)
        # B heads for a point abeam A's track, A flies along its track: a crossing with a miss
        s = States(["A", "B"], np.array([lat0, la]), np.array([lon0, lo]), np.array([9000.0, 9000.0]),
                   np.array([230.0, 200.0]), np.array([brg, (brg + 180 + rng.uniform(-40, 40)) % 360]),
                   np.zeros(2))
        got = detect(s)
        if len(got) == 0:
            continue
        t_in, t_out, dcpa = _geodesic_truth(s, 0, 1)
        assert abs(got.t_in[0] - t_in) < 0.5 and (abs(got.t_out[0] - t_out) < 0.5 or t_out >= T - 1e-6)
        assert abs(got.dcpa[0] - dcpa) < 0.001 * H
        checked += 1
    assert checked >= 20


def test_exactly_1000_ft_apart_is_separated_from_either_side() -> None:
    for other in (21000.0, 19000.0):
        s = States(["FL200", "X"], np.array([50.0, 50.0]), np.array([8.0, 8.3]), np.array([20000 * FT, other * FT]),
                   np.array([230.0, 230.0]), np.array([90.0, 270.0]), np.zeros(2))
        assert len(detect(s)) == 0
        s2 = States(["FL200", "X"], s.lat, s.lon, np.array([20000 * FT, (other + (1 if other < 20000 else -1)) * FT]),
                    s.gs, s.trk, s.vs)
        assert len(detect(s2)) == 1


def test_tiers() -> None:
    # now in loss of separation (3), within 60 s (2), later (1)
    for dist_nm, tier in ((2.0, 3), (5.0 + 30 * 460 / 3600, 2), (5.0 + 200 * 460 / 3600, 1)):
        lo, la, _ = G.fwd(8.0, 50.0, 90.0, dist_nm * NM)
        s = States(["A", "B"], np.array([50.0, la]), np.array([8.0, lo]), np.full(2, 3000.0),
                   np.array([230 * KT, 230 * KT]), np.array([90.0, 270.0]), np.zeros(2))
        got = detect(s)
        assert list(got.tier) == [tier], (dist_nm, got.t_in)
