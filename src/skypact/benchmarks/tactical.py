"""The tactical benchmark: whole-region detection cycles on random traffic, and BlueSky as peer.

Scenes: N aircraft uniform in a square box (1000 NM, or 200 NM for the dense case) centred at
50° N 10° E, FL100-FL400, 250-500 kt, any track, vertical speed from {-1500, 0, 0, 0, +1500} fpm;
H = 5 NM, V = 1000 ft, look-ahead 300 s.  A cycle is one full :func:`detect` from state arrays
to the pair list.  BlueSky's state-based ``detect`` (numpy and C variants) runs on the same
states in a subprocess (:mod:`skypact.benchmarks.bluesky_peer`) so the two do not share
memory figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from skypact.benchmarks.machine import machine, max_rss_mb
from skypact.tactical.region import RegionSettings, States, detect
from skypact.units import FPM, FT, KT, NM

Step = Callable[[str], None]


def random_states(n: int, box_nm: float = 1000.0, seed: int = 1) -> States:
    rng = np.random.default_rng(seed)
    half = box_nm * NM / 2
    lat = 50.0 + rng.uniform(-half, half, n) / 111_200.0
    lon = 10.0 + rng.uniform(-half, half, n) / (111_200.0 * np.cos(np.radians(lat)))
    return States([f"AC{i:05d}" for i in range(n)], lat, lon, rng.uniform(10_000, 40_000, n) * FT,
                  rng.uniform(250, 500, n) * KT, rng.uniform(0, 360, n),
                  rng.choice(np.array([-1500.0, 0.0, 0.0, 0.0, 1500.0]), n) * FPM)


def current_rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return max_rss_mb()


def cycle(states: States, repeats: int = 7) -> dict[str, Any]:
    """Time ``repeats`` detection cycles (after one warm-up that also measures JIT/cache load)."""
    s = RegionSettings()
    t0 = time.perf_counter()
    res = detect(states, s)
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = detect(states, s)
        times.append(time.perf_counter() - t0)
    med = float(np.median(times))
    return {"n": len(states), "pairs": len(res), "cycle_s_median": round(med, 5),
            "cycle_s_min": round(min(times), 5), "first_call_extra_s": round(max(0.0, first - med), 4),
            "pair_set": {(states.ids[a], states.ids[b]) for a, b in zip(res.a, res.b, strict=True)}}


def bluesky(n: int, box_nm: float, seed: int) -> dict[str, Any] | None:
    """BlueSky's detect on the same states, in a subprocess; None when BlueSky is not installed."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bs.json"
        r = subprocess.run([sys.executable, "-m", "skypact.benchmarks.bluesky_peer", str(n), str(box_nm), str(seed),
                            str(out)], capture_output=True, text=True, timeout=3600)
        if r.returncode == 3:
            return None
        if r.returncode != 0:
            raise RuntimeError(f"BlueSky peer failed: {r.stderr[-2000:]}")
        doc: dict[str, Any] = json.loads(out.read_text())
        doc["pair_set"] = {tuple(p) for p in doc.pop("pairs")}
        return doc


def run(sizes: tuple[tuple[int, float], ...] = ((1000, 1000.0), (5000, 1000.0), (10_000, 1000.0),
                                                (30_000, 1000.0), (5000, 200.0)),
        peer_sizes: tuple[int, ...] = (1000, 5000), seed: int = 1, states: States | None = None,
        step: Step | None = None) -> dict[str, Any]:
    say = step or (lambda _m: None)
    say("warming up: numba compiles the kernels, or loads them from its cache")
    t0 = time.perf_counter()
    detect(random_states(200, 200.0, seed + 7))
    jit = time.perf_counter() - t0
    baseline = current_rss_mb()
    results = []
    if states is not None:
        sizes = ()
        c = cycle(states)
        c.pop("pair_set")
        results.append({"box_nm": None, **c})
    for n, box in sizes:
        say(f"N = {n} in a {box:g} NM box")
        st = random_states(n, box, seed)
        c = cycle(st)
        ours = c.pop("pair_set")
        row: dict[str, Any] = {"box_nm": box, **c}
        if box == 1000.0 and n in peer_sizes:
            say(f"BlueSky on N = {n}")
            bs = bluesky(n, box, seed)
            if bs is not None:
                theirs = bs.pop("pair_set")
                row["bluesky"] = {**bs, "pairs": len(theirs), "common": len(ours & theirs),
                                  "only_skypact": len(ours - theirs), "only_bluesky": len(theirs - ours),
                                  "speedup_vs_numpy": round(bs["numpy_s"] / c["cycle_s_median"], 1),
                                  "speedup_vs_c": round(bs["c_s"] / c["cycle_s_median"], 1)}
        results.append(row)
    return {"sizes": results, "jit_s": round(jit, 3), "rss_above_baseline_mb": round(max_rss_mb() - baseline, 1),
            "max_rss_mb": round(max_rss_mb(), 1), "machine": machine()}
