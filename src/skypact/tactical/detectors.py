"""Detection volumes and their violation intervals over a look-ahead [0, T].

* :func:`cd3d` - the cylinder |s| < D and |sz| < H (strict).
* :func:`wcv_taumod` - the DO-365 well-clear volume (DTHR, ZTHR, TTHR, TCOA) with modified tau.

Both take the ownship-minus-intruder relative state in SI and return ``(t_in, t_out)``; the
interval is a conflict when ``t_in < t_out`` and the two are not almost equal (see
:func:`is_conflict`).  Spec: ``shared/oracle/daidalus/README.md`` §5; written from that text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from skypact.tactical.numeric import almost_equals

__all__ = ["NO_CONFLICT", "Cylinder", "Relative", "WellClear", "cd3d", "is_conflict", "wcv_taumod"]

NO_CONFLICT = (math.inf, -math.inf)


@dataclass(frozen=True)
class Relative:
    """Relative state (ownship minus intruder) and both aircraft's velocities, SI."""

    sx: float
    sy: float
    sz: float
    vx: float
    vy: float
    vz: float
    own_v: tuple[float, float, float]
    int_v: tuple[float, float, float]

    @property
    def s2(self) -> float:
        return self.sx * self.sx + self.sy * self.sy

    @property
    def v2(self) -> float:
        return self.vx * self.vx + self.vy * self.vy

    @property
    def sdotv(self) -> float:
        return self.sx * self.vx + self.sy * self.vy

    @property
    def scrossv(self) -> float:
        return self.sx * self.vy - self.sy * self.vx


@dataclass(frozen=True)
class Cylinder:
    d: float
    h: float


@dataclass(frozen=True)
class WellClear:
    dthr: float
    zthr: float
    tthr: float
    tcoa: float


def is_conflict(iv: tuple[float, float]) -> bool:
    return iv[0] < iv[1] and not almost_equals(iv[0], iv[1])


def _sign(x: float) -> float:
    return -1.0 if x < 0 else 1.0


def _disc_roots(sx: float, sy: float, vx: float, vy: float, d: float) -> tuple[float, float]:
    """Times where |s + t v| = d (assumes they exist and |v| > 0)."""
    v2 = vx * vx + vy * vy
    sv = sx * vx + sy * vy
    disc = sv * sv - v2 * (sx * sx + sy * sy - d * d)
    r = math.sqrt(max(0.0, disc))
    return (-sv - r) / v2, (-sv + r) / v2


def cd3d(rel: Relative, cyl: Cylinder, t_max: float) -> tuple[float, float]:
    """Interval in [0, t_max] where |s + t v| < D and |sz + t vz| < H."""
    d, h = cyl.d, cyl.h
    same_h = almost_equals(rel.own_v[0], rel.int_v[0]) and almost_equals(rel.own_v[1], rel.int_v[1])
    same_v = almost_equals(rel.own_v[2], rel.int_v[2])
    s = math.sqrt(rel.s2)
    if same_h and s < d and not almost_equals(s, d):
        if not same_v:
            lo = (-_sign(rel.vz) * h - rel.sz) / rel.vz
            hi = (_sign(rel.vz) * h - rel.sz) / rel.vz
            return max(0.0, lo), min(t_max, hi)
        if abs(rel.sz) < h and not almost_equals(abs(rel.sz), h):
            return 0.0, t_max
        return NO_CONFLICT
    if d * d * rel.v2 - rel.scrossv**2 > 0:
        lo, hi = _disc_roots(rel.sx, rel.sy, rel.vx, rel.vy, d)
        if not same_v:
            vlo = (-_sign(rel.vz) * h - rel.sz) / rel.vz
            vhi = (_sign(rel.vz) * h - rel.sz) / rel.vz
            lo, hi = max(lo, vlo), min(hi, vhi)
        elif not abs(rel.sz) < h:
            return NO_CONFLICT
        return max(0.0, lo), min(t_max, hi)
    return NO_CONFLICT


def wcv_taumod(rel: Relative, wc: WellClear, t_max: float) -> tuple[float, float]:
    """Interval in [0, t_max] of loss of well clear (DO-365 modified-tau volume)."""
    sz, vz = rel.sz, rel.vz
    if almost_equals(vz, 0.0):
        if abs(sz) > wc.zthr:
            return NO_CONFLICT
        tl, tu = 0.0, t_max
    else:
        hp = max(wc.zthr, abs(vz) * wc.tcoa)
        te = (-_sign(vz) * hp - sz) / vz
        tx = (_sign(vz) * wc.zthr - sz) / vz
        if te > t_max or tx < 0:
            return NO_CONFLICT
        tl, tu = max(0.0, te), min(t_max, tx)
    if almost_equals(tl, tu):
        return NO_CONFLICT
    sx, sy = rel.sx + tl * rel.vx, rel.sy + tl * rel.vy
    vx, vy = rel.vx, rel.vy
    length = tu - tl
    v2 = vx * vx + vy * vy
    s2 = sx * sx + sy * sy
    d2 = wc.dthr * wc.dthr
    inside = math.sqrt(s2) <= wc.dthr
    if almost_equals(v2, 0.0) and inside:
        lo, hi = 0.0, length
    elif inside:
        lo, hi = 0.0, min(length, _disc_roots(sx, sy, vx, vy, wc.dthr)[1])
    else:
        sv = sx * vx + sy * vy
        if sv >= 0:
            return NO_CONFLICT
        a = v2
        b = 2 * sv + wc.tthr * v2
        c = s2 + wc.tthr * sv - d2
        disc = b * b - 4 * a * c
        if disc < 0:
            return NO_CONFLICT
        t_star = (-b - math.sqrt(disc)) / (2 * a)
        cross = sx * vy - sy * vx
        if d2 * v2 - cross * cross >= 0 and t_star <= length:
            lo, hi = max(0.0, t_star), min(length, _disc_roots(sx, sy, vx, vy, wc.dthr)[1])
        else:
            return NO_CONFLICT
    return lo + tl, hi + tl
