"""The ``skypact`` command: one typer app, one module per subcommand, imports kept lazy."""

from __future__ import annotations

import typer

from skypact.cli.audit import audit_app
from skypact.cli.bench import bench_app
from skypact.cli.check import check
from skypact.cli.conflicts import conflicts
from skypact.cli.daa import daa_alert
from skypact.cli.demo import demo
from skypact.cli.drill import drill_app
from skypact.cli.files import convert, demo_data, schema, validate
from skypact.cli.ingest import ingest
from skypact.cli.notices import notices_app
from skypact.cli.replay import replay
from skypact.cli.serve import admin_app, serve

app = typer.Typer(
    name="skypact",
    help="skypact: airspace deconfliction between parties.  "
    "skypact — деконфликтация воздушного пространства между сторонами.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("check")(check)
app.command("validate")(validate)
app.command("convert")(convert)
app.command("schema")(schema)
app.command("demo-data")(demo_data)
app.command("daa-alert")(daa_alert)
app.command("conflicts")(conflicts)
app.command("replay")(replay)
app.command("ingest")(ingest)
app.add_typer(bench_app, name="bench")
app.command("serve")(serve)
app.command("demo")(demo)
app.add_typer(admin_app, name="admin")
app.add_typer(notices_app, name="notices")
app.add_typer(audit_app, name="audit")
app.add_typer(drill_app, name="drill")


def main() -> None:
    """Console entry point."""
    app()
