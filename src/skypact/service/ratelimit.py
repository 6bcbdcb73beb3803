"""Token buckets: at most ``burst`` requests at once per key, refilled at ``rate`` per second.

Used where a request is expensive on purpose (``POST /v1/token`` hashes the secret) and where
guessing must be slow: per credential key id and per client address.  In memory, per process;
the number of keys remembered is bounded (the least recently refilled are forgotten first).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

__all__ = ["RateLimit"]


class RateLimit:
    """A token bucket per key."""

    def __init__(self, rate_per_s: float, burst: int, max_keys: int = 100_000) -> None:
        self.rate, self.burst, self.max_keys = rate_per_s, float(burst), max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self._guard = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """Spend one token of ``key``: 0.0 when allowed, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        with self._guard:
            tokens, at = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens - 1.0 if wait == 0.0 else tokens, now)
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return wait
