"""The service benchmark: plan writes per second and their latency through real HTTP.

A ``skypact serve`` process runs on a fresh store (SQLite file, or a PostgreSQL URL) on loopback;
this process is the load generator: ``clients`` threads, each with its own keep-alive
connection, file plans for ``seconds`` s, conflict check and resolution suggestions included.

* **disjoint** - every plan in an area and hour of its own (a 100 km leg somewhere on a
  5° × 5° grid of the world, a fresh hour per pass over the grid): writes never wait for
  each other, the live set grows.
* **busy** - every plan crosses one 200 km circle within the same ten minutes, at FL300-FL340;
  each client ends its oldest plan once it has ``keep`` live ones, so the live set holds at
  ``clients × keep`` plans, all of which every new plan overlaps in area and time.  Many
  filings conflict, so suggestions are computed often.

Then the delivery latency of notifications (:func:`stream_latency`), on the embedded store.

A filing is ``POST /v1/plans``; ending the oldest is ``POST /v1/plans/{id}/state`` - both are
writes under the area locks, and both are counted and timed (``writes``), filings also alone
(``filings``).  The generator shares the machine's cores with the server: its CPU share is
its own CPU time over wall time × cores.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from skypact.benchmarks.machine import machine
from skypact.geo.geodesy import forward

__all__ = ["Client", "Served", "free_port", "listener_cost", "party_tokens", "run", "run_one", "served", "start_server",
           "stop_server", "stream_latency"]

T0 = datetime(2026, 6, 1, 8, tzinfo=UTC)
SPEED = 231.0  # m/s, about 450 kt
Step = Callable[[str], None]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _leg(pid: str, party: str, lat: float, lon: float, az: float, length_m: float, t0: datetime,
         alt_ft: float) -> dict[str, Any]:
    """A one-leg plan through (lat, lon) on azimuth ``az``, centred on it, at ``SPEED``."""
    la, lo, _ = forward(np.array([lat, lat]), np.array([lon, lon]), np.array([az + 180.0, az]),
                        np.full(2, length_m / 2))
    t1 = t0 + timedelta(seconds=length_m / SPEED)
    return {"id": pid, "party": party, "callsign": pid[-8:], "priority": 0,
            "waypoints": [{"lat": float(la[0]), "lon": float(lo[0]), "alt": {"value": alt_ft}, "time": t0.isoformat()},
                          {"lat": float(la[1]), "lon": float(lo[1]), "alt": {"value": alt_ft}, "time": t1.isoformat()}]}


def disjoint_plan(client: int, i: int, clients: int, party: str) -> dict[str, Any]:
    """Plan ``i`` of ``client``: its own 5° cell and hour (a 100 km leg, 7 min)."""
    k = i * clients + client
    cells = 24 * 72  # 5° cells between 60° S and 60° N
    cell, hour = k % cells, k // cells
    lat = -57.5 + 5.0 * (cell // 72)
    lon = -177.5 + 5.0 * (cell % 72)
    return _leg(f"D{client:02d}-{i:07d}", party, lat, lon, 90.0, 100_000.0, T0 + timedelta(hours=hour), 30_000)


def busy_plan(rng: np.random.Generator, client: int, i: int, party: str) -> dict[str, Any]:
    """Plan ``i`` of ``client``: a 200 km leg through a random point of the busy circle."""
    r = 100_000.0 * np.sqrt(rng.uniform())
    la, lo, _ = forward(np.array([50.0]), np.array([8.0]), np.array([rng.uniform(0, 360)]), np.array([r]))
    t0 = T0 + timedelta(seconds=float(rng.uniform(0, 600)))
    alt = 30_000 + 1000 * int(rng.integers(0, 5))
    return _leg(f"B{client:02d}-{i:07d}", party, float(la[0]), float(lo[0]), float(rng.uniform(0, 360)),
                200_000.0, t0, alt)


@dataclass
class Client:
    """One load-generating client: a keep-alive connection and its timings."""

    port: int
    token: str
    filing_ms: list[float] = field(default_factory=list)
    write_ms: list[float] = field(default_factory=list)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def post(self, path: str, doc: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body = json.dumps(doc)
        t = time.perf_counter()
        self.conn.request("POST", path, body=body, headers={"Authorization": f"Bearer {self.token}",
                                                            "Content-Type": "application/json"})
        resp = self.conn.getresponse()
        data = resp.read()
        ms = 1e3 * (time.perf_counter() - t)
        self.write_ms.append(ms)
        if path == "/v1/plans":
            self.filing_ms.append(ms)
        if resp.status >= 300:
            self.errors.append(f"{resp.status} {data[:200]!r}")
            return resp.status, {}
        return resp.status, json.loads(data)


def start_server(db: str, var: Path, port: int) -> subprocess.Popen[bytes]:
    """``skypact serve`` on ``port``; its log goes to ``var/server.log``."""
    exe = Path(sys.executable).with_name("skypact")
    cmd = [str(exe), "serve", "--db", db, "--port", str(port), "--token-key-file", str(var / "token.key"),
           "--audit-key-file", str(var / "audit.key"), "--log-level", "warning"]
    with (var / "server.log").open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(_log_tail(var)) from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start in 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server; killed when it does not end within 30 s of being asked."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Served:
    """A ``skypact serve`` process on loopback and what a benchmark needs of it."""

    url: str
    var: Path
    port: int
    tokens: list[str]  #: bearer tokens of parties P0, P1, …
    proc: subprocess.Popen[bytes]
    credentials: list[tuple[str, str]] = field(default_factory=list)  #: key id and secret of P0, P1, …


@contextmanager
def served(parties: int, db: str | None = None) -> Iterator[Served]:
    """A server on a fresh store (a SQLite file in a temporary folder, or the empty database
    ``db``) with ``parties`` parties, stopped when the block ends."""
    with tempfile.TemporaryDirectory(prefix="skypact-bench-") as tmp:
        var = Path(tmp)
        url = db or f"sqlite:///{var / 'skypact.db'}"
        creds = party_credentials(url, var, parties)
        port = free_port()
        proc = start_server(url, var, port)
        try:
            yield Served(url, var, port, [tok for _, _, tok in creds], proc, [(k, s) for k, s, _ in creds])
        finally:
            stop_server(proc)


def _log_tail(var: Path, chars: int = 3000) -> str:
    text = (var / "server.log").read_text(errors="replace") if (var / "server.log").exists() else ""
    return text[-chars:] or "(the server wrote nothing)"


def _cpu_s(pid: int) -> float:
    """CPU seconds used by process ``pid`` and its live children (the server's audit sealing helper)."""
    kids = [int(k) for f in Path(f"/proc/{pid}/task").glob("*/children") for k in f.read_text().split()]
    return _own_cpu_s(pid) + sum(_own_cpu_s(k) for k in kids)


def _own_cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # ended meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def party_tokens(db: str, var: Path, parties: int) -> list[str]:
    """Parties P0, P1, … and a day-long bearer token of each."""
    return [tok for _, _, tok in party_credentials(db, var, parties)]


def party_credentials(db: str, var: Path, parties: int) -> list[tuple[str, str, str]]:
    """Parties P0, P1, … and each one's key id, secret and a day-long bearer token."""
    from skypact.config import Settings
    from skypact.service.parties import Parties
    from skypact.store.db import connect

    s = Settings(db_url=db, token_key_file=var / "token.key")
    engine = connect(db)
    reg = Parties(engine, s.token_key())
    out = []
    for k in range(parties):
        kid, secret = reg.add_party(f"P{k}")
        out.append((kid, secret, reg.token(kid, secret, ttl_s=24 * 3600)))
    engine.dispose()
    return out


def run_one(scenario: str, db: str | None = None, clients: int = 8, seconds: float = 30.0, keep: int = 5,
            seed: int = 1, step: Step | None = None) -> dict[str, Any]:
    """One scenario on one store (a fresh SQLite file when ``db`` is None; a PostgreSQL URL
    must name an empty database)."""
    say = step or (lambda _m: None)
    with served(4, db) as srv:
        r = _drive(scenario, srv.url, srv.proc, srv.port, srv.tokens, clients, seconds, keep, seed, say)
        if r["errors"]:
            r["server_log"] = _log_tail(srv.var)
        return r


def _drive(scenario: str, url: str, proc: subprocess.Popen[bytes], port: int, tokens: list[str], clients: int,
           seconds: float, keep: int, seed: int, say: Step, first: int = 0) -> dict[str, Any]:
    """One measured run; ``first``: the index of its first plan (a later run on the same server
    starts past the earlier one's, with new ids in later hours)."""
    pool = [Client(port, tokens[c % len(tokens)]) for c in range(clients)]
    # warm-up: every client files one plan (JIT caches load, connections open), not measured
    for c, cl in enumerate(pool):
        cl.post("/v1/plans", _leg(f"W{first}-{c:02d}", f"P{c % len(tokens)}", -80.0, 10.0 * c, 90.0, 50_000.0, T0,
                                  10_000))
        cl.filing_ms.clear()
        cl.write_ms.clear()
    stop = time.perf_counter() + seconds
    say(f"{scenario}: {clients} clients for {seconds:.0f} s on {url.split(':')[0]}")

    def work(c: int, cl: Client) -> None:
        rng = np.random.default_rng(seed * 1000 + c)
        party = f"P{c % len(tokens)}"
        mine: list[str] = []
        i = first
        while time.perf_counter() < stop:
            doc = busy_plan(rng, c, i, party) if scenario == "busy" else disjoint_plan(c, i, clients, party)
            status, ans = cl.post("/v1/plans", doc)
            if status == 201:
                cl.conflicts += len(ans["conflicts"])
                mine.append(doc["id"])
            if scenario == "busy" and len(mine) > keep:
                cl.post(f"/v1/plans/{mine.pop(0)}/state", {"state": "Ended"})
            i += 1

    cpu0, srv0, t0 = _self_cpu(), _cpu_s(proc.pid), time.perf_counter()
    threads = [threading.Thread(target=work, args=(c, cl)) for c, cl in enumerate(pool)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    gen_cpu, srv_cpu = _self_cpu() - cpu0, _cpu_s(proc.pid) - srv0
    filing = np.array([x for cl in pool for x in cl.filing_ms])
    writes = np.array([x for cl in pool for x in cl.write_ms])
    errors = [e for cl in pool for e in cl.errors]
    live = _live_in_busy_area(pool[0]) if scenario == "busy" else None
    for cl in pool:
        cl.conn.close()
    cores = os.cpu_count() or 1
    return {
        "scenario": scenario, "store": url.split(":")[0].split("+")[0], "clients": clients,
        "seconds": round(wall, 2), "filings": len(filing), "writes": len(writes),
        "filings_per_s": round(len(filing) / wall, 1), "writes_per_s": round(len(writes) / wall, 1),
        "filing_ms_p50": round(float(np.percentile(filing, 50)), 2) if len(filing) else None,
        "filing_ms_p99": round(float(np.percentile(filing, 99)), 2) if len(filing) else None,
        "write_ms_p50": round(float(np.percentile(writes, 50)), 2) if len(writes) else None,
        "write_ms_p99": round(float(np.percentile(writes, 99)), 2) if len(writes) else None,
        "conflicts_per_filing": round(sum(cl.conflicts for cl in pool) / max(len(filing), 1), 2),
        "live_in_busy_area_at_end": live, "errors": len(errors), "first_error": errors[0] if errors else None,
        "generator_cpu_share": round(gen_cpu / (wall * cores), 3),
        "server_cpu_share": round(srv_cpu / (wall * cores), 3),
    }


def _idle_share(pid: int, seconds: float) -> float:
    """The server's CPU share (of all cores) over ``seconds`` of doing nothing asked of it."""
    cpu0, t0 = _cpu_s(pid), time.perf_counter()
    time.sleep(seconds)
    return (_cpu_s(pid) - cpu0) / ((time.perf_counter() - t0) * (os.cpu_count() or 1))


def _self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _live_in_busy_area(cl: Client) -> int:
    """Live plans whose extents meet the busy circle's box in its ten minutes (via the API)."""
    q = "lat_min=48.9&lat_max=51.1&lon_min=6.5&lon_max=9.5&start=2026-06-01T08:00:00Z&end=2026-06-01T08:10:00Z"
    cl.conn.request("GET", f"/v1/plans?{q}", headers={"Authorization": f"Bearer {cl.token}"})
    plans = json.loads(cl.conn.getresponse().read())
    return sum(1 for p in plans if p["state"] != "Ended")


def stream_latency(db: str | None = None, filings: int = 200, seed: int = 1) -> dict[str, Any]:
    """Delivery latency to the stream: party P0 listens on its notification stream while P1 files
    plans that each conflict with one of P0's (in a fresh area and hour every time).  Two figures:
    from the moment the write creates the notification (its ``at``, same host clock) to its
    arrival on the stream; and, more conservative, from the start of the filing request."""
    with served(2, db) as srv:
        url, port, tokens = srv.url, srv.port, srv.tokens
        writer, listener = Client(port, tokens[1]), Client(port, tokens[0])
        for i in range(filings):  # P0's plans, one per area and hour
            listener.post("/v1/plans", disjoint_plan(0, i, 1, "P0"))
        arrivals: dict[str, float] = {}
        from_write: list[float] = []  # arrival minus the notification's own time (set in the write)
        ready = threading.Event()

        def listen() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/v1/notifications/stream", headers={"Authorization": f"Bearer {tokens[0]}"})
            resp = conn.getresponse()
            ready.set()
            for raw in resp:
                line = raw.decode()
                if line.startswith("data: "):
                    note = json.loads(line[6:])
                    arrivals[note["fields"]["other"]] = time.perf_counter()
                    from_write.append(1e3 * (time.time() - note["at"]))
                    if len(arrivals) == filings:
                        break
            conn.close()

        th = threading.Thread(target=listen, daemon=True)
        th.start()
        ready.wait(10)
        starts: dict[str, float] = {}
        for i in range(filings):
            doc = disjoint_plan(0, i, 1, "P1")  # the same leg as P0's plan i: a conflict
            doc["id"] = f"X{i:07d}"
            starts[doc["id"]] = time.perf_counter()
            writer.post("/v1/plans", doc)
            time.sleep(0.01)
        th.join(timeout=60)
        lat = np.array([1e3 * (arrivals[k] - starts[k]) for k in starts if k in arrivals])
        return {"store": url.split(":")[0].split("+")[0], "filings": filings, "delivered": len(lat),
                "latency_ms_p50": round(float(np.percentile(lat, 50)), 2) if len(lat) else None,
                "latency_ms_p99": round(float(np.percentile(lat, 99)), 2) if len(lat) else None,
                "latency_ms_max": round(float(lat.max()), 2) if len(lat) else None,
                "from_write_ms_p50": round(float(np.percentile(from_write, 50)), 2) if from_write else None,
                "from_write_ms_p99": round(float(np.percentile(from_write, 99)), 2) if from_write else None,
                "write_ms_p50": round(float(np.percentile(writer.filing_ms, 50)), 2)}


def run(stores: dict[str, str | None], scenarios: tuple[str, ...] = ("disjoint", "busy"), clients: int = 8,
        seconds: float = 30.0, seed: int = 1, step: Step | None = None,
        fresh_db: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Every scenario on every store (``{name: url or None for SQLite}``); ``fresh_db(url)``
    empties a PostgreSQL database between runs."""
    rows = []
    for name, url in stores.items():
        for sc in scenarios:
            if url is not None and fresh_db is not None:
                fresh_db(url)
            r = run_one(sc, url, clients, seconds, seed=seed, step=step)
            r["store"] = name
            rows.append(r)
    if step:
        step("notification delivery to the stream")
    latency = stream_latency(stores.get("sqlite"), seed=seed) if "sqlite" in stores else None
    return {"runs": rows, "stream": latency, "machine": machine()}


def listener_cost(listeners: int = 200, seconds: float = 15.0, clients: int = 4, idle_s: float = 10.0,
                  seed: int = 1, step: Step | None = None) -> dict[str, Any]:
    """What open notification streams cost: disjoint filings (``clients`` clients, ``seconds``
    s) without streams, then with ``listeners`` streams open (spread over the parties; idle, as
    disjoint filings tell nobody anything); and the server's CPU share while the streams are
    open and nothing is written (``idle_s`` s).  One fresh SQLite store, one server."""
    say = step or (lambda _m: None)
    conns: list[http.client.HTTPConnection] = []
    with served(4) as srv:
        url, proc, port, tokens = srv.url, srv.proc, srv.port, srv.tokens
        try:
            say(f"streams: {clients} clients, no listener, {seconds:.0f} s")
            without = _drive("disjoint", url, proc, port, tokens, clients, seconds, 5, seed, say)
            say(f"streams: no listener, nothing written, {idle_s:.0f} s")
            idle_none = _idle_share(proc.pid, idle_s)
            say(f"streams: opening {listeners} listeners")
            for k in range(listeners):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", "/v1/notifications/stream",
                             headers={"Authorization": f"Bearer {tokens[k % len(tokens)]}"})
                if conn.getresponse().status != 200:
                    raise RuntimeError(_log_tail(srv.var))
                conns.append(conn)
            time.sleep(2.0)
            say(f"streams: {listeners} idle listeners, nothing written, {idle_s:.0f} s")
            idle_share = _idle_share(proc.pid, idle_s)
            say(f"streams: {clients} clients with {listeners} listeners, {seconds:.0f} s")
            with_ = _drive("disjoint", url, proc, port, tokens, clients, seconds, 5, seed, say, first=10**6)
        finally:
            for conn in conns:
                conn.close()
    return {"listeners": listeners, "clients": clients, "seconds": seconds,
            "writes_per_s_without": without["writes_per_s"], "writes_per_s_with": with_["writes_per_s"],
            "write_ms_p99_without": without["write_ms_p99"], "write_ms_p99_with": with_["write_ms_p99"],
            "throughput_cost": round(1.0 - with_["writes_per_s"] / max(without["writes_per_s"], 1e-9), 3),
            "idle_server_cpu_share": round(idle_share, 4), "idle_server_cpu_share_no_listener": round(idle_none, 4),
            "errors": without["errors"] + with_["errors"],
            "machine": machine()}
