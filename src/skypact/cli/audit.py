"""``skypact audit``: check the audit chain on your own, and keep signed heads."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Annotated, Any

import typer

from skypact.cli.common import EXIT_BAD_INPUT, err, fail, out
from skypact.errors import FormatError, SkypactError
from skypact.i18n import N_

audit_app = typer.Typer(help="The signed audit chain: verify it, keep its head.", no_args_is_help=True)

DB = Annotated[str | None, typer.Option("--db", help="Read the store directly (the server's own tools).")]
URL = Annotated[str | None, typer.Option("--url", help="Read it through a service, as a party.")]
TOKEN = Annotated[str | None, typer.Option("--token", help="Your party's bearer token (with --url).",
                                           envvar="SKYPACT_TOKEN")]
EXIT_BAD_CHAIN = 1


def _get(url: str, path: str, token: str | None) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url.rstrip("/") + path, headers=headers), timeout=60) as r:
        return json.loads(r.read())


def _chain(db: str | None, url: str | None, token: str | None) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """Every entry, and the keys to trust at the start (the service's published key)."""
    if db is not None:
        from skypact.service.audit import AuditChain, first_keys
        from skypact.store.db import connect

        engine = connect(db, create=False)
        chain = AuditChain(engine, None)
        entries: list[dict[str, Any]] = []
        try:
            while page := chain.entries(None, entries[-1]["seq"] if entries else 0):
                entries += page
        finally:
            engine.dispose()
        return entries, first_keys(entries)  # the server's own tool trusts its chain's first keys
    if url is None:
        raise typer.BadParameter("give --db URL or --url URL --token T")
    from skypact.service.audit import first_keys

    key = _get(url, "/.well-known/skypact-audit-key", None)
    entries = []
    while page := _get(url, f"/v1/audit?after={entries[-1]['seq'] if entries else 0}", token):
        entries += page
    # the published key, and the keys the chain announced before any rotation
    return entries, {key["key_id"]: bytes.fromhex(key["public_key"])} | first_keys(entries)


@audit_app.command("verify")
def verify_cmd(db: DB = None, url: URL = None, token: TOKEN = None,
               head: Annotated[Path | None, typer.Option("--head", help="A head saved earlier "
                                                          "(skypact audit head -o FILE): the chain must pass "
                                                          "through it.")] = None) -> None:
    """Recompute the chain (hashes, digests of the events you may see, signatures); name the first
    bad entry.  Exit 0 when it holds, 1 when it does not."""
    from skypact.service.audit import verify

    try:
        saved = _saved_head(head) if head else None
        entries, keys = _chain(db, url, token)
    except SkypactError as e:
        raise fail(e) from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        err.print(f"cannot read the chain: {e} / не удалось прочитать журнал: {e}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    bad = verify(entries, keys, saved)
    if bad is None:
        out.print(f"audit chain verified: {len(entries)} entries / журнал аудита проверен: записей {len(entries)}")
        return
    out.print(f"audit chain broken at entry {bad.seq}: {bad.reason} / журнал аудита нарушен в записи {bad.seq}",
              markup=False)
    raise typer.Exit(EXIT_BAD_CHAIN)


def _saved_head(path: Path) -> dict[str, Any]:
    """A head saved by ``skypact audit head -o``.

    Raises:
        FormatError: the file cannot be read as one.
    """
    try:
        h = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise FormatError(N_("{file} is not a saved audit head: {detail}"), file=str(path), detail=str(e)) from None
    if not (isinstance(h, dict) and isinstance(h.get("seq"), int) and isinstance(h.get("hash"), str)):
        raise FormatError(N_("{file} is not a saved audit head: {detail}"), file=str(path), detail="seq, hash")
    return h


@audit_app.command("head")
def head_cmd(url: Annotated[str, typer.Option("--url", help="The service.")],
             token: TOKEN = None,
             output: Annotated[Path | None, typer.Option("-o", "--output", help="Save it here.")] = None) -> None:
    """The chain's signed head now; keep it, compare it with other parties', check it later."""
    try:
        h = _get(url, "/v1/audit/head", token)
    except (urllib.error.URLError, OSError, ValueError) as e:
        err.print(f"cannot read the head: {e} / не удалось прочитать вершину журнала: {e}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    text = json.dumps(h, indent=2)
    if output:
        output.write_text(text)
    out.print(text, markup=False)
