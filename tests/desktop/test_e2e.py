"""The desktop UI end to end in real Chromium (Debian's, via Playwright) against the real
sidecar (``photo-score serve`` in a subprocess) on generated photos.

Needs ``/usr/bin/chromium`` and the built renderer (``packages/desktop/renderer/dist``);
``scripts/test`` provides both. Screenshots of the main screens go to a temporary folder;
set PHOTO_SCORE_SCREENSHOTS=docs/screenshots to refresh the ones in the docs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.conftest import make_shoot

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


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """``photo-score serve --no-browser`` on a fresh home; its sidecar.json once ready."""
    home = tmp_path / "home"
    env = {
        **os.environ,
        "PHOTO_SCORE_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # never the user's keyring
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


# Let one aesthetic attribute decide the aesthetic half: reorders the generated shoot.
SLIDERS = {"composition": 0, "subject_strength": 0, "visual_appeal": 1}


def _api(served: dict[str, Any], path: str) -> Any:
    import httpx

    headers = {"authorization": f"Bearer {served['token']}"}
    return httpx.get(served["url"] + path, headers=headers, timeout=30).json()
