"""What an operator gets wrong is caught: a mistyped store is refused (not created), options are
validated, a corrupt store, head file or event row is named, an unusable URL or a server that is
down ends in a bilingual error and exit code 2 - never a traceback."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skypact.cli.app import app
from skypact.service.hub import Hub
from skypact.store.db import connect

CYR = "ошибка"


def _run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.output


def test_a_mistyped_store_is_refused_and_not_created(tmp_path: Path) -> None:
    typo = tmp_path / "typo" / "db.sqlite"
    for cmd in (["audit", "verify"], ["admin", "revoke", "k"], ["admin", "suspend", "A"],
                ["admin", "set-party", "A", "--ack-timeout", "60"]):
        code, out = _run(*cmd, "--db", f"sqlite:///{typo}")
        assert code == 2 and "there is no store" in out and "хранилища" in out, (cmd, out)
    assert not typo.parent.exists()


def test_a_corrupt_store_or_head_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    code, out = _run("audit", "verify", "--db", f"sqlite:///{bad}")
    assert code == 2 and "cannot be read" in out and "не читается" in out
    good = f"sqlite:///{tmp_path / 'good.sqlite'}"
    connect(good).dispose()
    head = tmp_path / "head.json"
    head.write_text("{not json")
    code, out = _run("audit", "verify", "--db", good, "--head", str(head))
    assert code == 2 and "is not a saved audit head" in out and CYR in out


@pytest.mark.parametrize(("opts", "words"), [
    (["P1", "--role", "god"], "'god' is not one of operator, viewer, admin"),
    (["P1", "--lang", "fr"], "'fr' is not one of en, ru"),
    (["P1", "--units", "metrik"], "'metrik' is not one of aviation, metric"),
    (["bad name!"], "a party name is 1 to 64"),
    (["P1", "--max-priority", "-1"], "maximum priority"),
])
def test_add_party_validates_every_option(tmp_path: Path, opts: list[str], words: str) -> None:
    code, out = _run("admin", "add-party", *opts, "--db", f"sqlite:///{tmp_path / 'db.sqlite'}",
                     "--token-key-file", str(tmp_path / "k"))
    assert code == 2 and words in out and CYR in out, out


def test_imperial_is_another_name_of_aviation(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    code, _ = _run("admin", "add-party", "P1", "--units", "imperial", "--db", db, "--token-key-file",
                   str(tmp_path / "k"))
    assert code == 0
    with connect(db).connect() as conn:
        assert conn.exec_driver_sql("SELECT units FROM parties WHERE id = 'P1'").scalar() == "aviation"


def test_set_party_refuses_a_negative_acknowledgement_time_and_a_bad_webhook(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert _run("admin", "add-party", "A", "--db", db, "--token-key-file", str(tmp_path / "k"))[0] == 0
    assert _run("admin", "set-party", "A", "--ack-timeout", "-5", "--db", db)[0] == 2
    code, out = _run("admin", "set-party", "A", "--webhook", "ftp://x", "--db", db)
    assert code == 2 and "webhook" in out


def test_audit_verify_names_a_corrupt_event_row(tmp_path: Path) -> None:
    file = tmp_path / "db.sqlite"
    hub = Hub(connect(f"sqlite:///{file}"), b"k" * 32)
    hub.add_party("A")
    hub.add_party("B")
    hub.audit.append_pending()
    hub.engine.dispose()
    with sqlite3.connect(file) as db:
        seq = db.execute("SELECT event_seq FROM audit ORDER BY seq LIMIT 1 OFFSET 2").fetchone()[0]
        entry = db.execute("SELECT seq FROM audit WHERE event_seq = ?", (seq,)).fetchone()[0]
        db.execute("UPDATE events SET data = '{broken' WHERE seq = ?", (seq,))
    code, out = _run("audit", "verify", "--db", f"sqlite:///{file}")
    assert code == 1
    assert f"broken at entry {entry}" in out and f"event row {seq} cannot be read" in out


@pytest.mark.parametrize("args", [
    ["check", "examples/demo/plans.json", "--url", "notaurl"],
    ["audit", "head", "--url", "http://127.0.0.1:1"],
    ["audit", "verify", "--url", "notaurl"],
])
def test_no_traceback_for_a_bad_url_or_a_server_that_is_down(args: list[str]) -> None:
    root = Path(__file__).parents[2]
    r = subprocess.run([sys.executable, "-c", "from skypact.cli.app import main; main()", *args],
                       capture_output=True, text=True, cwd=root, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert "не" in r.stderr + r.stdout  # the Russian half
