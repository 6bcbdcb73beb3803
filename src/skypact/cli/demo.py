"""``skypact demo``: the service on the embedded store with the two-party sample, end to end over HTTP.

It starts the server, creates ATC-N and AF-S with the sample plans and volumes brought to the
present (the sample's main crossing a few minutes from now), prints the address of the
operational picture and each party's sign-in, and flies the sample's plans as live tracks (one
report per aircraft a second).  A few seconds later AF-S files its conflicting plan through the
API; the conflict arrives on ATC-N's stream (and page), and as the two aircraft close in, a
tactical alert follows.  It keeps serving until Ctrl-C.  ``--once`` files at once, shows the
notification arriving (short radio form and full sentence, English and Russian), acknowledges
it, shows AF-S being told, and stops.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from skypact.cli.common import LangChoice, fail, out, t
from skypact.errors import InputError
from skypact.i18n import N_


def demo(
    once: Annotated[bool, typer.Option("--once", help="Set up, show the conflict and its acknowledgement, exit.")]
    = False,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (0: any free port).")] = 8080,
    var: Annotated[Path, typer.Option("--var", help="Directory of the demo store.")] = Path("var/demo-service"),
    lang: Annotated[LangChoice, typer.Option("--lang", help="Language of the text.")] = LangChoice.both,
    file_after: Annotated[float, typer.Option("--file-after", min=0.0, max=600.0,
                                              help="Seconds before AF-S files its conflicting plan (not with --once).")]
    = 20.0,
) -> None:
    """Start the service on a fresh SQLite store with two parties and their sample plans (brought
    to the present), print the address of the operational picture and each party's sign-in, fly
    the plans as live tracks, file a conflicting plan after --file-after seconds, and keep serving
    until Ctrl-C.  --once: file at once, show the notification arriving and being acknowledged,
    and stop."""
    import uvicorn

    from skypact.api.app import create_app
    from skypact.config import SHUTDOWN_GRACE_S, Settings
    from skypact.service.auth import Principal
    from skypact.service.hub import Hub
    from skypact.store.db import connect
    from skypact.store.owner import StoreInUse, claim
    from skypact.synth import DAY0, demo_planset, shifted

    var.mkdir(parents=True, exist_ok=True)
    db = var / "skypact.db"
    owner = claim(f"sqlite:///{db}")  # referenced until the demo ends: the claim lasts as long
    try:  # taken before the old store is removed: a demo already serving it keeps it
        owner.__enter__()
    except StoreInUse as e:
        raise fail(e) from None
    for f in (db, var / "skypact.db-wal", var / "skypact.db-shm"):
        f.unlink(missing_ok=True)
    settings = Settings(db_url=f"sqlite:///{db}", token_key_file=var / "token.key")
    hub = Hub(connect(settings.db_url), settings.token_key())
    # the sample's main crossing (NRD101 x SAF201, 15 min into its 09:00 start) five minutes from now
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    ps = shifted(demo_planset(1), now + timedelta(minutes=5) - (DAY0 + timedelta(hours=9, minutes=15)))
    creds = {p: hub.add_party(p, max_priority=3) for p in ("ATC-N", "AF-S")}
    late = next(p for p in ps.plans if p.id == "SAF201")
    for p in ps.plans:
        if p is not late:
            hub.file_plan(Principal(p.party, "operator"), p)
    for v in ps.volumes:
        hub.file_volume(Principal(v.party, "operator"), v)
    with socket.socket() as s:  # a taken or refused address is said at once, in both languages
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: a closed demo's port is free
        try:
            s.bind((host, port))
        except OSError:
            raise fail(InputError(N_("cannot listen on {host}:{port}: the address is in use or not allowed"),
                                  host=host, port=port)) from None
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, hub), host=host, port=port, log_level="warning",
                                           timeout_graceful_shutdown=SHUTDOWN_GRACE_S))
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    while not server.started:
        if not runner.is_alive():  # taken since the check above: its error is printed; do not wait forever
            raise typer.Exit(1)
        time.sleep(0.05)
    url = f"http://{host}:{port}"
    out.print(t(N_("skypact service at {url} (OpenAPI: {url}/docs)"), lang, url=url))
    out.print(t(N_("the operational picture: {url}/ (sign in with a party's key id and secret)"), lang, url=url))
    for party, (kid, secret) in creds.items():
        out.print(f"  {party}: key_id={kid} secret={secret}")
    tokens = {p: _call(host, port, "POST", "/v1/token", None, {"key_id": k, "secret": s})["access_token"]
              for p, (k, s) in creds.items()}
    flying = threading.Event()
    if not once:
        threading.Thread(target=_fly, args=(hub, ps.plans, flying), daemon=True).start()

    arrived: list[dict[str, Any]] = []
    seen = max((n["id"] for n in _call(host, port, "GET", "/v1/notifications?limit=1000", tokens["ATC-N"], None)),
               default=0)  # the sample's own conflicts are there already: wait for what comes next
    listener = threading.Thread(target=_first_event, args=(host, port, tokens["ATC-N"], seen, arrived),
                                daemon=True)
    listener.start()
    time.sleep(0.3)
    if not once and file_after > 0:
        out.print(t(N_("{party} files {plan} in {seconds} s: watch it arrive on the picture"), lang,
                    party=late.party, plan=late.id, seconds=round(file_after)))
        time.sleep(file_after)
    out.print(t(N_("{party} files {plan}; the answer:"), lang, party=late.party, plan=late.id))
    res = _call(host, port, "POST", "/v1/plans", tokens["AF-S"], json.loads(late.model_dump_json()))
    out.print(json.dumps({"conflicts": [{k: c[k] for k in ("plan_a", "plan_b", "start", "end", "horizontal_nm")}
                                        for c in res["conflicts"]], "resolutions": res["resolutions"]}, indent=2))
    listener.join(timeout=10)
    if arrived:
        note = arrived[0]
        out.print(t(N_("on the notification stream of {party}:"), lang, party="ATC-N"))
        _show(note, lang)
        if not once:
            out.print(t(N_("acknowledge it on the picture; Ctrl-C stops the demo"), lang))
        else:
            acked = _call(host, port, "POST", f"/v1/notifications/{note['id']}/ack", tokens["ATC-N"], None)
            out.print(t(N_("{party} acknowledges notification {id} at {time} UTC"), lang, party="ATC-N",
                        id=note["id"], time=time.strftime("%H:%M:%S", time.gmtime(acked["ack"]["at"]))))
            told = [n for n in _call(host, port, "GET", "/v1/notifications?limit=1000", tokens["AF-S"], None)
                    if n["type"] == "acknowledged"]
            if told:
                out.print(t(N_("{party} is told:"), lang, party="AF-S"))
                _show(told[-1], lang)
    if once:
        server.should_exit = True
        runner.join(timeout=10)
        return
    try:
        runner.join()
    except KeyboardInterrupt:
        server.should_exit = True
    finally:
        flying.set()


def _fly(hub: Any, plans: list[Any], stop: threading.Event) -> None:
    """Report every plan's aircraft where its plan puts it, once a second, until ``stop``."""
    from skypact.service.auth import Principal
    from skypact.synth import flown

    while not stop.wait(1.0 - time.time() % 1.0):
        for party, tracks in flown(plans, time.time()).items():
            hub.surveillance.report(Principal(party, "operator"), tracks)


def _show(note: dict[str, Any], lang: LangChoice) -> None:
    for lg in lang.langs():
        out.print(f"  {lg.upper()}  {note['text'][lg]['short']}", markup=False)
        out.print(f"      {note['text'][lg]['full']}", markup=False)


def _call(host: str, port: int, method: str, path: str, token: str | None, doc: Any) -> Any:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    conn.request(method, path, body=json.dumps(doc) if doc is not None else None, headers=headers)
    resp = conn.getresponse()
    data = json.loads(resp.read())
    conn.close()
    return data


def _first_event(host: str, port: int, token: str, after: int, arrived: list[dict[str, Any]]) -> None:
    """Read the party's stream, from after id ``after``, until a notification arrives."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", "/v1/notifications/stream", headers={"Authorization": f"Bearer {token}",
                                                             "Last-Event-ID": str(after)})
    for raw in conn.getresponse():
        line = raw.decode().strip()
        if line.startswith("data: "):
            arrived.append(json.loads(line[6:]))
            break
    conn.close()
