"""What a party reads: plans, volumes and its conflicts, a page at a time.

Pages are ordered by id and resumed with a cursor (``after``: the last id of the page before), so
a reader walks any number of items in bounded requests.  Each page costs one query per table
read and one query for the conflict windows of all its items (what a reader sees of another
party's item depends on the conflicts it has with the reader's own), never a query per item.

Conflicts (``GET /v1/conflicts``) are the reader's current ones: the strategic conflicts stored
with its plans and volumes (a page by the conflict's id), and the tactical alerts of its live
tracks (all of them, with the first page: there are few, and they change every second).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from sqlalchemy import Connection, Engine, Table, or_, select, union_all

from skypact.errors import NotFoundError
from skypact.service.auth import Principal, require
from skypact.service.views import Area, epoch, f3548_view, view
from skypact.store.tables import conflicts, dss_entities, plans, volumes

__all__ = ["MAX_PAGE", "ConflictFilter", "ItemKind", "Page", "Reads"]

MAX_PAGE = 1000  #: items of one page at most
_CHUNK = 500  #: rows read from the store at a time while a page fills

ConflictState = Literal["upcoming", "ongoing", "past"]


class ItemKind(Protocol):
    """Plans or volumes, as reads need them (:class:`skypact.service.hub.Kind` is one)."""

    @property
    def table(self) -> Table: ...
    @property
    def f3548(self) -> str: ...
    @property
    def texts(self) -> tuple[str, str, str, str]: ...


@dataclass(frozen=True)
class Page:
    """Items of one page and the cursor of the next (None: this was the last)."""

    items: list[dict[str, Any]]
    next_after: str | None


@dataclass(frozen=True)
class ConflictFilter:
    """Which of the reader's conflicts: overlapping ``[start, end]`` (epoch s), in ``state`` at
    ``now`` (upcoming: not begun; ongoing: begun, not ended; past: ended), of ``layer``."""

    start: float = -1e18
    end: float = 1e18
    state: ConflictState | None = None
    layer: Literal["strategic", "tactical"] | None = None

    def keeps(self, t0: float, t1: float, now: float) -> bool:
        if t1 < self.start or t0 > self.end:
            return False
        if self.state is None:
            return True
        return {"upcoming": now < t0, "ongoing": t0 <= now <= t1, "past": t1 < now}[self.state]


class Reads:
    """Reads of one store; ``alerts(party)``: the live tactical alerts of a party's tracks."""

    def __init__(self, engine: Engine, alerts: Callable[[str], list[dict[str, Any]]]) -> None:
        self.engine = engine
        self.alerts = alerts

    # -- plans and volumes ----------------------------------------------------------------
    def get(self, who: Principal, kind: ItemKind, entity_id: str) -> dict[str, Any]:
        """One plan or volume as the caller may see it."""
        require(who, "plans:read")
        t = kind.table
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.id == entity_id)).first()
            if row is None:
                d = dss_entities.c
                row = conn.execute(select(dss_entities).where((d.id == entity_id) & (d.kind == kind.f3548))).first()
                if row is None:
                    raise NotFoundError(kind.texts[0], id=entity_id)
                return f3548_view(row, who.party)
            return view(row, who.party, self._windows(conn, [row.id], who.party).get(row.id, []))

    def page(self, who: Principal, kind: ItemKind, area: Area | None = None, after: str = "",
             limit: int = MAX_PAGE) -> Page:
        """Plans or volumes (in ``area`` when given) with ids after ``after``, as the caller may
        see them, at most ``limit`` of them."""
        require(who, "plans:read")
        a, limit = area or Area(), max(1, min(limit, MAX_PAGE))
        t, d = kind.table, dss_entities.c
        with self.engine.connect() as conn:
            native = self._rows(conn, t, (t.c.t_start <= a.t_end) & (t.c.t_end >= a.t_start), t.c.id, after)
            outside = self._rows(conn, dss_entities, (d.kind == kind.f3548) & (d.t_start <= a.t_end)
                                 & (d.t_end >= a.t_start), d.id, after)
            merged = heapq.merge(((r.id, False, r) for r in native if a.meets(r.extents)),
                                 ((r.id, True, r) for r in outside if a.meets(r.boxes)), key=lambda x: x[0])
            rows = list(itertools.islice(merged, limit + 1))
            more = len(rows) > limit
            rows = rows[:limit]
            others = [r.id for _, f3548, r in rows if not f3548 and r.party != who.party]
            windows = self._windows(conn, others, who.party) if others else {}
        items = [f3548_view(r, who.party) if f3548 else view(r, who.party, windows.get(r.id, []))
                 for _, f3548, r in rows]
        return Page(items, str(rows[-1][0]) if more and rows else None)

    @staticmethod
    def _rows(conn: Connection, table: Table, where: Any, id_col: Any, after: str) -> Iterator[Any]:
        """Rows of ``table`` matching ``where`` with ids after ``after``, by id, read in chunks."""
        last = after
        while True:
            chunk = conn.execute(select(table).where(where & (id_col > last)).order_by(id_col).limit(_CHUNK)).all()
            yield from chunk
            if len(chunk) < _CHUNK:
                return
            last = chunk[-1].id

    @staticmethod
    def _windows(conn: Connection, ids: list[str], reader: str) -> dict[str, list[tuple[float, float]]]:
        """For each of ``ids`` (other parties' items), the time windows of its conflicts with the
        reader's own plans and volumes: one query for all of them."""
        mine = union_all(select(plans.c.id).where(plans.c.party == reader),
                         select(volumes.c.id).where(volumes.c.party == reader))
        c = conflicts.c
        out: dict[str, list[tuple[float, float]]] = {}
        wanted = set(ids)
        for i in range(0, len(ids), _CHUNK):
            part = ids[i:i + _CHUNK]
            rows = conn.execute(select(c.plan_a, c.plan_b, c.record).where(or_(
                c.plan_a.in_(part) & c.plan_b.in_(mine), c.plan_b.in_(part) & c.plan_a.in_(mine))))
            for r in rows:
                other = r.plan_a if r.plan_a in wanted else r.plan_b
                out.setdefault(other, []).append((epoch(r.record["start"]), epoch(r.record["end"])))
        return out

    # -- conflicts ------------------------------------------------------------------------
    def conflicts(self, who: Principal, after: int = 0, limit: int = MAX_PAGE,
                  which: ConflictFilter | None = None, now: float = 0.0) -> tuple[list[dict[str, Any]], int | None]:
        """The caller's current conflicts: the strategic ones with conflict ids after ``after``
        (at most ``limit``), and with the first page (``after`` 0) its tactical alerts; and the
        cursor of the next page (None: none)."""
        require(who, "plans:read")
        f, limit = which or ConflictFilter(), max(1, min(limit, MAX_PAGE))
        out: list[dict[str, Any]] = []
        if after == 0 and f.layer in (None, "tactical"):
            out += [a for a in self.alerts(who.party) if f.keeps(a["time"], a["time"] + a["t_out_s"], now)]
        if f.layer == "tactical":
            return out, None
        c = conflicts.c
        mine = (c.record["party_a"].as_string() == who.party) | (c.record["party_b"].as_string() == who.party)
        found: list[dict[str, Any]] = []
        last = after
        with self.engine.connect() as conn:
            while len(found) <= limit:
                chunk = conn.execute(select(c.id, c.record).where(mine & (c.id > last)).order_by(c.id)
                                     .limit(_CHUNK)).all()
                for r in chunk:
                    rec = r.record
                    if f.keeps(epoch(rec["start"]), epoch(rec["end"]), now):
                        found.append({"id": r.id, "layer": "strategic", **rec})
                if len(chunk) < _CHUNK:
                    break
                last = chunk[-1].id
        more = len(found) > limit
        found = found[:limit]
        return out + found, (found[-1]["id"] if more else None)
