from __future__ import annotations

import os
from importlib.metadata import version

from fastapi import APIRouter

from photo_score_sidecar.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> Health:
    """Liveness: the shell polls this (with the token) until the sidecar is ready."""
    return Health(status="ok", version=version("photo-score"), pid=os.getpid())
