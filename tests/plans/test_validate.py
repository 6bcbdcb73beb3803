"""Bad input: every problem gets a specific error naming file, plan, waypoint and field, in EN and RU."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from skypact.errors import FormatError, InputError, PlanError, VolumeError
from skypact.plans.io import read_csv, read_file, read_json

CYR = re.compile("[а-яА-ЯёЁ]")


def _doc(**override: object) -> dict:
    wp = [
        {"lat": 50.0, "lon": 0.0, "alt": {"value": 35000}, "time": "2026-06-01T10:00:00Z"},
        {"lat": 50.0, "lon": 2.0, "alt": {"value": 35000}, "time": "2026-06-01T10:20:00Z"},
    ]
    plan = {"id": "P1", "party": "A", "callsign": "AAA1", "waypoints": wp}
    plan.update(override)
    return {"plans": [plan]}


def _volume(**override: object) -> dict:
    square = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
    v = {"id": "V1", "party": "B", "outline": {"type": "Polygon", "coordinates": square},
         "band": {"lower": {"value": 0}, "upper": {"value": 10000}},
         "window": {"start": "2026-06-01T10:00:00Z", "end": "2026-06-01T12:00:00Z"}}
    v.update(override)
    return {"volumes": [v]}


def _both_languages(e: InputError) -> None:
    en, ru = e.message("en"), e.message("ru")
    assert en and ru and en != ru
    assert CYR.search(ru), ru


def test_valid_document_reads() -> None:
    ps = read_json(json.dumps(_doc()), "x.json")
    assert ps.plans[0].waypoints[1].alt.feet == 35000


def test_times_not_increasing_names_the_waypoint() -> None:
    d = _doc()
    d["plans"][0]["waypoints"][1]["time"] = "2026-06-01T09:00:00Z"
    with pytest.raises(PlanError) as ei:
        read_json(json.dumps(d), "x.json")
    e = ei.value
    assert (e.location.file, e.location.item, e.location.waypoint, e.location.field) == ("x.json", "P1", 1, "time")
    assert "waypoint 2" in str(e) and "must increase" in str(e)
    assert "точка маршрута 2" in e.message("ru")
    _both_languages(e)


@pytest.mark.parametrize(("field", "value", "needle"), [
    ("lat", 91.0, "above the allowed maximum"),
    ("lat", -90.5, "below the allowed minimum"),
    ("lon", 181.0, "above the allowed maximum"),
])
def test_out_of_range(field: str, value: float, needle: str) -> None:
    d = _doc()
    d["plans"][0]["waypoints"][0][field] = value
    with pytest.raises(FormatError) as ei:
        read_json(json.dumps(d), "x.json")
    assert ei.value.location.waypoint == 0 and ei.value.location.field == field
    assert needle in str(ei.value)
    _both_languages(ei.value)


def test_nan_is_rejected() -> None:
    text = json.dumps(_doc()).replace('"lat": 50.0', '"lat": NaN', 1)
    with pytest.raises(FormatError) as ei:
        read_json(text, "x.json")
    assert "finite" in str(ei.value)
    _both_languages(ei.value)


def test_implied_speed_above_maximum() -> None:
    d = _doc()
    d["plans"][0]["waypoints"][1]["time"] = "2026-06-01T10:00:10Z"  # 143 km in 10 s
    with pytest.raises(PlanError) as ei:
        read_json(json.dumps(d), "x.json")
    assert "above the maximum 1500 kt" in str(ei.value)
    assert ei.value.location.waypoint == 1
    _both_languages(ei.value)
    # a configurable maximum
    read_json(json.dumps(d), "x.json", max_speed_kt=100_000)


def test_naive_time_unknown_field_missing_field() -> None:
    d = _doc()
    d["plans"][0]["waypoints"][0]["time"] = "2026-06-01T10:00:00"
    with pytest.raises(FormatError, match="time zone"):
        read_json(json.dumps(d))
    with pytest.raises(FormatError, match="unknown field") as ei:
        read_json(json.dumps(_doc(weapon="none")))
    assert ei.value.location.field == "weapon"
    d = _doc()
    del d["plans"][0]["callsign"]
    with pytest.raises(FormatError, match="required field"):
        read_json(json.dumps(d))


def test_one_waypoint_is_too_few() -> None:
    d = _doc()
    d["plans"][0]["waypoints"] = d["plans"][0]["waypoints"][:1]
    with pytest.raises(FormatError, match="too few"):
        read_json(json.dumps(d))


def test_self_intersecting_polygon() -> None:
    bow = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(VolumeError) as ei:
        read_json(json.dumps(_volume(outline=bow)), "v.json")
    assert "intersects itself" in str(ei.value) and ei.value.location.item == "V1"
    _both_languages(ei.value)


def test_empty_band_and_reversed_window() -> None:
    with pytest.raises(VolumeError, match="band is empty"):
        read_json(json.dumps(_volume(band={"lower": {"value": 100, "unit": "FL"}, "upper": {"value": 9000}})))
    with pytest.raises(VolumeError, match="time window"):
        read_json(json.dumps(_volume(window={"start": "2026-06-01T12:00:00Z", "end": "2026-06-01T10:00:00Z"})))


def test_open_ring_and_duplicate_ids() -> None:
    ring = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}
    with pytest.raises(VolumeError, match="must end where it starts"):
        read_json(json.dumps(_volume(outline=ring)))
    d = _doc()
    d["plans"].append(dict(d["plans"][0]))
    with pytest.raises(InputError, match="used twice"):
        read_json(json.dumps(d))


def test_bad_json_and_unknown_suffix(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('{"plans": [', encoding="utf-8")
    with pytest.raises(FormatError, match="not valid JSON") as ei:
        read_file(p)
    assert ei.value.location.file == str(p)
    q = tmp_path / "plans.txt"
    q.write_text("x")
    with pytest.raises(FormatError, match="unknown file type"):
        read_file(q)
    with pytest.raises(FormatError, match="file not found"):
        read_file(tmp_path / "missing.json")


def test_csv_errors() -> None:
    with pytest.raises(FormatError, match="lacks the columns"):
        read_csv("plan_id,party\n1,A\n", "p.csv")
    head = "plan_id,party,callsign,seq,time,lat,lon,alt_ft\n"
    with pytest.raises(FormatError, match="seq must be an integer"):
        read_csv(head + "P1,A,C1,x,2026-06-01T10:00:00Z,50,0,1000\n", "p.csv")
    with pytest.raises(FormatError) as ei:
        read_csv(head + "P1,A,C1,1,2026-06-01T10:00:00Z,95,0,1000\nP1,A,C1,2,2026-06-01T10:10:00Z,50,1,1000\n", "p.csv")
    assert ei.value.location.item == "P1" and ei.value.location.waypoint == 0
