"""A private PostgreSQL server for tests and benchmarks (the Debian package, started as the
postgres user).

It refuses to run as root, so the cluster is created and started with ``runuser -u postgres``,
listening only on a Unix socket in a temporary directory.  When the binaries are missing the
package is installed with apt-get (as root).  Without PostgreSQL the tests skip with a printed
reason, except under ``CI=true``, where that is a failure.  Not used by the service itself.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["postgres_server"]


def _bin_dir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _install() -> None:
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True, env=env, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=False, capture_output=True, env=env,
                       timeout=900)


@contextmanager
def postgres_server(port: int = 54329) -> Iterator[str | None]:
    """Yields a SQLAlchemy URL of a fresh database, or None with the reason printed."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        _install()
        bin_dir = _bin_dir()
    if bin_dir is None or not shutil.which("runuser"):
        print("PostgreSQL skipped: no PostgreSQL binaries (apt-get install postgresql) or no runuser")  # noqa: T201
        yield None
        return
    root = tempfile.mkdtemp(prefix="skypact-pg-")
    os.chmod(root, 0o777)
    data = os.path.join(root, "data")
    as_pg = ["runuser", "-u", "postgres", "--"]
    try:
        subprocess.run([*as_pg, f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"], check=True,
                       capture_output=True, timeout=120)
        subprocess.run([*as_pg, f"{bin_dir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(root, "log"), "-o",
                        f"-k {root} -p {port} -c listen_addresses=''", "start"], check=True, capture_output=True,
                       timeout=120)
        subprocess.run([*as_pg, f"{bin_dir}/createdb", "-h", root, "-p", str(port), "-U", "postgres", "skypact"],
                       check=True, capture_output=True, timeout=60)
        yield f"postgresql+psycopg://postgres@/skypact?host={root}&port={port}"
    finally:
        subprocess.run([*as_pg, f"{bin_dir}/pg_ctl", "-D", data, "-m", "fast", "stop"], capture_output=True,
                       check=False, timeout=120)
        shutil.rmtree(root, ignore_errors=True)
