"""Units: skypact computes in SI (metres, seconds, metres per second, radians).

Conversions to aviation units happen only at the edges (file formats, CLI, reports).  The
constants below are exact by definition (ICAO Annex 5).
"""

from __future__ import annotations

FT = 0.3048  #: metres per foot
NM = 1852.0  #: metres per nautical mile
KT = NM / 3600.0  #: metres per second per knot
FPM = FT / 60.0  #: metres per second per foot-per-minute
FL = 100.0 * FT  #: metres per flight level
KMH = 1000.0 / 3600.0  #: metres per second per km/h

__all__ = ["FL", "FPM", "FT", "KMH", "KT", "NM"]
