"""The Insights endpoints: the library's personality profile and per-photo advice."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.desktop.conftest import Running, score_folder


def test_insights_require_the_token(sidecar: Running) -> None:
    with httpx.Client(base_url=sidecar.url, timeout=30) as anonymous:
        for path in ("/api/insights", f"/api/photos/{'a' * 64}/advice"):
            response = anonymous.get(path)
            assert response.status_code in (401, 403), path
            assert set(response.json()["error"]) == {"code", "message"}


def test_empty_library_has_an_insufficient_profile(sidecar: Running) -> None:
    response = sidecar.client.get("/api/insights")
    assert response.status_code == 200
    profile = response.json()
    assert profile["photo_count"] == 0
    assert profile["confidence"] == "insufficient"
    assert profile["recommendations"] == []


def test_unknown_photo_advice_is_a_404_in_the_error_shape(sidecar: Running) -> None:
    response = sidecar.client.get(f"/api/photos/{'b' * 64}/advice")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert sidecar.client.get("/api/photos/NOT-HEX/advice").status_code == 422


@pytest.fixture
def scored(sidecar: Running, shoot: Path) -> Running:
    assert score_folder(sidecar, shoot)["state"] == "done"
    return sidecar


def test_profile_and_advice_of_a_scored_library(scored: Running) -> None:
    photos = scored.client.get("/api/photos", params={"limit": 100}).json()
    profile = scored.client.get("/api/insights").json()
    assert profile["photo_count"] == photos["total"] == 7
    assert profile["scored_count"] == 7
    assert profile["confidence"] == "insufficient"  # seven photos support no claim
    assert profile["notes"]
    assert sum(profile["score_distribution"]["histogram"]) == 7
    for dimension in profile["composition_style"].values():
        assert len(dimension["poles"]) == 2

    image_id = photos["items"][0]["image_id"]
    advice = scored.client.get(f"/api/photos/{image_id}/advice")
    assert advice.status_code == 200
    body = advice.json()
    assert body["image_id"] == image_id
    assert body["message"]
    attributes = {
        "composition",
        "subject_strength",
        "visual_appeal",
        "sharpness",
        "exposure_balance",
        "noise_level",
    }
    named = {item["attribute"] for item in body["items"]} | set(body["above_typical"])
    every = [body] + [
        scored.client.get(f"/api/photos/{p['image_id']}/advice").json() for p in photos["items"]
    ]
    named |= {item["attribute"] for a in every for item in a["items"]}
    assert named
    assert named <= attributes
    assert all(item["text"] for a in every for item in a["items"])
