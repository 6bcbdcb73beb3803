"""``skypact bench``: benchmark figures (not tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from skypact.cli.common import err, fail, out
from skypact.errors import InputError

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
    out.print(tab)
