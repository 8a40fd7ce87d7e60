"""A local OpenRouter: the chat-completions wire protocol, scriptable failures, and a log.

It runs as a real HTTP server (uvicorn on 127.0.0.1, in a thread) so the client under test
goes through real sockets, real timeouts and real connection limits. It checks what
OpenRouter checks (bearer key, model id, a decodable JPEG ``image_url`` data URI, a
``json_schema`` response format) and answers with JSON generated *from the requested
schema*, deterministically from the image, model and task, so that two models disagree a
little, as real ones do. Failures are scripted with :class:`Rule`; every request is logged
(:class:`Record`) with its timing and the number in flight, so tests can prove limits.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from PIL import Image

from tests.fakes._server import LoopbackServer

Kind = Literal[
    "status",  # an HTTP error (``status``), optionally with ``retry_after``
    "error_in_200",  # HTTP 200 whose body is an error object (OpenRouter does this)
    "slow",  # add ``latency`` seconds
    "malformed",  # truncated JSON
    "fenced",  # valid JSON inside a ```json fence
    "prefixed",  # prose, then valid JSON, then prose
    "invalid",  # JSON that breaks the schema (out-of-range number or unknown enum)
    "no_cost",  # usage without ``cost``
]


@dataclass
class Rule:
    """Applies to the next ``times`` matching requests (``None``: to all of them)."""

    kind: Kind
    model: str | None = None
    task: str | None = None
    times: int | None = 1
    status: int = 500
    retry_after: str | None = None
    latency: float = 0.0

    def matches(self, model: str, task: str) -> bool:
        live = self.times is None or self.times > 0
        return live and self.model in (None, model) and self.task in (None, task)


@dataclass
class Record:
    model: str
    task: str
    image_digest: str
    started: float  # time.monotonic() on arrival
    finished: float = 0.0
    in_flight: int = 0  # requests in flight including this one, on arrival
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    content: str = ""  # what the "model" said


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": status, "message": message}}, status, headers=headers)


class FakeOpenRouter(LoopbackServer):
    name = "fake OpenRouter"

    def __init__(
        self,
        *,
        api_key: str | None = "sk-or-fake-key",
        latency: float = 0.0,
        cost_per_call: float = 0.001,
    ) -> None:
        self.api_key = api_key
        self.latency = latency
        self.cost_per_call = cost_per_call
        self.models: set[str] | None = None  # None: accept any model id
        self.rules: list[Rule] = []
        self.records: list[Record] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self.app = FastAPI()
        self.app.post("/api/v1/chat/completions")(self._completions)

    # -- control ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def add(self, *rules: Rule) -> None:
        with self._lock:
            self.rules.extend(rules)

    def reset(self, *, api_key: str | None = "sk-or-fake-key", latency: float = 0.0) -> None:
        """Forget rules and records, after letting a previous test's slow replies finish."""
        deadline = time.monotonic() + 10
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        with self._lock:
            self.rules.clear()
            self.records.clear()
            self.max_in_flight = 0
            self.api_key = api_key
            self.latency = latency
            self.cost_per_call = 0.001
            self.models = None

    def calls(self, *, task: str | None = None, model: str | None = None) -> list[Record]:
        with self._lock:
            return [r for r in self.records if task in (None, r.task) and model in (None, r.model)]

    # -- the endpoint ----------------------------------------------------------------------

    async def _completions(self, request: Request) -> JSONResponse:
        arrived = time.monotonic()
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            in_flight = self.in_flight
        try:
            return await self._handle(request, arrived, in_flight)
        finally:
            with self._lock:
                self.in_flight -= 1

    async def _handle(self, request: Request, arrived: float, in_flight: int) -> JSONResponse:
        headers = {k.lower(): v for k, v in request.headers.items()}
        if self.api_key is not None and headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "No auth credentials found")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "request body is not JSON")
        # the JPEG check decodes pixels: off the server's loop, so it cannot skew timings
        problem, model, task, digest = await asyncio.to_thread(_check_request, body, self.models)
        if problem:
            return _error(400, problem)
        record = Record(model, task, digest, arrived, in_flight=in_flight, headers=headers)
        record.body = body
        with self._lock:
            self.records.append(record)
            rule = next((r for r in self.rules if r.matches(model, task)), None)
            if rule is not None and rule.times is not None:
                rule.times -= 1
        latency = self.latency + (rule.latency if rule and rule.kind == "slow" else 0.0)
        if latency:
            await asyncio.sleep(latency)
        response = self._respond(body, model, task, digest, rule, record)
        record.finished = time.monotonic()
        record.status = response.status_code
        return response

    def _respond(
        self,
        body: dict[str, Any],
        model: str,
        task: str,
        digest: str,
        rule: Rule | None,
        record: Record,
    ) -> JSONResponse:
        kind = rule.kind if rule else None
        if rule is not None and kind == "status":
            extra = {"Retry-After": rule.retry_after} if rule.retry_after is not None else None
            return _error(rule.status, f"scripted HTTP {rule.status}", extra)
        if kind == "error_in_200":
            return JSONResponse({"error": {"code": 502, "message": "Provider returned error"}})
        schema = body["response_format"]["json_schema"]["schema"]
        reply = generate(schema, schema, f"{digest}|{task}", model)
        if kind == "invalid":
            violate(reply)
        text = json.dumps(reply)
        if kind == "malformed":
            text = text[: len(text) // 2]
        elif kind == "fenced":
            text = f"```json\n{json.dumps(reply, indent=2)}\n```"
        elif kind == "prefixed":
            text = f"Here is my assessment of the photo:\n{text}\nHope this helps!"
        record.content = text
        usage: dict[str, Any] = {
            "prompt_tokens": 1400,
            "completion_tokens": max(1, len(text) // 4),
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if kind != "no_cost":
            usage["cost"] = self.cost_per_call
        return JSONResponse(
            {
                "id": f"gen-{hashlib.sha256(text.encode()).hexdigest()[:16]}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "provider": "FakeProvider",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": text},
                    }
                ],
                "usage": usage,
            }
        )


# -- request checks -------------------------------------------------------------------------


def _check_request(body: Any, models: set[str] | None) -> tuple[str, str, str, str]:
    """(problem, model, task, image digest); ``problem`` is empty when the request is valid."""
    if not isinstance(body, dict):
        return "body must be an object", "", "", ""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        return "model is required", "", "", ""
    if models is not None and model not in models:
        return f"{model} is not a valid model ID", model, "", ""
    fmt = body.get("response_format")
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return "response_format must be json_schema", model, "", ""
    spec = fmt.get("json_schema")
    if not isinstance(spec, dict) or not isinstance(spec.get("schema"), dict):
        return "json_schema.schema is required", model, "", ""
    if not isinstance(spec.get("name"), str) or not isinstance(spec.get("strict"), bool):
        return "json_schema needs name and strict", model, "", ""
    task = spec["name"].removeprefix("photo_")
    digest = _image_digest(body.get("messages"))
    if not digest:
        return "a user message needs an image_url part with a JPEG data URI", model, task, ""
    return "", model, task, digest


_VALID_JPEGS: set[str] = set()


def _is_jpeg(digest: str, data: bytes) -> bool:
    """Decodes the image fully, once per distinct image (a photo's calls share bytes)."""
    if digest in _VALID_JPEGS:
        return True
    try:
        with Image.open(BytesIO(data)) as img:
            if img.format != "JPEG":
                return False
            img.load()
    except Exception:
        return False
    _VALID_JPEGS.add(digest)
    return True


def _image_digest(messages: Any) -> str:
    prefix = "data:image/jpeg;base64,"
    for message in messages if isinstance(messages, list) else []:
        content = message.get("content") if isinstance(message, dict) else None
        for part in content if isinstance(content, list) else []:
            if not isinstance(part, dict) or part.get("type") != "image_url":
                continue
            url = str((part.get("image_url") or {}).get("url", ""))
            if not url.startswith(prefix):
                return ""
            try:
                data = base64.b64decode(url[len(prefix) :], validate=True)
            except ValueError:
                return ""
            digest = hashlib.sha256(data).hexdigest()
            return digest if _is_jpeg(digest, data) else ""
    return ""


# -- schema-driven replies ----------------------------------------------------------------


def _unit(*parts: str) -> float:
    """A deterministic number in [0, 1) from strings."""
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:12], 16) / 16**12


def generate(node: dict[str, Any], root: dict[str, Any], seed: str, model: str) -> Any:
    """A value valid under ``node``. Numbers share a per-image base, shifted per model."""
    if "$ref" in node:
        name = node["$ref"].split("/")[-1]
        return generate(root["$defs"][name], root, seed, model)
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        if _unit(seed, "null") < 0.3 and len(options) < len(node["anyOf"]):
            return None
        return generate(options[0], root, seed, model)
    if "enum" in node:
        values = node["enum"]
        return values[int(_unit(seed, model) * len(values))]
    kind = node.get("type")
    if kind == "object":
        return {k: generate(v, root, f"{seed}.{k}", model) for k, v in node["properties"].items()}
    if kind == "array":
        low, high = node.get("minItems", 0), min(node.get("maxItems", 3), 3)
        count = max(low, min(high, 2))
        items = [generate(node["items"], root, f"{seed}[{i}]", model) for i in range(count)]
        if "enum" in node["items"]:
            items = list(dict.fromkeys(items))
        return items
    if kind == "number":
        low, high = node.get("minimum", 0.0), node.get("maximum", 1.0)
        base = 0.2 + 0.6 * _unit(seed)  # what "the photo" deserves
        shift = 0.16 * (_unit(seed, model) - 0.5)  # this model's opinion of it
        return round(min(high, max(low, base + shift)), 3)
    if kind == "integer":
        return int(node.get("minimum", 0))
    if kind == "boolean":
        return _unit(seed, model) < 0.5
    if kind == "string":
        text = f"{seed.rsplit('.', 1)[-1]} as seen by {model}"
        return text[: node.get("maxLength", len(text))]
    raise ValueError(f"the fake cannot generate {node}")


def violate(reply: dict[str, Any]) -> None:
    """Break the reply: a score on the wrong scale, an unknown enum value, or a lost field."""
    for value in reply.values():
        if isinstance(value, dict) and "score" in value:
            value["score"] = 7.5  # a 0-10 scale slipped in
            return
    if "scene_type" in reply:
        reply["scene_type"] = "sideways"
        return
    reply.pop(next(iter(reply)))
