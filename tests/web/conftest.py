"""The browser tests' setting: a real server with parties A and B on SQLite, and Debian's
Chromium driven by Playwright (``executable_path``: no browser is downloaded).  Without Chromium
the tests are skipped here and fail in CI, where ``.ci/run`` installs it.  A failing test leaves
a screenshot of each page under ``var/screens/``."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from skypact.api.app import create_app
from skypact.benchmarks.map import CHROMIUM_ARGS, chromium_path
from skypact.config import SHUTDOWN_GRACE_S
from skypact.service.hub import Hub
from skypact.store.db import connect

SCREENS = Path(__file__).parents[2] / "var" / "screens"


def chromium() -> str:
    """Debian's Chromium, or skip (fail in CI)."""
    try:
        return chromium_path()
    except RuntimeError:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is required in CI (.ci/run installs it)")
        pytest.skip("no chromium: apt install chromium")


@dataclass
class Site:
    url: str
    hub: Hub
    creds: dict[str, tuple[str, str]]
    server: Any = None
    pages: dict[str, Any] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


def at(minutes: float) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


class Server:
    """A uvicorn server in a thread around ``hub`` on ``port``; it can be stopped and started again."""

    def __init__(self, hub: Hub, port: int) -> None:
        self.hub, self.port = hub, port
        self.start()

    def start(self) -> None:
        self.srv = uvicorn.Server(uvicorn.Config(create_app(hub=self.hub), host="127.0.0.1", port=self.port,
                                                 log_level="warning", timeout_graceful_shutdown=SHUTDOWN_GRACE_S))
        self.thread = threading.Thread(target=self.srv.run, daemon=True)
        self.thread.start()
        for _ in range(400):
            if self.srv.started:
                return
            time.sleep(0.05)
        raise RuntimeError("the test server did not start")

    def stop(self) -> None:
        self.srv.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[Site]:
    hub = Hub(connect(f"sqlite:///{tmp_path / 'db.sqlite'}", group_commit=True), b"k" * 32)
    creds = {p: hub.add_party(p, max_priority=3) for p in ("A", "B")}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = Server(hub, port)
    yield Site(f"http://127.0.0.1:{port}", hub, creds, server=server)
    server.stop()
    hub.engine.dispose()


@pytest.fixture()
def browser(request: pytest.FixtureRequest, site: Site) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    path = chromium()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            SCREENS.mkdir(parents=True, exist_ok=True)
            for name, page in site.pages.items():
                page.screenshot(path=str(SCREENS / f"{request.node.name}-{name}.png"))
        b.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        item.rep_call = rep  # type: ignore[attr-defined]
