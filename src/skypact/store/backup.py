"""Backup and restore of a whole store, portable between SQLite and PostgreSQL.

A backup is a zip file: ``manifest.json`` (format, schema version, time, and per table its row
count and the SHA-256 of its member) and ``tables/<table>.jsonl``, one JSON object per row, in
primary-key order.  Every table is read in one transaction, so the copy is one consistent state
of the store (the audit chain ends where the events it seals end).

Restore refuses a backup whose hashes do not match, one of another schema version, and a
store that already holds parties: it never merges.  It writes every row as it was (sequence
numbers, hashes and signatures included), so the restored chain verifies as the original did,
and the server continues it - with the same audit key file, which a backup does not contain
(private keys are not copied into archives; keep ``var/audit.key`` as you keep the token key).
"""

from __future__ import annotations

import hashlib
import io
import json
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from skypact.errors import FormatError, StateError
from skypact.i18n import N_
from skypact.store.tables import SCHEMA_VERSION, metadata, parties, schema_version

__all__ = ["FORMAT", "backup", "restore"]

FORMAT = "skypact-backup/1"
_BATCH = 1000
Step = Callable[[str], None]


def backup(engine: Engine, out: Path, step: Step | None = None) -> dict[str, Any]:
    """Write the store behind ``engine`` to the zip file ``out``; returns the manifest."""
    say = step or (lambda _m: None)
    manifest: dict[str, Any] = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "created": time.time(),
                                "tables": {}}
    tmp = out.with_name(out.name + ".part")
    with engine.connect() as conn, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        found = conn.execute(select(func.max(schema_version.c.version))).scalar()
        if found != SCHEMA_VERSION:
            raise StateError(N_("the store is at schema version {found}, this skypact writes {want}: start the "
                                "server once to migrate it"), found=found, want=SCHEMA_VERSION)
        for table in metadata.sorted_tables:
            say(f"backup: {table.name}")
            digest, rows = hashlib.sha256(), 0
            with z.open(f"tables/{table.name}.jsonl", "w") as f:
                q = select(table).order_by(*table.primary_key.columns)
                for row in conn.execute(q):
                    line = (json.dumps(dict(row._mapping), ensure_ascii=False, allow_nan=False) + "\n").encode()
                    digest.update(line)
                    f.write(line)
                    rows += 1
            manifest["tables"][table.name] = {"rows": rows, "sha256": digest.hexdigest()}
        z.writestr("manifest.json", json.dumps(manifest, indent=2))
    tmp.replace(out)  # whole or not at all
    return manifest


def restore(archive: Path, engine: Engine, step: Step | None = None) -> dict[str, Any]:
    """Load the backup ``archive`` into the empty store behind ``engine`` (migrated to the current
    schema); returns its manifest.

    Raises:
        FormatError: not a skypact backup, another schema version, or a member that does not
            match its hash.
        StateError: the store already holds parties.
    """
    say = step or (lambda _m: None)
    try:
        z = zipfile.ZipFile(archive)
        manifest = json.loads(z.read("manifest.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise FormatError(N_("{file} is not a skypact backup: {detail}"), file=str(archive), detail=str(e)) from None
    if manifest.get("format") != FORMAT or manifest.get("schema_version") != SCHEMA_VERSION:
        raise FormatError(N_("{file} is not a skypact backup of schema version {want}"), file=str(archive),
                          want=SCHEMA_VERSION)
    with z, engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(parties)).scalar():
            raise StateError(N_("the store to restore into is not empty: give a new one"))
        for table in metadata.sorted_tables:
            want = manifest["tables"].get(table.name, {"rows": 0, "sha256": hashlib.sha256().hexdigest()})
            say(f"restore: {table.name}")
            data = z.read(f"tables/{table.name}.jsonl") if want["rows"] else b""
            if hashlib.sha256(data).hexdigest() != want["sha256"]:
                raise FormatError(N_("{file}: table {table} does not match its hash"), file=str(archive),
                                  table=table.name)
            if table is schema_version:
                continue  # written by the migration already
            rows = [json.loads(line) for line in io.BytesIO(data)]
            for i in range(0, len(rows), _BATCH):
                conn.execute(insert(table), rows[i:i + _BATCH])
        if engine.dialect.name == "postgresql":  # serial ids continue after the restored ones
            for table in metadata.sorted_tables:
                for col in table.primary_key.columns:
                    if col.autoincrement is True or (col.autoincrement == "auto" and col.type.python_type is int
                                                     and len(table.primary_key.columns) == 1):
                        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{col.name}'), "
                                          f"GREATEST((SELECT MAX({col.name}) FROM {table.name}), 1))"))
    return dict(manifest)
