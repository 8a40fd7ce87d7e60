"""The HTTP client against the live fake: wire format, retries, Retry-After, cost, errors."""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from photo_score.errors import AnalyzerUnavailableError
from photo_score.inference.client import (
    CallFailed,
    ClientOptions,
    EndpointUnusable,
    VisionClient,
    is_local_url,
    parse_retry_after,
)
from photo_score.inference.prompts import AESTHETIC, METADATA
from photo_score.inference.vision_image import VisionImage, prepare_vision_image
from tests.fakes.openrouter import FakeOpenRouter, Rule
from tests.inference.vision.conftest import ALPHA, make_jpeg, options


@pytest.fixture
def image(tmp_path: Path) -> VisionImage:
    path = make_jpeg(tmp_path / "a.jpg", seed=1, size=(800, 600))
    return prepare_vision_image(str(path), "id", 1536)


class Sleeps:
    """Records backoff delays instead of waiting them out."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def call(
    opts: ClientOptions,
    image: VisionImage,
    *,
    sleeps: Sleeps | None = None,
    model: str = ALPHA,
    prompt: Any = AESTHETIC,
) -> tuple[Any, VisionClient]:
    async def main() -> tuple[Any, VisionClient]:
        kwargs: dict[str, Any] = {"sleep": sleeps} if sleeps else {}
        async with VisionClient(opts, **kwargs) as client:
            try:
                return await client.complete(model, prompt, image), client
            except Exception as exc:
                return exc, client

    return asyncio.run(main())


def test_request_speaks_the_openrouter_protocol(fake: FakeOpenRouter, image: VisionImage) -> None:
    result, client = call(options(fake), image)
    assert set(result.reply) == {"composition", "subject_strength", "visual_appeal"}
    assert result.cost_usd == pytest.approx(0.001)
    assert client.stats.cost_usd == pytest.approx(0.001)
    (rec,) = fake.calls()
    assert rec.headers["authorization"] == f"Bearer {fake.api_key}"
    assert rec.headers["http-referer"].startswith("https://")
    assert rec.headers["x-title"] == "photo-score"
    body = rec.body
    assert body["temperature"] == 0
    assert body["usage"] == {"include": True}
    assert body["response_format"]["json_schema"]["name"] == "photo_aesthetic"
    parts = body["messages"][1]["content"]
    assert parts[1]["image_url"]["url"] == image.data_uri
    assert rec.image_digest == image.digest


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_transient_statuses_are_retried(
    fake: FakeOpenRouter, image: VisionImage, status: int
) -> None:
    fake.add(Rule("status", status=status, times=2))
    result, client = call(options(fake), image)
    assert result.attempts == 3
    assert client.stats.retries == 2
    assert [r.status for r in fake.calls()] == [status, status, 200]


def test_retry_after_seconds_is_honoured(fake: FakeOpenRouter, image: VisionImage) -> None:
    fake.add(Rule("status", status=429, retry_after="7"))
    sleeps = Sleeps()
    result, _ = call(options(fake), image, sleeps=sleeps)
    assert result.attempts == 2
    assert sleeps.delays[0] >= 7  # the backoff alone would be ~0.01 s


def test_retry_after_http_date_is_honoured(fake: FakeOpenRouter, image: VisionImage) -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    fake.add(Rule("status", status=503, retry_after=format_datetime(when, usegmt=True)))
    sleeps = Sleeps()
    result, _ = call(options(fake), image, sleeps=sleeps)
    assert result.attempts == 2
    assert 27 <= sleeps.delays[0] <= 34


def test_parse_retry_after() -> None:
    assert parse_retry_after("12") == 12
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("-3") == 0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_grows_with_jitter(fake: FakeOpenRouter, image: VisionImage) -> None:
    fake.add(Rule("status", status=500, times=3))
    sleeps = Sleeps()
    call(options(fake, backoff_base_s=1.0, backoff_cap_s=100), image, sleeps=sleeps)
    first, second, third = sleeps.delays
    assert 0.5 <= first <= 1 < second <= 2 < third <= 4


def test_a_retry_after_beyond_the_limit_gives_up(fake: FakeOpenRouter, image: VisionImage) -> None:
    fake.add(Rule("status", status=429, retry_after="3600"))
    result, _ = call(options(fake), image, sleeps=Sleeps())
    assert isinstance(result, CallFailed)
    assert "rate limited" in result.reason
    assert len(fake.calls()) == 1


def test_persistent_5xx_fails_the_call_after_max_retries(
    fake: FakeOpenRouter, image: VisionImage
) -> None:
    fake.add(Rule("status", status=502, times=None))
    result, client = call(options(fake, max_retries=3), image)
    assert isinstance(result, CallFailed)
    assert result.model == ALPHA
    assert "HTTP 502" in result.reason
    assert len(fake.calls()) == 4
    assert client.stats.cost_usd == 0  # errors are not billed


@pytest.mark.parametrize("status", [400, 403, 404])
def test_client_errors_are_not_retried(
    fake: FakeOpenRouter, image: VisionImage, status: int
) -> None:
    fake.add(Rule("status", status=status))
    result, _ = call(options(fake), image)
    assert isinstance(result, CallFailed)
    assert len(fake.calls()) == 1


@pytest.mark.parametrize("status", [401, 402])
def test_bad_key_or_no_credits_stop_everything(
    fake: FakeOpenRouter, image: VisionImage, status: int
) -> None:
    fake.add(Rule("status", status=status))
    result, _ = call(options(fake), image)
    assert isinstance(result, EndpointUnusable)
    assert len(fake.calls()) == 1


def test_an_unknown_key_is_rejected_by_the_fake(fake: FakeOpenRouter, image: VisionImage) -> None:
    result, _ = call(options(fake, api_key="sk-or-wrong"), image)
    assert isinstance(result, EndpointUnusable)
    assert "API key" in result.message


def test_error_inside_a_200_is_retried(fake: FakeOpenRouter, image: VisionImage) -> None:
    fake.add(Rule("error_in_200"))
    result, _ = call(options(fake), image)
    assert result.attempts == 2


@pytest.mark.parametrize("kind", ["fenced", "prefixed"])
def test_fenced_or_prefixed_json_is_accepted_first_time(
    fake: FakeOpenRouter, image: VisionImage, kind: Any
) -> None:
    fake.add(Rule(kind))
    result, client = call(options(fake), image)
    assert result.attempts == 1
    assert client.stats.invalid_replies == 0


@pytest.mark.parametrize("kind", ["malformed", "invalid"])
def test_an_unrepairable_reply_is_retried_and_logged(
    fake: FakeOpenRouter, image: VisionImage, kind: Any, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add(Rule(kind))
    with caplog.at_level(logging.WARNING, logger="photo_score.inference.client"):
        result, client = call(options(fake), image)
    assert result.attempts == 2
    assert client.stats.invalid_replies == 1
    assert client.stats.cost_usd == pytest.approx(0.002)  # the bad reply was billed too
    (bad, _) = fake.calls()
    assert bad.content[:40] in caplog.text  # the model's own words are in the log


def test_a_model_that_never_complies_is_dropped_not_crashed(
    fake: FakeOpenRouter, image: VisionImage
) -> None:
    fake.add(Rule("invalid", times=None))
    result, _ = call(options(fake, max_retries=5), image)
    assert isinstance(result, CallFailed)
    assert "invalid reply" in result.reason
    assert len(fake.calls()) == 3  # invalid replies get 2 retries, not max_retries


def test_timeouts_are_retried(fake: FakeOpenRouter, image: VisionImage) -> None:
    fake.add(Rule("slow", latency=1.0))
    result, client = call(options(fake, timeout_s=0.3), image)
    assert result.attempts == 2
    assert client.stats.retries == 1


def test_connection_errors_are_retried_then_fail(image: VisionImage) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    opts = ClientOptions(
        base_url=f"http://127.0.0.1:{port}/api/v1",
        api_key="k",
        local=False,
        max_retries=2,
        backoff_base_s=0.01,
    )
    result, client = call(opts, image)
    assert isinstance(result, CallFailed)
    assert "connection error" in result.reason
    assert client.stats.requests == 3


def test_missing_cost_counts_the_conservative_prior(
    fake: FakeOpenRouter, image: VisionImage
) -> None:
    fake.add(Rule("no_cost"))
    result, _ = call(options(fake), image)
    assert result.cost_usd == pytest.approx(0.003)


def test_remote_endpoint_without_key_is_unavailable() -> None:
    with pytest.raises(AnalyzerUnavailableError, match="OPENROUTER_API_KEY"):
        VisionClient.check_key(ClientOptions(base_url="https://openrouter.ai/api/v1"))


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://localhost:11434/v1", True),
        ("http://127.0.0.1:8080/v1", True),
        ("http://[::1]:8000/v1", True),
        ("http://192.168.1.20:8000/v1", True),
        ("http://gpu-box.local:8000/v1", True),
        ("https://openrouter.ai/api/v1", False),
        ("https://8.8.8.8/v1", False),
    ],
)
def test_local_endpoints_are_recognised(url: str, local: bool) -> None:
    assert is_local_url(url) is local


def test_local_endpoint_is_free_and_keyless(fake: FakeOpenRouter, image: VisionImage) -> None:
    fake.reset(api_key=None)  # e.g. Ollama: no auth
    opts = ClientOptions(base_url=fake.url)  # 127.0.0.1: detected as local
    result, client = call(opts, image, prompt=METADATA)
    assert client.local
    assert result.cost_usd == 0  # the fake still reports a cost; a local server is free
    (rec,) = fake.calls()
    assert "authorization" not in rec.headers
    assert "usage" not in rec.body
