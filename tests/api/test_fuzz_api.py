"""Schemathesis over the service's OpenAPI: every operation with 100 generated requests, and
stateful sequences that follow the OpenAPI links (file, then read, replace, change state, declare
an emergency, delete), each request with the token of one of two parties.  No answer may be a
5xx; every refusal must be problem+json with English and Russian text.

The store is seeded with a plan and a volume of each party, so reads, changes and cross-party
attempts meet real items as well as missing ones.
"""

from __future__ import annotations

import tempfile
import zlib
from datetime import timedelta
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import delete

from skypact.api.app import create_app
from skypact.service.areas import LiveSet
from skypact.service.auth import Principal
from skypact.service.hub import Hub
from skypact.store.db import connect
from skypact.store.tables import audit, conflicts, emergencies, events, notifications, plans, requests, volumes
from tests.api.conftest import CYR
from tests.api.test_volumes_api import A1, AV1, B1, BV1
from tests.builders import T0

CHECKED = settings(max_examples=100, deadline=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))


def _service() -> tuple[Hub, list[str]]:
    hub = Hub(connect(f"sqlite:///{tempfile.mkdtemp(prefix='skypact-fuzz-')}/db.sqlite"), b"k" * 32)
    tokens = []
    for party, prio in (("A", 3), ("B", 0)):
        kid, secret = hub.add_party(party, max_priority=prio)
        tokens.append(hub.token(kid, secret, ttl_s=24 * 3600))
    _seed(hub)
    return hub, tokens


def _seed(hub: Hub) -> None:
    """Back to the seeded airspace: a plan and a volume of each party, nothing else."""
    with hub.engine.begin() as conn:
        for table in (audit, conflicts, emergencies, events, requests, plans, volumes, notifications):
            conn.execute(delete(table))
    hub.live = LiveSet(hub.settings)
    hub.file_plan(Principal("A", "operator"), A1)
    hub.file_volume(Principal("A", "operator"), AV1)
    hub.file_plan(Principal("B", "operator"), B1)
    hub.file_volume(Principal("B", "operator"), BV1)


HUB, TOKENS = _service()
# the stream stays open by design (it has its own tests); everything else is fuzzed
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(hub=HUB)).exclude(
    path="/v1/notifications/stream")
_FILINGS = {"POST /v1/plans": "plan", "POST /v1/check": "plan", "POST /v1/volumes": "volume",
            "POST /v1/check/volume": "volume"}


@schema.hook
def map_body(context: Any, body: Any) -> Any:
    """Half of the generated filings become valid plans or volumes of party A or B (chosen from
    the generated id), so that filings succeed and the stateful links are followed; the other
    half stay as generated (mostly invalid input)."""
    kind = _FILINGS.get(context.operation.label if context.operation else "")
    if kind is None or not isinstance(body, dict) or not isinstance(body.get("id"), str):
        return body
    h = zlib.crc32(body["id"].encode())
    if h % 2:
        return body
    party, d, t = "AB"[(h >> 1) % 2], ((h >> 2) % 200) / 100 - 1.0, T0 + timedelta(seconds=(h >> 3) % 1800)
    ident = f"F{h:08x}"
    if kind == "plan":
        alt = {"value": 28000 + 1000 * ((h >> 4) % 5)}
        return {"id": ident, "party": party, "callsign": ident[:8], "waypoints": [
            {"lat": 50 + d, "lon": 0.0, "alt": alt, "time": t.isoformat()},
            {"lat": 50 - d, "lon": 2.0, "alt": alt, "time": (t + timedelta(seconds=1200)).isoformat()}]}
    return {"id": ident, "party": party, "outline": {"type": "Circle", "center": [1 + d, 50.0], "radius_m": 10_000},
            "band": {"lower": {"value": 25000}, "upper": {"value": 35000}},
            "window": {"start": t.isoformat(), "end": (t + timedelta(seconds=3600)).isoformat()}}


def _token(case: Any) -> str:
    """The token of the party a filing names (a valid one then succeeds), else one of the two
    chosen from the request itself (the same request always goes with the same party)."""
    party = case.body.get("party") if isinstance(case.body, dict) else None
    if party in ("A", "B"):
        return TOKENS["AB".index(party)]
    return TOKENS[zlib.crc32(repr((case.operation.label, case.path_parameters, case.query)).encode()) % 2]


def _validate(response: Any, case: Any) -> None:
    case.validate_response(response, checks=[not_a_server_error])
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json"), response.text
        detail = response.json()["detail"]
        assert detail["en"] and CYR.search(detail["ru"]), response.text


@schema.parametrize()
@CHECKED
def test_no_operation_answers_5xx(case: Any) -> None:
    response = case.call(headers={"Authorization": f"Bearer {_token(case)}"})
    _validate(response, case)


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Chains of calls along the OpenAPI links, by both parties, each from the seeded airspace."""

    def setup(self) -> None:
        _seed(HUB)

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": {"Authorization": f"Bearer {_token(case)}"}}

    def call(self, case: Any, **kwargs: Any) -> Any:
        # a link copies the integer version into If-Match; HTTP headers are text
        case.headers = {k: str(v) for k, v in (case.headers or {}).items()}
        return case.call(**kwargs)

    def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
        _validate(response, case)


TestWorkflow = Workflow.TestCase
TestWorkflow.settings = settings(CHECKED, max_examples=30, stateful_step_count=6)
