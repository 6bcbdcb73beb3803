"""``/docs`` works on a closed network: Swagger UI comes from the server's own ``/static``
(copied from npm by make), the page names no other host, and the online validator is off."""

from __future__ import annotations

import re
from typing import Any

import pytest

from skypact.api.docs import STATIC

SQLITE = pytest.mark.parametrize("env", ["sqlite"], indirect=True)


@SQLITE
def test_docs_load_only_from_the_server(env: dict[str, Any]) -> None:
    c = env["client"]
    assert (STATIC / "vendor" / "swagger-ui" / "swagger-ui-bundle.js").is_file(), "run make: it copies the assets"
    r = c.get("/docs")
    assert r.status_code == 200
    refs = re.findall(r"""(?:src|href)=["']([^"']+)""", r.text)
    assert refs and all(u.startswith("/static/") for u in refs), refs
    assert not re.findall(r"https?://", r.text)
    assert '"validatorUrl": null' in r.text
    for u in refs:
        assert c.get(u).status_code == 200, u
    assert c.get("/openapi.json").json()["paths"]["/v1/conflicts"]
