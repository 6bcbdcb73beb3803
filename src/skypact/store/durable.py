"""Group commit for SQLite in WAL mode: one ``fsync`` makes many commits durable.

With ``PRAGMA synchronous=FULL`` every SQLite commit syncs the write-ahead log before it
returns (about 2 ms on the project machine), and it does so inside the single-writer section:
writes queue behind each other's disk flushes.  The server instead commits with
``synchronous=NORMAL`` (the WAL is written, not yet synced) and then, *before answering*, waits
for :meth:`GroupCommit.wait`: one ``fsync`` of the WAL file covers every commit written before it
started, so writers that finish together share one flush.  The service calls it after releasing
its area locks, so a write's flush no longer holds up the next write in the same area.

Why the answer is still durable: the WAL is appended in commit order, so a sync started after a
commit returned covers that commit and every earlier one.  SQLite itself syncs the WAL before a
checkpoint copies it into the database, and the database after; a WAL file that is gone was
checkpointed (and synced) and removed by SQLite.  What a power loss can take is only what no
one has been told was stored.  (The live notification stream may show a change a moment before
its flush: the change is committed, not yet on disk.)

Other processes on the same store (the admin CLI) keep SQLite's default ``FULL``.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

__all__ = ["GroupCommit", "group_commit_of", "register"]

_ENGINES: weakref.WeakKeyDictionary[Engine, GroupCommit] = weakref.WeakKeyDictionary()


class GroupCommit:
    """Commit tickets and the shared flush of one SQLite file's write-ahead log."""

    def __init__(self, db_file: Path, fsync: Callable[[int], None] = os.fsync) -> None:
        self.wal = Path(f"{db_file}-wal")
        self._fsync = fsync
        self._count = threading.Lock()
        self._flush = threading.Lock()
        self.committed = 0  #: commits counted so far (tickets handed out)
        self.synced = 0  #: every ticket up to this one is on disk
        self.flushes = 0  #: fsyncs made (for tests and the benchmark)
        self._dir_synced = False

    def ticket(self) -> int:
        """Call right after a commit returned: the number :meth:`wait` needs."""
        with self._count:
            self.committed += 1
            return self.committed

    def flush(self) -> None:
        """Make every commit counted so far durable (one flush, unless another already covers them)."""
        self.wait(self.committed)

    def wait(self, ticket: int) -> None:
        """Return once the commit of ``ticket`` is on disk (flushing the WAL if no one has yet)."""
        if self.synced >= ticket:
            return
        with self._flush:
            if self.synced >= ticket:  # another writer's flush, started after our commit, covered it
                return
            upto = self.committed  # these commits returned, so their frames are in the WAL file
            try:
                fd = os.open(self.wal, os.O_RDONLY)
            except FileNotFoundError:  # checkpointed, synced and removed by SQLite
                pass
            else:
                try:
                    self._fsync(fd)
                finally:
                    os.close(fd)
                if not self._dir_synced:  # the WAL file's own directory entry, once
                    dfd = os.open(self.wal.parent, os.O_RDONLY)
                    try:
                        self._fsync(dfd)
                    finally:
                        os.close(dfd)
                    self._dir_synced = True
            self.flushes += 1
            self.synced = max(self.synced, upto)


def register(engine: Engine, db_file: Path) -> GroupCommit:
    """Give ``engine`` (whose connections commit with ``synchronous=NORMAL``) a group commit."""
    gc = GroupCommit(db_file)
    _ENGINES[engine] = gc
    return gc


def group_commit_of(engine: Engine) -> GroupCommit | None:
    """The group commit of ``engine``; None when its commits are durable by themselves
    (SQLite with ``synchronous=FULL``, PostgreSQL)."""
    return _ENGINES.get(engine)
