"""Errors as RFC 9457 problem+json, with ``detail`` in English and Russian."""

from __future__ import annotations

import math
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from skypact.errors import FormatError, InputError, Location, RateError, ServiceError, SkypactError
from skypact.i18n import N_
from skypact.plans.io import pydantic_error

__all__ = ["dss_error", "handle_http", "handle_skypact", "handle_validation", "problem"]

_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           409: "Conflict", 413: "Content Too Large", 422: "Unprocessable Content", 429: "Too Many Requests"}

#: the framework's own refusals (no route, wrong method, unreadable body), in both languages
_HTTP = {404: N_("there is no such resource"), 405: N_("this method is not allowed here"),
         400: N_("the request body could not be read")}


def _dss(request: Request) -> bool:
    return request.url.path.startswith("/dss/")


def dss_error(status: int, err: SkypactError) -> JSONResponse:
    """An F3548 ``ErrorResponse`` (or ``AirspaceConflictResponse``): the message in English, then Russian."""
    body: dict[str, Any] = {"message": f"{err.message('en')} / {err.message('ru')}"}
    missing = getattr(err, "missing", None)
    if missing is not None:
        body |= {"missing_operational_intents": missing, "missing_constraints": []}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def problem(status: int, err: SkypactError) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": _TITLES.get(status, "Error"), "status": status,
                            "detail": {"en": err.message("en"), "ru": err.message("ru")}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(err, RateError):
        headers = {"Retry-After": str(max(1, math.ceil(err.retry_after)))}
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


async def handle_skypact(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, SkypactError):  # registered for SkypactError only
        raise exc
    if _dss(request):  # F3548 bodies; a value the standard's schema allows but skypact cannot use: 400
        return dss_error(exc.status if isinstance(exc, ServiceError) else 400, exc)
    if isinstance(exc, ServiceError):
        return problem(exc.status, exc)
    return problem(422 if isinstance(exc, InputError) else 400, exc)


async def handle_validation(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's request validation, mapped to skypact's bilingual input errors (F3548: 400)."""

    if not isinstance(exc, RequestValidationError):  # registered for RequestValidationError only
        raise exc
    errs = list(exc.errors())
    if _dss(request):
        e0 = errs[0] if errs else {}
        where = ".".join(str(x) for x in e0.get("loc", ()) if x != "body")
        return dss_error(400, FormatError(N_("invalid value ({detail})"), detail=f"{where}: {e0.get('msg', '')}"))
    if not errs:
        return problem(422, FormatError(N_("invalid value ({detail})"), detail="request"))
    e = errs[0]
    loc = [x for x in e.get("loc", ()) if x != "body"]
    if e.get("type") == "json_invalid":
        return problem(400, FormatError(N_("not valid JSON: {detail} (line {line}, column {col})"),
                                        detail=e.get("msg", ""), line="?", col="?"))
    return problem(422, pydantic_error(e["type"], e.get("msg", ""), loc, Location(), e.get("ctx")))


async def handle_http(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's and FastAPI's own HTTP errors as bilingual problem+json (F3548: ErrorResponse)."""
    if not isinstance(exc, HTTPException):  # registered for HTTPException only
        raise exc
    msg = _HTTP.get(exc.status_code, N_("the request was refused ({detail})"))
    err = FormatError(msg, detail=str(exc.detail))
    resp = dss_error(exc.status_code, err) if _dss(request) else problem(exc.status_code, err)
    if exc.headers:
        resp.headers.update(exc.headers)
    return resp
