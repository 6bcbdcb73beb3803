"""File formats: round trips, the shipped JSON Schema, CSV altitude references."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from skypact.plans.io import read_csv, read_geojson, read_json, to_csv, to_geojson, to_json
from skypact.plans.model import AltRef, PlanSet
from skypact.plans.schema import schema_text
from skypact.synth import demo_planset

SCHEMA = Path(__file__).parents[2] / "src" / "skypact" / "data" / "skypact.schema.json"


def _plans_only(ps: PlanSet) -> PlanSet:
    return PlanSet(plans=ps.plans)


def test_json_round_trip() -> None:
    ps = demo_planset(1)
    assert read_json(to_json(ps)) == ps


def test_geojson_round_trip() -> None:
    ps = demo_planset(1)
    back = read_geojson(to_geojson(ps))
    assert back.volumes == ps.volumes
    for a, b in zip(back.plans, ps.plans, strict=True):
        assert (a.id, a.party, a.callsign, a.priority, a.uncertainty) == (b.id, b.party, b.callsign, b.priority,
                                                                           b.uncertainty)
        for wa, wb in zip(a.waypoints, b.waypoints, strict=True):
            assert (wa.lat, wa.lon, wa.time) == (wb.lat, wb.lon, wb.time)
            assert abs(wa.alt.metres - wb.alt.metres) < 1e-9


def test_csv_round_trip_and_reference() -> None:
    ps = _plans_only(demo_planset(1))
    back = read_csv(to_csv(ps))
    assert [p.id for p in back.plans] == [p.id for p in ps.plans]
    assert all(abs(a.alt.metres - b.alt.metres) < 1e-6 for pa, pb in zip(back.plans, ps.plans, strict=True)
               for a, b in zip(pa.waypoints, pb.waypoints, strict=True))
    text = ("plan_id,party,callsign,seq,time,lat,lon,alt_ft,alt_ref\n"
            "D1,U,DRN1,2,2026-06-01T10:01:00Z,50.01,0,400,wgs84\n"
            "D1,U,DRN1,1,2026-06-01T10:00:00Z,50,0,400,wgs84\n")
    p = read_csv(text).plans[0]
    assert p.waypoints[0].time < p.waypoints[1].time  # ordered by seq
    assert p.waypoints[0].alt.ref is AltRef.WGS84


def test_shipped_schema_is_current_and_validates_documents() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "regenerate with: skypact schema -o src/skypact/data/skypact.schema.json")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(to_json(demo_planset(1))), schema)
    assert "geodesic" in schema["$comment"]
