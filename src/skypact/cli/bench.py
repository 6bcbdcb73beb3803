"""``skypact bench``: benchmark figures (not tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from skypact.cli.common import err, fail, out
from skypact.errors import InputError
from skypact.i18n import N_

#: benchmark tables are printed at least this wide into a file or a CI log
WIDE = 160


def _wide() -> Console:
    """The terminal, or a wide console when the output goes to a file (no column cut short)."""
    return out if out.is_terminal else Console(width=WIDE, highlight=False, soft_wrap=True)

bench_app = typer.Typer(help="Benchmarks: print measured figures with the machine they ran on.",
                        no_args_is_help=True)


@bench_app.command("strategic")
def strategic(
    flights: Annotated[int, typer.Option("--flights", help="Synthetic flights over 24 h.")] = 35_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    plans: Annotated[Path | None, typer.Option("--plans", help="Use this plan file instead of synthetic "
                                                "traffic.")] = None,
    probes: Annotated[int, typer.Option("--probes", help="Fresh plans to probe.")] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Index build, probe latency, whole-day sweep and brute force on a 2,000-flight subset."""
    from skypact.benchmarks.strategic import run
    from skypact.plans.io import read_file

    try:
        ps = read_file(plans) if plans else None
    except InputError as e:
        raise fail(e) from None
    with err.status("…") as status:
        res = run(flights, seed, ps, probes, step=lambda m: status.update(m))
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    tab = Table(title="skypact bench strategic")
    tab.add_column("figure")
    tab.add_column("value", justify="right")
    for k, v in res.items():
        tab.add_row(k, str(v))
    _wide().print(tab)


@bench_app.command("tactical")
def tactical(
    n: Annotated[int | None, typer.Option("--n", help="Only this many random aircraft (1000 NM box).")] = None,
    states: Annotated[Path | None, typer.Option("--states", help="Time cycles on this state file instead.")]
    = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Whole-region detection cycles (N = 1,000 to 30,000, and 5,000 dense) with BlueSky as peer."""
    from skypact.benchmarks.tactical import run
    from skypact.ingest.states import read_states

    try:
        st = read_states(states) if states else None
    except InputError as e:
        raise fail(e) from None
    sizes = ((n, 1000.0),) if n else ((1000, 1000.0), (5000, 1000.0), (10_000, 1000.0), (30_000, 1000.0),
                                      (5000, 200.0))
    with err.status("…") as status:
        res = run(sizes, seed=seed, states=st, step=lambda m: status.update(m))
    if as_json:
        if n or st is not None:  # one size: its figures at the top level too
            res = {**res["sizes"][0], **res}
        typer.echo(json.dumps(res, indent=2))
        return
    tab = Table(title="skypact bench tactical (H 5 NM, V 1000 ft, look-ahead 300 s)")
    for col in ("N", "box", "pairs", "cycle ms (median/min)", "1st call +s", "BlueSky numpy / C s", "speed-up ×",
                "pairs both/ours/theirs"):
        tab.add_column(col)
    for r in res["sizes"]:
        b = r.get("bluesky") or {}
        tab.add_row(str(r["n"]), f"{r['box_nm']:g} NM" if r["box_nm"] else "file", str(r["pairs"]),
                    f"{r['cycle_s_median'] * 1e3:.1f} / {r['cycle_s_min'] * 1e3:.1f}", f"{r['first_call_extra_s']:.3f}",
                    f"{b['numpy_s']} / {b['c_s']}" if b else "-",
                    f"{b['speedup_vs_numpy']} / {b['speedup_vs_c']}" if b else "-",
                    f"{b['common']}/{b['only_skypact']}/{b['only_bluesky']}" if b else "-")
    _wide().print(tab)
    out.print(f"JIT or cache load: {res['jit_s']} s; RSS above baseline after JIT: {res['rss_above_baseline_mb']} MB; "
              f"peak {res['max_rss_mb']} MB; "
              f"machine {res['machine']}")


@bench_app.command("service")
def service(
    store: Annotated[str, typer.Option("--store", help="sqlite, postgresql or both.")] = "both",
    scenario: Annotated[str, typer.Option("--scenario", help="disjoint, busy or both.")] = "both",
    seconds: Annotated[float, typer.Option("--seconds", help="Load duration of each run.")] = 30.0,
    clients: Annotated[int, typer.Option("--clients", help="Concurrent clients.")] = 8,
    db: Annotated[str | None, typer.Option("--db", help="PostgreSQL URL of an empty database to use instead of "
                                           "starting a private server.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Plan writes per second and latency through HTTP (conflict check and suggestions included)."""
    from contextlib import ExitStack

    from skypact.benchmarks.service import run
    from skypact.store.postgres import postgres_server

    if store not in ("sqlite", "postgresql", "both") or scenario not in ("disjoint", "busy", "both"):
        raise typer.BadParameter("--store sqlite|postgresql|both, --scenario disjoint|busy|both")
    scenarios = ("disjoint", "busy") if scenario == "both" else (scenario,)
    with ExitStack() as stack:
        stores: dict[str, str | None] = {}
        if store in ("sqlite", "both"):
            stores["sqlite"] = None
        if store in ("postgresql", "both"):
            url = db or stack.enter_context(postgres_server(54330))
            if url is None:
                raise typer.BadParameter("no PostgreSQL server could be started: give --db or --store sqlite")
            stores["postgresql"] = url
        with err.status("…") as status:
            res = run(stores, scenarios, clients, seconds, seed, step=lambda m: status.update(m), fresh_db=_empty_db)
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    tab = Table(title=f"skypact bench service ({clients} clients, resolution suggestions on)")
    for col in ("store", "scenario", "writes/s", "filings/s", "filing ms p50/p99", "write ms p50/p99",
                "conflicts/filing", "live in area", "errors", "CPU share gen/server"):
        tab.add_column(col)
    for r in res["runs"]:
        tab.add_row(r["store"], r["scenario"], str(r["writes_per_s"]), str(r["filings_per_s"]),
                    f"{r['filing_ms_p50']} / {r['filing_ms_p99']}", f"{r['write_ms_p50']} / {r['write_ms_p99']}",
                    str(r["conflicts_per_filing"]), str(r["live_in_busy_area_at_end"] or "-"), str(r["errors"]),
                    f"{r['generator_cpu_share']} / {r['server_cpu_share']}")
    _wide().print(tab)
    if res.get("stream"):
        st = res["stream"]
        out.print(f"notification delivery to the stream ({st['store']}, {st['delivered']}/{st['filings']} "
                  f"conflicting filings): from the write p50 {st['from_write_ms_p50']} ms, p99 "
                  f"{st['from_write_ms_p99']} ms; from the filing request's start p50 {st['latency_ms_p50']} ms, "
                  f"p99 {st['latency_ms_p99']} ms, max {st['latency_ms_max']} ms (filing alone p50 "
                  f"{st['write_ms_p50']} ms)")
    out.print(f"machine {res['machine']}")


@bench_app.command("reads")
def reads(
    plans: Annotated[int, typer.Option("--plans", help="Plans in the store (two parties).")] = 11_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """GET /v1/plans over a store of many plans: the first page, and every page."""
    from skypact.benchmarks.machine import machine
    from skypact.benchmarks.reads import run

    with err.status(f"filing {plans} plans, then reading them…"):
        res = {**run(plans), "machine": machine()}
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    out.print(f"skypact bench reads: {res['plans']} plans (filed in {res['filed_s']} s)\n"
              f"  first page: {res['first_page_items']} items, {res['first_page_bytes'] / 1e6:.2f} MB, "
              f"{res['first_page_ms']} ms\n"
              f"  every page: {res['pages']} pages, {res['items']} items, {res['all_bytes'] / 1e6:.2f} MB, "
              f"{res['all_s']} s\n  machine {res['machine']}")


@bench_app.command("streams")
def streams(
    listeners: Annotated[int, typer.Option("--listeners", help="Open notification streams.")] = 200,
    seconds: Annotated[float, typer.Option("--seconds", help="Load duration of each run.")] = 15.0,
    clients: Annotated[int, typer.Option("--clients", help="Concurrent filing clients.")] = 4,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Write throughput without and with open notification streams, and the server's CPU share
    while the streams are open and idle (SQLite)."""
    from skypact.benchmarks.service import listener_cost

    with err.status("…") as status:
        res = listener_cost(listeners, seconds, clients, step=lambda m: status.update(m))
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    out.print(f"skypact bench streams: {clients} clients filing disjoint plans for {seconds:g} s each run\n"
              f"  without streams: {res['writes_per_s_without']} writes/s (p99 {res['write_ms_p99_without']} ms)\n"
              f"  with {listeners} streams open: {res['writes_per_s_with']} writes/s "
              f"(p99 {res['write_ms_p99_with']} ms): cost {100 * res['throughput_cost']:.1f} %\n"
              f"  nothing written: server CPU share {res['idle_server_cpu_share_no_listener']} without streams, "
              f"{res['idle_server_cpu_share']} with {listeners} idle streams open\n"
              f"  errors {res['errors']}; machine {res['machine']}")


@bench_app.command("hostile")
def hostile(
    seconds: Annotated[float, typer.Option("--seconds", help="Measured time.")] = 30.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Another party's heartbeats and nearby filings while one party's largest accepted inputs are
    live and it keeps asking for checks of that size (SQLite)."""
    from skypact.benchmarks.hostile import run

    with err.status("the largest inputs live, heavy checks, heartbeats and filings…"):
        res = run(seconds, seed)
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    big = res["largest"]
    tab = Table(title=f"skypact bench hostile ({seconds:g} s; live: a {big['vertices']}-position polygon over "
                      f"{big['window_days']:g} days and a {big['waypoints']}-waypoint plan)")
    for col in ("request", "count", "p50 ms", "p99 ms", "max ms"):
        tab.add_column(col)
    tab.add_row("heartbeat (another party)", str(res["heartbeats"]), str(res["heartbeat_ms_p50"]),
                str(res["heartbeat_ms_p99"]), str(res["heartbeat_ms_max"]))
    tab.add_row("nearby filing (another party)", str(res["filings"]), str(res["filing_ms_p50"]),
                str(res["filing_ms_p99"]), str(res["filing_ms_max"]))
    tab.add_row("largest-volume dry-run check (the heavy party)", str(res["heavy_checks"]),
                str(res["heavy_check_ms_p50"]), "", "")
    _wide().print(tab)
    out.print(f"errors {res['errors']}{': ' + res['first_error'] if res['first_error'] else ''}; "
              f"setup {res['setup_ms']} ms; machine {res['machine']}")


def _empty_db(url: str) -> None:
    from skypact.store.db import connect
    from skypact.store.tables import metadata

    engine = connect(url)
    metadata.drop_all(engine)
    engine.dispose()


@bench_app.command("map")
def map_(
    tracks: Annotated[list[int] | None, typer.Option("--tracks", help="Live aircraft (repeat for several runs).")]
    = None,
    seconds: Annotated[float, typer.Option("--seconds", min=5.0, max=3600.0, help="Measured time of each run.")]
    = 30.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the traffic.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """The operational picture in headless Chromium (Debian's chromium) following N live aircraft
    reported once a second: frame time, track drawing, report-to-drawing latency, page memory."""
    from skypact.benchmarks.map import run

    sizes = tuple(tracks or [5000, 10000])
    if any(not 1 <= n <= 50_000 for n in sizes):
        raise fail(InputError(N_("{option}: give 1 to {limit} aircraft"), option="--tracks", limit=50_000))
    with err.status("…") as status:
        res = run(sizes, seconds, seed, step=lambda m: status.update(m))
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    out.print(f"skypact bench map: the page in headless Chromium ({res['browser']}), "
              f"tracks reported once a second, {seconds:g} s measured per run", markup=False)
    for r in res["runs"]:
        out.print(f"  {r['tracks']:>6} tracks: update frame p50 {r['update_frame_ms_p50']} ms, p95 "
                  f"{r['update_frame_ms_p95']} ms; all frames p95 {r['frame_ms_p95']} ms, max {r['frame_ms_max']} ms "
                  f"({r['frames']} frames); track drawing p95 {r['draw_ms_p95']} ms; "
                  f"report to drawing p50 {r['report_to_draw_s_p50']} s, p99 {r['report_to_draw_s_p99']} s; "
                  f"page heap {r['heap_mb']} MB; other hosts asked {len(r['requests_to_other_hosts'])}; "
                  f"errors {len(r['errors'])}", markup=False)
    out.print(f"  machine {res['machine']}", markup=False)
