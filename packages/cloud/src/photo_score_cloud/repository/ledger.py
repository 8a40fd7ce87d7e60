"""Credits and the transactions ledger: the ledger is the truth, the balance its running sum.

A balance changes only in the statement that writes its ledger row (one statement, so one
transaction), and only through a conditional update that cannot take it below zero; the
``credits.balance >= 0`` check constraint backs that up. Writes need ``service_role``:
users can read their own rows and nothing else.
"""

from __future__ import annotations

from typing import Literal

from photo_score_cloud.db import Tx

EntryType = Literal["trial", "purchase", "inference", "refund", "adjustment"]

_APPLY = """
WITH changed AS (
    UPDATE public.credits
    SET balance = balance + %(amount)s, updated_at = now()
    WHERE user_id = %(user_id)s AND balance + %(amount)s >= 0
    RETURNING user_id, balance
), entry AS (
    INSERT INTO public.transactions
        (user_id, amount, type, reference, stripe_payment_id, balance_after)
    SELECT user_id, %(amount)s, %(type)s, %(reference)s, %(stripe_payment_id)s, balance
    FROM changed
    RETURNING balance_after
)
SELECT balance_after FROM entry
"""

_OPEN_ACCOUNT = """
WITH created AS (
    INSERT INTO public.credits (user_id, balance) VALUES (%(user_id)s, %(trial)s)
    ON CONFLICT (user_id) DO NOTHING
    RETURNING user_id, balance
), entry AS (
    INSERT INTO public.transactions (user_id, amount, type, reference, balance_after)
    SELECT user_id, balance, 'trial', 'trial credits', balance FROM created WHERE balance > 0
    RETURNING id
)
SELECT (SELECT count(*) FROM created) AS created
"""


async def open_account(tx: Tx, *, user_id: str, trial_credits: int) -> bool:
    """Create the user's balance with the trial credits, once ever (service_role).

    Concurrent first requests race on the primary key: one inserts, the others do nothing,
    so the trial entry exists at most once (a partial unique index also guarantees it).
    Returns whether this call created the account.
    """
    row = await tx.one(_OPEN_ACCOUNT, {"user_id": user_id, "trial": trial_credits})
    return bool(row and row["created"])


async def apply(
    tx: Tx,
    *,
    user_id: str,
    amount: int,
    type: EntryType,
    reference: str | None,
    stripe_payment_id: str | None = None,
) -> int | None:
    """Add ``amount`` (negative to spend) with its ledger row; the new balance, or None if
    it would go below zero (nothing is written then). service_role."""
    row = await tx.one(
        _APPLY,
        {
            "user_id": user_id,
            "amount": amount,
            "type": type,
            "reference": reference,
            "stripe_payment_id": stripe_payment_id,
        },
    )
    return None if row is None else int(row["balance_after"])


async def balance(tx: Tx, *, user_id: str) -> int:
    """The user's balance (0 before the account exists). Either role; RLS limits a user to
    their own row."""
    row = await tx.one("SELECT balance FROM public.credits WHERE user_id = %s", [user_id])
    return 0 if row is None else int(row["balance"])


async def ledger_sum(tx: Tx, *, user_id: str) -> int:
    row = await tx.one(
        "SELECT coalesce(sum(amount), 0) AS total FROM public.transactions WHERE user_id = %s",
        [user_id],
    )
    return 0 if row is None else int(row["total"])
