"""skypact's stateful alerting mode (``skypact daa-alert --hysteresis``).

The stateless level of :mod:`skypact.tactical.alerting` can flicker from one second to the next
when a time to volume hovers near an alerting time, or when one noisy report raises a level for
a single step.  The stateful mode filters each (ownship, intruder) pair's levels over time, with
these rules, applied in this order at every step of the pair:

1. **Early alerting.**  While level *k* was the issued level at the previous step, level *k* (and
   each level below it) is raised when its time to volume is below its *early* alerting time
   (longer than the alerting time), so an issued alert is not dropped as the geometry wobbles.
2. **M-of-N (2 of 4).**  A level counts as present when it was raised at 2 or more of the last 4
   steps of the pair (this step included).  The candidate level is the highest present level.
3. **Persistence (4 s).**  An issued level is kept for at least 4 s after it was issued.
4. **Hysteresis (5 s).**  A lower candidate replaces the issued level only after the candidate
   has stayed lower for 5 s.  A higher candidate is issued at once.

Parameters (:class:`StatefulParams`) default to the values of the DO-365B configuration shipped
with DAIDALUS (``shared/oracle/daidalus/README.md`` §6.2); early alerting times come from the
preset.  This mode is skypact's own, documented here; it is not claimed to reproduce DAIDALUS's
stateful output line for line.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

__all__ = ["PairFilter", "StatefulParams"]


@dataclass(frozen=True)
class StatefulParams:
    m: int = 2
    n: int = 4
    persistence_s: float = 4.0
    hysteresis_s: float = 5.0


def raised_levels(times: list[float], alerting: list[float], early: list[float], previous: int) -> list[bool]:
    """Which levels are raised now: t_in = 0 or below the alerting time (the early one for levels
    up to the level issued at the previous step)."""
    out = []
    for k, (t_in, at, eat) in enumerate(zip(times, alerting, early, strict=True), start=1):
        limit = eat if k <= previous else at
        out.append(t_in != float("inf") and (t_in == 0.0 or t_in < limit))
    return out


@dataclass
class PairFilter:
    """The filter state of one (ownship, intruder) pair."""

    params: StatefulParams = field(default_factory=StatefulParams)
    history: deque[list[bool]] = field(default_factory=deque)
    issued: int = 0
    issued_at: float = float("-inf")
    lower_since: float | None = None

    def step(self, now: float, raised: list[bool]) -> int:
        """Feed this step's raised levels; returns the level to issue."""
        p = self.params
        self.history.append(raised)
        while len(self.history) > p.n:
            self.history.popleft()
        candidate = 0
        for k in range(len(raised), 0, -1):
            if sum(1 for h in self.history if h[k - 1]) >= p.m:
                candidate = k
                break
        if candidate >= self.issued:
            if candidate > self.issued:
                self.issued, self.issued_at = candidate, now
            self.lower_since = None
            return self.issued
        if self.lower_since is None:
            self.lower_since = now
        if now - self.issued_at >= p.persistence_s and now - self.lower_since >= p.hysteresis_s:
            self.issued, self.issued_at, self.lower_since = candidate, now, None
        return self.issued
