"""The page's routes without a browser: the page under its Content-Security-Policy, its texts
from the catalogs in both languages, and country borders only when the deployment asks."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from skypact.api.app import create_app
from skypact.config import Settings
from skypact.service.hub import Hub
from skypact.store.db import connect
from skypact.web.strings import UI


def _client(tmp_path: Path, **kw: bool) -> TestClient:
    hub = Hub(connect(f"sqlite:///{tmp_path / 'db.sqlite'}"), b"k" * 32)
    return TestClient(create_app(Settings(db_url=f"sqlite:///{tmp_path / 'db.sqlite'}", **kw), hub=hub))


def test_the_page_loads_only_from_its_own_server(tmp_path: Path) -> None:
    c = _client(tmp_path)
    r = c.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp and "script-src 'self'" in csp
    # every script, style and image the page names is on this server, and is served
    for ref in re.findall(r'(?:src|href)="([^"]+)"', r.text):
        assert ref.startswith("/static/") or ref.startswith("data:"), ref
        if ref.startswith("/static/"):
            assert c.get(ref).status_code == 200, ref
    assert c.get("/static/tracks-worker.js").status_code == 200
    assert c.get("/static/vendor/world-atlas/land-50m.json").json()["type"] == "Topology"


def test_texts_come_from_the_catalogs_in_both_languages(tmp_path: Path) -> None:
    doc = _client(tmp_path).get("/ui/strings.json").json()
    assert set(doc) == {"en", "ru"} and set(doc["en"]) == set(UI) == set(doc["ru"])
    assert doc["en"]["acknowledge"] == "Acknowledge" and doc["ru"]["acknowledge"] == "Подтвердить"


def test_country_borders_only_when_the_deployment_asks(tmp_path: Path) -> None:
    assert _client(tmp_path / "a").get("/ui/config.json").json()["borders"] is False
    assert _client(tmp_path / "b", map_borders=True).get("/ui/config.json").json()["borders"] is True
