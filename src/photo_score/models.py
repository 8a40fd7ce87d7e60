"""Domain types shared by every part of photo-score (DESIGN §3).

Attributes are floats in [0, 1], higher is better; ``noise_level`` is 1 for a clean image.
These types cross component boundaries (cache, cloud, sidecar, JSON output), so change
them with care.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

AttributeName = Literal[
    "composition", "subject_strength", "visual_appeal",  # aesthetic
    "sharpness", "exposure_balance", "noise_level",  # technical
]  # fmt: skip
ATTRIBUTES: tuple[str, ...] = get_args(AttributeName)
AESTHETIC: tuple[str, ...] = ATTRIBUTES[:3]
TECHNICAL: tuple[str, ...] = ATTRIBUTES[3:]
CATEGORIES: dict[str, tuple[str, ...]] = {"aesthetic": AESTHETIC, "technical": TECHNICAL}

Category = Literal["aesthetic", "technical"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class PhotoMetadata(BaseModel):
    """What the file says about itself (EXIF and container), never what a model guessed.

    Field names are the public JSON contract of ``score --format json`` (DESIGN §12).
    """

    model_config = ConfigDict(frozen=True)

    capture_time: str | None = None  # ISO 8601, with sub-seconds and offset when known
    camera_make: str | None = None
    camera_model: str | None = None
    camera_serial: str | None = None
    lens: str | None = None
    exposure_time: float | None = None  # seconds
    f_number: float | None = None
    iso: int | None = None
    focal_length_mm: float | None = None
    gps_lat: float | None = None  # decimal degrees, negative south
    gps_lon: float | None = None  # decimal degrees, negative west
    gps_alt_m: float | None = None
    orientation: int | None = None  # EXIF orientation 1..8
    width: int | None = None  # as displayed, after orientation
    height: int | None = None
    format: str | None = None  # JPEG, PNG, HEIF, WEBP, TIFF, RAW


class Critique(BaseModel):
    """A vision model's written critique of one photo."""

    model_config = ConfigDict(frozen=True)

    summary: str
    working_well: list[str] = Field(default_factory=list)
    could_improve: list[str] = Field(default_factory=list)
    key_recommendation: str | None = None


class AnalysisResult(BaseModel):
    """One analyzer's output for one image: the unit stored in the cache.

    ``attributes`` may hold only some of the six (a technical-only analyzer, say); the
    reducer scores over what is present and reports the rest as missing.
    ``notes`` carries a plain-words finding per attribute built from measured quantities
    ("highlights clipped on 7% of the frame"); explanations quote them.
    """

    model_config = ConfigDict(frozen=True)

    image_id: str
    analyzer: str  # "local", "openrouter:<model>", "cloud"
    model: str  # the model or heuristic set, e.g. "heuristic-v1", "qwen/qwen2.5-vl-72b"
    version: str  # analyzer / prompt version; part of the cache key
    attributes: dict[str, float] = Field(default_factory=dict)
    features: dict[str, Any] = Field(default_factory=dict)
    measurements: dict[str, float] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)
    confidence: float | None = None  # 0..1 where the analyzer can say
    critique: Critique | None = None
    description: dict[str, str | None] | None = None  # vision: description, location
    cost_usd: float = 0.0
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The cache key (DESIGN §3): changing the prompt version misses the cache."""
        return (self.image_id, self.analyzer, self.model, self.version)
