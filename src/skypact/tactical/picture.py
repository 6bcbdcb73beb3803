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

    def __init__(self, settings: RegionSettings | None = None, stale_after_s: float = 10.0,
                 coast_s: float = float("inf")) -> None:
        """``coast_s``: the longest a report is dead-reckoned to the present; an older one (a late
        feed) is checked at its own time against where the others were then (module doc)."""
        self.settings = settings or RegionSettings()
        self.stale_after_s = stale_after_s
        self.coast_s = coast_s
        self.tracks: dict[str, PositionReport] = {}
        self.history: dict[str, list[PositionReport]] = {}
        self.alerts: dict[tuple[str, str], Alert] = {}

    def ingest(self, reports: Iterable[PositionReport]) -> None:
        """Keep the newest report of each aircraft (any subset of aircraft, in any order)."""
        for r in reports:
            old = self.tracks.get(r.id)
            if old is None or r.time >= old.time:
                self.tracks[r.id] = r
            if self.coast_s != float("inf"):
                h = self.history.setdefault(r.id, [])
                h.append(r)
                if len(h) > 1 and h[-1].time < h[-2].time:
                    h.sort(key=lambda x: x.time)
                while h and h[-1].time - h[0].time > 600.0:
                    h.pop(0)

    def _detect(self, reps: list[PositionReport], at: float,
                only: set[str] | None = None) -> dict[tuple[str, str], Alert]:
        """Alerts at ``at`` among ``reps`` dead-reckoned to ``at`` (pairs with one of ``only``)."""
        found: dict[tuple[str, str], Alert] = {}
        reps = sorted(reps, key=lambda r: r.id)
        if len(reps) < 2:
            return found
        dt = np.array([at - r.time for r in reps])
        lat = np.array([r.lat for r in reps])
        lon = np.array([r.lon for r in reps])
        gs = np.array([r.gs for r in reps])
        trk = np.array([r.trk for r in reps])
        vs = np.array([r.vs for r in reps])
        # dead-reckon each track along its geodesic; the track angle turns on the way
        lat_at, lon_at, trk_at = forward(lat, lon, trk, gs * dt)
        alt = np.array([r.alt for r in reps]) + vs * dt
        st = States([r.id for r in reps], lat_at, lon_at, alt, gs, trk_at, vs)
        res = detect(st, self.settings)
        for i, j, t0, t1, tc, dc, tier in zip(res.a, res.b, res.t_in, res.t_out, res.tcpa, res.dcpa, res.tier,
                                              strict=True):
            ra, rb = reps[i], reps[j]
            if only is None or ra.id in only or rb.id in only:
                al = Alert(ra.id, rb.id, ra.party, rb.party, int(tier), float(t0), float(t1), float(dc), float(tc))
                found[al.key] = al
        return found

    def _then(self, key: str, t: float) -> PositionReport | None:
        """The report of ``key`` to dead-reckon to time ``t``: its latest at or before ``t``."""
        before = [r for r in self.history.get(key, ()) if r.time <= t + 1e-6]
        if not before or t - before[-1].time > self.coast_s:
            return None
        return before[-1]

    def update(self, now: float) -> list[AlertChange]:
        """Drop stale tracks, detect at ``now`` and return the alert changes since the last update.

        Tracks reported within ``coast_s`` are dead-reckoned to ``now``.  A track whose newest
        report is older (its feed is late) is checked at that report's time against where the
        others were then, and its alerts are carried to ``now`` (their times to loss of
        separation shortened by its age): a late feed gives late alerts, never extrapolated ones.
        """
        self.tracks = {k: r for k, r in self.tracks.items() if now - r.time <= self.stale_after_s}
        fresh = [r for r in self.tracks.values() if now - r.time <= self.coast_s]
        stale = [r for r in self.tracks.values() if now - r.time > self.coast_s]
        current = self._detect(fresh, now)
        warn = self.settings.warning_s
        for d in sorted({round(r.time) for r in stale}):
            group = {r.id for r in stale if round(r.time) == d}
            others = [x for k in self.tracks if k not in group and (x := self._then(k, float(d))) is not None]
            shift = now - float(d)
            for key, al in self._detect([r for r in stale if r.id in group] + others, float(d), group).items():
                t_in, t_out = al.time_to_los - shift, al.t_out - shift
                if t_out <= 0.0:
                    continue  # over by now, as far as the late data tell
                tier = 3 if t_in <= 0.0 else 2 if t_in <= warn else 1
                moved = Alert(al.a, al.b, al.party_a, al.party_b, tier, max(t_in, 0.0), t_out, al.min_horizontal_m,
                              al.tcpa - shift)
                if key not in current or current[key].tier < tier:
                    current[key] = moved
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
