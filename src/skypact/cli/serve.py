"""``skypact serve`` and ``skypact admin``: run the service and manage parties."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from skypact.cli.common import fail, out
from skypact.errors import SkypactError

admin_app = typer.Typer(help="Manage parties and credentials (works on the store directly).", no_args_is_help=True)


def serve(
    db: Annotated[str, typer.Option("--db", help="Store URL (SQLite file by default).")] = "sqlite:///var/skypact.db",
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8080,
) -> None:
    """Run the HTTP service (OpenAPI at /docs)."""
    import uvicorn

    from skypact.api.app import create_app
    from skypact.config import Settings

    uvicorn.run(create_app(Settings(db_url=db)), host=host, port=port, log_level="info")


@admin_app.command("add-party")
def add_party(
    name: Annotated[str, typer.Argument(help="Party name (letters, digits, _ . : -).")],
    lang: Annotated[str, typer.Option("--lang", help="en or ru.")] = "en",
    units: Annotated[str, typer.Option("--units", help="imperial or metric.")] = "imperial",
    max_priority: Annotated[int, typer.Option("--max-priority", help="Highest priority its plans may carry.")] = 0,
    role: Annotated[str, typer.Option("--role", help="operator, viewer or admin.")] = "operator",
    db: Annotated[str, typer.Option("--db", help="Store URL.")] = "sqlite:///var/skypact.db",
    key_file: Annotated[Path, typer.Option("--token-key-file", help="Token-signing key.")] = Path("var/token.key"),
) -> None:
    """Create a party and print its credential once (keep the secret: it is not stored)."""
    from skypact.config import Settings
    from skypact.service.hub import Hub
    from skypact.store.db import connect

    s = Settings(db_url=db, token_key_file=key_file)
    try:
        kid, secret = Hub(connect(s.db_url), s.token_key()).add_party(name, lang, units, max_priority, role)
    except SkypactError as e:
        raise fail(e) from None
    out.print(f"party {name}: key_id={kid} secret={secret}")
