"""The strategic benchmark: a synthetic European day (see :func:`skypact.synth.european_day`).

Measures index build, probe latency of fresh plans (end to end, from a validated plan object to
its list of conflicts), the all-against-all sweep, and brute force on a subset against the
index on the same subset (same answer required).  All pairs are checked, the same party's
included, which is the harder case.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from skypact.benchmarks.machine import machine, max_rss_mb
from skypact.conflicts import Conflict
from skypact.plans.model import PlanSet
from skypact.strategic import EngineSettings, Strategic
from skypact.synth import DAY0, european_day, random_plan

Step = Callable[[str], None]


def _keys(conflicts: list[Conflict]) -> list[tuple[str, str, float]]:
    return sorted((c.a, c.b, round(c.start, 3)) for c in conflicts)


def run(flights: int = 35_000, seed: int = 1, plans: PlanSet | None = None, probes: int = 1000,
        subset: int = 2000, step: Step | None = None) -> dict[str, Any]:
    """Run every measurement and return the figures (times in seconds unless named ``_ms``)."""
    say = step or (lambda _msg: None)
    settings = EngineSettings(same_party=True)
    say("warming up the compiled kernels")
    warm = european_day(50, seed + 99)
    Strategic.of(warm, settings).sweep()
    Strategic(warm.plans[:25], settings=settings).probe(warm.plans[30])
    Strategic(warm.plans[:25], settings=settings).index.brute_force()

    if plans is None:
        say(f"generating {flights} flights (seed {seed})")
        plans = european_day(flights, seed)
    n = len(plans.plans)
    say("building the index")
    t0 = time.perf_counter()
    st = Strategic.of(plans, settings)
    build = time.perf_counter() - t0

    say(f"probing {probes} fresh plans")
    rng = np.random.default_rng(seed + 1)
    fresh = [random_plan(rng, f"Q{i:06d}", f"P{1 + i % 4}", DAY0) for i in range(probes)]
    lat = np.empty(probes)
    hits = 0
    for i, p in enumerate(fresh):
        t1 = time.perf_counter()
        found = st.probe(p)
        lat[i] = time.perf_counter() - t1
        hits += len(found)

    say("sweeping the whole day")
    t0 = time.perf_counter()
    conflicts = st.sweep()
    sweep = time.perf_counter() - t0

    say(f"brute force against the index on {min(subset, n)} flights")
    sub = PlanSet(plans=plans.plans[:subset])
    small = Strategic.of(sub, settings)
    t0 = time.perf_counter()
    brute = small.index.brute_force()
    brute_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    indexed = small.index.sweep()
    indexed_s = time.perf_counter() - t0
    agree = _keys(brute) == _keys(indexed)

    return {
        "flights": n,
        "pieces": int(st.index.tr.pieces),
        "piece_m": round(settings.piece_m, 1),
        "index_build_s": round(build, 3),
        "probes": probes,
        "probe_ms_median": round(float(np.median(lat)) * 1e3, 3),
        "probe_ms_p99": round(float(np.percentile(lat, 99)) * 1e3, 3),
        "probe_conflicts": hits,
        "sweep_s": round(sweep, 3),
        "sweep_conflicts": len(conflicts),
        "subset_flights": len(sub.plans),
        "bruteforce_subset_s": round(brute_s, 3),
        "index_subset_s": round(indexed_s, 3),
        "subset_speedup": round(brute_s / indexed_s, 1) if indexed_s > 0 else None,
        "subset_conflicts": len(indexed),
        "subset_agree": agree,
        "max_rss_mb": round(max_rss_mb(), 1),
        "machine": machine(),
    }
