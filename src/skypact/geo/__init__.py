"""Geodesy on WGS-84 (pyproj) and the piecewise-linear frame the engines compute in."""

from skypact.geo.geodesy import (
    GEOD,
    R_MIN,
    chord_error_bound,
    ecef_ground,
    ecef_to_latlon,
    geodesic_points,
    piece_length_for,
)

__all__ = [
    "GEOD",
    "R_MIN",
    "chord_error_bound",
    "ecef_ground",
    "ecef_to_latlon",
    "geodesic_points",
    "piece_length_for",
]
