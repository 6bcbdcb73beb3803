"""Units of DAIDALUS encounter files: a small grammar instead of a list of spellings.

A unit is a name (``ft``, ``nmi``, ``knot`` ...), or a quotient ``A/B`` or ``A/B^2`` of a length,
angle or speed by a time (``nmi/s``, ``ft/min``, ``deg/s``, ``knot/s``, ``m/s^2``).  Every unit
parses to its factor to SI and its dimension, so a reader can refuse a unit of the wrong kind for
its column (``[nmi]`` for a vertical speed) instead of scaling the value silently.

Names are matched case-insensitively; ``nm`` means nautical miles, as in aviation files.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from skypact.units import FPM, FT, KMH, KT, NM

__all__ = ["Dim", "Unit", "parse_unit"]


@dataclass(frozen=True)
class Dim:
    """Exponents of length, time and angle: speed is ``Dim(1, -1)``, a turn rate ``Dim(0, -1, 1)``."""

    length: int = 0
    time: int = 0
    angle: int = 0

    def per_time(self, power: int) -> Dim:
        return Dim(self.length, self.time - power, self.angle)


NONE = Dim()
LENGTH = Dim(1)
TIME = Dim(0, 1)
ANGLE = Dim(0, 0, 1)
SPEED = Dim(1, -1)
ACCEL = Dim(1, -2)
RATE = Dim(0, -1, 1)


@dataclass(frozen=True)
class Unit:
    factor: float  #: SI value of one unit (m, s, rad and their quotients)
    dim: Dim


_MILE = 1609.344
_G0 = 9.80665
_NAMED: dict[str, Unit] = {}
for _names, _unit in [
    (("none", "unitless", "-", ""), Unit(1.0, NONE)),
    (("m", "meter", "meters", "metre", "metres"), Unit(1.0, LENGTH)),
    (("km",), Unit(1000.0, LENGTH)),
    (("cm",), Unit(0.01, LENGTH)),
    (("mm",), Unit(0.001, LENGTH)),
    (("ft", "foot", "feet"), Unit(FT, LENGTH)),
    (("nmi", "nm"), Unit(NM, LENGTH)),
    (("mi", "mile", "miles"), Unit(_MILE, LENGTH)),
    (("yd", "yard", "yards"), Unit(0.9144, LENGTH)),
    (("in", "inch"), Unit(0.0254, LENGTH)),
    (("s", "sec", "second", "seconds"), Unit(1.0, TIME)),
    (("ms",), Unit(0.001, TIME)),
    (("min", "minute", "minutes"), Unit(60.0, TIME)),
    (("h", "hr", "hour", "hours"), Unit(3600.0, TIME)),
    (("deg", "degree", "degrees"), Unit(math.pi / 180.0, ANGLE)),
    (("rad", "radian", "radians"), Unit(1.0, ANGLE)),
    (("knot", "knots", "kn", "kt", "kts"), Unit(KT, SPEED)),
    (("fpm",), Unit(FPM, SPEED)),
    (("mps",), Unit(1.0, SPEED)),
    (("kph",), Unit(KMH, SPEED)),
    (("mph",), Unit(_MILE / 3600.0, SPEED)),
    (("fps",), Unit(FT, SPEED)),
    (("g",), Unit(_G0, ACCEL)),
]:
    for _name in _names:
        _NAMED[_name] = _unit

_QUOTIENT = re.compile(r"^(?P<num>[a-z]+)/(?P<den>[a-z]+)(?:\^(?P<pow>[12])|(?P<sq>²))?$")


def parse_unit(text: str) -> Unit | None:
    """The unit written as ``text`` (brackets stripped), or ``None`` when it is not a unit.

    >>> parse_unit("nmi/s").factor
    1852.0
    >>> parse_unit("ft/min") == parse_unit("fpm")
    True
    """
    s = text.strip().lower()
    if s in _NAMED:
        return _NAMED[s]
    m = _QUOTIENT.match(s)
    if m is None:
        return None
    num, den = _NAMED.get(m["num"]), _NAMED.get(m["den"])
    if num is None or den is None or den.dim != TIME or num.dim.time > 0:
        return None
    power = 2 if m["sq"] else int(m["pow"] or 1)
    return Unit(num.factor / den.factor**power, num.dim.per_time(power))
