"""Webhooks against a receiver on loopback: signed bodies, order kept, retries with back-off on a
fake clock, and the delivery point kept in the store."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from skypact.service.auth import Principal
from skypact.service.hub import Hub
from skypact.service.webhooks import Webhooks, sign
from skypact.store.db import connect
from tests.api.test_volumes_api import A1, B1


class Receiver:
    """Answers 500 to the first ``fail`` requests, then 200; keeps what it was sent."""

    def __init__(self, fail: int) -> None:
        self.fail = fail
        self.got: list[tuple[dict[str, str], bytes]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.got.append((dict(self.headers), body))
                ok = len(owner.got) > owner.fail
                self.send_response(200 if ok else 500)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail=2)
    yield r
    r.close()


def test_signed_in_order_retried_with_backoff(tmp_path: Path, receiver: Receiver) -> None:
    hub = Hub(connect(f"sqlite:///{tmp_path / 'db.sqlite'}"), b"k" * 32)
    hub.add_party("A", max_priority=3)
    hub.add_party("B")
    hub.notices.configure("B", webhook_url=receiver.url, webhook_secret="s3cret")
    hub.file_plan(Principal("A", "operator"), A1)
    hub.file_plan(Principal("B", "operator"), B1)  # B: conflict, two suggestions
    want = [n["id"] for n in hub.notices.read("B")]
    assert len(want) == 3
    t = 1_000_000.0
    assert hub.webhooks.deliver_once(t) == 0  # the receiver fails: retry in 1 s
    assert hub.webhooks.deliver_once(t + 0.5) == 0 and len(receiver.got) == 1  # not yet
    assert hub.webhooks.deliver_once(t + 1.0) == 0 and len(receiver.got) == 2  # fails again: 2 s
    assert hub.webhooks.deliver_once(t + 2.9) == 0 and len(receiver.got) == 2
    assert hub.webhooks.deliver_once(t + 3.0) == 3  # then everything, in order
    ids = [int(h["X-Skypact-Id"]) for h, _ in receiver.got]
    assert ids == [want[0], want[0], *want]
    for headers, body in receiver.got:
        assert headers["X-Skypact-Signature"] == sign("s3cret", headers["X-Skypact-Timestamp"], body)
        assert json.loads(body)["id"] == int(headers["X-Skypact-Id"])
        assert json.loads(body)["text"]["ru"]["short"]
    assert sign("wrong", receiver.got[-1][0]["X-Skypact-Timestamp"], receiver.got[-1][1]) != \
        receiver.got[-1][0]["X-Skypact-Signature"]
    # a restarted server resumes after the last delivered id: nothing again, only what is new
    again = Webhooks(hub.engine, hub.notices)
    assert again.deliver_once(t + 10) == 0
    hub.emergency(Principal("A", "operator"), "A1", "test")
    assert again.deliver_once(t + 11) == 1 and json.loads(receiver.got[-1][1])["type"] == "emergency-declared"
    assert hub.notices.read("A") and not any(json.loads(b)["party"] != "B" for _, b in receiver.got)


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/x", "http://", "http://host:99999/x",
                                 "https://exa mple.org", "http://host/\nx", "http://h/" + "x" * 500])
def test_a_webhook_that_cannot_be_delivered_to_is_refused_when_set(tmp_path: Path, url: str) -> None:
    from skypact.errors import InputError

    hub = Hub(connect(f"sqlite:///{tmp_path / 'db.sqlite'}"), b"k" * 32)
    hub.add_party("A")
    with pytest.raises(InputError) as e:
        hub.notices.configure("A", webhook_url=url)
    assert "webhook" in str(e.value) and "веб-хука" in e.value.message("ru")
    for bad in ({"ack_timeout_s": -5.0}, {"ack_timeout_s": 0.0}, {"ack_timeout_s": 1e9}, {"contacts": [""]},
                {"contacts": ["x"] * 21}):
        with pytest.raises(InputError):
            hub.notices.configure("A", **bad)  # type: ignore[arg-type]


def test_one_receivers_failure_never_delays_another_party(tmp_path: Path, receiver: Receiver) -> None:
    """Party A's receiver hangs (it accepts the connection and never answers); party B's
    notifications are delivered meanwhile, and A's are retried without a traceback per attempt."""
    import socket
    import time

    hub = Hub(connect(f"sqlite:///{tmp_path / 'db.sqlite'}"), b"k" * 32)
    hub.add_party("A", max_priority=3)
    hub.add_party("B")
    receiver.fail = 0
    with socket.socket() as hang:
        hang.bind(("127.0.0.1", 0))
        hang.listen(8)
        hub.notices.configure("A", webhook_url=f"http://127.0.0.1:{hang.getsockname()[1]}/hook")
        hub.notices.configure("B", webhook_url=receiver.url)
        hub.file_plan(Principal("A", "operator"), A1)
        hub.file_plan(Principal("B", "operator"), B1)  # both parties are told
        want_b = len(hub.notices.read("B"))
        for _ in range(200):
            hub.webhooks.deliver_once(wait=False)
            if len(receiver.got) >= want_b:
                break
            time.sleep(0.02)
        assert len(receiver.got) == want_b
        assert hub.notices.read("A")[0]["delivered_at"] is None  # A's first one still hangs meanwhile
        assert all(json.loads(b)["party"] == "B" for _, b in receiver.got)
