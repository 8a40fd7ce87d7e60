"""The fake itself must be strict, or the client tests prove nothing."""

from __future__ import annotations

import base64
from io import BytesIO
from typing import Any

import httpx
import pytest
from PIL import Image

from photo_score.inference.schemas import TASKS, parse_reply, response_format
from tests.fakes.openrouter import FakeOpenRouter, generate


def _jpeg_uri() -> str:
    buf = BytesIO()
    Image.new("RGB", (32, 24), (200, 100, 50)).save(buf, "JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": "fake/alpha-vl",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "rate"},
                    {"type": "image_url", "image_url": {"url": _jpeg_uri()}},
                ],
            }
        ],
        "response_format": response_format("aesthetic"),
    }
    body.update(overrides)
    return body


def _post(fake: FakeOpenRouter, body: dict[str, Any], key: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key or fake.api_key}"}
    return httpx.post(f"{fake.url}/chat/completions", json=body, headers=headers, timeout=10)


def test_valid_request_gets_a_schema_valid_reply_with_usage(fake: FakeOpenRouter) -> None:
    response = _post(fake, _body())
    assert response.status_code == 200
    payload = response.json()
    parse_reply("aesthetic", payload["choices"][0]["message"]["content"])
    assert payload["usage"]["cost"] == fake.cost_per_call
    assert payload["usage"]["total_tokens"] > 0


@pytest.mark.parametrize(
    ("overrides", "key", "status"),
    [
        ({}, "sk-or-wrong", 401),
        ({"response_format": {"type": "json_object"}}, None, 400),
        ({"model": ""}, None, 400),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "image_url",
                                "image_url": {"url": "data:image/png;base64,AAAA"},
                            }
                        ],
                    }
                ]
            },
            None,
            400,
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "image_url",
                                "image_url": {"url": "data:image/jpeg;base64,bm9wZQ=="},
                            }
                        ],
                    }
                ]
            },
            None,
            400,
        ),
    ],
)
def test_invalid_requests_get_openrouter_errors(
    fake: FakeOpenRouter, overrides: dict[str, Any], key: str | None, status: int
) -> None:
    response = _post(fake, _body(**overrides), key)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == status
    assert error["message"]


@pytest.mark.parametrize("task", TASKS)
def test_generated_replies_fit_every_task_schema(task: Any) -> None:
    schema = response_format(task)["json_schema"]["schema"]
    import json

    replies = [parse_reply(task, json.dumps(generate(schema, schema, s, "m"))) for s in "abc"]
    assert all(reply is not None for reply in replies)  # parse_reply raises on a misfit


def test_models_disagree_a_little() -> None:
    schema = response_format("aesthetic")["json_schema"]["schema"]
    a = generate(schema, schema, "img|aesthetic", "alpha")
    b = generate(schema, schema, "img|aesthetic", "beta")
    diffs = [abs(a[k]["score"] - b[k]["score"]) for k in a]
    assert 0 < max(diffs) <= 0.16
