"""Operations: /healthz, /readyz (store, audit chain, kernels), Prometheus /metrics with the
figures operators watch, and a JSON log line with a request id for every request."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from skypact.api.ops import JsonLogs
from tests.api.conftest import body
from tests.api.test_volumes_api import A1, B1

SQLITE = pytest.mark.parametrize("env", ["sqlite"], indirect=True)


@SQLITE
def test_health_and_readiness(env: dict[str, Any]) -> None:
    c, hub = env["client"], env["hub"]
    assert c.get("/healthz").json() == {"status": "up"}
    r = c.get("/readyz")  # the kernels are compiled only when the server's lifespan runs
    assert r.status_code == 503 and r.json()["checks"] == {"store": "ok", "audit": "ok", "kernels": "compiling"}
    hub.surveillance.warm_up()
    assert c.get("/readyz").json() == {"ready": True, "checks": {"store": "ok", "audit": "ok", "kernels": "ok"}}
    from skypact.api import ops

    old, ops.AUDIT_READY_LAG = ops.AUDIT_READY_LAG, 1
    try:
        c.post("/v1/plans", json=body(A1), headers=env["h"]["A"])  # events not yet chained
        r = c.get("/readyz")
        assert r.status_code == 503 and "wait to be chained" in r.json()["checks"]["audit"]
    finally:
        ops.AUDIT_READY_LAG = old


@SQLITE
def test_metrics_count_what_operators_watch(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=body(A1), headers=h["A"])
    c.post("/v1/plans", json=body(B1), headers=h["B"])  # a conflict
    with c.stream("GET", "/v1/notifications/stream?follow=false", headers=h["A"]) as s:
        s.read()
    text = c.get("/metrics").text
    lines = {ln.split(" ")[0]: float(ln.split(" ")[1]) for ln in text.splitlines() if ln and not ln.startswith("#")}
    assert lines["skypact_conflicts"] == 1 and lines["skypact_live_items"] == 2
    assert lines['skypact_writes_total{where="event_loop"}'] == 2
    assert lines['skypact_request_seconds_count{method="POST",route="/v1/plans",status="201"}'] == 2
    assert lines["skypact_stream_delivery_seconds_count"] >= 1
    assert "skypact_audit_lag_events" in lines and "skypact_area_writers_waiting" in lines


@SQLITE
def test_every_request_has_an_id_and_a_json_log_line(env: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    c = env["client"]
    with caplog.at_level(logging.INFO, logger="skypact.access"):
        mine = c.get("/v1/plans", headers={**env["h"]["A"], "X-Request-Id": "ops-42"})
        made = c.get("/healthz", headers={"X-Request-Id": "bad id with blanks"})
    assert mine.headers["x-request-id"] == "ops-42"
    assert len(made.headers["x-request-id"]) == 32  # a sane one made here instead
    docs = [json.loads(JsonLogs().format(r)) for r in caplog.records if r.name == "skypact.access"]
    ours = next(d for d in docs if d["request_id"] == "ops-42")
    assert ours["route"] == "/v1/plans" and ours["status"] == 200 and ours["method"] == "GET" and ours["ms"] >= 0
