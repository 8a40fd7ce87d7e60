from __future__ import annotations

from fastapi import APIRouter

from photo_score_sidecar.schemas import AccountStatus

router = APIRouter(prefix="/account", tags=["account"])


@router.get("")
def get_account() -> AccountStatus:
    """Cloud account, credits and sync: not available in this version (fully offline)."""
    return AccountStatus(
        available=False,
        reason="cloud accounts and sync are not available in this version; "
        "everything works offline",
    )
