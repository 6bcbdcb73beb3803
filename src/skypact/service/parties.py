"""Parties and their credentials: create, token, revoke, rotate, suspend, outside subjects.

Every change records an event (:mod:`skypact.service.events`) in its own transaction.
"""

from __future__ import annotations

import re
import threading
import time

from sqlalchemy import Connection, Engine, delete, insert, select, update

from skypact.errors import AuthError, InputError, Location, NotFoundError, StateError
from skypact.i18n import LANGS, N_
from skypact.service import events
from skypact.service.auth import (
    ROLES,
    Principal,
    hash_secret,
    issue_token,
    new_credential,
    spend_like_a_secret_check,
    verify_secret,
    verify_token,
)
from skypact.store.queries import KEY_STATE
from skypact.store.tables import credentials, parties, subjects

__all__ = ["KEY_FRESH_S", "UNITS", "Parties", "check_role", "require_party"]

ADMIN = "admin"
#: the units a party's notifications use; "imperial" is accepted as another name of "aviation"
UNITS = ("aviation", "metric")
_NAME = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
_MAX_PRIORITY = 1000


def _choice(value: str, allowed: tuple[str, ...], field: str) -> None:
    if value not in allowed:
        raise InputError(N_("{value!r} is not one of {allowed}"), Location(field=field), value=value,
                         allowed=", ".join(allowed))


def check_role(role: str) -> None:
    """Refuse a role that does not exist (:data:`skypact.service.auth.ROLES`)."""
    _choice(role, tuple(ROLES), "role")


def _check_party(name: str, lang: str, units: str, max_priority: int) -> None:
    if not _NAME.match(name):
        raise InputError(N_("a party name is 1 to 64 letters, digits and _ . : - (not {name!r})"),
                         Location(field="name"), name=name[:80])
    _choice(lang, LANGS, "lang")
    _choice(units, UNITS, "units")
    if not 0 <= max_priority <= _MAX_PRIORITY:
        raise InputError(N_("the maximum priority must be from 0 to {limit}"), Location(field="max_priority"),
                         limit=_MAX_PRIORITY)

#: a credential revoked or a party suspended by another process (the admin CLI) is refused within
#: this time; by this server's own calls, at once
KEY_FRESH_S = 1.0
_MAX_TOKENS = 10_000  #: verified tokens remembered (the cache is emptied when full)


class Parties:
    """The parties of one store and the service's token key."""

    def __init__(self, engine: Engine, token_key: bytes) -> None:
        self.engine = engine
        self.token_key = token_key
        # every request presents a token: its signature is checked once, its credential's
        # state read again after KEY_FRESH_S (both were a fifth of a filing's CPU time)
        self._verified: dict[str, tuple[Principal, str, float]] = {}
        self._keys: dict[str, tuple[float, bool]] = {}
        self._guard = threading.Lock()

    def _forget(self) -> None:
        """Credentials or parties changed here: read every credential's state again."""
        with self._guard:
            self._keys.clear()

    def add_party(self, name: str, lang: str = "en", units: str = "aviation", max_priority: int = 0,
                  role: str = "operator") -> tuple[str, str]:
        """Create a party with one credential; returns (key id, secret), shown only now.

        Raises:
            InputError: a name, language, units, priority or role that is not allowed.
            StateError: the party exists already.
        """
        units = "aviation" if units == "imperial" else units
        _check_party(name, lang, units, max_priority)
        check_role(role)
        key_id, secret = new_credential()
        with self.engine.begin() as conn:
            if conn.execute(select(parties.c.id).where(parties.c.id == name)).first():
                raise StateError(N_("party {party} exists already"), party=name)
            conn.execute(insert(parties).values(id=name, lang=lang, units=units, max_priority=max_priority,
                                                suspended=False))
            events.record(conn, "party-created", ADMIN, [name], party=name, lang=lang, units=units,
                          max_priority=max_priority)
            self._issue(conn, key_id, secret, name, role)
        return key_id, secret

    @staticmethod
    def _issue(conn: Connection, key_id: str, secret: str, party: str, role: str) -> None:
        conn.execute(insert(credentials).values(key_id=key_id, party=party, role=role,
                                                secret_hash=hash_secret(secret), revoked=False))
        events.record(conn, "credential-issued", ADMIN, [party], key_id=key_id, party=party, role=role)

    def token(self, key_id: str, secret: str, ttl_s: int = 3600) -> str:
        """A bearer token for a valid, unrevoked credential of an active party."""
        with self.engine.connect() as conn:
            row = conn.execute(select(credentials, parties.c.suspended).join(parties)
                               .where(credentials.c.key_id == key_id)).first()
        if row is None:
            spend_like_a_secret_check(secret)  # an unknown key id takes as long as a wrong secret
            raise AuthError(N_("unknown or revoked credentials"))
        if not verify_secret(secret, row.secret_hash) or row.revoked or row.suspended:  # the same work either way
            raise AuthError(N_("unknown or revoked credentials"))
        return issue_token(self.token_key, Principal(row.party, row.role), ttl_s, kid=key_id)

    def revoke(self, key_id: str) -> None:
        """Revoke one credential: its tokens stop working at once here, and within
        :data:`KEY_FRESH_S` on a server running in another process."""
        with self.engine.begin() as conn:
            party = conn.execute(select(credentials.c.party).where(credentials.c.key_id == key_id)).scalar()
            if party is None:
                raise NotFoundError(N_("no credential {key_id}"), key_id=key_id)
            conn.execute(update(credentials).where(credentials.c.key_id == key_id).values(revoked=True))
            events.record(conn, "credential-revoked", ADMIN, [party], key_id=key_id, party=party)
        self._forget()

    def rotate(self, party: str, role: str = "operator") -> tuple[str, str]:
        """A new credential for ``party``; every earlier one of that role is revoked."""
        check_role(role)
        key_id, secret = new_credential()
        with self.engine.begin() as conn:
            require_party(conn, party)
            old = conn.execute(select(credentials.c.key_id).where(
                (credentials.c.party == party) & (credentials.c.role == role) & ~credentials.c.revoked)).scalars()
            for kid in list(old):
                conn.execute(update(credentials).where(credentials.c.key_id == kid).values(revoked=True))
                events.record(conn, "credential-revoked", ADMIN, [party], key_id=kid, party=party)
            self._issue(conn, key_id, secret, party, role)
        self._forget()
        return key_id, secret

    def suspend(self, party: str) -> None:
        """Suspend a party: its tokens stop working; its plans stay live and checked."""
        with self.engine.begin() as conn:
            require_party(conn, party)
            conn.execute(update(parties).where(parties.c.id == party).values(suspended=True))
            events.record(conn, "party-suspended", ADMIN, [events.EVERYONE], party=party)
        self._forget()

    def map_subject(self, sub: str, party: str, role: str = "operator") -> None:
        """Let tokens of a trusted outside issuer with subject ``sub`` act for ``party``."""
        check_role(role)
        if not 0 < len(sub) <= 256:
            raise InputError(N_("a subject is 1 to 256 characters"), Location(field="sub"))
        with self.engine.begin() as conn:
            require_party(conn, party)
            conn.execute(delete(subjects).where(subjects.c.sub == sub))
            conn.execute(insert(subjects).values(sub=sub, party=party, role=role))
            events.record(conn, "subject-mapped", ADMIN, [party], sub=sub, party=party, role=role)

    def subject(self, sub: str) -> Principal:
        """The party an outside subject acts for."""
        with self.engine.connect() as conn:
            row = conn.execute(select(subjects.c.party, subjects.c.role, parties.c.suspended).join(parties)
                               .where(subjects.c.sub == sub)).first()
        if row is None or row.suspended:
            raise AuthError(N_("the token's subject is not mapped to an active party"))
        return Principal(row.party, row.role)

    def authenticate(self, token: str) -> tuple[Principal, str]:
        """The principal of one of this server's tokens, and its key id.

        Raises:
            AuthError: bad signature, expired, revoked credential, suspended party.
        """
        now = time.time()
        hit = self._verified.get(token)
        if hit is None or hit[2] <= now:
            hit = verify_token(self.token_key, token)
            with self._guard:
                if len(self._verified) >= _MAX_TOKENS:
                    self._verified.clear()
                self._verified[token] = hit
        self.check_key(hit[1], now)
        return hit[0], hit[1]

    def check_key(self, key_id: str, now: float | None = None) -> None:
        """Refuse tokens of revoked credentials or suspended parties."""
        now = time.time() if now is None else now
        seen = self._keys.get(key_id)
        if seen is None or now - seen[0] > KEY_FRESH_S:
            with self.engine.connect() as conn:
                row = conn.execute(KEY_STATE, {"kid": key_id}).first()
            seen = (now, row is not None and not row.revoked and not row.suspended)
            with self._guard:
                self._keys[key_id] = seen
        if not seen[1]:
            raise AuthError(N_("unknown or revoked credentials"))


def require_party(conn: Connection, party: str) -> None:
    """Refuse a party that does not exist (404, EN and RU)."""
    if not conn.execute(select(parties.c.id).where(parties.c.id == party)).first():
        raise NotFoundError(N_("no party {party}"), party=party)
