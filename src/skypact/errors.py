"""skypact's exceptions.

Tree::

    SkypactError                   base; carries a message id, parameters and a location
    └── InputError(ValueError)     a file, plan or field that cannot be used
        ├── FormatError            unreadable file: bad JSON/CSV/GeoJSON, unknown format
        ├── PlanError              a flight plan breaks a rule (times, speed, ranges)
        ├── VolumeError            a reserved volume breaks a rule (polygon, band, window)
        └── MinimaError            a minima table that cannot be used

Every error renders itself in English (``str(err)``) and Russian (``err.message("ru")``);
the CLI prints both.  The location names the file, the plan or volume, the waypoint and the
field, in that order, whichever are known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skypact.i18n import N_, Lang, render

__all__ = [
    "AccessError",
    "AuthError",
    "FormatError",
    "InputError",
    "Location",
    "MinimaError",
    "NotFoundError",
    "PlanError",
    "RateError",
    "ServiceError",
    "SkypactError",
    "StateError",
    "VolumeError",
]


@dataclass(frozen=True)
class Location:
    """Where a problem is: any of file, object id, waypoint index (0-based) and field."""

    file: str | None = None
    item: str | None = None
    waypoint: int | None = None
    field: str | None = None
    kind: str | None = None  #: "plan" or "volume" when known


    def render(self, lang: Lang) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(render(N_("file {file}"), lang, {"file": self.file}))
        if self.item:
            msgid = {"plan": N_("plan {item}"), "volume": N_("volume {item}")}.get(
                self.kind or "", N_("plan or volume {item}"))
            parts.append(render(msgid, lang, {"item": self.item}))
        if self.waypoint is not None:
            parts.append(render(N_("waypoint {n}"), lang, {"n": self.waypoint + 1}))
        if self.field:
            parts.append(render(N_("field {field}"), lang, {"field": self.field}))
        return ", ".join(parts)

    def with_file(self, file: str) -> Location:
        return Location(file, self.item, self.waypoint, self.field, self.kind)


class SkypactError(Exception):
    """Base of skypact's errors: a catalog message id, its parameters and a location."""

    def __init__(self, msgid: str, location: Location | None = None, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        self.location = location or Location()
        super().__init__(self.message("en"))

    def message(self, lang: Lang) -> str:
        """The full message in ``lang``: location, then what is wrong."""
        text = render(self.msgid, lang, self.params)
        where = self.location.render(lang)
        return f"{where}: {text}" if where else text

    def in_file(self, file: str) -> SkypactError:
        """The same error, located in ``file`` (the original location kept otherwise)."""
        return type(self)(self.msgid, self.location.with_file(file), **self.params)


class InputError(SkypactError, ValueError):
    """Input that cannot be used; nothing from it is processed."""


class FormatError(InputError):
    """A file that cannot be read in the format it claims."""


class PlanError(InputError):
    """A flight plan that breaks a validation rule."""


class VolumeError(InputError):
    """A reserved volume that breaks a validation rule."""


class MinimaError(InputError):
    """A separation-minima table that cannot be used."""


class ServiceError(SkypactError):
    """A request the service refuses; ``status`` is the HTTP status the API answers with."""

    status = 400


class AuthError(ServiceError):
    status = 401


class AccessError(ServiceError):
    status = 403


class NotFoundError(ServiceError):
    status = 404


class StateError(ServiceError):
    status = 409


class RateError(ServiceError):
    """Too many requests; ``retry_after`` (s) says when to try again (HTTP 429, ``Retry-After``)."""

    status = 429

    def __init__(self, msgid: str, retry_after: float, location: Location | None = None, **params: Any) -> None:
        super().__init__(msgid, location, **params)
        self.retry_after = retry_after
