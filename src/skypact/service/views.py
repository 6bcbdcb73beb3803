"""What a party sees of a plan or volume: its own in full, another party's as a reference.

A reference is id, owner, state, version and 4D bounding extents (per leg for a plan, one box
for a volume) - never waypoints, call sign, priority, outline or name.  When the item conflicts
with one of the reader's own plans or volumes, the reader also sees what it must avoid: the
legs (waypoints and times) that overlap a conflict's time window, or the volume's outline, band
and window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from skypact.geo.geodesy import geodesic_points
from skypact.plans.model import Circle, FlightPlan, ReservedVolume
from skypact.strategic.volumes import VolumeShape, outline_latlon

__all__ = ["Area", "epoch", "extents", "f3548_view", "view"]


def extents(item: FlightPlan | ReservedVolume) -> list[dict[str, float]]:
    """4D boxes (lat, lon, altitude in metres, time) that hold the item: one per leg of a plan
    (its geodesic sampled every 10 km), one for a volume (its outline's geodesic edges; a circle
    by its 256-gon)."""
    if isinstance(item, ReservedVolume):
        sh = VolumeShape(item, 10_000.0)
        if isinstance(item.outline, Circle):
            la, lo = outline_latlon(sh)
        else:
            ring = np.array(item.outline.coordinates[0])
            la, lo, _, _, _ = geodesic_points(ring[:-1, 1], ring[:-1, 0], ring[1:, 1], ring[1:, 0], 10_000.0)
        (a0, a1), (t0, t1) = sh.band, sh.window
        return [_box(la, lo, a0, a1, t0, t1)]
    w = item.waypoints
    lat = np.array([p.lat for p in w])
    lon = np.array([p.lon for p in w])
    plat, plon, _, leg, _ = geodesic_points(lat[:-1], lon[:-1], lat[1:], lon[1:], 10_000.0)
    return [_box(np.append(plat[leg == i], w[i + 1].lat), np.append(plon[leg == i], w[i + 1].lon),
                 min(w[i].alt.metres, w[i + 1].alt.metres), max(w[i].alt.metres, w[i + 1].alt.metres),
                 w[i].time.timestamp(), w[i + 1].time.timestamp()) for i in range(len(w) - 1)]


def _box(la: Any, lo: Any, a0: float, a1: float, t0: float, t1: float) -> dict[str, float]:
    return {"lat_min": float(np.min(la)), "lat_max": float(np.max(la)), "lon_min": float(np.min(lo)),
            "lon_max": float(np.max(lo)), "alt_min_m": a0, "alt_max_m": a1, "t_start": t0, "t_end": t1}


@dataclass(frozen=True)
class Area:
    """A query box: latitude, longitude (degrees; ``lon_min > lon_max`` crosses the antimeridian),
    altitude (m) and time (epoch s); each bound optional."""

    lat_min: float = -90.0
    lat_max: float = 90.0
    lon_min: float = -180.0
    lon_max: float = 180.0
    alt_min_m: float = -1e9
    alt_max_m: float = 1e9
    t_start: float = -1e18
    t_end: float = 1e18

    def meets(self, boxes: list[dict[str, float]]) -> bool:
        """Whether any of the boxes overlaps the area."""
        return any(self._meets(b) for b in boxes)

    def _meets(self, b: dict[str, float]) -> bool:
        if b["t_end"] < self.t_start or b["t_start"] > self.t_end:
            return False
        if b["alt_max_m"] < self.alt_min_m or b["alt_min_m"] > self.alt_max_m:
            return False
        if b["lat_max"] < self.lat_min or b["lat_min"] > self.lat_max:
            return False
        if self.lon_min <= self.lon_max:
            return not (b["lon_max"] < self.lon_min or b["lon_min"] > self.lon_max)
        return b["lon_max"] >= self.lon_min or b["lon_min"] <= self.lon_max  # query across ±180°


def view(row: Any, reader: str, conflict_windows: list[tuple[float, float]]) -> dict[str, Any]:
    """``row`` (a plans or volumes row) as ``reader`` may see it; ``conflict_windows``: the time
    windows of the item's conflicts with the reader's own plans and volumes."""
    ref = {"id": row.id, "party": row.party, "state": row.state, "version": row.version, "extents": row.extents}
    if row.party == reader:
        key = "plan" if "waypoints" in row.body else "volume"
        return {**ref, key: row.body}
    if not conflict_windows:
        return ref
    if "waypoints" not in row.body:
        return {**ref, "conflicting_volume": {k: row.body[k] for k in ("outline", "band", "window")}}
    wps, ext = row.body["waypoints"], row.extents
    shown = {i for s, e in conflict_windows for i, x in enumerate(ext) if x["t_start"] < e and x["t_end"] > s}
    return {**ref, "conflicting_legs": [{"from": wps[i], "to": wps[i + 1]} for i in sorted(shown)]}


def f3548_view(row: Any, reader: str) -> dict[str, Any]:
    """An entity filed through F3548 (a ``dss_entities`` row) as ``reader`` may see it: a reference
    (its extents as 4D boxes); its own party also sees the extents as filed and its base URL."""
    ref = {"id": row.id, "party": row.party, "state": row.state, "version": row.version, "extents": row.boxes,
           "source": "f3548"}
    if row.party != reader:
        return ref
    return {**ref, "f3548": {"manager": row.manager, "uss_base_url": row.uss_base_url, "extents": row.extents}}


def epoch(text: str) -> float:
    """Epoch seconds of an RFC 3339 time."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
