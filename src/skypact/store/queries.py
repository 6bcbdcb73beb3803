"""Statements of the service's hot path, built once.

Building a SQLAlchemy statement costs about five times as much as running a simple one on
SQLite, so the statements every write runs are prepared here with bound parameters (``:id``,
``:party``, ``:kid``) and executed with a parameter dict.  Inserts are executed as
``conn.execute(INSERT[table], row)``.

The few that every plan write runs are :class:`Hot`: on SQLite they go straight through the
driver, in the connection's transaction (SQLAlchemy's own work per statement was four times
SQLite's), as the same SQL with the same values; elsewhere through SQLAlchemy.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Delete,
    Executable,
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

__all__ = ["CONFLICTS_OF", "DELETE_CONFLICTS_OF", "HOT", "INSERT", "KEY_STATE", "MAX_PRIORITY",
           "OF_ID", "REQUEST", "ROW", "SET_STATE", "URGENT", "Hot"]

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


@dataclass(frozen=True)
class Hot:
    """A statement with its SQLite text: ``sql`` (``?`` parameters named by ``params`` in order;
    those in ``json_in`` given as documents and stored as SQLAlchemy stores them, ``json.dumps``)
    and, for a query, the columns it reads (``json_out``: those holding documents)."""

    stmt: Executable
    sql: str
    params: tuple[str, ...]
    json_in: frozenset[str] = frozenset()
    columns: tuple[str, ...] = ()
    json_out: frozenset[str] = frozenset()
    _row: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_row", namedtuple("Row", self.columns) if self.columns else None)

    def __call__(self, conn: Connection, values: Mapping[str, Any]) -> list[Any]:
        """Run it with ``values``; the rows read (attributes by column name, ``_asdict()``), or []."""
        if conn.dialect.name != "sqlite":
            result = conn.execute(self.stmt, dict(values))
            return list(result.all()) if self.columns else []
        args = [json.dumps(values[n]) if n in self.json_in else values[n] for n in self.params]
        cur = conn.connection.driver_connection.execute(self.sql, args)  # type: ignore[union-attr]
        if not self.columns:
            return []
        out = self.json_out
        return [self._row(*(json.loads(v) if c in out and v is not None else v for c, v in zip(self.columns, r,
                                                                                                  strict=True)))
                for r in cur.fetchall()]


_ITEM_COLS = ("id", "party", "state", "version", "body", "t_start", "t_end", "extents")

#: the statements of a plan write, by name (``insert-plans``, ``row-volumes``, …)
HOT: dict[str, Hot] = {
    "of-id": Hot(OF_ID, "SELECT 'plans', party, version, state FROM plans WHERE id = ? UNION ALL "
                        "SELECT 'volumes', party, version, state FROM volumes WHERE id = ?", (_ID, _ID),
                 columns=("tab", "party", "version", "state")),
    "conflicts-of": Hot(CONFLICTS_OF, "SELECT plan_a, plan_b, CAST(JSON_EXTRACT(record, '$.\"party_a\"') AS VARCHAR), "
                                      "CAST(JSON_EXTRACT(record, '$.\"party_b\"') AS VARCHAR) FROM conflicts "
                                      "WHERE plan_a = ? OR plan_b = ?", (_ID, _ID),
                        columns=("plan_a", "plan_b", "party_a", "party_b")),
    "insert-conflicts": Hot(INSERT["conflicts"],
                            "INSERT INTO conflicts (plan_a, plan_b, record, note) VALUES (?, ?, ?, ?)",
                            ("plan_a", "plan_b", "record", "note"), frozenset({"record"})),
    **{f"row-{t.name}": Hot(ROW[t.name], f"SELECT {', '.join(_ITEM_COLS)} FROM {t.name} WHERE id = ?", (_ID,),
                            columns=_ITEM_COLS, json_out=frozenset({"body", "extents"})) for t in (plans, volumes)},
    **{f"set-state-{t.name}": Hot(SET_STATE[t.name], f"UPDATE {t.name} SET state = ?, version = ? WHERE id = ?",
                                  ("new_state", "new_version", "row_id")) for t in (plans, volumes)},
    **{f"insert-{t.name}": Hot(INSERT[t.name], f"INSERT INTO {t.name} ({', '.join(_ITEM_COLS)}) "
                                               f"VALUES ({', '.join('?' * len(_ITEM_COLS))})",
                               _ITEM_COLS, frozenset({"body", "extents"})) for t in (plans, volumes)},
}
