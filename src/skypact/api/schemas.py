"""What the read routes answer, as OpenAPI schemas (documentation: the routes build their
answers themselves, so a schema here never changes or delays an answer).  Every model allows
fields it does not name, as the answers may gain fields."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Box", "ConflictView", "ItemView", "NotificationView", "TokenAnswer", "TracksView"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Box(_Open):
    """A 4D box: degrees, metres, epoch seconds."""

    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float
    alt_min_m: float
    alt_max_m: float
    t_start: float
    t_end: float


class ItemView(_Open):
    """A plan or volume as the caller may see it: its own in full (``plan`` / ``volume``), another
    party's as a reference, with the legs or the outline that conflict with the caller's items."""

    id: str
    party: str
    state: str
    version: int
    extents: list[Box]
    plan: dict[str, Any] | None = Field(None, description="own plan only: the plan as filed")
    volume: dict[str, Any] | None = Field(None, description="own volume only: the volume as filed")
    conflicting_legs: list[dict[str, Any]] | None = Field(None, description="another party's plan: the legs "
                                                          "that overlap a conflict with the caller's items")
    conflicting_volume: dict[str, Any] | None = Field(None, description="another party's volume in conflict "
                                                      "with the caller's items: outline, band, window")


class ConflictView(_Open):
    """One of the caller's current conflicts: strategic (between filed items) or tactical (an
    alert between live tracks)."""

    layer: Literal["strategic", "tactical"]
    kind: str
    party_a: str
    party_b: str
    id: int | None = Field(None, description="strategic: the conflict's id (the paging cursor)")
    plan_a: str | None = None
    plan_b: str | None = None
    start: str | None = Field(None, description="strategic: RFC 3339")
    end: str | None = None
    horizontal_m: float | None = None
    vertical_m: float | None = None
    a: str | None = Field(None, description="tactical: track id")
    b: str | None = None
    tier: int | None = Field(None, description="tactical: alert tier 1-3")


class _Texts(BaseModel):
    short: str
    full: str


class NotificationView(_Open):
    """A notification to the caller's party, in English and Russian, in the party's units."""

    id: int
    at: float
    type: str
    severity: Literal["info", "advisory", "warning", "alert"]
    party: str
    subject: str
    fields: dict[str, Any]
    text: dict[Literal["en", "ru"], _Texts]
    delivered_at: float | None
    ack: dict[str, Any] | None = Field(None, description="due, at, by: when acknowledgement is requested")
    escalated: bool


class TrackView(_Open):
    id: str
    party: str
    callsign: str
    time: float
    lat: float
    lon: float
    alt_m: float
    gs_mps: float
    trk_deg: float
    vs_mps: float


class TracksView(_Open):
    """The live tracks the caller may see and its live tactical alerts (SI units)."""

    time: float
    tracks: list[TrackView]
    alerts: list[dict[str, Any]]


class TokenAnswer(BaseModel):
    access_token: str
    token_type: Literal["bearer"]
