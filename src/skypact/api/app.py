"""The FastAPI application: ``create_app(settings)`` wires the hub, auth and error handling.

Routes (all JSON; errors are problem+json with ``detail`` in English and Russian):

| method, path | scope | what |
|---|---|---|
| POST /v1/token | - | a bearer token for ``key_id`` + ``secret`` |
| POST /v1/plans | plans:write | file a plan: conflict check and store in one transaction |
| PUT /v1/plans/{id} | plans:write | replace an own plan; ``If-Match: <version>`` (409 if stale) |
| POST /v1/check | plans:write | the same check for a plan, nothing stored (dry run) |
| GET /v1/plans | plans:read | plans (in an area and time when asked): own in full, others as references |
| GET /v1/plans/{id} | plans:read | one plan, minimised for other parties |
| POST /v1/plans/{id}/state | plans:write | move an own plan to another state (409 if not allowed) |
| POST, DELETE /v1/plans/{id}/emergency | plans:write | declare or end the emergency override |
| DELETE /v1/plans/{id} | plans:write | delete an own plan (403 for another party's) |
| POST, PUT, GET, DELETE /v1/volumes... | as for plans | reserved volumes, the same way |
| POST /v1/check/volume | plans:write | dry run for a volume |
| GET /v1/events | plans:read | the events addressed to the caller's party, EN and RU |

Unknown fields are rejected: skypact stores only what deconfliction needs.
"""


import asyncio
import json
import logging
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from skypact.api.docs import add_docs
from skypact.api.limits import BodyLimit
from skypact.api.ops import Metrics, RequestLog, add_ops_routes
from skypact.api.problems import handle_http, handle_skypact, handle_validation
from skypact.api.schemas import ConflictView, ItemView, NotificationView, TokenAnswer, TracksView
from skypact.api.streams import Streams, track_events
from skypact.api.writes import Writes
from skypact.config import Settings
from skypact.dss.routes import add_routes as add_dss_routes
from skypact.dss.service import Dss
from skypact.errors import AccessError, AuthError, RateError, SkypactError, StateError
from skypact.i18n import N_
from skypact.limits import MAX_TRACKS, TOKEN_PER_ADDRESS, TOKEN_PER_KEY
from skypact.plans.model import Altitude, AltUnit, FlightPlan, ReservedVolume
from skypact.service.auth import OutsideIssuer, Principal, outside_claims, outside_principal, require
from skypact.service.hub import PLAN, VOLUME, FilingResult, Hub, Kind
from skypact.service.ratelimit import RateLimit
from skypact.service.reads import MAX_PAGE, ConflictFilter, Page
from skypact.service.sealer import HelperSealer, SealerError
from skypact.service.views import Area
from skypact.store.db import connect
from skypact.units import FPM, FT, KT
from skypact.web.page import add_web_routes

__all__ = ["create_app"]

log = logging.getLogger("skypact")


class StateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["Accepted", "Activated", "Nonconforming", "Contingent", "Ended"]


class VolumeStateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["Accepted", "Activated", "Ended"]


class EmergencyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=500)


class TrackReport(BaseModel):
    """One of the caller's own aircraft, in aviation units."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")
    time: AwareDatetime
    lat: float = Field(ge=-90.0, le=90.0)
    lon: float = Field(ge=-180.0, le=180.0)
    alt_ft: float = Field(ge=-2000.0, le=100_000.0)
    gs_kt: float = Field(ge=0.0, le=2000.0)
    trk_deg: float = Field(ge=-360.0, le=360.0)
    vs_fpm: float = Field(default=0.0, ge=-30_000.0, le=30_000.0)
    callsign: str | None = Field(default=None, max_length=16)
    plan: str | None = Field(default=None, max_length=64, description="the caller's plan this flight flies "
                                                                        "(conformance monitoring)")


class TrackBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tracks: list[TrackReport] = Field(min_length=1, max_length=MAX_TRACKS)


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key_id: str = Field(max_length=64)
    secret: str = Field(max_length=256)


def area_query(
    lat_min: Annotated[float, Query(ge=-90, le=90)] = -90.0, lat_max: Annotated[float, Query(ge=-90, le=90)] = 90.0,
    lon_min: Annotated[float, Query(ge=-180, le=180, description="west edge; above lon_max crosses 180°")] = -180.0,
    lon_max: Annotated[float, Query(ge=-180, le=180)] = 180.0,
    alt_min: Annotated[float | None, Query(ge=-2000, le=200_000)] = None,
    alt_max: Annotated[float | None, Query(ge=-2000, le=200_000)] = None,
    alt_unit: AltUnit = AltUnit.FT,
    start: Annotated[AwareDatetime | None, Query(description="RFC 3339")] = None,
    end: Annotated[AwareDatetime | None, Query(description="RFC 3339")] = None,
) -> Area:
    """Plans or volumes that meet this box of latitude, longitude, altitude and time."""
    def metres(v: float | None, default: float) -> float:
        return default if v is None else Altitude(value=v, unit=alt_unit).metres

    def ts(t: datetime | None, default: float) -> float:
        return default if t is None else t.timestamp()

    return Area(lat_min, lat_max, lon_min, lon_max, metres(alt_min, -1e9), metres(alt_max, 1e9),
                ts(start, -1e18), ts(end, 1e18))


def _links(kind: str, ops: tuple[str, ...]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI links from a filing's answer to the operations on the item it filed (clients and
    stateful API tests follow them)."""
    def params(op: str) -> dict[str, str]:
        out = {f"{kind}_id": f"$response.body#/{kind}/id"}
        if op.startswith("update_"):
            out["header.If-Match"] = f"$response.body#/{kind}/version"
        return out

    links = {op: {"operationId": op, "parameters": params(op)} for op in ops}
    return {201: {"description": f"the {kind} as stored, its conflicts and suggestions", "links": links}}


#: the largest sequence number or id every store can hold (PostgreSQL's INTEGER columns)
SEQ_MAX = 2**31 - 1
After = Annotated[int, Query(ge=0, le=SEQ_MAX, description="only what comes after this sequence number")]

#: audit entries chained per step: sealed by the helper process, or (each ~0.13 ms) on the event
#: loop while the helper is down; how long a failed helper rests; how often a full search runs
AUDIT_STEP = 256
AUDIT_STEP_HERE = 32
AUDIT_HELPER_RETRY_S = 30.0
AUDIT_FULL_S = 10.0


STOP_GRACE_S = 10.0


async def stop_tasks(tasks: list[asyncio.Task[Any]], grace_s: float = STOP_GRACE_S) -> None:
    """Cancel the background tasks and wait for them, at most ``grace_s`` in all.  A task that
    goes on after its cancellation is cancelled again (a cancellation can be lost in a library);
    one still running at the end is named in the log and left behind, so that a stopping server
    never hangs on it."""
    deadline = time.monotonic() + grace_s
    pending = {t for t in tasks if not t.done()}
    while pending and time.monotonic() < deadline:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=min(1.0, max(0.0, deadline - time.monotonic())))
    for task in pending:
        log.error("background task %s did not stop within %.0f s", task.get_name(), grace_s)
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())


def _json(doc: Any, status: int = 200) -> Response:
    """An answer of plain JSON types, encoded once (no second pass through the response model)."""
    return Response(json.dumps(doc, ensure_ascii=False), status, media_type="application/json")


def _answer(kind: Kind, r: FilingResult, status: int = 200) -> Response:
    """A filing's answer."""
    return _json({kind.name: r.item, "conflicts": r.conflicts, "resolutions": r.resolutions}, status)


def create_app(settings: Settings | None = None, hub: Hub | None = None) -> FastAPI:
    """The application for ``settings`` (or around an existing ``hub``)."""
    s = settings or Settings()
    the_hub = hub or Hub(connect(s.db_url, group_commit=True), s.token_key(), audit_key_file=s.audit_key_file)
    write = Writes(the_hub)  # plan and volume writes: on the event loop when their locks are free
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        """While serving: escalate overdue acknowledgements once a second, deliver webhooks."""
        async def every(seconds: float, job: Any) -> None:
            while True:
                await asyncio.sleep(seconds)
                try:
                    await run_in_threadpool(job)
                except Exception:  # a failed round is logged; the next one runs as usual
                    log.exception("background job %s failed", getattr(job, "__qualname__", job))

        async def chain() -> None:
            """The audit chain, kept up from the loop in steps of at most AUDIT_STEP entries,
            sealed in a helper process (:mod:`skypact.service.sealer`) while the loop serves
            requests; if the helper fails, sealed here until it is started again.  A full search
            in a thread, at start and on PostgreSQL every ten seconds, also chains events that
            committed after a later one (PostgreSQL's writers commit side by side; SQLite's one
            at a time, in seq order)."""
            last_full = helper_failed = 0.0
            full_every = AUDIT_FULL_S if the_hub.engine.dialect.name != "sqlite" else float("inf")
            sealer = HelperSealer()
            try:
                while True:
                    try:
                        if not last_full or time.monotonic() - last_full > full_every:
                            last_full = time.monotonic()
                            await run_in_threadpool(the_hub.audit.append_pending)
                        if time.monotonic() - helper_failed > AUDIT_HELPER_RETRY_S:
                            try:
                                n = await the_hub.audit.append_pending_helped(sealer, AUDIT_STEP)
                            except SealerError as e:
                                log.warning("audit sealing helper failed (%s): sealing in the server for %.0f s",
                                            e, AUDIT_HELPER_RETRY_S)
                                helper_failed = time.monotonic()
                                continue
                        else:
                            n = the_hub.audit.append_pending(limit=AUDIT_STEP_HERE, newer_only=True, wait=False)
                    except Exception:
                        log.exception("audit chain round failed")
                        n = 0
                    # a short pause lets a busy server's events gather into larger batches
                    await asyncio.sleep(0 if n >= AUDIT_STEP else 0.02 if n else 0.2)
            finally:
                await sealer.close()

        await run_in_threadpool(the_hub.surveillance.warm_up)
        tasks = [asyncio.create_task(chain(), name="audit chain"),
                 asyncio.create_task(every(1.0, the_hub.notices.escalate_due), name="escalations"),
                 asyncio.create_task(every(1.0, the_hub.presence.check), name="presence"),
                 asyncio.create_task(every(0.2, lambda: the_hub.webhooks.deliver_once(wait=False)), name="webhooks"),
                 asyncio.create_task(every(1.0, the_hub.surveillance.cycle), name="surveillance"),
                 asyncio.create_task(streams.run(), name="notification streams")]
        try:
            yield
        finally:
            await stop_tasks(tasks)  # the sealing helper stopped before the loop ends

    app = FastAPI(title="skypact", version="0.1.0",
                  description="Airspace deconfliction between parties. Errors: problem+json, EN and RU.",
                  generate_unique_id_function=lambda route: route.name, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # /docs is served offline (skypact.api.docs)
    app.state.hub = the_hub
    app.state.writes = write
    app.add_exception_handler(SkypactError, handle_skypact)
    app.add_exception_handler(RequestValidationError, handle_validation)
    app.add_exception_handler(HTTPException, handle_http)
    bearer = HTTPBearer(auto_error=False)

    app.add_middleware(BodyLimit, limit=s.max_body_bytes)
    metrics = app.state.metrics = Metrics(the_hub, write)
    streams = app.state.streams = Streams(the_hub, metrics.stream_lag)
    app.add_middleware(RequestLog, metrics=metrics)  # outermost: every answer has a request id
    add_ops_routes(app, the_hub, metrics)
    add_docs(app)
    add_web_routes(app, borders=s.map_borders)

    outside = [OutsideIssuer(path.read_bytes(), aud, iss) for path, aud, iss in s.outside_issuers]
    app.state.dss = Dss(the_hub)
    add_dss_routes(app, app.state.dss, outside)

    async def principal(cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
        # async: a known token is checked in microseconds, less than a round trip to the thread pool
        if cred is None:
            raise AuthError(N_("a bearer token is required"))
        try:
            who, kid = the_hub.authenticate(cred.credentials)
        except AuthError:
            if not outside:
                raise
            claims = outside_claims(outside, cred.credentials)
            return outside_principal(the_hub.subject(str(claims["sub"])), claims)
        return replace(who, key=kid)

    Who = Annotated[Principal, Depends(principal)]

    Key = Annotated[str | None, Header(max_length=128, description="makes a retry safe: same key and body, "
                                                                   "same answer, nothing stored twice")]
    Version = Annotated[int, Header(description="the version being replaced")]
    InArea = Annotated[Area, Depends(area_query)]

    per_key, per_address = RateLimit(TOKEN_PER_KEY[1], TOKEN_PER_KEY[0]), RateLimit(*TOKEN_PER_ADDRESS[::-1])

    @app.post("/v1/token", responses={200: {"model": TokenAnswer}, 429: {
        "description": "too many token requests for this key id or address; see Retry-After"}})
    def token(body: TokenRequest, request: Request) -> dict[str, str]:
        """Exchange a credential for a bearer token (at most 10 at once per key id and 30 per client
        address, then one per 6 s and one per 2 s: 429 with ``Retry-After`` beyond)."""
        address = request.client.host if request.client else ""
        wait = max(per_key.take(body.key_id), per_address.take(address))
        if wait > 0.0:
            raise RateError(N_("too many token requests: try again in {seconds} s"), retry_after=wait,
                            seconds=math.ceil(wait))
        return {"access_token": the_hub.token(body.key_id, body.secret), "token_type": "bearer"}

    # -- plans ---------------------------------------------------------------------------
    @app.post("/v1/plans", status_code=201, responses=_links("plan", (
        "get_plan", "update_plan", "set_state", "declare_emergency", "end_emergency", "delete_plan")))
    async def file_plan(plan: FlightPlan, who: Who, idempotency_key: Key = None) -> Response:
        """File a plan; the answer holds its conflicts and resolution suggestions.

        Send an ``Idempotency-Key`` header to make retries safe: the same key and body give the
        first answer again and store nothing more."""
        return _answer(PLAN, await write(the_hub.file_plan, who, plan, request_key=idempotency_key), 201)

    @app.put("/v1/plans/{plan_id}")
    async def update_plan(plan_id: str, plan: FlightPlan, who: Who, if_match: Version) -> Response:
        """Replace an own plan (``If-Match``: its current version); checked like a new filing."""
        if plan.id != plan_id:
            raise StateError(N_("the path names plan {path} but the body plan {body}"), path=plan_id, body=plan.id)
        return _answer(PLAN, await write(the_hub.update_plan, who, plan, if_match))

    @app.post("/v1/check")
    async def check(plan: FlightPlan, who: Who) -> dict[str, Any]:
        """What would conflict if this plan were filed (nothing is stored)."""
        r = await write(the_hub.file_plan, who, plan, dry_run=True)
        return {"conflicts": r.conflicts, "resolutions": r.resolutions}

    Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="items of this page at most")]
    AfterId = Annotated[str, Query(max_length=128, description="the last id of the page before (cursor)")]

    def _paged(request: Request, page: Page) -> Response:
        """A page as a JSON list; a ``Link: <…>; rel="next"`` header names the next one."""
        r = _json(page.items)
        if page.next_after is not None:
            r.headers["Link"] = f'<{request.url.include_query_params(after=page.next_after)}>; rel="next"'
        return r

    @app.get("/v1/plans", responses={200: {"model": list[ItemView]}})
    def list_plans(who: Who, area: InArea, request: Request, limit: Limit = MAX_PAGE, after: AfterId = "") -> Response:
        """Plans that meet the area and time asked (all by default): own in full, others as
        references; by id, at most ``limit`` (a ``Link`` header with ``rel="next"`` gives the next page)."""
        return _paged(request, the_hub.reads.page(who, PLAN, area, after, limit))

    @app.get("/v1/plans/{plan_id}", responses={200: {"model": ItemView}})
    def get_plan(plan_id: str, who: Who) -> dict[str, Any]:
        """One plan (a reference only when it belongs to another party)."""
        return the_hub.get(who, PLAN, plan_id)

    @app.post("/v1/plans/{plan_id}/state", response_model=dict[str, Any])
    async def set_state(plan_id: str, body: StateRequest, who: Who) -> Response:
        """Move an own plan along Proposed → Accepted → Activated → Ended (or Nonconforming,
        Contingent).  Not Accepted while it conflicts with a plan of higher priority."""
        return _json(await write(the_hub.set_state, who, PLAN, plan_id, body.state))

    @app.post("/v1/plans/{plan_id}/emergency")
    async def declare_emergency(plan_id: str, body: EmergencyRequest, who: Who) -> dict[str, Any]:
        """Emergency override: the own live plan takes precedence over every other plan until
        the emergency ends.  Every party is told (``GET /v1/events``) and the event is kept."""
        return await write(the_hub.emergency, who, plan_id, body.reason)

    @app.delete("/v1/plans/{plan_id}/emergency")
    async def end_emergency(plan_id: str, who: Who) -> dict[str, Any]:
        """End the emergency override of an own plan; every party is told."""
        return await write(the_hub.emergency, who, plan_id, end=True)

    @app.delete("/v1/plans/{plan_id}", status_code=204)
    async def delete_plan(plan_id: str, who: Who) -> Response:
        """Delete an own plan."""
        await write(the_hub.delete, who, PLAN, plan_id)
        return Response(status_code=204)

    # -- reserved volumes ------------------------------------------------------------------
    @app.post("/v1/volumes", status_code=201, responses=_links("volume", (
        "get_volume", "update_volume", "set_volume_state", "delete_volume")))
    async def file_volume(volume: ReservedVolume, who: Who, idempotency_key: Key = None) -> Response:
        """Reserve a volume; checked against every live plan and volume like a plan."""
        return _answer(VOLUME, await write(the_hub.file_volume, who, volume, request_key=idempotency_key), 201)

    @app.put("/v1/volumes/{volume_id}")
    async def update_volume(volume_id: str, volume: ReservedVolume, who: Who, if_match: Version) -> Response:
        """Replace an own volume (``If-Match``: its current version)."""
        if volume.id != volume_id:
            raise StateError(N_("the path names plan {path} but the body plan {body}"), path=volume_id,
                             body=volume.id)
        return _answer(VOLUME, await write(the_hub.update_volume, who, volume, if_match))

    @app.post("/v1/check/volume")
    async def check_volume(volume: ReservedVolume, who: Who) -> dict[str, Any]:
        """What would conflict if this volume were filed (nothing is stored)."""
        return {"conflicts": (await write(the_hub.file_volume, who, volume, dry_run=True)).conflicts}

    @app.get("/v1/volumes", responses={200: {"model": list[ItemView]}})
    def list_volumes(who: Who, area: InArea, request: Request, limit: Limit = MAX_PAGE,
                     after: AfterId = "") -> Response:
        """Volumes that meet the area and time asked: own in full, others as references; paged as
        ``GET /v1/plans``."""
        return _paged(request, the_hub.reads.page(who, VOLUME, area, after, limit))

    @app.get("/v1/conflicts", responses={200: {"model": list[ConflictView]}})
    def list_conflicts(who: Who, request: Request, limit: Limit = MAX_PAGE,
                       after: Annotated[int, Query(ge=0, le=2**31 - 1, description="the last conflict id of the "
                                                   "page before")] = 0,
                       start: Annotated[AwareDatetime | None, Query(description="RFC 3339: overlapping from")] = None,
                       end: Annotated[AwareDatetime | None, Query(description="RFC 3339: overlapping until")] = None,
                       state: Annotated[Literal["upcoming", "ongoing", "past"] | None, Query(
                           description="upcoming: not begun; ongoing: begun, not ended; past: ended")] = None,
                       layer: Annotated[Literal["strategic", "tactical"] | None, Query()] = None) -> Response:
        """The caller's current conflicts: strategic (with its plans and volumes, by conflict id,
        paged like ``GET /v1/plans``) and, on the first page, the tactical alerts of its live tracks."""
        which = ConflictFilter(start.timestamp() if start else -1e18, end.timestamp() if end else 1e18, state, layer)
        items, nxt = the_hub.reads.conflicts(who, after, limit, which, time.time())
        return _paged(request, Page(items, None if nxt is None else str(nxt)))

    @app.get("/v1/volumes/{volume_id}", responses={200: {"model": ItemView}})
    def get_volume(volume_id: str, who: Who) -> dict[str, Any]:
        """One volume (a reference only when it belongs to another party)."""
        return the_hub.get(who, VOLUME, volume_id)

    @app.post("/v1/volumes/{volume_id}/state", response_model=dict[str, Any])
    async def set_volume_state(volume_id: str, body: VolumeStateRequest, who: Who) -> Response:
        """Proposed → Accepted → Activated → Ended."""
        return _json(await write(the_hub.set_state, who, VOLUME, volume_id, body.state))

    @app.delete("/v1/volumes/{volume_id}", status_code=204)
    async def delete_volume(volume_id: str, who: Who) -> Response:
        """Delete an own volume."""
        await write(the_hub.delete, who, VOLUME, volume_id)
        return Response(status_code=204)

    # -- notifications ---------------------------------------------------------------------
    @app.get("/v1/notifications", responses={200: {"model": list[NotificationView]}})
    def list_notifications(who: Who, after: After = 0,
                           limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
        """The caller's notifications (id > ``after``): type, severity, fields, and the short and
        full texts in English and Russian, in the party's units."""
        notes = the_hub.notices.read(who.party, after, limit)
        the_hub.notices.mark_delivered(who.party, [n["id"] for n in notes if n["delivered_at"] is None])
        return notes

    @app.get("/v1/notifications/stream", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}}})
    async def stream_notifications(
        request: Request, who: Who,
        last_event_id: Annotated[str | None, Header(max_length=20, description="resume after this id")] = None,
        after: After = 0,
        follow: Annotated[bool, Query(description="keep the stream open for new notifications")] = True,
    ) -> StreamingResponse:
        """Server-Sent Events: each notification as ``id``, ``event`` (its type) and ``data`` (JSON).
        Reconnect with ``Last-Event-ID`` to resume: nothing is lost, across a server restart too."""
        start = min(int(last_event_id), SEQ_MAX) if last_event_id and last_event_id.isdigit() else after
        return StreamingResponse(streams.stream(who.party, start, follow),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.post("/v1/tracks")
    @app.post("/tracks", include_in_schema=False)  # the address the surveillance issue names
    def report_tracks(body: TrackBatch, who: Who) -> dict[str, Any]:
        """Report a batch of the caller's own aircraft to the live picture (alerts, reserved
        volumes, conformance with their plans; see the README)."""
        if "plans:write" not in who.scopes:
            raise AccessError(N_("role {role} may not report tracks"), role=who.role)
        n = the_hub.surveillance.report(who, [{
            "id": t.id, "time": t.time.timestamp(), "lat": t.lat, "lon": t.lon, "alt_m": t.alt_ft * FT,
            "gs_mps": t.gs_kt * KT, "trk_deg": t.trk_deg % 360.0, "vs_mps": t.vs_fpm * FPM, "callsign": t.callsign,
            "plan": t.plan} for t in body.tracks])
        return {"accepted": n}

    @app.get("/v1/tracks", responses={200: {"model": TracksView}})
    def list_tracks(who: Who) -> dict[str, Any]:
        """The live tracks the caller may see (its own; another party's only while in a tactical
        alert with one of its own) and its live tactical alerts, as of the last cycle (SI units)."""
        require(who, "plans:read")
        return {"time": time.time(), "tracks": the_hub.surveillance.tracks_of(who.party),
                "alerts": the_hub.surveillance.alerts_of(who.party)}

    @app.get("/v1/tracks/stream", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}}})
    async def stream_tracks(request: Request, who: Who, follow: Annotated[bool, Query(
            description="keep the stream open (false: one event, then the stream ends)")] = True) -> StreamingResponse:
        """Server-Sent Events: ``GET /v1/tracks`` once a second as a ``tracks`` event (each track a
        row: id, call sign, party, time, lat, lon, alt_m, gs_mps, trk_deg, vs_mps)."""
        require(who, "plans:read")
        return StreamingResponse(track_events(the_hub.surveillance, who.party, request.is_disconnected, follow=follow),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.post("/v1/heartbeat")
    async def heartbeat(who: Who) -> dict[str, Any]:
        """The caller's party is taking part (an open notification stream counts too).  After
        ``silent_after_s`` without either, the other parties are told it has gone silent."""
        # answered on the event loop (no thread hop: it must stay quick while others work); only
        # a party coming back from silence costs a store write, in a thread
        at = time.time()
        if the_hub.presence.mark(who.party, at):
            await run_in_threadpool(the_hub.presence.tell_back, who.party, at)
        return {"party": who.party, "silent_after_s": the_hub.presence.silent_after_s}

    @app.post("/v1/silence")
    def declare_silence(who: Who) -> dict[str, Any]:
        """The caller's party stops taking part for now: the others are told; its plans stay in
        every check and its notifications wait for its return."""
        the_hub.presence.declare_silent(who.party)
        return {"party": who.party, "silent": True}

    @app.post("/v1/notifications/{notification_id}/ack", responses={200: {"model": NotificationView}})
    def ack_notification(notification_id: Annotated[int, Path(ge=0, le=SEQ_MAX)], who: Who) -> dict[str, Any]:
        """Acknowledge a notification addressed to the caller's party (who and when are kept)."""
        return the_hub.notices.ack(who.party, who.key, notification_id)

    # -- audit -----------------------------------------------------------------------------
    @app.get("/.well-known/skypact-audit-key")
    def audit_key() -> dict[str, str]:
        """The public key that signs the audit chain (Ed25519, raw, hex) and its id."""
        return the_hub.audit.public_key()

    @app.get("/audit", include_in_schema=False)
    @app.get("/v1/audit")
    def audit_entries(who: Who, after: After = 0,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 1000) -> list[dict[str, Any]]:
        """Chain entries after ``after``: with the event when it concerns the caller's party, else
        redacted to seq, previous hash, digest, hash and signature (the chain still verifies)."""
        return the_hub.audit.entries(who.party, after, limit)

    @app.get("/v1/audit/head")
    def audit_head(who: Who) -> dict[str, Any]:
        """The chain's latest seq and hash, signed now: keep it to prove the history later."""
        return the_hub.audit.head()

    # -- events ----------------------------------------------------------------------------
    @app.get("/v1/events")
    def list_events(who: Who, after: After = 0,
                    limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
        """Events addressed to the caller's party (``seq`` > ``after``), each with EN and RU text."""
        return the_hub.events(who, after, limit)

    return app
