"""Billing: packs, Stripe Checkout through a local fake Stripe API, signed webhooks (verified
by the real SDK), exactly-once grants, refunds with debt, the ledger endpoint, the 402 flow."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import stripe
from photo_score_cloud.api.main import create_app
from photo_score_cloud.db import Database
from photo_score_cloud.repository import billing as billing_repo
from photo_score_cloud.services.plans import PLANS, plan_by_id
from pydantic import ValidationError

from photo_score.buy_credits import buy_credits_message
from tests.cloud.conftest import settings_from
from tests.cloud.helpers import (
    CloudDb,
    InProcessServer,
    analyze_body,
    bearer,
    free_port,
    image_bytes,
    signup,
)
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.stripe_api import FakeStripe, event, sign

WHSEC = "whsec_" + secrets.token_hex(24)
SK = "sk_test_" + secrets.token_hex(12)
SUCCESS = "https://photo-score.test/billing/done?session_id={CHECKOUT_SESSION_ID}"
CANCEL = "https://photo-score.test/billing/cancelled"


@pytest.fixture(scope="module")
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe(SK).start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_api(fake_stripe: FakeStripe) -> FakeStripe:
    fake_stripe.reset()
    return fake_stripe


@pytest.fixture(scope="module")
def cloud_env(cloud_env: dict[str, str], fake_stripe: FakeStripe) -> dict[str, str]:
    """The conftest deployment plus Stripe, pointed at the fake (module-wide: live_pair too)."""
    return {
        **cloud_env,
        "STRIPE_SECRET_KEY": SK,
        "STRIPE_WEBHOOK_SECRET": WHSEC,
        "STRIPE_API_BASE": fake_stripe.url,
        "CHECKOUT_SUCCESS_URL": SUCCESS,
        "CHECKOUT_CANCEL_URL": CANCEL,
    }


# ------------------------------------------------------------------------------ helpers


def deliver(
    client: httpx.Client,
    evt: dict[str, Any] | None = None,
    *,
    payload: str | bytes | None = None,
    secret: str = WHSEC,
    timestamp: int | None = None,
    header: str | None = None,
) -> httpx.Response:
    """POST an event to the webhook signed exactly as Stripe signs it."""
    body = payload if payload is not None else json.dumps(evt)
    if header is None:
        text = body.decode("utf-8", "surrogateescape") if isinstance(body, bytes) else body
        if isinstance(body, bytes):
            t = int(time.time()) if timestamp is None else timestamp
            mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
            header = f"t={t},v1={mac}"
        else:
            header = sign(text, secret, timestamp=timestamp)
    return client.post(
        "/billing/webhook",
        content=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def checkout(client: httpx.Client, token: str, plan_id: str = "credits_100") -> str:
    response = client.post("/billing/checkout", json={"plan_id": plan_id}, headers=bearer(token))
    assert response.status_code == 200, response.text
    sid: str = response.json()["session_id"]
    return sid


def new_user(client: httpx.Client) -> tuple[str, str]:
    session = signup(client)
    return session["user"]["id"], session["access_token"]


def purchase_entries(db: CloudDb, user_id: str) -> list[tuple[Any, ...]]:
    return db.query(
        "SELECT amount, reference, stripe_payment_id FROM transactions "
        "WHERE user_id = %s AND type = 'purchase' ORDER BY created_at",
        [user_id],
    )


def assert_consistent(db: CloudDb, user_id: str) -> None:
    assert db.balance(user_id) == db.ledger_sum(user_id)
    assert db.balance(user_id) >= 0


# -------------------------------------------------------------------------------- plans


def test_plans_are_the_one_definition(client: httpx.Client) -> None:
    response = client.get("/billing/plans")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data == [p.model_dump() for p in PLANS]
    assert [(p["credits"], p["price_cents"], p["currency"]) for p in data] == [
        (100, 200, "usd"),
        (500, 800, "usd"),
        (2000, 2500, "usd"),
    ]


# ------------------------------------------------------------------------------ checkout


def test_checkout_sends_stripe_the_plan_user_and_urls(
    client: httpx.Client, stripe_api: FakeStripe, cloud_db: CloudDb
) -> None:
    uid, token = new_user(client)
    response = client.post(
        "/billing/checkout", json={"plan_id": "credits_500"}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    out = response.json()
    sid = out["session_id"]
    assert out["checkout_url"] == stripe_api.sessions[sid]["url"]
    assert out["plan"] == plan_by_id("credits_500").model_dump()  # type: ignore[union-attr]

    [call] = stripe_api.calls
    assert call.headers["authorization"] == f"Bearer {SK}"
    assert call.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert call.headers.get("stripe-version")  # the SDK pins its API version
    form = call.form
    assert form["mode"] == "payment"
    assert form["line_items[0][quantity]"] == "1"
    assert form["line_items[0][price_data][currency]"] == "usd"
    assert form["line_items[0][price_data][unit_amount]"] == "800"
    assert "500 credits" in form["line_items[0][price_data][product_data][name]"]
    assert form["client_reference_id"] == uid
    assert form["metadata[user_id]"] == uid
    assert form["metadata[plan_id]"] == "credits_500"
    assert form["metadata[credits]"] == "500"
    assert form["payment_intent_data[metadata][user_id]"] == uid
    assert form["payment_intent_data[metadata][plan_id]"] == "credits_500"
    assert form["success_url"] == SUCCESS
    assert form["cancel_url"] == CANCEL
    assert form["customer_email"].endswith("@example.test")

    rows = cloud_db.query(
        "SELECT user_id::text, plan_id, credits, amount_cents, status, credited_at "
        "FROM purchases WHERE stripe_checkout_session_id = %s",
        [sid],
    )
    assert rows == [(uid, "credits_500", 500, 800, "open", None)]
    assert cloud_db.ledger_types(uid) == ["trial"]  # nothing granted before payment


def test_checkout_refuses_unknown_plans_and_anonymous_callers(
    client: httpx.Client, stripe_api: FakeStripe
) -> None:
    _, token = new_user(client)
    bad = client.post("/billing/checkout", json={"plan_id": "credits_1"}, headers=bearer(token))
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "unknown_plan"
    extra = client.post(
        "/billing/checkout",
        json={"plan_id": "credits_100", "price_cents": 1},
        headers=bearer(token),
    )
    assert extra.status_code == 422  # the client never sets a price
    anon = client.post("/billing/checkout", json={"plan_id": "credits_100"})
    assert anon.status_code == 401
    assert stripe_api.calls == []


@pytest.mark.parametrize(
    ("status", "type", "code", "times", "expect_status", "expect_code"),
    [
        (400, "invalid_request_error", "parameter_invalid_integer", 1, 502, "checkout_failed"),
        (402, "card_error", "card_declined", 1, 502, "checkout_failed"),
        (401, "invalid_request_error", "api_key_invalid", 1, 503, "billing_unavailable"),
        (403, "invalid_request_error", "secret_key_required", 1, 503, "billing_unavailable"),
        (429, "invalid_request_error", "rate_limit", 3, 503, "billing_unavailable"),
        (500, "api_error", None, 3, 502, "checkout_failed"),
    ],
)
def test_stripe_errors_become_the_one_error_shape_without_internals(
    client: httpx.Client,
    stripe_api: FakeStripe,
    cloud_db: CloudDb,
    status: int,
    type: str,
    code: str | None,
    times: int,
    expect_status: int,
    expect_code: str,
) -> None:
    uid, token = new_user(client)
    secret_message = f"Invalid thing: {SK} internal-detail-{secrets.token_hex(4)}"
    stripe_api.fail_next(status, type, secret_message, code, "line_items", times=times)
    response = client.post(
        "/billing/checkout", json={"plan_id": "credits_100"}, headers=bearer(token)
    )
    assert response.status_code == expect_status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == expect_code
    assert body["error"]["request_id"]
    assert SK not in response.text
    assert "internal-detail" not in response.text
    assert "line_items" not in response.text
    assert cloud_db.scalar("SELECT count(*) FROM purchases WHERE user_id = %s", [uid]) == 0


def test_real_fake_validation_error_is_mapped(
    client: httpx.Client, stripe_api: FakeStripe, cloud_env: dict[str, str]
) -> None:
    """A wrong key really reaches the fake's auth check (not a scripted failure)."""
    running = InProcessServer(
        create_app(settings_from(cloud_env, STRIPE_SECRET_KEY="sk_test_wrong_key"))
    ).start()
    try:
        with httpx.Client(base_url=running.url, timeout=60) as http:
            _, token = new_user(http)
            response = http.post(
                "/billing/checkout", json={"plan_id": "credits_100"}, headers=bearer(token)
            )
    finally:
        running.stop()
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "billing_unavailable"
    assert "sk_test_wrong" not in response.text
    assert stripe_api.calls[-1].headers["authorization"] == "Bearer sk_test_wrong_key"


def test_unreachable_stripe_is_a_503(cloud_env: dict[str, str]) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    running = InProcessServer(create_app(settings_from(cloud_env, STRIPE_API_BASE=dead))).start()
    try:
        with httpx.Client(base_url=running.url, timeout=60) as http:
            _, token = new_user(http)
            response = http.post(
                "/billing/checkout", json={"plan_id": "credits_100"}, headers=bearer(token)
            )
    finally:
        running.stop()
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "billing_unavailable"


def test_billing_off_without_stripe_keys(cloud_env: dict[str, str]) -> None:
    env = {k: v for k, v in cloud_env.items() if not k.startswith(("STRIPE_", "CHECKOUT_"))}
    running = InProcessServer(create_app(settings_from(env))).start()
    try:
        with httpx.Client(base_url=running.url, timeout=60) as http:
            uid, token = new_user(http)
            out = http.post(
                "/billing/checkout", json={"plan_id": "credits_100"}, headers=bearer(token)
            )
            evt = event(
                "checkout.session.completed",
                {"id": "cs_x", "payment_status": "paid", "metadata": {"user_id": uid}},
            )
            hook = deliver(http, evt)  # validly signed, but no secret to check it against
    finally:
        running.stop()
    assert out.status_code == 404
    assert out.json()["error"]["code"] == "billing_disabled"
    assert hook.status_code == 404
    assert hook.json()["error"]["code"] == "webhook_not_configured"


def test_production_needs_the_whole_stripe_configuration(cloud_env: dict[str, str]) -> None:
    env = {k: v for k, v in cloud_env.items() if k != "STRIPE_WEBHOOK_SECRET"}
    with pytest.raises(ValidationError, match="STRIPE_WEBHOOK_SECRET"):
        settings_from(env)
    with pytest.raises(ValidationError, match="STRIPE_WEBHOOK_SECRET"):
        settings_from(cloud_env, STRIPE_WEBHOOK_SECRET="changeme")
    with pytest.raises(ValidationError, match="PUBLIC_URL"):
        settings_from(cloud_env, PUBLIC_URL="javascript:alert(1)")
    # The return pages default to this server's own: no CHECKOUT_*_URL needed.
    env = {k: v for k, v in cloud_env.items() if not k.startswith("CHECKOUT_")}
    assert settings_from(env).checkout_return_urls("http://10.0.0.7:8000/") == (
        "http://10.0.0.7:8000/billing/success?session_id={CHECKOUT_SESSION_ID}",
        "http://10.0.0.7:8000/billing/cancel",
    )


@pytest.mark.parametrize("public_url", [None, "https://cloud.photo-score.test"])
def test_checkout_returns_to_this_servers_pages_by_default(
    cloud_env: dict[str, str], stripe_api: FakeStripe, public_url: str | None
) -> None:
    env = {k: v for k, v in cloud_env.items() if not k.startswith("CHECKOUT_")}
    if public_url is not None:
        env["PUBLIC_URL"] = public_url
    running = InProcessServer(create_app(settings_from(env))).start()
    try:
        with httpx.Client(base_url=running.url, timeout=60) as http:
            _, token = new_user(http)
            out = http.post(
                "/billing/checkout", json={"plan_id": "credits_100"}, headers=bearer(token)
            )
            base = public_url or running.url
            [call] = stripe_api.calls
            success, cancel = call.form["success_url"], call.form["cancel_url"]
            assert success == f"{base}/billing/success?session_id={{CHECKOUT_SESSION_ID}}"
            assert cancel == f"{base}/billing/cancel"
            # The pages the buyer lands on are served here (Stripe fills the session id in).
            path = success.removeprefix(base)
            paid = http.get(path.replace("{CHECKOUT_SESSION_ID}", "cs_test_<b>x</b>"))
            cancelled = http.get(cancel.removeprefix(base))
    finally:
        running.stop()
    assert out.status_code == 200, out.text
    assert paid.status_code == 200
    assert paid.headers["content-type"].startswith("text/html")
    assert "Payment received" in paid.text
    assert "return to photo-score" in paid.text
    assert "cs_test_" not in paid.text  # nothing from the URL is echoed
    assert paid.headers["content-security-policy"].startswith("default-src 'none'")
    assert paid.headers["referrer-policy"] == "no-referrer"
    assert paid.headers["cache-control"] == "no-store"
    assert cancelled.status_code == 200
    assert "Nothing was charged" in cancelled.text
    assert "return to photo-score" in cancelled.text


# ------------------------------------------------------------------------------- webhooks


def test_our_signatures_are_stripes() -> None:
    """The test signer produces what the real SDK accepts, and the SDK rejects the rest."""
    payload = json.dumps(event("ping", {"id": "x"}))
    assert stripe.Webhook.construct_event(payload, sign(payload, WHSEC), WHSEC)["type"] == "ping"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, sign(payload, WHSEC + "x"), WHSEC)
    stale = sign(payload, WHSEC, timestamp=int(time.time()) - 1000)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, stale, WHSEC)


def test_paid_checkout_grants_once_with_stripe_ids(
    client: httpx.Client, stripe_api: FakeStripe, cloud_db: CloudDb
) -> None:
    uid, token = new_user(client)
    sid = checkout(client, token, "credits_500")
    completed = stripe_api.complete(sid)
    pi = completed["data"]["object"]["payment_intent"]

    first = deliver(client, completed)
    assert first.status_code == 200, first.text
    assert first.json() == {"received": True, "outcome": "credited"}
    assert cloud_db.balance(uid) == 505
    assert purchase_entries(cloud_db, uid) == [(500, f"checkout:{sid}", pi)]

    # Stripe retries the same event (same id): a replay inside the tolerance changes nothing
    again = deliver(client, completed)
    assert again.json() == {"received": True, "outcome": "duplicate"}
    # the very same header and body again
    payload = json.dumps(completed)
    header = sign(payload, WHSEC)
    for _ in range(2):
        replay = deliver(client, payload=payload, header=header)
        assert replay.json()["outcome"] == "duplicate"
    # a second event for the same session (new id) does not grant again either
    async_ok = stripe_api.async_succeeded(sid)
    assert deliver(client, async_ok).json()["outcome"] == "already_credited"
    reissued = stripe_api.complete(sid)
    assert deliver(client, reissued).json()["outcome"] == "already_credited"

    assert cloud_db.balance(uid) == 505
    assert len(purchase_entries(cloud_db, uid)) == 1
    assert_consistent(cloud_db, uid)
    assert cloud_db.query(
        "SELECT status, stripe_payment_intent_id FROM purchases "
        "WHERE stripe_checkout_session_id = %s",
        [sid],
    ) == [("paid", pi)]


def test_unpaid_completion_waits_for_async_payment(
    client: httpx.Client, stripe_api: FakeStripe, cloud_db: CloudDb
) -> None:
    uid, token = new_user(client)
    sid = checkout(client, token)
    pending = deliver(client, stripe_api.complete(sid, paid=False))
    assert pending.json()["outcome"] == "awaiting_payment"
    assert cloud_db.balance(uid) == 5
    failed = deliver(client, event("checkout.session.async_payment_failed", {"id": sid}))
    assert failed.json()["outcome"] == "ignored"
    assert cloud_db.balance(uid) == 5
    paid = deliver(client, stripe_api.async_succeeded(sid))
    assert paid.json()["outcome"] == "credited"
    assert cloud_db.balance(uid) == 105
    assert_consistent(cloud_db, uid)


@pytest.mark.parametrize(
    "mutation",
    ["tamper_amount", "tamper_user", "stale", "wrong_secret", "missing", "garbage", "v0_only"],
)
def test_unverifiable_webhooks_are_refused(
    client: httpx.Client, stripe_api: FakeStripe, cloud_db: CloudDb, mutation: str
) -> None:
    uid, token = new_user(client)
    victim, _ = new_user(client)
    sid = checkout(client, token)
    evt = stripe_api.complete(sid)
    payload = json.dumps(evt)
    header: str | None = sign(payload, WHSEC)
    if mutation == "tamper_amount":
        payload = payload.replace('"credits": "100"', '"credits": "100000"')
        evt2 = json.loads(payload)
        evt2["data"]["object"]["metadata"]["plan_id"] = "credits_2000"
        payload = json.dumps(evt2)
    elif mutation == "tamper_user":
        payload = payload.replace(uid, victim)
    elif mutation == "stale":
        header = sign(payload, WHSEC, timestamp=int(time.time()) - 301 - 60)
    elif mutation == "wrong_secret":
        header = sign(payload, "whsec_" + secrets.token_hex(24))
    elif mutation == "missing":
        header = None
    elif mutation == "garbage":
        header = "t=not-a-time,v1=zz"
    elif mutation == "v0_only":
        header = sign(payload, WHSEC).replace("v1=", "v0=")
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Stripe-Signature"] = header
    response = client.post("/billing/webhook", content=payload, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_signature"
    assert cloud_db.balance(uid) == 5
    assert cloud_db.balance(victim) == 5
    assert (
        cloud_db.scalar(
            "SELECT count(*) FROM cloud_private.stripe_events WHERE id = %s", [evt["id"]]
        )
        == 0
    )
    # the genuine event still works afterwards (nothing was burnt by the forgery)
    assert deliver(client, evt).json()["outcome"] == "credited"
    assert cloud_db.balance(uid) == 105
    assert cloud_db.balance(victim) == 5


@pytest.mark.parametrize(
    "payload",
    [
        b"not json at all",
        b"[" * 100_000 + b"]" * 100_000,  # nesting too deep for the JSON parser
        b"\xff\xfe\x00 invalid utf-8",
        b"[1, 2, 3]",
        b'"a string"',
        b"{}",
        b'{"id": "evt_1", "type": "checkout.session.completed"}',
        b'{"id": "evt_2", "type": "checkout.session.completed", "data": {"object": []}}',
        b'{"id": 7, "type": "x", "data": {"object": {}}}',
        b'{"id": "evt_3", "type": "checkout.session.completed", "data": {"object": {}}}',
        b'{"id": "evt_4", "type": "charge.refunded", "data": {"object": {"id": "ch_1"}}}',
        b'{"id": "evt_5", "type": "charge.refunded", "data": {"object": '
        b'{"id": "ch_1", "amount": "800", "amount_refunded": 1}}}',
    ],
)
def test_malformed_signed_payloads_are_400_not_500(
    client: httpx.Client, cloud_db: CloudDb, payload: bytes
) -> None:
    before = cloud_db.scalar("SELECT count(*) FROM cloud_private.stripe_events")
    response = deliver(client, payload=payload)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] in {"malformed_event", "invalid_signature"}
    assert cloud_db.scalar("SELECT count(*) FROM cloud_private.stripe_events") == before


def test_unknown_events_and_bad_metadata_are_acknowledged_and_ignored(
    client: httpx.Client, stripe_api: FakeStripe, cloud_db: CloudDb
) -> None:
    uid, token = new_user(client)
    other, _ = new_user(client)
    unknown = event("customer.created", {"id": "cus_1", "object": "customer"})
    assert deliver(client, unknown).json() == {"received": True, "outcome": "ignored"}
    assert deliver(client, unknown).json()["outcome"] == "duplicate"

    sid = checkout(client, token)
    evt = stripe_api.complete(sid)
    obj = evt["data"]["object"]
    cases = [
        {**obj, "client_reference_id": other},  # metadata and reference disagree
        {**obj, "metadata": {**obj["metadata"], "plan_id": "credits_free"}},
        {**obj, "metadata": {}},
        {**obj, "metadata": {**obj["metadata"], "user_id": "not-a-uuid"}},
        {**obj, "id": "cs_other", "client_reference_id": None,
         "metadata": {**obj["metadata"], "user_id": "00000000-0000-4000-8000-000000000000"}},
        # the session was bought by uid: another user in the metadata cannot claim it
        {**obj, "client_reference_id": other, "metadata": {**obj["metadata"], "user_id": other}},
    ]  # fmt: skip
    for changed in cases:
        response = deliver(client, event("checkout.session.completed", changed))
        assert response.status_code == 200, response.text
        assert response.json()["outcome"].startswith("ignored"), changed
    assert cloud_db.balance(uid) == 5
    assert cloud_db.balance(other) == 5
    assert deliver(client, evt).json()["outcome"] == "credited"
    assert cloud_db.balance(uid) == 105


# -------------------------------------------------------------------------------- refunds


def test_full_refund_after_spending_records_debt_settled_by_next_purchase(
    client: httpx.Client, stripe_api: FakeStripe, cloud_db: CloudDb
) -> None:
    uid, token = new_user(client)
    sid = checkout(client, token)
    deliver(client, stripe_api.complete(sid))
    assert cloud_db.balance(uid) == 105
    cloud_db.set_balance(uid, 30)  # 75 credits spent meanwhile

    refund = stripe_api.refund(sid)
    assert deliver(client, refund).json()["outcome"] == "refunded"
    assert cloud_db.balance(uid) == 0  # never negative: 30 taken, 70 owed
    assert cloud_db.scalar("SELECT owed FROM credit_debts WHERE user_id = %s", [uid]) == 70
    assert deliver(client, refund).json()["outcome"] == "duplicate"
    assert deliver(client, stripe_api.refund(sid)).json()["outcome"] == "already_refunded"
    assert cloud_db.balance(uid) == 0
    assert_consistent(cloud_db, uid)

    listing = client.get("/billing/transactions", headers=bearer(token)).json()
    assert listing["debt"] == 70
    assert listing["data"][0]["amount"] == -30
    assert listing["data"][0]["reference"].startswith("stripe_refund:ch_")
    assert listing["data"][0]["stripe_payment_id"].startswith("pi_")

    sid2 = checkout(client, token, "credits_500")
    assert deliver(client, stripe_api.complete(sid2)).json()["outcome"] == "credited"
    assert cloud_db.balance(uid) == 430  # 500 - 70 owed
    assert cloud_db.scalar("SELECT owed FROM credit_debts WHERE user_id = %s", [uid]) == 0
    assert_consistent(cloud_db, uid)
    assert cloud_db.query(
        "SELECT status, credits_refunded FROM purchases WHERE stripe_checkout_session_id = %s",
        [sid],
    ) == [("refunded", 100)]


def test_partial_refunds_add_up_once(
    client: httpx.Client, stripe_api: FakeStripe, cloud_db: CloudDb
) -> None:
    uid, token = new_user(client)
    sid = checkout(client, token, "credits_500")  # $8.00
    deliver(client, stripe_api.complete(sid))
    assert cloud_db.balance(uid) == 505
    half = stripe_api.refund(sid, amount_refunded=400)
    assert deliver(client, half).json()["outcome"] == "refunded"
    assert cloud_db.balance(uid) == 255
    # the same cumulative state again (another event id) takes nothing more
    assert deliver(client, stripe_api.refund(sid, amount_refunded=400)).json()["outcome"] == (
        "already_refunded"
    )
    # an older, smaller state arriving late takes nothing either
    assert deliver(client, stripe_api.refund(sid, amount_refunded=100)).json()["outcome"] == (
        "already_refunded"
    )
    assert deliver(client, stripe_api.refund(sid)).json()["outcome"] == "refunded"
    assert cloud_db.balance(uid) == 5
    assert_consistent(cloud_db, uid)


def test_refund_before_the_grant_grants_only_the_rest(
    client: httpx.Client, stripe_api: FakeStripe, cloud_db: CloudDb
) -> None:
    uid, token = new_user(client)
    sid = checkout(client, token, "credits_500")
    pending = stripe_api.complete(sid, paid=False)  # the payment intent becomes known
    deliver(client, pending)
    assert deliver(client, stripe_api.refund(sid, amount_refunded=400)).json()["outcome"] == (
        "refunded"
    )
    assert cloud_db.balance(uid) == 5
    assert deliver(client, stripe_api.async_succeeded(sid)).json()["outcome"] == "credited"
    assert cloud_db.balance(uid) == 255
    assert_consistent(cloud_db, uid)


def test_refund_before_its_checkout_event_is_kept_until_the_payment_is_known(
    client: httpx.Client, stripe_api: FakeStripe, cloud_db: CloudDb
) -> None:
    uid, token = new_user(client)
    sid = checkout(client, token, "credits_500")
    completed = stripe_api.complete(sid)  # Stripe's delivery of this one is delayed
    early = stripe_api.refund(sid, amount_refunded=400)
    assert deliver(client, early).json()["outcome"] == "refund_pending"
    assert deliver(client, stripe_api.refund(sid, amount_refunded=200)).json()["outcome"] == (
        "refund_pending"
    )
    assert cloud_db.balance(uid) == 5
    assert deliver(client, completed).json()["outcome"] == "credited"
    assert cloud_db.balance(uid) == 255  # half the pack was refunded before it was granted
    assert deliver(client, stripe_api.refund(sid)).json()["outcome"] == "refunded"
    assert cloud_db.balance(uid) == 5
    assert_consistent(cloud_db, uid)


def test_refund_without_a_payment_intent_is_ignored(client: httpx.Client) -> None:
    charge = {"id": "ch_x", "amount": 200, "amount_refunded": 200, "payment_intent": None}
    response = deliver(client, event("charge.refunded", charge))
    assert response.json() == {"received": True, "outcome": "ignored_unknown_purchase"}


# --------------------------------------------------------------------------- transactions


def test_transactions_newest_first_paginated_with_true_total(
    client: httpx.Client, stripe_api: FakeStripe, cloud_db: CloudDb
) -> None:
    uid, token = new_user(client)
    other_uid, other_token = new_user(client)
    for plan in ("credits_100", "credits_500", "credits_2000"):
        deliver(client, stripe_api.complete(checkout(client, token, plan)))
    deliver(client, stripe_api.complete(checkout(client, other_token)))

    pages = []
    for offset in (0, 2):
        response = client.get(
            "/billing/transactions", params={"limit": 2, "offset": offset}, headers=bearer(token)
        )
        assert response.status_code == 200
        pages.append(response.json())
    assert [p["total"] for p in pages] == [4, 4]
    entries = pages[0]["data"] + pages[1]["data"]
    assert [e["amount"] for e in entries] == [2000, 500, 100, 5]
    assert [e["type"] for e in entries] == ["purchase", "purchase", "purchase", "trial"]
    assert [e["balance_after"] for e in entries] == [2605, 605, 105, 5]
    stamps = [e["created_at"] for e in entries]
    assert stamps == sorted(stamps, reverse=True)
    assert len({e["id"] for e in entries}) == 4
    assert pages[0]["limit"] == 2
    assert pages[1]["offset"] == 2
    assert pages[0]["debt"] == 0
    beyond = client.get(
        "/billing/transactions", params={"offset": 10}, headers=bearer(token)
    ).json()
    assert beyond["data"] == []
    assert beyond["total"] == 4

    theirs = client.get("/billing/transactions", headers=bearer(other_token)).json()
    assert theirs["total"] == 2
    assert {e["amount"] for e in theirs["data"]} == {100, 5}
    assert client.get("/billing/transactions").status_code == 401
    assert other_uid != uid


def test_transactions_are_limited_by_rls(cloud_db: CloudDb, client: httpx.Client) -> None:
    """Even asked for another user's rows, a user transaction sees only the caller's."""
    uid, _ = new_user(client)
    victim, _ = new_user(client)

    async def run() -> tuple[int, int, int]:
        db = Database(cloud_db.app_url, min_size=1, max_size=2)
        await db.open()
        try:
            claims = {"sub": uid, "role": "authenticated", "aud": "authenticated"}
            async with db.as_user(claims) as tx:
                rows, total = await billing_repo.list_transactions(
                    tx, user_id=victim, limit=50, offset=0
                )
                everything = await tx.one("SELECT count(*) AS n FROM public.transactions")
                purchases = await tx.one("SELECT count(*) AS n FROM public.purchases")
            assert rows == []
            assert everything is not None
            assert purchases is not None
            return total, int(everything["n"]), int(purchases["n"])
        finally:
            await db.close()

    total, visible, purchases = asyncio.run(run())
    assert total == 0
    assert visible == 1  # the caller's own trial entry only
    assert purchases == 0
    assert cloud_db.ledger_sum(victim) == 5


# ----------------------------------------------------------------------------- 402 flow


def test_out_of_credits_402_carries_plans_and_a_ready_checkout(
    client: httpx.Client, stripe_api: FakeStripe, cloud_db: CloudDb, openrouter: FakeOpenRouter
) -> None:
    uid, token = new_user(client)
    cloud_db.set_balance(uid, 0)
    response = client.post(
        "/inference/analyze", json=analyze_body(image_bytes(6_000_001)), headers=bearer(token)
    )
    assert response.status_code == 402, response.text
    error = response.json()["error"]
    assert error["code"] == "insufficient_credits"
    assert error["plans"] == client.get("/billing/plans").json()["data"]
    request = error["checkout"]
    assert request == {
        "method": "POST",
        "url": "/billing/checkout",
        "body": {"plan_id": "credits_100"},
    }
    openrouter_calls = len(openrouter.calls())
    assert openrouter_calls == 0  # nothing analysed unpaid

    # the ready-made request works as is (with the caller's token)
    bought = client.request(
        request["method"], request["url"], json=request["body"], headers=bearer(token)
    )
    assert bought.status_code == 200, bought.text
    link = bought.json()["checkout_url"]
    assert link.startswith("https://checkout.stripe.com/")

    text = buy_credits_message(response.json(), client.base_url.__str__())
    assert "credits_100: 100 credits for $2.00" in text
    assert "credits_2000: 2000 credits for $25.00" in text
    assert text.endswith("\nBuy credits: photo-score credits buy credits_100")
    assert buy_credits_message(response.json(), "http://x", checkout_url=link).endswith(
        f"Buy credits: {link}"
    )

    # paying really unlocks the analysis
    deliver(client, stripe_api.complete(bought.json()["session_id"]))
    again = client.post(
        "/inference/analyze", json=analyze_body(image_bytes(6_000_001)), headers=bearer(token)
    )
    assert again.status_code == 200, again.text
    assert again.json()["credits_remaining"] == 99
    assert_consistent(cloud_db, uid)
