"""The bounds on what one request or file may ask of skypact, in one place.

Every bound keeps one party's input from costing the others: the work of a check grows with
waypoints and vertices, the live set and the area locks with durations.  Beyond a bound the
input is refused with a bilingual error naming the bound (HTTP 422, or 400 on the F3548
interface; exit code 2 on the command line).  The README's "Limits" table lists the same
numbers; ``tests/test_limits.py`` checks each refusal.
"""

from __future__ import annotations

__all__ = [
    "MAX_EXTENTS",
    "MAX_PLAN_S",
    "MAX_TRACKS",
    "MAX_VERTICES",
    "MAX_WAYPOINTS",
    "MAX_WINDOW_S",
    "TOKEN_PER_ADDRESS",
    "TOKEN_PER_KEY",
]

#: waypoints of one flight plan (a 48-hour survey flight at one point a few minutes fits)
MAX_WAYPOINTS = 1_000
#: positions of one polygon outline, closing position included (F3548 allows 1,000 too)
MAX_VERTICES = 1_000
#: seconds from a plan's first waypoint to its last
MAX_PLAN_S = 48 * 3600.0
#: seconds of a reserved volume's window, and of one F3548 extent
MAX_WINDOW_S = 31 * 86400.0
#: 4D extents of one F3548 operational intent or constraint
MAX_EXTENTS = 100
#: track reports in one ``POST /v1/tracks``
MAX_TRACKS = 5_000
#: ``POST /v1/token`` per credential key id: (burst, refill per second) - 10, then one per 6 s
TOKEN_PER_KEY = (10, 1.0 / 6.0)
#: ``POST /v1/token`` per client address: 30, then one per 2 s
TOKEN_PER_ADDRESS = (30, 0.5)
