"""Group commit: an answer waits for a flush that started after its commit; flushes are shared."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from skypact.store.db import connect
from skypact.store.durable import GroupCommit, group_commit_of


def test_server_engine_commits_without_sync_and_registers_a_group_commit(tmp_path: Path) -> None:
    server = connect(f"sqlite:///{tmp_path / 'a.db'}", group_commit=True)
    cli = connect(f"sqlite:///{tmp_path / 'a.db'}")
    with server.connect() as c:
        assert c.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    with cli.connect() as c:
        assert c.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL: other processes sync themselves
    assert group_commit_of(server) is not None
    assert group_commit_of(cli) is None
    assert group_commit_of(connect("sqlite:///:memory:", group_commit=True)) is None


def test_wait_returns_only_after_a_flush_begun_after_the_commit(tmp_path: Path) -> None:
    """Eight writers commit and wait at once: each returns only once a flush that began after its
    ticket was handed out has finished; they share flushes (fewer than commits)."""
    (tmp_path / "s.db-wal").write_bytes(b"x")
    lock = threading.Lock()

    def slow_fsync(fd: int) -> None:
        time.sleep(0.01)

    gc = GroupCommit(tmp_path / "s.db", fsync=slow_fsync)
    done: dict[int, float] = {}
    issued: dict[int, float] = {}

    def writer(k: int) -> None:
        for _ in range(20):
            with lock:
                t = gc.ticket()
                issued[t] = time.perf_counter()
            gc.wait(t)
            assert gc.synced >= t
            done[t] = time.perf_counter()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(done) == 160 and gc.synced == 160
    assert all(done[t] - issued[t] >= 0.01 for t in done)  # at least one whole flush after the commit
    assert 0 < gc.flushes < 160  # shared


def test_missing_wal_means_checkpointed(tmp_path: Path) -> None:
    calls: list[int] = []
    gc = GroupCommit(tmp_path / "none.db", fsync=calls.append)
    gc.wait(gc.ticket())
    assert gc.synced == 1 and calls == []
