"""Credentials: revoke, rotate, suspend; trusted outside issuers with subjects mapped to parties."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from skypact.api.app import create_app
from skypact.cli.app import app as cli
from skypact.config import Settings
from skypact.service.hub import Hub
from skypact.service.parties import KEY_FRESH_S, Parties
from skypact.store.db import connect
from tests.api.conftest import problem


def _token(c: TestClient, kid: str, secret: str) -> dict[str, str]:
    r = c.post("/v1/token", json={"key_id": kid, "secret": secret})
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["access_token"]}


@pytest.fixture()
def rsa_key(tmp_path: Path) -> tuple[Any, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    return key, pem


def test_revoke_and_rotate(tmp_path: Path) -> None:
    hub = Hub(connect(f"sqlite:///{tmp_path / 'db.sqlite'}"), b"k" * 32)
    c = TestClient(create_app(hub=hub))
    kid, secret = hub.add_party("A")
    head = _token(c, kid, secret)
    assert c.get("/v1/plans", headers=head).status_code == 200
    kid2, secret2 = hub.rotate("A")
    assert c.get("/v1/plans", headers=head).status_code == 401  # the old credential's tokens died
    assert c.post("/v1/token", json={"key_id": kid, "secret": secret}).status_code == 401
    head2 = _token(c, kid2, secret2)
    assert c.get("/v1/plans", headers=head2).status_code == 200
    hub.revoke(kid2)
    assert c.get("/v1/plans", headers=head2).status_code == 401
    assert c.post("/v1/token", json={"key_id": kid2, "secret": "wrong"}).status_code == 401


def test_outside_issuer_with_mapped_subject(tmp_path: Path, rsa_key: tuple[Any, Path]) -> None:
    key, pem = rsa_key
    hub = Hub(connect(f"sqlite:///{tmp_path / 'db.sqlite'}"), b"k" * 32)
    hub.add_party("A")
    c = TestClient(create_app(Settings(outside_issuers=((pem, "skypact.test", "issuer.test"),)), hub=hub))
    sc = "utm.strategic_coordination"

    def outside(sub: str | None = "uss1", aud: str = "skypact.test", iss: str | None = "issuer.test",
                exp: float | None = 60.0, scope: str = sc) -> dict[str, str]:
        claims: dict[str, Any] = {"aud": aud, "scope": scope}
        claims |= {"sub": sub} if sub is not None else {}
        claims |= {"iss": iss} if iss is not None else {}
        claims |= {"exp": int(time.time() + exp)} if exp is not None else {}
        return {"Authorization": f"Bearer {jwt.encode(claims, key, algorithm='RS256')}"}

    assert c.get("/v1/plans", headers=outside()).status_code == 401  # not mapped yet
    hub.map_subject("uss1", "A")
    assert c.get("/v1/plans", headers=outside()).status_code == 200
    assert c.get("/v1/plans", headers=outside(aud="other")).status_code == 401
    # strict: an expiry, a subject and the issuer the key is bound to are required
    assert c.get("/v1/plans", headers=outside(exp=None)).status_code == 401
    assert c.get("/v1/plans", headers=outside(iss=None)).status_code == 401
    assert c.get("/v1/plans", headers=outside(iss="someone.else")).status_code == 401
    assert c.get("/v1/plans", headers=outside(sub=None)).status_code == 401
    assert c.get("/dss/v1/subscriptions/" + "0" * 8 + "-0000-4000-8000-" + "0" * 12,
                 headers=outside(exp=None)).status_code == 401
    # F3548 scopes map to native roles: constraint processing reads, it does not file plans
    plan_doc = {"id": "X1", "party": "A", "callsign": "X1", "waypoints": [
        {"lat": 50, "lon": 0, "alt": {"value": 30000}, "time": "2026-06-01T12:00:00Z"},
        {"lat": 50, "lon": 1, "alt": {"value": 30000}, "time": "2026-06-01T12:10:00Z"}]}
    cp = outside(scope="utm.constraint_processing")
    assert c.get("/v1/plans", headers=cp).status_code == 200
    assert c.post("/v1/plans", json=plan_doc, headers=cp).status_code == 403
    assert c.get("/v1/plans", headers=outside(scope="openid")).status_code == 403
    assert c.post("/v1/plans", json=plan_doc, headers=outside()).status_code == 201
    hub.suspend("A")
    assert c.get("/v1/plans", headers=outside()).status_code == 401


def test_token_requests_are_rate_limited_and_unknown_key_ids_cost_a_hash(tmp_path: Path,
                                                                        monkeypatch: Any) -> None:
    from skypact.limits import TOKEN_PER_KEY
    from skypact.service import auth

    hub = Hub(connect(f"sqlite:///{tmp_path / 'db.sqlite'}"), b"k" * 32)
    c = TestClient(create_app(hub=hub))
    kid, _ = hub.add_party("A")
    for _ in range(TOKEN_PER_KEY[0]):
        assert c.post("/v1/token", json={"key_id": kid, "secret": "wrong"}).status_code == 401
    r = c.post("/v1/token", json={"key_id": kid, "secret": "wrong"})
    d = problem(r, 429)
    assert int(r.headers["Retry-After"]) >= 1 and "токена" in d["detail"]["ru"]
    # an unknown key id runs the same secret hash as a wrong secret does
    hashed: list[str] = []
    real = auth.verify_secret
    monkeypatch.setattr(auth, "verify_secret", lambda s, h: hashed.append(s) or real(s, h))
    assert c.post("/v1/token", json={"key_id": "no-such-key", "secret": "guess"}).status_code == 401
    assert hashed == ["guess"]


def test_admin_cli(tmp_path: Path) -> None:
    r = CliRunner()
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    opts = ["--db", db, "--token-key-file", str(tmp_path / "k")]
    out = r.invoke(cli, ["admin", "add-party", "A", "--max-priority", "2", *opts])
    assert out.exit_code == 0 and "key_id=" in out.stdout
    kid = out.stdout.split("key_id=")[1].split()[0]
    assert r.invoke(cli, ["admin", "revoke", kid, *opts]).exit_code == 0
    assert r.invoke(cli, ["admin", "revoke", "nope", *opts]).exit_code == 2
    assert "key_id=" in r.invoke(cli, ["admin", "rotate", "A", *opts]).stdout
    assert r.invoke(cli, ["admin", "map-subject", "uss1", "A", *opts]).exit_code == 0
    assert r.invoke(cli, ["admin", "map-subject", "uss1", "NOPE", *opts]).exit_code == 2
    assert r.invoke(cli, ["admin", "suspend", "A", *opts]).exit_code == 0
    assert r.invoke(cli, ["admin", "add-party", "A", *opts]).exit_code == 2  # exists


def test_revocation_by_another_process_is_seen_within_key_fresh_s(tmp_path: Path) -> None:
    """The server remembers checked tokens; the admin CLI (another process, another registry on
    the same store) revokes a credential and the server refuses it within KEY_FRESH_S."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    hub = Hub(connect(url), b"k" * 32)
    c = TestClient(create_app(hub=hub))
    kid, secret = hub.add_party("A")
    head = _token(c, kid, secret)
    assert c.get("/v1/plans", headers=head).status_code == 200  # verified and remembered
    Parties(connect(url), b"k" * 32).revoke(kid)  # as `skypact admin revoke` does
    time.sleep(KEY_FRESH_S + 0.2)
    r = c.get("/v1/plans", headers=head)
    assert r.status_code == 401
    assert "revoked" in r.json()["detail"]["en"]
