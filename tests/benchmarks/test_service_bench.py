"""The service benchmark's runner on a short load: it drives a real ``skypact serve``, every
request succeeds, the busy scenario holds its live set, and the plans it makes are valid."""

from __future__ import annotations

import numpy as np

from skypact.benchmarks.service import busy_plan, disjoint_plan, run_one
from skypact.plans.model import FlightPlan
from skypact.plans.validate import validate_plan
from skypact.service.views import extents


def test_generated_plans_are_valid_and_placed_as_described() -> None:
    rng = np.random.default_rng(3)
    busy = [FlightPlan.model_validate(busy_plan(rng, 0, i, "P0")) for i in range(50)]
    for p in busy:
        validate_plan(p)
    boxes = [extents(p)[0] for p in busy]
    # every busy plan meets the 200 km circle's box during the same ten minutes
    assert all(b["lat_min"] < 50.9 and b["lat_max"] > 49.1 and b["t_start"] < busy[0].start.timestamp() + 600
               for b in boxes)
    disjoint = [FlightPlan.model_validate(disjoint_plan(c, i, 8, "P0")) for c in range(8) for i in range(30)]
    cells = {(round(p.waypoints[0].lat), round(p.waypoints[0].lon), p.start.hour) for p in disjoint}
    assert len(cells) == len(disjoint)  # each in an area and hour of its own


def test_a_short_busy_run_through_http() -> None:
    r = run_one("busy", clients=2, seconds=2.0, keep=3)
    assert r["errors"] == 0, (r["first_error"], r.get("server_log"))
    assert r["filings"] > 0 and r["writes"] > r["filings"]  # filings, and the oldest ended
    assert 0 < r["live_in_busy_area_at_end"] <= 2 * 3 + 2
    assert r["filing_ms_p99"] >= r["filing_ms_p50"] > 0
