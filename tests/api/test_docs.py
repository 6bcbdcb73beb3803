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


@SQLITE
def test_the_read_routes_document_what_they_answer(env: dict[str, Any]) -> None:
    c, h = env["client"], env["h"]
    doc = c.get("/openapi.json").json()
    for path, method, model in (("/v1/plans", "get", "ItemView"), ("/v1/volumes/{volume_id}", "get", "ItemView"),
                                ("/v1/conflicts", "get", "ConflictView"), ("/v1/tracks", "get", "TracksView"),
                                ("/v1/notifications", "get", "NotificationView"), ("/v1/token", "post", "TokenAnswer")):
        schema = doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        assert f"#/components/schemas/{model}" in str(schema), (path, schema)
    # the documented required fields are in a real answer
    required = doc["components"]["schemas"]["TracksView"]["required"]
    assert set(required) <= set(c.get("/v1/tracks", headers=h["A"]).json())
