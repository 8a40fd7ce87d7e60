"""The "buy credits" message for a cloud 402 (CLI and desktop show the same text).

The cloud answers an analysis it cannot pay for with HTTP 402 and a body like::

    {"error": {"code": "insufficient_credits", "message": "...", "balance": 0,
               "plans": [{"id": "credits_100", "credits": 100, "price_cents": 200, ...}],
               "checkout": {"method": "POST", "url": "/billing/checkout",
                            "body": {"plan_id": "credits_100"}}}}

Sending ``checkout`` (with the user's token) returns a Stripe ``checkout_url``; this module
only reads and formats such bodies, it does no I/O (``photo-score credits buy`` sends it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class CreditPlan(BaseModel):
    """A credit pack as the cloud sells it (``GET /billing/plans``, the 402 body)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    credits: int
    price_cents: int
    currency: str = "usd"
    description: str = ""


class CheckoutBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    plan_id: str


class CheckoutRequest(BaseModel):
    """The ready-to-send request that starts buying a pack (with the user's token)."""

    model_config = ConfigDict(extra="ignore")

    method: str = "POST"
    url: str = Field(description="On the cloud server, e.g. /billing/checkout.")
    body: CheckoutBody


class OutOfCredits(BaseModel):
    """A cloud 402, structured: what the user has, what they can buy, and how."""

    message: str
    balance: int | None = None
    required: int | None = None
    plans: list[CreditPlan] = Field(default_factory=list)
    checkout: CheckoutRequest | None = None
    server_url: str | None = Field(default=None, description="The cloud that refused.")


def parse_out_of_credits(body: Any, server_url: str | None = None) -> OutOfCredits:
    """The 402 body as :class:`OutOfCredits`; parts that are missing or malformed are left
    out (an unexpected body must never hide the 402 itself)."""
    error = body.get("error", body) if isinstance(body, Mapping) else {}
    error = error if isinstance(error, Mapping) else {}
    plans: list[CreditPlan] = []
    for raw in error.get("plans") or []:
        try:
            plans.append(CreditPlan.model_validate(raw))
        except ValidationError:
            continue
    checkout: CheckoutRequest | None
    try:
        checkout = CheckoutRequest.model_validate(error.get("checkout"))
    except ValidationError:
        checkout = None
    return OutOfCredits(
        message=str(error.get("message") or "out of credits"),
        balance=_int_or_none(error.get("balance")),
        required=_int_or_none(error.get("required")),
        plans=plans,
        checkout=checkout,
        server_url=server_url,
    )


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def format_price(cents: int, currency: str) -> str:
    """Price for people: 200 US cents is "$2.00", other currencies go by code ("EUR 2.00")."""
    symbol = "$" if currency.lower() == "usd" else f"{currency.upper()} "
    return f"{symbol}{cents // 100}.{cents % 100:02d}"


def buy_credits_message(
    body: Mapping[str, Any], base_url: str, checkout_url: str | None = None
) -> str:
    """Text for a 402 body: the cloud's message, the packs, and how to buy one.

    ``checkout_url`` is the Stripe Checkout link when the caller already sent the checkout
    request; without it, the message names the command that buys the pack the cloud
    suggests (else the cheapest): ``photo-score credits buy <plan_id>``. ``base_url`` is
    kept for callers; the command finds the cloud through the stored session.
    """
    error = body.get("error", body)
    error = error if isinstance(error, Mapping) else {}
    lines = [str(error.get("message") or "out of credits")]
    plans = error.get("plans")
    if isinstance(plans, list) and plans:
        lines.append("Credit packs:")
        for plan in plans:
            if isinstance(plan, Mapping):
                price = format_price(
                    int(plan.get("price_cents", 0)), str(plan.get("currency", "usd"))
                )
                lines.append(f"  {plan.get('id')}: {plan.get('credits')} credits for {price}")
    if checkout_url:
        lines.append(f"Buy credits: {checkout_url}")
        return "\n".join(lines)
    plan_id = _suggested_plan(error.get("checkout"), plans)
    if plan_id:
        lines.append(f"Buy credits: photo-score credits buy {plan_id}")
    else:
        lines.append("Buy credits: photo-score credits (lists the packs)")
    return "\n".join(lines)


def _suggested_plan(checkout: Any, plans: Any) -> str | None:
    """The pack the cloud's checkout request names, else the cheapest pack listed."""
    body = checkout.get("body") if isinstance(checkout, Mapping) else None
    plan_id = body.get("plan_id") if isinstance(body, Mapping) else None
    if isinstance(plan_id, str) and plan_id:
        return plan_id
    offered = [
        (p["price_cents"], p["id"])
        for p in (plans if isinstance(plans, list) else [])
        if isinstance(p, Mapping)
        and isinstance(p.get("id"), str)
        and p.get("id")
        and isinstance(p.get("price_cents"), int)
    ]
    return str(min(offered)[1]) if offered else None
