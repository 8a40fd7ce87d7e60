"""Settings of the core and the desktop: one typed object, read from the environment once."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    """Environment variables are the public interface (DESIGN §12)."""

    model_config = SettingsConfigDict(env_prefix="PHOTO_SCORE_", extra="ignore", frozen=True)

    home: Path = Field(default_factory=lambda: Path.home() / ".photo_score")
    workers: int = Field(default_factory=_default_workers, ge=1, le=64)
    # Long edge, in pixels, of the preview the analyzers see.
    preview_size: int = Field(default=1024, ge=256, le=4096)
    thumbnail_size: int = Field(default=384, ge=64, le=1024)
    # Refuse images above this many pixels (decompression bombs); 200 MP covers every camera.
    max_pixels: int = Field(default=250_000_000, ge=1_000_000)
    cloud_url: str | None = None

    openrouter_api_key: str | None = Field(default=None, validation_alias="OPENROUTER_API_KEY")
    openrouter_base_url: str = Field(
        default="https://openrouter.ai/api/v1", validation_alias="OPENROUTER_BASE_URL"
    )
    # Whether the vision endpoint is a free server on this machine/LAN (no key, no cost) or
    # a paid remote one. "auto" decides from the base URL; say "remote" for a local proxy
    # that forwards to a paid service.
    vision_endpoint: Literal["auto", "local", "remote"] = "auto"

    @cached_property
    def cache_path(self) -> Path:
        return self.home / "cache.sqlite3"

    @cached_property
    def thumbnails_dir(self) -> Path:
        return self.home / "thumbnails"


def get_settings() -> Settings:
    return Settings()
