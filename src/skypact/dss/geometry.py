"""F3548 4D volumes as skypact sees them: a 4D box each (for key validation, subscriptions and
queries, the plain intersection the standard asks, no separation minima) and a reserved volume each
(for skypact's own conflict engine, with the minima).

Boxes are conservative: two extents whose boxes meet are taken to intersect, as the InterUSS DSS
does with its S2 cells.  A circle's box is its centre ± radius; boxes do not cross the antimeridian
(F3548 traffic is local).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from pyproj import Geod

from skypact.dss.models import Volume4D
from skypact.errors import ServiceError
from skypact.i18n import N_
from skypact.plans.model import ReservedVolume

__all__ = ["area_km2", "box", "dump_time", "dumps", "meets", "piece_id", "span", "to_volume"]

_GEOD = Geod(ellps="WGS84")
_M_PER_DEG = 111_320.0
Box = dict[str, float]


def dump_time(t: float) -> dict[str, str]:
    """An F3548 ``Time`` for epoch seconds."""
    text = datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"value": text, "format": "RFC3339"}


def _need(ok: bool, msgid: str, **params: Any) -> None:
    if not ok:
        raise ServiceError(msgid, **params)


def box(v: Volume4D, *, need_times: bool = True, need_alts: bool = True,
        default_start: float | None = None, default_end: float | None = None) -> Box:
    """The 4D box of ``v`` (lat, lon in degrees, altitude W84 metres, epoch seconds)."""
    vol = v.volume
    _need((vol.outline_polygon is None) != (vol.outline_circle is None),
          N_("a volume needs exactly one of outline_polygon and outline_circle"))
    if vol.outline_polygon is not None:
        lats = [p.lat for p in vol.outline_polygon.vertices]
        lons = [p.lng for p in vol.outline_polygon.vertices]
        la0, la1, lo0, lo1 = min(lats), max(lats), min(lons), max(lons)
    else:
        c, r = vol.outline_circle.center, vol.outline_circle.radius.value  # type: ignore[union-attr]
        dlat = r / _M_PER_DEG
        dlon = r / (_M_PER_DEG * max(math.cos(math.radians(c.lat)), 1e-6))
        la0, la1 = max(c.lat - dlat, -90.0), min(c.lat + dlat, 90.0)
        lo0, lo1 = max(c.lng - dlon, -180.0), min(c.lng + dlon, 180.0)
    if need_alts:
        _need(vol.altitude_lower is not None and vol.altitude_upper is not None,
              N_("a volume needs altitude_lower and altitude_upper"))
    a0 = vol.altitude_lower.value if vol.altitude_lower is not None else -1e9
    a1 = vol.altitude_upper.value if vol.altitude_upper is not None else 1e9
    _need(a0 <= a1, N_("altitude_lower is above altitude_upper"))
    if need_times:
        _need(v.time_start is not None and v.time_end is not None, N_("a volume needs time_start and time_end"))
    t0 = v.time_start.value.timestamp() if v.time_start is not None else default_start
    t1 = v.time_end.value.timestamp() if v.time_end is not None else default_end
    t0 = -1e18 if t0 is None else t0
    t1 = 1e18 if t1 is None else t1
    _need(t0 < t1, N_("time_end is not after time_start"))
    return {"lat_min": la0, "lat_max": la1, "lon_min": lo0, "lon_max": lo1, "alt_min_m": a0, "alt_max_m": a1,
            "t_start": t0, "t_end": t1}


def span(boxes: list[Box]) -> tuple[float, float]:
    """The earliest start and the latest end."""
    return min(b["t_start"] for b in boxes), max(b["t_end"] for b in boxes)


def meets(a: Box, b: Box) -> bool:
    """Whether two 4D boxes intersect (times as half-open intervals: touching ends do not meet)."""
    return (a["t_start"] < b["t_end"] and b["t_start"] < a["t_end"]
            and a["alt_min_m"] <= b["alt_max_m"] and b["alt_min_m"] <= a["alt_max_m"]
            and a["lat_min"] <= b["lat_max"] and b["lat_min"] <= a["lat_max"]
            and a["lon_min"] <= b["lon_max"] and b["lon_min"] <= a["lon_max"])


def any_meet(xs: list[Box], ys: list[Box]) -> bool:
    return any(meets(x, y) for x in xs for y in ys)


def area_km2(v: Volume4D) -> float:
    """The footprint's area."""
    vol = v.volume
    if vol.outline_circle is not None:
        return math.pi * (vol.outline_circle.radius.value / 1000.0) ** 2
    if vol.outline_polygon is None:
        return 0.0
    pts = vol.outline_polygon.vertices
    a, _ = _GEOD.polygon_area_perimeter([p.lng for p in pts], [p.lat for p in pts])
    return float(abs(a)) / 1e6


def dumps(v: Volume4D) -> dict[str, Any]:
    """``v`` as F3548 JSON (known fields only; times in RFC 3339 with Z)."""
    out: dict[str, Any] = {"volume": v.volume.model_dump(mode="json", exclude_none=True)}
    for k in ("time_start", "time_end"):
        t = getattr(v, k)
        if t is not None:
            out[k] = dump_time(t.value.timestamp())
    return out


def piece_id(entity_id: str, k: int) -> str:
    """The live id of extent ``k`` of an F3548 entity: ``{id}/{k}``.  Native ids cannot hold a
    ``/`` (:data:`skypact.plans.model.Identifier`), so no piece can take a native plan's id."""
    return f"{entity_id}/{k}"


def to_volume(entity_id: str, k: int, party: str, v: Volume4D) -> ReservedVolume:
    """Extent ``k`` of an entity as a skypact reserved volume with its piece id, for the engine."""
    vol = v.volume
    if vol.outline_circle is not None:
        c = vol.outline_circle
        outline: dict[str, Any] = {"type": "Circle", "center": [c.center.lng, c.center.lat],
                                   "radius_m": c.radius.value}
    else:
        ring = [[p.lng, p.lat] for p in vol.outline_polygon.vertices]  # type: ignore[union-attr]
        if ring[0] != ring[-1]:
            ring.append(ring[0])
        outline = {"type": "Polygon", "coordinates": [ring]}
    alt = {"unit": "m", "ref": "wgs84"}
    try:
        checked = _volume(entity_id, party, outline, vol, v, alt)
    except ValidationError as e:
        detail = str(e).splitlines()[-1].strip()
        raise ServiceError(N_("a volume skypact cannot use: {detail}"), detail=detail) from None
    return checked.model_copy(update={"id": piece_id(entity_id, k)})  # a '/' no native id may hold


def _volume(entity_id: str, party: str, outline: dict[str, Any], vol: Any, v: Volume4D,
            alt: dict[str, str]) -> ReservedVolume:
    return ReservedVolume.model_validate({
        "id": entity_id, "party": party, "outline": outline,
        "band": {"lower": {"value": vol.altitude_lower.value, **alt},
                 "upper": {"value": vol.altitude_upper.value, **alt}},
        "window": {"start": v.time_start.value.isoformat(), "end": v.time_end.value.isoformat()}})  # type: ignore[union-attr]
