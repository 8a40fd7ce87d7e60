"""The desktop app's Account & credits (sidecar ``/api/account/*``) against the real cloud on
PostgreSQL, Stripe through the fake Stripe API; and a cloud scoring job that runs out of
credits handing the cloud's 402 offer (balance, packs, checkout request) to the UI."""

from __future__ import annotations

import time
import uuid
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from photo_score_cloud.services.plans import PLANS

from photo_score import account
from photo_score.buy_credits import OutOfCredits, parse_out_of_credits
from photo_score.credentials import CredentialStore
from photo_score.settings import Settings
from photo_score.sync.session import CloudClient, CloudError, CloudSession, SessionStore
from tests.cloud import test_billing as billing
from tests.cloud.helpers import CloudDb, InProcessServer, bearer, free_port, signup
from tests.cloud.test_billing import deliver
from tests.cloud.test_sync_background import wait_until
from tests.desktop.conftest import Running, job_finished, read_events, run_sidecar
from tests.factories.photos import make_camera_jpeg
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.stripe_api import FakeStripe
from tests.sync.devices import PASSWORD

# This module's deployment sells credits through the fake Stripe, as in test_billing.
cloud_env = billing.cloud_env
fake_stripe = billing.fake_stripe
stripe_api = billing.stripe_api

PLAN_DUMPS = [p.model_dump() for p in PLANS]


@pytest.fixture
def app(tmp_path: Path, server: InProcessServer) -> Iterator[Running]:
    """The sidecar of a device whose PHOTO_SCORE_CLOUD_URL is the test cloud; signed out."""
    settings = Settings(home=tmp_path / "home", cloud_url=server.url, workers=2, preview_size=512)
    with run_sidecar(settings, tmp_path / "no-ui") as running:
        yield running


def new_account(client: httpx.Client) -> tuple[str, str, str]:
    """Sign up on the cloud: (email, user id, access token)."""
    email = f"{uuid.uuid4().hex[:10]}@example.test"
    session = signup(client, email, PASSWORD)
    return email, session["user"]["id"], session["access_token"]


def stored_session(home: Path) -> CloudSession | None:
    return SessionStore(CredentialStore(home, use_keyring=False)).load()


def add_photos(running: Running, folder: Path, seeds: range) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        make_camera_jpeg(folder / f"IMG_{seed:04d}.jpg", size=(640, 480), seed=seed)
    response = running.client.post("/api/libraries", json={"path": str(folder)})
    assert response.status_code in (200, 201), response.text


def run_job(running: Running, analyzer: str) -> dict[str, Any]:
    """Start a job on the whole library and wait (server-sent events) for its end."""
    started = running.client.post("/api/jobs", json={"analyzer": analyzer})
    assert started.status_code == 202, started.text
    events = read_events(running, until=job_finished(started.json()["id"]))
    final: dict[str, Any] = events[-1]["job"]
    assert running.client.get(f"/api/jobs/{final['id']}").json() == final
    return final


def sign_in(running: Running, email: str) -> dict[str, Any]:
    response = running.client.post(
        "/api/account/login", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_sign_in_from_the_app_buy_credits_read_the_ledger_and_sign_out(
    app: Running,
    client: httpx.Client,
    stripe_api: FakeStripe,
    cloud_db: CloudDb,
    server: InProcessServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    email, user_id, token = new_account(client)
    add_photos(app, app.home / "photos", range(2))
    assert run_job(app, "local")["analyzed"] == 2  # scored while signed out

    status = app.client.get("/api/account").json()
    assert (status["available"], status["signed_in"]) == (True, False)
    assert "sign in" in status["reason"]
    refused = app.client.get("/api/account/credits")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "not_signed_in"

    wrong = app.client.post("/api/account/login", json={"email": email, "password": "nope nope"})
    assert wrong.status_code == 400
    assert wrong.json() == {
        "error": {"code": "login_failed", "message": "login failed: wrong email or password"}
    }
    assert stored_session(app.home) is None

    signed_in = sign_in(app, email)
    assert (signed_in["signed_in"], signed_in["email"]) == (True, email)
    session = stored_session(app.home)  # where `photo-score login` keeps it
    assert session is not None
    assert (session.server_url, session.user_id) == (server.url, user_id)

    # The background sync picks the session up at once: the photos scored before arrive.
    def synced() -> bool:
        sync = app.client.get("/api/account").json()["sync"]
        return bool(sync["state"] == "idle" and sync["last_sync_at"])

    wait_until(synced)
    assert client.get("/sync/status", headers=bearer(token)).json()["count"] == 2

    credits = app.client.get("/api/account/credits").json()
    assert credits == {
        "email": email,
        "server_url": server.url,
        "balance": 5,
        "plans": client.get("/billing/plans").json()["data"],
    }
    assert credits["plans"] == PLAN_DUMPS

    ledger = app.client.get("/api/account/transactions").json()
    assert ledger["total"] == 1
    assert [(t["type"], t["amount"], t["balance_after"]) for t in ledger["items"]] == [
        ("trial", 5, 5)
    ]

    bought = app.client.post("/api/account/checkout", json={"plan_id": "credits_500"})
    assert bought.status_code == 200, bought.text
    out = bought.json()
    [call] = stripe_api.calls  # the cloud created exactly one Checkout Session
    assert call.form["metadata[user_id]"] == user_id
    assert call.form["metadata[plan_id]"] == "credits_500"
    assert call.form["line_items[0][price_data][unit_amount]"] == "800"
    assert out["checkout_url"] == stripe_api.sessions[out["session_id"]]["url"]
    assert out["checkout_url"].startswith("https://checkout.stripe.com/")
    assert (out["plan"]["id"], out["plan"]["credits"], out["opened"]) == ("credits_500", 500, False)

    # Stripe confirms the payment: the balance and the ledger show the pack.
    assert deliver(client, stripe_api.complete(out["session_id"])).json()["outcome"] == "credited"
    assert app.client.get("/api/account/credits").json()["balance"] == 505
    newest = app.client.get("/api/account/transactions", params={"limit": 1}).json()
    assert newest["total"] == 2
    assert newest["debt"] == 0
    assert [(t["type"], t["amount"], t["balance_after"]) for t in newest["items"]] == [
        ("purchase", 500, 505)
    ]
    older = app.client.get("/api/account/transactions", params={"limit": 1, "offset": 1}).json()
    assert [t["type"] for t in older["items"]] == ["trial"]
    assert (older["offset"], older["limit"], older["total"]) == (1, 1, 2)
    assert app.client.get("/api/account/transactions", params={"limit": 0}).status_code == 422

    # From the desktop window the sidecar opens the system browser itself.
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0, autoraise=True: opened.append(url))
    again = app.client.post(
        "/api/account/checkout", json={"plan_id": "credits_100", "open_in_browser": True}
    ).json()
    assert opened == [again["checkout_url"]]
    assert again["checkout_url"] == stripe_api.sessions[again["session_id"]]["url"]

    unknown = app.client.post("/api/account/checkout", json={"plan_id": "credits_1"})
    assert unknown.status_code == 400
    assert "no credit pack" in unknown.json()["error"]["message"]

    assert app.client.post("/api/account/logout").status_code == 204
    status = app.client.get("/api/account").json()
    assert (status["available"], status["signed_in"]) == (True, False)
    assert stored_session(app.home) is None
    assert app.client.get("/api/account/transactions").status_code == 409
    # The session was revoked on the server too, not only forgotten here.
    revoked = client.post("/auth/refresh", json={"refresh_token": session.refresh_token})
    assert revoked.status_code == 401


def test_sign_in_errors_say_what_is_wrong(tmp_path: Path) -> None:
    offline = Settings(home=tmp_path / "a", cloud_url=None, workers=1)
    with run_sidecar(offline, tmp_path / "no-ui") as running:
        response = running.client.post(
            "/api/account/login", json={"email": "me@example.test", "password": "x"}
        )
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "cloud_not_configured"
        assert "PHOTO_SCORE_CLOUD_URL" in error["message"]
        assert running.client.get("/api/account").json()["available"] is False

    dead = f"http://127.0.0.1:{free_port()}"
    unreachable = Settings(home=tmp_path / "b", cloud_url=dead, workers=1)
    with run_sidecar(unreachable, tmp_path / "no-ui") as running:
        response = running.client.post(
            "/api/account/login", json={"email": "me@example.test", "password": "x"}
        )
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] == "cloud_unreachable"
        assert error["message"].startswith(f"cannot reach {dead}")
        empty = running.client.post("/api/account/login", json={"email": "", "password": ""})
        assert empty.status_code == 422


def test_a_cloud_job_out_of_credits_stops_with_the_offer_to_buy(
    app: Running, client: httpx.Client, cloud_db: CloudDb, openrouter: FakeOpenRouter
) -> None:
    email, user_id, _ = new_account(client)
    sign_in(app, email)
    cloud_db.set_balance(user_id, 1)
    add_photos(app, app.home / "photos", range(100, 104))

    job = run_job(app, "cloud")
    assert job["state"] == "done"
    assert (job["analyzed"], job["failed"], job["not_analyzed"]) == (1, 0, 3)
    assert job["stopped_reason"].startswith("out of cloud credits")
    assert job["fallback_reason"] is None
    assert job["payment_required"] == {
        "message": "out of credits: analysing a photo costs 1 credit and the balance is 0; "
        "buy a credit pack to continue",
        "balance": 0,
        "required": 1,
        "plans": PLAN_DUMPS,
        "checkout": {
            "method": "POST",
            "url": "/billing/checkout",
            "body": {"plan_id": "credits_100"},
        },
        "server_url": app.client.get("/api/account").json()["server_url"],
    }
    assert cloud_db.balance(user_id) == 0

    # Under auto the same 402 hands the rest to the local analyzer, and still says so.
    add_photos(app, app.home / "more", range(200, 203))
    cloud_db.set_balance(user_id, 1)
    auto = run_job(app, "auto")
    assert auto["state"] == "done"
    assert (auto["failed"], auto["not_analyzed"], auto["stopped_reason"]) == (0, 0, None)
    assert auto["analyzed"] == 6  # 3 left from before + 3 new: 1 by the cloud, 5 locally
    assert auto["fallback_reason"].startswith("out of cloud credits")
    assert auto["payment_required"]["balance"] == 0
    assert auto["payment_required"]["plans"] == PLAN_DUMPS

    # A job that did not run out carries nothing to buy.
    local = run_job(app, "local")
    assert (local["payment_required"], local["stopped_reason"]) == (None, None)


def test_a_checkout_link_that_is_not_a_web_page_is_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a compromised cloud cannot make the app open javascript:, file: or data: links."""
    plan = PLAN_DUMPS[0]

    def cloud(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/billing/checkout"
        return httpx.Response(
            200, json={"checkout_url": "javascript:alert(1)", "session_id": "cs_1", "plan": plan}
        )

    store = SessionStore(CredentialStore(tmp_path, use_keyring=False))
    expires = int(time.time()) + 3600
    store.save(CloudSession("http://cloud.test", "u1", "me@x", "access", "refresh", expires))
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0, autoraise=True: opened.append(url))
    transport = httpx.MockTransport(cloud)
    with (
        CloudClient("http://cloud.test", store, transport=transport) as client,
        pytest.raises(CloudError, match="not a web page"),
    ):
        account.start_checkout(client, "credits_100")
    for bad in ("file:///etc/passwd", "data:text/html,x", "https://", "/billing/checkout"):
        started = account.CheckoutStarted(checkout_url=bad, session_id="cs_1", plan=plan)
        assert account.open_checkout(started) is False
    assert opened == []
    assert account.checkout_url_is_safe("https://checkout.stripe.com/c/pay/cs_1#x")


def test_an_unexpected_402_body_still_reads_as_out_of_credits() -> None:
    body = {"error": {"message": "no", "balance": "x", "plans": [{"id": 1}, PLAN_DUMPS[1]]}}
    offer = parse_out_of_credits({**body, "checkout": "nope"}, "http://cloud.test")
    assert offer.message == "no"
    assert (offer.balance, offer.checkout, offer.server_url) == (None, None, "http://cloud.test")
    assert [p.id for p in offer.plans] == ["credits_500"]  # the malformed pack is left out
    assert parse_out_of_credits("<html>502</html>") == OutOfCredits(message="out of credits")
