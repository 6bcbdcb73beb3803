"""Shared fixtures of the API tests: an app on SQLite and on PostgreSQL with parties A (max
priority 5), B and C (0) and a viewer V, and helpers for problem+json answers."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from skypact.api.app import create_app
from skypact.service.hub import Hub
from skypact.store.db import connect

CYR = re.compile("[а-яА-Я]")


def body(p: Any) -> dict[str, Any]:
    """A model as the JSON a client sends."""
    return json.loads(p.model_dump_json())


def problem(r: Any, status: int) -> dict[str, Any]:
    """Assert ``r`` is a problem+json answer with ``status`` and an EN and a RU detail."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    d = r.json()
    assert d["status"] == status and d["detail"]["en"] and CYR.search(d["detail"]["ru"])
    return dict(d)


def fresh_url(store: str, tmp_path: Path, pg_url: str | None) -> str:
    """An empty store of kind ``store`` (a new SQLite file, or the test PostgreSQL emptied)."""
    if store == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite'}"
    if pg_url is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is required in CI")
        pytest.skip("no PostgreSQL server could be started (see the printed reason)")
    reset = connect(pg_url)
    from skypact.store.tables import metadata

    metadata.drop_all(reset)
    reset.dispose()
    return pg_url


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request: pytest.FixtureRequest, tmp_path: Path, pg_url: str | None) -> Iterator[dict[str, Any]]:
    url = fresh_url(request.param, tmp_path, pg_url)
    hub = Hub(connect(url, group_commit=True), b"k" * 32)  # as the server opens it
    app = create_app(hub=hub)
    client = TestClient(app)
    heads = {}
    for name, prio in (("A", 5), ("B", 0), ("C", 0)):
        kid, secret = hub.add_party(name, max_priority=prio)
        tok = client.post("/v1/token", json={"key_id": kid, "secret": secret}).json()["access_token"]
        heads[name] = {"Authorization": f"Bearer {tok}"}
    kid, secret = hub.add_party("V", role="viewer")
    heads["V"] = {"Authorization": "Bearer " + client.post("/v1/token", json={"key_id": kid, "secret": secret})
                  .json()["access_token"]}
    yield {"client": client, "h": heads, "app": app, "hub": hub}
    client.close()
    hub.engine.dispose()


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Hub]]:
    """A real uvicorn server on a loopback port around a hub on SQLite."""
    hub = Hub(connect(f"sqlite:///{tmp_path / 'db.sqlite'}", group_commit=True), b"k" * 32)
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
