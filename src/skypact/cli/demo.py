"""``skypact demo``: the service on the embedded store with the two-party sample."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from skypact.cli.common import LangChoice, out, t
from skypact.i18n import N_


def demo(
    once: Annotated[bool, typer.Option("--once", help="Set up, file the conflicting plan, print, exit.")] = False,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8080,
    var: Annotated[Path, typer.Option("--var", help="Directory of the demo store.")] = Path("var/demo-service"),
    lang: Annotated[LangChoice, typer.Option("--lang", help="Language of the text.")] = LangChoice.both,
) -> None:
    """Start the service on a fresh SQLite store with two parties and their sample plans, file a
    plan that conflicts and show the answer, then keep serving (until Ctrl-C) unless --once."""
    from skypact.api.app import create_app
    from skypact.config import Settings
    from skypact.service.auth import Principal
    from skypact.service.hub import Hub
    from skypact.store.db import connect
    from skypact.synth import demo_planset

    var.mkdir(parents=True, exist_ok=True)
    db = var / "skypact.db"
    for f in (db, var / "skypact.db-wal", var / "skypact.db-shm"):
        f.unlink(missing_ok=True)
    settings = Settings(db_url=f"sqlite:///{db}", token_key_file=var / "token.key")
    hub = Hub(connect(settings.db_url), settings.token_key())
    ps = demo_planset(1)
    creds = {p: hub.add_party(p, max_priority=3) for p in ("ATC-N", "AF-S")}
    late = next(p for p in ps.plans if p.id == "SAF201")
    for p in ps.plans:
        if p is not late:
            hub.file_plan(Principal(p.party, "operator"), p)
    for v in ps.volumes:
        hub.file_volume(Principal(v.party, "operator"), v)
    url = f"http://{host}:{port}"
    out.print(t(N_("skypact service at {url} (OpenAPI: {url}/docs)"), lang, url=url))
    for party, (kid, secret) in creds.items():
        out.print(f"  {party}: key_id={kid} secret={secret}")
    res = hub.file_plan(Principal(late.party, "operator"), late)
    out.print(t(N_("{party} files {plan}; the answer:"), lang, party=late.party, plan=late.id))
    out.print(json.dumps({"conflicts": [{k: c[k] for k in ("plan_a", "plan_b", "start", "end", "horizontal_nm")}
                                        for c in res.conflicts], "resolutions": res.resolutions}, indent=2))
    for rec in res.conflicts:
        for lg in lang.langs():
            out.print("• " + rec["text"][lg])
    if once:
        return
    import uvicorn

    uvicorn.run(create_app(settings, hub), host=host, port=port, log_level="info")
