"""The credit packs: the one definition (API, 402 body, Stripe Checkout, desktop UI read it)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    credits: int
    price_cents: int
    currency: str = "usd"
    description: str

    def stripe_line_item(self) -> dict[str, Any]:
        """The Checkout Session line item: the price comes from here, never from the client."""
        return {
            "quantity": 1,
            "price_data": {
                "currency": self.currency,
                "unit_amount": self.price_cents,
                "product_data": {
                    "name": f"photo-score: {self.credits} credits",
                    "description": self.description,
                },
            },
        }


PLANS: tuple[Plan, ...] = (
    Plan(id="credits_100", credits=100, price_cents=200, description="100 photos ($0.020 each)"),
    Plan(id="credits_500", credits=500, price_cents=800, description="500 photos ($0.016 each)"),
    Plan(
        id="credits_2000", credits=2000, price_cents=2500, description="2000 photos ($0.0125 each)"
    ),
)


def plan_by_id(plan_id: str) -> Plan | None:
    return next((p for p in PLANS if p.id == plan_id), None)


def default_plan() -> Plan:
    """The pack a 402 offers first (the smallest)."""
    return min(PLANS, key=lambda p: p.credits)


def checkout_request(purchase_url: str, plan: Plan | None = None) -> dict[str, Any]:
    """A ready-to-send request that starts buying ``plan`` (with the caller's bearer token)."""
    return {
        "method": "POST",
        "url": purchase_url,
        "body": {"plan_id": (plan or default_plan()).id},
    }
