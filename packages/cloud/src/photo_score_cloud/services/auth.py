"""Accounts and sessions: two providers behind one interface, chosen by AUTH_PROVIDER.

- :class:`SupabaseAuth` forwards sign-up, login, refresh and logout to Supabase Auth's REST
  API and verifies its JWTs locally (HS256 secret and/or the project's JWKS).
- :class:`BuiltinAuth` serves self-hosting: argon2id password hashes in ``auth.users``,
  short-lived HS256 access tokens with Supabase's claims, and opaque refresh tokens stored
  hashed that rotate on every use; presenting a rotated token again is treated as theft and
  revokes the whole session. Logout revokes the session, and the access tokens issued in it
  stop working at once (each request checks the session).

Whatever the provider, :func:`admit` runs once per authenticated request: it opens the
user's credit account on first sight (trial credits, exactly once) and counts the request
against the user's rate limit, in one ``service_role`` transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from photo_score_cloud.db import Database, Tx
from photo_score_cloud.errors import (
    CloudError,
    Conflict,
    InvalidInput,
    RateLimited,
    Unauthorized,
    UpstreamUnavailable,
)
from photo_score_cloud.identity import Principal
from photo_score_cloud.repository import accounts, ledger, limits
from photo_score_cloud.services.tokens import JwksCache, TokenVerifier, mint
from photo_score_cloud.settings import CloudSettings

log = logging.getLogger(__name__)

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256


@dataclass(frozen=True)
class AuthSession:
    access_token: str
    refresh_token: str
    expires_in: int
    expires_at: int
    user_id: str
    email: str | None


@dataclass(frozen=True)
class SignupResult:
    user_id: str
    email: str | None
    session: AuthSession | None  # None: the provider wants the email confirmed first


class AuthProvider(Protocol):
    name: str

    async def signup(self, *, email: str, password: str) -> SignupResult: ...

    async def login(self, *, email: str, password: str) -> AuthSession: ...

    async def refresh(self, *, refresh_token: str) -> AuthSession: ...

    async def logout(self, *, principal: Principal, access_token: str) -> None: ...

    async def verify(self, token: str) -> Principal: ...

    async def session_valid(self, tx: Tx, principal: Principal) -> bool: ...

    async def aclose(self) -> None: ...


def check_credentials(email: str, password: str) -> str:
    """The normalised email; raises InvalidInput naming what is wrong."""
    email = email.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidInput("email: not a valid email address", code="invalid_email")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            f"password: must be {MIN_PASSWORD} to {MAX_PASSWORD} characters",
            code="weak_password",
        )
    return email.lower()


# ------------------------------------------------------------------------------ built-in


def _token_hash(token: str) -> bytes:
    # A 256-bit random token needs no slow hash: SHA-256 makes a leaked table useless.
    return hashlib.sha256(token.encode()).digest()


class BuiltinAuth:
    name = "builtin"

    def __init__(self, settings: CloudSettings, db: Database) -> None:
        assert settings.auth_jwt_secret is not None, "AUTH_JWT_SECRET is required"
        self._secret = settings.auth_jwt_secret.get_secret_value()
        self._settings = settings
        self._db = db
        self._hasher = PasswordHasher()
        # Unknown emails are checked against this so timing does not reveal accounts.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        self._verifier = TokenVerifier(
            audience=settings.jwt_audience,
            issuer=settings.auth_jwt_issuer,
            hs256_secret=self._secret,
        )

    async def aclose(self) -> None:
        return None

    async def verify(self, token: str) -> Principal:
        principal = await self._verifier.verify(token)
        if principal.session_id is None:
            raise Unauthorized("invalid access token", code="invalid_token")
        return principal

    async def session_valid(self, tx: Tx, principal: Principal) -> bool:
        assert principal.session_id is not None
        return await accounts.session_active(
            tx, session_id=principal.session_id, user_id=principal.user_id
        )

    async def signup(self, *, email: str, password: str) -> SignupResult:
        email = check_credentials(email, password)
        password_hash = await asyncio.to_thread(self._hasher.hash, password)
        async with self._db.as_service() as tx:
            user = await accounts.create_user(tx, email=email, password_hash=password_hash)
            if user is None:
                raise Conflict("an account with this email already exists", code="email_taken")
            session = await self._start_session(tx, user_id=str(user["id"]), email=email)
        return SignupResult(session.user_id, email, session)

    async def login(self, *, email: str, password: str) -> AuthSession:
        email = email.strip().lower()
        async with self._db.as_service() as tx:
            user = await accounts.find_user_by_email(tx, email=email)
        stored = user["encrypted_password"] if user and user["encrypted_password"] else None
        ok = await asyncio.to_thread(self._check_password, stored, password)
        if user is None or not ok:
            raise Unauthorized("wrong email or password", code="invalid_credentials")
        async with self._db.as_service() as tx:
            if stored and self._hasher.check_needs_rehash(stored):
                new_hash = await asyncio.to_thread(self._hasher.hash, password)
                await accounts.set_password_hash(tx, user_id=user["id"], password_hash=new_hash)
            return await self._start_session(tx, user_id=user["id"], email=user["email"])

    def _check_password(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy_hash, password) and bool(stored)
        except (VerificationError, InvalidHashError):
            return False

    async def refresh(self, *, refresh_token: str) -> AuthSession:
        invalid = Unauthorized("invalid refresh token", code="invalid_refresh_token")
        reused = False
        async with self._db.as_service() as tx:
            row = await accounts.lock_refresh_token(tx, token_hash=_token_hash(refresh_token))
            if row is None or row["revoked"] or row["expired"]:
                raise invalid
            if row["used_at"] is not None:
                # A rotated token came back: someone holds a copy. End the session.
                await accounts.revoke_session(
                    tx, session_id=row["session_id"], reason="refresh token reuse"
                )
                reused = True
            else:
                await accounts.mark_refresh_token_used(tx, token_id=row["id"])
                return await self._issue(
                    tx,
                    user_id=row["user_id"],
                    email=row["email"],
                    session_id=row["session_id"],
                    parent_id=row["id"],
                )
        if reused:
            log.warning("refresh token reuse: session revoked", extra={"user_id": row["user_id"]})
        raise invalid

    async def logout(self, *, principal: Principal, access_token: str) -> None:
        assert principal.session_id is not None
        async with self._db.as_service() as tx:
            await accounts.revoke_session(tx, session_id=principal.session_id, reason="logout")

    async def _start_session(self, tx: Tx, *, user_id: str, email: str | None) -> AuthSession:
        session_id = await accounts.create_session(tx, user_id=user_id)
        return await self._issue(tx, user_id=user_id, email=email, session_id=session_id)

    async def _issue(
        self,
        tx: Tx,
        *,
        user_id: str,
        email: str | None,
        session_id: str,
        parent_id: int | None = None,
    ) -> AuthSession:
        refresh_token = secrets.token_urlsafe(32)
        await accounts.add_refresh_token(
            tx,
            token_hash=_token_hash(refresh_token),
            session_id=session_id,
            user_id=user_id,
            ttl_seconds=self._settings.refresh_token_ttl_seconds,
            parent_id=parent_id,
        )
        ttl = self._settings.access_token_ttl_seconds
        access_token, expires_at = mint(
            secret=self._secret,
            issuer=self._settings.auth_jwt_issuer,
            audience=self._settings.jwt_audience,
            user_id=user_id,
            email=email,
            session_id=session_id,
            ttl_seconds=ttl,
        )
        return AuthSession(access_token, refresh_token, ttl, expires_at, user_id, email)


# ------------------------------------------------------------------------------ Supabase


class SupabaseAuth:
    """Supabase Auth (GoTrue) over its REST API; tokens verified locally."""

    name = "supabase"

    def __init__(self, settings: CloudSettings) -> None:
        assert settings.supabase_url, "SUPABASE_URL is required"
        assert settings.supabase_anon_key, "SUPABASE_ANON_KEY is required"
        assert settings.supabase_issuer
        anon = settings.supabase_anon_key.get_secret_value()
        self._http = httpx.AsyncClient(
            base_url=settings.supabase_url.rstrip("/") + "/auth/v1/",
            headers={"apikey": anon, "Authorization": f"Bearer {anon}"},
            timeout=httpx.Timeout(15.0, connect=5.0),
        )
        self._jwks = JwksCache(settings.jwks_url) if settings.jwks_url else None
        secret = settings.supabase_jwt_secret
        self._verifier = TokenVerifier(
            audience=settings.jwt_audience,
            issuer=settings.supabase_issuer,
            hs256_secret=None if secret is None else secret.get_secret_value(),
            jwks=self._jwks,
        )

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._jwks is not None:
            await self._jwks.aclose()

    async def verify(self, token: str) -> Principal:
        return await self._verifier.verify(token)

    async def session_valid(self, tx: Tx, principal: Principal) -> bool:
        return True  # Supabase JWTs are verified statelessly, as PostgREST does

    async def signup(self, *, email: str, password: str) -> SignupResult:
        email = check_credentials(email, password)
        body = await self._call(
            "signup", "POST", "signup", json={"email": email, "password": password}
        )
        if "access_token" in body:
            session = _session(body)
            return SignupResult(session.user_id, session.email, session)
        nested = body.get("user")
        user: dict[str, Any] = nested if isinstance(nested, dict) else body
        return SignupResult(str(user.get("id", "")), user.get("email"), None)

    async def login(self, *, email: str, password: str) -> AuthSession:
        body = await self._call(
            "password",
            "POST",
            "token",
            params={"grant_type": "password"},
            json={"email": email.strip(), "password": password},
        )
        return _session(body)

    async def refresh(self, *, refresh_token: str) -> AuthSession:
        body = await self._call(
            "refresh",
            "POST",
            "token",
            params={"grant_type": "refresh_token"},
            json={"refresh_token": refresh_token},
        )
        return _session(body)

    async def logout(self, *, principal: Principal, access_token: str) -> None:
        await self._call(
            "logout",
            "POST",
            "logout",
            params={"scope": "local"},
            headers={"Authorization": f"Bearer {access_token}"},
        )

    async def _call(self, kind: str, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            log.warning("Supabase Auth unreachable: %s", type(exc).__name__)
            raise UpstreamUnavailable(
                "the sign-in service is unavailable; retry later", code="auth_unavailable"
            ) from None
        if response.status_code == 204:
            return {}
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.is_success and isinstance(body, dict):
            return body
        raise _supabase_error(kind, response, body if isinstance(body, dict) else {})


def _supabase_error(kind: str, response: httpx.Response, body: dict[str, Any]) -> CloudError:
    """GoTrue's errors (``{"code", "error_code", "msg"}``, or OAuth-style ``{"error",
    "error_description"}``) mapped to ours; its text is never passed through."""
    status = response.status_code
    code = str(body.get("error_code") or body.get("error") or "")
    if status == 429:
        retry = response.headers.get("retry-after", "60")
        return RateLimited(
            "too many sign-in attempts; retry later",
            retry_after=int(retry) if retry.isdigit() else 60,
        )
    if code in {"user_already_exists", "email_exists"}:
        return Conflict("an account with this email already exists", code="email_taken")
    if code == "weak_password":
        return InvalidInput("password: too weak", code="weak_password")
    if code in {"email_not_confirmed"}:
        return Unauthorized("confirm your email address first", code="email_not_confirmed")
    if kind == "password" and status in {400, 401, 403}:
        return Unauthorized("wrong email or password", code="invalid_credentials")
    if kind == "refresh" and status in {400, 401, 403, 404}:
        return Unauthorized("invalid refresh token", code="invalid_refresh_token")
    if kind == "logout" and status in {401, 403, 404}:
        return Unauthorized("invalid access token", code="invalid_token")
    if status in {400, 422}:
        return InvalidInput("the sign-in service refused the request", code="auth_rejected")
    log.warning("Supabase Auth answered HTTP %d (%s) on %s", status, code or "?", kind)
    return UpstreamUnavailable(
        "the sign-in service is unavailable; retry later", code="auth_unavailable"
    )


def _session(body: dict[str, Any]) -> AuthSession:
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    assert isinstance(user, dict)
    try:
        return AuthSession(
            access_token=str(body["access_token"]),
            refresh_token=str(body["refresh_token"]),
            expires_in=int(body.get("expires_in", 3600)),
            expires_at=int(body.get("expires_at", 0)),
            user_id=str(user["id"]),
            email=user.get("email"),
        )
    except (KeyError, TypeError, ValueError):
        raise UpstreamUnavailable(
            "the sign-in service sent an unexpected answer", code="auth_unavailable"
        ) from None


# ------------------------------------------------------------------------------ per request


def make_provider(settings: CloudSettings, db: Database) -> AuthProvider:
    if settings.auth_provider == "supabase":
        return SupabaseAuth(settings)
    return BuiltinAuth(settings, db)


async def admit(
    *, db: Database, provider: AuthProvider, principal: Principal, settings: CloudSettings
) -> None:
    """Session still valid, credit account open (trial once), request within the limit."""
    try:
        async with db.as_service() as tx:
            if not await provider.session_valid(tx, principal):
                raise Unauthorized("the session has ended; sign in again", code="session_ended")
            await ledger.open_account(
                tx, user_id=principal.user_id, trial_credits=settings.trial_credits
            )
            hits, reset = await limits.hit(
                tx, bucket=f"user:{principal.user_id}", window_seconds=60
            )
    except psycopg.errors.ForeignKeyViolation:
        raise Unauthorized("this account no longer exists", code="unknown_user") from None
    if hits > settings.rate_limit_per_minute:
        raise RateLimited("too many requests; slow down", retry_after=reset)


async def open_account(*, db: Database, user_id: str, settings: CloudSettings) -> None:
    async with db.as_service() as tx:
        await ledger.open_account(tx, user_id=user_id, trial_credits=settings.trial_credits)


async def signup(
    *, db: Database, provider: AuthProvider, settings: CloudSettings, email: str, password: str
) -> SignupResult:
    result = await provider.signup(email=email, password=password)
    if result.session is not None:
        await open_account(db=db, user_id=result.user_id, settings=settings)
    return result


async def login(
    *, db: Database, provider: AuthProvider, settings: CloudSettings, email: str, password: str
) -> AuthSession:
    session = await provider.login(email=email, password=password)
    await open_account(db=db, user_id=session.user_id, settings=settings)
    return session
