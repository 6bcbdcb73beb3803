"""Numba kernels of the whole-region tactical engine (private; see :mod:`skypact.tactical.region`)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from skypact.strategic._kernels import _normal


@njit(cache=True)
def cpa(x, y, z, a, b, horizon):
    """Horizontal closest approach over [0, horizon] of chord pairs (aircraft ``i`` runs from
    breakpoint 2i to 2i+1): its time, and the distance across the local vertical then.

    The vertical is taken at the pair's midpoint, first now, then at the estimated closest
    approach, so that the chords' sagitta does not count as horizontal distance.
    """
    n = a.shape[0]
    tcpa = np.empty(n)
    dcpa = np.empty(n)
    for q in range(n):
        i = 2 * a[q]
        j = 2 * b[q]
        rx = x[i] - x[j]
        ry = y[i] - y[j]
        rz = z[i] - z[j]
        vx = ((x[i + 1] - x[i]) - (x[j + 1] - x[j])) / horizon
        vy = ((y[i + 1] - y[i]) - (y[j + 1] - y[j])) / horizon
        vz = ((z[i + 1] - z[i]) - (z[j + 1] - z[j])) / horizon
        s = 0.0
        hx = hy = hz = 0.0
        for _ in range(2):
            f = s / horizon
            mx = 0.5 * (x[i] + f * (x[i + 1] - x[i]) + x[j] + f * (x[j + 1] - x[j]))
            my = 0.5 * (y[i] + f * (y[i + 1] - y[i]) + y[j] + f * (y[j + 1] - y[j]))
            mz = 0.5 * (z[i] + f * (z[i + 1] - z[i]) + z[j] + f * (z[j + 1] - z[j]))
            nx, ny, nz = _normal(mx, my, mz)
            rn = rx * nx + ry * ny + rz * nz
            vn = vx * nx + vy * ny + vz * nz
            px, py, pz = rx - rn * nx, ry - rn * ny, rz - rn * nz
            wx, wy, wz = vx - vn * nx, vy - vn * ny, vz - vn * nz
            ww = wx * wx + wy * wy + wz * wz
            s = 0.0 if ww < 1e-18 else min(max(-(px * wx + py * wy + pz * wz) / ww, 0.0), horizon)
            hx, hy, hz = px + wx * s, py + wy * s, pz + wz * s
        tcpa[q] = s
        dcpa[q] = math.sqrt(hx * hx + hy * hy + hz * hz)
    return tcpa, dcpa
