"""``skypact drill run``: play a drill through the service on a virtual clock and score it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from skypact.cli.common import EXIT_CONFLICTS, LangChoice, fail, out, progress, t
from skypact.errors import SkypactError
from skypact.i18n import N_

drill_app = typer.Typer(help="Drills (sky safety tests): scripted encounters, scored.  Учения: сценарии "
                             "сближений с оценкой.", no_args_is_help=True)


@drill_app.command("run")
def run(
    file: Annotated[Path, typer.Argument(help="Drill file (YAML; see examples/drills).")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Directory for report.html and report.json.")]
    = Path("var/drill"),
    lang: Annotated[LangChoice, typer.Option("--lang", help="Language of the summary.")] = LangChoice.both,
    show_progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar on stderr.")] = True,
) -> None:
    """Play FILE through the whole service (server, notifications, simulated parties that
    acknowledge after a set delay) on a virtual clock; write the report; exit 1 when an
    expectation was not met."""
    from skypact.drills.model import load_drill
    from skypact.drills.report import write_report
    from skypact.drills.run import run_drill

    try:
        drill = load_drill(file)
    except SkypactError as e:
        raise fail(e) from None
    with progress(show_progress) as bar:
        task = bar.add_task(t(N_("drill {drill}"), lang, drill=drill.drill), total=1.0)
        result = run_drill(drill, lambda done, total: bar.update(task, completed=done / max(total, 1)))
    js, page = write_report(result, out_dir)
    c = result.counts
    out.print(t(N_("drill {drill}: score {score}%: {on_time} of {expected} warnings on time, {late} late, {missed} "
                   "not warned, {false} false alerts; {escalations} escalations"), lang, drill=drill.drill,
                score=f"{result.score:.0f}", escalations=result.summary()["escalations"], **c))
    out.print(t(N_("wrote {files} to {dir}"), lang, files=f"{js.name}, {page.name}", dir=str(out_dir)))
    if not result.passed:
        raise typer.Exit(EXIT_CONFLICTS)
