"""Errors as RFC 9457 problem+json, with ``detail`` in English and Russian."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from skypact.errors import FormatError, InputError, Location, ServiceError, SkypactError
from skypact.i18n import N_
from skypact.plans.io import pydantic_error

__all__ = ["handle_http", "handle_skypact", "handle_validation", "problem"]

_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           409: "Conflict", 413: "Content Too Large", 422: "Unprocessable Content"}

#: the framework's own refusals (no route, wrong method, unreadable body), in both languages
_HTTP = {404: N_("there is no such resource"), 405: N_("this method is not allowed here"),
         400: N_("the request body could not be read")}


def problem(status: int, err: SkypactError) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": _TITLES.get(status, "Error"), "status": status,
                            "detail": {"en": err.message("en"), "ru": err.message("ru")}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


async def handle_skypact(_request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, SkypactError):  # registered for SkypactError only
        raise exc
    if isinstance(exc, ServiceError):
        return problem(exc.status, exc)
    return problem(422 if isinstance(exc, InputError) else 400, exc)


async def handle_validation(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's request validation, mapped to skypact's bilingual input errors."""

    if not isinstance(exc, RequestValidationError):  # registered for RequestValidationError only
        raise exc
    errs = list(exc.errors())
    if not errs:
        return problem(422, FormatError(N_("invalid value ({detail})"), detail="request"))
    e = errs[0]
    loc = [x for x in e.get("loc", ()) if x != "body"]
    if e.get("type") == "json_invalid":
        return problem(400, FormatError(N_("not valid JSON: {detail} (line {line}, column {col})"),
                                        detail=e.get("msg", ""), line="?", col="?"))
    return problem(422, pydantic_error(e["type"], e.get("msg", ""), loc, Location()))


async def handle_http(_request: Request, exc: Exception) -> JSONResponse:
    """Starlette's and FastAPI's own HTTP errors as bilingual problem+json."""
    if not isinstance(exc, HTTPException):  # registered for HTTPException only
        raise exc
    msg = _HTTP.get(exc.status_code, N_("the request was refused ({detail})"))
    resp = problem(exc.status_code, FormatError(msg, detail=str(exc.detail)))
    if exc.headers:
        resp.headers.update(exc.headers)
    return resp
