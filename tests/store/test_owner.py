"""One serving process per store: a second ``skypact serve`` (or ``demo``) on a store that is
served refuses to start with a bilingual message and exit code 2; the claim ends with its holder,
even when the holder is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skypact.cli.app import app
from skypact.store.owner import StoreInUse, claim
from tests.api.conftest import fresh_url


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_a_second_server_on_a_served_store_refuses_to_start(store: str, tmp_path: Path,
                                                            pg_url: str | None) -> None:
    url = fresh_url(store, tmp_path, pg_url)
    with claim(url):
        with pytest.raises(StoreInUse), claim(url):
            pass
        r = CliRunner().invoke(app, ["serve", "--db", url, "--port", "1", "--token-key-file", str(tmp_path / "k")])
        assert r.exit_code == 2, r.output
        assert "served by another skypact process" in r.output and "обслуживает другой процесс" in r.output
    with claim(url):  # released: the next server may start
        pass


def test_the_claim_ends_with_a_killed_holder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\n"
                               "from skypact.store.owner import claim\n"
                               f"with claim({url!r}):\n    print('held', flush=True)\n    time.sleep(60)\n"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreInUse) as e, claim(url):
            pass
        assert f"pid {holder.pid}" in str(e.value)
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        holder.stdout.close()  # type: ignore[union-attr]
    time.sleep(0.05)
    with claim(url):
        pass


def test_a_second_demo_keeps_the_running_demos_store(tmp_path: Path) -> None:
    var = tmp_path / "demo"
    with claim(f"sqlite:///{var / 'skypact.db'}"):
        (var / "skypact.db").write_bytes(b"the running demo's store")
        r = CliRunner().invoke(app, ["demo", "--once", "--port", "0", "--var", str(var)])
        assert r.exit_code == 2
        assert (var / "skypact.db").read_bytes() == b"the running demo's store"
