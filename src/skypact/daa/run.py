"""Run a preset over an encounter and write the DAIDALUS alerting CSV.

Per time step (``shared/oracle/daidalus/README.md`` §2, §4, §7): the ownship is the first
aircraft (by first appearance) present at that step, every other aircraft present is traffic,
in order of first appearance; nothing is carried from earlier steps except the wind.  One row
per (step, traffic); pairs whose alerter index the preset lacks give no row.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from skypact.daa.reader import Encounter, Report
from skypact.tactical.alerting import Preset, alert_level
from skypact.tactical.detectors import Relative
from skypact.tactical.hysteresis import PairFilter, StatefulParams, raised_levels
from skypact.tactical.numeric import almost_equals
from skypact.tactical.projection import GeoState, Vec3, project_state
from skypact.units import FPM, FT, KT, NM

__all__ = ["Row", "alert_rows", "format_number", "to_csv"]


@dataclass(frozen=True)
class Row:
    time: float
    ownship: str
    traffic: str
    alerter: int
    level: int
    times: list[float]
    rel: Relative
    lookahead: float
    taumod_dthr: float | None


def _state(rep: Report, geodesic: bool, wind: tuple[float, float], origin: tuple[float, float]) -> tuple[Vec3, Vec3]:
    ve, vn, vz = rep.vel[0] - wind[0], rep.vel[1] - wind[1], rep.vel[2]
    if geodesic:
        return project_state(GeoState(rep.pos[0], rep.pos[1], rep.pos[2], ve, vn, vz), *origin)
    return rep.pos, (ve, vn, vz)


def alert_rows(enc: Encounter, preset: Preset, ownship: str | None = None, all_pairs: bool = False,
               stateful: StatefulParams | None = None) -> Iterator[Row]:
    """Alerting rows of every step, ownship first (or ``ownship``; with ``all_pairs`` every
    aircraft in turn is the ownship).  With ``stateful``, each pair's level goes through the
    filter of :mod:`skypact.tactical.hysteresis`."""
    wind = (0.0, 0.0)
    filters: dict[tuple[str, str], PairFilter] = {}
    for t in enc.times():
        step = enc.steps[t]
        present = [n for n in enc.order if n in step]
        if not present:
            continue
        first = present[0]
        own_rep = step[first]
        if own_rep.heading is not None and own_rep.airspeed is not None:
            wind = (own_rep.vel[0] - own_rep.airspeed * math.sin(own_rep.heading),
                    own_rep.vel[1] - own_rep.airspeed * math.cos(own_rep.heading))
        if all_pairs:
            owners = present
        elif ownship is not None:
            owners = [ownship] if ownship in step else []
        else:
            owners = [first]
        for own in owners:
            o = step[own]
            origin = (o.pos[0], o.pos[1])
            op, ov = _state(o, enc.geodesic, wind, origin)
            for name in present:
                if name == own:
                    continue
                i = step[name]
                chosen = o.alerter if preset.ownship_centric else i.alerter
                idx = 1 if chosen is None else chosen
                alerter = preset.alerters.get(idx)
                if alerter is None:
                    continue
                ip, iv = _state(i, enc.geodesic, wind, origin)
                # altitudes are subtracted as written, then converted: FL200 - FL190 is exactly
                # 1000 ft, as FL210 - FL200 is (converting first puts one side 1e-13 m inside)
                sz = (o.alt_raw - i.alt_raw) * enc.alt_scale
                rel = Relative(op[0] - ip[0], op[1] - ip[1], sz, ov[0] - iv[0], ov[1] - iv[1],
                               ov[2] - iv[2], ov, iv)
                level, times = alert_level(alerter, rel, preset.lookahead)
                if stateful is not None:
                    f = filters.setdefault((own, name), PairFilter(stateful))
                    raised = raised_levels(times, [lv.alerting_time for lv in alerter.levels],
                                           [lv.early for lv in alerter.levels], f.issued)
                    level = f.step(t, raised)
                yield Row(t, own, name, idx, level, times, rel, preset.lookahead, preset.taumod_dthr)


def format_number(x: float) -> str:
    """At most 6 decimals (half-to-even on the binary value), trailing zeros dropped, ``infty``."""
    if x == math.inf:
        return "infty"
    if x == 0.0 or -5e-8 < x < 0.0:
        return "0.0"
    text = f"{x:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _cells(r: Row, columns: int) -> list[str]:
    rel, t_max = r.rel, r.lookahead
    s = math.sqrt(rel.s2)
    v = math.sqrt(rel.v2)
    sv = rel.sdotv
    tcpa = -sv / rel.v2 if rel.v2 != 0.0 else 0.0
    hmd = math.hypot(rel.sx + min(tcpa, t_max) * rel.vx, rel.sy + min(tcpa, t_max) * rel.vy) if sv < 0 else s
    sz, vz = rel.sz, rel.vz
    vmd = (0.0 if -sz / vz <= t_max else abs(sz + t_max * vz)) if sz * vz < 0 else abs(sz)
    dcpa = s if tcpa <= 0 else math.hypot(rel.sx + tcpa * rel.vx, rel.sy + tcpa * rel.vy)
    if almost_equals(vz, 0.0):
        tcoa = ""
    else:
        tc = 0.0 if sz == 0 else -sz / vz
        tcoa = format_number(tc) if tc >= 0 else ""
    ttv = [format_number(x) for x in r.times] + [""] * (columns - len(r.times))
    cells = [format_number(r.time), r.ownship, r.traffic, str(r.alerter), str(r.level), *ttv,
             format_number(s / NM), format_number(abs(sz) / FT), format_number(v / KT), format_number(abs(vz) / FPM),
             format_number(hmd / NM), format_number(vmd / FT), format_number(max(0.0, tcpa)),
             format_number(dcpa / NM), tcoa]
    if r.taumod_dthr is not None:
        d = r.taumod_dthr
        cells.append(format_number((d * d - rel.s2) / sv) if s > d and sv < 0 else "")
    else:
        cells.append("")  # DAIDALUS ends CD3D rows with an extra empty field
    return cells


def to_csv(rows: Iterator[Row], preset: Preset) -> str:
    """The alerting table as DAIDALUS's ``DaidalusAlerting`` writes it."""
    k = preset.columns
    names = [" Time", "Ownship", "Traffic", "Alerter", "Alert Level",
             *(f"Time to Volume of Alert({i})" for i in range(1, k + 1)),
             "Horizontal Separation", "Vertical Separation", "Horizontal Closure Rate", "Vertical Closure Rate",
             "Projected HMD", "Projected VMD", "Projected TCPA", "Projected DCPA", "Projected TCOA"]
    units = ["[s],,,,", *(["[s]"] * k), "[nmi]", "[ft]", "[knot]", "[fpm]", "[nmi]", "[ft]", "[s]", "[nmi]", "[s]"]
    if preset.taumod_dthr is not None:
        names.append("Projected TAUMOD (WCV*)")
        units.append("[s]")
    out = [", ".join(names), units[0] + ", " + ", ".join(units[1:])]
    out += [", ".join(_cells(r, k)) for r in rows]
    return "\n".join(out) + "\n"
