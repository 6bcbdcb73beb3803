"""Hand-derived alerting cases (from the formulas of shared/oracle/daidalus/README.md).

Each case is a small Euclidean or geodesic encounter whose time to volume follows from
closed-form geometry worked out here, not from any implementation.
"""

from __future__ import annotations

import math

import pytest

from skypact.daa.reader import read_encounter
from skypact.daa.run import alert_rows, format_number, to_csv
from skypact.errors import FormatError
from skypact.tactical.alerting import PRESETS
from skypact.tactical.numeric import almost_equals

NM, FT, KT, FPM = 1852.0, 0.3048, 1852.0 / 3600.0, 0.3048 / 60.0
HEAD_XYZ = "NAME sx sy sz vx vy vz time alerter\n[none] [nmi] [nmi] [ft] [knot] [knot] [fpm] [s] [none]\n"


def _rows(text: str, preset: str):  # type: ignore[no-untyped-def]
    return list(alert_rows(read_encounter(text, "t.xyz"), PRESETS[preset]))


def _head_on(range_nm: float, closing_kt: float, alerter: int = 1, dz_ft: float = 0.0) -> str:
    return (HEAD_XYZ + f"OWN 0 0 5000 0 0 0 0 1\n"
            f"INT {range_nm} 0 {5000 + dz_ft} {-closing_kt} 0 0 0 {alerter}\n")


@pytest.mark.parametrize(("alerter", "dthr_ft", "levels_at_30s"), [(2, 1500.0, 3), (3, 2200.0, 2)])
def test_phase2_and_noncooperative_alerters(alerter: int, dthr_ft: float, levels_at_30s: int) -> None:
    """TTHR = 0: the volume is the disc |s| <= DTHR; head-on, time to volume (r - DTHR) / v."""
    v = 200 * KT
    r = dthr_ft * FT + 30.0 * v  # enters the volume exactly 30 s from now
    [row] = _rows(_head_on(r / NM, 200.0, alerter), "do365b")
    assert row.alerter == alerter
    assert all(abs(t - 30.0) < 1e-6 for t in row.times)
    # alerter 2 alerts all levels at 45 s (level 3 raised); alerter 3 warns at 25 s only (level 2)
    assert row.level == levels_at_30s


def test_phase1_modified_tau() -> None:
    """TTHR = 35 s: head-on at closing speed V, τmod = (r² − D²)/(r V) reaches 35 s at
    r* = (35 V + sqrt((35 V)² + 4 D²)) / 2, so time to volume = (r0 − r*) / V."""
    v, d = 150 * KT, 0.66 * NM
    r_star = (35 * v + math.sqrt((35 * v) ** 2 + 4 * d * d)) / 2
    r0 = r_star + 20.0 * v
    [row] = _rows(_head_on(r0 / NM, 150.0, 1), "do365b")
    assert abs(row.times[0] - 20.0) < 1e-6
    assert row.level == 3  # 20 s < 25 s warning time


def test_unknown_alerter_index_gives_no_row() -> None:
    for idx in (0, 4):
        assert _rows(_head_on(2.0, 200.0, idx), "do365b") == []
    # CD3D is ownship-centric: the intruder's index does not matter
    assert len(_rows(_head_on(2.0, 200.0, 4), "cd3d")) == 1


@pytest.mark.parametrize("dz_ft", [1000.0, -1000.0])
def test_exactly_1000_ft_apart_is_separated_from_either_side(dz_ft: float) -> None:
    """FL200 against FL210 (or FL190), head-on over each other: no CD3D violation."""
    text = (HEAD_XYZ + "OWN 0 0 20000 0 0 0 0 1\n" + f"INT 3 0 {20000 + dz_ft} -300 0 0 0 1\n")
    [row] = _rows(text, "cd3d")
    assert row.level == 0 and row.times == [math.inf]
    nearly = (HEAD_XYZ + "OWN 0 0 20000 0 0 0 0 1\n" + f"INT 3 0 {20000 + 0.999 * dz_ft} -300 0 0 0 1\n")
    assert _rows(nearly, "cd3d")[0].level == 1


def test_cd3d_crossing_time_to_volume() -> None:
    """Head-on at 300 kt: from 20.1 NM it enters 5 NM after the 180 s look-ahead; from 19.9 NM
    after (19.9 - 5) NM / 300 kt = 178.8 s."""
    [row] = _rows(_head_on(20.1, 300.0), "cd3d")
    assert row.times == [math.inf] and row.level == 0
    [row] = _rows(_head_on(19.9, 300.0), "cd3d")
    assert abs(row.times[0] - 179.0 + 0.2) < 1e-3 and row.level == 1


def test_vx_vy_vz_columns_equal_track_speed_columns_geodesic() -> None:
    polar = ("NAME lat lon alt trk gs vs time\n"
             "OWN 45.0 7.0 10000 90 200 0 0\nINT 45.0 7.2 10000 270 180 500 0\n")
    cart = ("NAME lat lon alt vx vy vz time\n"
            f"OWN 45.0 7.0 10000 200 {200 * math.cos(math.pi / 2)} 0 0\n"
            f"INT 45.0 7.2 10000 -180 {180 * math.cos(1.5 * math.pi)} 500 0\n")
    a = to_csv(alert_rows(read_encounter(polar), PRESETS["do365b"]), PRESETS["do365b"])
    b = to_csv(alert_rows(read_encounter(cart), PRESETS["do365b"]), PRESETS["do365b"])
    assert a == b


def test_metric_units_equal_aviation_units() -> None:
    av = HEAD_XYZ + "OWN 0 0 5000 0 0 0 0 1\nINT 2 0.1 5300 -200 0 -600 0 1\n"
    metric = ("NAME sx sy sz vx vy vz time alerter\n[-] [m] [m] [m] [m/s] [m/s] [m/s] [s] unitless\n"
              f"OWN 0 0 {5000 * FT} 0 0 0 0 1\n"
              f"INT {2 * NM} {0.1 * NM} {5300 * FT} {-200 * KT} 0 {-600 * FPM} 0 1\n")
    for p in ("cd3d", "do365b"):
        ra, rm = _rows(av, p)[0], _rows(metric, p)[0]
        assert ra.level == rm.level
        assert all(math.isclose(x, y, rel_tol=1e-9) for x, y in zip(ra.times, rm.times, strict=True))


def test_quoted_names_commas_and_duplicate_rows() -> None:
    text = ("# comment\n\nNAME, sx, sy, sz, vx, vy, vz, time\n"
            "OWN, 0, 0, 5000, 0, 0, 0, 0\nINT, 1, 0, 5000, 0, 0, 0, 0\n"
            '", 9, 9, 9000, 0, 0, 0, 0\n'  # '"' = same name as the previous row; later row wins
            "OWN, 0, 0, 5000, 0, 0, 0, 1\n")
    enc = read_encounter(text)
    assert enc.order == ["OWN", "INT"]
    assert enc.steps[0.0]["INT"].pos[0] == 9 * NM  # the last row of a time wins
    rows = _rows(text, "cd3d")
    assert [(r.time, r.traffic) for r in rows] == [(0.0, "INT")]  # t = 1 s: ownship alone, no row


def test_wind_leaves_relative_motion_unchanged_in_a_flat_frame() -> None:
    base = "NAME sx sy sz vx vy vz heading airspeed time\n"
    calm = base + "OWN 0 0 5000 0 150 0 0 150 0\nINT 3 3 5000 -150 0 0 0 0 0\n"
    windy = base + "OWN 0 0 5000 0 150 0 20 160 0\nINT 3 3 5000 -150 0 0 0 0 0\n"
    a, b = _rows(calm, "do365b")[0], _rows(windy, "do365b")[0]
    assert a.level == b.level and all(math.isclose(x, y, rel_tol=1e-9) for x, y in zip(a.times, b.times,
                                                                                       strict=True))


def test_wind_on_the_sphere_changes_times_only_slightly() -> None:
    base = "NAME lat lon alt trk gs vs heading airspeed time\n"
    calm = base + "OWN 50 8 5000 90 150 0 90 150 0\nINT 50.02 8.1 5000 200 140 0 0 0 0\n"
    windy = base + "OWN 50 8 5000 90 150 0 80 170 0\nINT 50.02 8.1 5000 200 140 0 0 0 0\n"
    a, b = _rows(calm, "cd3d")[0], _rows(windy, "cd3d")[0]
    assert a.level == b.level and abs(a.times[0] - b.times[0]) < 0.05


def test_number_format() -> None:
    assert [format_number(x) for x in (0.0, -1e-9, 200.0, 0.3783944, 400000.0000149, math.inf, 1e-7)] == [
        "0.0", "0.0", "200.0", "0.378394", "400000.000015", "infty", "0.0"]
    assert format_number(0.0000005) == "0.0" and format_number(0.0000015) == "0.000002"


def test_almost_equals() -> None:
    assert almost_equals(1.0, 1.0 + 1e-13) and not almost_equals(1.0, 1.0 + 1e-10)
    assert almost_equals(0.0, 1e-14) and not almost_equals(0.0, 1e-12)


@pytest.mark.parametrize(("text", "needle"), [
    ("NAME sx sy sz vx vy vz time\nOWN 0 0 5000 0 0 0\n", "fields where the header has 8"),
    ("NAME sx sy sz vx vy vz time\n[none] [nmi] [nmi] [ft] [furlong] [knot] [fpm] [s]\nOWN 0 0 1 0 0 0 0\n",
     "unknown unit [furlong]"),
    ("NAME sx sy sz vx vy time\nOWN 0 0 5000 0 0 0\n", "missing columns"),
    ("NAME sx sy sz vx vy vz time\nOWN 0 0 nan 0 0 0 0\n", "must be finite"),
    ("NAME sx sy sz vx vy vz time\nOWN 0 0 abc 0 0 0 0\n", "is not a number"),
    ("NAME lat lon alt trk gs vs time\nOWN 95 0 5000 0 100 0 0\n", "out of range"),
    ("# only a comment\n", "no header"),
])
def test_bad_input_names_line_and_column(text: str, needle: str) -> None:
    with pytest.raises(FormatError) as ei:
        read_encounter(text, "bad.daa")
    assert needle in str(ei.value) and "bad.daa" in str(ei.value)
    assert ei.value.message("ru") != ei.value.message("en")
