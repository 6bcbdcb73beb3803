"""The notification catalogue: every type in English and Russian, aviation and metric units,
with the rendered text checked; Russian plurals; the advisory turn rule."""

from __future__ import annotations

import re
from typing import Any

import pytest

from skypact.notify import TYPES, advisory_turn, clock_position, render_notification
from skypact.units import FL, FT, KT, NM

CYR = re.compile("[а-яА-ЯёЁ]")
T = 1_780_304_046.0  # 2026-06-01 08:54:06 UTC

#: a full set of fields for each type (machine-readable: SI, epoch seconds, degrees)
FIELDS: dict[str, dict[str, Any]] = {
    "plan-accepted": {"plan": "NRD101", "callsign": "NRD101", "party": "ATC-N"},
    "plan-rejected": {"plan": "NRD101", "callsign": "NRD101", "party": "ATC-N",
                      "reason": {"en": "priority 9 is above the maximum 3", "ru": "приоритет 9 выше максимума 3"}},
    "conflict-predicted": {"callsign": "NRD101", "party": "ATC-N", "other": "SAF201", "other_party": "AF-S",
                           "start": T, "end": T + 80, "time": T + 40, "h_m": 4.2 * NM, "v_m": 500 * FT,
                           "lat": 57.0132, "lon": 20.0069, "ref_name": "VEBIT", "ref_bearing_deg": 75.4,
                           "ref_distance_m": 12 * NM},
    "conflict-cleared": {"callsign": "NRD101", "party": "ATC-N", "other": "SAF201", "other_party": "AF-S"},
    "resolution-delay": {"callsign": "NRD101", "party": "ATC-N", "delay_s": 300},
    "resolution-level": {"callsign": "NRD101", "party": "ATC-N", "level_m": 360 * FL, "climb": True},
    "volume-activated": {"volume": "TSA1", "party": "AF-S", "lower_m": 250 * FL, "upper_m": 350 * FL,
                         "start": T, "end": T + 7200},
    "volume-deactivated": {"volume": "TSA1", "party": "AF-S"},
    "volume-entry": {"callsign": "NRD102", "party": "ATC-N", "volume": "TSA1", "other_party": "AF-S", "time": T,
                     "lat": 54.4983, "lon": 18.9784},
    "traffic-information": {"callsign": "NRD101", "party": "ATC-N", "other": "SAF201", "other_party": "AF-S",
                            "relative_bearing_deg": 90.0, "distance_m": 8 * NM, "dz_m": 1000 * FT,
                            "other_vs_mps": 1500 * FT / 60},
    "tactical-warning": {"callsign": "NRD101", "party": "ATC-N", "other": "SAF201", "other_party": "AF-S", "tier": 3,
                         "relative_bearing_deg": 60.0, "distance_m": 3.1 * NM, "dz_m": -300 * FT,
                         "other_vs_mps": -1000 * FT / 60, "time_to_s": 75, "h_m": 0.8 * NM, "v_m": 200 * FT,
                         "turn": advisory_turn(60.0)},
    "clear-of-conflict": {"callsign": "NRD101", "party": "ATC-N", "other": "SAF201", "other_party": "AF-S"},
    "ack-requested": {"party": "AF-S", "ref": "N-17", "within_s": 120},
    "acknowledged": {"party": "AF-S", "who": "duty officer 2", "ref": "N-17", "time": T},
    "escalation": {"party": "AF-S", "ref": "N-17", "within_s": 30, "contacts": "AF-S duty chief, ATC-N"},
    "feed-lost": {"party": "AF-S", "time": T},
    "plan-nonconforming": {"callsign": "NRD101", "party": "ATC-N", "plan": "N-101", "time": T, "h_m": 3.5 * NM,
                           "v_m": 200 * FT, "delay_s": 150},
    "party-silent": {"party": "AF-S", "time": T},
    "notice-late": {"item": "AF-S-TSA1", "party": "AF-S", "other_party": "ATC-N", "given_s": 300, "required_s": 900,
                    "start": T + 300, "time": T},
    "party-back": {"party": "AF-S", "time": T + 600},
    "drill-started": {"drill": "D-3", "time": T},
    "drill-ended": {"drill": "D-3", "time": T, "score": 21, "warned": 3, "total": 4},
    "emergency-declared": {"callsign": "SAF201", "party": "AF-S", "reason": "engine failure"},
    "emergency-ended": {"callsign": "SAF201", "party": "AF-S"},
}


def _plain(s: str) -> str:
    return s.replace("\xa0", " ").replace("\u202f", " ")


def test_every_type_has_fields_here() -> None:
    assert set(FIELDS) == set(TYPES)


@pytest.mark.parametrize("kind", sorted(FIELDS))
@pytest.mark.parametrize("units", ["aviation", "metric"])
def test_every_type_renders_both_forms_in_both_languages(kind: str, units: str) -> None:
    en = render_notification(kind, FIELDS[kind], "en", units)  # type: ignore[arg-type]
    ru = render_notification(kind, FIELDS[kind], "ru", units)  # type: ignore[arg-type]
    for text in (en.short, en.full, ru.short, ru.full):
        assert "{" not in text and "}" not in text and "None" not in text, text
    assert en.short == en.short.upper() and ru.short == ru.short.upper()
    assert CYR.search(ru.short) and CYR.search(ru.full) and not CYR.search(en.full + en.short)
    assert ru.full != en.full
    for name in ("callsign", "plan", "other", "volume", "ref", "drill"):  # identifiers pass unchanged
        if name in FIELDS[kind]:
            assert FIELDS[kind][name] in en.full and FIELDS[kind][name] in ru.full


def test_conflict_predicted_units_places_and_decimal_comma() -> None:
    f = FIELDS["conflict-predicted"]
    en = render_notification("conflict-predicted", f, "en")
    ru = render_notification("conflict-predicted", f, "ru")
    assert en.short == "NRD101, CONFLICT PREDICTED WITH SAF201 AT 08:54:46, MINIMUM DISTANCE 4.2 NM, VERTICAL 500 FT"
    assert "from 08:54:06 to 08:55:26 UTC" in en.full and "57.0132°N 20.0069°E" in en.full
    assert ", 12.0 NM bearing 075° from VEBIT" in en.full
    assert "4,2 м. миль" in ru.full and "500 фт" in ru.full and "57,0132°" in ru.full
    assert "ПРОГНОЗ КОНФЛИКТА С SAF201 В 08:54:46" in ru.short
    metric = render_notification("conflict-predicted", f, "ru", "metric")
    assert "7,8 км" in metric.full and "150 м" in metric.full  # 4.2 NM, 500 ft


def test_levels_in_flight_levels_with_metres_on_request() -> None:
    f = FIELDS["resolution-level"]
    assert render_notification("resolution-level", f, "en").short == "NRD101, SUGGEST CLIMB TO FL360"
    ru = render_notification("resolution-level", f, "ru")
    assert ru.short == "NRD101, РЕКОМЕНДАЦИЯ: НАБИРАЙТЕ ЭШЕЛОН 360"
    assert "набор высоты, новый уровень — эшелон 360" in ru.full
    assert _plain(render_notification("resolution-level", f, "ru", "metric").full).count("эшелон 360 (10 970 м)") == 1
    down = render_notification("resolution-level", {**f, "level_m": 80 * FL, "climb": False}, "en", "metric")
    assert down.short == "NRD101, SUGGEST DESCEND TO FL080 (2,440 M)"
    band = render_notification("volume-activated", FIELDS["volume-activated"], "ru")
    assert band.short == "ЗОНА TSA1 АКТИВНА, ЭШЕЛОН 250 — ЭШЕЛОН 350, 08:54:06 — 10:54:06"


@pytest.mark.parametrize(("n", "minutes", "seconds", "clock", "percent"), [
    (1, "1 минута", "1 секунда", "1 час", "1 процент"),
    (2, "2 минуты", "2 секунды", "2 часа", "2 процента"),
    (5, "5 минут", "5 секунд", "5 часов", "5 процентов"),
    (21, "21 минута", "21 секунда", "9 часов", "21 процент"),
])
def test_russian_plurals_at_1_2_5_21(n: int, minutes: str, seconds: str, clock: str, percent: str) -> None:
    delay = render_notification("resolution-delay", {**FIELDS["resolution-delay"], "delay_s": 60 * n}, "ru")
    assert delay.short.endswith(minutes.upper()) and f"задержка вылета — {minutes};" in delay.full
    esc = render_notification("escalation", {**FIELDS["escalation"], "within_s": n}, "ru")
    assert esc.short.endswith(seconds.upper())
    bearing = 30.0 * (n if n < 12 else 9)
    info = render_notification("traffic-information", {**FIELDS["traffic-information"],
                                                       "relative_bearing_deg": bearing}, "ru")
    assert f"на {clock}," in info.full
    assert f"оценка — {percent}" in render_notification("drill-ended", {**FIELDS["drill-ended"], "score": n}, "ru").full
    en = render_notification("resolution-delay", {**FIELDS["resolution-delay"], "delay_s": 60 * n}, "en")
    assert en.full.count(f"{n} minute" + ("" if n == 1 else "s") + ";") == 1


def test_mixed_durations_and_relative_altitudes() -> None:
    en = render_notification("resolution-delay", {**FIELDS["resolution-delay"], "delay_s": 95}, "en")
    assert en.short == "NRD101, SUGGEST DELAY DEPARTURE 1 MINUTE 35 SECONDS"
    info = render_notification("traffic-information", FIELDS["traffic-information"], "en")
    assert info.short == "NRD101, TRAFFIC 3 O'CLOCK, 8.0 NM, 1,000 FT ABOVE, CLIMBING"
    ru = render_notification("traffic-information", FIELDS["traffic-information"], "ru")
    assert _plain(ru.short) == "NRD101, ДВИЖЕНИЕ НА 3 ЧАСА, 8,0 М. МИЛЬ, ВЫШЕ НА 1 000 ФТ, НАБИРАЕТ ВЫСОТУ"
    level = render_notification("traffic-information", {**FIELDS["traffic-information"], "dz_m": 10.0,
                                                        "other_vs_mps": 0.0}, "en")
    assert level.short.endswith("SAME LEVEL")


@pytest.mark.parametrize(("bearing", "sense"), [(0, "right"), (10, "right"), (350, "right"), (45, "right"),
                                                (90, "right"), (140, "right"), (180, None), (200, None),
                                                (270, None), (330, None)])
def test_advisory_turn_follows_the_rules_of_the_air(bearing: float, sense: str | None) -> None:
    assert advisory_turn(bearing) == sense


def test_tactical_warning_is_horizontal_advice_only() -> None:
    f = FIELDS["tactical-warning"]
    en = render_notification("tactical-warning", f, "en")
    ru = render_notification("tactical-warning", f, "ru")
    assert en.short == ("NRD101, TRAFFIC ALERT, SAF201 2 O'CLOCK, 3.1 NM, 300 FT BELOW, DESCENDING, "
                        "TIME TO CONFLICT 01:15, ADVISORY TURN RIGHT")
    assert "РЕКОМЕНДАЦИЯ: ПОВОРОТ ВПРАВО" in ru.short and "только рекомендация" in ru.full
    for bearing in range(0, 360, 15):  # whatever the geometry: never a vertical instruction
        g = {**f, "relative_bearing_deg": bearing, "turn": advisory_turn(bearing)}
        for lang in ("en", "ru"):
            r = render_notification("tactical-warning", g, lang)  # type: ignore[arg-type]
            assert not re.search("CLIMB|DESCEND TO|НАБИРАЙТЕ|СНИЖАЙТЕСЬ", r.short + r.full.upper()), r
    assert "ADVISORY" not in render_notification("tactical-warning", {**f, "turn": None}, "en").short
    assert clock_position(0) == 12 and clock_position(344) == 11 and clock_position(346) == 12


def test_speeds_and_types_metadata() -> None:
    from skypact.notify.catalogue import _speed

    assert _speed(450 * KT, "en", "aviation") == "450 kt" and _plain(_speed(450 * KT, "ru", "metric")) == "833 км/ч"
    assert TYPES["tactical-warning"].ack and TYPES["escalation"].severity == "alert"
    assert not TYPES["plan-accepted"].ack


def test_every_type_has_a_row_in_the_phraseology_table() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "phraseology.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line for line in doc.splitlines() if line.startswith("| `")}
    assert set(rows) == set(TYPES)
    for name, line in rows.items():
        status = line.split("|")[5].strip()
        assert status in {"V", "C", "U", "P"}, (name, status)
        if status in {"V", "C"}:  # a seen part names where it was seen
            assert "[" in line.split("|")[6], name
