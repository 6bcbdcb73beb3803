"""Schemathesis over the service's OpenAPI: every operation with 100 generated requests, and
stateful sequences that follow the OpenAPI links (file, then read, replace, change state, declare
an emergency, delete), each request with the token of one of two parties.  No answer may be a
5xx; every refusal must be problem+json with English and Russian text.

The store is seeded with a plan and a volume of each party, so reads, changes and cross-party
attempts meet real items as well as missing ones.  The F3548 operations (``/dss/v1``) are called
with RS256 tokens of an outside issuer (subjects uss1 and uss2, every UTM scope); their refusals
must be the standard's ``ErrorResponse`` with English and Russian text.
"""

from __future__ import annotations

import tempfile
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import schemathesis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import delete

from skypact.api.app import create_app
from skypact.config import Settings
from skypact.service.areas import LiveSet
from skypact.service.auth import Principal
from skypact.service.hub import Hub
from skypact.store.db import connect
from skypact.store.tables import (
    audit,
    conflicts,
    dss_availability,
    dss_entities,
    dss_subscriptions,
    emergencies,
    events,
    notifications,
    plans,
    requests,
    volumes,
)
from tests.api.conftest import CYR
from tests.api.test_volumes_api import A1, AV1, B1, BV1
from tests.builders import T0
from tests.dss.conftest import AUD, mint
from tests.soak.conftest import scale

CHECKED = settings(max_examples=scale(100, 1000), deadline=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))


_ISSUER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_UTM = ("utm.strategic_coordination", "utm.conformance_monitoring_sa", "utm.constraint_management",
        "utm.constraint_processing", "utm.availability_arbitration")


def _service() -> tuple[Hub, list[str], list[str], Settings]:
    tmp = Path(tempfile.mkdtemp(prefix="skypact-fuzz-"))
    hub = Hub(connect(f"sqlite:///{tmp}/db.sqlite"), b"k" * 32)
    tokens, outside = [], []
    for party, prio, sub in (("A", 3, "uss1"), ("B", 0, "uss2")):
        kid, secret = hub.add_party(party, max_priority=prio)
        tokens.append(hub.token(kid, secret, ttl_s=24 * 3600))
        hub.map_subject(sub, party)
        outside.append(mint(_ISSUER, sub, *_UTM)["Authorization"].removeprefix("Bearer "))
    pem = tmp / "issuer.pem"
    pem.write_bytes(_ISSUER.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo))
    _seed(hub)
    return hub, tokens, outside, Settings(db_url=f"sqlite:///{tmp}/db.sqlite", outside_issuers=((pem, AUD, "NoAuth"),))


def _seed(hub: Hub) -> None:
    """Back to the seeded airspace: a plan and a volume of each party, nothing else."""
    with hub.engine.begin() as conn:
        for table in (audit, conflicts, emergencies, events, requests, plans, volumes, notifications, dss_entities,
                      dss_subscriptions, dss_availability):
            conn.execute(delete(table))
    hub.live = LiveSet(hub.settings)
    hub.file_plan(Principal("A", "operator"), A1)
    hub.file_volume(Principal("A", "operator"), AV1)
    hub.file_plan(Principal("B", "operator"), B1)
    hub.file_volume(Principal("B", "operator"), BV1)


HUB, TOKENS, OUTSIDE, SETTINGS = _service()
# the streams stay open by design (they have their own tests); everything else is fuzzed
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(SETTINGS, hub=HUB)).exclude(
    path=["/v1/notifications/stream", "/v1/tracks/stream"])
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
    chosen from the request itself (the same request always goes with the same party); an
    outside RS256 token for the F3548 operations."""
    party = case.body.get("party") if isinstance(case.body, dict) else None
    pick = TOKENS
    if case.operation.path.startswith("/dss/"):
        pick, party = OUTSIDE, None
    if party in ("A", "B"):
        return pick["AB".index(party)]
    return pick[zlib.crc32(repr((case.operation.label, case.path_parameters, case.query)).encode()) % 2]


def _validate(response: Any, case: Any) -> None:
    case.validate_response(response, checks=[not_a_server_error])
    if response.status_code >= 400 and case.operation.path.startswith("/dss/"):
        message = response.json()["message"]  # F3548 ErrorResponse: English / Russian
        assert message and CYR.search(message), response.text
    elif response.status_code >= 400:
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
TestWorkflow.settings = settings(CHECKED, max_examples=scale(30, 1000), stateful_step_count=6)
