"""Resolution suggestions, checked with the oracle: the delay clears, and no smaller one does."""

from __future__ import annotations

import pytest

from skypact.strategic import Strategic, suggest
from skypact.strategic.resolve import nearest_level, smallest_delay, with_cruise_level
from tests.builders import FT, KT, plan, straight, wp
from tests.oracle import Track, min_separation_f

H, V = 5 * 1852.0, 1000 * FT


def _clear(a, others, dt: float = 0.0) -> bool:  # type: ignore[no-untyped-def]
    ta = Track.of(a).shifted(dt)
    return all(min_separation_f(ta, Track.of(b), H, V, dt=0.5) >= 1.0 for b in others)


def test_smallest_delay_is_minimal_against_the_oracle() -> None:
    a = straight("A1", "A", 50.0, 5.0, 90.0, 450 * KT, 1800.0, 10_000.0, 0.0, 150_000, 150_000)
    b = straight("B1", "B", 50.0, 5.0, 0.0, 450 * KT, 1800.0, 10_000.0, 0.0, 150_000, 150_000)
    c = straight("C1", "C", 50.0, 5.6, 0.0, 430 * KT, 1900.0, 10_000.0, 0.0, 150_000, 150_000)
    st = Strategic([b, c])
    d = smallest_delay(st, a)
    assert d is not None and d > 0
    assert _clear(a, [b, c], d)
    for k in range(1, int(d)):
        assert not _clear(a, [b, c], float(k)), f"a delay of {k} s already clears (suggested {d})"


def test_level_change_clears_and_is_nearest() -> None:
    a = plan("A1", "A", [wp(50, 0, 0, 0), wp(50, 0.5, 35000, 600), wp(50, 3, 35000, 2000), wp(50, 3.5, 0, 2600)])
    b = plan("B1", "B", [wp(50, 2.5, 35500, 0), wp(50, 0.8, 35500, 2000)])
    st = Strategic([b])
    assert st.probe(a)
    change, level = nearest_level(st, a) or (None, None)
    assert change == -1000 and level == 34000  # FL340 is 1500 ft clear; FL360 only 500 ft
    moved = with_cruise_level(a, change * FT)
    assert _clear(moved, [b])
    for smaller in range(1000, int(abs(change)), 1000):
        for sign in (1, -1):
            assert not _clear(with_cruise_level(a, sign * smaller * FT), [b])


def test_suggest_none_when_nothing_clears_within_limits() -> None:
    a = plan("A1", "A", [wp(50, 0, 20000, 0), wp(50, 2, 20000, 1200)])
    wall = [plan(f"W{i}", "B", [wp(50, 0.5, 20000 + 1000 * k, 0), wp(50, 1.5, 20000 + 1000 * k, 20000)])
            for i, k in enumerate(range(-3, 4))]
    r = suggest(Strategic(wall), a, max_delay_s=600, max_level_steps=2)
    assert r.delay_s is None and r.level_change_ft is None


@pytest.mark.parametrize("max_delay", [10.0, 3600.0])
def test_delay_respects_limit(max_delay: float) -> None:
    a = straight("A1", "A", 50.0, 5.0, 90.0, 450 * KT, 1800.0, 10_000.0, 0.0, 150_000, 150_000)
    b = straight("B1", "B", 50.0, 5.0, 0.0, 450 * KT, 1800.0, 10_000.0, 0.0, 150_000, 150_000)
    d = smallest_delay(Strategic([b]), a, max_delay_s=max_delay)
    assert (d is None) if max_delay == 10.0 else (d is not None and d <= max_delay)
