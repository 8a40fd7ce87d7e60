"""Billing rows: purchases (one per Checkout Session), refund debt, handled Stripe events.

All writes need ``service_role`` and run inside the caller's transaction, next to the ledger
entries they explain (:mod:`photo_score_cloud.repository.ledger` is still the only code
that changes a balance). Reads of purchases and the ledger run as the user under RLS.
"""

from __future__ import annotations

from typing import Any

from photo_score_cloud.db import Tx

_PURCHASE_COLUMNS = (
    "id::text AS id, user_id::text AS user_id, plan_id, credits, amount_cents, currency, "
    "stripe_checkout_session_id, stripe_payment_intent_id, status, credited_at, "
    "credits_refunded, created_at"
)


async def record_event(tx: Tx, *, event_id: str, type: str, outcome: str) -> bool:
    """Claim a Stripe event id; False when it was already handled (or is being handled by a
    concurrent transaction that then commits: the insert waits for it)."""
    row = await tx.one(
        "INSERT INTO cloud_private.stripe_events (id, type, outcome) VALUES (%s, %s, %s) "
        "ON CONFLICT (id) DO NOTHING RETURNING id",
        [event_id, type, outcome],
    )
    return row is not None


async def set_event_outcome(tx: Tx, *, event_id: str, outcome: str) -> None:
    await tx.run(
        "UPDATE cloud_private.stripe_events SET outcome = %s WHERE id = %s", [outcome, event_id]
    )


async def user_exists(tx: Tx, *, user_id: str) -> bool:
    row = await tx.one("SELECT 1 AS found FROM auth.users WHERE id = %s", [user_id])
    return row is not None


async def open_purchase(
    tx: Tx,
    *,
    user_id: str,
    plan_id: str,
    credits: int,
    amount_cents: int,
    currency: str,
    session_id: str,
    payment_intent_id: str | None = None,
    status: str = "open",
) -> dict[str, Any]:
    """Insert the purchase for a Checkout Session, or return the existing one (whose user
    and plan are never overwritten); a payment intent id is filled in once known."""
    row = await tx.one(
        "INSERT INTO public.purchases (user_id, plan_id, credits, amount_cents, currency, "
        "stripe_checkout_session_id, stripe_payment_intent_id, status) "
        "VALUES (%(user_id)s, %(plan_id)s, %(credits)s, %(amount)s, %(currency)s, %(sid)s, "
        "%(pi)s, %(status)s) "
        "ON CONFLICT (stripe_checkout_session_id) DO UPDATE SET "
        "stripe_payment_intent_id = coalesce(purchases.stripe_payment_intent_id, "
        "excluded.stripe_payment_intent_id), "
        "status = CASE WHEN purchases.status = 'open' THEN excluded.status "
        "ELSE purchases.status END, updated_at = now() "
        f"RETURNING {_PURCHASE_COLUMNS}",
        {
            "user_id": user_id,
            "plan_id": plan_id,
            "credits": credits,
            "amount": amount_cents,
            "currency": currency,
            "sid": session_id,
            "pi": payment_intent_id,
            "status": status,
        },
    )
    assert row is not None
    return row


async def mark_credited(tx: Tx, *, session_id: str) -> dict[str, Any] | None:
    """Flag the purchase credited, once: the row when this call did it, else None. The row
    lock serialises concurrent grants for one session; the loser sees credited_at set."""
    return await tx.one(
        "UPDATE public.purchases SET credited_at = now(), updated_at = now(), "
        "status = CASE WHEN credits_refunded = 0 THEN 'paid' ELSE status END "
        "WHERE stripe_checkout_session_id = %s AND credited_at IS NULL "
        f"RETURNING {_PURCHASE_COLUMNS}",
        [session_id],
    )


async def purchase_for_payment(tx: Tx, *, payment_intent_id: str) -> dict[str, Any] | None:
    """The purchase paid by this payment intent, locked for the rest of the transaction."""
    return await tx.one(
        f"SELECT {_PURCHASE_COLUMNS} FROM public.purchases "
        "WHERE stripe_payment_intent_id = %s FOR UPDATE",
        [payment_intent_id],
    )


async def set_refunded(tx: Tx, *, purchase_id: str, credits_refunded: int, status: str) -> None:
    await tx.run(
        "UPDATE public.purchases SET credits_refunded = %s, status = %s, updated_at = now() "
        "WHERE id = %s",
        [credits_refunded, status, purchase_id],
    )


async def keep_pending_refund(
    tx: Tx, *, payment_intent_id: str, charge_id: str, amount: int, refunded: int, full: bool
) -> None:
    """Remember a refund for a payment not known yet (the largest cumulative state wins)."""
    await tx.run(
        "INSERT INTO cloud_private.stripe_pending_refunds "
        "(payment_intent_id, charge_id, amount, amount_refunded, refunded) "
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (payment_intent_id) DO UPDATE SET "
        "amount_refunded = greatest(stripe_pending_refunds.amount_refunded, "
        "excluded.amount_refunded), refunded = stripe_pending_refunds.refunded OR "
        "excluded.refunded",
        [payment_intent_id, charge_id, amount, refunded, full],
    )


async def take_pending_refund(tx: Tx, *, payment_intent_id: str) -> dict[str, Any] | None:
    """The refund kept for this payment, removed (it is applied in this transaction)."""
    return await tx.one(
        "DELETE FROM cloud_private.stripe_pending_refunds WHERE payment_intent_id = %s "
        "RETURNING charge_id, amount, amount_refunded, refunded",
        [payment_intent_id],
    )


async def locked_balance(tx: Tx, *, user_id: str) -> int | None:
    """The balance, row-locked until commit (None: no account). Read only: the ledger
    writes it."""
    row = await tx.one(
        "SELECT balance FROM public.credits WHERE user_id = %s FOR UPDATE", [user_id]
    )
    return None if row is None else int(row["balance"])


async def debt(tx: Tx, *, user_id: str, lock: bool = False) -> int:
    row = await tx.one(
        "SELECT owed FROM public.credit_debts WHERE user_id = %s" + (" FOR UPDATE" if lock else ""),
        [user_id],
    )
    return 0 if row is None else int(row["owed"])


async def add_debt(tx: Tx, *, user_id: str, amount: int) -> None:
    """Change what the user owes by ``amount`` (negative to settle; never below zero)."""
    await tx.run(
        "INSERT INTO public.credit_debts (user_id, owed) VALUES (%(u)s, greatest(%(a)s, 0)) "
        "ON CONFLICT (user_id) DO UPDATE SET owed = credit_debts.owed + %(a)s, "
        "updated_at = now()",
        {"u": user_id, "a": amount},
    )


async def list_transactions(
    tx: Tx, *, user_id: str, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """The user's ledger, newest first, and its true total (run as the user: RLS applies)."""
    rows = await tx.all(
        "SELECT id::text AS id, amount, type, reference, stripe_payment_id, balance_after, "
        "created_at FROM public.transactions WHERE user_id = %s "
        "ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s",
        [user_id, limit, offset],
    )
    total = await tx.one(
        "SELECT count(*) AS n FROM public.transactions WHERE user_id = %s", [user_id]
    )
    return rows, 0 if total is None else int(total["n"])
