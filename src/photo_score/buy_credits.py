"""The "buy credits" message for a cloud 402 (CLI and desktop show the same text).

The cloud answers an analysis it cannot pay for with HTTP 402 and a body like::

    {"error": {"code": "insufficient_credits", "message": "...", "balance": 0,
               "plans": [{"id": "credits_100", "credits": 100, "price_cents": 200, ...}],
               "checkout": {"method": "POST", "url": "/billing/checkout",
                            "body": {"plan_id": "credits_100"}}}}

Sending ``checkout`` (with the user's token) returns a Stripe ``checkout_url``; this module
only formats, it does no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin


def _price(cents: int, currency: str) -> str:
    symbol = "$" if currency.lower() == "usd" else f"{currency.upper()} "
    return f"{symbol}{cents // 100}.{cents % 100:02d}"


def buy_credits_message(
    body: Mapping[str, Any], base_url: str, checkout_url: str | None = None
) -> str:
    """Text for a 402 body: the balance, the packs, and the link (or request) to buy.

    ``checkout_url`` is the Stripe Checkout link when the caller already sent the checkout
    request; without it, the message names the request to send.
    """
    error = body.get("error", body)
    error = error if isinstance(error, Mapping) else {}
    lines = [str(error.get("message") or "out of credits")]
    plans = error.get("plans")
    if isinstance(plans, list) and plans:
        lines.append("Credit packs:")
        for plan in plans:
            if isinstance(plan, Mapping):
                lines.append(
                    f"  {plan.get('id')}: {plan.get('credits')} credits for "
                    f"{_price(int(plan.get('price_cents', 0)), str(plan.get('currency', 'usd')))}"
                )
    if checkout_url:
        lines.append(f"Buy credits: {checkout_url}")
        return "\n".join(lines)
    checkout = error.get("checkout")
    if isinstance(checkout, Mapping) and checkout.get("url"):
        target = urljoin(base_url.rstrip("/") + "/", str(checkout["url"]).lstrip("/"))
        plan_id = (checkout.get("body") or {}).get("plan_id")
        lines.append(f"Buy credits: {checkout.get('method', 'POST')} {target} (plan {plan_id})")
    return "\n".join(lines)
