"""/inference: vision-model analysis paid by credits."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from photo_score_cloud.api.deps import InferenceLimit, SessionDep, SettingsDep, VisionDep
from photo_score_cloud.api.schemas import AnalyzeOut, AnalyzeRequest
from photo_score_cloud.errors import ErrorBody
from photo_score_cloud.services import inference

router = APIRouter(prefix="/inference", tags=["inference"])

_RESPONSES: dict[int | str, dict[str, Any]] = {
    402: {"model": ErrorBody, "description": "Out of credits: the body lists the plans."},
    409: {"model": ErrorBody, "description": "The same image is being analysed right now."},
}


@router.post("/analyze", dependencies=[InferenceLimit], responses=_RESPONSES)
async def analyze_image(
    body: AnalyzeRequest, session: SessionDep, vision: VisionDep, settings: SettingsDep
) -> AnalyzeOut:
    """Analyse one image (1 credit; free when this account already has its result)."""
    return AnalyzeOut.model_validate(
        await inference.analyze(
            session=session,
            engine=vision,
            settings=settings,
            image_data=body.image_data,
            image_hash=body.image_hash,
        )
    )
