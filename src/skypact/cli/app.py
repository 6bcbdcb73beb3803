"""The ``skypact`` command: one typer app, one module per subcommand, imports kept lazy."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from skypact.cli.audit import audit_app
from skypact.cli.backup import backup, restore
from skypact.cli.bench import bench_app
from skypact.cli.check import check
from skypact.cli.common import EXIT_BAD_INPUT, fail
from skypact.cli.conflicts import conflicts
from skypact.cli.daa import daa_alert
from skypact.cli.demo import demo
from skypact.cli.drill import drill_app
from skypact.cli.files import convert, demo_data, schema, validate
from skypact.cli.ingest import ingest
from skypact.cli.notices import notices_app
from skypact.cli.replay import replay
from skypact.cli.serve import admin_app, serve
from skypact.i18n import N_

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
app.command("backup")(backup)
app.command("restore")(restore)
app.add_typer(notices_app, name="notices")
app.add_typer(audit_app, name="audit")
app.add_typer(drill_app, name="drill")


def main() -> None:
    """Console entry point.  What an operator can get wrong - a server that is down, a URL that is
    not one, a file or store that cannot be read - ends in a bilingual error and exit code 2,
    never a traceback (commands name the problem more precisely where they can)."""
    import http.client
    import json
    import urllib.error

    from sqlalchemy.exc import SQLAlchemyError

    try:
        app()
    except urllib.error.URLError as e:
        _fail_plainly(N_("cannot reach the service: {detail}"), str(e.reason))
    except (ConnectionError, http.client.HTTPException) as e:
        _fail_plainly(N_("cannot reach the service: {detail}"), str(e) or type(e).__name__)
    except OSError as e:
        _fail_plainly(N_("cannot use {file}: {detail}"), e.strerror or str(e), file=str(e.filename or "?"))
    except SQLAlchemyError as e:
        _fail_plainly(N_("the store cannot be used: {detail}"), str(getattr(e, "orig", None) or e).splitlines()[0])
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        _fail_plainly(N_("the input cannot be read: {detail}"), str(e))
    except ValueError as e:
        if "url" not in str(e).lower():
            raise
        _fail_plainly(N_("not a URL skypact can use: {detail}"), str(e))


def _fail_plainly(msgid: str, detail: str, **params: str) -> NoReturn:
    """Print the error in both languages and end with exit code 2 (outside the typer app, whose
    ``Exit`` would not be handled here)."""
    from skypact.errors import InputError

    fail(InputError(msgid, None, detail=detail, **params))
    sys.exit(EXIT_BAD_INPUT)
