"""The one JSON error shape of the sidecar, and the one place domain errors become HTTP.

Every error body is ``{"error": {"code": str, "message": str}}``: domain errors keep their
message (it is written for users), request validation names the field, anything
unexpected is an opaque 500 whose traceback goes to the log only.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from photo_score.errors import (
    AnalyzerUnavailableError,
    CacheError,
    ConfigError,
    NotFoundError,
    PhotoError,
    PhotoScoreError,
    UsageError,
)
from photo_score.library import OutsideLibraryError
from photo_score.sync.session import (
    CloudError,
    CloudNotConfigured,
    CloudUnreachable,
    LoginFailed,
    NotSignedIn,
    PaymentRequired,
)

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail


# Most specific first: the first class in an error's MRO found here wins.
_DOMAIN: dict[type[PhotoScoreError], tuple[int, str]] = {
    OutsideLibraryError: (403, "outside_library"),
    LoginFailed: (400, "login_failed"),
    CloudNotConfigured: (409, "cloud_not_configured"),
    NotSignedIn: (409, "not_signed_in"),
    PaymentRequired: (402, "payment_required"),
    CloudUnreachable: (503, "cloud_unreachable"),
    CloudError: (502, "cloud_error"),
    NotFoundError: (404, "not_found"),
    ConfigError: (422, "invalid_config"),
    UsageError: (400, "bad_request"),
    AnalyzerUnavailableError: (503, "analyzer_unavailable"),
    PhotoError: (422, "bad_photo"),
    CacheError: (500, "cache_error"),
    PhotoScoreError: (400, "error"),
}
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
}
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    "4XX": {"model": ErrorResponse, "description": "A refused request (the one error shape)."},
    "5XX": {"model": ErrorResponse, "description": "A server-side failure."},
}


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status)


def domain_status(exc: PhotoScoreError) -> tuple[int, str]:
    for cls in type(exc).__mro__:
        if cls in _DOMAIN:
            return _DOMAIN[cls]
    return 400, "error"


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PhotoScoreError)
    status, code = domain_status(exc)
    if status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc)
    return error_response(status, code, str(exc))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return error_response(422, "invalid_request", "; ".join(parts) or "invalid request")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "internal", "internal error; see the sidecar log")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PhotoScoreError, _domain)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(Exception, _unexpected)
