"""Subscriptions: the conformance scenarios OIRImplicitSubHandling, OIRExplicitSubHandling,
SubscriptionSimple and SubscriptionValidation (``shared/interop/f3548.md`` §5.2)."""

from __future__ import annotations

import time
from typing import Any

from uas_standards.astm.f3548.v21.api import (
    ChangeOperationalIntentReferenceResponse,
    GetOperationalIntentReferenceResponse,
    GetSubscriptionResponse,
    PutSubscriptionResponse,
    QuerySubscriptionsResponse,
)

from tests.dss.conftest import New, error, oir_body, parsed, volume

OIRS, SUBS = "/dss/v1/operational_intent_references", "/dss/v1/subscriptions"
NULL = "00000000-0000-4000-8000-000000000000"
IMPLICIT = {"new_subscription": {"uss_base_url": "https://testdummy.interuss.org/uss1",
                                 "notify_for_constraints": False}}


def _t(t: Any) -> float:
    return float(t.value.datetime.timestamp())


def put_oir(d: dict[str, Any], path: str, body: dict[str, Any], status: int = 201) -> Any:
    r = d["client"].put(path, json=body, headers=d["h"]("uss1"))
    return parsed(r, status, ChangeOperationalIntentReferenceResponse)


def get_sub(d: dict[str, Any], sid: str) -> Any:
    return parsed(d["client"].get(f"{SUBS}/{sid}", headers=d["h"]("uss1")), 200, GetSubscriptionResponse).subscription


def sub_body(t0: float | None, t1: float | None, notify_oi: bool = True, size: float = 0.02,
             **extra: Any) -> dict[str, Any]:
    v = volume(t0 or 0, t1 or 0, size=size)
    for k, t in (("time_start", t0), ("time_end", t1)):
        if t is None:
            del v[k]
    return {"extents": v, "uss_base_url": "https://testdummy.interuss.org/uss1/sub",
            "notify_for_operational_intents": notify_oi, "notify_for_constraints": False, "request_id": "x", **extra}


def test_implicit_subscriptions(dss: dict[str, Any], new_id: New) -> None:
    c, h = dss["client"], dss["h"]("uss1")
    now = time.time()
    o1 = new_id()
    r1 = put_oir(dss, f"{OIRS}/{o1}", oir_body(now, now + 22 * 3600, **IMPLICIT)).operational_intent_reference
    s1 = get_sub(dss, r1.subscription_id)
    assert s1.implicit_subscription and s1.notify_for_operational_intents
    assert abs(_t(s1.time_start) - now) < 1 and abs(_t(s1.time_end) - (now + 22 * 3600)) < 1
    # no subscription asked: none attached, the null id is not a subscription
    o2 = new_id()
    r2 = put_oir(dss, f"{OIRS}/{o2}", oir_body(now, now + 600, key=[r1.ovn])).operational_intent_reference
    assert r2.subscription_id == NULL
    error(c.get(f"{SUBS}/{NULL}", headers=h), 404)
    # an intersecting write lists the other OIR's implicit subscription; a later one in time does not
    o3 = new_id()
    a3 = put_oir(dss, f"{OIRS}/{o3}", oir_body(now + 60, now + 600, key=[r1.ovn, r2.ovn], **IMPLICIT))
    assert r1.subscription_id in {s.subscription_id for g in a3.subscribers for s in g.subscriptions}
    assert all(s.notification_index >= 0 for g in a3.subscribers for s in g.subscriptions)
    r3 = a3.operational_intent_reference
    later = put_oir(dss, f"{OIRS}/{new_id()}", oir_body(now + 23 * 3600, now + 24 * 3600))
    assert r3.subscription_id not in {s.subscription_id for g in later.subscribers for s in g.subscriptions}
    # shorter time with new_subscription again: the implicit subscription follows the new range
    keys = [r1.ovn, r2.ovn]
    r3 = put_oir(dss, f"{OIRS}/{o3}/{r3.ovn}", oir_body(now + 60, now + 300, key=keys, **IMPLICIT),
                 200).operational_intent_reference
    s3 = get_sub(dss, r3.subscription_id)
    assert abs(_t(s3.time_start) - (now + 60)) < 1 and abs(_t(s3.time_end) - (now + 300)) < 1
    # naming its own implicit subscription with a longer range extends it
    r3 = put_oir(dss, f"{OIRS}/{o3}/{r3.ovn}", oir_body(now + 60, now + 900, key=keys,
                                                        subscription_id=r3.subscription_id),
                 200).operational_intent_reference
    assert abs(_t(get_sub(dss, r3.subscription_id).time_end) - (now + 900)) < 1
    # re-attached to another OIR's implicit subscription: the old one, left alone, is deleted
    old = r3.subscription_id
    r3 = put_oir(dss, f"{OIRS}/{o3}/{r3.ovn}", oir_body(now + 60, now + 900, key=keys,
                                                        subscription_id=r1.subscription_id),
                 200).operational_intent_reference
    assert r3.subscription_id == r1.subscription_id
    error(c.get(f"{SUBS}/{old}", headers=h), 404)
    # detached (neither field): stays without; updated with new_subscription: a new implicit one
    r3 = put_oir(dss, f"{OIRS}/{o3}/{r3.ovn}", oir_body(now + 60, now + 900, key=keys),
                 200).operational_intent_reference
    assert r3.subscription_id == NULL
    r3 = put_oir(dss, f"{OIRS}/{o3}/{r3.ovn}", oir_body(now + 60, now + 900, key=keys, **IMPLICIT),
                 200).operational_intent_reference
    assert r3.subscription_id not in (NULL, r1.subscription_id)
    assert get_sub(dss, r3.subscription_id).implicit_subscription
    # deleting an OIR deletes its implicit subscription once nothing uses it
    parsed(c.delete(f"{OIRS}/{o3}/{r3.ovn}", headers=h), 200, ChangeOperationalIntentReferenceResponse)
    error(c.get(f"{SUBS}/{r3.subscription_id}", headers=h), 404)
    parsed(c.delete(f"{OIRS}/{o1}/{r1.ovn}", headers=h), 200, ChangeOperationalIntentReferenceResponse)
    error(c.get(f"{SUBS}/{r1.subscription_id}", headers=h), 404)


def test_explicit_subscriptions(dss: dict[str, Any], new_id: New) -> None:
    c, h = dss["client"], dss["h"]("uss1")
    now = time.time()
    sid, short = new_id(), new_id()
    parsed(c.put(f"{SUBS}/{sid}", json=sub_body(now - 10, now + 1200), headers=h), 200, PutSubscriptionResponse)
    parsed(c.put(f"{SUBS}/{short}", json=sub_body(now - 10, now + 300), headers=h), 200, PutSubscriptionResponse)
    oid = new_id()
    error(c.put(f"{OIRS}/{oid}", json=oir_body(now, now + 1201, subscription_id=sid), headers=h), 400)
    ref = put_oir(dss, f"{OIRS}/{oid}", oir_body(now, now + 1200, subscription_id=sid)).operational_intent_reference
    got = parsed(c.get(f"{OIRS}/{oid}", headers=h), 200, GetOperationalIntentReferenceResponse)
    assert got.operational_intent_reference.subscription_id == sid
    error(c.put(f"{OIRS}/{oid}/{ref.ovn}", json=oir_body(now, now + 1200, subscription_id=short), headers=h), 400)
    assert c.get(f"{OIRS}/{oid}", headers=h).json() == got  # unchanged, still on the old one
    ref = put_oir(dss, f"{OIRS}/{oid}/{ref.ovn}", oir_body(now, now + 1200), 200).operational_intent_reference
    assert ref.subscription_id == NULL
    error(c.put(f"{OIRS}/{oid}/{ref.ovn}", json=oir_body(now, now + 1200, subscription_id=short), headers=h), 400)
    ref = put_oir(dss, f"{OIRS}/{oid}/{ref.ovn}", oir_body(now, now + 1200, subscription_id=sid),
                  200).operational_intent_reference
    error(c.delete(f"{SUBS}/{sid}/{get_sub(dss, sid).version}", headers=h), 400)  # it still has a dependent
    parsed(c.delete(f"{OIRS}/{oid}/{ref.ovn}", headers=h), 200, ChangeOperationalIntentReferenceResponse)
    parsed(c.delete(f"{SUBS}/{sid}/{get_sub(dss, sid).version}", headers=h), 200, PutSubscriptionResponse)
    # another manager's subscription: neither readable nor usable
    mine = new_id()
    parsed(c.put(f"{SUBS}/{mine}", json=sub_body(now, now + 1200), headers=h), 200, PutSubscriptionResponse)
    error(c.get(f"{SUBS}/{mine}", headers=dss["h"]("uss2")), 403)
    r = c.put(f"{OIRS}/{new_id()}", json=oir_body(now + 3 * 3600, now + 4 * 3600, subscription_id=mine),
              headers=dss["h"]("uss2"))
    error(r, 403)


def test_subscription_simple(dss: dict[str, Any], new_id: New) -> None:
    c, h = dss["client"], dss["h"]("uss1")
    now = time.time()
    ids = []
    for t0, t1 in ((now, now + 600), (None, now + 600), (now, None), (None, None)):
        sid = new_id()
        s = parsed(c.put(f"{SUBS}/{sid}", json=sub_body(t0, t1), headers=h), 200, PutSubscriptionResponse).subscription
        start, end = _t(s.time_start), _t(s.time_end)
        assert abs(start - (t0 if t0 is not None else now)) < 2
        assert abs(end - (t1 if t1 is not None else start + 24 * 3600)) < 2
        assert (s.uss_base_url, s.implicit_subscription, s.notify_for_operational_intents) == (
            "https://testdummy.interuss.org/uss1/sub", False, True)
        assert s.version and s.notification_index >= 0 and s.dependent_operational_intents == []
        ids.append((sid, s.version))
    sid, version = ids[0]
    assert c.put(f"{SUBS}/{sid}/", json=sub_body(now, now + 600), headers=h).status_code in (400, 409)
    assert c.put(f"{SUBS}/{sid}/wrong", json=sub_body(now, now + 600), headers=h).status_code in (400, 409)
    versions = {version}
    for body in (sub_body(now + 10, now + 610), {**sub_body(now + 10, now + 610), "extents": volume(
            now + 10, now + 610, lon=7.439, size=0.02)}):
        s = parsed(c.put(f"{SUBS}/{sid}/{version}", json=body, headers=h), 200, PutSubscriptionResponse).subscription
        assert s.version not in versions
        versions.add(s.version)
        version = s.version
    assert get_sub(dss, sid).version == version
    area = {"area_of_interest": volume(now, now + 600, size=0.03)}
    found = parsed(c.post(f"{SUBS}/query", json=area, headers=h), 200, QuerySubscriptionsResponse)
    assert {s for s, _ in ids} <= {s.id for s in found.subscriptions}
    huge = {"area_of_interest": volume(now, now + 600, size=1.0)}  # about 9,800 km²
    assert c.post(f"{SUBS}/query", json=huge, headers=h).status_code in (400, 413)
    error(c.delete(f"{SUBS}/{sid}/", headers=h), 400)
    error(c.delete(f"{SUBS}/{sid}/wrong", headers=h), 409)
    gone = parsed(c.delete(f"{SUBS}/{sid}/{version}", headers=h), 200, PutSubscriptionResponse).subscription
    assert gone.version == version
    error(c.get(f"{SUBS}/{sid}", headers=h), 404)
    found = parsed(c.post(f"{SUBS}/query", json=area, headers=h), 200, QuerySubscriptionsResponse)
    assert sid not in {s.id for s in found.subscriptions}
    # search shows only the caller's subscriptions
    assert parsed(c.post(f"{SUBS}/query", json=area, headers=dss["h"]("uss2")), 200,
                  QuerySubscriptionsResponse).subscriptions == []


def test_subscription_validation(dss: dict[str, Any], new_id: New) -> None:
    c, h = dss["client"], dss["h"]("uss1")
    now = time.time()
    error(c.put(f"{SUBS}/{new_id()}", json=sub_body(now, now + 24 * 3600 + 600), headers=h), 400)
    sid = new_id()
    s = parsed(c.put(f"{SUBS}/{sid}", json=sub_body(now - 60, now - 60 + 24 * 3600), headers=h), 200,
               PutSubscriptionResponse).subscription
    error(c.put(f"{SUBS}/{sid}/{s.version}", json=sub_body(now - 60, now + 24 * 3600 + 540), headers=h), 400)


def test_subscription_response_lists_intersecting_oirs_with_hidden_ovns(dss: dict[str, Any], new_id: New) -> None:
    now = time.time()
    oid = new_id()
    put_oir(dss, f"{OIRS}/{oid}", oir_body(now, now + 600))
    r = dss["client"].put(f"{SUBS}/{new_id()}", json=sub_body(now, now + 600), headers=dss["h"]("uss2"))
    seen = parsed(r, 200, PutSubscriptionResponse).operational_intent_references
    assert [(o.id, o.ovn) for o in seen] == [(oid, "Available from USS")]
