"""A slow, independent reference for the plan semantics (tests only).

Between two waypoints an aircraft flies the WGS-84 geodesic at constant ground speed and its
altitude changes linearly in time.  This module computes positions with pyproj's Geod (direct
problem from the leg start), horizontal separation as the geodesic distance (inverse problem),
samples densely and refines locally (bisection of boundaries, golden-section search of minima).
It imports nothing from skypact's geometry or engine: plans come in as plain arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyproj

G = pyproj.Geod(ellps="WGS84")


@dataclass
class Track:
    """A plan as arrays: lat/lon (deg), altitude (m), time (s)."""

    lat: np.ndarray
    lon: np.ndarray
    alt: np.ndarray
    t: np.ndarray

    def __post_init__(self) -> None:
        az, _, d = G.inv(self.lon[:-1], self.lat[:-1], self.lon[1:], self.lat[1:])
        self.az = np.atleast_1d(np.asarray(az, dtype=float))
        self.dist = np.atleast_1d(np.asarray(d, dtype=float))

    @classmethod
    def of(cls, plan) -> Track:  # a skypact FlightPlan, read as plain numbers
        w = plan.waypoints
        return cls(np.array([p.lat for p in w]), np.array([p.lon for p in w]),
                   np.array([p.alt.metres for p in w]), np.array([p.time.timestamp() for p in w]))

    def shifted(self, dt: float = 0.0, dalt: float = 0.0) -> Track:
        return Track(self.lat, self.lon, self.alt + dalt, self.t + dt)

    def at(self, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ts = np.atleast_1d(np.asarray(ts, dtype=float))
        i = np.clip(np.searchsorted(self.t, ts, side="right") - 1, 0, len(self.t) - 2)
        f = (ts - self.t[i]) / (self.t[i + 1] - self.t[i])
        lon, lat, _ = G.fwd(self.lon[i], self.lat[i], self.az[i], f * self.dist[i])
        alt = self.alt[i] + f * (self.alt[i + 1] - self.alt[i])
        return np.asarray(lat), np.asarray(lon), alt


def separation(a: Track, b: Track, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic horizontal distance (m) and vertical distance (m) at times ``ts``."""
    la, oa, za = a.at(ts)
    lb, ob, zb = b.at(ts)
    _, _, h = G.inv(oa, la, ob, lb)
    return np.asarray(h), np.abs(za - zb)


@dataclass
class Interval:
    start: float
    end: float
    t_min: float
    h_min: float  # smallest horizontal distance inside the interval
    v_at_min: float


def conflicts(a: Track, b: Track, H: float, V: float, dt: float = 1.0, tol: float = 1e-4) -> list[Interval]:
    """Open time intervals where h < H and v < V, with the smallest h inside each."""
    t0, t1 = max(a.t[0], b.t[0]), min(a.t[-1], b.t[-1])
    if t1 <= t0:
        return []
    ts = np.unique(np.concatenate([np.arange(t0, t1, dt), [t1], a.t[(a.t > t0) & (a.t < t1)],
                                   b.t[(b.t > t0) & (b.t < t1)]]))

    def f(x: np.ndarray) -> np.ndarray:
        h, v = separation(a, b, x)
        return np.maximum(h / H, v / V)

    def f1(x: float) -> float:
        return float(f(np.array([x]))[0])

    fs = f(ts)
    inside = fs < 1.0
    # local minima of f between samples that are both outside: refine, they may dip below 1.
    # Between samples dt apart f changes by at most (v_rel dt)/H + (w_rel dt)/V, under 0.06
    # for dt <= 0.5 s at airliner speeds, so only minima below 1.06 can dip under 1.
    cand = np.flatnonzero((fs < 1.0 + 0.12 * dt) & ~inside)
    cand = cand[(cand > 0) & (cand < len(ts) - 1)]
    cand = cand[(fs[cand] <= fs[cand - 1]) & (fs[cand] <= fs[cand + 1])]
    if len(cand):
        x, fx = golden_vec(f, ts[cand - 1], ts[cand + 1])
        dip = fx < 1.0
        ts = np.append(ts, x[dip])
        fs = np.append(fs, fx[dip])
        inside = np.append(inside, np.ones(int(dip.sum()), dtype=bool))
    order = np.argsort(ts)
    ts, fs, inside = ts[order], fs[order], inside[order]

    out: list[Interval] = []
    k = 0
    n = len(ts)
    while k < n:
        if not inside[k]:
            k += 1
            continue
        j = k
        while j + 1 < n and inside[j + 1]:
            j += 1
        start = float(ts[0]) if k == 0 else bisect(f1, float(ts[k - 1]), float(ts[k]), tol)
        end = float(ts[-1]) if j == n - 1 else bisect(f1, float(ts[j + 1]), float(ts[j]), tol)
        # smallest horizontal distance inside
        grid = np.linspace(start, end, max(3, min(4001, int((end - start) / 0.05) + 1)))
        h, _ = separation(a, b, grid)
        m = int(np.argmin(h))
        hfun = lambda x: float(separation(a, b, np.array([x]))[0][0])  # noqa: E731
        tm, hm = golden(hfun, float(grid[max(0, m - 1)]), float(grid[min(len(grid) - 1, m + 1)]))
        if h[m] < hm:
            tm, hm = float(grid[m]), float(h[m])
        vm = float(separation(a, b, np.array([tm]))[1][0])
        out.append(Interval(start, end, tm, hm, vm))
        k = j + 1
    return out


def bisect(fn, outside: float, inside: float, tol: float) -> float:  # type: ignore[no-untyped-def]
    """The boundary between an outside (f >= 1) and an inside (f < 1) time."""
    while abs(inside - outside) > tol:
        mid = 0.5 * (inside + outside)
        if fn(mid) < 1.0:
            inside = mid
        else:
            outside = mid
    return 0.5 * (inside + outside)


def golden(fn, lo: float, hi: float, iters: int = 60) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    g = (math.sqrt(5) - 1) / 2
    c, d = hi - g * (hi - lo), lo + g * (hi - lo)
    fc, fd = fn(c), fn(d)
    for _ in range(iters):
        if fc <= fd:
            hi, d, fd = d, c, fc
            c = hi - g * (hi - lo)
            fc = fn(c)
        else:
            lo, c, fc = c, d, fd
            d = lo + g * (hi - lo)
            fd = fn(d)
    x = 0.5 * (lo + hi)
    return x, fn(x)


def golden_vec(fn, lo: np.ndarray, hi: np.ndarray, iters: int = 60) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Golden-section search on many brackets at once (``fn`` takes and returns arrays)."""
    g = (math.sqrt(5) - 1) / 2
    lo, hi = lo.astype(float).copy(), hi.astype(float).copy()
    c, d = hi - g * (hi - lo), lo + g * (hi - lo)
    fc, fd = fn(c), fn(d)
    for _ in range(iters):
        left = fc <= fd
        hi = np.where(left, d, hi)
        lo = np.where(left, lo, c)
        nc = np.where(left, hi - g * (hi - lo), d)
        nd = np.where(left, c, lo + g * (hi - lo))
        fnew = fn(np.where(left, nc, nd))
        fc, fd = np.where(left, fnew, fd), np.where(left, fc, fnew)
        c, d = nc, nd
    x = 0.5 * (lo + hi)
    return x, fn(x)


def min_separation_f(a: Track, b: Track, H: float, V: float, dt: float = 1.0) -> float:
    """min over the common span of max(h/H, v/V) (< 1 means a conflict)."""
    t0, t1 = max(a.t[0], b.t[0]), min(a.t[-1], b.t[-1])
    if t1 <= t0:
        return math.inf
    ts = np.append(np.arange(t0, t1, dt), t1)

    def f(x: np.ndarray) -> np.ndarray:
        h, v = separation(a, b, x)
        return np.maximum(h / H, v / V)

    fs = f(ts)
    k = int(np.argmin(fs))
    _, fx = golden_vec(f, ts[[max(0, k - 1)]], ts[[min(len(ts) - 1, k + 1)]])
    return min(float(fs[k]), float(fx[0]))
