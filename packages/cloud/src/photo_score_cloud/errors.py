"""The cloud's errors and the one place any error becomes an HTTP response.

Every error body has one shape, pinned by a test::

    {"error": {"code": "insufficient_credits", "message": "...", "request_id": "...", ...}}

``code`` is stable for programs, ``message`` is written for people, extra keys carry
structured details (the 402's plans, for one). Domain errors keep their message; request
validation names the field but never echoes the value (it may be a password); anything
unexpected is an opaque 500 carrying only the request id, with the traceback in the log.

    CloudError
    ├── Unauthorized         401  missing/invalid/expired token, bad credentials
    ├── Forbidden            403
    ├── NotFound             404
    ├── Conflict             409  email taken, analysis already in flight
    ├── PaymentRequired      402  out of credits (carries the plans)
    ├── PayloadTooLarge      413
    ├── InvalidInput         422  bad base64, hash mismatch, undecodable image, bad config
    ├── RateLimited          429  (Retry-After)
    └── UpstreamUnavailable  502/503  the auth service or vision models failed
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from photo_score.errors import (
    AnalyzerError,
    AnalyzerUnavailableError,
    ConfigError,
    ImageTooLargeError,
    PhotoError,
)
from photo_score_cloud.logs import current_request_id

log = logging.getLogger(__name__)


class CloudError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.headers = headers or {}
        self.extra = extra or {}


class Unauthorized(CloudError):
    status = 401
    code = "unauthorized"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(CloudError):
    status = 403
    code = "forbidden"


class NotFound(CloudError):
    status = 404
    code = "not_found"


class Conflict(CloudError):
    status = 409
    code = "conflict"


class PaymentRequired(CloudError):
    status = 402
    code = "insufficient_credits"


class PayloadTooLarge(CloudError):
    status = 413
    code = "too_large"


class InvalidInput(CloudError):
    status = 422
    code = "invalid_request"


class RateLimited(CloudError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class UpstreamUnavailable(CloudError):
    status = 503
    code = "upstream_unavailable"


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    message: str
    request_id: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorBody, "description": "A refused request (the one error shape)."},
    "5XX": {"model": ErrorBody, "description": "A server-side failure (opaque)."},
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "request_id": current_request_id()} | extra}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extra), status_code=status, headers=headers)


def internal_error_response() -> JSONResponse:
    rid = current_request_id()
    return error_response(500, "internal_error", f"internal server error (request id {rid})")


def _translate(exc: Exception) -> tuple[int, str, str, dict[str, str], dict[str, Any]]:
    """(status, code, message, headers, extra) for every error the API can raise."""
    if isinstance(exc, CloudError):
        return exc.status, exc.code, exc.message, exc.headers, exc.extra
    if isinstance(exc, ImageTooLargeError):
        return 413, "image_too_large", exc.reason, {}, {}
    if isinstance(exc, PhotoError):
        return 422, "undecodable_image", exc.reason, {}, {}
    if isinstance(exc, ConfigError):
        return 422, "invalid_config", exc.message, {}, {}
    if isinstance(exc, AnalyzerUnavailableError):
        return 503, "analysis_unavailable", "the vision models are unavailable; retry later", {}, {}
    if isinstance(exc, AnalyzerError):
        return 502, "analysis_failed", "the vision models could not analyse this image", {}, {}
    raise TypeError(f"no translation for {type(exc).__name__}")


async def _domain_handler(request: Request, exc: Exception) -> JSONResponse:
    status, code, message, headers, extra = _translate(exc)
    if status >= 500:
        log.warning("request failed upstream: %s: %s", code, exc)
    return error_response(status, code, message, headers or None, **extra)


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        problems.append(f"{where}: {err.get('msg', 'invalid')}")
    return error_response(422, "invalid_request", "; ".join(problems) or "invalid request")


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code >= 500:
        return internal_error_response()
    return error_response(exc.status_code, code, message, dict(exc.headers or {}) or None)


def install(app: FastAPI) -> None:
    """Register the handlers (unexpected exceptions are caught by the request middleware)."""
    for cls in (CloudError, PhotoError, ConfigError, AnalyzerError):
        app.add_exception_handler(cls, _domain_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
