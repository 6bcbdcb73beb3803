"""Credentials and bearer tokens.

A party's credential is a key id and a secret, shown once when created; the store keeps a salted
PBKDF2-SHA256 hash.  The server signs its own JWTs (HS256) with ``sub`` = party, ``role`` and
``scope``.  Roles and scopes:

| role | scopes |
|---|---|
| operator | ``plans:read plans:write`` (its own plans only) |
| viewer | ``plans:read`` |
| admin | ``plans:read admin`` |
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt

from skypact.errors import AuthError
from skypact.i18n import N_

__all__ = [
    "ROLES",
    "OutsideIssuer",
    "Principal",
    "hash_secret",
    "issue_token",
    "new_credential",
    "outside_claims",
    "verify_outside",
    "verify_secret",
    "verify_token",
]

ROLES = {"operator": ("plans:read", "plans:write"), "viewer": ("plans:read",), "admin": ("plans:read", "admin")}
ISSUER = "skypact"
_ITER = 100_000


@dataclass(frozen=True)
class Principal:
    """Who calls: the party, its role, and (for the record) the credential key id or outside subject."""

    party: str
    role: str
    key: str = ""

    @property
    def scopes(self) -> tuple[str, ...]:
        return ROLES[self.role]


def new_credential() -> tuple[str, str]:
    """A fresh (key id, secret)."""
    return secrets.token_hex(8), secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), bytes.fromhex(salt), _ITER).hex()
    return f"{salt}${digest}"


def verify_secret(secret: str, stored: str) -> bool:
    salt, digest = stored.split("$", 1)
    got = hashlib.pbkdf2_hmac("sha256", secret.encode(), bytes.fromhex(salt), _ITER).hex()
    return hmac.compare_digest(got, digest)


def issue_token(key: bytes, p: Principal, ttl_s: int = 3600, kid: str = "") -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": ISSUER, "sub": p.party, "role": p.role, "scope": " ".join(p.scopes),
              "iat": now, "exp": now + ttl_s, "kid": kid}
    return jwt.encode(claims, key, algorithm="HS256")


def verify_token(key: bytes, token: str) -> tuple[Principal, str, float]:
    """The principal of a valid token, the key id it was issued for and its expiry (epoch s).

    Raises:
        AuthError: bad signature, expired, wrong issuer or audience, unknown role.
    """
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"], audience=ISSUER, issuer=ISSUER,
                            options={"require": ["exp"]})
    except jwt.PyJWTError:
        raise AuthError(N_("the bearer token is invalid or expired")) from None
    role = claims.get("role")
    if role not in ROLES or not isinstance(claims.get("sub"), str):
        raise AuthError(N_("the bearer token is invalid or expired"))
    return Principal(claims["sub"], role), str(claims.get("kid", "")), float(claims["exp"])


@dataclass(frozen=True)
class OutsideIssuer:
    """A trusted outside token issuer: its RS256 public key (PEM) and the audience it must name."""

    public_key_pem: bytes
    audience: str


def outside_claims(issuers: list[OutsideIssuer], token: str) -> dict[str, Any]:
    """The claims of a token signed by one of ``issuers`` for its audience, with a subject.

    Raises:
        AuthError: no issuer accepts the token.
    """
    for iss in issuers:
        try:
            claims = jwt.decode(token, iss.public_key_pem, algorithms=["RS256"], audience=iss.audience)
        except jwt.PyJWTError:
            continue
        sub = claims.get("sub")
        if isinstance(sub, str) and sub:
            return dict(claims)
    raise AuthError(N_("the bearer token is invalid or expired"))


def verify_outside(issuers: list[OutsideIssuer], token: str) -> str:
    """The subject of a token signed by one of ``issuers`` for its audience."""
    return str(outside_claims(issuers, token)["sub"])
