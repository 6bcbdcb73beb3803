"""Serialise only the writes whose areas and times overlap.

A write takes a lock on every coarse space-time cell its plan could reach: the plan's pieces
with their boxes grown by half the largest horizontal minimum (plus the plan's own pads), in
cells of 200 km × 1 h (altitude ignored) - the broad phase of :mod:`skypact.strategic.index`
at a coarse size.  The proof given there applies: two plans that can conflict share a cell, so
their writes run one after the other and each sees the other; writes in disjoint areas or times
share no cell and run side by side.  Locks are taken in sorted order (no deadlock).  They live
in this process; several server processes would need the database's own locks (later).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from skypact.plans.model import FlightPlan
from skypact.strategic.index import EngineSettings, PartyMinima, build_grid
from skypact.strategic.trajectory import build_trajectories

__all__ = ["AreaLocks"]

CELL_M = 200_000.0
CELL_S = 3600.0


class AreaLocks:
    """A lock per coarse space-time cell, created on demand."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self._guard = threading.Lock()
        self._locks: dict[int, threading.Lock] = {}

    def cells(self, plan: FlightPlan) -> list[int]:
        """The cells ``plan`` can reach (sorted)."""
        tr = build_trajectories([plan], self.settings.piece_m)
        base = PartyMinima(self.settings.minima, self.settings.piece_m).expand_base
        expand = (base + tr.hpad)[tr.plan]
        aexpand = np.full(tr.pieces, 1e6)
        # time cells counted from the epoch, so that every plan uses the same cells
        grid = build_grid(tr, expand, aexpand, CELL_M, CELL_S, 1e7, t_origin=0.0)
        return sorted({int(k) for k in grid.keys})

    @contextmanager
    def hold(self, keys: list[int]) -> Iterator[None]:
        with self._guard:
            locks = [self._locks.setdefault(k, threading.Lock()) for k in keys]
        taken: list[threading.Lock] = []
        try:
            for lock in locks:
                lock.acquire()
                taken.append(lock)
            yield
        finally:
            for lock in reversed(taken):
                lock.release()
