"""``skypact notices``: a party's notifications from a running service, in English, Russian or both."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Annotated, Any

import typer

from skypact.cli.common import EXIT_BAD_INPUT, LangChoice, err, fail, out
from skypact.errors import FormatError
from skypact.i18n import N_

notices_app = typer.Typer(help="Notifications of your party from a running service (show, follow, ack).",
                          no_args_is_help=True)

URL = Annotated[str, typer.Option("--url", help="The service, e.g. http://127.0.0.1:8080.")]
TOKEN = Annotated[str, typer.Option("--token", help="Your party's bearer token.", envvar="SKYPACT_TOKEN")]
LANG = Annotated[LangChoice, typer.Option("--lang", help="Language of the text.")]
FULL = Annotated[bool, typer.Option("--full", help="The full sentence under each short form.")]


def _request(url: str, token: str, method: str, path: str) -> Any:
    req = urllib.request.Request(url.rstrip("/") + path, method=method, headers={"authorization": f"Bearer {token}"})
    return urllib.request.urlopen(req, timeout=60)


def _fetch(url: str, token: str, method: str, path: str) -> Any:
    """The JSON answer of one call; a refusal or an unreachable service ends the command (code 2)."""
    try:
        with _request(url, token, method, path) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        raise _refused(e) from None
    except (urllib.error.URLError, OSError) as e:
        raise fail(FormatError(N_("cannot reach {url}: {detail}"), url=url, detail=str(e))) from None


def _refused(e: urllib.error.HTTPError) -> typer.Exit:
    body = json.loads(e.read() or b"{}")
    detail = body.get("detail", {}) if isinstance(body, dict) else {}
    for lg in ("en", "ru"):
        err.print(f"{e.code}: {detail.get(lg, e.reason) if isinstance(detail, dict) else detail}", markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


def _print(note: dict[str, Any], lang: LangChoice, full: bool) -> None:
    ack = note.get("ack")
    mark = "" if not ack else (" ✓" if ack["at"] else " (ack?)")
    for lg in lang.langs():
        out.print(f"#{note['id']} {note['severity'].upper():8} {note['text'][lg]['short']}{mark}", markup=False)
        if full:
            out.print(f"    {note['text'][lg]['full']}", markup=False)


@notices_app.command("show")
def show(url: URL, token: TOKEN, after: Annotated[int, typer.Option("--after", help="Only ids above this.")] = 0,
         lang: LANG = LangChoice.both, full: FULL = False,
         as_json: Annotated[bool, typer.Option("--json", help="The notifications as JSON.")] = False) -> None:
    """Print your party's notifications (✓ acknowledged, (ack?) waiting for your acknowledgement)."""
    notes = _fetch(url, token, "GET", f"/v1/notifications?after={after}&limit=1000")
    if as_json:
        typer.echo(json.dumps(notes, ensure_ascii=False, indent=2))
        return
    for note in notes:
        _print(note, lang, full)


@notices_app.command("follow")
def follow(url: URL, token: TOKEN, after: Annotated[int, typer.Option("--after", help="Resume after this id.")] = 0,
           lang: LANG = LangChoice.both, full: FULL = False) -> None:
    """Print notifications as they arrive (the stream resumes after --after; Ctrl-C to stop)."""
    try:
        with _request(url, token, "GET", f"/v1/notifications/stream?after={after}") as r:
            for raw in r:
                line = raw.decode().strip()
                if line.startswith("data: "):
                    _print(json.loads(line[6:]), lang, full)
    except urllib.error.HTTPError as e:
        raise _refused(e) from None
    except (urllib.error.URLError, OSError) as e:
        raise fail(FormatError(N_("cannot reach {url}: {detail}"), url=url, detail=str(e))) from None
    except KeyboardInterrupt:
        return


@notices_app.command("ack")
def ack(notification: Annotated[int, typer.Argument(help="Notification id.")], url: URL, token: TOKEN,
        lang: LANG = LangChoice.both) -> None:
    """Acknowledge a notification addressed to your party."""
    _print(_fetch(url, token, "POST", f"/v1/notifications/{notification}/ack"), lang, False)
