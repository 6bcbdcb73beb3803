"""The encounter reader: every unit DAIDALUS files carry, and refusals that name the unit."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from skypact.cli.app import app
from skypact.daa.reader import read_encounter
from skypact.daa.units import ANGLE, LENGTH, SPEED, TIME, Dim, parse_unit
from skypact.errors import FormatError
from skypact.units import FPM, FT, KT, NM


@pytest.mark.parametrize(("text", "factor", "dim"), [
    ("nmi/s", NM, SPEED), ("NMI/S", NM, SPEED), ("ft/min", FPM, SPEED), ("fpm", FPM, SPEED),
    ("m/s", 1.0, SPEED), ("knot", KT, SPEED), ("kts", KT, SPEED), ("kn", KT, SPEED),
    ("km/h", 1000 / 3600, SPEED), ("ft/s", FT, SPEED), ("nmi/h", KT, SPEED),
    ("deg/s", math.pi / 180, Dim(0, -1, 1)), ("m/s^2", 1.0, Dim(1, -2)), ("m/s²", 1.0, Dim(1, -2)),
    ("knot/s", KT, Dim(1, -2)), ("G", 9.80665, Dim(1, -2)),
    ("ms", 0.001, TIME), ("min", 60.0, TIME), ("h", 3600.0, TIME),
    ("nm", NM, LENGTH), ("km", 1000.0, LENGTH), ("mi", 1609.344, LENGTH), ("deg", math.pi / 180, ANGLE),
])
def test_units_parse_to_si(text: str, factor: float, dim: Dim) -> None:
    unit = parse_unit(text)
    assert unit is not None
    assert unit.factor == pytest.approx(factor, rel=1e-15)
    assert unit.dim == dim


@pytest.mark.parametrize("text", ["furlong", "s/s", "m/ft", "nmi/s^3", "m//s", "/s", "nmi/", "m*s"])
def test_nonsense_units_are_refused(text: str) -> None:
    assert parse_unit(text) is None


SUM_HEADER = (
    "NAME, lat, lon, alt, vx, vy, vz, time, alerter, s_EW_std, s_NS_std, s_EN_std, sz_std, v_EW_std, v_NS_std, "
    "v_EN_std, vz_std\n"
    "[none], [deg], [deg], [ft], [knot], [knot], [fpm], [s], [none], [nmi], [nmi], [nmi], [ft], [nmi/s], [nmi/s], "
    "[nmi/s], [nmi/s]\n"
)


def test_sp16_layout_reads_with_compound_units() -> None:
    enc = read_encounter(SUM_HEADER + "OWN, 10.0, 20.0, 5000, 0, 180, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0\n"
                                      "INT, 10.1, 20.0, 5300, 0, -160, 0, 0, 1, 0.1, 0.1, 0, 10, 0.001, 0, 0, 0\n")
    own, intr = enc.steps[0.0]["OWN"], enc.steps[0.0]["INT"]
    assert own.vel[1] == pytest.approx(180 * KT)
    assert intr.pos[2] == pytest.approx(5300 * FT)
    assert intr.alerter == 1


def test_a_unit_of_the_wrong_kind_is_refused() -> None:
    bad = SUM_HEADER.replace("[ft], [knot]", "[knot], [knot]", 1)  # alt in knots
    with pytest.raises(FormatError) as e:
        read_encounter(bad + "OWN, 10, 20, 5000, 0, 180, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0\n", "x.daa")
    assert "[knot]" in str(e.value) and "alt" in str(e.value)
    assert "единица [knot]" in e.value.message("ru")


def test_cli_error_keeps_the_bracketed_unit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "x.daa"
    f.write_text("NAME lat lon alt trk gs vs time\n[none] [deg] [deg] [furlong] [deg] [knot] [fpm] [s]\n"
                 "OWN 1 2 3 4 5 6 0\n")
    r = CliRunner().invoke(app, ["daa-alert", str(f), "--preset", "cd3d", "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 2
    assert "unknown unit [furlong] of column alt" in r.output
    assert "неизвестная единица [furlong] в столбце alt" in r.output
