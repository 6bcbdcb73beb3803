"""Events and notifications recorded in a batch are stored exactly as one by one: same rows,
same order, the same notification ids named by their events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from skypact.service import events
from skypact.service.notices import Notices
from skypact.service.parties import Parties
from skypact.store.db import connect
from skypact.store.tables import events as event_rows
from skypact.store.tables import notifications
from tests.api.conftest import fresh_url


def _write(url: str, batched: bool) -> tuple[list[Any], list[Any]]:
    engine = connect(url)
    reg = Parties(engine, b"k" * 32)
    for p in ("A", "B"):
        reg.add_party(p, lang="ru" if p == "B" else "en")
    notices = Notices(engine)
    with engine.begin() as conn, events.batched(conn) if batched else conn.begin_nested():
        events.record(conn, "plan-filed", "A", ["A"], "P1", id="P1", version=1, conflicts=1)
        notices.send(conn, "conflict-predicted", "A", "P1", callsign="AFL1", party="A", other="P2",
                     other_party="B", start=1.78e9, end=1.78e9 + 60, time=1.78e9 + 30, h_m=3000.0,
                     v_m=0.0, lat=55.5, lon=37.5)
        events.record(conn, "conflict-found", "A", ["A", "B"], "P1", a="P1", b="P2", note="ё «x» \u2028")
        notices.send(conn, "plan-accepted", "B", "P2", plan="P2", callsign="SU1", party="B")
    with engine.connect() as conn:
        ev = [r._asdict() for r in conn.execute(select(event_rows).order_by(event_rows.c.seq))]
        no = [r._asdict() for r in conn.execute(select(notifications).order_by(notifications.c.id))]
    engine.dispose()
    for r in ev + no:
        r.pop("at")
        if "ack_due" in r:
            r["ack_due"] = r["ack_due"] is not None  # a time
        if r.get("kind") == "credential-issued":
            r["data"].pop("key_id")  # random
    return ev, no


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_batch_stores_what_single_inserts_store(store: str, tmp_path: Path, pg_url: str | None) -> None:
    one = _write(fresh_url(store, tmp_path / "one", pg_url), batched=False)
    many = _write(fresh_url(store, tmp_path / "many", pg_url), batched=True)
    assert many == one
    ev, no = many
    sent = [e for e in ev if e["kind"] == "notification-sent"]
    assert [e["data"]["id"] for e in sent] == [n["id"] for n in no] and len(no) == 2
    assert [e["kind"] for e in ev][-4:] == ["plan-filed", "notification-sent", "conflict-found", "notification-sent"]
