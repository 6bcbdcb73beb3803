"""The hot statements through SQLite's driver store and read exactly what SQLAlchemy does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from skypact.store import queries as Q
from skypact.store.db import connect
from skypact.store.tables import conflicts, parties, plans, volumes

BODY = {"id": "?", "callsign": "ЯК-42 «Б»", "waypoints": [{"lat": 50.123456789012345, "alt": {"value": 1e-7}}],
        "nested": {"t": True, "f": None, "big": 2**40, "esc": "tab\t\"q\" \u2028"}}
EXTENTS = [{"lat_min": 49.99999999999999, "lat_max": 50.1, "alt_min_m": 9144.0, "t_start": 1780301229.1530764}]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    e = connect(f"sqlite:///{tmp_path / 's.db'}")
    with e.begin() as conn:
        conn.execute(insert(parties), [{"id": p, "lang": "en", "units": "imperial", "max_priority": 0,
                                        "suspended": False} for p in ("P", "Q")])
    return e


def _item(item_id: str, party: str = "P") -> dict[str, Any]:
    return {"id": item_id, "party": party, "state": "Proposed", "version": 1, "body": {**BODY, "id": item_id},
            "t_start": 1780300000.25, "t_end": 1780303600.5, "extents": EXTENTS}


def _rows(engine: Engine, table: Any, key: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [r._asdict() for r in conn.execute(select(table).order_by(key)).all()]


@pytest.mark.parametrize("table", [plans, volumes], ids=lambda t: t.name)
def test_inserts_reads_and_state_changes_equal_sqlalchemys(engine: Engine, table: Any) -> None:
    name = table.name
    with engine.begin() as conn:
        Q.HOT[f"insert-{name}"](conn, _item("D1"))
        conn.execute(Q.INSERT[name], _item("S1"))
        Q.HOT[f"insert-{name}"](conn, _item("D2", "Q"))
        conn.execute(Q.INSERT[name], _item("S2", "Q"))
    got = {r["id"]: r for r in _rows(engine, table, table.c.id)}
    for d, s in (("D1", "S1"), ("D2", "S2")):
        assert {**got[d], "id": "", "body": {**got[d]["body"], "id": ""}} == \
               {**got[s], "id": "", "body": {**got[s]["body"], "id": ""}}
    with engine.connect() as conn:
        for pid in ("D1", "S2", "none"):
            hot = Q.HOT[f"row-{name}"](conn, {"id": pid})
            sa = conn.execute(Q.ROW[name], {"id": pid}).all()
            assert [tuple(r) for r in hot] == [tuple(r) for r in sa]
            assert [r._asdict() for r in hot] == [r._asdict() for r in sa]
            hot = Q.HOT["of-id"](conn, {"id": pid})
            assert [tuple(r) for r in hot] == [tuple(r) for r in conn.execute(Q.OF_ID, {"id": pid}).all()]
            assert all(r.tab == name for r in hot)
    with engine.begin() as conn:
        Q.HOT[f"set-state-{name}"](conn, {"row_id": "D1", "new_state": "Accepted", "new_version": 2})
        conn.execute(Q.SET_STATE[name], {"row_id": "S1", "new_state": "Accepted", "new_version": 2})
    got = {r["id"]: r for r in _rows(engine, table, table.c.id)}
    assert got["D1"]["state"] == got["S1"]["state"] == "Accepted" and got["D1"]["version"] == got["S1"]["version"] == 2


def test_conflicts_inserted_and_read_as_sqlalchemy_does(engine: Engine) -> None:
    record = {"party_a": "P", "party_b": "Q «ж»", "h": 7425.274835414226, "text": {"ru": "конфликт"}}
    with engine.begin() as conn:
        Q.HOT["insert-conflicts"](conn, {"plan_a": "A", "plan_b": "B", "record": record, "note": ""})
        conn.execute(Q.INSERT["conflicts"], {"plan_a": "A", "plan_b": "B", "record": record, "note": ""})
        Q.HOT["insert-conflicts"](conn, {"plan_a": "C", "plan_b": "A", "record": {**record, "party_a": "Q"},
                                         "note": "n"})
    rows = _rows(engine, conflicts, conflicts.c.id)
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert {**rows[0], "id": 0} == {**rows[1], "id": 0}
    with engine.connect() as conn:
        for pid in ("A", "B", "C", "none"):
            hot = Q.HOT["conflicts-of"](conn, {"id": pid})
            sa = conn.execute(Q.CONFLICTS_OF, {"id": pid}).all()
            assert sorted(tuple(r) for r in hot) == sorted(tuple(r) for r in sa)
            assert all(r.party_b == "Q «ж»" for r in hot if r.plan_b == "B")
        assert len(Q.HOT["conflicts-of"](conn, {"id": "A"})) == 3
