"""Recommendations (docs/recommendations.md): the library's profile and per-photo advice."""

from __future__ import annotations

from fastapi import APIRouter

from photo_score.recommendations import (
    IndividualAdvice,
    PersonalityProfile,
    advice_for_image,
    personality_from_cache,
)
from photo_score_sidecar.deps import ImageId, SidecarDep

router = APIRouter(tags=["insights"])


@router.get("/insights")
def get_insights(sidecar: SidecarDep) -> PersonalityProfile:
    """The photography personality of every analyzed photo, scored with the active config."""
    return personality_from_cache(sidecar.cache, config=sidecar.config)


@router.get("/photos/{image_id}/advice")
def get_advice(image_id: ImageId, sidecar: SidecarDep) -> IndividualAdvice:
    """What to do differently for one photo, against the photographer's own typical level."""
    return advice_for_image(sidecar.cache, image_id)
