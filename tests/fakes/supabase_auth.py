"""A local Supabase Auth (GoTrue): its REST wire format, its errors, and its signing keys.

A real HTTP server (uvicorn on 127.0.0.1, in a thread) serving what the cloud calls:
``POST /auth/v1/signup``, ``POST /auth/v1/token?grant_type=password|refresh_token``,
``POST /auth/v1/logout``, ``GET /auth/v1/user`` and ``GET /auth/v1/.well-known/jwks.json``.
Every call needs the project's ``apikey`` header, as on Supabase. Access tokens carry
GoTrue's claims and are signed ES256 with a key published in the JWKS (or HS256 with the
legacy JWT secret). Errors use GoTrue's body ``{"code", "error_code", "msg"}``. Like GoTrue,
sign-up writes the user into ``auth.users`` of the project's database when ``db_url`` is
given. Failures are scripted with :meth:`fail_next`; every request is logged.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

import jwt
import psycopg
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.fakes._server import LoopbackServer


@dataclass
class _User:
    id: str
    email: str
    password: str
    created_at: str
    confirmed: bool


@dataclass
class _Refresh:
    user_id: str
    session_id: str
    revoked: bool = False


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)


def _error(status: int, error_code: str, msg: str) -> JSONResponse:
    return JSONResponse({"code": status, "error_code": error_code, "msg": msg}, status)


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())


class FakeSupabaseAuth(LoopbackServer):
    name = "fake Supabase Auth"

    def __init__(
        self,
        *,
        anon_key: str = "anon-key-for-tests",
        signing: Literal["es256", "hs256"] = "es256",
        jwt_secret: str | None = None,
        db_url: str | None = None,
        autoconfirm: bool = True,
        access_ttl: int = 3600,
    ) -> None:
        self.anon_key = anon_key
        self.signing = signing
        self.jwt_secret = jwt_secret or secrets.token_urlsafe(40)
        self.db_url = db_url
        self.autoconfirm = autoconfirm
        self.access_ttl = access_ttl
        self.kid = secrets.token_hex(8)
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.users: dict[str, _User] = {}  # by email
        self.refresh_tokens: dict[str, _Refresh] = {}
        self.sessions: dict[str, bool] = {}  # session id → active
        self.log: list[Call] = []
        self._failures: list[tuple[int, str]] = []
        self._lock = threading.Lock()
        app = FastAPI()
        app.post("/auth/v1/signup")(self._signup)
        app.post("/auth/v1/token")(self._token)
        app.post("/auth/v1/logout")(self._logout)
        app.get("/auth/v1/user")(self._user)
        app.get("/auth/v1/.well-known/jwks.json")(self._jwks)
        self.app = app

    # -- control ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/auth/v1"

    def fail_next(
        self, status: int, error_code: str = "unexpected_failure", times: int = 1
    ) -> None:
        with self._lock:
            self._failures.extend([(status, error_code)] * times)

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(
            jwt.algorithms.ECAlgorithm.to_jwk(self.private_key.public_key())
        )
        return {**jwk, "kid": self.kid, "alg": "ES256", "use": "sig", "key_ops": ["verify"]}

    def mint(self, user_id: str, *, email: str | None = None, **overrides: Any) -> str:
        """An access token as this project would sign it (claims overridable)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": user_id,
            "aud": "authenticated",
            "exp": now + self.access_ttl,
            "iat": now,
            "email": email or "",
            "phone": "",
            "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": {},
            "role": "authenticated",
            "aal": "aal1",
            "amr": [{"method": "password", "timestamp": now}],
            "session_id": str(uuid.uuid4()),
            "is_anonymous": False,
        }
        claims.update(overrides)
        if self.signing == "hs256":
            return jwt.encode(claims, self.jwt_secret, algorithm="HS256")
        return jwt.encode(claims, self.private_key, algorithm="ES256", headers={"kid": self.kid})

    # -- endpoints -------------------------------------------------------------------------

    async def _record(self, request: Request) -> tuple[Call, JSONResponse | None]:
        try:
            body = await request.json() if await request.body() else {}
        except ValueError:
            body = None
        call = Call(
            request.method,
            request.url.path,
            dict(request.query_params),
            {k.lower(): v for k, v in request.headers.items()},
            body if isinstance(body, dict) else {},
        )
        with self._lock:
            self.log.append(call)
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return call, _error(failure[0], failure[1], "scripted failure")
        if call.headers.get("apikey") != self.anon_key:
            return call, JSONResponse(
                {"message": "No API key found in request", "hint": "No `apikey` request header"},
                401,
            )
        if body is None:
            return call, _error(400, "bad_json", "Could not parse request body as JSON")
        return call, None

    def _user_json(self, user: _User) -> dict[str, Any]:
        return {
            "id": user.id,
            "aud": "authenticated",
            "role": "authenticated",
            "email": user.email,
            "email_confirmed_at": user.created_at if user.confirmed else None,
            "phone": "",
            "confirmed_at": user.created_at if user.confirmed else None,
            "last_sign_in_at": _now_iso(),
            "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": {},
            "identities": [],
            "created_at": user.created_at,
            "updated_at": _now_iso(),
            "is_anonymous": False,
        }

    def _session(self, user: _User) -> dict[str, Any]:
        session_id = str(uuid.uuid4())
        refresh = secrets.token_urlsafe(12)
        with self._lock:
            self.sessions[session_id] = True
            self.refresh_tokens[refresh] = _Refresh(user.id, session_id)
        token = self.mint(user.id, email=user.email, session_id=session_id)
        claims = jwt.decode(token, options={"verify_signature": False})
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.access_ttl,
            "expires_at": claims["exp"],
            "refresh_token": refresh,
            "user": self._user_json(user),
        }

    async def _signup(self, request: Request) -> JSONResponse:
        call, refused = await self._record(request)
        if refused is not None:
            return refused
        email = str(call.body.get("email", "")).strip().lower()
        password = str(call.body.get("password", ""))
        if "@" not in email:
            return _error(
                400, "validation_failed", "Unable to validate email address: invalid format"
            )
        if len(password) < 6:
            return _error(422, "weak_password", "Password should be at least 6 characters.")
        with self._lock:
            if email in self.users:
                return _error(422, "user_already_exists", "User already registered")
            user = _User(str(uuid.uuid4()), email, password, _now_iso(), self.autoconfirm)
            self.users[email] = user
        if self.db_url is not None:
            with psycopg.connect(self.db_url, autocommit=True) as conn:
                conn.execute(
                    "INSERT INTO auth.users (id, email, email_confirmed_at) VALUES (%s, %s, now())",
                    [user.id, user.email],
                )
        if not self.autoconfirm:
            return JSONResponse(self._user_json(user))
        return JSONResponse(self._session(user))

    async def _token(self, request: Request) -> JSONResponse:
        call, refused = await self._record(request)
        if refused is not None:
            return refused
        grant = call.query.get("grant_type")
        if grant == "password":
            email = str(call.body.get("email", "")).strip().lower()
            user = self.users.get(email)
            if user is None or user.password != call.body.get("password"):
                return _error(400, "invalid_credentials", "Invalid login credentials")
            if not user.confirmed:
                return _error(400, "email_not_confirmed", "Email not confirmed")
            return JSONResponse(self._session(user))
        if grant == "refresh_token":
            token = str(call.body.get("refresh_token", ""))
            with self._lock:
                entry = self.refresh_tokens.get(token)
                if entry is None:
                    return _error(
                        400,
                        "refresh_token_not_found",
                        "Invalid Refresh Token: Refresh Token Not Found",
                    )
                if entry.revoked or not self.sessions.get(entry.session_id):
                    return _error(
                        400,
                        "refresh_token_already_used",
                        "Invalid Refresh Token: Already Used",
                    )
                entry.revoked = True
            user = next(u for u in self.users.values() if u.id == entry.user_id)
            return JSONResponse(self._session(user))
        return _error(400, "validation_failed", "unsupported_grant_type")

    def _bearer_claims(self, call: Call) -> dict[str, Any] | None:
        auth = call.headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            return None
        token = auth[7:]
        try:
            if self.signing == "hs256":
                key: Any = self.jwt_secret
                alg = "HS256"
            else:
                key, alg = self.private_key.public_key(), "ES256"
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[alg], audience="authenticated", issuer=self.issuer
            )
            return claims
        except jwt.PyJWTError:
            return None

    async def _logout(self, request: Request) -> Response:
        call, refused = await self._record(request)
        if refused is not None:
            return refused
        claims = self._bearer_claims(call)
        if claims is None:
            return _error(401, "bad_jwt", "invalid JWT: unable to parse or verify signature")
        with self._lock:
            session_id = claims.get("session_id")
            self.sessions[str(session_id)] = False
            for entry in self.refresh_tokens.values():
                if entry.session_id == session_id:
                    entry.revoked = True
        return Response(status_code=204)

    async def _user(self, request: Request) -> JSONResponse:
        call, refused = await self._record(request)
        if refused is not None:
            return refused
        claims = self._bearer_claims(call)
        if claims is None:
            return _error(401, "bad_jwt", "invalid JWT: unable to parse or verify signature")
        user = next((u for u in self.users.values() if u.id == claims["sub"]), None)
        if user is None:
            return _error(404, "user_not_found", "User from sub claim in JWT does not exist")
        return JSONResponse(self._user_json(user))

    async def _jwks(self) -> JSONResponse:
        keys = [] if self.signing == "hs256" else [self.public_jwk()]
        return JSONResponse({"keys": keys})
