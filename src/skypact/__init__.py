"""skypact: airspace deconfliction between parties that share the sky but not a command.

Importing skypact does no I/O.  The core (``geo``, ``plans``, ``strategic``) is pure.
"""

from skypact.conflicts import Conflict, ConflictKind
from skypact.minima import Minima, MinimaTable
from skypact.plans import FlightPlan, PlanSet, ReservedVolume, Waypoint

__version__ = "0.1.0"

__all__ = ["Conflict", "ConflictKind", "FlightPlan", "Minima", "MinimaTable", "PlanSet", "ReservedVolume",
           "Waypoint", "__version__"]
