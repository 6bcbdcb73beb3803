"""``skypact backup`` and ``skypact restore``: a whole store to one file and back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from skypact.cli.common import err, fail, out
from skypact.errors import SkypactError


def backup(
    output: Annotated[Path, typer.Option("-o", "--output", help="The backup file to write (a zip).")],
    db: Annotated[str, typer.Option("--db", help="Store URL.")] = "sqlite:///var/skypact.db",
) -> None:
    """Copy every table of the store, as one consistent state, to one file (the server may keep
    running).  The audit key is not in it: keep var/audit.key as you keep the token key."""
    from skypact.store.backup import backup as run
    from skypact.store.db import connect

    try:
        engine = connect(db, create=False)
        with err.status("…") as status:
            m = run(engine, output, step=status.update)
        engine.dispose()
    except SkypactError as e:
        raise fail(e) from None
    rows = sum(t["rows"] for t in m["tables"].values())
    out.print(f"backup {output}: {len(m['tables'])} tables, {rows} rows, schema version {m['schema_version']} / "
              f"резервная копия {output}: таблиц {len(m['tables'])}, строк {rows}")


def restore(
    archive: Annotated[Path, typer.Argument(help="A file written by skypact backup.")],
    db: Annotated[str, typer.Option("--db", help="URL of an empty store (a new SQLite file, or an empty "
                                    "PostgreSQL database).")] = "sqlite:///var/skypact.db",
) -> None:
    """Load a backup into an empty store: every row as it was, so the audit chain verifies and the
    server continues it (start it with the same --audit-key-file)."""
    from skypact.store.backup import restore as run
    from skypact.store.db import connect
    from skypact.store.owner import claim

    try:
        with claim(db):  # no server may serve the store while it is filled
            engine = connect(db)
            with err.status("…") as status:
                m = run(archive, engine, step=status.update)
            engine.dispose()
    except SkypactError as e:
        raise fail(e) from None
    rows = sum(t["rows"] for t in m["tables"].values())
    out.print(f"restored {archive} into {db}: {rows} rows / восстановлено строк: {rows}")
