"""The service envelope: health, the one error shape, request ids, logs, settings, docs."""

from __future__ import annotations

import json
import logging
import re
import uuid
from pathlib import Path

import httpx
import pytest
from photo_score_cloud.api.main import create_app
from photo_score_cloud.logs import JsonFormatter
from photo_score_cloud.settings import CloudSettings
from pydantic import ValidationError

from tests.cloud.conftest import settings_from
from tests.cloud.helpers import CloudDb, InProcessServer, bearer, signup

ROOT = Path(__file__).resolve().parents[2]


def assert_error_shape(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, object] = body["error"]
    assert {"code", "message", "request_id"} <= set(error)
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert error["request_id"] == response.headers["x-request-id"]
    return error


def test_health_checks_the_database(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_health_reports_an_unreachable_database(cloud_env: dict[str, str]) -> None:
    from photo_score_cloud.api.state import CloudState

    app = create_app(settings_from(cloud_env))
    server = InProcessServer(app).start()
    try:
        state: CloudState = app.state.cloud
        import asyncio

        asyncio.run_coroutine_threadsafe(state.db.pool.close(), server.loop()).result(10)
        response = httpx.get(server.url + "/health")
    finally:
        server.stop()
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_error_shapes(client: httpx.Client) -> None:
    assert_error_shape(client.get("/nowhere"), 404, "not_found")
    assert_error_shape(client.delete("/health"), 405, "method_not_allowed")
    bad_json = client.post(
        "/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error_shape(bad_json, 422, "invalid_request")
    extra = client.post("/auth/login", json={"email": "a@b.c", "password": "pw", "admin": True})
    assert "admin" in str(assert_error_shape(extra, 422, "invalid_request")["message"])


def test_validation_errors_never_echo_values(client: httpx.Client) -> None:
    secret = "hunter2-" + uuid.uuid4().hex
    response = client.post("/auth/login", json={"email": "a@b.c", "password": {"x": secret}})
    assert_error_shape(response, 422, "invalid_request")
    assert secret not in response.text


def test_request_ids(client: httpx.Client) -> None:
    given = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])


def test_unexpected_errors_are_opaque_500s(
    cloud_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings_from(cloud_env))

    @app.get("/explode")
    async def explode() -> None:
        raise RuntimeError("secret internals: password=swordfish at /srv/app.py")

    server = InProcessServer(app).start()
    try:
        with caplog.at_level(logging.ERROR):
            response = httpx.get(server.url + "/explode")
    finally:
        server.stop()
    error = assert_error_shape(response, 500, "internal_error")
    assert "swordfish" not in response.text
    assert "Traceback" not in response.text
    assert str(error["request_id"]) in str(error["message"])
    assert any("swordfish" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_json_logs_scrub_secrets() -> None:
    formatter = JsonFormatter()
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1,
        "auth %s key %s img %s", ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
                                  "sk-or-v1-abcdef123456", "A" * 400), None,
    )  # fmt: skip
    line = json.loads(formatter.format(record))
    for leaked in ("eyJ", "sk-or-v1", "AAAA"):
        assert leaked not in line["msg"]
    assert line["level"] == "info"


def test_server_logs_are_json_without_secrets(
    live_pair: tuple[object, ...], cloud_db: CloudDb
) -> None:
    from tests.cloud.helpers import LiveServer

    server = live_pair[0]
    assert isinstance(server, LiveServer)
    with httpx.Client(base_url=server.url) as http:
        session = signup(http, password="a very secret password 42")
        http.get("/auth/me", headers=bearer(session["access_token"]))
        http.post("/auth/refresh", json={"refresh_token": session["refresh_token"]})
    log = server.read_log()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(line.get("path") == "/auth/me" and line.get("status") == 200 for line in lines)
    assert all("request_id" in line for line in lines if line.get("path"))
    for secret in ("a very secret password 42", session["access_token"], session["refresh_token"]):
        assert secret not in log


BASE = {"DATABASE_URL": "postgresql://x@localhost/db", "OPENROUTER_API_KEY": "sk-or-v1-" + "a" * 40}


@pytest.mark.parametrize(
    "env",
    [
        {},  # builtin provider without AUTH_JWT_SECRET
        {"AUTH_JWT_SECRET": "changethis"},
        {"AUTH_JWT_SECRET": "too-short"},
        {"AUTH_JWT_SECRET": "x" * 40, "OPENROUTER_API_KEY": ""},
        {"AUTH_PROVIDER": "supabase", "SUPABASE_URL": "https://p.supabase.co"},
        {"AUTH_JWT_SECRET": "x" * 40, "OPENROUTER_API_KEY": "your-openrouter-key"},
    ],
)
def test_production_refuses_missing_or_placeholder_secrets(env: dict[str, str]) -> None:
    merged = {**BASE, **env}
    with pytest.raises(ValidationError, match="refusing to start"):
        CloudSettings(**{k.lower(): v or None for k, v in merged.items()})
    dev = CloudSettings(
        **{k.lower(): v or None for k, v in merged.items()}, environment="development"
    )
    assert dev.environment == "development"


def test_every_setting_is_documented() -> None:
    page = (ROOT / "docs" / "cloud.md").read_text(encoding="utf-8")
    missing = [
        name.upper() for name in CloudSettings.model_fields if f"`{name.upper()}`" not in page
    ]
    assert missing == []
