"""Trajectories joined from parts equal the trajectories of all their plans built at once; a
plan re-levelled from one cut equals the moved plan cut again."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from skypact.plans.model import Altitude, AltUnit
from skypact.strategic.resolve import with_cruise_level
from skypact.strategic.trajectory import build_trajectories, concat_trajectories, cut_plans, empty_trajectories
from skypact.synth import european_day
from skypact.units import FL, FT


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


def test_concat_of_single_plans_equals_building_all_at_once() -> None:
    """Single plans carry their breakpoints packed in one array: joined in one copy, the same."""
    plans = european_day(25, seed=4).plans
    piece_m = 20_000.0
    parts = [build_trajectories([p], piece_m) for p in plans]
    assert all(p.packed is not None for p in parts) and build_trajectories(plans[:2], piece_m).packed is None
    joined = concat_trajectories(parts)
    whole = build_trajectories(plans, piece_m)
    for name in ("t", "x", "y", "z", "alt", "offsets", "start", "plan", "ref", "hpad", "vpad"):
        a, b = getattr(joined, name), getattr(whole, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    mixed = concat_trajectories([parts[0], build_trajectories(plans[1:3], piece_m), *parts[3:]])
    np.testing.assert_array_equal(mixed.x, whole.x)  # packed or not, joined alike
    np.testing.assert_array_equal(mixed.start, whole.start)


def test_concat_of_nothing_is_empty() -> None:
    e = concat_trajectories([])
    assert len(e) == 0 and e.pieces == 0
    one = concat_trajectories([empty_trajectories()])
    assert len(one) == 0 and one.pieces == 0


FIELDS = ("t", "x", "y", "z", "alt", "offsets", "start", "plan", "ref", "hpad", "vpad")


@settings(max_examples=60, deadline=None)
@given(k=st.integers(0, 39), steps=st.integers(-5, 10), unit=st.sampled_from(["ft", "m", "FL"]),
       tau=st.sampled_from([0.0, 30.0]), piece_m=st.sampled_from([5_000.0, 20_000.0]))
def test_a_level_change_completed_from_one_cut_equals_cutting_the_moved_plan(
        k: int, steps: int, unit: str, tau: float, piece_m: float) -> None:
    """The resolution search re-levels a plan from one cut: the arrays must be exactly those of
    cutting the moved plan (climbs and descents included: their breakpoints' altitudes and the
    vertical pad change)."""
    plan = european_day(40, seed=5).plans[k]
    plan = plan.model_copy(update={
        "uncertainty": plan.uncertainty.model_copy(update={"time_s": tau}),
        "waypoints": [w.model_copy(update={"alt": Altitude(value=w.alt.metres / {"ft": FT, "m": 1.0, "FL": FL}[unit],
                                                           unit=AltUnit(unit), ref=w.alt.ref)})
                      for w in plan.waypoints]})
    change_m = 1000.0 * steps * FT
    cut = cut_plans([plan], piece_m)
    moved = with_cruise_level(plan, change_m)
    got = cut.trajectories(np.array([w.alt.metres for w in moved.waypoints]))
    want = build_trajectories([moved], piece_m)
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)
    own = cut.trajectories()
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(own, name), getattr(build_trajectories([plan], piece_m), name))
    if steps and len({w.alt.metres for w in plan.waypoints}) > 1:
        assert not np.array_equal(got.alt, own.alt)
