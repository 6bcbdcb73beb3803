"""The hostile-input benchmark: does one party's largest accepted input stall the others?

A ``skypact serve`` process on a fresh SQLite store.  Party P0 files the largest inputs the
limits accept (:mod:`skypact.limits`): a reserved volume whose polygon has the most positions,
over the longest window, and a plan with the most waypoints, both over one area; then, for the
measured time, it keeps asking for dry-run checks of another volume of that size there (the most
work one request may ask for, again and again).  Meanwhile party P1 sends heartbeats
(``POST /v1/heartbeat``) and party P2 files plans through the same area (each conflicting with
P0's volume, so with resolution suggestions), ending its oldest so that 40 stay live.
Figures: P1's heartbeat latency and P2's filing latency (p50, p99, max), and how many heavy
checks P0 got through.
"""

from __future__ import annotations

import math
import threading
import time
from datetime import timedelta
from typing import Any

import numpy as np

from skypact.benchmarks.machine import machine
from skypact.benchmarks.service import T0, Client, busy_plan, served
from skypact.limits import MAX_VERTICES, MAX_WAYPOINTS, MAX_WINDOW_S

__all__ = ["largest_plan", "largest_volume", "run"]

CENTRE = (50.0, 8.0)  # the busy circle of the service benchmark
KEEP = 40  #: live plans of the filing party at most (it ends its oldest), as in the service benchmark


def largest_volume(vid: str, party: str, radius_deg: float = 0.9) -> dict[str, Any]:
    """A reserved volume at the limits: a ring of ``MAX_VERTICES`` positions, FL000-FL450, the
    longest window."""
    n = MAX_VERTICES - 1
    lat0, lon0 = CENTRE
    ring = [[lon0 + 1.5 * radius_deg * math.cos(2 * math.pi * k / n), lat0 + radius_deg * math.sin(2 * math.pi * k / n)]
            for k in range(n)]
    return {"id": vid, "party": party, "outline": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            "band": {"lower": {"value": 0}, "upper": {"value": 45_000}},
            "window": {"start": T0.isoformat(), "end": (T0 + timedelta(seconds=MAX_WINDOW_S)).isoformat()}}


def largest_plan(pid: str, party: str) -> dict[str, Any]:
    """A plan at the limits: ``MAX_WAYPOINTS`` waypoints a minute apart, zig-zagging eastwards
    across the area at FL320 (about 180 kt)."""
    lat0, lon0 = CENTRE
    wps = [{"lat": lat0 + (0.05 if k % 2 else -0.05), "lon": lon0 - 1.0 + 2.0 * k / MAX_WAYPOINTS,
            "alt": {"value": 32_000}, "time": (T0 + timedelta(minutes=k)).isoformat()} for k in range(MAX_WAYPOINTS)]
    return {"id": pid, "party": party, "callsign": "HEAVY1", "waypoints": wps}


def _pct(xs: list[float], q: float) -> float | None:
    return round(float(np.percentile(xs, q)), 2) if xs else None


def run(seconds: float = 30.0, seed: int = 1, heartbeat_hz: float = 20.0) -> dict[str, Any]:
    """The benchmark; figures as a dict (latencies in ms)."""
    with served(3) as srv:
        heavy, beat, filer = (Client(srv.port, t) for t in srv.tokens)
        t = time.perf_counter()
        setup = [heavy.post("/v1/volumes", largest_volume("BIGV", "P0"))[0],
                 heavy.post("/v1/plans", largest_plan("BIGP", "P0"))[0]]
        setup_ms = 1e3 * (time.perf_counter() - t)
        if setup != [201, 201]:
            raise RuntimeError(f"the largest inputs were refused: {heavy.errors}")
        filer.post("/v1/plans", busy_plan(np.random.default_rng(seed), 0, 0, "P2"))  # warm-up
        heavy.write_ms.clear()
        filer.write_ms.clear()
        stop = time.perf_counter() + seconds

        def hammer() -> None:
            i = 0
            while time.perf_counter() < stop:
                heavy.post("/v1/check/volume", largest_volume(f"H{i}", "P0", 0.8 + 0.001 * (i % 50)))
                i += 1

        def file() -> None:
            rng = np.random.default_rng(seed)
            i = 1
            while time.perf_counter() < stop:
                filer.post("/v1/plans", busy_plan(rng, 0, i, "P2"))
                i += 1

        def heartbeats() -> None:
            while time.perf_counter() < stop:
                beat.post("/v1/heartbeat", {})
                time.sleep(1.0 / heartbeat_hz)

        threads = [threading.Thread(target=f) for f in (hammer, file, heartbeats)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        errors = heavy.errors + beat.errors + filer.errors
        for cl in (heavy, beat, filer):
            cl.conn.close()
        return {
            "seconds": seconds, "setup_ms": round(setup_ms, 1),
            "largest": {"vertices": MAX_VERTICES, "waypoints": MAX_WAYPOINTS, "window_days": MAX_WINDOW_S / 86400},
            "heavy_checks": len(heavy.write_ms), "heavy_check_ms_p50": _pct(heavy.write_ms, 50),
            "heartbeats": len(beat.write_ms), "heartbeat_ms_p50": _pct(beat.write_ms, 50),
            "heartbeat_ms_p99": _pct(beat.write_ms, 99), "heartbeat_ms_max": _pct(beat.write_ms, 100),
            "filings": len(filer.filing_ms), "filing_ms_p50": _pct(filer.filing_ms, 50),
            "filing_ms_p99": _pct(filer.filing_ms, 99), "filing_ms_max": _pct(filer.filing_ms, 100),
            "errors": len(errors), "first_error": errors[0] if errors else None, "machine": machine(),
        }
