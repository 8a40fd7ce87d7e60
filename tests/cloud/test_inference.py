"""POST /inference/analyze: verification, charging, caching, refunds, idempotency, limits."""

from __future__ import annotations

import base64
import hashlib
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.cloud.helpers import CloudDb, analyze_body, bearer, image_bytes, signup
from tests.fakes.openrouter import FakeOpenRouter, Rule

CALLS_PER_PHOTO = 7  # features, 2 aesthetic, 2 technical, metadata, critique


@pytest.fixture
def user(client: httpx.Client) -> dict[str, Any]:
    return signup(client)


def analyze(client: httpx.Client, token: str, body: dict[str, str]) -> httpx.Response:
    return client.post("/inference/analyze", json=body, headers=bearer(token))


def test_analysis_charges_one_credit_and_a_repeat_is_free(
    client: httpx.Client, user: dict[str, Any], openrouter: FakeOpenRouter, cloud_db: CloudDb
) -> None:
    token, uid = user["access_token"], user["user"]["id"]
    body = analyze_body(image_bytes(1))
    first = analyze(client, token, body)
    assert first.status_code == 200, first.text
    result = first.json()
    assert set(result["attributes"]) == {
        "composition", "subject_strength", "visual_appeal",
        "sharpness", "exposure_balance", "noise_level",
    }  # fmt: skip
    assert result["critique"]["summary"]
    assert result["features"]
    assert (result["cached"], result["credits_charged"], result["credits_remaining"]) == (
        False, 1, 4,
    )  # fmt: skip
    assert len(openrouter.calls()) == CALLS_PER_PHOTO
    # the server's key went upstream, never the user's token
    assert {c.headers["authorization"] for c in openrouter.calls()} == {"Bearer sk-or-fake-key"}

    again = analyze(client, token, body)
    assert again.status_code == 200
    assert (again.json()["cached"], again.json()["credits_charged"]) == (True, 0)
    assert again.json()["credits_remaining"] == 4
    assert again.json()["attributes"] == result["attributes"]
    assert len(openrouter.calls()) == CALLS_PER_PHOTO  # no new model call
    assert cloud_db.balance(uid) == 4 == cloud_db.ledger_sum(uid)
    assert cloud_db.ledger_types(uid) == ["trial", "inference"]


def test_stored_results_are_per_user(
    client: httpx.Client, openrouter: FakeOpenRouter, cloud_db: CloudDb
) -> None:
    body = analyze_body(image_bytes(2))
    alice, bob = signup(client), signup(client)
    assert analyze(client, alice["access_token"], body).json()["credits_charged"] == 1
    assert analyze(client, bob["access_token"], body).json()["credits_charged"] == 1
    assert cloud_db.balance(bob["user"]["id"]) == 4


def test_the_image_is_not_stored(
    client: httpx.Client, user: dict[str, Any], openrouter: FakeOpenRouter, cloud_db: CloudDb
) -> None:
    data = image_bytes(3)
    assert analyze(client, user["access_token"], analyze_body(data)).status_code == 200
    dump = str(cloud_db.query("SELECT to_jsonb(c) FROM cached_attributes c"))
    assert base64.b64encode(data[:48]).decode()[:40] not in dump


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"image_data": "not base64!!", "image_hash": "0" * 64}, 422, "invalid_base64"),
        (analyze_body(b"%PDF-1.4 this is not an image at all"), 422, "undecodable_image"),
        (analyze_body(image_bytes(4)[:200]), 422, "undecodable_image"),
        (analyze_body(image_bytes(5), image_hash=hashlib.sha256(b"x").hexdigest()), 422,
         "hash_mismatch"),
        ({"image_data": "AAAA", "image_hash": "nothex"}, 422, "invalid_request"),
        ({"image_hash": "0" * 64}, 422, "invalid_request"),
    ],
)  # fmt: skip
def test_bad_uploads_are_refused_before_any_charge(
    client: httpx.Client,
    user: dict[str, Any],
    openrouter: FakeOpenRouter,
    cloud_db: CloudDb,
    body: dict[str, str],
    status: int,
    code: str,
) -> None:
    response = analyze(client, user["access_token"], body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert openrouter.calls() == []
    assert cloud_db.balance(user["user"]["id"]) == 5


def _big_png(width: int, height: int) -> bytes:
    buf = BytesIO()
    Image.new("L", (width, height)).save(buf, "PNG")
    return buf.getvalue()


def test_size_limits_bytes_and_pixels(
    cloud_env: dict[str, str], openrouter: FakeOpenRouter, cloud_db: CloudDb
) -> None:
    from photo_score_cloud.api.main import create_app

    from tests.cloud.conftest import settings_from
    from tests.cloud.helpers import InProcessServer

    settings = settings_from(cloud_env, MAX_IMAGE_BYTES="20000", MAX_IMAGE_PIXELS="250000")
    server = InProcessServer(create_app(settings)).start()
    try:
        with httpx.Client(base_url=server.url) as http:
            token = signup(http)["access_token"]
            noisy = Image.effect_noise((200, 200), 64)
            buf = BytesIO()
            noisy.save(buf, "PNG")
            assert len(buf.getvalue()) > 20000
            over_bytes = analyze(http, token, analyze_body(buf.getvalue()))
            assert over_bytes.status_code == 413
            assert over_bytes.json()["error"]["code"] == "image_too_large"
            bomb = _big_png(1000, 1000)  # 1 MP of zeros compresses to ~1 KB
            assert len(bomb) < 20000
            over_pixels = analyze(http, token, analyze_body(bomb))
            assert over_pixels.status_code == 413, over_pixels.text
            assert "MP limit" in over_pixels.json()["error"]["message"]
            huge = http.post(
                "/inference/analyze",
                content=b"{" + b" " * 100_000 + b"}",
                headers={**bearer(token), "content-type": "application/json"},
            )
            assert huge.status_code == 413
            assert huge.json()["error"]["code"] == "too_large"
    finally:
        server.stop()
    assert openrouter.calls() == []


def test_provider_failure_refunds(
    client: httpx.Client, user: dict[str, Any], openrouter: FakeOpenRouter, cloud_db: CloudDb
) -> None:
    openrouter.add(Rule("status", status=500, times=None))  # every model, every task
    response = analyze(client, user["access_token"], analyze_body(image_bytes(6)))
    assert response.status_code == 502, response.text
    error = response.json()["error"]
    assert error["code"] == "analysis_failed"
    assert "500" not in error["message"]
    assert "openrouter" not in error["message"].lower()
    uid = user["user"]["id"]
    assert cloud_db.balance(uid) == 5 == cloud_db.ledger_sum(uid)
    assert cloud_db.ledger_types(uid) == ["trial", "inference", "refund"]
    # the claim is released: a retry once the provider is back is charged normally
    openrouter.reset()
    retry = analyze(client, user["access_token"], analyze_body(image_bytes(6)))
    assert retry.status_code == 200
    assert retry.json()["credits_remaining"] == 4


def test_out_of_credits_is_402_with_the_plans(
    client: httpx.Client, user: dict[str, Any], openrouter: FakeOpenRouter, cloud_db: CloudDb
) -> None:
    cloud_db.set_balance(user["user"]["id"], 0)
    response = analyze(client, user["access_token"], analyze_body(image_bytes(7)))
    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "insufficient_credits"
    assert error["balance"] == 0
    assert [(p["credits"], p["price_cents"]) for p in error["plans"]] == [
        (100, 200), (500, 800), (2000, 2500),
    ]  # fmt: skip
    assert error["purchase_url"]
    assert openrouter.calls() == []


def test_a_retry_while_in_flight_is_not_charged_twice(
    client: httpx.Client, user: dict[str, Any], openrouter: FakeOpenRouter, cloud_db: CloudDb
) -> None:
    openrouter.latency = 0.5  # keep the first request in flight
    body = analyze_body(image_bytes(8))
    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: analyze(client, user["access_token"], body), range(4)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1
    assert set(statuses) == {200, 409}
    conflict = next(r for r in responses if r.status_code == 409)
    assert conflict.json()["error"]["code"] == "analysis_in_progress"
    assert conflict.headers["retry-after"]
    uid = user["user"]["id"]
    assert cloud_db.balance(uid) == 4 == cloud_db.ledger_sum(uid)
    # and the retry after it finished is free
    assert analyze(client, user["access_token"], body).json()["cached"] is True


def test_inference_rate_limit(
    cloud_env: dict[str, str], openrouter: FakeOpenRouter, cloud_db: CloudDb
) -> None:
    from photo_score_cloud.api.main import create_app

    from tests.cloud.conftest import settings_from
    from tests.cloud.helpers import InProcessServer

    settings = settings_from(cloud_env, INFERENCE_RATE_LIMIT_PER_MINUTE="2")
    server = InProcessServer(create_app(settings)).start()
    try:
        with httpx.Client(base_url=server.url) as http:
            token = signup(http)["access_token"]
            body = analyze_body(image_bytes(9))
            # fixed one-minute windows: five requests see at most one window change, so
            # at least one of them is over a limit of two whatever the clock says
            responses = [analyze(http, token, body) for _ in range(5)]
    finally:
        server.stop()
    assert responses[0].status_code == 200
    limited = [r for r in responses if r.status_code == 429]
    assert limited
    assert {r.status_code for r in responses} == {200, 429}
    for response in limited:
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert response.json()["error"]["code"] == "rate_limited"
