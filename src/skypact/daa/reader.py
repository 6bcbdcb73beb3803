"""Reader of DAIDALUS encounter files (``.daa`` geodesic, ``.xyz`` Euclidean).

Format (``shared/oracle/daidalus/README.md`` §2): ``#`` comments, a header line of column names
(case-insensitive), an optional units line (``[deg]``, ``[knot]`` ...), then one row per
aircraft and time.  Fields are separated by blanks and/or commas.  A name of ``"`` repeats the
previous row's name.  Rows with the same time form one step; when an aircraft has several
rows at one time, **the last one wins** (as DAIDALUS does).  Every value is converted to SI.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from skypact.daa.units import ANGLE, LENGTH, NONE, SPEED, TIME, Dim, parse_unit
from skypact.errors import FormatError, Location
from skypact.i18n import N_

__all__ = ["Encounter", "Report", "read_encounter"]

_SPLIT = re.compile(r"[,\s]+")
_DEFAULT_UNITS = {"lat": "deg", "lon": "deg", "alt": "ft", "sx": "nmi", "sy": "nmi", "sz": "ft", "trk": "deg",
                  "gs": "knot", "vs": "fpm", "vx": "knot", "vy": "knot", "vz": "fpm", "time": "s",
                  "heading": "deg", "airspeed": "knot",
                  "s_ew_std": "nmi", "s_ns_std": "nmi", "s_en_std": "nmi", "sz_std": "ft",
                  "v_ew_std": "knot", "v_ns_std": "knot", "v_en_std": "knot", "vz_std": "fpm"}
#: the kind of quantity each known column holds; a unit of another kind is refused
_COLUMN_DIM: dict[str, Dim] = {
    "name": NONE, "alerter": NONE, "time": TIME,
    **dict.fromkeys(("lat", "lon", "trk", "heading"), ANGLE),
    **dict.fromkeys(("alt", "sx", "sy", "sz", "s_ew_std", "s_ns_std", "s_en_std", "sz_std"), LENGTH),
    **dict.fromkeys(("gs", "vs", "vx", "vy", "vz", "airspeed", "v_ew_std", "v_ns_std", "v_en_std", "vz_std"),
                    SPEED),
}


@dataclass(frozen=True)
class Report:
    """One aircraft at one time, SI.  Geodesic: lat/lon in rad; Euclidean: x/y in m."""

    name: str
    time: float
    pos: tuple[float, float, float]
    vel: tuple[float, float, float]  #: east, north, up (m/s)
    alerter: int | None
    heading: float | None
    airspeed: float | None
    line: int
    alt_raw: float  #: the altitude as written, in the file's altitude unit


@dataclass
class Encounter:
    """A parsed file: geodesic or not, aircraft in order of first appearance, steps by time."""

    geodesic: bool
    alt_scale: float = 1.0  #: metres per unit of the altitude column
    order: list[str] = field(default_factory=list)
    steps: dict[float, dict[str, Report]] = field(default_factory=dict)

    def times(self) -> list[float]:
        return sorted(self.steps)


def _fields(line: str) -> list[str]:
    return [f for f in _SPLIT.split(line.strip()) if f]


def _is_units(tokens: list[str]) -> bool:
    return all((t.startswith("[") and t.endswith("]")) or t.lower() in ("unitless", "-") for t in tokens)


def read_encounter(text: str, file: str | None = None) -> Encounter:
    """Parse an encounter file.

    Raises:
        FormatError: a malformed line, unknown unit, missing column, NaN or out-of-range value,
            naming the file, line and column.
    """
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), start=1)
             if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise FormatError(N_("no header line: the file has no data"), Location(file=file))
    head_line, header = lines[0][0], [h.lower() for h in _fields(lines[0][1])]
    rest = lines[1:]
    units = [_DEFAULT_UNITS.get(h, "none") for h in header]
    if rest and _is_units(_fields(rest[0][1])):
        toks = _fields(rest[0][1])
        if len(toks) != len(header):
            raise FormatError(N_("line {line}: {got} units for {want} columns"), Location(file=file),
                              line=rest[0][0], got=len(toks), want=len(header))
        units = [t.strip("[]").lower() for t in toks]
        rest = rest[1:]
    scale: list[float] = []
    for col, u in zip(header, units, strict=True):
        unit = parse_unit(u)
        if unit is None:
            raise FormatError(N_("unknown unit [{unit}] of column {column}"), Location(file=file, field=col),
                              unit=u, column=col)
        if col in _COLUMN_DIM and unit.dim != _COLUMN_DIM[col]:
            raise FormatError(N_("unit [{unit}] does not fit column {column}"), Location(file=file, field=col),
                              unit=u, column=col)
        scale.append(unit.factor)
    geodesic = "lat" in header and "lon" in header
    need = ["name", "time"] + (["lat", "lon", "alt"] if geodesic else ["sx", "sy", "sz"])
    missing = [c for c in need if c not in header]
    has_polar = all(c in header for c in ("trk", "gs", "vs"))
    has_cart = all(c in header for c in ("vx", "vy", "vz"))
    if missing or not (has_polar or has_cart):
        cols = missing or ["trk gs vs | vx vy vz"]
        raise FormatError(N_("line {line}: missing columns {columns}"), Location(file=file),
                          line=head_line, columns=", ".join(cols))
    idx = {h: i for i, h in enumerate(header)}
    alt_col = "alt" if geodesic else "sz"
    enc = Encounter(geodesic, alt_scale=scale[idx[alt_col]])
    prev_name = ""
    for n, raw in rest:
        toks = _fields(raw)
        if len(toks) != len(header):
            raise FormatError(N_("line {line}: {got} fields where the header has {want}"), Location(file=file),
                              line=n, got=len(toks), want=len(header))
        name = prev_name if toks[idx["name"]] == '"' else toks[idx["name"]].strip('"')
        prev_name = name

        def num(col: str, toks: list[str] = toks, n: int = n) -> float:
            i = idx[col]
            try:
                x = float(toks[i])
            except ValueError:
                raise FormatError(N_("line {line}, column {column}: {value!r} is not a number"),
                                  Location(file=file, field=col), line=n, column=col, value=toks[i]) from None
            if not math.isfinite(x):
                raise FormatError(N_("line {line}, column {column}: the value must be finite"),
                                  Location(file=file, field=col), line=n, column=col)
            return x * scale[i]

        if geodesic:
            lat, lon = num("lat"), num("lon")
            if abs(lat) > math.pi / 2 or abs(lon) > math.pi + 1e-12:
                raise FormatError(N_("line {line}: latitude or longitude out of range"),
                                  Location(file=file, field="lat"), line=n)
            pos = (lat, lon, num("alt"))
        else:
            pos = (num("sx"), num("sy"), num("sz"))
        if has_cart:
            vel = (num("vx"), num("vy"), num("vz"))
        else:
            trk, gs = num("trk"), num("gs")
            if gs < 0:
                raise FormatError(N_("line {line}: ground speed must not be negative"),
                                  Location(file=file, field="gs"), line=n)
            vel = (gs * math.sin(trk), gs * math.cos(trk), num("vs"))
        alerter = None
        if "alerter" in idx:
            try:
                alerter = int(float(toks[idx["alerter"]]))
            except ValueError:
                raise FormatError(N_("line {line}, column {column}: {value!r} is not a number"),
                                  Location(file=file, field="alerter"), line=n, column="alerter",
                                  value=toks[idx["alerter"]]) from None
        heading = num("heading") if "heading" in idx else None
        airspeed = num("airspeed") if "airspeed" in idx else None
        alt_raw = float(toks[idx[alt_col]])  # already checked by num() above
        rep = Report(name, num("time"), pos, vel, alerter, heading, airspeed, n, alt_raw)
        if name not in enc.order:
            enc.order.append(name)
        enc.steps.setdefault(rep.time, {})[name] = rep  # the last row of a time wins
    return enc
