"""The reads benchmark: ``GET /v1/plans`` over a store of many plans.

Two parties' plans (``plans`` in all, each in an area and hour of its own; one in ten of party
P1's crosses one of P0's, so P0 sees some legs of P1's plans) are filed in-process, then P0
reads ``GET /v1/plans`` through the application (Starlette's test client, no network): the
first page, and every page by following ``Link: rel="next"`` (a server without paging answers
everything in its first page).  Runnable as a script too (``python src/skypact/benchmarks/reads.py``),
so that the same file can measure another checkout of skypact (``PYTHONPATH=<checkout>/src``)."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["run"]


def run(plans: int = 11_000) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from skypact.api.app import create_app
    from skypact.benchmarks.service import disjoint_plan
    from skypact.plans.model import FlightPlan
    from skypact.service.auth import Principal
    from skypact.service.hub import Hub
    from skypact.store.db import connect

    with tempfile.TemporaryDirectory(prefix="skypact-bench-") as tmp:
        hub = Hub(connect(f"sqlite:///{Path(tmp) / 'db.sqlite'}"), b"k" * 32)
        kid, secret = hub.add_party("P0")
        hub.add_party("P1")
        t = time.perf_counter()
        for i in range(plans // 2):
            for party, client in (("P0", 0), ("P1", 1)):
                doc = disjoint_plan(client if i % 10 else 0, i, 2, party)
                doc["id"] = f"{party}-{i:06d}"
                hub.file_plan(Principal(party, "operator"), FlightPlan.model_validate(doc))
        filed_s = time.perf_counter() - t
        # the reads alone: no lifespan, so the background loops (sealing the audit chain of the
        # thousands of events just filed) do not share the CPU with them
        c = TestClient(create_app(hub=hub))
        tok = c.post("/v1/token", json={"key_id": kid, "secret": secret}).json()["access_token"]
        head = {"Authorization": f"Bearer {tok}"}
        t = time.perf_counter()
        first = c.get("/v1/plans", headers=head)
        first_s = time.perf_counter() - t
        pages = items = size = 0
        url: str | None = "/v1/plans"
        t = time.perf_counter()
        while url:
            r = c.get(url, headers=head)
            pages, items, size = pages + 1, items + len(r.json()), size + len(r.content)
            link = r.headers.get("link", "")
            url = link[1:link.index(">")].replace("http://testserver", "") if 'rel="next"' in link else None
        all_s = time.perf_counter() - t
        c.close()
        hub.engine.dispose()
    return {"plans": plans, "filed_s": round(filed_s, 1), "first_page_items": len(first.json()),
            "first_page_bytes": len(first.content), "first_page_ms": round(first_s * 1000, 1), "pages": pages,
            "items": items, "all_bytes": size, "all_s": round(all_s, 2)}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 11_000)) + "\n")
