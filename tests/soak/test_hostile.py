"""A bounded hostile-input run against a real server process: oversized and malformed input,
forged and guessed tokens, paging past the bounds, streams opened and dropped, a second server,
bad settings and mistyped stores.  Nothing answers 5xx, the server logs no traceback, it stays
ready, and every refusal is bilingual.  (Cross-party capture through F3548 needs an outside
issuer: ``tests/dss/test_one_store.py`` covers it.)"""

from __future__ import annotations

import http.client
import json
import random
import socket
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
from typer.testing import CliRunner

from skypact.benchmarks.hostile import largest_plan, largest_volume
from skypact.benchmarks.service import T0, free_port, party_tokens, start_server, stop_server
from skypact.cli.app import app
from skypact.limits import MAX_VERTICES, TOKEN_PER_KEY
from tests.soak.conftest import report, scale

CYR = "ие"  # a Russian letter pair every bilingual refusal here carries


def _ask(port: int, method: str, path: str, token: str | None = None, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = {"Content-Type": "application/json", **(headers or {})}
    if token:
        h["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data, hdrs = r.read(), {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, data, hdrs


def test_a_hostile_run_finds_no_5xx_and_no_traceback(tmp_path: Path) -> None:
    rounds = scale(1, 20)
    var = Path(tempfile.mkdtemp(dir=tmp_path))
    url = f"sqlite:///{var / 'db.sqlite'}"
    tokens = party_tokens(url, var, 2)
    port = free_port()
    proc = start_server(url, var, port)
    statuses: list[int] = []
    rng = random.Random(7)

    def ask(*a: Any, **kw: Any) -> tuple[int, bytes, dict[str, str]]:
        st, data, h = _ask(port, *a, **kw)
        statuses.append(st)
        if st >= 400 and h.get("content-type", "").startswith("application/problem+json"):
            d = json.loads(data)["detail"]
            assert d["en"] and any(ch in d["ru"] for ch in CYR), data
        return st, data, h

    try:
        tok = tokens[0]
        for _ in range(rounds):
            # bounds: one over each limit, refused with 4xx (a body over 1 MB: 413)
            many = largest_plan("W1", "P0")
            many["waypoints"].append({**many["waypoints"][-1], "time": (T0 + timedelta(hours=20)).isoformat()})
            assert ask("POST", "/v1/plans", tok, json.dumps(many).encode())[0] == 422
            vol = largest_volume("V1", "P0")
            ring = vol["outline"]["coordinates"][0]
            vol["outline"]["coordinates"][0] = [*ring[:-1], [ring[0][0] + 1e-4, ring[0][1]], ring[0]]
            assert len(vol["outline"]["coordinates"][0]) == MAX_VERTICES + 1
            assert ask("POST", "/v1/volumes", tok, json.dumps(vol).encode())[0] == 422
            long = largest_volume("V2", "P0")
            long["window"]["end"] = "9999-12-31T23:59:59Z"
            assert ask("POST", "/v1/volumes", tok, json.dumps(long).encode())[0] == 422
            assert ask("POST", "/v1/plans", tok, b"[" * 2_000_000)[0] == 413
            assert ask("GET", "/v1/plans?limit=1000000", tok)[0] == 422
            # garbage of every shape to every write
            for path in ("/v1/plans", "/v1/volumes", "/v1/check", "/v1/tracks", "/v1/token"):
                for _ in range(scale(5, 50)):
                    junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
                    assert ask("POST", path, tok, junk)[0] < 500
            # forged, expired, unsigned and guessed tokens
            claims = {"sub": "P0", "role": "admin", "iss": "skypact", "aud": "skypact"}
            forged = jwt.encode(claims, "a-guessed-signing-key-of-32-bytes!!", algorithm="HS256")
            none = jwt.encode({"sub": "P0", "role": "admin"}, None, algorithm="none")
            for bad in (forged, none, "x" * 5000, "a.b.c"):
                assert ask("GET", "/v1/plans", bad)[0] == 401
        # guessing secrets: rate-limited per key id with Retry-After
        codes = [ask("POST", "/v1/token", None, json.dumps({"key_id": "k-guess", "secret": str(i)}).encode())
                 for i in range(TOKEN_PER_KEY[0] + 2)]
        assert codes[-1][0] == 429 and int(codes[-1][2]["retry-after"]) >= 1
        # the largest accepted inputs are accepted, and the service keeps answering
        assert ask("POST", "/v1/volumes", tok, json.dumps(largest_volume("BIGV", "P0")).encode())[0] == 201
        assert ask("POST", "/v1/plans", tok, json.dumps(largest_plan("BIGP", "P0")).encode())[0] == 201
        # streams opened and dropped at once
        for _ in range(scale(20, 200)):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(f"GET /v1/notifications/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tok}\r\n\r\n"
                      .encode())
            s.close()
        # a second server on the store, a webhook that cannot be delivered to, a mistyped store
        cli = CliRunner()
        second = cli.invoke(app, ["serve", "--db", url, "--port", str(free_port()), "--token-key-file",
                                  str(var / "token.key")])
        assert second.exit_code == 2 and "обслуживает" in second.output
        assert cli.invoke(app, ["admin", "set-party", "P0", "--webhook", "not a url", "--db", url]).exit_code == 2
        assert cli.invoke(app, ["audit", "verify", "--db", f"sqlite:///{var / 'typo.db'}"]).exit_code == 2
        time.sleep(0.5)
        ready = ask("GET", "/readyz")
        assert ready[0] == 200, ready[1]
    finally:
        stop_server(proc)
    log = (var / "server.log").read_text(errors="replace")
    server_errors = [s for s in statuses if s >= 500]
    report(f"hostile run: {rounds} rounds, {len(statuses)} requests, {len(server_errors)} answered 5xx, "
           f"{log.count('Traceback')} tracebacks in the server log")
    assert not server_errors
    assert "Traceback" not in log, log[-3000:]


