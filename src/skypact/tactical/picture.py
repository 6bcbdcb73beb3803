"""An incremental live picture: position reports in, alert changes out, at 1 Hz.

:class:`TacticalPicture` keeps the latest report of every aircraft (a report older than the one
it holds is ignored), drops tracks that have not reported for ``stale_after_s``, and on each
:meth:`~TacticalPicture.update` dead-reckons every track to the same instant (along the WGS-84
geodesic of its track, at its ground and vertical speeds), runs whole-region detection
(:mod:`skypact.tactical.region`) and returns what changed since the previous update: alerts
that are new, whose tier went up or down, or that ended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from skypact.geo.geodesy import forward
from skypact.tactical.region import RegionSettings, States, detect

__all__ = ["Alert", "AlertChange", "Change", "PositionReport", "TacticalPicture"]


@dataclass(frozen=True)
class PositionReport:
    """One aircraft's state at ``time`` (UTC seconds), SI: alt (m), gs (m/s), trk (deg), vs (m/s)."""

    id: str
    party: str
    time: float
    lat: float
    lon: float
    alt: float
    gs: float
    trk: float
    vs: float


@dataclass(frozen=True)
class Alert:
    """A pair in or predicted in loss of separation (``a`` < ``b`` by id)."""

    a: str
    b: str
    party_a: str
    party_b: str
    tier: int
    time_to_los: float  #: seconds from the update's time; 0 when separation is lost now
    t_out: float
    min_horizontal_m: float  #: predicted smallest horizontal distance (DCPA) over the look-ahead
    tcpa: float

    @property
    def key(self) -> tuple[str, str]:
        return (self.a, self.b)


class Change(StrEnum):
    NEW = "new"
    CHANGED = "changed"  #: tier up or down
    ENDED = "ended"


@dataclass(frozen=True)
class AlertChange:
    change: Change
    alert: Alert  #: the current alert (for ENDED: the last one seen)
    previous_tier: int  #: 0 for NEW


class TacticalPicture:
    """Live tracks and their alerts; feed it with :meth:`ingest`, read it with :meth:`update`."""

    def __init__(self, settings: RegionSettings | None = None, stale_after_s: float = 10.0) -> None:
        self.settings = settings or RegionSettings()
        self.stale_after_s = stale_after_s
        self.tracks: dict[str, PositionReport] = {}
        self.alerts: dict[tuple[str, str], Alert] = {}

    def ingest(self, reports: Iterable[PositionReport]) -> None:
        """Keep the newest report of each aircraft (any subset of aircraft, in any order)."""
        for r in reports:
            old = self.tracks.get(r.id)
            if old is None or r.time >= old.time:
                self.tracks[r.id] = r

    def update(self, now: float) -> list[AlertChange]:
        """Drop stale tracks, detect at ``now`` and return the alert changes since the last update."""
        self.tracks = {k: r for k, r in self.tracks.items() if now - r.time <= self.stale_after_s}
        reps = sorted(self.tracks.values(), key=lambda r: r.id)
        current: dict[tuple[str, str], Alert] = {}
        if len(reps) >= 2:
            dt = np.array([now - r.time for r in reps])
            lat = np.array([r.lat for r in reps])
            lon = np.array([r.lon for r in reps])
            gs = np.array([r.gs for r in reps])
            trk = np.array([r.trk for r in reps])
            vs = np.array([r.vs for r in reps])
            # dead-reckon each track to now along its geodesic; the track angle turns on the way
            lat_now, lon_now, trk_now = forward(lat, lon, trk, gs * dt)
            alt = np.array([r.alt for r in reps]) + vs * dt
            st = States([r.id for r in reps], lat_now, lon_now, alt, gs, trk_now, vs)
            res = detect(st, self.settings)
            for i, j, t0, t1, tc, dc, tier in zip(res.a, res.b, res.t_in, res.t_out, res.tcpa, res.dcpa, res.tier,
                                                  strict=True):
                ra, rb = reps[i], reps[j]
                al = Alert(ra.id, rb.id, ra.party, rb.party, int(tier), float(t0), float(t1), float(dc), float(tc))
                current[al.key] = al
        changes: list[AlertChange] = []
        for key, al in current.items():
            old = self.alerts.get(key)
            if old is None:
                changes.append(AlertChange(Change.NEW, al, 0))
            elif old.tier != al.tier:
                changes.append(AlertChange(Change.CHANGED, al, old.tier))
        changes += [AlertChange(Change.ENDED, old, old.tier) for key, old in self.alerts.items() if key not in current]
        self.alerts = current
        return changes
