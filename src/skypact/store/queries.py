"""Statements of the service's hot path, built once.

Building a SQLAlchemy statement costs about five times as much as running a simple one on
SQLite, so the statements every write runs are prepared here with bound parameters (``:id``,
``:party``, ``:kid``) and executed with a parameter dict.  Inserts are executed as
``conn.execute(INSERT[table], row)``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Delete,
    Insert,
    Select,
    Update,
    bindparam,
    delete,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)

from skypact.store.tables import conflicts, credentials, emergencies, events, parties, plans, requests, volumes

__all__ = ["CONFLICTS_OF", "DELETE_CONFLICTS_OF", "INSERT", "KEY_STATE", "MAX_PRIORITY",
           "OF_ID", "REQUEST", "ROW", "SET_STATE", "URGENT"]

_ID = "id"

MAX_PRIORITY: Select[Any] = select(parties.c.max_priority).where(parties.c.id == bindparam("party"))

#: table name, owner, version and state of the plan and of the volume with this id (0, 1 or 2 rows)
OF_ID: CompoundSelect[Any] = union_all(*(select(literal(t.name).label("tab"), t.c.party, t.c.version, t.c.state)
                                    .where(t.c.id == bindparam(_ID)) for t in (plans, volumes)))
#: the whole row of a plan or volume, by table name
ROW: dict[str, Select[Any]] = {t.name: select(t).where(t.c.id == bindparam(_ID)) for t in (plans, volumes)}
#: a state change (``:row_id``, ``:new_state``, ``:new_version``), by table name
SET_STATE: dict[str, Update] = {t.name: update(t).where(t.c.id == bindparam("row_id")).values(
    state=bindparam("new_state"), version=bindparam("new_version")) for t in (plans, volumes)}

URGENT: Select[Any] = select(emergencies.c.plan).where(emergencies.c.plan == bindparam(_ID))

#: the conflicts of an item, with the two parties read out of the record (not the whole record)
CONFLICTS_OF: Select[Any] = select(conflicts.c.plan_a, conflicts.c.plan_b,
                                   conflicts.c.record["party_a"].as_string().label("party_a"),
                                   conflicts.c.record["party_b"].as_string().label("party_b")).where(
    or_(conflicts.c.plan_a == bindparam(_ID), conflicts.c.plan_b == bindparam(_ID)))
DELETE_CONFLICTS_OF: Delete = delete(conflicts).where(or_(conflicts.c.plan_a == bindparam(_ID),
                                                          conflicts.c.plan_b == bindparam(_ID)))

REQUEST: Select[Any] = select(requests).where((requests.c.party == bindparam("party"))
                                              & (requests.c.key == bindparam("key")))

KEY_STATE: Select[Any] = select(credentials.c.revoked, parties.c.suspended).join(parties).where(
    credentials.c.key_id == bindparam("kid"))

INSERT: dict[str, Insert] = {t.name: insert(t) for t in (plans, volumes, conflicts, events, requests, emergencies)}
