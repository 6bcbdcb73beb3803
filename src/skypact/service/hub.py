"""The hub: parties and credentials, plan filing with the conflict check in the same transaction.

Filing a plan: validate it, then in one transaction load every other live plan, probe the new
plan against them with the strategic engine, store the plan and its conflicts, and answer with
the conflicts and resolution suggestions.  A dry run does the same without storing.  Only writes
whose areas and times overlap are serialised (:mod:`skypact.service.areas`).

Data minimisation: another party sees a plan's reference only - id, owner, state, version and
4D bounding extents per leg - unless the plan conflicts with one of its own plans, in which case
it also sees the legs (waypoints and times) that overlap the conflict's time window.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine, delete, insert, or_, select, update

from skypact.errors import AccessError, AuthError, NotFoundError, StateError
from skypact.geo.geodesy import geodesic_points
from skypact.i18n import N_
from skypact.minima import MinimaTable
from skypact.plans.model import FlightPlan
from skypact.plans.validate import validate_plan
from skypact.report import conflict_dict, plans_to_resolve
from skypact.service.areas import AreaLocks
from skypact.service.auth import Principal, hash_secret, issue_token, new_credential, verify_secret
from skypact.store.tables import conflicts, credentials, parties, plans, requests, subjects
from skypact.strategic import EngineSettings, Strategic
from skypact.strategic.resolve import suggest

__all__ = ["TRANSITIONS", "FilingResult", "Hub"]

#: allowed plan state changes
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "Proposed": ("Accepted", "Ended"),
    "Accepted": ("Activated", "Ended"),
    "Activated": ("Nonconforming", "Contingent", "Ended"),
    "Nonconforming": ("Activated", "Contingent", "Ended"),
    "Contingent": ("Ended",),
    "Ended": (),
}


@dataclass(frozen=True)
class FilingResult:
    plan: dict[str, Any]
    conflicts: list[dict[str, Any]]
    resolutions: list[dict[str, Any]]
    stored: bool


def extents(plan: FlightPlan) -> list[dict[str, float]]:
    """Per leg: the 4D box (lat, lon, altitude in metres, time) that holds the leg's geodesic."""
    w = plan.waypoints
    lat = np.array([p.lat for p in w])
    lon = np.array([p.lon for p in w])
    plat, plon, _, leg, _ = geodesic_points(lat[:-1], lon[:-1], lat[1:], lon[1:], 10_000.0)
    out = []
    for i in range(len(w) - 1):
        la = np.append(plat[leg == i], w[i + 1].lat)
        lo = np.append(plon[leg == i], w[i + 1].lon)
        out.append({"lat_min": float(la.min()), "lat_max": float(la.max()), "lon_min": float(lo.min()),
                    "lon_max": float(lo.max()), "alt_min_m": min(w[i].alt.metres, w[i + 1].alt.metres),
                    "alt_max_m": max(w[i].alt.metres, w[i + 1].alt.metres),
                    "t_start": w[i].time.timestamp(), "t_end": w[i + 1].time.timestamp()})
    return out


class Hub:
    """The service's operations; every method checks the caller's rights."""

    def __init__(self, engine: Engine, token_key: bytes, minima: MinimaTable | None = None) -> None:
        self.engine = engine
        self.token_key = token_key
        self.settings = EngineSettings(minima=minima or MinimaTable())
        self.areas = AreaLocks(self.settings)

    # -- parties and credentials -------------------------------------------------------
    def add_party(self, name: str, lang: str = "en", units: str = "imperial", max_priority: int = 0,
                  role: str = "operator") -> tuple[str, str]:
        """Create a party with one credential; returns (key id, secret), shown only now."""
        key_id, secret = new_credential()
        with self.engine.begin() as conn:
            if conn.execute(select(parties.c.id).where(parties.c.id == name)).first():
                raise StateError(N_("party {party} exists already"), party=name)
            conn.execute(insert(parties).values(id=name, lang=lang, units=units, max_priority=max_priority,
                                                suspended=False))
            conn.execute(insert(credentials).values(key_id=key_id, party=name, role=role,
                                                    secret_hash=hash_secret(secret), revoked=False))
        return key_id, secret

    def token(self, key_id: str, secret: str, ttl_s: int = 3600) -> str:
        """A bearer token for a valid, unrevoked credential of an active party."""
        with self.engine.connect() as conn:
            row = conn.execute(select(credentials, parties.c.suspended).join(parties)
                               .where(credentials.c.key_id == key_id)).first()
        if row is None or row.revoked or row.suspended or not verify_secret(secret, row.secret_hash):
            raise AuthError(N_("unknown or revoked credentials"))
        return issue_token(self.token_key, Principal(row.party, row.role), ttl_s, kid=key_id)

    def revoke(self, key_id: str) -> None:
        """Revoke one credential: its tokens stop working at once."""
        with self.engine.begin() as conn:
            n = conn.execute(update(credentials).where(credentials.c.key_id == key_id).values(revoked=True)).rowcount
        if not n:
            raise NotFoundError(N_("no credential {key_id}"), key_id=key_id)

    def rotate(self, party: str, role: str = "operator") -> tuple[str, str]:
        """A new credential for ``party``; every earlier one of that role is revoked."""
        key_id, secret = new_credential()
        with self.engine.begin() as conn:
            if not conn.execute(select(parties.c.id).where(parties.c.id == party)).first():
                raise NotFoundError(N_("no party {party}"), party=party)
            conn.execute(update(credentials).where((credentials.c.party == party) & (credentials.c.role == role))
                         .values(revoked=True))
            conn.execute(insert(credentials).values(key_id=key_id, party=party, role=role,
                                                    secret_hash=hash_secret(secret), revoked=False))
        return key_id, secret

    def map_subject(self, sub: str, party: str, role: str = "operator") -> None:
        """Let tokens of a trusted outside issuer with subject ``sub`` act for ``party``."""
        with self.engine.begin() as conn:
            if not conn.execute(select(parties.c.id).where(parties.c.id == party)).first():
                raise NotFoundError(N_("no party {party}"), party=party)
            conn.execute(delete(subjects).where(subjects.c.sub == sub))
            conn.execute(insert(subjects).values(sub=sub, party=party, role=role))

    def subject(self, sub: str) -> Principal:
        """The party an outside subject acts for."""
        with self.engine.connect() as conn:
            row = conn.execute(select(subjects.c.party, subjects.c.role, parties.c.suspended).join(parties)
                               .where(subjects.c.sub == sub)).first()
        if row is None or row.suspended:
            raise AuthError(N_("the token's subject is not mapped to an active party"))
        return Principal(row.party, row.role)

    def check_key(self, key_id: str) -> None:
        """Refuse tokens of revoked credentials or suspended parties."""
        with self.engine.connect() as conn:
            row = conn.execute(select(credentials.c.revoked, parties.c.suspended).join(parties)
                               .where(credentials.c.key_id == key_id)).first()
        if row is None or row.revoked or row.suspended:
            raise AuthError(N_("unknown or revoked credentials"))

    # -- plans -------------------------------------------------------------------------
    def file_plan(self, who: Principal, plan: FlightPlan, dry_run: bool = False,
                  request_key: str | None = None) -> FilingResult:
        """Check ``plan`` against every other live plan and, unless ``dry_run``, store it.

        With ``request_key`` the filing is idempotent: a retry with the same key and body gets
        the first answer and stores nothing more; the same key with another body is refused.
        """
        return self._write_plan(who, plan, None, dry_run, request_key)

    def update_plan(self, who: Principal, plan: FlightPlan, if_version: int) -> FilingResult:
        """Replace an own plan whose current version is ``if_version`` (optimistic concurrency)."""
        return self._write_plan(who, plan, if_version, False, None)

    def _write_plan(self, who: Principal, plan: FlightPlan, if_version: int | None, dry_run: bool,
                    request_key: str | None) -> FilingResult:
        if "plans:write" not in who.scopes:
            raise AccessError(N_("role {role} may not file plans"), role=who.role)
        if plan.party != who.party:
            raise AccessError(N_("a party files only its own plans (plan party {plan_party}, caller {party})"),
                              plan_party=plan.party, party=who.party)
        validate_plan(plan)
        body = plan.model_dump(mode="json")
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        cells = set(self.areas.cells(plan))
        if if_version is not None:  # the old version's area too: writes there must not see it change
            cells |= set(self._cells_of(plan.id))
        with self.areas.hold(sorted(cells)), self.engine.begin() as conn:
            if request_key is not None:
                seen = conn.execute(select(requests).where((requests.c.party == who.party)
                                                           & (requests.c.key == request_key))).first()
                if seen is not None:
                    if seen.body_hash != digest:
                        raise StateError(N_("request id {key} was already used with another body"), key=request_key)
                    return FilingResult(**seen.response, stored=True)
            maxp = conn.execute(select(parties.c.max_priority).where(parties.c.id == who.party)).scalar_one()
            if plan.priority > maxp:
                raise AccessError(N_("priority {priority} is above the party's maximum {max}"),
                                  priority=plan.priority, max=maxp)
            current = conn.execute(select(plans.c.party, plans.c.version).where(plans.c.id == plan.id)).first()
            if if_version is None and current is not None:
                raise StateError(N_("plan {id} exists already"), id=plan.id)
            if if_version is not None:
                if current is None:
                    raise NotFoundError(N_("no plan {id}"), id=plan.id)
                if current.party != who.party:
                    raise AccessError(N_("plan {id} belongs to another party"), id=plan.id)
                if current.version != if_version:
                    raise StateError(N_("plan {id} is at version {current}, not {given}: read it again"),
                                     id=plan.id, current=current.version, given=if_version)
            version = 1 if current is None else current.version + 1
            live = [FlightPlan.model_validate(r.body)
                    for r in conn.execute(select(plans.c.body).where(plans.c.id != plan.id))]
            st = Strategic(live, settings=self.settings)
            found = st.probe(plan)
            prio = {p.id: p.priority for p in [*live, plan]}
            res = [suggest(st, plan)] if plan.id in plans_to_resolve(found, prio) else []
            ref = {"id": plan.id, "party": plan.party, "state": "Proposed", "version": version,
                   "extents": extents(plan)}
            result = FilingResult(
                plan={**ref, "plan": body},
                conflicts=[conflict_dict(c) for c in found],
                resolutions=[{"plan": r.plan, "delay_s": r.delay_s, "level_change_ft": r.level_change_ft,
                              "new_level_ft": r.new_level_ft} for r in res],
                stored=not dry_run,
            )
            if dry_run:
                return result
            row = {"party": plan.party, "state": "Proposed", "version": version, "body": body,
                   "t_start": plan.start.timestamp(), "t_end": plan.end.timestamp(), "extents": ref["extents"]}
            if current is None:
                conn.execute(insert(plans).values(id=plan.id, **row))
            else:
                conn.execute(update(plans).where(plans.c.id == plan.id).values(**row))
                conn.execute(delete(conflicts).where(or_(conflicts.c.plan_a == plan.id, conflicts.c.plan_b == plan.id)))
            for c in found:
                conn.execute(insert(conflicts).values(plan_a=c.a, plan_b=c.b, record=conflict_dict(c), note=""))
            if request_key is not None:
                conn.execute(insert(requests).values(
                    party=who.party, key=request_key, body_hash=digest, status=201,
                    response={"plan": result.plan, "conflicts": result.conflicts, "resolutions": result.resolutions}))
        return result

    def _cells_of(self, plan_id: str) -> list[int]:
        """The area cells of a stored plan (none when there is no such plan)."""
        with self.engine.connect() as conn:
            body = conn.execute(select(plans.c.body).where(plans.c.id == plan_id)).scalar_one_or_none()
        return self.areas.cells(FlightPlan.model_validate(body)) if body is not None else []

    def _view(self, conn: Any, who: Principal, row: Any) -> dict[str, Any]:
        ref = {"id": row.id, "party": row.party, "state": row.state, "version": row.version, "extents": row.extents}
        if row.party == who.party:
            return {**ref, "plan": row.body}
        mine = select(plans.c.id).where(plans.c.party == who.party)
        links = conn.execute(select(conflicts.c.record).where(or_(
            (conflicts.c.plan_a == row.id) & conflicts.c.plan_b.in_(mine),
            (conflicts.c.plan_b == row.id) & conflicts.c.plan_a.in_(mine)))).all()
        if not links:
            return ref
        wps = row.body["waypoints"]
        ext = row.extents
        shown = set()
        for (rec,) in links:
            s, e = _ts(rec["start"]), _ts(rec["end"])
            shown |= {i for i, x in enumerate(ext) if x["t_start"] < e and x["t_end"] > s}
        legs = [{"from": wps[i], "to": wps[i + 1]} for i in sorted(shown)]
        return {**ref, "conflicting_legs": legs}

    def get_plan(self, who: Principal, plan_id: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(plans).where(plans.c.id == plan_id)).first()
            if row is None:
                raise NotFoundError(N_("no plan {id}"), id=plan_id)
            return self._view(conn, who, row)

    def list_plans(self, who: Principal) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [self._view(conn, who, r) for r in conn.execute(select(plans).order_by(plans.c.id))]

    def delete_plan(self, who: Principal, plan_id: str) -> None:
        if "plans:write" not in who.scopes:
            raise AccessError(N_("role {role} may not file plans"), role=who.role)
        with self.areas.hold(self._cells_of(plan_id)), self.engine.begin() as conn:
            row = conn.execute(select(plans.c.party).where(plans.c.id == plan_id)).first()
            if row is None:
                raise NotFoundError(N_("no plan {id}"), id=plan_id)
            if row.party != who.party:
                raise AccessError(N_("plan {id} belongs to another party"), id=plan_id)
            conn.execute(delete(conflicts).where(or_(conflicts.c.plan_a == plan_id, conflicts.c.plan_b == plan_id)))
            conn.execute(delete(plans).where(plans.c.id == plan_id))

    def set_state(self, who: Principal, plan_id: str, state: str) -> dict[str, Any]:
        """Move an own plan to ``state`` (see :data:`TRANSITIONS`).

        A plan with an unresolved conflict against a plan of higher priority cannot be Accepted.
        """
        if "plans:write" not in who.scopes:
            raise AccessError(N_("role {role} may not file plans"), role=who.role)
        with self.areas.hold(self._cells_of(plan_id)), self.engine.begin() as conn:
            row = conn.execute(select(plans).where(plans.c.id == plan_id)).first()
            if row is None:
                raise NotFoundError(N_("no plan {id}"), id=plan_id)
            if row.party != who.party:
                raise AccessError(N_("plan {id} belongs to another party"), id=plan_id)
            if state not in TRANSITIONS.get(row.state, ()):
                raise StateError(N_("a plan cannot go from {old} to {new}"), old=row.state, new=state)
            if state == "Accepted":
                mine = row.body["priority"]
                others = [r.plan_b if r.plan_a == plan_id else r.plan_a for r in conn.execute(
                    select(conflicts.c.plan_a, conflicts.c.plan_b).where(
                        or_(conflicts.c.plan_a == plan_id, conflicts.c.plan_b == plan_id)))]
                for (body,) in conn.execute(select(plans.c.body).where(plans.c.id.in_(others))):
                    if body["priority"] > mine:
                        raise StateError(N_("plan {id} conflicts with the higher-priority plan {other}: resolve "
                                            "it before accepting"), id=plan_id, other=body["id"])
            conn.execute(update(plans).where(plans.c.id == plan_id).values(state=state, version=row.version + 1))
            row = conn.execute(select(plans).where(plans.c.id == plan_id)).first()
            return self._view(conn, who, row)

    def suspend(self, party: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(parties).where(parties.c.id == party).values(suspended=True))


def _ts(text: str) -> float:
    """Epoch seconds of an RFC 3339 UTC time as written by :func:`skypact.report.rfc3339`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
