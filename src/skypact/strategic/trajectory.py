"""Flight plans as piecewise-linear trajectories in the engine's frame.

A :class:`Trajectories` set holds many plans cut into pieces (see :mod:`skypact.geo.geodesy`)
in flat arrays (compressed rows, one row per plan): breakpoint times (UTC seconds since the
Unix epoch), ECEF ground positions and altitudes (metres, in the altitude reference of the
leg), and per piece a bit mask of the altitude references of its leg.  It also carries each
plan's uncertainty as two pads:

* ``hpad = lateral containment + v_max · time tolerance``
* ``vpad = vertical containment + |vertical speed|_max · time tolerance``

and, when the time tolerance τ is positive, it holds the first and last positions for τ
before the first and after the last waypoint.  Why this covers an early or late flight: a
flight shifted by δ ∈ [-τ, τ] is at time t where the plan is at t-δ; the plan moves at most
v_max·|δ| horizontally and |w|_max·|δ| vertically between t-δ and t (clamped to the plan's
ends), so every shifted position is inside the pads around the position computed here.

Everything is vectorised over all plans at once: building a whole day of traffic costs a few
pyproj calls, not one per plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from skypact.geo.geodesy import ecef_ground, geodesic_points
from skypact.plans.model import AltRef, FlightPlan

__all__ = ["REF_BITS", "Cut", "Trajectories", "build_trajectories", "concat_trajectories", "cut_plans",
           "empty_trajectories"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
REF_BITS = {AltRef.PRESSURE: 1, AltRef.WGS84: 2, AltRef.MSL: 4}


@dataclass(frozen=True, eq=False)
class Trajectories:
    """Plans in the engine frame, as flat breakpoint arrays with per-plan offsets.

    Plan ``p`` owns breakpoints ``offsets[p]:offsets[p+1]``; piece ``i`` runs from breakpoint
    ``start[i]`` to ``start[i] + 1`` and belongs to plan ``plan[i]``.
    """

    t: FloatArray
    x: FloatArray
    y: FloatArray
    z: FloatArray
    alt: FloatArray
    offsets: IntArray
    start: IntArray
    plan: NDArray[np.int32]
    ref: NDArray[np.int8]
    hpad: FloatArray
    vpad: FloatArray
    #: a single plan's (5, n) array whose rows are ``t``, ``x``, ``y``, ``z`` and ``alt`` (those
    #: fields are its rows): joining many single plans is then one copy (:func:`concat_trajectories`)
    packed: FloatArray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def pieces(self) -> int:
        return len(self.start)

    def position(self, p: int, when: float) -> tuple[float, float, float, float]:
        """ECEF ground position and altitude of plan ``p`` at ``when`` (clamped to its span)."""
        sl = slice(self.offsets[p], self.offsets[p + 1])
        t = self.t[sl]
        return tuple(float(np.interp(when, t, v[sl])) for v in (self.x, self.y, self.z, self.alt))  # type: ignore[return-value]


def _flatten(plans: Sequence[FlightPlan]) -> tuple[FloatArray, ...]:
    rows = [(w.lat, w.lon, w.time.timestamp(), w.alt.metres, REF_BITS[w.alt.ref])
            for p in plans for w in p.waypoints]
    arr = np.array(rows, dtype=np.float64).reshape(-1, 5)
    return arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4]


def build_trajectories(plans: Sequence[FlightPlan], piece_m: float) -> Trajectories:
    """Cut every plan into pieces no longer than ``piece_m`` metres (plans must be valid)."""
    return cut_plans(plans, piece_m).trajectories()


@dataclass(frozen=True, eq=False)
class Cut:
    """Plans cut into pieces, with what their altitudes do not change kept apart: the same plans
    at other waypoint altitudes (a level change: same positions and times) are completed from
    it by :meth:`trajectories` without cutting them again, as :func:`build_trajectories` would."""

    #: the waypoint altitudes (m) of the plans as cut, in order
    alt: FloatArray
    _fixed: dict[str, Any]  # the Trajectories fields that do not depend on altitude
    _index: tuple[Any, ...]  # where each breakpoint takes its altitude from
    _packed: FloatArray | None = None  # one plan: t, x, y, z (and a row for alt) as one array

    def trajectories(self, alt: FloatArray | None = None) -> Trajectories:
        """The trajectories with waypoint altitudes ``alt`` (m, one per waypoint; default: the plans' own)."""
        a = self.alt if alt is None else alt
        pos, li, frac, fin, last, pre, post, w0, w1, leg_i, dt, leg_off, base, tau, nb = self._index
        balt = np.empty(nb)
        balt[pos] = a[li] + frac * (a[li + 1] - a[li])
        balt[fin] = a[last]
        if len(pre):
            balt[pre], balt[post] = a[w0], a[w1]
        vspeed = np.abs(a[leg_i + 1] - a[leg_i]) / dt
        wmax = np.maximum.reduceat(vspeed, leg_off) if len(vspeed) else np.zeros(0)
        fixed = self._fixed
        if self._packed is None:
            return Trajectories(alt=balt, vpad=base + wmax * tau, **fixed)
        buf = self._packed.copy()  # a single plan: t, x, y, z and alt as the rows of one array
        buf[4] = balt
        return Trajectories(t=buf[0], x=buf[1], y=buf[2], z=buf[3], alt=buf[4], offsets=fixed["offsets"],
                            start=fixed["start"], plan=fixed["plan"], ref=fixed["ref"], hpad=fixed["hpad"],
                            vpad=base + wmax * tau, packed=buf)


def cut_plans(plans: Sequence[FlightPlan], piece_m: float) -> Cut:
    """Cut every plan into pieces no longer than ``piece_m`` metres (plans must be valid)."""
    n_plans = len(plans)
    counts = np.array([len(p.waypoints) for p in plans], dtype=np.int64)
    lat, lon, t, alt, bits_f = _flatten(plans)
    bits = bits_f.astype(np.int8)
    wp_off = np.concatenate(([0], np.cumsum(counts)))
    last = wp_off[1:] - 1
    is_leg = np.ones(len(lat), dtype=bool)
    is_leg[last] = False
    leg_i = np.flatnonzero(is_leg)
    leg_plan = np.repeat(np.arange(n_plans), counts - 1)

    plat, plon, frac, leg, dist = geodesic_points(lat[leg_i], lon[leg_i], lat[leg_i + 1], lon[leg_i + 1], piece_m)
    dt = t[leg_i + 1] - t[leg_i]
    piece_plan = leg_plan[leg]
    pieces_per_plan = np.bincount(piece_plan, minlength=n_plans)

    tau = np.array([p.uncertainty.time_s for p in plans], dtype=np.float64)
    hold = (tau > 0.0).astype(np.int64)
    bp_count = pieces_per_plan + 1 + 2 * hold
    offsets = np.concatenate(([0], np.cumsum(bp_count)))
    nb = int(offsets[-1])
    bt = np.empty(nb)
    bla = np.empty(nb)
    blo = np.empty(nb)
    bref = np.zeros(nb, dtype=np.int8)

    # leg pieces: position = plan offset + hold + local piece index
    first_piece = np.concatenate(([0], np.cumsum(pieces_per_plan)))[:-1]
    local = np.arange(len(leg)) - first_piece[piece_plan]
    pos = offsets[:-1][piece_plan] + hold[piece_plan] + local
    li = leg_i[leg]
    bt[pos] = t[li] + frac * dt[leg]
    bla[pos] = plat
    blo[pos] = plon
    bref[pos] = bits[li] | bits[li + 1]
    # final waypoint of each plan
    fin = offsets[:-1] + hold + pieces_per_plan
    bt[fin] = t[last]
    bla[fin] = lat[last]
    blo[fin] = lon[last]
    # holds before the first and after the last waypoint
    hp = np.flatnonzero(hold)
    pre = offsets[:-1][hp]
    post = offsets[1:][hp] - 1
    w0 = wp_off[:-1][hp]
    w1 = last[hp]
    if len(hp):
        bt[pre] = t[w0] - tau[hp]
        bt[post] = t[w1] + tau[hp]
        bla[pre], bla[post] = lat[w0], lat[w1]
        blo[pre], blo[post] = lon[w0], lon[w1]
        bref[pre] = bits[w0]
        bref[post - 1] = bits[w1]
    bx, by, bz = ecef_ground(bla, blo)

    is_start = np.ones(nb, dtype=bool)
    is_start[offsets[1:] - 1] = False
    start = np.flatnonzero(is_start)
    plan_of_bp = np.repeat(np.arange(n_plans, dtype=np.int32), bp_count)

    speed = dist / dt
    leg_off = np.concatenate(([0], np.cumsum(counts - 1)))[:-1]
    vmax = np.maximum.reduceat(speed, leg_off) if len(speed) else np.zeros(0)
    lateral = np.array([p.uncertainty.lateral_m for p in plans], dtype=np.float64)
    vertical = np.array([p.uncertainty.vertical_m for p in plans], dtype=np.float64)
    fixed = {"t": bt, "x": bx, "y": by, "z": bz, "offsets": offsets.astype(np.int64), "start": start.astype(np.int64),
             "plan": plan_of_bp[start], "ref": bref[start], "hpad": lateral + vmax * tau}
    packed = np.stack((bt, bx, by, bz, np.zeros(nb))) if n_plans == 1 else None
    return Cut(alt, fixed, (pos, li, frac, fin, last, pre, post, w0, w1, leg_i, dt, leg_off, vertical, tau, nb),
               packed)


def concat_trajectories(parts: Sequence[Trajectories]) -> Trajectories:
    """One set holding ``parts`` in order (each part's plans renumbered after the previous ones):
    the same as building all their plans at once, without cutting them again."""
    if not parts:
        return empty_trajectories()
    if all(p.packed is not None for p in parts):
        return _concat_single(parts)
    n_bp = np.array([len(p.t) for p in parts])
    n_pieces = np.array([len(p.start) for p in parts])
    n_plans = np.array([len(p) for p in parts])
    bp = np.cumsum(n_bp) - n_bp  # first breakpoint of each part
    npl = np.cumsum(n_plans) - n_plans  # first plan number of each part

    def cat(name: str) -> Any:
        return np.concatenate([getattr(p, name) for p in parts])

    return Trajectories(
        t=cat("t"), x=cat("x"), y=cat("y"), z=cat("z"), alt=cat("alt"),
        offsets=np.concatenate(([0], np.concatenate([p.offsets[1:] for p in parts]) + np.repeat(bp, n_plans)))
        .astype(np.int64),
        start=(cat("start") + np.repeat(bp, n_pieces)).astype(np.int64),
        plan=(cat("plan") + np.repeat(npl, n_pieces)).astype(np.int32),
        ref=cat("ref"), hpad=cat("hpad"), vpad=cat("vpad"),
    )


def _concat_single(parts: Sequence[Trajectories]) -> Trajectories:
    """:func:`concat_trajectories` of single plans with packed arrays: one copy of their
    breakpoints, the rest counted from their lengths."""
    buf = np.concatenate([p.packed for p in parts], axis=1)
    n_bp = np.fromiter((len(p.t) for p in parts), np.int64, len(parts))
    ends = np.cumsum(n_bp)
    is_start = np.ones(int(ends[-1]), dtype=bool)
    is_start[ends - 1] = False
    return Trajectories(
        t=buf[0], x=buf[1], y=buf[2], z=buf[3], alt=buf[4], offsets=np.concatenate(([0], ends)).astype(np.int64),
        start=np.flatnonzero(is_start).astype(np.int64),
        plan=np.repeat(np.arange(len(parts), dtype=np.int32), n_bp - 1),
        ref=np.concatenate([p.ref for p in parts]), hpad=np.concatenate([p.hpad for p in parts]),
        vpad=np.concatenate([p.vpad for p in parts]),
    )


def empty_trajectories() -> Trajectories:
    """A set of no plans."""
    f = np.zeros(0)
    return Trajectories(f, f, f, f, f, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64),
                        np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int8), f, f)
