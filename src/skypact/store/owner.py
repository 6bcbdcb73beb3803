"""One serving process per store.

The live airspace and the area locks live in the serving process: two servers on one store
would each check writes against only what they filed themselves and miss the conflicts between
them.  So a server claims its store before it serves and keeps the claim while it runs; a second
server on the same store refuses to start.  The claim is one the operating system or the
database arbitrates, and it ends with the process, however it ends (kill -9 included):

* SQLite file: an exclusive ``flock`` on ``<file>.owner`` (beside the store; it holds the
  owner's process id and host for the message);
* PostgreSQL: a session-level advisory lock held on a connection of its own.

Other processes (``skypact admin``, ``audit verify``) use the store as before: only serving
is exclusive.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from skypact.errors import ServiceError
from skypact.i18n import N_

__all__ = ["ADVISORY_KEY", "StoreInUse", "claim"]

#: the advisory lock key of "this database is served" (an arbitrary constant: 'skypact1' in ASCII)
ADVISORY_KEY = 0x736B797061637431


class StoreInUse(ServiceError):
    """Another skypact server holds the store."""

    status = 409


def _sqlite_file(url: str) -> Path | None:
    name = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else ""
    return Path(name) if name and name != ":memory:" else None


@contextmanager
def claim(url: str) -> Iterator[None]:
    """Hold the store at ``url`` for this process while the block runs.

    Raises:
        StoreInUse: another process holds it.
    """
    if url.startswith("postgresql"):
        with _claim_postgres(url):
            yield
        return
    file = _sqlite_file(url)
    if file is None:  # in memory: nothing to share
        yield
        return
    file.parent.mkdir(parents=True, exist_ok=True)
    owner = file.with_name(file.name + ".owner")
    fd = os.open(owner, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = os.pread(fd, 200, 0).decode(errors="replace").strip() or "?"
            raise StoreInUse(N_("the store {store} is served by another skypact process ({who}): stop it, or "
                                "give another --db"), store=str(file), who=who) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def _claim_postgres(url: str) -> Iterator[None]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
            conn.commit()
            if not got:
                raise StoreInUse(N_("the store {store} is served by another skypact process ({who}): stop it, "
                                    "or give another --db"), store=engine.url.render_as_string(hide_password=True),
                                 who="PostgreSQL advisory lock")
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                conn.commit()
    finally:
        engine.dispose()
