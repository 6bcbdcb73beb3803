"""``skypact ingest``: surveillance in (SBS, Beast, or a recording), a recording or the service out."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Annotated, Any

import typer

from skypact.cli.common import LangChoice, fail, out, t
from skypact.errors import FormatError, SkypactError
from skypact.i18n import N_


def _post(url: str, token: str, batch: list[dict[str, Any]]) -> None:
    req = urllib.request.Request(f"{url.rstrip('/')}/v1/tracks", data=json.dumps({"tracks": batch}).encode(),
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()


def ingest(
    source: Annotated[str, typer.Argument(help="A file, or tcp://HOST:PORT (e.g. dump1090's 30003 or 30005).")],
    fmt: Annotated[str, typer.Option("--format", help="sbs, beast or recording (CSV/Parquet, OpenSky columns).")]
    = "sbs",
    out_file: Annotated[Path | None, typer.Option("-o", "--out", help="Write a recording (.parquet or .csv).")]
    = None,
    url: Annotated[str | None, typer.Option("--url", help="Report to this skypact service (POST /v1/tracks).")]
    = None,
    token: Annotated[str | None, typer.Option("--token", help="Bearer token of the reporting party.")] = None,
    receiver: Annotated[str | None, typer.Option("--receiver", help="LAT,LON of the receiver (surface positions).")]
    = None,
    start_time: Annotated[float, typer.Option("--start-time", help="Beast file: epoch seconds of its first frame.")]
    = 0.0,
    lang: Annotated[LangChoice, typer.Option("--lang", help="Language of the summary.")] = LangChoice.both,
) -> None:
    """Decode surveillance (SBS/BaseStation text, Mode S Beast binary via pyModeS, or a recording)
    into reports; write them as a recording and/or send them, in batches, to a skypact service as
    the token's party's own aircraft."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from skypact.surveillance.feeds import Report, read_source
    from skypact.surveillance.synthetic import SCHEMA

    if out_file is None and url is None:
        raise typer.BadParameter("give -o FILE, --url URL, or both")
    if url is not None and not token:
        raise typer.BadParameter("--url needs --token")
    ref = None
    if receiver:
        lat, _, lon = receiver.partition(",")
        ref = (float(lat), float(lon))
    try:
        if fmt == "recording":
            from skypact.surveillance.recording import read_recording
            from skypact.units import FPM, FT, KT

            rec = read_recording(source)
            reports = [Report(float(rec.t[i]), rec.icao24[int(rec.ac[i])], rec.callsign[int(rec.ac[i])],
                              float(rec.lat[i]), float(rec.lon[i]), float(rec.alt[i] / FT), float(rec.gs[i] / KT),
                              float(rec.trk[i]), float(rec.vs[i] / FPM), False) for i in range(len(rec))]
        elif fmt in ("sbs", "beast"):
            reports = list(read_source(source, fmt, ref, start_time))
        else:
            raise FormatError(N_("unknown format {format}"), format=fmt)
    except (SkypactError, OSError) as e:
        raise fail(e if isinstance(e, SkypactError) else FormatError(N_("cannot read the file: {detail}"),
                                                                        detail=str(e))) from None
    if out_file is not None:
        table = pa.Table.from_pylist([r.row() for r in reports], schema=SCHEMA)
        if out_file.suffix.lower() == ".csv":
            pacsv.write_csv(table, out_file)
        else:
            pq.write_table(table, out_file)
    sent = 0
    if url is not None and token:
        from datetime import UTC, datetime

        batch = [{"id": r.icao24, "time": datetime.fromtimestamp(r.timestamp, UTC).isoformat(), "lat": r.latitude,
                  "lon": r.longitude, "alt_ft": r.altitude or 0.0, "gs_kt": r.groundspeed or 0.0,
                  "trk_deg": r.track or 0.0, "vs_fpm": r.vertical_rate or 0.0, "callsign": r.callsign or None}
                 for r in reports if not r.onground and r.altitude is not None]
        for i in range(0, len(batch), 1000):
            _post(url, token, batch[i:i + 1000])
        sent = len(batch)
    out.print(t(N_("{n} reports decoded, {sent} sent"), lang, n=len(reports), sent=sent))
