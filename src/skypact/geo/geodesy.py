"""WGS-84 geodesy and the frame the strategic engine computes in.

**Frame.**  Horizontal positions are the points on the WGS-84 ellipsoid surface (height 0)
below the aircraft, in Earth-centred, Earth-fixed Cartesian coordinates (ECEF, metres).  The
horizontal separation of two aircraft is the straight (chord) distance between those two
surface points; altitude is a separate scalar.  ECEF has no seam at the antimeridian and no
singularity at the poles.

**Pieces.**  Each leg (a WGS-84 geodesic flown at constant ground speed) is cut into pieces
of equal length no longer than ``s``, with the cut points computed exactly by pyproj
(Karney's algorithm).  Within a piece skypact moves the aircraft along the straight ECEF chord
at constant speed, so the relative motion of two aircraft is linear between breakpoints and
conflict intervals have closed forms.

**Error bound** (:func:`chord_error_bound`), for separation minimum ``H`` and piece length
``s``, with ``R`` = 6 335 439 m (the smallest radius of curvature of WGS-84):

* sagitta: a chord point lies at most ``δ = s²/(8R)`` below the geodesic it replaces, almost
  exactly along the vertical.  Two nearby aircraft are displaced along almost the same
  vertical, so only the difference (≤ δ) of the two displacements enters, and it enters in
  quadrature: the distance changes by at most ``δ²/(2H)`` at ``H``; the two verticals differ
  by the angle ``H/R``, which adds at most ``δ·H/R``;
* along-track: at the same time the chord point leads or lags the geodesic point by at most
  ``0.0161 s³/R²`` (maximum of ``R·|atan2(f sinθ, 1-f+f cosθ) - fθ|/(Rθ³)`` over ``f``,
  ``θ = s/R``), for each aircraft;
* chord against geodesic distance at ``H``: at most ``H³/(24R²)``.

For ``s`` = 40 km and ``H`` = 5 NM the bound is 0.10 m (0.001 % of H); for ``s`` = 6 km and
``H`` = 50 m it is 0.005 m.  :func:`piece_length_for` picks ``s`` so that the bound stays below
0.01 % of the smallest minimum, and never above 40 km.  The engine adds the bound to ``H``, so
it never misses a conflict of the geodesic model and reports an extra one only within that
bound of the minimum.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

import numpy as np
import pyproj
from numpy.typing import NDArray

__all__ = [
    "GEOD",
    "R_MIN",
    "chord_error_bound",
    "ecef_ground",
    "ecef_to_latlon",
    "forward",
    "geodesic_points",
    "piece_length_for",
]

FloatArray = NDArray[np.float64]

GEOD = pyproj.Geod(ellps="WGS84")
_A = 6378137.0
_F = 1.0 / 298.257223563
_E2 = _F * (2.0 - _F)
R_MIN = _A * (1.0 - _E2)  # meridional radius of curvature at the equator, the smallest: 6 335 439 m
ALONG_TRACK_COEFF = 0.0161
MAX_PIECE_M = 40_000.0
TARGET_FRACTION = 1e-4


def ecef_ground(lat_deg: Any, lon_deg: Any) -> tuple[FloatArray, FloatArray, FloatArray]:
    """ECEF coordinates (m) of points on the WGS-84 ellipsoid surface."""
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    sl, cl = np.sin(lat), np.cos(lat)
    n = _A / np.sqrt(1.0 - _E2 * sl * sl)
    return n * cl * np.cos(lon), n * cl * np.sin(lon), n * (1.0 - _E2) * sl


#: below this many points one thread is quicker than handing work to the pool
_PARALLEL_MIN = 4096


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="skypact-geod")


def forward(lat_deg: Any, lon_deg: Any, azimuth_deg: Any,
            dist_m: Any) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Latitude, longitude and onward azimuth (degrees) reached along the WGS-84 geodesic
    (pyproj, Karney's algorithm).

    pyproj releases the GIL, so a large batch is cut into one chunk per core and solved in
    parallel; the answer is the same point for point.
    """
    lat, lon = np.asarray(lat_deg, dtype=np.float64), np.asarray(lon_deg, dtype=np.float64)
    az = np.broadcast_to(np.asarray(azimuth_deg, dtype=np.float64), lat.shape)
    dist = np.broadcast_to(np.asarray(dist_m, dtype=np.float64), lat.shape)
    workers = os.cpu_count() or 1
    if lat.size < _PARALLEL_MIN or workers == 1:
        done = [GEOD.fwd(lon, lat, az, dist)]
    else:
        cuts = np.linspace(0, lat.size, workers + 1).astype(np.int64)
        parts = [_pool().submit(GEOD.fwd, lon[a:b], lat[a:b], az[a:b], dist[a:b])
                 for a, b in itertools.pairwise(cuts)]
        done = [f.result() for f in parts]
    lon1, lat1, back = (np.concatenate([np.asarray(d[k], dtype=np.float64).ravel() for d in done]) for k in range(3))
    onward = np.mod(back + 180.0, 360.0)
    return lat1.reshape(lat.shape), lon1.reshape(lat.shape), onward.reshape(lat.shape)


@lru_cache(maxsize=1)
def _to_geodetic() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)


def ecef_to_latlon(x: Any, y: Any, z: Any) -> tuple[FloatArray, FloatArray]:
    """Latitude and longitude (degrees) of ECEF points (projected along the ellipsoid normal)."""
    lon, lat, _ = _to_geodetic().transform(x, y, z)
    return np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)


def geodesic_points(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray, max_piece_m: float
) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.int64], FloatArray]:
    """Cut each geodesic (lat1, lon1) → (lat2, lon2) into equal pieces no longer than ``max_piece_m``.

    Returns:
        ``(lat, lon, frac, leg, length)``: the start point of every piece in leg order, the
        fraction of its leg at which it starts, the leg it belongs to, and each leg's length (m).
        The end point of the last leg is not included.
    """
    az, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    dist = np.asarray(dist, dtype=np.float64)
    counts = np.maximum(1, np.ceil(dist / max_piece_m)).astype(np.int64)
    leg = np.repeat(np.arange(len(dist)), counts)
    starts = np.cumsum(counts) - counts
    k = np.arange(len(leg)) - starts[leg]
    frac = k / counts[leg]
    lon, lat, _ = GEOD.fwd(np.asarray(lon1)[leg], np.asarray(lat1)[leg], np.asarray(az)[leg], frac * dist[leg])
    # keep exact input points at leg starts (fwd at distance 0 is exact up to rounding)
    first = k == 0
    lat = np.where(first, np.asarray(lat1)[leg], lat)
    lon = np.where(first, np.asarray(lon1)[leg], lon)
    return np.asarray(lat), np.asarray(lon), frac, leg, dist


def chord_error_bound(piece_m: float, h_m: float) -> float:
    """Bound (m) on |chord-frame distance - geodesic-model distance| near separation ``h_m``."""
    sag = piece_m * piece_m / (8.0 * R_MIN)
    along = ALONG_TRACK_COEFF * piece_m**3 / R_MIN**2
    chord = h_m**3 / (24.0 * R_MIN**2)
    return float(sag * sag / (2.0 * h_m) + sag * h_m / R_MIN + 2.0 * along + chord)


def piece_length_for(h_min_m: float) -> float:
    """Piece length (m) that keeps :func:`chord_error_bound` under 0.01 % of ``h_min_m``."""
    target = TARGET_FRACTION * h_min_m
    # sagitta term dominates: δ²/(2H) <= target/2  =>  δ <= sqrt(H·target)  =>  s = sqrt(8Rδ)
    delta = np.sqrt(h_min_m * target)
    s = float(min(MAX_PIECE_M, np.sqrt(8.0 * R_MIN * delta)))
    while chord_error_bound(s, h_min_m) > target and s > 100.0:
        s *= 0.9
    return s
