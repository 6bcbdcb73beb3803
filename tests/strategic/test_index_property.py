"""The broad phase never drops a pair: grid sweep = brute force = probes, on random scenes.

Scenes pack many plans into a small box (so cells are crowded and pairs straddle cell and time
boundaries), with random minima, cell sizes, pads and altitude references.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from skypact.minima import Minima, MinimaTable, PairMinima
from skypact.plans.model import Altitude, AltRef, FlightPlan, Uncertainty, Waypoint
from skypact.strategic import EngineSettings, Strategic
from tests.builders import T0


@st.composite
def scenes(draw: st.DrawFn) -> tuple[list[FlightPlan], EngineSettings]:
    lat0 = draw(st.sampled_from([45.0, 72.0, -60.0, 0.0]))
    lon0 = draw(st.sampled_from([10.0, 179.8, -179.9, 0.0]))
    span = draw(st.sampled_from([0.3, 1.0, 3.0]))
    n = draw(st.integers(2, 14))
    plans = []
    for i in range(n):
        k = draw(st.integers(2, 5))
        t = draw(st.floats(0, 1200))
        wps = []
        for _ in range(k):
            lat = lat0 + draw(st.floats(-span, span))
            lon = ((lon0 + draw(st.floats(-span, span)) + 180) % 360) - 180
            alt = draw(st.sampled_from([10000.0, 10500.0, 11000.0, 9000.0])) + draw(st.sampled_from([0.0, 999.0, 1.0]))
            ref = draw(st.sampled_from([AltRef.PRESSURE, AltRef.PRESSURE, AltRef.WGS84]))
            wps.append(Waypoint(lat=lat, lon=lon, alt=Altitude(value=alt, ref=ref), time=T0 + timedelta(seconds=t)))
            t += draw(st.floats(200, 1500))
        unc = draw(st.sampled_from([Uncertainty(), Uncertainty(time_s=30, lateral_m=500), Uncertainty(vertical_m=50)]))
        plans.append(FlightPlan(id=f"P{i}", party=draw(st.sampled_from(["A", "B", "C"])), callsign="X",
                                waypoints=wps, uncertainty=unc))
    h = draw(st.sampled_from([5 * 1852.0, 3 * 1852.0, 20_000.0]))
    table = MinimaTable(default=Minima(horizontal=h, vertical=304.8),
                        pairs=[PairMinima(parties=("A", "C"), horizontal=draw(st.sampled_from([2000.0, 15000.0])),
                                          vertical=200.0)])
    cell = draw(st.sampled_from([5_000.0, 20_000.0, 50_000.0]))
    return plans, EngineSettings(minima=table, same_party=draw(st.booleans()), cell_m=cell,
                                 cell_s=draw(st.sampled_from([60.0, 300.0, 900.0])),
                                 cell_alt_m=draw(st.sampled_from([100.0, 300.0, 1500.0])))


def _key(c):  # type: ignore[no-untyped-def]
    a, b = sorted((c.a, c.b))
    return (a, b, round(c.start, 6), round(c.end, 6))


@settings(max_examples=200)
@given(scenes())
def test_grid_sweep_equals_brute_force_and_probes(scene) -> None:  # type: ignore[no-untyped-def]
    plans, s = scene
    eng = Strategic(plans, settings=s)
    swept = sorted(_key(c) for c in eng.sweep())
    brute = sorted(_key(c) for c in eng.index.brute_force())
    assert swept == brute
    event(f"conflicts: {min(len(swept), 5)}{'+' if len(swept) >= 5 else ''}")
    probed = set()
    for i, p in enumerate(plans):
        rest = Strategic(plans[:i] + plans[i + 1:], settings=s)
        probed |= {_key(c) for c in rest.probe(p)}
    assert sorted(probed) == swept
