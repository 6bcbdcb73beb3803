"""kill -9 of the server during an 8-client write load, several rounds on one store: every
write the server acknowledged (201) is in the store afterwards, and the audit chain verifies."""

from __future__ import annotations

import os
import random
import signal
import tempfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from skypact.benchmarks.service import Client, busy_plan, free_port, party_tokens, start_server
from skypact.cli.app import app
from skypact.service.audit import AuditChain
from skypact.store.db import connect
from skypact.store.tables import plans
from tests.api.conftest import fresh_url
from tests.soak.conftest import FULL, report, scale

CLIENTS = 8


def _load(port: int, tokens: list[str], stop: threading.Event, acked: list[str], tag: str) -> None:
    """``CLIENTS`` clients filing busy-area plans until ``stop`` (or the server dies)."""
    import numpy as np

    def work(c: int) -> None:
        cl = Client(port, tokens[c % len(tokens)])
        rng = np.random.default_rng(c)
        i = 0
        while not stop.is_set():
            doc = busy_plan(rng, c, i, f"P{c % len(tokens)}")
            doc["id"] = f"{tag}-{c}-{i}"
            try:
                status, _ = cl.post("/v1/plans", doc)
            except OSError:  # the server was killed: this write was not acknowledged
                return
            if status == 201:
                acked.append(doc["id"])
            i += 1

    threads = [threading.Thread(target=work, args=(c,)) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_no_acknowledged_write_is_lost_to_kill_9(store: str, tmp_path: Path, pg_url: str | None) -> None:
    url = fresh_url(store, tmp_path, pg_url)
    var = Path(tempfile.mkdtemp(dir=tmp_path))
    tokens = party_tokens(url, var, 4)
    rounds, rng = scale(1, 5), random.Random(1)
    acked: list[str] = []
    for r in range(rounds):
        port = free_port()
        proc = start_server(url, var, port)
        stop = threading.Event()
        loader = threading.Thread(target=_load, args=(port, tokens, stop, acked, f"R{r}"))
        loader.start()
        time.sleep(rng.uniform(4.0, 8.0) if FULL else 2.0)
        os.kill(proc.pid, signal.SIGKILL)  # mid-load, whatever it is doing
        proc.wait()
        stop.set()
        loader.join(timeout=60)
    engine = connect(url)
    with engine.connect() as conn:
        stored = {row.id for row in conn.execute(select(plans.c.id))}
    lost = [i for i in acked if i not in stored]
    AuditChain(engine, var / "audit.key").append_pending()  # as the next start does
    engine.dispose()
    verified = CliRunner().invoke(app, ["audit", "verify", "--db", url])
    report(f"kill -9 {store}: {rounds} rounds, {CLIENTS} clients, {len(acked)} acknowledged writes, "
           f"{len(lost)} lost; audit chain: {verified.output.strip().splitlines()[-1] if verified.output else '?'}")
    assert acked and not lost
    assert verified.exit_code == 0, verified.output


