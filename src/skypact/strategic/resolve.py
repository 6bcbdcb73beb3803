"""Resolution suggestions: the smallest departure delay and the nearest level change.

* **Delay** - the whole plan shifted later by ``k`` seconds (a 1 s grid by default, up to
  60 min): the smallest ``k`` for which the shifted plan conflicts with nothing.  Candidates
  come from one broad-phase query whose boxes are stretched over the whole delay range, so a
  delay is never declared clear because a plan was outside the query.
* **Level** - the cruise level (every waypoint at the plan's highest altitude) moved by
  ``n`` × 1000 ft, ``n`` = ±1, ±2, … (up first at equal distance); climb and descent legs keep
  their end points and are re-timed linearly as before.  The nearest clearing level wins.

Both are exact checks of the shifted plan against the same limits as detection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from skypact.plans.model import Altitude, FlightPlan
from skypact.strategic import _kernels as K
from skypact.strategic.detect import Strategic
from skypact.strategic.index import Probe
from skypact.strategic.trajectory import Cut, Trajectories, cut_plans
from skypact.units import FT

__all__ = ["Resolution", "suggest"]


@dataclass(frozen=True)
class Resolution:
    """Suggestions for one plan; ``None`` where no option within the limits clears every conflict."""

    plan: str
    delay_s: float | None
    level_change_ft: float | None
    new_level_ft: float | None


def _pairs(st: Strategic, pr: Probe, exclude: tuple[str, ...], t_extra: float, alt_extra: float) -> np.ndarray:
    """The distinct (probe piece, index piece) pairs of the broad phase, sorted."""
    rows = st.index.probe_rows(pr, exclude, narrow=False, t_extra=t_extra, alt_extra=alt_extra)
    if not len(rows):
        return np.zeros((0, 2), dtype=np.int64)
    ab = rows[:, 2:4].astype(np.int64)
    span = int(ab[:, 1].max()) + 1
    keys = np.unique(ab[:, 0] * span + ab[:, 1])  # one key per pair: 1-D unique is far cheaper than by rows
    return np.stack((keys // span, keys % span), axis=1)


def _args(st: Strategic, pr: Probe) -> tuple[object, ...]:
    p, tr, ix = pr.tr, st.index.tr, st.index
    return (p.x, p.y, p.z, p.alt, p.ref, float(p.hpad[0]), float(p.vpad[0]),
            tr.t, tr.x, tr.y, tr.z, tr.alt, tr.start, tr.plan, tr.ref, ix.plan_party, tr.hpad, tr.vpad,
            ix.parties.h[pr.code], ix.parties.v[pr.code], st.settings.minima.reference_buffer)


def smallest_delay(st: Strategic, plan: FlightPlan, exclude: tuple[str, ...] = (),
                   max_delay_s: float = 3600.0, step_s: float = 1.0, tr: Trajectories | None = None) -> float | None:
    """The smallest delay on the ``step_s`` grid (> 0, <= ``max_delay_s``) that clears every conflict."""
    pr = st.index.prepare(plan, tr)
    pairs = _pairs(st, pr, exclude, max_delay_s, 0.0)
    bans = st.volume_delay_bans(plan, pr.tr)
    a = _args(st, pr)
    k0 = 1
    while True:
        d = K.first_clear_delay(pr.tr.t, *a, pairs, step_s, max_delay_s, k0) if len(pairs) else k0 * step_s
        if d < 0 or d > max_delay_s + 1e-9:
            return None
        ban = next(((lo, hi) for lo, hi in bans if lo < d < hi), None)
        if ban is None:
            return float(d)
        k0 = max(round(d / step_s) + 1, math.ceil(ban[1] / step_s - 1e-9))


def with_cruise_level(plan: FlightPlan, change_m: float) -> FlightPlan:
    """``plan`` with every waypoint at its highest altitude moved by ``change_m``."""
    alts = _cruise_altitudes(plan, change_m)
    return plan.model_copy(update={"waypoints": [w if a is w.alt else w.model_copy(update={"alt": a})
                                                 for w, a in zip(plan.waypoints, alts, strict=True)]})


def _cruise_altitudes(plan: FlightPlan, change_m: float) -> list[Altitude]:
    """The waypoint altitudes of :func:`with_cruise_level` (the same objects where unchanged)."""
    top = max(w.alt.metres for w in plan.waypoints)
    out = []
    for w in plan.waypoints:
        a = w.alt
        if abs(a.metres - top) < 1e-6:
            scale = a.metres / a.value if a.value else FT
            a = Altitude(value=(a.metres + change_m) / scale, unit=a.unit, ref=a.ref)
        out.append(a)
    return out


def nearest_level(st: Strategic, plan: FlightPlan, exclude: tuple[str, ...] = (),
                  step_ft: float = 1000.0, max_steps: int = 10, tr: Trajectories | None = None,
                  cut: Cut | None = None) -> tuple[float, float] | None:
    """``(change_ft, new_level_ft)`` of the nearest cruise-level change that clears every conflict.

    Each level's trajectory is completed from one cut of the plan (``cut``, made here when not
    given: a level change moves no position or time), the same arrays as cutting the moved plan
    again."""
    pr = st.index.prepare(plan, tr)
    pairs = _pairs(st, pr, exclude, 0.0, max_steps * step_ft * FT)
    top_ft = max(w.alt.feet for w in plan.waypoints)
    cut = cut or cut_plans([plan], st.settings.piece_m)
    for n in range(1, max_steps + 1):
        for sign in (1, -1):
            change = sign * n * step_ft
            if top_ft + change < 0:
                continue
            tr = cut.trajectories(np.array([a.metres for a in _cruise_altitudes(plan, change * FT)]))
            a = _args(st, Probe(plan, pr.code, tr))
            if len(pairs) and K.any_conflict(tr.t, *a, pairs):
                continue
            if st.meets_volume(plan, tr):
                continue
            return change, top_ft + change
    return None


def suggest(st: Strategic, plan: FlightPlan, exclude: tuple[str, ...] = (), max_delay_s: float = 3600.0,
            step_s: float = 1.0, level_step_ft: float = 1000.0, max_level_steps: int = 10,
            tr: Trajectories | None = None, cut: Cut | None = None) -> Resolution:
    """Both suggestions for a plan checked against ``st`` (``exclude``: ids not to check against;
    ``tr``, ``cut``: the plan's trajectory and its cut (:func:`cut_plans`) when already made)."""
    delay = smallest_delay(st, plan, exclude, max_delay_s, step_s, tr)
    level = nearest_level(st, plan, exclude, level_step_ft, max_level_steps, tr, cut)
    return Resolution(plan.id, delay, level[0] if level else None, level[1] if level else None)
