"""Sign-up, login, refresh rotation with reuse detection, logout; the Supabase forwarding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from photo_score_cloud.api.main import create_app

from tests.cloud.conftest import settings_from
from tests.cloud.helpers import CloudDb, InProcessServer, bearer, signup
from tests.fakes.supabase_auth import FakeSupabaseAuth

PASSWORD = "correct horse battery"


def me(client: httpx.Client, token: str) -> httpx.Response:
    return client.get("/auth/me", headers=bearer(token))


def refresh(client: httpx.Client, token: str) -> httpx.Response:
    return client.post("/auth/refresh", json={"refresh_token": token})


def test_signup_login_me(client: httpx.Client, cloud_db: CloudDb) -> None:
    session = signup(client, "Ada@Example.test")
    assert session["token_type"] == "bearer"
    assert session["expires_in"] == 900
    response = me(client, session["access_token"])
    assert response.json() == {
        "user": {"id": session["user"]["id"], "email": "ada@example.test"},
        "credits": 5,
    }
    stored = cloud_db.scalar(
        "SELECT encrypted_password FROM auth.users WHERE id = %s", [session["user"]["id"]]
    )
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored

    login = client.post("/auth/login", json={"email": "ADA@example.test", "password": PASSWORD})
    assert login.status_code == 200
    assert me(client, login.json()["access_token"]).json()["credits"] == 5  # trial once


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"email": "dup@example.test", "password": PASSWORD}, 409, "email_taken"),
        ({"email": "new@example.test", "password": "short"}, 422, "weak_password"),
        ({"email": "not-an-email", "password": PASSWORD}, 422, "invalid_email"),
        ({"email": "x@example.test"}, 422, "invalid_request"),
    ],
)
def test_signup_refusals(
    client: httpx.Client, body: dict[str, str], status: int, code: str
) -> None:
    client.post("/auth/signup", json={"email": "dup@example.test", "password": PASSWORD})
    response = client.post("/auth/signup", json=body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert PASSWORD not in response.text


def test_wrong_password_and_unknown_email_look_the_same(client: httpx.Client) -> None:
    signup(client, "known@example.test")
    wrong = client.post(
        "/auth/login", json={"email": "known@example.test", "password": "nope nope"}
    )
    unknown = client.post("/auth/login", json={"email": "nobody@example.test", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]


def test_refresh_rotates_and_reuse_revokes_the_session(client: httpx.Client) -> None:
    first = signup(client)
    second = refresh(client, first["refresh_token"])
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert me(client, rotated["access_token"]).status_code == 200

    stolen = refresh(client, first["refresh_token"])  # the old one again: reuse
    assert stolen.status_code == 401
    assert stolen.json()["error"]["code"] == "invalid_refresh_token"
    # the whole session is gone: its newest tokens too
    assert refresh(client, rotated["refresh_token"]).status_code == 401
    ended = me(client, rotated["access_token"])
    assert ended.status_code == 401
    assert ended.json()["error"]["code"] == "session_ended"


def test_logout_revokes_access_and_refresh(client: httpx.Client) -> None:
    session = signup(client)
    other = client.post(
        "/auth/login", json={"email": session["user"]["email"], "password": PASSWORD}
    ).json()
    assert client.post("/auth/logout", headers=bearer(session["access_token"])).status_code == 204
    assert me(client, session["access_token"]).status_code == 401
    assert refresh(client, session["refresh_token"]).status_code == 401
    assert me(client, other["access_token"]).status_code == 200  # other sessions live on


def test_unknown_refresh_token(client: httpx.Client) -> None:
    response = refresh(client, "made-up-token")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_refresh_token"


def test_auth_attempts_are_rate_limited_per_address(
    cloud_env: dict[str, str], cloud_db: CloudDb
) -> None:
    settings = settings_from(cloud_env, AUTH_RATE_LIMIT_PER_MINUTE="2")
    server = InProcessServer(create_app(settings)).start()
    try:
        with httpx.Client(base_url=server.url) as http:
            body = {"email": "limited@example.test", "password": "wrong wrong"}
            responses = [http.post("/auth/login", json=body) for _ in range(5)]
    finally:
        server.stop()
    # (earlier tests of this module used the same address and window)
    assert {r.status_code for r in responses} <= {401, 429}
    limited = [r for r in responses if r.status_code == 429]
    assert limited  # 5 attempts span at most two one-minute windows
    assert int(limited[0].headers["retry-after"]) >= 1


# ---------------------------------------------------------------------------- Supabase


@pytest.fixture(scope="module")
def supabase(cloud_db: CloudDb) -> Iterator[FakeSupabaseAuth]:
    fake = FakeSupabaseAuth(db_url=cloud_db.owner_url).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def sb_client(cloud_env: dict[str, str], supabase: FakeSupabaseAuth) -> Iterator[httpx.Client]:
    settings = settings_from(
        cloud_env,
        AUTH_PROVIDER="supabase",
        SUPABASE_URL=supabase.url,
        SUPABASE_ANON_KEY=supabase.anon_key,
    )
    server = InProcessServer(create_app(settings)).start()
    with httpx.Client(base_url=server.url) as http:
        yield http
    server.stop()


def test_supabase_flow_is_forwarded(
    sb_client: httpx.Client, supabase: FakeSupabaseAuth, cloud_db: CloudDb
) -> None:
    created = sb_client.post(
        "/auth/signup", json={"email": "sb@example.test", "password": PASSWORD}
    )
    assert created.status_code == 201, created.text
    session: dict[str, Any] = created.json()["session"]
    call = supabase.log[-1]
    assert (call.path, call.headers["apikey"]) == ("/auth/v1/signup", supabase.anon_key)
    uid = session["user"]["id"]
    assert me(sb_client, session["access_token"]).json()["credits"] == 5
    assert cloud_db.ledger_types(uid) == ["trial"]

    login = sb_client.post("/auth/login", json={"email": "sb@example.test", "password": PASSWORD})
    assert login.status_code == 200
    assert supabase.log[-1].query == {"grant_type": "password"}
    renewed = sb_client.post("/auth/refresh", json={"refresh_token": login.json()["refresh_token"]})
    assert renewed.status_code == 200
    assert supabase.log[-1].query == {"grant_type": "refresh_token"}
    reused = sb_client.post("/auth/refresh", json={"refresh_token": login.json()["refresh_token"]})
    assert reused.status_code == 401

    token = renewed.json()["access_token"]
    assert sb_client.post("/auth/logout", headers=bearer(token)).status_code == 204
    assert supabase.log[-1].path == "/auth/v1/logout"
    assert supabase.log[-1].headers["authorization"] == f"Bearer {token}"
    assert cloud_db.ledger_types(uid) == ["trial"]


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/auth/login", {"email": "sb2@example.test", "password": "wrong password"}, 401,
         "invalid_credentials"),
        ("/auth/signup", {"email": "sb2@example.test", "password": PASSWORD}, 409, "email_taken"),
        ("/auth/refresh", {"refresh_token": "unknown"}, 401, "invalid_refresh_token"),
    ],
)  # fmt: skip
def test_supabase_errors_are_mapped(
    sb_client: httpx.Client,
    supabase: FakeSupabaseAuth,
    path: str,
    body: dict[str, str],
    status: int,
    code: str,
) -> None:
    sb_client.post("/auth/signup", json={"email": "sb2@example.test", "password": PASSWORD})
    response = sb_client.post(path, json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert "Invalid login credentials" not in response.text  # upstream text is not relayed


def test_supabase_outage_is_503(sb_client: httpx.Client, supabase: FakeSupabaseAuth) -> None:
    supabase.fail_next(500)
    response = sb_client.post("/auth/login", json={"email": "a@example.test", "password": PASSWORD})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "auth_unavailable"


def test_supabase_signup_awaiting_confirmation(
    cloud_env: dict[str, str], cloud_db: CloudDb
) -> None:
    fake = FakeSupabaseAuth(db_url=cloud_db.owner_url, autoconfirm=False).start()
    settings = settings_from(
        cloud_env, AUTH_PROVIDER="supabase", SUPABASE_URL=fake.url, SUPABASE_ANON_KEY=fake.anon_key
    )
    server = InProcessServer(create_app(settings)).start()
    try:
        with httpx.Client(base_url=server.url) as http:
            body = {"email": "confirm@example.test", "password": PASSWORD}
            created = http.post("/auth/signup", json=body)
            login = http.post("/auth/login", json=body)
    finally:
        server.stop()
        fake.stop()
    assert created.status_code == 201
    assert created.json()["session"] is None
    assert created.json()["user"]["email"] == "confirm@example.test"
    assert login.status_code == 401
    assert login.json()["error"]["code"] == "email_not_confirmed"
