from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from photo_score import account
from photo_score_sidecar.deps import SidecarDep
from photo_score_sidecar.schemas import (
    AccountStatus,
    CheckoutIn,
    CheckoutOut,
    LoginIn,
    SyncState,
)

router = APIRouter(prefix="/account", tags=["account"])


@router.get("")
def get_account(sidecar: SidecarDep) -> AccountStatus:
    """Cloud account and background sync. Without a cloud configured or a session, the app
    is fully offline (``available: false``); sign in with ``POST /api/account/login``."""
    status = sidecar.sync.status()
    if not status.signed_in:
        if status.server_url is None:
            return AccountStatus(
                available=False,
                reason="no cloud configured (PHOTO_SCORE_CLOUD_URL); everything works offline",
            )
        return AccountStatus(
            available=True,
            reason="signed out: sign in to sync across devices and buy cloud credits",
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


@router.post("/login")
def login(body: LoginIn, sidecar: SidecarDep) -> AccountStatus:
    """Sign in to the cloud (the same session ``photo-score login`` stores); sync starts."""
    account.sign_in(
        sidecar.sync.store,
        sidecar.cache,
        configured_url=sidecar.settings.cloud_url,
        email=body.email,
        password=body.password,
    )
    sidecar.sync.nudge()
    return get_account(sidecar)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(sidecar: SidecarDep) -> Response:
    """Revoke the session (when the cloud is reachable) and forget it; the cache stays."""
    account.sign_out(sidecar.sync.store, sidecar.cache)
    sidecar.sync.nudge()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/credits")
def get_credits(sidecar: SidecarDep) -> account.AccountCredits:
    """The balance and the credit packs the cloud sells (prices come from the cloud)."""
    return account.credits(sidecar.sync.cloud())


@router.post("/checkout")
def checkout(body: CheckoutIn, sidecar: SidecarDep) -> CheckoutOut:
    """Start buying a pack: the cloud's Stripe Checkout URL (http/https only), opened in the
    system browser when asked. Credits arrive once the payment succeeds."""
    started = account.start_checkout(sidecar.sync.cloud(), body.plan_id)
    opened = account.open_checkout(started) if body.open_in_browser else False
    return CheckoutOut(**started.model_dump(), opened=opened)


@router.get("/transactions")
def get_transactions(
    sidecar: SidecarDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> account.LedgerPage:
    """The account's credit ledger, newest first, one page at a time."""
    return account.transactions(sidecar.sync.cloud(), offset=offset, limit=limit)
