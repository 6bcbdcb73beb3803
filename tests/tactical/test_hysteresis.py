"""The stateful alerting mode on synthetic level sequences and on an encounter."""

from __future__ import annotations

import math

from skypact.daa.reader import read_encounter
from skypact.daa.run import alert_rows
from skypact.tactical.alerting import PRESETS
from skypact.tactical.hysteresis import PairFilter, StatefulParams, raised_levels

INF = math.inf
AT, EAT = [55.0, 55.0, 25.0], [75.0, 75.0, 55.0]


def _run(levels: list[int]) -> list[int]:
    """Issued levels for a per-second sequence of raw (stateless) levels."""
    f = PairFilter()
    return [f.step(float(t), [lv >= k for k in (1, 2, 3)]) for t, lv in enumerate(levels)]


def test_one_step_blip_is_filtered_by_m_of_n() -> None:
    assert _run([0, 0, 2, 0, 0, 0, 0]) == [0] * 7


def test_sustained_alert_is_issued_on_its_second_step() -> None:
    assert _run([0, 1, 1, 1, 2, 2, 2]) == [0, 0, 1, 1, 1, 2, 2]


def test_dropout_is_bridged_by_persistence_and_hysteresis() -> None:
    out = _run([2, 2, 2, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    assert out[:6] == [0, 2, 2, 2, 2, 2]
    # the level drops only after the candidate has been lower for 5 s (and 4 s after issue)
    first_drop = out.index(0, 2)
    assert first_drop >= 6 + 2 + 5 - 1


def test_early_alerting_time_applies_to_the_issued_level() -> None:
    # time to volume 60 s: not raised at AT = 55 s, raised at EAT = 75 s once level 1 is issued
    assert raised_levels([60.0, INF, INF], AT, EAT, previous=0) == [False, False, False]
    assert raised_levels([60.0, INF, INF], AT, EAT, previous=1) == [True, False, False]
    assert raised_levels([0.0, 0.0, 30.0], AT, EAT, previous=2) == [True, True, False]


def test_encounter_levels_are_steadier_with_hysteresis() -> None:
    """Phase II alerter (disc of 1500 ft, alerting time 45 s): noisy reports put the time to volume
    at 44 s and 46 s on alternate steps, so the stateless level flips 3/0 every second; the
    stateful level is issued on the second raised step and held by the 75 s early alerting time."""
    v_kt = 200.0
    lines = ["NAME sx sy sz vx vy vz time alerter", "[none] [ft] [ft] [ft] [knot] [knot] [fpm] [s] [none]"]
    v_ft_s = v_kt * 1852 / 0.3048 / 3600
    for t in range(30):
        x = 1500 + v_ft_s * (44.0 if t % 2 else 46.0)
        lines += [f"OWN 0 0 5000 0 0 0 {t} 2", f"INT {x:.4f} 0 5000 {-v_kt} 0 0 {t} 2"]
    enc = read_encounter("\n".join(lines) + "\n")
    plain = [r.level for r in alert_rows(enc, PRESETS["do365b"])]
    steady = [r.level for r in alert_rows(enc, PRESETS["do365b"], stateful=StatefulParams())]
    assert plain[:4] == [0, 3, 0, 3]
    assert steady == [0, 0, 0] + [3] * 27
