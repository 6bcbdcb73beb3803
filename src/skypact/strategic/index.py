"""The broad phase: a uniform grid over ECEF space × time × altitude, and the two entry points.

**Why it never drops a conflict.**  Let pieces ``i`` (plan ``a``) and ``j`` (plan ``b``) be
in conflict at time ``t``: both pieces exist at ``t`` and the ground points ``p`` of ``a`` and
``q`` of ``b`` satisfy ``|p - q| < H_ab + hpad_a + hpad_b + ε`` (the horizontal limit the
narrow phase uses).  Each piece's box (its two end points' bounding box, convex, so it holds
every point of the piece) is expanded by ``e_i = (H_max + ε)/2 + hpad_a`` on every axis, with
``H_max`` the largest horizontal minimum of the table, and its altitude span by
``f_i = (V_max + buffer)/2 + vpad_a``.  On each axis ``|p_k - q_k| <= |p - q| < e_i + e_j``,
and ``|alt_a - alt_b| < V + vpads + buffer <= f_i + f_j``, so the expanded boxes overlap; their
time spans both contain ``t``.  The lower corner ``c`` of the overlap of the expanded boxes (and time spans)
lies in both, so the grid cell of ``c`` was filled with both pieces when the grid was built
(each piece is entered in every cell its expanded box touches, with the same ``floor``).
That pair is therefore examined in that cell, and only there (the ``_owns`` test), so it is
neither lost nor counted twice.  The pre-tests before the narrow phase (time overlap,
altitude gap, per-axis gap) are each implied by the conflict, so they drop no true pair.

Entry points: :meth:`PlanIndex.probe` (one plan against the index) and
:meth:`PlanIndex.sweep` (every pair of indexed plans).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from skypact.conflicts import Conflict, ConflictKind
from skypact.geo.geodesy import chord_error_bound, ecef_to_latlon, piece_length_for
from skypact.minima import MinimaTable
from skypact.plans.model import FlightPlan
from skypact.strategic import _kernels as K
from skypact.strategic.trajectory import Trajectories, build_trajectories, empty_trajectories

__all__ = ["EngineSettings", "PartyMinima", "PlanIndex"]

ORIGIN = -6_500_000.0  # ECEF cells are counted from here (below every coordinate on Earth)


@dataclass(frozen=True)
class EngineSettings:
    """How the engine checks: minima, same-party pairs, piece and cell sizes (metres, seconds)."""

    minima: MinimaTable = field(default_factory=MinimaTable)
    same_party: bool = False
    cell_m: float = 50_000.0
    cell_s: float = 900.0
    cell_alt_m: float = 100_000.0  #: altitude bins; climbs span many, so one bin suits plans best

    @property
    def piece_m(self) -> float:
        return piece_length_for(self.minima.smallest_horizontal)


class PartyMinima:
    """Party names ↔ small integers, and the minima matrices the kernels read.

    ``h[i, j]`` already includes the frame's error bound, so the narrow phase is conservative.
    """

    def __init__(self, table: MinimaTable, piece_m: float) -> None:
        self.table = table
        self.piece_m = piece_m
        self._grow = threading.Lock()
        self.names: list[str] = []
        self.codes: dict[str, int] = {}
        self.h = np.zeros((0, 0))
        self.v = np.zeros((0, 0))
        self.h_nominal = np.zeros((0, 0))

    def code(self, party: str) -> int:
        """The party's number (the matrices grow by a row and a column for a new party; one
        instance may be shared by indexes built in several threads)."""
        known = self.codes.get(party)
        if known is not None:
            return known
        with self._grow:
            if party in self.codes:
                return self.codes[party]
            names = [*self.names, party]
            n = len(names)
            h = np.empty((n, n))
            v = np.empty((n, n))
            for i, a in enumerate(names):
                for j, b in enumerate(names):
                    m = self.table.for_pair(a, b)
                    h[i, j] = m.horizontal
                    v[i, j] = m.vertical
            # the matrices first, then the name: a reader holding a code finds its row
            self.h_nominal = h
            self.h = h + np.vectorize(lambda hh: chord_error_bound(self.piece_m, hh))(h)
            self.v = v
            self.names = names
            self.codes[party] = n - 1
            return n - 1

    @property
    def aexpand_base(self) -> float:
        """Half of the largest vertical limit (minimum plus reference buffer): the shared part of
        every altitude expansion of a box."""
        return 0.5 * self.table.largest_vertical + 1.0

    @property
    def expand_base(self) -> float:
        """Half of the largest inflated horizontal limit: the shared part of every box expansion."""
        hmax = self.table.largest_horizontal
        return 0.5 * (hmax + chord_error_bound(self.piece_m, hmax)) + 1.0


@dataclass(frozen=True, eq=False)
class Grid:
    """Sorted (cell key, piece) entries, and the cell geometry the kernels read as one tuple."""

    keys: NDArray[np.int64]
    ids: NDArray[np.int64]
    geom: tuple[float, float, float, float, int, float]


def build_grid(tr: Trajectories, expand: NDArray[np.float64], aexpand: NDArray[np.float64],
               cell_m: float, cell_s: float, cell_alt_m: float, t_origin: float | None = None) -> Grid:
    """Enter every piece, its box grown by ``expand`` (ECEF axes) and ``aexpand`` (altitude), into
    each cell of ECEF space × time × altitude it touches; sort the entries by cell."""
    ncell = int(np.ceil(-2 * ORIGIN / cell_m)) + 4
    if t_origin is None:
        t_origin = float(tr.t.min()) if len(tr.t) else 0.0
    t0 = t_origin
    span = float(tr.t.max()) - t0 if len(tr.t) else 0.0
    # Time cells are counted from the earliest breakpoint.  The index's own keys must not wrap
    # around (the sweep decodes them); a probe's may, harmlessly: it only compares keys.
    if (span / cell_s + 2) * K.NALT * float(ncell) ** 3 >= 2.0**62:
        raise ValueError("grid too fine for 63-bit cell keys: use larger cells")
    geom = (ORIGIN, float(cell_m), float(cell_s), float(cell_alt_m), ncell, t0)
    counts = K.count_cells(tr.t, tr.x, tr.y, tr.z, tr.alt, tr.start, expand, aexpand, geom)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    keys = np.empty(int(offsets[-1]), dtype=np.int64)
    ids = np.empty(int(offsets[-1]), dtype=np.int64)
    K.fill_cells(tr.t, tr.x, tr.y, tr.z, tr.alt, tr.start, expand, aexpand, geom, offsets, keys, ids)
    order = np.argsort(keys)  # entries of one cell may come in any order: nothing depends on it
    return Grid(keys[order], ids[order], geom)


class PlanIndex:
    """Plans in the engine frame with a space-time grid over their pieces.

    Build once (a whole day of traffic in seconds), then :meth:`probe` new plans against it or
    :meth:`sweep` it for every conflict.
    """

    def __init__(self, plans: Sequence[FlightPlan], settings: EngineSettings | None = None,
                 tr: Trajectories | None = None, parties: PartyMinima | None = None) -> None:
        """Index ``plans``; ``tr``: their trajectories when already built (same order and piece
        length); ``parties``: party numbers and minima matrices to share (of the same settings)."""
        self.settings = settings or EngineSettings()
        self.plans = list(plans)
        self.parties = parties or PartyMinima(self.settings.minima, self.settings.piece_m)
        self.plan_party = np.array([self.parties.code(p.party) for p in self.plans], dtype=np.int32)
        if tr is None:
            tr = build_trajectories(self.plans, self.settings.piece_m) if self.plans else empty_trajectories()
        if len(tr) != len(self.plans):
            raise ValueError("trajectories and plans differ in number")
        self.tr = tr
        self.expand = (self.parties.expand_base + self.tr.hpad)[self.tr.plan]
        self.aexpand = (self.parties.aexpand_base + self.tr.vpad)[self.tr.plan]
        self.grid = build_grid(self.tr, self.expand, self.aexpand, self.settings.cell_m, self.settings.cell_s,
                               self.settings.cell_alt_m)
        self._ids = {p.id: i for i, p in enumerate(self.plans)}

    def __len__(self) -> int:
        return len(self.plans)

    # -- entry points -------------------------------------------------------------------
    def sweep(self) -> list[Conflict]:
        """Every conflict between two indexed plans (of different parties unless configured)."""
        tr, g = self.tr, self.grid
        rows = K.sweep(tr.t, tr.x, tr.y, tr.z, tr.alt, tr.start, tr.plan, tr.ref, self.plan_party,
                       tr.hpad, tr.vpad, self.parties.h, self.parties.v, self.settings.minima.reference_buffer,
                       self.expand, self.aexpand, self.settings.same_party, g.keys, g.ids, g.geom)
        return self._conflicts(rows, None)

    def brute_force(self) -> list[Conflict]:
        """The same answer as :meth:`sweep`, computed without the grid (all plan pairs).

        Quadratic in the number of plans: for checks and for measuring the index's speed-up.
        """
        tr = self.tr
        rows = K.brute_sweep(tr.t, tr.x, tr.y, tr.z, tr.alt, tr.offsets, tr.ref, self.plan_party, tr.hpad,
                             tr.vpad, self.parties.h, self.parties.v, self.settings.minima.reference_buffer,
                             self.settings.same_party)
        return self._conflicts(rows, None)

    def probe(self, plan: FlightPlan, exclude: Sequence[str] = ()) -> list[Conflict]:
        """Conflicts of one plan against every indexed plan (``exclude``: ids to ignore,
        e.g. the plan's own earlier version)."""
        return self.probe_prepared(self.prepare(plan), exclude)

    def probe_prepared(self, pr: Probe, exclude: Sequence[str] = ()) -> list[Conflict]:
        """:meth:`probe` for a plan already cut into pieces by :meth:`prepare`."""
        return self._conflicts(self.probe_rows(pr, exclude, narrow=True), pr)

    # -- internals shared with the resolution search -------------------------------------
    def prepare(self, plan: FlightPlan, tr: Trajectories | None = None) -> Probe:
        """``plan`` cut into pieces (``tr``: already cut, with the index's piece length)."""
        if tr is None:
            tr = build_trajectories([plan], self.settings.piece_m)
        code = self.parties.code(plan.party)
        return Probe(plan, code, tr)

    def _skip(self, exclude: Sequence[str]) -> NDArray[np.bool_]:
        skip = np.zeros(len(self.plans), dtype=np.bool_)
        for pid in exclude:
            if pid in self._ids:
                skip[self._ids[pid]] = True
        return skip

    def probe_rows(self, pr: Probe, exclude: Sequence[str], *, narrow: bool,
                    t_extra: float = 0.0, alt_extra: float = 0.0) -> NDArray[np.float64]:
        tr, g, p = self.tr, self.grid, pr.tr
        # a probe may bring a party the index has not seen: matrices grow in prepare()
        hpad, vpad = float(p.hpad[0]), float(p.vpad[0])
        rows: NDArray[np.float64] = K.probe(
            p.t, p.x, p.y, p.z, p.alt, p.ref, hpad, vpad, pr.code, self.parties.expand_base + hpad,
            self.parties.aexpand_base + vpad,
            tr.t, tr.x, tr.y, tr.z, tr.alt, tr.start, tr.plan, tr.ref, self.plan_party, tr.hpad, tr.vpad,
            self._skip(exclude), self.parties.h[pr.code], self.parties.v[pr.code],
            self.settings.minima.reference_buffer, self.expand, self.aexpand, self.settings.same_party,
            g.keys, g.ids, g.geom, t_extra, alt_extra, narrow)
        return rows

    def _conflicts(self, rows: NDArray[np.float64], pr: Probe | None) -> list[Conflict]:
        if len(rows) == 0:
            return []
        rows = rows[np.lexsort((rows[:, 4], rows[:, 1], rows[:, 0]))]
        merged = K.merge_intervals(rows)
        out: list[Conflict] = []
        for r in merged:
            ia, ib = int(r[0]), int(r[1])
            ka, kb = int(r[2]), int(r[3])
            tc = float(r[6])
            if pr is None:
                pa_plan, tra, sa = self.plans[ia], self.tr, int(self.tr.start[ka])
            else:
                pa_plan, tra, sa = pr.plan, pr.tr, int(pr.tr.start[ka])
            pb_plan, sb = self.plans[ib], int(self.tr.start[kb])
            xa = _at(tra, sa, tc)
            xb = _at(self.tr, sb, tc)
            lat, lon = ecef_to_latlon(0.5 * (xa[0] + xb[0]), 0.5 * (xa[1] + xb[1]), 0.5 * (xa[2] + xb[2]))
            m = self.settings.minima.for_pair(pa_plan.party, pb_plan.party)
            out.append(Conflict(
                ConflictKind.PLAN_PLAN, pa_plan.id, pb_plan.id, pa_plan.party, pb_plan.party,
                float(r[4]), float(r[5]), tc, float(lat), float(lon), float(r[7]), float(r[8]),
                m.horizontal, m.vertical,
            ))
        return out


@dataclass(frozen=True, eq=False)
class Probe:
    """A plan prepared for probing: its trajectory and party code."""

    plan: FlightPlan
    code: int
    tr: Trajectories


def _at(tr: Trajectories, b: int, when: float) -> tuple[float, float, float]:
    """ECEF point on the piece starting at breakpoint ``b`` at time ``when``."""
    f = (when - tr.t[b]) / (tr.t[b + 1] - tr.t[b])
    return (float(tr.x[b] + f * (tr.x[b + 1] - tr.x[b])), float(tr.y[b] + f * (tr.y[b + 1] - tr.y[b])),
            float(tr.z[b] + f * (tr.z[b + 1] - tr.z[b])))
