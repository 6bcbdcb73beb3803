"""``skypact check``: every conflict among plan files, with resolution suggestions."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from skypact.cli.common import EXIT_BAD_INPUT, EXIT_CONFLICTS, EXIT_OK, LangChoice, err, fail, out, progress, t, tn
from skypact.conflicts import Conflict
from skypact.errors import FormatError, InputError, Location, MinimaError
from skypact.i18n import N_, render
from skypact.minima import Minima, MinimaTable
from skypact.plans.io import read_files
from skypact.plans.model import PlanSet
from skypact.plans.validate import DEFAULT_MAX_SPEED_KT, validate_planset
from skypact.strategic.resolve import Resolution


class OutFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Units(StrEnum):
    aviation = "aviation"
    metric = "metric"


def load_minima(path: Path | None, h_nm: float | None, v_ft: float | None, h_m: float | None,
                v_m: float | None) -> MinimaTable:
    """The minima table from ``--minima`` and the ``--h-*``/``--v-*`` overrides of its default."""
    table = MinimaTable()
    if path is not None:
        try:
            table = MinimaTable.model_validate_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MinimaError(N_("file not found"), Location(file=str(path))) from None
        except ValueError as e:
            raise MinimaError(N_("invalid minima table: {detail}"), Location(file=str(path)),
                              detail=str(e).splitlines()[0]) from None
    if h_nm is not None and h_m is not None:
        raise MinimaError(N_("give the horizontal minimum once (NM or m) and the vertical once (ft or m)"))
    if v_ft is not None and v_m is not None:
        raise MinimaError(N_("give the horizontal minimum once (NM or m) and the vertical once (ft or m)"))
    d = table.default
    if h_nm is not None or h_m is not None or v_ft is not None or v_m is not None:
        h = h_m if h_m is not None else (h_nm * 1852.0 if h_nm is not None else d.horizontal)
        v = v_m if v_m is not None else (v_ft * 0.3048 if v_ft is not None else d.vertical)
        table = table.with_default(Minima.of(h_m=h, v_m=v))
    return table


def check(
    plans: Annotated[list[Path], typer.Argument(help="Plan files: .json (skypact or GeoJSON), .geojson, .csv.")],
    volumes: Annotated[list[Path] | None, typer.Option("--volumes", help="Files with reserved volumes "
                       "(repeatable).")] = None,
    h_nm: Annotated[float | None, typer.Option("--h-nm", help="Horizontal minimum in NM [default 5].")] = None,
    v_ft: Annotated[float | None, typer.Option("--v-ft", help="Vertical minimum in ft [default 1000].")] = None,
    h_m: Annotated[float | None, typer.Option("--h-m", help="Horizontal minimum in metres.")] = None,
    v_m: Annotated[float | None, typer.Option("--v-m", help="Vertical minimum in metres.")] = None,
    minima: Annotated[Path | None, typer.Option("--minima", help="JSON minima table with per-pair overrides.")]
    = None,
    same_party: Annotated[bool, typer.Option("--same-party", help="Also check plans of the same party.")] = False,
    lang: Annotated[LangChoice, typer.Option("--lang", help="Language of the text.")] = LangChoice.both,
    fmt: Annotated[OutFormat, typer.Option("--format", help="Output format.")] = OutFormat.table,
    units: Annotated[Units, typer.Option("--units", help="aviation (NM, ft, FL) or metric (km, m).")]
    = Units.aviation,
    suggest: Annotated[bool, typer.Option("--suggest/--no-suggest", help="Add resolution suggestions.")] = True,
    max_delay_min: Annotated[float, typer.Option("--max-delay-min", help="Longest delay to suggest.")] = 60.0,
    max_speed_kt: Annotated[float, typer.Option("--max-speed-kt", help="Reject legs faster than this.")]
    = DEFAULT_MAX_SPEED_KT,
    url: Annotated[str | None, typer.Option("--url", help="Ask a skypact service what each plan would conflict "
                                            "with (dry run, nothing stored) instead of checking locally.")] = None,
    token: Annotated[str | None, typer.Option("--token", envvar="SKYPACT_TOKEN", help="Bearer token for --url.")]
    = None,
) -> None:
    """Find every conflict between the plans and volumes of different parties.

    Exit code: 0 no conflict, 1 conflicts found, 2 bad input (nothing is checked).
    """
    from skypact import report
    from skypact.strategic import EngineSettings, Strategic
    from skypact.strategic.resolve import suggest as suggest_for

    try:
        table = load_minima(minima, h_nm, v_ft, h_m, v_m)
        ps = read_files([*plans, *(volumes or [])], max_speed_kt)
        validate_planset(ps, max_speed_kt)
    except InputError as e:
        raise fail(e) from None
    if url is not None:
        _remote(url, token, ps)

    prio = {p.id: p.priority for p in ps.plans}
    by_id = {p.id: p for p in ps.plans}
    with progress(len(ps.plans) > 500) as bar:
        task = bar.add_task(t(N_("indexing {n} plans"), lang, n=len(ps.plans)), total=None)
        st = Strategic.of(ps, EngineSettings(minima=table, same_party=same_party))
        bar.update(task, description=t(N_("checking"), lang))
        conflicts = st.sweep()
        movers = report.plans_to_resolve(conflicts, prio) if suggest else []
        bar.update(task, total=len(movers), completed=0, description=t(N_("resolution suggestions"), lang))
        resolutions = []
        for pid in movers:
            resolutions.append(suggest_for(st, by_id[pid], (pid,), max_delay_min * 60.0))
            bar.advance(task)

    langs = lang.langs()
    if fmt is OutFormat.json:
        doc = {
            "conflicts": [report.conflict_dict(c, langs, units.value) for c in conflicts],
            "resolutions": [{**report.resolution_dict(r),
                             "text": {lg: report.resolution_text(r, lg, units.value) for lg in langs}}
                            for r in resolutions],
        }
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutFormat.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(report.csv_header())
        for c in conflicts:
            w.writerow(report.csv_row(c))
    else:
        _print_table(conflicts, resolutions, lang, units, len(ps.plans), len(ps.volumes))
    raise typer.Exit(EXIT_CONFLICTS if conflicts else EXIT_OK)


def _print_table(conflicts: list[Conflict], resolutions: list[Resolution], lang: LangChoice, units: Units,
                 n_plans: int, n_volumes: int) -> None:
    from skypact import report

    out.print(t(N_("{plans} plans and {volumes} volumes checked"), lang, plans=n_plans, volumes=n_volumes))
    if not conflicts:
        out.print(t(N_("no conflict"), lang))
        return
    tab = Table(show_lines=False)
    for col in (N_("A"), N_("B"), N_("start (UTC)"), N_("end (UTC)"), N_("closest H"), N_("V then")):
        tab.add_column("\n".join(render(col, lg) for lg in lang.langs()))
    lg = lang.langs()[0]
    for c in conflicts:
        d = report.conflict_dict(c, (), units.value)
        tab.add_row(f"{c.a} ({c.party_a})", f"{c.b} ({c.party_b})", d["start"][11:21], d["end"][11:21],
                    report.fmt_distance(c.horizontal_m, lg, units.value),
                    report.fmt_distance(c.vertical_m, lg, units.value, True))
    out.print(tab)
    for c in conflicts:
        for lgx in lang.langs():
            out.print("• " + report.conflict_text(c, lgx, units.value))
    for r in resolutions:
        for lgx in lang.langs():
            out.print("→ " + report.resolution_text(r, lgx, units.value))
    out.print(tn(N_("{n} conflict"), N_("{n} conflicts"), len(conflicts), lang))



def _remote(url: str, token: str | None, ps: PlanSet) -> None:
    """Dry-run every plan against a service; prints its JSON answers merged, exits 0/1/2."""
    import urllib.error
    import urllib.request

    merged: dict[str, list[object]] = {"conflicts": [], "resolutions": []}
    for p in ps.plans:
        req = urllib.request.Request(url.rstrip("/") + "/v1/check", data=p.model_dump_json().encode(), method="POST",
                                     headers={"content-type": "application/json",
                                              **({"authorization": f"Bearer {token}"} if token else {})})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                doc = json.loads(r.read())
        except urllib.error.HTTPError as e:
            body = json.loads(e.read() or b"{}")
            detail = body.get("detail", {}) if isinstance(body, dict) else {}
            for lg in ("en", "ru"):
                err.print(f"{p.id}: {detail.get(lg, e.reason)}")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except (urllib.error.URLError, OSError) as e:
            raise fail(FormatError(N_("cannot reach {url}: {detail}"), url=url, detail=str(e))) from None
        merged["conflicts"] += doc["conflicts"]
        merged["resolutions"] += doc["resolutions"]
    sys.stdout.write(json.dumps(merged, ensure_ascii=False, indent=2) + "\n")
    raise typer.Exit(EXIT_CONFLICTS if merged["conflicts"] else EXIT_OK)
