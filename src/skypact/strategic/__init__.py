"""The strategic (pre-flight) conflict engine: pure computation, no I/O."""

from skypact.strategic.detect import Strategic, check
from skypact.strategic.index import EngineSettings, PlanIndex
from skypact.strategic.resolve import Resolution, suggest

__all__ = ["EngineSettings", "PlanIndex", "Resolution", "Strategic", "check", "suggest"]
