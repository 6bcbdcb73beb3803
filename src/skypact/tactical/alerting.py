"""Alerters: detection volumes with alerting times, and the stateless alert level.

Level k of an alerter is *raised* when its volume's interval is a conflict and the violation
starts now or before the level's alerting time (strictly).  The alert level is the highest
raised level, 0 when none is.  Presets (``shared/oracle/daidalus/README.md`` §6):

* ``cd3d`` - one level: cylinder 5 NM / 1000 ft, look-ahead and alerting time 180 s;
  ownship-centric alerter selection.
  (``--hysteresis`` adds the stateful filter of :mod:`skypact.tactical.hysteresis`; the early
  alerting times below are used only there.)
* ``do365b`` - RTCA DO-365B without sensor-uncertainty mitigation, stateless: alerters
  1 (DWC Phase I), 2 (Phase II), 3 (non-cooperative), three levels each (preventive,
  corrective, warning); chosen per intruder by its ``alerter`` column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from skypact.tactical.detectors import Cylinder, Relative, WellClear, cd3d, is_conflict, wcv_taumod
from skypact.units import FT, NM

__all__ = ["PRESETS", "Alerter", "Level", "Preset", "alert_level"]


@dataclass(frozen=True)
class Level:
    volume: Cylinder | WellClear
    alerting_time: float
    early_alerting_time: float = 0.0  #: used by the stateful mode; 0 means "same as alerting_time"

    @property
    def early(self) -> float:
        return self.early_alerting_time or self.alerting_time

    def interval(self, rel: Relative, t_max: float) -> tuple[float, float]:
        if isinstance(self.volume, Cylinder):
            return cd3d(rel, self.volume, t_max)
        return wcv_taumod(rel, self.volume, t_max)


@dataclass(frozen=True)
class Alerter:
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class Preset:
    """A named configuration: look-ahead, alerters by index, and how the alerter is chosen."""

    name: str
    lookahead: float
    alerters: dict[int, Alerter]
    ownship_centric: bool
    columns: int  #: number of "Time to Volume of Alert(k)" columns
    taumod_dthr: float | None  #: DTHR of the TAUMOD output column (None: no column)


def _wc(dthr: float, zthr_ft: float, tthr: float, at: float, eat: float) -> Level:
    return Level(WellClear(dthr, zthr_ft * FT, tthr, 0.0), at, eat)


PHASE1 = 0.66 * NM
PRESETS: dict[str, Preset] = {
    "cd3d": Preset("CD3D", 180.0, {1: Alerter((Level(Cylinder(5 * NM, 1000 * FT), 180.0),))},
                   ownship_centric=True, columns=1, taumod_dthr=None),
    "do365b": Preset("DO_365B_stateless", 180.0, {
        1: Alerter((_wc(PHASE1, 700, 35, 55, 75), _wc(PHASE1, 450, 35, 55, 75), _wc(PHASE1, 450, 35, 25, 55))),
        2: Alerter((_wc(1500 * FT, 450, 0, 45, 75), _wc(1500 * FT, 450, 0, 45, 75), _wc(1500 * FT, 450, 0, 45, 75))),
        3: Alerter((_wc(2200 * FT, 450, 0, 55, 110), _wc(2200 * FT, 450, 0, 55, 110),
                    _wc(2200 * FT, 450, 0, 25, 90))),
    }, ownship_centric=False, columns=3, taumod_dthr=PHASE1),
}


def alert_level(alerter: Alerter, rel: Relative, lookahead: float) -> tuple[int, list[float]]:
    """The alert level and each level's time to volume (``inf`` when no violation ahead)."""
    times: list[float] = []
    level = 0
    for k, lv in enumerate(alerter.levels, start=1):
        iv = lv.interval(rel, lookahead)
        t_in = iv[0] if is_conflict(iv) else math.inf
        times.append(t_in)
        if t_in != math.inf and (t_in == 0.0 or t_in < lv.alerting_time):
            level = k
    return level, times
