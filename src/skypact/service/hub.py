"""The hub: plans and reserved volumes filed by parties, each write checked against the live
airspace in the same transaction.

Filing (a plan or a volume): validate it; take the locks of the area and hours it covers
(:mod:`skypact.service.areas`); check it with the strategic engine against every live plan and
volume it could conflict with; in one transaction store it, its conflicts and the events of the
change (:mod:`skypact.service.events`); answer with the conflicts and, for a plan that should
move, resolution suggestions.  Check and store are one atomic step because every write that
could change the check's outcome (a filing, update, state change or deletion in the same area
and hours, or of the same item) holds the same locks until its own commit and the update of the
live set; only the storing needs the database's write transaction, so on SQLite (one writer at a
time) the engine's work of one write overlaps the commit of another.  The flush to disk comes
after the locks are released and before the answer (group commit, :mod:`skypact.store.durable`).
A dry run does the same and stores nothing.  Ended plans and volumes leave the live set.

Priority: a plan's declared priority is capped by its party's ``max_priority``.  The emergency
override lifts one live plan above every other (:data:`EMERGENCY_PRIORITY`); declaring and
ending it is recorded as an event addressed to every party.  Volumes have priority 0: in a
plan-volume conflict the plan moves.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from skypact.errors import AccessError, NotFoundError, StateError
from skypact.i18n import LANGS, N_
from skypact.minima import MinimaTable
from skypact.plans.model import FlightPlan, ReservedVolume
from skypact.plans.validate import validate_plan, validate_volume
from skypact.report import conflict_dict, plans_to_resolve, resolution_dict
from skypact.service import events
from skypact.service.areas import HEAVY_WEIGHT, AreaLocks, Entry, Heavy, LiveSet, Region, weight
from skypact.service.audit import AuditChain
from skypact.service.auth import Principal, require
from skypact.service.notices import Notices
from skypact.service.parties import Parties
from skypact.service.presence import Presence
from skypact.service.reads import Reads
from skypact.service.surveillance import Surveillance
from skypact.service.views import Area, extents, view
from skypact.service.webhooks import Webhooks
from skypact.store import queries as Q
from skypact.store.durable import group_commit_of
from skypact.store.tables import emergencies, plans, volumes
from skypact.strategic import EngineSettings, Strategic
from skypact.strategic.index import PartyMinima
from skypact.strategic.resolve import suggest
from skypact.strategic.trajectory import concat_trajectories
from skypact.units import FT

__all__ = ["EMERGENCY_PRIORITY", "PLAN", "TRANSITIONS", "VOLUME", "FilingResult", "Hub", "Kind"]

#: the effective priority of a plan under the emergency override: above any declarable one
EMERGENCY_PRIORITY = 10_000

#: allowed plan state changes
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "Proposed": ("Accepted", "Ended"),
    "Accepted": ("Activated", "Ended"),
    "Activated": ("Nonconforming", "Contingent", "Ended"),
    "Nonconforming": ("Activated", "Contingent", "Ended"),
    "Contingent": ("Ended",),
    "Ended": (),
}

Item = FlightPlan | ReservedVolume


@dataclass(frozen=True)
class Kind:
    """Plans or volumes: their table, states, validation and model."""

    name: str
    table: Table
    transitions: dict[str, tuple[str, ...]]
    validate: Callable[[Any], None]
    model: type[FlightPlan] | type[ReservedVolume]
    #: messages: not found, another party's, id taken, ended
    texts: tuple[str, str, str, str]
    #: what F3548 calls such entities (``dss_entities.kind``): operational intents or constraints
    f3548: str


PLAN = Kind("plan", plans, TRANSITIONS, validate_plan, FlightPlan,
            (N_("no plan {id}"), N_("plan {id} belongs to another party"), N_("plan {id} exists already"),
             N_("plan {id} has ended: file a new one")), "oir")
VOLUME = Kind("volume", volumes, {"Proposed": ("Accepted", "Ended"), "Accepted": ("Activated", "Ended"),
                                  "Activated": ("Ended",), "Ended": ()}, validate_volume, ReservedVolume,
              (N_("no reserved volume {id}"), N_("reserved volume {id} belongs to another party"),
               N_("the id {id} is taken by another plan or volume"),
               N_("reserved volume {id} has ended: file a new one")), "cr")


@dataclass(frozen=True)
class FilingResult:
    item: dict[str, Any]
    conflicts: list[dict[str, Any]]
    resolutions: list[dict[str, Any]]
    stored: bool


def _own(row: Any, who: Principal, kind: Kind, entity_id: str) -> Any:
    """``row`` when it exists and belongs to the caller."""
    if row is None:
        raise NotFoundError(kind.texts[0], id=entity_id)
    if row.party != who.party:
        raise AccessError(kind.texts[1], id=entity_id)
    return row


class Hub(Parties):
    """The service's operations; every method checks the caller's rights."""

    def __init__(self, engine: Engine, token_key: bytes, minima: MinimaTable | None = None,
                 max_delay_s: float = 3600.0, audit_key_file: Path | None = None) -> None:
        """``audit_key_file``: the server's audit signing key (created if missing); None: a key
        for this process only (tests, demo), announced in the chain like any other."""
        super().__init__(engine, token_key)
        self.settings = EngineSettings(minima=minima or MinimaTable())
        self.max_delay_s = max_delay_s
        self.live = LiveSet(self.settings)
        self._max_priority: dict[str, int] = {}
        self.party_minima = PartyMinima(self.settings.minima, self.settings.piece_m)  # shared by every check
        self.areas = AreaLocks()
        # SQLite has one writer at a time and makes the others sleep and retry with growing
        # pauses; queueing them here instead keeps latency flat.  PostgreSQL locks rows itself.
        self._sqlite_writer = threading.Lock() if engine.dialect.name == "sqlite" else None
        self.durable = group_commit_of(engine)
        self._local = threading.local()  # per thread: area locks held, commit ticket not yet flushed
        self.notices = Notices(engine, self._transaction)
        self.webhooks = Webhooks(engine, self.notices)
        self.presence = Presence(self.notices)
        self.audit = AuditChain(engine, audit_key_file, lambda: self._transaction(durable=False))
        self.surveillance = Surveillance(self)
        self.reads = Reads(engine, self.surveillance.alerts_of)
        with engine.connect() as conn:
            urgent = set(conn.execute(select(emergencies.c.plan)).scalars())
            for kind in (PLAN, VOLUME):
                for (body,) in conn.execute(select(kind.table.c.body).where(kind.table.c.state != "Ended")):
                    item = kind.model.model_validate(body)
                    self.live.put(self.live.entry(item, self._priority(item, item.id in urgent)))

    @contextmanager
    def _transaction(self, durable: bool = True) -> Iterator[Connection]:
        """One write transaction (taken inside the area locks).  A unique-key race (two parties
        creating the same id in disjoint areas at once) is answered as the id being taken.

        On return the change is durable, or, inside :meth:`hold`, will be when the locks are
        released (group commit, :mod:`skypact.store.durable`).  ``durable=False``: no wait for
        the disk (the audit chain's rows, which follow their events in the log and are rebuilt
        from them)."""
        writer = self._sqlite_writer
        if writer is not None:  # held only for a transaction that stores: never long, so waited for
            writer.acquire()
        try:
            try:
                with self.engine.begin() as conn, events.batched(conn):
                    yield conn
            except IntegrityError:
                raise StateError(N_("the id is taken by another plan or volume, or the write raced another: "
                                    "read and try again")) from None
            ticket = self.durable.ticket() if self.durable is not None and durable else 0
        finally:
            if writer is not None:
                writer.release()
        if not durable:
            return
        if getattr(self._local, "holding", 0):
            self._local.ticket = ticket
        else:
            self.flush(ticket)

    def flush(self, ticket: int | None) -> None:
        """Wait until the commit of ``ticket`` (0: nothing to sync) is on disk, then wake the
        notification streams; None: nothing was committed."""
        if ticket is None:
            return
        if self.durable is not None and ticket:
            self.durable.wait(ticket)
        self.notices.committed()

    @contextmanager
    def hold(self, region: Region) -> Iterator[None]:
        """The area locks of ``region`` (:meth:`LiveSet.lock_region`) for a write; what it commits is
        flushed to disk after they are released, so the next write in the area need not wait
        for the disk (or, in :meth:`inline`, left for the caller to flush)."""
        self._local.holding = getattr(self._local, "holding", 0) + 1
        try:
            with self.areas.hold(region, blocking=not getattr(self._local, "inline", False)):
                yield
        finally:
            self._local.holding -= 1
            ticket = self._local.__dict__.pop("ticket", None) if not self._local.holding else None
            if ticket is not None:
                if getattr(self._local, "inline", False):
                    self._local.unflushed = ticket
                else:
                    self.flush(ticket)

    @contextmanager
    def inline(self) -> Iterator[Callable[[], int | None]]:
        """Run writes in this block without waiting for area locks (the server's event loop runs
        them so, sparing a thread hop per request): an area lock held by another writer raises
        :class:`Busy` before anything is done, and the caller runs the write again later or
        where it may wait.  (The SQLite writer lock is waited for: it is held only while a
        transaction stores.)  The commit is not flushed here: the block yields a function giving
        the ticket to flush (:meth:`flush`), None if nothing was committed."""
        self._local.inline = True
        self._local.unflushed = None
        try:
            yield lambda: self._local.unflushed
        except BaseException:
            if self._local.unflushed is not None:  # committed, then failed: flush before answering
                self.flush(self._local.unflushed)
                self._local.unflushed = None
            raise
        finally:
            self._local.inline = False

    @staticmethod
    def _priority(item: Item, emergency: bool) -> int:
        if emergency:
            return EMERGENCY_PRIORITY
        return item.priority if isinstance(item, FlightPlan) else 0

    # -- writes ------------------------------------------------------------------------------
    def file_plan(self, who: Principal, plan: FlightPlan, dry_run: bool = False,
                  request_key: str | None = None) -> FilingResult:
        """Check ``plan`` against the live airspace and, unless ``dry_run``, store it.

        With ``request_key`` the filing is idempotent: a retry with the same key and body gets
        the first answer and stores nothing more; the same key with another body is refused.
        """
        return self._write(who, PLAN, plan, None, dry_run, request_key)

    def update_plan(self, who: Principal, plan: FlightPlan, if_version: int) -> FilingResult:
        """Replace an own plan whose current version is ``if_version`` (optimistic concurrency)."""
        return self._write(who, PLAN, plan, if_version, False, None)

    def file_volume(self, who: Principal, volume: ReservedVolume, dry_run: bool = False,
                    request_key: str | None = None) -> FilingResult:
        """:meth:`file_plan` for a reserved volume."""
        return self._write(who, VOLUME, volume, None, dry_run, request_key)

    def update_volume(self, who: Principal, volume: ReservedVolume, if_version: int) -> FilingResult:
        """:meth:`update_plan` for a reserved volume."""
        return self._write(who, VOLUME, volume, if_version, False, None)

    def _write(self, who: Principal, kind: Kind, item: Item, if_version: int | None, dry_run: bool,
               request_key: str | None) -> FilingResult:
        require(who, "plans:write")
        if item.party != who.party:
            raise AccessError(N_("a party files only its own plans (plan party {plan_party}, caller {party})"),
                              plan_party=item.party, party=who.party)
        kind.validate(item)
        body = item.model_dump(mode="json")
        digest = "" if request_key is None else hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        on_loop = getattr(self._local, "inline", False)
        if on_loop and weight(item) > HEAVY_WEIGHT:
            raise Heavy  # before even cutting it
        entry = self.live.entry(item)
        if on_loop and self.live.heavy(entry, self._t_extra(item)):
            raise Heavy
        old = self.live.get(item.id) if if_version is not None else None
        # a dry run only reads the live set (which keeps itself consistent) and stores nothing:
        # it takes no area lock, so it never queues behind writers nor holds them up
        region = {} if dry_run else LiveSet.lock_region([entry] + ([old] if old else []))
        with self.hold(region):
            # Under the area locks nothing that could conflict with the item, nor the item itself,
            # changes.  On SQLite (one writer) its admission and check read outside the write
            # transaction, which only stores the outcome; PostgreSQL, with writers side by side,
            # does it all in one transaction (one connection, fewer round trips).  A dry run only
            # reads: it never queues behind, or holds up, the writers.
            with ExitStack() as tx:
                one = None if dry_run or self._sqlite_writer is not None else tx.enter_context(self._transaction())
                with nullcontext(one) if one is not None else self.engine.connect() as conn:
                    if request_key is not None:
                        seen = conn.execute(Q.REQUEST, {"party": who.party, "key": request_key}).first()
                        if seen is not None:
                            if seen.body_hash != digest:
                                raise StateError(N_("request id {key} was already used with another body"),
                                                 key=request_key)
                            return FilingResult(**seen.response, stored=True)
                    entry, version = self._admit(conn, who, kind, item, entry, if_version)
                result, found = self._check(kind, item, entry, version, body, dry_run)
                if dry_run:
                    return result
                with nullcontext(one) if one is not None else self._transaction() as conn:
                    self._store(conn, who, kind, item, entry, version, body, result, found)
                    if request_key is not None:
                        conn.execute(Q.INSERT["requests"], {
                            "party": who.party, "key": request_key, "body_hash": digest, "status": 201,
                            "response": {"item": result.item, "conflicts": result.conflicts,
                                         "resolutions": result.resolutions}})
            self.live.put(entry)  # after the commit, under the same locks
        return result

    def _admit(self, conn: Connection, who: Principal, kind: Kind, item: Item, entry: Entry,
               if_version: int | None) -> tuple[Entry, int]:
        """Refuse what may not be written; the entry with its effective priority, and the new version."""
        if isinstance(item, FlightPlan):
            maxp = self._max_priority.get(who.party)
            if maxp is None:  # set when the party is created, never changed
                maxp = self._max_priority[who.party] = conn.execute(Q.MAX_PRIORITY, {"party": who.party}).scalar_one()
            if item.priority > maxp:
                raise AccessError(N_("priority {priority} is above the party's maximum {max}"),
                                  priority=item.priority, max=maxp)
        t = kind.table
        rows = Q.HOT["of-id"](conn, {"id": item.id})
        current = next((r for r in rows if r.tab == t.name), None)
        if if_version is None:
            # a live entry of that id outside both tables is a piece of an F3548 entity (skypact.dss)
            if rows or self.live.get(item.id) is not None:
                raise StateError(kind.texts[2], id=item.id)
            return replace(entry, priority=self._priority(item, False)), 1
        current = _own(current, who, kind, item.id)
        if current.version != if_version:
            raise StateError(N_("plan {id} is at version {current}, not {given}: read it again"),
                             id=item.id, current=current.version, given=if_version)
        if current.state == "Ended":
            raise StateError(kind.texts[3], id=item.id)
        urgent = conn.execute(Q.URGENT, {"id": item.id}).first() is not None
        return replace(entry, priority=self._priority(item, urgent)), current.version + 1

    def _t_extra(self, item: Item) -> float:
        """How far past its end a check looks for neighbours (the delay search of a plan)."""
        return self.max_delay_s if isinstance(item, FlightPlan) else 0.0

    def _check(self, kind: Kind, item: Item, entry: Entry, version: int, body: dict[str, Any],
               dry_run: bool) -> tuple[FilingResult, list[Any]]:
        """The conflicts of ``item`` with the live airspace, and suggestions for a plan that should move."""
        near = self.live.candidates(entry, self._t_extra(item))
        if not self.settings.same_party:  # the engine skips same-party pairs: leave them out of its index
            near = [e for e in near if e.item.party != item.party]
        res = []
        if not near:  # nothing live shares a cell and hours with it (a superset of what can conflict)
            found: list[Any] = []
        elif isinstance(item, FlightPlan):
            st = self._index(near)
            found = st.probe(item, tr=entry.tr)
            prio = {e.id: e.priority for e in near} | {item.id: entry.priority}
            if item.id in plans_to_resolve(found, prio):
                res = [resolution_dict(suggest(st, item, max_delay_s=self.max_delay_s, tr=entry.tr, cut=entry.cut))]
        else:
            found = self._index(near).probe_volume(item)
        ref = {"id": item.id, "party": item.party, "state": "Proposed", "version": version, "extents": extents(item)}
        return FilingResult({**ref, kind.name: body}, [conflict_dict(c) for c in found], res, not dry_run), found

    def _index(self, near: list[Entry]) -> Strategic:
        """The strategic engine over these live entries (their trajectories cut once, when they
        entered the live set)."""
        flights = [e for e in near if isinstance(e.item, FlightPlan)]
        return Strategic([e.item for e in flights],  # type: ignore[misc]
                         [e.item for e in near if isinstance(e.item, ReservedVolume)], self.settings,
                         concat_trajectories([e.tr for e in flights if e.tr is not None]), self.party_minima)

    def _store(self, conn: Connection, who: Principal, kind: Kind, item: Item, entry: Entry, version: int,
               body: dict[str, Any], result: FilingResult, found: list[Any]) -> None:
        t = kind.table
        row = {"party": item.party, "state": "Proposed", "version": version, "body": body,
               "t_start": entry.t_lo, "t_end": entry.t_hi, "extents": result.item["extents"]}
        before = self._pairs(conn, item.id) if version > 1 else {}  # a new item has no conflicts yet
        if version == 1:
            Q.HOT[f"insert-{t.name}"](conn, {"id": item.id, **row})
        else:
            conn.execute(update(t).where(t.c.id == item.id).values(**row))
            conn.execute(Q.DELETE_CONFLICTS_OF, {"id": item.id})
        events.record(conn, f"{kind.name}-{'filed' if version == 1 else 'updated'}", who.party, [who.party],
                      item.id, id=item.id, version=version, conflicts=len(found))
        start = item.start if isinstance(item, FlightPlan) else item.window.start
        self.notices.check_notice(conn, item.party, item.id, isinstance(item, FlightPlan), start.timestamp())
        self._record_conflicts(conn, who.party, item, found, result.conflicts)
        for r in result.resolutions:
            base = {"callsign": self._callsign(item.id, item), "party": item.party}
            if r["delay_s"] is not None:
                self.notices.send(conn, "resolution-delay", item.party, item.id, **base, delay_s=r["delay_s"])
            if r["new_level_ft"] is not None:
                self.notices.send(conn, "resolution-level", item.party, item.id, **base,
                                  level_m=r["new_level_ft"] * FT, climb=r["level_change_ft"] > 0)
        now = {c.b if c.a == item.id else c.a for c in found}
        self._cleared(conn, who, item.id, {k: v for k, v in before.items() if k not in now}, item)

    def _record_conflicts(self, conn: Connection, actor: str, item: Item, found: list[Any],
                          records: list[dict[str, Any]]) -> None:
        """Store the conflicts ``item`` was found in, record them and tell both parties."""
        for c, d in zip(found, records, strict=True):
            Q.HOT["insert-conflicts"](conn, {"plan_a": c.a, "plan_b": c.b, "record": d, "note": ""})
            events.record(conn, "conflict-found", actor, [c.party_a, c.party_b], item.id,
                          **{k: v for k, v in d.items() if k != "text"}, a=c.a, b=c.b)
            for own, own_party, other, other_party in ((c.a, c.party_a, c.b, c.party_b),
                                                       (c.b, c.party_b, c.a, c.party_a)):
                self.notices.send(conn, "conflict-predicted", own_party, own, callsign=self._callsign(own, item),
                                  party=own_party, other=other, other_party=other_party, start=c.start, end=c.end,
                                  time=c.closest_time, h_m=c.horizontal_m, v_m=c.vertical_m, lat=c.closest_lat,
                                  lon=c.closest_lon)

    def check_pieces(self, conn: Connection, actor: str, pieces: list[ReservedVolume], entries: list[Entry],
                     gone: list[str]) -> int:
        """skypact's own check of an entity filed through F3548 (:mod:`skypact.dss`): each extent
        is a piece (a reserved volume ``{id}/{k}``) checked against the live airspace with the
        minima; conflicts are stored and told like any other and never block the write.  ``gone``:
        ids of the entity's earlier pieces, replaced by these.  The caller holds the area locks of
        both and puts ``entries`` into the live set after the commit.  Returns the conflicts found."""
        own = {p.id for p in pieces} | set(gone)
        who = Principal(actor, "operator")
        before = {pid: self._pairs(conn, pid) for pid in sorted(own)}
        for pid in sorted(own):
            conn.execute(Q.DELETE_CONFLICTS_OF, {"id": pid})
        total = 0
        for vol, entry in zip(pieces, entries, strict=True):
            near = [e for e in self.live.candidates(entry) if e.id not in own]
            found = self._index(near).probe_volume(vol) if near else []
            self._record_conflicts(conn, actor, vol, found, [conflict_dict(c) for c in found])
            now = {c.b if c.a == vol.id else c.a for c in found}
            self._cleared(conn, who, vol.id, {k: v for k, v in before.pop(vol.id, {}).items() if k not in now}, vol)
            total += len(found)
        for pid, pairs in before.items():  # pieces the entity no longer has
            self._cleared(conn, who, pid, pairs)
        return total

    def _pairs(self, conn: Connection, entity_id: str) -> dict[str, tuple[str, str]]:
        """The stored conflicts of ``entity_id``: other id -> (its own party, the other's party)."""
        rows = Q.HOT["conflicts-of"](conn, {"id": entity_id})
        return {(r.plan_b if r.plan_a == entity_id else r.plan_a):
                ((r.party_a, r.party_b) if r.plan_a == entity_id else (r.party_b, r.party_a)) for r in rows}

    def _cleared(self, conn: Connection, who: Principal, entity_id: str, gone: dict[str, tuple[str, str]],
                 item: Item | None = None) -> None:
        """Conflicts of ``entity_id`` with ``gone`` no longer exist: record it and tell both parties."""
        for other, (own_party, other_party) in sorted(gone.items()):
            events.record(conn, "conflict-cleared", who.party, (own_party, other_party), entity_id, a=entity_id,
                          b=other)
            sides = ((entity_id, own_party, other, other_party), (other, other_party, entity_id, own_party))
            for own, p, o, q in sides:
                self.notices.send(conn, "conflict-cleared", p, own, callsign=self._callsign(own, item), party=p,
                                  other=o, other_party=q)

    def _callsign(self, entity_id: str, item: Item | None = None) -> str:
        """How the owner names its item: a plan's call sign, else the id."""
        if item is None or item.id != entity_id:
            e = self.live.get(entity_id)
            item = e.item if e is not None else None
        return item.callsign if isinstance(item, FlightPlan) else entity_id

    def delete(self, who: Principal, kind: Kind, entity_id: str) -> None:
        """Delete an own plan or volume; its conflicts are cleared."""
        require(who, "plans:write")
        old = self.live.get(entity_id)
        with self.hold(LiveSet.lock_region([old] if old else [])):
            with self._transaction() as conn:
                t = kind.table
                row = conn.execute(select(t.c.party).where(t.c.id == entity_id)).first()
                _own(row, who, kind, entity_id)
                self._cleared(conn, who, entity_id, self._pairs(conn, entity_id))
                conn.execute(Q.DELETE_CONFLICTS_OF, {"id": entity_id})
                conn.execute(delete(emergencies).where(emergencies.c.plan == entity_id))
                conn.execute(delete(t).where(t.c.id == entity_id))
                events.record(conn, f"{kind.name}-deleted", who.party, [who.party], entity_id, id=entity_id)
            self.live.drop(entity_id)

    def set_state(self, who: Principal, kind: Kind, entity_id: str, state: str) -> dict[str, Any]:
        """Move an own plan or volume to ``state`` (see :data:`TRANSITIONS`).

        A plan with an unresolved conflict against a live plan of higher priority cannot be
        Accepted.  Ending it takes it out of the live airspace and clears its conflicts.
        """
        require(who, "plans:write")
        old = self.live.get(entity_id)
        refused: StateError | None = None
        with self.hold(LiveSet.lock_region([old] if old else [])):
            with self._transaction() as conn:
                t = kind.table
                row = _own(next(iter(Q.HOT[f"row-{t.name}"](conn, {"id": entity_id})), None), who, kind, entity_id)
                if state not in kind.transitions.get(row.state, ()):
                    raise StateError(N_("a plan cannot go from {old} to {new}"), old=row.state, new=state)
                pairs = self._pairs(conn, entity_id)
                if state == "Accepted" and old is not None:
                    blocker = next((o for o in sorted(pairs) if (e := self.live.get(o)) is not None
                                    and e.priority > old.priority), None)
                    if blocker is not None:  # refused: nothing changes, the owner is told why
                        refused = StateError(N_("plan {id} conflicts with the higher-priority plan {other}: "
                                                "resolve it before accepting"), id=entity_id, other=blocker)
                        events.record(conn, "plan-rejected", who.party, [who.party], entity_id, id=entity_id,
                                      other=blocker)
                        self.notices.send(conn, "plan-rejected", row.party, entity_id, plan=entity_id,
                                          callsign=row.body["callsign"], party=row.party,
                                          reason={lang: refused.message(lang) for lang in LANGS})
                if refused is None:
                    Q.HOT[f"set-state-{t.name}"](conn, {"row_id": entity_id, "new_state": state,
                                                         "new_version": row.version + 1})
                    events.record(conn, f"{kind.name}-state", who.party, [who.party], entity_id, id=entity_id,
                                  state=state, version=row.version + 1)
                    if state == "Ended":
                        self._cleared(conn, who, entity_id, pairs)
                        if old is not None and old.priority == EMERGENCY_PRIORITY:
                            self._end_emergency(conn, who, entity_id)
                    self._tell_state(conn, kind, row, state)
                    now = SimpleNamespace(**{**row._asdict(), "state": state, "version": row.version + 1})
                    out = view(now, who.party, [])  # the owner's own item: shown in full
            if refused is not None:
                raise refused
            if state == "Ended":
                self.live.drop(entity_id)
        return out

    def emergency(self, who: Principal, plan_id: str, reason: str = "", end: bool = False) -> dict[str, Any]:
        """Declare (or end) the emergency override of an own live plan: it then has precedence
        over every other plan.  Every party is told, and the event is kept."""
        require(who, "plans:write")
        old = self.live.get(plan_id)
        with self.hold(LiveSet.lock_region([old] if old else [])):
            with self._transaction() as conn:
                row = conn.execute(select(plans).where(plans.c.id == plan_id)).first()
                row = _own(row, who, PLAN, plan_id)
                if old is None:
                    raise StateError(PLAN.texts[3], id=plan_id)
                declared = conn.execute(Q.URGENT, {"id": plan_id}).first()
                if end:
                    if declared is None:
                        raise StateError(N_("plan {id} has no emergency to end"), id=plan_id)
                    self._end_emergency(conn, who, plan_id)
                    new = replace(old, priority=self._priority(old.item, False))
                else:
                    if declared is not None:
                        raise StateError(N_("plan {id} is already under an emergency"), id=plan_id)
                    conn.execute(insert(emergencies).values(plan=plan_id, party=who.party, reason=reason,
                                                            declared_at=time.time()))
                    events.record(conn, "emergency-declared", who.party, [events.EVERYONE], plan_id,
                                  plan=plan_id, party=who.party, reason=reason, extents=row.extents)
                    self.notices.to_all(conn, "emergency-declared", plan_id, callsign=self._callsign(plan_id),
                                        party=who.party, reason=reason or "-")
                    new = replace(old, priority=EMERGENCY_PRIORITY)
                out = {**view(row, who.party, []), "emergency": not end}
            self.live.put(new)
        return out

    def _end_emergency(self, conn: Connection, who: Principal, plan_id: str) -> None:
        conn.execute(delete(emergencies).where(emergencies.c.plan == plan_id))
        events.record(conn, "emergency-ended", who.party, [events.EVERYONE], plan_id, plan=plan_id, party=who.party)
        self.notices.to_all(conn, "emergency-ended", plan_id, callsign=self._callsign(plan_id), party=who.party)

    def _tell_state(self, conn: Connection, kind: Kind, row: Any, state: str) -> None:
        """Who is told of a state change: the owner of an accepted plan; everyone of a volume
        that becomes active or ends."""
        if kind is PLAN and state == "Accepted":
            self.notices.send(conn, "plan-accepted", row.party, row.id, plan=row.id, callsign=row.body["callsign"],
                              party=row.party)
        elif kind is VOLUME and state in ("Activated", "Ended"):
            vol = ReservedVolume.model_validate(row.body)
            if state == "Ended":
                self.notices.to_all(conn, "volume-deactivated", row.id, volume=row.id, party=row.party)
            else:
                self.notices.to_all(conn, "volume-activated", row.id, volume=row.id, party=row.party,
                                    lower_m=vol.band.lower.metres, upper_m=vol.band.upper.metres,
                                    pressure=vol.band.lower.ref == "pressure", start=vol.window.start.timestamp(),
                                    end=vol.window.end.timestamp())

    # -- reads -------------------------------------------------------------------------------
    def get(self, who: Principal, kind: Kind, entity_id: str) -> dict[str, Any]:
        """One plan or volume as the caller may see it (:class:`Reads`)."""
        return self.reads.get(who, kind, entity_id)

    def query(self, who: Principal, kind: Kind, area: Area | None = None) -> list[dict[str, Any]]:
        """Every plan or volume (in ``area`` when given) as the caller may see it, by id: every
        page of :meth:`Reads.page` (the API serves one page per request)."""
        items: list[dict[str, Any]] = []
        after: str | None = ""
        while after is not None:
            page = self.reads.page(who, kind, area, after)
            items += page.items
            after = page.next_after
        return items

    def events(self, who: Principal, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """The events addressed to the caller's party after ``after``."""
        return events.read(self.engine, who.party, after, limit)


