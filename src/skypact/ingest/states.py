"""Live-state tables (CSV or Parquet) for whole-region detection.

Columns: ``id, lat, lon, alt_ft, gs_kt, trk_deg, vs_fpm`` (aviation units; other columns are
ignored).  Rows keep their order: a pair's first aircraft is the one that comes first.  Every
value is checked (finite, in range) and a bad one is reported with its file, row and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from skypact.errors import FormatError, Location
from skypact.i18n import N_
from skypact.tactical.region import States
from skypact.units import FPM, FT, KT

__all__ = ["COLUMNS", "read_states"]

COLUMNS = ("id", "lat", "lon", "alt_ft", "gs_kt", "trk_deg", "vs_fpm")
_RANGES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0), "alt_ft": (-2000.0, 200_000.0), "gs_kt": (0.0, 2000.0),
           "trk_deg": (-360.0, 360.0), "vs_fpm": (-30_000.0, 30_000.0)}


def _table(path: Path) -> pa.Table:
    if not path.is_file():
        raise FormatError(N_("file not found"), Location(file=str(path)))
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pq.read_table(path)
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types={"id": pa.string()}))
    except (pa.ArrowInvalid, OSError) as e:
        raise FormatError(N_("cannot read the file: {detail}"), Location(file=str(path)),
                          detail=str(e).splitlines()[0]) from None


def read_states(path: str | Path) -> States:
    """Read and check a state table.

    Raises:
        FormatError: unreadable file, missing column, non-numeric, NaN or out-of-range value.
    """
    p = Path(path)
    tab = _table(p)
    missing = [c for c in COLUMNS if c not in tab.column_names]
    if missing:
        raise FormatError(N_("CSV header lacks the columns {columns}"), Location(file=str(p)),
                          columns=", ".join(missing))
    cols: dict[str, np.ndarray] = {}
    for c in COLUMNS[1:]:
        try:
            arr = pc.cast(tab[c], pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise FormatError(N_("column {column} must be numeric"), Location(file=str(p), field=c),
                              column=c) from None
        lo, hi = _RANGES[c]
        bad = np.flatnonzero(~np.isfinite(arr) | (arr < lo) | (arr > hi))
        if len(bad):
            r = int(bad[0])
            raise FormatError(N_("row {row}, column {column}: {value} is missing or out of range [{lo}, {hi}]"),
                              Location(file=str(p), field=c), row=r + 1, column=c, value=arr[r], lo=lo, hi=hi)
        cols[c] = arr
    ids = [str(x) for x in tab["id"].to_pylist()]
    if any(x in ("", "None") for x in ids):
        raise FormatError(N_("column {column} must be numeric"), Location(file=str(p), field="id"), column="id")
    return States(ids, cols["lat"], cols["lon"], cols["alt_ft"] * FT, cols["gs_kt"] * KT,
                  np.mod(cols["trk_deg"], 360.0), cols["vs_fpm"] * FPM)
