"""The live airspace in memory: which plans and volumes a write must be checked against, and
which writes must wait for each other.

**Cells.**  Space is cut into cells of 200 km (ECEF axes, altitude ignored) and time into hours
since the epoch.  A plan's pieces enter every space cell their boxes touch, grown by half the
largest horizontal limit of the minima table plus the plan's own pads; a volume enters the cells
of a box around its centre grown by its extent plus the same half limit.  The entry is present
in the hours ``[start - time pad, end + time pad]`` (a volume: its window).

**Why nothing is missed.**  Two entries that can conflict are both present at some time ``t``
and some of their points are closer than ``H + pads``; the proof of
:mod:`skypact.strategic.index` shows their grown boxes overlap, so they share a space cell (the
cell of the overlap's lower corner), and both are present in the hour of ``t``.  Hence:

* **candidates** - a write is checked against the live entries that share a space cell with it
  and overlap its time span (stretched by the delay search range for suggestions): a superset
  of everything it can conflict with;
* **locks** - a write holds a lock per (space cell, hour) it covers, taken in sorted order (no
  deadlock).  Two writes that can conflict share a key, so they run one after the other and
  the second sees the first; writes in disjoint areas or hours run side by side.

Suggestions look up to an hour past the plan, outside its locks: a concurrent write there can
make a suggestion stale, never a conflict missed (every filing is checked under its locks).

The set lives in the server process, loaded from the store at start and updated after each
commit while the write's locks are still held.  One server process per store.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from skypact.plans.model import FlightPlan, ReservedVolume
from skypact.strategic.index import EngineSettings, PartyMinima, build_grid
from skypact.strategic.trajectory import Cut, Trajectories, cut_plans
from skypact.strategic.volumes import VolumeShape

__all__ = ["AreaLocks", "Busy", "Entry", "LiveSet"]

CELL_M = 200_000.0
HOUR_S = 3600.0
_ONE_TIME_BIN = 1e12  # seconds: time is handled by hours outside the grid
_SPAN = 10**7  # hours since the epoch stay below this (until the year 3110)

Item = FlightPlan | ReservedVolume


@dataclass(frozen=True)
class Entry:
    """A live plan or volume with what the checks need: effective priority, time span, cells."""

    item: Item
    priority: int
    t_lo: float
    t_hi: float
    cells: frozenset[int] = field(repr=False)
    #: a plan's pieces in the engine frame, cut once (None for a volume)
    tr: Trajectories | None = field(default=None, repr=False, compare=False)
    #: the same cut, for other levels of the plan (the resolution search)
    cut: Cut | None = field(default=None, repr=False, compare=False)
    #: the F3548 entity this entry is a piece of (None for a native plan or volume)
    group: str | None = None

    @property
    def id(self) -> str:
        return self.item.id


def _time_span(item: Item) -> tuple[float, float]:
    if isinstance(item, FlightPlan):
        pad = item.uncertainty.time_s
        return item.start.timestamp() - pad, item.end.timestamp() + pad
    return item.window.start.timestamp(), item.window.end.timestamp()


def _hours(t_lo: float, t_hi: float) -> range:
    return range(int(np.floor(t_lo / HOUR_S)), int(np.floor(t_hi / HOUR_S)) + 1)


class LiveSet:
    """Live plans and volumes indexed by space cell."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self._base = PartyMinima(settings.minima, settings.piece_m).expand_base
        self._entries: dict[str, Entry] = {}
        self._by_cell: dict[int, set[str]] = {}
        self._groups: dict[str, set[str]] = {}  # F3548 entity -> ids of its pieces
        self._guard = threading.Lock()

    # -- cells -----------------------------------------------------------------------------
    def entry(self, item: Item, priority: int = 0, group: str | None = None) -> Entry:
        """``item`` with its time span and space cells (not yet in the set); ``group``: the
        F3548 entity it is a piece of."""
        kept = cut = None
        if isinstance(item, FlightPlan):
            cut = cut_plans([item], self.settings.piece_m)
            tr = kept = cut.trajectories()
            expand = (self._base + tr.hpad)[tr.plan]
        else:
            tr, grow = self._volume_box(item)
            expand = np.array([self._base + grow])
        grid = build_grid(tr, expand, np.full(tr.pieces, 1e6), CELL_M, _ONE_TIME_BIN, 1e7, t_origin=0.0)
        lo, hi = _time_span(item)
        return Entry(item, priority, lo, hi, frozenset(int(k) for k in np.unique(grid.keys)), kept, cut, group)

    def _volume_box(self, vol: ReservedVolume) -> tuple[Trajectories, float]:
        """A still 'piece' at the volume's centre over its window, and how far its box must grow:
        the outline's extent (plane distances, widened for the chord and the outline's pieces)."""
        sh = VolumeShape(vol, self.settings.piece_m)
        c, _, _ = sh.basis
        w0, w1 = sh.window
        f = np.zeros(1)
        tr = Trajectories(t=np.array([w0, w1]), x=np.full(2, c[0]), y=np.full(2, c[1]), z=np.full(2, c[2]),
                          alt=np.zeros(2), offsets=np.array([0, 2]), start=np.array([0]),
                          plan=np.zeros(1, dtype=np.int32), ref=np.ones(1, dtype=np.int8), hpad=f, vpad=f)
        return tr, 1.01 * sh.extent + 2.0 * self.settings.piece_m + 1000.0

    @staticmethod
    def lock_keys(entries: Iterable[Entry]) -> list[int]:
        """Sorted (space cell, hour) keys of the entries."""
        return sorted({cell * _SPAN + h for e in entries for cell in e.cells for h in _hours(e.t_lo, e.t_hi)})

    # -- the set ---------------------------------------------------------------------------
    def get(self, entity_id: str) -> Entry | None:
        return self._entries.get(entity_id)

    def volumes(self) -> list[ReservedVolume]:
        """Every live reserved volume (with the pieces of F3548 entities)."""
        with self._guard:
            return [e.item for e in self._entries.values() if isinstance(e.item, ReservedVolume)]

    def pieces_of(self, group: str, party: str) -> list[Entry]:
        """The live pieces of the F3548 entity ``group`` that ``party`` filed (sorted by id): a
        write of the entity replaces or drops these and nothing else."""
        with self._guard:
            found = (self._entries[k] for k in self._groups.get(group, ()))
            return sorted((e for e in found if e.item.party == party), key=lambda e: e.id)

    def put(self, e: Entry) -> None:
        with self._guard:
            self._drop(e.id)
            self._entries[e.id] = e
            for cell in e.cells:
                self._by_cell.setdefault(cell, set()).add(e.id)
            if e.group is not None:
                self._groups.setdefault(e.group, set()).add(e.id)

    def drop(self, entity_id: str) -> None:
        with self._guard:
            self._drop(entity_id)

    def _drop(self, entity_id: str) -> None:
        old = self._entries.pop(entity_id, None)
        if old is None:
            return
        for cell in old.cells:
            ids = self._by_cell[cell]
            ids.discard(entity_id)
            if not ids:
                del self._by_cell[cell]
        if old.group is not None:
            members = self._groups[old.group]
            members.discard(entity_id)
            if not members:
                del self._groups[old.group]

    def candidates(self, e: Entry, t_extra: float = 0.0) -> list[Entry]:
        """Live entries other than ``e`` that share a space cell with it and overlap its time
        span stretched by ``t_extra`` seconds at the end (sorted by id)."""
        with self._guard:
            ids = set().union(*(self._by_cell.get(c, ()) for c in e.cells))
            found = [self._entries[i] for i in ids if i != e.id]
        hi = e.t_hi + t_extra
        return sorted((x for x in found if x.t_lo < hi and x.t_hi > e.t_lo), key=lambda x: x.id)

    def __len__(self) -> int:
        return len(self._entries)


class Busy(Exception):
    """A lock asked for without waiting is taken: nothing was done; run the write where it may wait."""


class AreaLocks:
    """A lock per (space cell, hour) key, alive only while some write holds or awaits it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[int, tuple[threading.Lock, list[int]]] = {}  # key -> (lock, [users])

    @contextmanager
    def hold(self, keys: list[int], blocking: bool = True) -> Iterator[None]:
        """Hold the locks of ``keys`` (give them sorted: every writer takes them in one order).

        Raises:
            Busy: ``blocking`` is False and one of them is held by another writer.
        """
        with self._guard:
            locks = []
            for k in keys:
                lock, users = self._locks.setdefault(k, (threading.Lock(), [0]))
                users[0] += 1
                locks.append(lock)
        taken: list[threading.Lock] = []
        try:
            for lock in locks:
                if not lock.acquire(blocking):
                    raise Busy
                taken.append(lock)
            yield
        finally:
            for lock in reversed(taken):
                lock.release()
            with self._guard:
                for k in keys:
                    users = self._locks[k][1]
                    users[0] -= 1
                    if users[0] == 0:
                        del self._locks[k]

    def __len__(self) -> int:
        """Keys in use now."""
        return len(self._locks)
