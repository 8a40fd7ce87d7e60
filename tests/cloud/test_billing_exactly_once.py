"""Exactly-once billing under concurrency (two API processes) and under a seeded random
sequence of purchases, spends, refunds, duplicate deliveries and injected failures."""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from photo_score_cloud.repository import billing as billing_repo
from photo_score_cloud.services.plans import PLANS

from tests.cloud import test_billing as billing
from tests.cloud.helpers import CloudDb, LiveServer, analyze_body, bearer, image_bytes, signup
from tests.cloud.test_billing import WHSEC, checkout, deliver
from tests.fakes.openrouter import FakeOpenRouter, Rule
from tests.fakes.stripe_api import FakeStripe, sign

# This module's deployment sells credits through the fake Stripe, as in test_billing.
cloud_env = billing.cloud_env
fake_stripe = billing.fake_stripe
stripe_api = billing.stripe_api

SEED = 20261128
OPERATIONS = 320


async def _deliver_all(urls: list[str], events: list[dict[str, Any]]) -> list[httpx.Response]:
    clients = [httpx.AsyncClient(base_url=u, timeout=120) for u in urls]
    try:
        pick = itertools.cycle(clients)
        calls = []
        for evt in events:
            payload = json.dumps(evt)
            calls.append(
                next(pick).post(
                    "/billing/webhook",
                    content=payload,
                    headers={"Stripe-Signature": sign(payload, WHSEC)},
                )
            )
        return list(await asyncio.gather(*calls))
    finally:
        for client in clients:
            await client.aclose()


def test_concurrent_duplicate_deliveries_across_two_processes_grant_once(
    live_pair: tuple[LiveServer, LiveServer], stripe_api: FakeStripe, cloud_db: CloudDb
) -> None:
    urls = [s.url for s in live_pair]
    with httpx.Client(base_url=urls[0], timeout=60) as http:
        session = signup(http)
        uid, token = session["user"]["id"], session["access_token"]
        sids = [checkout(http, token, "credits_100") for _ in range(6)]
    events: list[dict[str, Any]] = []
    for sid in sids:
        completed = stripe_api.complete(sid)
        succeeded = stripe_api.async_succeeded(sid)  # another event id, same session
        events += [completed] * 6 + [succeeded] * 4
    random.Random(SEED).shuffle(events)
    responses = asyncio.run(_deliver_all(urls, events))
    assert {r.status_code for r in responses} == {200}, [r.text for r in responses][:3]
    outcomes = Counter(r.json()["outcome"] for r in responses)
    assert outcomes["credited"] == len(sids)
    assert outcomes["duplicate"] + outcomes["already_credited"] == len(events) - len(sids)
    assert outcomes["already_credited"] >= len(sids)  # the second event id of each session
    assert cloud_db.balance(uid) == 5 + 100 * len(sids) == cloud_db.ledger_sum(uid)
    assert cloud_db.ledger_types(uid).count("purchase") == len(sids)
    assert cloud_db.scalar(
        "SELECT count(*) FROM cloud_private.stripe_events WHERE id = ANY(%s)",
        [list({e["id"] for e in events})],
    ) == 2 * len(sids)

    # duplicate refunds, concurrently, on both processes: taken back once
    cloud_db.set_balance(uid, 50)  # most of it spent: the refund leaves debt
    refund = stripe_api.refund(sids[0])
    same_state = stripe_api.refund(sids[0])  # a different event id, same cumulative refund
    responses = asyncio.run(_deliver_all(urls, [refund] * 5 + [same_state] * 5))
    assert {r.status_code for r in responses} == {200}
    outcomes = Counter(r.json()["outcome"] for r in responses)
    assert outcomes["refunded"] == 1
    assert outcomes["duplicate"] == 8
    assert outcomes["already_refunded"] == 1
    assert cloud_db.balance(uid) == 0 == cloud_db.ledger_sum(uid)
    assert cloud_db.scalar("SELECT owed FROM credit_debts WHERE user_id = %s", [uid]) == 50


# ------------------------------------------------------------------- the random sequence


@dataclass
class Purchase:
    sid: str
    user: str
    credits: int
    cents: int
    is_async: bool
    credited: bool = False
    taken: int = 0  # credits refunded so far (debited or owed)
    issued_cents: int = 0  # the largest cumulative refund Stripe has issued
    pi_known: bool = False  # the server has handled an event naming the payment intent
    pending_cents: int | None = None  # a refund that arrived before the payment was known


@dataclass
class Account:
    uid: str
    token: str
    balance: int = 5
    debt: int = 0
    granted: dict[str, int] = field(default_factory=dict)  # sid -> credits granted


@dataclass
class Model:
    """What the rules say must happen: the reference the server is checked against."""

    accounts: dict[str, Account] = field(default_factory=dict)
    purchases: dict[str, Purchase] = field(default_factory=dict)

    def grant(self, p: Purchase) -> str:
        if p.credited:
            return "already_credited"
        p.credited = True
        a = self.accounts[p.user]
        amount = p.credits - p.taken
        if amount > 0:
            a.balance += amount
            a.granted[p.sid] = amount
            settle = min(a.debt, a.balance)
            a.balance -= settle
            a.debt -= settle
        return "credited"

    def refund(self, p: Purchase, cents: int) -> str:
        target = p.credits if cents >= p.cents else p.credits * cents // p.cents
        delta = target - p.taken
        if delta <= 0:
            return "already_refunded"
        if p.credited:
            a = self.accounts[p.user]
            take = min(delta, a.balance)
            a.balance -= take
            a.debt += delta - take
        p.taken = target
        return "refunded"

    def payment_known(self, p: Purchase) -> None:
        if not p.pi_known:
            p.pi_known = True
            if p.pending_cents is not None:
                self.refund(p, p.pending_cents)
                p.pending_cents = None

    def expect(self, kind: str, sid: str, cents: int) -> str:
        """Apply one event to the model; the outcome the server must report."""
        p = self.purchases[sid]
        if kind == "refund":
            if not p.pi_known:
                p.pending_cents = max(p.pending_cents or 0, cents)
                return "refund_pending"
            return self.refund(p, cents)
        self.payment_known(p)
        return "awaiting_payment" if kind == "unpaid" else self.grant(p)


def test_random_purchases_spends_refunds_and_failures_keep_the_books(
    client: httpx.Client,
    stripe_api: FakeStripe,
    cloud_db: CloudDb,
    openrouter: FakeOpenRouter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(SEED)
    model = Model()
    for _ in range(3):
        session = signup(client)
        uid = session["user"]["id"]
        model.accounts[uid] = Account(uid, session["access_token"])
    users = list(model.accounts)

    # injected failures: the webhook's transaction dies after the ledger work, before commit
    fail = {"next": False}
    real_outcome = billing_repo.set_event_outcome

    async def flaky_outcome(tx: Any, *, event_id: str, outcome: str) -> None:
        await real_outcome(tx, event_id=event_id, outcome=outcome)
        if fail["next"]:
            fail["next"] = False
            raise RuntimeError("injected failure before commit")

    monkeypatch.setattr(billing_repo, "set_event_outcome", flaky_outcome)

    Delivery = tuple[dict[str, Any], str, str, int]  # event, kind, session id, refund cents
    delivered: list[dict[str, Any]] = []  # handled events, for duplicate deliveries
    undelivered: list[Delivery] = []  # failed deliveries Stripe will retry
    handled_ids: set[str] = set()
    images = itertools.count(7_000_000)
    stats: Counter[str] = Counter()

    def send(delivery: Delivery) -> None:
        nonlocal model
        evt, kind, sid, cents = delivery
        snapshot = copy.deepcopy(model)
        expected = model.expect(kind, sid, cents)
        inject = rng.random() < 0.12
        fail["next"] = inject
        response = deliver(client, evt)
        if inject:  # nothing may have changed; Stripe retries later
            assert response.status_code == 500, response.text
            assert fail["next"] is False  # the failure really fired inside the handler
            model = snapshot
            undelivered.append(delivery)
            stats["injected_failure"] += 1
            return
        assert response.status_code == 200, response.text
        assert response.json()["outcome"] == expected, (kind, expected, response.text)
        delivered.append(evt)
        handled_ids.add(evt["id"])

    for _ in range(OPERATIONS):
        op = rng.choices(
            ["buy", "buy_async", "async_paid", "refund", "spend", "spend_fails", "drain",
             "duplicate", "stale", "retry"],
            weights=[14, 6, 6, 12, 20, 4, 5, 14, 5, 8],
        )[0]  # fmt: skip
        uid = rng.choice(users)
        stats[op] += 1
        if op in ("buy", "buy_async"):
            plan = rng.choice(PLANS)
            sid = checkout(client, model.accounts[uid].token, plan.id)
            model.purchases[sid] = Purchase(
                sid, uid, plan.credits, plan.price_cents, is_async=op == "buy_async"
            )
            paid = op == "buy"
            send((stripe_api.complete(sid, paid=paid), "paid" if paid else "unpaid", sid, 0))
        elif op == "async_paid":
            waiting = [p for p in model.purchases.values() if p.is_async and not p.credited]
            if waiting:
                purchase = rng.choice(waiting)
                send((stripe_api.async_succeeded(purchase.sid), "paid", purchase.sid, 0))
        elif op == "refund" and model.purchases:
            purchase = rng.choice(list(model.purchases.values()))
            cents = rng.randint(purchase.issued_cents, purchase.cents)
            purchase.issued_cents = cents
            send(
                (
                    stripe_api.refund(purchase.sid, amount_refunded=cents),
                    "refund",
                    purchase.sid,
                    cents,
                )
            )
        elif op == "spend":
            account = model.accounts[uid]
            body = analyze_body(image_bytes(next(images)))
            response = client.post("/inference/analyze", json=body, headers=bearer(account.token))
            if account.balance >= 1:
                assert response.status_code == 200, response.text
                account.balance -= 1
                assert response.json()["credits_remaining"] == account.balance
            else:
                assert response.status_code == 402, response.text
                assert response.json()["error"]["checkout"]["url"] == "/billing/checkout"
        elif op == "spend_fails":
            openrouter.add(Rule("status", status=500, times=None))
            body = analyze_body(image_bytes(next(images)))
            token = model.accounts[uid].token
            response = client.post("/inference/analyze", json=body, headers=bearer(token))
            openrouter.reset()
            assert response.status_code in (402, 502, 503), response.text
        elif op == "drain":  # many analyses at once (a direct ledger adjustment)
            account = model.accounts[uid]
            target = rng.randint(0, min(account.balance, 20))
            cloud_db.set_balance(uid, target)
            account.balance = target
        elif op == "duplicate" and delivered:
            response = deliver(client, rng.choice(delivered))
            assert response.status_code == 200
            assert response.json()["outcome"] == "duplicate"
        elif op == "stale" and delivered:
            stale = int(time.time()) - 3600
            response = deliver(client, rng.choice(delivered), timestamp=stale)
            assert response.status_code == 400
        elif op == "retry" and undelivered:
            send(undelivered.pop(rng.randrange(len(undelivered))))

    while undelivered:  # Stripe keeps retrying until every event is handled
        send(undelivered.pop(rng.randrange(len(undelivered))))

    assert stats["injected_failure"] >= 10, stats
    assert stats["spend"] >= 30, stats
    assert stats["refund"] >= 20, stats
    assert any(a.debt for a in model.accounts.values()) or cloud_db.scalar(
        "SELECT count(*) FROM transactions WHERE reference LIKE 'refund_debt:%%'"
    ), "the sequence never exercised debt"
    for uid, account in model.accounts.items():
        assert cloud_db.balance(uid) == account.balance, uid
        assert cloud_db.ledger_sum(uid) == account.balance, uid
        owed = cloud_db.query("SELECT owed FROM credit_debts WHERE user_id = %s", [uid])
        assert (owed[0][0] if owed else 0) == account.debt, uid
        entries = cloud_db.query(
            "SELECT reference, amount FROM transactions WHERE user_id = %s AND type = 'purchase'",
            [uid],
        )
        references = [r[0] for r in entries]
        assert len(references) == len(set(references))  # no session credited twice
        assert dict(entries) == {f"checkout:{sid}": n for sid, n in account.granted.items()}
    for sid, purchase in model.purchases.items():
        row = cloud_db.query(
            "SELECT credited_at IS NOT NULL, credits_refunded FROM purchases "
            "WHERE stripe_checkout_session_id = %s",
            [sid],
        )
        assert row == [(purchase.credited, purchase.taken)], sid
    assert cloud_db.scalar(
        "SELECT count(*) FROM cloud_private.stripe_events WHERE id = ANY(%s)",
        [list(handled_ids)],
    ) == len(handled_ids)
