"""Credit rules: balances, reservations for an analysis, refunds, and the 402."""

from __future__ import annotations

from photo_score_cloud.db import Tx
from photo_score_cloud.errors import Conflict, PaymentRequired
from photo_score_cloud.identity import Session
from photo_score_cloud.repository import analyses, ledger
from photo_score_cloud.services.plans import PLANS, checkout_request

INFERENCE_COST = 1


async def balance(*, session: Session) -> int:
    async with session.user() as tx:
        return await ledger.balance(tx, user_id=session.user_id)


def insufficient_credits(*, balance: int, purchase_url: str) -> PaymentRequired:
    """The seed's 402: what it costs, what the user has, what they can buy and where."""
    return PaymentRequired(
        f"out of credits: analysing a photo costs {INFERENCE_COST} credit and the balance "
        f"is {balance}; buy a credit pack to continue",
        extra={
            "balance": balance,
            "required": INFERENCE_COST,
            "plans": [p.model_dump() for p in PLANS],
            "purchase_url": purchase_url,
            "checkout": checkout_request(purchase_url),
        },
    )


async def reserve_analysis(
    *, session: Session, image_id: str, lease_seconds: int, purchase_url: str
) -> int:
    """Claim (user, image) and spend one credit, atomically; the balance left.

    Raises Conflict when the same image is already being analysed for this user (a retry
    of an in-flight request pays nothing), PaymentRequired when the balance is short; in
    both cases nothing is written.
    """
    async with session.service() as tx:
        if not await analyses.claim(
            tx, user_id=session.user_id, image_id=image_id, lease_seconds=lease_seconds
        ):
            raise Conflict(
                "this photo is already being analysed; retry in a few seconds for its result",
                code="analysis_in_progress",
                headers={"Retry-After": "5"},
            )
        remaining = await ledger.apply(
            tx,
            user_id=session.user_id,
            amount=-INFERENCE_COST,
            type="inference",
            reference=f"inference:{image_id}",
        )
        if remaining is None:
            short = await ledger.balance(tx, user_id=session.user_id)
            raise insufficient_credits(balance=short, purchase_url=purchase_url)
    return remaining


async def refund_analysis(*, session: Session, image_id: str) -> None:
    """Give the credit back and release the claim, once (a reaped claim was refunded)."""
    async with session.service() as tx:
        await refund_claim(tx, user_id=session.user_id, image_id=image_id)


async def refund_claim(tx: Tx, *, user_id: str, image_id: str) -> bool:
    if not await analyses.finish(tx, user_id=user_id, image_id=image_id, status="failed"):
        return False
    await ledger.apply(
        tx,
        user_id=user_id,
        amount=INFERENCE_COST,
        type="refund",
        reference=f"inference:{image_id}",
    )
    return True


async def refund_stale_claims(tx: Tx) -> int:
    """Refund analyses whose worker died mid-flight (their lease ran out). service_role."""
    stale = await analyses.expire_stale_claims(tx)
    for claim in stale:
        await ledger.apply(
            tx,
            user_id=claim["user_id"],
            amount=INFERENCE_COST,
            type="refund",
            reference=f"inference:{claim['image_id']}",
        )
    return len(stale)
