"""Engine creation and the schema migration."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, insert, inspect, select, update
from sqlalchemy.exc import DatabaseError

from skypact.errors import InputError
from skypact.i18n import N_
from skypact.store import durable
from skypact.store.tables import SCHEMA_VERSION, VERSIONS, conflicts, dss_entities, metadata, schema_version

__all__ = ["StoreError", "connect"]


class StoreError(InputError):
    """A store that is missing (where one must exist) or cannot be read."""


def connect(url: str, group_commit: bool = False, create: bool = True) -> Engine:
    """An engine for ``url`` (``sqlite:///var/skypact.db`` or ``postgresql+psycopg://…``), migrated.

    ``create`` false: a SQLite file that does not exist is refused instead of created (the tools
    that read or change an existing store, where a mistyped path must not give an empty one).

    ``group_commit`` (the server's engine, on a SQLite file): commits are written without a sync
    and made durable by :mod:`skypact.store.durable`, whose wait the caller must make before it
    answers.  Without it every SQLite commit syncs by itself."""
    name = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else ""
    file = Path(name) if name and name != ":memory:" else None
    if file is not None and not create and not file.is_file():
        raise StoreError(N_("there is no store at {file}: check --db"), file=str(file))
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
    try:
        migrate(engine)
    except DatabaseError as e:
        engine.dispose()
        raise StoreError(N_("the store {url} cannot be read: {detail}"), url=engine.url.render_as_string(True),
                         detail=str(e.orig).splitlines()[0] if e.orig else type(e).__name__) from None
    return engine


def migrate(engine: Engine) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`; returns the version found before."""
    with engine.begin() as conn:
        found = 0
        if inspect(conn).has_table("skypact_schema"):
            found = max((r[0] for r in conn.execute(select(schema_version.c.version))), default=0)
        for version in range(found + 1, SCHEMA_VERSION + 1):
            metadata.create_all(conn, tables=list(VERSIONS[version]))
            if version in _DATA_STEPS:
                _DATA_STEPS[version](conn)
            conn.execute(insert(schema_version).values(version=version))
        return found


def _pieces_with_slash(conn: Connection) -> None:
    """Version 8: stored conflicts name an F3548 entity's pieces ``{id}/{k}`` instead of
    ``{id}:{k}`` (a native id may hold ``:``, never ``/``).  Only sides that are really a piece
    of that entity - the same party, an extent it has - are renamed; a native plan that happens
    to be called ``{id}:{k}`` keeps its name."""
    pieces = {f"{r.id}:{k}": (f"{r.id}/{k}", r.party)
              for r in conn.execute(select(dss_entities.c.id, dss_entities.c.party, dss_entities.c.extents))
              for k in range(len(r.extents))}
    if not pieces:
        return
    c = conflicts.c
    for row in conn.execute(select(conflicts).where(c.plan_a.in_(pieces) | c.plan_b.in_(pieces))).all():
        record, values = dict(row.record), {}
        for side in ("a", "b"):
            old = getattr(row, f"plan_{side}")
            new, party = pieces.get(old, (None, None))
            if new is not None and record.get(f"party_{side}") == party:
                values[f"plan_{side}"] = record[f"plan_{side}"] = new
        if values:
            conn.execute(update(conflicts).where(c.id == row.id).values(record=record, **values))


_DATA_STEPS = {8: _pieces_with_slash}
