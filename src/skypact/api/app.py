"""The FastAPI application: ``create_app(settings)`` wires the hub, auth and error handling.

Routes (all JSON; errors are problem+json with ``detail`` in English and Russian):

| method, path | scope | what |
|---|---|---|
| POST /v1/token | - | a bearer token for ``key_id`` + ``secret`` |
| POST /v1/plans | plans:write | file a plan: conflict check and store in one transaction |
| PUT /v1/plans/{id} | plans:write | replace an own plan; ``If-Match: <version>`` (409 if stale) |
| POST /v1/check | plans:write | the same check, nothing stored (dry run) |
| GET /v1/plans | plans:read | all plans: own in full, others as references |
| GET /v1/plans/{id} | plans:read | one plan, minimised for other parties |
| POST /v1/plans/{id}/state | plans:write | move an own plan to another state (409 if not allowed) |
| DELETE /v1/plans/{id} | plans:write | delete an own plan (403 for another party's) |

Unknown fields are rejected: skypact stores only what deconfliction needs.
"""


from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict

from skypact.api.problems import handle_skypact, handle_validation, problem
from skypact.config import Settings
from skypact.errors import AccessError, AuthError, FormatError, SkypactError, StateError
from skypact.i18n import N_
from skypact.plans.model import FlightPlan
from skypact.service.auth import OutsideIssuer, Principal, verify_outside, verify_token
from skypact.service.hub import Hub
from skypact.store.db import connect

__all__ = ["create_app"]


class StateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["Accepted", "Activated", "Nonconforming", "Contingent", "Ended"]


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key_id: str
    secret: str


def create_app(settings: Settings | None = None, hub: Hub | None = None) -> FastAPI:
    """The application for ``settings`` (or around an existing ``hub``)."""
    s = settings or Settings()
    the_hub = hub or Hub(connect(s.db_url), s.token_key())
    app = FastAPI(title="skypact", version="0.1.0",
                  description="Airspace deconfliction between parties. Errors: problem+json, EN and RU.")
    app.state.hub = the_hub
    app.add_exception_handler(SkypactError, handle_skypact)
    app.add_exception_handler(RequestValidationError, handle_validation)
    bearer = HTTPBearer(auto_error=False)

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Response:
        size = request.headers.get("content-length")
        if size is not None and size.isdigit() and int(size) > s.max_body_bytes:
            return problem(413, FormatError(N_("the request body is larger than {limit} bytes"),
                                            limit=s.max_body_bytes))
        response: Response = await call_next(request)
        return response

    outside = [OutsideIssuer(path.read_bytes(), aud) for path, aud in s.outside_issuers]

    def principal(cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
        if cred is None:
            raise AuthError(N_("a bearer token is required"))
        try:
            who, kid = verify_token(the_hub.token_key, cred.credentials)
        except AuthError:
            if not outside:
                raise
            return the_hub.subject(verify_outside(outside, cred.credentials))
        the_hub.check_key(kid)
        return who

    Who = Annotated[Principal, Depends(principal)]

    def readable(who: Principal) -> Principal:
        if "plans:read" not in who.scopes:
            raise AccessError(N_("role {role} may not read plans"), role=who.role)
        return who

    @app.post("/v1/token")
    def token(body: TokenRequest) -> dict[str, str]:
        """Exchange a credential for a bearer token."""
        return {"access_token": the_hub.token(body.key_id, body.secret), "token_type": "bearer"}

    @app.post("/v1/plans", status_code=201)
    def file_plan(plan: FlightPlan, who: Who,
                  idempotency_key: Annotated[str | None, Header(max_length=128)] = None) -> dict[str, Any]:
        """File a plan; the answer holds its conflicts and resolution suggestions.

        Send an ``Idempotency-Key`` header to make retries safe: the same key and body give the
        first answer again and store nothing more."""
        r = the_hub.file_plan(who, plan, request_key=idempotency_key)
        return {"plan": r.plan, "conflicts": r.conflicts, "resolutions": r.resolutions}

    @app.put("/v1/plans/{plan_id}")
    def update_plan(plan_id: str, plan: FlightPlan, who: Who,
                    if_match: Annotated[int, Header(description="the version being replaced")]) -> dict[str, Any]:
        """Replace an own plan (``If-Match``: its current version); checked like a new filing."""
        if plan.id != plan_id:
            raise StateError(N_("the path names plan {path} but the body plan {body}"), path=plan_id, body=plan.id)
        r = the_hub.update_plan(who, plan, if_match)
        return {"plan": r.plan, "conflicts": r.conflicts, "resolutions": r.resolutions}

    @app.post("/v1/check")
    def check(plan: FlightPlan, who: Who) -> dict[str, Any]:
        """What would conflict if this plan were filed (nothing is stored)."""
        r = the_hub.file_plan(who, plan, dry_run=True)
        return {"conflicts": r.conflicts, "resolutions": r.resolutions}

    @app.get("/v1/plans")
    def list_plans(who: Who) -> list[dict[str, Any]]:
        """Every plan: own plans in full, other parties' as references."""
        return the_hub.list_plans(readable(who))

    @app.get("/v1/plans/{plan_id}")
    def get_plan(plan_id: str, who: Who) -> dict[str, Any]:
        """One plan (a reference only when it belongs to another party)."""
        return the_hub.get_plan(readable(who), plan_id)

    @app.post("/v1/plans/{plan_id}/state")
    def set_state(plan_id: str, body: StateRequest, who: Who) -> dict[str, Any]:
        """Move an own plan along Proposed → Accepted → Activated → Ended (or Nonconforming,
        Contingent).  Not Accepted while it conflicts with a plan of higher priority."""
        return the_hub.set_state(who, plan_id, body.state)

    @app.delete("/v1/plans/{plan_id}", status_code=204)
    def delete_plan(plan_id: str, who: Who) -> Response:
        """Delete an own plan."""
        the_hub.delete_plan(who, plan_id)
        return Response(status_code=204)

    return app
