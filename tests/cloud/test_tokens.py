"""Forged and unacceptable access tokens are refused, for both providers.

Each case starts from a token the server accepts (the control) and changes one thing.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from photo_score_cloud.api.main import create_app
from photo_score_cloud.settings import CloudSettings

from tests.cloud.conftest import settings_from
from tests.cloud.helpers import CloudDb, InProcessServer, bearer
from tests.fakes.supabase_auth import FakeSupabaseAuth


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(claims: dict[str, Any], alg: str = "none") -> str:
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


def _tamper(token: str, **changes: Any) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"


def me(client: httpx.Client, token: str) -> httpx.Response:
    return client.get("/auth/me", headers=bearer(token))


def assert_refused(response: httpx.Response, status: int = 401) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] in {
        "invalid_token", "token_expired", "session_ended", "missing_token", "unknown_user",
        "anonymous",
    }  # fmt: skip


# ---------------------------------------------------------------------------- built-in


def _claims(settings: CloudSettings, user_id: str, session_id: str, **extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": settings.auth_jwt_issuer, "sub": user_id, "aud": "authenticated",
        "exp": now + 300, "iat": now, "role": "authenticated", "session_id": session_id,
        "email": "x@example.test", **extra,
    }  # fmt: skip


@pytest.fixture(scope="module")
def builtin_user(client: httpx.Client, settings: CloudSettings) -> dict[str, Any]:
    response = client.post(
        "/auth/signup", json={"email": "tokens@example.test", "password": "long enough pw"}
    )
    session: dict[str, Any] = response.json()["session"]
    claims = jwt.decode(session["access_token"], options={"verify_signature": False})
    session["claims"] = claims
    return session


def _hs(
    settings: CloudSettings, claims: dict[str, Any], alg: str = "HS256", key: Any = None
) -> str:
    assert settings.auth_jwt_secret is not None
    return jwt.encode(claims, key or settings.auth_jwt_secret.get_secret_value(), algorithm=alg)


def test_builtin_control_token_is_accepted(
    client: httpx.Client, settings: CloudSettings, builtin_user: dict[str, Any]
) -> None:
    assert me(client, builtin_user["access_token"]).status_code == 200
    claims = builtin_user["claims"]
    remade = _hs(settings, _claims(settings, claims["sub"], claims["session_id"]))
    assert me(client, remade).status_code == 200


@pytest.mark.parametrize(
    "forge",
    [
        "wrong_key", "alg_none", "alg_none_upper", "hs384", "hs512", "rs256_own_key",
        "expired", "wrong_audience", "wrong_issuer", "tampered_sub", "tampered_exp",
        "no_exp", "no_sub", "role_service", "role_anon", "sub_not_uuid", "garbage",
        "no_session", "unknown_session",
    ],
)  # fmt: skip
def test_builtin_forgeries_are_refused(
    client: httpx.Client, settings: CloudSettings, builtin_user: dict[str, Any], forge: str
) -> None:
    uid, sid = builtin_user["claims"]["sub"], builtin_user["claims"]["session_id"]
    good = _claims(settings, uid, sid)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tokens = {
        "wrong_key": lambda: _hs(settings, good, key="another-secret-of-sufficient-length-123"),
        "alg_none": lambda: _unsigned(good),
        "alg_none_upper": lambda: _unsigned(good, "NONE"),
        "hs384": lambda: _hs(settings, good, "HS384"),
        "hs512": lambda: _hs(settings, good, "HS512"),
        "rs256_own_key": lambda: jwt.encode(good, rsa_key, algorithm="RS256"),
        "expired": lambda: _hs(settings, {**good, "exp": int(time.time()) - 120}),
        "wrong_audience": lambda: _hs(settings, {**good, "aud": "anon"}),
        "wrong_issuer": lambda: _hs(settings, {**good, "iss": "https://evil.example"}),
        "tampered_sub": lambda: _tamper(builtin_user["access_token"], sub=str(uuid.uuid4())),
        "tampered_exp": lambda: _tamper(builtin_user["access_token"], exp=2_000_000_000),
        "no_exp": lambda: _hs(settings, {k: v for k, v in good.items() if k != "exp"}),
        "no_sub": lambda: _hs(settings, {k: v for k, v in good.items() if k != "sub"}),
        "role_service": lambda: _hs(settings, {**good, "role": "service_role"}),
        "role_anon": lambda: _hs(settings, {**good, "role": "anon"}),
        "sub_not_uuid": lambda: _hs(settings, {**good, "sub": "admin"}),
        "garbage": lambda: "not.a.jwt",
        "no_session": lambda: _hs(settings, {k: v for k, v in good.items() if k != "session_id"}),
        "unknown_session": lambda: _hs(settings, {**good, "session_id": str(uuid.uuid4())}),
    }
    response = me(client, tokens[forge]())
    assert_refused(response)
    if forge == "expired":
        assert response.json()["error"]["code"] == "token_expired"


def test_missing_or_malformed_authorization(client: httpx.Client) -> None:
    assert_refused(client.get("/auth/me"))
    assert_refused(client.get("/auth/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}))
    response = client.get("/auth/me")
    assert response.headers["www-authenticate"].startswith("Bearer")


# ---------------------------------------------------------------------------- Supabase


@pytest.fixture(scope="module")
def supabase(cloud_db: CloudDb) -> Iterator[FakeSupabaseAuth]:
    fake = FakeSupabaseAuth(db_url=cloud_db.owner_url).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def supabase_client(
    cloud_env: dict[str, str], supabase: FakeSupabaseAuth
) -> Iterator[httpx.Client]:
    settings = settings_from(
        cloud_env,
        AUTH_PROVIDER="supabase",
        SUPABASE_URL=supabase.url,
        SUPABASE_ANON_KEY=supabase.anon_key,
        SUPABASE_JWT_SECRET=supabase.jwt_secret,  # legacy HS256 secret alongside the JWKS
    )
    server = InProcessServer(create_app(settings)).start()
    with httpx.Client(base_url=server.url) as http:
        yield http
    server.stop()


def test_supabase_es256_and_hs256_control_tokens_are_accepted(
    supabase_client: httpx.Client, supabase: FakeSupabaseAuth, cloud_db: CloudDb
) -> None:
    uid = cloud_db.create_user()
    assert me(supabase_client, supabase.mint(uid)).status_code == 200
    now = int(time.time())
    legacy = jwt.encode(
        {"iss": supabase.issuer, "sub": uid, "aud": "authenticated", "exp": now + 60,
         "iat": now, "role": "authenticated"},
        supabase.jwt_secret,
        algorithm="HS256",
    )  # fmt: skip
    assert me(supabase_client, legacy).status_code == 200


@pytest.mark.parametrize(
    "forge",
    [
        "own_ec_key_same_kid", "unknown_kid", "no_kid", "hs256_with_public_key",
        "hs384_with_secret", "es384", "alg_none", "expired", "wrong_audience",
        "wrong_issuer", "tampered_payload", "anon_key_shape", "anonymous_user",
    ],
)  # fmt: skip
def test_supabase_forgeries_are_refused(
    supabase_client: httpx.Client, supabase: FakeSupabaseAuth, cloud_db: CloudDb, forge: str
) -> None:
    uid = cloud_db.create_user()
    now = int(time.time())
    good = jwt.decode(supabase.mint(uid), options={"verify_signature": False})
    attacker = ec.generate_private_key(ec.SECP256R1())
    public_pem = supabase.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def hmac_with_pem() -> str:
        # PyJWT refuses PEM keys as HMAC secrets, so sign by hand (the classic confusion)
        import hashlib
        import hmac

        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": supabase.kid}).encode())
        body = _b64(json.dumps(good).encode())
        sig = hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(sig)}"

    tokens = {
        "own_ec_key_same_kid": lambda: jwt.encode(
            good, attacker, algorithm="ES256", headers={"kid": supabase.kid}
        ),
        "unknown_kid": lambda: jwt.encode(good, attacker, algorithm="ES256", headers={"kid": "x"}),
        "no_kid": lambda: jwt.encode(good, supabase.private_key, algorithm="ES256"),
        "hs256_with_public_key": hmac_with_pem,
        "hs384_with_secret": lambda: jwt.encode(good, supabase.jwt_secret, algorithm="HS384"),
        "es384": lambda: jwt.encode(
            good,
            ec.generate_private_key(ec.SECP384R1()),
            algorithm="ES384",
            headers={"kid": supabase.kid},
        ),
        "alg_none": lambda: _unsigned(good),
        "expired": lambda: supabase.mint(uid, exp=now - 120, iat=now - 3720),
        "wrong_audience": lambda: supabase.mint(uid, aud="other-project"),
        "wrong_issuer": lambda: supabase.mint(uid, iss="https://evil.supabase.co/auth/v1"),
        "tampered_payload": lambda: _tamper(supabase.mint(uid), sub=str(uuid.uuid4())),
        "anon_key_shape": lambda: supabase.mint(uid, role="anon"),
        "anonymous_user": lambda: supabase.mint(uid, is_anonymous=True),
    }
    response = me(supabase_client, tokens[forge]())
    assert_refused(response, 403 if forge == "anonymous_user" else 401)
