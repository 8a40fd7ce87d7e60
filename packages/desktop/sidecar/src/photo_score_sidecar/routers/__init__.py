"""One router per resource; ``api_router`` gathers them under /api."""

from __future__ import annotations

from fastapi import APIRouter

from photo_score_sidecar.errors import ERROR_RESPONSES
from photo_score_sidecar.routers import (
    account,
    config,
    dashboard,
    events,
    files,
    health,
    insights,
    jobs,
    libraries,
    photos,
    settings,
    xmp,
)

api_router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
for module in (
    health,
    libraries,
    jobs,
    events,
    photos,
    files,
    config,
    dashboard,
    settings,
    account,
    insights,
    xmp,
):
    api_router.include_router(module.router)
