"""``/dss/v1``: the F3548-21 DSS endpoints (operational intent and constraint references,
subscriptions, USS availability, reports).

Tokens: RS256 from a trusted outside issuer (``skypact serve --auth-public-key FILE
--auth-audience AUD``); the subject is the manager and must be mapped to a party
(``skypact admin map-subject SUB PARTY``); the ``scope`` claim is checked per endpoint as in
F3548-21.  Refusals are the standard's ``ErrorResponse`` (``{"message"}``, English then Russian);
a failed key validation is an ``AirspaceConflictResponse``.
"""


from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from skypact.dss.models import (
    PutConstraintReferenceParameters,
    PutOperationalIntentReferenceParameters,
    PutSubscriptionParameters,
    QueryParameters,
    SetUssAvailabilityStatusParameters,
)
from skypact.dss.service import Caller, Dss
from skypact.errors import AccessError, AuthError, ServiceError
from skypact.i18n import N_
from skypact.service.auth import OutsideIssuer, outside_claims

__all__ = ["PREFIX", "SCOPES", "add_routes"]

PREFIX = "/dss/v1"
TAG = "ASTM F3548-21"
SC, CM, CMSA = "utm.strategic_coordination", "utm.constraint_management", "utm.conformance_monitoring_sa"
CP, AA = "utm.constraint_processing", "utm.availability_arbitration"
#: the scopes each group of endpoints accepts (F3548-21; ``shared/interop/f3548.md`` §3)
SCOPES: dict[str, frozenset[str]] = {
    "oir": frozenset({SC, CMSA}), "sub": frozenset({SC, CP}), "cr_read": frozenset({CM, CP}),
    "cr_write": frozenset({CM}), "avail_read": frozenset({AA, SC, CMSA}), "avail_write": frozenset({AA}),
    "report": frozenset({SC, CMSA, CM, CP, AA}),
}


def _empty(what: str) -> None:
    raise ServiceError(N_("the OVN in the path is empty") if what == "OVN" else N_("the version in the path is empty"))


def add_routes(app: FastAPI, dss: Dss, issuers: list[OutsideIssuer]) -> None:
    """Add the ``/dss/v1`` routes over ``dss`` to ``app``, trusting tokens of ``issuers``."""
    r = app
    bearer = HTTPBearer(auto_error=False)

    def caller(group: str) -> Callable[..., Any]:
        async def dep(cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller:
            if cred is None:
                raise AuthError(N_("a bearer token is required"))
            claims = outside_claims(issuers, cred.credentials)
            scopes = frozenset(str(claims.get("scope", "")).split())
            if not scopes & SCOPES[group]:
                raise AccessError(N_("the token has none of the scopes this endpoint accepts"))
            who = dss.hub.subject(str(claims["sub"]))
            return Caller(str(claims["sub"]), who.party, scopes)
        return dep

    Oir = Annotated[Caller, Depends(caller("oir"))]
    Sub = Annotated[Caller, Depends(caller("sub"))]
    CrRead = Annotated[Caller, Depends(caller("cr_read"))]
    CrWrite = Annotated[Caller, Depends(caller("cr_write"))]

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    # -- operational intent references -------------------------------------------------------
    @r.put(PREFIX + "/operational_intent_references/{entityid}/", tags=[TAG], include_in_schema=False)
    def oir_update_no_ovn(entityid: str, who: Oir) -> None:
        _empty("OVN")

    @r.put(PREFIX + "/operational_intent_references/{entityid}", tags=[TAG], status_code=201)
    def oir_create(entityid: str, body: PutOperationalIntentReferenceParameters, who: Oir,
                   request: Request) -> dict[str, Any]:
        """Create an operational intent reference (key validation: every intersecting OVN)."""
        return dss.put_reference(who, "oir", entityid, None, body, base(request))[0]

    @r.put(PREFIX + "/operational_intent_references/{entityid}/{ovn}", tags=[TAG])
    def oir_update(entityid: str, ovn: str, body: PutOperationalIntentReferenceParameters, who: Oir,
                   request: Request) -> dict[str, Any]:
        """Update an operational intent reference given its current OVN."""
        return dss.put_reference(who, "oir", entityid, ovn, body, base(request))[0]

    @r.get(PREFIX + "/operational_intent_references/{entityid}", tags=[TAG])
    def oir_get(entityid: str, who: Oir, request: Request) -> dict[str, Any]:
        """One operational intent reference (the OVN only for its manager)."""
        return dss.get_reference(who, "oir", entityid, base(request))

    @r.delete(PREFIX + "/operational_intent_references/{entityid}/", tags=[TAG], include_in_schema=False)
    def oir_delete_no_ovn(entityid: str, who: Oir) -> None:
        _empty("OVN")

    @r.delete(PREFIX + "/operational_intent_references/{entityid}/{ovn}", tags=[TAG])
    def oir_delete(entityid: str, ovn: str, who: Oir, request: Request) -> dict[str, Any]:
        """Delete an operational intent reference given its current OVN."""
        return dss.delete_reference(who, "oir", entityid, ovn, base(request))

    @r.post(PREFIX + "/operational_intent_references/query", tags=[TAG])
    def oir_query(body: QueryParameters, who: Oir, request: Request) -> dict[str, Any]:
        """Operational intent references in an area of interest."""
        return dss.query_references(who, "oir", body.area_of_interest, base(request))

    # -- constraint references ----------------------------------------------------------------
    @r.put(PREFIX + "/constraint_references/{entityid}/", tags=[TAG], include_in_schema=False)
    def cr_update_no_ovn(entityid: str, who: CrWrite) -> None:
        _empty("OVN")

    @r.put(PREFIX + "/constraint_references/{entityid}", tags=[TAG], status_code=201)
    def cr_create(entityid: str, body: PutConstraintReferenceParameters, who: CrWrite,
                  request: Request) -> dict[str, Any]:
        """Create a constraint reference (no key needed)."""
        return dss.put_reference(who, "cr", entityid, None, body, base(request))[0]

    @r.put(PREFIX + "/constraint_references/{entityid}/{ovn}", tags=[TAG])
    def cr_update(entityid: str, ovn: str, body: PutConstraintReferenceParameters, who: CrWrite,
                  request: Request) -> dict[str, Any]:
        """Update a constraint reference given its current OVN."""
        return dss.put_reference(who, "cr", entityid, ovn, body, base(request))[0]

    @r.get(PREFIX + "/constraint_references/{entityid}", tags=[TAG])
    def cr_get(entityid: str, who: CrRead, request: Request) -> dict[str, Any]:
        """One constraint reference."""
        return dss.get_reference(who, "cr", entityid, base(request))

    @r.delete(PREFIX + "/constraint_references/{entityid}/", tags=[TAG], include_in_schema=False)
    def cr_delete_no_ovn(entityid: str, who: CrWrite) -> None:
        _empty("OVN")

    @r.delete(PREFIX + "/constraint_references/{entityid}/{ovn}", tags=[TAG])
    def cr_delete(entityid: str, ovn: str, who: CrWrite, request: Request) -> dict[str, Any]:
        """Delete a constraint reference given its current OVN."""
        return dss.delete_reference(who, "cr", entityid, ovn, base(request))

    @r.post(PREFIX + "/constraint_references/query", tags=[TAG])
    def cr_query(body: QueryParameters, who: CrRead, request: Request) -> dict[str, Any]:
        """Constraint references in an area of interest."""
        return dss.query_references(who, "cr", body.area_of_interest, base(request))

    # -- subscriptions ------------------------------------------------------------------------
    @r.put(PREFIX + "/subscriptions/{subscriptionid}/", tags=[TAG], include_in_schema=False)
    def sub_update_no_version(subscriptionid: str, who: Sub) -> None:
        _empty("version")

    @r.put(PREFIX + "/subscriptions/{subscriptionid}", tags=[TAG])
    def sub_create(subscriptionid: str, body: PutSubscriptionParameters, who: Sub,
                   request: Request) -> dict[str, Any]:
        """Create a subscription (at most 24 h)."""
        return dss.put_subscription(who, subscriptionid, None, body, base(request))

    @r.put(PREFIX + "/subscriptions/{subscriptionid}/{version}", tags=[TAG])
    def sub_update(subscriptionid: str, version: str, body: PutSubscriptionParameters, who: Sub,
                   request: Request) -> dict[str, Any]:
        """Update a subscription given its current version."""
        return dss.put_subscription(who, subscriptionid, version, body, base(request))

    @r.get(PREFIX + "/subscriptions/{subscriptionid}", tags=[TAG])
    def sub_get(subscriptionid: str, who: Sub) -> dict[str, Any]:
        """One own subscription."""
        return dss.get_subscription(who, subscriptionid)

    @r.delete(PREFIX + "/subscriptions/{subscriptionid}/", tags=[TAG], include_in_schema=False)
    def sub_delete_no_version(subscriptionid: str, who: Sub) -> None:
        _empty("version")

    @r.delete(PREFIX + "/subscriptions/{subscriptionid}/{version}", tags=[TAG])
    def sub_delete(subscriptionid: str, version: str, who: Sub) -> dict[str, Any]:
        """Delete an own subscription given its current version."""
        return dss.delete_subscription(who, subscriptionid, version)

    @r.post(PREFIX + "/subscriptions/query", tags=[TAG])
    def sub_query(body: QueryParameters, who: Sub) -> dict[str, Any]:
        """The caller's live subscriptions in an area of interest."""
        return dss.query_subscriptions(who, body.area_of_interest)

    # -- USS availability, reports -------------------------------------------------------------
    @r.get(PREFIX + "/uss_availability/{uss_id}", tags=[TAG])
    def availability_get(uss_id: str, who: Annotated[Caller, Depends(caller("avail_read"))]) -> dict[str, Any]:
        """A USS's availability (Unknown and version "" until set)."""
        return dss.get_availability(uss_id)

    @r.put(PREFIX + "/uss_availability/{uss_id}", tags=[TAG])
    def availability_set(uss_id: str, body: SetUssAvailabilityStatusParameters,
                         who: Annotated[Caller, Depends(caller("avail_write"))]) -> dict[str, Any]:
        """Set a USS's availability given its current version."""
        return dss.set_availability(who, uss_id, body)

    @r.post(PREFIX + "/reports", tags=[TAG], status_code=201)
    def report(body: dict[str, Any], who: Annotated[Caller, Depends(caller("report"))]) -> JSONResponse:
        """Take an error report (kept in the log of events)."""
        return JSONResponse(dss.report(who, body), status_code=201)

