"""Rules a plan or volume must meet beyond its types (those are checked by the model).

Each broken rule raises a specific :class:`~skypact.errors.PlanError` or
:class:`~skypact.errors.VolumeError` naming the plan or volume, the waypoint and the field.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely

from skypact.errors import InputError, Location, PlanError, VolumeError
from skypact.geo.geodesy import GEOD
from skypact.i18n import N_
from skypact.limits import MAX_PLAN_S, MAX_VERTICES, MAX_WINDOW_S
from skypact.plans.model import FlightPlan, PlanSet, Polygon, ReservedVolume
from skypact.units import KT

__all__ = ["DEFAULT_MAX_SPEED_KT", "validate_plan", "validate_planset", "validate_volume"]

DEFAULT_MAX_SPEED_KT = 1500.0


def validate_plan(plan: FlightPlan, max_speed_kt: float = DEFAULT_MAX_SPEED_KT) -> None:
    """Check waypoint times and implied speeds of ``plan``.

    Raises:
        PlanError: times not strictly increasing, or a leg faster than ``max_speed_kt``.
    """
    wps = plan.waypoints
    span = (wps[-1].time - wps[0].time).total_seconds()
    if span > MAX_PLAN_S:
        raise PlanError(N_("the plan lasts longer than {limit:.0f} h, the most accepted"),
                        Location(kind="plan", item=plan.id, field="waypoints"),
                        limit=MAX_PLAN_S / 3600.0)
    for i in range(1, len(wps)):
        if wps[i].time <= wps[i - 1].time:
            raise PlanError(
                N_("time {time} is not after the previous waypoint's {prev}: times must increase"),
                Location(kind="plan", item=plan.id, waypoint=i, field="time"),
                time=wps[i].time.isoformat(), prev=wps[i - 1].time.isoformat(),
            )
    lat = np.array([w.lat for w in wps])
    lon = np.array([w.lon for w in wps])
    _, _, dist = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    dt = np.array([(wps[i + 1].time - wps[i].time).total_seconds() for i in range(len(wps) - 1)])
    speed_kt = np.asarray(dist) / dt / KT
    bad = np.flatnonzero(speed_kt > max_speed_kt)
    if len(bad):
        i = int(bad[0])
        raise PlanError(
            N_("implied ground speed {speed:.0f} kt from the previous waypoint is above the maximum {limit:.0f} kt"),
            Location(kind="plan", item=plan.id, waypoint=i + 1), speed=float(speed_kt[i]), limit=max_speed_kt,
        )


def _unwrapped(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes made continuous from the first vertex (polygons across the antimeridian)."""
    lon0 = ring[0][0]
    return [(((lon - lon0 + 180.0) % 360.0) - 180.0 + lon0, lat) for lon, lat in ring]


def validate_volume(vol: ReservedVolume) -> None:
    """Check a volume's outline, altitude band and time window.

    Raises:
        VolumeError: open or self-intersecting ring, holes, empty band, mixed band references,
            window not increasing.
    """
    loc = Location(kind="volume", item=vol.id)
    if isinstance(vol.outline, Polygon):
        if len(vol.outline.coordinates) != 1:
            raise VolumeError(N_("polygons with holes are not supported: give the outer ring only"), loc)
        ring = vol.outline.coordinates[0]
        if len(ring) > MAX_VERTICES:
            raise VolumeError(N_("the outline has {n} positions; at most {limit} are accepted"),
                              Location(kind="volume", item=vol.id, field="outline"), n=len(ring), limit=MAX_VERTICES)
        if len(ring) < 4 or ring[0] != ring[-1]:
            raise VolumeError(
                N_("a polygon ring needs at least 4 positions and must end where it starts"),
                Location(kind="volume", item=vol.id, field="outline"))
        poly = shapely.Polygon(_unwrapped(ring))
        if not poly.is_valid or poly.area <= 0.0:
            raise VolumeError(N_("the polygon outline intersects itself or has no area"),
                              Location(kind="volume", item=vol.id, field="outline"))
    lo, hi = vol.band.lower, vol.band.upper
    if lo.ref != hi.ref:
        raise VolumeError(N_("the altitude band mixes references {lower} and {upper}"),
                          Location(kind="volume", item=vol.id, field="band"), lower=lo.ref.value, upper=hi.ref.value)
    if lo.metres >= hi.metres:
        raise VolumeError(N_("the altitude band is empty: lower {lower} is not below upper {upper}"),
                          Location(kind="volume", item=vol.id, field="band"),
                          lower=f"{lo.value:g} {lo.unit.value}", upper=f"{hi.value:g} {hi.unit.value}")
    if vol.window.start >= vol.window.end:
        raise VolumeError(N_("the time window ends at or before it starts"),
                          Location(kind="volume", item=vol.id, field="window"))
    window = (vol.window.end - vol.window.start).total_seconds()
    if window > MAX_WINDOW_S:
        raise VolumeError(N_("the time window lasts longer than {limit:.0f} days, the most accepted"),
                          Location(kind="volume", item=vol.id, field="window"),
                          limit=MAX_WINDOW_S / 86400.0)


def _check_unique(ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise InputError(N_("id {id} is used twice"), Location(item=i), id=i)
        seen.add(i)


def validate_planset(ps: PlanSet, max_speed_kt: float = DEFAULT_MAX_SPEED_KT) -> None:
    """Check every plan and volume of a document, and that ids are unique."""
    _check_unique([p.id for p in ps.plans] + [v.id for v in ps.volumes])
    for p in ps.plans:
        validate_plan(p, max_speed_kt)
    for v in ps.volumes:
        validate_volume(v)
