"""The interactive API documentation, served by skypact itself: users run air-gapped, so
``/docs`` loads Swagger UI from ``/static`` (the npm package ``swagger-ui-dist``, copied into
the package by ``make`` from the committed lock file), never from a CDN.

Without the copied assets (a checkout where ``make`` has not run) ``/docs`` says so in English
and Russian instead of showing a blank page."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["STATIC", "add_docs"]

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
_SWAGGER = STATIC / "vendor" / "swagger-ui"


def add_docs(app: FastAPI) -> None:
    """``/static`` (the package's front-end files) and ``/docs``."""
    STATIC.mkdir(parents=True, exist_ok=True)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        if not (_SWAGGER / "swagger-ui-bundle.js").is_file():
            return HTMLResponse("<!doctype html><meta charset='utf-8'><title>skypact API</title><p>The API "
                                "documentation's files are not installed: run <code>make</code> in the "
                                "repository.</p><p>Файлы документации API не установлены: выполните "
                                "<code>make</code> в репозитории.</p><p><a href='/openapi.json'>/openapi.json"
                                "</a></p>", status_code=503)
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="skypact API",
                                   swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
                                   swagger_ui_parameters={"validatorUrl": None})  # no online validator
