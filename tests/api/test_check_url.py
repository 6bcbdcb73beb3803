"""``skypact check --url``: the dry run through a live service on loopback."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from skypact.cli.app import app as cli
from skypact.service.auth import Principal
from skypact.service.hub import PLAN, Hub
from tests.builders import plan, wp


def test_check_url_dry_run(server: tuple[str, Hub], tmp_path: Path) -> None:
    url, hub = server
    hub.add_party("A", max_priority=3)
    kid, secret = hub.add_party("B")
    hub.file_plan(Principal("A", "operator"), plan("A1", "A", [wp(50, 0, 30000, 0), wp(50, 2, 30000, 1200)]))
    mine = tmp_path / "b.json"
    b1 = plan("B1", "B", [wp(49, 1, 30000, 0), wp(51, 1, 30000, 1200)])
    mine.write_text(json.dumps({"plans": [json.loads(b1.model_dump_json())]}))
    tok = hub.token(kid, secret)
    r = CliRunner().invoke(cli, ["check", str(mine), "--url", url, "--token", tok])
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    assert [(c["plan_a"], c["plan_b"]) for c in doc["conflicts"]] == [("B1", "A1")]
    assert [p["id"] for p in hub.query(Principal("B", "operator"), PLAN)] == ["A1"]  # nothing stored
    r = CliRunner().invoke(cli, ["check", str(mine), "--url", url])  # no token
    assert r.exit_code == 2 and "bearer token" in r.stderr and "токен" in r.stderr


def test_notices_show_and_ack_through_a_live_service(server: tuple[str, Hub]) -> None:
    url, hub = server
    kid_a, sec_a = hub.add_party("A", max_priority=3)
    hub.add_party("B")
    hub.file_plan(Principal("A", "operator"), plan("A1", "A", [wp(50, 0, 30000, 0), wp(50, 2, 30000, 1200)]))
    hub.file_plan(Principal("B", "operator"), plan("B1", "B", [wp(49, 1, 30000, 0), wp(51, 1, 30000, 1200)]))
    tok = hub.token(kid_a, sec_a)
    r = CliRunner().invoke(cli, ["notices", "show", "--url", url, "--token", tok, "--lang", "ru", "--full"])
    assert r.exit_code == 0, r.output
    assert "A1, ПРОГНОЗ КОНФЛИКТА С B1" in r.stdout and "(ack?)" in r.stdout and "Прогнозируется" in r.stdout
    assert "CONFLICT PREDICTED" not in r.stdout  # Russian only
    nid = hub.notices.read("A")[0]["id"]
    r = CliRunner().invoke(cli, ["notices", "ack", str(nid), "--url", url, "--token", tok, "--lang", "en"])
    assert r.exit_code == 0 and "✓" in r.stdout
    r = CliRunner().invoke(cli, ["notices", "ack", "99999", "--url", url, "--token", tok])
    assert r.exit_code == 2 and "нет уведомления 99999" in r.output
    r = CliRunner().invoke(cli, ["notices", "show", "--url", url, "--token", tok, "--json"])
    assert json.loads(r.stdout)[0]["ack"]["at"] is not None


def test_a_party_verifies_the_audit_chain_through_the_service(server: tuple[str, Hub], tmp_path: Path) -> None:
    import time

    url, hub = server
    kid, secret = hub.add_party("A", max_priority=3)
    hub.add_party("B")
    hub.file_plan(Principal("A", "operator"), plan("A1", "A", [wp(50, 0, 30000, 0), wp(50, 2, 30000, 1200)]))
    hub.file_plan(Principal("B", "operator"), plan("B1", "B", [wp(49, 1, 30000, 0), wp(51, 1, 30000, 1200)]))
    tok = hub.token(kid, secret)
    deadline = time.monotonic() + 5
    while hub.audit.append_pending() and time.monotonic() < deadline:  # the server's appender runs twice a second
        time.sleep(0.2)
    saved = tmp_path / "head.json"
    r = CliRunner().invoke(cli, ["audit", "head", "--url", url, "--token", tok, "-o", str(saved)])
    assert r.exit_code == 0 and json.loads(saved.read_text())["seq"] > 5
    hub.file_plan(Principal("A", "operator"), plan("A2", "A", [wp(40, 0, 30000, 0), wp(40, 2, 30000, 1200)]))
    time.sleep(1.2)  # chained within a second, by the server itself
    r = CliRunner().invoke(cli, ["audit", "verify", "--url", url, "--token", tok, "--head", str(saved)])
    assert r.exit_code == 0, r.output
    n = int(r.stdout.split("verified: ")[1].split()[0])
    assert n > json.loads(saved.read_text())["seq"]  # the new filing was chained too
