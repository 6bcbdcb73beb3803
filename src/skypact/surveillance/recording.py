"""Traffic recordings in the OpenSky / ``traffic`` column layout, CSV or Parquet.

Columns (others are ignored): ``timestamp`` (epoch seconds, or an RFC 3339 / ISO time, UTC when
no offset), ``icao24``, ``callsign``, ``latitude``, ``longitude`` (degrees), ``altitude``
(barometric, feet), ``groundspeed`` (knots), ``track`` (degrees), ``vertical_rate`` (feet per
minute) and ``onground``.  Rows on the ground, or without a position or an altitude, are left
out (counted in :attr:`Recording.dropped`).  Internally everything is SI: seconds, metres, m/s.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from numpy.typing import NDArray

from skypact.errors import FormatError, Location
from skypact.i18n import N_
from skypact.units import FPM, FT, KT

__all__ = ["COLUMNS", "Recording", "read_recording"]

COLUMNS = ("timestamp", "icao24", "callsign", "latitude", "longitude", "altitude", "groundspeed", "track",
           "vertical_rate", "onground")
_NEEDED = ("timestamp", "icao24", "latitude", "longitude", "altitude")
F64 = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Recording:
    """Airborne reports sorted by aircraft, then time; ``ac`` indexes ``icao24``/``callsign``."""

    t: F64
    ac: NDArray[np.int64]
    lat: F64
    lon: F64
    alt: F64  #: barometric altitude (m)
    gs: F64  #: m/s (NaN when not reported)
    trk: F64  #: degrees (NaN when not reported)
    vs: F64  #: m/s (NaN when not reported)
    icao24: list[str]
    callsign: list[str]
    dropped: int = 0

    def __len__(self) -> int:
        return len(self.t)

    def window(self, start: float | None, end: float | None) -> Recording:
        """The reports between ``start`` and ``end`` (epoch seconds; None: open)."""
        if start is None and end is None:
            return self  # no copy of a day of reports
        keep = np.ones(len(self.t), dtype=bool)
        if start is not None:
            keep &= self.t >= start
        if end is not None:
            keep &= self.t <= end
        return Recording(self.t[keep], self.ac[keep], self.lat[keep], self.lon[keep], self.alt[keep], self.gs[keep],
                         self.trk[keep], self.vs[keep], self.icao24, self.callsign, self.dropped)


def _read(path: Path) -> pa.Table:
    if not path.is_file():
        raise FormatError(N_("file not found"), Location(file=str(path)))
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pq.read_table(path, columns=None)
        opts = pacsv.ConvertOptions(column_types={"icao24": pa.string(), "callsign": pa.string()})
        return pacsv.read_csv(path, convert_options=opts)
    except (pa.ArrowInvalid, OSError) as e:
        raise FormatError(N_("cannot read the file: {detail}"), Location(file=str(path)),
                          detail=str(e).splitlines()[0]) from None


def _seconds(col: pa.ChunkedArray) -> F64:
    """Epoch seconds of a timestamp column (numbers, timestamps or ISO text)."""
    if pa.types.is_timestamp(col.type):
        us = col.cast(pa.timestamp("us", tz=col.type.tz)).cast(pa.int64()).to_numpy()
        return np.asarray(us, dtype=np.float64) / 1e6
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        ts = pc.strptime(pc.replace_substring_regex(col, r"(\.\d+)?(Z|[+-]00:?00)?$", ""),
                         format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
        frac = pc.extract_regex(col, r"(?P<f>\.\d+)")
        base = ts.cast(pa.int64()).to_numpy(zero_copy_only=False).astype(np.float64)
        f = np.array([float(x["f"]) if x is not None and x.as_py() is not None else 0.0 for x in frac]
                     if frac.null_count < len(frac) else np.zeros(len(col)))
        return np.asarray(base + f, dtype=np.float64)
    return np.asarray(col.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def _num(table: pa.Table, name: str) -> F64:
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    return np.asarray(table[name].cast(pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False),
                      dtype=np.float64)


def read_recording(path: str | Path) -> Recording:
    """Read a recording; raises :class:`FormatError` (file, column) on a missing column."""
    p = Path(path)
    table = _read(p)
    for name in _NEEDED:
        if name not in table.column_names:
            raise FormatError(N_("missing column {column}"), Location(file=str(p)), column=name)
    t = _seconds(table["timestamp"])
    lat, lon, alt = _num(table, "latitude"), _num(table, "longitude"), _num(table, "altitude") * FT
    ground = (table["onground"].cast(pa.bool_()).fill_null(False).to_numpy(zero_copy_only=False)
              if "onground" in table.column_names else np.zeros(table.num_rows, dtype=bool))
    keep = ~ground & np.isfinite(t) & np.isfinite(lat) & np.isfinite(lon) & np.isfinite(alt)
    keep &= (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    enc = pc.dictionary_encode(table["icao24"].cast(pa.string())).combine_chunks()
    uniq = [str(x) for x in enc.dictionary.to_pylist()]
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    calls = [""] * len(uniq)
    if "callsign" in table.column_names:  # the first call sign each aircraft reports
        cs = pc.utf8_trim_whitespace(table["callsign"].cast(pa.string())).combine_chunks()
        named = np.flatnonzero(keep & pc.fill_null(pc.greater(pc.utf8_length(cs), 0), False)
                               .to_numpy(zero_copy_only=False))
        first_codes, first = np.unique(codes[named], return_index=True)
        for k, v in zip(first_codes, cs.take(pa.array(named[first])).to_pylist(), strict=True):
            calls[int(k)] = str(v)
    idx = np.flatnonzero(keep)
    order = idx[np.lexsort((t[idx], codes[idx]))]
    gs, trk, vs = (_num(table, c)[order] for c in ("groundspeed", "track", "vertical_rate"))
    del table  # the rest is in numpy arrays now
    return Recording(t[order], codes[order], lat[order], lon[order], alt[order], gs * KT, trk, vs * FPM, uniq, calls,
                     int(len(t) - len(idx)))
