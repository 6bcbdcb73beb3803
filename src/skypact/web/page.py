"""The page's routes: ``/`` (the picture), ``/ui/strings.json`` (its texts in English and
Russian, from the catalogs) and ``/ui/config.json`` (what the deployment chose to show).

The page is held to its own server by its Content-Security-Policy: scripts, styles, images and
requests from the same origin only (Leaflet positions map panes with inline styles, so inline
styles are allowed; inline scripts are not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse

from skypact.web.strings import all_ui_strings

__all__ = ["CSP", "add_web_routes"]

STATIC = Path(__file__).resolve().parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'none'")
_MISSING = ("<!doctype html><meta charset='utf-8'><title>skypact</title><p>The map's files are not installed: run "
            "<code>make</code> in the repository.</p><p>Файлы карты не установлены: выполните <code>make</code> в "
            "репозитории.</p><p><a href='/docs'>API</a></p>")


def add_web_routes(app: FastAPI, borders: bool = False) -> None:
    """The picture at ``/`` (``borders``: draw country borders, off unless the deployment asks)."""
    headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
               "Cache-Control": "no-cache"}

    @app.get("/", include_in_schema=False)
    def page() -> HTMLResponse:
        index = STATIC / "index.html"
        if not (STATIC / "vendor" / "leaflet" / "leaflet.js").is_file():
            return HTMLResponse(_MISSING, status_code=503)
        return HTMLResponse(index.read_text(encoding="utf-8"), headers=headers)

    @app.get("/ui/strings.json", include_in_schema=False)
    def strings() -> JSONResponse:
        return JSONResponse(all_ui_strings(), headers={"Cache-Control": "no-cache"})

    @app.get("/ui/config.json", include_in_schema=False)
    def config() -> dict[str, Any]:
        return {"borders": borders, "basemap": "/static/vendor/world-atlas/land-50m.json",
                "borders_map": "/static/vendor/world-atlas/countries-50m.json"}
