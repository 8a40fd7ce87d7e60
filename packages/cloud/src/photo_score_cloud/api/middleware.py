"""The request envelope (pure ASGI): request id in and out, a body size cap, one access log
line per request, and the last-resort handler that turns any escaped exception into an
opaque 500 in the one error shape (the traceback goes to the log, never to the client)."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from photo_score_cloud.errors import error_body
from photo_score_cloud.logs import reset_request_id, set_request_id

log = logging.getLogger("photo_score_cloud.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class _TooLarge(HTTPException):
    """Raised from ``receive``: FastAPI passes HTTP exceptions through to the handlers."""

    def __init__(self) -> None:
        super().__init__(413, "the request body is too large")


class RequestEnvelope:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-request-id", "")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        token = set_request_id(request_id)
        started = time.perf_counter()
        status = 0
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        received = 0

        async def receive_capped() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _TooLarge
            return message

        try:
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                raise _TooLarge
            await self.app(scope, receive_capped, send_with_id)
        except _TooLarge:
            if not response_started:
                await self._error(send_with_id, 413, "too_large", "the request body is too large")
        except Exception:
            log.exception("unhandled error")
            if not response_started:
                await self._error(
                    send_with_id,
                    500,
                    "internal_error",
                    f"internal server error (request id {request_id})",
                )
        finally:
            state: dict[str, Any] = scope.get("state", {})
            log.info(
                "%s %s %d",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": state.get("user_id"),
                },
            )
            reset_request_id(token)

    @staticmethod
    async def _error(send: Send, status: int, code: str, message: str) -> None:
        body = json.dumps(error_body(code, message)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
