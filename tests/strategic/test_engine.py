"""Deterministic cases of the strategic engine, checked against the geodesic oracle."""

from __future__ import annotations

import pytest

from skypact.conflicts import ConflictKind
from skypact.minima import Minima, MinimaTable, PairMinima
from skypact.plans.model import AltRef, Uncertainty
from skypact.strategic import EngineSettings, Strategic
from tests.builders import FT, KT, T0, plan, straight, wp
from tests.oracle import Track, conflicts

NM = 1852.0


def _crossing(dv_ft: float = 0.0, miss_m: float = 0.0):  # type: ignore[no-untyped-def]
    a = straight("A1", "A", 50.0, 5.0, 90.0, 450 * KT, 1800.0, 10_000.0, 0.0, 200_000, 200_000)
    b = straight("B1", "B", 50.0 + miss_m / 111_200, 5.0, 0.0, 450 * KT, 1800.0, 10_000.0 + dv_ft * FT, 0.0,
                 200_000, 200_000)
    return a, b


def test_crossing_times_match_oracle_within_a_tenth_of_a_second() -> None:
    a, b = _crossing()
    [c] = Strategic([a, b]).sweep()
    [o] = conflicts(Track.of(a), Track.of(b), 5 * NM, 1000 * FT, dt=0.5)
    assert abs(c.start - o.start) < 0.1 and abs(c.end - o.end) < 0.1
    assert abs(c.horizontal_m - o.h_min) < 0.001 * 5 * NM
    assert abs(c.closest_time - o.t_min) < 0.5
    assert c.kind is ConflictKind.PLAN_PLAN and (c.party_a, c.party_b) == ("A", "B")
    assert abs(c.closest_lat - 50.0) < 0.01 and abs(c.closest_lon - 5.0) < 0.01


@pytest.mark.parametrize("sign", [1, -1])
def test_exactly_1000_ft_apart_is_separated_from_either_side(sign: int) -> None:
    a = plan("A1", "A", [wp(50, 0, 20000, 0), wp(50, 2, 20000, 1200)])
    b = plan("B1", "B", [wp(50, 2, 20000 + sign * 1000, 0), wp(50, 0, 20000 + sign * 1000, 1200)])
    assert Strategic([a, b]).sweep() == []
    c = plan("C1", "C", [wp(50, 2, 20000 + sign * 999, 0), wp(50, 0, 20000 + sign * 999, 1200)])
    assert len(Strategic([a, c]).sweep()) == 1


def test_flight_levels_in_fl_units_1000_ft_apart() -> None:
    a = plan("A1", "A", [wp(50, 0, 0, 0), wp(50, 2, 0, 1200)])
    a = a.model_copy(update={"waypoints": [w.model_copy(update={"alt": w.alt.model_copy(
        update={"value": 200, "unit": "FL"})}) for w in a.waypoints]})
    b = plan("B1", "B", [wp(50, 2, 21000, 0), wp(50, 0, 21000, 1200)])
    assert Strategic([a, b]).sweep() == []


def test_climb_through_a_level() -> None:
    a = plan("A1", "A", [wp(50, 0, 10000, 0), wp(50, 2, 30000, 1200)])
    b = plan("B1", "B", [wp(50, 2, 20000, 0), wp(50, 0, 20000, 1200)])
    [c] = Strategic([a, b]).sweep()
    [o] = conflicts(Track.of(a), Track.of(b), 5 * NM, 1000 * FT, dt=0.5)
    assert abs(c.start - o.start) < 0.1 and abs(c.end - o.end) < 0.1


def test_cross_reference_buffer() -> None:
    a = plan("A1", "A", [wp(50, 0, 20000, 0), wp(50, 2, 20000, 1200)])
    b = plan("B1", "B", [wp(50, 2, 21200, 0, AltRef.WGS84), wp(50, 0, 21200, 1200, AltRef.WGS84)])
    # 1200 ft apart but pressure vs geometric: 1000 + 300 ft needed
    assert len(Strategic([a, b]).sweep()) == 1
    same = plan("B1", "B", [wp(50, 2, 21200, 0), wp(50, 0, 21200, 1200)])
    assert Strategic([a, same]).sweep() == []
    no_buffer = EngineSettings(minima=MinimaTable(reference_buffer=0.0))
    assert Strategic([a, b], settings=no_buffer).sweep() == []


def test_uncertainty_inflates_the_check() -> None:
    # parallel tracks 6 NM apart: separated, unless one declares 1.5 NM lateral containment
    a = straight("A1", "A", 50.0, 0.0, 90.0, 400 * KT, 1000.0, 10_000.0, 0.0, 100_000, 100_000)
    b = straight("B1", "B", 50.0 + 6 * NM / 111_200, 0.0, 90.0, 400 * KT, 1000.0, 10_000.0, 0.0, 100_000, 100_000)
    assert Strategic([a, b]).sweep() == []
    b2 = b.model_copy(update={"uncertainty": Uncertainty(lateral_m=1.5 * NM)})
    assert len(Strategic([a, b2]).sweep()) == 1
    # same track, B 150 s behind: separated (>5 NM); with 60 s time tolerance on each: not
    c = straight("C1", "C", 50.0, 0.0, 90.0, 400 * KT, 1150.0, 10_000.0, 0.0, 100_000, 100_000)
    assert Strategic([a, c]).sweep() == []
    late = Uncertainty(time_s=60)
    a3 = a.model_copy(update={"uncertainty": late})
    c3 = c.model_copy(update={"uncertainty": late})
    [k] = Strategic([a3, c3]).sweep()
    # the time tolerance also extends presence: conflict may start before the nominal overlap
    assert k.start < max(a.start.timestamp(), c.start.timestamp())


def test_same_party_is_skipped_unless_asked() -> None:
    a, b = _crossing()
    b = b.model_copy(update={"party": "A"})
    assert Strategic([a, b]).sweep() == []
    assert len(Strategic([a, b], settings=EngineSettings(same_party=True)).sweep()) == 1


def test_pair_minima_override_drone_scale() -> None:
    a = plan("D1", "U1", [wp(50, 0, 300, 0), wp(50, 0.01, 300, 60)])
    b = plan("D2", "U2", [wp(50.0006, 0, 300, 0), wp(50.0006, 0.01, 300, 60)])  # ~67 m apart
    table = MinimaTable(pairs=[PairMinima(parties=("U2", "U1"), horizontal=50.0, vertical=30.0)])
    assert Strategic([a, b], settings=EngineSettings(minima=table)).sweep() == []
    near = plan("D3", "U2", [wp(50.0004, 0, 300, 0), wp(50.0004, 0.01, 300, 60)])  # ~44 m
    [c] = Strategic([a, near], settings=EngineSettings(minima=table)).sweep()
    assert c.minimum_h_m == 50.0 and c.minimum_v_m == 30.0
    assert abs(c.horizontal_m - 44.5) < 1.0
    assert Minima.of(h_nm=3, v_ft=1000).horizontal == 3 * NM


def test_probe_matches_sweep_and_excludes() -> None:
    a, b = _crossing()
    other = straight("C1", "C", 50.02, 5.0, 45.0, 420 * KT, 1800.0, 10_000.0, 0.0, 200_000, 200_000)
    st = Strategic([b, other])
    got = st.probe(a)
    ref = [c for c in Strategic([a, b, other]).sweep() if "A1" in (c.a, c.b)]
    assert sorted((c.b, round(c.start, 6)) for c in got) == sorted(
        (c.b if c.a == "A1" else c.a, round(c.start, 6)) for c in ref)
    assert [c.b for c in st.probe(a, exclude=["B1"])] == [c.b for c in got if c.b != "B1"]


def test_antimeridian_crossing_conflict() -> None:
    a = straight("A1", "A", 60.0, 180.0, 90.0, 450 * KT, 1800.0, 10_000.0, 0.0, 300_000, 300_000)
    b = straight("B1", "B", 60.0, 180.0, 270.0, 450 * KT, 1800.0, 10_000.0, 0.0, 300_000, 300_000)
    [c] = Strategic([a, b]).sweep()
    [o] = conflicts(Track.of(a), Track.of(b), 5 * NM, 1000 * FT, dt=0.5)
    assert abs(c.start - o.start) < 0.1 and abs(c.end - o.end) < 0.1
    assert abs(abs(c.closest_lon) - 180.0) < 0.01


def test_empty_and_disjoint_times() -> None:
    assert Strategic([]).sweep() == []
    a, b = _crossing()
    late = b.model_copy(update={"waypoints": [w.model_copy(update={"time": w.time.replace(hour=w.time.hour + 5)})
                                              for w in b.waypoints]})
    assert Strategic([a, late]).sweep() == []
    assert T0.tzinfo is not None
