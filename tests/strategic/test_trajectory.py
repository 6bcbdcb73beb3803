"""Trajectories joined from parts equal the trajectories of all their plans built at once."""

from __future__ import annotations

import numpy as np

from skypact.strategic.trajectory import build_trajectories, concat_trajectories, empty_trajectories
from skypact.synth import european_day


def test_concat_equals_building_all_at_once() -> None:
    plans = european_day(30, seed=3).plans
    piece_m = 20_000.0
    groups = [plans[:1], plans[1:9], plans[9:10], plans[10:30]]
    joined = concat_trajectories([build_trajectories(g, piece_m) for g in groups])
    whole = build_trajectories(plans, piece_m)
    for name in ("t", "x", "y", "z", "alt", "offsets", "start", "plan", "ref", "hpad", "vpad"):
        a, b = getattr(joined, name), getattr(whole, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert len(joined) == 30


def test_concat_of_nothing_is_empty() -> None:
    e = concat_trajectories([])
    assert len(e) == 0 and e.pieces == 0
    one = concat_trajectories([empty_trajectories()])
    assert len(one) == 0 and one.pieces == 0
