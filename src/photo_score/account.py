"""The cloud account as the desktop app uses it: sign in and out, the credit balance and
packs, buying a pack through Stripe Checkout, and the credit ledger.

Each function is one or two calls to the photo-score cloud through
:class:`~photo_score.sync.session.CloudClient` and the session store ``photo-score login``
writes (OS keyring, else ``$PHOTO_SCORE_HOME/secrets.json``), so a sign-in from the app is
the CLI's sign-in and the background sync picks it up. The sidecar's routes call these and
nothing else.
"""

from __future__ import annotations

import logging
import webbrowser
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, Field, ValidationError

from photo_score.buy_credits import CreditPlan
from photo_score.errors import UsageError
from photo_score.storage.cache import Cache
from photo_score.sync.session import (
    CloudClient,
    CloudError,
    CloudNotConfigured,
    CloudSession,
    CloudUnreachable,
    NotSignedIn,
    PaymentRequired,
    SessionStore,
    error_detail,
)

log = logging.getLogger(__name__)

CHECKOUT_SCHEMES = frozenset({"https", "http"})


class AccountCredits(BaseModel):
    """The signed-in account's balance and the packs its cloud sells."""

    email: str | None
    server_url: str
    balance: int = Field(description="Credits left; one analysis costs one.")
    plans: list[CreditPlan]


class CheckoutStarted(BaseModel):
    """A Stripe Checkout Session the cloud created for one pack: send the buyer to the URL.
    Credits arrive once Stripe has told the cloud the payment succeeded."""

    checkout_url: str
    session_id: str
    plan: CreditPlan


class LedgerEntry(BaseModel):
    id: str
    amount: int = Field(description="Positive: credits added; negative: credits used.")
    type: str = Field(description="purchase, inference, refund, trial, adjustment…")
    reference: str | None = None
    balance_after: int
    created_at: datetime


class LedgerPage(BaseModel):
    """One page of the account's credit ledger, newest first."""

    items: list[LedgerEntry]
    total: int = Field(description="Every entry of the account, not just this page.")
    offset: int
    limit: int
    debt: int = Field(
        default=0, description="Credits refunded after they were spent, owed by the next purchase."
    )


# ------------------------------------------------------------------------------ session


def server_url(store: SessionStore, configured: str | None) -> str:
    """The cloud to sign in to: PHOTO_SCORE_CLOUD_URL, else the stored session's server."""
    if configured and configured.strip():
        return configured
    stored = store.load()
    if stored is not None:
        return stored.server_url
    raise CloudNotConfigured(
        "no cloud configured: set PHOTO_SCORE_CLOUD_URL to your photo-score cloud and restart "
        "the app; everything else works offline"
    )


def sign_in(
    store: SessionStore,
    cache: Cache,
    *,
    configured_url: str | None,
    email: str,
    password: str,
    transport: httpx.BaseTransport | None = None,
) -> CloudSession:
    """Sign in (what ``photo-score login`` does): the session is stored and this device's
    new results are queued for the account from now on."""
    email = email.strip()
    if not email or not password:
        raise UsageError("enter your e-mail and password")
    with CloudClient(
        server_url(store, configured_url), store, transport=transport, timeout=20
    ) as cloud:
        session = cloud.login(email, password)
    cache.sync_set_active(session.namespace)
    return session


def sign_out(
    store: SessionStore, cache: Cache, *, transport: httpx.BaseTransport | None = None
) -> bool:
    """Revoke the session on its server when reachable and forget it here in any case (the
    local cache stays). False when nobody was signed in."""
    session = store.load()
    cache.sync_set_active(None)
    if session is None:
        return False
    with CloudClient(session.server_url, store, transport=transport, timeout=10) as cloud:
        cloud.logout()
    return True


def _signed_in(cloud: CloudClient | None) -> CloudClient:
    if cloud is None or cloud.session is None:
        raise NotSignedIn("not signed in to the photo-score cloud")
    return cloud


# ------------------------------------------------------------------------------ billing


def _answer(response: httpx.Response, server: str) -> Any:
    """The JSON of a 2xx answer; anything else as the core's cloud errors, in the cloud's
    own words (its messages are written for users)."""
    status = response.status_code
    if status < 400:
        try:
            return response.json()
        except ValueError:
            raise CloudError(f"{server} answered something that is not JSON") from None
    detail = error_detail(response)
    if status == 402:
        raise PaymentRequired(detail)
    if status == 401:
        raise NotSignedIn(f"the cloud session ended: {detail}; sign in again")
    if status in (400, 422):
        raise UsageError(detail)
    if status >= 500 and not _is_error_body(response):
        raise CloudUnreachable(f"{server} answered {status}; retry later")
    raise CloudError(detail)


def _is_error_body(response: httpx.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error"), dict)


def _plans(cloud: CloudClient) -> list[CreditPlan]:
    body = _answer(cloud.request("GET", "/billing/plans"), cloud.server_url)
    try:
        return [CreditPlan.model_validate(p) for p in body["data"]]
    except (KeyError, TypeError, ValidationError):
        raise CloudError(f"{cloud.server_url} sent credit packs this app cannot read") from None


def credits(cloud: CloudClient | None) -> AccountCredits:
    """The balance (``/auth/me``) and the packs for sale (``/billing/plans``)."""
    cloud = _signed_in(cloud)
    me = _answer(cloud.request("GET", "/auth/me"), cloud.server_url)
    session = cloud.require_session()
    user = me.get("user") if isinstance(me, dict) else None
    email = user.get("email") if isinstance(user, dict) else None
    return AccountCredits(
        email=email if isinstance(email, str) else session.email,
        server_url=cloud.server_url,
        balance=int(me.get("credits", 0)),
        plans=_plans(cloud),
    )


def checkout_url_is_safe(url: str) -> bool:
    """Only a web page may be opened: http(s) with a host (never file:, javascript:, …)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in CHECKOUT_SCHEMES and bool(parts.hostname)


def start_checkout(cloud: CloudClient | None, plan_id: str) -> CheckoutStarted:
    """Ask the cloud for a Stripe Checkout Session for ``plan_id`` (the price comes from the
    cloud's plan, never from here); its URL is checked to be a web page before use."""
    cloud = _signed_in(cloud)
    body = _answer(
        cloud.request("POST", "/billing/checkout", json={"plan_id": plan_id}), cloud.server_url
    )
    try:
        started = CheckoutStarted.model_validate(body)
    except ValidationError:
        raise CloudError(f"{cloud.server_url} sent a checkout this app cannot read") from None
    if not checkout_url_is_safe(started.checkout_url):
        log.warning("refusing a checkout link that is not a web page")
        raise CloudError("the cloud sent a checkout link that is not a web page; not opened")
    return started


def open_checkout(started: CheckoutStarted) -> bool:
    """Open the checkout page in the system browser (the desktop window cannot take
    payments itself). True when a browser accepted it."""
    if not checkout_url_is_safe(started.checkout_url):  # checked again: never open anything else
        return False
    try:
        return bool(webbrowser.open(started.checkout_url, new=2))
    except webbrowser.Error:
        log.warning("no browser could open the checkout page", exc_info=True)
        return False


def transactions(cloud: CloudClient | None, *, offset: int = 0, limit: int = 20) -> LedgerPage:
    """One page of the account's ledger, newest first (``/billing/transactions``)."""
    cloud = _signed_in(cloud)
    body = _answer(
        cloud.request("GET", "/billing/transactions", params={"offset": offset, "limit": limit}),
        cloud.server_url,
    )
    try:
        return LedgerPage(
            items=[LedgerEntry.model_validate(row) for row in body["data"]],
            total=int(body["total"]),
            offset=int(body.get("offset", offset)),
            limit=int(body.get("limit", limit)),
            debt=int(body.get("debt", 0)),
        )
    except (KeyError, TypeError, ValueError, ValidationError):
        raise CloudError(f"{cloud.server_url} sent a ledger this app cannot read") from None
