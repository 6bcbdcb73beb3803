"""Credentials and bearer tokens.

A party's credential is a key id and a secret, shown once when created; the store keeps a salted
PBKDF2-SHA256 hash.  The server signs its own JWTs (HS256) with ``sub`` = party, ``role`` and
``scope``.  Roles and scopes:

| role | scopes |
|---|---|
| operator | ``plans:read plans:write`` (its own plans only) |
| viewer | ``plans:read`` |
| admin | ``plans:read admin`` |

Tokens of a trusted outside issuer (RS256) must name the issuer and audience that key is bound
to, a subject, and an expiry.  Their subject is mapped to a party and a role
(``skypact admin map-subject``); on skypact's own API the role is further limited by the token's
F3548 scopes (:data:`SCOPE_ROLES`): the lesser of the two applies.

| F3548 scope | role on ``/v1`` |
|---|---|
| ``utm.strategic_coordination``, ``utm.conformance_monitoring_sa`` | operator |
| ``utm.constraint_management``, ``utm.constraint_processing``, ``utm.availability_arbitration`` | viewer |

A token with none of these scopes is refused (403).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import jwt

from skypact.errors import AccessError, AuthError
from skypact.i18n import N_

__all__ = [
    "ROLES",
    "SCOPE_ROLES",
    "OutsideIssuer",
    "Principal",
    "hash_secret",
    "issue_token",
    "new_credential",
    "outside_claims",
    "outside_principal",
    "require",
    "spend_like_a_secret_check",
    "verify_secret",
    "verify_token",
]

ROLES = {"operator": ("plans:read", "plans:write"), "viewer": ("plans:read",), "admin": ("plans:read", "admin")}
#: what an outside token's F3548 scopes allow on skypact's own API (the module's table)
SCOPE_ROLES = {"utm.strategic_coordination": "operator", "utm.conformance_monitoring_sa": "operator",
               "utm.constraint_management": "viewer", "utm.constraint_processing": "viewer",
               "utm.availability_arbitration": "viewer"}
_RANK = {"viewer": 0, "operator": 1, "admin": 2}
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


def require(who: Principal, scope: str) -> None:
    """Refuse a caller whose role lacks ``scope`` (``plans:read`` or ``plans:write``)."""
    if scope not in who.scopes:
        if scope == "plans:write":
            raise AccessError(N_("role {role} may not file plans"), role=who.role)
        raise AccessError(N_("role {role} may not read plans"), role=who.role)


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


@cache
def _decoy() -> str:
    return hash_secret(secrets.token_urlsafe(32))


def spend_like_a_secret_check(secret: str) -> None:
    """The work of :func:`verify_secret` for a key id that does not exist, so that an unknown key
    id costs the same time as a wrong secret (no probing for valid key ids by timing)."""
    verify_secret(secret, _decoy())


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
    """A trusted outside token issuer: its RS256 public key (PEM), the issuer (``iss``) that key is
    bound to, and the audience its tokens must name."""

    public_key_pem: bytes
    audience: str
    issuer: str


def outside_claims(issuers: list[OutsideIssuer], token: str) -> dict[str, Any]:
    """The claims of a token signed by one of ``issuers`` naming that issuer and its audience,
    with a subject and an expiry.

    Raises:
        AuthError: no issuer accepts the token.
    """
    for iss in issuers:
        try:
            claims = jwt.decode(token, iss.public_key_pem, algorithms=["RS256"], audience=iss.audience,
                                issuer=iss.issuer, options={"require": ["exp", "sub", "iss", "aud"]})
        except jwt.PyJWTError:
            continue
        sub = claims.get("sub")
        if isinstance(sub, str) and sub:
            return dict(claims)
    raise AuthError(N_("the bearer token is invalid or expired"))


def outside_principal(mapped: Principal, claims: dict[str, Any]) -> Principal:
    """What an outside token may do on skypact's own API: the subject's mapped role, limited by
    the role its F3548 scopes allow (:data:`SCOPE_ROLES`).

    Raises:
        AccessError: the token holds none of those scopes.
    """
    allowed = [SCOPE_ROLES[s] for s in str(claims.get("scope", "")).split() if s in SCOPE_ROLES]
    if not allowed:
        raise AccessError(N_("the token has none of the scopes this endpoint accepts"))
    best = max(allowed, key=_RANK.__getitem__)
    role = min(best, mapped.role, key=_RANK.__getitem__)
    return Principal(mapped.party, role, str(claims["sub"]))


