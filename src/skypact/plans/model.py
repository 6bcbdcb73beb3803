"""The data model: 4D flight plans, reserved volumes and altitudes with their reference.

Plan semantics (also in the JSON Schema and the README): between two consecutive waypoints the
aircraft flies the WGS-84 geodesic at constant ground speed, and its altitude changes linearly
in time.  Times are UTC; naive times are rejected.

Altitudes carry a unit (``ft``, ``m`` or ``FL``) and a reference:

* ``pressure`` - pressure altitude / flight level (standard atmosphere, 1013.25 hPa);
* ``wgs84``    - geometric height above the WGS-84 ellipsoid (GNSS);
* ``msl``      - height above mean sea level (QNH or geoid).

Two altitudes with the same reference are compared directly.  Across references skypact
does not pretend they agree: it widens the vertical minimum by a documented buffer
(:data:`skypact.plans.minima.DEFAULT_REFERENCE_BUFFER_FT`, 300 ft by default).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from skypact.limits import MAX_WAYPOINTS
from skypact.units import FL, FT

__all__ = [
    "AltRef",
    "AltUnit",
    "Altitude",
    "AltitudeBand",
    "Circle",
    "FlightPlan",
    "Outline",
    "PlanSet",
    "Polygon",
    "ReservedVolume",
    "TimeWindow",
    "Uncertainty",
    "Waypoint",
]

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, str_strip_whitespace=True)

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
Latitude = Annotated[float, Field(ge=-90.0, le=90.0, description="WGS-84 latitude, degrees")]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0, description="WGS-84 longitude, degrees")]


class AltUnit(StrEnum):
    """Unit of an altitude value."""

    FT = "ft"
    M = "m"
    FL = "FL"


class AltRef(StrEnum):
    """What an altitude is measured from."""

    PRESSURE = "pressure"
    WGS84 = "wgs84"
    MSL = "msl"


class Altitude(BaseModel):
    """An altitude: value, unit and reference."""

    model_config = _STRICT

    value: Annotated[float, Field(ge=-2000.0, le=200000.0)]
    unit: AltUnit = AltUnit.FT
    ref: AltRef = AltRef.PRESSURE

    @property
    def metres(self) -> float:
        """The value in metres in its own reference."""
        scale = {AltUnit.FT: FT, AltUnit.M: 1.0, AltUnit.FL: FL}[self.unit]
        return self.value * scale

    @property
    def feet(self) -> float:
        return self.metres / FT


class Waypoint(BaseModel):
    """A 4D point: position, altitude and the UTC time the aircraft is there."""

    model_config = _STRICT

    lat: Latitude
    lon: Longitude
    alt: Altitude
    time: AwareDatetime


class Uncertainty(BaseModel):
    """How far a real flight may stray from its plan; the engine inflates its checks by it.

    ``time_s``: the aircraft may be up to this many seconds early or late along its track.
    ``lateral_m`` / ``vertical_m``: containment around the planned track and altitude.
    """

    model_config = _STRICT

    time_s: Annotated[float, Field(ge=0.0, le=3600.0)] = 0.0
    lateral_m: Annotated[float, Field(ge=0.0, le=100_000.0)] = 0.0
    vertical_m: Annotated[float, Field(ge=0.0, le=3000.0)] = 0.0


class FlightPlan(BaseModel):
    """A party's 4D flight plan."""

    model_config = _STRICT

    id: Identifier
    party: Identifier
    callsign: Annotated[str, Field(min_length=1, max_length=16)]
    priority: Annotated[int, Field(ge=0, le=1000)] = 0
    waypoints: Annotated[list[Waypoint], Field(min_length=2, max_length=MAX_WAYPOINTS)]
    uncertainty: Uncertainty = Uncertainty()

    @property
    def start(self) -> datetime:
        return self.waypoints[0].time

    @property
    def end(self) -> datetime:
        return self.waypoints[-1].time


class Polygon(BaseModel):
    """A GeoJSON polygon (``[lon, lat]`` positions); edges are WGS-84 geodesics."""

    model_config = _STRICT

    type: Literal["Polygon"] = "Polygon"
    coordinates: Annotated[list[list[tuple[Longitude, Latitude]]], Field(min_length=1)]


class Circle(BaseModel):
    """A circle: centre ``[lon, lat]`` and radius in metres."""

    model_config = _STRICT

    type: Literal["Circle"] = "Circle"
    center: tuple[Longitude, Latitude]
    radius_m: Annotated[float, Field(gt=0.0, le=1_000_000.0)]


Outline = Annotated[Polygon | Circle, Field(discriminator="type")]


class AltitudeBand(BaseModel):
    """Lower and upper altitude of a reserved volume (lower < upper)."""

    model_config = _STRICT

    lower: Altitude
    upper: Altitude


class TimeWindow(BaseModel):
    """A UTC time window (start < end)."""

    model_config = _STRICT

    start: AwareDatetime
    end: AwareDatetime


class ReservedVolume(BaseModel):
    """Airspace a party reserves: outline × altitude band × time window."""

    model_config = _STRICT

    id: Identifier
    party: Identifier
    outline: Outline
    band: AltitudeBand
    window: TimeWindow
    name: Annotated[str, Field(max_length=64)] = ""


class PlanSet(BaseModel):
    """A skypact JSON document: plans and reserved volumes."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra={
        "$comment": "Between two consecutive waypoints the aircraft flies the WGS-84 geodesic at "
        "constant ground speed and its altitude changes linearly in time.",
    })

    skypact: Literal["1"] = "1"
    plans: list[FlightPlan] = []
    volumes: list[ReservedVolume] = []
