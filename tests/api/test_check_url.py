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
