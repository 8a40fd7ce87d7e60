"""The chat-completions client for OpenRouter and any OpenAI-compatible vision server.

Plain ``httpx.AsyncClient`` rather than the openai SDK: the retry policy (which statuses,
``Retry-After`` in seconds or as an HTTP date, jitter), the per-call deadline and the cost
read from ``usage.cost`` are ours to get right, and must be visible to the budget.

One client serves a whole run. Every attempt takes a slot of the shared
:class:`~photo_score.inference.limits.PrioritySlots` and a start from the shared
:class:`~photo_score.inference.limits.RateLimiter`, and reserves its estimated cost first.
Backoff sleeps hold no slot, so a throttled model does not stall the others.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from photo_score.errors import AnalyzerError, AnalyzerUnavailableError
from photo_score.inference.budget import Budget, CostEstimator
from photo_score.inference.limits import PrioritySlots, RateLimiter
from photo_score.inference.prompts import SYSTEM, Prompt, user_text
from photo_score.inference.schemas import InvalidReply, Task, parse_reply, response_format
from photo_score.inference.vision_image import VisionImage

log = logging.getLogger(__name__)

APP_URL = "https://github.com/photo-score/photo-score"
APP_TITLE = "photo-score"

_RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504, *range(520, 530)})
_FATAL_STATUS = {401: "the API key was rejected", 402: "the account is out of credits"}
_MAX_LOGGED_TEXT = 2000


class CallFailed(AnalyzerError):
    """One model could not answer one task (after retries); the model is dropped."""

    def __init__(self, model: str, task: str, reason: str) -> None:
        super().__init__(f"{model} ({task}): {reason}")
        self.model = model
        self.task = task
        self.reason = reason


class EndpointUnusable(AnalyzerUnavailableError):
    """Every further call would fail the same way (bad key, no credits): stop the run."""


def is_local_url(url: str) -> bool:
    """A server on this machine or the LAN: free, keyless, and images stay in the house."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".lan", ".internal")):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class ClientStats:
    """Counters of one run; read by progress reporting."""

    requests: int = 0
    retries: int = 0
    invalid_replies: int = 0
    cost_usd: float = 0.0
    by_model_task: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CallResult:
    reply: dict[str, Any]
    cost_usd: float
    attempts: int


@dataclass(frozen=True, slots=True)
class _Attempt:
    """The outcome of one HTTP exchange, before the retry decision."""

    reply: dict[str, Any] | None = None
    cost_usd: float = 0.0
    retryable: bool = False
    reason: str = ""
    retry_after: float | None = None
    invalid: bool = False


@dataclass(frozen=True)
class ClientOptions:
    base_url: str
    api_key: str | None = None
    max_concurrency: int = 16
    requests_per_minute: int = 120
    timeout_s: float = 90.0
    max_retries: int = 5
    # None: decide from the URL (loopback/LAN = local). Local means cost 0, key optional.
    local: bool | None = None
    rate_period_s: float = 60.0
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 60.0
    invalid_reply_retries: int = 2
    max_retry_after_s: float = 300.0
    max_cost: float | None = None
    # OpenRouter's app attribution (shown on its rankings and in the user's activity log).
    app_url: str = APP_URL
    app_title: str = APP_TITLE


class VisionClient:
    """Async, bounded, rate-limited, retrying client. Use as ``async with``."""

    def __init__(
        self,
        options: ClientOptions,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.options = options
        self.local = self.check_key(options)
        self.stats = ClientStats()
        self.budget = Budget(options.max_cost)
        self.estimator = CostEstimator(local=self.local)
        self.slots = PrioritySlots(options.max_concurrency)
        self.limiter = RateLimiter(options.requests_per_minute, options.rate_period_s)
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._paused_until: dict[str, float] = {}
        headers = {"HTTP-Referer": options.app_url, "X-Title": options.app_title}
        if options.api_key:
            headers["Authorization"] = f"Bearer {options.api_key}"
        self._http = httpx.AsyncClient(
            base_url=options.base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(options.timeout_s, connect=min(10.0, options.timeout_s)),
            limits=httpx.Limits(
                max_connections=options.max_concurrency,
                max_keepalive_connections=options.max_concurrency,
            ),
            transport=transport,
        )

    @staticmethod
    def check_key(options: ClientOptions) -> bool:
        """Whether the endpoint is local; raises if a remote one has no key."""
        local = is_local_url(options.base_url) if options.local is None else options.local
        if not local and not options.api_key:
            raise AnalyzerUnavailableError(
                "no OpenRouter API key: set OPENROUTER_API_KEY, or point OPENROUTER_BASE_URL "
                "at a local OpenAI-compatible server"
            )
        return local

    async def __aenter__(self) -> VisionClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def request_body(
        self, model: str, prompt: Prompt, image: VisionImage, context: str | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": model,
            "messages": [
                {"role": "system", "content": SYSTEM},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": user_text(prompt, context)},
                        {"type": "image_url", "image_url": {"url": image.data_uri}},
                    ],
                },
            ],
            "temperature": 0,
            "max_tokens": prompt.max_tokens,
            "response_format": response_format(prompt.task),
        }
        if not self.local:
            body["usage"] = {"include": True}  # OpenRouter: report the call's cost
        return body

    async def complete(
        self,
        model: str,
        prompt: Prompt,
        image: VisionImage,
        *,
        context: str | None = None,
        priority: int = 0,
    ) -> CallResult:
        """One task's validated reply from one model, retrying transient failures.

        Raises CallFailed (this model is out for this task), EndpointUnusable (stop the
        run), BudgetExceeded (nothing sent), or CancelledError.
        """
        task = prompt.task
        body = self.request_body(model, prompt, image, context)
        transient_left = self.options.max_retries
        invalid_left = min(self.options.invalid_reply_retries, self.options.max_retries)
        attempt_no = 0
        while True:
            attempt_no += 1
            estimate = self.estimator.estimate(model, task)
            reserved = self.budget.reserve(estimate)
            attempt = _Attempt(retryable=True, reason="cancelled")
            try:
                await self._wait_model_pause(model)
                async with self.slots.slot(priority), self.limiter.request():
                    self.stats.requests += 1
                    key = (model, task)
                    self.stats.by_model_task[key] = self.stats.by_model_task.get(key, 0) + 1
                    attempt = await self._exchange(body, model, task)
            finally:
                self.budget.settle(reserved, attempt.cost_usd)
            self.stats.cost_usd += attempt.cost_usd
            if attempt.cost_usd > 0:
                self.estimator.observe(model, task, attempt.cost_usd)
            if attempt.reply is not None:
                return CallResult(attempt.reply, attempt.cost_usd, attempt_no)
            if attempt.retryable and attempt.invalid and invalid_left > 0:
                invalid_left -= 1
            elif attempt.retryable and not attempt.invalid and transient_left > 0:
                transient_left -= 1
            else:
                raise CallFailed(model, task, f"{attempt.reason} (after {attempt_no} attempts)")
            if attempt.retry_after is not None and attempt.retry_after > (
                self.options.max_retry_after_s
            ):
                raise CallFailed(
                    model, task, f"rate limited for {attempt.retry_after:.0f}s; giving up"
                )
            delay = self._backoff(attempt_no, attempt.retry_after)
            if attempt.retry_after is not None:
                self._pause_model(model, attempt.retry_after)
            self.stats.retries += 1
            log.info(
                "retrying %s/%s in %.2fs (attempt %d): %s",
                model,
                task,
                delay,
                attempt_no,
                attempt.reason,
            )
            await self._sleep(delay)

    def _backoff(self, attempt_no: int, retry_after: float | None) -> float:
        """Full-jitter exponential backoff, never shorter than the server's Retry-After."""
        ceiling = min(
            self.options.backoff_cap_s, self.options.backoff_base_s * 2 ** (attempt_no - 1)
        )
        delay = self._rng.uniform(0.5 * ceiling, ceiling)
        if retry_after is not None:
            delay = max(retry_after + self._rng.uniform(0, 0.1 * retry_after + 0.05), delay)
        return delay

    def _pause_model(self, model: str, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._paused_until[model] = max(until, self._paused_until.get(model, 0.0))

    async def _wait_model_pause(self, model: str) -> None:
        """A Retry-After for one model holds back that model's other calls too."""
        wait = self._paused_until.get(model, 0.0) - time.monotonic()
        if wait > 0:
            await self._sleep(wait)

    async def _exchange(self, body: dict[str, Any], model: str, task: Task) -> _Attempt:
        try:
            async with asyncio.timeout(self.options.timeout_s):
                response = await self._http.post("chat/completions", json=body)
        except TimeoutError:
            return _Attempt(retryable=True, reason=f"no reply within {self.options.timeout_s:g}s")
        except httpx.TransportError as exc:
            return _Attempt(retryable=True, reason=f"connection error: {type(exc).__name__}")
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            return _Attempt(
                retryable=response.status_code in _RETRYABLE_STATUS or response.is_success,
                reason=f"HTTP {response.status_code} with a non-JSON body",
                retry_after=retry_after,
            )
        status = response.status_code
        error = payload.get("error")
        if not response.is_success or (isinstance(error, dict) and "choices" not in payload):
            if response.is_success and isinstance(error, dict):
                status = _int(error.get("code"), default=502)  # OpenRouter: error in a 200
            message = error.get("message", "") if isinstance(error, dict) else ""
            reason = f"HTTP {status}: {str(message)[:300]}"
            if status in _FATAL_STATUS:
                raise EndpointUnusable(f"{_FATAL_STATUS[status]} ({reason})")
            return _Attempt(
                retryable=status in _RETRYABLE_STATUS, reason=reason, retry_after=retry_after
            )
        cost = self._cost(payload)
        text = _message_text(payload)
        try:
            reply = parse_reply(task, text)
        except InvalidReply as exc:
            self.stats.invalid_replies += 1
            log.warning(
                "invalid reply from %s for %s (%s); model said: %s",
                model,
                task,
                exc.reason,
                exc.text[:_MAX_LOGGED_TEXT],
            )
            return _Attempt(
                cost_usd=cost, retryable=True, invalid=True, reason=f"invalid reply: {exc.reason}"
            )
        return _Attempt(reply=reply, cost_usd=cost)

    def _cost(self, payload: dict[str, Any]) -> float:
        if self.local:
            return 0.0
        usage = payload.get("usage")
        cost = usage.get("cost") if isinstance(usage, dict) else None
        if isinstance(cost, int | float) and cost >= 0:
            return float(cost)
        # A remote reply without a price: count the prior, so the cap stays conservative.
        return self.estimator.prior_usd


def _int(value: Any, *, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _message_text(payload: dict[str, Any]) -> str:
    choices = payload.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return ""
    message = choices[0].get("message") or {}
    content = message.get("content")
    if isinstance(content, list):  # some providers return content parts
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    if not content and message.get("refusal"):
        return f"(refused) {message['refusal']}"
    return content if isinstance(content, str) else ""
