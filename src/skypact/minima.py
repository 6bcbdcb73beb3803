"""Separation minima: horizontal and vertical distances two flights must keep.

A :class:`MinimaTable` holds a default (5 NM / 1000 ft) and overrides per unordered pair of
parties, e.g. 3 NM / 1000 ft between two air-traffic services, or 50 m / 30 m between two
drone operators.  In files, distances are strings with a unit: ``"5 NM"``, ``"50 m"``,
``"1000 ft"``, ``"9.26 km"``.

Loss of separation means horizontal distance < H **and** vertical distance < V, strictly.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from skypact.errors import MinimaError
from skypact.i18n import N_
from skypact.units import FT, NM

__all__ = [
    "DEFAULT_REFERENCE_BUFFER_FT",
    "Minima",
    "MinimaTable",
    "PairMinima",
    "parse_distance",
]

DEFAULT_REFERENCE_BUFFER_FT = 300.0
"""Vertical buffer added when two altitudes have different references (pressure vs geometric)."""

_UNITS = {"nm": NM, "m": 1.0, "km": 1000.0, "ft": FT}
_DIST = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?)\s*([A-Za-z]+)\s*$")


def parse_distance(text: str | float) -> float:
    """Metres from ``"5 NM"``, ``"50 m"``, ``"1000 ft"`` or ``"9.26 km"`` (a bare number is metres).

    Raises:
        MinimaError: unknown unit, negative or malformed value.
    """
    if isinstance(text, int | float):
        if text < 0 or text != text:
            raise MinimaError(N_("distance must be a non-negative number, got {value}"), value=text)
        return float(text)
    m = _DIST.match(text)
    if not m or m.group(2).lower() not in _UNITS:
        raise MinimaError(
            N_("cannot read distance {value!r}: use a number and a unit (NM, m, km, ft)"), value=text
        )
    return float(m.group(1)) * _UNITS[m.group(2).lower()]


def _fmt_m(metres: float) -> str:
    return f"{metres:g} m"


Distance = Annotated[float, BeforeValidator(parse_distance), PlainSerializer(_fmt_m, return_type=str)]


class Minima(BaseModel):
    """One pair of minima, in metres."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    horizontal: Annotated[Distance, Field(gt=0.0)]
    vertical: Annotated[Distance, Field(gt=0.0)]

    @classmethod
    def of(cls, *, h_nm: float | None = None, v_ft: float | None = None,
           h_m: float | None = None, v_m: float | None = None) -> Minima:
        """Minima from aviation or metric values (exactly one of each pair)."""
        if (h_nm is None) == (h_m is None) or (v_ft is None) == (v_m is None):
            raise MinimaError(N_("give the horizontal minimum once (NM or m) and the vertical once (ft or m)"))
        h = h_m if h_m is not None else float(h_nm) * NM  # type: ignore[arg-type]
        v = v_m if v_m is not None else float(v_ft) * FT  # type: ignore[arg-type]
        if not (h > 0 and v > 0):
            raise MinimaError(N_("minima must be positive"))
        return cls(horizontal=h, vertical=v)


DEFAULT_MINIMA = Minima(horizontal=5 * NM, vertical=1000 * FT)


class PairMinima(BaseModel):
    """Minima that apply between two given parties (order does not matter)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parties: tuple[str, str]
    horizontal: Annotated[Distance, Field(gt=0.0)]
    vertical: Annotated[Distance, Field(gt=0.0)]


class MinimaTable(BaseModel):
    """Default minima, per-pair overrides and the cross-reference vertical buffer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Minima = DEFAULT_MINIMA
    pairs: list[PairMinima] = []
    reference_buffer: Annotated[Distance, Field(ge=0.0)] = DEFAULT_REFERENCE_BUFFER_FT * FT

    def for_pair(self, party_a: str, party_b: str) -> Minima:
        """The minima between two parties: the pair's override, else the default."""
        key = frozenset((party_a, party_b))
        for p in self.pairs:
            if frozenset(p.parties) == key:
                return Minima(horizontal=p.horizontal, vertical=p.vertical)
        return self.default

    @property
    def smallest_horizontal(self) -> float:
        return min([self.default.horizontal, *(p.horizontal for p in self.pairs)])

    @property
    def largest_horizontal(self) -> float:
        return max([self.default.horizontal, *(p.horizontal for p in self.pairs)])

    @property
    def largest_vertical(self) -> float:
        return max([self.default.vertical, *(p.vertical for p in self.pairs)]) + self.reference_buffer

    def with_default(self, minima: Minima) -> MinimaTable:
        return self.model_copy(update={"default": minima})
