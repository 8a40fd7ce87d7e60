"""Access tokens: Supabase-shaped JWTs, verified strictly; minted by the built-in provider.

Verification picks the key from the token's ``alg`` among exactly what is configured:
HS256 with the shared secret, or ES256/RS256 with a key from the JWKS whose own algorithm
matches. Everything else is refused before any signature check, including ``none``, other
HMAC sizes and the HS256-with-a-public-key confusion. ``exp``, ``iat``, ``sub``, ``aud`` and
``iss`` are required and checked; only ``role: authenticated`` users with a UUID subject
get in (the anon and service keys are JWTs too).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import jwt

from photo_score_cloud.errors import Forbidden, Unauthorized, UpstreamUnavailable
from photo_score_cloud.identity import Principal

ASYMMETRIC = frozenset({"ES256", "RS256"})
LEEWAY_SECONDS = 10


def _invalid(message: str = "invalid access token") -> Unauthorized:
    return Unauthorized(message, code="invalid_token")


class JwksCache:
    """The signing keys published at a JWKS URL, refreshed on expiry or an unknown ``kid``."""

    def __init__(
        self, url: str, *, ttl_seconds: float = 600.0, min_refetch_seconds: float = 30.0
    ) -> None:
        self.url = url
        self.ttl = ttl_seconds
        self.min_refetch = min_refetch_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched = 0.0
        self._lock = asyncio.Lock()
        self._http = httpx.AsyncClient(timeout=10.0)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def key(self, kid: str | None) -> jwt.PyJWK:
        if kid is None:
            raise _invalid()
        age = time.monotonic() - self._fetched
        if kid not in self._keys or age > self.ttl:
            async with self._lock:
                age = time.monotonic() - self._fetched
                if age > self.ttl or (kid not in self._keys and age > self.min_refetch):
                    await self._fetch()
        found = self._keys.get(kid)
        if found is None:
            raise _invalid()
        return found

    async def _fetch(self) -> None:
        try:
            response = await self._http.get(self.url)
            response.raise_for_status()
            keyset = jwt.PyJWKSet.from_dict(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            if not self._keys:
                raise UpstreamUnavailable(
                    "cannot fetch the token signing keys", code="auth_unavailable"
                ) from exc
            return  # keep serving the keys we have
        self._keys = {k.key_id: k for k in keyset.keys if k.key_id}
        self._fetched = time.monotonic()


class TokenVerifier:
    def __init__(
        self,
        *,
        audience: str,
        issuer: str,
        hs256_secret: str | None = None,
        jwks: JwksCache | None = None,
    ) -> None:
        if hs256_secret is None and jwks is None:
            raise ValueError("a token verifier needs an HS256 secret or a JWKS")
        self.audience = audience
        self.issuer = issuer
        self._secret = hs256_secret
        self._jwks = jwks

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _invalid() from None
        alg = header.get("alg")
        key: Any
        if alg == "HS256" and self._secret is not None:
            key = self._secret
        elif alg in ASYMMETRIC and self._jwks is not None:
            jwk = await self._jwks.key(header.get("kid"))
            if jwk.algorithm_name != alg:
                raise _invalid()
            key = jwk.key
        else:
            raise _invalid()
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the access token has expired", code="token_expired") from None
        except jwt.PyJWTError:
            raise _invalid() from None
        return principal_from_claims(claims)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    if claims.get("role") != "authenticated":
        raise _invalid("this token does not belong to a signed-in user")
    try:
        user_id = str(uuid.UUID(str(claims["sub"])))
    except ValueError:
        raise _invalid() from None
    if claims.get("is_anonymous") is True:
        raise Forbidden("anonymous users cannot use the cloud; sign up first", code="anonymous")
    email = claims.get("email")
    session_id = claims.get("session_id")
    return Principal(
        user_id=user_id,
        email=email if isinstance(email, str) else None,
        session_id=session_id if isinstance(session_id, str) else None,
        claims=claims,
    )


def mint(
    *,
    secret: str,
    issuer: str,
    audience: str,
    user_id: str,
    email: str | None,
    session_id: str,
    ttl_seconds: int,
    now: int | None = None,
) -> tuple[str, int]:
    """A Supabase-shaped HS256 access token and its expiry (unix seconds)."""
    issued = int(time.time()) if now is None else now
    expires = issued + ttl_seconds
    claims = {
        "iss": issuer,
        "sub": user_id,
        "aud": audience,
        "exp": expires,
        "iat": issued,
        "email": email,
        "role": "authenticated",
        "aal": "aal1",
        "amr": [{"method": "password", "timestamp": issued}],
        "session_id": session_id,
        "is_anonymous": False,
    }
    return jwt.encode(claims, secret, algorithm="HS256"), expires
