"""What operators run the service by: health and readiness, Prometheus metrics, request logs.

* ``GET /healthz`` - the process answers (no store access, no token).
* ``GET /readyz`` - ready to serve: the store answers, the audit chain is current (fewer than
  :data:`AUDIT_READY_LAG` events wait to be chained) and the tactical kernels are compiled;
  503 with the failing checks otherwise.
* ``GET /metrics`` - Prometheus text: request latency by route, writes, stored conflicts,
  notification delivery lag on the streams, audit lag, live items, area locks, tracks and
  alerts.  Like the two above it needs no token: expose it to your monitoring network only.
* Every request is logged as one JSON object (logger ``skypact.access``) with a request id,
  taken from ``X-Request-Id`` when the client sends a sane one, else made here, and sent back
  in ``X-Request-Id``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterable
from typing import Any, Protocol

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skypact.service.hub import Hub
from skypact.store.tables import conflicts

__all__ = ["AUDIT_READY_LAG", "JsonLogs", "Metrics", "RequestLog", "WriteCounts", "add_ops_routes"]

AUDIT_READY_LAG = 1000
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
access = logging.getLogger("skypact.access")


class WriteCounts(Protocol):
    """The write runner's counters (:class:`skypact.api.writes.Writes`)."""

    inline: int
    in_thread: int


class Metrics:
    """The metrics of one app, in a registry of its own."""

    def __init__(self, hub: Hub, writes: WriteCounts) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram("skypact_request_seconds", "HTTP request latency by route", ("method", "route",
                                  "status"), registry=self.registry,
                                  buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0))
        self.stream_lag = Histogram("skypact_stream_delivery_seconds", "from a notification's creation to its "
                                    "sending on a party's stream", registry=self.registry,
                                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
        self.registry.register(_State(hub, writes))


class _State(Collector):
    """Figures read from the service at each scrape."""

    def __init__(self, hub: Hub, writes: WriteCounts) -> None:
        self.hub, self.writes = hub, writes

    def collect(self) -> Iterable[Any]:
        hub = self.hub
        w = CounterMetricFamily("skypact_writes", "plan and volume writes served", labels=["where"])
        w.add_metric(["event_loop"], self.writes.inline)
        w.add_metric(["worker_thread"], self.writes.in_thread)
        yield w
        with hub.engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(conflicts)).scalar() or 0
        for name, doc, value in (
            ("skypact_conflicts", "strategic conflicts stored now", stored),
            ("skypact_audit_lag_events", "events stored but not yet chained", hub.audit.lag()),
            ("skypact_live_items", "plans, volumes and F3548 pieces in the live airspace", len(hub.live)),
            ("skypact_area_cells_held", "space cells held by writers now", len(hub.areas)),
            ("skypact_area_writers_waiting", "writers waiting for an area", hub.areas.waiting),
            ("skypact_tracks", "live tracks", len(hub.surveillance.picture.tracks)),
            ("skypact_tactical_alerts", "live tactical alerts", len(hub.surveillance.picture.alerts)),
        ):
            yield GaugeMetricFamily(name, doc, value=value)


class RequestLog:
    """ASGI middleware: a request id for every request, one JSON log line, the latency metric."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics
        self._children: dict[tuple[str, str, int], Any] = {}  # the histogram's series, looked up once

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        t0 = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - t0
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            key = (scope["method"], route, status)
            child = self._children.get(key)
            if child is None:
                child = self._children[key] = self.metrics.requests.labels(scope["method"], route, str(status))
            child.observe(seconds)
            if access.isEnabledFor(logging.INFO):
                client = scope.get("client")
                access.info("request", extra={"fields": {
                    "request_id": rid, "method": scope["method"], "path": scope["path"], "route": route,
                    "status": status, "ms": round(seconds * 1000, 2), "client": client[0] if client else None}})


class JsonLogs(logging.Formatter):
    """One JSON object per log record: time, level, logger, message, and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {"ts": round(record.created, 3), "level": record.levelname.lower(),
                               "logger": record.name, "msg": record.getMessage()}
        doc.update(getattr(record, "fields", {}))
        if record.exc_info:
            doc["error"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, default=str)


def add_ops_routes(app: FastAPI, hub: Hub, metrics: Metrics) -> None:
    """``/healthz``, ``/readyz`` and ``/metrics``."""

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """The process answers."""
        return {"status": "up"}

    @app.get("/readyz", tags=["operations"], responses={503: {"description": "not ready: see the checks"}})
    async def readyz() -> JSONResponse:
        """Ready to serve: the store answers, the audit chain is current, the kernels are compiled."""
        checks: dict[str, Any] = {}
        try:
            def probe() -> int:
                with hub.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return hub.audit.lag()
            lag = await run_in_threadpool(probe)
            checks["store"] = "ok"
            checks["audit"] = "ok" if lag < AUDIT_READY_LAG else f"{lag} events wait to be chained"
        except Exception as e:  # the store does not answer: not ready, say why
            checks["store"] = f"{type(e).__name__}: {e}".splitlines()[0]
            checks["audit"] = "unknown"
        checks["kernels"] = "ok" if hub.surveillance.warmed else "compiling"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get("/metrics", tags=["operations"], response_class=Response)
    def metrics_text() -> Response:
        """Prometheus text format."""
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
