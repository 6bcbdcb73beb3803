"""Constraint references (CRSimple), tokens and scopes (AuthenticationValidation), USS
availability (UssAvailabilityMutation) and reports (``shared/interop/f3548.md`` §3, §5.2-5.3)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from uas_standards.astm.f3548.v21.api import (
    ChangeConstraintReferenceResponse,
    GetConstraintReferenceResponse,
    QueryConstraintReferencesResponse,
    UssAvailabilityStatusResponse,
)

from tests.dss.conftest import CM, SC, New, error, mint, oir_body, parsed, volume

CRS, OIRS = "/dss/v1/constraint_references", "/dss/v1/operational_intent_references"
AA = "utm.availability_arbitration"


def test_constraint_references(dss: dict[str, Any], new_id: New) -> None:
    c, h = dss["client"], dss["h"]("uss1", CM)
    now = time.time()
    area = {"area_of_interest": volume(now, now + 3600, size=0.05)}
    parsed(c.post(f"{CRS}/query", json=area, headers=h), 200, QueryConstraintReferencesResponse)
    cid = new_id()
    error(c.get(f"{CRS}/{cid}", headers=h), 404)
    sub = {"extents": volume(now, now + 3600, size=0.03), "uss_base_url": "https://testdummy.interuss.org/s",
           "notify_for_operational_intents": False, "notify_for_constraints": True}
    sid = new_id()
    assert c.put(f"/dss/v1/subscriptions/{sid}", json=sub, headers=dss["h"]("uss2", SC)).status_code == 200
    body = {"extents": [volume(now, now + 1200)], "uss_base_url": "https://testdummy.interuss.org/cr"}
    made = parsed(c.put(f"{CRS}/{cid}", json=body, headers=h), 201, ChangeConstraintReferenceResponse)
    cr = made.constraint_reference
    assert (cr.id, cr.manager, cr.uss_base_url, cr.version) == (cid, "uss1", body["uss_base_url"], 1) and cr.ovn
    assert [s.subscription_id for g in made.subscribers for s in g.subscriptions] == [sid]
    got = parsed(c.get(f"{CRS}/{cid}", headers=dss["h"]("uss2", CM)), 200, GetConstraintReferenceResponse)
    assert got.constraint_reference.ovn == "Available from USS"
    assert c.put(f"{CRS}/{cid}/", json=body, headers=h).status_code in (400, 404, 409)
    error(c.put(f"{CRS}/{cid}/{'0' * 40}", json=body, headers=h), 409)
    assert c.delete(f"{CRS}/{cid}/", headers=h).status_code in (400, 404, 409)
    error(c.delete(f"{CRS}/{cid}/{'0' * 40}", headers=h), 409)
    cr = parsed(c.put(f"{CRS}/{cid}/{cr.ovn}", json=body, headers=h), 200,
                ChangeConstraintReferenceResponse).constraint_reference
    assert cr.version == 2
    parsed(c.delete(f"{CRS}/{cid}/{cr.ovn}", headers=h), 200, ChangeConstraintReferenceResponse)
    error(c.get(f"{CRS}/{cid}", headers=h), 404)


ENDPOINTS = [("put", f"{OIRS}/{{id}}", SC), ("get", f"{OIRS}/{{id}}", SC), ("post", f"{OIRS}/query", SC),
             ("put", "/dss/v1/subscriptions/{id}", SC), ("post", "/dss/v1/subscriptions/query", SC),
             ("put", f"{CRS}/{{id}}", CM), ("get", f"{CRS}/{{id}}", CM), ("post", f"{CRS}/query", CM),
             ("get", "/dss/v1/uss_availability/uss1", AA), ("put", "/dss/v1/uss_availability/uss1", AA)]


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS)
def test_tokens_and_scopes(dss: dict[str, Any], new_id: New, method: str, path: str, scope: str) -> None:
    c = dss["client"]
    url = path.format(id=new_id())
    now = time.time()
    bodies = {f"{OIRS}/{{id}}": oir_body(now, now + 600), f"{CRS}/{{id}}": {
        "extents": [volume(now, now + 600)], "uss_base_url": "https://testdummy.interuss.org/cr"},
        "/dss/v1/subscriptions/{id}": {"extents": volume(now, now + 600), "uss_base_url": "https://x.example/s",
                                       "notify_for_operational_intents": True},
        "/dss/v1/uss_availability/uss1": {"old_version": "", "availability": "Normal"}}
    body = bodies.get(path, {"area_of_interest": volume(now, now + 600)})
    kw: dict[str, Any] = {"json": body} if method in ("put", "post") else {}
    error(getattr(c, method)(url, **kw), 401)  # no token
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    error(getattr(c, method)(url, headers=mint(stranger, "uss_unsigned", scope), **kw), 401)
    error(getattr(c, method)(url, headers=dss["native"], **kw), 401)  # skypact's own tokens are not F3548 ones
    wrong = CM if scope == AA else AA
    error(getattr(c, method)(url, headers=dss["h"]("uss1", wrong), **kw), 403)
    ok = getattr(c, method)(url, headers=dss["h"]("uss1", scope), **kw)
    assert ok.status_code in (200, 201, 404), ok.text  # a GET of an unknown id is 404, with a valid token


def test_uss_availability_and_reports(dss: dict[str, Any]) -> None:
    c, h = dss["client"], dss["h"]("uss1", AA)
    got = parsed(c.get("/dss/v1/uss_availability/uss1", headers=h), 200, UssAvailabilityStatusResponse)
    assert (got.status.availability, got.version) == ("Unknown", "")
    r = c.put("/dss/v1/uss_availability/uss1", json={"old_version": "", "availability": "Normal"}, headers=h)
    v1 = parsed(r, 200, UssAvailabilityStatusResponse).version
    assert v1
    assert c.put("/dss/v1/uss_availability/uss1", json={"old_version": "", "availability": "Down"},
                 headers=h).status_code in (400, 404, 409)
    error(c.put("/dss/v1/uss_availability/uss1", json={"old_version": "nope", "availability": "Down"}, headers=h), 409)
    now = time.time()
    ref = c.put(f"{OIRS}/{'0000017e-ffff-40ff-8fff-fffe36d80000'}", json=oir_body(now, now + 600),
                headers=dss["h"]("uss1")).json()["operational_intent_reference"]
    assert ref["uss_availability"] == "Normal"
    rep = c.post("/dss/v1/reports", json={"problem": "x"}, headers=dss["h"]("uss1"))
    assert rep.status_code == 201 and 0 < len(rep.json()["report_id"]) <= 128


def test_the_interuss_test_key_is_recognised(tmp_path: Any) -> None:
    from pathlib import Path

    from skypact.cli.serve import interuss_key_warnings

    shared = Path(__file__).parents[2].parent / "shared" / "interop" / "test-auth-public.pem"
    other = tmp_path / "other.pem"
    other.write_text("not the test key")
    warned = interuss_key_warnings([shared, other])
    assert len(warned) == 1 and str(shared) in warned[0] and "InterUSS" in warned[0]
