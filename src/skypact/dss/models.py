"""pydantic mirrors of the F3548-21 request types skypact reads (``uas_standards.astm.f3548.v21.api``
has them as plain typed dicts).  Unknown fields are ignored and never stored, as the standard asks;
responses are built as plain JSON and checked against ``uas-standards`` in the tests."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from skypact.limits import MAX_EXTENTS, MAX_VERTICES

__all__ = [
    "Altitude", "Circle", "ImplicitSubscriptionParameters", "LatLngPoint", "Polygon",
    "PutConstraintReferenceParameters", "PutOperationalIntentReferenceParameters", "PutSubscriptionParameters",
    "QueryParameters", "Radius", "SetUssAvailabilityStatusParameters", "Time", "Volume3D", "Volume4D",
]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Time(_Lenient):
    value: datetime
    format: Literal["RFC3339"] = "RFC3339"


class LatLngPoint(_Lenient):
    lat: Annotated[float, Field(ge=-90.0, le=90.0)]
    lng: Annotated[float, Field(ge=-180.0, le=180.0)]


class Polygon(_Lenient):
    vertices: Annotated[list[LatLngPoint], Field(min_length=3, max_length=MAX_VERTICES)]


class Radius(_Lenient):
    value: Annotated[float, Field(gt=0.0, le=1_000_000.0)]
    units: Literal["M"] = "M"


class Circle(_Lenient):
    center: LatLngPoint
    radius: Radius


class Altitude(_Lenient):
    value: Annotated[float, Field(ge=-2000.0, le=100_000.0)]
    reference: Literal["W84"] = "W84"
    units: Literal["M"] = "M"


class Volume3D(_Lenient):
    outline_circle: Circle | None = None
    outline_polygon: Polygon | None = None
    altitude_lower: Altitude | None = None
    altitude_upper: Altitude | None = None


class Volume4D(_Lenient):
    volume: Volume3D
    time_start: Time | None = None
    time_end: Time | None = None


class ImplicitSubscriptionParameters(_Lenient):
    uss_base_url: Annotated[str, Field(min_length=1, max_length=2000)]
    notify_for_constraints: bool = False


class PutOperationalIntentReferenceParameters(_Lenient):
    extents: Annotated[list[Volume4D], Field(min_length=1, max_length=MAX_EXTENTS)]
    key: list[str] | None = None
    state: Literal["Accepted", "Activated", "Nonconforming", "Contingent"]
    uss_base_url: Annotated[str, Field(min_length=1, max_length=2000)]
    subscription_id: str | None = None
    new_subscription: ImplicitSubscriptionParameters | None = None


class PutConstraintReferenceParameters(_Lenient):
    extents: Annotated[list[Volume4D], Field(min_length=1, max_length=MAX_EXTENTS)]
    uss_base_url: Annotated[str, Field(min_length=1, max_length=2000)]


class QueryParameters(_Lenient):
    area_of_interest: Volume4D | None = None


class PutSubscriptionParameters(_Lenient):
    extents: Volume4D
    uss_base_url: Annotated[str, Field(min_length=1, max_length=2000)]
    notify_for_operational_intents: bool = False
    notify_for_constraints: bool = False


class SetUssAvailabilityStatusParameters(_Lenient):
    old_version: str = ""
    availability: Literal["Unknown", "Normal", "Down"]
