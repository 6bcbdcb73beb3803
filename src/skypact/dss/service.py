"""The F3548-21 DSS entities over skypact's store.

One store: an operational intent reference (OIR) filed through F3548 is kept in ``dss_entities``
and its extents enter the live airspace as reserved-volume pieces (``{id}/{k}``: no native id holds
a ``/``, and a write replaces or drops only the pieces of its own entity and party), so skypact's
engine checks them against every native plan and volume, and native filings are checked against
them; a native plan, once Accepted, is shown through F3548 as an OIR (manager: its party; its
OVN is known only to that party) and counts in key validation.  Constraint references (CRs) are
kept the same way; a native reserved volume, once Accepted, is shown as a CR.  F3548 entities
are shown by skypact's own API as references.

Rules kept (ASTM F3548-21 and the InterUSS conformance suite, ``shared/interop/f3548.md``):
the manager is the token's subject; only it sees the OVN and may change or delete; a new OIR must
be Accepted; Activated needs a subscription; Nonconforming and Contingent need the scope
``utm.conformance_monitoring_sa``; a write must quote in its key the OVN of every other live OIR
whose extents intersect its own (a plain 4D intersection of boxes, see
:mod:`skypact.dss.geometry`); the engine's conflicts (with minima) never block an F3548 write.
Subscriptions last at most 24 h; searches cover at most 2,500 km².  F3548 writes take one lock
(they are few: key validation reads, then writes) besides the area locks every write takes.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from skypact.dss import geometry as G
from skypact.dss.models import (
    PutConstraintReferenceParameters,
    PutOperationalIntentReferenceParameters,
    PutSubscriptionParameters,
    SetUssAvailabilityStatusParameters,
    Volume4D,
)
from skypact.errors import AccessError, NotFoundError, ServiceError, StateError
from skypact.i18n import N_
from skypact.limits import MAX_WINDOW_S
from skypact.service import events
from skypact.service.areas import Entry, LiveSet
from skypact.service.hub import Hub
from skypact.store.tables import dss_availability, dss_entities, dss_subscriptions, plans, volumes

__all__ = ["NULL_SUBSCRIPTION", "Caller", "Dss", "KeyConflict"]

NULL_SUBSCRIPTION = "00000000-0000-4000-8000-000000000000"
HIDDEN_OVN = "Available from USS"
LIVE = ("Accepted", "Activated", "Nonconforming", "Contingent")
OFF_NOMINAL = ("Nonconforming", "Contingent")
CONFORMANCE = "utm.conformance_monitoring_sa"
MAX_SUBSCRIPTION_S = 24 * 3600.0
MAX_SEARCH_KM2 = 2500.0
Doc = dict[str, Any]


@dataclass(frozen=True)
class Caller:
    """An F3548 caller: the token's subject (the manager), the party it acts for, its scopes."""

    sub: str
    party: str
    scopes: frozenset[str]


class KeyConflict(StateError):
    """409 ``AirspaceConflictResponse``: the key lacks the OVNs of these intersecting entities."""

    def __init__(self, missing: list[Doc]) -> None:
        super().__init__(N_("the key lacks the OVN of intersecting operational intents: {ids}"),
                         ids=", ".join(str(m["id"]) for m in missing))
        self.missing = missing


def _uuid(entity_id: str) -> None:
    try:
        uuid.UUID(entity_id)
    except ValueError:
        raise ServiceError(N_("{id} is not a UUID"), id=entity_id) from None


def _boxes(extents: list[Volume4D], now: float) -> list[G.Box]:
    out = [G.box(e) for e in extents]
    if max(b["t_end"] for b in out) < now:
        raise ServiceError(N_("the extents end in the past"))
    longest = max(b["t_end"] - b["t_start"] for b in out)
    if longest > MAX_WINDOW_S:
        raise ServiceError(N_("an extent lasts longer than {limit:.0f} days, the most accepted"),
                           limit=MAX_WINDOW_S / 86400.0)
    return out


class Dss:
    """The F3548 operations; every method takes the caller and checks its rights."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.engine = hub.engine
        self._lock = threading.Lock()
        with self.engine.connect() as conn:
            for row in conn.execute(select(dss_entities)):
                for e in self._entries(row.id, row.party, row.extents):
                    hub.live.put(e)

    # -- helpers ---------------------------------------------------------------------------
    def _entries(self, entity_id: str, party: str, extents: list[Doc]) -> list[Entry]:
        vols = [G.to_volume(entity_id, k, party, Volume4D.model_validate(e))
                for k, e in enumerate(extents)]
        return [self.hub.live.entry(v, group=entity_id) for v in vols]

    def _native_ovn(self, entity_id: str, version: int) -> str:
        return hmac.new(self.hub.token_key, f"ovn:{entity_id}:{version}".encode(), hashlib.sha256).hexdigest()[:40]

    @staticmethod
    def _availability(conn: Connection, uss: str) -> tuple[str, str]:
        row = conn.execute(select(dss_availability).where(dss_availability.c.uss == uss)).first()
        return (row.availability, row.version) if row else ("Unknown", "")

    def _doc(self, conn: Connection, row: Any, caller: Caller, base: str) -> Doc:
        """A reference as ``caller`` may see it (the OVN only for its manager)."""
        native = not hasattr(row, "manager")
        manager = row.party if native else row.manager
        mine = caller.party == row.party if native else caller.sub == row.manager
        boxes = row.extents if native else row.boxes
        t0, t1 = G.span(boxes)
        if native:
            kind = "plans" if "waypoints" in row.body else "volumes"
            ovn, url, sub = self._native_ovn(row.id, row.version), f"{base}/v1/{kind}/{row.id}", None
        else:
            ovn, url, sub = row.ovn, row.uss_base_url, row.subscription_id
        doc = {"id": row.id, "manager": manager, "uss_availability": self._availability(conn, manager)[0],
               "version": row.version, "ovn": ovn if mine else HIDDEN_OVN, "time_start": G.dump_time(t0),
               "time_end": G.dump_time(t1), "uss_base_url": url}
        if (native and "waypoints" in row.body) or (not native and row.kind == "oir"):
            doc["state"] = row.state
            doc["subscription_id"] = sub or NULL_SUBSCRIPTION
        return doc

    def _row(self, conn: Connection, kind: str, entity_id: str) -> Any:
        """The entity ``entity_id`` of ``kind`` ("oir" or "cr"), F3548 or native (None if none)."""
        row = conn.execute(select(dss_entities).where(dss_entities.c.id == entity_id)).first()
        if row is not None:
            return row if row.kind == kind else None
        t = plans if kind == "oir" else volumes
        row = conn.execute(select(t).where(t.c.id == entity_id)).first()
        return row if row is not None and row.state in LIVE else None

    def _all(self, conn: Connection, kind: str, boxes: list[G.Box]) -> list[Any]:
        """Every live entity of ``kind`` whose boxes meet ``boxes``."""
        t0, t1 = G.span(boxes)
        out = []
        d = dss_entities.c
        for row in conn.execute(select(dss_entities).where((d.kind == kind) & (d.t_start < t1) & (d.t_end > t0))
                                .order_by(d.id)):
            if G.any_meet(row.boxes, boxes):
                out.append(row)
        t = plans if kind == "oir" else volumes
        for row in conn.execute(select(t).where(t.c.state.in_(LIVE) & (t.c.t_start < t1) & (t.c.t_end > t0))
                                .order_by(t.c.id)):
            if G.any_meet(row.extents, boxes):
                out.append(row)
        return out

    def _subscribers(self, conn: Connection, boxes: list[G.Box], notify: str, now: float) -> list[Doc]:
        """Subscriptions to tell of a change over ``boxes``, their notification index moved on,
        grouped by ``uss_base_url``."""
        s = dss_subscriptions.c
        col = s.notify_oi if notify == "oir" else s.notify_c
        by_url: dict[str, list[Doc]] = {}
        for row in conn.execute(select(dss_subscriptions).where(col & (s.t_end > now)).order_by(s.id)):
            if G.any_meet(row.boxes, boxes):
                n = row.notification_index + 1
                conn.execute(update(dss_subscriptions).where(s.id == row.id).values(notification_index=n))
                by_url.setdefault(row.uss_base_url, []).append({"subscription_id": row.id, "notification_index": n})
        return [{"uss_base_url": u, "subscriptions": subs} for u, subs in by_url.items()]

    # -- operational intent and constraint references ---------------------------------------
    def put_reference(self, caller: Caller, kind: str, entity_id: str, ovn: str | None,
                      params: PutOperationalIntentReferenceParameters | PutConstraintReferenceParameters,
                      base: str) -> tuple[Doc, bool]:
        """Create (``ovn`` None) or update an OIR or CR; the response body and whether it was created."""
        _uuid(entity_id)
        now = time.time()
        boxes = _boxes(params.extents, now)
        is_oir = isinstance(params, PutOperationalIntentReferenceParameters)
        if isinstance(params, PutOperationalIntentReferenceParameters) and params.state in OFF_NOMINAL \
                and CONFORMANCE not in caller.scopes:
            raise AccessError(N_("state {state} needs the scope {scope}"), state=params.state, scope=CONFORMANCE)
        extents = [G.dumps(e) for e in params.extents]
        pieces = [G.to_volume(entity_id, k, caller.party, e) for k, e in enumerate(params.extents)]
        new_entries = [self.hub.live.entry(v, group=entity_id) for v in pieces]
        with ExitStack() as held:
            self._lock.acquire()  # the old pieces are read under the lock, then their areas are taken too
            held.callback(self._lock.release)
            old_entries = self.hub.live.pieces_of(entity_id, caller.party)
            old_ids = [e.id for e in old_entries]
            held.enter_context(self.hub.hold(LiveSet.lock_region(new_entries + old_entries)))
            with self.hub._transaction() as conn:
                subscribers, doc = self._write_reference(conn, caller, kind, entity_id, ovn, params, base, boxes,
                                                         extents, pieces, new_entries, old_ids, now)
            # committed: the live set follows while the locks are still held
            for k in old_ids:
                self.hub.live.drop(k)
            for e in new_entries:
                self.hub.live.put(e)
        name = "operational_intent_reference" if is_oir else "constraint_reference"
        return {name: doc, "subscribers": subscribers}, ovn is None

    def _write_reference(self, conn: Connection, caller: Caller, kind: str, entity_id: str, ovn: str | None,
                         params: PutOperationalIntentReferenceParameters | PutConstraintReferenceParameters,
                         base: str, boxes: list[G.Box], extents: list[Doc], pieces: list[Any],
                         new_entries: list[Entry], old_ids: list[str], now: float) -> tuple[list[Doc], Doc]:
        """The checks and the write of :meth:`put_reference`, in its transaction."""
        oir = params if isinstance(params, PutOperationalIntentReferenceParameters) else None
        row = self._row(conn, kind, entity_id)
        taken = conn.execute(select(plans.c.id).where(plans.c.id == entity_id)).first() or conn.execute(
            select(volumes.c.id).where(volumes.c.id == entity_id)).first() or conn.execute(
            select(dss_entities.c.id).where(dss_entities.c.id == entity_id)).first()
        if ovn is None:
            if taken:
                raise StateError(N_("{id} exists already"), id=entity_id)
            if oir is not None and oir.state != "Accepted":
                raise ServiceError(N_("a new operational intent must be Accepted, not {state}"), state=oir.state)
            version = 1
            old_boxes: list[G.Box] = []
            old_sub = None
        else:
            _managed(row, caller, kind, entity_id, ovn)
            version, old_boxes, old_sub = row.version + 1, row.boxes, row.subscription_id
        sub_id = None
        if oir is not None:
            if oir.state == "Activated" and oir.subscription_id is None and oir.new_subscription is None:
                raise ServiceError(N_("an Activated operational intent needs a subscription"))
            key = set(oir.key or ())
            missing = [r for r in self._all(conn, "oir", boxes) if r.id != entity_id
                       and (r.ovn if hasattr(r, "manager") else self._native_ovn(r.id, r.version)) not in key]
            if missing:
                raise KeyConflict([self._doc(conn, r, caller, base) for r in missing])
            sub_id = self._attach(conn, caller, entity_id, oir, boxes, extents, old_sub, now)
        new_ovn = uuid.uuid4().hex + uuid.uuid4().hex[:8]
        t0, t1 = G.span(boxes)
        values = {"kind": kind, "manager": caller.sub, "party": caller.party,
                  "state": oir.state if oir is not None else "Accepted", "version": version, "ovn": new_ovn,
                  "uss_base_url": params.uss_base_url, "subscription_id": sub_id, "extents": extents,
                  "boxes": boxes, "t_start": t0, "t_end": t1}
        if ovn is None:
            conn.execute(insert(dss_entities).values(id=entity_id, **values))
        else:
            conn.execute(update(dss_entities).where(dss_entities.c.id == entity_id).values(**values))
        self.hub.check_pieces(conn, caller.party, pieces, new_entries,
                              [k for k in old_ids if k not in {p.id for p in pieces}])
        events.record(conn, f"{kind}-{'filed' if ovn is None else 'updated'}", caller.party, [caller.party],
                      entity_id, id=entity_id, version=version, manager=caller.sub)
        subscribers = self._subscribers(conn, old_boxes + boxes, kind, now)
        doc = self._doc(conn, conn.execute(select(dss_entities).where(dss_entities.c.id == entity_id)).one(),
                        caller, base)
        return subscribers, doc

    def _attach(self, conn: Connection, caller: Caller, entity_id: str, params: PutOperationalIntentReferenceParameters,
                boxes: list[G.Box], extents: list[Doc], old_sub: str | None, now: float) -> str | None:
        """The subscription the OIR will name: a new or resized implicit one, or a given one that
        covers it; an implicit one left without dependents is deleted."""
        s = dss_subscriptions.c
        t0, t1 = G.span(boxes)
        old = conn.execute(select(dss_subscriptions).where(s.id == old_sub)).first() if old_sub else None
        chosen: str | None = None
        if params.new_subscription is not None:
            values = {"uss_base_url": params.new_subscription.uss_base_url, "notify_oi": True,
                      "notify_c": params.new_subscription.notify_for_constraints, "area": extents, "boxes": boxes,
                      "t_start": t0, "t_end": t1, "version": uuid.uuid4().hex[:16]}
            if old is not None and old.implicit and self._dependents(conn, old.id, entity_id) == []:
                conn.execute(update(dss_subscriptions).where(s.id == old.id).values(**values))
                return str(old.id)
            chosen = str(uuid.uuid4())
            conn.execute(insert(dss_subscriptions).values(id=chosen, manager=caller.sub, notification_index=0,
                                                          implicit=True, **values))
        elif params.subscription_id is not None:
            sub = conn.execute(select(dss_subscriptions).where(s.id == params.subscription_id)).first()
            if sub is None:
                raise ServiceError(N_("no subscription {id}"), id=params.subscription_id)
            if sub.manager != caller.sub:
                raise AccessError(N_("subscription {id} is managed by another USS"), id=sub.id)
            covers = sub.t_start <= t0 and sub.t_end >= t1 and all(
                any(_inside(b, a) for a in sub.boxes) for b in boxes)
            if not covers:
                if not sub.implicit:
                    raise ServiceError(N_("subscription {id} does not cover the operational intent"), id=sub.id)
                conn.execute(update(dss_subscriptions).where(s.id == sub.id).values(
                    t_start=min(sub.t_start, t0), t_end=max(sub.t_end, t1), area=sub.area + extents,
                    boxes=sub.boxes + boxes, version=uuid.uuid4().hex[:16]))
            chosen = str(sub.id)
        if old is not None and old.implicit and old.id != chosen and not self._dependents(conn, old.id, entity_id):
            conn.execute(delete(dss_subscriptions).where(s.id == old.id))
        return chosen

    @staticmethod
    def _dependents(conn: Connection, sub_id: str, but: str = "") -> list[str]:
        d = dss_entities.c
        return [r.id for r in conn.execute(select(d.id).where((d.subscription_id == sub_id) & (d.id != but))
                                           .order_by(d.id))]

    def get_reference(self, caller: Caller, kind: str, entity_id: str, base: str) -> Doc:
        _uuid(entity_id)
        with self.engine.connect() as conn:
            row = self._row(conn, kind, entity_id)
            if row is None:
                raise NotFoundError(N_("no {kind} {id}"), kind=kind.upper(), id=entity_id)
            name = "operational_intent_reference" if kind == "oir" else "constraint_reference"
            return {name: self._doc(conn, row, caller, base)}

    def delete_reference(self, caller: Caller, kind: str, entity_id: str, ovn: str, base: str) -> Doc:
        _uuid(entity_id)
        now = time.time()
        with ExitStack() as stack:
            stack.enter_context(self._lock)
            old_entries = self.hub.live.pieces_of(entity_id, caller.party)
            old_ids = [e.id for e in old_entries]
            stack.enter_context(self.hub.hold(LiveSet.lock_region(old_entries)))
            with self.hub._transaction() as conn:
                row = self._row(conn, kind, entity_id)
                _managed(row, caller, kind, entity_id, ovn)
                doc = self._doc(conn, row, caller, base)
                conn.execute(delete(dss_entities).where(dss_entities.c.id == entity_id))
                if row.subscription_id:
                    sub = conn.execute(select(dss_subscriptions).where(
                        dss_subscriptions.c.id == row.subscription_id)).first()
                    if sub is not None and sub.implicit and not self._dependents(conn, sub.id):
                        conn.execute(delete(dss_subscriptions).where(dss_subscriptions.c.id == sub.id))
                self.hub.check_pieces(conn, caller.party, [], [], old_ids)
                events.record(conn, f"{kind}-deleted", caller.party, [caller.party], entity_id, id=entity_id)
                subscribers = self._subscribers(conn, row.boxes, kind, now)
            for k in old_ids:
                self.hub.live.drop(k)
        name = "operational_intent_reference" if kind == "oir" else "constraint_reference"
        return {name: doc, "subscribers": subscribers}

    def query_references(self, caller: Caller, kind: str, area: Volume4D | None, base: str) -> Doc:
        boxes = [_search_box(area)]
        with self.engine.connect() as conn:
            docs = [self._doc(conn, r, caller, base) for r in self._all(conn, kind, boxes)]
        name = "operational_intent_references" if kind == "oir" else "constraint_references"
        return {name: docs}

    # -- subscriptions ---------------------------------------------------------------------
    def _sub_doc(self, conn: Connection, row: Any) -> Doc:
        return {"id": row.id, "version": row.version, "notification_index": row.notification_index,
                "time_start": G.dump_time(row.t_start), "time_end": G.dump_time(row.t_end),
                "uss_base_url": row.uss_base_url, "notify_for_operational_intents": row.notify_oi,
                "notify_for_constraints": row.notify_c, "implicit_subscription": row.implicit,
                "dependent_operational_intents": self._dependents(conn, row.id)}

    def put_subscription(self, caller: Caller, sub_id: str, version: str | None, params: PutSubscriptionParameters,
                         base: str) -> Doc:
        _uuid(sub_id)
        now = time.time()
        e = params.extents
        t0 = e.time_start.value.timestamp() if e.time_start else now
        t1 = e.time_end.value.timestamp() if e.time_end else t0 + MAX_SUBSCRIPTION_S
        if t1 - t0 > MAX_SUBSCRIPTION_S + 1.0:
            raise ServiceError(N_("a subscription lasts at most 24 hours"))
        if t1 <= now:
            raise ServiceError(N_("the subscription ends in the past"))
        b = G.box(e, need_times=False, need_alts=False, default_start=t0, default_end=t1)
        if G.area_km2(e) > MAX_SEARCH_KM2:
            raise ServiceError(N_("the area is larger than {km2} km²"), km2=int(MAX_SEARCH_KM2))
        s = dss_subscriptions.c
        with self._lock, self.hub._transaction() as conn:
            row = conn.execute(select(dss_subscriptions).where(s.id == sub_id)).first()
            values = {"uss_base_url": params.uss_base_url, "notify_oi": params.notify_for_operational_intents,
                      "notify_c": params.notify_for_constraints, "area": [G.dumps(e)], "boxes": [b],
                      "t_start": t0, "t_end": t1, "version": uuid.uuid4().hex[:16]}
            if version is None:
                if row is not None:
                    raise StateError(N_("subscription {id} exists already"), id=sub_id)
                conn.execute(insert(dss_subscriptions).values(id=sub_id, manager=caller.sub, notification_index=0,
                                                              implicit=False, **values))
                events.record(conn, "subscription-filed", caller.party, [caller.party], sub_id, id=sub_id)
            else:
                if row is None:
                    raise NotFoundError(N_("no subscription {id}"), id=sub_id)
                if row.manager != caller.sub:
                    raise AccessError(N_("subscription {id} is managed by another USS"), id=sub_id)
                if version != row.version:
                    raise StateError(N_("the version given is not the current one of subscription {id}"), id=sub_id)
                conn.execute(update(dss_subscriptions).where(s.id == sub_id).values(**values))
                events.record(conn, "subscription-updated", caller.party, [caller.party], sub_id, id=sub_id)
            row = conn.execute(select(dss_subscriptions).where(s.id == sub_id)).one()
            out: Doc = {"subscription": self._sub_doc(conn, row)}
            out["operational_intent_references"] = ([self._doc(conn, r, caller, base)
                                                     for r in self._all(conn, "oir", [b])]
                                                    if params.notify_for_operational_intents else [])
            out["constraint_references"] = ([self._doc(conn, r, caller, base) for r in self._all(conn, "cr", [b])]
                                            if params.notify_for_constraints else [])
        return out

    def _own_subscription(self, conn: Connection, caller: Caller, sub_id: str) -> Any:
        _uuid(sub_id)
        row = conn.execute(select(dss_subscriptions).where(dss_subscriptions.c.id == sub_id)).first()
        if row is None:
            raise NotFoundError(N_("no subscription {id}"), id=sub_id)
        if row.manager != caller.sub:
            raise AccessError(N_("subscription {id} is managed by another USS"), id=sub_id)
        return row

    def get_subscription(self, caller: Caller, sub_id: str) -> Doc:
        with self.engine.connect() as conn:
            return {"subscription": self._sub_doc(conn, self._own_subscription(conn, caller, sub_id))}

    def delete_subscription(self, caller: Caller, sub_id: str, version: str) -> Doc:
        with self._lock, self.hub._transaction() as conn:
            row = self._own_subscription(conn, caller, sub_id)
            if version != row.version:
                raise StateError(N_("the version given is not the current one of subscription {id}"), id=sub_id)
            doc = self._sub_doc(conn, row)
            if doc["dependent_operational_intents"]:
                raise ServiceError(N_("subscription {id} still has dependent operational intents"), id=sub_id)
            conn.execute(delete(dss_subscriptions).where(dss_subscriptions.c.id == sub_id))
            events.record(conn, "subscription-deleted", caller.party, [caller.party], sub_id, id=sub_id)
        return {"subscription": doc}

    def query_subscriptions(self, caller: Caller, area: Volume4D | None) -> Doc:
        b = _search_box(area)
        s = dss_subscriptions.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(dss_subscriptions).where((s.manager == caller.sub) & (s.t_end > time.time()))
                                .order_by(s.id)).all()
            return {"subscriptions": [self._sub_doc(conn, r) for r in rows if G.any_meet(r.boxes, [b])]}

    # -- USS availability and reports -------------------------------------------------------
    def get_availability(self, uss: str) -> Doc:
        with self.engine.connect() as conn:
            a, v = self._availability(conn, uss)
        return {"status": {"uss": uss, "availability": a}, "version": v}

    def set_availability(self, caller: Caller, uss: str, params: SetUssAvailabilityStatusParameters) -> Doc:
        with self._lock, self.hub._transaction() as conn:
            _, v = self._availability(conn, uss)
            if params.old_version != v:
                raise StateError(N_("the version given is not the current one of {uss}"), uss=uss)
            new = uuid.uuid4().hex[:16]
            conn.execute(delete(dss_availability).where(dss_availability.c.uss == uss))
            conn.execute(insert(dss_availability).values(uss=uss, availability=params.availability, version=new))
            events.record(conn, "uss-availability", caller.party, [events.EVERYONE], uss=uss,
                          availability=params.availability)
        return {"status": {"uss": uss, "availability": params.availability}, "version": new}

    def report(self, caller: Caller, body: Doc) -> Doc:
        """Take an error report: its id is recorded as an event (the body itself is not kept)."""
        report_id = str(uuid.uuid4())
        with self.hub._transaction() as conn:
            events.record(conn, "dss-report", caller.party, [caller.party], report_id=report_id, by=caller.sub)
        return {**body, "report_id": report_id}


def _managed(row: Any, caller: Caller, kind: str, entity_id: str, ovn: str) -> None:
    """Refuse a change of ``row`` unless it is an F3548 entity the caller manages, at ``ovn``."""
    if row is None:
        raise NotFoundError(N_("no {kind} {id}"), kind=kind.upper(), id=entity_id)
    if not hasattr(row, "manager"):
        raise AccessError(N_("{id} is managed through skypact's own API"), id=entity_id)
    if row.manager != caller.sub:
        raise AccessError(N_("{id} is managed by another USS"), id=entity_id)
    if ovn != row.ovn:
        raise StateError(N_("the OVN given is not the current one of {id}"), id=entity_id)


def _inside(b: G.Box, a: G.Box) -> bool:
    """Whether box ``b`` lies within box ``a`` horizontally and vertically."""
    return (a["lat_min"] <= b["lat_min"] and b["lat_max"] <= a["lat_max"] and a["lon_min"] <= b["lon_min"]
            and b["lon_max"] <= a["lon_max"] and a["alt_min_m"] <= b["alt_min_m"] and b["alt_max_m"] <= a["alt_max_m"])


def _search_box(area: Volume4D | None) -> G.Box:
    if area is None:
        raise ServiceError(N_("area_of_interest is required"))
    if G.area_km2(area) > MAX_SEARCH_KM2:
        raise ServiceError(N_("the area is larger than {km2} km²"), km2=int(MAX_SEARCH_KM2))
    return G.box(area, need_times=False, need_alts=False)
