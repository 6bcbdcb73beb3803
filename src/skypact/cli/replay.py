"""``skypact replay``: losses of separation and alert lead times over a traffic recording."""

from __future__ import annotations

import csv
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from skypact.cli.common import LangChoice, fail, out, progress, t
from skypact.errors import FormatError, SkypactError
from skypact.i18n import N_

LOSS_COLUMNS = ("icao24_a", "icao24_b", "callsign_a", "callsign_b", "start", "end", "min_horizontal_nm",
                "min_vertical_ft", "lat", "lon", "quality", "alert_lead_s")
ALERT_COLUMNS = ("icao24_a", "icao24_b", "callsign_a", "callsign_b", "start", "end", "max_tier", "loss_start",
                 "lead_s", "outcome")


def _when(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        d = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FormatError(N_("not a time: {value} (use RFC 3339 or epoch seconds)"), value=text) from None
    return (d if d.tzinfo else d.replace(tzinfo=UTC)).timestamp()


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def replay(
    recording: Annotated[Path, typer.Argument(help="Recording (Parquet or CSV, OpenSky / traffic columns).")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Directory for losses.csv and alerts.csv.")],
    speed: Annotated[float | None, typer.Option("--speed", help="Play at X times real time (default: --fast).")]
    = None,
    fast: Annotated[bool, typer.Option("--fast", help="As fast as the machine can (the default).")] = False,
    start: Annotated[str | None, typer.Option("--start", help="First moment (RFC 3339 or epoch s).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last moment (RFC 3339 or epoch s).")] = None,
    h_nm: Annotated[float, typer.Option("--h-nm", help="Horizontal minimum (NM).")] = 5.0,
    v_ft: Annotated[float, typer.Option("--v-ft", help="Vertical minimum (ft).")] = 1000.0,
    lookahead: Annotated[float, typer.Option("--lookahead", help="Alerting look-ahead (s).")] = 120.0,
    alert_step: Annotated[int, typer.Option("--alert-step", help="Seconds between alerting cycles.")] = 1,
    lang: Annotated[LangChoice, typer.Option("--lang", help="Language of the summary.")] = LangChoice.both,
    show_progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar on stderr.")] = True,
) -> None:
    """Replay a recording: losses of separation (losses.csv) and the alerts the tactical engine
    would have given, with their lead times (alerts.csv).  Ground aircraft are left out; events on
    suspect data are flagged in the quality column (see docs/replay.md)."""
    from skypact.surveillance.recording import read_recording
    from skypact.surveillance.replay import ReplaySettings
    from skypact.surveillance.replay import replay as run
    from skypact.units import FT, NM

    if speed is not None and (fast or speed <= 0):
        raise typer.BadParameter("give either --speed X (X > 0) or --fast")
    try:
        rec = read_recording(recording).window(_when(start), _when(end))
    except SkypactError as e:
        raise fail(e) from None
    cfg = ReplaySettings(h_m=h_nm * NM, v_m=v_ft * FT, lookahead_s=lookahead, alert_step_s=max(1, alert_step))
    t0 = time.perf_counter()
    with progress(show_progress) as bar:
        task = bar.add_task(t(N_("replaying {file}"), lang, file=recording.name), total=1.0)

        def moved(done: float, total: float) -> None:
            bar.update(task, completed=done / max(total, 1.0))
            if speed is not None:  # keep pace with the recording's clock
                time.sleep(max(0.0, done / speed - (time.perf_counter() - t0)))

        res = run(rec, cfg, moved)
    wall = time.perf_counter() - t0
    out_dir.mkdir(parents=True, exist_ok=True)
    ic, cs = rec.icao24, rec.callsign
    lead: dict[tuple[int, int, float], float] = {}  # a loss's earliest warning
    for a in res.alerts:
        if a.outcome == "warned" and a.loss_start is not None and a.lead_s is not None:
            k = (a.a, a.b, a.loss_start)
            lead[k] = max(lead.get(k, 0.0), a.lead_s)
    with (out_dir / "losses.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(LOSS_COLUMNS)
        for ev in res.losses:
            ahead = lead.get((ev.a, ev.b, ev.start))
            w.writerow([ic[ev.a], ic[ev.b], cs[ev.a], cs[ev.b], _iso(ev.start), _iso(ev.end), f"{ev.min_h / NM:.3f}",
                        f"{ev.min_v / FT:.0f}", f"{ev.lat:.5f}", f"{ev.lon:.5f}", ";".join(ev.quality) or "ok",
                        "" if ahead is None else f"{ahead:.0f}"])
    with (out_dir / "alerts.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ALERT_COLUMNS)
        for a in res.alerts:
            w.writerow([ic[a.a], ic[a.b], cs[a.a], cs[a.b], _iso(a.start), _iso(a.end), a.max_tier,
                        "" if a.loss_start is None else _iso(a.loss_start),
                        "" if a.lead_s is None else f"{a.lead_s:.0f}", a.outcome])
    span = res.end - res.start
    counts = {k: sum(1 for a in res.alerts if a.outcome == k) for k in ("warned", "late", "false")}
    out.print(t(N_("replayed {hours} h of traffic ({reports} reports, {aircraft} aircraft) in {wall} s, {x}x real "
                   "time: {losses} losses of separation; {alerts} alerts: {warned} warned, {late} late, {false} false"),
                lang, hours=f"{span / 3600:.2f}", reports=len(rec), aircraft=len(set(rec.ac.tolist())),
                wall=f"{wall:.1f}", x=f"{span / max(wall, 1e-9):.0f}", losses=len(res.losses), alerts=len(res.alerts),
                warned=counts["warned"], late=counts["late"], false=counts["false"]))
    out.print(t(N_("wrote {files} to {dir}"), lang, files="losses.csv, alerts.csv", dir=str(out_dir)))
