"""Notification streams cost per recipient, not per listener: one pump read per round whatever
the number of open streams, every listener of a party gets each of its notifications once, and
first deliveries are recorded in batches."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from pathlib import Path

import uvicorn
from sqlalchemy import select

from skypact.api.app import create_app
from skypact.service.auth import Principal
from skypact.service.hub import Hub
from skypact.store.db import connect
from skypact.store.tables import notifications
from tests.api.test_volumes_api import A1, B1

LISTENERS = 24


def _listen(port: int, token: str, got: list[int], opened: threading.Event, conns: list[http.client.HTTPConnection],
            ) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conns.append(conn)
    conn.request("GET", "/v1/notifications/stream", headers={"Authorization": f"Bearer {token}"})
    resp = conn.getresponse()
    opened.set()
    try:
        for raw in resp:
            line = raw.decode()
            if line.startswith("data: "):
                got.append(json.loads(line[6:])["id"])
    except (OSError, ValueError, http.client.HTTPException):  # closed by the test
        pass


def test_many_listeners_one_reader(tmp_path: Path) -> None:
    hub = Hub(connect(f"sqlite:///{tmp_path / 'db.sqlite'}", group_commit=True), b"k" * 32)
    kid_a, sec_a = hub.add_party("A", max_priority=3)
    hub.add_party("B")
    hub.add_party("C")
    tok = hub.token(kid_a, sec_a)
    app = create_app(hub=hub)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    while not srv.started:
        time.sleep(0.05)
    streams = app.state.streams
    conns: list[http.client.HTTPConnection] = []
    got: list[list[int]] = [[] for _ in range(LISTENERS)]
    listeners = []
    try:
        for k in range(LISTENERS):
            opened = threading.Event()
            t = threading.Thread(target=_listen, args=(port, tok, got[k], opened, conns), daemon=True)
            t.start()
            assert opened.wait(10)
            listeners.append(t)
        for _ in range(100):
            if streams.listeners == LISTENERS:
                break
            time.sleep(0.05)
        assert streams.listeners == LISTENERS
        reads0, t0 = streams.reads, time.monotonic()
        hub.file_plan(Principal("A", "operator"), A1)
        hub.file_plan(Principal("B", "operator"), B1)  # A is told of the conflict
        hub.flush(0)
        want = [n["id"] for n in hub.notices.read("A")]
        assert want
        for _ in range(200):
            if all(g == want for g in got):
                break
            time.sleep(0.05)
        assert all(g == want for g in got), got  # each listener: each notification once, in order
        rounds = time.monotonic() - t0
        # one read per pump round (a commit, or a second), not one per listener
        assert streams.reads - reads0 <= 2 * (rounds + 2)
        for _ in range(100):
            with hub.engine.connect() as conn:
                marked = [r.delivered_at for r in conn.execute(select(notifications).where(
                    notifications.c.party == "A"))]
            if all(marked):
                break
            time.sleep(0.05)
        assert all(marked)  # recorded, in a batch of the pump
    finally:
        for conn in conns:
            if conn.sock is not None:
                conn.sock.shutdown(socket.SHUT_RDWR)
        for t in listeners:
            t.join(timeout=10)
        for conn in conns:
            conn.close()
        srv.should_exit = True
        th.join(timeout=10)
