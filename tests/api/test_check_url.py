"""``skypact check --url``: the dry run through a live service on loopback."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from skypact.api.app import create_app
from skypact.cli.app import app as cli
from skypact.service.auth import Principal
from skypact.service.hub import Hub
from skypact.store.db import connect
from tests.builders import plan, wp


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Hub]]:
    hub = Hub(connect(f"sqlite:///{tmp_path / 'db.sqlite'}"), b"k" * 32)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(hub=hub), host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", hub
    srv.should_exit = True
    th.join(timeout=10)


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
    assert [p["id"] for p in hub.list_plans(Principal("B", "operator"))] == ["A1"]  # nothing stored
    r = CliRunner().invoke(cli, ["check", str(mine), "--url", url])  # no token
    assert r.exit_code == 2 and "bearer token" in r.stderr and "токен" in r.stderr
