"""Sealing audit entries (digest, chained hash, signature), in this process or a helper process.

An entry's seal is pure CPU: the RFC 8785 canonical JSON of its event (~70 µs in the
``rfc8785`` package, pure Python), two SHA-256 and one Ed25519 signature (~50 µs), about
0.13 ms in all.  A busy server chains ~4 entries per write; sealed on its event loop they took
a tenth of the loop's time, which is the time every request waits for.  :class:`HelperSealer`
hands each batch to a helper process (``python -m skypact.service.sealer``, started with the
server) over its pipes and awaits the answer, so the loop serves requests meanwhile and the
sealing runs on another core.  Both ways compute the same :func:`seal`.

The helper speaks one JSON document per line.  In: ``{"key": HEX}`` (the raw Ed25519 private
key to sign with from now on; no answer) or ``{"seq": N, "prev": HEX, "events": [...]}`` (a batch:
the first entry's seq, the hash before it, the events in order as rows in :data:`STORED` order,
audience and data as JSON text).  Out, per batch:
``{"rows": [[digest, hash, signature], ...]}`` or ``{"error": TEXT}``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from collections.abc import Sequence
from typing import Any

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

__all__ = ["STORED", "HelperSealer", "SealerError", "entry_hash", "event_digest", "seal", "stored_event"]

#: the columns of an event row as the server sends it to the helper (audience and data as JSON text)
STORED = ("seq", "at", "kind", "actor", "audience", "subject", "data")

#: how long the parent waits for a batch's seals (a batch takes milliseconds; more means the helper is stuck)
ANSWER_TIMEOUT_S = 10.0
#: the longest line the parent reads from the helper (a batch of AUDIT_STEP_MAX entries is ~60 kB)
_LINE_LIMIT = 1 << 24


class SealerError(RuntimeError):
    """The helper process failed or is gone; the caller seals in its own process instead."""


def event_digest(event: dict[str, Any]) -> str:
    """SHA-256 (hex) of the RFC 8785 canonical JSON of an event."""
    return hashlib.sha256(rfc8785.dumps(event)).hexdigest()


def entry_hash(seq: int, prev_hash: str, digest: str) -> str:
    """SHA-256 (hex) of seq (8 bytes, big-endian) ‖ previous hash ‖ digest."""
    return hashlib.sha256(seq.to_bytes(8, "big") + bytes.fromhex(prev_hash) + bytes.fromhex(digest)).hexdigest()


def seal(key: Ed25519PrivateKey, seq: int, prev: str, docs: Sequence[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """``(digest, hash, signature)`` of the entries ``seq``, ``seq + 1``, … chaining ``docs``
    after the entry whose hash is ``prev``."""
    out = []
    for i, doc in enumerate(docs):
        digest = event_digest(doc)
        h = entry_hash(seq + i, prev, digest)
        out.append((digest, h, key.sign(bytes.fromhex(h)).hex()))
        prev = h
    return out


def stored_event(row: Sequence[Any]) -> dict[str, Any]:
    """The event as chained (see :mod:`skypact.service.audit`) from a row in :data:`STORED`
    order whose audience and data are JSON text (parsed as the store's JSON columns are)."""
    seq, at, kind, actor, audience, subject, data = row
    return {"seq": seq, "at": at, "kind": kind, "actor": actor, "audience": json.loads(audience),
            "subject": subject, "data": json.loads(data)}


def _raw(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex()


class HelperSealer:
    """The helper process, driven from an event loop (one batch at a time)."""

    def __init__(self) -> None:
        self._proc: asyncio.subprocess.Process | None = None
        self._key: str | None = None  # the raw key the helper holds

    async def seal(self, key: Ed25519PrivateKey, seq: int, prev: str,
                   rows: Sequence[Sequence[Any]]) -> list[tuple[str, str, str]]:
        """:func:`seal` in the helper (started on first use) of the events ``rows`` (each in
        :data:`STORED` order, audience and data as JSON text).

        Raises:
            SealerError: the helper failed or gave no answer within :data:`ANSWER_TIMEOUT_S`; it
                is stopped and started again on the next call.
        """
        try:
            proc = self._proc
            if proc is None or proc.returncode is not None:
                proc = self._proc = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "skypact.service.sealer", stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE, limit=_LINE_LIMIT)
                self._key = None
            assert proc.stdin is not None and proc.stdout is not None
            raw = _raw(key)
            if raw != self._key:
                proc.stdin.write(json.dumps({"key": raw}).encode() + b"\n")
                self._key = raw
            proc.stdin.write(json.dumps({"seq": seq, "prev": prev, "events": list(rows)}).encode() + b"\n")
            await proc.stdin.drain()
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
            # arrives with the answer, and a stopping server would go on sealing
            async with asyncio.timeout(ANSWER_TIMEOUT_S):
                line = await proc.stdout.readline()
            answer = json.loads(line) if line else {"error": "the helper process ended"}
        except TimeoutError:
            answer = {"error": f"no answer in {ANSWER_TIMEOUT_S:.0f} s"}
        except (OSError, ValueError, asyncio.LimitOverrunError) as e:
            answer = {"error": f"{type(e).__name__}: {e}"}
        sealed = answer.get("rows")
        if not isinstance(sealed, list) or len(sealed) != len(rows):
            await self.close()
            raise SealerError(str(answer.get("error", "a malformed answer")))
        return [(str(d), str(h), str(s)) for d, h, s in sealed]

    async def close(self) -> None:
        """Stop the helper (it also ends by itself when its input closes)."""
        proc, self._proc, self._key = self._proc, None, None
        if proc is None or proc.returncode is not None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            async with asyncio.timeout(5.0):
                await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()


def main() -> None:
    """The helper: answer batches read from stdin until it closes."""
    key: Ed25519PrivateKey | None = None
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        try:
            msg = json.loads(line)
            if "key" in msg:
                key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(msg["key"]))
                continue
            if key is None:
                raise ValueError("no key given before the first batch")
            docs = [stored_event(r) for r in msg["events"]]
            answer: dict[str, Any] = {"rows": seal(key, int(msg["seq"]), str(msg["prev"]), docs)}
        except Exception as e:  # told to the parent, which seals in its own process instead
            answer = {"error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(answer).encode() + b"\n")
        out.flush()


if __name__ == "__main__":
    main()
