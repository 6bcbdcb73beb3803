"""``skypact serve`` and ``skypact admin``: run the service and manage parties."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from skypact.cli.common import fail, out
from skypact.errors import SkypactError
from skypact.i18n import N_, render

if TYPE_CHECKING:
    from skypact.service.parties import Parties

#: SHA-256 of the InterUSS conformance suite's test public key (its private half is published)
INTERUSS_TEST_KEY_SHA256 = "052e5eecc635ee478611a2cb0ef6a09033f7edae5296627dbf42fd2f46a2a690"
TEST_KEY_WARNING = N_("{file} is the InterUSS test key, whose private half is public: anyone can sign tokens "
                      "it accepts. Use it for conformance tests only.")



def interuss_key_warnings(keys: list[Path]) -> list[str]:
    """A warning (EN and RU) for each key file that is the InterUSS test key."""
    return [f"{render(TEST_KEY_WARNING, 'en', {'file': p})}\n{render(TEST_KEY_WARNING, 'ru', {'file': p})}"
            for p in keys if hashlib.sha256(p.read_bytes()).hexdigest() == INTERUSS_TEST_KEY_SHA256]


admin_app = typer.Typer(help="Manage parties and credentials (works on the store directly).", no_args_is_help=True)


def serve(
    db: Annotated[str, typer.Option("--db", help="Store URL (SQLite file by default).")] = "sqlite:///var/skypact.db",
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8080,
    auth_public_key: Annotated[list[Path] | None, typer.Option(
        "--auth-public-key", help="PEM public key of a trusted outside issuer (RS256); repeatable.")] = None,
    auth_audience: Annotated[list[str] | None, typer.Option(
        "--auth-audience", help="Audience its tokens must name; one per --auth-public-key.")] = None,
    auth_issuer: Annotated[list[str] | None, typer.Option(
        "--auth-issuer", help="Issuer (iss) its tokens must name; one per --auth-public-key.")] = None,
    key_file: Annotated[Path, typer.Option("--token-key-file", help="Token-signing key (created if missing).")]
    = Path("var/token.key"),
    audit_key_file: Annotated[Path, typer.Option("--audit-key-file", help="Audit chain signing key (created if "
                                                 "missing; keep it with your backups).")] = Path("var/audit.key"),
    log_level: Annotated[str, typer.Option("--log-level", help="Log level: debug, info (each request), warning, "
                                           "error.")] = "info",
    log_format: Annotated[str, typer.Option("--log-format", help="json (one object per line, with request ids) "
                                            "or text.")] = "json",
    map_borders: Annotated[bool, typer.Option("--map-borders/--no-map-borders", help="Draw country borders on the "
                                              "web map (off by default: borders may be disputed between the "
                                              "parties).")] = False,
) -> None:
    """Run the HTTP service: the operational picture at /, the API under /v1 (OpenAPI at /docs)."""
    import uvicorn

    from skypact.api.app import create_app
    from skypact.config import SHUTDOWN_GRACE_S, Settings
    from skypact.store.owner import claim

    keys, auds, isss = auth_public_key or [], auth_audience or [], auth_issuer or []
    if not len(keys) == len(auds) == len(isss):
        raise typer.BadParameter("give one --auth-audience and one --auth-issuer for each --auth-public-key")
    for warning in interuss_key_warnings(keys):
        out.print(f"[yellow]{warning}[/yellow]")
    settings = Settings(db_url=db, token_key_file=key_file, audit_key_file=audit_key_file,
                        outside_issuers=tuple(zip(keys, auds, isss, strict=True)), map_borders=map_borders)
    try:
        with claim(settings.db_url):  # one serving process per store
            _logging(log_format, log_level)
            uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, log_config=None,
                        access_log=False,  # skypact logs every request itself, with its request id
                        timeout_graceful_shutdown=SHUTDOWN_GRACE_S)
    except SkypactError as e:  # the store is served already, or cannot be read
        raise fail(e) from None


def _logging(fmt: str, level: str) -> None:
    """Every log record (skypact's and uvicorn's) to stderr, as JSON lines or as text."""
    import logging

    from skypact.api.ops import JsonLogs

    if fmt not in ("json", "text") or level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise typer.BadParameter("--log-format json|text, --log-level debug|info|warning|error")
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogs() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s %(name)s: "
                                                                            "%(message)s %(fields)s", defaults={
                                                                                "fields": ""}))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def _parties(db: str, key_file: Path, create: bool = False) -> Parties:
    """The party registry of the store at ``db`` (which must exist unless ``create``)."""
    from skypact.config import Settings
    from skypact.service.parties import Parties
    from skypact.store.db import connect

    s = Settings(db_url=db, token_key_file=key_file)
    return Parties(connect(s.db_url, create=create), s.token_key())


DB = Annotated[str, typer.Option("--db", help="Store URL.")]
KEY = Annotated[Path, typer.Option("--token-key-file", help="Token-signing key.")]


@admin_app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="Credential to revoke.")],
           db: DB = "sqlite:///var/skypact.db", key_file: KEY = Path("var/token.key")) -> None:
    """Revoke a credential; its tokens stop working at once."""
    try:
        _parties(db, key_file).revoke(key_id)
    except SkypactError as e:
        raise fail(e) from None
    out.print(f"revoked {key_id}")


@admin_app.command("rotate")
def rotate(party: Annotated[str, typer.Argument(help="Party whose credential to replace.")],
           role: Annotated[str, typer.Option("--role")] = "operator",
           db: DB = "sqlite:///var/skypact.db", key_file: KEY = Path("var/token.key")) -> None:
    """Issue a new credential and revoke the party's earlier ones of that role."""
    try:
        kid, secret = _parties(db, key_file).rotate(party, role)
    except SkypactError as e:
        raise fail(e) from None
    out.print(f"party {party}: key_id={kid} secret={secret}")


@admin_app.command("suspend")
def suspend(party: Annotated[str, typer.Argument(help="Party to suspend.")],
            db: DB = "sqlite:///var/skypact.db", key_file: KEY = Path("var/token.key")) -> None:
    """Suspend a party: its tokens and credentials stop working (its plans stay checked)."""
    try:
        _parties(db, key_file).suspend(party)
    except SkypactError as e:
        raise fail(e) from None
    out.print(f"suspended {party}")


@admin_app.command("map-subject")
def map_subject(sub: Annotated[str, typer.Argument(help="Subject (sub claim) of an outside token.")],
                party: Annotated[str, typer.Argument(help="Party it acts for.")],
                role: Annotated[str, typer.Option("--role")] = "operator",
                db: DB = "sqlite:///var/skypact.db", key_file: KEY = Path("var/token.key")) -> None:
    """Map an outside token's subject to a party."""
    try:
        _parties(db, key_file).map_subject(sub, party, role)
    except SkypactError as e:
        raise fail(e) from None
    out.print(f"{sub} -> {party} ({role})")


@admin_app.command("add-party")
def add_party(
    name: Annotated[str, typer.Argument(help="Party name (letters, digits, _ . : -).")],
    lang: Annotated[str, typer.Option("--lang", help="Language of its notifications: en or ru.")] = "en",
    units: Annotated[str, typer.Option("--units", help="Units of its notifications: aviation (NM, ft, FL, kt; "
                                       "'imperial' is the same) or metric.")] = "aviation",
    max_priority: Annotated[int, typer.Option("--max-priority", help="Highest priority its plans may carry.")] = 0,
    role: Annotated[str, typer.Option("--role", help="operator, viewer or admin.")] = "operator",
    db: Annotated[str, typer.Option("--db", help="Store URL.")] = "sqlite:///var/skypact.db",
    key_file: Annotated[Path, typer.Option("--token-key-file", help="Token-signing key.")] = Path("var/token.key"),
) -> None:
    """Create a party and print its credential once (keep the secret: it is not stored)."""
    try:
        kid, secret = _parties(db, key_file, create=True).add_party(name, lang, units, max_priority, role)
    except SkypactError as e:
        raise fail(e) from None
    out.print(f"party {name}: key_id={kid} secret={secret}")


@admin_app.command("set-party")
def set_party(
    party: Annotated[str, typer.Argument(help="Party to configure.")],
    ack_timeout: Annotated[float | None, typer.Option("--ack-timeout", help="Seconds to acknowledge a "
                                                      "notification before it escalates (default 300).")] = None,
    contact: Annotated[list[str] | None, typer.Option("--contact", help="Escalation contact; repeatable "
                                                      "(replaces the list).")] = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help="URL that receives every notification "
                                                "(empty: none).")] = None,
    webhook_secret: Annotated[str | None, typer.Option("--webhook-secret", help="Key of the HMAC-SHA256 "
                                                       "signature of webhook bodies.")] = None,
    db: DB = "sqlite:///var/skypact.db",
) -> None:
    """Set a party's acknowledgement time, escalation contacts and webhook."""
    from skypact.service.notices import Notices
    from skypact.store.db import connect

    try:
        Notices(connect(db, create=False)).configure(party, ack_timeout, contact, webhook, webhook_secret)
    except SkypactError as e:
        raise fail(e) from None
    out.print(f"{party}: acknowledgement time {ack_timeout if ack_timeout is not None else 'unchanged'}, "
              f"contacts {contact if contact is not None else 'unchanged'}")


@admin_app.command("notice-rule")
def notice_rule(
    party_a: Annotated[str, typer.Argument(help="One party.")],
    party_b: Annotated[str, typer.Argument(help="The other party.")],
    plan_min: Annotated[float, typer.Option("--plan-min", help="Minutes of notice before a plan's first "
                                            "waypoint (0: none).")] = 0.0,
    volume_min: Annotated[float, typer.Option("--volume-min", help="Minutes of notice before a volume's window "
                                              "opens (0: none).")] = 0.0,
    db: DB = "sqlite:///var/skypact.db",
) -> None:
    """Record the advance notice two parties agreed; every later filing is checked against it."""
    from skypact.service.notices import Notices
    from skypact.store.db import connect

    try:
        Notices(connect(db, create=False)).set_rule(party_a, party_b, plan_min * 60.0, volume_min * 60.0)
    except SkypactError as e:
        raise fail(e) from None
    out.print(f"{party_a} / {party_b}: plans {plan_min:g} min, volumes {volume_min:g} min before they start")


@admin_app.command("rotate-audit-key")
def rotate_audit_key(
    db: DB = "sqlite:///var/skypact.db",
    audit_key_file: Annotated[Path, typer.Option("--audit-key-file", help="The server's audit key.")]
    = Path("var/audit.key"),
) -> None:
    """Sign the audit chain with a new key from now on, endorsed by the old one (the server must
    be stopped: it holds its key in memory; refused while it serves the store)."""
    from skypact.service.audit import AuditChain
    from skypact.store.db import connect
    from skypact.store.owner import claim

    try:
        with claim(db):
            chain = AuditChain(connect(db, create=False), audit_key_file)
            old = chain.key_id
            new = chain.rotate(audit_key_file)
    except SkypactError as e:
        raise fail(e) from None
    out.print(f"audit key {old} -> {new} (the new key is endorsed by the old one in the chain)")
