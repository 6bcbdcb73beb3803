"""Fixtures of the F3548 tests: an app trusting an RS256 test issuer (a key made here, as the
InterUSS harness signs its own), subjects uss1 and uss2 mapped to parties U1 and U2, a token
minter, and helpers that parse every answer with the ``uas-standards`` types."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from implicitdict import ImplicitDict

from skypact.api.app import create_app
from skypact.config import Settings
from skypact.service.hub import Hub
from skypact.store.db import connect

SC, CMSA, CM = "utm.strategic_coordination", "utm.conformance_monitoring_sa", "utm.constraint_management"
AUD = "testserver"
BERN = (46.95, 7.44)


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def mint(key: rsa.RSAPrivateKey, sub: str, *scopes: str, aud: str = AUD) -> dict[str, str]:
    """Headers with a token as uss_qualifier's NoAuth adapter makes it."""
    now = int(time.time())
    claims = {"sub": sub, "client_id": sub, "scope": " ".join(scopes), "aud": aud, "iss": "NoAuth",
              "nbf": now - 1, "exp": now + 3600, "jti": str(uuid.uuid4())}
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return {"Authorization": "Bearer " + jwt.encode(claims, pem, algorithm="RS256", headers={"typ": "JWT"})}


@pytest.fixture(params=["sqlite", "postgresql"])
def dss(request: pytest.FixtureRequest, tmp_path: Path, rsa_key: rsa.RSAPrivateKey,
        pg_url: str | None) -> Iterator[dict[str, Any]]:
    """The app, its hub, and ``h(sub, *scopes)`` giving token headers."""
    from tests.api.conftest import fresh_url

    url = fresh_url(request.param, tmp_path, pg_url)
    pub = tmp_path / "issuer.pem"
    pub.write_bytes(rsa_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo))
    hub = Hub(connect(url, group_commit=True), b"k" * 32)
    app = create_app(Settings(db_url=url, outside_issuers=((pub, AUD, "NoAuth"),)), hub=hub)
    for sub, party in (("uss1", "U1"), ("uss2", "U2")):
        hub.add_party(party)
        hub.map_subject(sub, party)
    kid, secret = hub.add_party("N")  # a party filing through skypact's own API
    client = TestClient(app)
    tok = client.post("/v1/token", json={"key_id": kid, "secret": secret}).json()["access_token"]
    yield {"client": client, "hub": hub, "app": app, "native": {"Authorization": f"Bearer {tok}"},
           "h": lambda sub, *scopes: mint(rsa_key, sub, *(scopes or (SC,)))}
    client.close()
    hub.engine.dispose()


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def volume(t0: float, t1: float, lat: float = BERN[0], lon: float = BERN[1], size: float = 0.01,
           lo: float = 0.0, hi: float = 300.0) -> dict[str, Any]:
    """An F3548 Volume4D: a square of ``size`` degrees from (lat, lon), altitude W84 metres."""
    pts = [(lat, lon), (lat, lon + size), (lat + size, lon + size), (lat + size, lon)]
    return {"volume": {"outline_polygon": {"vertices": [{"lat": a, "lng": b} for a, b in pts]},
                       "altitude_lower": {"value": lo, "reference": "W84", "units": "M"},
                       "altitude_upper": {"value": hi, "reference": "W84", "units": "M"}},
            "time_start": {"value": iso(t0), "format": "RFC3339"},
            "time_end": {"value": iso(t1), "format": "RFC3339"}}


def oir_body(t0: float, t1: float, key: list[str] | None = None, state: str = "Accepted",
             url: str = "https://testdummy.interuss.org/uss1?x=1", **extra: Any) -> dict[str, Any]:
    return {"extents": [volume(t0, t1)], "key": key or [], "state": state, "uss_base_url": url,
            "request_id": "ignored-by-the-dss", **extra}


def parsed(r: Any, status: int | tuple[int, ...], kind: type) -> Any:
    """The answer's body parsed as ``kind`` (a ``uas-standards`` type), its status checked."""
    want = status if isinstance(status, tuple) else (status,)
    assert r.status_code in want, r.text
    return ImplicitDict.parse(r.json(), kind)


def error(r: Any, status: int | tuple[int, ...]) -> str:
    """An F3548 ``ErrorResponse`` with ``status``; its message (English, then Russian)."""
    from uas_standards.astm.f3548.v21.api import ErrorResponse

    e = parsed(r, status, ErrorResponse)
    assert e.message and any("а" <= ch <= "я" for ch in e.message.lower()), e.message
    return str(e.message)


New = Callable[[], str]


@pytest.fixture()
def new_id() -> New:
    return lambda: str(uuid.uuid4())
