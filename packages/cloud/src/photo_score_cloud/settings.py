"""The cloud's one settings object: environment variables, typed, validated once at start.

Every field is a documented environment variable (docs/cloud.md; a test keeps the two in
step). In production mode the object refuses to exist with a missing or placeholder secret,
so a misconfigured deployment fails at boot, not on the first request.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from photo_score.inference.client import is_local_url

log = logging.getLogger(__name__)

_PLACEHOLDERS = frozenset(
    {"changethis", "changeme", "change-me", "secret", "password", "placeholder", "todo", "xxx"}
)
MIN_SECRET_LENGTH = 32


class CloudSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True, env_ignore_empty=True)

    # "production" refuses missing and placeholder secrets; "development" only warns.
    environment: Literal["development", "production"] = "production"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Proxies whose X-Forwarded-For is trusted for the client address (uvicorn's setting).
    forwarded_allow_ips: str = "127.0.0.1"

    # The API's connection: a non-superuser login role that may SET ROLE to
    # authenticated and service_role (Supabase's `authenticator`, or `postgres` there).
    database_url: str
    # The schema owner's connection for `photo-score-cloud migrate` (default DATABASE_URL).
    database_migration_url: str | None = None
    database_pool_min: int = Field(default=1, ge=0, le=100)
    database_pool_max: int = Field(default=10, ge=1, le=200)

    auth_provider: Literal["builtin", "supabase"] = "builtin"
    jwt_audience: str = "authenticated"
    # Built-in provider: HS256 signing secret and issuer of its access tokens.
    auth_jwt_secret: SecretStr | None = None
    auth_jwt_issuer: str = "photo-score-cloud"
    access_token_ttl_seconds: int = Field(default=900, ge=60, le=86_400)
    refresh_token_ttl_seconds: int = Field(default=30 * 86_400, ge=3600)
    # Supabase provider.
    supabase_url: str | None = None
    supabase_anon_key: SecretStr | None = None
    supabase_jwt_secret: SecretStr | None = None
    supabase_jwks_url: str | None = None
    supabase_jwt_issuer: str | None = None

    openrouter_api_key: SecretStr | None = None
    openrouter_base_url: str = "https://openrouter.ai/api/v1"

    # A scoring config YAML whose `vision` section picks the models (default: built in).
    scoring_config: Path | None = None

    trial_credits: int = Field(default=5, ge=0, le=10_000)
    # Where the 402 body sends a user to buy credits (the billing issue serves this path).
    credits_purchase_url: str = "/billing/checkout"
    # Billing (Stripe Checkout). Unset secret key: /billing/checkout answers 503; unset
    # webhook secret: /billing/webhook refuses every event (503).
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    # Where the Stripe SDK sends API calls (default Stripe's; a local fake in tests).
    stripe_api_base: str | None = None
    # This server's public address (https://host), for links it hands out; default: the
    # address each request came to (scheme and host as the trusted proxy forwards them).
    public_url: str | None = None
    # Where Checkout sends the buyer back ({CHECKOUT_SESSION_ID} is filled in by Stripe);
    # default: this server's own pages, /billing/success and /billing/cancel.
    checkout_success_url: str | None = None
    checkout_cancel_url: str | None = None
    max_image_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    max_image_pixels: int = Field(default=60_000_000, ge=10_000)
    # A charged analysis whose worker died is refunded by the worker after this long.
    inference_lease_seconds: int = Field(default=900, ge=60)

    # Per-user (per client address for sign-up/login) limits, shared by every worker.
    rate_limit_per_minute: int = Field(default=300, ge=1)
    inference_rate_limit_per_minute: int = Field(default=60, ge=1)
    auth_rate_limit_per_minute: int = Field(default=20, ge=1)

    @property
    def migration_url(self) -> str:
        return self.database_migration_url or self.database_url

    @property
    def jwks_url(self) -> str | None:
        if self.supabase_jwks_url:
            return self.supabase_jwks_url
        if self.supabase_url:
            return self.supabase_url.rstrip("/") + "/auth/v1/.well-known/jwks.json"
        return None

    @property
    def supabase_issuer(self) -> str | None:
        if self.supabase_jwt_issuer:
            return self.supabase_jwt_issuer
        if self.supabase_url:
            return self.supabase_url.rstrip("/") + "/auth/v1"
        return None

    def checkout_return_urls(self, request_base_url: str) -> tuple[str, str]:
        """Where Stripe Checkout returns a buyer who paid, and one who cancelled: the
        configured URLs, else this server's /billing/success and /billing/cancel pages."""
        base = (self.public_url or request_base_url).rstrip("/")
        success = self.checkout_success_url or (
            f"{base}/billing/success?session_id={{CHECKOUT_SESSION_ID}}"
        )
        return success, self.checkout_cancel_url or f"{base}/billing/cancel"

    @property
    def max_body_bytes(self) -> int:
        """The largest request body: a base64 image plus room for the JSON around it."""
        return self.max_image_bytes * 4 // 3 + 64 * 1024

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("PUBLIC_URL must be a web address (https://host)")
        return value

    @model_validator(mode="after")
    def _check(self) -> CloudSettings:
        problems = self._problems()
        if problems and self.environment == "production":
            raise ValueError("refusing to start: " + "; ".join(problems))
        for problem in problems:
            log.warning("insecure configuration (development mode): %s", problem)
        return self

    def _problems(self) -> list[str]:
        problems: list[str] = []
        if self.auth_provider == "builtin":
            problems += _secret_problems("AUTH_JWT_SECRET", self.auth_jwt_secret)
        else:
            if not self.supabase_url:
                problems.append("AUTH_PROVIDER=supabase needs SUPABASE_URL")
            if self.supabase_anon_key is None:
                problems.append("AUTH_PROVIDER=supabase needs SUPABASE_ANON_KEY")
            if self.supabase_jwt_secret is not None:
                problems += _secret_problems("SUPABASE_JWT_SECRET", self.supabase_jwt_secret)
        if self.stripe_secret_key is not None:
            problems += _secret_problems("STRIPE_SECRET_KEY", self.stripe_secret_key, 8)
            if self.stripe_webhook_secret is None:
                problems.append(
                    "STRIPE_SECRET_KEY needs STRIPE_WEBHOOK_SECRET (else paid credits never arrive)"
                )
        if self.stripe_webhook_secret is not None:
            problems += _secret_problems("STRIPE_WEBHOOK_SECRET", self.stripe_webhook_secret, 16)
        if not is_local_url(self.openrouter_base_url):
            problems += _secret_problems("OPENROUTER_API_KEY", self.openrouter_api_key, 16)
        return problems


def _secret_problems(name: str, value: SecretStr | None, min_length: int = 0) -> list[str]:
    min_length = min_length or MIN_SECRET_LENGTH
    if value is None:
        return [f"{name} is not set"]
    secret = value.get_secret_value()
    lowered = secret.lower()
    if lowered in _PLACEHOLDERS or lowered.startswith(("your-", "your_", "<")):
        return [f"{name} is a placeholder value"]
    if len(secret) < min_length:
        return [f"{name} is shorter than {min_length} characters"]
    return []


@lru_cache(maxsize=1)
def get_settings() -> CloudSettings:
    """The process's settings (read once; tests build their own CloudSettings)."""
    return CloudSettings()  # DATABASE_URL and the rest come from the environment
