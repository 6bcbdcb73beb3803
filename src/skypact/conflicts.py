"""Conflict records shared by the engines and every edge (CLI, files, later the service).

Times are UTC seconds since the Unix epoch (floats); distances are metres.  Convert at the
edges (:mod:`skypact.report`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

__all__ = ["Conflict", "ConflictKind", "utc"]


class ConflictKind(StrEnum):
    PLAN_PLAN = "plan-plan"
    PLAN_VOLUME = "plan-volume"
    VOLUME_VOLUME = "volume-volume"


def utc(seconds: float) -> datetime:
    """An aware UTC datetime from epoch seconds."""
    return datetime.fromtimestamp(seconds, tz=UTC)


@dataclass(frozen=True)
class Conflict:
    """A loss of separation between two plans, a plan and a volume, or two volumes.

    ``a``/``b`` are plan or volume ids (for plan-volume, ``a`` is the plan).  ``start``/``end``
    bound the open time interval of the loss of separation.  ``closest_*`` describe the moment
    of smallest horizontal distance inside it (place: midway between the two, or the plan's
    position for a volume); ``horizontal_m``/``vertical_m`` are the distances then.
    ``minimum_h_m``/``minimum_v_m`` are the minima that applied (before any inflation).
    """

    kind: ConflictKind
    a: str
    b: str
    party_a: str
    party_b: str
    start: float
    end: float
    closest_time: float
    closest_lat: float
    closest_lon: float
    horizontal_m: float
    vertical_m: float
    minimum_h_m: float
    minimum_v_m: float

    @property
    def duration_s(self) -> float:
        return self.end - self.start
