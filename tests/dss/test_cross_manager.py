"""Every F3548 route with its cross-manager case: uss2 acting on uss1's operational intent, constraint
and subscription (the route-enumeration test of ``tests/api/test_plans_api.py`` requires an entry
here for each ``/dss/v1`` route)."""

from __future__ import annotations

import time
from typing import Any

from tests.dss.conftest import CM, SC, New, error, oir_body, volume

OI, CR, SU = "/dss/v1/operational_intent_references", "/dss/v1/constraint_references", "/dss/v1/subscriptions"

#: (method, path) -> (status for uss2, scope used, body kind); None: not about another's entity
CROSS_MANAGER: dict[tuple[str, str], tuple[int, str, str | None] | None] = {
    ("PUT", f"{OI}/{{entityid}}"): (409, SC, "oir"),  # the id is taken: uss2 cannot create over it
    ("PUT", f"{OI}/{{entityid}}/"): (400, SC, "oir"),
    ("PUT", f"{OI}/{{entityid}}/{{ovn}}"): (403, SC, "oir"),
    ("GET", f"{OI}/{{entityid}}"): (200, SC, None),  # the reference, OVN hidden
    ("DELETE", f"{OI}/{{entityid}}/"): (400, SC, None),
    ("DELETE", f"{OI}/{{entityid}}/{{ovn}}"): (403, SC, None),
    ("POST", f"{OI}/query"): (200, SC, "area"),
    ("PUT", f"{CR}/{{entityid}}"): (409, CM, "cr"),
    ("PUT", f"{CR}/{{entityid}}/"): (400, CM, "cr"),
    ("PUT", f"{CR}/{{entityid}}/{{ovn}}"): (403, CM, "cr"),
    ("GET", f"{CR}/{{entityid}}"): (200, CM, None),
    ("DELETE", f"{CR}/{{entityid}}/"): (400, CM, None),
    ("DELETE", f"{CR}/{{entityid}}/{{ovn}}"): (403, CM, None),
    ("POST", f"{CR}/query"): (200, CM, "area"),
    ("PUT", f"{SU}/{{subscriptionid}}"): (409, SC, "sub"),
    ("PUT", f"{SU}/{{subscriptionid}}/"): (400, SC, "sub"),
    ("PUT", f"{SU}/{{subscriptionid}}/{{version}}"): (403, SC, "sub"),
    ("GET", f"{SU}/{{subscriptionid}}"): (403, SC, None),
    ("DELETE", f"{SU}/{{subscriptionid}}/"): (400, SC, None),
    ("DELETE", f"{SU}/{{subscriptionid}}/{{version}}"): (403, SC, None),
    ("POST", f"{SU}/query"): (200, SC, "area"),  # only uss2's own: none
    ("GET", "/dss/v1/uss_availability/{uss_id}"): None,  # public to every USS
    ("PUT", "/dss/v1/uss_availability/{uss_id}"): None,  # the availability arbitration role
    ("POST", "/dss/v1/reports"): None,
}


def test_every_f3548_route_refuses_another_manager(dss: dict[str, Any], new_id: New) -> None:
    c = dss["client"]
    now = time.time()
    oid, cid, sid = new_id(), new_id(), new_id()
    bodies = {"oir": oir_body(now, now + 600), "cr": {"extents": [volume(now, now + 600)],
                                                       "uss_base_url": "https://testdummy.interuss.org/cr"},
              "sub": {"extents": volume(now, now + 600), "uss_base_url": "https://testdummy.interuss.org/s",
                      "notify_for_operational_intents": True},
              "area": {"area_of_interest": volume(now, now + 600)}}
    o = c.put(f"{OI}/{oid}", json=bodies["oir"], headers=dss["h"]("uss1")).json()["operational_intent_reference"]
    cref = c.put(f"{CR}/{cid}", json=bodies["cr"], headers=dss["h"]("uss1", CM)).json()["constraint_reference"]
    s = c.put(f"{SU}/{sid}", json=bodies["sub"], headers=dss["h"]("uss1")).json()["subscription"]
    routes = {(m, r.path) for r in dss["app"].routes if getattr(r, "path", "").startswith("/dss/")
              for m in getattr(r, "methods", ())}
    assert routes == set(CROSS_MANAGER)
    before = {p: c.get(p, headers=dss["h"]("uss1", sc)).json() for p, sc in
              ((f"{OI}/{oid}", SC), (f"{CR}/{cid}", CM), (f"{SU}/{sid}", SC))}
    for (method, path), case in CROSS_MANAGER.items():
        if case is None:
            continue
        status, scope, kind = case
        url = (path.replace("{entityid}", oid if path.startswith(OI) else cid).replace("{subscriptionid}", sid)
               .replace("{ovn}", o["ovn"] if path.startswith(OI) else cref["ovn"]).replace("{version}", s["version"]))
        body = bodies[kind] if kind else None
        if kind == "oir":
            body = {**body, "key": [o["ovn"]]}
        r = c.request(method, url, json=body, headers=dss["h"]("uss2", scope))
        if status == 200:
            assert r.status_code == 200, (method, path, r.text)
            assert "ovn" not in r.text or (o["ovn"] not in r.text and cref["ovn"] not in r.text)
            assert path != f"{SU}/query" or r.json()["subscriptions"] == []
        else:
            error(r, status)
    after = {p: c.get(p, headers=dss["h"]("uss1", sc)).json() for p, sc in
             ((f"{OI}/{oid}", SC), (f"{CR}/{cid}", CM), (f"{SU}/{sid}", SC))}
    assert after == before  # nothing another manager tried changed anything
