"""Billing: Stripe Checkout for the credit packs, the webhook that grants them, refunds.

Exactly once: a Stripe event is handled in one database transaction that also records its
id (a replay or a duplicate delivery, concurrent or not, finds the id and does nothing), and
a Checkout Session is credited at most once (``purchases.credited_at``, plus a unique index
on its ledger entry), whichever of ``checkout.session.completed`` and
``checkout.session.async_payment_succeeded`` arrives first. Credits move only through
:func:`photo_score_cloud.repository.ledger.apply`, so a balance is always its ledger's sum
and never negative: a refund takes back what is left and records the rest as debt, which
the user's next purchase settles first.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

import stripe

from photo_score_cloud.db import Database, Tx
from photo_score_cloud.errors import CloudError, InvalidInput, UpstreamUnavailable
from photo_score_cloud.identity import Session
from photo_score_cloud.repository import billing as repo
from photo_score_cloud.repository import ledger
from photo_score_cloud.services.plans import Plan, plan_by_id
from photo_score_cloud.settings import CloudSettings

log = logging.getLogger(__name__)

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
GRANTING_EVENTS = frozenset(
    {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
)
REFUND_EVENTS = frozenset({"charge.refunded"})


class BillingUnavailable(UpstreamUnavailable):
    code = "billing_unavailable"


class BillingDisabled(CloudError):
    """This deployment sells no credits (no Stripe keys): as if the route did not exist."""

    status = 404
    code = "billing_disabled"


class CheckoutFailed(CloudError):
    status = 502
    code = "checkout_failed"


class BadWebhook(CloudError):
    status = 400
    code = "invalid_webhook"


# ----------------------------------------------------------------------------- checkout


def _create_session(settings: CloudSettings, params: dict[str, Any]) -> Any:
    """One Checkout Session through the SDK (blocking: run in a thread). The SDK's requests
    client is used, closed after the call; its httpx client trips an httpx deprecation."""
    if settings.stripe_secret_key is None:
        raise BillingDisabled("buying credits is not available on this server")
    http = stripe.RequestsClient(timeout=30)
    try:
        client = stripe.StripeClient(
            settings.stripe_secret_key.get_secret_value(),
            base_addresses={"api": settings.stripe_api_base} if settings.stripe_api_base else None,
            max_network_retries=2,
            http_client=http,
        )
        return client.v1.checkout.sessions.create(params=params)  # type: ignore[arg-type]
    finally:
        http.close()  # type: ignore[no-untyped-call]


def checkout_params(
    *,
    plan: Plan,
    user_id: str,
    email: str | None,
    success_url: str,
    cancel_url: str,
) -> dict[str, Any]:
    """The Checkout Session to create: price from the plan, identity in the metadata."""
    metadata = {"user_id": user_id, "plan_id": plan.id, "credits": str(plan.credits)}
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [plan.stripe_line_item()],
        "client_reference_id": user_id,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if email:
        params["customer_email"] = email
    return params


async def create_checkout(
    *, session: Session, settings: CloudSettings, plan_id: str, base_url: str
) -> dict[str, Any]:
    """Start buying a pack: a Stripe Checkout Session, recorded as an open purchase.

    ``base_url`` is the address the request came to: the buyer returns to this server's
    /billing/success or /billing/cancel page unless PUBLIC_URL or CHECKOUT_*_URL say otherwise.
    """
    plan = plan_by_id(plan_id)
    if plan is None:
        raise InvalidInput(f"plan_id: no credit pack {plan_id!r}", code="unknown_plan")
    success_url, cancel_url = settings.checkout_return_urls(base_url)
    params = checkout_params(
        plan=plan,
        user_id=session.user_id,
        email=session.principal.email,
        success_url=success_url,
        cancel_url=cancel_url,
    )
    try:
        created = await asyncio.to_thread(_create_session, settings, params)
    except stripe.StripeError as exc:
        raise _checkout_error(exc) from None
    session_id, url = getattr(created, "id", None), getattr(created, "url", None)
    if not isinstance(session_id, str) or not isinstance(url, str):
        log.warning("stripe returned a checkout session without id or url")
        raise CheckoutFailed("the payment provider could not start a checkout; retry later")
    async with session.service() as tx:
        await repo.open_purchase(
            tx,
            user_id=session.user_id,
            plan_id=plan.id,
            credits=plan.credits,
            amount_cents=plan.price_cents,
            currency=plan.currency,
            session_id=session_id,
        )
    log.info("checkout session created", extra={"plan_id": plan.id})
    return {"checkout_url": url, "session_id": session_id, "plan": plan.model_dump()}


def _checkout_error(exc: stripe.StripeError) -> CloudError:
    """Stripe's failure as the one error shape; its message (may name keys) stays in the log."""
    log.warning(
        "stripe checkout failed: %s (http %s, code %s)",
        type(exc).__name__,
        exc.http_status,
        exc.code,
    )
    if isinstance(exc, stripe.RateLimitError):
        return BillingUnavailable(
            "the payment provider is busy; retry in a minute", headers={"Retry-After": "60"}
        )
    if isinstance(exc, (stripe.AuthenticationError, stripe.PermissionError)):
        return BillingUnavailable("buying credits is temporarily unavailable")
    if isinstance(exc, stripe.APIConnectionError):
        return BillingUnavailable("the payment provider is unreachable; retry later")
    return CheckoutFailed("the payment provider could not start a checkout; retry later")


# ------------------------------------------------------------------------------ webhook


def verify_event(
    *, payload: bytes, signature: str | None, settings: CloudSettings
) -> dict[str, Any]:
    """The event, once Stripe's SDK has checked its signature (default 300 s tolerance)."""
    if settings.stripe_webhook_secret is None:
        raise BillingDisabled(
            "webhooks are refused: STRIPE_WEBHOOK_SECRET is not set", code="webhook_not_configured"
        )
    if not signature:
        raise BadWebhook("missing Stripe-Signature header", code="invalid_signature")
    try:
        text = payload.decode("utf-8")
        stripe.Webhook.construct_event(
            text, signature, settings.stripe_webhook_secret.get_secret_value()
        )
    except stripe.SignatureVerificationError:
        raise BadWebhook("the Stripe-Signature does not verify", code="invalid_signature") from None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):  # bad JSON
        raise BadWebhook("the event is not valid JSON", code="malformed_event") from None
    event = json.loads(text)
    if not isinstance(event, dict):
        raise BadWebhook("the event is not an object", code="malformed_event")
    event_id, event_type = event.get("id"), event.get("type")
    data = event.get("data")
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str)):
        raise BadWebhook("the event has no id or type", code="malformed_event")
    if not (isinstance(data, dict) and isinstance(data.get("object"), dict)):
        raise BadWebhook("the event has no data.object", code="malformed_event")
    return event


async def handle_event(
    *, db: Database, settings: CloudSettings, event: dict[str, Any]
) -> dict[str, Any]:
    """Act on a verified event exactly once; what was done (acknowledged either way)."""
    event_id: str = event["id"]
    event_type: str = event["type"]
    obj: dict[str, Any] = event["data"]["object"]
    async with db.as_service() as tx:
        if not await repo.record_event(tx, event_id=event_id, type=event_type, outcome="pending"):
            log.info("stripe event already handled", extra={"event_id": event_id})
            return {"received": True, "outcome": "duplicate"}
        if event_type in GRANTING_EVENTS:
            outcome = await _on_checkout(tx, settings=settings, obj=obj)
        elif event_type in REFUND_EVENTS:
            outcome = await _on_refund(tx, obj=obj)
        else:
            outcome = "ignored"
        await repo.set_event_outcome(tx, event_id=event_id, outcome=outcome)
    log.info("stripe event handled", extra={"event_id": event_id, "outcome": outcome})
    return {"received": True, "outcome": outcome}


def _text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) and value else None


def _int(obj: dict[str, Any], key: str) -> int | None:
    value = obj.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _malformed(what: str) -> BadWebhook:
    return BadWebhook(f"malformed event: {what}", code="malformed_event")


async def _on_checkout(tx: Tx, *, settings: CloudSettings, obj: dict[str, Any]) -> str:
    session_id = _text(obj, "id")
    if session_id is None:
        raise _malformed("the checkout session has no id")
    metadata = obj.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    user_id, plan_id = _text(metadata, "user_id"), _text(metadata, "plan_id")
    reference_id = _text(obj, "client_reference_id")
    plan = plan_by_id(plan_id) if plan_id else None
    if user_id is None or plan is None or not _UUID.match(user_id):
        log.warning("checkout session without a known user or plan", extra={"session": session_id})
        return "ignored_unknown_purchase"
    if reference_id is not None and reference_id != user_id:
        log.warning("checkout session user mismatch", extra={"session": session_id})
        return "ignored_mismatch"
    if not await repo.user_exists(tx, user_id=user_id):
        log.warning("checkout session for a deleted user", extra={"session": session_id})
        return "ignored_unknown_user"
    payment_status = _text(obj, "payment_status")
    paid = payment_status in ("paid", "no_payment_required")
    payment_intent = _text(obj, "payment_intent")
    if payment_intent is not None:
        await _lock_payment(tx, payment_intent)
    purchase = await repo.open_purchase(
        tx,
        user_id=user_id,
        plan_id=plan.id,
        credits=plan.credits,
        amount_cents=_int(obj, "amount_total") or plan.price_cents,
        currency=_text(obj, "currency") or plan.currency,
        session_id=session_id,
        payment_intent_id=payment_intent,
        status="paid" if paid else "pending",
    )
    if purchase["user_id"] != user_id or purchase["plan_id"] != plan.id:
        log.warning("checkout session disagrees with its purchase", extra={"session": session_id})
        return "ignored_mismatch"
    if payment_intent is not None:
        early = await repo.take_pending_refund(tx, payment_intent_id=payment_intent)
        if early is not None and purchase["stripe_payment_intent_id"] == payment_intent:
            await _apply_refund(
                tx,
                purchase=purchase,
                charge_id=early["charge_id"],
                amount=int(early["amount"]),
                refunded=int(early["amount_refunded"]),
                full=bool(early["refunded"]),
            )
    if not paid:
        return "awaiting_payment"
    credited = await repo.mark_credited(tx, session_id=session_id)
    if credited is None:
        return "already_credited"
    await ledger.open_account(tx, user_id=user_id, trial_credits=settings.trial_credits)
    grant = int(credited["credits"]) - int(credited["credits_refunded"])
    stripe_id = credited["stripe_payment_intent_id"] or session_id
    if grant > 0:
        after = await ledger.apply(
            tx,
            user_id=user_id,
            amount=grant,
            type="purchase",
            reference=f"checkout:{session_id}",
            stripe_payment_id=stripe_id,
        )
        if after is None:
            raise RuntimeError("a positive ledger entry was refused")
        await _settle_debt(
            tx, user_id=user_id, balance=after, session_id=session_id, stripe_id=stripe_id
        )
    return "credited"


async def _settle_debt(
    tx: Tx, *, user_id: str, balance: int, session_id: str, stripe_id: str
) -> None:
    owed = await repo.debt(tx, user_id=user_id, lock=True)
    take = min(owed, balance)
    if take <= 0:
        return
    await _debit(
        tx, user_id=user_id, amount=take, reference=f"refund_debt:{session_id}", stripe_id=stripe_id
    )
    await repo.add_debt(tx, user_id=user_id, amount=-take)


async def _debit(tx: Tx, *, user_id: str, amount: int, reference: str, stripe_id: str) -> None:
    after = await ledger.apply(
        tx,
        user_id=user_id,
        amount=-amount,
        type="adjustment",
        reference=reference,
        stripe_payment_id=stripe_id,
    )
    if after is None:  # the balance row is locked by this transaction: cannot happen
        raise RuntimeError("a debit within the locked balance was refused")


async def _lock_payment(tx: Tx, payment_intent: str) -> None:
    """Serialise the events of one payment (its checkout and its refunds) until commit, so
    a refund racing the checkout that makes its payment known is never lost."""
    await tx.run("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"stripe_pi:{payment_intent}"])


async def _on_refund(tx: Tx, *, obj: dict[str, Any]) -> str:
    charge_id = _text(obj, "id")
    amount, refunded_amount = _int(obj, "amount"), _int(obj, "amount_refunded")
    if charge_id is None or amount is None or refunded_amount is None:
        raise _malformed("the charge has no id, amount or amount_refunded")
    payment_intent = _text(obj, "payment_intent")
    if payment_intent is None:
        return "ignored_unknown_purchase"
    await _lock_payment(tx, payment_intent)
    full = obj.get("refunded") is True
    purchase = await repo.purchase_for_payment(tx, payment_intent_id=payment_intent)
    if purchase is None:  # its checkout event has not been handled yet: keep it for then
        log.warning("refund for a payment not known yet", extra={"charge": charge_id})
        await repo.keep_pending_refund(
            tx,
            payment_intent_id=payment_intent,
            charge_id=charge_id,
            amount=amount,
            refunded=refunded_amount,
            full=full,
        )
        return "refund_pending"
    return await _apply_refund(
        tx,
        purchase=purchase,
        charge_id=charge_id,
        amount=amount,
        refunded=refunded_amount,
        full=full,
    )


async def _apply_refund(
    tx: Tx, *, purchase: dict[str, Any], charge_id: str, amount: int, refunded: int, full: bool
) -> str:
    """Take back the refunded share of a purchase's credits (what is left of the balance,
    the rest as debt); only the part not taken back by earlier refunds."""
    credits = int(purchase["credits"])
    if full or (amount > 0 and refunded >= amount):
        target = credits
    elif amount > 0:
        target = min(credits, credits * max(refunded, 0) // amount)
    else:
        target = 0
    delta = target - int(purchase["credits_refunded"])
    if delta <= 0:
        return "already_refunded"
    user_id: str = purchase["user_id"]
    if purchase["credited_at"] is not None:
        balance = await repo.locked_balance(tx, user_id=user_id) or 0
        take = min(delta, balance)
        if take > 0:
            await _debit(
                tx,
                user_id=user_id,
                amount=take,
                reference=f"stripe_refund:{charge_id}",
                stripe_id=purchase["stripe_payment_intent_id"],
            )
        if delta > take:
            await repo.add_debt(tx, user_id=user_id, amount=delta - take)
    # not credited yet: the grant will give only what was not refunded
    status = "refunded" if target >= credits else "partially_refunded"
    await repo.set_refunded(tx, purchase_id=purchase["id"], credits_refunded=target, status=status)
    return "refunded"


# ------------------------------------------------------------------------ transactions


async def transactions(
    *, session: Session, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    async with session.user() as tx:
        return await repo.list_transactions(tx, user_id=session.user_id, limit=limit, offset=offset)


async def debt(*, session: Session) -> int:
    async with session.user() as tx:
        return await repo.debt(tx, user_id=session.user_id)
