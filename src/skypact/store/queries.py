"""Statements of the service's hot path, built once.

Building a SQLAlchemy statement costs about five times as much as running a simple one on
SQLite, so the statements every write runs are prepared here with bound parameters (``:id``,
``:party``, ``:kid``) and executed with a parameter dict.  Inserts are executed as
``conn.execute(INSERT[table], row)``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Delete, Insert, Select, Update, bindparam, delete, insert, or_, select, update

from skypact.store.tables import conflicts, credentials, emergencies, events, parties, plans, requests, volumes

__all__ = ["CONFLICTS_OF", "CURRENT", "DELETE_CONFLICTS_OF", "EXISTS", "INSERT", "KEY_STATE", "MAX_PRIORITY",
           "REQUEST", "ROW", "SET_STATE", "URGENT"]

_ID = "id"

MAX_PRIORITY: Select[Any] = select(parties.c.max_priority).where(parties.c.id == bindparam("party"))

#: version, owner and state of a plan or volume, by table name
CURRENT: dict[str, Select[Any]] = {t.name: select(t.c.party, t.c.version, t.c.state).where(t.c.id == bindparam(_ID))
                              for t in (plans, volumes)}
#: the whole row of a plan or volume, by table name
ROW: dict[str, Select[Any]] = {t.name: select(t).where(t.c.id == bindparam(_ID)) for t in (plans, volumes)}
#: a state change (``:row_id``, ``:new_state``, ``:new_version``), by table name
SET_STATE: dict[str, Update] = {t.name: update(t).where(t.c.id == bindparam("row_id")).values(
    state=bindparam("new_state"), version=bindparam("new_version")) for t in (plans, volumes)}
EXISTS: dict[str, Select[Any]] = {t.name: select(t.c.id).where(t.c.id == bindparam(_ID)) for t in (plans, volumes)}

URGENT: Select[Any] = select(emergencies.c.plan).where(emergencies.c.plan == bindparam(_ID))

CONFLICTS_OF: Select[Any] = select(conflicts.c.plan_a, conflicts.c.plan_b, conflicts.c.record).where(
    or_(conflicts.c.plan_a == bindparam(_ID), conflicts.c.plan_b == bindparam(_ID)))
DELETE_CONFLICTS_OF: Delete = delete(conflicts).where(or_(conflicts.c.plan_a == bindparam(_ID),
                                                          conflicts.c.plan_b == bindparam(_ID)))

REQUEST: Select[Any] = select(requests).where((requests.c.party == bindparam("party"))
                                              & (requests.c.key == bindparam("key")))

KEY_STATE: Select[Any] = select(credentials.c.revoked, parties.c.suspended).join(parties).where(
    credentials.c.key_id == bindparam("kid"))

INSERT: dict[str, Insert] = {t.name: insert(t) for t in (plans, volumes, conflicts, events, requests, emergencies)}
