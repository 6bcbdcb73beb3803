"""Flight plans and reserved volumes: the model, validation and file formats."""

from skypact.plans.model import (
    Altitude,
    AltitudeBand,
    AltRef,
    AltUnit,
    Circle,
    FlightPlan,
    PlanSet,
    Polygon,
    ReservedVolume,
    TimeWindow,
    Uncertainty,
    Waypoint,
)

__all__ = [
    "AltRef",
    "AltUnit",
    "Altitude",
    "AltitudeBand",
    "Circle",
    "FlightPlan",
    "PlanSet",
    "Polygon",
    "ReservedVolume",
    "TimeWindow",
    "Uncertainty",
    "Waypoint",
]
