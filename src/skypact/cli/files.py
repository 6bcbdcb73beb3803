"""``skypact validate``, ``skypact convert``, ``skypact schema`` and ``skypact demo-data``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from skypact.cli.common import EXIT_BAD_INPUT, EXIT_OK, LangChoice, err, fail, out, t
from skypact.errors import FormatError, InputError, Location
from skypact.i18n import N_
from skypact.plans.io import read_file, to_csv, to_geojson, to_json
from skypact.plans.model import PlanSet
from skypact.plans.validate import DEFAULT_MAX_SPEED_KT


def validate(
    files: Annotated[list[Path], typer.Argument(help="Files to validate (.json, .geojson, .csv).")],
    lang: Annotated[LangChoice, typer.Option("--lang", help="Language of the text.")] = LangChoice.both,
    max_speed_kt: Annotated[float, typer.Option("--max-speed-kt", help="Reject legs faster than this.")]
    = DEFAULT_MAX_SPEED_KT,
) -> None:
    """Validate files and explain every problem (file, plan, waypoint, field).

    Exit code 0 when every file is valid, 2 otherwise.
    """
    bad = 0
    for f in files:
        try:
            ps = read_file(f, max_speed_kt)
        except InputError as e:
            bad += 1
            for lg in lang.langs():
                err.print(f"[red]✗[/] {escape(e.message(lg))}", markup=True)
            continue
        wps = sum(len(p.waypoints) for p in ps.plans)
        out.print("✓ " + t(N_("{file}: valid, {plans} plans ({waypoints} waypoints), {volumes} volumes"), lang,
                            file=str(f), plans=len(ps.plans), waypoints=wps, volumes=len(ps.volumes)))
    raise typer.Exit(EXIT_BAD_INPUT if bad else EXIT_OK)


def _write(ps: PlanSet, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = to_csv(ps)
    elif suffix == ".geojson":
        text = to_geojson(ps)
    elif suffix == ".json":
        text = to_json(ps)
    else:
        raise FormatError(N_("unknown file type {suffix}: use .json, .geojson or .csv"), Location(file=str(path)),
                          suffix=suffix or "(none)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def convert(
    source: Annotated[Path, typer.Argument(help="Input file (.json, .geojson, .csv).")],
    target: Annotated[Path, typer.Argument(help="Output file; its suffix picks the format.")],
) -> None:
    """Convert plans and volumes between skypact JSON, GeoJSON and CSV (validated on the way)."""
    try:
        _write(read_file(source), target)
    except InputError as e:
        raise fail(e) from None
    out.print(str(target))


def schema(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of skypact JSON documents."""
    from skypact.plans.schema import schema_text

    text = schema_text()
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


def demo_data(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the sample into.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the background traffic.")] = 1,
    lang: Annotated[LangChoice, typer.Option("--lang", help="Language of the text.")] = LangChoice.both,
    recording: Annotated[bool, typer.Option("--recording", help="Write instead a synthetic day of traffic, "
                                            "recording.parquet (OpenSky / traffic columns).")] = False,
    hours: Annotated[float, typer.Option("--hours", help="With --recording: hours of traffic.")] = 24.0,
    airborne: Annotated[int, typer.Option("--airborne", help="With --recording: aircraft flying at once.")] = 3300,
    interval: Annotated[float, typer.Option("--interval", help="With --recording: seconds between reports.")] = 10.0,
) -> None:
    """Write a reproducible two-party sample with known conflicts.

    Files: plans.json (plans), volumes.json (reserved volumes), sample.geojson (both),
    plans.csv (plans as CSV waypoints).  With --recording: recording.parquet, a synthetic day of
    traffic (24 h, 3,300 aircraft airborne at once by default), written as it is made.
    """
    if recording:
        from skypact.cli.common import progress
        from skypact.surveillance.synthetic import write_day

        out_dir.mkdir(parents=True, exist_ok=True)
        with progress(True) as bar:
            task = bar.add_task(t(N_("writing {file}"), lang, file="recording.parquet"), total=1.0)
            stats = write_day(out_dir / "recording.parquet", hours, airborne, interval, seed,
                              lambda done, total: bar.update(task, completed=done / total))
        out.print(t(N_("wrote {rows} reports of {flights} flights ({least}-{most} airborne at once) to {file}"),
                    lang, rows=int(stats["rows"]), flights=int(stats["flights"]), least=int(stats["least_airborne"]),
                    most=int(stats["most_airborne"]), file=str(out_dir / "recording.parquet")))
        return
    from skypact.synth import demo_planset

    ps = demo_planset(seed)
    plans_only = PlanSet(plans=ps.plans)
    _write(plans_only, out_dir / "plans.json")
    _write(PlanSet(volumes=ps.volumes), out_dir / "volumes.json")
    _write(ps, out_dir / "sample.geojson")
    _write(plans_only, out_dir / "plans.csv")
    out.print(t(N_("wrote {plans} plans and {volumes} volumes to {dir}"), lang, plans=len(ps.plans),
                volumes=len(ps.volumes), dir=str(out_dir)))
