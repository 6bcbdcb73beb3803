"""The events outbox: one row per committed change, written in the change's own transaction.

Each event names its kind, the party that acted, its audience (the parties it concerns, or
``*`` for every party) and the plan or volume it is about, with machine-readable data.  Parties
read the events addressed to them (``GET /v1/events``) with an English and a Russian sentence;
the audit chain and push notifications build on the same rows, in ``seq`` order.

Data minimisation holds here too: an event about a plan goes to its owner, a conflict to the
two parties in it, an emergency to everyone with only the plan's reference.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from skypact.i18n import LANGS, N_, render
from skypact.store.queries import INSERT
from skypact.store.tables import events, notifications

__all__ = ["EVERYONE", "TEXTS", "batched", "read", "record", "record_notification"]

EVERYONE = "*"

_BATCH = "skypact.events.batch"  #: the key of a batch in ``Connection.info``
_INSERT_NOTE = insert(notifications)
_INSERT_NOTES = insert(notifications).returning(notifications.c.id, sort_by_parameter_order=True)

#: the sentence of each kind, filled from the event's data
TEXTS: dict[str, str] = {
    "party-created": N_("party {party} was created"),
    "credential-issued": N_("credential {key_id} was issued to party {party}"),
    "credential-revoked": N_("credential {key_id} was revoked"),
    "party-suspended": N_("party {party} was suspended"),
    "subject-mapped": N_("outside subject {sub} now acts for party {party}"),
    "plan-filed": N_("plan {id} was filed, version {version}"),
    "plan-updated": N_("plan {id} was replaced, version {version}"),
    "plan-state": N_("plan {id} is now {state}"),
    "plan-rejected": N_("plan {id} was not accepted: it conflicts with the higher-priority plan {other}"),
    "plan-deleted": N_("plan {id} was deleted"),
    "volume-filed": N_("reserved volume {id} was filed, version {version}"),
    "volume-updated": N_("reserved volume {id} was replaced, version {version}"),
    "volume-state": N_("reserved volume {id} is now {state}"),
    "volume-deleted": N_("reserved volume {id} was deleted"),
    "conflict-found": N_("conflict predicted between {a} ({party_a}) and {b} ({party_b}) from {start} to {end}"),
    "conflict-cleared": N_("conflict between {a} and {b} is cleared"),
    "emergency-declared": N_("EMERGENCY: party {party} declared an emergency for flight {plan}; until it ends, "
                             "this flight has precedence over every other plan. Reason: {reason}"),
    "emergency-ended": N_("the emergency of flight {plan} ({party}) has ended"),
    "notification-sent": N_("notification {id} ({type}) was sent to {party}"),
    "notification-acknowledged": N_("notification {id} was acknowledged by {by}"),
    "party-silent": N_("party {party} has gone silent"),
    "audit-key": N_("the audit chain is signed from here on with key {key_id}"),
    "notice-late": N_("{party} gave less notice of {item} than agreed with {other_party}"),
    "party-back": N_("party {party} is taking part again"),
    "notification-escalated": N_("notification {id} to {party} was not acknowledged in time and was escalated"),
    "oir-filed": N_("operational intent {id} was filed through F3548 by {manager}, version {version}"),
    "oir-updated": N_("operational intent {id} was changed through F3548 by {manager}, version {version}"),
    "oir-deleted": N_("operational intent {id} was deleted through F3548"),
    "cr-filed": N_("constraint {id} was filed through F3548 by {manager}, version {version}"),
    "cr-updated": N_("constraint {id} was changed through F3548 by {manager}, version {version}"),
    "cr-deleted": N_("constraint {id} was deleted through F3548"),
    "subscription-filed": N_("F3548 subscription {id} was created"),
    "subscription-updated": N_("F3548 subscription {id} was changed"),
    "subscription-deleted": N_("F3548 subscription {id} was deleted"),
    "uss-availability": N_("USS {uss} is now {availability}"),
    "dss-report": N_("{by} filed the F3548 error report {report_id}"),
}


def record(conn: Connection, kind: str, actor: str, audience: Sequence[str], subject: str = "", /,
           **data: Any) -> None:
    """Append an event in the caller's transaction (it commits or rolls back with the change)."""
    if kind not in TEXTS:
        raise KeyError(kind)
    row = {"at": time.time(), "kind": kind, "actor": actor, "audience": sorted(set(audience)), "subject": subject,
           "data": data}
    batch = conn.info.get(_BATCH)
    if batch is not None:
        batch.append((None, row))
    else:
        conn.execute(INSERT["events"], row)


def record_notification(conn: Connection, note: dict[str, Any], subject: str) -> None:
    """Store a notification (a ``notifications`` row) and its ``notification-sent`` event, which
    names it by its id."""
    data: dict[str, Any] = {"id": None, "type": note["type"], "party": note["party"]}
    row = {"at": time.time(), "kind": "notification-sent", "actor": "skypact", "audience": [note["party"]],
           "subject": subject, "data": data}
    batch = conn.info.get(_BATCH)
    if batch is not None:
        batch.append((note, row))
        return
    key = conn.execute(_INSERT_NOTE, note).inserted_primary_key
    data["id"] = key[0] if key else None
    conn.execute(INSERT["events"], row)


@contextmanager
def batched(conn: Connection) -> Iterator[None]:
    """Within the block, the events and notifications recorded on ``conn`` are kept and inserted
    when it ends (same rows, same order, same ids): a write records a dozen, and one statement
    per row through the SQL layer was a fifth of its time.  Nothing in a write reads back the
    events it records."""
    if _BATCH in conn.info:  # already batching (a nested block): the outer one inserts
        yield
        return
    batch: list[tuple[dict[str, Any] | None, dict[str, Any]]] = []
    conn.info[_BATCH] = batch
    try:
        yield
    finally:
        del conn.info[_BATCH]
    if not batch:
        return
    if conn.dialect.name == "sqlite":
        _insert_sqlite(conn, batch)
        return
    notes = [(note, row) for note, row in batch if note is not None]
    if notes:
        ids = conn.execute(_INSERT_NOTES, [note for note, _ in notes]).scalars().all()
        for (_, row), nid in zip(notes, ids, strict=True):
            row["data"]["id"] = nid
    conn.execute(INSERT["events"], [row for _, row in batch])


_NOTE_COLS = ("at", "type", "severity", "party", "subject", "fields", "text", "delivered_at", "ack_due", "ack_at",
              "ack_by", "escalated")
_NOTE_SQL = f"INSERT INTO notifications ({', '.join(_NOTE_COLS)}) VALUES ({', '.join('?' * len(_NOTE_COLS))})"
_EVENT_SQL = "INSERT INTO events (at, kind, actor, audience, subject, data) VALUES (?, ?, ?, ?, ?, ?)"


def _insert_sqlite(conn: Connection, batch: list[tuple[dict[str, Any] | None, dict[str, Any]]]) -> None:
    """The batch straight through the driver, in the connection's transaction: the same rows as
    SQLAlchemy would write (JSON as its ``json.dumps``, booleans as 0/1), a tenth of the cost."""
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for note, row in batch:
            if note is not None:
                cur.execute(_NOTE_SQL, (note["at"], note["type"], note["severity"], note["party"], note["subject"],
                                        json.dumps(note["fields"]), json.dumps(note["text"]), note["delivered_at"],
                                        note["ack_due"], note["ack_at"], note["ack_by"], int(note["escalated"])))
                row["data"]["id"] = cur.lastrowid
        cur.executemany(_EVENT_SQL, [(r["at"], r["kind"], r["actor"], json.dumps(r["audience"]), r["subject"],
                                      json.dumps(r["data"])) for _, r in batch])
    finally:
        cur.close()


def read(engine: Engine, party: str, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """Events addressed to ``party`` (or to everyone) with ``seq`` > ``after``, oldest first."""
    out: list[dict[str, Any]] = []
    with engine.connect() as conn:
        while len(out) < limit:
            rows = conn.execute(select(events).where(events.c.seq > after).order_by(events.c.seq)
                                .limit(500)).all()
            if not rows:
                break
            for r in rows:
                if party in r.audience or EVERYONE in r.audience:
                    out.append(_public(r))
                    if len(out) == limit:
                        break
            after = rows[-1].seq
    return out


def _public(r: Any) -> dict[str, Any]:
    return {"seq": r.seq, "at": r.at, "kind": r.kind, "actor": r.actor, "subject": r.subject, "data": r.data,
            "text": {lang: render(TEXTS[r.kind], lang, r.data) for lang in LANGS}}
