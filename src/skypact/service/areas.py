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
* **locks** - a write holds, in each space cell it covers, the range of hours it covers (a
  :class:`Region`: one range per cell, whatever the duration).  Two writes that can conflict
  share a cell and an hour, so they run one after the other and the second sees the first;
  writes in disjoint areas or hours run side by side.  A region is taken whole or not at all
  (no deadlock), and waiting writers are served in arrival order where they overlap (no
  starvation of a wide write by a stream of small ones).

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

from skypact.plans.model import Circle, FlightPlan, ReservedVolume
from skypact.strategic.index import EngineSettings, PartyMinima, build_grid
from skypact.strategic.trajectory import Cut, Trajectories, cut_plans
from skypact.strategic.volumes import VolumeShape

__all__ = ["HEAVY_WEIGHT", "AreaLocks", "Busy", "Entry", "Heavy", "LiveSet", "Region", "weight"]

CELL_M = 200_000.0
HOUR_S = 3600.0
#: a write whose item and live neighbours weigh more than this (waypoints and outline
#: positions: a check's cost grows with them) is too costly for the event loop (:class:`Heavy`)
HEAVY_WEIGHT = 400
#: likewise a write with more live neighbours than this
HEAVY_NEIGHBOURS = 300
_ONE_TIME_BIN = 1e12  # seconds: time is handled by hours outside the grid

Item = FlightPlan | ReservedVolume
#: space cell -> hour ranges (inclusive, sorted, disjoint) a write holds there
Region = dict[int, list[tuple[int, int]]]


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

    @property
    def weight(self) -> int:
        return weight(self.item)


def weight(item: Item) -> int:
    """What an item adds to a check's cost: its waypoints, or its outline's positions."""
    if isinstance(item, FlightPlan):
        return len(item.waypoints)
    return 1 if isinstance(item.outline, Circle) else sum(len(r) for r in item.outline.coordinates)


def _time_span(item: Item) -> tuple[float, float]:
    if isinstance(item, FlightPlan):
        pad = item.uncertainty.time_s
        return item.start.timestamp() - pad, item.end.timestamp() + pad
    return item.window.start.timestamp(), item.window.end.timestamp()


def _hours(t_lo: float, t_hi: float) -> tuple[int, int]:
    """The first and last hour (since the epoch) of a time span."""
    return int(np.floor(t_lo / HOUR_S)), int(np.floor(t_hi / HOUR_S))


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(lo <= h1 and h0 <= hi for lo, hi in a for h0, h1 in b)


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
    def lock_region(entries: Iterable[Entry]) -> Region:
        """The cells and hours of the entries: what a write of them holds."""
        ranges: dict[int, list[tuple[int, int]]] = {}
        for e in entries:
            hours = _hours(e.t_lo, e.t_hi)
            for cell in e.cells:
                ranges.setdefault(cell, []).append(hours)
        return {cell: _merge(r) for cell, r in ranges.items()}

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
        return sorted(self._near(e, t_extra), key=lambda x: x.id)

    def _near(self, e: Entry, t_extra: float) -> list[Entry]:
        with self._guard:
            ids = set().union(*(self._by_cell.get(c, ()) for c in e.cells))
            found = [self._entries[i] for i in ids if i != e.id]
        hi = e.t_hi + t_extra
        return [x for x in found if x.t_lo < hi and x.t_hi > e.t_lo]

    def heavy(self, e: Entry, t_extra: float = 0.0) -> bool:
        """Whether checking ``e`` is too costly for the server's event loop: by its own weight, the
        weight of its live neighbours (:data:`HEAVY_WEIGHT`) or their number."""
        near = self._near(e, t_extra)
        return len(near) > HEAVY_NEIGHBOURS or e.weight + sum(x.weight for x in near) > HEAVY_WEIGHT

    def __len__(self) -> int:
        return len(self._entries)


class Busy(Exception):
    """A lock asked for without waiting is taken: nothing was done; run the write where it may wait."""


class Heavy(Busy):
    """A write asked to run on the event loop would hold it too long: nothing was done; run it
    in a worker thread (other parties' requests are answered meanwhile)."""


class AreaLocks:
    """Writers hold regions (cells x hour ranges); overlapping regions are held one at a time.

    The cost of taking a region grows with its cells and with the regions held or awaited in
    them, never with its duration."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._held: dict[int, dict[int, list[tuple[int, int]]]] = {}  # cell -> writer -> hour ranges
        self._waiting: dict[int, Region] = {}  # writer -> region, in arrival order
        self._next = 0

    def _free(self, region: Region, me: int) -> bool:
        """No held region overlaps ``region``, nor that of a writer waiting since before ``me``."""
        for cell, hours in region.items():
            for other in self._held.get(cell, {}).values():
                if _overlap(hours, other):
                    return False
        for writer, theirs in self._waiting.items():
            if writer >= me:
                break
            if any(_overlap(hours, theirs[cell]) for cell, hours in region.items() if cell in theirs):
                return False
        return True

    @contextmanager
    def hold(self, region: Region, blocking: bool = True) -> Iterator[None]:
        """Hold ``region`` (:meth:`LiveSet.lock_region`) while the block runs.

        Raises:
            Busy: ``blocking`` is False and part of the region is held or awaited by another writer.
        """
        with self._cond:
            me = self._next
            self._next += 1
            if not self._free(region, me):
                if not blocking:
                    raise Busy
                self._waiting[me] = region
                try:
                    while not self._free(region, me):
                        self._cond.wait()
                finally:
                    del self._waiting[me]
                    self._cond.notify_all()  # writers queued behind this one may now go
            for cell, hours in region.items():
                self._held.setdefault(cell, {})[me] = hours
        try:
            yield
        finally:
            with self._cond:
                for cell in region:
                    writers = self._held[cell]
                    del writers[me]
                    if not writers:
                        del self._held[cell]
                self._cond.notify_all()

    def __len__(self) -> int:
        """Cells held now."""
        return len(self._held)

    @property
    def waiting(self) -> int:
        """Writers waiting for a region now."""
        with self._cond:
            return len(self._waiting)
