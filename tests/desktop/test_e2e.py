"""The desktop UI end to end in real Chromium (Debian's, via Playwright) against the real
sidecar (``photo-score serve`` in a subprocess) on generated photos.

Needs ``/usr/bin/chromium`` and the built renderer (``packages/desktop/renderer/dist``);
``scripts/test`` provides both. Screenshots of the main screens go to a temporary folder;
set PHOTO_SCORE_SCREENSHOTS=docs/screenshots to refresh the ones in the docs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from photo_score.scoring import default_config
from photo_score.xmp import hand_rating, read_sidecar
from tests.cloud import conftest as cloud
from tests.cloud import test_billing as billing
from tests.cloud.helpers import CloudDb, InProcessServer, signup
from tests.cloud.test_billing import deliver
from tests.desktop.conftest import make_shoot
from tests.factories.ratings import rate_by, soft_and_sharp_shoot
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.stripe_api import FakeStripe
from tests.sync.devices import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "packages" / "desktop" / "renderer" / "dist"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(
    os.environ.get("PHOTO_SCORE_SCREENSHOTS")
    or os.path.join(tempfile.gettempdir(), "photo-score-screenshots")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium (scripts/test)"),
    pytest.mark.skipif(
        not (DIST / "index.html").exists(), reason="needs the built renderer (scripts/test)"
    ),
]


def photo_score_exe() -> str:
    exe = Path(sys.executable).with_name("photo-score")
    return str(exe) if exe.exists() else shutil.which("photo-score") or "photo-score"


# The cloud the account tests sign in to: tests/cloud's deployment, selling credits through
# the fake Stripe as in test_billing (the base fixtures come from tests/desktop/conftest.py).
cloud_env = billing.cloud_env
fake_stripe = billing.fake_stripe
stripe_api = billing.stripe_api
settings = cloud.settings
server = cloud.server
client = cloud.client
openrouter = cloud.openrouter


@contextmanager
def serve(tmp_path: Path, extra_env: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """``photo-score serve --no-browser`` on a fresh home; its sidecar.json once ready."""
    home = tmp_path / "home"
    env = {
        **os.environ,
        "PHOTO_SCORE_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # never the user's keyring
        **(extra_env or {}),
    }
    proc = subprocess.Popen(
        [photo_score_exe(), "serve", "--no-browser"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    info_file = home / "sidecar.json"
    try:
        deadline = time.monotonic() + 60
        while not info_file.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                out, err = proc.communicate(timeout=5) if proc.poll() is not None else ("", "")
                pytest.fail(f"the sidecar did not start:\n{out}\n{err}")
            time.sleep(0.05)
        info = json.loads(info_file.read_text())
        assert info["pid"] == proc.pid
        yield {**info, "home": home, "folder": make_shoot(tmp_path / "photos" / "shoot")}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, proc.returncode
    assert not info_file.exists()  # removed on shutdown


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The app with no cloud configured (fully offline)."""
    with serve(tmp_path) as info:
        yield info


@pytest.fixture
def served_with_cloud(tmp_path: Path, server: InProcessServer) -> Iterator[dict[str, Any]]:
    """The app with PHOTO_SCORE_CLOUD_URL pointing at the test cloud; signed out."""
    with serve(tmp_path, {"PHOTO_SCORE_CLOUD_URL": server.url}) as info:
        yield info


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def grid_order(page: Any) -> list[str]:
    ids: list[str] = page.locator("[data-testid=photo-grid] [data-testid=photo-card]").evaluate_all(
        "cards => cards.map(c => c.dataset.imageId)"
    )
    return ids


def test_open_score_sort_view_tune_reload(served: dict[str, Any], browser: Any) -> None:
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{served['url']}/?token={served['token']}")
        assert "token=" not in page.url  # exchanged for the cookie, gone from the bar
        expect(page.get_by_test_id("nav-library")).to_be_visible()
        expect(page.get_by_test_id("offline-banner")).to_have_count(0)

        # Open a folder, score it with the local analyzer.
        page.get_by_test_id("add-folder-input").fill(str(served["folder"]))
        page.get_by_test_id("add-folder-submit").click()
        page.get_by_test_id("score-button").click()
        cards = page.locator("[data-testid=photo-grid] [data-testid=photo-card]")
        expect(cards).to_have_count(7, timeout=120_000)
        expect(page.get_by_test_id("error-banner")).to_have_count(0)

        # Sort by score: ranks follow the API's ranking.
        page.get_by_test_id("sort-select").select_option("score")
        expected = [p["image_id"] for p in _api(served, "/api/photos?sort=score")["items"]]
        page.wait_for_function(
            "ids => JSON.stringify([...document.querySelectorAll("
            "'[data-testid=photo-grid] [data-testid=photo-card]')].map(c => c.dataset.imageId))"
            " === JSON.stringify(ids)",
            arg=expected,
        )
        ranks = cards.evaluate_all("cards => cards.map(c => Number(c.dataset.rank))")
        assert ranks == list(range(1, 8))
        page.screenshot(path=str(SCREENSHOTS / "library.png"))

        # The viewer shows the best photo's score.
        page.get_by_test_id("photo-grid").focus()  # keyboard first: Enter opens the selection
        page.keyboard.press("Enter")
        viewer = page.get_by_test_id("viewer")
        expect(viewer).to_be_visible()
        best = _api(served, "/api/photos?sort=score&limit=1")["items"][0]
        expect(page.get_by_test_id("viewer-score")).to_contain_text(f"{best['final_score']:.0f}")
        advice = _api(served, f"/api/photos/{best['image_id']}/advice")
        expect(page.get_by_test_id("viewer-advice")).to_contain_text(advice["message"])
        page.screenshot(path=str(SCREENSHOTS / "viewer.png"))
        page.get_by_test_id("viewer-close").click()
        expect(viewer).to_have_count(0)

        # Move weight sliders: the ranking changes (live preview, then saved).
        before = grid_order(page)
        saved_fingerprint = _api(served, "/api/config")["fingerprint"]
        page.get_by_test_id("nav-config").click()
        for attribute, value in SLIDERS.items():
            page.get_by_test_id(f"weight-slider-{attribute}").fill(str(value))
        # The live preview (nothing saved yet) re-ranks: its order leaves the saved one.
        page.wait_for_function(
            "ids => JSON.stringify([...document.querySelectorAll("
            "'[data-testid=rank-preview] [data-testid=photo-card]')].map(c => c.dataset.imageId))"
            " !== JSON.stringify(ids)",
            arg=before,
        )
        assert _api(served, "/api/config")["fingerprint"] == saved_fingerprint
        page.screenshot(path=str(SCREENSHOTS / "config.png"))
        page.get_by_test_id("config-save").click()
        page.wait_for_function(
            "fp => fetch('/api/config').then(r => r.json()).then(c => c.fingerprint !== fp)",
            arg=saved_fingerprint,
        )
        after = [p["image_id"] for p in _api(served, "/api/photos?sort=score")["items"]]
        assert after != before
        page.get_by_test_id("nav-library").click()
        page.wait_for_function(
            "ids => JSON.stringify([...document.querySelectorAll("
            "'[data-testid=photo-grid] [data-testid=photo-card]')].map(c => c.dataset.imageId))"
            " === JSON.stringify(ids)",
            arg=after,
        )

        page.get_by_test_id("nav-dashboard").click()
        page.wait_for_timeout(300)
        page.screenshot(path=str(SCREENSHOTS / "dashboard.png"))
        page.get_by_test_id("nav-insights").click()
        expect(page.get_by_test_id("insights-photo-count")).to_contain_text("7")
        expect(page.get_by_test_id("insights-notes")).to_be_visible()  # seven photos: thin data
        page.screenshot(path=str(SCREENSHOTS / "insights.png"))
        page.get_by_test_id("nav-library").click()

        # A reload keeps the state: same view, same sort, same order.
        page.reload()
        expect(cards).to_have_count(7)
        expect(page.get_by_test_id("sort-select")).to_have_value("score")
        assert grid_order(page) == after
        assert errors == []
    finally:
        context.close()


def test_a_frame_the_analyzer_cannot_judge_says_why(served: dict[str, Any], browser: Any) -> None:
    """An 8×8 icon among the photos: scored last, and its viewer says why, not just 0."""
    from PIL import Image
    from playwright.sync_api import expect

    Image.new("RGB", (8, 8), (200, 30, 30)).save(served["folder"] / "icon.png")
    context, page, errors = open_app(browser, served)
    try:
        page.get_by_test_id("add-folder-input").fill(str(served["folder"]))
        page.get_by_test_id("add-folder-submit").click()
        page.get_by_test_id("score-button").click()
        cards = page.locator("[data-testid=photo-grid] [data-testid=photo-card]")
        expect(cards).to_have_count(8, timeout=120_000)
        ranked = _api(served, "/api/photos?sort=score")["items"]
        assert ranked[-1]["path"].endswith("icon.png")
        icon = ranked[-1]["image_id"]
        page.locator(f"[data-testid=photo-card][data-image-id='{icon}']").click()
        expect(page.get_by_test_id("viewer")).to_be_visible()
        expect(page.get_by_test_id("viewer-low-confidence")).to_contain_text(
            "8×8 px, too small or too narrow to judge"
        )
        page.get_by_test_id("viewer-close").click()
        best = ranked[0]["image_id"]  # a real photo carries no such caveat
        page.locator(f"[data-testid=photo-card][data-image-id='{best}']").click()
        expect(page.get_by_test_id("viewer-score")).to_be_visible()
        expect(page.get_by_test_id("viewer-low-confidence")).to_have_count(0)
        assert errors == []
    finally:
        context.close()


def make_burst(folder: Path) -> dict[str, Path]:
    """A burst on disk: three frames of one scene 0.2 s apart, the middle one sharp and the
    others blurred (after writing, keeping their EXIF so capture times survive), plus a lone
    photo from the same camera half an hour later."""
    from PIL import Image, ImageFilter

    from tests.factories.photos import make_camera_jpeg

    folder.mkdir(parents=True)
    frames = {"soft": ("000", 2), "sharp": ("200", 0), "blurred": ("400", 6)}  # shot order
    paths: dict[str, Path] = {}
    for i, (role, (subsec, blur)) in enumerate(frames.items(), start=1):
        path = make_camera_jpeg(
            folder / f"IMG_{i:04d}.jpg",
            size=(960, 640),
            seed=3,
            exif={"DateTimeOriginal": "2024:06:01 18:30:05", "SubSecTimeOriginal": subsec},
        )
        if blur:
            with Image.open(path) as image:
                exif = image.info["exif"]
                blurred = image.filter(ImageFilter.GaussianBlur(blur))
            blurred.save(path, quality=90, exif=exif)
        paths[role] = path
    paths["lone"] = make_camera_jpeg(
        folder / "IMG_0100.jpg",
        size=(960, 640),
        seed=11,
        exif={"DateTimeOriginal": "2024:06:01 19:02:41", "SubSecTimeOriginal": "000"},
    )
    return paths


def test_bursts_badges_keepers_only_and_the_burst_strip(
    served: dict[str, Any], browser: Any
) -> None:
    """A real burst: the sharp frame is badged the keeper, the blurred ones 2/3 and 3/3;
    Keepers only leaves the keeper and the lone photo (and survives a reload); a blurred
    frame's viewer lists the three frames in shot order and names the keeper."""
    from playwright.sync_api import expect

    folder = served["folder"].parent / "burst"
    paths = make_burst(folder)
    context, page, errors = open_app(browser, served)
    try:
        score_in_app(page, folder)
        cards = page.locator("[data-testid=photo-grid] [data-testid=photo-card]")
        expect(cards).to_have_count(4)
        ids = {Path(p["path"]).name: p["image_id"] for p in _api(served, "/api/photos")["items"]}
        id_of = {role: ids[path.name] for role, path in paths.items()}

        def card(role: str) -> Any:
            return page.locator(f"[data-testid=photo-card][data-image-id='{id_of[role]}']")

        keep = card("sharp").get_by_test_id("burst-badge")
        expect(keep).to_have_text("★ Keep · burst of 3")
        expect(keep).to_have_attribute("aria-label", "Best frame of a 3-frame burst")
        expect(card("soft").get_by_test_id("burst-badge")).to_have_text("2/3")
        expect(card("blurred").get_by_test_id("burst-badge")).to_have_text("3/3")
        expect(card("blurred")).to_have_attribute("aria-label", re.compile("3rd best frame"))
        expect(card("lone").get_by_test_id("burst-badge")).to_have_count(0)

        # A blurred frame's viewer: the burst in shot order, itself marked, the keeper named.
        card("blurred").click()
        strip = page.get_by_test_id("viewer-burst")
        frames = strip.get_by_test_id("burst-frame")
        expect(frames).to_have_count(3)
        shot_order = frames.evaluate_all("fs => fs.map(f => f.dataset.imageId)")
        assert shot_order == [id_of["soft"], id_of["sharp"], id_of["blurred"]]
        expect(frames.nth(2)).to_have_attribute("aria-current", "true")
        expect(frames.nth(1)).to_have_attribute("data-keeper", "true")
        expect(frames.nth(1)).to_contain_text("keep")
        expect(strip.get_by_test_id("burst-sentence")).to_have_text(
            "Frame 3 of 3 in shot order, ranked 3rd — the keeper is IMG_0002.jpg."
        )
        frames.nth(1).click()  # the keeper's thumbnail opens the keeper
        expect(page.get_by_test_id("viewer")).to_have_attribute("data-image-id", id_of["sharp"])
        expect(strip.get_by_test_id("burst-sentence")).to_contain_text("this is the keeper")
        page.get_by_test_id("viewer-close").click()

        # Keepers only: the keeper and the lone photo; kept in the URL across a reload.
        page.get_by_test_id("keepers-toggle").check()
        expect(cards).to_have_count(2)
        assert sorted(grid_order(page)) == sorted([id_of["sharp"], id_of["lone"]])
        assert "keepers=1" in page.url
        page.reload()
        expect(page.get_by_test_id("keepers-toggle")).to_be_checked()
        expect(cards).to_have_count(2)
        assert sorted(grid_order(page)) == sorted([id_of["sharp"], id_of["lone"]])
        page.get_by_test_id("keepers-toggle").uncheck()
        expect(cards).to_have_count(4)

        # Ratings for Lightroom: a sidecar beside each photo, by its tier.
        page.get_by_test_id("xmp-button").click()
        page.get_by_test_id("xmp-write").click()
        expect(page.get_by_test_id("xmp-result")).to_have_text(
            "Wrote 4 sidecars (4 new, 0 updated)."
        )
        tiers = {Path(p["path"]).name: p["tier"] for p in _api(served, "/api/photos")["items"]}
        marks = default_config().xmp
        for path in paths.values():
            mark = marks[tiers[path.name]]
            assert read_sidecar(path.with_suffix(".xmp")) == (mark.rating, mark.label)

        # Live XMP: on, it survives a reload and reports its first pass.
        page.get_by_test_id("xmp-auto").check()
        expect(page.get_by_test_id("xmp-auto-status")).to_contain_text(
            "Last update: Wrote 0 sidecars (0 new, 0 updated); 4 already up to date."
        )
        page.reload()
        page.get_by_test_id("xmp-button").click()
        expect(page.get_by_test_id("xmp-auto")).to_be_checked()
        page.get_by_test_id("xmp-button").click()

        # Rating in the viewer with Lightroom's keys goes to the sidecar as the
        # photographer's own, which the live passes keep.
        card("lone").click()
        expect(page.get_by_test_id("your-rating")).to_have_attribute("data-value", "0")
        with page.expect_response(lambda r: r.url.endswith("/rating") and r.ok):
            page.keyboard.press("5")
        expect(page.get_by_test_id("your-rating")).to_have_attribute("data-value", "5")
        assert hand_rating(str(paths["lone"])) == (5, "sidecar")
        page.keyboard.press("Escape")
        assert errors == []
    finally:
        context.close()


def test_a_wider_burst_window_groups_the_retakes(served: dict[str, Any], browser: Any) -> None:
    """Three frames of one scene 20 s apart are no burst at 2 s; choosing 30 s on the
    Scoring screen badges them in the preview, and once saved, in the library."""
    from playwright.sync_api import expect

    from tests.factories.photos import make_camera_jpeg

    folder = served["folder"].parent / "retakes"
    folder.mkdir()
    for i, second in enumerate(("05", "25", "45"), start=1):
        make_camera_jpeg(
            folder / f"IMG_{i:04d}.jpg",
            size=(960, 640),
            seed=3,
            exif={"DateTimeOriginal": f"2024:06:01 18:40:{second}", "SubSecTimeOriginal": "000"},
        )
    context, page, errors = open_app(browser, served)
    try:
        score_in_app(page, folder)
        cards = page.locator("[data-testid=photo-grid] [data-testid=photo-card]")
        expect(cards).to_have_count(3)
        expect(cards.get_by_test_id("burst-badge")).to_have_count(0)

        page.get_by_test_id("nav-config").click()
        preview = page.get_by_test_id("rank-preview")
        expect(preview.get_by_test_id("photo-card")).to_have_count(3)
        expect(preview.get_by_test_id("burst-badge")).to_have_count(0)
        page.get_by_test_id("burst-gap").select_option("30")
        expect(page.get_by_text("Unsaved changes")).to_be_visible()
        expect(preview.get_by_test_id("burst-badge")).to_have_count(3)
        expect(preview.get_by_test_id("burst-badge").filter(has_text="★ Keep")).to_have_count(1)
        page.get_by_test_id("config-save").click()
        expect(
            page.get_by_text("Saved. The library is ranked with the new weights.")
        ).to_be_visible()
        assert _api(served, "/api/config")["parsed"]["burst_gap_s"] == 30

        page.get_by_test_id("nav-library").click()
        expect(cards.get_by_test_id("burst-badge")).to_have_count(3)
        expect(
            cards.get_by_test_id("burst-badge").filter(has_text="★ Keep · burst of 3")
        ).to_have_count(1)
        assert errors == []
    finally:
        context.close()


def test_learn_from_my_ratings_puts_fitted_weights_on_the_sliders(
    served: dict[str, Any], browser: Any
) -> None:
    """Stars given by sharpness (as Lightroom would save them) teach the config editor to
    weigh sharpness up; the fitted weights go on the sliders and are saved."""
    from playwright.sync_api import expect

    folder = soft_and_sharp_shoot(served["folder"].parent / "rated")
    context, page, errors = open_app(browser, served)
    try:
        score_in_app(page, folder)
        photos = _api(served, "/api/photos?limit=200")["items"]
        mine = [p for p in photos if Path(p["path"]).parent == folder.resolve()]
        rate_by(mine, "sharpness")

        page.get_by_test_id("nav-config").click()
        before = float(page.get_by_test_id("weight-slider-sharpness").input_value())
        page.get_by_test_id("taste-learn").click()
        expect(page.get_by_test_id("taste-sentence")).to_contain_text(
            f"Learnt from {len(mine)} photos you rated ({len(mine)} from sidecars)."
        )
        expect(page.get_by_test_id("taste-verdict")).to_contain_text("follow your ratings better")
        page.get_by_test_id("taste-apply").click()
        expect(page.get_by_text("Unsaved changes")).to_be_visible()
        after = float(page.get_by_test_id("weight-slider-sharpness").input_value())
        assert after > before
        page.get_by_test_id("config-save").click()
        expect(
            page.get_by_text("Saved. The library is ranked with the new weights.")
        ).to_be_visible()
        saved = _api(served, "/api/config")["parsed"]
        assert saved["weights"]["technical"]["sharpness"] == pytest.approx(after, abs=0.01)
        assert errors == []
    finally:
        context.close()


# Let one aesthetic attribute decide the aesthetic half: reorders the generated shoot.
SLIDERS = {"composition": 0, "subject_strength": 0, "visual_appeal": 1}


def score_in_app(page: Any, folder: Path) -> None:
    """Add ``folder`` to the library and score it from the Library bar, to the end."""
    from playwright.sync_api import expect

    page.get_by_test_id("add-folder-input").fill(str(folder))
    page.get_by_test_id("add-folder-submit").click()
    page.get_by_test_id("score-button").click()
    expect(page.get_by_test_id("job-progress")).to_have_attribute(
        "data-state", "done", timeout=120_000
    )


def _api(served: dict[str, Any], path: str) -> Any:
    import httpx

    headers = {"authorization": f"Bearer {served['token']}"}
    return httpx.get(served["url"] + path, headers=headers, timeout=30).json()


# ------------------------------------------------------------------------ account & credits


def new_account(client: httpx.Client) -> tuple[str, str]:
    email = f"{uuid.uuid4().hex[:10]}@example.test"
    session = signup(client, email, PASSWORD)
    return email, session["user"]["id"]


def open_app(browser: Any, served: dict[str, Any]) -> tuple[Any, Any, list[str]]:
    """A page on the app; Stripe Checkout pages are answered locally (no network here)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.route(
        "https://checkout.stripe.com/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<h1>Checkout</h1>"),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{served['url']}/?token={served['token']}")
    return context, page, errors


def only_checkout(stripe_api: FakeStripe, user_id: str, plan_id: str) -> str:
    """The one Checkout Session the cloud created for this user since the reset: its URL."""
    [call] = stripe_api.calls
    assert call.form["metadata[user_id]"] == user_id
    assert call.form["metadata[plan_id]"] == plan_id
    [session] = [s for s in stripe_api.sessions.values() if s["metadata"]["user_id"] == user_id]
    url: str = session["url"]
    return url


def test_sign_in_see_balance_and_packs_then_buy(
    served_with_cloud: dict[str, Any],
    browser: Any,
    client: httpx.Client,
    stripe_api: FakeStripe,
) -> None:
    from playwright.sync_api import expect

    email, user_id = new_account(client)
    context, page, errors = open_app(browser, served_with_cloud)
    try:
        page.get_by_test_id("nav-account").click()
        page.get_by_test_id("login-email").fill(email)
        page.get_by_test_id("login-password").fill("not the password")
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("login-error")).to_contain_text("wrong email or password")
        page.get_by_test_id("login-password").fill(PASSWORD)
        page.get_by_test_id("login-submit").click()

        expect(page.get_by_test_id("account-email")).to_have_text(email)
        expect(page.get_by_test_id("account-balance")).to_have_text("5")  # the trial credits
        cards = page.get_by_test_id("plan-card")
        expect(cards).to_have_count(3)
        plans = client.get("/billing/plans").json()["data"]
        assert cards.evaluate_all("cs => cs.map(c => c.dataset.planId)") == [p["id"] for p in plans]
        expect(page.get_by_test_id("plan-price")).to_have_text(["$2.00", "$8.00", "$25.00"])
        expect(page.get_by_test_id("transaction-row")).to_have_count(1)
        expect(page.get_by_test_id("account-status")).to_contain_text(email)

        with context.expect_page() as opened:
            page.get_by_test_id("buy-credits_500").click()
        checkout_page = opened.value
        checkout_page.wait_for_load_state()
        url = only_checkout(stripe_api, user_id, "credits_500")
        assert checkout_page.url == url
        expect(page.get_by_test_id("checkout-started")).to_contain_text("500 credits")
        page.screenshot(path=str(SCREENSHOTS / "account.png"))

        # Stripe confirms the payment; back in the app the balance and history show it.
        session_id = url.rsplit("/", 1)[1].split("#")[0]
        assert deliver(client, stripe_api.complete(session_id)).json()["outcome"] == "credited"
        page.get_by_test_id("account-refresh").click()
        expect(page.get_by_test_id("account-balance")).to_have_text("505")
        rows = page.get_by_test_id("transaction-row")
        expect(rows).to_have_count(2)
        assert rows.evaluate_all("rs => rs.map(r => r.dataset.type)") == ["purchase", "trial"]

        page.get_by_test_id("logout-button").click()
        expect(page.get_by_test_id("login-email")).to_be_visible()
        assert errors == []
    finally:
        context.close()


def test_a_job_out_of_credits_shows_buy_credits(
    served_with_cloud: dict[str, Any],
    browser: Any,
    client: httpx.Client,
    cloud_db: CloudDb,
    stripe_api: FakeStripe,
    openrouter: FakeOpenRouter,
) -> None:
    from playwright.sync_api import expect

    email, user_id = new_account(client)
    cloud_db.set_balance(user_id, 1)
    headers = {"authorization": f"Bearer {served_with_cloud['token']}"}
    login = httpx.post(
        served_with_cloud["url"] + "/api/account/login",
        json={"email": email, "password": PASSWORD},
        headers=headers,
        timeout=60,
    )
    assert login.status_code == 200, login.text
    context, page, errors = open_app(browser, served_with_cloud)
    try:
        page.get_by_test_id("add-folder-input").fill(str(served_with_cloud["folder"]))
        page.get_by_test_id("add-folder-submit").click()
        page.get_by_test_id("analyzer-select").select_option("cloud")
        page.get_by_test_id("score-button").click()

        banner = page.get_by_test_id("buy-credits-banner")
        expect(banner).to_be_visible(timeout=120_000)
        expect(banner.get_by_test_id("buy-credits-balance")).to_have_text("Balance: 0 credits. ")
        expect(banner.get_by_test_id("buy-credits-message")).to_contain_text("the balance is 0")
        expect(banner.get_by_test_id("buy-credits-left")).to_contain_text(
            "6 photos were not analysed"
        )
        expect(banner.get_by_test_id("plan-price")).to_have_text(["$2.00", "$8.00", "$25.00"])
        expect(page.get_by_test_id("job-progress")).to_contain_text("Stopped")
        [job] = _api(served_with_cloud, "/api/jobs")
        assert (job["analyzed"], job["not_analyzed"]) == (1, 6)
        assert job["payment_required"]["balance"] == 0
        page.screenshot(path=str(SCREENSHOTS / "buy-credits.png"))

        with context.expect_page() as opened:
            banner.get_by_test_id("buy-credits_100").click()
        checkout_page = opened.value
        checkout_page.wait_for_load_state()
        assert checkout_page.url == only_checkout(stripe_api, user_id, "credits_100")
        expect(banner.get_by_test_id("checkout-started")).to_be_visible()
        assert cloud_db.balance(user_id) == 0  # nothing granted before Stripe confirms
        assert errors == []
    finally:
        context.close()
