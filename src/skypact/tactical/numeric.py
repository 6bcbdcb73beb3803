"""Floating-point comparisons used by the alerting logic.

Two doubles are *almost equal* when they are within 16 348 units in the last place (a relative
difference of about 3.6e-12), or when one of them is 0 and both are below 1e-13 in magnitude.
The tests written "≈" in ``shared/oracle/daidalus/README.md`` §8 use this; it matters only at
exact ties.
"""

from __future__ import annotations

import struct

__all__ = ["almost_equals"]

MAX_ULPS = 16348
_ZERO_TOL = 1e-13


def _ordered(x: float) -> int:
    """The bits of a double as an integer that orders like the doubles themselves."""
    i: int = struct.unpack("<q", struct.pack("<d", x))[0]
    return i if i >= 0 else -(i & 0x7FFFFFFFFFFFFFFF)


def almost_equals(a: float, b: float) -> bool:
    """True when ``a`` and ``b`` are equal up to :data:`MAX_ULPS` units in the last place."""
    if a == b:
        return True
    if a == 0.0 or b == 0.0:
        return abs(a) < _ZERO_TOL and abs(b) < _ZERO_TOL
    return abs(_ordered(a) - _ordered(b)) <= MAX_ULPS
