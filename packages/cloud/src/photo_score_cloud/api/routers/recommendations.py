"""/recommendations: the caller's photography personality across all their synced results."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from photo_score.recommendations import PersonalityProfile, Recommendation
from photo_score_cloud import jobs
from photo_score_cloud.api.deps import SessionDep, SettingsDep
from photo_score_cloud.services import recommendations

router = APIRouter(prefix="/recommendations", tags=["recommendations"])


class PersonalityOut(BaseModel):
    profile: PersonalityProfile = Field(
        description="The core's PersonalityProfile, identical to `photo-score insights --format "
        "json` on the same results."
    )
    suggestions: list[Recommendation] = Field(
        description="The profile's recommendations (strengths, weaknesses, style, growth); "
        "empty while there are too few photos for confident claims."
    )
    photo_count: int = Field(description="Photos the profile is based on.")
    computed_at: datetime


class RefreshOut(BaseModel):
    status: Literal["computing"]


@router.get("/personality")
async def read_personality(session: SessionDep) -> PersonalityOut:
    """The caller's profile: cached while their results are unchanged, else recomputed."""
    stored = await recommendations.personality(session=session)
    return PersonalityOut(
        profile=stored.profile,
        suggestions=stored.profile.recommendations,
        photo_count=stored.photo_count,
        computed_at=stored.computed_at,
    )


@router.post("/refresh", status_code=status.HTTP_202_ACCEPTED)
async def refresh_personality(session: SessionDep, settings: SettingsDep) -> RefreshOut:
    """Queue a recomputation on the job queue (one at a time per user)."""
    await jobs.defer_personality_refresh(settings, user_id=session.user_id)
    return RefreshOut(status="computing")
