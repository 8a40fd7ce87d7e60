"""Request and response bodies (the OpenAPI document is generated from these)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from photo_score.models import Critique


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(_Body):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class RefreshRequest(_Body):
    refresh_token: str = Field(min_length=1, max_length=512)


class UserOut(BaseModel):
    id: str
    email: str | None


class SessionOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    expires_at: int
    refresh_token: str
    user: UserOut


class SignupOut(BaseModel):
    user: UserOut
    session: SessionOut | None = Field(
        description="null when the provider wants the email address confirmed first"
    )


class MeOut(BaseModel):
    user: UserOut
    credits: int


class AnalyzeRequest(_Body):
    image_data: str = Field(
        min_length=1, description="The image file, base64 (a data: URL prefix is accepted)."
    )
    image_hash: str = Field(
        pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 (hex) of the decoded bytes."
    )


class AnalyzeOut(BaseModel):
    image_id: str
    attributes: dict[str, float]
    features: dict[str, Any]
    critique: Critique | None
    description: dict[str, str | None] | None
    notes: dict[str, str]
    measurements: dict[str, float]
    confidence: float | None
    analyzer: str
    model: str
    version: str
    cached: bool = Field(description="true when a stored result was returned for free")
    credits_charged: int
    credits_remaining: int


class ConfigCreate(_Body):
    name: str = Field(min_length=1, max_length=200)
    config: dict[str, Any] = Field(description="A scoring config (see docs/scoring.md).")
    is_public: bool = Field(
        default=False, description="Reserved for the shared library; only false for now."
    )


class ConfigUpdate(_Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    config: dict[str, Any] | None = None
    is_public: bool | None = Field(default=None, description="Reserved; only false for now.")


class ConfigOut(BaseModel):
    id: str
    name: str
    config: dict[str, Any]
    is_public: bool
    created_at: datetime
    updated_at: datetime


class ConfigList(BaseModel):
    data: list[ConfigOut]
    count: int


class HealthOut(BaseModel):
    status: str
    database: str
    version: str
