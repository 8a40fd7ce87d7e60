"""`photo-score credits [buy PLAN_ID]` against the real cloud on PostgreSQL, Stripe through the
fake Stripe API; and the "buy credits" line a CLI run prints when the cloud answers 402."""

from __future__ import annotations

import io
import json
import uuid
import webbrowser
from pathlib import Path
from typing import Any

import httpx
import pytest
from photo_score_cloud.services.plans import PLANS

from photo_score.buy_credits import buy_credits_message
from photo_score.cli import main
from tests.cloud import test_billing as billing
from tests.cloud import test_sync_cli as sync_cli
from tests.cloud.helpers import CloudDb, InProcessServer, signup
from tests.factories.photos import make_camera_jpeg
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.stripe_api import FakeStripe
from tests.sync.devices import PASSWORD

# This module's deployment sells credits through the fake Stripe, as in test_billing; the CLI
# runs in a temporary PHOTO_SCORE_HOME pointed at it, as in test_sync_cli.
cloud_env = billing.cloud_env
fake_stripe = billing.fake_stripe
stripe_api = billing.stripe_api
cli_home = sync_cli.cli_home


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL the command hands to the browser (none is really opened)."""
    urls: list[str] = []

    def record(url: str, new: int = 0, autoraise: bool = True) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", record)
    return urls


def login(client: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """A new cloud account, signed in with `photo-score login`: (email, user id)."""
    email = f"{uuid.uuid4().hex[:10]}@example.test"
    user_id = signup(client, email, PASSWORD)["user"]["id"]
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["login", "--email", email, "--password-stdin"]) == 0
    return email, user_id


def recorded_session(stripe: FakeStripe, out: str) -> dict[str, Any]:
    """The Checkout Session the fake Stripe created whose URL the command printed on a line
    of its own."""
    [session] = [s for s in stripe.sessions.values() if s["url"] in out.splitlines()]
    return session


def test_credits_shows_the_balance_the_packs_and_the_last_ten_entries(
    cli_home: Path,
    client: httpx.Client,
    cloud_db: CloudDb,
    server: InProcessServer,
    stripe_api: FakeStripe,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    email, user_id = login(client, monkeypatch)
    capsys.readouterr()
    assert main(["credits", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["email"], data["server_url"], data["balance"]) == (email, server.url, 5)
    assert data["plans"] == client.get("/billing/plans").json()["data"]
    assert [p["id"] for p in data["plans"]] == [p.id for p in PLANS]
    ledger = data["transactions"]
    assert (ledger["total"], ledger["debt"]) == (1, 0)
    assert [(t["type"], t["amount"], t["balance_after"]) for t in ledger["items"]] == [
        ("trial", 5, 5)
    ]

    assert main(["credits"]) == 0
    out = capsys.readouterr().out
    assert f"{email} on {server.url}" in out
    assert "balance: 5 credits" in out
    rows = [" ".join(line.split()) for line in out.splitlines()]  # columns are padded
    assert "credits_100 100 credits, $2.00 100 photos ($0.020 each)" in rows
    assert "credits_500 500 credits, $8.00 500 photos ($0.016 each)" in rows
    assert "credits_2000 2000 credits, $25.00 2000 photos ($0.0125 each)" in rows
    assert "trial +5 balance 5" in rows[-1]
    assert "buy one: photo-score credits buy credits_100" in out
    assert "last 1 of 1 entries:" in out

    # A paid pack, then a dozen adjustments: the balance is the cloud's, only 10 are listed.
    capsys.readouterr()
    assert main(["credits", "buy", "credits_500", "--no-open"]) == 0
    sid = recorded_session(stripe_api, capsys.readouterr().out)["id"]
    assert billing.deliver(client, stripe_api.complete(sid)).json()["outcome"] == "credited"
    for balance in range(506, 518):
        cloud_db.set_balance(user_id, balance)
    capsys.readouterr()
    assert main(["credits", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["balance"] == cloud_db.balance(user_id) == 517
    ledger = data["transactions"]
    assert ledger["total"] == 14  # trial, purchase, 12 adjustments
    assert len(ledger["items"]) == 10
    assert ledger["items"][0]["balance_after"] == 517  # newest first
    assert "purchase" not in [t["type"] for t in ledger["items"]]  # older than the 10
    assert main(["credits"]) == 0
    out = capsys.readouterr().out
    assert "balance: 517 credits" in out
    assert "last 10 of 14 entries:" in out


def test_buy_prints_the_checkout_link_and_opens_it_unless_no_open(
    cli_home: Path,
    client: httpx.Client,
    stripe_api: FakeStripe,
    opened: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, user_id = login(client, monkeypatch)
    capsys.readouterr()
    assert main(["credits", "buy", "credits_500"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    [call] = stripe_api.calls  # the cloud created exactly one Checkout Session
    assert call.form["metadata[user_id]"] == user_id
    assert call.form["metadata[plan_id]"] == "credits_500"
    assert call.form["line_items[0][price_data][unit_amount]"] == "800"
    session = recorded_session(stripe_api, out)  # the printed link is that session's
    assert session["metadata"]["plan_id"] == "credits_500"
    assert session["amount_total"] == 800
    url = session["url"]
    assert url.startswith("https://checkout.stripe.com/")
    assert lines[0] == "checkout for credits_500 (500 credits, $8.00):"
    assert opened == [url]
    assert "opened in your browser" in lines[-1]

    assert main(["credits", "buy", "credits_100", "--no-open"]) == 0
    out = capsys.readouterr().out
    assert len(stripe_api.calls) == 2
    second = recorded_session(stripe_api, out)
    assert second["url"] != url
    assert (second["metadata"]["plan_id"], second["metadata"]["user_id"]) == (
        "credits_100",
        user_id,
    )
    assert second["amount_total"] == 200
    assert "open the link to pay" in out
    assert opened == [url]  # --no-open: the browser was not called again


def test_buy_an_unknown_pack_is_a_usage_error_in_the_clouds_words(
    cli_home: Path,
    client: httpx.Client,
    stripe_api: FakeStripe,
    opened: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    login(client, monkeypatch)
    capsys.readouterr()
    assert main(["credits", "buy", "credits_1"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("photo-score: error: ")
    assert "no credit pack" in line
    assert "credits_1" in line
    assert stripe_api.calls == []
    assert opened == []


def test_not_signed_in_says_to_run_login(
    cli_home: Path,
    stripe_api: FakeStripe,
    opened: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for argv in (["credits"], ["credits", "--json"], ["credits", "buy", "credits_100"]):
        assert main(argv) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        [line] = captured.err.splitlines()
        assert line.startswith("photo-score: error: not signed in")
        assert "run `photo-score login`" in line

    monkeypatch.delenv("PHOTO_SCORE_CLOUD_URL")  # no cloud known at all: still "sign in"
    assert main(["credits", "buy", "credits_100"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("photo-score: error: not signed in")
    assert "photo-score login" in line
    assert stripe_api.calls == []
    assert opened == []


def test_a_run_out_of_credits_says_which_command_buys_them(
    cli_home: Path,
    client: httpx.Client,
    cloud_db: CloudDb,
    openrouter: FakeOpenRouter,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    _, user_id = login(client, monkeypatch)
    cloud_db.set_balance(user_id, 0)
    photos = tmp_path / "photos"
    photos.mkdir()
    make_camera_jpeg(photos / "0.jpg", size=(320, 240), seed=0)
    capsys.readouterr()
    main(["score", str(photos), "--analyzer", "cloud", "--quiet", "-f", "json"])
    err = capsys.readouterr().err
    assert "out of cloud credits" in err
    assert "credits_100: 100 credits for $2.00" in err  # the packs are still listed
    assert "credits_2000: 2000 credits for $25.00" in err
    assert "Buy credits: photo-score credits buy credits_100" in err
    assert "POST" not in err
    assert "/billing/checkout" not in err
    assert openrouter.calls() == []


def test_the_402_message_suggests_the_clouds_pack_else_the_cheapest() -> None:
    plans = [
        {"id": "big", "credits": 2000, "price_cents": 2500},
        {"id": "small", "credits": 100, "price_cents": 200},
    ]
    checkout = {"method": "POST", "url": "/billing/checkout", "body": {"plan_id": "big"}}
    body = {"error": {"message": "no credits left", "plans": plans, "checkout": checkout}}
    text = buy_credits_message(body, "https://cloud.example")
    assert text.splitlines() == [
        "no credits left",
        "Credit packs:",
        "  big: 2000 credits for $25.00",
        "  small: 100 credits for $2.00",
        "Buy credits: photo-score credits buy big",
    ]
    no_request = {"error": {"message": "no credits left", "plans": plans}}
    assert buy_credits_message(no_request, "https://cloud.example").endswith(
        "\nBuy credits: photo-score credits buy small"
    )
    assert buy_credits_message({"error": {"message": "nope"}}, "x").splitlines() == [
        "nope",
        "Buy credits: photo-score credits (lists the packs)",
    ]
    link = "https://checkout.stripe.com/c/pay/cs_test_1"
    assert buy_credits_message(body, "x", checkout_url=link).endswith(f"\nBuy credits: {link}")
