"""Reading and writing plans and volumes: skypact JSON, GeoJSON and CSV waypoints.

* **skypact JSON** - a :class:`~skypact.plans.model.PlanSet` document; its JSON Schema ships
  as ``skypact/data/skypact.schema.json`` (``skypact schema`` prints it).
* **GeoJSON** - a FeatureCollection.  A plan is a ``LineString`` with ``[lon, lat, alt]``
  positions and properties ``kind: "plan"``, ``id``, ``party``, ``callsign``, ``priority``,
  ``times`` (one RFC 3339 UTC time per vertex), ``alt_unit`` (ft, m, FL; default ft),
  ``alt_ref`` (pressure, wgs84, msl; default pressure) and optional ``uncertainty``.  A volume
  is a ``Polygon`` (or a ``Point`` with ``radius_m``) with ``kind: "volume"``, ``id``, ``party``,
  ``lower``/``upper`` altitudes (objects like ``{"value": 0, "unit": "ft", "ref": "msl"}``) and
  ``start``/``end``.
* **CSV** - waypoints, one per row: ``plan_id,party,callsign,seq,time,lat,lon,alt_ft`` and
  optional ``priority`` and ``alt_ref``; ``alt_ft`` is pressure altitude unless ``alt_ref`` says
  otherwise.  Rows of a plan are ordered by ``seq``.  CSV holds plans only.

Every reader either returns a fully valid document or raises an
:class:`~skypact.errors.InputError` that names the file, plan, waypoint and field.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from skypact.errors import FormatError, InputError, Location
from skypact.i18n import N_
from skypact.plans.model import AltRef, AltUnit, Circle, FlightPlan, PlanSet, ReservedVolume
from skypact.plans.validate import DEFAULT_MAX_SPEED_KT, validate_planset
from skypact.units import FL, FT

__all__ = ["pydantic_error", "read_csv", "read_file", "read_files", "read_geojson", "read_json",
           "to_csv", "to_geojson", "to_json"]

CSV_COLUMNS = ("plan_id", "party", "callsign", "seq", "time", "lat", "lon", "alt_ft")
CSV_OPTIONAL = ("priority", "alt_ref")

_PYDANTIC_MESSAGES = {
    "missing": N_("a required field is missing"),
    "extra_forbidden": N_("unknown field (skypact stores only what deconfliction needs)"),
    "finite_number": N_("the number must be finite (not NaN or infinity)"),
    "greater_than_equal": N_("the value is below the allowed minimum"),
    "less_than_equal": N_("the value is above the allowed maximum"),
    "greater_than": N_("the value is below the allowed minimum"),
    "less_than": N_("the value is above the allowed maximum"),
    "too_short": N_("too few items"),
    "too_long": N_("too many items"),
    "timezone_aware": N_("the time must carry a time zone (UTC)"),
    "string_pattern_mismatch": N_("only letters, digits and _ . : - are allowed"),
    "string_too_short": N_("the text is empty"),
    "string_too_long": N_("the text is too long"),
    "enum": N_("the value is not one of the allowed ones"),
    "literal_error": N_("the value is not one of the allowed ones"),
    "union_tag_invalid": N_("the outline type must be Polygon or Circle"),
}


def _from_validation(err: ValidationError, raw: Any, file: str | None) -> InputError:
    """The first pydantic error as a located, bilingual :class:`InputError`."""
    e = err.errors()[0]
    loc = list(e["loc"])
    item = kind = None
    # skypact JSON: ("plans", i, "waypoints", j, ...) or ("volumes", i, ...)
    if len(loc) >= 2 and loc[0] in ("plans", "volumes") and isinstance(loc[1], int):
        try:
            item = str(raw[loc[0]][loc[1]].get("id", f"#{loc[1] + 1}"))
        except (KeyError, IndexError, TypeError, AttributeError):
            item = f"#{loc[1] + 1}"
        kind = "plan" if loc[0] == "plans" else "volume"
        loc = loc[2:]
    return pydantic_error(e["type"], e["msg"], loc, Location(file=file, item=item, kind=kind), e.get("ctx"))


def pydantic_error(kind: str, msg: str, loc: list[Any], where: Location,
                   ctx: dict[str, Any] | None = None) -> FormatError:
    """One pydantic error (type, message, remaining location, context) as a bilingual
    :class:`FormatError`; a count over its bound names the bound."""
    if len(loc) >= 2 and loc[0] == "waypoints" and isinstance(loc[1], int) and where.waypoint is None:
        where = Location(where.file, where.item, loc[1], None, where.kind)
        loc = loc[2:]
    field = ".".join(str(x) for x in loc if not str(x).startswith("function-")) or None
    where = Location(where.file, where.item, where.waypoint, field, where.kind)
    if kind == "too_long" and ctx and "max_length" in ctx:
        return FormatError(N_("too many items: at most {limit} are accepted"), where, limit=ctx["max_length"])
    msgid = _PYDANTIC_MESSAGES.get(kind)
    if msgid is None:
        return FormatError(N_("invalid value ({detail})"), where, detail=msg)
    return FormatError(msgid, where)


def _checked(ps: PlanSet, file: str | None, max_speed_kt: float) -> PlanSet:
    try:
        validate_planset(ps, max_speed_kt)
    except InputError as e:
        raise e.in_file(file) if file else e from None
    return ps


def read_json(text: str, file: str | None = None, max_speed_kt: float = DEFAULT_MAX_SPEED_KT) -> PlanSet:
    """A skypact JSON document (or a GeoJSON FeatureCollection, recognised by its ``type``)."""
    raw = _load_json(text, file)
    if isinstance(raw, dict) and raw.get("type") == "FeatureCollection":
        return _geojson(raw, file, max_speed_kt)
    try:
        ps = PlanSet.model_validate(raw)
    except ValidationError as e:
        raise _from_validation(e, raw, file) from None
    return _checked(ps, file, max_speed_kt)


def read_geojson(text: str, file: str | None = None, max_speed_kt: float = DEFAULT_MAX_SPEED_KT) -> PlanSet:
    """A GeoJSON FeatureCollection of plans and volumes."""
    return _geojson(_load_json(text, file), file, max_speed_kt)


def _load_json(text: str, file: str | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise FormatError(N_("not valid JSON: {detail} (line {line}, column {col})"), Location(file=file),
                          detail=e.msg, line=e.lineno, col=e.colno) from None


def _geojson(raw: Any, file: str | None, max_speed_kt: float) -> PlanSet:
    if not isinstance(raw, dict) or raw.get("type") != "FeatureCollection":
        raise FormatError(N_("expected a GeoJSON FeatureCollection"), Location(file=file))
    plans: list[dict[str, Any]] = []
    volumes: list[dict[str, Any]] = []
    for n, feat in enumerate(raw.get("features") or []):
        props = dict((feat or {}).get("properties") or {})
        geom = (feat or {}).get("geometry") or {}
        fid = str(props.get("id", f"#{n + 1}"))
        kind = props.pop("kind", "plan" if geom.get("type") == "LineString" else "volume")
        try:
            if kind == "plan":
                plans.append(_geojson_plan(props, geom))
            elif kind == "volume":
                volumes.append(_geojson_volume(props, geom))
            else:
                raise KeyError("kind")
        except (KeyError, TypeError, ValueError, IndexError):
            raise FormatError(N_("feature {n} is neither a plan LineString with per-vertex times "
                                 "nor a volume Polygon/Point with its band and window"),
                              Location(file=file, item=fid), n=n + 1) from None
    doc = {"plans": plans, "volumes": volumes}
    try:
        ps = PlanSet.model_validate(doc)
    except ValidationError as e:
        raise _from_validation(e, doc, file) from None
    return _checked(ps, file, max_speed_kt)


def _geojson_plan(props: dict[str, Any], geom: dict[str, Any]) -> dict[str, Any]:
    if geom.get("type") != "LineString":
        raise ValueError("plan geometry")
    coords = geom["coordinates"]
    times = props.pop("times")
    if len(times) != len(coords):
        raise ValueError("times")
    unit = props.pop("alt_unit", "ft")
    ref = props.pop("alt_ref", "pressure")
    wps = [{"lat": c[1], "lon": c[0], "alt": {"value": c[2], "unit": unit, "ref": ref}, "time": t}
           for c, t in zip(coords, times, strict=True)]
    return {**props, "waypoints": wps}


def _geojson_volume(props: dict[str, Any], geom: dict[str, Any]) -> dict[str, Any]:
    if geom.get("type") == "Polygon":
        outline: dict[str, Any] = {"type": "Polygon", "coordinates": geom["coordinates"]}
    elif geom.get("type") == "Point":
        outline = {"type": "Circle", "center": geom["coordinates"][:2], "radius_m": props.pop("radius_m")}
    else:
        raise ValueError("volume geometry")
    band = {"lower": props.pop("lower"), "upper": props.pop("upper")}
    window = {"start": props.pop("start"), "end": props.pop("end")}
    return {**props, "outline": outline, "band": band, "window": window}


def read_csv(text: str, file: str | None = None, max_speed_kt: float = DEFAULT_MAX_SPEED_KT) -> PlanSet:
    """CSV waypoints (``plan_id,party,callsign,seq,time,lat,lon,alt_ft`` [+ ``priority``, ``alt_ref``])."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise FormatError(N_("CSV header lacks the columns {columns}"), Location(file=file),
                          columns=", ".join(missing))
    unknown = [c for c in reader.fieldnames or [] if c not in CSV_COLUMNS + CSV_OPTIONAL]
    if unknown:
        raise FormatError(N_("CSV header has unknown columns {columns}"), Location(file=file),
                          columns=", ".join(unknown))
    rows: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, row in enumerate(reader, start=2):
        pid = (row.get("plan_id") or "").strip()
        try:
            seq = int(row["seq"])
        except (TypeError, ValueError):
            raise FormatError(N_("line {line}: seq must be an integer"), Location(file=file, item=pid or None),
                              line=line) from None
        rows.setdefault(pid, []).append((seq, row))
    plans: list[dict[str, Any]] = []
    for pid, items in rows.items():
        items.sort(key=lambda r: r[0])
        first = items[0][1]
        plan: dict[str, Any] = {"id": pid, "party": first["party"], "callsign": first["callsign"]}
        if (first.get("priority") or "").strip():
            plan["priority"] = first["priority"]
        plan["waypoints"] = [
            {"lat": r["lat"], "lon": r["lon"], "time": r["time"],
             "alt": {"value": r["alt_ft"], "unit": "ft", "ref": (r.get("alt_ref") or "pressure").strip()}}
            for _, r in items
        ]
        plans.append(plan)
    doc = {"plans": plans}
    try:
        ps = PlanSet.model_validate(doc)
    except ValidationError as e:
        raise _from_validation(e, doc, file) from None
    return _checked(ps, file, max_speed_kt)


def read_file(path: str | Path, max_speed_kt: float = DEFAULT_MAX_SPEED_KT) -> PlanSet:
    """Read a file by its suffix: ``.json``, ``.geojson`` or ``.csv``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FormatError(N_("file not found"), Location(file=str(p))) from None
    except (OSError, UnicodeDecodeError) as e:
        raise FormatError(N_("cannot read the file: {detail}"), Location(file=str(p)), detail=str(e)) from None
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return read_csv(text, str(p), max_speed_kt)
    if suffix == ".geojson":
        return read_geojson(text, str(p), max_speed_kt)
    if suffix == ".json":
        return read_json(text, str(p), max_speed_kt)
    raise FormatError(N_("unknown file type {suffix}: use .json, .geojson or .csv"), Location(file=str(p)),
                      suffix=suffix or "(none)")


def read_files(paths: Sequence[str | Path], max_speed_kt: float = DEFAULT_MAX_SPEED_KT) -> PlanSet:
    """Read several files into one document; ids must be unique across all of them."""
    plans: list[FlightPlan] = []
    volumes: list[ReservedVolume] = []
    for path in paths:
        ps = read_file(path, max_speed_kt)
        plans.extend(ps.plans)
        volumes.extend(ps.volumes)
    merged = PlanSet(plans=plans, volumes=volumes)
    validate_planset(merged, max_speed_kt)
    return merged


def to_json(ps: PlanSet) -> str:
    """A skypact JSON document."""
    return ps.model_dump_json(indent=2, exclude_defaults=False) + "\n"


def to_geojson(ps: PlanSet) -> str:
    """A GeoJSON FeatureCollection (each plan in the unit and reference of its first waypoint)."""
    feats: list[dict[str, Any]] = []
    for p in ps.plans:
        unit: AltUnit = p.waypoints[0].alt.unit
        ref: AltRef = p.waypoints[0].alt.ref
        coords = [[w.lon, w.lat, _in_unit(w.alt.metres, unit)] for w in p.waypoints]
        if any(w.alt.ref != ref for w in p.waypoints):
            raise FormatError(N_("plan {id} mixes altitude references; GeoJSON holds one per plan"),
                              Location(item=p.id), id=p.id)
        feats.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords},
                      "properties": {"kind": "plan", "id": p.id, "party": p.party, "callsign": p.callsign,
                                     "priority": p.priority, "alt_unit": unit.value, "alt_ref": ref.value,
                                     "times": [_iso(w.time) for w in p.waypoints],
                                     "uncertainty": p.uncertainty.model_dump()}})
    for v in ps.volumes:
        props: dict[str, Any] = {"kind": "volume", "id": v.id, "party": v.party, "name": v.name,
                                 "lower": v.band.lower.model_dump(mode="json"),
                                 "upper": v.band.upper.model_dump(mode="json"),
                                 "start": _iso(v.window.start), "end": _iso(v.window.end)}
        if isinstance(v.outline, Circle):
            geom: dict[str, Any] = {"type": "Point", "coordinates": list(v.outline.center)}
            props["radius_m"] = v.outline.radius_m
        else:
            geom = {"type": "Polygon", "coordinates": [[list(c) for c in r] for r in v.outline.coordinates]}
        feats.append({"type": "Feature", "geometry": geom, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": feats}, indent=1) + "\n"


def to_csv(ps: PlanSet) -> str:
    """CSV waypoints (plans only: CSV cannot hold volumes)."""
    if ps.volumes:
        raise FormatError(N_("CSV holds plans only; write volumes as JSON or GeoJSON"))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow((*CSV_COLUMNS, *CSV_OPTIONAL))
    for p in ps.plans:
        for i, wp in enumerate(p.waypoints):
            w.writerow((p.id, p.party, p.callsign, i + 1, _iso(wp.time), repr(wp.lat), repr(wp.lon),
                        repr(round(wp.alt.feet, 6)), p.priority, wp.alt.ref.value))
    return buf.getvalue()


def _in_unit(metres: float, unit: AltUnit) -> float:
    return metres / {AltUnit.FT: FT, AltUnit.M: 1.0, AltUnit.FL: FL}[unit]


def _iso(t: Any) -> str:
    return str(t.isoformat().replace("+00:00", "Z"))
