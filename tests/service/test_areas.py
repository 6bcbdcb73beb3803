"""Area locks: a region costs one hour range per cell whatever its duration; overlapping
regions exclude each other, disjoint ones do not; waiting writers are served in order."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from skypact.plans.model import Altitude, AltitudeBand, Circle, ReservedVolume, TimeWindow
from skypact.service.areas import AreaLocks, Busy, LiveSet
from skypact.strategic.index import EngineSettings
from tests.builders import T0


def _volume(days: float) -> ReservedVolume:
    return ReservedVolume(id="V", party="A", outline=Circle(center=(10.0, 50.0), radius_m=300_000.0),
                          band=AltitudeBand(lower=Altitude(value=0.0), upper=Altitude(value=10_000.0)),
                          window=TimeWindow(start=T0, end=T0 + timedelta(days=days)))


def test_a_region_is_one_hour_range_per_cell_whatever_the_duration() -> None:
    live = LiveSet(EngineSettings())
    short, long = (LiveSet.lock_region([live.entry(_volume(d))]) for d in (0.5, 3650.0))
    assert short.keys() == long.keys() and len(long) > 1  # a wide volume: several cells
    assert all(len(r) == 1 for r in long.values())
    (lo, hi), = next(iter(long.values()))
    assert hi - lo == pytest.approx(3650 * 24, abs=1)


def test_overlapping_regions_exclude_and_disjoint_ones_do_not() -> None:
    locks = AreaLocks()
    with locks.hold({1: [(0, 10)]}):
        with pytest.raises(Busy), locks.hold({1: [(10, 20)]}, blocking=False):
            pass
        with locks.hold({1: [(11, 20)]}, blocking=False), locks.hold({2: [(0, 10)]}, blocking=False):
            assert len(locks) == 2
    assert len(locks) == 0
    with locks.hold({1: [(10, 20)]}, blocking=False):
        pass


def test_a_waiting_writer_is_not_overtaken_where_it_overlaps() -> None:
    locks = AreaLocks()
    order: list[str] = []
    first = locks.hold({1: [(0, 5)]})
    first.__enter__()

    def wide() -> None:
        with locks.hold({1: [(0, 5)], 2: [(0, 5)]}):
            order.append("wide")

    t = threading.Thread(target=wide)
    t.start()
    for _ in range(500):  # until the wide writer waits
        if locks.waiting:
            break
        time.sleep(0.002)
    assert locks.waiting == 1
    with pytest.raises(Busy), locks.hold({2: [(3, 3)]}, blocking=False):  # free, but awaited by the earlier one
        pass
    with locks.hold({2: [(6, 9)]}, blocking=False):  # other hours: no wait
        order.append("other hours")
    first.__exit__(None, None, None)
    t.join(5)
    assert order == ["other hours", "wide"] and len(locks) == 0
