"""numba kernel of the replay: pairs closer than the minima at each sampled second."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def close_pairs(s, x, y, z, alt, h, v):
    """Rows (i, j, horizontal, vertical) of the samples closer than ``h`` horizontally and ``v``
    vertically at the same second; the samples are sorted by second, then by ``x``.

    Horizontal distance: the chord between the points on the ellipsoid surface (within 3 mm of
    the geodesic at 5 NM).  Sort and sweep along ``x``: only pairs less than ``h`` apart in ``x``
    are looked at.
    """
    n = len(s)
    out = np.empty((64, 4))
    k = 0
    h2 = h * h
    b0 = 0
    while b0 < n:
        b1 = b0
        while b1 < n and s[b1] == s[b0]:
            b1 += 1
        for i in range(b0, b1):
            for j in range(i + 1, b1):
                dx = x[j] - x[i]
                if dx >= h:
                    break
                dv = abs(alt[j] - alt[i])
                if dv >= v - 1e-6:  # 1 µm: float rounding of a distance exactly at the minimum
                    continue
                dy = y[j] - y[i]
                dz = z[j] - z[i]
                d2 = dx * dx + dy * dy + dz * dz
                if d2 < h2 - 1e-6:
                    if k == out.shape[0]:
                        grown = np.empty((2 * k, 4))
                        grown[:k] = out
                        out = grown
                    out[k, 0] = i
                    out[k, 1] = j
                    out[k, 2] = np.sqrt(d2)
                    out[k, 3] = dv
                    k += 1
        b0 = b1
    return out[:k]
