"""The audit chain: every committed change, chained and signed, verifiable by each party alone.

Each change writes its event rows in its own transaction (:mod:`skypact.service.events`, the
outbox).  One appender per server takes the events not chained yet, in ``seq`` order, and
appends one entry per event:

* ``digest = SHA-256(canonical JSON of the event)`` (RFC 8785, via the ``rfc8785`` package);
* ``hash = SHA-256(seq as 8 bytes big-endian ‖ previous hash ‖ digest)`` (the first entry's
  previous hash is 32 zero bytes);
* ``signature`` = Ed25519 over ``hash`` with the server's audit key, named by ``key_id`` (the
  first 16 hex digits of SHA-256 of the raw public key).  A new key is announced by an
  ``audit-key`` event in the chain; after a rotation (:meth:`AuditChain.rotate`) the announcement
  carries the old key's signature of the new one, and :func:`verify` trusts the new key only
  through that endorsement.

The server seals (digest, hash, signature) in a helper process, :mod:`skypact.service.sealer`,
and stores the entries itself (:meth:`AuditChain.append_pending_helped`).

A party reads every entry (``GET /v1/audit``): those about itself (or everyone) with the event,
the others redacted to seq, previous hash, digest, hash and signature - enough to verify the
whole chain without seeing others' details.  :func:`verify` recomputes it and names the first
bad entry; a saved head (seq and hash, signed) later proves whether the history was rewritten.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy import Connection, Engine, Text, func, insert, select, type_coerce

from skypact.service import events
from skypact.service.sealer import STORED, HelperSealer, entry_hash, event_digest, seal
from skypact.store.tables import audit
from skypact.store.tables import events as event_rows

__all__ = ["ZERO", "AuditChain", "Problem", "entry_hash", "event_digest", "key_id", "verify"]

ZERO = bytes(32)

_AUDIT_COLS = ("seq", "event_seq", "prev_hash", "digest", "hash", "signature", "key_id", "at")
_INSERT_SQL = f"INSERT INTO audit ({', '.join(_AUDIT_COLS)}) VALUES ({', '.join('?' * len(_AUDIT_COLS))})"
_STORED_SQL = (f"SELECT {', '.join(STORED)} FROM events WHERE seq > ? ORDER BY seq LIMIT ?")


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]


def _event_doc(r: Any, seq: int | None = None, at: float | None = None) -> dict[str, Any]:
    """The event as chained: every stored field, times as given (``seq``/``at``: the event's,
    when ``r`` is a row joined with its audit entry, whose own seq and at take those names)."""
    return {"seq": r.seq if seq is None else seq, "at": r.at if at is None else at, "kind": r.kind,
            "actor": r.actor, "audience": r.audience, "subject": r.subject, "data": r.data}


def first_keys(entries: Iterable[dict[str, Any]]) -> dict[str, bytes]:
    """Keys the chain announces without endorsement (the server's first keys), by key id; keys
    after a rotation are trusted by :func:`verify` only through the old key's endorsement."""
    return {e["event"]["data"]["key_id"]: bytes.fromhex(e["event"]["data"]["public_key"])
            for e in entries if "event" in e and e["event"]["kind"] == "audit-key"
            and not e["event"]["data"].get("endorsed_by")}


class AuditChain:
    """The chain of one store, appended by this server with its key."""

    def __init__(self, engine: Engine, key_file: Path | None,
                 transaction: Callable[[], AbstractContextManager[Connection]] | None = None) -> None:
        self.engine = engine
        self.transaction = transaction or engine.begin
        self.key = _load_or_create(key_file) if key_file is not None else Ed25519PrivateKey.generate()
        self.public = self.key.public_key()
        self.key_id = key_id(self.public)
        self._announced = False
        self._appending = threading.Lock()

    def rotate(self, key_file: Path | None = None) -> str:
        """Sign from now on with a new key: chain what is pending with the old key, then record
        the new public key endorsed by the old one (``endorsement`` = old key's signature of
        ``skypact-audit-key:`` + the new raw public key).  Saves the new key to ``key_file``.
        Returns the new key id."""
        self.append_pending()
        new = Ed25519PrivateKey.generate()
        raw = new.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        endorsement = self.key.sign(b"skypact-audit-key:" + raw).hex()
        old_id = self.key_id
        self.key, self.public, self.key_id = new, new.public_key(), key_id(new.public_key())
        with self.transaction() as conn:
            events.record(conn, "audit-key", "skypact", [events.EVERYONE], self.key_id, **self.public_key(),
                          endorsed_by=old_id, endorsement=endorsement)
        self._announced = True
        if key_file is not None:
            _save(key_file, new)
        self.append_pending()
        return self.key_id

    def public_key(self) -> dict[str, str]:
        """What a party needs to check signatures: the key id and the raw public key (hex)."""
        return {"key_id": self.key_id, "algorithm": "Ed25519",
                "public_key": self.public.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()}

    def append_pending(self, limit: int | None = None, newer_only: bool = False, wait: bool = True) -> int:
        """Chain events not chained yet, in seq order; how many entries were appended.

        Only this appender writes audit rows, so the entries are computed and signed outside the
        write transaction (which other writers wait for) and inserted in one batch.

        ``limit``: at most this many.  ``newer_only``: only events after the newest one chained
        (an index lookup; the full search also finds events that committed after a later one,
        which PostgreSQL's concurrent writers can do).  ``wait``: False returns 0 at once when
        another call is appending."""
        if not self._appending.acquire(wait):
            return 0
        try:
            return self._append(limit, newer_only)
        finally:
            self._appending.release()

    async def append_pending_helped(self, sealer: HelperSealer, limit: int) -> int:
        """:meth:`append_pending` (``newer_only``, without waiting) for an event loop: the entries
        are sealed in ``sealer``'s helper process while the loop serves other work.  The events
        go to it as stored (their JSON columns as text, parsed there, not here).

        Raises:
            SealerError: the helper failed (nothing was appended)."""
        if not self._appending.acquire(False):
            return 0
        try:
            batch = self._pending(limit, newer_only=True, as_stored=True)
            if batch is None:
                return 0
            seq, prev, pending = batch
            sealed = await sealer.seal(self.key, seq + 1, prev, pending)
            return self._insert(seq, prev, [r[0] for r in pending], sealed)
        finally:
            self._appending.release()

    def _append(self, limit: int | None, newer_only: bool) -> int:
        batch = self._pending(limit, newer_only)
        if batch is None:
            return 0
        seq, prev, pending = batch
        return self._insert(seq, prev, [r.seq for r in pending],
                            seal(self.key, seq + 1, prev, [_event_doc(r) for r in pending]))

    def _pending(self, limit: int | None, newer_only: bool, as_stored: bool = False
                 ) -> tuple[int, str, list[Any]] | None:
        """The last entry's seq and hash, and the events to chain after it (None: nothing to do).
        ``as_stored``: each event a tuple in :data:`skypact.service.sealer.STORED` order, with
        audience and data as JSON text (on SQLite straight from the driver)."""
        if not self._announced:
            with self.transaction() as conn:
                known = conn.execute(select(event_rows.c.seq).where(
                    (event_rows.c.kind == "audit-key") & (event_rows.c.subject == self.key_id))).first()
                if known is None:
                    events.record(conn, "audit-key", "skypact", [events.EVERYONE], self.key_id,
                                  **self.public_key())
            self._announced = True
        with self.engine.connect() as conn:
            last = conn.execute(select(audit.c.seq, audit.c.hash).order_by(audit.c.seq.desc()).limit(1)).first()
            if newer_only:
                newest = conn.execute(select(func.max(audit.c.event_seq))).scalar() or 0
                which = event_rows.c.seq > newest
            else:
                which = event_rows.c.seq.not_in(select(audit.c.event_seq))
            if as_stored and newer_only and conn.dialect.name == "sqlite":
                pending: list[Any] = conn.connection.driver_connection.execute(  # type: ignore[union-attr]
                    _STORED_SQL, (newest, -1 if limit is None else limit)).fetchall()
            else:
                q = select(event_rows).where(which).order_by(event_rows.c.seq)
                pending = list(conn.execute(q.limit(limit) if limit is not None else q).all())
                if as_stored:
                    pending = [(r.seq, r.at, r.kind, r.actor, json.dumps(r.audience), r.subject, json.dumps(r.data))
                               for r in pending]
        if not pending:
            return None
        return (last.seq, last.hash, pending) if last else (0, ZERO.hex(), pending)

    def _insert(self, seq: int, prev: str, event_seqs: list[int], sealed: list[tuple[str, str, str]]) -> int:
        """Store the entries ``seq + 1``, … chaining the events ``event_seqs`` with their seals."""
        now = time.time()
        rows = []
        for i, (ev, (digest, h, signature)) in enumerate(zip(event_seqs, sealed, strict=True)):
            rows.append((seq + 1 + i, ev, prev, digest, h, signature, self.key_id, now))
            prev = h
        with self.transaction() as conn:
            if conn.dialect.name == "sqlite":  # a thousand rows a second: through the driver
                conn.connection.driver_connection.executemany(_INSERT_SQL, rows)  # type: ignore[union-attr]
            else:
                conn.execute(insert(audit), [dict(zip(_AUDIT_COLS, r, strict=True)) for r in rows])
        return len(rows)

    def entries(self, party: str | None, after: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        """Entries after ``after``: with the event when it concerns ``party`` (None: every event,
        for the server's own tools), otherwise redacted.  An event row whose stored JSON cannot
        be read gives an entry marked ``unreadable`` (:func:`verify` names it) instead of failing
        the whole read."""
        ev = event_rows.c
        raw_audience, raw_data = type_coerce(ev.audience, Text), type_coerce(ev.data, Text)
        with self.engine.connect() as conn:
            rows = conn.execute(select(audit, ev.at.label("ev_at"), ev.kind, ev.actor, raw_audience.label("audience"),
                                       ev.subject, raw_data.label("data"))
                                .join(event_rows, audit.c.event_seq == ev.seq)
                                .where(audit.c.seq > after).order_by(audit.c.seq).limit(limit)).all()
        out = []
        for r in rows:
            e: dict[str, Any] = {"seq": r.seq, "prev_hash": r.prev_hash, "digest": r.digest, "hash": r.hash,
                                 "signature": r.signature, "key_id": r.key_id}
            try:
                audience, data = (json.loads(v) if isinstance(v, str) else v for v in (r.audience, r.data))
            except ValueError as bad:
                e["unreadable"] = f"its event row {r.event_seq} cannot be read ({bad})"
                out.append(e)
                continue
            if party is None or party in audience or events.EVERYONE in audience:
                e["event"] = {"seq": r.event_seq, "at": r.ev_at, "kind": r.kind, "actor": r.actor,
                              "audience": audience, "subject": r.subject, "data": data}
            out.append(e)
        return out

    def lag(self) -> int:
        """Events stored but not yet chained (an estimate on PostgreSQL, where sequence numbers
        may have gaps)."""
        with self.engine.connect() as conn:
            last_event = conn.execute(select(func.max(event_rows.c.seq))).scalar() or 0
            chained = conn.execute(select(func.max(audit.c.event_seq))).scalar() or 0
        return max(0, int(last_event) - int(chained))

    def head(self) -> dict[str, Any]:
        """The latest entry's seq and hash, signed now: a party keeps it to prove the history later."""
        with self.engine.connect() as conn:
            last = conn.execute(select(audit.c.seq, audit.c.hash).order_by(audit.c.seq.desc()).limit(1)).first()
        seq, h = (last.seq, last.hash) if last else (0, ZERO.hex())
        payload = f"skypact-audit-head:{seq}:{h}".encode()
        return {"seq": seq, "hash": h, "key_id": self.key_id, "signature": self.key.sign(payload).hex()}


@dataclass(frozen=True)
class Problem:
    """The first entry that does not verify, and why."""

    seq: int
    reason: str


def verify(entries: Iterable[dict[str, Any]], keys: dict[str, bytes],
           saved_head: dict[str, Any] | None = None) -> Problem | None:
    """Recompute the chain; None when every entry holds, else the first bad entry.

    ``keys``: trusted public keys (raw bytes) by key id; ``audit-key`` events in the chain add
    the keys they announce.  ``saved_head``: a head kept earlier; the chain must pass through it.
    """
    prev, expect = ZERO.hex(), 1
    trusted = dict(keys)
    seen_head = saved_head is None
    for e in entries:
        seq = e["seq"]
        if seq != expect:
            return Problem(expect, f"entry {expect} is missing (found {seq})")
        if e["prev_hash"] != prev:
            return Problem(seq, "its previous hash is not the hash of the entry before it")
        if "unreadable" in e:
            return Problem(seq, e["unreadable"])
        ev = e.get("event")
        if ev is not None and event_digest(ev) != e["digest"]:
            return Problem(seq, "its event does not match its digest")
        if entry_hash(seq, prev, e["digest"]) != e["hash"]:
            return Problem(seq, "its hash does not match its seq, previous hash and digest")
        if ev is not None and ev["kind"] == "audit-key":
            _trust_announced(trusted, ev["data"])
        raw = trusted.get(e["key_id"])
        if raw is None:
            return Problem(seq, f"it is signed with an unknown key {e['key_id']}")
        try:
            Ed25519PublicKey.from_public_bytes(raw).verify(bytes.fromhex(e["signature"]), bytes.fromhex(e["hash"]))
        except (InvalidSignature, ValueError):
            return Problem(seq, "its signature does not verify")
        if saved_head is not None and seq == saved_head["seq"]:
            if e["hash"] != saved_head["hash"]:
                return Problem(seq, "it differs from the head saved earlier: the history was rewritten")
            seen_head = True
        prev, expect = e["hash"], seq + 1
    if not seen_head:
        return Problem(int(saved_head["seq"]) if saved_head else 0, "the chain ends before the head saved earlier")
    return None


def _trust_announced(trusted: dict[str, bytes], data: dict[str, Any]) -> None:
    """Trust a key the chain announces when a trusted key endorsed it (a first key, announced
    without endorsement, is trusted only by whoever already trusts it)."""
    raw = bytes.fromhex(data["public_key"])
    old = trusted.get(data.get("endorsed_by") or "")
    if old is None or data["key_id"] in trusted:
        return
    try:
        Ed25519PublicKey.from_public_bytes(old).verify(bytes.fromhex(data["endorsement"]), b"skypact-audit-key:" + raw)
    except (InvalidSignature, ValueError, KeyError):
        return
    trusted[data["key_id"]] = raw


def _save(path: Path, key: Ed25519PrivateKey) -> None:
    """Raw 32 bytes, hex, mode 600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex())
    path.chmod(0o600)


def _load_or_create(path: Path) -> Ed25519PrivateKey:
    """The server's audit key, created on first use."""
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        _save(path, key)
        return key
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(path.read_text().strip()))
