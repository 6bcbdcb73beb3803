"""Operational intent references: the conformance scenarios OIRSimple, OIRKeyValidation,
OpIntentReferenceStateTransitions and OpIntentReferenceAccessControl (``shared/interop/f3548.md``
§5.1-5.2), OVN visibility and ignored unknown fields.  Every answer is parsed with uas-standards."""

from __future__ import annotations

import time
from typing import Any

from uas_standards.astm.f3548.v21.api import (
    AirspaceConflictResponse,
    ChangeOperationalIntentReferenceResponse,
    GetOperationalIntentReferenceResponse,
    QueryOperationalIntentReferenceResponse,
)

from tests.dss.conftest import CMSA, SC, New, error, oir_body, parsed, volume

OIRS = "/dss/v1/operational_intent_references"
HIDDEN = "Available from USS"


def _epoch(t: Any) -> float:
    return float(t.value.datetime.timestamp())


def create(d: dict[str, Any], oid: str, body: dict[str, Any], sub: str = "uss1", *scopes: str) -> Any:
    r = d["client"].put(f"{OIRS}/{oid}", json=body, headers=d["h"](sub, *scopes))
    return parsed(r, 201, ChangeOperationalIntentReferenceResponse).operational_intent_reference


def test_oir_simple(dss: dict[str, Any], new_id: New) -> None:
    c, h = dss["client"], dss["h"]("uss1")
    now = time.time()
    area = {"area_of_interest": volume(now - 60, now + 3600, size=0.05)}
    parsed(c.post(f"{OIRS}/query", json=area, headers=h), 200, QueryOperationalIntentReferenceResponse)
    oid = new_id()
    error(c.get(f"{OIRS}/{oid}", headers=h), 404)
    body = oir_body(now - 10, now + 1200)
    ref = create(dss, oid, body)
    assert (ref.id, ref.manager, ref.state, ref.uss_base_url) == (oid, "uss1", "Accepted", body["uss_base_url"])
    assert abs(_epoch(ref.time_start) - (now - 10)) < 1 and abs(_epoch(ref.time_end) - (now + 1200)) < 1
    assert isinstance(ref.version, int) and 16 <= len(ref.ovn) <= 128
    assert ref.subscription_id == "00000000-0000-4000-8000-000000000000" and ref.uss_availability == "Unknown"
    found = parsed(c.post(f"{OIRS}/query", json=area, headers=h), 200, QueryOperationalIntentReferenceResponse)
    assert [o.id for o in found.operational_intent_references] == [oid]
    # delete and update with an empty or a wrong OVN
    assert c.delete(f"{OIRS}/{oid}/", headers=h).status_code in (400, 404, 409)
    error(c.delete(f"{OIRS}/{oid}/{'0' * 40}", headers=h), 409)
    assert c.put(f"{OIRS}/{oid}/", json=body, headers=h).status_code in (400, 404, 409)
    error(c.put(f"{OIRS}/{oid}/{'0' * 40}", json=body, headers=h), 409)
    moved = {**body, "uss_base_url": "https://testdummy.interuss.org/uss1/v2?correct-ovn-mutation=true",
             "new_subscription": {"uss_base_url": "https://testdummy.interuss.org/uss1"}}
    r = c.put(f"{OIRS}/{oid}/{ref.ovn}", json=moved, headers=h)
    ref2 = parsed(r, 200, ChangeOperationalIntentReferenceResponse).operational_intent_reference
    assert ref2.ovn != ref.ovn and ref2.version != ref.version and ref2.uss_base_url == moved["uss_base_url"]
    gone = parsed(c.delete(f"{OIRS}/{oid}/{ref2.ovn}", headers=h), 200, ChangeOperationalIntentReferenceResponse)
    assert (gone.operational_intent_reference.ovn, gone.operational_intent_reference.version) == (ref2.ovn,
                                                                                                  ref2.version)
    error(c.get(f"{OIRS}/{oid}", headers=h), 404)


def test_oir_key_validation(dss: dict[str, Any], new_id: New) -> None:
    c, h = dss["client"], dss["h"]("uss1")
    now = time.time()
    a, b, cid = new_id(), new_id(), new_id()
    ra = create(dss, a, oir_body(now, now + 1200))
    rb = create(dss, b, oir_body(now + 4800, now + 6000))  # same area, an hour later: no key needed

    def refused(body: dict[str, Any], path: str, names: set[str]) -> None:
        r = c.put(path, json=body, headers=h)
        conflict = parsed(r, 409, AirspaceConflictResponse)
        assert {o.id for o in conflict.missing_operational_intents} >= names
        assert all(o.ovn == HIDDEN or o.manager == "uss1" for o in conflict.missing_operational_intents)

    refused(oir_body(now + 600, now + 1800), f"{OIRS}/{cid}", {a})
    refused(oir_body(now + 5000, now + 5500), f"{OIRS}/{cid}", {b})
    refused(oir_body(now + 600, now + 5500), f"{OIRS}/{cid}", {a, b})
    rc = create(dss, cid, oir_body(now + 600, now + 5500, key=[ra.ovn, rb.ovn, "extra-ovn-is-harmless-000"]))
    path = f"{OIRS}/{cid}/{rc.ovn}"
    refused(oir_body(now + 600, now + 5500), path, {a, b})
    refused(oir_body(now + 600, now + 5500, key=[rb.ovn]), path, {a})
    refused(oir_body(now + 600, now + 1800), path, {a})
    # the OIR being updated never needs its own OVN
    ok = c.put(path, json=oir_body(now + 600, now + 1800, key=[ra.ovn]), headers=h)
    parsed(ok, 200, ChangeOperationalIntentReferenceResponse)


def test_state_transitions(dss: dict[str, Any], new_id: New) -> None:
    c, h = dss["client"], dss["h"]("uss1")
    now = time.time()
    for state in ("Nonconforming", "Contingent"):
        assert c.put(f"{OIRS}/{new_id()}", json=oir_body(now - 1, now + 600, state=state),
                     headers=h).status_code in (400, 403)
    oid = new_id()
    ref = create(dss, oid, oir_body(now - 1, now + 600))
    r = c.put(f"{OIRS}/{oid}/{ref.ovn}", json=oir_body(now - 1, now + 600, state="Nonconforming"), headers=h)
    error(r, 403)
    error(c.put(f"{OIRS}/{oid}/{ref.ovn}", json=oir_body(now - 1, now + 600, state="Activated"), headers=h), 400)
    act = oir_body(now - 1, now + 600, state="Activated",
                   new_subscription={"uss_base_url": "https://testdummy.interuss.org/uss1", "notify_for_constraints":
                                     False})
    ref = parsed(c.put(f"{OIRS}/{oid}/{ref.ovn}", json=act, headers=h), 200,
                 ChangeOperationalIntentReferenceResponse).operational_intent_reference
    assert ref.state == "Activated" and ref.subscription_id != "00000000-0000-4000-8000-000000000000"
    error(c.put(f"{OIRS}/{oid}/{ref.ovn}", json={**act, "state": "Nonconforming"}, headers=h), 403)
    ref = parsed(c.put(f"{OIRS}/{oid}/{ref.ovn}", json=act, headers=h), 200,
                 ChangeOperationalIntentReferenceResponse).operational_intent_reference
    both = dss["h"]("uss1", SC, CMSA)  # off-nominal states with the conformance scope
    ref = parsed(c.put(f"{OIRS}/{oid}/{ref.ovn}", json={**act, "state": "Nonconforming"}, headers=both), 200,
                 ChangeOperationalIntentReferenceResponse).operational_intent_reference
    assert ref.state == "Nonconforming"
    parsed(c.delete(f"{OIRS}/{oid}/{ref.ovn}", headers=h), 200, ChangeOperationalIntentReferenceResponse)


def test_access_control(dss: dict[str, Any], new_id: New) -> None:
    c, h1, h2 = dss["client"], dss["h"]("uss1"), dss["h"]("uss2")
    now = time.time()
    o1, o2 = new_id(), new_id()
    sub = {"new_subscription": {"uss_base_url": "https://testdummy.interuss.org/uss1"}}
    first = c.put(f"{OIRS}/{o1}", json=oir_body(now, now + 900, **sub), headers=h1)
    created = first.json()
    r1 = parsed(first, 201, ChangeOperationalIntentReferenceResponse).operational_intent_reference
    r2 = parsed(c.put(f"{OIRS}/{o2}", json=oir_body(now, now + 900, key=[r1.ovn]), headers=h2), 201,
                ChangeOperationalIntentReferenceResponse)
    assert [s.subscriptions[0].subscription_id for s in r2.subscribers] == [r1.subscription_id]
    seen = parsed(c.get(f"{OIRS}/{o1}", headers=h2), 200, GetOperationalIntentReferenceResponse)
    assert seen.operational_intent_reference.ovn == HIDDEN  # the OVN is for its manager only
    full = oir_body(now, now + 900, key=[r1.ovn, r2.operational_intent_reference.ovn], **sub)
    error(c.put(f"{OIRS}/{o1}/{r1.ovn}", json=full, headers=h2), 403)
    error(c.delete(f"{OIRS}/{o1}/{r1.ovn}", headers=h2), 403)
    after = c.get(f"{OIRS}/{o1}", headers=h1).json()
    assert after["operational_intent_reference"] == created["operational_intent_reference"]


def test_unknown_fields_are_ignored_and_not_stored(dss: dict[str, Any], new_id: New) -> None:
    c, h = dss["client"], dss["h"]("uss1")
    now = time.time()
    oid = new_id()
    body = oir_body(now, now + 600, target="not for skypact", weapons={"x": 1})
    create(dss, oid, body)
    with dss["hub"].engine.connect() as conn:
        from sqlalchemy import select

        from skypact.store.tables import dss_entities

        row = conn.execute(select(dss_entities).where(dss_entities.c.id == oid)).one()
    stored = str(dict(row._mapping))
    assert "target" not in stored and "weapons" not in stored and "request_id" not in stored
    error(c.put(f"{OIRS}/not-a-uuid", json=body, headers=h), 400)
    error(c.put(f"{OIRS}/{new_id()}", json={**body, "extents": [volume(now - 600, now - 60)]}, headers=h), 400)
