"""The audit chain: one entry per committed change, verifiable by each party from its redacted
view, and every kind of tampering found and named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from typer.testing import CliRunner

from skypact.cli.app import app as cli
from skypact.service.audit import entry_hash, event_digest, verify
from skypact.store.tables import audit, events
from tests.api.conftest import body
from tests.api.test_volumes_api import A1, AV1, B1, C1


def _activity(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    c.post("/v1/plans", json=body(A1), headers=h["A"])
    c.post("/v1/volumes", json=body(AV1), headers=h["A"])
    c.post("/v1/plans", json=body(B1), headers=h["B"])  # conflicts with A1 and AV1
    c.post("/v1/plans", json=body(C1), headers=h["C"])
    c.post("/v1/check", json=body(B1), headers=h["B"])  # a dry run: no change
    c.post("/v1/plans/A1/state", json={"state": "Accepted"}, headers=h["A"])
    note = c.get("/v1/notifications", headers=h["A"]).json()[0]["id"]
    c.post(f"/v1/notifications/{note}/ack", headers=h["A"])
    c.delete("/v1/plans/B1", headers=h["B"])
    env["hub"].audit.append_pending()


def _keys(env: dict[str, Any]) -> dict[str, bytes]:
    k = env["client"].get("/.well-known/skypact-audit-key").json()
    return {k["key_id"]: bytes.fromhex(k["public_key"])}


def test_one_entry_per_committed_change_and_every_party_can_verify(env: dict[str, Any]) -> None:
    _activity(env)
    hub = env["hub"]
    with hub.engine.connect() as conn:
        n_events = conn.execute(select(func.count()).select_from(events)).scalar_one()
        chained = conn.execute(select(audit.c.event_seq).order_by(audit.c.seq)).scalars().all()
        seqs = conn.execute(select(events.c.seq).order_by(events.c.seq)).scalars().all()
    assert chained == seqs and len(chained) == n_events  # each event once, in order
    assert hub.audit.append_pending() == 0  # nothing twice
    full = hub.audit.entries(None)
    assert verify(full, _keys(env)) is None
    for party in "ABC":
        view = env["client"].get("/v1/audit", headers=env["h"][party]).json()
        assert [e["seq"] for e in view] == [e["seq"] for e in full]
        assert verify(view, _keys(env)) is None  # redacted entries still verify
        shown = [e for e in view if "event" in e]
        assert shown and len(shown) < len(view)
        assert all(party in e["event"]["audience"] or "*" in e["event"]["audience"] for e in shown)
    kinds = {e["event"]["kind"] for e in full}
    assert {"party-created", "plan-filed", "volume-filed", "conflict-found", "plan-state", "conflict-cleared",
            "notification-acknowledged", "plan-deleted", "audit-key"} <= kinds


def test_a_flipped_byte_a_deleted_entry_and_a_reordering_are_named(env: dict[str, Any]) -> None:
    _activity(env)
    hub, keys = env["hub"], _keys(env)
    entries = hub.audit.entries(None)
    assert len(entries) > 10

    flipped = json.loads(json.dumps(entries))
    ev = flipped[6]["event"]
    ev["actor"] = ev["actor"][:-1] + chr(ord(ev["actor"][-1]) ^ 1)  # one byte of the event
    bad = verify(flipped, keys)
    assert bad is not None and bad.seq == entries[6]["seq"] and "digest" in bad.reason

    flipped = json.loads(json.dumps(entries))
    flipped[4]["digest"] = ("0" if flipped[4]["digest"][0] != "0" else "1") + flipped[4]["digest"][1:]
    bad = verify(flipped, keys)
    assert bad is not None and bad.seq == entries[4]["seq"]

    bad = verify(entries[:3] + entries[4:], keys)  # entry 4 deleted
    assert bad is not None and bad.seq == entries[3]["seq"] and "missing" in bad.reason

    swapped = [*entries[:5], entries[6], entries[5], *entries[7:]]  # two reordered
    bad = verify(swapped, keys)
    assert bad is not None and bad.seq == entries[5]["seq"]

    # the same in the store: the CLI reads it and names the entry
    url = str(hub.engine.url.render_as_string(hide_password=False))
    r = CliRunner().invoke(cli, ["audit", "verify", "--db", url])
    assert r.exit_code == 0 and "verified" in r.stdout
    with hub.engine.begin() as conn:
        conn.execute(update(events).where(events.c.seq == entries[7]["event"]["seq"]).values(actor="someone else"))
    r = CliRunner().invoke(cli, ["audit", "verify", "--db", url])
    assert r.exit_code == 1 and f"broken at entry {entries[7]['seq']}" in r.stdout


def test_a_saved_head_proves_a_rewritten_history(env: dict[str, Any], tmp_path: Path) -> None:
    _activity(env)
    hub, keys = env["hub"], _keys(env)
    head = env["client"].get("/v1/audit/head", headers=env["h"]["B"]).json()
    assert head["seq"] == len(hub.audit.entries(None)) and head["signature"]
    # the server rewrites an old event and re-chains and re-signs everything after it, consistently
    entries = json.loads(json.dumps(hub.audit.entries(None)))
    entries[2]["event"]["data"] = {"rewritten": True}
    prev = entries[1]["hash"]
    for e in entries[2:]:
        if "event" in e:
            e["digest"] = event_digest(e["event"])
        e["prev_hash"] = prev
        e["hash"] = entry_hash(e["seq"], prev, e["digest"])
        e["signature"] = hub.audit.key.sign(bytes.fromhex(e["hash"])).hex()
        prev = e["hash"]
    assert verify(entries, keys) is None  # on its own the rewritten chain is consistent...
    bad = verify(entries, keys, saved_head=head)  # ...but not with the head B kept
    assert bad is not None and bad.seq == head["seq"] and "rewritten" in bad.reason
    assert verify(hub.audit.entries(None), keys, saved_head=head) is None


def test_a_rotated_key_is_trusted_only_through_the_old_keys_endorsement(env: dict[str, Any]) -> None:
    _activity(env)
    hub = env["hub"]
    first = _keys(env)
    new_id = hub.audit.rotate()
    assert new_id not in first and _keys(env) == {new_id: bytes.fromhex(hub.audit.public_key()["public_key"])}
    env["client"].post("/v1/plans/A1/state", json={"state": "Activated"}, headers=env["h"]["A"])
    hub.audit.append_pending()
    entries = hub.audit.entries(None)
    assert {e["key_id"] for e in entries} == {*first, new_id}
    assert verify(entries, first) is None  # a party that kept the first key follows the rotation
    # a key announced without the old key's endorsement is not trusted
    forged = json.loads(json.dumps(entries))
    ann = next(e for e in forged if e.get("event", {}).get("kind") == "audit-key"
               and e["event"]["data"].get("endorsed_by"))
    ann["event"]["data"]["endorsement"] = "00" * 64
    at = forged.index(ann)
    prev = forged[at - 1]["hash"]
    for e in forged[at:]:  # re-chained and re-signed with the new key: consistent but for the endorsement
        if "event" in e:
            e["digest"] = event_digest(e["event"])
        e["prev_hash"], e["hash"] = prev, entry_hash(e["seq"], prev, e["digest"])
        e["signature"] = hub.audit.key.sign(bytes.fromhex(e["hash"])).hex()
        prev = e["hash"]
    bad = verify(forged, first)
    assert bad is not None and bad.seq == ann["seq"] and "unknown key" in bad.reason
