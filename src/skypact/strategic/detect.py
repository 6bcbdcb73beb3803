"""The strategic engine's front door: plans and volumes in, conflicts out.

:class:`Strategic` indexes a set of plans and volumes once, then answers:

* :meth:`Strategic.sweep` - every conflict in the set (plan-plan, plan-volume, volume-volume);
* :meth:`Strategic.probe` - the conflicts one new or changed plan would have with the set;
* :meth:`Strategic.probe_volume` - the same for one new or changed reserved volume.

Pairs of the same party are skipped unless ``EngineSettings.same_party`` is set: skypact
deconflicts parties from each other; a party separates its own traffic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from skypact.conflicts import Conflict
from skypact.plans.model import FlightPlan, PlanSet, ReservedVolume
from skypact.strategic.index import EngineSettings, PartyMinima, PlanIndex
from skypact.strategic.trajectory import Trajectories
from skypact.strategic.volumes import (
    VolumeShape,
    plan_volume_conflicts,
    plan_volume_intervals,
    volume_pair_conflict,
    volume_volume_conflicts,
)

__all__ = ["Strategic", "check"]


class Strategic:
    """An index over plans and volumes with probe and sweep."""

    def __init__(self, plans: Sequence[FlightPlan], volumes: Sequence[ReservedVolume] = (),
                 settings: EngineSettings | None = None, tr: Trajectories | None = None,
                 parties: PartyMinima | None = None) -> None:
        """Index ``plans`` and ``volumes``; ``tr``: the plans' trajectories when already built;
        ``parties``: party minima to share between indexes (a server builds one per filing)."""
        self.settings = settings or EngineSettings()
        self.index = PlanIndex(plans, self.settings, tr, parties)
        self.shapes = [VolumeShape(v, self.settings.piece_m) for v in volumes]

    @classmethod
    def of(cls, ps: PlanSet, settings: EngineSettings | None = None) -> Strategic:
        return cls(ps.plans, ps.volumes, settings)

    def sweep(self) -> list[Conflict]:
        """Every conflict among the indexed plans and volumes, sorted by start time."""
        out = self.index.sweep()
        tr = self.index.tr
        for sh in self.shapes:
            for p in self._plans_near(sh):
                out += plan_volume_conflicts(self.index.plans[p], tr, p, [sh], self.settings.minima,
                                             self.settings.same_party)
        out += volume_volume_conflicts(self.shapes, self.settings.minima, self.settings.same_party)
        return sorted(out, key=lambda c: (c.start, c.a, c.b))

    def probe(self, plan: FlightPlan, exclude: Sequence[str] = (), tr: Trajectories | None = None) -> list[Conflict]:
        """Conflicts of ``plan`` against every indexed plan and volume (``exclude``: ids to skip;
        ``tr``: the plan's trajectory when already built)."""
        pr = self.index.prepare(plan, tr)
        out = self.index.probe_prepared(pr, exclude)
        shapes = [s for s in self.shapes if s.volume.id not in exclude]
        out += plan_volume_conflicts(plan, pr.tr, 0, shapes, self.settings.minima, self.settings.same_party)
        return sorted(out, key=lambda c: (c.start, c.b))

    def probe_volume(self, volume: ReservedVolume, exclude: Sequence[str] = ()) -> list[Conflict]:
        """Conflicts of ``volume`` against every indexed plan and volume (``exclude``: ids to skip).

        Each conflict names the plan first (plan-volume) or the new volume first (volume-volume).
        """
        sh = VolumeShape(volume, self.settings.piece_m)
        m, same = self.settings.minima, self.settings.same_party
        out: list[Conflict] = []
        for p in self._plans_near(sh):
            if self.index.plans[p].id not in exclude:
                out += plan_volume_conflicts(self.index.plans[p], self.index.tr, p, [sh], m, same)
        for other in self.shapes:
            if other.volume.id not in exclude and other.volume.id != volume.id:
                c = volume_pair_conflict(sh, other, m, same)
                if c is not None:
                    out.append(c)
        return sorted(out, key=lambda c: (c.start, c.a, c.b))

    def volume_conflicts(self, plan: FlightPlan, tr: Trajectories) -> list[Conflict]:
        """Conflicts of a (possibly shifted or re-levelled) trajectory of ``plan`` with the volumes."""
        return plan_volume_conflicts(plan, tr, 0, self.shapes, self.settings.minima, self.settings.same_party)

    def meets_volume(self, plan: FlightPlan, tr: Trajectories) -> bool:
        """Whether the trajectory conflicts with any volume (the intervals only, no closest-approach
        record: what a search over candidate levels needs)."""
        return bool(plan_volume_intervals(plan, tr, 0, self.shapes, self.settings.minima, self.settings.same_party))

    def volume_delay_bans(self, plan: FlightPlan, tr: Trajectories) -> list[tuple[float, float]]:
        """Open intervals of delays (s) for which ``plan`` would conflict with a volume.

        In space the plan meets a buffered volume during ``(s, e)`` (window ignored); delayed
        by ``d`` it conflicts iff ``(s + d, e + d)`` meets the window ``(ws, we)``, that is iff
        ``ws - e < d < we - s``.
        """
        bans = []
        for sh, s, e, _, _ in plan_volume_intervals(plan, tr, 0, self.shapes, self.settings.minima,
                                                    self.settings.same_party, use_window=False):
            ws, we = sh.window
            bans.append((ws - e, we - s))
        return sorted(bans)

    def _plans_near(self, sh: VolumeShape) -> list[int]:
        """Plans with a piece that may come within reach of ``sh`` during its window (a superset)."""
        tr = self.index.tr
        if tr.pieces == 0:
            return []
        ws, we = sh.window
        s = tr.start
        live = (tr.t[s] < we) & (tr.t[s + 1] > ws)
        c, _, _ = sh.basis
        reach = sh.extent + self.settings.minima.largest_horizontal + tr.hpad[tr.plan] + 2 * sh.piece_m + 1.0
        d = np.sqrt((tr.x[s] - c[0]) ** 2 + (tr.y[s] - c[1]) ** 2 + (tr.z[s] - c[2]) ** 2)
        return [int(p) for p in np.unique(tr.plan[live & (d < reach)])]


def check(ps: PlanSet, settings: EngineSettings | None = None) -> list[Conflict]:
    """Every conflict in a document (a one-shot :meth:`Strategic.sweep`)."""
    return Strategic.of(ps, settings).sweep()

