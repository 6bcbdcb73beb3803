"""Audit entries sealed in the helper process: the same seals as in the server's own process, the
key followed across a rotation, and a failed helper reported, then started again."""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from skypact.service.audit import ZERO, verify
from skypact.service.auth import Principal
from skypact.service.hub import Hub
from skypact.service.sealer import HelperSealer, SealerError, seal, stored_event
from skypact.store.tables import audit, events
from tests.api.conftest import body
from tests.api.test_volumes_api import A1, AV1, B1
from tests.builders import plan, wp

DOCS: list[dict[str, Any]] = [
    {"seq": 7, "at": 1780301229.1530764, "kind": "conflict-found", "actor": "B", "audience": ["A", "B"],
     "subject": "B1", "data": {"a": "B1", "b": "A1", "horizontal_m": 7425.274835414226, "vertical_m": 0.0,
                               "text": "Конфликт 1e21 \u2028 \"q\" \\ ☃"}},
    {"seq": 8, "at": 1780301230.0, "kind": "plan-state", "actor": "A", "audience": ["A"], "subject": "A1",
     "data": {"id": "A1", "state": "Ended", "version": 2, "tiny": 5e-324, "big": 2**53 - 1}},
]


ROWS = [(d["seq"], d["at"], d["kind"], d["actor"], json.dumps(d["audience"]), d["subject"],
         json.dumps(d["data"], ensure_ascii=False)) for d in DOCS]  # as the server sends them: JSON columns as text


def _helped(coro_of: Any) -> Any:
    async def run() -> Any:
        sealer = HelperSealer()
        try:
            return await coro_of(sealer)
        finally:
            await sealer.close()
    return asyncio.run(run())


def test_the_helper_seals_exactly_as_the_server_does() -> None:
    key = Ed25519PrivateKey.generate()
    prev = "ab" * 32
    assert [stored_event(r) for r in ROWS] == DOCS
    got = _helped(lambda s: s.seal(key, 41, prev, ROWS))
    assert got == seal(key, 41, prev, DOCS)
    assert got[1][1] != got[0][1] and len({g[2] for g in got}) == 2


def test_the_helper_follows_the_key_and_restarts_after_a_failure() -> None:
    k1, k2 = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    bad = [(*ROWS[0][:1], math.inf, *ROWS[0][2:])]  # RFC 8785 has no infinity: the helper answers with an error

    async def steps(s: HelperSealer) -> list[Any]:
        out = [await s.seal(k1, 1, ZERO.hex(), ROWS[:1]), await s.seal(k2, 2, "00" * 32, ROWS[1:])]
        with pytest.raises(SealerError, match="FloatDomainError"):
            await s.seal(k1, 1, ZERO.hex(), bad)
        out.append(await s.seal(k1, 1, ZERO.hex(), ROWS[:1]))  # a new helper, told the key again
        return out

    first, second, again = _helped(steps)
    assert first == seal(k1, 1, ZERO.hex(), DOCS[:1]) == again
    assert second == seal(k2, 2, "00" * 32, DOCS[1:])


def test_a_chain_sealed_by_the_helper_verifies(env: dict[str, Any]) -> None:
    c, h, hub = env["client"], env["h"], env["hub"]
    c.post("/v1/plans", json=body(A1), headers=h["A"])
    c.post("/v1/volumes", json=body(AV1), headers=h["A"])
    c.post("/v1/plans", json=body(B1), headers=h["B"])

    async def chain(s: HelperSealer) -> list[int]:
        counts = []
        while n := await hub.audit.append_pending_helped(s, 4):  # several batches, each after the last
            counts.append(n)
        return counts

    counts = _helped(chain)
    with hub.engine.connect() as conn:
        n_events = conn.execute(select(func.count()).select_from(events)).scalar_one()
        chained = conn.execute(select(audit.c.event_seq).order_by(audit.c.seq)).scalars().all()
    assert len(counts) > 1 and max(counts) == 4 and sum(counts) == n_events == len(chained)
    assert hub.audit.append_pending() == 0
    k = c.get("/.well-known/skypact-audit-key").json()
    assert verify(hub.audit.entries(None), {k["key_id"]: bytes.fromhex(k["public_key"])}) is None


def test_while_the_helper_fails_the_server_seals_in_its_own_process(server: tuple[str, Hub],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(self: HelperSealer, *args: Any) -> list[tuple[str, str, str]]:
        raise SealerError("broken for the test")

    monkeypatch.setattr(HelperSealer, "seal", broken)
    _, hub = server
    hub.add_party("A", max_priority=3)
    hub.add_party("B")
    hub.file_plan(Principal("A", "operator"), plan("A1", "A", [wp(50, 0, 30000, 0), wp(50, 2, 30000, 1200)]))
    hub.file_plan(Principal("B", "operator"), plan("B1", "B", [wp(49, 1, 30000, 0), wp(51, 1, 30000, 1200)]))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # the server's own appender, not this test, chains them
        with hub.engine.connect() as conn:
            n_events = conn.execute(select(func.count()).select_from(events)).scalar_one()
            n_chained = conn.execute(select(func.count()).select_from(audit)).scalar_one()
        if n_chained == n_events:
            break
        time.sleep(0.1)
    assert n_chained == n_events >= 8
    key = hub.audit.public_key()
    assert verify(hub.audit.entries(None), {key["key_id"]: bytes.fromhex(key["public_key"])}) is None
