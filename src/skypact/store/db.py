"""Engine creation and the schema migration."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, insert, inspect, select

from skypact.store import durable
from skypact.store.tables import SCHEMA_VERSION, VERSIONS, metadata, schema_version

__all__ = ["connect"]


def connect(url: str, group_commit: bool = False) -> Engine:
    """An engine for ``url`` (``sqlite:///var/skypact.db`` or ``postgresql+psycopg://…``), migrated.

    ``group_commit`` (the server's engine, on a SQLite file): commits are written without a sync
    and made durable by :mod:`skypact.store.durable`, whose wait the caller must make before it
    answers.  Without it every SQLite commit syncs by itself."""
    name = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else ""
    file = Path(name) if name and name != ":memory:" else None
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        sync = "NORMAL" if group_commit and file is not None else "FULL"

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={sync}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
        if sync == "NORMAL" and file is not None:
            durable.register(engine, file)
    migrate(engine)
    return engine


def migrate(engine: Engine) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`; returns the version found before."""
    with engine.begin() as conn:
        found = 0
        if inspect(conn).has_table("skypact_schema"):
            found = max((r[0] for r in conn.execute(select(schema_version.c.version))), default=0)
        for version in range(found + 1, SCHEMA_VERSION + 1):
            metadata.create_all(conn, tables=list(VERSIONS[version]))
            conn.execute(insert(schema_version).values(version=version))
        return found
