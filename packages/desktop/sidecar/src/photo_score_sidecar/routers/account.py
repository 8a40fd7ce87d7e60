from __future__ import annotations

from fastapi import APIRouter

from photo_score_sidecar.deps import SidecarDep
from photo_score_sidecar.schemas import AccountStatus, SyncState

router = APIRouter(prefix="/account", tags=["account"])


@router.get("")
def get_account(sidecar: SidecarDep) -> AccountStatus:
    """Cloud account and background sync. Without a cloud configured or a session, the app
    is fully offline (``available: false``); sign in with ``photo-score login``."""
    status = sidecar.sync.status()
    if not status.signed_in:
        if status.server_url is None:
            return AccountStatus(
                available=False,
                reason="no cloud configured (PHOTO_SCORE_CLOUD_URL); everything works offline",
            )
        return AccountStatus(
            available=True,
            reason="signed out: run `photo-score login` to sync across devices",
            server_url=status.server_url,
            sync=SyncState(state="signed_out", pending=0),
        )
    return AccountStatus(
        available=True,
        signed_in=True,
        email=status.email,
        server_url=status.server_url,
        sync=SyncState(
            state=status.state,
            last_sync_at=status.last_sync_at,
            pending=status.pending,
            last_error=status.last_error,
            consecutive_failures=status.consecutive_failures,
        ),
    )
