"""Plans against reserved volumes, and volumes against volumes.

**Frame.**  Each volume gets a local tangent plane at its centre; ECEF points are projected
orthogonally onto it (a linear map, so a plan piece - a straight ECEF chord - stays a straight
segment with linear time).  The projection never lengthens a distance, so a point truly within
``H`` of the outline is within ``H`` of the projected outline: no conflict is missed.  The
projected pieces and the densified geodesic edges of the outline sit off the true surface by at
most the chord sagitta ``δ``, seen at most at the angle ``α`` (angular radius of the volume plus
``H``) from the plane's normal; skypact adds ``2·δ·sin α`` to ``H``.  Extra conflicts can appear
only within ``H·(1/cos α - 1)`` of the minimum: under 0.1 % of ``H`` for volumes up to ~280 km
across their centre.

**Plan against volume.**  Loss of separation: the plan is within ``H`` (plus pads) of the
outline - inside it or near its edge - **and** within ``V`` (plus pads) of the altitude band,
**and** inside the time window.  Horizontal entry/exit come from the exact intersection of each
projected piece with the outline buffered by ``H`` (shapely; the circular arcs of the buffer are
circumscribed by 64 segments per quarter, so the polygon buffer contains the true one and adds at
most 0.008 % of ``H``); for circles the buffer is exact (a quadratic in time).

**Volume against volume.**  Two parties reserving airspace within ``H`` horizontally and ``V``
vertically at overlapping times.  The record gives the window of the overlap, the smallest
horizontal distance between the outlines (0 when they overlap) and the vertical gap of the bands.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely
from numpy.typing import NDArray

from skypact.conflicts import Conflict, ConflictKind
from skypact.geo.geodesy import GEOD, R_MIN, ecef_ground, ecef_to_latlon, geodesic_points
from skypact.minima import MinimaTable
from skypact.plans.model import Circle, FlightPlan, ReservedVolume
from skypact.strategic.trajectory import REF_BITS, Trajectories

__all__ = ["VolumeShape", "outline_latlon", "plan_volume_conflicts", "volume_pair_conflict", "volume_volume_conflicts"]

QUAD_SEGS = 64
_CIRCUMSCRIBE = 1.0 / math.cos(math.pi / (4 * QUAD_SEGS))


@dataclass(frozen=True, eq=False)
class VolumeShape:
    """A volume in its own tangent plane."""

    volume: ReservedVolume
    piece_m: float

    @cached_property
    def center(self) -> tuple[float, float]:
        """Centre (lat, lon) in degrees."""
        o = self.volume.outline
        if isinstance(o, Circle):
            return o.center[1], o.center[0]
        ring = np.array(o.coordinates[0][:-1])
        x, y, z = ecef_ground(ring[:, 1], ring[:, 0])
        lat, lon = ecef_to_latlon(x.mean(), y.mean(), z.mean())
        return float(lat), float(lon)

    @cached_property
    def basis(self) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Origin (ECEF) and the east and north unit vectors of the tangent plane."""
        lat, lon = self.center
        f, lam = math.radians(lat), math.radians(lon)
        c = np.array([float(v) for v in ecef_ground(lat, lon)])
        e = np.array([-math.sin(lam), math.cos(lam), 0.0])
        n = np.array([-math.sin(f) * math.cos(lam), -math.sin(f) * math.sin(lam), math.cos(f)])
        return c, e, n

    def project(self, x: NDArray[np.float64], y: NDArray[np.float64], z: NDArray[np.float64]) -> NDArray[np.float64]:
        """Plane coordinates (m) of ECEF points, shape (n, 2)."""
        c, e, n = self.basis
        d = np.stack([x - c[0], y - c[1], z - c[2]], axis=-1)
        return np.stack([d @ e, d @ n], axis=-1)

    @cached_property
    def outline(self) -> shapely.Geometry:
        """The outline in the plane (circle: a point, with :attr:`radius`)."""
        o = self.volume.outline
        if isinstance(o, Circle):
            return shapely.Point(0.0, 0.0)
        ring = np.array(o.coordinates[0])
        lat, lon, _, _, _ = geodesic_points(ring[:-1, 1], ring[:-1, 0], ring[1:, 1], ring[1:, 0], self.piece_m)
        poly = shapely.Polygon(self.project(*ecef_ground(lat, lon)))
        shapely.prepare(poly)  # point-in-polygon tests by an index over the (densified) edges
        return poly

    @property
    def radius(self) -> float:
        o = self.volume.outline
        return o.radius_m if isinstance(o, Circle) else 0.0

    @cached_property
    def extent(self) -> float:
        """Largest distance (m) from the centre to the outline."""
        if isinstance(self.volume.outline, Circle):
            return self.radius
        xy = np.asarray(self.outline.exterior.coords)
        return float(np.max(np.hypot(xy[:, 0], xy[:, 1])))

    def error_bound(self, reach: float) -> float:
        """Added to ``H``: sagitta seen through the projection at angle α (see module doc)."""
        delta = self.piece_m**2 / (8.0 * R_MIN)
        return 2.0 * delta * math.sin(min(math.pi / 2, (self.extent + reach + self.piece_m) / R_MIN))

    def buffered(self, h: float) -> shapely.Geometry:
        """The outline grown by ``h`` (m), containing the true buffer (made once per ``h``, prepared)."""
        cache = self._buffers
        if h not in cache:
            if isinstance(self.volume.outline, Circle):
                g = shapely.Point(0.0, 0.0).buffer((self.radius + h) * _CIRCUMSCRIBE, quad_segs=QUAD_SEGS)
            else:
                g = self.outline.buffer(h * _CIRCUMSCRIBE, quad_segs=QUAD_SEGS)
            shapely.prepare(g)
            cache[h] = g
        return cache[h]

    @cached_property
    def _buffers(self) -> dict[float, shapely.Geometry]:
        return {}

    def distance(self, xy: NDArray[np.float64]) -> NDArray[np.float64]:
        """Horizontal distance (m) from plane points to the outline, 0 inside."""
        if isinstance(self.volume.outline, Circle):
            return np.maximum(0.0, np.hypot(xy[:, 0], xy[:, 1]) - self.radius)
        return np.asarray(shapely.distance(self.outline, shapely.points(xy)))

    def covers(self, xy: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Which plane points are inside the outline or on it."""
        if isinstance(self.volume.outline, Circle):
            return np.asarray(np.hypot(xy[:, 0], xy[:, 1]) <= self.radius)
        return np.asarray(shapely.intersects_xy(self.outline, xy[:, 0], xy[:, 1]))

    def nearest_on_path(self, xy: NDArray[np.float64]) -> tuple[float, float]:
        """The point of the polyline ``xy`` nearest the outline: its distance along the polyline
        (m) and its distance to the outline (m, 0 when the polyline meets it).  Exact: one
        shortest-line computation instead of sampling."""
        path = shapely.linestrings(xy)
        gap = float(shapely.distance(self.outline, path)) - self.radius
        q = shapely.get_coordinates(shapely.shortest_line(self.outline, path))[1]
        return float(shapely.line_locate_point(path, shapely.points(q))), max(0.0, gap)

    @property
    def window(self) -> tuple[float, float]:
        w = self.volume.window
        return w.start.timestamp(), w.end.timestamp()

    @property
    def band(self) -> tuple[float, float]:
        b = self.volume.band
        return b.lower.metres, b.upper.metres


def _segment_time_sets(shape: VolumeShape, a: NDArray[np.float64], b: NDArray[np.float64],
                       h: float) -> list[list[tuple[float, float]]]:
    """For each segment a[i]→b[i] (plane coords), the parameter intervals in [0, 1] inside the buffer."""
    out: list[list[tuple[float, float]]] = []
    if isinstance(shape.volume.outline, Circle):
        r = shape.radius + h
        for p, q in zip(a, b, strict=True):
            d = q - p
            aa = float(d @ d)
            bb = float(p @ d)
            cc = float(p @ p) - r * r
            if aa < 1e-12:
                out.append([(0.0, 1.0)] if cc < 0 else [])
                continue
            disc = bb * bb - aa * cc
            if disc <= 0:
                out.append([])
                continue
            s = math.sqrt(disc)
            lo, hi = max(0.0, (-bb - s) / aa), min(1.0, (-bb + s) / aa)
            out.append([(lo, hi)] if hi > lo else [])
        return out
    region = shape.buffered(h)
    lines = shapely.linestrings(np.stack([a, b], axis=1))
    # the prepared buffer's indexed predicates settle most segments without an intersection
    meets = shapely.intersects(region, lines)
    within = shapely.contains_properly(region, lines)
    for p, q, line, m, w in zip(a, b, lines, meets, within, strict=True):
        length = float(np.hypot(*(q - p)))
        if length < 1e-6:
            out.append([(0.0, 1.0)] if region.contains(shapely.Point(p)) else [])
            continue
        if not m or w:
            out.append([(0.0, 1.0)] if w else [])
            continue
        inter = line.intersection(region)
        spans: list[tuple[float, float]] = []
        for g in getattr(inter, "geoms", [inter]):
            if g.is_empty or g.geom_type != "LineString":
                continue
            ends = [line.project(shapely.Point(c), normalized=True) for c in (g.coords[0], g.coords[-1])]
            lo, hi = min(ends), max(ends)
            if hi > lo:
                spans.append((lo, hi))
        out.append(sorted(spans))
    return out


def plan_volume_conflicts(
    plan: FlightPlan, tr: Trajectories, p: int, shapes: Sequence[VolumeShape], minima: MinimaTable,
    same_party: bool = False,
) -> list[Conflict]:
    """Conflicts of plan ``p`` of ``tr`` with each volume (entry and exit times exact)."""
    return [_closest(plan, tr, p, sh, s, e, h, v)
            for sh, s, e, h, v in plan_volume_intervals(plan, tr, p, shapes, minima, same_party)]


def plan_volume_intervals(
    plan: FlightPlan, tr: Trajectories, p: int, shapes: Sequence[VolumeShape], minima: MinimaTable,
    same_party: bool = False, use_window: bool = True,
) -> list[tuple[VolumeShape, float, float, float, float]]:
    """``(volume, start, end, H, V)`` of each loss of separation of plan ``p`` with a volume.

    With ``use_window`` false, the volumes' time windows are ignored: the intervals are then
    where the plan is inside the buffered volume in space, whatever the time (used to find the
    delays that avoid a volume).
    """
    out: list[tuple[VolumeShape, float, float, float, float]] = []
    b0, b1 = int(tr.offsets[p]), int(tr.offsets[p + 1])
    t = tr.t[b0:b1]
    for sh in shapes:
        vol = sh.volume
        if vol.party == plan.party and not same_party:
            continue
        ws, we = sh.window if use_window else (-math.inf, math.inf)
        if t[-1] <= ws or t[0] >= we:
            continue
        m = minima.for_pair(plan.party, vol.party)
        hl = m.horizontal + float(tr.hpad[p])
        hl += sh.error_bound(hl)
        lo_band, hi_band = sh.band
        vbit = REF_BITS[vol.band.lower.ref]
        xy = sh.project(tr.x[b0:b1], tr.y[b0:b1], tr.z[b0:b1])
        alt = tr.alt[b0:b1]
        refs = tr.ref[np.searchsorted(tr.start, b0):np.searchsorted(tr.start, b0) + (b1 - b0 - 1)]
        # cheap reject: plan never within reach of the centre
        if float(np.min(np.hypot(xy[:, 0], xy[:, 1]))) > sh.extent + hl + sh.piece_m:
            continue
        spans = _segment_time_sets(sh, xy[:-1], xy[1:], hl)
        intervals: list[tuple[float, float]] = []
        for i, sp in enumerate(spans):
            if not sp:
                continue
            ta, tb = float(t[i]), float(t[i + 1])
            vl = m.vertical + float(tr.vpad[p]) + (minima.reference_buffer if (int(refs[i]) | vbit) != vbit else 0.0)
            a0, a1 = float(alt[i]), float(alt[i + 1])
            # altitude in (lower - vl, upper + vl): linear in the fraction f
            f_lo, f_hi = _linear_band(a0, a1, lo_band - vl, hi_band + vl)
            if use_window:
                f_lo = max(f_lo, (ws - ta) / (tb - ta))
                f_hi = min(f_hi, (we - ta) / (tb - ta))
            for s0, s1 in sp:
                lo, hi = max(s0, f_lo), min(s1, f_hi)
                if hi > lo:
                    intervals.append((ta + lo * (tb - ta), ta + hi * (tb - ta)))
        out += [(sh, start, end, m.horizontal, m.vertical) for start, end in _merge(intervals)]
    return out


def _linear_band(a0: float, a1: float, lo: float, hi: float) -> tuple[float, float]:
    """Fractions f in [0, 1] where a0 + f (a1 - a0) lies strictly inside (lo, hi)."""
    d = a1 - a0
    if abs(d) < 1e-12:
        return (0.0, 1.0) if lo < a0 < hi else (1.0, 0.0)
    f1, f2 = (lo - a0) / d, (hi - a0) / d
    return max(0.0, min(f1, f2)), min(1.0, max(f1, f2))


def _merge(iv: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for s, e in sorted(iv):
        if out and s <= out[-1][1] + 1e-6:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _closest(plan: FlightPlan, tr: Trajectories, p: int, sh: VolumeShape, start: float, end: float,
             hmin: float, vmin: float) -> Conflict:
    """The conflict record: the closest approach, exact (the time in the middle of the time spent
    inside when the plan enters the outline)."""
    sl = slice(int(tr.offsets[p]), int(tr.offsets[p + 1]))

    def positions(when: NDArray[np.float64]) -> NDArray[np.float64]:
        """ECEF positions, shape (3, n)."""
        return np.stack([np.interp(when, tr.t[sl], v[sl]) for v in (tr.x, tr.y, tr.z)])

    def state(when: float) -> tuple[float, float, NDArray[np.float64]]:
        pos = positions(np.array([when]))
        a = float(np.interp(when, tr.t[sl], tr.alt[sl]))
        lo, hi = sh.band
        return float(sh.distance(sh.project(*pos))[0]), max(0.0, lo - a, a - hi), pos[:, 0]

    # the horizontal path over [start, end] is a polyline in the plane (straight between samples,
    # time linear along each segment): its nearest point to the outline, exactly
    inner = tr.t[sl][(tr.t[sl] > start) & (tr.t[sl] < end)]
    knots = np.concatenate([[start], inner, [end]])
    xy = sh.project(*positions(knots))
    along, gap = sh.nearest_on_path(xy)
    tc = _time_at(knots, xy, along)
    if gap <= 0.0:  # it enters the outline: the middle of the time spent inside, on a 0.1 s grid
        ts = np.linspace(start, end, max(3, min(2001, int((end - start) / 0.1) + 1)))
        inside = np.flatnonzero(sh.covers(sh.project(*positions(ts))))
        if len(inside):
            tc = float(ts[inside[len(inside) // 2]])
    h, v, pos = state(tc)
    lat, lon = ecef_to_latlon(*pos)
    return Conflict(ConflictKind.PLAN_VOLUME, plan.id, sh.volume.id, plan.party, sh.volume.party, start, end,
                    tc, float(lat), float(lon), h, v, hmin, vmin)


def _time_at(knots: NDArray[np.float64], xy: NDArray[np.float64], along: float) -> float:
    """The time at distance ``along`` on the polyline ``xy`` whose vertices are at times ``knots``."""
    seg = np.hypot(*np.diff(xy, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    i = int(np.clip(np.searchsorted(cum, along, side="right") - 1, 0, len(seg) - 1))
    f = (along - cum[i]) / seg[i] if seg[i] > 0.0 else 0.0
    return float(knots[i] + min(1.0, max(0.0, f)) * (knots[i + 1] - knots[i]))


def volume_volume_conflicts(shapes: Sequence[VolumeShape], minima: MinimaTable,
                            same_party: bool = False) -> list[Conflict]:
    """Pairs of volumes of different parties within the minima of each other at overlapping times."""
    found = (volume_pair_conflict(a, b, minima, same_party) for i, a in enumerate(shapes) for b in shapes[i + 1:])
    return [c for c in found if c is not None]


def volume_pair_conflict(a: VolumeShape, b: VolumeShape, minima: MinimaTable,
                         same_party: bool = False) -> Conflict | None:
    """The conflict of two volumes (``a`` first), or None when they keep the minima."""
    va, vb = a.volume, b.volume
    if va.party == vb.party and not same_party:
        return None
    s, e = max(a.window[0], b.window[0]), min(a.window[1], b.window[1])
    if e <= s:
        return None
    m = minima.for_pair(va.party, vb.party)
    buf = minima.reference_buffer if va.band.lower.ref != vb.band.lower.ref else 0.0
    (alo, ahi), (blo, bhi) = a.band, b.band
    vgap = max(0.0, blo - ahi, alo - bhi)
    if vgap >= m.vertical + buf:
        return None
    # both outlines in the plane of a (a's frame, b projected into it)
    geo_a = a.buffered(0.0) if isinstance(va.outline, Circle) else a.outline
    lat_b, lon_b = outline_latlon(b)
    geo_b = shapely.Polygon(a.project(*ecef_ground(lat_b, lon_b)))
    hgap = float(shapely.distance(geo_a, geo_b))
    if hgap >= m.horizontal + a.error_bound(m.horizontal + b.extent) + 1e-9:
        return None
    if hgap > 0:
        line = np.asarray(shapely.shortest_line(geo_a, geo_b).coords)
        mid = (line[0] + line[-1]) / 2
    else:
        mid = np.asarray(shapely.intersection(geo_a, geo_b).representative_point().coords[0])
    c, ee, nn = a.basis
    ex = c + mid[0] * ee + mid[1] * nn
    lat, lon = ecef_to_latlon(*ex)
    return Conflict(ConflictKind.VOLUME_VOLUME, va.id, vb.id, va.party, vb.party, s, e, s,
                    float(lat), float(lon), hgap, vgap, m.horizontal, m.vertical)


def outline_latlon(sh: VolumeShape) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Densified outline of ``sh`` as lat/lon (circles as 256-gons, circumscribed)."""
    o = sh.volume.outline
    if isinstance(o, Circle):
        az = np.linspace(0.0, 360.0, 4 * QUAD_SEGS, endpoint=False)
        lon, lat, _ = GEOD.fwd(np.full_like(az, o.center[0]), np.full_like(az, o.center[1]), az,
                               np.full_like(az, o.radius_m * _CIRCUMSCRIBE))
        return np.asarray(lat), np.asarray(lon)
    ring = np.array(o.coordinates[0])
    lat, lon, _, _, _ = geodesic_points(ring[:-1, 1], ring[:-1, 0], ring[1:, 1], ring[1:, 0], sh.piece_m)
    return lat, lon
