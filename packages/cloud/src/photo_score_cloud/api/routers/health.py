"""/health: up and able to reach the database (Railway's health check)."""

from __future__ import annotations

import logging
from importlib.metadata import version

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from photo_score_cloud.api.deps import DatabaseDep
from photo_score_cloud.api.schemas import HealthOut

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)
_VERSION = version("photo-score-cloud")


@router.get("/health", response_model=HealthOut, responses={503: {"model": HealthOut}})
async def read_health(db: DatabaseDep) -> HealthOut | JSONResponse:
    try:
        await db.ping()
    except Exception as exc:
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        body = HealthOut(status="unavailable", database="unreachable", version=_VERSION)
        return JSONResponse(body.model_dump(), status_code=503)
    return HealthOut(status="ok", database="ok", version=_VERSION)
