"""A local Stripe API for the Checkout calls, plus Stripe-shaped webhook events and signatures.

A real HTTP server (uvicorn on 127.0.0.1, in a thread) speaking Stripe's wire format for what
the cloud calls: ``POST /v1/checkout/sessions`` (form-encoded, Stripe's bracket notation for
nested params, ``Authorization: Bearer <secret key>``) and ``GET /v1/checkout/sessions/{id}``,
answering JSON Checkout Session objects, or Stripe's error body
``{"error": {"type", "message", "code", "param"}}`` for a bad key (401) or bad params (400).
Failures are scripted with :meth:`FakeStripe.fail_next`; every request is recorded.

The event builders turn the sessions created here into the events Stripe would deliver
(``checkout.session.completed``, ``checkout.session.async_payment_succeeded``,
``charge.refunded``), and :func:`sign` builds the ``Stripe-Signature`` header exactly as
Stripe does: ``t=<unix>,v1=<hex HMAC-SHA256(secret, f"{t}.{payload}")>``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.fakes._server import LoopbackServer

API_VERSION = "2026-10-28.endive"
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def sign(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe sends for ``payload`` signed with ``secret``."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event(type: str, obj: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """A v1 snapshot event as Stripe delivers it."""
    return {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type,
    }


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's bracket notation (``a[b][0][c]=v``) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        found = _KEY.match(key)
        if found is None:
            raise ValueError(f"bad parameter name {key!r}")
        path = [found[1], *re.findall(r"\[([^\[\]]*)\]", found[2])]
        node: Any = root
        for here, _nxt in itertools.pairwise(path):
            child = node.get(here) if isinstance(node, dict) else None
            if child is None:
                child = {}
                node[here] = child
            node = child
        node[path[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        items = {k: _lists(v) for k, v in node.items()}
        if items and all(k.isdigit() for k in items):
            return [items[k] for k in sorted(items, key=int)]
        return items
    return node


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)  # flat, as sent
    params: dict[str, Any] = field(default_factory=dict)  # decoded


def _error(
    status: int, type: str, message: str, code: str | None, param: str | None
) -> JSONResponse:
    body: dict[str, Any] = {"type": type, "message": message}
    if code is not None:
        body["code"] = code
    if param is not None:
        body["param"] = param
    return JSONResponse(
        {"error": body}, status, headers={"Request-Id": f"req_{secrets.token_hex(7)}"}
    )


class FakeStripe(LoopbackServer):
    name = "fake Stripe"

    def __init__(self, secret_key: str = "sk_test_fake_key_1234") -> None:
        self.secret_key = secret_key
        self.app = FastAPI()
        self.app.add_api_route("/v1/checkout/sessions", self._create, methods=["POST"])
        self.app.add_api_route("/v1/checkout/sessions/{sid}", self._retrieve, methods=["GET"])
        self._lock = threading.Lock()
        self.calls: list[Call] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self._failures: list[tuple[int, str, str, str | None, str | None]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._failures.clear()

    def fail_next(
        self,
        status: int,
        type: str = "api_error",
        message: str = "Something went wrong on Stripe's end.",
        code: str | None = None,
        param: str | None = None,
        times: int = 1,
    ) -> None:
        with self._lock:
            self._failures.extend([(status, type, message, code, param)] * times)

    # -- the API ----------------------------------------------------------------------------

    def _auth_error(self, request: Request) -> JSONResponse | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return _error(
                401,
                "invalid_request_error",
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth.",
                None,
                None,
            )
        key = header[len("Bearer ") :]
        if not hmac.compare_digest(key, self.secret_key):
            shown = key[:8] + "*" * max(0, len(key) - 12) + key[-4:]
            return _error(
                401,
                "invalid_request_error",
                f"Invalid API Key provided: {shown}",
                "api_key_invalid",
                None,
            )
        return None

    def _scripted(self) -> JSONResponse | None:
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        return None if failure is None else _error(*failure)

    async def _create(self, request: Request) -> JSONResponse:
        raw = (await request.body()).decode()
        pairs = parse_qsl(raw, keep_blank_values=True)
        call = Call("POST", "/v1/checkout/sessions", dict(request.headers), dict(pairs))
        with self._lock:
            self.calls.append(call)
        if (denied := self._auth_error(request)) is not None:
            return denied
        if (failed := self._scripted()) is not None:
            return failed
        if (
            request.headers.get("content-type", "").split(";")[0]
            != "application/x-www-form-urlencoded"
        ):
            return _error(400, "invalid_request_error", "Invalid request body.", None, None)
        try:
            params = decode_form(pairs)
        except ValueError as exc:
            return _error(400, "invalid_request_error", str(exc), "parameter_unknown", None)
        call.params = params
        problem = self._validate(params)
        if problem is not None:
            code, param, message = problem
            return _error(400, "invalid_request_error", message, code, param)
        session = self._session(params)
        with self._lock:
            self.sessions[session["id"]] = session
        return JSONResponse(session)

    @staticmethod
    def _validate(params: dict[str, Any]) -> tuple[str, str, str] | None:
        mode = params.get("mode")
        if mode is None:
            return "parameter_missing", "mode", "Missing required param: mode."
        if mode not in ("payment", "setup", "subscription"):
            return "parameter_invalid_string", "mode", f"Invalid mode: {mode}"
        if not params.get("success_url"):
            return "parameter_missing", "success_url", "Missing required param: success_url."
        items = params.get("line_items")
        if mode == "payment" and not items:
            return (
                "parameter_missing",
                "line_items",
                "You must provide at least one line item in `payment` mode.",
            )
        for i, item in enumerate(items or []):
            where = f"line_items[{i}]"
            if not isinstance(item, dict):
                return "parameter_invalid_string", where, f"Invalid object: {where}"
            data = item.get("price_data")
            if "price" not in item and not isinstance(data, dict):
                return "parameter_missing", f"{where}[price]", "Missing price or price_data."
            if isinstance(data, dict):
                if not str(data.get("unit_amount", "")).isdigit():
                    return (
                        "parameter_invalid_integer",
                        f"{where}[price_data][unit_amount]",
                        "Invalid integer: unit_amount",
                    )
                if not data.get("currency"):
                    return (
                        "parameter_missing",
                        f"{where}[price_data][currency]",
                        "Missing required param: currency.",
                    )
            if not str(item.get("quantity", "")).isdigit():
                return (
                    "parameter_missing",
                    f"{where}[quantity]",
                    "Quantity is required. Add `quantity` to `line_items[0]`.",
                )
        return None

    @staticmethod
    def _session(params: dict[str, Any]) -> dict[str, Any]:
        sid = f"cs_test_{secrets.token_hex(24)}"
        total = 0
        currency = None
        for item in params.get("line_items") or []:
            data = item.get("price_data") or {}
            total += int(data.get("unit_amount", 0)) * int(item.get("quantity", 1))
            currency = currency or data.get("currency")
        return {
            "id": sid,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": int(time.time()),
            "currency": currency,
            "customer": None,
            "customer_email": params.get("customer_email"),
            "expires_at": int(time.time()) + 86_400,
            "livemode": False,
            "metadata": params.get("metadata") or {},
            "mode": params["mode"],
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params.get("success_url"),
            "url": f"https://checkout.stripe.com/c/pay/{sid}#fake",
        }

    async def _retrieve(self, sid: str, request: Request) -> JSONResponse:
        if (denied := self._auth_error(request)) is not None:
            return denied
        with self._lock:
            session = self.sessions.get(sid)
        if session is None:
            return _error(
                404,
                "invalid_request_error",
                f"No such checkout.session: '{sid}'",
                "resource_missing",
                "session",
            )
        return JSONResponse(session)

    # -- what Stripe would deliver ------------------------------------------------------------

    def complete(self, sid: str, *, paid: bool = True) -> dict[str, Any]:
        """``checkout.session.completed`` for a session created here (async: ``paid=False``)."""
        with self._lock:
            session = self.sessions[sid]
            if session["payment_intent"] is None:
                session["payment_intent"] = f"pi_{secrets.token_hex(12)}"
            session.update(status="complete", payment_status="paid" if paid else "unpaid")
            snapshot = json.loads(json.dumps(session))
        return event("checkout.session.completed", snapshot)

    def async_succeeded(self, sid: str) -> dict[str, Any]:
        with self._lock:
            session = self.sessions[sid]
            session.update(payment_status="paid")
            snapshot = json.loads(json.dumps(session))
        return event("checkout.session.async_payment_succeeded", snapshot)

    def refund(self, sid: str, *, amount_refunded: int | None = None) -> dict[str, Any]:
        """``charge.refunded`` for the session's payment (cumulative ``amount_refunded``)."""
        with self._lock:
            session = self.sessions[sid]
            total = int(session["amount_total"])
            refunded = total if amount_refunded is None else amount_refunded
            charge = {
                "id": "ch_" + session["payment_intent"][3:],
                "object": "charge",
                "amount": total,
                "amount_captured": total,
                "amount_refunded": refunded,
                "currency": session["currency"],
                "paid": True,
                "payment_intent": session["payment_intent"],
                "refunded": refunded >= total,
                "status": "succeeded",
                "metadata": dict(session["metadata"]),
            }
        return event("charge.refunded", charge)
