"""``skypact conflicts``: every pair in or predicted in loss of separation, from live states."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Annotated

import typer

from skypact.cli.common import fail
from skypact.errors import InputError


def conflicts(
    states: Annotated[Path, typer.Argument(help="CSV or Parquet with id,lat,lon,alt_ft,gs_kt,trk_deg,vs_fpm.")],
    h_nm: Annotated[float, typer.Option("--h-nm", help="Horizontal minimum (NM).")] = 5.0,
    v_ft: Annotated[float, typer.Option("--v-ft", help="Vertical minimum (ft).")] = 1000.0,
    lookahead: Annotated[float, typer.Option("--lookahead", help="Look-ahead (s).")] = 300.0,
    warning: Annotated[float, typer.Option("--warning", help="Tier 2 when predicted within this (s).")] = 60.0,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="CSV to write (default: stdout).")] = None,
) -> None:
    """List every unordered pair in loss of separation now or predicted within the look-ahead.

    Columns: id_a, id_b (id_a comes first in the input), t_in, t_out, tcpa (s from now),
    dcpa (NM), tier (3 = loss of separation now, 2 = within the warning time, 1 = within the
    look-ahead).  Loss of separation: horizontal < H and vertical < V, strictly.
    """
    from skypact.ingest.states import read_states
    from skypact.tactical.region import RegionSettings, detect
    from skypact.units import FT, NM

    try:
        st = read_states(states)
    except InputError as e:
        raise fail(e) from None
    res = detect(st, RegionSettings(h_m=h_nm * NM, v_m=v_ft * FT, lookahead_s=lookahead, warning_s=warning))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("id_a", "id_b", "t_in", "t_out", "tcpa", "dcpa", "tier"))
    for a, b, t0, t1, tc, dc, tier in zip(res.a, res.b, res.t_in, res.t_out, res.tcpa, res.dcpa, res.tier,
                                          strict=True):
        w.writerow((st.ids[a], st.ids[b], f"{t0:.3f}", f"{t1:.3f}", f"{tc:.3f}", f"{dc / NM:.4f}", int(tier)))
    if output is None:
        sys.stdout.write(buf.getvalue())
    else:
        output.write_text(buf.getvalue(), encoding="utf-8")
