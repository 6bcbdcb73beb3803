"""Replay of a traffic recording: losses of separation as they happened, and the alerts the
tactical engine would have given, with their lead times.

**Positions.**  Every aircraft is sampled each second between two of its reports, linearly
(ECEF for distances, latitude and longitude for the tactical engine), never across a gap of more
than 30 s; aircraft on the ground are left out (:mod:`skypact.surveillance.recording`).

**Losses.**  A pair is in loss of separation at a second when it is closer than H horizontally
*and* V vertically, both strict.  One event per pair runs until the pair has been apart for more
than 60 s; it keeps its smallest horizontal and vertical distances and the place of the smallest
horizontal one.

**Alerts.**  Each second (``alert_step_s``) the tactical engine (:mod:`skypact.tactical.region`,
the same H and V, look-ahead T) runs on the sampled states, with the reported ground speed, track
and vertical rate (or, where the recording lacks them, those between the two reports).  A pair
alerted again within 60 s is the same alert.  An alert *warned* when its pair's loss of separation
began after it and within T + 60 s (lead time = loss start − alert start), came *late* when the
loss had begun first, and was *false* when no loss followed within T + 60 s.

**Quality.**  An event resting on suspect data is flagged (several flags joined with ``;``):

* ``frozen_position`` - one of the two repeats the same latitude and longitude for ≥ 10 s while
  reporting more than 50 kt, within 60 s of the event;
* ``altitude_glitch`` - one of the two reports an altitude that jumps more than 500 ft away
  from both neighbouring reports and back, or changes faster than 10,000 ft/min, within 60 s of
  the event;
* ``one_level_apart`` - the smallest vertical distance is within 100 ft of V (barometric
  altitudes come in 25 ft steps: two aircraft one flight level apart can show 975 ft).

Otherwise ``ok``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from skypact.geo.geodesy import GEOD, ecef_ground, ecef_to_latlon
from skypact.surveillance._kernels import close_pairs
from skypact.surveillance.recording import Recording
from skypact.tactical.region import RegionSettings, States, detect
from skypact.units import FT, KT, NM

__all__ = ["AlertEvent", "LossEvent", "ReplayResult", "ReplaySettings", "replay"]

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class ReplaySettings:
    h_m: float = 5 * NM
    v_m: float = 1000 * FT
    lookahead_s: float = 120.0
    alert_step_s: int = 1
    max_gap_s: float = 30.0
    apart_s: float = 60.0
    window_s: int = 600  #: seconds sampled at once


@dataclass
class LossEvent:
    a: int
    b: int
    start: float
    end: float
    min_h: float
    min_v: float
    lat: float = 0.0
    lon: float = 0.0
    _x: tuple[float, float, float] = (0.0, 0.0, 0.0)
    quality: list[str] = field(default_factory=list)


@dataclass
class AlertEvent:
    a: int
    b: int
    start: float
    end: float
    max_tier: int
    loss_start: float | None = None
    lead_s: float | None = None
    outcome: str = "false"


@dataclass
class ReplayResult:
    losses: list[LossEvent]
    alerts: list[AlertEvent]
    start: float
    end: float
    samples: int


def _segments(rec: Recording, max_gap: float) -> NDArray[np.int64]:
    """Rows r whose next report (r + 1) is of the same aircraft, later and at most ``max_gap`` on."""
    if len(rec) < 2:
        return np.zeros(0, dtype=np.int64)
    dt = np.diff(rec.t)
    ok = (rec.ac[1:] == rec.ac[:-1]) & (dt > 0) & (dt <= max_gap)
    return np.flatnonzero(ok).astype(np.int64)


class _Sampler:
    """Per-second samples of every aircraft, window by window."""

    def __init__(self, rec: Recording, max_gap: float) -> None:
        self.rec = rec
        seg = _segments(rec, max_gap)
        self.seg = seg[np.argsort(rec.t[seg], kind="stable")]
        self.t0 = rec.t[self.seg]
        self.x, self.y, self.z = ecef_ground(rec.lat, rec.lon)
        self.max_gap = max_gap

    def window(self, w0: int, w1: int) -> dict[str, NDArray]:  # type: ignore[type-arg]
        r = self.seg[np.searchsorted(self.t0, w0 - self.max_gap, "left"):np.searchsorted(self.t0, w1, "left")]
        t, rec = self.rec.t, self.rec
        lo = np.maximum(np.ceil(t[r]), w0).astype(np.int64)
        hi = np.minimum(np.ceil(t[r + 1]) - 1, w1 - 1).astype(np.int64)
        n = np.maximum(hi - lo + 1, 0)
        rows = np.repeat(r, n)
        first = np.repeat(np.cumsum(n) - n, n)
        s = np.repeat(lo, n) + (np.arange(len(rows)) - first)
        f = (s - t[rows]) / (t[rows + 1] - t[rows])

        def lerp(a: F64) -> F64:
            return np.asarray(a[rows] + f * (a[rows + 1] - a[rows]), dtype=np.float64)

        return {"s": s, "row": rows, "f": f, "x": lerp(self.x), "y": lerp(self.y), "z": lerp(self.z),
                "alt": lerp(rec.alt), "ac": rec.ac[rows]}


def _velocities(rec: Recording, rows: NDArray[np.int64]) -> tuple[F64, F64, F64]:
    """Ground speed, track and vertical rate of the segments starting at ``rows``: as reported,
    else from the two reports."""
    gs, trk, vs = rec.gs[rows].copy(), rec.trk[rows].copy(), rec.vs[rows].copy()
    miss = ~(np.isfinite(gs) & np.isfinite(trk))
    if miss.any():
        m = rows[miss]
        az, _, dist = GEOD.inv(rec.lon[m], rec.lat[m], rec.lon[m + 1], rec.lat[m + 1])
        dt = rec.t[m + 1] - rec.t[m]
        gs[miss], trk[miss] = np.asarray(dist) / dt, np.asarray(az) % 360.0
    nv = ~np.isfinite(vs)
    if nv.any():
        m = rows[nv]
        vs[nv] = (rec.alt[m + 1] - rec.alt[m]) / (rec.t[m + 1] - rec.t[m])
    return gs, trk, vs


def replay(rec: Recording, settings: ReplaySettings | None = None,
           progress: Callable[[float, float], None] | None = None) -> ReplayResult:
    """Losses of separation and alerts over the whole recording; ``progress(done_s, total_s)``."""
    cfg = settings or ReplaySettings()
    if len(rec) == 0:
        return ReplayResult([], [], 0.0, 0.0, 0)
    sampler = _Sampler(rec, cfg.max_gap_s)
    start, end = int(np.floor(rec.t.min())), int(np.ceil(rec.t.max())) + 1
    region = RegionSettings(h_m=cfg.h_m, v_m=cfg.v_m, lookahead_s=cfg.lookahead_s)
    open_loss: dict[tuple[int, int], LossEvent] = {}
    open_alert: dict[tuple[int, int], AlertEvent] = {}
    losses: list[LossEvent] = []
    alerts: list[AlertEvent] = []
    samples = 0
    for w0 in range(start, end, cfg.window_s):
        w1 = min(w0 + cfg.window_s, end)
        smp = sampler.window(w0, w1)
        samples += len(smp["s"])
        order = np.lexsort((smp["x"], smp["s"]))
        s, x, y, z, alt, ac = (smp[k][order] for k in ("s", "x", "y", "z", "alt", "ac"))
        for i, j, h, v in close_pairs(s, x, y, z, alt, cfg.h_m, cfg.v_m):
            i, j = int(i), int(j)
            a, b = (int(ac[i]), int(ac[j])) if ac[i] < ac[j] else (int(ac[j]), int(ac[i]))
            now = float(s[i])
            ev = open_loss.get((a, b))
            if ev is not None and now - ev.end > cfg.apart_s:
                losses.append(open_loss.pop((a, b)))
                ev = None
            if ev is None:
                ev = open_loss[(a, b)] = LossEvent(a, b, now, now, h, v)
                ev._x = ((x[i] + x[j]) / 2, (y[i] + y[j]) / 2, (z[i] + z[j]) / 2)
            ev.end = now
            ev.min_v = min(ev.min_v, v)
            if h < ev.min_h:
                ev.min_h = h
                ev._x = ((x[i] + x[j]) / 2, (y[i] + y[j]) / 2, (z[i] + z[j]) / 2)
        for key in [k for k, e in open_loss.items() if w1 - e.end > cfg.apart_s]:
            losses.append(open_loss.pop(key))
        _alerts_in_window(rec, smp, w0, w1, cfg, region, open_alert, alerts)
        if progress is not None:
            progress(float(w1 - start), float(end - start))
    losses += open_loss.values()
    alerts += open_alert.values()
    _finish(rec, losses, alerts, cfg)
    return ReplayResult(sorted(losses, key=lambda e: (e.start, e.a, e.b)),
                        sorted(alerts, key=lambda e: (e.start, e.a, e.b)), float(start), float(end), samples)


def _alerts_in_window(rec: Recording, smp: dict[str, NDArray], w0: int, w1: int,  # type: ignore[type-arg]
                      cfg: ReplaySettings, region: RegionSettings, open_alert: dict[tuple[int, int], AlertEvent],
                      alerts: list[AlertEvent]) -> None:
    s = smp["s"]
    pick = np.flatnonzero((s - w0) % cfg.alert_step_s == 0)
    if len(pick) == 0:
        return
    pick = pick[np.argsort(s[pick], kind="stable")]
    rows, f = smp["row"][pick], smp["f"][pick]
    lat = rec.lat[rows] + f * (rec.lat[rows + 1] - rec.lat[rows])
    dlon = (rec.lon[rows + 1] - rec.lon[rows] + 540.0) % 360.0 - 180.0
    lon = (rec.lon[rows] + f * dlon + 540.0) % 360.0 - 180.0
    alt = smp["alt"][pick]
    gs, trk, vs = _velocities(rec, rows)
    ac = smp["ac"][pick]
    sp = s[pick]
    bounds = np.flatnonzero(np.diff(sp)) + 1
    for blk in np.split(np.arange(len(sp)), bounds):
        if len(blk) < 2:
            continue
        now = float(sp[blk[0]])
        st = States([str(k) for k in ac[blk]], lat[blk], lon[blk], alt[blk], np.nan_to_num(gs[blk]),
                    np.nan_to_num(trk[blk]), np.nan_to_num(vs[blk]))
        res = detect(st, region)
        for i, j, tier in zip(res.a, res.b, res.tier, strict=True):
            p, q = int(ac[blk[i]]), int(ac[blk[j]])
            a, b = (p, q) if p < q else (q, p)
            ev = open_alert.get((a, b))
            if ev is not None and now - ev.end > cfg.apart_s:
                alerts.append(open_alert.pop((a, b)))
                ev = None
            if ev is None:
                ev = open_alert[(a, b)] = AlertEvent(a, b, now, now, int(tier))
            ev.end, ev.max_tier = now, max(ev.max_tier, int(tier))
    for key in [k for k, e in open_alert.items() if w1 - e.end > cfg.apart_s]:
        alerts.append(open_alert.pop(key))


def _finish(rec: Recording, losses: list[LossEvent], alerts: list[AlertEvent], cfg: ReplaySettings) -> None:
    """Places and quality of the losses; outcome and lead time of the alerts."""
    if losses:
        la, lo = ecef_to_latlon(np.array([e._x[0] for e in losses]), np.array([e._x[1] for e in losses]),
                                np.array([e._x[2] for e in losses]))
        bounds = np.searchsorted(rec.ac, np.arange(len(rec.icao24) + 1))  # rows of each aircraft
        for k, ev in enumerate(losses):
            ev.lat, ev.lon = float(la[k]), float(lo[k])
            ev.quality = quality(rec, ev, cfg, bounds)
    by_pair: dict[tuple[int, int], list[LossEvent]] = {}
    for ev in losses:
        by_pair.setdefault((ev.a, ev.b), []).append(ev)
    for al in alerts:
        for ev in sorted(by_pair.get((al.a, al.b), []), key=lambda e: e.start):
            if ev.start <= al.start <= ev.end + cfg.apart_s:  # the loss had begun: late
                al.loss_start, al.lead_s, al.outcome = ev.start, ev.start - al.start, "late"
                break
            if al.start < ev.start <= al.start + cfg.lookahead_s + cfg.apart_s:
                al.loss_start, al.lead_s, al.outcome = ev.start, ev.start - al.start, "warned"
                break


def quality(rec: Recording, ev: LossEvent, cfg: ReplaySettings, bounds: NDArray[np.int64]) -> list[str]:
    """The suspect-data flags of a loss event (module doc), empty when the data look sound;
    ``bounds[k]:bounds[k + 1]`` are the rows of aircraft ``k``."""
    flags = []
    lo_t, hi_t = ev.start - cfg.apart_s - cfg.max_gap_s, ev.end + cfg.apart_s + cfg.max_gap_s
    frozen = glitch = False
    for k in (ev.a, ev.b):
        r0, r1 = int(bounds[k]), int(bounds[k + 1])
        i0 = r0 + int(np.searchsorted(rec.t[r0:r1], lo_t, "left"))
        i1 = r0 + int(np.searchsorted(rec.t[r0:r1], hi_t, "right"))
        rows = np.arange(i0, i1)
        if len(rows) < 2:
            continue
        t, lat, lon, alt, gs = rec.t[rows], rec.lat[rows], rec.lon[rows], rec.alt[rows], rec.gs[rows]
        same = (np.diff(lat) == 0) & (np.diff(lon) == 0) & (np.nan_to_num(gs[1:], nan=1e9) > 50 * KT)
        run_start = None
        for i, flag in enumerate(same):
            if flag and run_start is None:
                run_start = t[i]
            if flag and t[i + 1] - run_start >= 10.0:
                frozen = True
            if not flag:
                run_start = None
        dt = np.diff(t)
        rate = np.abs(np.diff(alt)) / np.maximum(dt, 1e-3)
        if np.any(rate > 10_000 * FT / 60.0):
            glitch = True
        if len(rows) >= 3:
            up, down = alt[1:-1] - alt[:-2], alt[1:-1] - alt[2:]
            spike = (np.sign(up) == np.sign(down)) & (np.abs(up) > 500 * FT) & (np.abs(down) > 500 * FT)
            glitch |= bool(np.any(spike))
    if frozen:
        flags.append("frozen_position")
    if glitch:
        flags.append("altitude_glitch")
    if ev.min_v >= cfg.v_m - 100 * FT:
        flags.append("one_level_apart")
    return flags
