"""From reported states to relative states in the ownship's local plane (DAIDALUS-compatible).

The Earth is a sphere of radius R = 1852·60·180/π m (1 NM = 1 arc-minute).  Positions are
projected orthographically onto the tangent plane at the ownship (x east, y north); velocities
by a 10 s finite difference along the great circle that leaves each aircraft on its track.
Spec: ``shared/oracle/daidalus/README.md`` §4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["R_SPHERE", "Vec3", "project_position", "project_state"]

R_SPHERE = 1852.0 * 60.0 * 180.0 / math.pi
DT_PROJECTION = 10.0

Vec3 = tuple[float, float, float]


def project_position(lat: float, lon: float, alt: float, lat0: float, lon0: float) -> Vec3:
    """Tangent-plane coordinates (m) at (lat0, lon0) of a point (radians, altitude in m)."""
    dl = lon - lon0
    x = R_SPHERE * math.cos(lat) * math.sin(dl)
    y = R_SPHERE * (math.sin(lat) * math.cos(lat0) - math.cos(lat) * math.sin(lat0) * math.cos(dl))
    return x, y, alt


def _great_circle(lat: float, lon: float, course: float, dist: float) -> tuple[float, float]:
    d = dist / R_SPHERE
    lat2 = math.asin(math.sin(lat) * math.cos(d) + math.cos(lat) * math.sin(d) * math.cos(course))
    lon2 = lon + math.atan2(math.sin(course) * math.sin(d) * math.cos(lat),
                            math.cos(d) - math.sin(lat) * math.sin(lat2))
    return lat2, lon2


@dataclass(frozen=True)
class GeoState:
    """One report on the sphere, SI: lat/lon (rad), alt (m), horizontal velocity east/north and
    vertical speed (m/s)."""

    lat: float
    lon: float
    alt: float
    ve: float
    vn: float
    vz: float


def project_state(st: GeoState, lat0: float, lon0: float) -> tuple[Vec3, Vec3]:
    """Position and velocity of ``st`` in the tangent plane at (lat0, lon0)."""
    p = project_position(st.lat, st.lon, st.alt, lat0, lon0)
    course = math.atan2(st.ve, st.vn)
    gs = math.hypot(st.ve, st.vn)
    lat2, lon2 = _great_circle(st.lat, st.lon, course, gs * DT_PROJECTION)
    q = project_position(lat2, lon2, st.alt + DT_PROJECTION * st.vz, lat0, lon0)
    v = ((q[0] - p[0]) / DT_PROJECTION, (q[1] - p[1]) / DT_PROJECTION, (q[2] - p[2]) / DT_PROJECTION)
    return p, v
