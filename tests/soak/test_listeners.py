"""Many notification streams with writes: every listener of a party receives each of its
notifications exactly once and in order, while conflicting filings go on."""

from __future__ import annotations

import http.client
import json
import socket
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from skypact.benchmarks.service import Client, busy_plan, free_port, party_tokens, start_server, stop_server
from tests.soak.conftest import report, scale


def test_every_listener_gets_every_notification_of_its_party(tmp_path: Path) -> None:
    listeners, seconds = scale(40, 200), scale(4, 30)
    var = Path(tempfile.mkdtemp(dir=tmp_path))
    url = f"sqlite:///{var / 'db.sqlite'}"
    tokens = party_tokens(url, var, 4)
    port = free_port()
    proc = start_server(url, var, port)
    got: list[list[int]] = [[] for _ in range(listeners)]
    conns: list[http.client.HTTPConnection] = []
    readers: list[threading.Thread] = []

    def listen(k: int) -> None:
        conn = conns[k]
        try:
            for raw in conn.getresponse():
                line = raw.decode()
                if line.startswith("data: "):
                    got[k].append(json.loads(line[6:])["id"])
        except Exception:
            pass

    try:
        for k in range(listeners):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", "/v1/notifications/stream", headers={"Authorization": f"Bearer {tokens[k % 4]}"})
            conns.append(conn)
        readers += [threading.Thread(target=listen, args=(k,), daemon=True) for k in range(listeners)]
        for t in readers:
            t.start()
        time.sleep(1.0)
        writers = [Client(port, tokens[c]) for c in range(4)]
        stop = time.monotonic() + seconds

        def write(c: int) -> None:
            rng, i = np.random.default_rng(c), 0
            while time.monotonic() < stop:
                writers[c].post("/v1/plans", busy_plan(rng, c, i, f"P{c}"))  # the busy area: many conflicts
                i += 1

        threads = [threading.Thread(target=write, args=(c,)) for c in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        filings = sum(len(w.filing_ms) for w in writers)
        want = {}
        for p in range(4):
            c = Client(port, tokens[p])
            ids, after = [], 0
            while True:
                c.conn.request("GET", f"/v1/notifications?limit=1000&after={after}",
                               headers={"Authorization": f"Bearer {tokens[p]}"})
                page = json.loads(c.conn.getresponse().read())
                if not page:
                    break
                ids += [n["id"] for n in page]
                after = ids[-1]
            c.conn.close()
            want[p] = ids
        for w in writers:
            w.conn.close()
        deadline = time.monotonic() + scale(20, 120)  # the streams may still be sending: wait, bounded
        while time.monotonic() < deadline and not all(got[k] == want[k % 4] for k in range(listeners)):
            time.sleep(0.2)
        bad = [k for k in range(listeners) if got[k] != want[k % 4]]
        total = sum(len(v) for v in want.values())
        report(f"streams: {listeners} listeners, {filings} filings in {seconds} s ({filings / seconds:.1f}/s), "
               f"{total} notifications, each listener got its party's: {listeners - len(bad)}/{listeners}")
        assert total and not bad
    finally:
        for conn in conns:
            if conn.sock is not None:
                conn.sock.shutdown(socket.SHUT_RDWR)
        for t in readers:
            t.join(timeout=10)
        for conn in conns:
            conn.close()
        stop_server(proc)
