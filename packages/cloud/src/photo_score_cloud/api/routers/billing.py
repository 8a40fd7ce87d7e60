"""/billing: the credit packs, Stripe Checkout, Stripe's webhook, the caller's ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from photo_score_cloud.api.deps import DatabaseDep, SessionDep, SettingsDep
from photo_score_cloud.errors import ErrorBody
from photo_score_cloud.services import billing
from photo_score_cloud.services.plans import PLANS, Plan

router = APIRouter(prefix="/billing", tags=["billing"])


class PlanList(BaseModel):
    data: list[Plan]


class CheckoutRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan_id: str = Field(min_length=1, max_length=64, description="A pack from /billing/plans.")


class CheckoutOut(BaseModel):
    checkout_url: str = Field(description="Stripe Checkout: send the buyer here.")
    session_id: str
    plan: Plan


class WebhookOut(BaseModel):
    received: bool
    outcome: str


class TransactionOut(BaseModel):
    id: str
    amount: int = Field(description="positive: credits added; negative: credits used")
    type: str
    reference: str | None
    stripe_payment_id: str | None
    balance_after: int
    created_at: datetime


class TransactionList(BaseModel):
    data: list[TransactionOut]
    total: int = Field(description="all of the caller's ledger entries, not just this page")
    limit: int
    offset: int
    debt: int = Field(
        description="credits refunded after they were spent, owed by the next purchase"
    )


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "This server sells no credits (Stripe unset)."},
    502: {"model": ErrorBody, "description": "Stripe refused or failed the request."},
    503: {"model": ErrorBody, "description": "Stripe is unreachable or busy."},
}


@router.get("/plans")
async def read_plans() -> PlanList:
    """The credit packs (the one definition the 402 body and the desktop also read)."""
    return PlanList(data=list(PLANS))


@router.post("/checkout", responses=_ERRORS)
async def create_checkout(
    body: CheckoutRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> CheckoutOut:
    """Start buying a pack: returns the Stripe Checkout URL. Credits arrive by webhook."""
    return CheckoutOut.model_validate(
        await billing.create_checkout(
            session=session,
            settings=settings,
            plan_id=body.plan_id,
            base_url=str(request.base_url),
        )
    )


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · photo-score</title>
<style>
body{{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;
min-height:100vh;background:#f5f5f4;color:#1c1917}}
main{{max-width:34rem;padding:2rem;background:#fff;border-radius:12px;
box-shadow:0 1px 4px rgba(0,0,0,.12)}}
h1{{font-size:1.4rem;margin:0 0 .5rem}}
@media (prefers-color-scheme:dark){{body{{background:#1c1917;color:#f5f5f4}}
main{{background:#292524}}}}
</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>
"""
# Static pages: nothing from the request is echoed into them (the session id stays unread).
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=title, body=body), headers=_PAGE_HEADERS)


@router.get("/success", include_in_schema=False)
async def checkout_success() -> HTMLResponse:
    """Where Stripe Checkout returns a buyer who paid (the default CHECKOUT_SUCCESS_URL)."""
    return _page(
        "Payment received — thank you",
        "<p>Your credits are added to your photo-score account as soon as the payment is "
        "confirmed, usually within seconds.</p>"
        "<p>You can close this tab and return to photo-score: the Account &amp; credits "
        "screen shows the new balance.</p>",
    )


@router.get("/cancel", include_in_schema=False)
async def checkout_cancel() -> HTMLResponse:
    """Where Stripe Checkout returns a buyer who cancelled (the default CHECKOUT_CANCEL_URL)."""
    return _page(
        "Purchase cancelled",
        "<p>Nothing was charged and your balance is unchanged.</p>"
        "<p>You can close this tab and return to photo-score; buy a pack there whenever "
        "you like.</p>",
    )


@router.post("/webhook", responses=_ERRORS)
async def stripe_webhook(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    stripe_signature: Annotated[str | None, Header()] = None,
) -> WebhookOut:
    """Stripe's events (signed): paid checkouts grant credits once; refunds take them back."""
    payload = await request.body()
    event = billing.verify_event(payload=payload, signature=stripe_signature, settings=settings)
    return WebhookOut.model_validate(
        await billing.handle_event(db=db, settings=settings, event=event)
    )


@router.get("/transactions")
async def read_transactions(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> TransactionList:
    """The caller's credit ledger, newest first."""
    rows, total = await billing.transactions(session=session, limit=limit, offset=offset)
    return TransactionList(
        data=[TransactionOut.model_validate(r) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
        debt=await billing.debt(session=session),
    )
