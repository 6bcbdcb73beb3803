"""Backup and restore: a restored store holds every row, its audit chain verifies, and a server
on it continues the chain with the same key; a tampered backup or a non-empty target is refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from skypact.cli.app import app
from skypact.errors import FormatError, StateError
from skypact.service.audit import first_keys, verify
from skypact.service.auth import Principal
from skypact.service.hub import Hub
from skypact.store.backup import backup, restore
from skypact.store.db import connect
from skypact.store.tables import conflicts, metadata, plans
from tests.api.conftest import fresh_url
from tests.api.test_volumes_api import A1, AV1, B1


def _chain(hub: Hub) -> list[dict]:  # type: ignore[type-arg]
    entries: list[dict] = []  # type: ignore[type-arg]
    while page := hub.audit.entries(None, entries[-1]["seq"] if entries else 0):
        entries += page
    return entries


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_restore_verifies_and_the_chain_continues(target: str, tmp_path: Path, pg_url: str | None) -> None:
    key = tmp_path / "audit.key"
    src = Hub(connect(f"sqlite:///{tmp_path / 'src.sqlite'}"), b"k" * 32, audit_key_file=key)
    src.add_party("A", max_priority=3)
    src.add_party("B")
    src.file_plan(Principal("A", "operator"), A1)
    src.file_volume(Principal("A", "operator"), AV1)
    src.file_plan(Principal("B", "operator"), B1)  # conflicts with both
    src.audit.append_pending()
    before = _chain(src)
    archive = tmp_path / "store.skypact-backup"
    r = CliRunner().invoke(app, ["backup", "--db", f"sqlite:///{tmp_path / 'src.sqlite'}", "-o", str(archive)])
    assert r.exit_code == 0, r.output
    url = fresh_url(target, tmp_path, pg_url)
    r = CliRunner().invoke(app, ["restore", str(archive), "--db", url])
    assert r.exit_code == 0, r.output
    dst = Hub(connect(url), b"k" * 32, audit_key_file=key)
    with dst.engine.connect() as conn, src.engine.connect() as old:
        for t in metadata.sorted_tables:
            n = conn.execute(select(func.count()).select_from(t)).scalar()
            assert n == old.execute(select(func.count()).select_from(t)).scalar(), t.name
        assert conn.execute(select(func.count()).select_from(conflicts)).scalar() == 2
    restored = _chain(dst)
    assert [e["hash"] for e in restored] == [e["hash"] for e in before]
    assert verify(restored, first_keys(restored)) is None
    # the server continues it: a new filing, chained after the restored entries, same key
    dst.file_plan(Principal("A", "operator"), A1.model_copy(update={"id": "A2"}))
    dst.audit.append_pending()
    after = _chain(dst)
    assert len(after) > len(before) and verify(after, first_keys(after)) is None
    assert {e["key_id"] for e in after} == {e["key_id"] for e in before}
    with dst.engine.connect() as conn:  # ids continue after the restored ones
        assert conn.execute(select(func.count()).select_from(plans)).scalar() == 3
    dst.engine.dispose()


def test_a_tampered_backup_or_a_used_store_is_refused(tmp_path: Path) -> None:
    src = Hub(connect(f"sqlite:///{tmp_path / 'src.sqlite'}"), b"k" * 32)
    src.add_party("A")
    archive = tmp_path / "b.zip"
    backup(src.engine, archive)
    with pytest.raises(StateError):  # the source itself is not empty
        restore(archive, src.engine)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive) as z, zipfile.ZipFile(bad, "w") as w:
        for name in z.namelist():
            data = z.read(name)
            w.writestr(name, data.replace(b'"A"', b'"X"') if name == "tables/parties.jsonl" else data)
    with pytest.raises(FormatError) as e:
        restore(bad, connect(f"sqlite:///{tmp_path / 'new.sqlite'}"))
    assert "parties" in str(e.value) and "хеш" in e.value.message("ru")
    (tmp_path / "junk").write_text("junk")
    r = CliRunner().invoke(app, ["restore", str(tmp_path / "junk"), "--db", f"sqlite:///{tmp_path / 'n2.sqlite'}"])
    assert r.exit_code == 2 and "is not a skypact backup" in r.output
